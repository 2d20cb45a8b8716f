"""Uploads stream to storage: memory does not grow with file size; names are sanitised."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from temporalio.client import Client

from core.storage import sanitize_filename
from tests.harness import make_settings, running_service


def test_stored_names_are_sanitised() -> None:
    assert sanitize_filename("../../etc/passwd") == "passwd"
    assert sanitize_filename("..\\..\\boot.ini") == "boot.ini"
    assert sanitize_filename("inv<oice>|1?.pdf") == "inv_oice__1_.pdf"
    assert sanitize_filename("\x00\x1f.hidden") == "hidden"
    assert sanitize_filename("") == "document"
    assert sanitize_filename("ใบเสร็จ 2026.pdf") == "ใบเสร็จ 2026.pdf"


async def test_large_upload_is_streamed_not_held_in_memory(
    tmp_path: Path, temporal_client: Client
) -> None:
    settings = make_settings(tmp_path)
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        for _ in range(24):
            fh.write(b"Total: 1.00\n" * (1024 * 1024 // 12))
    size = big.stat().st_size
    async with running_service(settings, temporal_client, with_worker=False) as svc:
        tracemalloc.start()
        with open(big, "rb") as fh:
            resp = await svc.http.post(
                f"/batch/{svc.org_id}/upload",
                files=[("files", ("../evil name?.txt", fh, "text/plain"))],
                data={"projectId": svc.project_id, "templateId": svc.templates["receipt"]},
            )
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert resp.status_code == 201, resp.text
        detail = (await svc.http.get(f"/batch/{svc.org_id}/{resp.json()['id']}")).json()
        stored = detail["files"][0]
        assert stored["fileName"] == "evil name_.txt" and stored["size"] == size
        # The whole request passes through this process; a copy held in memory would show here.
        assert peak < size / 3, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB upload"


async def test_an_oversized_request_is_refused_before_its_body_is_read(
    tmp_path: Path, temporal_client: Client
) -> None:
    settings = make_settings(tmp_path, max_file_size_mb=0.01, max_files_per_batch=2)
    async with running_service(settings, temporal_client, with_worker=False) as svc:
        body_read = False

        async def body():  # type: ignore[no-untyped-def]
            nonlocal body_read
            body_read = True
            yield b"x" * 10

        resp = await svc.http.post(
            f"/batch/{svc.org_id}/upload",
            content=body(),
            headers={
                "content-length": str(50 * 1024 * 1024),
                "content-type": "multipart/form-data; boundary=x",
            },
        )
        assert resp.status_code == 413
        assert resp.json()["statusCode"] == 413 and "Split it" in resp.json()["message"]
        assert not body_read
