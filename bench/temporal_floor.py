"""Temporal's own cost per file, with no database and no engine: a workflow that fans out one
no-op activity per file, on the server and worker set-up the pipeline bench uses, three ways:

- ``regular``: one regular activity per file (what the batch workflow does): the floor of any
  pipeline that keeps one regular activity per file;
- ``local``: every file a local activity at once: the whole batch holds one workflow task, so
  queries and updates wait for the batch (not usable as is, the lower bound);
- ``rounds``: local activities a few files at a time (``ROUND``); the round's last activity
  signals the workflow, whose next round starts in the workflow task that signal creates, so no
  workflow task is held longer than a round (a timer cannot close a round: the server's timers
  have a resolution of a second)."""

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

MODES = ("regular", "local", "rounds")
ROUND = 4  # files per round of local activities


class FloorInput(BaseModel):
    files: int
    mode: str  # regular | local | rounds


@activity.defn(name="floor_noop")
def floor_noop(index: int) -> int:
    return index


@activity.defn(name="floor_tick")
async def floor_tick(index: int) -> int:
    """The round's last file: tells the workflow that the round is over."""
    await activity.client().get_workflow_handle(activity.info().workflow_id).signal("tick")
    return index


@workflow.defn(name="FloorWorkflow")
class FloorWorkflow:
    def __init__(self) -> None:
        self._ticks = 0

    @workflow.signal(name="tick")
    def tick(self) -> None:
        self._ticks += 1

    @workflow.run
    async def run(self, input: FloorInput) -> int:
        if input.mode == "rounds":
            return await self._rounds(input.files)

        async def one(index: int) -> int:
            if input.mode == "local":
                return await workflow.execute_local_activity(
                    floor_noop, index, start_to_close_timeout=timedelta(seconds=30)
                )
            return await workflow.execute_activity(
                floor_noop, index, start_to_close_timeout=timedelta(seconds=30)
            )

        return len(await asyncio.gather(*(one(i) for i in range(input.files))))

    async def _rounds(self, files: int) -> int:
        done = 0
        for start in range(0, files, ROUND):
            indices = range(start, min(files, start + ROUND))
            wanted = self._ticks + 1
            done += len(
                await asyncio.gather(
                    *(
                        workflow.execute_local_activity(
                            floor_tick if i == indices[-1] else floor_noop,
                            i,
                            start_to_close_timeout=timedelta(seconds=30),
                        )
                        for i in indices
                    )
                )
            )
            await workflow.wait_condition(lambda wanted=wanted: self._ticks >= wanted)
        return done


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
                activities=[floor_noop, floor_tick],
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
