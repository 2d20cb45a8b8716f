"""Database tables: the system of record for everything docbatch knows.

Times are timezone-aware UTC. JSON columns hold template schemas and extraction results.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.ids import utcnow


class Organization(SQLModel, table=True):
    id: str = Field(primary_key=True)
    name: str
    credit_balance: int = 0
    created_at: datetime = Field(default_factory=utcnow)


class Project(SQLModel, table=True):
    id: str = Field(primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    name: str
    created_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None


class Template(SQLModel, table=True):
    """A template: which fields to extract (a JSON Schema object) and how.

    ``project_id`` empty means every project of the organization may use it.
    """

    id: str = Field(primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    project_id: str | None = Field(default=None, index=True)
    name: str
    description: str = ""
    template_schema: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    instructions: str = ""
    engine: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    builtin: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None


class ApiToken(SQLModel, table=True):
    """A bearer token. Only its SHA-256 is kept; the value is shown once."""

    id: str = Field(primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    project_id: str | None = None
    name: str
    token_hash: str = Field(unique=True, index=True)
    prefix: str  # first characters, so a person can tell tokens apart
    permissions: str = "read,write"  # comma-separated: read, write, admin
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


class CreditEntry(SQLModel, table=True):
    """One change of an organization's credit balance. The key makes each change happen once."""

    __table_args__ = (UniqueConstraint("idempotency_key"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    delta: int
    balance_after: int
    reason: str  # grant, batch_charge, file_refund, retry_charge
    batch_id: str | None = Field(default=None, index=True)
    file_id: str | None = None
    idempotency_key: str
    created_at: datetime = Field(default_factory=utcnow)


class UploadKey(SQLModel, table=True):
    """An ``Idempotency-Key`` an upload was accepted with: the same key again gets the same
    batch."""

    __tablename__ = "upload_key"
    __table_args__ = (UniqueConstraint("org_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: str = Field(index=True)
    key: str
    batch_id: str
    created_at: datetime = Field(default_factory=utcnow)


class Batch(SQLModel, table=True):
    id: str = Field(primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    project_id: str = Field(index=True)
    template_id: str = Field(index=True)
    template_name: str
    name: str = Field(index=True)
    status: str = Field(default="uploading", index=True)
    total_files: int = 0
    completed_files: int = 0
    failed_files: int = 0
    progress: int = 0
    created_by_token: str | None = None
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)
    stored_at: datetime | None = None  # every file is in storage: the batch can start
    finished_at: datetime | None = None
    deleted_at: datetime | None = None


class BatchFile(SQLModel, table=True):
    """One uploaded document and its processing history record."""

    id: str = Field(primary_key=True)
    batch_id: str = Field(foreign_key="batch.id", index=True)
    org_id: str = Field(index=True)
    project_id: str = Field(index=True)
    template_id: str = Field(index=True)
    position: int = 0
    file_name: str
    storage_key: str
    size: int = 0
    content_type: str = ""
    sha256: str = ""
    status: str = Field(default="queued", index=True)
    attempts: int = 0
    error_code: str | None = None
    error_message: str | None = None
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    pages: int | None = None
    engine: str | None = None
    duration_ms: int | None = None
    created_at: datetime = Field(default_factory=utcnow, index=True)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    # review (issue 14): set when the file completes, cleared by a correction or a confirmation
    needs_review: bool = Field(default=False, index=True)
    review_fields: list[str] | None = Field(default=None, sa_column=Column(JSON))
    reviewed_at: datetime | None = None
    reviewed_by: str | None = None


class FieldCorrection(SQLModel, table=True):
    """A person's value for one top-level field of one file; the extracted value is kept beside it.

    The latest row per (file_id, field) is the effective correction.
    """

    __tablename__ = "field_correction"

    id: int | None = Field(default=None, primary_key=True)
    org_id: str = Field(index=True)
    project_id: str
    template_id: str = Field(index=True)
    batch_id: str = Field(index=True)
    file_id: str = Field(index=True)
    field: str
    original_value: Any = Field(default=None, sa_column=Column(JSON))
    value: Any = Field(default=None, sa_column=Column(JSON))
    page: int | None = None  # page the value was picked from on the page image, if any
    box: list[float] | None = Field(default=None, sa_column=Column(JSON))  # [x0, y0, x1, y1]
    actor: str  # token id, or "web:<token id>"
    created_at: datetime = Field(default_factory=utcnow)


class ReviewEvent(SQLModel, table=True):
    """The audit log of review and learning: corrections, confirmations, model decisions."""

    __tablename__ = "review_event"

    id: int | None = Field(default=None, primary_key=True)
    org_id: str = Field(index=True)
    template_id: str | None = Field(default=None, index=True)
    file_id: str | None = Field(default=None, index=True)
    # corrected | confirmed | model_trained | model_switched | model_kept
    kind: str
    actor: str  # token id, or "system"
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=utcnow)


class OrgModel(SQLModel, table=True):
    """One retraining of an organisation's template (``extraction.learning``): its held-out
    figures against the built-in model, the decision, the vendor memory and, when it won, the
    model. ``status``: active (extraction uses it), retired (was active), kept (the built-in or
    the previous model stayed)."""

    __tablename__ = "org_model"

    id: str = Field(primary_key=True)
    org_id: str = Field(index=True)
    template_id: str = Field(index=True)
    version: str
    status: str = Field(index=True)
    documents: int = 0
    corrections: int = 0
    figures: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    model: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    memory: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=utcnow, index=True)
