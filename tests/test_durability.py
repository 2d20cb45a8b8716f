"""Nothing accepted is lost: a worker killed mid-batch, an API restarted, Temporal briefly away."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session, select
from temporalio.client import Client

from core.db import get_engine
from core.models import BatchFile, CreditEntry
from tests.harness import DOCS, eventually, make_settings, running_service

ROOT = Path(__file__).resolve().parent.parent


def start_worker_process(settings, target: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DOCBATCH_DATA_DIR": str(settings.data_dir),
        "DOCBATCH_TEMPORAL_ADDRESS": target,
        "DOCBATCH_TASK_QUEUE": settings.task_queue,
        "DOCBATCH_WORKER_MAX_ACTIVITIES": "1",
        "DOCBATCH_DATABASE_URL": settings.database_url,
    }
    return subprocess.Popen(
        [sys.executable, str(ROOT / "worker.py")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def file_rows(settings, batch_id: str) -> list[BatchFile]:
    with Session(get_engine(settings.sqlalchemy_url)) as session:
        return list(session.exec(select(BatchFile).where(BatchFile.batch_id == batch_id)).all())


async def test_killing_the_worker_mid_batch_loses_nothing(
    tmp_path: Path, temporal_client: Client
) -> None:
    settings = make_settings(tmp_path, heartbeat_timeout_seconds=3)
    target = temporal_client.service_client.config.target_host
    docs = tmp_path / "docs"
    docs.mkdir()
    paths = []
    for i in range(20):
        source = [
            DOCS / "invoice-acme.pdf",
            DOCS / "invoice-globex.pdf",
            DOCS / "invoice-umbrella.pdf",
        ][i % 3]
        paths.append(shutil.copy(source, docs / f"invoice-{i:02d}.pdf"))

    async with running_service(settings, temporal_client, with_worker=False) as svc:
        start_balance = (await svc.http.get(f"/credits/{svc.org_id}")).json()["balance"]
        batch = (await svc.upload([Path(p) for p in paths], name="kill test")).json()
        first = start_worker_process(settings, target)
        try:
            await eventually(
                lambda: [r.status for r in file_rows(settings, batch["id"])],
                lambda states: states.count("completed") >= 3,
                timeout=60,
                interval=0.05,
                what="3 files completed before the kill",
            )
            first.send_signal(signal.SIGKILL)
            first.wait()
            done_at_kill = len(
                [r for r in file_rows(settings, batch["id"]) if r.status == "completed"]
            )
            assert 3 <= done_at_kill < 20, "the worker must die in the middle of the batch"
            print(f"\nSIGKILL worker pid {first.pid} with {done_at_kill}/20 files completed")
        finally:
            if first.poll() is None:
                first.kill()

        second = start_worker_process(settings, target)
        try:
            final = await svc.wait_final(batch["id"], timeout=180)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=60)

        assert final["status"] == "completed"
        assert (final["completedFiles"], final["failedFiles"]) == (20, 0)
        rows = file_rows(settings, batch["id"])
        assert len(rows) == 20 and all(
            r.result and r.result["fields"]["invoice_number"] for r in rows
        )
        export = (
            await svc.http.get(
                f"/batch/{svc.org_id}/{batch['id']}/export", params={"format": "json"}
            )
        ).json()
        exported_ids = [r["fileId"] for r in export["results"]]
        assert sorted(exported_ids) == sorted(r.id for r in rows)  # every file once in the results
        end_balance = (await svc.http.get(f"/credits/{svc.org_id}")).json()["balance"]
        assert end_balance == start_balance - 20
        with Session(get_engine(settings.sqlalchemy_url)) as session:
            entries = session.exec(
                select(CreditEntry).where(CreditEntry.batch_id == batch["id"])
            ).all()
        assert [(e.reason, e.delta) for e in entries] == [("batch_charge", -20)]
        attempts = sorted(r.attempts for r in rows)
        print(
            f"second worker finished the batch: {final['status']}, "
            f"{final['completedFiles']}/20 completed, "
            f"{len(exported_ids)} results exported (each file once), attempts per file {attempts}, "
            f"credits {start_balance} -> {end_balance}, "
            f"ledger {[(e.reason, e.delta) for e in entries]}"
        )


async def test_restarting_the_api_loses_nothing(tmp_path: Path, temporal_client: Client) -> None:
    """An upload accepted while Temporal was unreachable is started by the next API process."""
    offline = make_settings(tmp_path, temporal_address="127.0.0.1:1")
    async with running_service(offline, None, with_worker=False) as svc:  # type: ignore[arg-type]
        resp = await svc.upload(
            [DOCS / "invoice-acme.pdf", DOCS / "receipt.txt"], name="while offline"
        )
        assert resp.status_code == 201, resp.text
        accepted = resp.json()
        assert accepted["status"] == "uploading"

    online = offline.model_copy(update={"temporal_address": ""})
    async with running_service(online, temporal_client) as svc:
        final = await svc.wait_final(accepted["id"])
        assert final["name"] == "while offline" and final["status"] == "completed"
        assert [f["fileName"] for f in final["files"]] == ["invoice-acme.pdf", "receipt.txt"]

    async with running_service(online, temporal_client, with_worker=False) as svc:
        again = (await svc.http.get(f"/batch/{svc.org_id}/{accepted['id']}")).json()
        assert again["status"] == "completed" and again["completedFiles"] == 2
