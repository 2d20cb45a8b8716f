"""Webhook endpoints of an organization: CRUD, a test event, the delivery log, secret rotation."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select
from temporalio.client import Client

from core import access
from core.access import Principal
from core.errors import ServiceError
from core.ids import iso, new_id, utcnow
from core.net_guard import UrlRefused, check_url
from core.secret_box import seal, seal_headers, unseal, unseal_headers
from core.settings import Settings
from core.temporal import delivery_job, start_delivery
from core.webhook_models import TEST_EVENT, WEBHOOK_EVENTS, WebhookDelivery, WebhookEndpoint
from core.webhook_signing import generate_secret, header_problems, secret_hint, secret_problem
from services.paging import Page, paged
from workflows.contracts import WebhookEvent
from workflows.vocabulary import EndpointStatus

#: What a person may set; ``disabled`` is set by a 410 Gone answer only.
SETTABLE_STATUSES = (EndpointStatus.ACTIVE, EndpointStatus.PAUSED)


@dataclass(frozen=True)
class EndpointDraft:
    name: str
    url: str
    events: list[str]
    secret: str | None = None
    project_ids: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    status: str = EndpointStatus.ACTIVE


@dataclass(frozen=True)
class EndpointChange:
    """A partial update: ``None`` leaves the value as it is."""

    name: str | None = None
    url: str | None = None
    events: list[str] | None = None
    project_ids: list[str] | None = None
    headers: dict[str, str] | None = None
    status: str | None = None  # active | paused (re-activates a disabled endpoint too)


# --- validation --------------------------------------------------------------------------------


def _check_events(events: list[str]) -> list[str]:
    unknown = [e for e in events if e not in WEBHOOK_EVENTS]
    if unknown:
        raise ServiceError(
            400,
            f"events: unknown event {', '.join(repr(e) for e in unknown)}; "
            f"use some of {', '.join(WEBHOOK_EVENTS)}.",
        )
    return list(dict.fromkeys(events))


def _check_url(settings: Settings, url: str) -> str:
    url = url.strip()
    try:
        check_url(url, settings.webhook_allow_private)
    except UrlRefused as exc:
        raise ServiceError(400, str(exc)) from None
    return url


def _check_projects(session: Session, principal: Principal, project_ids: list[str]) -> list[str]:
    project_ids = list(dict.fromkeys(project_ids))
    scoped = access.endpoint_projects(principal, project_ids)
    if scoped != project_ids:  # none given: the token's own project
        return scoped
    for project_id in project_ids:
        try:
            access.project(session, principal, project_id)
        except access.AccessDenied:
            raise ServiceError(
                400, f"projectIds: project {project_id} not found in this organization."
            ) from None
    return project_ids


def _check_headers(headers: dict[str, str]) -> dict[str, str]:
    problems = header_problems(headers)
    if problems:
        raise ServiceError(400, problems)
    return headers


def _check_status(status: str) -> str:
    if status not in SETTABLE_STATUSES:
        raise ServiceError(400, "status must be 'active' or 'paused'.")
    return status


# --- operations --------------------------------------------------------------------------------


def plain_secret(settings: Settings, endpoint: WebhookEndpoint) -> str:
    return unseal(settings, endpoint.secret)


def hint(settings: Settings, endpoint: WebhookEndpoint) -> str:
    return secret_hint(plain_secret(settings, endpoint))


def list_endpoints(session: Session, principal: Principal) -> list[WebhookEndpoint]:
    return access.webhook_endpoints(session, principal)


def get_endpoint(session: Session, principal: Principal, endpoint_id: str) -> WebhookEndpoint:
    return access.webhook_endpoint(session, principal, endpoint_id)


def create_endpoint(
    session: Session, settings: Settings, principal: Principal, draft: EndpointDraft
) -> WebhookEndpoint:
    """The new endpoint; its signing secret is shown this once (``plain_secret``)."""
    if draft.secret is not None and (problem := secret_problem(draft.secret)):
        raise ServiceError(400, problem)
    endpoint = WebhookEndpoint(
        id=new_id("whk"),
        org_id=principal.org_id,
        name=draft.name.strip(),
        url=_check_url(settings, draft.url),
        events=_check_events(draft.events),
        project_ids=_check_projects(session, principal, draft.project_ids),
        headers=seal_headers(settings, _check_headers(draft.headers)),
        status=_check_status(draft.status),
        secret=seal(settings, draft.secret or generate_secret()),
    )
    session.add(endpoint)
    session.commit()
    return endpoint


def update_endpoint(
    session: Session,
    settings: Settings,
    principal: Principal,
    endpoint_id: str,
    change: EndpointChange,
) -> WebhookEndpoint:
    """Change an endpoint; ``status: active`` resumes a paused or disabled one."""
    endpoint = access.webhook_endpoint(session, principal, endpoint_id)
    if change.name is not None:
        endpoint.name = change.name.strip()
    if change.url is not None:
        endpoint.url = _check_url(settings, change.url)
    if change.events is not None:
        endpoint.events = _check_events(change.events)
    if change.project_ids is not None:
        endpoint.project_ids = _check_projects(session, principal, change.project_ids)
    if change.headers is not None:
        kept = unseal_headers(
            settings, access.keep_header_secrets(change.headers, endpoint.headers)
        )
        endpoint.headers = seal_headers(settings, _check_headers(kept))
    if change.status is not None:
        endpoint.status = _check_status(change.status)
        endpoint.disabled_reason = None
    endpoint.updated_at = utcnow()
    session.add(endpoint)
    session.commit()
    return endpoint


def delete_endpoint(session: Session, principal: Principal, endpoint_id: str) -> WebhookEndpoint:
    """Pending retries stop at their next attempt. The delivery log is kept."""
    endpoint = access.webhook_endpoint(session, principal, endpoint_id)
    endpoint.deleted_at = endpoint.updated_at = utcnow()
    session.add(endpoint)
    session.commit()
    return endpoint


def rotate_secret(
    session: Session, settings: Settings, principal: Principal, endpoint_id: str
) -> WebhookEndpoint:
    """A new signing secret; deliveries from now on (retries too) use it."""
    endpoint = access.webhook_endpoint(session, principal, endpoint_id)
    endpoint.secret = seal(settings, generate_secret())
    endpoint.updated_at = utcnow()
    session.add(endpoint)
    session.commit()
    return endpoint


async def send_test_event(
    session: Session, settings: Settings, principal: Principal, temporal: Client, endpoint_id: str
) -> WebhookEvent:
    """A ``webhook.test`` event through the normal durable delivery (retries included)."""
    endpoint = access.webhook_endpoint(session, principal, endpoint_id)
    if endpoint.status != EndpointStatus.ACTIVE:
        raise ServiceError(
            409, f"This endpoint is {endpoint.status}; set its status to 'active' first."
        )
    event = WebhookEvent(
        eventId=new_id("evt"),
        eventType=TEST_EVENT,
        timestamp=iso(utcnow()) or "",
        organizationId=principal.org_id,
        projectId=endpoint.project_ids[0] if endpoint.project_ids else "",
        payload={"endpointId": endpoint.id, "message": "A test event from docbatch."},
    )
    job = delivery_job(settings, endpoint.id, event)
    await start_delivery(temporal, job, settings.webhook_task_queue)
    return event


def deliveries(
    session: Session,
    principal: Principal,
    endpoint_id: str,
    *,
    event_id: str | None,
    page: int,
    limit: int,
) -> Page[WebhookDelivery]:
    """Every delivery attempt of the endpoint, newest first (optionally of one event)."""
    endpoint = access.webhook_endpoint(session, principal, endpoint_id)
    query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    if event_id:
        query = query.where(WebhookDelivery.event_id == event_id)
    return paged(session, query, (col(WebhookDelivery.id).desc(),), page=page, limit=limit)
