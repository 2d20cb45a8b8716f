"""PDF: the HTML report printed by WeasyPrint (A4, repeating table headers, page numbers).

Fonts come from the system (Debian: fonts-noto-core, fonts-noto-cjk, fonts-noto-color-emoji);
the report's CSS names them in its font-family fallback list so Thai, Chinese, German and
French text renders with real glyphs. The PDF is built whole, then yielded in chunks.

Speed (issue 13, profiled with cProfile on 50 files x 10 line items): WeasyPrint computed six
pseudo-element styles (``::marker``, ``::footnote-*``, ``::note-*``) for every table cell,
which the report never uses, and set fontconfig up again on every call. The report is printed
with a user-agent stylesheet without those six rules and with one font configuration per
thread, kept across calls. The garbage collector is paused while the report is laid out and
written (exporters/gc_pause.py): it took a fifth of the CPU time and frees almost nothing there.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Iterator
from typing import Any

from exporters.common import split_bytes
from exporters.gc_pause import collector_paused
from exporters.model import ExportBatch
from exporters.registry import Exporter, register
from exporters.report import TEMPLATES_DIR, generate_report

# WeasyPrint logs every CSS property it ignores at WARNING; keep the service log quiet.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)

# User-agent rules for pseudo-elements the report has no use for (it has no list items,
# footnotes or notes); each one costs a computed style per element.
UNUSED_UA_RULES = re.compile(
    r"^::(marker|footnote-call|footnote-marker|note-call|note-marker|note-callback)\b[^\n]*$", re.M
)
_THREAD = threading.local()


@functools.cache
def report_html_class() -> Any:
    """``weasyprint.HTML`` with the trimmed user-agent stylesheet, or plain ``HTML`` when this
    WeasyPrint's stylesheet does not have the expected shape (never a different rendering)."""
    from weasyprint import CSS, HTML  # imported lazily: it is slow to import

    try:
        from weasyprint.html import UA, UA_COUNTER_STYLE
    except ImportError:
        return HTML
    trimmed, removed = UNUSED_UA_RULES.subn("", UA)
    if removed != 6 or not hasattr(HTML, "_ua_stylesheets"):
        return HTML
    stylesheet = CSS(string=trimmed, counter_style=UA_COUNTER_STYLE)

    class ReportHTML(HTML):  # type: ignore[misc, valid-type]
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [stylesheet]

    return ReportHTML


def font_config() -> Any:
    """One WeasyPrint font configuration per thread (Pango font maps are not thread-safe)."""
    config = getattr(_THREAD, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _THREAD.font_config = FontConfiguration()
    return config


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
    html = "".join(generate_report(batch, for_print=True))
    with collector_paused():
        document = report_html_class()(
            string=html, base_url=str(TEMPLATES_DIR), url_fetcher=refusing_fetcher()
        ).render(font_config=font_config())
        return _write(document, batch)


def _write(document, batch: ExportBatch) -> bytes:
    document.metadata.title = f"{batch.name} – docbatch export"
    document.metadata.generator = "docbatch"
    return document.write_pdf()


def render(batch: ExportBatch, **_options: object) -> Iterator[bytes]:
    yield from split_bytes(build_pdf(batch))


register(Exporter(format="pdf", media_type="application/pdf", extension="pdf", render=render))
