"""Training examples: one document's candidates for each ranked field, labelled right or wrong.

The built-in examples ship with the package (``builtin_examples.json.gz``, written by
``tools/learning_data.py`` from the corpus at ``make train``): the server has no corpus.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

BUILTIN_PATH = Path(__file__).with_name("builtin_examples.json.gz")

Row = tuple[dict[str, float], bool]


@dataclass
class Example:
    """One document: per ranked field, its candidates' features and whether each is the value."""

    doc: str
    fields: dict[str, list[Row]] = field(default_factory=dict)


def write_builtin(path: Path, examples: list[Example], attribution: list[str]) -> None:
    """A compact file: per field one feature list, per document its rows as value lists."""
    names: dict[str, list[str]] = {}
    for ex in examples:
        for fname, rows in ex.fields.items():
            have = set(names.get(fname, []))
            for feats, _ok in rows[:1]:
                have.update(feats)
            names[fname] = sorted(have)
    docs = []
    for ex in examples:
        docs.append(
            {
                "doc": ex.doc,
                "fields": {
                    fname: {
                        "x": [
                            [round(feats.get(n, 0.0), 5) for n in names[fname]]
                            for feats, _ok in rows
                        ],
                        "y": [i for i, (_f, ok) in enumerate(rows) if ok],
                    }
                    for fname, rows in ex.fields.items()
                },
            }
        )
    body = {"training_data": attribution, "features": names, "documents": docs}
    # no time stamp in the header: the same examples give the same bytes (a clean checkout after
    # make train when nothing changed)
    data = json.dumps(body, separators=(",", ":")).encode("utf-8")
    Path(path).write_bytes(gzip.compress(data, mtime=0))


@lru_cache(maxsize=2)
def _read(path: str) -> dict[str, Any]:
    p = Path(path)
    if not p.is_file():
        return {"training_data": [], "features": {}, "documents": []}
    with gzip.open(p, "rt", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def builtin_examples(path: Path = BUILTIN_PATH) -> list[Example]:
    """The shipped examples (an empty list when the file was not generated)."""
    data = _read(str(path))
    names: dict[str, list[str]] = data["features"]
    out = []
    for d in data["documents"]:
        ex = Example(str(d["doc"]))
        for fname, spec in d["fields"].items():
            good = set(spec["y"])
            ex.fields[fname] = [
                (dict(zip(names[fname], row)), i in good) for i, row in enumerate(spec["x"])
            ]
        out.append(ex)
    return out


def builtin_attribution(path: Path = BUILTIN_PATH) -> list[str]:
    return list(_read(str(path)).get("training_data", []))
