"""``/ws/{orgId}``: live batch progress over a WebSocket.

Protocol
--------
Connect ``ws://HOST/ws/{orgId}?token=TOKEN`` (or send ``Authorization: Bearer TOKEN``; the web
UI's ``docbatch_token`` cookie works for same-origin pages). Optional query parameters:

- ``batchId=batch_…``: follow that one batch; without it the socket follows every batch of the
  organization (for a project-scoped token: every batch of its project).
- ``since=N`` (with ``batchId``): replay from workflow event N; ``since=0`` replays the batch
  from its start (every count from 0), useful right after an upload. Without it the socket
  starts with the current state.

Every server message is ``{"event": NAME, "data": {...}}``:

- ``batch_progress_updated``: ``{batchId, totalFiles, completedFiles, failedFiles, progress,
  status}`` (plus ``cancelled: true`` on the final status of a cancelled batch). Sent once on
  subscribe with the current state, then every time one of them changes, in order. The last
  one of a batch carries its final status (``completed``, ``partially_failed``, ``failed``).
- ``document_processed`` / ``document_failed``: ``{batchId, fileId, fileName, status,
  errorCode, errorMessage}``, one per file outcome (again after a retry), always before the
  ``batch_progress_updated`` that counts it.
- ``pong``: ``{}``, the answer to a ping.
- ``error``: ``{message, code?, batchId?}``: a refused subscribe or a bad client message; sent
  before the close frame too, so a browser can show why the socket closed.

In follow-every-batch mode, batches created after the socket connected are replayed from
their start; batches already running start with their current state; a batch is dropped
after its final status and picked up again (from where the socket left it) if a retry
reopens it. Explicitly subscribed batches stay followed until unsubscribed.

Client messages (JSON text): ``{"action": "subscribe", "batchId": "…", "since": N?}``,
``{"action": "unsubscribe", "batchId": "…"}``, ``{"action": "ping"}``.

Close codes: 4401 missing, unknown, revoked or expired token; 4403 the token lacks the
``read`` permission; 4404 another organization, or an unknown batch in ``batchId``;
1013 the client reads too slowly (its queue overflowed); 1012 the server is restarting.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from sqlmodel import Session

from api.deps import Principal, authenticate
from api.errors import ApiError
from api.progress_hub import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    Message,
    ProgressHub,
    created_after,
    get_hub,
    visible,
)
from core.db import get_engine
from core.ids import utcnow
from core.models import Batch
from core.settings import Settings

log = logging.getLogger("docbatch.ws")
router = APIRouter(tags=["websocket"])

CLOSE_BAD_TOKEN = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_SLOW = 1013
QUEUE_LIMIT = 10_000


class SocketClient:
    """One socket's subscriptions and outgoing queue; the hub's watchers deliver into it."""

    def __init__(self, hub: ProgressHub, principal: Principal) -> None:
        self.hub = hub
        self.principal = principal
        self.org_id = principal.org_id
        self.started_at: datetime = utcnow()
        self.queue: asyncio.Queue[Message | None] = asyncio.Queue(maxsize=QUEUE_LIMIT + 1)
        self.pinned: set[str] = set()  # subscribed by batchId or a subscribe message
        self.following: set[str] = set()  # followed because the socket follows the org
        self.muted: set[str] = set()  # unsubscribed by the client: the org scan leaves them alone
        self.dropped: dict[str, Any] = {}  # batch -> row.updated_at when dropped after its final status
        self.last_seq: dict[str, int] = {}
        self.last_status: dict[str, str] = {}
        self.dead = False

    # --- from the watchers -------------------------------------------------------------

    def deliver(self, batch_id: str, seq: int, message: Message) -> None:
        if self.dead:
            return
        self.last_seq[batch_id] = max(seq, self.last_seq.get(batch_id, 0))
        if message["event"] == "batch_progress_updated":
            self.last_status[batch_id] = message["data"]["status"]
        if self.queue.qsize() >= QUEUE_LIMIT:
            self.dead = True
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(None)  # the sender closes the socket
            return
        self.queue.put_nowait(message)

    def send_soon(self, message: Message) -> None:
        if not self.dead:
            self.queue.put_nowait(message)

    # --- following the organization ----------------------------------------------------

    async def offer(self, rows: list[Batch]) -> None:
        """Called by the org watcher (and once at connect) with active and recently changed batches."""
        rows = visible(rows, self.principal.project_id)
        by_id = {r.id: r for r in rows}
        for batch_id in list(self.following):
            row = by_id.get(batch_id)
            if self.last_status.get(batch_id) in FINAL_STATUSES and (row is None or row.status not in ACTIVE_STATUSES):
                self.following.discard(batch_id)
                self.dropped[batch_id] = row.updated_at if row is not None else None
                self.hub.unsubscribe(batch_id, self)
        for row in rows:
            if row.id in self.following or row.id in self.pinned or row.id in self.muted:
                continue
            if row.id in self.dropped:
                if row.updated_at == self.dropped[row.id]:
                    continue
                del self.dropped[row.id]
                since, initial = self.last_seq.get(row.id, 0), False  # a retry reopened it: resume
            elif created_after(row, self.started_at):
                since, initial = 0, True  # new since we connected: from its very start
            elif row.status in ACTIVE_STATUSES:
                since, initial = None, True  # already running: its current state
            else:
                continue
            self.following.add(row.id)
            await self.hub.subscribe(row.id, self, since, initial=initial)

    # --- client messages ---------------------------------------------------------------

    async def pin(self, batch_id: str, since: int | None) -> None:
        self.muted.discard(batch_id)
        self.dropped.pop(batch_id, None)
        if batch_id in self.pinned or batch_id in self.following:
            self.hub.unsubscribe(batch_id, self)  # re-subscribing sends the state again
            self.following.discard(batch_id)
        self.pinned.add(batch_id)
        await self.hub.subscribe(batch_id, self, since)

    def unpin(self, batch_id: str) -> None:
        self.pinned.discard(batch_id)
        self.following.discard(batch_id)
        self.muted.add(batch_id)
        self.hub.unsubscribe(batch_id, self)

    def close(self) -> None:
        self.dead = True
        for batch_id in self.pinned | self.following:
            self.hub.unsubscribe(batch_id, self)
        self.hub.unfollow_org(self)  # type: ignore[arg-type]


# --- the endpoint ----------------------------------------------------------------------


def _token(websocket: WebSocket) -> str | None:
    """``?token=``, then ``Authorization: Bearer``, then the web UI cookie (same origin only)."""
    value = websocket.query_params.get("token")
    if value:
        return value
    header = websocket.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    cookie = websocket.cookies.get("docbatch_token")
    origin = websocket.headers.get("origin")
    if cookie and origin and urlsplit(origin).netloc != websocket.headers.get("host"):
        return None  # a cross-site page must not ride on the user's cookie
    return cookie or None


def _authorize(settings: Settings, token: str | None, org_id: str, batch_id: str | None
               ) -> tuple[Principal | None, int, str]:
    with Session(get_engine(settings.sqlalchemy_url), expire_on_commit=False) as session:
        try:
            principal = authenticate(session, token)
        except ApiError as exc:
            return None, CLOSE_BAD_TOKEN, str(exc.message)
        if principal.org_id != org_id:
            return None, CLOSE_NOT_FOUND, f"Organization {org_id} not found for this token."
        if "read" not in principal.permissions:
            return None, CLOSE_FORBIDDEN, "This token lacks the 'read' permission needed here."
        if batch_id and not _can_see(session, principal, batch_id):
            return None, CLOSE_NOT_FOUND, f"Batch {batch_id} not found."
    return principal, 0, ""


def _can_see(session: Session, principal: Principal, batch_id: str) -> bool:
    batch = session.get(Batch, batch_id)
    return (batch is not None and batch.org_id == principal.org_id and batch.deleted_at is None
            and principal.can_see_project(batch.project_id))


def _visible_batch(settings: Settings, principal: Principal, batch_id: str) -> bool:
    with Session(get_engine(settings.sqlalchemy_url)) as session:
        return _can_see(session, principal, batch_id)


def _since(value: Any) -> int | None:
    if value is None or value == "":
        return None
    since = int(value)
    if since < 0:
        raise ValueError("since must be 0 or more")
    return since


async def _refuse(websocket: WebSocket, code: int, message: str) -> None:
    with contextlib.suppress(Exception):
        await websocket.send_json({"event": "error", "data": {"code": code, "message": message}})
        await websocket.close(code=code, reason=message.encode()[:120].decode(errors="ignore"))


@router.websocket("/ws/{org_id}")
async def progress_socket(websocket: WebSocket, org_id: str) -> None:
    """Live batch progress: see the module docstring for the protocol."""
    await websocket.accept()  # accept first, so a refusal reaches the client as a close code
    settings: Settings = websocket.app.state.settings
    batch_id = websocket.query_params.get("batchId") or None
    try:
        since = _since(websocket.query_params.get("since"))
    except ValueError:
        await _refuse(websocket, 1008, "since must be a whole number of 0 or more.")
        return
    principal, code, reason = await asyncio.to_thread(_authorize, settings, _token(websocket), org_id, batch_id)
    if principal is None:
        await _refuse(websocket, code, reason)
        return

    hub = get_hub(websocket.app)
    client = SocketClient(hub, principal)
    sender = asyncio.create_task(_send_loop(websocket, client))
    receiver = asyncio.create_task(_receive_loop(websocket, client, settings))
    try:
        if batch_id:
            await client.pin(batch_id, since)
        else:
            await client.offer(await asyncio.to_thread(hub.scan_org, org_id, None))
            hub.follow_org(client)  # type: ignore[arg-type]
        await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        client.close()
        for task in (sender, receiver):
            task.cancel()
        for task in (sender, receiver):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def _send_loop(websocket: WebSocket, client: SocketClient) -> None:
    while True:
        message = await client.queue.get()
        if message is None:
            await _refuse(websocket, CLOSE_TOO_SLOW, "This client reads too slowly; reconnect to resume.")
            return
        await websocket.send_text(json.dumps(message))


async def _receive_loop(websocket: WebSocket, client: SocketClient, settings: Settings) -> None:
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            text = await websocket.receive_text()
            await _handle(text, client, settings)


async def _handle(text: str, client: SocketClient, settings: Settings) -> None:
    try:
        message = json.loads(text)
        action = message.get("action") if isinstance(message, dict) else None
    except ValueError:
        action, message = None, {}
    if action == "ping":
        client.send_soon({"event": "pong", "data": {}})
        return
    if action not in ("subscribe", "unsubscribe"):
        client.send_soon({"event": "error", "data": {
            "message": 'Send {"action": "subscribe"|"unsubscribe", "batchId": "batch_…"} or {"action": "ping"}.'}})
        return
    batch_id = message.get("batchId")
    if not isinstance(batch_id, str) or not batch_id:
        client.send_soon({"event": "error", "data": {"message": f"'{action}' needs a batchId."}})
        return
    if action == "unsubscribe":
        client.unpin(batch_id)
        return
    try:
        since = _since(message.get("since"))
    except (TypeError, ValueError):
        client.send_soon({"event": "error", "data": {"batchId": batch_id,
                                                     "message": "since must be a whole number of 0 or more."}})
        return
    if not await asyncio.to_thread(_visible_batch, settings, client.principal, batch_id):
        client.send_soon({"event": "error", "data": {"batchId": batch_id, "code": CLOSE_NOT_FOUND,
                                                     "message": f"Batch {batch_id} not found."}})
        return
    await client.pin(batch_id, since)
