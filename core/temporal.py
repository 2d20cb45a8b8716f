"""The client side of Temporal, in one place: connecting, workflow ids, search attributes,
starting, signalling and querying workflows.

Everything outside ``workflows/`` that talks to the Temporal server goes through here (the API,
the reconciler, the activities that start deliveries, the CLI's dev server); ``workflows/``
holds only the deterministic code that runs inside the worker.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from temporalio.client import Client
from temporalio.common import (
    SearchAttributeKey,
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.service import RPCError, TLSConfig

from core.errors import ServiceError
from core.settings import Settings
from core.tracing import temporal_interceptors
from workflows import ui_text
from workflows.batch import BatchWorkflow
from workflows.contracts import (
    BATCH_STATUS,
    ORG_ID,
    BatchInput,
    BatchSnapshot,
    FileRef,
    ProgressQuery,
    WebhookEvent,
)
from workflows.exports import CHANGED, ExportsRefreshInput, ExportsRefreshWorkflow
from workflows.retrain import RetrainInput, RetrainWorkflow
from workflows.template_test import TemplateTestInput, TemplateTestOutcome, TemplateTestWorkflow
from workflows.vocabulary import BatchStatus
from workflows.webhook_delivery import DeliveryJob, WebhookDeliveryWorkflow

__all__ = [
    "BATCH_STATUS",
    "ORG_ID",
    "SEARCH_ATTRIBUTES",
    "BatchStart",
    "RetryWindowClosed",
    "TemporalHolder",
    "TemporalUnavailable",
    "cancel_batch",
    "connect",
    "delivery_job",
    "delivery_workflow_id",
    "live_snapshot",
    "metrics_runtime",
    "retrain_workflow_id",
    "run_template_test",
    "search_attribute_flags",
    "signal_open_batch",
    "start_batch",
    "start_delivery",
    "start_retrain",
    "tls_config",
    "workflow_id",
]

#: Every search attribute the workflows use; a server must have them registered.
SEARCH_ATTRIBUTES: list[SearchAttributeKey[str]] = [ORG_ID, BATCH_STATUS]


def search_attribute_flags() -> list[str]:
    """``temporal server start-dev --search-attribute`` values (every key is a keyword)."""
    return [f"{key.name}=Keyword" for key in SEARCH_ATTRIBUTES]


# --- connecting ------------------------------------------------------------------------------


def tls_config(settings: Settings) -> TLSConfig | bool:
    """TLS (and mTLS with a client certificate) for a Temporal cluster; False for plain gRPC.

    A cluster that anyone on the network can reach must not be plain: whoever can start a
    workflow there can make the worker sign webhook deliveries with a customer's secret.
    """
    if not (settings.temporal_tls or settings.temporal_tls_ca or settings.temporal_tls_cert):
        return False

    def read(path: str | None) -> bytes | None:
        return Path(path).read_bytes() if path else None

    return TLSConfig(
        server_root_ca_cert=read(settings.temporal_tls_ca),
        client_cert=read(settings.temporal_tls_cert),
        client_private_key=read(settings.temporal_tls_key),
        domain=settings.temporal_tls_server_name or None,
    )


async def connect(settings: Settings, runtime: Runtime | None = None) -> Client:
    return await Client.connect(
        settings.temporal_target,
        interceptors=temporal_interceptors(settings),  # tracing, when on; the worker inherits them
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
        tls=tls_config(settings),
        api_key=settings.temporal_api_key or None,
        runtime=runtime,
    )


def metrics_runtime(settings: Settings) -> Runtime | None:
    """The SDK's own metrics (polls, task latencies, slots) on their Prometheus port, when set."""
    if not settings.temporal_metrics_port:
        return None
    address = f"{settings.worker_health_host}:{settings.temporal_metrics_port}"
    return Runtime(
        telemetry=TelemetryConfig(
            metrics=PrometheusConfig(
                bind_address=address, counters_total_suffix=True, durations_as_seconds=True
            )
        )
    )


class TemporalUnavailable(ServiceError):
    """The workflow service cannot be reached (the API answers 503 and the caller tries again)."""


class TemporalHolder:
    """A lazily connected client, so the API starts (and answers 503) while Temporal is down."""

    def __init__(self, settings: Settings, client: Client | None = None) -> None:
        self.settings = settings
        self.client = client
        self._lock = asyncio.Lock()

    async def get(self) -> Client:
        if self.client is not None:
            return self.client
        async with self._lock:
            if self.client is None:
                try:
                    self.client = await asyncio.wait_for(connect(self.settings), timeout=5)
                except Exception as exc:
                    raise TemporalUnavailable(
                        503,
                        f"The workflow service at {self.settings.temporal_target} is not "
                        f"reachable ({exc.__class__.__name__}); try again shortly.",
                    ) from exc
        return self.client


# --- the batch workflow ----------------------------------------------------------------------


def workflow_id(batch_id: str) -> str:
    """The batch's workflow id: one workflow per batch, so starting it twice joins the first."""
    return f"batch-{batch_id}"


@dataclass(frozen=True, kw_only=True)
class BatchStart:
    """What starting a batch's workflow needs to know about the batch (no database rows)."""

    batch_id: str
    batch_name: str
    org_id: str
    org_name: str
    project_id: str
    template_id: str
    template_name: str
    files: list[FileRef]


async def start_batch(client: Client, settings: Settings, batch: BatchStart) -> None:
    """Start (or join, if it already runs) the batch's workflow. Idempotent by workflow id."""
    total = len(batch.files)
    await client.start_workflow(
        BatchWorkflow.run,
        BatchInput(
            batch_id=batch.batch_id,
            org_id=batch.org_id,
            project_id=batch.project_id,
            template_id=batch.template_id,
            files=batch.files,
            retry_window_seconds=settings.retry_window_seconds,
            extraction_attempts=settings.extraction_attempts,
            heartbeat_timeout_seconds=settings.heartbeat_timeout_seconds,
        ),
        id=workflow_id(batch.batch_id),
        task_queue=settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        # What the Temporal UI shows in the workflow's header (final counts: its current details).
        static_summary=ui_text.workflow_summary(batch.batch_name, batch.org_name, total),
        static_details=ui_text.workflow_details(
            batch_id=batch.batch_id,
            batch_name=batch.batch_name,
            org_id=batch.org_id,
            org_name=batch.org_name,
            project_id=batch.project_id,
            template_name=batch.template_name,
            total=total,
        ),
        search_attributes=TypedSearchAttributes(
            [
                SearchAttributePair(ORG_ID, batch.org_id),
                SearchAttributePair(BATCH_STATUS, BatchStatus.PROCESSING.value),
            ]
        ),
    )


async def live_snapshot(client: Client, batch_id: str) -> BatchSnapshot | None:
    """The workflow's own view of the batch, or None once the workflow is gone."""
    try:
        handle = client.get_workflow_handle(workflow_id(batch_id))
        snapshot: BatchSnapshot = await handle.query(
            "progress", ProgressQuery(since_seq=10**9), result_type=BatchSnapshot
        )
        return snapshot
    except RPCError:
        return None


class RetryWindowClosed(ServiceError):
    """The batch's workflow has ended: its files can no longer be retried or cancelled."""


async def signal_open_batch(client: Client, batch_id: str, signal: str, *args: str) -> None:
    """Signal the batch's open workflow (``retry_file``, ``retry_failed``, ``cancel``)."""
    handle = client.get_workflow_handle(workflow_id(batch_id))
    desc = await handle.describe()
    if desc.status is None or desc.status.name != "RUNNING":
        raise RetryWindowClosed(
            409, "This batch's retry window has closed; upload the file again in a new batch."
        )
    if len(args) == 1:
        await handle.signal(signal, args[0])
    else:
        await handle.signal(signal)


async def cancel_batch(client: Client, batch_id: str) -> None:
    """Ask the batch's workflow to stop (raises RPCError when the workflow is gone)."""
    await client.get_workflow_handle(workflow_id(batch_id)).signal("cancel")


# --- retraining an organisation's model ------------------------------------------------------


def retrain_workflow_id(org_id: str, template_id: str) -> str:
    return f"retrain-{org_id}-{template_id}"


async def start_retrain(
    client: Client, settings: Settings, org_id: str, template_id: str, actor: str = "system"
) -> str:
    """Start (or join the running) retraining of a template; the workflow id."""
    workflow_id = retrain_workflow_id(org_id, template_id)
    await client.start_workflow(
        RetrainWorkflow.run,
        RetrainInput(org_id=org_id, template_id=template_id, actor=actor),
        id=workflow_id,
        task_queue=settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
    )
    return workflow_id


def exports_refresh_workflow_id(batch_id: str) -> str:
    return f"exports-{batch_id}"


async def refresh_prepared_exports(client: Client, settings: Settings, batch_id: str) -> str:
    """Tell the batch's export refresh that a file was reviewed, starting it if none is running
    (signal-with-start: a running one counts the signal and prepares once reviews pause)."""
    workflow_id = exports_refresh_workflow_id(batch_id)
    await client.start_workflow(
        ExportsRefreshWorkflow.run,
        ExportsRefreshInput(
            batch_id=batch_id, quiet_seconds=settings.prepare_exports_quiet_seconds
        ),
        id=workflow_id,
        task_queue=settings.task_queue,
        start_signal=CHANGED,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
    )
    return workflow_id


# --- the template test ---------------------------------------------------------------------


async def run_template_test(
    client: Client, settings: Settings, job: TemplateTestInput, wait: timedelta
) -> TemplateTestOutcome:
    """Run one template test on a worker and wait for its answer (at most ``wait``)."""
    outcome: TemplateTestOutcome = await client.execute_workflow(
        TemplateTestWorkflow.run,
        job,
        id=f"template-test-{job.run_id}",
        task_queue=settings.task_queue,
        execution_timeout=wait,
    )
    return outcome


# --- webhook deliveries ----------------------------------------------------------------------


def delivery_workflow_id(event_id: str, endpoint_id: str) -> str:
    return f"webhook-{event_id}-{endpoint_id}"


def delivery_job(settings: Settings, endpoint_id: str, event: WebhookEvent) -> DeliveryJob:
    return DeliveryJob(
        endpoint_id=endpoint_id,
        event=event,
        retry_initial_seconds=settings.webhook_retry_initial_seconds,
        retry_max_interval_seconds=settings.webhook_retry_max_interval_seconds,
        retry_hours=settings.webhook_retry_hours,
        timeout_seconds=settings.webhook_timeout_seconds,
    )


async def start_delivery(client: Client, job: DeliveryJob, task_queue: str) -> bool:
    """Start (or join) the delivery; False when it already ran to its end earlier."""
    try:
        await client.start_workflow(
            WebhookDeliveryWorkflow.run,
            job,
            id=delivery_workflow_id(job.event.eventId, job.endpoint_id),
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    except WorkflowAlreadyStartedError:
        return False
    return True
