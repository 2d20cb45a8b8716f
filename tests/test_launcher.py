"""`docbatch run` (what `make run` starts): everything up, Ctrl-C stops it, a restart keeps data."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from tests.harness import FINAL, eventually_sync

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def wait_ready(proc: subprocess.Popen) -> list[str]:
    lines = []
    for line in proc.stdout:  # type: ignore[union-attr]
        lines.append(line)
        if "Ctrl-C stops everything" in line:
            return lines
    raise AssertionError("docbatch run exited before it was ready:\n" + "".join(lines))


def stop(proc: subprocess.Popen) -> int:
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
    try:
        return proc.wait(timeout=90)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_run_starts_everything_and_a_restart_keeps_data(tmp_path: Path) -> None:
    api, temporal, ui = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "DOCBATCH_DATA_DIR": str(tmp_path / "data"),
        "DOCBATCH_API_PORT": str(api),
        "DOCBATCH_TEMPORAL_PORT": str(temporal),
        "DOCBATCH_TEMPORAL_UI_PORT": str(ui),
    }
    env.pop("DOCBATCH_BOOTSTRAP_TOKEN", None)

    proc = start(env)
    try:
        output = "".join(wait_ready(proc))
        info = json.loads((tmp_path / "data" / "bootstrap.json").read_text())
        assert oct((tmp_path / "data" / "bootstrap.json").stat().st_mode & 0o777) == "0o600"
        assert info["token"] in output  # printed once on first start
        headers = {"Authorization": f"Bearer {info['token']}"}
        base = f"http://127.0.0.1:{api}"
        me = httpx.get(f"{base}/me", headers=headers).json()
        assert {t["name"] for t in me["templates"]} >= {"invoice", "receipt"}
        assert (
            httpx.get(f"http://127.0.0.1:{ui}/", timeout=10).status_code == 200
        )  # Temporal Web UI
        resp = httpx.post(
            f"{base}/batch/{me['organizationId']}/upload",
            headers=headers,
            files=[("files", ("r.txt", b"Company: Corner Shop\nTotal: 12.50\n"))],
            data={
                "projectId": me["projects"][0]["id"],
                "templateId": next(t["id"] for t in me["templates"] if t["name"] == "receipt"),
            },
        )
        assert resp.status_code == 201, resp.text
        batch_id = resp.json()["id"]
        status = eventually_sync(
            lambda: httpx.get(
                f"{base}/batch/{me['organizationId']}/{batch_id}", headers=headers
            ).json()["status"],
            lambda s: s in FINAL,
            timeout=60,
            interval=0.2,
            what="the batch to finish",
        )
        assert status == "completed"
    finally:
        assert stop(proc) == 0

    proc = start(env)
    try:
        output = "".join(wait_ready(proc))
        assert "created organization" not in output
        detail = httpx.get(
            f"{base}/batch/{me['organizationId']}/{batch_id}", headers=headers
        ).json()
        assert detail["status"] == "completed" and detail["files"][0]["status"] == "completed"
    finally:
        assert stop(proc) == 0
