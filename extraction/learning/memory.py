"""Vendor memory: the values a person confirmed or corrected on one layout, found again on the next.

An entry remembers a document's layout (``fingerprint``) and, per ranked field, the confirmed
value with where it was printed and the words printed beside it (its label). On a new document of
the same layout, a text field (a name, an address) is the candidate that reads the same value; an
amount, which changes from one document to the next, is the candidate printed beside the same
label in the same column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extraction.document import Document
from extraction.finders.locate import fold
from extraction.learning.fingerprint import SAME_LAYOUT, Fingerprint, fingerprint, similarity
from extraction.learning.matching import same_value
from extraction.ranker.candidates import Ranked

#: fields whose value changes from one document to the next: found by label and column, not value
VARYING = frozenset({"total"})
#: how far (fraction of the page width) the remembered amount's column may move
COLUMN = 0.12
#: the share of label words that must agree
SAME_LABEL = 0.5
#: entries kept per template (the newest win)
MAX_ENTRIES = 300


@dataclass(frozen=True)
class Remembered:
    value: str
    x: float  # centre of the value's box, fraction of the page width
    y: float
    label: tuple[str, ...]  # letter-only words printed on the value's line, outside its box


@dataclass(frozen=True)
class Entry:
    layout: Fingerprint
    fields: dict[str, Remembered]

    def to_json(self) -> dict[str, Any]:
        return {
            "layout": [list(w) for w in self.layout],
            "fields": {
                k: {"value": r.value, "x": r.x, "y": r.y, "label": list(r.label)}
                for k, r in self.fields.items()
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        layout = [(str(t), float(x), float(y)) for t, x, y in data.get("layout", [])]
        fields = {
            k: Remembered(str(v["value"]), float(v["x"]), float(v["y"]), tuple(v.get("label", [])))
            for k, v in data.get("fields", {}).items()
        }
        return cls(layout, fields)


def _label(doc: Document, cand: Ranked) -> tuple[str, ...]:
    """Letter-only words on the candidate's line that lie outside its box."""
    page = next((p for p in doc.pages if p.number == cand.page), None)
    if page is None:
        return ()
    yc = (cand.box[1] + cand.box[3]) / 2
    line = next((ln for ln in page.lines if ln.box[1] - 1 <= yc <= ln.box[3] + 1), None)
    if line is None:
        return ()
    words = [
        fold(w.text).strip(".,:;()")
        for w in line.words
        if w.x1 <= cand.box[0] + 1 or w.x0 >= cand.box[2] - 1
    ]
    return tuple(sorted({w for w in words if len(w) >= 2 and w.isalpha()}))


def _centre(doc: Document, cand: Ranked) -> tuple[float, float]:
    page = next((p for p in doc.pages if p.number == cand.page), doc.pages[0])
    return (
        (cand.box[0] + cand.box[2]) / 2 / max(1.0, page.width),
        (cand.box[1] + cand.box[3]) / 2 / max(1.0, page.height),
    )


def remember(doc: Document, chosen: dict[str, Ranked]) -> Entry:
    """An entry for one reviewed document: ``chosen`` is each ranked field's confirmed candidate."""
    fields = {}
    for name, cand in chosen.items():
        x, y = _centre(doc, cand)
        fields[name] = Remembered(str(cand.value), round(x, 4), round(y, 4), _label(doc, cand))
    return Entry(fingerprint(doc), fields)


def add(entries: list[Entry], new: Entry) -> list[Entry]:
    """The newest entry of a layout replaces the older ones of the same layout."""
    kept = [e for e in entries if similarity(e.layout, new.layout) < SAME_LAYOUT]
    return (kept + [new])[-MAX_ENTRIES:]


def _jaccard(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    if not a and not b:
        return 1.0
    return len(set(a) & set(b)) / len(set(a) | set(b))


def recall(entries: list[Entry], doc: Document, name: str, cands: list[Ranked]) -> Ranked | None:
    """The candidate the remembered value of the most similar layout names, if any."""
    if not entries or not cands:
        return None
    layout = fingerprint(doc)
    scored = sorted(
        ((similarity(layout, e.layout), i) for i, e in enumerate(entries) if name in e.fields),
        reverse=True,
    )
    for sim, i in scored:
        if sim < SAME_LAYOUT:
            break
        memo = entries[i].fields[name]
        best: tuple[float, Ranked] | None = None
        for cand in cands:
            x, y = _centre(doc, cand)
            if name in VARYING:
                agree = _jaccard(memo.label, _label(doc, cand))
                if agree < SAME_LABEL or abs(x - memo.x) > COLUMN:
                    continue
                score = agree - abs(y - memo.y)
            else:
                if not same_value(name, memo.value, cand.value):
                    continue
                score = 1.0 - abs(y - memo.y) - abs(x - memo.x)
            if best is None or score > best[0]:
                best = (score, cand)
        if best is not None:
            return best[1]
    return None
