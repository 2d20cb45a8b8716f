"""In-process notifier behind ``/ws/{orgId}``: one watcher per batch, fanned out to many sockets.

A :class:`BatchWatcher` polls the batch workflow's ``progress`` query with the last event
number it has seen (``ProgressQuery(since_seq=N)``); the workflow answers with every event
after N, so the watcher replays exactly what happened between two polls, in order, even when
the batch finished in between. While the batch is processing, the watcher long-polls instead:
the workflow's ``wait_progress`` update takes the same argument and answers in the workflow
task that records the next event, so a finished file reaches the sockets without waiting for a
poll (issue 13). Update ids are ``progress-<process>-<batch>-<N>``, so asking again after a
timeout joins the same waiting update instead of adding one to the workflow; any failure
(older worker, closed run, update limits) puts that watcher back on the query polls.

Each event becomes ``document_processed``/``document_failed`` (for files) followed by
``batch_progress_updated`` when the counts or status changed. Every
message is kept in a small log tagged with its event number, so a subscriber can join with
the current state or replay from any point (``since``).

An :class:`OrgWatcher` serves sockets that follow every batch of an organization: about once a
second it looks up the organization's active and recently changed batches in the database and
subscribes those sockets to the batch watchers.

Each API process has its own hub (``app.state.progress_hub``); processes behind a balancer
each poll Temporal for their own sockets, so no cross-process messaging is needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from fastapi import FastAPI
from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select
from temporalio.service import RPCError, RPCStatusCode

from core.db import get_engine
from core.ids import utcnow
from core.models import Batch
from core.settings import Settings
from core.temporal import TemporalHolder, workflow_id
from workflows.contracts import BatchSnapshot, ProgressEvent, ProgressQuery
from workflows.vocabulary import ACTIVE_BATCH_STATUSES, SETTLED_BATCH_STATUSES

log = logging.getLogger("docbatch.progress")

POLL_INTERVAL = 0.2  # seconds between progress queries of a running batch
IDLE_INTERVAL = 1.0  # ... of a batch in a final status (a retry may still reopen it)
ORG_SCAN_INTERVAL = 1.0  # seconds between database look-ups of an organization's batches
RECENT = timedelta(seconds=10)  # an org scan also picks batches changed this recently
QUERY_TIMEOUT = timedelta(seconds=10)
LONG_POLL_WAIT = 20.0  # seconds one long-poll waits before the watcher asks again (same update id)

ACTIVE_STATUSES = ACTIVE_BATCH_STATUSES
FINAL_STATUSES = SETTLED_BATCH_STATUSES
DOCUMENT_EVENTS = ("document_processed", "document_failed")

Message = dict[str, Any]


class Subscriber(Protocol):
    """A socket (or anything) that receives messages; ``deliver`` must not block."""

    def deliver(self, batch_id: str, seq: int, message: Message) -> None: ...


def progress_message(data: dict[str, Any]) -> Message:
    return {"event": "batch_progress_updated", "data": data}


def _aware(dt: datetime) -> datetime:
    """SQLite hands datetimes back naive; they are UTC."""
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


class BatchWatcher:
    """Follows one batch for every subscriber in this process (see the module docstring)."""

    def __init__(self, hub: ProgressHub, batch_id: str) -> None:
        self.hub = hub
        self.batch_id = batch_id
        self.seq = 0  # the last workflow event number applied
        self.current: dict[str, Any] | None = None  # data of the last batch_progress_updated
        self.log: list[tuple[int, Message]] = []
        self.subscribers: dict[Subscriber, None] = {}  # insertion-ordered set
        self.waiting = 0  # subscribers waiting for the first poll (keeps the loop alive)
        self.ready = asyncio.Event()
        self.closed = False  # nothing more will happen to this batch
        self.task: asyncio.Task[None] | None = None
        self.long_poll = hub.long_poll  # off for good after a long-poll failed

    # --- subscribers -------------------------------------------------------------------

    def attach(self, sub: Subscriber, since: int | None, *, initial: bool = True) -> None:
        """Add a subscriber: the state as of ``since`` (or now), then every later message.

        Runs without awaiting, so nothing the poll loop emits can slip between the replay
        and the subscription.
        """
        for seq, message in replay(
            self.batch_id, self.log, self.seq, self.current, since, initial=initial
        ):
            sub.deliver(self.batch_id, seq, message)
        self.subscribers[sub] = None

    def detach(self, sub: Subscriber) -> None:
        self.subscribers.pop(sub, None)

    def state_at(self, seq: int) -> dict[str, Any] | None:
        """The batch_progress_updated data as it was after event ``seq``."""
        return state_at(self.batch_id, self.log, self.current, seq)

    # --- the poll loop -----------------------------------------------------------------

    @property
    def wanted(self) -> bool:
        return bool(self.subscribers) or self.waiting > 0

    async def run(self) -> None:
        try:
            await self.poll_once()
            while True:
                self.ready.set()
                if self.closed or not self.wanted:
                    return
                busy = is_busy(self.current)
                if busy and self.current is not None and self.long_poll and await self.wait_once():
                    continue  # an event (or nothing within LONG_POLL_WAIT): long-poll again
                await asyncio.sleep(self.hub.poll_interval if busy else self.hub.idle_interval)
                if not self.wanted:
                    return
                await self.poll_once()
        except asyncio.CancelledError:
            raise
        except Exception:  # never leave subscribers waiting on a dead watcher without a trace
            log.exception("progress watcher of %s stopped", self.batch_id)
        finally:
            self.ready.set()
            self.hub._forget(self)

    async def poll_once(self) -> None:
        try:
            client = await self.hub.temporal.get()
            handle = client.get_workflow_handle(workflow_id(self.batch_id))
            snapshot = await handle.query(
                "progress",
                ProgressQuery(since_seq=self.seq),
                result_type=BatchSnapshot,
                rpc_timeout=QUERY_TIMEOUT,
            )
        except RPCError as exc:
            await self._from_database(gone=exc.status == RPCStatusCode.NOT_FOUND)
            return
        except Exception as exc:  # Temporal down, no worker polling, query failed ...
            log.debug("progress query of %s failed: %s", self.batch_id, exc)
            if self.current is None:
                await self._from_database(gone=False)
            return
        self.apply(snapshot)

    async def wait_once(self) -> bool:
        """One long-poll; False when it failed (this watcher then polls the query)."""
        try:
            client = await self.hub.temporal.get()
            handle = client.get_workflow_handle(workflow_id(self.batch_id))
            call = handle.execute_update(
                "wait_progress",
                ProgressQuery(since_seq=self.seq),
                id=f"progress-{self.hub.instance}-{self.batch_id}-{self.seq}",
                result_type=BatchSnapshot,
            )
            snapshot = await asyncio.wait_for(call, LONG_POLL_WAIT)
        except TimeoutError:
            return True  # nothing happened for a while: ask again (joins the same update)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # update refused or failed, run closed, Temporal down ...
            log.debug("long-poll of %s failed, polling instead: %s", self.batch_id, exc)
            if not (isinstance(exc, RPCError) and exc.status == RPCStatusCode.NOT_FOUND):
                self.long_poll = False  # not started yet (NOT_FOUND) may work later; the rest won't
            return False
        self.apply(snapshot)
        return True

    def apply(self, snapshot: BatchSnapshot) -> None:
        """Turn the events after ``self.seq`` into messages, in order, then the current state."""
        step = snapshot_messages(self.batch_id, snapshot, self.seq, self.current)
        self.seq, self.current = step.seq, step.current
        for seq, message in step.messages:
            self._emit(seq, message)

    async def _from_database(self, *, gone: bool) -> None:
        """No workflow to ask (not started yet, or past retention): the database row is the
        truth."""
        row = await asyncio.to_thread(self.hub.load_batch, self.batch_id)
        if row is None or row.deleted_at is not None:
            self.closed = True
            return
        self._emit_progress(self.seq, row_state(row))
        if gone and row.status in FINAL_STATUSES:
            self.closed = True

    # --- fan-out -----------------------------------------------------------------------

    def _emit_progress(self, seq: int, data: dict[str, Any]) -> None:
        if data != self.current:
            self.current = data
            self._emit(seq, progress_message(dict(data)))

    def _emit(self, seq: int, message: Message) -> None:
        self.log.append((seq, message))
        for sub in list(self.subscribers):
            try:
                sub.deliver(self.batch_id, seq, message)
            except Exception:  # one broken socket must not starve the others
                log.exception("dropping a subscriber of %s", self.batch_id)
                self.subscribers.pop(sub, None)


def document_message(batch_id: str, event: ProgressEvent) -> Message:
    failed = event.kind == "document_failed"
    return {
        "event": event.kind,
        "data": {
            "batchId": batch_id,
            "fileId": event.fileId,
            "fileName": event.fileName,
            "status": "failed" if failed else "completed",
            "errorCode": event.errorCode if failed else None,
            "errorMessage": event.errorMessage if failed else None,
        },
    }


def _counts(
    batch_id: str, source: ProgressEvent | BatchSnapshot, cancelled: bool
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "batchId": batch_id,
        "totalFiles": source.totalFiles,
        "completedFiles": source.completedFiles,
        "failedFiles": source.failedFiles,
        "progress": source.progress,
        "status": source.status,
    }
    if cancelled and source.status in FINAL_STATUSES:
        data["cancelled"] = True  # the final status says the batch was cancelled
    return data


# --- the watcher's pure logic (no I/O, no clock: unit-tested in tests/test_progress_logic.py) ---


@dataclass
class Step:
    """What one snapshot adds: the messages in order, the new last event number and state."""

    messages: list[tuple[int, Message]]
    seq: int
    current: dict[str, Any] | None


def snapshot_messages(
    batch_id: str, snapshot: BatchSnapshot, seq: int, current: dict[str, Any] | None
) -> Step:
    """The messages for the events after ``seq``, in order; a progress message only when the
    counts or status differ from the previous one (``current``); then the snapshot's state."""
    messages: list[tuple[int, Message]] = []

    def progress(at: int, data: dict[str, Any]) -> None:
        nonlocal current
        if data != current:
            current = data
            messages.append((at, progress_message(dict(data))))

    if seq == 0:  # from the very start: every watcher opens with the same empty batch,
        # however late its first poll came (two API processes must send the same messages)
        progress(0, _start(batch_id, snapshot.totalFiles))
    for event in sorted(snapshot.events, key=lambda e: e.seq):
        if event.seq <= seq:
            continue
        if event.kind in DOCUMENT_EVENTS and event.fileId:
            messages.append((event.seq, document_message(batch_id, event)))
        progress(event.seq, _counts(batch_id, event, snapshot.cancelled))
        seq = event.seq
    seq = max(seq, snapshot.seq)
    progress(seq, _counts(batch_id, snapshot, snapshot.cancelled))
    return Step(messages, seq, current)


def _start(batch_id: str, total: int) -> dict[str, Any]:
    """A batch's state before its first event: every workflow starts processing, nothing done."""
    return {
        "batchId": batch_id,
        "totalFiles": total,
        "completedFiles": 0,
        "failedFiles": 0,
        "progress": 0,
        "status": "processing",
    }


def state_at(
    batch_id: str, log: list[tuple[int, Message]], current: dict[str, Any] | None, seq: int
) -> dict[str, Any] | None:
    """The batch_progress_updated data as it was after event ``seq``: the last one logged up to
    there, else the empty start of a batch whose state is known, else None."""
    found: dict[str, Any] | None = None
    for at, message in log:
        if at > seq:
            break
        if message["event"] == "batch_progress_updated":
            found = message["data"]
    if found is not None:
        return dict(found)
    if current is None:
        return None
    return _start(batch_id, current["totalFiles"])


def replay(
    batch_id: str,
    log: list[tuple[int, Message]],
    seq: int,
    current: dict[str, Any] | None,
    since: int | None,
    *,
    initial: bool = True,
) -> list[tuple[int, Message]]:
    """What a new subscriber gets before the live messages: with ``since`` None the current
    state (if ``initial``); else the state as of ``since`` (if ``initial``) and every logged
    message after it."""
    out: list[tuple[int, Message]] = []
    if since is None:
        if initial and current is not None:
            out.append((seq, progress_message(dict(current))))
        return out
    if initial:
        state = state_at(batch_id, log, current, since)
        if state is not None:
            out.append((min(since, seq), progress_message(state)))
    out.extend((at, message) for at, message in log if at > since)
    return out


def is_busy(current: dict[str, Any] | None) -> bool:
    """Unknown or not final: the watcher polls (or long-polls) at the busy pace."""
    return current is None or current["status"] not in FINAL_STATUSES


def row_state(row: Batch) -> dict[str, Any]:
    """A batch's progress data from its database row (when no workflow can be asked)."""
    return {
        "batchId": row.id,
        "totalFiles": row.total_files,
        "completedFiles": row.completed_files,
        "failedFiles": row.failed_files,
        "progress": row.progress,
        "status": row.status,
    }


class OrgFollower(Protocol):
    """A socket that follows every batch of its organization; the org watcher offers it rows."""

    org_id: str

    async def offer(self, rows: list[Batch]) -> None: ...


class OrgWatcher:
    """Looks up an organization's active and recently changed batches for org-wide sockets."""

    def __init__(self, hub: ProgressHub, org_id: str) -> None:
        self.hub = hub
        self.org_id = org_id
        self.followers: dict[OrgFollower, None] = {}
        self.task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        try:
            while self.followers:
                since = utcnow() - RECENT
                rows = await asyncio.to_thread(self.hub.scan_org, self.org_id, since)
                for follower in list(self.followers):
                    try:
                        await follower.offer(rows)
                    except Exception:
                        log.exception("org follower of %s failed", self.org_id)
                await asyncio.sleep(self.hub.org_scan_interval)
        finally:
            self.hub._forget_org(self)


class ProgressHub:
    """All watchers of one API process."""

    def __init__(
        self,
        settings: Settings,
        temporal: TemporalHolder,
        *,
        poll_interval: float = POLL_INTERVAL,
        idle_interval: float = IDLE_INTERVAL,
        org_scan_interval: float = ORG_SCAN_INTERVAL,
        long_poll: bool = True,
    ) -> None:
        self.settings = settings
        self.long_poll = long_poll  # False: query polls only (the behaviour before issue 13)
        self.instance = uuid.uuid4().hex[:12]  # this process's part of the long-poll update ids
        self.temporal = temporal
        self.poll_interval = poll_interval
        self.idle_interval = idle_interval
        self.org_scan_interval = org_scan_interval
        self.watchers: dict[str, BatchWatcher] = {}
        self.org_watchers: dict[str, OrgWatcher] = {}

    # --- batches -----------------------------------------------------------------------

    async def subscribe(
        self, batch_id: str, sub: Subscriber, since: int | None = None, *, initial: bool = True
    ) -> None:
        """Follow one batch: its state (now, or as of event ``since``), then every change."""
        watcher = self.watchers.get(batch_id)
        if watcher is None:
            watcher = BatchWatcher(self, batch_id)
            self.watchers[batch_id] = watcher
            watcher.task = asyncio.create_task(watcher.run(), name=f"progress-{batch_id}")
        watcher.waiting += 1
        try:
            await watcher.ready.wait()
        finally:
            watcher.waiting -= 1
        watcher.attach(sub, since, initial=initial)

    def unsubscribe(self, batch_id: str, sub: Subscriber) -> None:
        watcher = self.watchers.get(batch_id)
        if watcher is not None:
            watcher.detach(sub)

    def _forget(self, watcher: BatchWatcher) -> None:
        if self.watchers.get(watcher.batch_id) is watcher:
            del self.watchers[watcher.batch_id]

    # --- organizations -----------------------------------------------------------------

    def follow_org(self, follower: OrgFollower) -> None:
        watcher = self.org_watchers.get(follower.org_id)
        if watcher is None:
            watcher = OrgWatcher(self, follower.org_id)
            self.org_watchers[follower.org_id] = watcher
            watcher.followers[follower] = None
            watcher.task = asyncio.create_task(
                watcher.run(), name=f"progress-org-{follower.org_id}"
            )
        else:
            watcher.followers[follower] = None

    def unfollow_org(self, follower: OrgFollower) -> None:
        watcher = self.org_watchers.get(follower.org_id)
        if watcher is not None:
            watcher.followers.pop(follower, None)

    def _forget_org(self, watcher: OrgWatcher) -> None:
        if self.org_watchers.get(watcher.org_id) is watcher:
            del self.org_watchers[watcher.org_id]

    # --- database look-ups (run in a thread) -------------------------------------------

    def load_batch(self, batch_id: str) -> Batch | None:
        with Session(get_engine(self.settings.sqlalchemy_url), expire_on_commit=False) as session:
            return session.get(Batch, batch_id)

    def scan_org(self, org_id: str, changed_since: datetime | None) -> list[Batch]:
        """The organization's live batches that are active, or changed since ``changed_since``."""
        wanted: ColumnElement[bool] = col(Batch.status).in_(ACTIVE_STATUSES)
        if changed_since is not None:
            wanted = or_(wanted, col(Batch.updated_at) >= changed_since)
        query = (
            select(Batch)
            .where(Batch.org_id == org_id, col(Batch.deleted_at).is_(None), wanted)
            .order_by(col(Batch.created_at))
        )
        with Session(get_engine(self.settings.sqlalchemy_url), expire_on_commit=False) as session:
            return list(session.exec(query).all())

    # --- shutdown ----------------------------------------------------------------------

    async def close(self) -> None:
        watchers: list[BatchWatcher | OrgWatcher] = [
            *self.watchers.values(),
            *self.org_watchers.values(),
        ]
        tasks = [w.task for w in watchers if w.task]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def visible(rows: Iterable[Batch], project_id: str | None) -> list[Batch]:
    return [r for r in rows if project_id is None or r.project_id == project_id]


def created_after(row: Batch, moment: datetime) -> bool:
    return _aware(row.created_at) >= moment


def get_hub(app: FastAPI) -> ProgressHub:
    """The app's hub, made on first use; the app's lifespan stops its tasks on shutdown."""
    hub: ProgressHub | None = getattr(app.state, "progress_hub", None)
    if hub is None:
        hub = ProgressHub(app.state.settings, app.state.temporal)
        app.state.progress_hub = hub
        background = getattr(app.state, "background", None)
        if isinstance(background, list):  # api/app.py cancels these tasks on shutdown
            background.append(asyncio.create_task(_close_on_shutdown(hub), name="progress-hub"))
    return hub


async def _close_on_shutdown(hub: ProgressHub) -> None:
    try:
        await asyncio.Event().wait()
    finally:
        await hub.close()
