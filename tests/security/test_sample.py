"""The template test (a sample run inside the API process, not charged) is small and few at a
time: at most SAMPLE_MAX_PAGES pages, SAMPLE_CONCURRENCY runs at once, 429 beyond."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import Client

from api.web.template_test import SAMPLE_CONCURRENCY, SAMPLE_MAX_PAGES
from tests.harness import DOCS, Service, make_settings, running_service
from tests.security.conftest import SlowLLM
from tests.security.hostile_files import many_pages_pdf

SCHEMA = {"type": "object", "properties": {"total": {"type": "number", "description": "the total"}}}


@pytest.fixture
async def sample_service(
    tmp_path: Path, temporal_client: Client, slow_llm: SlowLLM
) -> AsyncIterator[Service]:
    settings = make_settings(tmp_path, llm_base_url=slow_llm.base_url, llm_model="m")
    async with running_service(settings, temporal_client, with_worker=False) as svc:
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
