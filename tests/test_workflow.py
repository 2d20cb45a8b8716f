"""The workflow itself: search attributes for operators, and replay safety of its history."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from core.temporal import workflow_id
from tests.harness import DOCS, Service
from workflows.batch import BatchWorkflow

HISTORIES = Path(__file__).parent / "fixtures" / "histories"


async def test_operators_find_batches_by_org_and_status(service: Service) -> None:
    batch = (await service.upload([DOCS / "invoice-acme.pdf", DOCS / "corrupt.pdf"])).json()
    await service.wait_final(batch["id"])
    query = f"OrgId = '{service.org_id}' AND BatchStatus = 'partially_failed'"
    found: list[str] = []
    for _ in range(100):  # visibility is eventually consistent
        found = [wf.id async for wf in service.temporal.list_workflows(query)]
        if found:
            break
        await asyncio.sleep(0.1)
    assert found == [workflow_id(batch["id"])]
    none = [wf.id async for wf in service.temporal.list_workflows(f"OrgId = '{service.org_id}' AND BatchStatus = 'failed'")]
    assert none == []


async def test_current_histories_replay_without_nondeterminism(service: Service) -> None:
    batch = (await service.upload([DOCS / "invoice-acme.pdf", DOCS / "corrupt.pdf"])).json()
    final = await service.wait_final(batch["id"])
    failed = next(f for f in final["files"] if f["status"] == "failed")
    await service.http.post(f"/batch/{service.org_id}/{batch['id']}/files/{failed['id']}/retry")
    for _ in range(300):
        detail = (await service.http.get(f"/batch/{service.org_id}/{batch['id']}")).json()
        if next(f for f in detail["files"] if f["id"] == failed["id"])["attempts"] == 2 and detail["status"] != "processing":
            break
        await asyncio.sleep(0.1)
    history = await service.temporal.get_workflow_handle(workflow_id(batch["id"])).fetch_history()
    replayer = Replayer(workflows=[BatchWorkflow], data_converter=pydantic_data_converter)
    await replayer.replay_workflow(history)


async def test_recorded_histories_still_replay() -> None:
    """Histories recorded from earlier versions: a change that breaks them needs workflow.patched."""
    replayer = Replayer(workflows=[BatchWorkflow], data_converter=pydantic_data_converter)
    files = sorted(HISTORIES.glob("*.json"))
    assert files, "no recorded histories"
    for path in files:
        data = json.loads(path.read_text())
        await replayer.replay_workflow(WorkflowHistory.from_json(data["workflowId"], data["history"]))


async def _settled_memo(handle: WorkflowHandle) -> dict:
    """Wait for the settled memo (the server stores it a moment after the database says final)."""
    for _ in range(300):
        memo = await (await handle.describe()).memo()
        settled = memo.get("settled")
        if settled:
            return settled
        await asyncio.sleep(0.1)
    raise AssertionError(f"no settled memo on {handle.id}: {memo}")


async def test_temporal_ui_shows_files_batch_and_settled_state(service: Service) -> None:
    """What an operator sees in the Temporal UI: file names on activities, the batch and its
    organisation on the workflow, and a settled batch that says so while its retry window runs."""
    batch = (await service.upload([DOCS / "invoice-acme.pdf", DOCS / "corrupt.pdf"], name="March invoices")).json()
    await service.wait_final(batch["id"])
    handle = service.temporal.get_workflow_handle(workflow_id(batch["id"]))
    desc = await handle.describe()
    assert desc.status == WorkflowExecutionStatus.RUNNING  # the retry window keeps it open
    assert await desc.static_summary() == "March invoices · My organization · 2 files"
    details = await desc.static_details()
    assert "March invoices" in details and service.org_id in details and "My organization" in details
    settled = await _settled_memo(handle)
    assert (settled["status"], settled["completedFiles"], settled["failedFiles"]) == ("partially_failed", 1, 1)
    meta = await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)
    assert meta.current_details.startswith("**SETTLED: partially_failed**")
    assert "1 of 2 completed, 1 failed" in meta.current_details and "Nothing is running" in meta.current_details

    summaries = await _summaries(handle)
    assert {"invoice-acme.pdf · attempt 1", "corrupt.pdf · attempt 1"} <= summaries["ActivityTaskScheduled"]
    assert "corrupt.pdf · failed: CorruptFile" in summaries["ActivityTaskScheduled"]
    assert "partially_failed: 1 of 2 completed, 1 failed" in summaries["ActivityTaskScheduled"]
    assert any(s.startswith("Settled; open for retry_file signals until") for s in summaries["TimerStarted"])
    assert "document.processed · invoice-acme.pdf" in summaries["MarkerRecorded"]

    # A retry reopens the batch: the settled memo goes while it runs and comes back at the end.
    failed = next(f for f in (await service.http.get(f"/batch/{service.org_id}/{batch['id']}")).json()["files"]
                  if f["status"] == "failed")
    await service.http.post(f"/batch/{service.org_id}/{batch['id']}/files/{failed['id']}/retry")
    memos: list = []
    for _ in range(300):
        history = await handle.fetch_history()
        memos = [e.workflow_properties_modified_event_attributes.upserted_memo.fields["settled"]
                 for e in history.events if e.HasField("workflow_properties_modified_event_attributes")]
        if len(memos) == 3:
            break
        await asyncio.sleep(0.1)
    assert [m.metadata["encoding"] for m in memos] == [b"json/plain", b"binary/null", b"json/plain"]
    assert "corrupt.pdf · attempt 2" in (await _summaries(handle))["ActivityTaskScheduled"]
    meta = await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)
    assert meta.current_details.startswith("**SETTLED: partially_failed**")


async def _summaries(handle: WorkflowHandle) -> dict[str, set[str]]:
    """Every user-metadata summary in the history, by event type."""
    found: dict[str, set[str]] = {"ActivityTaskScheduled": set(), "TimerStarted": set(), "MarkerRecorded": set()}
    history = await handle.fetch_history()
    for event in history.events:
        if event.HasField("user_metadata") and event.user_metadata.HasField("summary"):
            kind = EventType.Name(event.event_type).removeprefix("EVENT_TYPE_").title().replace("_", "")
            text = (await pydantic_data_converter.decode([event.user_metadata.summary], [str]))[0]
            found.setdefault(kind, set()).add(text)
    return found
