"""The review lists: the queue of files that need review, and the audit log per file and template.

Every function takes the caller's ``Principal`` and asks ``core.access`` what it may see.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from core import access
from core.access import Principal
from core.ids import iso
from core.models import Batch, BatchFile, ReviewEvent


def review_queue(
    session: Session, principal: Principal, *, page: int, limit: int, template_id: str | None = None
) -> tuple[list[BatchFile], int]:
    """Files needing review, oldest first (by when they finished), inside the caller's reach."""
    query = (
        select(BatchFile)
        .join(Batch, Batch.id == BatchFile.batch_id)  # type: ignore[arg-type]
        .where(
            BatchFile.org_id == principal.org_id,
            BatchFile.needs_review,
            BatchFile.status == "completed",
            col(Batch.deleted_at).is_(None),
        )
    )
    if principal.project_id:
        query = query.where(BatchFile.project_id == principal.project_id)
    if template_id:
        query = query.where(BatchFile.template_id == template_id)
    total = int(session.exec(select(func.count()).select_from(query.subquery())).one())
    rows = session.exec(
        query.order_by(col(BatchFile.finished_at), col(BatchFile.created_at), col(BatchFile.id))
        .offset((page - 1) * limit)
        .limit(limit)
    ).all()
    return list(rows), total


def event_public(row: ReviewEvent) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "actor": row.actor,
        "fileId": row.file_id,
        "templateId": row.template_id,
        "detail": row.detail or {},
        "createdAt": iso(row.created_at),
    }


def file_audit(session: Session, principal: Principal, file_id: str) -> list[ReviewEvent]:
    """The audit entries of one file, oldest first."""
    file = access.batch_file(session, principal, file_id)
    query = select(ReviewEvent).where(
        ReviewEvent.org_id == file.org_id, ReviewEvent.file_id == file.id
    )
    query = query.order_by(col(ReviewEvent.created_at), col(ReviewEvent.id))
    return list(session.exec(query).all())


def template_audit(
    session: Session, principal: Principal, template_id: str, *, page: int, limit: int
) -> tuple[list[ReviewEvent], int]:
    """The audit entries of one template (corrections, confirmations, model decisions), newest
    first.

    A project-limited token sees only the entries of its own project's files (and the
    template-wide model decisions).
    """
    template = access.template(session, principal, template_id)
    query = select(ReviewEvent).where(
        ReviewEvent.org_id == principal.org_id, ReviewEvent.template_id == template.id
    )
    if principal.project_id:
        own = select(BatchFile.id).where(BatchFile.project_id == principal.project_id)
        file_id = col(ReviewEvent.file_id)
        query = query.where(file_id.is_(None) | file_id.in_(own))
    total = int(session.exec(select(func.count()).select_from(query.subquery())).one())
    rows = session.exec(
        query.order_by(col(ReviewEvent.created_at).desc(), col(ReviewEvent.id).desc())
        .offset((page - 1) * limit)
        .limit(limit)
    ).all()
    return list(rows), total
