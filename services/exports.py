"""Exports: a batch's or one file's results, rendered by a registered exporter."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlmodel import Session

from core import access
from core.access import Principal
from core.errors import ServiceError
from core.models import Batch
from exporters import get_exporter
from exporters.build import content_disposition, load_export_batch
from exporters.registry import Exporter, available_formats

LINE_ITEM_LAYOUTS = (None, "", "columns", "rows")


@dataclass(frozen=True)
class Download:
    """What a route streams: the bytes, their type and name, and whether the export is partial."""

    chunks: Iterator[bytes]
    media_type: str
    disposition: str
    partial: bool


def _render(
    session: Session,
    batch: Batch,
    fmt: str,
    name: str,
    file_ids: list[str] | None,
    line_items: str | None,
    original: bool,
) -> Download:
    exporter: Exporter | None = get_exporter(fmt)
    if exporter is None:
        raise ServiceError(
            400, f"Unknown export format {fmt!r}; use one of {', '.join(available_formats())}."
        )
    if line_items not in LINE_ITEM_LAYOUTS:
        raise ServiceError(
            400, "lineItems must be 'rows' (one row per line item) or 'columns' (the default)."
        )
    data = load_export_batch(session, batch, file_ids, with_original=original)
    options = {"line_items": "rows"} if line_items == "rows" else {}
    return Download(
        chunks=exporter.render(data, **options),
        media_type=exporter.media_type,
        disposition=content_disposition(name, exporter.extension),
        partial=data.inProgress,
    )


def export_batch(
    session: Session,
    principal: Principal,
    batch_id: str,
    fmt: str,
    line_items: str | None,
    original: bool = False,
) -> Download:
    """Combined results of a batch; a processing batch exports what is finished so far.
    ``original``: also the extracted values of the fields a person corrected (JSON)."""
    batch = access.batch(session, principal, batch_id)
    return _render(session, batch, fmt, batch.name, None, line_items, original)


def export_file(
    session: Session,
    principal: Principal,
    file_id: str,
    fmt: str,
    line_items: str | None,
    original: bool = False,
) -> Download:
    row = access.batch_file(session, principal, file_id)
    batch = access.batch(session, principal, row.batch_id)
    stem = row.file_name.rsplit(".", 1)[0] or row.id
    return _render(session, batch, fmt, stem, [row.id], line_items, original)
