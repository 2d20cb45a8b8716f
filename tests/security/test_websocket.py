"""Attacks on ``/ws/{orgId}`` (issue 11): a token in the URL must never reach a log; a socket must
not outlive its token's revocation or expiry; one socket cannot follow unlimited batches."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect as connect_sync

from core.db import get_engine
from core.ids import new_id, utcnow
from core.models import Batch
from tests.harness import OWNER_TOKEN, Service, live_api, make_settings
from tests.security.live import api_process

READ_LIMIT = 60  # seconds a test waits for an answer before it fails (never a speed claim)


async def new_token(live: Service, **body: object) -> tuple[str, str]:
    """A read-only token made through the API: (id, value)."""
    resp = await live.http.post(
        f"/tokens/{live.org_id}", json={"name": "socket", "permissions": ["read"], **body}
    )
    assert resp.status_code == 201, resp.text
    return resp.json()["id"], resp.json()["token"]


async def next_message(ws: ClientConnection) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), READ_LIMIT))


async def closed_with(ws: ClientConnection) -> tuple[int, str, list[dict]]:
    """Read until the server closes: its close code, reason and the messages before it."""
    messages: list[dict] = []
    with pytest.raises(ConnectionClosed) as info:
        while True:
            messages.append(await next_message(ws))
    assert info.value.rcvd is not None, "the client, not the server, closed the socket"
    return info.value.rcvd.code, info.value.rcvd.reason, messages


async def pong(ws: ClientConnection) -> None:
    await ws.send('{"action": "ping"}')
    assert (await next_message(ws))["event"] == "pong"


# --- the token never reaches a log -------------------------------------------------------------


def test_token_in_the_url_is_never_logged(
    tmp_path: Path, temporal_env: WorkflowEnvironment
) -> None:
    """uvicorn at info level logs every request line; ?token= must still work, and never appear."""
    target = temporal_env.client.service_client.config.target_host
    bad = "dbt_" + "Q" * 40  # a wrong token is a secret too (someone's typo of a real one)
    with api_process(tmp_path, target, log_level="info") as api:
        ws_base = f"ws://127.0.0.1:{api.port}/ws/{api.org_id}"
        with connect_sync(f"{ws_base}?token={OWNER_TOKEN}&since=") as ws:  # existing clients
            ws.send('{"action": "ping"}')
            assert json.loads(ws.recv(READ_LIMIT))["event"] == "pong"
        with connect_sync(ws_base, subprotocols=["bearer", OWNER_TOKEN]) as ws:  # browsers
            assert ws.subprotocol == "bearer"  # the answer names the scheme, never the token
            ws.send('{"action": "ping"}')
            assert json.loads(ws.recv(READ_LIMIT))["event"] == "pong"
        with connect_sync(f"{ws_base}?token={bad}") as ws:
            with pytest.raises(ConnectionClosed) as info:
                while True:
                    ws.recv(READ_LIMIT)
            assert info.value.rcvd is not None and info.value.rcvd.code == 4401
        import httpx

        assert httpx.get(f"{api.url}/health?token={OWNER_TOKEN}").status_code == 200
    log = (tmp_path / "api.log").read_text()
    assert f'"WebSocket /ws/{api.org_id}' in log, log  # the lines were written, without the token
    assert "token=[redacted]" in log, log  # the HTTP line, redacted by the log filter
    assert OWNER_TOKEN not in log and bad not in log, log


# --- a socket does not outlive its token --------------------------------------------------------


async def test_revoked_token_closes_its_open_socket(
    tmp_path: Path, temporal_client: Client
) -> None:
    settings = make_settings(tmp_path, ws_token_recheck_seconds=0.3)
    async with live_api(settings, temporal_client) as live:
        token_id, value = await new_token(live)
        async with (
            connect(live.ws_url(), additional_headers={"Authorization": f"Bearer {value}"}) as ws,
            connect(
                live.ws_url(), additional_headers={"Authorization": f"Bearer {OWNER_TOKEN}"}
            ) as other,
        ):
            await pong(ws)
            revoked = await live.http.delete(f"/tokens/{live.org_id}/{token_id}")
            assert revoked.status_code == 200, revoked.text
            code, reason, messages = await closed_with(ws)  # idle: closed by the periodic check
            assert code == 4401 and "revoked" in reason
            assert messages[-1]["event"] == "error" and "revoked" in messages[-1]["data"]["message"]
            await pong(other)  # another token's socket lives on
        # and the revoked token cannot open a new one
        async with connect(live.ws_url(), subprotocols=["bearer", value]) as again:
            code, _, _ = await closed_with(again)
            assert code == 4401


async def test_subscribe_and_expiry_check_the_token(
    tmp_path: Path, temporal_client: Client
) -> None:
    """With the periodic check an hour away: a subscribe after revocation is refused at once, and an
    expiring token's socket closes at its expiry."""
    settings = make_settings(tmp_path, ws_token_recheck_seconds=3600)
    async with live_api(settings, temporal_client) as live:
        token_id, value = await new_token(live)
        expires = utcnow() + timedelta(seconds=3)
        _, short = await new_token(live, expiresAt=expires.isoformat())
        auth = {"Authorization": f"Bearer {value}"}
        async with (
            connect(live.ws_url(), additional_headers=auth) as ws,
            connect(live.ws_url(), subprotocols=["bearer", short]) as expiring,
        ):
            await pong(ws)
            await pong(expiring)
            assert (await live.http.delete(f"/tokens/{live.org_id}/{token_id}")).status_code == 200
            await pong(ws)  # no client action that needs the token yet: still open
            await ws.send('{"action": "subscribe", "batchId": "batch_anything"}')
            code, reason, _ = await closed_with(ws)
            assert code == 4401 and "revoked" in reason

            code, reason, _ = await closed_with(expiring)
            assert code == 4401 and "expired" in reason
            assert utcnow() >= expires


# --- one socket follows a bounded number of batches ---------------------------------------------


def add_batches(live: Service, count: int, status: str) -> list[str]:
    ids = []
    with Session(get_engine(live.settings.sqlalchemy_url)) as session:
        for i in range(count):
            batch = Batch(
                id=new_id("batch"),
                org_id=live.org_id,
                project_id=live.project_id,
                template_id=live.templates["receipt"],
                template_name="receipt",
                name=f"cap {status} {i}",
                status=status,
                total_files=1,
                completed_files=int(status == "completed"),
                progress=100 if status == "completed" else 0,
            )
            session.add(batch)
            ids.append(batch.id)
        session.commit()
    return ids


async def test_one_socket_follows_at_most_the_cap(tmp_path: Path, temporal_client: Client) -> None:
    settings = make_settings(tmp_path, ws_max_batches=2)
    async with live_api(settings, temporal_client) as live:
        done = add_batches(live, 3, "completed")
        async with connect(live.ws_url(token=OWNER_TOKEN)) as ws:
            for batch_id in done[:2]:
                await ws.send(json.dumps({"action": "subscribe", "batchId": batch_id}))
                message = await next_message(ws)
                assert message["event"] == "batch_progress_updated", message
                assert message["data"]["batchId"] == batch_id
            await ws.send(json.dumps({"action": "subscribe", "batchId": done[2]}))
            refused = await next_message(ws)
            assert refused["event"] == "error" and refused["data"]["code"] == 4429
            assert refused["data"]["batchId"] == done[2]
            assert "DOCBATCH_WS_MAX_BATCHES" in refused["data"]["message"]
            assert done[2] not in live.app.state.progress_hub.watchers  # nothing polls for it
            # a slot freed by unsubscribing is usable again
            await ws.send(json.dumps({"action": "unsubscribe", "batchId": done[0]}))
            await ws.send(json.dumps({"action": "subscribe", "batchId": done[2]}))
            message = await next_message(ws)
            assert message["event"] == "batch_progress_updated"
            assert message["data"]["batchId"] == done[2]

        # following the whole organization: running batches beyond the cap are refused, once each
        running = add_batches(live, 3, "processing")
        async with connect(live.ws_url(token=OWNER_TOKEN)) as ws:
            seen: list[dict] = []
            while (
                not any(m["event"] == "error" for m in seen)
                or len(
                    {m["data"]["batchId"] for m in seen if m["event"] == "batch_progress_updated"}
                )
                < 2
            ):
                seen.append(await next_message(ws))
            followed = {
                m["data"]["batchId"] for m in seen if m["event"] == "batch_progress_updated"
            }
            errors = [m for m in seen if m["event"] == "error"]
            assert followed == set(running[:2]) and len(errors) == 1, seen
            assert errors[0]["data"]["batchId"] == running[2] and errors[0]["data"]["code"] == 4429
