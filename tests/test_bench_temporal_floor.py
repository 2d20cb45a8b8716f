"""The pipeline bench's Temporal floor: every fan-out shape on the real dev server."""

from __future__ import annotations

import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.worker import Worker

from bench.bench_pipeline import temporal_cpu_seconds
from bench.temporal_floor import (
    MODES,
    ROUND,
    FloorInput,
    FloorWorkflow,
    floor_costs,
    floor_noop,
    floor_tick,
)


async def test_floor_measures_regular_and_local_activities(temporal_client: Client) -> None:
    costs = await floor_costs(temporal_client, temporal_cpu_seconds, files=10, slots=2)
    regular, local, rounds = costs
    assert (regular.mode, local.mode, rounds.mode) == MODES
    assert all(c.worker_ms > 0 for c in costs)
    # the dev server is this process's child here too, so its CPU is seen: a regular activity
    # costs it a task dispatch and history writes that a local activity (a marker) does not
    assert regular.server_ms > local.server_ms
    assert "worker" in regular.text() and "server" in regular.text()


async def test_rounds_hold_no_workflow_task_longer_than_a_round(temporal_client: Client) -> None:
    """Rounds of local activities: one workflow task per round (opened by the previous round's
    signal), not one for the whole batch."""
    queue = f"floor-{uuid.uuid4().hex[:8]}"
    async with Worker(
        temporal_client,
        task_queue=queue,
        workflows=[FloorWorkflow],
        activities=[floor_noop, floor_tick],
        activity_executor=ThreadPoolExecutor(4),
    ):
        handle = await temporal_client.start_workflow(
            FloorWorkflow.run, FloorInput(files=10, mode="rounds"), id=queue, task_queue=queue
        )
        assert await handle.result() == 10
    kinds_in_order = [
        EventType.Name(e.event_type).removeprefix("EVENT_TYPE_")
        async for e in handle.fetch_history_events()
    ]
    kinds = Counter(kinds_in_order)
    assert kinds["MARKER_RECORDED"] == 10
    assert kinds["WORKFLOW_EXECUTION_SIGNALED"] == 3  # rounds of 4, 4 and 2 files
    # the markers a workflow task records: never more than a round's
    per_task, markers = [], None
    for kind in kinds_in_order:
        if kind == "WORKFLOW_TASK_COMPLETED":
            markers = 0
            per_task.append(0)
        elif kind == "MARKER_RECORDED" and markers is not None:
            per_task[-1] += 1
        elif kind.startswith("WORKFLOW_TASK"):
            markers = None
    assert max(per_task) <= ROUND and sum(per_task) == 10
