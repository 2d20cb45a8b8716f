"""Both cores busy from the first second: the worker's concurrency and the OCR engine's threads
follow the machine's cores unless set, the OCR model loads before the worker takes work, and
the worker holds one file ahead of its extraction processes so none waits between files."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from core.settings import Settings
from core.temporal import workflow_id
from tests.harness import DOCS, live_service, make_settings
from worker import build_worker

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "extraction"


def _activity_slots(client: Client, settings: Settings) -> int:
    with ThreadPoolExecutor(max_workers=16) as pool:
        group = build_worker(client, settings, pool)
        return group.workers[0].config()["max_concurrent_activities"]


async def test_concurrency_follows_the_cores_when_unset(
    tmp_path: Path, temporal_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DOCBATCH_WORKER_MAX_ACTIVITIES", raising=False)
    monkeypatch.delenv("DOCBATCH_WORKER_PREFETCH", raising=False)
    monkeypatch.delenv("DOCBATCH_OCR_THREADS", raising=False)
    settings = make_settings(tmp_path)
    assert settings.worker_max_activities == os.cpu_count()  # extraction processes
    assert _activity_slots(temporal_client, settings) == os.cpu_count() + 1  # one file ahead
    assert settings.engine_threads == 1  # one core per extraction

    monkeypatch.setattr(os, "cpu_count", lambda: 6)  # a bigger machine, same code
    assert _activity_slots(temporal_client, make_settings(tmp_path / "six")) == 7


async def test_settings_override_the_cores(
    tmp_path: Path, temporal_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    monkeypatch.delenv("DOCBATCH_WORKER_PREFETCH", raising=False)
    monkeypatch.setenv("DOCBATCH_WORKER_MAX_ACTIVITIES", "3")
    monkeypatch.delenv("DOCBATCH_OCR_THREADS", raising=False)
    from_env = Settings()
    assert from_env.worker_max_activities == 3
    assert from_env.engine_threads == 2  # 8 cores // 3 extractions
    assert _activity_slots(temporal_client, make_settings(tmp_path, worker_max_activities=5)) == 6
    no_prefetch = make_settings(tmp_path / "none", worker_max_activities=5, worker_prefetch=0)
    assert _activity_slots(temporal_client, no_prefetch) == 5
    monkeypatch.setenv("DOCBATCH_OCR_THREADS", "4")
    assert Settings().engine_threads == 4


async def test_the_worker_loads_the_ocr_model_before_it_takes_work(
    tmp_path: Path, temporal_client: Client
) -> None:
    settings = make_settings(tmp_path)
    env = {
        **os.environ,
        "DOCBATCH_DATA_DIR": str(tmp_path),
        "DOCBATCH_LOG_FORMAT": "text",
        "DOCBATCH_TEMPORAL_ADDRESS": temporal_client.service_client.config.target_host,
        "DOCBATCH_TASK_QUEUE": settings.task_queue,
    }
    env.pop("DOCBATCH_OCR_THREADS", None)
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "worker.py",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    lines: list[str] = []
    try:
        assert worker.stderr is not None
        while line := (
            await asyncio.wait_for(worker.stderr.readline(), 300)
        ).decode():  # hang guard only
            lines.append(line)
            if "worker ready" in line:
                break
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(worker.wait(), 60)
        finally:
            if worker.returncode is None:
                worker.kill()
    text = "".join(lines)
    assert "worker ready" in text, text
    loaded = next(i for i, line in enumerate(lines) if "OCR engine loaded" in line)
    ready = next(i for i, line in enumerate(lines) if "worker ready" in line)
    assert loaded < ready
    assert f"{os.cpu_count()} concurrent extraction(s)" in lines[loaded]


async def extraction_runs(client: Client, batch_id: str) -> list[tuple[float, float]]:
    """(start, end) of each extract_document activity, in server time."""
    history = await client.get_workflow_handle(workflow_id(batch_id)).fetch_history()
    extractions: set[int] = set()
    starts: dict[int, float] = {}
    runs: list[tuple[float, float]] = []
    for e in history.events:
        at = e.event_time.ToMicroseconds() / 1e6
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            if e.activity_task_scheduled_event_attributes.activity_type.name == "extract_document":
                extractions.add(e.event_id)
        elif e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            starts[e.activity_task_started_event_attributes.scheduled_event_id] = at
        elif e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            scheduled = e.activity_task_completed_event_attributes.scheduled_event_id
            if scheduled in starts and scheduled in extractions:
                runs.append((starts[scheduled], at))
    return sorted(runs)


def overlapping(runs: list[tuple[float, float]]) -> int:
    """How many runs started before the previous one ended."""
    return sum(1 for (_, end), (start, _) in pairwise(runs) if start < end)


@pytest.mark.parametrize("prefetch", [1, 0])
async def test_one_extraction_process_with_a_file_held_ahead(
    tmp_path: Path, temporal_client: Client, prefetch: int
) -> None:
    # one extraction process; with a prefetch the next file's activity is already running (waiting
    # for the process) while the process reads the current one, so the process goes straight on
    settings = make_settings(tmp_path, worker_max_activities=1, worker_prefetch=prefetch)
    files = [FIXTURES / "receipt.png", DOCS / "receipt.txt", DOCS / "invoice-acme.pdf"]
    async with live_service(settings, temporal_client) as live:
        batch = await live.upload_ok(files, template="receipt")
        final = await live.wait_final(batch["id"])
        assert (final["status"], final["completedFiles"]) == ("completed", 3)
        runs = await extraction_runs(temporal_client, batch["id"])
        durations = [f["durationMs"] for f in final["files"]]
    assert len(runs) == 3
    if prefetch:
        assert overlapping(runs) >= 1, runs
    else:
        assert overlapping(runs) == 0, runs  # one slot: the files run one after another
    # the stored duration is the reading's own, not its wait for the process: one process reads
    # one file at a time, so the readings fit end to end in the batch's span
    whole_ms = (runs[-1][1] - runs[0][0]) * 1000
    assert all(d is not None for d in durations)
    assert sum(durations) <= whole_ms, (durations, whole_ms)
