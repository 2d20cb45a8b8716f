"""Baseline for the benchmark: the PDF exporter as it was before issue 13 (plain WeasyPrint
user-agent stylesheet, a new font configuration per call), kept unchanged for `make bench`.
It prints the current report template (issue 13 did not change it): a later change to the
template moves both figures.

PDF: the HTML report printed by WeasyPrint (A4, repeating table headers, page numbers).

Fonts come from the system (Debian: fonts-noto-core, fonts-noto-cjk, fonts-noto-color-emoji);
the report's CSS names them in its font-family fallback list so Thai, Chinese, German and
French text renders with real glyphs. The PDF is built whole, then yielded in chunks.
"""

from __future__ import annotations

import logging

from exporters.model import ExportBatch
from exporters.report import TEMPLATES_DIR, generate_report

# WeasyPrint logs every CSS property it ignores at WARNING; keep the service log quiet.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def build_pdf(batch: ExportBatch) -> bytes:
    from weasyprint import HTML  # imported lazily: it is slow to import

    html = "".join(generate_report(batch, for_print=True))
    document = HTML(string=html, base_url=str(TEMPLATES_DIR)).render()
    return _write(document, batch)


def _write(document, batch: ExportBatch) -> bytes:
    document.metadata.title = f"{batch.name} – docbatch export"
    document.metadata.generator = "docbatch"
    return document.write_pdf()
