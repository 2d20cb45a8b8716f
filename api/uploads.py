"""Accepting a batch: validate, charge, store every file, then hand it to the workflow."""

from __future__ import annotations

import logging
import mimetypes

from fastapi import UploadFile
from starlette.concurrency import run_in_threadpool
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from api.deps import Principal
from api.errors import ApiError
from core import access
from core.credits import InsufficientCredits, apply_change
from core.ids import new_id, utcnow
from core.models import Batch, BatchFile, Project, Template, UploadKey
from core.settings import Settings
from core.storage import FileTooLarge, open_storage, sanitize_filename

log = logging.getLogger("docbatch.api")


class KeyAlreadyUsed(Exception):
    """An upload with this Idempotency-Key was accepted already."""


def batch_for_key(session: Session, org_id: str, key: str) -> str | None:
    """The batch an earlier upload with this Idempotency-Key created, if any."""
    row = session.exec(select(UploadKey).where(UploadKey.org_id == org_id, UploadKey.key == key)).first()
    return row.batch_id if row else None


def default_batch_name() -> str:
    return "Batch " + utcnow().strftime("%Y-%m-%d %H:%M")


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def resolve_project_and_template(
    session: Session, principal: Principal, project_id: str | None, template_id: str | None
) -> tuple[Project, Template]:
    problems = []
    if not project_id:
        problems.append("projectId is required: the project the batch belongs to (see GET /me).")
    if not template_id:
        problems.append("templateId is required: the template to extract with (see GET /me).")
    if problems:
        raise ApiError(400, problems)
    try:
        project = access.project(session, principal, project_id)  # type: ignore[arg-type]
        template = access.template(session, principal, template_id)  # type: ignore[arg-type]
    except access.AccessDenied as exc:
        raise ApiError(404, exc.message) from None
    if template.project_id and template.project_id != project.id:
        raise ApiError(400, f"Template {template_id} belongs to project {template.project_id}, "
                            f"not {project.id}; choose a template of the batch's project.")
    return project, template


def check_files(files: list[UploadFile], settings: Settings) -> None:
    if not files:
        raise ApiError(400, "No files were uploaded: add one or more 'files' parts to the form.")
    if len(files) > settings.max_files_per_batch:
        raise ApiError(400, f"A batch holds at most {settings.max_files_per_batch} files; this request has "
                            f"{len(files)}. Split the files into several batches.")
    for f in files:
        if f.size is not None and f.size > settings.max_file_bytes:
            raise ApiError(413, f"{f.filename or 'A file'} is {_mb(f.size)}; the limit per file is "
                                f"{_mb(settings.max_file_bytes)}. Split or compress it.")


async def accept_batch(
    session: Session,
    settings: Settings,
    principal: Principal,
    files: list[UploadFile],
    project: Project,
    template: Template,
    name: str | None,
    idempotency_key: str | None = None,
) -> tuple[Batch, list[BatchFile]]:
    """Charge and record the batch, then stream each file to storage. Nothing is charged on refusal."""
    batch = Batch(
        id=new_id("batch"), org_id=principal.org_id, project_id=project.id, template_id=template.id,
        template_name=template.name, name=(name or "").strip()[:200] or default_batch_name(),
        status="uploading", total_files=len(files), created_by_token=principal.token_id,
    )
    rows = []
    for position, upload in enumerate(files):
        file_id = new_id("file")
        safe = sanitize_filename(upload.filename or "", fallback=f"document-{position + 1}")
        rows.append(BatchFile(
            id=file_id, batch_id=batch.id, org_id=batch.org_id, project_id=project.id,
            template_id=template.id, position=position, file_name=safe,
            storage_key=f"{batch.org_id}/{batch.id}/{file_id}/{safe}",
            content_type=upload.content_type or mimetypes.guess_type(safe)[0] or "",
        ))
    session.add(batch)
    session.add_all(rows)
    if idempotency_key:
        session.add(UploadKey(org_id=batch.org_id, key=idempotency_key, batch_id=batch.id))
    try:
        session.flush()
        apply_change(session, batch.org_id, -len(rows), reason="batch_charge", key=f"charge:{batch.id}",
                     batch_id=batch.id)
    except IntegrityError as exc:  # the same key, accepted meanwhile by another request
        session.rollback()
        raise KeyAlreadyUsed(idempotency_key or "") from exc
    except InsufficientCredits as exc:
        session.rollback()
        raise ApiError(402, f"This batch needs {exc.needed} credits (one per file) but the balance is "
                            f"{exc.balance}. Add credits or upload fewer files.") from exc
    session.commit()

    storage = open_storage(settings)
    try:
        for upload, row in zip(files, rows):
            row.size, row.sha256 = await run_in_threadpool(
                storage.save_stream, row.storage_key, upload.file, settings.max_file_bytes)
            session.add(row)
    except FileTooLarge as exc:
        _refuse_after_charge(session, batch, rows)
        raise ApiError(413, f"A file is larger than the limit of {_mb(settings.max_file_bytes)}; "
                            "nothing was charged. Split or compress it.") from exc
    except OSError as exc:
        log.exception("storing batch %s failed", batch.id)
        _refuse_after_charge(session, batch, rows)
        raise ApiError(507, "The files could not be stored (storage error); nothing was charged. "
                            "Try again later.") from exc
    batch.stored_at = utcnow()
    session.add(batch)
    session.commit()
    return batch, rows


def _refuse_after_charge(session: Session, batch: Batch, rows: list[BatchFile]) -> None:
    session.rollback()
    apply_change(session, batch.org_id, len(rows), reason="batch_refund", key=f"refund-batch:{batch.id}",
                 batch_id=batch.id)
    batch = session.get(Batch, batch.id) or batch
    batch.status, batch.deleted_at = "failed", utcnow()
    session.add(batch)
    session.commit()
