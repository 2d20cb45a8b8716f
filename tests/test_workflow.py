"""The workflow itself: search attributes for operators, and replay safety of its history."""

from __future__ import annotations

import json
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from core.temporal import workflow_id
from tests.harness import DOCS, Service, eventually
from workflows.batch import BatchWorkflow

HISTORIES = Path(__file__).parent / "fixtures" / "histories"


async def test_operators_find_batches_by_org_and_status(service: Service) -> None:
    batch = (await service.upload([DOCS / "invoice-acme.pdf", DOCS / "corrupt.pdf"])).json()
    await service.wait_final(batch["id"])
    query = f"OrgId = '{service.org_id}' AND BatchStatus = 'partially_failed'"

    async def listed() -> list[str]:
        return [wf.id async for wf in service.temporal.list_workflows(query)]

    found = await eventually(
        listed, timeout=10, what="the batch in visibility"
    )  # eventually consistent
    assert found == [workflow_id(batch["id"])]
    none = [
        wf.id
        async for wf in service.temporal.list_workflows(
            f"OrgId = '{service.org_id}' AND BatchStatus = 'failed'"
        )
    ]
    assert none == []


async def test_current_histories_replay_without_nondeterminism(service: Service) -> None:
    batch = (await service.upload([DOCS / "invoice-acme.pdf", DOCS / "corrupt.pdf"])).json()
    final = await service.wait_final(batch["id"])
    failed = next(f for f in final["files"] if f["status"] == "failed")
    await service.http.post(f"/batch/{service.org_id}/{batch['id']}/files/{failed['id']}/retry")

    def settled_after_retry(detail: dict) -> bool:
        retried = next(f for f in detail["files"] if f["id"] == failed["id"])
        return retried["attempts"] == 2 and detail["status"] != "processing"

    await eventually(
        lambda: service.detail(batch["id"]),
        settled_after_retry,
        timeout=30,
        what="the retried batch to settle",
    )
    history = await service.temporal.get_workflow_handle(workflow_id(batch["id"])).fetch_history()
    replayer = Replayer(workflows=[BatchWorkflow], data_converter=pydantic_data_converter)
    await replayer.replay_workflow(history)


async def test_recorded_histories_still_replay() -> None:
    """Histories recorded from earlier versions: a change that breaks them needs
    workflow.patched."""
    replayer = Replayer(workflows=[BatchWorkflow], data_converter=pydantic_data_converter)
    files = sorted(HISTORIES.glob("*.json"))
    assert files, "no recorded histories"
    for path in files:
        data = json.loads(path.read_text())
        await replayer.replay_workflow(
            WorkflowHistory.from_json(data["workflowId"], data["history"])
        )


async def _settled_memo(handle: WorkflowHandle) -> dict:
    """Wait for the settled memo (the server stores it a moment after the database says final)."""

    async def memo() -> dict:
        return await (await handle.describe()).memo()

    memo_now = await eventually(
        memo, lambda m: m.get("settled"), timeout=30, what=f"a settled memo on {handle.id}"
    )
    return memo_now["settled"]


async def test_temporal_ui_shows_files_batch_and_settled_state(service: Service) -> None:
    """What an operator sees in the Temporal UI: file names on activities, the batch and its
    organisation on the workflow, and a settled batch that says so while its retry window runs."""
    batch = (
        await service.upload(
            [DOCS / "invoice-acme.pdf", DOCS / "corrupt.pdf"], name="March invoices"
        )
    ).json()
    await service.wait_final(batch["id"])
    handle = service.temporal.get_workflow_handle(workflow_id(batch["id"]))
    desc = await handle.describe()
    assert desc.status == WorkflowExecutionStatus.RUNNING  # the retry window keeps it open
    assert await desc.static_summary() == "March invoices · My organization · 2 files"
    details = await desc.static_details()
    assert (
        "March invoices" in details and service.org_id in details and "My organization" in details
    )
    settled = await _settled_memo(handle)
    assert (settled["status"], settled["completedFiles"], settled["failedFiles"]) == (
        "partially_failed",
        1,
        1,
    )
    meta = await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)
    assert meta.current_details.startswith("**SETTLED: partially_failed**")
    assert (
        "1 of 2 completed, 1 failed" in meta.current_details
        and "Nothing is running" in meta.current_details
    )

    summaries = await _summaries(handle)
    assert {"invoice-acme.pdf · attempt 1", "corrupt.pdf · attempt 1"} <= summaries[
        "ActivityTaskScheduled"
    ]
    assert "corrupt.pdf · failed: CorruptFile" in summaries["ActivityTaskScheduled"]
    assert "partially_failed: 1 of 2 completed, 1 failed" in summaries["ActivityTaskScheduled"]
    assert any(
        s.startswith("Settled; open for retry_file signals until")
        for s in summaries["TimerStarted"]
    )
    # the fan-out is a local activity (a marker); document.processed is published only when an
    # endpoint lists it (this organisation has none), document.failed always
    assert "document.failed · corrupt.pdf" in summaries["MarkerRecorded"]

    # A retry reopens the batch: the settled memo goes while it runs and comes back at the end.
    failed = next(
        f
        for f in (await service.http.get(f"/batch/{service.org_id}/{batch['id']}")).json()["files"]
        if f["status"] == "failed"
    )
    await service.http.post(f"/batch/{service.org_id}/{batch['id']}/files/{failed['id']}/retry")

    async def settled_memos() -> list:
        history = await handle.fetch_history()
        return [
            e.workflow_properties_modified_event_attributes.upserted_memo.fields["settled"]
            for e in history.events
            if e.HasField("workflow_properties_modified_event_attributes")
        ]

    memos = await eventually(
        settled_memos,
        lambda m: len(m) == 3,
        timeout=30,
        what="the settled memo to go and come back",
    )
    assert [m.metadata["encoding"] for m in memos] == [b"json/plain", b"binary/null", b"json/plain"]
    assert "corrupt.pdf · attempt 2" in (await _summaries(handle))["ActivityTaskScheduled"]
    meta = await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)
    assert meta.current_details.startswith("**SETTLED: partially_failed**")


async def _summaries(handle: WorkflowHandle) -> dict[str, set[str]]:
    """Every user-metadata summary in the history, by event type."""
    found: dict[str, set[str]] = {
        "ActivityTaskScheduled": set(),
        "TimerStarted": set(),
        "MarkerRecorded": set(),
    }
    history = await handle.fetch_history()
    for event in history.events:
        if event.HasField("user_metadata") and event.user_metadata.HasField("summary"):
            kind = (
                EventType.Name(event.event_type)
                .removeprefix("EVENT_TYPE_")
                .title()
                .replace("_", "")
            )
            text = (await pydantic_data_converter.decode([event.user_metadata.summary], [str]))[0]
            found.setdefault(kind, set()).add(text)
    return found
