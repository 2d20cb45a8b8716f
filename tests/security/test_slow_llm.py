"""An LLM answer slower than the heartbeat timeout is one attempt (and one paid call), not three:
the activity heartbeats from a background thread while it waits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import Client

from tests.harness import DOCS, Service, eventually, make_settings, running_service
from tests.security.conftest import SlowLLM

HEARTBEAT_TIMEOUT = 1.0  # the slow LLM answers after three of these


@pytest.fixture
async def slow_service(
    tmp_path: Path, temporal_client: Client, slow_llm: SlowLLM
) -> AsyncIterator[Service]:
    settings = make_settings(
        tmp_path,
        llm_base_url=slow_llm.base_url,
        llm_model="m",
        heartbeat_timeout_seconds=HEARTBEAT_TIMEOUT,
        extraction_attempts=3,
    )
    async with running_service(settings, temporal_client) as svc:
        yield svc


async def test_a_slow_llm_answer_is_one_attempt(slow_service: Service, slow_llm: SlowLLM) -> None:
    svc = slow_service
    schema = {
        "type": "object",
        "properties": {"total": {"type": "number", "description": "the total"}},
    }
    created = (
        await svc.http.post(
            f"/templates/{svc.org_id}",
            json={"name": "llm", "templateSchema": schema, "engine": {"mode": "llm"}},
        )
    ).json()
    svc.templates["llm"] = created["id"]
    batch = (await svc.upload([DOCS / "receipt.txt"], template="llm")).json()
    done = await svc.wait_final(batch["id"])
    assert done["status"] == "completed", done
    assert done["files"][0]["attempts"] == 1
    assert slow_llm.calls == 1
    record = (
        await svc.http.get(f"/processing-history/{svc.org_id}/{done['files'][0]['id']}")
    ).json()
    assert record["result"]["total"] == 12.5


async def test_an_abandoned_attempt_does_not_overwrite_the_current_one(
    tmp_path: Path, temporal_client: Client, slow_llm: SlowLLM
) -> None:
    """The attempt's row is taken over (as by a retry after a heartbeat timeout) while the
    engine waits for the LLM: the old attempt stores nothing."""
    import asyncio

    from temporalio.exceptions import ApplicationError
    from temporalio.testing import ActivityEnvironment

    from activities.extract import ExtractActivities
    from core.db import session_scope
    from core.models import BatchFile
    from workflows.contracts import ExtractInput

    settings = make_settings(tmp_path, llm_base_url=slow_llm.base_url, llm_model="m")
    async with running_service(settings, temporal_client, with_worker=False) as svc:
        schema = {"type": "object", "properties": {"total": {"type": "number"}}}
        created = (
            await svc.http.post(
                f"/templates/{svc.org_id}",
                json={"name": "llm", "templateSchema": schema, "engine": {"mode": "llm"}},
            )
        ).json()
        svc.templates["llm"] = created["id"]
        batch = (await svc.upload([DOCS / "receipt.txt"], template="llm")).json()
        file_id = batch["uploadIds"][0]
        activities = ExtractActivities(settings)
        env = ActivityEnvironment()
        job = ExtractInput(batch_id=batch["id"], file_id=file_id)
        old = asyncio.create_task(asyncio.to_thread(env.run, activities.extract_document, job))

        def llm_called() -> int:
            assert not old.done(), old.exception()
            return slow_llm.calls

        # the old attempt is waiting for the LLM's answer
        await eventually(
            llm_called, timeout=60, interval=0.05, what="the old attempt to call the LLM"
        )
        with session_scope(settings.sqlalchemy_url) as session:  # a newer attempt takes the file
            row = session.get(BatchFile, file_id)
            row.attempts += 1
            row.status = "processing"
            session.add(row)
        try:
            await old
        except ApplicationError as err:
            assert err.type == "SupersededAttempt"
        else:
            raise AssertionError("the abandoned attempt stored its result")
        with session_scope(settings.sqlalchemy_url) as session:
            row = session.get(BatchFile, file_id)
            assert row.status == "processing" and row.result is None
