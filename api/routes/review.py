"""Review and correction: fix a file's fields, confirm it, the review queue and the audit log."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from api.deps import Reader, SessionDep, SettingsDep, TemporalHolderDep, Writer, credential
from api.errors import ApiError
from api.schemas import FilePublic, Pagination, pagination
from core import learning, review, review_lists
from core.access import Principal
from core.models import BatchFile
from core.review_webhook import publish_reviewed
from services import exports

log = logging.getLogger("docbatch.api")
router = APIRouter(tags=["review"])


class Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class CorrectionIn(BaseModel):
    """``fields``: name -> the right value (``null`` clears it); ``sources``: where on the page
    each value was picked, ``{"page": 1, "box": [x0, y0, x1, y1]}`` as fractions of the page."""

    model_config = ConfigDict(extra="forbid")
    fields: dict[str, Any] = Field(description="field name -> corrected value")
    sources: dict[str, Any] | None = None


class ReviewState(Camel):
    id: str
    batch_id: str
    file_name: str
    template_id: str
    needs_review: bool
    review_fields: list[str]
    reviewed: bool
    reviewed_at: str | None
    reviewed_by: str | None
    result: dict[str, Any]
    extracted: dict[str, Any]
    corrections: dict[str, Any]


class AuditEntry(Camel):
    id: int | None
    kind: str
    actor: str
    file_id: str | None
    template_id: str | None
    detail: dict[str, Any]
    created_at: str | None


class AuditList(Camel):
    data: list[AuditEntry]


class AuditPage(Camel):
    data: list[AuditEntry]
    pagination: Pagination


class QueuePage(Camel):
    """File records (as ``GET /processing-history/{orgId}`` lists them) that need review."""

    data: list[FilePublic]
    pagination: Pagination


class PageWord(Camel):
    text: str
    box: list[float]  # [x0, y0, x1, y1] as fractions of the page, origin top-left


class PageWords(Camel):
    page: int
    words: list[PageWord]


def _state(session: SessionDep, file: BatchFile) -> ReviewState:
    extras = review.record_extras(session, file)
    return ReviewState(
        id=file.id,
        batch_id=file.batch_id,
        file_name=file.file_name,
        template_id=file.template_id,
        **review.review_public(file),
        **extras,
    )


async def _announce(
    session: SessionDep,
    settings: SettingsDep,
    temporal: TemporalHolderDep,
    principal: Principal,
    file: BatchFile,
    how: str,
) -> None:
    """Start the ``document.reviewed`` deliveries; a Temporal outage does not undo the review."""
    try:
        client = await temporal.get()
        await asyncio.wait_for(publish_reviewed(client, settings, session, file, how), timeout=15)
    except Exception as exc:
        log.warning("document.reviewed for %s not sent: %s", file.id, exc)


def _actor(request: Request, principal: Principal) -> str:
    """Who acts, as the audit log names them: the token id, ``web:`` first when signed in."""
    via_cookie = credential(request.headers, request.cookies)[1]  # type: ignore[arg-type]
    return f"web:{principal.token_id}" if via_cookie else principal.token_id


def _refused(exc: review.ReviewRefused) -> ApiError:
    return ApiError(exc.status_code, exc.message)


@router.patch(
    "/processing-history/{org_id}/{file_id}/fields",
    response_model=ReviewState,
    response_model_by_alias=True,
)
async def correct_fields(
    org_id: str,
    file_id: str,
    body: CorrectionIn,
    principal: Writer,
    session: SessionDep,
    settings: SettingsDep,
    temporal: TemporalHolderDep,
    request: Request,
) -> ReviewState:
    """Correct some fields of a completed file: the values are checked against the template, the
    extracted ones are kept, and every export uses the corrected ones from now on."""
    try:
        file = review.correct_fields(
            session, principal, file_id, body.fields, body.sources, actor=_actor(request, principal)
        )
    except review.ReviewRefused as exc:
        raise _refused(exc) from None
    await _announce(session, settings, temporal, principal, file, "corrected")
    await learning.after_corrections(session, temporal.get, settings, file.org_id, file.template_id)
    await exports.refresh_after_review(session, temporal.get, settings, file.batch_id)
    return _state(session, file)


@router.post(
    "/processing-history/{org_id}/{file_id}/review",
    response_model=ReviewState,
    response_model_by_alias=True,
)
async def confirm_file(
    org_id: str,
    file_id: str,
    principal: Writer,
    session: SessionDep,
    settings: SettingsDep,
    temporal: TemporalHolderDep,
    request: Request,
) -> ReviewState:
    """Confirm a completed file's values without changing them (it no longer needs review)."""
    try:
        file = review.confirm_file(session, principal, file_id, actor=_actor(request, principal))
    except review.ReviewRefused as exc:
        raise _refused(exc) from None
    await _announce(session, settings, temporal, principal, file, "confirmed")
    await exports.refresh_after_review(session, temporal.get, settings, file.batch_id)
    return _state(session, file)


@router.get(
    "/processing-history/{org_id}/{file_id}/audit",
    response_model=AuditList,
    response_model_by_alias=True,
)
def file_audit(org_id: str, file_id: str, principal: Reader, session: SessionDep) -> AuditList:
    """Every correction and confirmation of one file, oldest first."""
    rows = review_lists.file_audit(session, principal, file_id)
    return AuditList(data=[AuditEntry(**review_lists.event_public(r)) for r in rows])


@router.get(
    "/processing-history/{org_id}/{file_id}/words",
    response_model=PageWords,
    response_model_by_alias=True,
)
def page_words(
    org_id: str,
    file_id: str,
    principal: Reader,
    session: SessionDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> PageWords:
    """The words read on one page with their boxes (fractions of the page), for picking values."""
    words = review.page_words(session, principal, file_id, page)
    return PageWords(page=page, words=[PageWord(**w) for w in words])


@router.get(
    "/templates/{org_id}/{template_id}/audit",
    response_model=AuditPage,
    response_model_by_alias=True,
)
def template_audit(
    org_id: str,
    template_id: str,
    principal: Reader,
    session: SessionDep,
    page: Annotated[int, Query(ge=1)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> AuditPage:
    """Corrections, confirmations and model decisions of one template, newest first."""
    rows, total = review_lists.template_audit(
        session, principal, template_id, page=page, limit=limit
    )
    data = [AuditEntry(**review_lists.event_public(r)) for r in rows]
    return AuditPage(
        data=data,
        pagination=pagination(page, limit, total),
    )


@router.get("/review/{org_id}/queue", response_model=QueuePage, response_model_by_alias=True)
def review_queue(
    org_id: str,
    principal: Reader,
    session: SessionDep,
    templateId: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> QueuePage:
    """Files that need review, oldest first (the review queue)."""
    rows, total = review_lists.review_queue(
        session, principal, page=page, limit=limit, template_id=templateId
    )
    return QueuePage(
        data=[FilePublic.from_row(r) for r in rows], pagination=pagination(page, limit, total)
    )
