"""The PDF exporter prints with a trimmed user-agent stylesheet and a cached font configuration
(issue 13): every page must look exactly as the previous exporter (kept in bench/baseline)
printed it: same page count, same text, same pixels."""

from __future__ import annotations

import pypdfium2 as pdfium

from bench.baseline.pdf_v1 import build_pdf as build_pdf_v1
from exporters.fmt_pdf import build_pdf, report_html_class
from tests.exporters.conftest import make_batch


def _pages(data: bytes) -> list[tuple[str, bytes]]:
    pdf = pdfium.PdfDocument(data)
    return [
        (pdf[i].get_textpage().get_text_range(), pdf[i].render(scale=1).to_pil().tobytes())
        for i in range(len(pdf))
    ]


def test_pdf_pages_identical_to_previous_exporter():
    from weasyprint import HTML

    assert report_html_class() is not HTML  # the fast path is really in use
    batch = make_batch(in_progress=True)
    new, old = _pages(build_pdf(batch)), _pages(build_pdf_v1(batch))
    assert len(new) == len(old) >= 2
    for page, (n, o) in enumerate(zip(new, old), start=1):
        assert n[0] == o[0], f"text of page {page} differs"
        assert n[1] == o[1], f"pixels of page {page} differ"
    assert _pages(build_pdf(batch)) == new  # the cached font configuration changes nothing on reuse
