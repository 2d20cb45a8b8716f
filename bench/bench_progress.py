"""Live progress latency: from a file finishing (BatchFile.finished_at, written by the activity)
to its ``document_processed``/``document_failed`` event reaching a WebSocket client, for one
50-file batch and for 10 batches running at once, served by a real uvicorn server (own dev
server, API, in-process worker, temp data dir).

Each case runs twice in the same run: with the watchers' long-poll on the workflow's
``wait_progress`` update (now), and with query polls only (``ProgressHub(long_poll=False)``,
the behaviour before issue 13) as the baseline. Each batch has its own socket
(``?batchId=…&since=0``), opened right after its upload; files that finished before the socket's
first message are not counted (their events are replays, not live).

A last case isolates the watcher: stand-in activities finish one file every 150 ms with no
engine load, so what remains is the watcher's own delay (with real extraction, the worker's
workflow tasks wait for CPU and GIL next to the extraction threads and dominate).

As in ``docbatch run``, the worker is its own process (``worker.py``): sharing the API's
process and GIL with four extraction threads would measure the bench's arrangement instead of
the watcher (the figures in issue 13's table were taken that way, so they are higher)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, select
from temporalio import activity
from temporalio.worker import Worker
from websockets.asyncio.client import connect

from api.progress_hub import POLL_INTERVAL, ProgressHub
from core.db import get_engine
from core.models import BatchFile
from tests.harness import DOCS, FINAL, OWNER_TOKEN, live_api, make_settings, start_dev_server
from workflows.batch import BatchWorkflow
from workflows.contracts import (
    BatchOutcome,
    ExtractInput,
    ExtractOutput,
    FileFailure,
    RetryCharge,
    WebhookEvent,
)

FILES = 50
ROOT = Path(__file__).resolve().parents[1]


def make_files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    sources = [*sorted(DOCS.glob("invoice-*.pdf")), DOCS / "receipt.txt"]
    return [
        Path(shutil.copy(src, folder / f"doc-{i:02d}{src.suffix}"))
        for i, src in ((i, sources[i % len(sources)]) for i in range(FILES))
    ]


def utc(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def follow(live, paths: list[Path], name: str) -> tuple[str, datetime, dict[str, datetime]]:
    """Upload one batch, follow it on its own socket to its final status."""
    batch = await live.upload_ok(paths, name=name)
    arrivals: dict[str, datetime] = {}
    subscribed: datetime | None = None
    async with connect(live.ws_url(token=OWNER_TOKEN, batchId=batch["id"], since=0)) as ws:
        async for text in ws:
            now = datetime.now(UTC)
            subscribed = subscribed or now
            message = json.loads(text)
            data = message["data"]
            if message["event"] in ("document_processed", "document_failed"):
                arrivals.setdefault(data["fileId"], now)
            if message["event"] == "batch_progress_updated" and data["status"] in FINAL:
                break
    assert subscribed is not None
    return batch["id"], subscribed, arrivals


@contextlib.asynccontextmanager
async def worker_process(settings, address: str, **extra_env: str):  # type: ignore[no-untyped-def]
    """``worker.py`` in its own process with the API's settings (plus ``extra_env``); yields once it
    polls."""
    env = {
        **os.environ,
        **extra_env,
        "DOCBATCH_DATA_DIR": str(settings.data_dir),
        "DOCBATCH_TEMPORAL_ADDRESS": address,
        "DOCBATCH_TASK_QUEUE": settings.task_queue,
        "DOCBATCH_BOOTSTRAP_TOKEN": OWNER_TOKEN,
        "DOCBATCH_RETRY_WINDOW_SECONDS": str(settings.retry_window_seconds),
        "DOCBATCH_EXTRACTION_ATTEMPTS": str(settings.extraction_attempts),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "worker.py"),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    try:
        while b"worker ready" not in (line := await asyncio.wait_for(proc.stderr.readline(), 120)):
            assert line, "worker.py exited before it was ready"
        drain = asyncio.create_task(proc.stderr.read())  # keep its log pipe from filling up
        yield
    finally:
        if proc.returncode is None:
            proc.terminate()
            await proc.wait()
        with contextlib.suppress(Exception):
            drain.cancel()


async def measure(tmp: Path, client, batches: int, long_poll: bool) -> dict[str, float]:  # type: ignore[no-untyped-def]
    settings = make_settings(tmp / "data", retry_window_seconds=60)
    paths = make_files(tmp / "docs")
    async with (
        live_api(settings, client) as live,
        worker_process(settings, client.service_client.config.target_host),
    ):
        live.app.state.progress_hub = ProgressHub(
            settings, live.app.state.temporal, long_poll=long_poll
        )
        results = await asyncio.gather(
            *(follow(live, paths, f"bench progress {i}") for i in range(batches))
        )
        delays: list[float] = []
        with Session(get_engine(settings.sqlalchemy_url)) as session:
            for batch_id, subscribed, arrivals in results:
                for row in session.exec(select(BatchFile).where(BatchFile.batch_id == batch_id)):
                    assert row.id in arrivals, f"no document event for {row.id}"
                    if row.finished_at and utc(row.finished_at) > subscribed:
                        delays.append(
                            (arrivals[row.id] - utc(row.finished_at)).total_seconds() * 1000
                        )
        await live.app.state.progress_hub.close()
    assert delays, "every file finished before its socket subscribed"
    return {
        "median": statistics.median(delays),
        "p95": percentile(delays, 0.95),
        "max": max(delays),
        "n": len(delays),
        "files": batches * FILES,
    }


# --- the watcher alone: stand-in activities that finish one file every STEP seconds, no engine

STEP = 0.15
STANDIN_FINISHED: dict[str, datetime] = {}


@activity.defn(name="extract_document")
async def standin_extract(job: ExtractInput) -> ExtractOutput:
    await asyncio.sleep(STEP)
    STANDIN_FINISHED[job.file_id] = datetime.now(UTC)
    return ExtractOutput(file_id=job.file_id, fields_found=0, pages=1)


@activity.defn(name="record_file_failure")
async def standin_failure(job: FileFailure) -> None:
    return None


@activity.defn(name="charge_retry")
async def standin_charge(job: RetryCharge) -> bool:
    return True


@activity.defn(name="finalize_batch")
async def standin_finalize(outcome: BatchOutcome) -> None:
    return None


@activity.defn(name="publish_event")
async def standin_publish(event: WebhookEvent) -> int:
    return 0


@activity.defn(name="prepare_exports")
async def standin_prepare(batch_id: str) -> list[str]:
    return []  # the settled batch's exports: nothing to prepare without stored results


async def measure_watcher_only(tmp: Path, client, long_poll: bool) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Files finishing one by one with no extraction load: what the watcher itself adds."""
    settings = make_settings(tmp / "data", retry_window_seconds=60)
    paths = make_files(tmp / "docs")[:20]
    async with (
        live_api(settings, client) as live,
        Worker(
            client,
            task_queue=settings.task_queue,
            workflows=[BatchWorkflow],
            max_concurrent_activities=1,
            activities=[
                standin_extract,
                standin_failure,
                standin_charge,
                standin_finalize,
                standin_publish,
                standin_prepare,
            ],
        ),
    ):
        live.app.state.progress_hub = ProgressHub(
            settings, live.app.state.temporal, long_poll=long_poll
        )
        _, subscribed, arrivals = await follow(live, paths, "bench watcher")
        await live.app.state.progress_hub.close()
    delays = [
        (arrivals[f] - t).total_seconds() * 1000
        for f, t in STANDIN_FINISHED.items()
        if f in arrivals and t > subscribed
    ]
    STANDIN_FINISHED.clear()
    assert delays, "every file finished before the socket subscribed"
    return {
        "median": statistics.median(delays),
        "p95": percentile(delays, 0.95),
        "max": max(delays),
        "n": len(delays),
        "files": len(paths),
    }


async def run() -> None:
    env = await start_dev_server()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:  # warm-up (not counted): the first case ran cold
            await measure(Path(tmp), env.client, 1, True)
        for batches in (1, 10):
            for long_poll in (False, True):
                with tempfile.TemporaryDirectory() as tmp:
                    started = time.perf_counter()
                    figures = await measure(Path(tmp), env.client, batches, long_poll)
                    rows.append((batches, long_poll, figures, time.perf_counter() - started))
        alone = []
        for long_poll in (False, True):
            with tempfile.TemporaryDirectory() as tmp:
                started = time.perf_counter()
                alone.append(
                    (
                        long_poll,
                        await measure_watcher_only(Path(tmp), env.client, long_poll),
                        time.perf_counter() - started,
                    )
                )
    finally:
        await env.shutdown()
    print(
        f"file finished -> WebSocket event, {FILES} small PDFs/texts per batch, "
        "one socket per batch"
    )
    print(
        f"baseline = query polls every {POLL_INTERVAL * 1000:.0f} ms (before issue 13); "
        "now = long-poll update"
    )
    print(
        f"{'batches':>8} {'watcher':<10}{'median':>9}{'p95':>9}{'max':>9}{'counted':>12}{'run':>8}"
    )
    for batches, long_poll, f, elapsed in rows:
        print(
            f"{batches:>8} {'long-poll' if long_poll else 'baseline':<10}"
            f"{f['median']:>7.0f}ms{f['p95']:>7.0f}ms"
            f"{f['max']:>7.0f}ms{f['n']:>6.0f}/{f['files']:<5.0f}{elapsed:>7.1f}s"
        )
    print("target: p95 <= 250 ms at 1 and at 10 batches")
    print(
        f"\nthe watcher alone: 20 files finishing one every {STEP * 1000:.0f} ms "
        "from stand-in activities "
        "(no engine load), finish -> WebSocket event"
    )
    for long_poll, f, elapsed in alone:
        print(
            f"{1:>8} {'long-poll' if long_poll else 'baseline':<10}"
            f"{f['median']:>7.0f}ms{f['p95']:>7.0f}ms"
            f"{f['max']:>7.0f}ms{f['n']:>6.0f}/{f['files']:<5.0f}{elapsed:>7.1f}s"
        )


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
