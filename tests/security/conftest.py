"""Fixtures for the attack tests: the API in its own process (for memory figures)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.extraction.conftest import serving
from tests.security.live import ApiProcess, api_process

ANSWER_AFTER = 3.0  # seconds the slow LLM takes to answer: several heartbeat timeouts of the tests


@pytest.fixture
def api(tmp_path: Path, temporal_env: WorkflowEnvironment) -> Iterator[ApiProcess]:
    target = temporal_env.client.service_client.config.target_host
    with api_process(
        tmp_path, target, DOCBATCH_MAX_FILE_SIZE_MB="2", DOCBATCH_MAX_FILES_PER_BATCH="3"
    ) as proc:
        yield proc


class SlowLLM:
    """A chat-completions endpoint on loopback that answers after ANSWER_AFTER seconds."""

    def __init__(self) -> None:
        self.calls = 0
        slow = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                slow.calls += 1
                time.sleep(ANSWER_AFTER)
                content = json.dumps({"total": 12.5})
                data = json.dumps(
                    {"choices": [{"message": {"role": "assistant", "content": content}}]}
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"


@pytest.fixture
def slow_llm() -> Iterator[SlowLLM]:
    with serving(SlowLLM()) as fake:
        yield fake
