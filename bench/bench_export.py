"""Time every export format on a synthetic 50-file invoice batch with 10 line items each.

Prints, per format: wall time (best of 3), output size, number of chunks and peak memory
allocated by Python while rendering (tracemalloc, in a separate untimed run; native memory
of WeasyPrint/lxml/pango is not counted).
Then issue 13's figures against the previous exporters, the PDF options (bench/pdf_options.py)
and the PDF download of a settled batch, prepared by the worker (bench/prepared_export.py).
Run: ``python bench/bench_export.py [n_files] [n_items]`` (``make bench`` calls ``main()``).
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exporters.registry import available_formats, get_exporter
from tests.exporters.samples import synthetic_invoice_batch

REPEAT = 3
ORDER = ["json", "csv", "csv-rows", "xml", "html", "text", "docx", "pdf"]


def _human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"


def _render(batch, fmt: str) -> tuple[int, int]:
    name, options = ("csv", {"line_items": "rows"}) if fmt == "csv-rows" else (fmt, {})
    exporter = get_exporter(name)
    assert exporter is not None, name
    size = chunks = 0
    for chunk in exporter.render(batch, **options):
        size += len(chunk)
        chunks += 1
    return size, chunks


def run_one(batch, fmt: str) -> tuple[float, int, int, int]:
    """Time one render (best of ``REPEAT`` runs), then measure its peak memory in another run:
    tracemalloc slows Python down several times, so it is kept out of the timed run."""
    best = float("inf")
    for _ in range(REPEAT):
        t = time.perf_counter()
        size, chunks = _render(batch, fmt)
        best = min(best, time.perf_counter() - t)
        if best > 1.0:  # slow formats (pdf): one timed run is enough
            break
    tracemalloc.start()
    tracemalloc.reset_peak()
    _render(batch, fmt)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, size, chunks, peak


def main(argv: list[str] | None = None) -> None:
    """``argv``: optional [n_files, n_items]; ``make bench`` calls ``main()`` with the defaults."""
    argv = argv or []
    n_files = int(argv[0]) if argv else 50
    n_items = int(argv[1]) if len(argv) > 1 else 10
    batch = synthetic_invoice_batch(n_files, n_items, n_failed=2)
    formats = [f for f in ORDER if f.split("-")[0] in available_formats()]
    # warm-up: imports (pandas, weasyprint, fonts) are not part of the figures
    warm = synthetic_invoice_batch(1, 1)
    for fmt in formats:
        run_one(warm, fmt)
    print(f"export bench: {n_files} files x {n_items} line items, invoice template, 2 failed files")
    print(f"(time: best of {REPEAT}; peak mem: Python allocations while rendering, tracemalloc)")
    print(f"{'format':<10}{'time':>10}{'size':>12}{'chunks':>8}{'peak mem':>12}")
    for fmt in formats:
        elapsed, size, chunks, peak = run_one(batch, fmt)
        print(f"{fmt:<10}{elapsed * 1000:>8.0f}ms{_human(size):>12}{chunks:>8}{_human(peak):>12}")
    compare(batch, n_files, n_items)


FIRST_EXPORT = """
import sys, time
sys.path.insert(0, {root!r})
import exporters.model, exporters.common  # the API process has these (and pydantic) loaded
from tests.exporters.samples import synthetic_invoice_batch
from exporters import registry
batch = synthetic_invoice_batch({n_files}, {n_items}, n_failed=2)
started = time.perf_counter()
if {import_all}:
    registry._load_all()  # what get_exporter did before issue 13: import every format module,
    import pandas  # noqa: F401 - fmt_csv imported pandas at the top then
exporter = registry.get_exporter("json")
size = sum(len(c) for c in exporter.render(batch))
print(time.perf_counter() - started)
"""


def first_export(n_files: int, n_items: int, import_all: bool) -> float:
    """The first JSON export in a fresh interpreter (median of 3 processes)."""
    import statistics
    import subprocess

    code = FIRST_EXPORT.format(
        root=str(Path(__file__).resolve().parents[1]),
        n_files=n_files,
        n_items=n_items,
        import_all=import_all,
    )
    return statistics.median(
        float(
            subprocess.run(
                [sys.executable, "-c", code], check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(3)
    )


def compare(batch, n_files: int, n_items: int) -> None:
    """Issue 13's figures against baselines measured now: the exporters as they were before
    (bench/baseline), the HTML report of the same batch, and the old import-everything registry."""
    from bench.baseline.docx_v1 import build_docx as docx_v1
    from bench.baseline.pdf_v1 import build_pdf as pdf_v1
    from exporters.fmt_docx import build_docx
    from exporters.fmt_pdf import build_pdf

    def best(fn) -> tuple[float, float]:
        """Best wall and best CPU seconds of 2 runs (CPU is steadier on a loaded machine)."""
        walls, cpus = [], []
        for _ in range(2):
            t, c = time.perf_counter(), time.process_time()
            fn(batch)
            walls.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
        return min(walls), min(cpus)

    html_s = run_one(batch, "html")[0]
    (pdf_old, pdf_old_cpu), (pdf_new, pdf_new_cpu) = best(pdf_v1), best(build_pdf)
    (docx_old, docx_old_cpu), (docx_new, docx_new_cpu) = best(docx_v1), best(build_docx)
    json_old, json_new = first_export(n_files, n_items, True), first_export(n_files, n_items, False)
    print(
        "\nissue 13 figures "
        "(best of 2; baseline = previous implementation, bench/baseline/, same run)"
    )
    print(f"{'what':<34}{'now':>10}{'baseline':>11}{'speed-up':>10}   target")
    for what, new, old, target in (
        ("PDF export", pdf_new, pdf_old, "<= 1.0 s"),
        ("PDF export, CPU seconds", pdf_new_cpu, pdf_old_cpu, ""),
        ("DOCX export", docx_new, docx_old, "<= 0.3 s"),
        ("DOCX export, CPU seconds", docx_new_cpu, docx_old_cpu, ""),
        ("first JSON export (new process)", json_new, json_old, "<= 0.05 s"),
    ):
        print(f"{what:<34}{new:>9.3f}s{old:>10.3f}s{old / new:>9.1f}x   {target}")
    print(
        f"PDF / HTML of the same batch       {pdf_new / html_s:.0f}x now, "
        f"{pdf_old / html_s:.0f}x before "
        f"(HTML {html_s * 1000:.0f} ms)"
    )

    from bench.pdf_options import measure

    measure(batch)  # where the PDF's time could go instead (issue 13): fragments, join, processes

    from bench.prepared_export import report

    report(batch)  # the download of a settled batch: prepared by the worker, served from storage


if __name__ == "__main__":
    main(sys.argv[1:])
