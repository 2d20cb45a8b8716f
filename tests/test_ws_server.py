"""A real docbatch over TCP for WebSocket tests: uvicorn in the test loop, optional worker.

No tests here: ``tests/test_ws*.py``, ``test_retries*.py`` and ``test_submit*.py`` import it.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from temporalio.client import Client
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from api.app import create_app
from core.settings import Settings
from tests.harness import OWNER_TOKEN
from worker import build_worker

FINAL = ("completed", "partially_failed", "failed")


@dataclass
class LiveServer:
    settings: Settings
    port: int
    http: httpx.AsyncClient
    org_id: str = ""
    project_id: str = ""
    templates: dict[str, str] = field(default_factory=dict)
    app: Any = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ws_url(self, org_id: str | None = None, **params: Any) -> str:
        query = "&".join(f"{k}={v}" for k, v in params.items() if v is not None)
        return f"ws://127.0.0.1:{self.port}/ws/{org_id or self.org_id}" + (f"?{query}" if query else "")

    async def upload(self, paths: list[Path], template: str = "invoice", name: str | None = None,
                     project_id: str | None = None) -> dict:
        files = [("files", (p.name, p.read_bytes())) for p in paths]
        data = {"projectId": project_id or self.project_id, "templateId": self.templates[template]}
        if name:
            data["name"] = name
        resp = await self.http.post(f"/batch/{self.org_id}/upload", files=files, data=data)
        assert resp.status_code == 201, resp.text
        return resp.json()

    async def wait_final(self, batch_id: str, timeout: float = 180) -> dict:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            body = (await self.http.get(f"/batch/{self.org_id}/{batch_id}")).json()
            if body["status"] in FINAL:
                return body
            assert loop.time() < deadline, f"batch {batch_id} did not finish: {body}"
            await asyncio.sleep(0.2)


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@asynccontextmanager
async def live_api(settings: Settings, client: Client) -> AsyncIterator[LiveServer]:
    """The API app served by uvicorn on a free port, in this event loop."""
    app = create_app(settings, temporal_client=client, reconcile_every=1.0)
    sock = free_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning", ws="websockets-sansio"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            assert not task.done(), "uvicorn did not start"
            await asyncio.sleep(0.02)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60,
                                     headers={"Authorization": f"Bearer {OWNER_TOKEN}"}) as http:
            live = LiveServer(settings, port, http, app=app)
            me = (await http.get("/me")).json()
            live.org_id, live.project_id = me["organizationId"], me["projects"][0]["id"]
            live.templates = {t["name"]: t["id"] for t in me["templates"]}
            yield live
    finally:
        server.should_exit = True
        await task
        sock.close()


@asynccontextmanager
async def in_process_worker(settings: Settings, client: Client) -> AsyncIterator[None]:
    with ThreadPoolExecutor(max_workers=max(8, settings.worker_max_activities)) as pool:
        async with build_worker(client, settings, pool):
            yield


@asynccontextmanager
async def live_service(settings: Settings, client: Client) -> AsyncIterator[LiveServer]:
    async with AsyncExitStack() as stack:
        live = await stack.enter_async_context(live_api(settings, client))
        await stack.enter_async_context(in_process_worker(settings, client))
        yield live


class Recorder:
    """Reads a socket in the background and keeps every message, for the test to inspect."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.messages: list[dict] = []
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

    def of(self, batch_id: str) -> list[dict]:
        return [m for m in self.messages if m["data"].get("batchId") == batch_id]

    async def wait_for(self, predicate: Any, timeout: float = 180) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate(self):
            assert self.task.done() is False or predicate(self), f"socket ended early: {self.closed}"
            remaining = deadline - loop.time()
            assert remaining > 0, f"timed out; got {self.messages[-5:]}"
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    async def wait_final(self, batch_id: str, timeout: float = 180) -> list[dict]:
        await self.wait_for(lambda r: is_final(r.of(batch_id)), timeout)
        return self.of(batch_id)

    async def close(self) -> None:
        await self.ws.close()
        await self.task


def is_final(messages: list[dict]) -> bool:
    return bool(messages) and messages[-1]["event"] == "batch_progress_updated" \
        and messages[-1]["data"]["status"] in FINAL


@asynccontextmanager
async def recording(url: str, **kwargs: Any) -> AsyncIterator[Recorder]:
    async with connect(url, **kwargs) as ws:
        rec = Recorder(ws)
        try:
            yield rec
        finally:
            await rec.close()


def progress_counts(messages: list[dict]) -> list[int]:
    return [m["data"]["completedFiles"] + m["data"]["failedFiles"]
            for m in messages if m["event"] == "batch_progress_updated"]


def assert_whole_batch(messages: list[dict], total: int, failed_names: set[str]) -> None:
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


@asynccontextmanager
async def webhook_sink() -> AsyncIterator[tuple[str, list[dict]]]:
    """A tiny receiver on a free port that keeps every JSON body posted to it."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    received: list[dict] = []

    async def hook(request: Request) -> Response:
        received.append(json.loads(await request.body()))
        return Response(status_code=204)

    app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
    sock = free_socket()
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/hook", received
    finally:
        server.should_exit = True
        await task
        sock.close()
