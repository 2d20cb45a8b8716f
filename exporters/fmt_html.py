"""HTML: a standalone report (Jinja2, autoescape on, CSS inline, no external resources).

Streams: the template is rendered with ``Template.generate`` over a generator of documents.
"""

from __future__ import annotations

from collections.abc import Iterator

from exporters.common import rechunk
from exporters.model import ExportBatch
from exporters.registry import Exporter, register
from exporters.report import generate_report


def render(batch: ExportBatch, **_options: object) -> Iterator[bytes]:
    return rechunk(generate_report(batch, for_print=False))


register(
    Exporter(format="html", media_type="text/html; charset=utf-8", extension="html", render=render)
)
