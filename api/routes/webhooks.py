"""Webhook endpoints of an organization: CRUD, a test event, the delivery log, secret rotation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import Admin, Reader, SessionDep, SettingsDep, TemporalDep
from api.schemas import (
    Deleted,
    DeliveryPublic,
    EndpointPublic,
    EndpointWithSecret,
    PageOf,
    TestEventSent,
    page_of,
)
from core.settings import Settings
from core.webhook_models import WebhookEndpoint
from services import webhooks
from services.webhooks import EndpointChange, EndpointDraft

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


def _public(settings: Settings, e: WebhookEndpoint) -> EndpointPublic:
    return EndpointPublic.from_row(e, webhooks.hint(settings, e))


def _revealed(settings: Settings, e: WebhookEndpoint) -> EndpointWithSecret:
    secret = webhooks.plain_secret(settings, e)
    return EndpointWithSecret.revealed(e, secret, webhooks.hint(settings, e))


@router.get("/{org_id}", response_model=list[EndpointPublic])
def list_endpoints(
    org_id: str, principal: Reader, session: SessionDep, settings: SettingsDep
) -> list[EndpointPublic]:
    """The organization's webhook endpoints (secrets are never shown again)."""
    return [_public(settings, e) for e in webhooks.list_endpoints(session, principal)]


@router.post("/{org_id}", status_code=201, response_model=EndpointWithSecret)
def create_endpoint(
    org_id: str, body: EndpointCreate, principal: Admin, session: SessionDep, settings: SettingsDep
) -> EndpointWithSecret:
    """Add an endpoint. The answer holds the signing secret: it is shown this once."""
    draft = EndpointDraft(
        name=body.name,
        url=body.url,
        events=body.events,
        secret=body.secret,
        project_ids=body.projectIds,
        headers=body.headers,
        status=body.status,
    )
    return _revealed(settings, webhooks.create_endpoint(session, settings, principal, draft))


@router.get("/{org_id}/{endpoint_id}", response_model=EndpointPublic)
def get_endpoint(
    org_id: str, endpoint_id: str, principal: Reader, session: SessionDep, settings: SettingsDep
) -> EndpointPublic:
    """One endpoint (its secret is never shown again)."""
    return _public(settings, webhooks.get_endpoint(session, principal, endpoint_id))


@router.patch("/{org_id}/{endpoint_id}", response_model=EndpointPublic)
def update_endpoint(
    org_id: str,
    endpoint_id: str,
    body: EndpointUpdate,
    principal: Admin,
    session: SessionDep,
    settings: SettingsDep,
) -> EndpointPublic:
    """Change an endpoint; ``status: active`` resumes a paused or disabled one."""
    change = EndpointChange(
        name=body.name,
        url=body.url,
        events=body.events,
        project_ids=body.projectIds,
        headers=body.headers,
        status=body.status,
    )
    endpoint = webhooks.update_endpoint(session, settings, principal, endpoint_id, change)
    return _public(settings, endpoint)


@router.delete("/{org_id}/{endpoint_id}", response_model=Deleted)
def delete_endpoint(
    org_id: str, endpoint_id: str, principal: Admin, session: SessionDep
) -> Deleted:
    """Delete an endpoint: pending retries stop at their next attempt. The delivery log is kept."""
    return Deleted(id=webhooks.delete_endpoint(session, principal, endpoint_id).id)


@router.post("/{org_id}/{endpoint_id}/rotate-secret", response_model=EndpointWithSecret)
def rotate_secret(
    org_id: str, endpoint_id: str, principal: Admin, session: SessionDep, settings: SettingsDep
) -> EndpointWithSecret:
    """A new signing secret, shown this once; deliveries from now on (retries too) use it."""
    return _revealed(settings, webhooks.rotate_secret(session, settings, principal, endpoint_id))


@router.post("/{org_id}/{endpoint_id}/test", status_code=202, response_model=TestEventSent)
async def send_test_event(
    org_id: str,
    endpoint_id: str,
    principal: Admin,
    session: SessionDep,
    settings: SettingsDep,
    temporal: TemporalDep,
) -> TestEventSent:
    """Send a ``webhook.test`` event through the normal durable delivery (retries included)."""
    event = await webhooks.send_test_event(session, settings, principal, temporal, endpoint_id)
    return TestEventSent(
        event_id=event.eventId, event_type=event.eventType, endpoint_id=endpoint_id
    )


@router.get("/{org_id}/{endpoint_id}/deliveries", response_model=PageOf[DeliveryPublic])
def list_deliveries(
    org_id: str,
    endpoint_id: str,
    principal: Reader,
    session: SessionDep,
    page: Annotated[int, Query(ge=1)] = 1,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    eventId: str | None = None,
) -> PageOf[DeliveryPublic]:
    """Every delivery attempt of this endpoint, newest first (optionally of one event)."""
    found = webhooks.deliveries(
        session, principal, endpoint_id, event_id=eventId, page=page, limit=limit
    )
    return page_of([DeliveryPublic.from_row(d) for d in found.rows], found)
