"""Webhook tables: the organization's endpoints and the log of every delivery attempt."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from core.ids import utcnow

# What a subscriber can ask for (DESIGN.md §5). ``webhook.test`` is only sent by the test action.
WEBHOOK_EVENTS = ("batch.uploaded", "batch.completed", "document.processed", "document.failed",
                  "document.reviewed")
TEST_EVENT = "webhook.test"

ENDPOINT_STATUSES = ("active", "paused", "disabled")  # disabled: the receiver answered 410 Gone


class WebhookEndpoint(SQLModel, table=True):
    """Where an organization wants its events POSTed. ``project_ids`` empty means every project."""

    __tablename__ = "webhook_endpoint"

    id: str = Field(primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    name: str
    url: str
    events: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    project_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    headers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    secret: str  # whsec_<base64>; needed in clear to sign, shown to the user once
    status: str = Field(default="active", index=True)
    disabled_reason: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    deleted_at: datetime | None = None


class WebhookDelivery(SQLModel, table=True):
    """One attempt to deliver one event to one endpoint (or the reason it was not attempted)."""

    __tablename__ = "webhook_delivery"

    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: str = Field(index=True)
    org_id: str = Field(index=True)
    event_id: str = Field(index=True)
    event_type: str
    attempt: int
    # delivered | retrying (non-2xx or no answer) | disabled (410) | refused (address) | skipped
    outcome: str
    status_code: int | None = None
    duration_ms: int | None = None
    error: str | None = None
    created_at: datetime = Field(default_factory=utcnow, index=True)
