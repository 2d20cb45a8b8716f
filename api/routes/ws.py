"""``/ws/{orgId}``: live batch progress over a WebSocket.

Protocol
--------
Connect ``ws://HOST/ws/{orgId}`` with the token in ``Authorization: Bearer TOKEN``, or from a
browser in the ``bearer`` subprotocol (``new WebSocket(url, ["bearer", TOKEN])``; the server
answers ``bearer``); the web UI's ``docbatch_token`` cookie works for same-origin pages.
``?token=TOKEN`` still works for existing clients, but is taken out of the URL before anything
logs it (``api.ws_auth``); prefer the other ways, as proxies on the way may log URLs.
Optional query parameters:

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
  before the close frame too, so a browser can show why the socket closed. ``code`` 4429: the
  socket already follows ``DOCBATCH_WS_MAX_BATCHES`` batches (default 20); unsubscribe one, or
  open another socket. In follow-every-batch mode a batch over the cap is reported once and
  followed as soon as a slot frees and the batch next changes.

In follow-every-batch mode, batches created after the socket connected are replayed from
their start; batches already running start with their current state; a batch is dropped
after its final status and picked up again (from where the socket left it) if a retry
reopens it. Explicitly subscribed batches stay followed until unsubscribed.

Client messages (JSON text): ``{"action": "subscribe", "batchId": "…", "since": N?}``,
``{"action": "unsubscribe", "batchId": "…"}``, ``{"action": "ping"}``.

The token is checked again every ``DOCBATCH_WS_TOKEN_RECHECK_SECONDS`` (default 15), at its
expiry time and before every subscribe: a socket whose token was revoked or expired meanwhile
is closed with 4401.

Close codes: 4401 missing, unknown, revoked or expired token; 4403 the token lacks the
``read`` permission; 4404 another organization, or an unknown batch in ``batchId``;
1013 the client reads too slowly (its queue overflowed); 1012 the server is restarting.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from sqlmodel import Session

from api.progress_hub import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    Message,
    ProgressHub,
    created_after,
    get_hub,
)
from api.ws_auth import socket_credential
from core import access
from core.access import Principal
from core.db import get_engine
from core.ids import utcnow
from core.models import ApiToken, Batch
from core.settings import Settings

log = logging.getLogger("docbatch.ws")
router = APIRouter(tags=["websocket"])

CLOSE_BAD_TOKEN = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_SLOW = 1013
TOO_MANY_BATCHES = 4429  # an error code in an ``error`` message (the socket stays open)
QUEUE_LIMIT = 10_000


@dataclass(frozen=True)
class Close:
    """Put on a socket's queue: the sender sends this reason and closes."""

    code: int
    reason: str


class SocketClient:
    """One socket's subscriptions and outgoing queue; the hub's watchers deliver into it."""

    def __init__(self, hub: ProgressHub, principal: Principal, max_batches: int = 20) -> None:
        self.hub = hub
        self.principal = principal
        self.org_id = principal.org_id
        self.max_batches = max_batches
        self.started_at: datetime = utcnow()
        self.queue: asyncio.Queue[Message | Close] = asyncio.Queue(maxsize=QUEUE_LIMIT + 1)
        self.pinned: set[str] = set()  # subscribed by batchId or a subscribe message
        self.following: set[str] = set()  # followed because the socket follows the org
        self.muted: set[str] = set()  # unsubscribed by the client: the org scan leaves them alone
        self.dropped: dict[
            str, Any
        ] = {}  # batch -> row.updated_at when dropped after its final status
        self.last_seq: dict[str, int] = {}
        self.last_status: dict[str, str] = {}
        self.capped: set[str] = set()  # org batches over the cap, reported once
        self.dead = False

    # --- from the watchers -------------------------------------------------------------

    def deliver(self, batch_id: str, seq: int, message: Message) -> None:
        if self.dead:
            return
        self.last_seq[batch_id] = max(seq, self.last_seq.get(batch_id, 0))
        if message["event"] == "batch_progress_updated":
            self.last_status[batch_id] = message["data"]["status"]
        if self.queue.qsize() >= QUEUE_LIMIT:
            self.shut(CLOSE_TOO_SLOW, "This client reads too slowly; reconnect to resume.")
            return
        self.queue.put_nowait(message)

    def send_soon(self, message: Message) -> None:
        if not self.dead and self.queue.qsize() < QUEUE_LIMIT:
            self.queue.put_nowait(message)

    def shut(self, code: int, reason: str) -> None:
        """Drop what is queued; the sender sends ``reason`` and closes the socket."""
        if self.dead:
            return
        self.dead = True
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(Close(code, reason))

    @property
    def followed(self) -> int:
        return len(self.pinned | self.following)

    def too_many(self, batch_id: str) -> Message:
        return {
            "event": "error",
            "data": {
                "batchId": batch_id,
                "code": TOO_MANY_BATCHES,
                "message": (
                    f"This socket already follows {self.max_batches} batches "
                    "(DOCBATCH_WS_MAX_BATCHES); "
                    f"unsubscribe from one or open another socket to follow {batch_id}."
                ),
            },
        }

    # --- following the organization ----------------------------------------------------

    async def offer(self, rows: list[Batch]) -> None:
        """Called by the org watcher (and once at connect) with active and recently changed
        batches."""
        rows = access.visible(self.principal, rows, lambda r: r.project_id)
        by_id = {r.id: r for r in rows}
        for batch_id in list(self.following):
            row = by_id.get(batch_id)
            if self.last_status.get(batch_id) in FINAL_STATUSES and (
                row is None or row.status not in ACTIVE_STATUSES
            ):
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
            if self.followed >= self.max_batches:
                if row.id not in self.capped:
                    self.capped.add(row.id)
                    self.send_soon(self.too_many(row.id))
                continue
            self.capped.discard(row.id)
            self.following.add(row.id)
            await self.hub.subscribe(row.id, self, since, initial=initial)

    # --- client messages ---------------------------------------------------------------

    async def pin(self, batch_id: str, since: int | None) -> bool:
        """Follow ``batch_id``; False (and an error message) when the socket is at its cap."""
        if (
            batch_id not in self.pinned
            and batch_id not in self.following
            and self.followed >= self.max_batches
        ):
            self.send_soon(self.too_many(batch_id))
            return False
        self.muted.discard(batch_id)
        self.dropped.pop(batch_id, None)
        if batch_id in self.pinned or batch_id in self.following:
            self.hub.unsubscribe(batch_id, self)  # re-subscribing sends the state again
            self.following.discard(batch_id)
        self.pinned.add(batch_id)
        self.capped.discard(batch_id)
        await self.hub.subscribe(batch_id, self, since)
        return True

    def unpin(self, batch_id: str) -> None:
        self.pinned.discard(batch_id)
        self.following.discard(batch_id)
        self.muted.add(batch_id)
        self.hub.unsubscribe(batch_id, self)

    def close(self) -> None:
        self.dead = True
        for batch_id in self.pinned | self.following:
            self.hub.unsubscribe(batch_id, self)
        self.hub.unfollow_org(self)


# --- the endpoint ----------------------------------------------------------------------


def _authorize(
    settings: Settings, token: str | None, org_id: str, batch_id: str | None
) -> tuple[Principal | None, int, str]:
    """The access rule of ``core.access``: a live token, its organization, ``read``, the batch."""
    with Session(get_engine(settings.sqlalchemy_url), expire_on_commit=False) as session:
        try:
            principal = access.identify(session, token)
            access.check_level(principal, org_id, "read")
            if batch_id:
                access.batch(session, principal, batch_id)
        except access.AccessDenied as exc:
            code = {401: CLOSE_BAD_TOKEN, 403: CLOSE_FORBIDDEN}.get(
                exc.status_code, CLOSE_NOT_FOUND
            )
            return None, code, exc.message
    return principal, 0, ""


def _visible_batch(settings: Settings, principal: Principal, batch_id: str) -> bool:
    with Session(get_engine(settings.sqlalchemy_url)) as session:
        try:
            access.batch(session, principal, batch_id)
        except access.AccessDenied:
            return False
        return True


def _token_state(settings: Settings, principal: Principal) -> tuple[str | None, datetime | None]:
    """Why the socket's token no longer holds (None while it does), and when it expires."""
    with Session(get_engine(settings.sqlalchemy_url)) as session:
        token = session.get(ApiToken, principal.token_id)
        if token is None or token.revoked_at is not None:
            return "The token of this socket was revoked; connect again with a live token.", None
        expires = token.expires_at
        if expires is not None and expires.tzinfo is None:
            expires = expires.replace(tzinfo=UTC)
        if expires is not None and expires <= utcnow():
            return "The token of this socket has expired; connect again with a live token.", None
        return None, expires


async def _token_still_live(
    client: SocketClient, settings: Settings
) -> tuple[bool, datetime | None]:
    """Check now; on a dead token, close the socket with 4401 (the sender sends the reason)."""
    reason, expires = await asyncio.to_thread(_token_state, settings, client.principal)
    if reason is not None:
        client.shut(CLOSE_BAD_TOKEN, reason)
        return False, None
    return True, expires


async def _token_guard(client: SocketClient, settings: Settings) -> None:
    """Re-check the token every ``ws_token_recheck_seconds`` and right after it expires."""
    live, expires = await _token_still_live(client, settings)  # learns the expiry time
    while live and not client.dead:
        wait = settings.ws_token_recheck_seconds
        if expires is not None:
            wait = min(wait, max(0.0, (expires - utcnow()).total_seconds()) + 0.05)
        await asyncio.sleep(wait)
        live, expires = await _token_still_live(client, settings)


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
    token, subprotocol = socket_credential(websocket)
    # accept first, so a refusal reaches the client as a close code
    await websocket.accept(subprotocol=subprotocol)
    settings: Settings = websocket.app.state.settings
    batch_id = websocket.query_params.get("batchId") or None
    try:
        since = _since(websocket.query_params.get("since"))
    except ValueError:
        await _refuse(websocket, 1008, "since must be a whole number of 0 or more.")
        return
    principal, code, reason = await asyncio.to_thread(_authorize, settings, token, org_id, batch_id)
    if principal is None:
        await _refuse(websocket, code, reason)
        return

    hub = get_hub(websocket.app)
    client = SocketClient(hub, principal, settings.ws_max_batches)
    sender = asyncio.create_task(_send_loop(websocket, client))
    receiver = asyncio.create_task(_receive_loop(websocket, client, settings))
    guard = asyncio.create_task(_token_guard(client, settings))
    try:
        if batch_id:
            await client.pin(batch_id, since)
        else:
            await client.offer(await asyncio.to_thread(hub.scan_org, org_id, None))
            hub.follow_org(client)
        await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        client.close()
        for task in (sender, receiver, guard):
            task.cancel()
        for task in (sender, receiver, guard):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def _send_loop(websocket: WebSocket, client: SocketClient) -> None:
    while True:
        message = await client.queue.get()
        if isinstance(message, Close):
            await _refuse(websocket, message.code, message.reason)
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
        client.send_soon(
            {
                "event": "error",
                "data": {
                    "message": (
                        'Send {"action": "subscribe"|"unsubscribe", "batchId": "batch_…"} '
                        'or {"action": "ping"}.'
                    )
                },
            }
        )
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
        client.send_soon(
            {
                "event": "error",
                "data": {
                    "batchId": batch_id,
                    "message": "since must be a whole number of 0 or more.",
                },
            }
        )
        return
    if not (await _token_still_live(client, settings))[0]:
        return  # closed with 4401
    if not await asyncio.to_thread(_visible_batch, settings, client.principal, batch_id):
        client.send_soon(
            {
                "event": "error",
                "data": {
                    "batchId": batch_id,
                    "code": CLOSE_NOT_FOUND,
                    "message": f"Batch {batch_id} not found.",
                },
            }
        )
        return
    await client.pin(batch_id, since)
