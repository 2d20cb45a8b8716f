"""Webhook activities: fan an event out to the subscribed endpoints, and deliver one event.

``deliver_webhook`` runs on its own task queue (``settings.webhook_task_queue``) served by its
own worker slots, so a slow or hanging receiver never takes a slot that extraction needs.
"""

from __future__ import annotations

import asyncio
import logging
import time

import httpx
from sqlalchemy import ColumnElement, String, bindparam, cast, exists, literal
from sqlmodel import col, select
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError

from core.db import get_engine, session_scope
from core.ids import utcnow
from core.metrics import WEBHOOK_DELIVERIES
from core.net_guard import UrlRefused, check_url_async, pinned_request
from core.review_webhook import with_review_state
from core.secret_box import unseal, unseal_headers
from core.settings import Settings
from core.temporal import delivery_job, start_delivery
from core.webhook_models import WebhookDelivery, WebhookEndpoint, subscribed
from core.webhook_signing import event_body, signed_headers
from workflows.contracts import WebhookEvent
from workflows.webhook_delivery import DeliveryJob, DeliveryResult

log = logging.getLogger("docbatch.webhooks")

MAX_ERROR_BODY = 300  # characters of a failed answer kept in the delivery log

# What ``subscribed`` looks at, of the organisation's live endpoints (oldest first).
_ACTIVE_ENDPOINTS = (
    select(
        col(WebhookEndpoint.id),
        col(WebhookEndpoint.status),
        col(WebhookEndpoint.deleted_at),
        col(WebhookEndpoint.events),
        col(WebhookEndpoint.project_ids),
    )
    .where(
        col(WebhookEndpoint.org_id) == bindparam("org_id"),
        col(WebhookEndpoint.status) == "active",
        col(WebhookEndpoint.deleted_at).is_(None),
    )
    .order_by(col(WebhookEndpoint.created_at))
)


def listed_by_an_endpoint(event_type: str) -> ColumnElement[bool]:
    """Some endpoint of the organisation ``:endpoint_org`` (not deleted, any status) lists this
    event type, as a SQL expression. The extract activity returns it from the statement that
    stores a result, so the batch workflow runs the fan-out (``publish_event``, which applies the
    exact filter: status, projects) only when someone may receive the event, at no extra
    statement. Asked per file, an endpoint added mid-batch gets the events of the files that
    finish after it.

    The list is matched in its JSON text: a listed name is a JSON string, quotes on both sides
    (a quote inside a string is escaped, so no other name can match)."""
    return exists(
        select(literal(1)).where(
            col(WebhookEndpoint.org_id) == bindparam("endpoint_org"),
            col(WebhookEndpoint.deleted_at).is_(None),
            cast(col(WebhookEndpoint.events), String).like(f'%"{event_type}"%'),
        )
    )


class WebhookActivities:
    def __init__(self, settings: Settings, client: Client) -> None:
        self.settings = settings
        self.client = client

    # --- fan-out ------------------------------------------------------------------------

    @activity.defn(name="publish_event")
    async def publish_event(self, event: WebhookEvent) -> int:
        """Start one durable delivery per matching endpoint; returns how many.

        Repeating it for the same event starts nothing new (the workflow ids are per event and
        endpoint), so a retried attempt cannot deliver twice.
        """
        endpoint_ids = await asyncio.to_thread(self._subscribed_endpoints, event)
        if endpoint_ids:  # the review state is read only for an event somebody receives
            event = await asyncio.to_thread(with_review_state, self.settings.sqlalchemy_url, event)
        for endpoint_id in endpoint_ids:
            await start_delivery(
                self.client,
                delivery_job(self.settings, endpoint_id, event),
                self.settings.webhook_task_queue,
            )
        return len(endpoint_ids)

    def _subscribed_endpoints(self, event: WebhookEvent) -> list[str]:
        # read-only, once per event of every batch: a prebuilt statement on a plain connection
        with get_engine(self.settings.sqlalchemy_url).connect() as conn:
            rows = conn.execute(_ACTIVE_ENDPOINTS, {"org_id": event.organizationId}).all()
        return [row.id for row in rows if subscribed(row, event)]  # type: ignore[arg-type]

    # --- one delivery attempt -----------------------------------------------------------

    @activity.defn(name="deliver_webhook")
    async def deliver_webhook(self, job: DeliveryJob) -> DeliveryResult:
        """One attempt: 2xx delivered, 410 disables the endpoint, anything else retries."""
        return await self._attempt(job, activity.info().attempt)

    async def _attempt(self, job: DeliveryJob, attempt: int) -> DeliveryResult:
        event = job.event
        endpoint = await asyncio.to_thread(self._load, job.endpoint_id)
        reason = self._skip_reason(endpoint, event)
        if reason or endpoint is None:
            await self._record(job, attempt, "skipped", error=reason)
            return DeliveryResult(outcome="skipped", attempts=attempt)
        try:
            target = await check_url_async(endpoint.url, self.settings.webhook_allow_private)
        except UrlRefused as exc:
            await self._record(job, attempt, "refused", error=str(exc))
            raise ApplicationError(str(exc), type="WebhookRefused", non_retryable=True) from None

        body = event_body(event)
        headers = {
            **unseal_headers(self.settings, endpoint.headers),
            **signed_headers(unseal(self.settings, endpoint.secret), event.eventId, body),
        }
        started = time.monotonic()
        status: int | None = None
        error: str | None = None
        try:
            async with httpx.AsyncClient(
                timeout=job.timeout_seconds, trust_env=False, follow_redirects=False
            ) as http:
                response = await http.send(
                    pinned_request(http, target, content=body, headers=headers), stream=True
                )
                try:
                    status = response.status_code
                    if not 200 <= status < 300:
                        error = await self._answer_excerpt(response)
                finally:
                    await response.aclose()
        except httpx.TimeoutException:
            error = f"No answer within {job.timeout_seconds:g} s."
        except httpx.HTTPError as exc:
            error = f"Could not connect: {exc.__class__.__name__}" + (
                f": {exc}" if str(exc) else ""
            )
        duration_ms = int((time.monotonic() - started) * 1000)

        if status is not None and 200 <= status < 300:
            await self._record(job, attempt, "delivered", status=status, duration_ms=duration_ms)
            return DeliveryResult(outcome="delivered", status_code=status, attempts=attempt)
        if status == 410:
            await self._record(
                job,
                attempt,
                "disabled",
                status=status,
                duration_ms=duration_ms,
                error="The receiver answered 410 Gone: endpoint disabled.",
                disable=True,
            )
            return DeliveryResult(outcome="disabled", status_code=status, attempts=attempt)
        await self._record(
            job, attempt, "retrying", status=status, duration_ms=duration_ms, error=error
        )
        raise ApplicationError(
            f"Webhook {event.eventId} attempt {attempt}: {error}", type="WebhookFailed"
        )

    @staticmethod
    async def _answer_excerpt(response: httpx.Response) -> str:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_raw():
            chunks.append(chunk)
            size += len(chunk)
            if size >= MAX_ERROR_BODY:
                break
        text = b"".join(chunks)[:MAX_ERROR_BODY].decode("utf-8", "replace").strip()
        return f"HTTP {response.status_code}" + (f": {text}" if text else "")

    @staticmethod
    def _skip_reason(endpoint: WebhookEndpoint | None, event: WebhookEvent) -> str | None:
        if (
            endpoint is None
            or endpoint.deleted_at is not None
            or endpoint.org_id != event.organizationId
        ):
            return "Not sent: the endpoint was deleted."
        if endpoint.status != "active":
            return f"Not sent: the endpoint is {endpoint.status}."
        return None

    # --- database -----------------------------------------------------------------------

    def _load(self, endpoint_id: str) -> WebhookEndpoint | None:
        with session_scope(self.settings.sqlalchemy_url) as session:
            return session.get(WebhookEndpoint, endpoint_id)

    async def _record(
        self,
        job: DeliveryJob,
        attempt: int,
        outcome: str,
        *,
        status: int | None = None,
        duration_ms: int | None = None,
        error: str | None = None,
        disable: bool = False,
    ) -> None:
        await asyncio.to_thread(
            self._record_sync, job, attempt, outcome, status, duration_ms, error, disable
        )
        WEBHOOK_DELIVERIES.labels(outcome).inc()

    def _record_sync(
        self,
        job: DeliveryJob,
        attempt: int,
        outcome: str,
        status: int | None,
        duration_ms: int | None,
        error: str | None,
        disable: bool,
    ) -> None:
        with session_scope(self.settings.sqlalchemy_url) as session:
            session.add(
                WebhookDelivery(
                    endpoint_id=job.endpoint_id,
                    org_id=job.event.organizationId,
                    event_id=job.event.eventId,
                    event_type=job.event.eventType,
                    attempt=attempt,
                    outcome=outcome,
                    status_code=status,
                    duration_ms=duration_ms,
                    error=error,
                )
            )
            endpoint = session.get(WebhookEndpoint, job.endpoint_id)
            if endpoint is None or outcome in ("skipped",):
                return
            now = utcnow()
            if outcome == "delivered":
                endpoint.last_success_at = now
            else:
                endpoint.last_failure_at = now
            if disable and endpoint.status != "disabled":
                endpoint.status = "disabled"
                endpoint.disabled_reason = (
                    f"The receiver answered 410 Gone on {now:%Y-%m-%d %H:%M} UTC."
                )
                endpoint.updated_at = now
            session.add(endpoint)

    def batch_activities(self) -> list:
        """Run beside the batch workflow (publish_event is its local activity)."""
        return [self.publish_event]

    def delivery_activities(self) -> list:
        return [self.deliver_webhook]
