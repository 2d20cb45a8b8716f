"""Live progress over /ws/{orgId}: a real uvicorn server, dev server, worker and documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlmodel import Session
from temporalio.client import Client
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from core.db import get_engine
from core.ids import new_id
from core.models import Organization
from core.tokens import create_token
from tests.harness import (
    DOCS,
    OWNER_TOKEN,
    Service,
    eventually,
    live_api,
    live_service,
    make_settings,
)
from tests.ws_recorder import assert_whole_batch, progress_counts, recording

INVOICES = [DOCS / "invoice-acme.pdf", DOCS / "invoice-globex.pdf", DOCS / "invoice-umbrella.pdf"]


def six_files(tmp: Path) -> list[Path]:
    extra = tmp / "invoice-acme-copy.pdf"
    shutil.copy(INVOICES[0], extra)
    return [*INVOICES, DOCS / "receipt.txt", extra, DOCS / "corrupt.pdf"]


def make_token(
    live: Service,
    *,
    org_id: str | None = None,
    permissions: list[str] | None = None,
    project_id: str | None = None,
) -> str:
    with Session(get_engine(live.settings.sqlalchemy_url)) as session:
        if org_id is None:
            org_id = live.org_id
        elif session.get(Organization, org_id) is None:
            session.add(Organization(id=org_id, name="Other organization"))
            session.flush()
        _, value = create_token(
            session,
            org_id,
            name="test",
            project_id=project_id,
            permissions=permissions if permissions is not None else ["read"],
        )
        session.commit()
    return value


async def close_code(url: str, **kwargs: object) -> tuple[int, list[str]]:
    """Connect, read until the server closes; the close code and the messages before it."""
    texts: list[str] = []
    async with connect(url, **kwargs) as ws:
        with pytest.raises(ConnectionClosed) as info:
            while True:
                texts.append(str(await ws.recv()))
    assert info.value.rcvd is not None
    return info.value.rcvd.code, texts


@pytest.fixture
async def live(tmp_path: Path, temporal_client: Client):
    async with live_service(
        make_settings(tmp_path, worker_max_activities=2), temporal_client
    ) as svc:
        yield svc


@pytest.fixture
async def live_any_db(tmp_path: Path, temporal_client: Client, database_url: str):
    settings = make_settings(tmp_path, database_url, worker_max_activities=2)
    async with live_service(settings, temporal_client) as svc:
        yield svc


async def watchers_gone(live: Service) -> None:
    """Once every socket is closed, the hub stops polling (no watcher left behind)."""
    hub = live.app.state.progress_hub
    await eventually(
        lambda: (list(hub.watchers), list(hub.org_watchers)),
        lambda w: w == ([], []),
        timeout=10,
        interval=0.05,
        what="every watcher to stop (batch, org)",
    )


async def test_a_socket_sees_the_whole_batch_in_order(live_any_db: Service, tmp_path: Path) -> None:
    live = live_any_db
    async with recording(live.ws_url(token=OWNER_TOKEN)) as org_socket:
        batch = await live.upload_ok(six_files(tmp_path), name="WS batch")
        # A second socket joins once the first file is done: it starts from the current state.
        await org_socket.wait_for(
            lambda r: any(m["event"].startswith("document_") for m in r.of(batch["id"]))
        )
        async with recording(
            live.ws_url(batchId=batch["id"]),
            additional_headers={"Authorization": f"Bearer {OWNER_TOKEN}"},
        ) as late:
            seen_before = progress_counts(org_socket.of(batch["id"]))[-1]
            messages = await org_socket.wait_final(batch["id"])
            late_messages = await late.wait_final(batch["id"])

    assert_whole_batch(messages, 6, {"corrupt.pdf"})
    first = messages[0]["data"]
    # "uploading" when the org scan found the batch before its workflow had started
    assert first["status"] in ("uploading", "processing")
    assert first == {
        "batchId": batch["id"],
        "totalFiles": 6,
        "completedFiles": 0,
        "failedFiles": 0,
        "progress": 0,
        "status": first["status"],
    }
    assert messages[-1]["data"] == {
        "batchId": batch["id"],
        "totalFiles": 6,
        "completedFiles": 5,
        "failedFiles": 1,
        "progress": 100,
        "status": "partially_failed",
    }
    failed = next(m for m in messages if m["event"] == "document_failed")["data"]
    assert failed["errorCode"] == "CorruptFile" and failed["status"] == "failed"

    # The late socket: the state at subscribe time first, then only what came after, same ending.
    assert late_messages[0]["event"] == "batch_progress_updated"
    late_counts = progress_counts(late_messages)
    assert late_counts[0] >= seen_before and late_counts == sorted(late_counts)
    assert late_messages[-1] == messages[-1]
    tail = messages[len(messages) - len(late_messages) + 1 :]
    assert late_messages[1:] == tail  # exactly the org socket's messages after that point

    # A reloaded page after the end: the final state at once; since=0 replays the whole batch.
    async with recording(live.ws_url(batchId=batch["id"], token=OWNER_TOKEN)) as reloaded:
        await reloaded.wait_for(lambda r: len(r.messages) >= 1)
        async with recording(
            live.ws_url(batchId=batch["id"], token=OWNER_TOKEN, since=0)
        ) as replay:
            replayed = await replay.wait_final(batch["id"])
    assert reloaded.messages[0] == messages[-1]
    # either may open with the database's "uploading" snapshot of a batch whose workflow had not
    # started yet (a race under load, seen both ways); from the workflow's first event on they agree
    assert without_uploading_snapshot(replayed) == without_uploading_snapshot(messages)

    final = await live.wait_final(batch["id"])
    assert (final["completedFiles"], final["failedFiles"]) == (5, 1)
    await watchers_gone(live)


async def test_refusals_have_clear_close_codes(live: Service) -> None:
    batch = await live.upload_ok([DOCS / "receipt.txt"], template="receipt")
    code, texts = await close_code(live.ws_url(token="dbt_not_a_token"))
    assert code == 4401 and "unknown" in texts[0]
    code, _ = await close_code(live.ws_url())
    assert code == 4401
    other = make_token(live, org_id=new_id("org"))
    code, texts = await close_code(live.ws_url(token=other))
    assert code == 4404 and live.org_id in texts[0]
    code, _ = await close_code(live.ws_url(token=other, batchId=batch["id"]))
    assert code == 4404
    code, _ = await close_code(live.ws_url(live.org_id, token=OWNER_TOKEN, batchId="batch_nope"))
    assert code == 4404
    no_read = make_token(live, permissions=[])
    code, texts = await close_code(live.ws_url(token=no_read))
    assert code == 4403 and "read" in texts[0]

    # subscribe/unsubscribe/ping on an open socket; unknown batches answer an error, not a close
    async with recording(live.ws_url(token=OWNER_TOKEN)) as rec:
        await rec.ws.send('{"action": "ping"}')
        await rec.ws.send('{"action": "subscribe", "batchId": "batch_nope"}')
        await rec.ws.send(f'{{"action": "subscribe", "batchId": "{batch["id"]}"}}')
        await rec.wait_for(lambda r: len(r.of(batch["id"])) >= 1 and len(r.messages) >= 3)
        events = [m["event"] for m in rec.messages]
        assert "pong" in events
        assert any(
            m["event"] == "error" and m["data"].get("batchId") == "batch_nope" for m in rec.messages
        )
        await live.wait_final(batch["id"])
        await rec.wait_final(batch["id"])


async def test_project_token_sees_only_its_project(live: Service) -> None:
    other_project = (
        await live.http.post(f"/projects/{live.org_id}", json={"name": "Other"})
    ).json()["id"]
    scoped = make_token(live, project_id=other_project)
    async with recording(live.ws_url(token=scoped)) as rec:
        hidden = await live.upload_ok([DOCS / "receipt.txt"], template="receipt")
        shown = await live.upload_ok(
            [DOCS / "receipt.txt"], template="receipt", project_id=other_project
        )
        await rec.wait_final(shown["id"])
        await live.wait_final(hidden["id"])
        code, _ = await close_code(live.ws_url(token=scoped, batchId=hidden["id"]))
    assert code == 4404
    assert rec.of(hidden["id"]) == []
    assert_whole_batch(rec.of(shown["id"]), 1, set())


async def test_two_api_processes_each_serve_their_sockets(
    tmp_path: Path, temporal_client: Client
) -> None:
    settings = make_settings(tmp_path, worker_max_activities=2)
    async with (
        live_service(settings, temporal_client) as first,
        live_api(settings, temporal_client) as second,
    ):
        async with (
            recording(first.ws_url(token=OWNER_TOKEN)) as a,
            recording(second.ws_url(token=OWNER_TOKEN)) as b,
        ):
            batch = await second.upload_ok(six_files(tmp_path))
            on_a = await a.wait_final(batch["id"])
            on_b = await b.wait_final(batch["id"])
        await watchers_gone(first)
        await watchers_gone(second)
    assert_whole_batch(on_a, 6, {"corrupt.pdf"})
    # a socket whose org scan found the batch before its workflow started opens with the database's
    # "uploading" snapshot; from the workflow's first event on, both sockets see the same messages
    assert without_uploading_snapshot(on_a) == without_uploading_snapshot(on_b)


def without_uploading_snapshot(messages: list[dict]) -> list[dict]:
    first = messages[0] if messages else None
    if (
        first
        and first["event"] == "batch_progress_updated"
        and first["data"]["status"] == "uploading"
    ):
        return messages[1:]
    return messages
