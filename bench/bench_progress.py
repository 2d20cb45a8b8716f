"""Live progress latency: from a file finishing (BatchFile.finished_at, written by the activity)
to its ``document_processed``/``document_failed`` event reaching a WebSocket client, over a
50-file batch served by a real uvicorn server (own dev server, API, worker, temp data dir)."""

from __future__ import annotations

import asyncio
import json
import shutil
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlmodel import Session, select
from websockets.asyncio.client import connect

from api.progress_hub import POLL_INTERVAL
from core.db import get_engine
from core.models import BatchFile
from tests.harness import DOCS, OWNER_TOKEN, make_settings, start_dev_server
from tests.test_ws_server import live_service

FILES = 50


def make_files(folder: Path) -> list[Path]:
    sources = [*sorted(DOCS.glob("invoice-*.pdf")), DOCS / "receipt.txt"]
    return [Path(shutil.copy(src, folder / f"doc-{i:02d}{src.suffix}"))
            for i, src in ((i, sources[i % len(sources)]) for i in range(FILES))]


def utc(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def measure(tmp: Path, client) -> dict[str, float]:  # type: ignore[no-untyped-def]
    settings = make_settings(tmp / "data", retry_window_seconds=60)
    docs = tmp / "docs"
    docs.mkdir()
    paths = make_files(docs)
    async with live_service(settings, client) as live:
        arrivals: dict[str, datetime] = {}
        async with connect(live.ws_url(token=OWNER_TOKEN)) as ws:  # follows every new batch from its start
            batch = await live.upload(paths, name="bench progress")
            async for text in ws:
                message = json.loads(text)
                data = message["data"]
                if data.get("batchId") != batch["id"]:
                    continue
                if message["event"] in ("document_processed", "document_failed"):
                    arrivals.setdefault(data["fileId"], datetime.now(timezone.utc))
                if message["event"] == "batch_progress_updated" and data["status"] in (
                        "completed", "partially_failed", "failed"):
                    break
        with Session(get_engine(settings.sqlalchemy_url)) as session:
            finished = {r.id: utc(r.finished_at) for r in session.exec(
                select(BatchFile).where(BatchFile.batch_id == batch["id"])) if r.finished_at}
    assert len(arrivals) == FILES, f"{len(arrivals)} document events for {FILES} files"
    delays = [(arrivals[f] - finished[f]).total_seconds() * 1000 for f in finished]
    return {"median": statistics.median(delays), "p95": percentile(delays, 0.95),
            "min": min(delays), "max": max(delays), "n": len(delays)}


async def run() -> None:
    env = await start_dev_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            figures = await measure(Path(tmp), env.client)
            elapsed = time.perf_counter() - started
    finally:
        await env.shutdown()
    print(f"files                        {figures['n']:.0f} (small PDFs and text), one batch, "
          f"watcher poll every {POLL_INTERVAL * 1000:.0f} ms")
    print(f"file finished -> WS event    median {figures['median']:.0f} ms, p95 {figures['p95']:.0f} ms "
          f"(min {figures['min']:.0f}, max {figures['max']:.0f})")
    print(f"whole run                    {elapsed:.1f} s")


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
