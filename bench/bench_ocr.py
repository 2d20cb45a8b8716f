#!/usr/bin/env python3
"""OCR accuracy and cost, the engine against the previous one in the same run:
``python bench/bench_ocr.py [CORPUS_DIR] [--receipts N]`` (a section of ``make bench``).

For each engine, in its own process (so peak memory is that engine's alone) with one intra-op
thread: the share of ground-truth lines read exactly on corpus receipts (and with spaces
ignored), CPU seconds per receipt around the OCR call (model loading excluded) and the process's
peak resident memory. The measuring is ``tools/ocr_compare.py``'s; the previous engine is
``bench/ocr_previous.py`` (``rapidocr_onnxruntime``, PP-OCRv4), and ``v6-before`` is the rapidocr 3
set-up as it was before its cost was worked on. Without the corpus, only cost is measured, on the
test fixture receipt.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tools"))
FIXTURE = REPO / "tests" / "fixtures" / "extraction" / "receipt.png"

TARGET_EXACT, TARGET_CPU, TARGET_RSS = 0.85, 1.0, 600


def _row(label: str, r: dict, with_gt: bool) -> str:
    if "error" in r:
        return f"  {label:<10} failed: {r['error']}"
    acc = f"exact-line {r['exact']:.3f}, without spaces {r['nospace']:.3f}, " if with_gt else ""
    return (
        f"  {label:<10} {acc}{r['cpu_s']:.2f} CPU-s/receipt ({r.get('sys_s', 0.0):.2f} in the "
        f"kernel), peak RSS {r['rss_mb']:.0f} MB "
        f"({r['images']} receipts, {r['lines']} lines)"
    )


def main(argv: list[str] | None = None) -> int:
    import ocr_compare

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--receipts", type=int, default=30, help="corpus receipts to read (default 30)")
    args = ap.parse_args([] if argv is None else argv)  # as a section of `make bench`: defaults
    sroie = args.corpus / "sroie"
    with_gt = bool(sroie.is_dir() and ocr_compare.receipts(sroie, 1))
    with tempfile.TemporaryDirectory() as tmp:
        if with_gt:
            folder, limit = sroie, args.receipts
            print(
                f"{len(ocr_compare.receipts(sroie, limit))} corpus receipts "
                "(tools/ocr_compare.py order), "
                "one thread, each engine in its own process"
            )
        else:
            from PIL import Image

            folder, limit = Path(tmp), None
            with Image.open(FIXTURE) as im:
                im.convert("RGB").save(folder / "receipt.jpg", quality=95)
            print(
                "no corpus: cost only, on the fixture receipt (no ground truth, no exact-line rate)"
            )
        rows = {
            name: ocr_compare.measure(name, folder, limit, need_gt=with_gt)
            for name in ("previous", "v6-before", "current")
        }
    for name in rows:
        print(_row(name, rows[name], with_gt))
    cur = rows["current"]
    if any("error" in r for r in rows.values()):
        return 1
    for base in ("previous", "v6-before"):
        prev = rows[base]
        print(
            f"  current / {base}: CPU {cur['cpu_s'] / prev['cpu_s']:.2f}x, "
            f"memory {cur['rss_mb'] / prev['rss_mb']:.2f}x"
            + (f", exact-line {cur['exact'] - prev['exact']:+.3f}" if with_gt else "")
        )
    checks = [
        f"CPU <= {TARGET_CPU} s: {'met' if cur['cpu_s'] <= TARGET_CPU else 'NOT met'}",
        f"RSS <= {TARGET_RSS} MB: {'met' if cur['rss_mb'] <= TARGET_RSS else 'NOT met'}",
    ]
    if with_gt:
        checks.insert(
            0,
            f"exact-line >= {TARGET_EXACT}: {'met' if cur['exact'] >= TARGET_EXACT else 'NOT met'}",
        )
    print("  targets (issue 9) for the current engine: " + "; ".join(checks))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
