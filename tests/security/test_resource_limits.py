"""A document over the extraction memory limit (RLIMIT_AS) or time limit fails alone with
ResourceLimit while another batch completes, and the worker process lives on: the same process
(same pid in Temporal's worker identity) serves the next batch.

The worker is ``worker.py`` in its own process, as deployed; the limits are lowered through its
settings so that small generated documents cross them (the defaults leave receipts, which peak at
about 1.3 GB of address space, room to spare: see core/settings.py)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from core.settings import Settings
from core.temporal import workflow_id
from tests.harness import DOCS, Service, make_settings, running_service
from tests.security.hostile_files import huge_image, many_scanned_pages_pdf

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def worker_process(settings: Settings, target: str, **env: str) -> Iterator[subprocess.Popen]:
    environ = {
        **os.environ,
        "DOCBATCH_DATA_DIR": str(settings.data_dir),
        "DOCBATCH_TEMPORAL_ADDRESS": target,
        "DOCBATCH_TASK_QUEUE": settings.task_queue,
        "DOCBATCH_DATABASE_URL": settings.database_url,
        "DOCBATCH_WORKER_MAX_ACTIVITIES": "2",
        **env,
    }
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "worker.py")],
        env=environ,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def extraction_identities(client: Client, batch_id: str) -> set[str]:
    history = await client.get_workflow_handle(workflow_id(batch_id)).fetch_history()
    return {
        e.activity_task_started_event_attributes.identity
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
    }


async def fails_alone(svc: Service, worker: subprocess.Popen, hostile_file: Path) -> dict:
    """Upload the hostile file beside a plain one, and a plain batch at the same time; both
    batches settle, the worker is alive, and the same worker process serves a next batch."""
    hostile = (await svc.upload([hostile_file, DOCS / "receipt.txt"], template="invoice")).json()
    plain = (await svc.upload([DOCS / "invoice-acme.pdf"], template="invoice")).json()
    done, other = await asyncio.gather(
        svc.wait_final(hostile["id"], timeout=300), svc.wait_final(plain["id"], timeout=300)
    )
    assert other["status"] == "completed", other
    by_name = {f["fileName"]: f for f in done["files"]}
    assert done["status"] == "partially_failed", done
    assert by_name["receipt.txt"]["status"] == "completed"
    failed = by_name[hostile_file.name]
    assert failed["status"] == "failed" and failed["errorCode"] == "ResourceLimit", failed
    assert failed["attempts"] == 1  # permanent: not retried

    assert worker.poll() is None, "the worker process died"
    following = (await svc.upload([DOCS / "invoice-globex.pdf"], template="invoice")).json()
    assert (await svc.wait_final(following["id"], timeout=120))["status"] == "completed"
    served_by = await extraction_identities(svc.temporal, following["id"])
    assert served_by and all(i.startswith(f"{worker.pid}@") for i in served_by), (
        worker.pid,
        served_by,
    )
    return failed


async def test_a_document_over_the_memory_limit_fails_alone(
    tmp_path: Path, temporal_client: Client
) -> None:
    settings = make_settings(tmp_path)
    image = huge_image(tmp_path / "huge.png")  # 70 megapixels: under the pixel cap, ~1.6 GB to read
    target = temporal_client.service_client.config.target_host
    async with running_service(settings, temporal_client, with_worker=False) as svc:
        # A worker whose children hold the OCR model may take 1000 MB: a text invoice needs about
        # 550 MB of address space there, this image about 1.6 GB.
        with worker_process(settings, target, DOCBATCH_EXTRACT_MEMORY_MB="1000") as worker:
            failed = await fails_alone(svc, worker, image)
    assert "more than the 1000 MB of memory" in failed["errorMessage"], failed


async def test_a_document_over_the_time_limit_fails_alone(
    tmp_path: Path, temporal_client: Client
) -> None:
    settings = make_settings(tmp_path)
    scans = many_scanned_pages_pdf(
        tmp_path / "scans.pdf", pages=40
    )  # 40 pages of OCR: well over 3 s
    target = temporal_client.service_client.config.target_host
    async with running_service(settings, temporal_client, with_worker=False) as svc:
        with worker_process(settings, target, DOCBATCH_EXTRACT_TIMEOUT_S="3") as worker:
            failed = await fails_alone(svc, worker, scans)
    assert "longer than the 3 s" in failed["errorMessage"], failed
