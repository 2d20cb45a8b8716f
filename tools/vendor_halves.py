#!/usr/bin/env python3
"""Corpus receipts in two folders of links, split by vendor: ``tools/vendor_halves.py OUT``.

A receipt goes to ``OUT/tune`` or ``OUT/held`` by the parity of the SHA-1 of its label's
``meta.vendor_key``, so no vendor is in both: a choice made on ``tune`` is reported on ``held``
(``tools/ocr_compare.py --corpus OUT/held ...``). On the 250 receipts: 125 of 73 vendors and 125
of 77. Links to the image and its ground truth only; exits 0 with a message without the corpus.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "sroie"


def half(vendor: str) -> str:
    return "tune" if int(hashlib.sha1(vendor.encode()).hexdigest(), 16) % 2 == 0 else "held"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus in {args.corpus}: nothing to split")
        return 0
    counts: dict[str, set[str]] = {"tune": set(), "held": set()}
    for label in sorted(args.corpus.glob("*.json")):
        vendor = json.loads(label.read_text())["meta"]["vendor_key"]
        image, gt = label.with_suffix(".jpg"), label.with_suffix(".ocr-gt.csv")
        if not (image.exists() and gt.exists()):
            continue
        folder = args.out / half(vendor)
        folder.mkdir(parents=True, exist_ok=True)
        for f in (image, gt):
            link = folder / f.name
            if not link.exists():
                link.symlink_to(f.resolve())
        counts[half(vendor)].add(vendor)
    for name, vendors in counts.items():
        n = len(list((args.out / name).glob("*.jpg")))
        print(f"{args.out / name}: {n} receipts of {len(vendors)} vendors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
