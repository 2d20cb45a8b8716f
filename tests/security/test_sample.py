"""The template test runs on a worker (TemplateTestWorkflow, the sample extracted in a limited
child process), never in the API process; it costs one credit like a file (refunded when the
sample fails) and is refused with 402 when the balance is short. It is small and few at a time:
at most SAMPLE_MAX_PAGES pages, SAMPLE_CONCURRENCY runs at once per API process, 429 beyond."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import Client

from api.web.template_test import SAMPLE_CONCURRENCY, SAMPLE_MAX_PAGES
from tests.harness import DOCS, Service, eventually, make_settings, running_service
from tests.security.conftest import SlowLLM
from tests.security.hostile_files import many_pages_pdf

SCHEMA = {"type": "object", "properties": {"total": {"type": "number", "description": "the total"}}}


@pytest.fixture
async def sample_service(
    tmp_path: Path, temporal_client: Client, slow_llm: SlowLLM
) -> AsyncIterator[Service]:
    settings = make_settings(tmp_path, llm_base_url=slow_llm.base_url, llm_model="m")
    async with running_service(settings, temporal_client) as svc:
        yield svc


async def sample(svc: Service, path: Path, engine: dict) -> tuple[int, dict]:
    resp = await svc.http.post(
        "/ui/templates/test",
        files={"file": (path.name, path.read_bytes())},
        data={"templateSchema": json.dumps(SCHEMA), "engine": json.dumps(engine)},
    )
    return resp.status_code, resp.json()


async def test_a_long_sample_is_refused(sample_service: Service, tmp_path: Path) -> None:
    long = many_pages_pdf(tmp_path / "long.pdf", SAMPLE_MAX_PAGES + 1)
    status, body = await sample(sample_service, long, {"mode": "local"})
    assert (
        status == 400
        and "TooManyPages" in body["message"]
        and f"limit is {SAMPLE_MAX_PAGES}" in body["message"]
    )


async def test_at_most_a_few_samples_run_at_once(
    sample_service: Service, slow_llm: SlowLLM
) -> None:
    runs = [
        sample(sample_service, DOCS / "receipt.txt", {"mode": "llm"})
        for _ in range(SAMPLE_CONCURRENCY + 1)
    ]
    results = await asyncio.gather(*runs)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * SAMPLE_CONCURRENCY + [429], results
    refused = next(body for status, body in results if status == 429)
    assert "try again" in refused["message"]
    assert slow_llm.calls == SAMPLE_CONCURRENCY
    assert (await sample(sample_service, DOCS / "receipt.txt", {"mode": "llm"}))[
        0
    ] == 200  # released


async def balance(svc: Service) -> int:
    return (await svc.http.get(f"/credits/{svc.org_id}")).json()["balance"]


async def test_a_sample_runs_on_a_worker_and_costs_one_credit(sample_service: Service) -> None:
    svc = sample_service
    start = await balance(svc)
    receipt = Path(__file__).parents[1] / "fixtures" / "extraction" / "receipt.png"  # OCR
    status, body = await sample(svc, receipt, {"mode": "local"})
    assert status == 200 and body["fields"]["total"], body
    assert await balance(svc) == start - 1
    status, body = await sample(svc, DOCS / "corrupt.pdf", {"mode": "local"})
    assert (
        status == 400
        and body["message"].startswith("CorruptFile:")
        and "refunded" in body["message"]
    )
    assert await balance(svc) == start - 1  # the failed sample was refunded
    query = f"WorkflowType='TemplateTestWorkflow' AND TaskQueue='{svc.settings.task_queue}'"

    async def listed() -> list[object]:
        return [w async for w in svc.temporal.list_workflows(query)]

    # visibility is eventually consistent
    ran = await eventually(
        listed, lambda found: len(found) >= 2, timeout=10, what="both sample runs"
    )
    assert len(ran) == 2  # both ran as workflows on the worker's task queue
    from sqlmodel import Session, select

    from core.db import get_engine
    from core.models import CreditEntry, Organization

    with Session(get_engine(svc.settings.sqlalchemy_url)) as session:
        reasons = sorted(
            e.reason
            for e in session.exec(
                select(CreditEntry).where(CreditEntry.reason.startswith("template_test"))
            ).all()
        )  # type: ignore[attr-defined]
        assert reasons == ["template_test", "template_test", "template_test_refund"]
        org = session.get(Organization, svc.org_id)
        assert org is not None
        org.credit_balance = 0
        session.add(org)
        session.commit()
    status, body = await sample(svc, DOCS / "receipt.txt", {"mode": "local"})
    assert (
        status == 402 and "costs 1 credit" in body["message"] and "balance is 0" in body["message"]
    )
