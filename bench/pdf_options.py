"""Issue 13, PDF export: the options measured against the whole-document render, same run.

WeasyPrint's cost is spread over every table cell (about 1 ms of layout and drawing per line of
text: 4,000 lines for 50 files x 10 items), so CSS changes cannot reach the target. The options
that change *where* or *how often* the work happens are measured here:

- ``sections``: each file's section printed as its own small document (what a per-file fragment
  made when the file finishes would cost the worker, per file);
- ``join``: the export-time cost left once those fragments exist: the report's head and tail
  printed, the fragments' pages imported (pypdfium2), and the page footers ("Page i of N" and
  the batch name) printed on a footer-only document the pages are laid onto;
- ``2 processes``: the whole report split in two halves printed in parallel (wall time).

A joined report starts every file on a new page (26 pages become 52 for the bench batch) and
embeds fonts once per fragment (about 7x the bytes); the rest a reader sees is kept. A section
also carries its rank among the finished files ("3. name"), which changes while a batch runs, so
fragments made when a file finishes would need a stable number (its upload position) or be made
when the batch finishes.
Run: ``python -m bench.pdf_options [n_files] [n_items]``.
"""

from __future__ import annotations

import io
import re
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from exporters.fmt_pdf import font_config, refusing_fetcher, report_html_class
from exporters.model import ExportBatch
from exporters.report import TEMPLATES_DIR, generate_report

SECTION = re.compile(r'<section class="doc".*?</section>\n', re.DOTALL)
NO_FOOTER = (
    "<style>@media print { @page { @bottom-left { content: none } "
    "@bottom-right { content: none } } }</style>\n</head>"
)


def _print(html: str) -> Any:
    return report_html_class()(
        string=html, base_url=str(TEMPLATES_DIR), url_fetcher=refusing_fetcher()
    ).render(font_config=font_config())


def split_report(batch: ExportBatch) -> tuple[str, str, list[str], str]:
    """The report's HTML: its <head>, then the head document, one document per file section and
    the tail document (these three printed without page footers)."""
    html = "".join(generate_report(batch, for_print=True))
    styles, _, _ = html.partition("<body>")
    head = styles.replace("</head>", NO_FOOTER, 1) + "<body>\n"
    sections = SECTION.findall(html)
    first, last = html.index(sections[0]), html.rindex(sections[-1]) + len(sections[-1])
    before, after = html[len(html.partition("<body>")[0]) + 6 : first], html[last:]
    return (
        styles,
        head + before + "</body></html>",
        [head + s + "</body></html>" for s in sections],
        head + after,
    )


def section_pdf(html: str) -> bytes:
    return bytes(_print(html).write_pdf())


def join(
    styles: str, head_pdf: bytes, fragments: list[bytes], tail_pdf: bytes, title: str
) -> bytes:
    """Pages of the head, every fragment and the tail, laid onto pages printed with the footers."""
    import html as html_lib

    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    joined = pdfium.PdfDocument.new()
    for data in (head_pdf, *fragments, tail_pdf):
        joined.import_pages(pdfium.PdfDocument(data))
    n = len(joined)
    footer_html = (
        f"{styles}<body>"
        f"<h1 style='font-size:0;margin:0;height:0'>{html_lib.escape(title)}</h1>"
        + "<div style='break-before: page'></div>" * (n - 1)
        + "</body></html>"
    )
    footers = pdfium.PdfDocument(bytes(_print(footer_html).write_pdf()))
    out = pdfium.PdfDocument.new()
    width, height = joined.get_page_size(0)
    for i in range(n):  # a blank page holding two forms: regenerating it is cheap
        page = out.new_page(width, height)
        page.insert_obj(joined.page_as_xobject(i, out).as_pageobject())
        page.insert_obj(footers.page_as_xobject(i, out).as_pageobject())
        page.gen_content()
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _cpu(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    c, t = time.process_time(), time.perf_counter()
    out = fn()
    return time.process_time() - c, time.perf_counter() - t, out


def _half(batch: ExportBatch, part: int) -> int:
    half = len(batch.results) // 2
    results = batch.results[:half] if part == 0 else batch.results[half:]
    sub = batch.model_copy(update={"results": results})
    return len(bytes(_print("".join(generate_report(sub, for_print=True))).write_pdf()))


def measure(batch: ExportBatch) -> None:
    from exporters.fmt_pdf import build_pdf

    whole_cpu, whole_wall, whole = _cpu(lambda: build_pdf(batch))
    styles, head, sections, tail = split_report(batch)
    frag_cpu, _, fragments = _cpu(lambda: [section_pdf(s) for s in sections])
    head_pdf, tail_pdf = section_pdf(head), section_pdf(tail)
    join_cpu, join_wall, joined = _cpu(
        lambda: join(styles, head_pdf, fragments, tail_pdf, batch.name)
    )
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_half, [batch, batch], [0, 1]))  # warm both processes
        _, par_wall, _ = _cpu(lambda: list(pool.map(_half, [batch, batch], [0, 1])))
    import pypdfium2 as pdfium

    pages_whole, pages_joined = len(pdfium.PdfDocument(whole)), len(pdfium.PdfDocument(joined))
    n = len(sections)
    print(f"\nPDF options ({n} files; CPU seconds are steadier than wall on a loaded machine)")
    print(
        f"  whole document (now)            cpu {whole_cpu:6.2f} s  wall {whole_wall:6.2f} s  "
        f"{pages_whole} pages"
    )
    print(
        f"  per-file sections, made ahead    cpu {frag_cpu:6.2f} s in all, "
        f"{frag_cpu / n * 1000:.0f} ms per file (worker, when the file finishes)"
    )
    print(
        f"  join at export time              cpu {join_cpu:6.2f} s  wall {join_wall:6.2f} s  "
        f"{pages_joined} pages ({whole_cpu / join_cpu:.1f}x less CPU than now); "
        f"{len(joined) / 1024:.0f} KiB vs {len(whole) / 1024:.0f} KiB (fonts embedded per fragment)"
    )
    print(
        f"  two halves in 2 processes        wall {par_wall:6.2f} s ({whole_wall / par_wall:.1f}x)"
    )


if __name__ == "__main__":
    from tests.exporters.samples import synthetic_invoice_batch

    args = [int(a) for a in sys.argv[1:]]
    measure(
        synthetic_invoice_batch(
            args[0] if args else 50, args[1] if len(args) > 1 else 10, n_failed=2
        )
    )
