"""BatchWorkflow alone, with time skipping: days of retry window in a moment of test time.

The real workflow runs on a Temporal dev server with per-workflow time skipping
(``start_time_skipping_v2``); its activities are stand-ins registered by name
(``@activity.defn(name=...)``, the Temporal-documented way), so each test decides what
extraction, charging and the database writes answer and can see every call the workflow made.

Workflows start with skipping off, so the test's signals land inside the retry window; the test
then moves the workflow's clock with ``fast_forward`` (a bounded advance, or until it ends).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from temporalio import activity
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from tests.harness import eventually, start_time_skipping_server
from workflows.batch import BatchWorkflow
from workflows.contracts import (
    BatchInput,
    BatchOutcome,
    BatchSnapshot,
    ExtractInput,
    ExtractOutput,
    FileFailure,
    FileRef,
    ProgressQuery,
    RetryCharge,
    WebhookEvent,
)

WINDOW = timedelta(days=7)  # the product's default retry window


@pytest.fixture(scope="module")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    server = await start_time_skipping_server()
    try:
        yield server
    finally:
        await server.shutdown()


@dataclass
class Stand:
    """What the stand-in activities answer, and every call they got."""

    # per file, what each extraction attempt does in turn: "ok", "corrupt" or "hang"
    plan: dict[str, list[str]] = field(default_factory=dict)
    credits: int = 100  # retries charged until this runs out
    extractions: list[str] = field(default_factory=list)
    charges: list[RetryCharge] = field(default_factory=list)
    failures: list[FileFailure] = field(default_factory=list)
    outcomes: list[BatchOutcome] = field(default_factory=list)
    events: list[str] = field(default_factory=list)

    def activities(self) -> list[Callable[..., Any]]:
        @activity.defn(name="extract_document")
        async def extract_document(input: ExtractInput) -> ExtractOutput:
            self.extractions.append(input.file_id)
            step = self.plan[input.file_id].pop(0)
            if step == "corrupt":
                raise ApplicationError("not a PDF", type="CorruptFile", non_retryable=True)
            if step == "hang":  # runs until cancelled; cancellation arrives through heartbeats
                while True:
                    activity.heartbeat()
                    await asyncio.sleep(0.1)
            return ExtractOutput(file_id=input.file_id, fields_found=1, pages=1)

        @activity.defn(name="charge_retry")
        async def charge_retry(input: RetryCharge) -> bool:
            self.charges.append(input)
            if self.credits <= 0:
                return False
            self.credits -= 1
            return True

        @activity.defn(name="record_file_failure")
        async def record_file_failure(input: FileFailure) -> None:
            self.failures.append(input)

        @activity.defn(name="finalize_batch")
        async def finalize_batch(input: BatchOutcome) -> None:
            self.outcomes.append(input)

        @activity.defn(name="publish_event")
        async def publish_event(input: WebhookEvent) -> int:
            self.events.append(input.eventType)
            return 0

        return [extract_document, charge_retry, record_file_failure, finalize_batch, publish_event]


@dataclass
class Run:
    env: WorkflowEnvironment
    handle: WorkflowHandle[BatchWorkflow, BatchOutcome]
    stand: Stand

    async def snapshot(self) -> BatchSnapshot:
        snap: BatchSnapshot = await self.handle.query(
            "progress", ProgressQuery(), result_type=BatchSnapshot
        )
        return snap

    async def settled(self, outcomes: int) -> BatchSnapshot:
        """The snapshot once the batch has settled ``outcomes`` times (finalize_batch calls)."""
        await eventually(
            lambda: len(self.stand.outcomes),
            lambda n: n >= outcomes,
            timeout=60,
            interval=0.05,
            what=f"settle number {outcomes}",
        )
        return await eventually(
            self.snapshot,
            lambda s: s.status != "processing",
            timeout=60,
            interval=0.05,
            what="a settled snapshot",
        )

    async def status(self) -> WorkflowExecutionStatus | None:
        return (await self.handle.describe()).status

    async def close(self) -> BatchOutcome:
        """Skip time until the run ends; its result."""
        await self.env.fast_forward(self.handle)
        return await self.handle.result()


Start = Callable[..., Awaitable[Run]]


@pytest.fixture
async def batch(env: WorkflowEnvironment) -> AsyncIterator[Start]:
    """Start a BatchWorkflow on a fresh task queue with the given files and stand-ins."""
    workers = AsyncExitStack()

    async def start(plan: dict[str, list[str]], credits: int = 100) -> Run:
        queue = f"ts-{uuid.uuid4().hex[:8]}"
        setup = Stand(plan={f: list(steps) for f, steps in plan.items()}, credits=credits)
        await workers.enter_async_context(
            Worker(
                env.client,
                task_queue=queue,
                workflows=[BatchWorkflow],
                activities=setup.activities(),
            )
        )
        batch_id = f"batch_ts_{uuid.uuid4().hex[:8]}"
        with env.with_time_skipping_disabled():
            handle = await env.client.start_workflow(
                BatchWorkflow.run,
                BatchInput(
                    batch_id=batch_id,
                    org_id="org_ts",
                    project_id="prj_ts",
                    template_id="tpl_ts",
                    files=[FileRef(file_id=f, name=f"{f}.pdf") for f in plan],
                    retry_window_seconds=WINDOW.total_seconds(),
                    extraction_attempts=2,
                    heartbeat_timeout_seconds=5,
                ),
                id=f"batch-{batch_id}",
                task_queue=queue,
            )
        return Run(env, handle, setup)

    async with workers:
        yield start


async def test_the_retry_window_closes_a_week_after_the_last_settle(batch: Start) -> None:
    run = await batch({"file_a": ["corrupt", "ok"]})
    first = await run.settled(1)
    assert (first.status, first.failedFiles) == ("failed", 1)
    settled_at = await run.env.get_current_time(run.handle)

    # An hour before the window ends the batch still takes a retry, which settles it again ...
    assert await run.env.fast_forward(run.handle, WINDOW - timedelta(hours=1))
    assert await run.status() == WorkflowExecutionStatus.RUNNING
    await run.handle.signal("retry_file", "file_a")
    again = await run.settled(2)
    assert (again.status, again.completedFiles) == ("completed", 1)
    resettled_at = await run.env.get_current_time(run.handle)
    assert resettled_at - settled_at >= WINDOW - timedelta(hours=1)

    # ... and the window starts again from that second settle: open an hour before its end.
    assert await run.env.fast_forward(run.handle, WINDOW - timedelta(hours=1))
    assert await run.status() == WorkflowExecutionStatus.RUNNING

    outcome = await run.close()
    assert (outcome.status, outcome.completed_files, outcome.failed_files) == ("completed", 1, 0)
    assert await run.env.get_current_time(run.handle) - resettled_at >= WINDOW
    assert run.stand.extractions == ["file_a", "file_a"]
    assert [o.status for o in run.stand.outcomes] == ["failed", "completed"]
    # Closed: a retry now is refused by the server instead of being lost.
    with pytest.raises(RPCError, match="already completed"):
        await run.handle.signal("retry_file", "file_a")


async def test_cancel_during_retries_stops_them_and_refunds_the_charged_retries(
    batch: Start,
) -> None:
    run = await batch(
        {"file_a": ["corrupt", "hang"], "file_b": ["corrupt", "hang"], "file_c": ["ok"]}
    )
    first = await run.settled(1)
    assert (first.status, first.completedFiles, first.failedFiles) == ("partially_failed", 1, 2)

    await run.handle.signal("retry_failed")
    await eventually(
        lambda: sorted(run.stand.extractions),
        lambda e: e.count("file_a") == 2 and e.count("file_b") == 2,
        timeout=60,
        what="both retried extractions running",
    )
    await run.handle.signal("cancel")
    cancelled = await run.settled(2)

    assert cancelled.cancelled is True
    assert (cancelled.status, cancelled.completedFiles, cancelled.failedFiles) == (
        "partially_failed",
        1,
        2,
    )
    states = {f.fileId: (f.status, f.errorCode, f.attempts, f.retries) for f in cancelled.files}
    assert states == {
        "file_a": ("failed", "Cancelled", 2, 1),
        "file_b": ("failed", "Cancelled", 2, 1),
        "file_c": ("completed", None, 1, 0),
    }
    # Both retries were charged, so both cancellations are refunded (an attempt key per retry).
    assert sorted((c.file_id, c.retry_number) for c in run.stand.charges) == [
        ("file_a", 1),
        ("file_b", 1),
    ]
    refunds = sorted(
        (f.file_id, f.code, f.attempt_key) for f in run.stand.failures if f.code == "Cancelled"
    )
    assert refunds == [("file_a", "Cancelled", "file_a:1"), ("file_b", "Cancelled", "file_b:1")]
    assert run.stand.outcomes[-1].cancelled is True

    # The cancel does not end the window: a retry after it runs normally (and is not cancelled).
    run.stand.plan["file_a"].append("ok")
    await run.handle.signal("retry_file", "file_a")
    after = await run.settled(3)
    assert (after.status, after.completedFiles, after.failedFiles) == ("partially_failed", 2, 1)
    outcome = await run.close()
    assert (outcome.status, outcome.completed_files, outcome.failed_files) == (
        "partially_failed",
        2,
        1,
    )


async def test_a_retry_without_credits_fails_the_file_uncharged_and_unextracted(
    batch: Start,
) -> None:
    run = await batch({"file_a": ["corrupt"], "file_b": ["ok"]}, credits=0)
    first = await run.settled(1)
    assert (first.status, first.failedFiles) == ("partially_failed", 1)

    await run.handle.signal("retry_file", "file_a")
    again = await run.settled(2)
    state = next(f for f in again.files if f.fileId == "file_a")
    assert (state.status, state.errorCode, state.retries, state.attempts) == (
        "failed",
        "InsufficientCredits",
        1,
        1,
    )
    assert "add credits" in (state.errorMessage or "")
    assert sorted(run.stand.extractions) == ["file_a", "file_b"]  # the retry never extracted
    assert [(c.file_id, c.retry_number) for c in run.stand.charges] == [("file_a", 1)]
    # Nothing was charged, so nothing is refunded: the failure carries no attempt key.
    failure = run.stand.failures[-1]
    assert (failure.file_id, failure.code, failure.attempt_key) == (
        "file_a",
        "InsufficientCredits",
        "",
    )

    outcome = await run.close()
    assert (outcome.status, outcome.completed_files, outcome.failed_files) == (
        "partially_failed",
        1,
        1,
    )
    assert run.stand.events.count("batch.completed") == 2
