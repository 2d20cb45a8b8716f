"""Batches after upload: list and filter, detail, delete, retry failed files, cancel."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, col, select
from temporalio.client import Client
from temporalio.service import RPCError

from core import access
from core.access import Principal
from core.credits import balance
from core.errors import ServiceError
from core.ids import utcnow
from core.models import Batch, BatchFile
from core.review import batch_needs_review_count
from core.storage import Storage
from core.temporal import TemporalHolder, cancel_batch, live_snapshot, signal_open_batch
from exporters.cache import delete_prepared
from services.intake import batch_files
from services.paging import Page, paged
from workflows.vocabulary import ACTIVE_BATCH_STATUSES, BatchStatus, FileStatus

log = logging.getLogger("docbatch.api")


@dataclass(frozen=True)
class BatchFilter:
    status: str | None = None  # comma-separated BatchStatus values
    project_id: str | None = None
    template_id: str | None = None
    search: str | None = None


def list_batches(
    session: Session, principal: Principal, wanted: BatchFilter, *, page: int, limit: int
) -> Page[Batch]:
    """The caller's live batches, newest first."""
    query = access.scoped(select(Batch), Batch, principal)
    if wanted.status:
        statuses = [s.strip() for s in wanted.status.split(",") if s.strip()]
        known = [s.value for s in BatchStatus]
        unknown = [s for s in statuses if s not in known]
        if unknown:
            raise ServiceError(
                400, f"Unknown status {', '.join(unknown)}; use one of {', '.join(known)}."
            )
        query = query.where(col(Batch.status).in_(statuses))
    if wanted.project_id:
        query = query.where(Batch.project_id == wanted.project_id)
    if wanted.template_id:
        query = query.where(Batch.template_id == wanted.template_id)
    if wanted.search:
        like = f"%{wanted.search.strip().lower()}%"
        query = query.where(
            or_(func.lower(Batch.name).like(like), col(Batch.id) == wanted.search.strip())
        )
    order = (col(Batch.created_at).desc(), col(Batch.id).desc())
    return paged(session, query, order, page=page, limit=limit)


@dataclass(frozen=True)
class Detail:
    batch: Batch
    files: list[BatchFile]
    needs_review: int  # files waiting for a person's review


def batch_detail(session: Session, principal: Principal, batch_id: str) -> Detail:
    batch = access.batch(session, principal, batch_id)
    return Detail(
        batch, batch_files(session, batch.id), batch_needs_review_count(session, batch.id)
    )


async def delete_batch(
    session: Session,
    principal: Principal,
    temporal: TemporalHolder,
    batch_id: str,
    storage: Storage | None = None,
) -> Batch:
    """Soft-delete: the batch leaves lists and detail; a processing one is cancelled first.
    Its prepared exports (copies of its results) are removed from ``storage``."""
    batch = access.batch(session, principal, batch_id)
    if batch.status == BatchStatus.PROCESSING:
        try:
            await cancel_batch(await temporal.get(), batch.id)
        except (ServiceError, RPCError) as exc:
            log.warning("deleted batch %s could not be cancelled: %s", batch.id, exc)
    batch.deleted_at = utcnow()
    session.add(batch)
    session.commit()
    if storage is not None:
        await asyncio.to_thread(delete_prepared, storage, batch.org_id, batch.id)
    return batch


async def retry_file(
    session: Session, principal: Principal, temporal: Client, batch_id: str, file_id: str
) -> None:
    """Re-run one failed file (the workflow's ``retry_file`` signal); costs one credit."""
    batch = access.batch(session, principal, batch_id)
    row = session.get(BatchFile, file_id)
    if row is None or row.batch_id != batch.id:
        raise ServiceError(404, f"File {file_id} not found in batch {batch_id}.")
    snapshot = await live_snapshot(temporal, batch.id)
    live = next((f for f in snapshot.files if f.fileId == file_id), None) if snapshot else None
    status = live.status if live else row.status
    if status != FileStatus.FAILED:
        raise ServiceError(409, f"File {file_id} is {status}; only failed files can be retried.")
    if balance(session, batch.org_id) < 1:
        raise ServiceError(402, "A retry costs one credit and the balance is 0. Add credits first.")
    await signal_open_batch(temporal, batch.id, "retry_file", file_id)


async def retry_failed(
    session: Session, principal: Principal, temporal: Client, batch_id: str
) -> tuple[Batch, list[str]]:
    """Re-run every failed file of the batch; one credit each. Returns the files queued."""
    batch = access.batch(session, principal, batch_id)
    snapshot = await live_snapshot(temporal, batch.id)
    if snapshot:
        failed = [f.fileId for f in snapshot.files if f.status == FileStatus.FAILED]
    else:
        failed = [f.id for f in batch_files(session, batch.id) if f.status == FileStatus.FAILED]
    if not failed:
        raise ServiceError(409, "This batch has no failed files to retry.")
    if balance(session, batch.org_id) < len(failed):
        raise ServiceError(
            402, f"Retrying {len(failed)} files needs {len(failed)} credits; add credits first."
        )
    await signal_open_batch(temporal, batch.id, "retry_failed")
    return batch, failed


async def cancel(session: Session, principal: Principal, temporal: Client, batch_id: str) -> Batch:
    """Cancel a running batch: running files stop, queued ones never start, both are refunded."""
    batch = access.batch(session, principal, batch_id)
    if batch.status not in ACTIVE_BATCH_STATUSES:
        raise ServiceError(
            409,
            f"Batch {batch_id} is {batch.status}; only a processing batch can be cancelled.",
        )
    await signal_open_batch(temporal, batch.id, "cancel")
    return batch
