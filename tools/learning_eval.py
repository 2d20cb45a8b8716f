#!/usr/bin/env python3
"""Figures for learning from corrections, on receipts generated from a few invented layouts.

Per layout (one organisation's seller): the first ``--train`` receipts are "reviewed" (their true
values play the person's corrections); ``learn`` evaluates the organisation's model against the
built-in one held out by document (k-fold) and decides; then the engine reads ``--new`` further
receipts of the layout with the built-in model, the organisation's model and the vendor memory.
    python tools/learning_eval.py [--train 4] [--new 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from extraction import EngineOptions, extract_file
from extraction.builtin_templates import RECEIPT_SCHEMA
from extraction.learning.documents import org_document
from extraction.learning.examples import builtin_examples
from extraction.learning.retrain import learn
from extraction.learning.train import _ok, best, fit
from extraction.readers import read_document
from extraction.types import TemplateSpec
from tests.learning.receipts import LAYOUT, OTHER, PLAIN, Layout, Receipt, render

TEMPLATE = TemplateSpec("receipt", RECEIPT_SCHEMA)
LAYOUTS = {"operator-above-shop": LAYOUT, "operator-above-shop-2": OTHER, "plain": PLAIN}


def right(values: dict[str, object], r: Receipt) -> int:
    total = values.get("total")
    return int(values.get("company") == r.seller) + int(
        isinstance(total, (int, float)) and abs(total - float(r.total)) < 0.005
    )


def run(
    name: str, layout: Layout, folder: Path, n_train: int, n_new: int
) -> tuple[dict[str, Any] | None, list[Receipt]]:
    """One organisation (one layout); its switched model (if any) and its new receipts."""
    receipts = [
        render(folder / f"{name}-{seed}.png", 100 + seed, layout) for seed in range(n_train + n_new)
    ]
    docs = []
    for r in receipts[:n_train]:
        values = {
            **extract_file(r.path, TEMPLATE).values(),
            "company": r.seller,
            "total": float(r.total),
            "address": " ".join(layout.address),
        }
        learned = org_document(
            r.path.name, read_document(r.path, EngineOptions()), TEMPLATE, values
        )
        if learned is not None:
            docs.append(learned)
    outcome = learn(docs)
    ev = outcome.evaluation.to_json() if outcome.evaluation else {}
    print(f"{name}: {len(docs)} reviewed receipts, held out by document ({ev.get('folds')}-fold):")
    for field in ev.get("tested", {}):
        print(
            f"  {field:8s} built-in {ev['builtin'][field]:.2f}"
            f"  organisation {ev['learned'][field]:.2f}  with memory {ev['withMemory'][field]:.2f}"
        )
    print(
        f"  right: built-in {ev.get('builtinRight')}  organisation {ev.get('learnedRight')}"
        f"  with memory {ev.get('withMemoryRight')} -> {'switch' if outcome.switch else 'keep'}"
    )
    model = outcome.model if outcome.switch else None
    modes = {
        "built-in": None,
        "organisation model": {"model": model, "memory": []},
        "vendor memory": {"model": None, "memory": outcome.memory},
        "both (as the worker runs)": {"model": model, "memory": outcome.memory},
    }
    for mode, learning in modes.items():
        options = replace(EngineOptions(), learning=learning)
        hits = sum(
            right(extract_file(r.path, TEMPLATE, options=options).values(), r)
            for r in receipts[n_train:]
        )
        print(f"  new receipts, {mode:26s}: {hits}/{2 * n_new} fields right (seller, total)")
    return model, receipts[n_train:]


def cross(results: dict[str, tuple[dict[str, Any] | None, list[Receipt]]]) -> None:
    """Each switched model on the other layouts' new receipts: what it costs a vendor it never
    saw."""
    for name, (model, _mine) in results.items():
        if model is None:
            continue
        for other, (_m, receipts) in results.items():
            if other == name:
                continue
            options = replace(EngineOptions(), learning={"model": model, "memory": []})
            plain = sum(right(extract_file(r.path, TEMPLATE).values(), r) for r in receipts)
            hits = sum(
                right(extract_file(r.path, TEMPLATE, options=options).values(), r) for r in receipts
            )
            print(
                f"{name}'s model on {other}'s new receipts: {hits}/{2 * len(receipts)} right "
                f"(built-in {plain}/{2 * len(receipts)})"
            )


def corpus_cost(folder: Path, n_train: int) -> None:
    """What an organisation's upweighted documents cost on corpus receipts it never saw: the
    shipped examples split by document (every fifth held out); a model fitted on the rest alone
    and one fitted on the rest plus one layout's reviewed receipts pick on the held-out fifth."""
    examples = builtin_examples()
    if not examples:
        print("no shipped examples: run make train")
        return
    test = examples[::5]
    rest = [e for i, e in enumerate(examples) if i % 5]
    receipts = [render(folder / f"cost-{seed}.png", 200 + seed, LAYOUT) for seed in range(n_train)]
    org = []
    for r in receipts:
        values = {**extract_file(r.path, TEMPLATE).values(), "company": r.seller}
        doc = org_document(r.path.name, read_document(r.path, EngineOptions()), TEMPLATE, values)
        if doc is not None:
            org.append(doc.example)
    print(f"corpus receipts held out ({len(test)} documents, perfect transcriptions):")
    for name in ("company", "address", "total"):
        rows = [e.fields[name] for e in test if name in e.fields]
        alone, with_org = fit(rest, [], name, org_needed=False), fit(rest, org, name)
        hits = [sum(_ok(r, best(t, r)) for r in rows) if t else 0 for t in (alone, with_org)]
        print(
            f"  {name:8s} built-in examples alone {hits[0]}/{len(rows)}"
            f"  + {len(org)} reviewed receipts of one layout {hits[1]}/{len(rows)}"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", type=int, default=4)
    ap.add_argument("--new", type=int, default=2)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        results = {
            name: run(name, layout, Path(tmp), args.train, args.new)
            for name, layout in LAYOUTS.items()
        }
        cross(results)
        corpus_cost(Path(tmp), args.train)
    return 0


if __name__ == "__main__":
    sys.exit(main())
