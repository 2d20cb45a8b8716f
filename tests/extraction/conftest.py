"""Fixtures for the extraction engine tests: fixture files, templates, a fake LLM server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from extraction import BUILTIN_TEMPLATES, TemplateSpec

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "extraction"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def spec(name: str, **engine: Any) -> TemplateSpec:
    t = BUILTIN_TEMPLATES[name]
    return TemplateSpec(
        t["name"], t["templateSchema"], t["instructions"], {**t["engine"], **engine}
    )


@pytest.fixture
def invoice() -> TemplateSpec:
    return spec("invoice")


@pytest.fixture
def receipt() -> TemplateSpec:
    return spec("receipt")


class FakeLLM:
    """A real HTTP server speaking OpenAI chat completions, answering from a script."""

    def __init__(self) -> None:
        self.script: list[tuple[int, Any]] = []  # (status, content dict/str) per request
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(body)
                fake.headers.append(dict(self.headers))
                if self.path != "/v1/chat/completions":
                    return self._send(404, {"error": {"message": "not found"}})
                status, content = fake.script.pop(0) if fake.script else (500, "script exhausted")
                if status != 200:
                    return self._send(status, {"error": {"message": str(content)}})
                text = content if isinstance(content, str) else json.dumps(content)
                self._send(
                    200,
                    {
                        "id": "chatcmpl-test",
                        "object": "chat.completion",
                        "model": body.get("model"),
                        "choices": [
                            {
                                "index": 0,
                                "finish_reason": "stop",
                                "message": {"role": "assistant", "content": text},
                            }
                        ],
                    },
                )

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"


@contextmanager
def serving(fake: Any) -> Iterator[Any]:
    """Run a local HTTP double (an object with ``server`` and ``thread``) for the block's length."""
    fake.thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    with serving(FakeLLM()) as fake:
        yield fake
