"""Uploads stream to storage: memory does not grow with file size; names are sanitised."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from pathlib import Path

import pytest
from sqlmodel import Session
from temporalio.client import Client

from core.access import Principal
from core.db import get_engine
from core.errors import ServiceError
from core.models import Batch, BatchFile, Project, Template
from core.storage import open_storage, sanitize_filename
from services.intake import STORE_AT_ONCE, Upload, store_batch
from tests.harness import Service, make_settings, running_service


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


def _uploads(bodies: list[bytes]) -> list[Upload]:
    """Uploads whose size the framework did not report: only storing them finds it."""
    return [Upload(f"f{i}.txt", "text/plain", None, io.BytesIO(b)) for i, b in enumerate(bodies)]


async def _store(svc: Service, bodies: list[bytes]) -> tuple[Batch, list[BatchFile]]:
    principal = Principal("tok", svc.org_id, None, frozenset())
    with Session(get_engine(svc.settings.sqlalchemy_url), expire_on_commit=False) as session:
        project = session.get(Project, svc.project_id)
        template = session.get(Template, svc.templates["receipt"])
        assert project is not None and template is not None
        return await store_batch(
            session, svc.settings, principal, _uploads(bodies), project, template, "stored"
        )


async def test_files_stored_together_each_keep_their_own_size_and_digest(
    tmp_path: Path, temporal_client: Client
) -> None:
    settings = make_settings(tmp_path)
    bodies = [bytes([65 + i]) * (1000 + 300 * i) for i in range(3 * STORE_AT_ONCE)]
    async with running_service(settings, temporal_client, with_worker=False) as svc:
        batch, rows = await _store(svc, bodies)
    storage = open_storage(settings)
    assert batch.stored_at is not None
    for row, body in zip(rows, bodies, strict=True):
        assert (row.size, row.sha256) == (len(body), hashlib.sha256(body).hexdigest())
        with storage.local_copy(row.storage_key) as path:
            assert path.read_bytes() == body


async def test_a_file_found_too_large_while_stored_refuses_the_batch_uncharged(
    tmp_path: Path, temporal_client: Client
) -> None:
    settings = make_settings(tmp_path, max_file_size_mb=0.01)
    bodies = [b"x" * 1000] * (2 * STORE_AT_ONCE)
    bodies[STORE_AT_ONCE + 1] = b"x" * 20_000  # over the 10 KB limit, among files stored fine
    async with running_service(settings, temporal_client, with_worker=False) as svc:
        before = (await svc.http.get(f"/credits/{svc.org_id}")).json()["balance"]
        with pytest.raises(ServiceError) as refused:
            await _store(svc, bodies)
        assert refused.value.status_code == 413
        assert (await svc.http.get(f"/credits/{svc.org_id}")).json()["balance"] == before
        listing = (await svc.http.get(f"/batch/{svc.org_id}")).json()
        assert listing["pagination"]["total"] == 0
