"""Inputs, outputs and state of the workflows and activities (small payloads: ids, never bytes)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from temporalio.common import SearchAttributeKey

from workflows.vocabulary import BatchStatus, FileStatus

# The batch workflow's search attributes (the server must know them: ``core.temporal`` lists
# them; ``docbatch run`` registers them on its dev server). The workflow upserts the
# status; the client sets both when it starts the workflow.
ORG_ID = SearchAttributeKey.for_keyword("OrgId")
BATCH_STATUS = SearchAttributeKey.for_keyword("BatchStatus")


class FileRef(BaseModel):
    file_id: str
    name: str


class BatchInput(BaseModel):
    batch_id: str
    org_id: str
    project_id: str
    template_id: str
    files: list[FileRef]
    retry_window_seconds: float = 7 * 24 * 3600
    extraction_attempts: int = 3
    heartbeat_timeout_seconds: float = 30


class FileState(BaseModel):
    fileId: str
    name: str
    status: FileStatus = FileStatus.QUEUED  # a cancelled file is failed with code Cancelled
    attempts: int = 0
    retries: int = 0  # how many times a person asked to re-run it
    errorCode: str | None = None
    errorMessage: str | None = None


class BatchProgress(BaseModel):
    """What the progress query answers (docs/ARCHITECTURE.md, "Contracts")."""

    batchId: str
    totalFiles: int
    completedFiles: int
    failedFiles: int
    progress: int
    status: BatchStatus
    files: list[FileState] = Field(default_factory=list)


class ExtractInput(BaseModel):
    batch_id: str
    file_id: str


class ExtractOutput(BaseModel):
    file_id: str
    fields_found: int
    pages: int
    # Some webhook endpoint wants this file's document.processed event (asked as the result was
    # stored). True when unknown: results recorded before the field existed were published.
    notify: bool = True


class FileFailure(BaseModel):
    batch_id: str
    file_id: str
    code: str
    message: str
    attempt_key: str  # makes the refund happen once per failure


class RetryCharge(BaseModel):
    batch_id: str
    file_id: str
    retry_number: int


class BatchOutcome(BaseModel):
    batch_id: str
    status: BatchStatus
    total_files: int
    completed_files: int
    failed_files: int
    cancelled: bool = False


class WebhookEvent(BaseModel):
    """One event for the organization's webhook endpoints (docs/ARCHITECTURE.md, "Events")."""

    eventId: str
    eventType: str  # batch.uploaded | batch.completed | document.processed | document.failed
    timestamp: str
    organizationId: str
    projectId: str
    payload: dict[str, Any]


class ProgressEvent(BaseModel):
    """One step of a batch's life, numbered so a watcher can replay exactly what it missed."""

    seq: int
    kind: str  # document_processed | document_failed | status_changed
    fileId: str | None = None
    fileName: str | None = None
    errorCode: str | None = None
    errorMessage: str | None = None
    totalFiles: int
    completedFiles: int
    failedFiles: int
    progress: int
    status: BatchStatus


class ProgressQuery(BaseModel):
    since_seq: int = 0  # events with a larger seq are returned


class BatchSnapshot(BatchProgress):
    """The progress query's answer: the current state and the events after ``since_seq``."""

    seq: int = 0
    events: list[ProgressEvent] = Field(default_factory=list)
    cancelled: bool = False
