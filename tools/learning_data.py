#!/usr/bin/env python3
"""Write the built-in training examples that ship with the package (``make train``).

A per-organisation model is trained on these plus the organisation's corrections
(``extraction.learning``); the server has no corpus, so the candidates' features of the corpus
receipts are stored compactly in ``extraction/learning/builtin_examples.json.gz``. Uses the
perfect transcriptions by default (no OCR); ``--ocr`` adds the engine's OCR readings.
Regenerate whenever the candidates' features change (``extraction/ranker/candidates.py``).
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from extraction.learning.examples import BUILTIN_PATH, Example, write_builtin
from tools.train_ranker import ATTRIBUTION, doc_rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--out", type=Path, default=BUILTIN_PATH)
    ap.add_argument(
        "--ocr", action="store_true", help="add the OCR readings (slow without a cache)"
    )
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    folder = args.corpus.resolve() / "sroie"
    if not folder.is_dir():
        print(f"No receipts at {folder}: the shipped examples are kept.")
        return 0
    labels = sorted(str(p) for p in folder.glob("*.json"))
    jobs = [(p, str(args.corpus.resolve()), True) for p in labels]
    if args.ocr:
        jobs += [(p, str(args.corpus.resolve()), False) for p in labels]
    with ProcessPoolExecutor(args.jobs) as pool:
        docs = list(pool.map(doc_rows, jobs, chunksize=4))
    examples = [
        Example(
            ("gt:" if d["gt"] else "ocr:") + d["file"],
            {name: [(f, bool(ok)) for f, ok in spec["rows"]] for name, spec in d["fields"].items()},
        )
        for d in docs
    ]
    write_builtin(args.out, examples, ATTRIBUTION)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB): {len(examples)} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
