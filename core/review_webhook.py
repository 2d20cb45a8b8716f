"""Review in the webhook events: ``document.reviewed``, and the review state that
``document.processed`` carries.

``document.reviewed`` is started from the API when a person corrects or confirms a file: one
durable delivery workflow per subscribed endpoint, exactly as the batch workflow's events.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlmodel import Session, col, select
from temporalio.client import Client

from core.db import get_engine
from core.ids import iso, utcnow
from core.models import BatchFile
from core.review import corrections_for_file, effective_fields, review_public
from core.settings import Settings
from core.webhook_models import WebhookEndpoint
from workflows.contracts import WebhookEvent

REVIEWED = "document.reviewed"


def review_payload(session: Session, file: BatchFile) -> dict[str, Any]:
    """needsReview, reviewFields, reviewed and the file's (corrected) fields."""
    state = review_public(file)
    return {
        "needsReview": state["needsReview"],
        "reviewFields": state["reviewFields"],
        "reviewed": state["reviewed"],
        "fields": effective_fields(file, corrections_for_file(session, file.id)),
    }


def with_review_state(db_url: str, event: WebhookEvent) -> WebhookEvent:
    """``document.processed`` with the file's review state and fields (other events unchanged)."""
    file_id = event.payload.get("fileId")
    if event.eventType != "document.processed" or not isinstance(file_id, str):
        return event
    with Session(get_engine(db_url)) as session:  # read-only: nothing to commit
        file = session.get(BatchFile, file_id)
        if file is None or file.org_id != event.organizationId:
            return event
        extra = review_payload(session, file)
    return event.model_copy(update={"payload": {**event.payload, **extra}})


async def publish_reviewed(
    client: Client, settings: Settings, session: Session, file: BatchFile, how: str
) -> int:
    """Start the ``document.reviewed`` deliveries for a file a person corrected or confirmed."""
    from core.temporal import delivery_job, start_delivery
    from core.webhook_models import subscribed

    event = WebhookEvent(
        eventId=f"evt_{secrets.token_hex(8)}",
        eventType=REVIEWED,
        timestamp=iso(utcnow()) or "",
        organizationId=file.org_id,
        projectId=file.project_id,
        payload={
            "batchId": file.batch_id,
            "fileId": file.id,
            "fileName": file.file_name,
            "action": how,
            "reviewedBy": file.reviewed_by,
            "reviewedAt": iso(file.reviewed_at),
            **review_payload(session, file),
        },
    )
    endpoints = session.exec(
        select(WebhookEndpoint).where(
            WebhookEndpoint.org_id == file.org_id,
            WebhookEndpoint.status == "active",
            col(WebhookEndpoint.deleted_at).is_(None),
        )
    ).all()
    started = 0
    for endpoint in endpoints:
        if subscribed(endpoint, event):
            await start_delivery(
                client, delivery_job(settings, endpoint.id, event), settings.webhook_task_queue
            )
            started += 1
    return started
