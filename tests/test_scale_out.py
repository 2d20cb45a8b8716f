"""Scale-out on one machine: two API processes, three workers, PostgreSQL, S3, a Temporal server.

Started as the compose file starts them (``tests/topology.py``), each process with its own data
directory. Four batches of 50 text PDFs at once, one worker SIGKILLed mid-way: every file is
processed exactly once, the credits are exact, and WebSocket clients on either API process see
every event.
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections import Counter
from pathlib import Path

import httpx
import pytest
from temporalio.api.enums.v1 import PendingActivityState
from temporalio.client import Client
from websockets.asyncio.client import connect

from core.temporal import workflow_id
from tests.harness import OWNER_TOKEN, eventually, postgres_available
from tests.s3_server import client as s3_client
from tests.topology import Topology, invoices

BATCHES, FILES = 4, 50
FINAL = ("completed", "partially_failed", "failed")

pytestmark = pytest.mark.skipif(
    bool(postgres_available()),
    reason=f"PostgreSQL not reachable at 127.0.0.1:5432 ({postgres_available()})",
)


class Listener:
    """An organization-wide WebSocket on one API process, keeping every message it gets."""

    def __init__(self, port: int, org_id: str) -> None:
        self.url = f"ws://127.0.0.1:{port}/ws/{org_id}?token={OWNER_TOKEN}"
        self.messages: list[dict] = []
        self.task: asyncio.Task | None = None

    async def start(self) -> None:
        self.socket = await connect(self.url, open_timeout=30)
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.socket:
            self.messages.append(json.loads(raw))

    def finished(self) -> set[str]:
        return {
            m["data"]["batchId"]
            for m in self.messages
            if m["event"] == "batch_progress_updated" and m["data"]["status"] in FINAL
        }

    def processed(self) -> Counter:
        return Counter(
            m["data"]["fileId"] for m in self.messages if m["event"] == "document_processed"
        )

    async def close(self) -> None:
        await self.socket.close()
        if self.task:
            await asyncio.gather(self.task, return_exceptions=True)


async def _running_on(temporal: Client, batch_ids: list[str], pid: int) -> bool:
    """Whether the worker process ``pid`` holds a started extraction (worker identity
    ``pid@host``)."""
    for batch_id in batch_ids:
        described = await temporal.get_workflow_handle(workflow_id(batch_id)).describe()
        for pending in described.raw_description.pending_activities:
            if (
                pending.state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
                and pending.activity_type.name == "extract_document"
                and pending.last_worker_identity.startswith(f"{pid}@")
            ):
                return True
    return False


async def _counts(apis: list[httpx.AsyncClient], org: str, ids: list[str]) -> list[dict]:
    return [(await apis[i % 2].get(f"/batch/{org}/{b}")).json() for i, b in enumerate(ids)]


async def test_two_apis_three_workers_one_killed(tmp_path: Path) -> None:
    with Topology(tmp_path) as topo:
        # Four extractions per worker (the default before it followed the cores): the killed worker
        # holds several, so one of them is surely cut off before its result is stored.
        await asyncio.to_thread(
            topo.start_infrastructure,
            DOCBATCH_HEARTBEAT_TIMEOUT_SECONDS="5",
            DOCBATCH_WORKER_MAX_ACTIVITIES="4",
            DOCBATCH_RETRY_WINDOW_SECONDS="600",
        )
        for _ in range(2):
            await asyncio.to_thread(topo.start_api)
        for _ in range(3):
            await asyncio.to_thread(topo.start_worker)

        auth = {"Authorization": f"Bearer {OWNER_TOKEN}"}
        apis = [
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{p.port}", headers=auth, timeout=120)
            for p in topo.apis
        ]
        try:
            me = (await apis[1].get("/me")).json()
            org, project = me["organizationId"], me["projects"][0]["id"]
            template = {t["name"]: t["id"] for t in me["templates"]}["invoice"]
            balance = (await apis[0].get(f"/credits/{org}")).json()["balance"]

            listeners = [Listener(p.port, org) for p in topo.apis]
            for listener in listeners:
                await listener.start()

            async def upload(n: int) -> str:
                paths = invoices(tmp_path / "docs", FILES, tag=f"b{n}")
                files = [("files", (p.name, p.read_bytes(), "application/pdf")) for p in paths]
                answer = await apis[n % 2].post(
                    f"/batch/{org}/upload",
                    files=files,
                    data={"projectId": project, "templateId": template, "name": f"scale {n}"},
                )
                assert answer.status_code == 201, answer.text
                return answer.json()["id"]

            ids = list(await asyncio.gather(*(upload(n) for n in range(BATCHES))))

            # SIGKILL one worker once a fifth of the files are done, at a moment when Temporal
            # says it is running an extraction (so that extraction must be redone elsewhere). The
            # worker is frozen (SIGSTOP) while Temporal is asked, so the extraction it was seen
            # holding cannot finish between the answer and the kill.
            temporal = await Client.connect(topo.env["DOCBATCH_TEMPORAL_ADDRESS"])
            victim = topo.workers[0]

            async def kill_when_holding_work() -> int:
                """Files done when the victim was killed holding an extraction; 0 while not yet."""
                done = sum(
                    b["completedFiles"] + b["failedFiles"] for b in await _counts(apis, org, ids)
                )
                if done >= BATCHES * FILES // 5:
                    victim.popen.send_signal(signal.SIGSTOP)
                    if await _running_on(temporal, ids, victim.popen.pid):
                        assert topo.kill(victim) == -9
                        return done
                    victim.popen.send_signal(signal.SIGCONT)
                return 0

            done_at_kill = await eventually(
                kill_when_holding_work,
                timeout=900,
                interval=0.1,
                what="a fifth of the files done and the victim holding one",
            )
            assert done_at_kill < BATCHES * FILES, (
                "every file finished before the worker was killed"
            )

            loop = asyncio.get_running_loop()
            deadline = loop.time() + 900
            batches = await eventually(
                lambda: _counts(apis, org, ids),
                lambda bs: all(b["status"] in FINAL for b in bs),
                timeout=900,
                interval=0.5,
                what="every batch to finish",
            )

            # Exactly once: every file completed, once, counted once, charged once, never refunded.
            assert [(b["status"], b["completedFiles"], b["failedFiles"]) for b in batches] == [
                ("completed", FILES, 0)
            ] * BATCHES
            file_ids = {f["id"] for b in batches for f in b["files"]}
            print(
                f"killed {victim.name} at {done_at_kill}/{BATCHES * FILES} files; "
                "attempts per file "
                f"{dict(Counter(f['attempts'] for b in batches for f in b['files']))}"
            )
            assert len(file_ids) == BATCHES * FILES
            assert all(f["status"] == "completed" for b in batches for f in b["files"])
            # What the killed worker held was picked up elsewhere, at most once more. (Whether a
            # second attempt shows depends on whether its last completion reached Temporal before
            # the kill: seen both ways in full runs, so the count is printed above, not asserted.)
            assert all(f["attempts"] <= 2 for b in batches for f in b["files"])
            credits = (await apis[1].get(f"/credits/{org}", params={"limit": 100})).json()
            assert credits["balance"] == balance - BATCHES * FILES
            reasons = Counter((e["reason"], e["delta"]) for e in credits["data"])
            assert reasons[("batch_charge", -FILES)] == BATCHES
            assert not [e for e in credits["data"] if e["delta"] > 0 and e["reason"] != "grant"], (
                reasons
            )

            # Both API processes' sockets saw every file's event once and every batch's end.
            for listener in listeners:
                await eventually(
                    lambda: (len(listener.processed()), listener.finished()),  # noqa: B023
                    lambda got: got[1] == set(ids) and got[0] >= len(file_ids),
                    timeout=max(1.0, deadline - loop.time()),
                    interval=0.2,
                    what="every file's event and every batch's end on the socket",
                )
                seen = listener.processed()
                assert set(seen) == file_ids
                assert max(seen.values()) == 1, [f for f, n in seen.items() if n > 1][:5]
                assert not [m for m in listener.messages if m["event"] == "document_failed"]
            for listener in listeners:
                await listener.close()

            # Files only in the bucket: no process's data directory holds one.
            assert topo.data_files() == []
            keys = [
                o["Key"]
                for page in s3_client(topo.endpoint)
                .get_paginator("list_objects_v2")
                .paginate(Bucket=topo.bucket)
                for o in page.get("Contents", [])
            ]
            # every upload, and besides them at most the prepared exports the workers made as
            # each batch settled (a cache, made after batch.completed, so maybe not yet there)
            uploads = [k for k in keys if "/exports/" not in k]
            assert len(uploads) == BATCHES * FILES
            assert all(k.endswith("/exports/batch.pdf") for k in keys if k not in uploads)
            assert all(p.alive() for p in [*topo.apis, *topo.workers[1:]])
        finally:
            for api in apis:
                await api.aclose()
