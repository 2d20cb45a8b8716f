"""Retries and cancel end to end: API, Temporal CLI, database rows, credits, WebSocket events.

Files are "repaired" between the failure and the retry by writing a good document over the
stored bytes, which is what a retry is for (a transient problem that went away).
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from sqlmodel import Session, select
from temporalio.client import Client

from core.db import get_engine
from core.models import BatchFile, CreditEntry
from core.storage import LocalStorage
from core.temporal import workflow_id
from tests.harness import (
    DOCS,
    FINAL,
    OWNER_TOKEN,
    Service,
    eventually,
    live_service,
    make_settings,
    temporal_binary,
)
from tests.webhook_receiver import Receiver
from tests.ws_recorder import Recorder, is_final, recording

GOOD = DOCS / "invoice-globex.pdf"


@pytest.fixture
async def live(tmp_path: Path, temporal_client: Client):
    settings = make_settings(tmp_path, worker_max_activities=2, webhook_allow_private=True)
    async with live_service(settings, temporal_client) as svc:
        yield svc


def repair(live: Service, file_id: str) -> None:
    """Put a good document where the failed one is stored."""
    with Session(get_engine(live.settings.sqlalchemy_url)) as session:
        row = session.get(BatchFile, file_id)
        assert row is not None
        shutil.copy(GOOD, LocalStorage(live.settings.files_dir).path(row.storage_key))


def rows(live: Service, batch_id: str) -> list[BatchFile]:
    with Session(get_engine(live.settings.sqlalchemy_url)) as session:
        return list(
            session.exec(
                select(BatchFile).where(BatchFile.batch_id == batch_id).order_by(BatchFile.position)
            ).all()
        )


def ledger(live: Service, batch_id: str) -> list[CreditEntry]:
    with Session(get_engine(live.settings.sqlalchemy_url)) as session:
        return list(
            session.exec(
                select(CreditEntry).where(CreditEntry.batch_id == batch_id).order_by(CreditEntry.id)
            ).all()
        )


async def balance(live: Service) -> int:
    return (await live.http.get(f"/credits/{live.org_id}")).json()["balance"]


@pytest.fixture
async def sink(live: Service) -> AsyncIterator[Receiver]:
    """A webhook receiver subscribed to batch.completed."""
    receiver = Receiver()
    await receiver.start()
    try:
        resp = await live.http.post(
            f"/webhooks/{live.org_id}",
            json={"name": "tests", "url": receiver.url, "events": ["batch.completed"]},
        )
        assert resp.status_code == 201, resp.text
        yield receiver
    finally:
        await receiver.stop()


async def completed_events(sink: Receiver, batch_id: str, count: int) -> list[dict]:
    """The first ``count`` batch.completed payloads of the batch, in the order they fired."""

    def found() -> list[dict]:
        return [
            b["payload"]
            for b in sink.events(None)
            if b["eventType"] == "batch.completed" and b["payload"]["batchId"] == batch_id
        ]

    return await eventually(
        found,
        lambda f: len(f) >= count,
        timeout=60,
        what=f"{count} batch.completed events of {batch_id}",
    )


async def settled_again(rec: Recorder, batch_id: str, after: int) -> list[dict]:
    """Messages after index ``after`` up to the next final status."""
    await rec.wait_for(
        lambda r: (
            len(r.of(batch_id)) > after + 1
            and is_final(r.of(batch_id)[after:])
            and any(m["data"].get("status") == "processing" for m in r.of(batch_id)[after:])
        )
    )
    return rec.of(batch_id)[after:]


async def test_api_retry_of_a_failed_file_recomputes_the_batch(
    live: Service, sink: Receiver
) -> None:
    batch = await live.upload_ok([DOCS / "invoice-acme.pdf", DOCS / "corrupt.pdf"])
    async with recording(live.ws_url(batchId=batch["id"], since=0, token=OWNER_TOKEN)) as rec:
        first = await rec.wait_final(batch["id"])
        assert first[-1]["data"]["status"] == "partially_failed"
        bad = next(m["data"] for m in first if m["event"] == "document_failed")
        repair(live, bad["fileId"])
        before = await balance(live)
        resp = await live.http.post(
            f"/batch/{live.org_id}/{batch['id']}/files/{bad['fileId']}/retry"
        )
        assert resp.status_code == 202, resp.text
        again = await settled_again(rec, batch["id"], len(first))

    assert (
        again[0]["event"] == "batch_progress_updated" and again[0]["data"]["status"] == "processing"
    )
    assert (again[0]["data"]["completedFiles"], again[0]["data"]["failedFiles"]) == (1, 0)
    assert [m["event"] for m in again if m["event"].startswith("document_")] == [
        "document_processed"
    ]
    assert again[-1]["data"] == {
        "batchId": batch["id"],
        "totalFiles": 2,
        "completedFiles": 2,
        "failedFiles": 0,
        "progress": 100,
        "status": "completed",
    }
    detail = (await live.http.get(f"/batch/{live.org_id}/{batch['id']}")).json()
    assert (
        detail["status"],
        detail["completedFiles"],
        detail["failedFiles"],
        detail["progress"],
    ) == ("completed", 2, 0, 100)
    retried = next(f for f in detail["files"] if f["id"] == bad["fileId"])
    assert (
        retried["status"] == "completed"
        and retried["errorCode"] is None
        and retried["attempts"] == 2
    )
    assert await balance(live) == before - 1
    assert [e.reason for e in ledger(live, batch["id"]) if e.file_id == bad["fileId"]] == [
        "file_refund",
        "retry_charge",
    ]
    outcomes = await completed_events(sink, batch["id"], 2)
    assert sorted((o["status"], o["completedFiles"], o["failedFiles"]) for o in outcomes) == [
        ("completed", 2, 0),
        ("partially_failed", 1, 1),
    ]


async def test_retry_signal_from_the_temporal_cli(
    live: Service, temporal_client: Client, sink: Receiver
) -> None:
    batch = await live.upload_ok([DOCS / "invoice-acme.pdf", DOCS / "corrupt.pdf"])
    async with recording(live.ws_url(batchId=batch["id"], since=0, token=OWNER_TOKEN)) as rec:
        first = await rec.wait_final(batch["id"])
        bad = next(m["data"] for m in first if m["event"] == "document_failed")
        # Not repaired: the file fails again, and the retry's credit is refunded again.
        proc = await asyncio.create_subprocess_exec(
            temporal_binary(),
            "workflow",
            "signal",
            "--address",
            temporal_client.service_client.config.target_host,
            "--namespace",
            temporal_client.namespace,
            "--workflow-id",
            workflow_id(batch["id"]),
            "--name",
            "retry_file",
            "--input",
            f'"{bad["fileId"]}"',
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await proc.communicate()
        assert proc.returncode == 0, out.decode()
        again = await settled_again(rec, batch["id"], len(first))

    assert [m["event"] for m in again if m["event"].startswith("document_")] == ["document_failed"]
    failed_again = next(m["data"] for m in again if m["event"] == "document_failed")
    assert failed_again["fileId"] == bad["fileId"] and failed_again["errorCode"] == "CorruptFile"
    assert again[-1]["data"]["status"] == "partially_failed"
    row = next(r for r in rows(live, batch["id"]) if r.id == bad["fileId"])
    assert (row.status, row.error_code, row.attempts) == ("failed", "CorruptFile", 2)
    assert [e.reason for e in ledger(live, batch["id"]) if e.file_id == bad["fileId"]] == [
        "file_refund",
        "retry_charge",
        "file_refund",
    ]
    outcomes = await completed_events(sink, batch["id"], 2)
    assert [o["status"] for o in outcomes] == ["partially_failed", "partially_failed"]


async def test_retry_all_failed_files_in_one_call(live: Service, tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    shutil.copy(DOCS / "corrupt.pdf", broken)
    batch = await live.upload_ok([DOCS / "invoice-acme.pdf", DOCS / "corrupt.pdf", broken])
    async with recording(live.ws_url(batchId=batch["id"], since=0, token=OWNER_TOKEN)) as rec:
        first = await rec.wait_final(batch["id"])
        assert (
            first[-1]["data"]["status"] == "partially_failed"
            and first[-1]["data"]["failedFiles"] == 2
        )
        failed_ids = {m["data"]["fileId"] for m in first if m["event"] == "document_failed"}
        for file_id in failed_ids:
            repair(live, file_id)
        before = await balance(live)
        resp = await live.http.post(f"/batch/{live.org_id}/{batch['id']}/retry")
        assert resp.status_code == 202, resp.text
        assert set(resp.json()["fileIds"]) == failed_ids
        again = await settled_again(rec, batch["id"], len(first))
        none_left = await live.http.post(f"/batch/{live.org_id}/{batch['id']}/retry")

    processed = {m["data"]["fileId"] for m in again if m["event"] == "document_processed"}
    assert processed == failed_ids
    assert again[-1]["data"]["status"] == "completed" and again[-1]["data"]["completedFiles"] == 3
    assert all(r.status == "completed" for r in rows(live, batch["id"]))
    assert await balance(live) == before - 2
    assert none_left.status_code == 409 and "no failed files" in none_left.json()["message"]


def scanned_pdf(path: Path, label: str, pages: int = 3) -> Path:
    """An image-only PDF: real OCR work, a second or more per page, a heartbeat after each page."""
    images = []
    for page in range(pages):
        image = Image.new("RGB", (600, 800), "white")
        draw = ImageDraw.Draw(image)
        font = ImageFont.load_default(size=24)
        for i in range(3):
            draw.text(
                (20, 20 + i * 48),
                f"Invoice {label}-{page}{i} Total 1{i}4.50 EUR",
                fill="black",
                font=font,
            )
        images.append(image)
    images[0].save(path, resolution=100, save_all=True, append_images=images[1:])
    return path


async def second_file_running(live: Service, batch_id: str) -> None:
    """Wait until one file is done and another one has started (so it is mid-way)."""

    def started(states: list[str]) -> bool:
        return states.count("completed") >= 1 and "processing" in states

    await eventually(
        lambda: [r.status for r in rows(live, batch_id)],
        started,
        timeout=150,
        interval=0.05,
        what="a second file to start",
    )


async def test_cancel_stops_the_batch_and_refunds_unprocessed_files(
    tmp_path: Path, temporal_client: Client
) -> None:
    # one file at a time, none held ahead: every file but the running one is still queued
    settings = make_settings(tmp_path, worker_max_activities=1, worker_prefetch=0)
    files = [scanned_pdf(tmp_path / f"scan-{i:02d}.pdf", f"S{i}") for i in range(6)]
    async with live_service(settings, temporal_client) as live:
        before = await balance(live)
        batch = await live.upload_ok(files, name="to cancel")
        async with recording(live.ws_url(batchId=batch["id"], since=0, token=OWNER_TOKEN)) as rec:
            await second_file_running(live, batch["id"])
            resp = await live.http.post(f"/batch/{live.org_id}/{batch['id']}/cancel")
            assert resp.status_code == 202, resp.text
            messages = await rec.wait_final(batch["id"])
        detail = await live.wait_final(batch["id"])
        refused = await live.http.post(f"/batch/{live.org_id}/{batch['id']}/cancel")
        after = await balance(live)
        file_rows = rows(live, batch["id"])
        entries = ledger(live, batch["id"])

    final = messages[-1]["data"]
    assert final["status"] in FINAL and final.get("cancelled") is True
    cancelled = [m["data"] for m in messages if m["event"] == "document_failed"]
    done = [m["data"] for m in messages if m["event"] == "document_processed"]
    assert cancelled and all(c["errorCode"] == "Cancelled" for c in cancelled)
    assert len(cancelled) + len(done) == 6 and final["failedFiles"] == len(cancelled)
    assert len(cancelled) >= 4  # one worker slot: most files were still queued

    # The database agrees with the workflow, file by file and in the batch's counters.
    by_id = {r.id: r for r in file_rows}
    for c in cancelled:
        row = by_id[c["fileId"]]
        assert (row.status, row.error_code) == ("failed", "Cancelled"), (row.file_name, row.status)
    assert (detail["completedFiles"], detail["failedFiles"]) == (len(done), len(cancelled))
    assert detail["status"] == final["status"]
    # Queued files never started; at most the one that was running had (it may also have
    # finished just before the cancel reached it, and then it counts as processed).
    assert sum(by_id[c["fileId"]].started_at is not None for c in cancelled) <= 1
    assert all(by_id[c["fileId"]].result is None for c in cancelled), (
        "a cancelled file ran to the end: the running activity did not stop at its heartbeat"
    )
    # Every cancelled file refunded once; only processed files cost a credit.
    refunds = [e.file_id for e in entries if e.reason == "file_refund"]
    assert sorted(refunds) == sorted(c["fileId"] for c in cancelled)
    assert after == before - len(done)
    assert refused.status_code == 409


async def test_org_socket_picks_up_a_batch_reopened_by_a_retry(live: Service) -> None:
    async with recording(live.ws_url(token=OWNER_TOKEN)) as rec:
        batch = await live.upload_ok([DOCS / "invoice-acme.pdf", DOCS / "corrupt.pdf"])
        first = await rec.wait_final(batch["id"])
        hub = live.app.state.progress_hub
        # the org socket lets go of a finished batch: nobody polls it any more
        await eventually(
            lambda: batch["id"] not in hub.watchers,
            timeout=10,
            interval=0.05,
            what="the finished batch's watcher to stop",
        )
        assert batch["id"] not in hub.watchers
        bad = next(m["data"] for m in first if m["event"] == "document_failed")
        repair(live, bad["fileId"])
        resp = await live.http.post(
            f"/batch/{live.org_id}/{batch['id']}/files/{bad['fileId']}/retry"
        )
        assert resp.status_code == 202, resp.text
        again = await settled_again(rec, batch["id"], len(first))

    # Picked up where it left off: no repeat of the first run, the retry's events in order.
    assert [m["event"] for m in again] == [
        "batch_progress_updated",
        "document_processed",
        "batch_progress_updated",
        "batch_progress_updated",
    ]
    assert [m["data"]["status"] for m in again if m["event"] == "batch_progress_updated"] == [
        "processing",
        "processing",
        "completed",
    ]
    assert again[-1]["data"]["completedFiles"] == 2
