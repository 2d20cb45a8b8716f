"""Batch bookkeeping shared by the API and the activities."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from core.ids import utcnow
from core.models import Batch, BatchFile
from workflows.progress import progress_percent
from workflows.vocabulary import FileStatus


def refresh_counts(session: Session, batch: Batch) -> Batch:
    """Recompute a batch's counters from its file rows (derived, so safe to repeat)."""
    rows = session.exec(
        select(BatchFile.status, func.count())
        .where(BatchFile.batch_id == batch.id)
        .group_by(BatchFile.status)
    ).all()
    counts = dict(rows)
    batch.completed_files = counts.get(FileStatus.COMPLETED, 0)
    batch.failed_files = counts.get(FileStatus.FAILED, 0)
    batch.progress = progress_percent(batch.completed_files, batch.failed_files, batch.total_files)
    batch.updated_at = utcnow()
    session.add(batch)
    return batch
