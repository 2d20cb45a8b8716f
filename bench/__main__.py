"""Run every benchmark section and print its figures; a failing section is reported, not hidden."""

from __future__ import annotations

import importlib
import sys
import time
import traceback

SECTIONS = [
    ("pipeline: upload to final status vs. engine alone", "bench.bench_pipeline"),
    ("engine: pages per second, OCR overhead, memory", "bench.bench_engine"),
    ("OCR: exact-line rate, CPU-s and memory vs. the previous engine", "bench.bench_ocr"),
    ("exports: 50-file batch in every format", "bench.bench_export"),
    ("live progress: file finished -> WebSocket event", "bench.bench_progress"),
    ("operations: migrations, readiness, metrics overhead, restart", "bench.bench_ops"),
    ("uploads: 50 files of 10 MB, time and API memory", "bench.bench_upload"),
    ("whole service vs. docbatch extract: 20 receipt scans", "bench.bench_service_ocr"),
    (
        "scale-out: files per second with 1, 2, 3 workers "
        "(Temporal, PostgreSQL, S3, API and workers as processes)",
        "bench.bench_scale",
    ),
]


def main() -> int:
    failed = []
    only = sys.argv[1:]
    for title, module_name in SECTIONS:
        if only and not any(o in module_name for o in only):
            continue
        print(f"\n=== {title} ({module_name}) ===", flush=True)
        started = time.perf_counter()
        try:
            importlib.import_module(module_name).main()
        except Exception:
            traceback.print_exc()
            failed.append(module_name)
        print(f"--- {module_name} took {time.perf_counter() - started:.1f} s", flush=True)
    if failed:
        print(f"\nFAILED sections: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    import os

    os._exit(code)  # the Temporal SDK can crash at interpreter exit (sdk-python #300)
