"""Scale-out: files per second with 1, 2 and 3 worker processes, the production topology on one
machine (``tests/topology.py``: Temporal server process, PostgreSQL, S3 via moto, API processes
and workers started as the compose file starts them).

Each round uploads four batches of 50 text PDFs at once through one API process and times
upload start to the last final status; the baseline is the same work with one worker, in the
same run. On a 2-core machine the workers share the cores with everything else, so the ratio
shows the orchestration's overhead more than what more machines would add.

Run: ``python -m bench scale`` (needs PostgreSQL at 127.0.0.1:5432).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

import httpx

from tests.harness import OWNER_TOKEN, postgres_available
from tests.topology import Topology, invoices

BATCHES, FILES = 4, 50
FINAL = ("completed", "partially_failed", "failed")


async def one_round(port: int, folder: Path, tag: str) -> tuple[float, int]:
    """Seconds from the first upload to the last final status, and the files completed."""
    auth = {"Authorization": f"Bearer {OWNER_TOKEN}"}
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=auth, timeout=300
    ) as api:
        me = (await api.get("/me")).json()
        org, project = me["organizationId"], me["projects"][0]["id"]
        template = {t["name"]: t["id"] for t in me["templates"]}["invoice"]
        files = [invoices(folder / f"{tag}-{n}", FILES, f"{tag}{n}") for n in range(BATCHES)]
        started = time.perf_counter()

        async def upload(paths: list[Path]) -> str:
            parts = [("files", (p.name, p.read_bytes(), "application/pdf")) for p in paths]
            answer = await api.post(
                f"/batch/{org}/upload",
                files=parts,
                data={"projectId": project, "templateId": template},
            )
            answer.raise_for_status()
            return answer.json()["id"]

        ids = await asyncio.gather(*(upload(p) for p in files))
        while True:
            batches = [(await api.get(f"/batch/{org}/{b}")).json() for b in ids]
            if all(b["status"] in FINAL for b in batches):
                return time.perf_counter() - started, sum(b["completedFiles"] for b in batches)
            await asyncio.sleep(0.25)


def main() -> None:
    reason = postgres_available()
    if reason:
        print(f"skipped: PostgreSQL not reachable at 127.0.0.1:5432 ({reason})")
        return
    with tempfile.TemporaryDirectory() as tmp, Topology(Path(tmp) / "topology") as topo:
        topo.start_infrastructure(DOCBATCH_BOOTSTRAP_CREDITS="100000")
        api = topo.start_api()
        print(
            f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f} at the start",
            flush=True,
        )
        baseline = None
        for workers in (1, 2, 3):
            while len(topo.workers) < workers:
                topo.start_worker()
            seconds, done = asyncio.run(one_round(api.port, Path(tmp) / "docs", f"w{workers}"))
            rate = done / seconds
            baseline = baseline or rate
            print(
                f"{workers} worker(s): {done} of {BATCHES * FILES} files in {seconds:.1f} s = "
                f"{rate:.1f} files/s ({rate / baseline:.2f}x the 1-worker baseline)",
                flush=True,
            )
