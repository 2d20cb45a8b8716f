"""The workflow itself: search attributes for operators, and replay safety of its history."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from temporalio.client import WorkflowHistory
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
