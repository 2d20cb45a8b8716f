"""``docbatch submit`` as a user runs it: a subprocess against a real running server and worker."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from temporalio.client import Client

from tests.harness import DOCS, OWNER_TOKEN, Service, live_service, make_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
async def live(tmp_path: Path, temporal_client: Client):
    async with live_service(
        make_settings(tmp_path / "server", worker_max_activities=2), temporal_client
    ) as svc:
        yield svc


async def docbatch(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """Run the CLI in a child process while this loop keeps serving the API."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cli.main",
        *args,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_submit_a_folder_waits_exports_and_reports_the_failure(
    live: Service, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("invoice-acme.pdf", "invoice-globex.pdf", "corrupt.pdf"):
        shutil.copy(DOCS / name, folder / name)
    (folder / ".hidden").write_text("not uploaded")
    out = tmp_path / "out" / "results.json"
    code, stdout, stderr = await docbatch(
        "submit",
        str(folder),
        "--template",
        "invoice",
        "--project",
        live.project_id,
        "--name",
        "From the CLI",
        "--wait",
        "--export",
        "json",
        "-o",
        str(out),
        "--url",
        live.base_url,
        "--token",
        OWNER_TOKEN,
        cwd=tmp_path,
    )

    assert code == 1, (stdout, stderr)
    assert "FAILED corrupt.pdf: CorruptFile:" in stdout
    assert "uploaded 3 files as batch_" in stdout
    assert "3/3, 1 failed partially_failed" in stdout  # the last progress line
    exported = json.loads(out.read_text())
    batch_id = stdout.split("uploaded 3 files as ")[1].split()[0]
    assert batch_id in json.dumps(exported)
    detail = (await live.http.get(f"/batch/{live.org_id}/{batch_id}")).json()
    assert detail["name"] == "From the CLI" and detail["totalFiles"] == 3
    assert (detail["status"], detail["completedFiles"], detail["failedFiles"]) == (
        "partially_failed",
        2,
        1,
    )


async def test_submit_success_exits_zero_with_env_settings(live: Service, tmp_path: Path) -> None:
    code, stdout, stderr = await docbatch(
        "submit",
        str(DOCS / "receipt.txt"),
        "--template",
        "receipt",
        "--project",
        live.project_id,
        "--wait",
        cwd=tmp_path,
        env={"DOCBATCH_URL": live.base_url, "DOCBATCH_TOKEN": OWNER_TOKEN},
    )
    assert code == 0, (stdout, stderr)
    assert "1/1 completed" in stdout and "FAILED" not in stdout


async def test_submit_splits_into_batches_of_fifty(live: Service, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(51):
        (folder / f"receipt-{i:02d}.txt").write_bytes((DOCS / "receipt.txt").read_bytes())
    code, stdout, stderr = await docbatch(
        "submit",
        str(folder),
        "--template",
        "receipt",
        "--project",
        live.project_id,
        "--name",
        "Split",
        "--url",
        live.base_url,
        "--token",
        OWNER_TOKEN,
        cwd=tmp_path,
    )
    assert code == 0, (stdout, stderr)  # no --wait: upload and exit
    assert "uploaded 50 files" in stdout and "uploaded 1 files" in stdout
    names = {
        b["name"]
        for b in (await live.http.get(f"/batch/{live.org_id}", params={"search": "Split"})).json()[
            "data"
        ]
    }
    assert names == {"Split (1/2)", "Split (2/2)"}


async def test_submit_errors_exit_two_with_the_reason(live: Service, tmp_path: Path) -> None:
    common = ["--url", live.base_url, "--project", live.project_id]
    code, _, stderr = await docbatch(
        "submit",
        str(DOCS / "receipt.txt"),
        "--template",
        "nope",
        "--token",
        OWNER_TOKEN,
        *common,
        cwd=tmp_path,
    )
    assert code == 2 and "Unknown template 'nope'" in stderr and "invoice" in stderr
    code, _, stderr = await docbatch(
        "submit",
        str(DOCS / "receipt.txt"),
        "--template",
        "invoice",
        "--token",
        "dbt_wrong",
        *common,
        cwd=tmp_path,
    )
    assert code == 2 and "HTTP 401" in stderr and "unknown" in stderr
    code, _, stderr = await docbatch(
        "submit",
        str(tmp_path / "missing"),
        "--template",
        "invoice",
        "--token",
        OWNER_TOKEN,
        *common,
        cwd=tmp_path,
    )
    assert code == 2 and "no such file" in stderr
    code, _, stderr = await docbatch(
        "submit",
        str(DOCS / "receipt.txt"),
        "--template",
        "invoice",
        "--token",
        OWNER_TOKEN,
        "--url",
        live.base_url,
        "--project",
        "prj_nope",
        cwd=tmp_path,
    )
    assert code == 2 and "HTTP 404" in stderr and "prj_nope" in stderr
