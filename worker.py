"""The docbatch worker: batch workflows and extraction on the ``docbatch`` task queue, webhook
deliveries on ``docbatch-webhooks`` with slots of their own.

Start it with ``python worker.py``; run as many as you like (they share the task queues).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from datetime import timedelta
from types import TracebackType

from temporalio.client import Client
from temporalio.worker import Worker

from activities.batch_store import BatchStoreActivities
from activities.extract import ExtractActivities
from activities.retrain import RetrainActivities
from activities.webhooks import WebhookActivities
from api.health_app import health_server
from core.logs import configure_logging
from core.schema import SchemaNotCurrent, require_current
from core.settings import Settings, get_settings
from core.temporal import connect, metrics_runtime
from core.tracing import setup_tracing
from workflows.batch import BatchWorkflow
from workflows.retrain import RetrainWorkflow
from workflows.webhook_delivery import WebhookDeliveryWorkflow

log = logging.getLogger("docbatch.worker")


class WorkerGroup:
    """The workers of one process, run together: ``async with build_worker(...):``."""

    def __init__(self, workers: list[Worker]) -> None:
        self.workers = workers
        self._stack = AsyncExitStack()

    async def __aenter__(self) -> WorkerGroup:
        for worker in self.workers:
            await self._stack.enter_async_context(worker)
        return self

    async def __aexit__(self, *exc: tuple[type[BaseException] | None, BaseException | None,
                                          TracebackType | None]) -> None:
        await self._stack.aclose()


def build_worker(client: Client, settings: Settings, executor: ThreadPoolExecutor,
                 task_queue: str | None = None) -> WorkerGroup:
    """Every workflow and activity of docbatch, registered on its task queue."""
    if task_queue:
        settings = settings.model_copy(update={"task_queue": task_queue})
    store = BatchStoreActivities(settings)
    extract = ExtractActivities(settings)
    hooks = WebhookActivities(settings, client)
    batches = Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[BatchWorkflow, RetrainWorkflow],
        activities=[extract.extract_document, store.record_file_failure, store.charge_retry,
                    store.finalize_batch, *hooks.batch_activities(),
                    RetrainActivities(settings).retrain],
        activity_executor=executor,
        max_concurrent_activities=settings.worker_max_activities,
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
    return WorkerGroup([batches, deliveries])


def load_ocr_engine(settings: Settings) -> None:
    """Load the OCR model now, so the first scanned file does not wait for it while a core idles.

    The engine reads its thread count from ``DOCBATCH_OCR_THREADS``: the worker hands it the
    resolved setting (a set value wins; otherwise what each extraction's share of the cores is).
    """
    os.environ["DOCBATCH_OCR_THREADS"] = str(settings.engine_threads)
    from extraction.ocr import get_engine  # only its public entry point: the engine is replaceable

    started = time.perf_counter()
    get_engine()
    log.info("OCR engine loaded in %.1f s (%d thread(s) each, %d concurrent extraction(s))",
             time.perf_counter() - started, settings.engine_threads, settings.worker_max_activities)


async def main() -> None:
    settings = get_settings()
    configure_logging("worker", settings.log_format)
    setup_tracing(settings, "worker")
    try:
        require_current(settings.sqlalchemy_url)  # tables belong to `docbatch migrate`, never to a worker
    except SchemaNotCurrent as exc:
        raise SystemExit(f"docbatch worker: {exc}") from None
    # The model loads (in a thread) while the client connects; polling starts after both.
    client, _ = await asyncio.gather(connect(settings, metrics_runtime(settings)),
                                     asyncio.to_thread(load_ocr_engine, settings))
    with ThreadPoolExecutor(max_workers=max(settings.worker_threads, settings.worker_max_activities)) as pool:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        async with build_worker(client, settings, pool), health_server(settings, client):
            if settings.worker_health_port:
                log.info("health and metrics on http://%s:%d", settings.worker_health_host,
                         settings.worker_health_port)
            log.info("worker ready on task queues %r and %r at %s", settings.task_queue,
                     settings.webhook_task_queue, settings.temporal_target)
            await stop.wait()
            log.info("shutting down (waiting up to 30 s for running activities)")


if __name__ == "__main__":
    asyncio.run(main())
