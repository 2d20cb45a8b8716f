"""The pipeline bench's Temporal floor runs both fan-out shapes on the real dev server."""

from __future__ import annotations

from temporalio.client import Client

from bench.bench_pipeline import temporal_cpu_seconds
from bench.temporal_floor import MODES, floor_costs


async def test_floor_measures_regular_and_local_activities(temporal_client: Client) -> None:
    costs = await floor_costs(temporal_client, temporal_cpu_seconds, files=10, slots=2)
    regular, local = costs
    assert (regular.mode, local.mode) == MODES
    assert regular.worker_ms > 0 and local.worker_ms > 0
    # the dev server is this process's child here too, so its CPU is seen: a regular activity
    # costs it a task dispatch and history writes that a local activity (a marker) does not
    assert regular.server_ms > local.server_ms
    assert "worker" in costs[0].text() and "server" in costs[0].text()
