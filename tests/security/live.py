"""The API as its own process (uvicorn on a free loopback port), and a raw HTTP/1.1 client that
keeps sending a chunked body until the server answers, so a test can see when the server gave up
reading and how much memory the API process needed meanwhile."""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from core.schema import migrate
from core.settings import Settings
from tests.harness import OWNER_TOKEN, eventually_sync

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ApiProcess:
    proc: subprocess.Popen
    port: int
    org_id: str = ""
    project_id: str = ""
    templates: dict[str, str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def status(self, field: str) -> int:
        """A memory figure of the API process in bytes (VmRSS now, VmHWM peak)."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
        raise AssertionError(f"{field} not in /proc/{self.proc.pid}/status")

    def reset_peak(self) -> None:
        """Start VmHWM again from the current resident size (Linux: clear_refs 5)."""
        Path(f"/proc/{self.proc.pid}/clear_refs").write_text("5")


@contextmanager
def api_process(
    tmp: Path, temporal_target: str, log_level: str = "warning", **env: str
) -> Iterator[ApiProcess]:
    migrate(
        Settings(data_dir=tmp).sqlalchemy_url
    )  # what `docbatch migrate` does before the API starts
    port = free_port()
    environ = {
        **os.environ,
        "DOCBATCH_DATA_DIR": str(tmp),
        "DOCBATCH_BOOTSTRAP_TOKEN": OWNER_TOKEN,
        "DOCBATCH_TEMPORAL_ADDRESS": temporal_target,
        "DOCBATCH_TASK_QUEUE": f"docbatch-sec-{port}",
        **env,
    }
    log = open(tmp / "api.log", "wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "api.app:app_factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            log_level,
        ],
        cwd=ROOT,
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    api = ApiProcess(proc, port)
    try:

        def me_answer() -> httpx.Response:
            if proc.poll() is not None:
                raise AssertionError(f"the API exited: {(tmp / 'api.log').read_text()[-2000:]}")
            return httpx.get(
                api.url + "/me", headers={"Authorization": f"Bearer {OWNER_TOKEN}"}, timeout=2
            )

        me = eventually_sync(
            me_answer,
            lambda answer: answer.status_code == 200,
            timeout=60,
            ignore=(httpx.TransportError,),
            what="the API to start",
        )
        body = me.json()
        api.org_id, api.project_id = body["organizationId"], body["projects"][0]["id"]
        api.templates = {t["name"]: t["id"] for t in body["templates"]}
        yield api
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@dataclass
class Answer:
    status: int
    body: bytes
    sent: int  # body bytes the server accepted from us before it answered


def send_chunked(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str],
    total: int,
    chunk: bytes = b"x" * (1 << 20),
    prefix: bytes = b"",
) -> Answer:
    """Send ``prefix`` then ``chunk`` repeated up to ``total`` bytes, chunked, stopping as soon as
    the server answers (or stops reading and closes); then read the answer."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    sock.sendall(head.encode())
    sent = 0
    pending = b""
    body_left = total
    first = True
    stalled_since: float | None = None
    try:
        while True:
            if not pending:
                if body_left <= 0:
                    pending = b"0\r\n\r\n"
                    body_left = -1
                elif body_left > 0:
                    data = prefix if first and prefix else chunk[:body_left]
                    first = False
                    body_left -= len(data)
                    pending = f"{len(data):x}\r\n".encode() + data + b"\r\n"
            readable, writable, _ = select.select([sock], [sock] if pending else [], [], 5)
            if readable:
                break
            if not writable:
                stalled_since = stalled_since or time.monotonic()
                if (
                    time.monotonic() - stalled_since > 20
                ):  # the server stopped reading and never answered
                    raise AssertionError(
                        f"no answer after {sent} bytes and the server stopped reading"
                    )
                continue
            stalled_since = None
            n = sock.send(pending)
            sent += n
            pending = pending[n:]
            if body_left == -1 and not pending:
                readable, _, _ = select.select([sock], [], [], 30)
                break
    except (BrokenPipeError, ConnectionResetError):
        pass
    data = b""
    sock.settimeout(30)
    try:
        while b"\r\n\r\n" not in data or not _complete(data):
            got = sock.recv(65536)
            if not got:
                break
            data += got
    except (TimeoutError, ConnectionResetError):
        pass
    finally:
        sock.close()
    if not data:
        raise AssertionError(f"no answer after {sent} bytes")
    status = int(data.split(b" ", 2)[1])
    return Answer(status, data.split(b"\r\n\r\n", 1)[1], sent)


def _complete(data: bytes) -> bool:
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip())
    return False
