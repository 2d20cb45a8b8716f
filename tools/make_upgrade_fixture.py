"""Make ``tests/fixtures/upgrade/pre-alembic.tar.gz``: a data directory written by docbatch before
Alembic owned the schema (commit 3b43b1e), so the upgrade test has a real old installation.

Run it at that commit (``git worktree add /tmp/old 3b43b1e``) with this repository's venv:
``python tools/make_upgrade_fixture.py OUT.tar.gz``. It starts ``docbatch run`` on free ports
with a retry window of ten years (the batch's workflow stays open, waiting for retries), uploads
one batch (an invoice that completes, a corrupt PDF that fails) and stops the service cleanly.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "dbt_test_owner_token"  # tests.harness.OWNER_TOKEN


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        api = free_port()
        env = {
            **os.environ,
            "DOCBATCH_DATA_DIR": str(data),
            "DOCBATCH_API_PORT": str(api),
            "DOCBATCH_TEMPORAL_PORT": str(free_port()),
            "DOCBATCH_TEMPORAL_UI_PORT": str(free_port()),
            "DOCBATCH_BOOTSTRAP_TOKEN": TOKEN,
            "DOCBATCH_RETRY_WINDOW_SECONDS": str(10 * 365 * 86400),
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "run"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            for line in proc.stdout:  # type: ignore[union-attr]
                print(line, end="")
                if "Ctrl-C stops everything" in line:
                    break
            base, headers = f"http://127.0.0.1:{api}", {"Authorization": f"Bearer {TOKEN}"}
            me = httpx.get(f"{base}/me", headers=headers).json()
            docs = ROOT / "tests" / "fixtures" / "docs"
            resp = httpx.post(
                f"{base}/batch/{me['organizationId']}/upload",
                headers=headers,
                timeout=60,
                files=[
                    ("files", (n, (docs / n).read_bytes()))
                    for n in ("invoice-acme.pdf", "corrupt.pdf")
                ],
                data={
                    "projectId": me["projects"][0]["id"],
                    "name": "Before Alembic",
                    "templateId": next(t["id"] for t in me["templates"] if t["name"] == "invoice"),
                },
            )
            resp.raise_for_status()
            batch_id = resp.json()["id"]
            for _ in range(600):
                detail = httpx.get(
                    f"{base}/batch/{me['organizationId']}/{batch_id}", headers=headers
                ).json()
                if detail["status"] in ("completed", "partially_failed", "failed"):
                    break
                time.sleep(0.2)
            print(json.dumps(detail, indent=1))
            (data / "fixture.json").write_text(
                json.dumps(
                    {
                        "token": TOKEN,
                        "orgId": me["organizationId"],
                        "batchId": batch_id,
                        "status": detail["status"],
                        "files": {f["fileName"]: f["id"] for f in detail["files"]},
                    },
                    indent=1,
                )
            )
        finally:
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(timeout=90)
        for leftover in data.glob("*.db-*"):
            print("note: leftover", leftover)
        with tarfile.open(out, "w:gz") as tar:
            tar.add(data, arcname="data")
    print("wrote", out, out.stat().st_size, "bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
