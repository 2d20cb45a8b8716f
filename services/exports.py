"""Exports: a batch's or one file's results, rendered by a registered exporter.

A whole batch's PDF or DOCX is served from the export the worker prepared when the batch
settled, when its content key still matches (exporters/cache.py); else rendered and stored.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

from sqlmodel import Session
from temporalio.client import Client

from core import access
from core.access import Principal
from core.errors import ServiceError
from core.models import Batch
from core.settings import Settings
from core.storage import Storage, open_storage
from core.temporal import refresh_prepared_exports
from exporters import cache, get_exporter
from exporters.build import content_disposition, load_export_batch
from exporters.model import ExportBatch
from exporters.registry import Exporter, available_formats
from workflows.vocabulary import SETTLED_BATCH_STATUSES

log = logging.getLogger("docbatch.exports")
REFRESH_START_TIMEOUT = 15.0  # seconds a review waits for the export refresh to be signalled

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
    storage: Storage | None = None,
) -> Download:
    """``storage``: where prepared exports are kept (whole-batch exports only; None: render)."""
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
    if storage is not None and file_ids is None and exporter.format in cache.CACHED_FORMATS:
        chunks = cache.serve(storage, batch.org_id, data, exporter, options)
    else:
        chunks = exporter.render(data, **options)
    return Download(
        chunks=chunks,
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
    settings: Settings | None = None,
) -> Download:
    """Combined results of a batch; a processing batch exports what is finished so far.
    ``original``: also the extracted values of the fields a person corrected (JSON).
    ``settings``: their storage keeps prepared exports (None: every download renders)."""
    batch = access.batch(session, principal, batch_id)
    storage = open_storage(settings) if settings is not None else None
    return _render(session, batch, fmt, batch.name, None, line_items, original, storage)


def prepare_export(storage: Storage, org_id: str, data: ExportBatch, fmt: str) -> bool:
    """Render and store the export a download of the whole batch would serve (``data`` from
    ``load_export_batch(session, batch)``, no options); True when it rendered, False when the
    same content was stored already."""
    exporter = get_exporter(fmt)
    if exporter is None or exporter.format not in cache.CACHED_FORMATS:
        raise ValueError(f"{fmt!r} is not a format exports are prepared in")
    return cache.prepare(storage, org_id, data, exporter, {})


async def refresh_after_review(
    session: Session,
    client: Callable[[], Awaitable[Client]],
    settings: Settings,
    batch_id: str,
) -> bool:
    """After a person corrected or confirmed a file: have the worker prepare the batch's exports
    again once reviews pause (workflows/exports.py), so the next download is not a fresh render.
    Only for a settled batch (one still processing is prepared when it settles); False when
    nothing was started. A Temporal outage costs only that speed, never the review."""
    batch = session.get(Batch, batch_id)
    if (
        not settings.prepared_formats
        or batch is None
        or batch.deleted_at is not None
        or batch.status not in SETTLED_BATCH_STATUSES
    ):
        return False
    try:
        await asyncio.wait_for(_refresh(client, settings, batch_id), timeout=REFRESH_START_TIMEOUT)
    except Exception as exc:
        log.warning("exports of %s not refreshed after a review: %s", batch_id, exc)
        return False
    return True


async def _refresh(
    client: Callable[[], Awaitable[Client]], settings: Settings, batch_id: str
) -> None:
    await refresh_prepared_exports(await client(), settings, batch_id)


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
