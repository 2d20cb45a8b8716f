#!/usr/bin/env python3
"""Score the engine on the development corpus: ``python tools/eval.py [CORPUS_DIR]``.

Runs ``docbatch extract`` over each dataset into a temporary directory, maps predictions to
the dataset's label names (invoice2data names differ from the invoice template: that mapping
lives here, not in the engine), calls ``../shared/eval/score.py`` and prints a table per field
per dataset. Exits 0 with a message when the corpus is absent (it is not part of the repo).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tools.corpus_docs import labelled_documents

INVOICE_HEADER = [
    "invoice_number",
    "issue_date",
    "due_date",
    "seller_name",
    "buyer_name",
    "currency",
    "net_total",
    "tax_total",
    "grand_total",
    "iban",
]
# invoice2data label name -> invoice template field (its partner_name is the issuing company)
I2D_MAP = {
    "invoice_number": "invoice_number",
    "date": "issue_date",
    "date_due": "due_date",
    "issuer": "seller_name",
    "partner_name": "seller_name",
    "currency": "currency",
    "amount_untaxed": "net_total",
    "amount_tax": "tax_total",
    "amount": "grand_total",
    "iban": "iban",
}

DATASETS = [
    # name, template, score.py flags, fields scored
    ("sroie", "receipt", [], ["company", "date", "address", "total"]),
    ("zugferd", "invoice", ["--only-found"], INVOICE_HEADER),
    ("invoice2data", "invoice", [], list(I2D_MAP)),
]


def run_extract(files: list[Path], template: str, out: Path) -> float:
    started = time.perf_counter()
    cmd = [
        sys.executable,
        "-m",
        "cli.extract",
        *map(str, files),
        "--template",
        template,
        "--out",
        str(out),
    ]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    failures = [line for line in proc.stdout.splitlines() if "FAILED" in line]
    for line in failures:
        print("   ", line)
    return time.perf_counter() - started


def cached_extract(files: list[Path], out: Path) -> float:
    """The receipt template on the cached OCR reading of each image (the reading ``make train``
    uses; the same words ``docbatch extract`` reads), without paying for OCR again."""
    from extraction.builtin_templates import RECEIPT_SCHEMA
    from extraction.finders import find_fields
    from extraction.types import TemplateSpec
    from tools.corpus_docs import ocr_document

    started = time.perf_counter()
    template = TemplateSpec("receipt", RECEIPT_SCHEMA)
    for path in files:
        found = find_fields(ocr_document(path), template)
        fields = {name: r.value for name, r in found.items()}
        (out / (path.stem + ".json")).write_text(json.dumps({"fields": fields}, ensure_ascii=False))
    return time.perf_counter() - started


def documents(folder: Path) -> list[tuple[Path, Path]]:
    """(label file, document) pairs."""
    return [(lp, doc) for lp, _label, doc in labelled_documents(folder)]


def evaluate(
    corpus: Path, score_py: Path, misses: int, cached_ocr: bool = False
) -> dict[str, dict]:
    results: dict[str, dict] = {}
    for name, template, flags, fields in DATASETS:
        folder = corpus / name
        if not folder.is_dir():
            print(f"{name}: not found in {corpus}, skipped")
            continue
        pairs = documents(folder)
        with tempfile.TemporaryDirectory(prefix=f"eval-{name}-") as tmp:
            raw, preds = Path(tmp) / "raw", Path(tmp) / "pred"
            raw.mkdir()
            preds.mkdir()
            # documents sharing a stem (X.pdf, X.png) are extracted in separate runs
            groups: dict[str, list[tuple[Path, Path]]] = {}
            for lp, doc in pairs:
                groups.setdefault(doc.suffix.lower(), []).append((lp, doc))
            seconds = 0.0
            for suffix, group in groups.items():
                out = raw / suffix.lstrip(".")
                out.mkdir()
                if cached_ocr and name == "sroie":
                    seconds += cached_extract([d for _l, d in group], out)
                else:
                    seconds += run_extract([d for _l, d in group], template, out)
                for lp, doc in group:
                    pred_file = out / (doc.stem + ".json")
                    pred = (
                        json.loads(pred_file.read_text())["fields"] if pred_file.is_file() else {}
                    )
                    if name == "invoice2data":
                        pred = {label: pred.get(ours) for label, ours in I2D_MAP.items()}
                    (preds / lp.name).write_text(json.dumps({"fields": pred}, ensure_ascii=False))
            cmd = [
                sys.executable,
                str(score_py),
                str(folder),
                str(preds),
                "--json",
                "--fields",
                ",".join(fields),
                *flags,
            ]
            summary = json.loads(
                subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            )
            if template == "invoice":  # rows of labelled line items (score.py skips lists)
                items = subprocess.run(
                    [sys.executable, str(REPO / "tools" / "score_items.py"), str(folder)]
                    + [str(preds), "--json"],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                summary["line_items"] = json.loads(items)
            if misses:
                text = subprocess.run(
                    [
                        sys.executable,
                        str(score_py),
                        str(folder),
                        str(preds),
                        "--fields",
                        ",".join(fields),
                        "--show-misses",
                        str(misses),
                        *flags,
                    ],
                    capture_output=True,
                    text=True,
                ).stdout
                print("\n".join(line for line in text.splitlines() if line.startswith("miss:")))
        summary["seconds"] = round(seconds, 1)
        summary["docs"] = len(pairs)
        results[name] = summary
        print_table(name, template, flags, summary)
    return results


def print_table(name: str, template: str, flags: list[str], s: dict) -> None:
    print(
        f"\n{name} (template {template}{', ' + ' '.join(flags) if flags else ''}): "
        f"{s['docs']} documents in {s['seconds']}s"
    )
    print(f"  {'field':20s} {'correct':>7s} {'total':>5s} {'accuracy':>8s}")
    for field, f in s["per_field"].items():
        print(f"  {field:20s} {f['correct']:7d} {f['total']:5d} {f['accuracy']:8.3f}")
    print(f"  {'overall':20s} {'':7s} {s['fields_scored']:5d} {s['accuracy']:8.3f}")
    items = s.get("line_items") or {}
    if items.get("documents"):
        shown = {k: "n/a" if v is None else f"{v:.3f}" for k, v in items.items()}
        print(
            f"  line items (tools/score_items.py, {items['documents']} documents with rows): "
            f"row count right {shown['row_count_right']}, rows recall {shown['row_recall']} "
            f"precision {shown['row_precision']}, description {shown['description']}, "
            f"quantity {shown['quantity']}"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument(
        "--score", type=Path, default=None, help="score.py (default: CORPUS/../eval/score.py)"
    )
    ap.add_argument("--only", help="comma-separated datasets to run (sroie, zugferd, invoice2data)")
    ap.add_argument("--show-misses", type=int, default=0, metavar="N")
    ap.add_argument(
        "--cached-ocr",
        action="store_true",
        help=(
            "receipts: read the OCR cache that make train fills instead of running docbatch extract"
        ),
    )
    args = ap.parse_args(argv)
    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        print(
            f"No corpus at {corpus}: nothing to evaluate "
            "(the corpus is not part of the repository)."
        )
        return 0
    score_py = args.score or corpus.parent / "eval" / "score.py"
    if not score_py.is_file():
        print(f"No scorer at {score_py}: nothing to evaluate.")
        return 0
    global DATASETS
    if args.only:
        wanted = set(args.only.split(","))
        DATASETS = [d for d in DATASETS if d[0] in wanted]
    evaluate(corpus, score_py, args.show_misses, args.cached_ocr)
    if not args.only or "sroie" in args.only.split(","):
        kfold_figures(corpus)
    return 0


def kfold_figures(corpus: Path) -> None:
    """What is fitted to data (the field ranker) scored on vendors it was not fitted on."""
    print("\nsroie, fitted parts: field ranker, vendor-grouped 5-fold (no vendor in two folds)")
    try:
        import lightgbm  # noqa: F401
    except ImportError:
        print("  skipped: lightgbm is not installed (make eval installs it)")
        return
    subprocess.run(
        [sys.executable, str(REPO / "tools" / "train_ranker.py"), str(corpus), "--dry-run"],
        cwd=REPO,
        check=False,
    )


if __name__ == "__main__":
    sys.exit(main())
