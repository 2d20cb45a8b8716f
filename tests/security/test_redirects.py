"""SSRF by redirect: a webhook receiver or a template's LLM URL that answers 302 towards another
address is not followed (the target listener is never called)."""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client

from tests.harness import DOCS, Service, eventually, make_settings, running_service


class Listener:
    """Records every request; answers 302 to ``location`` when given, else 200."""

    def __init__(self, location: str | None = None) -> None:
        self.paths: list[str] = []
        me = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                me.paths.append(self.path)
                self.send_response(302 if location else 200)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def target() -> Iterator[Listener]:
    t = Listener()
    yield t
    t.close()


@pytest.fixture
def redirector(target: Listener) -> Iterator[Listener]:
    r = Listener(location=target.url + "/internal")
    yield r
    r.close()


@pytest.fixture
async def open_service(tmp_path: Path, temporal_client: Client) -> AsyncIterator[Service]:
    """Private hosts allowed (so loopback listeners can stand in), quick webhook retries."""
    settings = make_settings(
        tmp_path,
        webhook_allow_private=True,
        llm_allow_private=True,
        webhook_retry_initial_seconds=0.2,
        webhook_retry_max_interval_seconds=0.5,
    )
    async with running_service(settings, temporal_client) as svc:
        yield svc


async def test_redirects_are_not_followed(
    open_service: Service, redirector: Listener, target: Listener
) -> None:
    svc = open_service
    schema = {"type": "object", "properties": {"total": {"type": "number"}}}
    engine = {"mode": "llm", "base_url": redirector.url + "/v1", "model": "m"}
    resp = await svc.http.post(
        "/ui/templates/test",
        files={"file": ("r.txt", (DOCS / "receipt.txt").read_bytes())},
        data={"templateSchema": json.dumps(schema), "engine": json.dumps(engine)},
    )
    assert resp.status_code in (400, 503), resp.text
    assert redirector.paths == ["/v1/chat/completions"]

    hook = (
        await svc.http.post(
            f"/webhooks/{svc.org_id}",
            json={"name": "r", "url": redirector.url + "/hook", "events": ["batch.completed"]},
        )
    ).json()
    sent = await svc.http.post(f"/webhooks/{svc.org_id}/{hook['id']}/test")
    assert sent.status_code == 202
    event_id = sent.json()["eventId"]

    async def attempts() -> list[dict]:
        path = f"/webhooks/{svc.org_id}/{hook['id']}/deliveries"
        return (await svc.http.get(path, params={"eventId": event_id})).json()["data"]

    # the first attempt is recorded within moments
    log = await eventually(attempts, timeout=30, interval=0.05, what="a delivery attempt")
    assert log[-1]["statusCode"] == 302 and log[-1]["outcome"] == "retrying"
    assert "/hook" in redirector.paths
    assert target.paths == []  # neither the LLM call nor the webhook followed the redirect
    await svc.http.delete(f"/webhooks/{svc.org_id}/{hook['id']}")  # stops the retries
