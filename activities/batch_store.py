"""Activities that mirror the batch workflow's transitions into the database."""

from __future__ import annotations

import logging

from temporalio import activity

from core.batches import refresh_counts
from core.credits import InsufficientCredits, apply_change
from core.db import session_scope
from core.ids import utcnow
from core.logs import logs_ids
from core.metrics import BATCHES_FINISHED, FAILURES, FILES_FINISHED
from core.models import Batch, BatchFile
from core.settings import Settings
from workflows.contracts import BatchOutcome, FileFailure, RetryCharge

log = logging.getLogger("docbatch.batches")


class BatchStoreActivities:
    def __init__(self, settings: Settings) -> None:
        self.db_url = settings.sqlalchemy_url

    @activity.defn(name="record_file_failure")
    @logs_ids
    def record_file_failure(self, failure: FileFailure) -> None:
        """Mark a file failed with its reason and refund its credit (once per failure)."""
        with session_scope(self.db_url) as session:
            row = session.get(BatchFile, failure.file_id)
            batch = session.get(Batch, failure.batch_id)
            if row is None or batch is None:
                return
            row.status = "failed"
            row.error_code, row.error_message = failure.code, failure.message
            row.finished_at = utcnow()
            session.add(row)
            if failure.attempt_key:
                apply_change(
                    session,
                    batch.org_id,
                    +1,
                    reason="file_refund",
                    key=f"refund:{failure.attempt_key}",
                    batch_id=batch.id,
                    file_id=row.id,
                )
            refresh_counts(session, batch)
        FILES_FINISHED.labels("failed").inc()
        FAILURES.labels(failure.code).inc()
        log.info("file %s failed: %s: %s", failure.file_id, failure.code, failure.message)

    @activity.defn(name="charge_retry")
    @logs_ids
    def charge_retry(self, charge: RetryCharge) -> bool:
        """Charge one credit for a re-run and queue the file again; False if the balance is
        short."""
        with session_scope(self.db_url) as session:
            row = session.get(BatchFile, charge.file_id)
            batch = session.get(Batch, charge.batch_id)
            if row is None or batch is None:
                return False
            try:
                apply_change(
                    session,
                    batch.org_id,
                    -1,
                    reason="retry_charge",
                    key=f"retry:{row.id}:{charge.retry_number}",
                    batch_id=batch.id,
                    file_id=row.id,
                )
            except InsufficientCredits:
                return False
            row.status = "queued"
            row.error_code = row.error_message = None
            row.finished_at = None
            batch.status = "processing"
            batch.finished_at = None
            session.add(row)
            refresh_counts(session, batch)
        return True

    @activity.defn(name="finalize_batch")
    @logs_ids
    def finalize_batch(self, outcome: BatchOutcome) -> None:
        """Store the batch's final status once every file has settled."""
        with session_scope(self.db_url) as session:
            batch = session.get(Batch, outcome.batch_id)
            if batch is None:
                return
            refresh_counts(session, batch)
            batch.status = outcome.status
            batch.finished_at = utcnow()
            session.add(batch)
        BATCHES_FINISHED.labels(outcome.status).inc()
        log.info("batch %s finished: %s", outcome.batch_id, outcome.status)
