"""Blob storage for uploaded documents, keys like ``org/batch/file/name``.

Two backends behind one interface, chosen by ``DOCBATCH_STORAGE_URL``: a local folder (the
default; API and workers share a disk) or an S3-compatible bucket (``s3://bucket/prefix``; API
and workers on different machines share nothing but the bucket). Both stream: an upload is read
in chunks (a multipart upload to S3), a download goes chunk by chunk to a temporary file, so
memory does not grow with the size of a document.

Callers use ``open_storage(settings)`` and four methods: ``save_stream``, ``exists``,
``local_copy`` (a path the engine can open) and ``check`` (readiness).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import threading
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

if TYPE_CHECKING:
    from core.settings import Settings

CHUNK = 1024 * 1024
PART = 8 * 1024 * 1024  # S3 multipart part size (S3 needs at least 5 MiB for all but the last)
SAFE_PUNCTUATION = "._- ()[]@+,"


class FileTooLarge(Exception):
    pass


class StorageError(OSError):
    """The store refused or could not be reached; an OSError so callers treat it like a disk error."""


def sanitize_filename(name: str, fallback: str = "document") -> str:
    """A safe single path component: no directories, control characters or leading dots."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name)
    name = "".join(c if unicodedata.category(c)[0] in "LNM" or c in SAFE_PUNCTUATION else "_" for c in name)
    return name.strip(" .")[:150] or fallback


class Storage(Protocol):
    def save_stream(self, key: str, source: BinaryIO, max_bytes: int) -> tuple[int, str]: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def local_copy(self, key: str) -> AbstractContextManager[Path]: ...
    def check(self) -> None: ...


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"storage key escapes the storage root: {key!r}")
        return path

    def save_stream(self, key: str, source: BinaryIO, max_bytes: int) -> tuple[int, str]:
        """Copy ``source`` to ``key`` in chunks; returns (size, sha256). Raises FileTooLarge."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        digest, size = hashlib.sha256(), 0
        try:
            with open(tmp, "wb") as out:
                while chunk := source.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise FileTooLarge(key)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return size, digest.hexdigest()

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        """Remove ``key``; a missing one is not an error (used for template-test samples)."""
        self.path(key).unlink(missing_ok=True)

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        """The stored file itself: no copy on a local disk."""
        yield self.path(key)

    def check(self) -> None:
        """Write and remove a probe file: a read-only, full or wrongly mounted volume fails here."""
        probe = self.root / f".ready-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        probe.write_bytes(b"ok")
        probe.unlink()


class S3Storage:
    """A bucket and key prefix on any S3-compatible store (AWS, MinIO, Ceph, moto).

    ``client`` is a boto3 S3 client (thread-safe, shared by the process's threads).
    """

    def __init__(self, client, bucket: str, prefix: str = "") -> None:  # noqa: ANN001 (boto3 client)
        self.client, self.bucket = client, bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def object_key(self, key: str) -> str:
        if key.startswith("/") or ".." in key.split("/"):
            raise ValueError(f"storage key escapes the storage prefix: {key!r}")
        return self.prefix + key

    def _fail(self, what: str, exc: Exception) -> StorageError:
        return StorageError(f"{what} s3://{self.bucket}/{self.prefix}: {exc}")

    def save_stream(self, key: str, source: BinaryIO, max_bytes: int) -> tuple[int, str]:
        """A multipart upload fed part by part from ``source``: at most one part in memory."""
        from botocore.exceptions import BotoCoreError, ClientError

        name = self.object_key(key)
        digest, size = hashlib.sha256(), 0
        upload_id = None
        try:
            part = _read_part(source, PART, max_bytes, key)
            size = len(part)
            digest.update(part)
            if len(part) < PART:  # the whole file fits one part: one PUT
                self.client.put_object(Bucket=self.bucket, Key=name, Body=part)
                return size, digest.hexdigest()
            upload_id = self.client.create_multipart_upload(Bucket=self.bucket, Key=name)["UploadId"]
            parts: list[dict] = []
            while part:
                answer = self.client.upload_part(Bucket=self.bucket, Key=name, UploadId=upload_id,
                                                 PartNumber=len(parts) + 1, Body=part)
                parts.append({"PartNumber": len(parts) + 1, "ETag": answer["ETag"]})
                part = b""  # let the sent part go before the next is read
                part = _read_part(source, PART, max_bytes - size, key)
                size += len(part)
                digest.update(part)
            self.client.complete_multipart_upload(Bucket=self.bucket, Key=name, UploadId=upload_id,
                                                  MultipartUpload={"Parts": parts})
            upload_id = None
            return size, digest.hexdigest()
        except (BotoCoreError, ClientError) as exc:
            raise self._fail("cannot store in", exc) from exc
        finally:
            if upload_id is not None:  # refused or failed midway: leave no orphan parts behind
                try:
                    self.client.abort_multipart_upload(Bucket=self.bucket, Key=name, UploadId=upload_id)
                except Exception:  # noqa: BLE001  (best effort; the original error matters)
                    pass

    def exists(self, key: str) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))
            return True
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise self._fail("cannot read", exc) from exc
        except BotoCoreError as exc:
            raise self._fail("cannot reach", exc) from exc

    def delete(self, key: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))
        except (BotoCoreError, ClientError) as exc:
            raise self._fail("cannot delete from", exc) from exc

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        """Stream the object to a temporary file (same file name), removed when the block ends."""
        from botocore.exceptions import BotoCoreError, ClientError

        folder = Path(tempfile.mkdtemp(prefix="docbatch-"))
        path = folder / sanitize_filename(key.rsplit("/", 1)[-1])
        try:
            try:
                body = self.client.get_object(Bucket=self.bucket, Key=self.object_key(key))["Body"]
                with open(path, "wb") as out:
                    for chunk in body.iter_chunks(CHUNK):
                        out.write(chunk)
            except (BotoCoreError, ClientError) as exc:
                raise self._fail("cannot read", exc) from exc
            yield path
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def check(self) -> None:
        """The bucket answers and takes a write: wrong credentials, bucket or endpoint fail here."""
        from botocore.exceptions import BotoCoreError, ClientError

        probe = self.object_key(f".ready-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        try:
            self.client.put_object(Bucket=self.bucket, Key=probe, Body=b"ok")
            self.client.delete_object(Bucket=self.bucket, Key=probe)
        except (BotoCoreError, ClientError) as exc:
            raise self._fail("cannot write to", exc) from exc


def _read_part(source: BinaryIO, size: int, room: int, key: str) -> bytes:
    """Up to ``size`` bytes (fewer only at the end); FileTooLarge once past the size limit."""
    buffer = bytearray()
    while len(buffer) < size:
        chunk = source.read(min(CHUNK, size - len(buffer)))
        if not chunk:
            break
        buffer += chunk
        if len(buffer) > room:
            raise FileTooLarge(key)
    return bytes(buffer)


_clients: dict[tuple, object] = {}
_clients_lock = threading.Lock()


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket/prefix`` → (bucket, prefix)."""
    if not url.startswith("s3://") or not url[5:].split("/", 1)[0]:
        raise ValueError(f"DOCBATCH_STORAGE_URL must be empty (local files) or s3://bucket/prefix, "
                         f"not {url!r}")
    bucket, _, prefix = url[5:].partition("/")
    return bucket, prefix


def s3_client(settings: Settings):  # noqa: ANN201 (a boto3 client)
    """One client per process and configuration; empty settings fall back to boto3's own chain
    (``AWS_ACCESS_KEY_ID``, ``AWS_REGION``, ``AWS_ENDPOINT_URL``, profiles, instance roles)."""
    key = (settings.s3_endpoint_url, settings.s3_region, settings.s3_access_key_id,
           settings.s3_secret_access_key, settings.s3_addressing_style)
    with _clients_lock:
        if key not in _clients:
            import boto3
            from botocore.config import Config

            _clients[key] = boto3.session.Session().client(
                "s3",
                endpoint_url=settings.s3_endpoint_url or None,
                region_name=settings.s3_region or None,
                aws_access_key_id=settings.s3_access_key_id or None,
                aws_secret_access_key=settings.s3_secret_access_key or None,
                config=Config(s3={"addressing_style": settings.s3_addressing_style},
                              connect_timeout=5, read_timeout=60,
                              retries={"max_attempts": 3, "mode": "standard"},
                              max_pool_connections=32),
            )
        return _clients[key]


def open_storage(settings: Settings) -> LocalStorage | S3Storage:
    """The storage ``settings`` name: ``DOCBATCH_STORAGE_URL`` or the local files folder."""
    if settings.storage_url:
        bucket, prefix = parse_s3_url(settings.storage_url)
        return S3Storage(s3_client(settings), bucket, prefix)
    return LocalStorage(settings.files_dir)
