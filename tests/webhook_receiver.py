"""A real HTTP receiver for webhook tests: uvicorn on 127.0.0.1, in the test's event loop.

Its port is bound before it listens, so "down" (connection refused) and "up" are the same URL.
``answer`` decides the status per request; ``hold`` (an Event) keeps requests waiting.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn

from tests.harness import eventually


@dataclass
class Received:
    at: float  # monotonic seconds
    path: str
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    answer: Callable[[Received], int] = lambda r: 200
    hold: asyncio.Event | None = None
    log: list[Received] = field(default_factory=list)
    holding: int = 0
    started_at: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))  # bound, not listening: connections are refused
        self.port = self._sock.getsockname()[1]
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    async def app(self, scope: dict, receive: Callable, send: Callable) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        record = Received(time.monotonic(), scope["path"], headers, body, 0)
        record.status = self.answer(record)
        self.log.append(record)
        if self.hold is not None:
            self.holding += 1
            try:
                await self.hold.wait()
            finally:
                self.holding -= 1
        await send(
            {
                "type": "http.response.start",
                "status": record.status,
                "headers": [(b"content-type", b"text/plain")],
            }
        )
        await send(
            {
                "type": "http.response.body",
                "body": b"ok" if record.status < 300 else b"receiver says no",
            }
        )

    async def start(self) -> None:
        self._sock.listen(64)
        config = uvicorn.Config(
            self.app,
            interface="asgi3",
            lifespan="off",
            log_level="warning",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[self._sock]))
        server, task = self._server, self._task

        def started() -> bool:
            if task.done():
                task.result()  # raises what stopped it
            return server.started

        await eventually(started, timeout=60, interval=0.01, what="the webhook receiver to start")

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
        self._sock.close()

    def events(self, status: int | None = 200) -> list[dict[str, Any]]:
        return [r.event for r in self.log if status is None or r.status == status]

    def excerpt(self) -> str:
        """What the receiver saw, one line per request: time, event, status answered."""
        lines = []
        for r in self.log:
            e = r.event
            lines.append(
                f"t+{r.at - self.started_at:6.2f}s  {e['eventType']:<19} {e['eventId']}  "
                f"-> {r.status}"
            )
        return "\n".join(lines)
