"""WebhookDeliveryWorkflow: one durable delivery of one event to one endpoint.

The workflow id ``webhook-<eventId>-<endpointId>`` (``core.temporal.start_delivery``) makes
starting it idempotent. Its single
activity, ``deliver_webhook``, is retried with exponential backoff for hours: the receiver
gets the same event (same ``eventId``, same body bytes) once it is back.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from workflows.contracts import WebhookEvent
    from workflows.vocabulary import DeliveryOutcome

# The URL points where webhooks may not go: retrying cannot help.
WEBHOOK_REFUSED = "WebhookRefused"
FINAL_ERRORS = [WEBHOOK_REFUSED]


class DeliveryJob(BaseModel):
    endpoint_id: str
    event: WebhookEvent
    retry_initial_seconds: float = 5.0
    retry_max_interval_seconds: float = 600.0
    retry_hours: float = 24.0
    timeout_seconds: float = 10.0  # one HTTP request


class DeliveryResult(BaseModel):
    outcome: DeliveryOutcome
    status_code: int | None = None
    attempts: int = 0


@workflow.defn(name="WebhookDeliveryWorkflow")
class WebhookDeliveryWorkflow:
    @workflow.run
    async def run(self, job: DeliveryJob) -> DeliveryResult:
        try:
            result: DeliveryResult = await workflow.execute_activity(
                "deliver_webhook",
                job,
                result_type=DeliveryResult,
                # The request timeout plus room for the database writes around it.
                start_to_close_timeout=timedelta(seconds=job.timeout_seconds + 20),
                schedule_to_close_timeout=timedelta(hours=job.retry_hours),
                retry_policy=RetryPolicy(
                    initial_interval=timedelta(seconds=job.retry_initial_seconds),
                    backoff_coefficient=2.0,
                    maximum_interval=timedelta(seconds=job.retry_max_interval_seconds),
                    non_retryable_error_types=FINAL_ERRORS,
                ),
            )
            return result
        except ActivityError as err:
            workflow.logger.warning(
                "webhook %s to %s not delivered: %s",
                job.event.eventId,
                job.endpoint_id,
                err.cause or err,
            )
            refused = getattr(err.cause, "type", None) == WEBHOOK_REFUSED
            return DeliveryResult(
                outcome=DeliveryOutcome.REFUSED if refused else DeliveryOutcome.GAVE_UP
            )
