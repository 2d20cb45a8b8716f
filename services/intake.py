"""Accepting a batch: validate, charge, store every file, then hand it to its workflow.

Also the reconciler that starts batches whose start was interrupted (Temporal away, the API
stopped between storing and starting) and fails uploads abandoned half-way, refunding them.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
from dataclasses import dataclass
from datetime import timedelta
from typing import BinaryIO

import anyio
from anyio import to_thread
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from temporalio.client import Client

from core import access
from core.access import Principal
from core.credits import InsufficientCredits, apply_change
from core.db import get_engine
from core.errors import ServiceError
from core.ids import new_id, utcnow
from core.models import Batch, BatchFile, Organization, Project, Template, UploadKey
from core.settings import Settings
from core.storage import FileTooLarge, LocalStorage, S3Storage, open_storage, sanitize_filename
from core.temporal import BatchStart, TemporalHolder, start_batch
from workflows.contracts import FileRef
from workflows.vocabulary import BatchStatus, ErrorCode, FileStatus

log = logging.getLogger("docbatch.api")

#: An upload that has not finished storing after this long was abandoned (the API stopped).
STALE_UPLOAD = timedelta(hours=1)
#: Files of one upload stored at once (each holds at most one chunk, or one S3 part, in memory).
STORE_AT_ONCE = 4


@dataclass(frozen=True)
class Upload:
    """One uploaded file as the web framework hands it over: a name, a type, a stream."""

    filename: str | None
    content_type: str | None
    size: int | None
    stream: BinaryIO


@dataclass
class Accepted:
    """The accepted batch and its file rows; ``replayed`` when an Idempotency-Key matched."""

    batch: Batch
    files: list[BatchFile]
    replayed: bool = False


class KeyAlreadyUsed(Exception):
    """An upload with this Idempotency-Key was accepted already."""


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def default_batch_name() -> str:
    return "Batch " + utcnow().strftime("%Y-%m-%d %H:%M")


def batch_files(session: Session, batch_id: str) -> list[BatchFile]:
    """A batch's files in upload order."""
    query = select(BatchFile).where(BatchFile.batch_id == batch_id).order_by(BatchFile.position)  # type: ignore[arg-type]
    return list(session.exec(query).all())


def batch_for_key(session: Session, org_id: str, key: str) -> str | None:
    """The batch an earlier upload with this Idempotency-Key created, if any."""
    row = session.exec(
        select(UploadKey).where(UploadKey.org_id == org_id, UploadKey.key == key)
    ).first()
    return row.batch_id if row else None


def resolve_project_and_template(
    session: Session, principal: Principal, project_id: str | None, template_id: str | None
) -> tuple[Project, Template]:
    problems = []
    if not project_id:
        problems.append("projectId is required: the project the batch belongs to (see GET /me).")
    if not template_id:
        problems.append("templateId is required: the template to extract with (see GET /me).")
    if problems or project_id is None or template_id is None:
        raise ServiceError(400, problems)
    try:
        project = access.project(session, principal, project_id)
        template = access.template(session, principal, template_id)
    except access.AccessDenied as exc:
        raise ServiceError(404, exc.message) from None
    if template.project_id and template.project_id != project.id:
        raise ServiceError(
            400,
            f"Template {template_id} belongs to project {template.project_id}, "
            f"not {project.id}; choose a template of the batch's project.",
        )
    return project, template


def check_files(files: list[Upload], settings: Settings) -> None:
    if not files:
        raise ServiceError(
            400, "No files were uploaded: add one or more 'files' parts to the form."
        )
    if len(files) > settings.max_files_per_batch:
        raise ServiceError(
            400,
            f"A batch holds at most {settings.max_files_per_batch} files; this request has "
            f"{len(files)}. Split the files into several batches.",
        )
    for f in files:
        if f.size is not None and f.size > settings.max_file_bytes:
            raise ServiceError(
                413,
                f"{f.filename or 'A file'} is {_mb(f.size)}; the limit per file is "
                f"{_mb(settings.max_file_bytes)}. Split or compress it.",
            )


async def accept(
    session: Session,
    settings: Settings,
    temporal: TemporalHolder,
    principal: Principal,
    files: list[Upload],
    *,
    project_id: str | None,
    template_id: str | None,
    name: str | None,
    idempotency_key: str | None,
) -> Accepted:
    """The upload operation: replay a known Idempotency-Key, else check, charge, store, start.

    A batch that is stored but cannot be started (Temporal away) stays ``uploading``; the
    reconciler starts it later, so the caller's batch is never lost.
    """
    if idempotency_key and (prior := batch_for_key(session, principal.org_id, idempotency_key)):
        return _replay(session, principal, prior)
    check_files(files, settings)
    project, template = resolve_project_and_template(session, principal, project_id, template_id)
    try:
        batch, rows = await store_batch(
            session, settings, principal, files, project, template, name, idempotency_key
        )
    except KeyAlreadyUsed:
        prior = batch_for_key(session, principal.org_id, idempotency_key or "")
        assert prior is not None
        return _replay(session, principal, prior)
    try:
        await start_stored(await temporal.get(), settings, session, batch, rows)
    except Exception as exc:  # accepted and stored: the reconciler starts it when Temporal is back
        log.warning("batch %s stored but not started yet: %s", batch.id, exc)
    return Accepted(batch, rows)


def _replay(session: Session, principal: Principal, batch_id: str) -> Accepted:
    batch = access.batch(session, principal, batch_id)
    return Accepted(batch, batch_files(session, batch.id), replayed=True)


async def store_batch(
    session: Session,
    settings: Settings,
    principal: Principal,
    files: list[Upload],
    project: Project,
    template: Template,
    name: str | None,
    idempotency_key: str | None = None,
) -> tuple[Batch, list[BatchFile]]:
    """Charge and record the batch, then stream each file to storage (no charge on refusal)."""
    batch = Batch(
        id=new_id("batch"),
        org_id=principal.org_id,
        project_id=project.id,
        template_id=template.id,
        template_name=template.name,
        name=(name or "").strip()[:200] or default_batch_name(),
        status=BatchStatus.UPLOADING,
        total_files=len(files),
        created_by_token=principal.token_id,
    )
    rows = []
    for position, upload in enumerate(files):
        file_id = new_id("file")
        safe = sanitize_filename(upload.filename or "", fallback=f"document-{position + 1}")
        rows.append(
            BatchFile(
                id=file_id,
                batch_id=batch.id,
                org_id=batch.org_id,
                project_id=project.id,
                template_id=template.id,
                position=position,
                file_name=safe,
                storage_key=f"{batch.org_id}/{batch.id}/{file_id}/{safe}",
                content_type=upload.content_type or mimetypes.guess_type(safe)[0] or "",
            )
        )
    session.add(batch)
    session.add_all(rows)
    if idempotency_key:
        session.add(UploadKey(org_id=batch.org_id, key=idempotency_key, batch_id=batch.id))
    try:
        session.flush()
        apply_change(
            session,
            batch.org_id,
            -len(rows),
            reason="batch_charge",
            key=f"charge:{batch.id}",
            batch_id=batch.id,
        )
    except IntegrityError as exc:  # the same key, accepted meanwhile by another request
        session.rollback()
        raise KeyAlreadyUsed(idempotency_key or "") from exc
    except InsufficientCredits as exc:
        session.rollback()
        raise ServiceError(
            402,
            f"This batch needs {exc.needed} credits (one per file) but the balance is "
            f"{exc.balance}. Add credits or upload fewer files.",
        ) from exc
    session.commit()

    try:
        await _store_files(open_storage(settings), files, rows, settings.max_file_bytes)
        session.add_all(rows)
    except FileTooLarge as exc:
        _refuse_after_charge(session, batch, rows)
        raise ServiceError(
            413,
            f"A file is larger than the limit of {_mb(settings.max_file_bytes)}; "
            "nothing was charged. Split or compress it.",
        ) from exc
    except OSError as exc:
        log.exception("storing batch %s failed", batch.id)
        _refuse_after_charge(session, batch, rows)
        raise ServiceError(
            507,
            "The files could not be stored (storage error); nothing was charged. Try again later.",
        ) from exc
    batch.stored_at = utcnow()
    session.add(batch)
    session.commit()
    return batch, rows


async def _store_files(
    storage: LocalStorage | S3Storage, files: list[Upload], rows: list[BatchFile], max_bytes: int
) -> None:
    """Store the files a few at a time, so that their fsyncs (or S3 parts) overlap instead of
    waiting one behind the other; each row gets its file's size and digest. The first failure
    stops the files not yet started and is raised (a too-large file before a storage error)."""
    limiter = anyio.CapacityLimiter(STORE_AT_ONCE)

    async def store(upload: Upload, row: BatchFile) -> None:
        row.size, row.sha256 = await to_thread.run_sync(
            storage.save_stream, row.storage_key, upload.stream, max_bytes, limiter=limiter
        )

    try:
        async with anyio.create_task_group() as group:
            for upload, row in zip(files, rows, strict=True):
                group.start_soon(store, upload, row)
    except ExceptionGroup as failed:
        too_large, rest = failed.split(FileTooLarge)
        first: Exception | None = too_large or rest
        while isinstance(first, ExceptionGroup):
            first = first.exceptions[0]
        assert first is not None
        raise first from None


def _refuse_after_charge(session: Session, batch: Batch, rows: list[BatchFile]) -> None:
    session.rollback()
    apply_change(
        session,
        batch.org_id,
        len(rows),
        reason="batch_refund",
        key=f"refund-batch:{batch.id}",
        batch_id=batch.id,
    )
    batch = session.get(Batch, batch.id) or batch
    batch.status, batch.deleted_at = BatchStatus.FAILED, utcnow()
    session.add(batch)
    session.commit()


# --- starting, and the reconciler ------------------------------------------------------------


def _org_name(settings: Settings, org_id: str) -> str:
    # A primary-key read in its own session, like the upload's own: no thread hop.
    with Session(get_engine(settings.sqlalchemy_url)) as session:
        org = session.get(Organization, org_id)
    return org.name if org else org_id


async def start_stored(
    client: Client, settings: Settings, session: Session, batch: Batch, files: list[BatchFile]
) -> None:
    """Start the stored batch's workflow (idempotent) and mark the batch processing."""
    await start_batch(
        client,
        settings,
        BatchStart(
            batch_id=batch.id,
            batch_name=batch.name,
            org_id=batch.org_id,
            org_name=_org_name(settings, batch.org_id),
            project_id=batch.project_id,
            template_id=batch.template_id,
            template_name=batch.template_name,
            files=[FileRef(file_id=f.id, name=f.file_name) for f in files],
        ),
    )
    batch.status = BatchStatus.PROCESSING
    session.add(batch)
    session.commit()


async def reconcile_once(holder: TemporalHolder, settings: Settings) -> int:
    """Start every stored-but-unstarted batch; fail uploads abandoned mid-way. Returns starts."""
    engine = get_engine(settings.sqlalchemy_url)
    started = 0
    with Session(engine, expire_on_commit=False) as session:
        waiting = session.exec(select(Batch).where(Batch.status == BatchStatus.UPLOADING)).all()
        for batch in waiting:
            files = batch_files(session, batch.id)
            if batch.stored_at is None:
                if utcnow() - batch.created_at > STALE_UPLOAD:
                    _abandon(session, batch, files)
                continue
            await start_stored(await holder.get(), settings, session, batch, files)
            started += 1
            log.info("started batch %s that was stored but not yet running", batch.id)
    return started


def _abandon(session: Session, batch: Batch, files: list[BatchFile]) -> None:
    """The upload never finished (the API stopped mid-way): fail it and give the credits back."""
    for f in files:
        f.status = FileStatus.FAILED
        f.error_code = ErrorCode.UPLOAD_INTERRUPTED
        f.error_message = "The upload did not finish; upload the file again."
        session.add(f)
    apply_change(
        session,
        batch.org_id,
        len(files),
        reason="file_refund",
        key=f"abandon:{batch.id}",
        batch_id=batch.id,
    )
    batch.status, batch.failed_files, batch.progress = BatchStatus.FAILED, len(files), 100
    batch.finished_at = utcnow()
    session.add(batch)
    session.commit()


async def reconcile_forever(
    holder: TemporalHolder, settings: Settings, every: float = 15.0
) -> None:
    while True:
        try:
            await reconcile_once(holder, settings)
        except Exception as exc:  # Temporal or the database may be briefly away: try again later
            log.warning("reconcile pass failed: %s", exc)
        await asyncio.sleep(every)
