"""Uploads: 50 files of 10 MB in one multipart request to a real API process (uvicorn in a
subprocess, so its resident memory is its own), against copying the same bytes to disk with
fsync in the same run (the floor for storing them). The API must stream: its resident memory
may grow by a few MB, never by the 500 MB it receives."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.harness import OWNER_TOKEN, free_socket, make_settings, start_dev_server

FILES = 50
FILE_MB = 10
ROOT = Path(__file__).resolve().parents[1]


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def make_files(folder: Path) -> list[Path]:
    block = os.urandom(1024 * 1024)
    paths = []
    for i in range(FILES):
        path = folder / f"scan-{i:02d}.pdf"
        with path.open("wb") as fh:
            fh.write(b"%PDF-1.4\n")
            for k in range(FILE_MB):
                fh.write(block[k:] + block[:k])
        paths.append(path)
    return paths


def copy_with_fsync(paths: list[Path], dest: Path) -> float:
    """The baseline: the same bytes read and written to disk with fsync, no HTTP, no database."""
    dest.mkdir()
    started = time.perf_counter()
    for p in paths:
        with p.open("rb") as src, (dest / p.name).open("wb") as out:
            while chunk := src.read(1024 * 1024):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    return time.perf_counter() - started


async def upload(port: int, paths: list[Path]) -> tuple[float, int]:
    headers = {"Authorization": f"Bearer {OWNER_TOKEN}"}
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=600
    ) as http:
        for _ in range(300):
            try:
                me = (await http.get("/me")).json()
                break
            except httpx.TransportError:
                await asyncio.sleep(0.1)
        else:
            raise RuntimeError("the API did not start")
        template = next(t["id"] for t in me["templates"] if t["name"] == "invoice")
        data = {
            "projectId": me["projects"][0]["id"],
            "templateId": template,
            "name": "bench upload",
        }
        handles = [p.open("rb") for p in paths]
        try:
            started = time.perf_counter()
            resp = await http.post(
                f"/batch/{me['organizationId']}/upload",
                data=data,
                files=[("files", (p.name, h, "application/pdf")) for p, h in zip(paths, handles)],
            )
            return time.perf_counter() - started, resp.status_code
        finally:
            for h in handles:
                h.close()


async def run() -> None:
    env = await start_dev_server()
    try:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            (tmp / "src").mkdir()
            paths = make_files(tmp / "src")
            baseline = copy_with_fsync(paths, tmp / "copy")
            sock = free_socket()
            port = sock.getsockname()[1]
            sock.close()
            make_settings(tmp / "data")  # migrated, as `docbatch migrate` leaves it
            envvars = {
                **os.environ,
                "DOCBATCH_DATA_DIR": str(tmp / "data"),
                "DOCBATCH_BOOTSTRAP_TOKEN": OWNER_TOKEN,
                "DOCBATCH_TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
                "DOCBATCH_TASK_QUEUE": "bench-upload-no-worker",
            }
            api = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "api.app:app_factory",
                    "--factory",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=envvars,
            )
            try:
                before = -1.0
                elapsed, status = await upload(port, paths[:1])  # warm-up: first request's imports
                before = rss_mb(api.pid)
                elapsed, status = await upload(port, paths)
                after, peak = rss_mb(api.pid), rss_mb(api.pid, "VmHWM")
            finally:
                api.terminate()
                api.wait(timeout=30)
    finally:
        await env.shutdown()
    assert status == 201, f"upload answered {status}"
    total = FILES * FILE_MB
    print(f"upload, {FILES} files x {FILE_MB} MB     {elapsed:.2f} s ({total / elapsed:.0f} MB/s)")
    print(
        f"  baseline: same bytes copied with fsync {baseline:.2f} s "
        f"(ratio upload/copy {elapsed / baseline:.2f}x)"
    )
    print(
        f"API resident memory          {before:.0f} MB -> {after:.0f} MB (peak {peak:.0f} MB) "
        f"for {total} MB received"
    )


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
