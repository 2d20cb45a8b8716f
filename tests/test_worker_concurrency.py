"""Both cores busy from the first second: the worker's concurrency and the OCR engine's threads
follow the machine's cores unless set, and the OCR model loads before the worker takes work."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from temporalio.client import Client

from core.settings import Settings
from tests.harness import make_settings
from worker import build_worker

ROOT = Path(__file__).resolve().parent.parent


def _extraction_slots(client: Client, settings: Settings) -> int:
    with ThreadPoolExecutor(max_workers=16) as pool:
        group = build_worker(client, settings, pool)
        return group.workers[0].config()["max_concurrent_activities"]


async def test_concurrency_follows_the_cores_when_unset(
    tmp_path: Path, temporal_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DOCBATCH_WORKER_MAX_ACTIVITIES", raising=False)
    monkeypatch.delenv("DOCBATCH_OCR_THREADS", raising=False)
    settings = make_settings(tmp_path)
    assert _extraction_slots(temporal_client, settings) == os.cpu_count()
    assert settings.engine_threads == 1  # one core per extraction

    monkeypatch.setattr(os, "cpu_count", lambda: 6)  # a bigger machine, same code
    assert _extraction_slots(temporal_client, make_settings(tmp_path / "six")) == 6


async def test_settings_override_the_cores(
    tmp_path: Path, temporal_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    monkeypatch.setenv("DOCBATCH_WORKER_MAX_ACTIVITIES", "3")
    monkeypatch.delenv("DOCBATCH_OCR_THREADS", raising=False)
    from_env = Settings()
    assert from_env.worker_max_activities == 3
    assert from_env.engine_threads == 2  # 8 cores // 3 extractions
    assert _extraction_slots(temporal_client, make_settings(tmp_path, worker_max_activities=5)) == 5
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
