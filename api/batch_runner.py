"""Starting batch workflows, and picking up accepted batches whose start was interrupted."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlmodel import Session, select
from temporalio.client import Client
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDConflictPolicy

from api.temporal_client import TemporalHolder
from core.credits import apply_change
from core.db import get_engine
from core.ids import utcnow
from core.models import Batch, BatchFile, Organization
from core.settings import Settings
from core.temporal import workflow_id
from workflows.batch import BATCH_STATUS, ORG_ID, BatchWorkflow
from workflows import ui_text
from workflows.contracts import BatchInput, FileRef

log = logging.getLogger("docbatch.api")

STALE_UPLOAD = timedelta(hours=1)


async def start_batch(client: Client, settings: Settings, batch: Batch, files: list[BatchFile]) -> None:
    """Start (or join, if it already runs) the batch's workflow. Idempotent by workflow id."""
    # A primary-key read, like the upload route's own: no thread hop between accepting and starting.
    org_name = _org_name(settings, batch.org_id)
    await client.start_workflow(
        BatchWorkflow.run,
        BatchInput(
            batch_id=batch.id,
            org_id=batch.org_id,
            project_id=batch.project_id,
            template_id=batch.template_id,
            files=[FileRef(file_id=f.id, name=f.file_name) for f in files],
            retry_window_seconds=settings.retry_window_seconds,
            extraction_attempts=settings.extraction_attempts,
            heartbeat_timeout_seconds=settings.heartbeat_timeout_seconds,
        ),
        id=workflow_id(batch.id),
        task_queue=settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        # What the Temporal UI shows in the workflow's header (final counts: its current details).
        static_summary=ui_text.workflow_summary(batch.name, org_name, len(files)),
        static_details=ui_text.workflow_details(
            batch_id=batch.id, batch_name=batch.name, org_id=batch.org_id, org_name=org_name,
            project_id=batch.project_id, template_name=batch.template_name, total=len(files)),
        search_attributes=TypedSearchAttributes([
            SearchAttributePair(ORG_ID, batch.org_id),
            SearchAttributePair(BATCH_STATUS, "processing"),
        ]),
    )


def _org_name(settings: Settings, org_id: str) -> str:
    with Session(get_engine(settings.sqlalchemy_url)) as session:
        org = session.get(Organization, org_id)
    return org.name if org else org_id


async def reconcile_once(holder: TemporalHolder, settings: Settings) -> int:
    """Start every stored-but-unstarted batch; fail uploads abandoned mid-way. Returns starts."""
    engine = get_engine(settings.sqlalchemy_url)
    started = 0
    with Session(engine, expire_on_commit=False) as session:
        waiting = session.exec(select(Batch).where(Batch.status == "uploading")).all()
        for batch in waiting:
            files = session.exec(select(BatchFile).where(BatchFile.batch_id == batch.id)
                                 .order_by(BatchFile.position)).all()
            if batch.stored_at is None:
                if utcnow() - batch.created_at > STALE_UPLOAD:
                    _abandon(session, batch, files)
                continue
            client = await holder.get()
            await start_batch(client, settings, batch, list(files))
            batch.status = "processing"
            session.add(batch)
            session.commit()
            started += 1
            log.info("started batch %s that was stored but not yet running", batch.id)
    return started


def _abandon(session: Session, batch: Batch, files: list[BatchFile]) -> None:
    """The upload never finished (the API stopped mid-way): fail it and give the credits back."""
    for f in files:
        f.status = "failed"
        f.error_code, f.error_message = "UploadInterrupted", "The upload did not finish; upload the file again."
        session.add(f)
    apply_change(session, batch.org_id, len(files), reason="file_refund", key=f"abandon:{batch.id}",
                 batch_id=batch.id)
    batch.status, batch.failed_files, batch.progress, batch.finished_at = "failed", len(files), 100, utcnow()
    session.add(batch)
    session.commit()


async def reconcile_forever(holder: TemporalHolder, settings: Settings, every: float = 15.0) -> None:
    while True:
        try:
            await reconcile_once(holder, settings)
        except Exception as exc:  # Temporal or the database may be briefly away: try again later
            log.warning("reconcile pass failed: %s", exc)
        await asyncio.sleep(every)
