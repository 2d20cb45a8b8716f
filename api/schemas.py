"""What the API answers: one pydantic model per JSON shape, in the product's camelCase.

Fields are written in snake_case and sent under their camelCase alias (``to_camel``), so
``/openapi.json`` describes every answer and a typed client can be generated from it. The
``from_row`` constructors are the only place a database row becomes a public shape: a column
not listed here never leaks.
"""

from __future__ import annotations

from math import ceil
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel, to_snake

from core.access import mask_engine, mask_headers
from core.ids import iso
from core.models import ApiToken, Batch, BatchFile, CreditEntry, Project, Template
from core.review import review_public
from core.webhook_models import WebhookDelivery, WebhookEndpoint
from services.paging import Page

T = TypeVar("T")


class Public(BaseModel):
    """Base of every answer: camelCase on the wire, snake_case in Python."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


# --- pages ------------------------------------------------------------------------------------


class Pagination(Public):
    page: int
    limit: int
    total: int
    pages: int


class PageOf(Public, Generic[T]):
    data: list[T]
    pagination: Pagination


def pagination(page: int, limit: int, total: int) -> Pagination:
    return Pagination(
        page=page, limit=limit, total=total, pages=ceil(total / limit) if limit else 0
    )


def page_of(items: list[T], found: Page[Any]) -> PageOf[T]:
    return PageOf[T](data=items, pagination=pagination(found.page, found.limit, found.total))


class Deleted(Public):
    id: str
    deleted: bool = True


# --- batches and files ------------------------------------------------------------------------


class BatchPublic(Public):
    id: str
    name: str
    total_files: int
    completed_files: int
    failed_files: int
    status: str
    progress: int
    created_at: str | None
    updated_at: str | None
    finished_at: str | None
    project_id: str
    template_id: str
    template_name: str

    @classmethod
    def from_row(cls, batch: Batch) -> BatchPublic:
        return cls(
            id=batch.id,
            name=batch.name,
            total_files=batch.total_files,
            completed_files=batch.completed_files,
            failed_files=batch.failed_files,
            status=batch.status,
            progress=batch.progress,
            created_at=iso(batch.created_at),
            updated_at=iso(batch.updated_at),
            finished_at=iso(batch.finished_at),
            project_id=batch.project_id,
            template_id=batch.template_id,
            template_name=batch.template_name,
        )


class FilePublic(Public):
    id: str
    batch_id: str
    file_name: str
    status: str
    size: int | None
    content_type: str | None
    attempts: int
    error_code: str | None
    error_message: str | None
    pages: int | None
    engine: str | None
    duration_ms: int | None
    project_id: str
    template_id: str
    created_at: str | None
    started_at: str | None
    finished_at: str | None
    needs_review: bool
    review_fields: list[str]
    reviewed: bool
    reviewed_at: str | None
    reviewed_by: str | None

    @classmethod
    def from_row(cls, row: BatchFile) -> FilePublic:
        return cls(**_file_fields(row))


def _file_fields(row: BatchFile) -> dict[str, Any]:
    return {
        "id": row.id,
        "batch_id": row.batch_id,
        "file_name": row.file_name,
        "status": row.status,
        "size": row.size,
        "content_type": row.content_type,
        "attempts": row.attempts,
        "error_code": row.error_code,
        "error_message": row.error_message,
        "pages": row.pages,
        "engine": row.engine,
        "duration_ms": row.duration_ms,
        "project_id": row.project_id,
        "template_id": row.template_id,
        "created_at": iso(row.created_at),
        "started_at": iso(row.started_at),
        "finished_at": iso(row.finished_at),
        # the review state every file record carries (core.review), camelCase -> snake_case
        **{to_snake(k): v for k, v in review_public(row).items()},
    }


class FileWithResult(FilePublic):
    """A file record with what was extracted (history detail): ``result`` holds the values in
    effect (corrections applied), ``extracted`` the engine's, ``corrections`` who changed what."""

    result: Any = None
    confidence: Any = None
    details: Any = None
    extracted: Any = None
    corrections: Any = None

    @classmethod
    def with_review(cls, row: BatchFile, extras: dict[str, Any]) -> FileWithResult:
        """``extras``: ``core.review.record_extras`` of the row."""
        result = row.result or {}
        return cls(
            **_file_fields(row),
            result=extras.get("result", result.get("fields")),
            confidence=result.get("confidence"),
            details=result.get("details"),
            extracted=extras.get("extracted"),
            corrections=extras.get("corrections"),
        )


class BatchDetail(BatchPublic):
    files: list[FilePublic]
    needs_review_files: int


class BatchAccepted(BatchPublic):
    upload_ids: list[str]


class FileRetryQueued(Public):
    batch_id: str
    file_id: str
    status: str = "queued"


class BatchRetryQueued(Public):
    batch_id: str
    file_ids: list[str]
    status: str = "queued"


class BatchCancelling(Public):
    batch_id: str
    status: str = "cancelling"


# --- templates, projects, tokens, credits ------------------------------------------------------


class TemplatePublic(Public):
    id: str
    name: str
    description: str
    project_id: str | None
    template_schema: dict[str, Any]
    instructions: str
    engine: dict[str, Any]
    builtin: bool
    created_at: str | None
    updated_at: str | None

    @classmethod
    def from_row(cls, t: Template) -> TemplatePublic:
        return cls(
            id=t.id,
            name=t.name,
            description=t.description,
            project_id=t.project_id,
            template_schema=t.template_schema,
            instructions=t.instructions,
            engine=mask_engine(t.engine),
            builtin=t.builtin,
            created_at=iso(t.created_at),
            updated_at=iso(t.updated_at),
        )


class TemplateBrief(Public):
    id: str
    name: str
    project_id: str | None
    builtin: bool

    @classmethod
    def from_row(cls, t: Template) -> TemplateBrief:
        return cls(id=t.id, name=t.name, project_id=t.project_id, builtin=t.builtin)


class ProjectPublic(Public):
    id: str
    name: str
    created_at: str | None

    @classmethod
    def from_row(cls, p: Project) -> ProjectPublic:
        return cls(id=p.id, name=p.name, created_at=iso(p.created_at))


class TokenScope(Public):
    id: str
    project_id: str | None
    permissions: list[str]


class Me(Public):
    organization_id: str
    organization_name: str
    token: TokenScope
    credits: int
    projects: list[ProjectPublic]
    templates: list[TemplateBrief]


class TokenPublic(Public):
    id: str
    name: str
    prefix: str
    project_id: str | None
    permissions: list[str]
    created_at: str | None
    expires_at: str | None
    revoked_at: str | None
    last_used_at: str | None

    @classmethod
    def from_row(cls, t: ApiToken) -> TokenPublic:
        return cls(**_token_fields(t))


def _token_fields(t: ApiToken) -> dict[str, Any]:
    return {
        "id": t.id,
        "name": t.name,
        "prefix": t.prefix,
        "project_id": t.project_id,
        "permissions": t.permissions.split(","),
        "created_at": iso(t.created_at),
        "expires_at": iso(t.expires_at),
        "revoked_at": iso(t.revoked_at),
        "last_used_at": iso(t.last_used_at),
    }


class TokenCreated(TokenPublic):
    """A new token: its value is in this answer only."""

    token: str

    @classmethod
    def created(cls, t: ApiToken, value: str) -> TokenCreated:
        return cls(**_token_fields(t), token=value)


class CreditEntryPublic(Public):
    id: int | None
    delta: int
    balance_after: int
    reason: str
    batch_id: str | None
    file_id: str | None
    created_at: str | None

    @classmethod
    def from_row(cls, e: CreditEntry) -> CreditEntryPublic:
        return cls(
            id=e.id,
            delta=e.delta,
            balance_after=e.balance_after,
            reason=e.reason,
            batch_id=e.batch_id,
            file_id=e.file_id,
            created_at=iso(e.created_at),
        )


class Credits(PageOf[CreditEntryPublic]):
    balance: int


class Balance(Public):
    balance: int


# --- webhooks ---------------------------------------------------------------------------------


class EndpointPublic(Public):
    id: str
    name: str
    url: str
    events: list[str]
    project_ids: list[str]
    headers: dict[str, str]
    status: str
    active: bool
    disabled_reason: str | None
    secret_hint: str | None
    created_at: str | None
    updated_at: str | None
    last_success_at: str | None
    last_failure_at: str | None

    @classmethod
    def from_row(cls, e: WebhookEndpoint, secret_hint: str | None) -> EndpointPublic:
        return cls(**_endpoint_fields(e, secret_hint))


def _endpoint_fields(e: WebhookEndpoint, secret_hint: str | None) -> dict[str, Any]:
    return {
        "id": e.id,
        "name": e.name,
        "url": e.url,
        "events": e.events,
        "project_ids": e.project_ids,
        "headers": mask_headers(e.headers),
        "status": e.status,
        "active": e.status == "active",
        "disabled_reason": e.disabled_reason,
        "secret_hint": secret_hint,
        "created_at": iso(e.created_at),
        "updated_at": iso(e.updated_at),
        "last_success_at": iso(e.last_success_at),
        "last_failure_at": iso(e.last_failure_at),
    }


class EndpointWithSecret(EndpointPublic):
    """An endpoint just created or whose secret was rotated: the secret is shown this once."""

    secret: str

    @classmethod
    def revealed(
        cls, e: WebhookEndpoint, secret: str, secret_hint: str | None
    ) -> EndpointWithSecret:
        return cls(**_endpoint_fields(e, secret_hint), secret=secret)


class DeliveryPublic(Public):
    id: int | None
    event_id: str
    event_type: str
    attempt: int
    outcome: str
    status_code: int | None
    duration_ms: int | None
    error: str | None
    created_at: str | None

    @classmethod
    def from_row(cls, d: WebhookDelivery) -> DeliveryPublic:
        return cls(
            id=d.id,
            event_id=d.event_id,
            event_type=d.event_type,
            attempt=d.attempt,
            outcome=d.outcome,
            status_code=d.status_code,
            duration_ms=d.duration_ms,
            error=d.error,
            created_at=iso(d.created_at),
        )


class TestEventSent(Public):
    __test__ = False  # not a pytest class

    event_id: str
    event_type: str
    endpoint_id: str


# --- template test ----------------------------------------------------------------------------


class TemplateTestResult(Public):
    """What a template test found on its sample: the engine's result and the empty fields."""

    model_config = ConfigDict(extra="allow")  # whatever else the engine reports stays in

    fields: dict[str, Any]
    confidence: dict[str, float]
    details: dict[str, dict[str, Any]]
    pages: int
    engine: str
    file_name: str
    missing: list[str]
