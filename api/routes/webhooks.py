"""Webhook endpoints of an organization: CRUD, a test event, the delivery log, secret rotation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlmodel import Session, select

from activities.webhooks import delivery_job
from api.deps import Admin, Principal, Reader, SessionDep, SettingsDep, TemporalDep
from api.errors import ApiError
from core import access
from api.schemas import page_of
from core.ids import iso, new_id, utcnow
from core.net_guard import UrlRefused, check_url
from core.secret_box import seal, seal_headers, unseal, unseal_headers
from core.settings import Settings
from core.webhook_models import TEST_EVENT, WEBHOOK_EVENTS, WebhookDelivery, WebhookEndpoint
from core.webhook_signing import generate_secret, header_problems, secret_hint, secret_problem
from workflows.contracts import WebhookEvent
from workflows.webhook_delivery import start_delivery

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


class EndpointCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    url: str = Field(min_length=1, max_length=2048)
    events: list[str] = Field(min_length=1)
    secret: str | None = None
    projectIds: list[str] = Field(default_factory=list)
    headers: dict[str, str] = Field(default_factory=dict)
    status: str = "active"


class EndpointUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    url: str | None = Field(default=None, min_length=1, max_length=2048)
    events: list[str] | None = Field(default=None, min_length=1)
    projectIds: list[str] | None = None
    headers: dict[str, str] | None = None
    status: str | None = None  # active | paused (re-activates a disabled endpoint too)


def endpoint_public(e: WebhookEndpoint, settings: Settings, *, secret: bool = False) -> dict[str, Any]:
    plain = unseal(settings, e.secret)
    out = {
        "id": e.id,
        "name": e.name,
        "url": e.url,
        "events": e.events,
        "projectIds": e.project_ids,
        "headers": access.mask_headers(e.headers),
        "status": e.status,
        "active": e.status == "active",
        "disabledReason": e.disabled_reason,
        "secretHint": secret_hint(plain),
        "createdAt": iso(e.created_at),
        "updatedAt": iso(e.updated_at),
        "lastSuccessAt": iso(e.last_success_at),
        "lastFailureAt": iso(e.last_failure_at),
    }
    if secret:
        out["secret"] = plain
    return out


def delivery_public(d: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": d.id,
        "eventId": d.event_id,
        "eventType": d.event_type,
        "attempt": d.attempt,
        "outcome": d.outcome,
        "statusCode": d.status_code,
        "durationMs": d.duration_ms,
        "error": d.error,
        "createdAt": iso(d.created_at),
    }


# --- validation ---------------------------------------------------------------------------

def _check_events(events: list[str]) -> list[str]:
    unknown = [e for e in events if e not in WEBHOOK_EVENTS]
    if unknown:
        raise ApiError(400, f"events: unknown event {', '.join(repr(e) for e in unknown)}; "
                            f"use some of {', '.join(WEBHOOK_EVENTS)}.")
    return list(dict.fromkeys(events))


def _check_url(settings: Settings, url: str) -> str:
    url = url.strip()
    try:
        check_url(url, settings.webhook_allow_private)
    except UrlRefused as exc:
        raise ApiError(400, str(exc)) from None
    return url


def _check_projects(session: Session, principal: Principal, project_ids: list[str]) -> list[str]:
    project_ids = list(dict.fromkeys(project_ids))
    if principal.project_id:
        if not project_ids:
            return [principal.project_id]
        if project_ids != [principal.project_id]:
            raise ApiError(403, "A project-scoped token can only manage endpoints of its own project.")
    for project_id in project_ids:
        try:
            access.project(session, principal, project_id)
        except access.AccessDenied:
            raise ApiError(400, f"projectIds: project {project_id} not found in this organization.") from None
    return project_ids


def _check_headers(headers: dict[str, str]) -> dict[str, str]:
    problems = header_problems(headers)
    if problems:
        raise ApiError(400, problems)
    return headers


def _check_status(status: str) -> str:
    if status not in ("active", "paused"):
        raise ApiError(400, "status must be 'active' or 'paused'.")
    return status


visible = access.endpoint_visible


def load_endpoint(session: Session, principal: Principal, endpoint_id: str) -> WebhookEndpoint:
    return access.webhook_endpoint(session, principal, endpoint_id)


# --- routes -------------------------------------------------------------------------------

@router.get("/{org_id}")
def list_endpoints(org_id: str, principal: Reader, session: SessionDep, settings: SettingsDep) -> list[dict]:
    """The organization's webhook endpoints (secrets are never shown again)."""
    rows = session.exec(select(WebhookEndpoint).where(
        WebhookEndpoint.org_id == org_id, WebhookEndpoint.deleted_at.is_(None),  # type: ignore[union-attr]
    ).order_by(WebhookEndpoint.created_at)).all()
    return [endpoint_public(e, settings) for e in rows if visible(principal, e)]


@router.post("/{org_id}", status_code=201)
def create_endpoint(org_id: str, body: EndpointCreate, principal: Admin, session: SessionDep,
                    settings: SettingsDep) -> dict:
    """Add an endpoint. The answer holds the signing secret: it is shown this once."""
    if body.secret is not None and (problem := secret_problem(body.secret)):
        raise ApiError(400, problem)
    endpoint = WebhookEndpoint(
        id=new_id("whk"), org_id=org_id, name=body.name.strip(),
        url=_check_url(settings, body.url), events=_check_events(body.events),
        project_ids=_check_projects(session, principal, body.projectIds),
        headers=seal_headers(settings, _check_headers(body.headers)), status=_check_status(body.status),
        secret=seal(settings, body.secret or generate_secret()),
    )
    session.add(endpoint)
    session.commit()
    return endpoint_public(endpoint, settings, secret=True)


@router.get("/{org_id}/{endpoint_id}")
def get_endpoint(org_id: str, endpoint_id: str, principal: Reader, session: SessionDep, settings: SettingsDep) -> dict:
    return endpoint_public(load_endpoint(session, principal, endpoint_id), settings)


@router.patch("/{org_id}/{endpoint_id}")
def update_endpoint(org_id: str, endpoint_id: str, body: EndpointUpdate, principal: Admin,
                    session: SessionDep, settings: SettingsDep) -> dict:
    """Change an endpoint; ``status: active`` resumes a paused or disabled one."""
    endpoint = load_endpoint(session, principal, endpoint_id)
    if body.name is not None:
        endpoint.name = body.name.strip()
    if body.url is not None:
        endpoint.url = _check_url(settings, body.url)
    if body.events is not None:
        endpoint.events = _check_events(body.events)
    if body.projectIds is not None:
        endpoint.project_ids = _check_projects(session, principal, body.projectIds)
    if body.headers is not None:
        kept = unseal_headers(settings, access.keep_header_secrets(body.headers, endpoint.headers))
        endpoint.headers = seal_headers(settings, _check_headers(kept))
    if body.status is not None:
        endpoint.status = _check_status(body.status)
        endpoint.disabled_reason = None
    endpoint.updated_at = utcnow()
    session.add(endpoint)
    session.commit()
    return endpoint_public(endpoint, settings)


@router.delete("/{org_id}/{endpoint_id}")
def delete_endpoint(org_id: str, endpoint_id: str, principal: Admin, session: SessionDep) -> dict:
    """Delete an endpoint: pending retries stop at their next attempt. The delivery log is kept."""
    endpoint = load_endpoint(session, principal, endpoint_id)
    endpoint.deleted_at = endpoint.updated_at = utcnow()
    session.add(endpoint)
    session.commit()
    return {"id": endpoint.id, "deleted": True}


@router.post("/{org_id}/{endpoint_id}/rotate-secret")
def rotate_secret(org_id: str, endpoint_id: str, principal: Admin, session: SessionDep,
                  settings: SettingsDep) -> dict:
    """A new signing secret, shown this once; deliveries from now on (retries too) use it."""
    endpoint = load_endpoint(session, principal, endpoint_id)
    endpoint.secret = seal(settings, generate_secret())
    endpoint.updated_at = utcnow()
    session.add(endpoint)
    session.commit()
    return endpoint_public(endpoint, settings, secret=True)


@router.post("/{org_id}/{endpoint_id}/test", status_code=202)
async def send_test_event(org_id: str, endpoint_id: str, principal: Admin, session: SessionDep,
                          settings: SettingsDep, temporal: TemporalDep) -> dict:
    """Send a ``webhook.test`` event through the normal durable delivery (retries included)."""
    endpoint = load_endpoint(session, principal, endpoint_id)
    if endpoint.status != "active":
        raise ApiError(409, f"This endpoint is {endpoint.status}; set its status to 'active' first.")
    now = utcnow()
    event = WebhookEvent(
        eventId=new_id("evt"), eventType=TEST_EVENT, timestamp=iso(now) or "",
        organizationId=org_id, projectId=endpoint.project_ids[0] if endpoint.project_ids else "",
        payload={"endpointId": endpoint.id, "message": "A test event from docbatch."},
    )
    await start_delivery(temporal, delivery_job(settings, endpoint.id, event), settings.webhook_task_queue)
    return {"eventId": event.eventId, "eventType": TEST_EVENT, "endpointId": endpoint.id}


@router.get("/{org_id}/{endpoint_id}/deliveries")
def list_deliveries(org_id: str, endpoint_id: str, principal: Reader, session: SessionDep,
                    page: Annotated[int, Query(ge=1)] = 1,
                    limit: Annotated[int, Query(ge=1, le=200)] = 50,
                    eventId: str | None = None) -> dict:
    """Every delivery attempt of this endpoint, newest first (optionally of one event)."""
    endpoint = load_endpoint(session, principal, endpoint_id)
    query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    if eventId:
        query = query.where(WebhookDelivery.event_id == eventId)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(WebhookDelivery.id.desc())  # type: ignore[union-attr]
                        .offset((page - 1) * limit).limit(limit)).all()
    return page_of([delivery_public(d) for d in rows], page=page, limit=limit, total=total)
