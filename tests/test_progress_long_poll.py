"""The workflow's ``wait_progress`` update (issue 13): the long-poll the WebSocket watchers use.

Real dev server and the real BatchWorkflow; extraction is a stand-in activity that finishes a
file only when the test says so, so "no event yet" and "this event" are both observable."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from temporalio import activity
from temporalio.client import Client, WorkflowUpdateStage
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


async def test_wait_progress_answers_with_the_next_event_and_at_close(temporal_client: Client) -> None:
    client = Client(temporal_client.service_client, namespace=temporal_client.namespace,
                    data_converter=pydantic_data_converter)
    queue = f"long-poll-{uuid.uuid4().hex[:8]}"
    files = [f"file_lp{i}_{uuid.uuid4().hex[:6]}" for i in range(2)]
    for f in files:
        RELEASE[f] = asyncio.Event()
    async with Worker(client, task_queue=queue, workflows=[BatchWorkflow],
                      activities=[extract_document, record_file_failure, charge_retry, finalize_batch,
                                  publish_event]):
        handle = await client.start_workflow(
            BatchWorkflow.run,
            BatchInput(batch_id=f"batch_lp_{uuid.uuid4().hex[:8]}", org_id="org_lp", project_id="prj_lp",
                       template_id="tpl_lp", files=[FileRef(file_id=f, name=f"{f}.pdf") for f in files],
                       retry_window_seconds=2),
            id=f"batch-lp-{uuid.uuid4().hex[:8]}", task_queue=queue,
            execution_timeout=timedelta(minutes=2))
        start = await handle.query("progress", ProgressQuery(), result_type=BatchSnapshot)

        async def long_poll(since: int) -> asyncio.Task[BatchSnapshot]:
            update = await handle.start_update("wait_progress", ProgressQuery(since_seq=since),
                                               wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                                               result_type=BatchSnapshot)
            return asyncio.create_task(update.result())

        first = await long_poll(start.seq)
        await asyncio.sleep(0.5)
        assert not first.done(), "answered although nothing happened"
        RELEASE[files[0]].set()
        snap = await first
        assert snap.seq > start.seq
        assert [(e.kind, e.fileId) for e in snap.events if e.fileId] == [("document_processed", files[0])]
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
