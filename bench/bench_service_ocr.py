"""The whole service against ``docbatch extract`` on the same 20 receipt scans, in the same run.

The service is arranged as ``docbatch run`` arranges it: the API (uvicorn, in this process)
and ``worker.py`` in its own process, with their default settings; the clock runs from the
upload request to the batch's final status. ``docbatch extract`` runs the engine on the same
files with one process per core and no Temporal, database or HTTP. Needs the development
corpus (``../shared/corpus/sroie``); without it the section says so and measures nothing."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_progress import worker_process
from bench.timeline import SlotUse, slot_use
from tests.harness import live_api, make_settings, start_dev_server

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "sroie"
FILES = 20


def cli_extract(files: list[Path], out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "cli.main",
            "extract",
            *map(str, files),
            "--template",
            "receipt",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        check=False,
        capture_output=True,
    )
    return time.perf_counter() - started


async def service(  # type: ignore[no-untyped-def]
    files: list[Path], tmp: Path, client, **worker_env: str
) -> tuple[float, dict, SlotUse]:
    settings = make_settings(tmp, retry_window_seconds=60)
    async with (
        live_api(settings, client) as live,
        worker_process(settings, client.service_client.config.target_host, **worker_env),
    ):
        started = time.perf_counter()
        batch = await live.upload_ok(files, template="receipt", name="bench receipts")
        final = await live.wait_final(batch["id"], timeout=900)
        elapsed = time.perf_counter() - started
        slots = (
            int(worker_env.get("DOCBATCH_WORKER_MAX_ACTIVITIES", 0))
            or settings.worker_max_activities
        )
        return elapsed, final, await slot_use(client, batch["id"], slots)


async def run() -> None:
    files = sorted(CORPUS.glob("*.jpg"))[:FILES]
    if len(files) < FILES:
        print(f"no corpus at {CORPUS}: section skipped")
        return
    env = await start_dev_server()
    try:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            cli_s = cli_extract(files, tmp / "cli-out")
            svc_s, final, svc_slots = await service(files, tmp / "data", env.client)
            # The default before slots followed the cores: 4 extractions, whatever the machine.
            fixed_s, fixed, _ = await service(
                files, tmp / "data-fixed", env.client, DOCBATCH_WORKER_MAX_ACTIVITIES="4"
            )
    finally:
        await env.shutdown()
    print(f"{FILES} receipt scans (sroie), template receipt")
    print(f"docbatch extract (baseline)  {cli_s:.1f} s (one process per core, no Temporal/DB/HTTP)")
    print(
        f"whole service                {svc_s:.1f} s upload to final status "
        f"({final['completedFiles']} completed, {final['failedFiles']} failed), "
        f"{os.cpu_count()} extractions at once (one per core, the default)"
    )
    print(f"  {svc_slots.line()}")
    print(
        f"  with 4 at once (old default)  {fixed_s:.1f} s ({fixed['completedFiles']} completed); "
        f"cores-default / old = {svc_s / fixed_s:.2f}"
    )
    print(f"ratio service/extract        {svc_s / cli_s:.2f}x (target <= 1.03x)")


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
