"""`docbatch backup` of a running installation, `docbatch restore` into a new data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.harness import eventually_sync
from tests.test_launcher import start, stop
from tests.test_supervisor import Output, _env

ROOT = Path(__file__).resolve().parent.parent
DOCS = Path(__file__).parent / "fixtures" / "docs"
HEADERS = {"Authorization": "Bearer dbt_supervisor_test_owner"}


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _upload(base: str, me: dict, names: tuple[str, ...]) -> str:
    resp = httpx.post(
        f"{base}/batch/{me['organizationId']}/upload",
        headers=HEADERS,
        timeout=60,
        files=[("files", (n, (DOCS / n).read_bytes())) for n in names],
        data={
            "projectId": me["projects"][0]["id"],
            "templateId": next(t["id"] for t in me["templates"] if t["name"] == "invoice"),
        },
    )
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def _wait(base: str, org: str, batch_id: str, until: tuple[str, ...]) -> dict:
    return eventually_sync(
        lambda: httpx.get(f"{base}/batch/{org}/{batch_id}", headers=HEADERS).json(),
        lambda detail: detail["status"] in until,
        timeout=180,
        interval=0.2,
        what=f"batch {batch_id} in {until}",
    )


def test_backup_while_running_then_restore_elsewhere(tmp_path: Path) -> None:
    env, api, _ = _env(tmp_path / "a")
    proc = start(env)
    out = Output(proc)
    base = f"http://127.0.0.1:{api}"
    try:
        out.wait_for("Ctrl-C stops everything")
        me = httpx.get(f"{base}/me", headers=HEADERS).json()
        org = me["organizationId"]
        kept = _upload(base, me, ("invoice-acme.pdf", "corrupt.pdf"))
        detail = _wait(base, org, kept, ("partially_failed",))
        balance = httpx.get(f"{base}/credits/{org}", headers=HEADERS).json()["balance"]

        made = _cli(env, "backup", str(tmp_path / "backup"))  # online, while the service runs
        assert made.returncode == 0, made.stderr
        assert "2 files, Temporal dev server database" in made.stdout, made.stdout
        later = _upload(base, me, ("invoice-globex.pdf",))  # after the backup: not in it
        _wait(base, org, later, ("completed",))
    finally:
        assert stop(proc) == 0, out.text()

    env_b, api_b, _ = _env(tmp_path / "b")
    restored = _cli(env_b, "restore", str(tmp_path / "backup"))
    assert restored.returncode == 0, restored.stderr
    again = _cli(env_b, "restore", str(tmp_path / "backup"))
    assert again.returncode != 0 and "already holds an installation" in again.stderr

    proc = start(env_b)
    out = Output(proc)
    base = f"http://127.0.0.1:{api_b}"
    try:
        out.wait_for("Ctrl-C stops everything")
        assert "created organization" not in out.text()
        assert _wait(base, org, kept, ("partially_failed",))["files"] == detail["files"]
        assert httpx.get(f"{base}/batch/{org}/{later}", headers=HEADERS).status_code == 404
        assert httpx.get(f"{base}/credits/{org}", headers=HEADERS).json()["balance"] == balance
        csv = httpx.get(
            f"{base}/batch/{org}/{kept}/export", params={"format": "csv"}, headers=HEADERS
        )
        assert csv.status_code == 200 and b"invoice-acme.pdf" in csv.content

        # The restored Temporal database still holds the batch's open workflow: a retry reaches it.
        corrupt = next(f["id"] for f in detail["files"] if f["fileName"] == "corrupt.pdf")
        resp = httpx.post(f"{base}/batch/{org}/{kept}/files/{corrupt}/retry", headers=HEADERS)
        assert resp.status_code in (200, 202), resp.text
        record = eventually_sync(
            lambda: httpx.get(f"{base}/processing-history/{org}/{corrupt}", headers=HEADERS).json(),
            lambda r: r["attempts"] == 2 and r["status"] == "failed",
            timeout=120,
            interval=0.2,
            what="the retried file to fail again",
        )
        assert record["attempts"] == 2 and record["errorCode"] == "CorruptFile"
    finally:
        assert stop(proc) == 0, out.text()
    assert os.path.exists(tmp_path / "backup" / "docbatch-backup.json")
