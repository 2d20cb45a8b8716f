#!/usr/bin/env python3
"""Engine speed: ``python bench/bench_engine.py [CORPUS_DIR]`` (``make bench``).

Prints seconds per page for text-layer PDFs, seconds per image for OCR, the engine's time
against the bare OCR call on the same images (engine overhead as a ratio), OCR throughput with
one vs two intra-op threads and with two documents in parallel threads, and peak memory.
Uses the development corpus when present, the test fixtures otherwise. Runs in about a minute.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
FIXTURES = REPO / "tests" / "fixtures" / "extraction"


def _spec(name: str):
    from extraction import BUILTIN_TEMPLATES
    from extraction.templates import template_from_dict

    return template_from_dict(BUILTIN_TEMPLATES[name])


def bench_text_pdfs(files: list[Path]) -> None:
    from extraction import extract_file

    spec = _spec("invoice")
    extract_file(files[0], spec)  # warm imports
    per_page: list[float] = []
    pages = 0
    started = time.perf_counter()
    for f in files:
        t = time.perf_counter()
        r = extract_file(f, spec)
        per_page.append((time.perf_counter() - t) / max(1, r.pages))
        pages += r.pages
    total = time.perf_counter() - started
    print(
        f"text PDFs: {len(files)} files, {pages} pages in {total:.2f}s -> "
        f"{1000 * total / pages:.1f} ms/page "
        f"(median {1000 * statistics.median(per_page):.1f} ms/page, "
        f"max {1000 * max(per_page):.1f} ms/page)"
    )


def bench_ocr(images: list[Path]) -> None:
    from PIL import Image

    from extraction import extract_file, ocr

    spec = _spec("receipt")
    arrays = []
    for f in images:
        with Image.open(f) as im:
            arrays.append(ocr.prepare(im.convert("RGB"))[0])
    engine = ocr.get_engine()
    engine(arrays[0][:, :, ::-1].copy())  # load the model once
    plain: list[float] = []
    for f in images:  # what a caller would do: the RapidOCR call on the file, nothing else
        t = time.perf_counter()
        engine(str(f))
        plain.append(time.perf_counter() - t)
    bare: list[float] = []
    for a in arrays:  # the OCR call exactly as the engine makes it (prepared image, word boxes)
        t = time.perf_counter()
        engine(a[:, :, ::-1].copy())
        bare.append(time.perf_counter() - t)
    full: list[float] = []
    for f in images:
        t = time.perf_counter()
        extract_file(f, spec)
        full.append(time.perf_counter() - t)
    b, e, p = sum(bare), sum(full), sum(plain)
    n = len(images)
    print(
        f"OCR images: {n} images, engine {e / n:.2f} s/image; "
        f"bare RapidOCR 3 call on the file {p / n:.2f} "
        f"s/image -> ratio {e / p:.2f}; the engine's own OCR call (reduced huge scans, word boxes) "
        f"{b / n:.2f} s/image -> ratio {e / b:.2f}, "
        f"i.e. {1000 * (e - b) / n:.0f} ms/image for decoding, "
        "respacing, layout and field finding"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory after text PDFs and OCR (max RSS, one engine loaded): {peak:.0f} MB")

    # intra-op threads: one document with 1 vs 2 threads, and 2 documents at once with 1 thread each
    sample = arrays[: min(3, len(arrays))]
    for threads in (1, 2):
        os.environ["DOCBATCH_OCR_THREADS"] = str(threads)
        engine = ocr.get_engine()
        engine(sample[0][:, :, ::-1].copy())
        t = time.perf_counter()
        for a in sample:
            engine(a[:, :, ::-1].copy())
        seq = (time.perf_counter() - t) / len(sample)
        t = time.perf_counter()
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda a, engine=engine: engine(a[:, :, ::-1].copy()), sample * 2))
        par = (time.perf_counter() - t) / (2 * len(sample))
        print(
            f"OCR intra-op threads={threads}: {seq:.2f} s/image one at a time, "
            f"{par:.2f} s/image with 2 documents in parallel threads"
        )
    os.environ.pop("DOCBATCH_OCR_THREADS", None)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--images", type=int, default=6, help="OCR images to time (default 6)")
    args = ap.parse_args(argv)
    corpus = args.corpus
    pdfs = sorted((corpus / "zugferd").glob("*.pdf")) if (corpus / "zugferd").is_dir() else []
    pdfs = pdfs or [FIXTURES / "invoice_text.pdf", FIXTURES / "two_pages.pdf"]
    images = (
        sorted((corpus / "sroie").glob("*.jpg"))[: args.images]
        if (corpus / "sroie").is_dir()
        else []
    )
    images = images or [FIXTURES / "receipt.png"]
    print(
        f"cores: {os.cpu_count()}, "
        f"corpus: {'yes' if (corpus / 'sroie').is_dir() else 'no (fixtures)'}"
    )
    bench_text_pdfs(pdfs)
    bench_ocr(images)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory at the end (two more OCR engines loaded for the thread test): {peak:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
