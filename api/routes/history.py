"""Processing history: one record per uploaded file, across batches."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import Reader, SessionDep
from api.schemas import FilePublic, FileWithResult, PageOf, page_of
from services import history
from services.history import HistoryFilter

router = APIRouter(prefix="/processing-history", tags=["processing history"])


@router.get("/{org_id}", response_model=PageOf[FilePublic])
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
) -> PageOf[FilePublic]:
    """File records, newest first, with every filter."""
    wanted = HistoryFilter(
        batch_id=batchId,
        status=status,
        template_id=templateId,
        project_id=projectId,
        search=search,
        from_date=fromDate,
        to_date=toDate,
        needs_review=needsReview,
    )
    found = history.list_files(session, principal, wanted, page=page, limit=limit)
    return page_of([FilePublic.from_row(r) for r in found.rows], found)


@router.get("/{org_id}/{file_id}", response_model=FileWithResult)
def get_history_record(
    org_id: str, file_id: str, principal: Reader, session: SessionDep
) -> FileWithResult:
    """One file record: its extracted result, confidence, timings, attempts and failure reason."""
    row, extras = history.file_record_with_review(session, principal, file_id)
    return FileWithResult.with_review(row, extras)
