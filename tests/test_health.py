"""Liveness and readiness with the real pieces: stop Temporal, break storage, drop the database."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from core.db import get_engine
from core.settings import Settings
from tests.harness import (
    drop_postgres_database,
    eventually,
    fresh_postgres_database,
    make_settings,
    postgres_available,
    running_service,
    start_dev_server,
)
from tests.test_launcher import free_port

ROOT = Path(__file__).resolve().parent.parent


async def test_ready_names_temporal_when_the_dev_server_stops(tmp_path: Path) -> None:
    temporal = await start_dev_server()
    stopped = False
    try:
        settings = make_settings(tmp_path)
        async with running_service(settings, temporal.client, with_worker=False) as svc:
            ready = await svc.http.get("/health/ready")
            assert ready.status_code == 200, ready.text
            assert {k: v["ok"] for k, v in ready.json()["checks"].items()} == {
                "database": True,
                "temporal": True,
                "storage": True,
            }

            await temporal.shutdown()
            stopped = True
            ready = await svc.http.get("/health/ready")
            assert ready.status_code == 503
            body = ready.json()
            assert body["error"] == "Service Unavailable" and body["statusCode"] == 503
            assert body["message"].startswith("Not ready: temporal (")
            assert not body["checks"]["temporal"]["ok"] and body["checks"]["database"]["ok"]
            assert (await svc.http.get("/health")).status_code == 200  # alive all the same
    finally:
        if not stopped:
            await temporal.shutdown()


async def test_ready_names_storage_when_the_files_volume_is_gone(
    tmp_path: Path, temporal_client
) -> None:
    settings = make_settings(tmp_path)
    async with running_service(settings, temporal_client, with_worker=False) as svc:
        assert (await svc.http.get("/health/ready")).status_code == 200
        shutil.rmtree(settings.files_dir)
        settings.files_dir.write_text("not a directory")  # what a failed mount can leave
        ready = await svc.http.get("/health/ready")
        assert ready.status_code == 503
        assert ready.json()["message"].startswith("Not ready: storage (")
        assert ready.json()["checks"]["temporal"]["ok"]


async def test_ready_names_the_database_when_it_is_gone(tmp_path: Path, temporal_client) -> None:
    """On PostgreSQL (an SQLite file cannot become unreachable while its directory exists)."""
    if reason := postgres_available():
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432 ({reason})")
    database_url = fresh_postgres_database()
    try:
        settings = make_settings(tmp_path, database_url)
        async with running_service(settings, temporal_client, with_worker=False) as svc:
            assert (await svc.http.get("/health/ready")).status_code == 200
            drop_postgres_database(database_url)
            ready = await svc.http.get("/health/ready")
            assert ready.status_code == 503
            assert ready.json()["message"].startswith("Not ready: database (")
            assert ready.json()["checks"]["temporal"]["ok"]
    finally:
        get_engine(Settings(database_url=database_url).sqlalchemy_url).dispose()
        drop_postgres_database(database_url)


async def test_the_worker_serves_the_same_readiness_on_its_health_port(tmp_path: Path) -> None:
    temporal = await start_dev_server()
    stopped = False
    settings = make_settings(tmp_path)
    port = free_port()
    env = {
        **os.environ,
        "DOCBATCH_DATA_DIR": str(tmp_path),
        "DOCBATCH_WORKER_HEALTH_PORT": str(port),
        "DOCBATCH_TEMPORAL_ADDRESS": temporal.client.service_client.config.target_host,
        "DOCBATCH_TASK_QUEUE": settings.task_queue,
    }
    worker = subprocess.Popen([sys.executable, "worker.py"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:

            async def answered() -> httpx.Response:
                assert worker.poll() is None, "the worker exited"
                return await http.get("/health/ready")

            ready = await eventually(
                answered,
                lambda r: True,
                timeout=60,
                interval=0.1,
                ignore=(httpx.TransportError,),
                what="the worker's health port",
            )
            assert ready.status_code == 200, ready.text
            assert set(ready.json()["checks"]) == {"database", "temporal", "storage"}
            assert (await http.get("/health")).json() == {"status": "ok"}

            await temporal.shutdown()
            stopped = True
            ready = await http.get("/health/ready")
            assert ready.status_code == 503
            assert ready.json()["message"].startswith("Not ready: temporal (")
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        finally:
            if worker.poll() is None:
                worker.kill()
        if not stopped:
            await temporal.shutdown()
