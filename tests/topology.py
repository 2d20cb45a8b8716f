"""The production topology on one machine, without Docker, started with the compose file's commands.

A Temporal server as its own process (``temporal server start-dev`` on free ports, standing in
for the cluster), a fresh PostgreSQL database, an S3-compatible store (moto server), then
``docbatch migrate``, N API processes (``uvicorn api.app:app_factory --factory``) and M worker
processes (``python worker.py``). Every API and worker gets a data directory of its own, so
nothing is shared but the database, Temporal and the bucket: what machines apart would share.

Used by ``tests/test_scale_out.py`` and ``bench/bench_scale.py``; no tests here.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.harness import (
    DOCS,
    OWNER_TOKEN,
    drop_postgres_database,
    eventually_sync,
    fresh_postgres_database,
    temporal_binary,
)
from tests.s3_server import new_bucket, s3_environment, s3_server
from tests.test_launcher import free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    log: Path
    port: int = 0  # the API's port, or the worker's health port

    def alive(self) -> bool:
        return self.popen.poll() is None

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class Topology:
    root: Path
    env: dict[str, str] = field(default_factory=dict)
    apis: list[Proc] = field(default_factory=list)
    workers: list[Proc] = field(default_factory=list)
    others: list[Proc] = field(default_factory=list)
    _stack: ExitStack = field(default_factory=ExitStack)
    _count: int = 0

    # --- infrastructure -----------------------------------------------------------------
    def start_infrastructure(self, **settings: str) -> None:
        """Temporal, PostgreSQL database, S3 bucket, then the schema (the compose file's order)."""
        temporal_port = free_port()
        self._spawn(
            "temporal",
            [
                temporal_binary(),
                "server",
                "start-dev",
                "--ip",
                "127.0.0.1",
                "--port",
                str(temporal_port),
                "--headless",
                "--db-filename",
                str(self.root / "temporal.db"),
                "--search-attribute",
                "OrgId=Keyword",
                "--search-attribute",
                "BatchStatus=Keyword",
            ],
            into=self.others,
        )
        database = fresh_postgres_database()
        self._stack.callback(drop_postgres_database, database)
        endpoint = self._stack.enter_context(s3_server())
        self.bucket = new_bucket(endpoint)
        self.endpoint = endpoint
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCBATCH_", "AWS_"))}
        self.env.update(
            {
                "DOCBATCH_DATABASE_URL": database,
                "DOCBATCH_TEMPORAL_ADDRESS": f"127.0.0.1:{temporal_port}",
                "DOCBATCH_BOOTSTRAP_TOKEN": OWNER_TOKEN,
                "DOCBATCH_LOG_FORMAT": "json",
                **s3_environment(endpoint, self.bucket),
                **settings,
            }
        )
        _wait_port(temporal_port, 60, self.others[-1])
        migrate = subprocess.run(
            [str(BIN / "docbatch"), "migrate"],
            cwd=ROOT,
            env=self._env("migrate"),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if migrate.returncode:
            raise RuntimeError(f"docbatch migrate failed: {migrate.stdout}{migrate.stderr}")

    # --- docbatch processes ---------------------------------------------------------------
    def start_api(self) -> Proc:
        port = free_port()
        proc = self._spawn(
            "api",
            [
                str(BIN / "uvicorn"),
                "api.app:app_factory",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--proxy-headers",
                "--forwarded-allow-ips",
                "*",
            ],
            into=self.apis,
        )
        proc.port = port
        _wait_ready(proc, 180)
        return proc

    def start_worker(self) -> Proc:
        port = free_port()
        proc = self._spawn(
            "worker",
            [sys.executable, "worker.py"],
            into=self.workers,
            extra={"DOCBATCH_WORKER_HEALTH_PORT": str(port)},
        )
        proc.port = port
        _wait_ready(proc, 180)
        return proc

    def kill(self, proc: Proc) -> int:
        """SIGKILL: no graceful shutdown, no chance to report anything."""
        proc.popen.send_signal(signal.SIGKILL)
        return proc.popen.wait(30)

    def stop(self, proc: Proc) -> None:
        if proc.alive():
            proc.popen.terminate()
            try:
                proc.popen.wait(45)
            except subprocess.TimeoutExpired:
                proc.popen.kill()
                proc.popen.wait()

    def close(self) -> None:
        for proc in [*self.apis, *self.workers, *reversed(self.others)]:
            self.stop(proc)
        self._stack.close()

    def __enter__(self) -> Topology:
        self.root.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- helpers --------------------------------------------------------------------------
    def _env(self, name: str, extra: dict[str, str] | None = None) -> dict[str, str]:
        data_dir = self.root / name  # a data directory per process: nothing shared on disk
        data_dir.mkdir(parents=True, exist_ok=True)
        return {**self.env, "DOCBATCH_DATA_DIR": str(data_dir), **(extra or {})}

    def _spawn(
        self, kind: str, argv: list[str], *, into: list[Proc], extra: dict[str, str] | None = None
    ) -> Proc:
        self._count += 1
        name = f"{kind}{len(into) + 1}"
        log = self.root / f"{name}-{self._count}.log"
        env = self._env(name, extra) if kind != "temporal" else dict(os.environ)
        with open(log, "wb") as out:
            popen = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        proc = Proc(name, popen, log)
        into.append(proc)
        return proc

    def data_files(self) -> list[Path]:
        """Uploaded documents on any process's disk (there should be none: they are in S3)."""
        return [p for p in self.root.glob("*/files/**/*") if p.is_file()]


def _wait_port(port: int, timeout: float, proc: Proc) -> None:
    import socket

    def listening() -> bool:
        assert proc.alive(), f"{proc.name} exited"
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True

    try:
        eventually_sync(
            listening,
            timeout=timeout,
            interval=0.2,
            ignore=(OSError,),
            what=f"{proc.name} to open port {port}",
        )
    except AssertionError as exc:
        raise RuntimeError(
            f"{proc.name} did not open port {port} ({exc}):\n{proc.tail()}"
        ) from None


def _wait_ready(proc: Proc, timeout: float) -> None:
    """Until ``/health/ready`` answers 200, as the compose health checks wait."""

    def answer() -> httpx.Response:
        if not proc.alive():
            raise RuntimeError(f"{proc.name} exited ({proc.popen.returncode}):\n{proc.tail()}")
        return httpx.get(f"http://127.0.0.1:{proc.port}/health/ready", timeout=10)

    try:
        eventually_sync(
            answer,
            lambda a: a.status_code == 200,
            timeout=timeout,
            interval=0.3,
            ignore=(httpx.HTTPError,),
            what=f"{proc.name} /health/ready",
        )
    except AssertionError as exc:
        raise RuntimeError(f"{exc}:\n{proc.tail()}") from None


def invoices(folder: Path, count: int, tag: str) -> list[Path]:
    """``count`` text PDFs (copies of the fixture invoices under distinct names): real documents
    whose extraction takes long enough that a worker killed mid-way is holding some of them."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted(DOCS.glob("invoice-*.pdf"))
    return [
        Path(shutil.copy(sources[i % len(sources)], folder / f"{tag}-invoice-{i:03d}.pdf"))
        for i in range(count)
    ]
