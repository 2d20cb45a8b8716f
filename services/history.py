"""Processing history: one record per uploaded file, across batches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from core import access, review
from core.access import Principal
from core.errors import ServiceError
from core.models import Batch, BatchFile
from services.paging import Page, paged
from workflows.vocabulary import FileStatus


@dataclass(frozen=True)
class HistoryFilter:
    batch_id: str | None = None
    status: str | None = None
    template_id: str | None = None
    project_id: str | None = None
    search: str | None = None
    from_date: str | None = None
    to_date: str | None = None
    needs_review: bool | None = None


def _day_start(value: str, name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except ValueError:
        try:
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=UTC)
        except ValueError:
            raise ServiceError(
                400, f"{name} must be a date like 2026-03-31 or an ISO date-time; got {value!r}."
            ) from None


def list_files(
    session: Session, principal: Principal, wanted: HistoryFilter, *, page: int, limit: int
) -> Page[BatchFile]:
    """File records of live batches the caller may see, newest first, with every filter."""
    joined = select(BatchFile).join(Batch, col(Batch.id) == col(BatchFile.batch_id))
    query = access.scoped(joined, BatchFile, principal, parent=Batch)
    if wanted.status:
        known = [s.value for s in FileStatus]
        if wanted.status not in known:
            raise ServiceError(
                400, f"Unknown status {wanted.status!r}; use one of {', '.join(known)}."
            )
        query = query.where(BatchFile.status == wanted.status)
    for column, value in (
        (BatchFile.batch_id, wanted.batch_id),
        (BatchFile.template_id, wanted.template_id),
        (BatchFile.project_id, wanted.project_id),
    ):
        if value:
            query = query.where(column == value)
    if wanted.needs_review is not None:
        query = query.where(BatchFile.needs_review == wanted.needs_review)
    if wanted.search:
        like = f"%{wanted.search.strip().lower()}%"
        query = query.where(
            or_(func.lower(BatchFile.file_name).like(like), func.lower(Batch.name).like(like))
        )
    if wanted.from_date:
        query = query.where(col(BatchFile.created_at) >= _day_start(wanted.from_date, "fromDate"))
    if wanted.to_date:
        end = _day_start(wanted.to_date, "toDate")
        if len(wanted.to_date) == 10:  # a plain date includes the whole day
            end += timedelta(days=1)
        query = query.where(col(BatchFile.created_at) < end)
    order = (col(BatchFile.created_at).desc(), col(BatchFile.position).desc())
    return paged(session, query, order, page=page, limit=limit)


def file_record(session: Session, principal: Principal, file_id: str) -> BatchFile:
    return access.batch_file(session, principal, file_id)


def file_record_with_review(
    session: Session, principal: Principal, file_id: str
) -> tuple[BatchFile, dict[str, Any]]:
    """The record and what review adds: effective values, extracted ones, corrections."""
    row = access.batch_file(session, principal, file_id)
    return row, review.record_extras(session, row)
