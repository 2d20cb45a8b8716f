"""A WebSocket client for progress tests: reads a socket in the background, keeps every message.

Also the checks every "whole batch over a socket" test shares. The server side is
``tests.harness.live_service``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.harness import FINAL, Json


class Recorder:
    """Reads a socket in the background and keeps every message, for the test to inspect."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.messages: list[Json] = []
        self.closed: ConnectionClosed | None = None
        self._changed = asyncio.Event()
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for text in self.ws:
                self.messages.append(json.loads(text))
                self._changed.set()
        except ConnectionClosed as exc:
            self.closed = exc
        self._changed.set()

    def of(self, batch_id: str) -> list[Json]:
        return [m for m in self.messages if m["data"].get("batchId") == batch_id]

    async def wait_for(self, predicate: Any, timeout: float = 180) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate(self):
            assert self.task.done() is False or predicate(self), (
                f"socket ended early: {self.closed}"
            )
            remaining = deadline - loop.time()
            assert remaining > 0, f"timed out; got {self.messages[-5:]}"
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                pass

    async def wait_final(self, batch_id: str, timeout: float = 180) -> list[Json]:
        await self.wait_for(lambda r: is_final(r.of(batch_id)), timeout)
        return self.of(batch_id)

    async def close(self) -> None:
        await self.ws.close()
        await self.task


def is_final(messages: list[Json]) -> bool:
    return (
        bool(messages)
        and messages[-1]["event"] == "batch_progress_updated"
        and messages[-1]["data"]["status"] in FINAL
    )


@asynccontextmanager
async def recording(url: str, **kwargs: Any) -> AsyncIterator[Recorder]:
    async with connect(url, **kwargs) as ws:
        rec = Recorder(ws)
        try:
            yield rec
        finally:
            await rec.close()


def progress_counts(messages: list[Json]) -> list[int]:
    return [
        m["data"]["completedFiles"] + m["data"]["failedFiles"]
        for m in messages
        if m["event"] == "batch_progress_updated"
    ]


def assert_whole_batch(messages: list[Json], total: int, failed_names: set[str]) -> None:
    """Every count from 0 to total in order, one document event per file, the final status last."""
    assert messages[0]["event"] == "batch_progress_updated", messages[0]
    counts = progress_counts(messages)
    assert counts == sorted(counts), counts
    assert sorted(set(counts)) == list(range(total + 1)), counts
    docs = [m for m in messages if m["event"] in ("document_processed", "document_failed")]
    assert len(docs) == total, docs
    assert {m["data"]["fileName"] for m in docs if m["event"] == "document_failed"} == failed_names
    for m in docs:
        if m["event"] == "document_failed":
            assert m["data"]["errorCode"] and m["data"]["errorMessage"], m
    # each document event is immediately followed by the progress update that counts it
    seen = 0
    for i, m in enumerate(messages):
        if m["event"] in ("document_processed", "document_failed"):
            seen += 1
            nxt = messages[i + 1]
            assert nxt["event"] == "batch_progress_updated", nxt
            assert nxt["data"]["completedFiles"] + nxt["data"]["failedFiles"] == seen
    last = messages[-1]
    assert last["event"] == "batch_progress_updated" and last["data"]["status"] in FINAL
    assert last["data"]["progress"] == 100
