"""Batch endpoints of the product page: upload, list, detail, delete, retry, cancel, export."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, Query, UploadFile
from fastapi.responses import JSONResponse
from sqlalchemy import func, or_
from sqlmodel import Session, select
from temporalio.service import RPCError

from api.batch_runner import start_batch
from api.deps import Principal, Reader, SessionDep, SettingsDep, TemporalDep, TemporalHolderDep, Writer
from api.errors import ApiError
from core import access
from api.schemas import batch_public, file_public, page_of
from api.uploads import KeyAlreadyUsed, accept_batch, batch_for_key, check_files, resolve_project_and_template
from core.credits import balance
from core.review import batch_needs_review_count
from core.ids import utcnow
from core.models import Batch, BatchFile
from core.temporal import workflow_id
from workflows.contracts import BatchSnapshot, ProgressQuery

log = logging.getLogger("docbatch.api")
router = APIRouter(prefix="/batch", tags=["batches"])

BATCH_STATUSES = ("uploading", "processing", "completed", "partially_failed", "failed")


def load_batch(session: Session, principal: Principal, batch_id: str) -> Batch:
    """The caller's live batch, or 404 (another organization's or a deleted one looks the same)."""
    return access.batch(session, principal, batch_id)


def batch_files(session: Session, batch_id: str) -> list[BatchFile]:
    return list(session.exec(select(BatchFile).where(BatchFile.batch_id == batch_id)
                             .order_by(BatchFile.position)).all())


@router.post("/{org_id}/upload", status_code=201)
async def upload_batch(
    org_id: str,
    principal: Writer,
    session: SessionDep,
    settings: SettingsDep,
    temporal: TemporalHolderDep,
    files: Annotated[list[UploadFile] | None, File(description="1 to 50 documents")] = None,
    projectId: Annotated[str | None, Form()] = None,
    templateId: Annotated[str | None, Form()] = None,
    name: Annotated[str | None, Form()] = None,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200,
                                                  description="the same key again returns the same batch, "
                                                              "charged once")] = None,
) -> Any:
    """Upload a new batch of up to 50 files sharing one template and project. A client that may
    retry sends an ``Idempotency-Key``: a retry with the same key gets the first batch back
    (``Idempotent-Replayed: true``) and is not charged again."""
    if idempotency_key and (prior := batch_for_key(session, principal.org_id, idempotency_key)):
        return _replay(session, principal, prior)
    files = files or []
    check_files(files, settings)
    project, template = resolve_project_and_template(session, principal, projectId, templateId)
    try:
        batch, rows = await accept_batch(session, settings, principal, files, project, template, name,
                                         idempotency_key)
    except KeyAlreadyUsed:
        prior = batch_for_key(session, principal.org_id, idempotency_key or "")
        assert prior is not None
        return _replay(session, principal, prior)
    try:
        await start_batch(await temporal.get(), settings, batch, rows)
        batch.status = "processing"
        session.add(batch)
        session.commit()
    except Exception as exc:  # accepted and stored: the reconciler starts it when Temporal is back
        log.warning("batch %s stored but not started yet: %s", batch.id, exc)
    return {**batch_public(batch), "uploadIds": [r.id for r in rows]}


def _replay(session: Session, principal: Principal, batch_id: str) -> JSONResponse:
    batch = access.batch(session, principal, batch_id)
    rows = batch_files(session, batch.id)
    return JSONResponse(status_code=201, headers={"Idempotent-Replayed": "true"},
                        content={**batch_public(batch), "uploadIds": [r.id for r in rows]})


@router.get("/{org_id}")
def list_batches(
    org_id: str,
    principal: Reader,
    session: SessionDep,
    page: Annotated[int, Query(ge=1)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    status: str | None = None,
    projectId: str | None = None,
    templateId: str | None = None,
    search: str | None = None,
) -> dict:
    """List batches, newest first, with pagination and filters."""
    query = select(Batch).where(Batch.org_id == org_id, Batch.deleted_at.is_(None))  # type: ignore[union-attr]
    if principal.project_id:
        query = query.where(Batch.project_id == principal.project_id)
    if status:
        wanted = [s.strip() for s in status.split(",") if s.strip()]
        unknown = [s for s in wanted if s not in BATCH_STATUSES]
        if unknown:
            raise ApiError(400, f"Unknown status {', '.join(unknown)}; use one of {', '.join(BATCH_STATUSES)}.")
        query = query.where(Batch.status.in_(wanted))  # type: ignore[attr-defined]
    if projectId:
        query = query.where(Batch.project_id == projectId)
    if templateId:
        query = query.where(Batch.template_id == templateId)
    if search:
        like = f"%{search.strip().lower()}%"
        query = query.where(or_(func.lower(Batch.name).like(like), Batch.id == search.strip()))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(Batch.created_at.desc(), Batch.id.desc())  # type: ignore[attr-defined]
                        .offset((page - 1) * limit).limit(limit)).all()
    return page_of([batch_public(b) for b in rows], page=page, limit=limit, total=total)


@router.get("/{org_id}/{batch_id}")
def get_batch(org_id: str, batch_id: str, principal: Reader, session: SessionDep) -> dict:
    """Batch detail: progress and every file with its status and failure reason."""
    batch = load_batch(session, principal, batch_id)
    return {**batch_public(batch), "files": [file_public(f) for f in batch_files(session, batch.id)],
            "needsReviewFiles": batch_needs_review_count(session, batch.id)}


@router.delete("/{org_id}/{batch_id}")
async def delete_batch(org_id: str, batch_id: str, principal: Writer, session: SessionDep,
                       temporal: TemporalHolderDep) -> dict:
    """Soft-delete a batch: it leaves lists and detail; its rows are kept. A batch still
    processing is cancelled first, so its unprocessed files are refunded."""
    batch = load_batch(session, principal, batch_id)
    if batch.status == "processing":
        try:
            await (await temporal.get()).get_workflow_handle(workflow_id(batch.id)).signal("cancel")
        except (ApiError, RPCError) as exc:
            log.warning("deleted batch %s could not be cancelled: %s", batch.id, exc)
    batch.deleted_at = utcnow()
    session.add(batch)
    session.commit()
    return {"id": batch.id, "deleted": True}


async def live_snapshot(temporal: TemporalDep, batch_id: str) -> BatchSnapshot | None:
    """The workflow's own view of the batch, or None once the workflow is gone."""
    try:
        handle = temporal.get_workflow_handle(workflow_id(batch_id))
        return await handle.query("progress", ProgressQuery(since_seq=10**9), result_type=BatchSnapshot)
    except RPCError:
        return None


async def _signal_open_workflow(temporal: TemporalDep, batch_id: str, signal: str, *args: str) -> None:
    handle = temporal.get_workflow_handle(workflow_id(batch_id))
    desc = await handle.describe()
    if desc.status is None or desc.status.name != "RUNNING":
        raise ApiError(409, "This batch's retry window has closed; upload the file again in a new batch.")
    await handle.signal(signal, *args)


@router.post("/{org_id}/{batch_id}/files/{file_id}/retry", status_code=202)
async def retry_file(org_id: str, batch_id: str, file_id: str, principal: Writer, session: SessionDep,
                     temporal: TemporalDep) -> JSONResponse:
    """Re-run one failed file (sends the workflow's retry_file signal); costs one credit."""
    batch = load_batch(session, principal, batch_id)
    row = session.get(BatchFile, file_id)
    if row is None or row.batch_id != batch.id:
        raise ApiError(404, f"File {file_id} not found in batch {batch_id}.")
    snapshot = await live_snapshot(temporal, batch.id)
    live = next((f for f in snapshot.files if f.fileId == file_id), None) if snapshot else None
    status = live.status if live else row.status
    if status != "failed":
        raise ApiError(409, f"File {file_id} is {status}; only failed files can be retried.")
    if balance(session, batch.org_id) < 1:
        raise ApiError(402, "A retry costs one credit and the balance is 0. Add credits first.")
    await _signal_open_workflow(temporal, batch.id, "retry_file", file_id)
    return JSONResponse(status_code=202, content={"batchId": batch.id, "fileId": file_id, "status": "queued"})


@router.post("/{org_id}/{batch_id}/retry", status_code=202)
async def retry_failed_files(org_id: str, batch_id: str, principal: Writer, session: SessionDep,
                             temporal: TemporalDep) -> JSONResponse:
    """Re-run every failed file of the batch; one credit each."""
    batch = load_batch(session, principal, batch_id)
    snapshot = await live_snapshot(temporal, batch.id)
    failed = [f.fileId for f in snapshot.files if f.status == "failed"] if snapshot else \
        [f.id for f in batch_files(session, batch.id) if f.status == "failed"]
    if not failed:
        raise ApiError(409, "This batch has no failed files to retry.")
    if balance(session, batch.org_id) < len(failed):
        raise ApiError(402, f"Retrying {len(failed)} files needs {len(failed)} credits; add credits first.")
    await _signal_open_workflow(temporal, batch.id, "retry_failed")
    return JSONResponse(status_code=202, content={"batchId": batch.id, "fileIds": failed, "status": "queued"})


@router.post("/{org_id}/{batch_id}/cancel", status_code=202)
async def cancel_batch(org_id: str, batch_id: str, principal: Writer, session: SessionDep,
                       temporal: TemporalDep) -> JSONResponse:
    """Cancel a running batch: running files stop, queued ones never start, both are refunded."""
    batch = load_batch(session, principal, batch_id)
    if batch.status not in ("uploading", "processing"):
        raise ApiError(409, f"Batch {batch_id} is {batch.status}; only a processing batch can be cancelled.")
    await _signal_open_workflow(temporal, batch.id, "cancel")
    return JSONResponse(status_code=202, content={"batchId": batch.id, "status": "cancelling"})
