"""Temporal's own cost per file, with no database and no engine: a workflow that fans out one
no-op activity per file, as a regular activity (what the batch workflow does) and as a local
activity, on the server and worker set-up the pipeline bench uses. The gap between these two
lines is what moving work to local activities could save; the regular line is the floor of a
pipeline that keeps one regular activity per file."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from pydantic import BaseModel
from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker

MODES = ("regular", "local")


class FloorInput(BaseModel):
    files: int
    mode: str  # regular | local


@activity.defn(name="floor_noop")
def floor_noop(index: int) -> int:
    return index


@workflow.defn(name="FloorWorkflow")
class FloorWorkflow:
    @workflow.run
    async def run(self, input: FloorInput) -> int:
        async def one(index: int) -> int:
            if input.mode == "local":
                return await workflow.execute_local_activity(
                    floor_noop, index, start_to_close_timeout=timedelta(seconds=30)
                )
            return await workflow.execute_activity(
                floor_noop, index, start_to_close_timeout=timedelta(seconds=30)
            )

        return len(await asyncio.gather(*(one(i) for i in range(input.files))))


@dataclass(frozen=True)
class FloorCost:
    mode: str
    worker_ms: float  # CPU of this process per file
    server_ms: float  # CPU of the Temporal dev server per file

    def text(self) -> str:
        return (
            f"{self.mode} {self.worker_ms + self.server_ms:.1f} ms "
            f"(worker {self.worker_ms:.1f} + server {self.server_ms:.1f})"
        )


async def floor_costs(
    client: Client, server_cpu: Callable[[], float], *, files: int = 50, slots: int = 2
) -> list[FloorCost]:
    """One batch-shaped run per mode on a fresh task queue, after one warm-up run each."""
    found = []
    with ThreadPoolExecutor(max_workers=max(8, slots)) as pool:
        for mode in MODES:
            queue = f"floor-{uuid.uuid4().hex[:8]}"
            async with Worker(
                client,
                task_queue=queue,
                workflows=[FloorWorkflow],
                activities=[floor_noop],
                activity_executor=pool,
                max_concurrent_activities=slots,
            ):
                for warm in (True, False):
                    cpu, server = time.process_time(), server_cpu()
                    done = await client.execute_workflow(
                        FloorWorkflow.run,
                        FloorInput(files=files, mode=mode),
                        id=f"{queue}-{warm}",
                        task_queue=queue,
                    )
                    assert done == files
                    if not warm:
                        found.append(
                            FloorCost(
                                mode,
                                (time.process_time() - cpu) / files * 1000,
                                (server_cpu() - server) / files * 1000,
                            )
                        )
    return found
