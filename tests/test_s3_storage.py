"""Object storage against a real S3-speaking server (moto in server mode, its own process).

A batch whose files live only in the bucket is uploaded, processed and exported; readiness
checks the bucket; uploads and downloads stream, so memory does not grow with the file size.
"""

from __future__ import annotations

import hashlib
import io
import tracemalloc
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings
from core.storage import PART, FileTooLarge, S3Storage, StorageError, open_storage
from tests.harness import DOCS, make_settings, running_service
from tests.s3_server import client, new_bucket, s3_overrides, s3_server


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with s3_server() as endpoint:
        yield endpoint


class Generated(io.RawIOBase):
    """``size`` bytes made on demand (never held at once), like a large upload's stream."""

    def __init__(self, size: int) -> None:
        self.left, self.digest, self.counter = size, hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.left, 256 * 1024)
        block = hashlib.sha256(str(self.counter).encode()).digest() * (n // 32 + 1)
        buffer[:n] = block[:n]
        self.digest.update(block[:n])
        self.counter += 1
        self.left -= n
        return n


def _peak(run) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


async def test_a_batch_with_files_only_in_s3(
    tmp_path: Path, temporal_client, s3_endpoint: str
) -> None:
    bucket = new_bucket(s3_endpoint)
    settings = make_settings(tmp_path, **s3_overrides(s3_endpoint, bucket, prefix="tenant-a/docs"))
    docs = [DOCS / "invoice-acme.pdf", DOCS / "invoice-globex.pdf", DOCS / "receipt.txt"]
    async with running_service(settings, temporal_client) as svc:
        ready = await svc.http.get("/health/ready")
        assert ready.status_code == 200 and ready.json()["checks"]["storage"]["ok"], ready.text

        created = await svc.upload(docs, name="S3 batch")
        assert created.status_code == 201, created.text
        final = await svc.wait_final(created.json()["id"])
        assert final["status"] == "completed", final
        assert {f["fileName"] for f in final["files"]} == {d.name for d in docs}

        export = await svc.http.get(
            f"/batch/{svc.org_id}/{final['id']}/export", params={"format": "csv"}
        )
        assert export.status_code == 200, export.text
        assert "ACME" in export.text.upper()

        page = await svc.http.get(f"/ui/files/{final['files'][0]['id']}/page/1.png")
        assert page.status_code == 200 and page.content.startswith(b"\x89PNG"), page.text[:200]

    listed = client(s3_endpoint).list_objects_v2(Bucket=bucket)["Contents"]
    # besides the uploads, only the PDF the worker prepares when the batch settles, if it was
    # stored before the service stopped; no readiness probes left behind either
    prepared = {o["Key"] for o in listed if "/exports/" in o["Key"]}
    assert {k.rsplit("/", 1)[-1] for k in prepared} <= {"batch.pdf"}
    listed = [o for o in listed if o["Key"] not in prepared]
    stored = {o["Key"].rsplit("/", 1)[-1]: o for o in listed}
    assert set(stored) == {d.name for d in docs}
    assert all(o["Key"].startswith("tenant-a/docs/" + svc.org_id + "/") for o in listed)
    for doc in docs:
        assert stored[doc.name]["Size"] == doc.stat().st_size
    on_disk = (
        [p for p in settings.files_dir.rglob("*") if p.is_file()]
        if settings.files_dir.exists()
        else []
    )
    assert on_disk == []  # the data directory holds no uploaded file


async def test_ready_names_storage_when_the_bucket_is_missing(
    tmp_path: Path, temporal_client, s3_endpoint: str
) -> None:
    settings = make_settings(
        tmp_path, **s3_overrides(s3_endpoint, f"missing-{uuid.uuid4().hex[:8]}")
    )
    async with running_service(settings, temporal_client, with_worker=False) as svc:
        ready = await svc.http.get("/health/ready")
        assert ready.status_code == 503, ready.text
        body = ready.json()
        assert body["message"].startswith(
            "Not ready: storage (StorageError: cannot write to s3://missing-"
        )
        assert "NoSuchBucket" in body["message"]
        assert body["checks"]["database"]["ok"] and body["checks"]["temporal"]["ok"]

        refused = await svc.upload([DOCS / "receipt.txt"])
        assert refused.status_code == 507, refused.text
        assert "nothing was charged" in refused.json()["message"]


def test_memory_does_not_grow_with_the_file_size(s3_endpoint: str) -> None:
    storage = open_storage(Settings(**s3_overrides(s3_endpoint, new_bucket(s3_endpoint))))
    assert isinstance(storage, S3Storage)
    peaks = {}
    for size in (3 * PART + 123, 9 * PART + 45):
        source = Generated(size)
        peaks[f"up{size}"] = _peak(
            lambda size=size, source=source: storage.save_stream(f"big/{size}.bin", source, size)
        )

        def download(size: int = size, source: Generated = source) -> None:
            with storage.local_copy(f"big/{size}.bin") as path:
                assert path.stat().st_size == size
                with open(path, "rb") as fh:
                    assert (
                        hashlib.file_digest(fh, "sha256").hexdigest() == source.digest.hexdigest()
                    )

        peaks[f"down{size}"] = _peak(download)
    small, large = (3 * PART + 123, 9 * PART + 45)
    # Three times the bytes, about the same memory: a few parts' worth at most, never the file.
    assert (
        peaks[f"up{large}"] < 4 * PART
        and peaks[f"up{large}"] < peaks[f"up{small}"] * 1.3 + PART / 4
    ), peaks
    assert (
        peaks[f"down{large}"] < 2 * PART
        and peaks[f"down{large}"] < peaks[f"down{small}"] * 1.3 + PART / 4
    ), peaks


def test_a_too_large_upload_leaves_nothing_in_the_bucket(s3_endpoint: str) -> None:
    bucket = new_bucket(s3_endpoint)
    storage = open_storage(Settings(**s3_overrides(s3_endpoint, bucket)))
    with pytest.raises(FileTooLarge):
        storage.save_stream("x/too-big.bin", Generated(2 * PART + 1), 2 * PART)
    s3 = client(s3_endpoint)
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    assert not s3.list_multipart_uploads(Bucket=bucket).get("Uploads")  # aborted, no orphan parts
    exact = storage.save_stream(
        "x/exact.bin", Generated(2 * PART), 2 * PART
    )  # the limit itself is fine
    assert exact[0] == 2 * PART and storage.exists("x/exact.bin")
    with pytest.raises(ValueError):
        storage.object_key("../other-tenant/file")


def test_a_wrong_storage_url_is_refused_at_start_up() -> None:
    from pydantic import ValidationError

    for wrong in ("minio://bucket/x", "s3://", "/data/files"):
        with pytest.raises(
            ValidationError, match="must be empty \\(local files\\) or s3://bucket/prefix"
        ):
            Settings(storage_url=wrong)
    assert Settings(storage_url=" s3://b ").storage_url == "s3://b"


def test_an_unreachable_store_is_a_storage_error(tmp_path: Path) -> None:
    from tests.s3_server import _free_port

    storage = open_storage(Settings(**s3_overrides(f"http://127.0.0.1:{_free_port()}", "nobody")))
    with pytest.raises(StorageError, match="cannot reach s3://nobody/uploads/"):
        storage.exists("a/b")
    with pytest.raises(OSError):  # what the upload route turns into 507, nothing charged
        storage.save_stream("a/b", io.BytesIO(b"x"), 10)
