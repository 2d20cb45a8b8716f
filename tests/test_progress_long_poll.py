"""The workflow's ``wait_progress`` update (issue 13): the long-poll the WebSocket watchers use.

Real dev server and the real BatchWorkflow; extraction is a stand-in activity that finishes a
file only when the test says so, so "no event yet" and "this event" are both observable."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateStage
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from workflows.batch import BatchWorkflow
from workflows.contracts import (
    BatchInput,
    BatchOutcome,
    BatchSnapshot,
    ExtractInput,
    ExtractOutput,
    FileFailure,
    FileRef,
    ProgressEvent,
    ProgressQuery,
    RetryCharge,
    WebhookEvent,
)

RELEASE: dict[str, asyncio.Event] = {}


@activity.defn(name="extract_document")
async def extract_document(input: ExtractInput) -> ExtractOutput:
    await RELEASE[input.file_id].wait()
    return ExtractOutput(file_id=input.file_id, fields_found=1, pages=1)


@activity.defn(name="record_file_failure")
async def record_file_failure(input: FileFailure) -> None:
    return None


@activity.defn(name="charge_retry")
async def charge_retry(input: RetryCharge) -> bool:
    return True


@activity.defn(name="finalize_batch")
async def finalize_batch(input: BatchOutcome) -> None:
    return None


@activity.defn(name="publish_event")
async def publish_event(input: WebhookEvent) -> None:
    return None


async def events_after_last_signal(handle: WorkflowHandle) -> list[int] | None:
    """The types of the history events since the last signal (None before any signal)."""
    types = [e.event_type for e in (await handle.fetch_history()).events]
    signal = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
    signalled = [i for i, t in enumerate(types) if t == signal]
    return types[signalled[-1] + 1 :] if signalled else None


async def test_wait_progress_answers_with_the_next_event_and_at_close(
    temporal_client: Client,
) -> None:
    # imported here: the workflow sandbox re-imports this module (OlderBatchWorkflow below)
    from tests.harness import eventually

    client = Client(
        temporal_client.service_client,
        namespace=temporal_client.namespace,
        data_converter=pydantic_data_converter,
    )
    queue = f"long-poll-{uuid.uuid4().hex[:8]}"
    files = [f"file_lp{i}_{uuid.uuid4().hex[:6]}" for i in range(2)]
    for f in files:
        RELEASE[f] = asyncio.Event()
    async with Worker(
        client,
        task_queue=queue,
        workflows=[BatchWorkflow],
        activities=[
            extract_document,
            record_file_failure,
            charge_retry,
            finalize_batch,
            publish_event,
        ],
    ):
        handle = await client.start_workflow(
            BatchWorkflow.run,
            BatchInput(
                batch_id=f"batch_lp_{uuid.uuid4().hex[:8]}",
                org_id="org_lp",
                project_id="prj_lp",
                template_id="tpl_lp",
                files=[FileRef(file_id=f, name=f"{f}.pdf") for f in files],
                retry_window_seconds=2,
            ),
            id=f"batch-lp-{uuid.uuid4().hex[:8]}",
            task_queue=queue,
            execution_timeout=timedelta(minutes=2),
        )
        start = await handle.query("progress", ProgressQuery(), result_type=BatchSnapshot)

        async def long_poll(since: int) -> asyncio.Task[BatchSnapshot]:
            update = await handle.start_update(
                "wait_progress",
                ProgressQuery(since_seq=since),
                wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                result_type=BatchSnapshot,
            )
            return asyncio.create_task(update.result())

        first = await long_poll(start.seq)
        # Nothing happens: a signal that changes nothing (an unknown file's retry) makes the
        # workflow run a task, which re-checks the long-poll's wait condition. Once that task
        # has completed, the update must still be open: no UpdateCompleted in the history.
        await handle.signal("retry_file", "file_not_in_this_batch")
        task_done = EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
        after_signal = await eventually(
            lambda: events_after_last_signal(handle),
            lambda after: after is not None and task_done in after,
            timeout=30,
            what="the workflow task that handled the signal",
        )
        assert EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED not in (after_signal or [])
        assert not first.done(), "answered although nothing happened"
        RELEASE[files[0]].set()
        snap = await first
        assert snap.seq > start.seq
        assert [(e.kind, e.fileId) for e in snap.events if e.fileId] == [
            ("document_processed", files[0])
        ]
        assert snap.completedFiles == 1 and snap.status == "processing"

        second = await long_poll(snap.seq)
        RELEASE[files[1]].set()
        snap2 = await second
        assert ("document_processed", files[1]) in [(e.kind, e.fileId) for e in snap2.events]
        assert all(e.seq > snap.seq for e in snap2.events)

        # Nothing more will happen: a waiting long-poll is answered when the run closes, and
        # the run does close (it waits for its handlers).
        settled = await handle.query("progress", ProgressQuery(), result_type=BatchSnapshot)
        while settled.status == "processing":  # the final status is one more event
            settled = await (await long_poll(settled.seq))
        last = await long_poll(settled.seq)
        outcome = await handle.result()
        assert outcome.status == "completed" and outcome.completed_files == 2
        final = await last
        assert final.events == [] and final.status == "completed"


# --------------------------------------------------------------------------- the API's watcher


@workflow.defn(name="OlderBatchWorkflow")
class OlderBatchWorkflow:
    """A batch workflow as it was before ``wait_progress``: the ``progress`` query only."""

    def __init__(self) -> None:
        self.events: list[ProgressEvent] = []
        self.done = False

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: self.done)

    @workflow.signal
    def finish_file(self, file_id: str) -> None:
        n = len(self.events) + 1
        self.events.append(
            ProgressEvent(
                seq=n,
                kind="document_processed",
                fileId=file_id,
                fileName=file_id,
                totalFiles=2,
                completedFiles=n,
                failedFiles=0,
                progress=n * 50,
                status="processing",
            )
        )

    @workflow.signal
    def close(self) -> None:
        self.done = True

    @workflow.query(name="progress")
    def progress(self, query: ProgressQuery | None = None) -> BatchSnapshot:
        since = query.since_seq if query else 0
        return BatchSnapshot(
            batchId="b",
            totalFiles=2,
            completedFiles=len(self.events),
            failedFiles=0,
            progress=len(self.events) * 50,
            status="processing",
            seq=len(self.events),
            events=[e for e in self.events if e.seq > since],
        )


class Inbox:
    def __init__(self) -> None:
        self.messages: list[dict] = []
        self.changed = asyncio.Event()

    def deliver(self, batch_id: str, seq: int, message: dict) -> None:
        self.messages.append(message)
        self.changed.set()

    async def documents(self, n: int) -> list[str]:
        while True:
            found = [
                m["data"]["fileId"] for m in self.messages if m["event"] == "document_processed"
            ]
            if len(found) >= n:
                return found
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), 60)


async def test_watcher_falls_back_to_polls_when_the_workflow_has_no_long_poll(
    temporal_client: Client, tmp_path
) -> None:
    """A run without ``wait_progress`` (older code) still gets every event, through the query."""
    from api.progress_hub import ProgressHub
    from core.temporal import TemporalHolder, workflow_id
    from tests.harness import make_settings

    client = Client(
        temporal_client.service_client,
        namespace=temporal_client.namespace,
        data_converter=pydantic_data_converter,
    )
    queue = f"older-{uuid.uuid4().hex[:8]}"
    batch_id = f"batch_old_{uuid.uuid4().hex[:8]}"
    settings = make_settings(tmp_path, task_queue=queue)
    async with Worker(client, task_queue=queue, workflows=[OlderBatchWorkflow]):
        handle = await client.start_workflow(
            OlderBatchWorkflow.run,
            id=workflow_id(batch_id),
            task_queue=queue,
            execution_timeout=timedelta(minutes=2),
        )
        hub = ProgressHub(settings, TemporalHolder(settings, client), poll_interval=0.05)
        inbox = Inbox()
        try:
            await hub.subscribe(batch_id, inbox)
            await handle.signal(OlderBatchWorkflow.finish_file, "file_a")
            assert await inbox.documents(1) == ["file_a"]
            watcher = hub.watchers[batch_id]
            assert watcher.long_poll is False  # the update was refused: polling from now on
            await handle.signal(OlderBatchWorkflow.finish_file, "file_b")
            assert await inbox.documents(2) == ["file_a", "file_b"]
        finally:
            await hub.close()
            await handle.signal(OlderBatchWorkflow.close)
