"""Batch endpoints of the product page: upload, list, detail, delete, retry, cancel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Header, Query, UploadFile
from fastapi.responses import JSONResponse

from api.deps import Reader, SessionDep, SettingsDep, TemporalDep, TemporalHolderDep, Writer
from api.schemas import (
    BatchAccepted,
    BatchCancelling,
    BatchDetail,
    BatchPublic,
    BatchRetryQueued,
    Deleted,
    FilePublic,
    FileRetryQueued,
    PageOf,
    page_of,
)
from core.storage import open_storage
from services import batches, intake
from services.batches import BatchFilter

router = APIRouter(prefix="/batch", tags=["batches"])


@router.post("/{org_id}/upload", status_code=201, response_model=BatchAccepted)
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
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            max_length=200,
            description="the same key again returns the same batch, charged once",
        ),
    ] = None,
) -> BatchAccepted | JSONResponse:
    """Upload a new batch of up to 50 files sharing one template and project. A client that may
    retry sends an ``Idempotency-Key``: a retry with the same key gets the first batch back
    (``Idempotent-Replayed: true``) and is not charged again."""
    uploads = [intake.Upload(f.filename, f.content_type, f.size, f.file) for f in files or []]
    accepted = await intake.accept(
        session,
        settings,
        temporal,
        principal,
        uploads,
        project_id=projectId,
        template_id=templateId,
        name=name,
        idempotency_key=idempotency_key,
    )
    answer = BatchAccepted(
        **BatchPublic.from_row(accepted.batch).model_dump(),
        upload_ids=[r.id for r in accepted.files],
    )
    if accepted.replayed:
        return JSONResponse(
            status_code=201,
            headers={"Idempotent-Replayed": "true"},
            content=answer.model_dump(by_alias=True),
        )
    return answer


@router.get("/{org_id}", response_model=PageOf[BatchPublic])
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
) -> PageOf[BatchPublic]:
    """List batches, newest first, with pagination and filters."""
    wanted = BatchFilter(status=status, project_id=projectId, template_id=templateId, search=search)
    found = batches.list_batches(session, principal, wanted, page=page, limit=limit)
    return page_of([BatchPublic.from_row(b) for b in found.rows], found)


@router.get("/{org_id}/{batch_id}", response_model=BatchDetail)
def get_batch(org_id: str, batch_id: str, principal: Reader, session: SessionDep) -> BatchDetail:
    """Batch detail: progress and every file with its status and failure reason."""
    detail = batches.batch_detail(session, principal, batch_id)
    return BatchDetail(
        **BatchPublic.from_row(detail.batch).model_dump(),
        files=[FilePublic.from_row(f) for f in detail.files],
        needs_review_files=detail.needs_review,
    )


@router.delete("/{org_id}/{batch_id}", response_model=Deleted)
async def delete_batch(
    org_id: str,
    batch_id: str,
    principal: Writer,
    session: SessionDep,
    temporal: TemporalHolderDep,
    settings: SettingsDep,
) -> Deleted:
    """Soft-delete a batch: it leaves lists and detail; its rows are kept. A batch still
    processing is cancelled first, so its unprocessed files are refunded. Its prepared
    exports are removed."""
    batch = await batches.delete_batch(
        session, principal, temporal, batch_id, open_storage(settings)
    )
    return Deleted(id=batch.id)


@router.post(
    "/{org_id}/{batch_id}/files/{file_id}/retry", status_code=202, response_model=FileRetryQueued
)
async def retry_file(
    org_id: str,
    batch_id: str,
    file_id: str,
    principal: Writer,
    session: SessionDep,
    temporal: TemporalDep,
) -> FileRetryQueued:
    """Re-run one failed file (sends the workflow's retry_file signal); costs one credit."""
    await batches.retry_file(session, principal, temporal, batch_id, file_id)
    return FileRetryQueued(batch_id=batch_id, file_id=file_id)


@router.post("/{org_id}/{batch_id}/retry", status_code=202, response_model=BatchRetryQueued)
async def retry_failed_files(
    org_id: str, batch_id: str, principal: Writer, session: SessionDep, temporal: TemporalDep
) -> BatchRetryQueued:
    """Re-run every failed file of the batch; one credit each."""
    batch, failed = await batches.retry_failed(session, principal, temporal, batch_id)
    return BatchRetryQueued(batch_id=batch.id, file_ids=failed)


@router.post("/{org_id}/{batch_id}/cancel", status_code=202, response_model=BatchCancelling)
async def cancel_batch(
    org_id: str, batch_id: str, principal: Writer, session: SessionDep, temporal: TemporalDep
) -> BatchCancelling:
    """Cancel a running batch: running files stop, queued ones never start, both are refunded."""
    batch = await batches.cancel(session, principal, temporal, batch_id)
    return BatchCancelling(batch_id=batch.id)
