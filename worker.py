"""The docbatch worker: runs batch workflows and their activities on the ``docbatch`` queue.

Start it with ``python worker.py``; run as many as you like (they share the task queue).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker

from activities.batch_store import BatchStoreActivities
from activities.extract import ExtractActivities
from activities.webhooks import WebhookActivities
from core.db import get_engine
from core.settings import Settings, get_settings
from core.temporal import connect
from workflows.batch import BatchWorkflow

log = logging.getLogger("docbatch.worker")


def workflow_classes() -> list[type]:
    classes: list[type] = [BatchWorkflow]
    try:
        from workflows.webhook_delivery import WEBHOOK_WORKFLOWS

        classes += WEBHOOK_WORKFLOWS
    except ImportError:
        pass
    return classes


def build_worker(client: Client, settings: Settings, executor: ThreadPoolExecutor,
                 task_queue: str | None = None) -> Worker:
    """The worker with every workflow and activity of docbatch registered."""
    get_engine(settings.sqlalchemy_url)  # creates tables before the first activity needs them
    store = BatchStoreActivities(settings)
    extract = ExtractActivities(settings)
    hooks = WebhookActivities(settings, client)
    return Worker(
        client,
        task_queue=task_queue or settings.task_queue,
        workflows=workflow_classes(),
        activities=[extract.extract_document, store.record_file_failure, store.charge_retry,
                    store.finalize_batch, *hooks.all()],
        activity_executor=executor,
        max_concurrent_activities=settings.worker_max_activities,
        graceful_shutdown_timeout=timedelta(seconds=30),
        # Heartbeats carry cancellation to a running extraction: send them at least every 2 s
        # (the SDK's default throttle is 80% of the 60 s heartbeat timeout).
        max_heartbeat_throttle_interval=timedelta(seconds=2),
    )


async def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
    settings = get_settings()
    client = await connect(settings)
    with ThreadPoolExecutor(max_workers=max(settings.worker_threads, settings.worker_max_activities)) as pool:
        worker = build_worker(client, settings, pool)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        async with worker:
            log.info("worker ready on task queue %r at %s", settings.task_queue, settings.temporal_target)
            await stop.wait()
            log.info("shutting down (waiting up to 30 s for running activities)")


if __name__ == "__main__":
    asyncio.run(main())
