"""PDF: the HTML report printed by WeasyPrint (A4, repeating table headers, page numbers).

Fonts come from the system (Debian: fonts-noto-core, fonts-noto-cjk, fonts-noto-color-emoji);
the report's CSS names them in its font-family fallback list so Thai, Chinese, German and
French text renders with real glyphs. The PDF is built whole, then yielded in chunks.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from exporters.common import split_bytes
from exporters.model import ExportBatch
from exporters.registry import Exporter, register
from exporters.report import TEMPLATES_DIR, generate_report

# WeasyPrint logs every CSS property it ignores at WARNING; keep the service log quiet.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def refuse_url(url: str, *args: object, **kwargs: object) -> dict:
    """The report is self-contained: a URL in it (from an extracted value) is never fetched."""
    raise ValueError(f"docbatch exports fetch no URLs ({url[:80]})")


def refusing_fetcher() -> object:
    """A WeasyPrint URL fetcher that allows no scheme at all (WeasyPrint >= 68 wants an object)."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # older WeasyPrint: a plain function
        return refuse_url
    return URLFetcher(allowed_protocols=())


def build_pdf(batch: ExportBatch) -> bytes:
    from weasyprint import HTML  # imported lazily: it is slow to import

    html = "".join(generate_report(batch, for_print=True))
    document = HTML(string=html, base_url=str(TEMPLATES_DIR), url_fetcher=refusing_fetcher()).render()
    return _write(document, batch)


def _write(document, batch: ExportBatch) -> bytes:  # noqa: ANN001
    document.metadata.title = f"{batch.name} – docbatch export"
    document.metadata.generator = "docbatch"
    return document.write_pdf()


def render(batch: ExportBatch, **_options: object) -> Iterator[bytes]:
    yield from split_bytes(build_pdf(batch))


register(Exporter(format="pdf", media_type="application/pdf", extension="pdf", render=render))
