"""The docbatch worker: batch workflows and extraction on the ``docbatch`` task queue, webhook
deliveries on ``docbatch-webhooks`` with slots of their own.

Start it with ``python worker.py``; run as many as you like (they share the task queues).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from datetime import timedelta
from types import TracebackType

from temporalio.client import Client
from temporalio.worker import Worker

from activities.batch_store import BatchStoreActivities
from activities.exports import ExportActivities
from activities.extract import ExtractActivities, child_pool
from activities.retrain import RetrainActivities
from activities.template_test import TemplateTestActivities
from activities.webhooks import WebhookActivities
from api.health_app import health_server
from core.logs import configure_logging
from core.schema import SchemaNotCurrent, require_current
from core.settings import Settings, get_settings
from core.temporal import connect, metrics_runtime
from core.tracing import setup_tracing
from extraction.child import ChildPool
from workflows.batch import BatchWorkflow
from workflows.exports import ExportsRefreshWorkflow
from workflows.retrain import RetrainWorkflow
from workflows.template_test import TemplateTestWorkflow
from workflows.webhook_delivery import WebhookDeliveryWorkflow

log = logging.getLogger("docbatch.worker")


class WorkerGroup:
    """The workers of one process, run together: ``async with build_worker(...):``. Leaving
    stops the extraction child processes it owns too (after the workers' graceful shutdown)."""

    def __init__(self, workers: list[Worker], owned_children: ChildPool | None = None) -> None:
        self.workers = workers
        self.owned_children = owned_children
        self._stack = AsyncExitStack()

    async def __aenter__(self) -> WorkerGroup:
        if self.owned_children is not None:
            self._stack.push_async_callback(asyncio.to_thread, self.owned_children.close)
        for worker in self.workers:
            await self._stack.enter_async_context(worker)
        return self

    async def __aexit__(
        self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]
    ) -> None:
        await self._stack.aclose()


def build_worker(
    client: Client,
    settings: Settings,
    executor: ThreadPoolExecutor,
    task_queue: str | None = None,
    children: ChildPool | None = None,
) -> WorkerGroup:
    """Every workflow and activity of docbatch, registered on its task queue. Documents are
    extracted in ``children`` (the caller's to close), or in a pool of the group's own that
    starts at the first document."""
    if task_queue:
        settings = settings.model_copy(update={"task_queue": task_queue})
    owned = None if children else child_pool(settings)
    children = children or owned
    assert children is not None
    store = BatchStoreActivities(settings)
    extract = ExtractActivities(settings, children)
    samples = TemplateTestActivities(settings, children)
    hooks = WebhookActivities(settings, client)
    batches = Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[BatchWorkflow, TemplateTestWorkflow, RetrainWorkflow, ExportsRefreshWorkflow],
        activities=[
            extract.extract_document,
            store.record_file_failure,
            store.charge_retry,
            store.finalize_batch,
            *hooks.batch_activities(),
            *samples.activities(),
            RetrainActivities(settings).retrain,
            ExportActivities(settings).prepare_exports,
        ],
        activity_executor=executor,
        max_concurrent_activities=settings.worker_activity_slots,
        graceful_shutdown_timeout=timedelta(seconds=30),
        # Heartbeats carry cancellation to a running extraction: send them at least every 2 s
        # (the SDK's default throttle is 80% of the 60 s heartbeat timeout).
        max_heartbeat_throttle_interval=timedelta(seconds=2),
    )
    deliveries = Worker(
        client,
        task_queue=settings.webhook_task_queue,
        workflows=[WebhookDeliveryWorkflow],
        activities=hooks.delivery_activities(),
        max_concurrent_activities=settings.webhook_max_deliveries,
        graceful_shutdown_timeout=timedelta(seconds=15),
    )
    return WorkerGroup([batches, deliveries], owned)


def load_ocr_engine(children: ChildPool) -> None:
    """Start the extraction children and load the OCR model in each now, so the first scanned
    file does not wait for it while a core idles. Each child's OCR engine gets its share of the
    cores (``Settings.engine_threads``)."""
    started = time.perf_counter()
    pids = children.warm()
    log.info(
        "OCR engine loaded in %.1f s (%d thread(s) each, %d concurrent extraction(s) in child "
        "processes %s, each limited to %d MB of address space and %g s per document)",
        time.perf_counter() - started,
        children.threads,
        len(pids),
        pids,
        children.limits.memory_mb,
        children.limits.timeout_s,
    )


async def main() -> None:
    settings = get_settings()
    configure_logging("worker", settings.log_format)
    setup_tracing(settings, "worker")
    try:
        require_current(
            settings.sqlalchemy_url
        )  # tables belong to `docbatch migrate`, never to a worker
    except SchemaNotCurrent as exc:
        raise SystemExit(f"docbatch worker: {exc}") from None
    children = child_pool(settings, preload_ocr=True)
    try:
        await serve(settings, children)
    finally:
        children.close()


async def serve(settings: Settings, children: ChildPool) -> None:
    # The children load the OCR model while the client connects; polling starts after both.
    client, _ = await asyncio.gather(
        connect(settings, metrics_runtime(settings)), asyncio.to_thread(load_ocr_engine, children)
    )
    with ThreadPoolExecutor(
        max_workers=max(settings.worker_threads, settings.worker_activity_slots)
    ) as pool:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        async with (
            build_worker(client, settings, pool, children=children),
            health_server(settings, client),
        ):
            if settings.worker_health_port:
                log.info(
                    "health and metrics on http://%s:%d",
                    settings.worker_health_host,
                    settings.worker_health_port,
                )
            log.info(
                "worker ready on task queues %r and %r at %s",
                settings.task_queue,
                settings.webhook_task_queue,
                settings.temporal_target,
            )
            await stop.wait()
            log.info("shutting down (waiting up to 30 s for running activities)")


if __name__ == "__main__":
    asyncio.run(main())
