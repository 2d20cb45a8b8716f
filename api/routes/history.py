"""Processing history: one record per uploaded file, across batches."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, or_
from sqlmodel import select

from api.deps import Principal, Reader, SessionDep
from api.errors import ApiError
from core import access
from api.schemas import file_public, page_of
from core import review
from core.models import Batch, BatchFile

router = APIRouter(prefix="/processing-history", tags=["processing history"])

FILE_STATUSES = ("queued", "processing", "completed", "failed")


def _day_start(value: str, name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    except ValueError:
        try:
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=timezone.utc)
        except ValueError:
            raise ApiError(400, f"{name} must be a date like 2026-03-31 or an ISO date-time; got {value!r}.")


@router.get("/{org_id}")
def list_history(
    org_id: str,
    principal: Reader,
    session: SessionDep,
    batchId: str | None = None,
    status: str | None = None,
    templateId: str | None = None,
    projectId: str | None = None,
    search: str | None = None,
    fromDate: str | None = None,
    toDate: str | None = None,
    needsReview: bool | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict:
    """File records, newest first, with every filter."""
    query = (select(BatchFile).join(Batch, Batch.id == BatchFile.batch_id)  # type: ignore[arg-type]
             .where(BatchFile.org_id == org_id, Batch.deleted_at.is_(None)))  # type: ignore[union-attr]
    if principal.project_id:
        query = query.where(BatchFile.project_id == principal.project_id)
    if status:
        if status not in FILE_STATUSES:
            raise ApiError(400, f"Unknown status {status!r}; use one of {', '.join(FILE_STATUSES)}.")
        query = query.where(BatchFile.status == status)
    for column, value in ((BatchFile.batch_id, batchId), (BatchFile.template_id, templateId),
                          (BatchFile.project_id, projectId)):
        if value:
            query = query.where(column == value)
    if needsReview is not None:
        query = query.where(BatchFile.needs_review == needsReview)
    if search:
        like = f"%{search.strip().lower()}%"
        query = query.where(or_(func.lower(BatchFile.file_name).like(like), func.lower(Batch.name).like(like)))
    if fromDate:
        query = query.where(BatchFile.created_at >= _day_start(fromDate, "fromDate"))
    if toDate:
        end = _day_start(toDate, "toDate")
        if len(toDate) == 10:  # a plain date includes the whole day
            end += timedelta(days=1)
        query = query.where(BatchFile.created_at < end)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(BatchFile.created_at.desc(), BatchFile.position.desc())  # type: ignore[attr-defined]
                        .offset((page - 1) * limit).limit(limit)).all()
    return page_of([file_public(r) for r in rows], page=page, limit=limit, total=total)


def load_file(session: SessionDep, principal: Principal, file_id: str) -> BatchFile:
    return access.batch_file(session, principal, file_id)


@router.get("/{org_id}/{file_id}")
def get_history_record(org_id: str, file_id: str, principal: Reader, session: SessionDep) -> dict:
    """One file record with its extracted result, confidence, timings, attempts and failure reason."""
    row = load_file(session, principal, file_id)
    return {**file_public(row, with_result=True), **review.record_extras(session, row)}
