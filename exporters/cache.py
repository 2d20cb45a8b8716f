"""Prepared exports: a batch's slow formats (PDF) rendered when it settles, served at download.

Issue 13: a PDF of 50 files x 10 line items costs WeasyPrint about 1.5 CPU-seconds however it
is printed, and people wait for it at the download. The worker renders it once the batch has
settled (activities/exports.py); the download streams the stored bytes.

Nothing stale can be served, so nothing needs invalidating: an export is stored with its
*content key*, a hash of everything that decides what it shows (the ``ExportBatch`` the
download would render minus its export time, the format, the options, and the renderer:
this package's source and templates and the versions of the libraries that print). A retry,
a correction or a file finishing changes the ``ExportBatch``, so the key, so the download
renders afresh (and stores that). A served export shows the time it was rendered as its
"Exported" time.

One object per batch and format, ``<org>/<batch>/exports/batch.<format>``, holding a header
line with the key and then the export's bytes: a newer export replaces the older one in one
write (the storage layer writes atomically), so only the newest is kept, with no listing.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
from collections.abc import Iterator, Mapping
from importlib import metadata
from pathlib import Path

from core.storage import Storage
from exporters.common import split_bytes
from exporters.model import ExportBatch
from exporters.registry import Exporter

log = logging.getLogger("docbatch.exports")

#: Formats worth preparing and caching (the others render in milliseconds).
CACHED_FORMATS = frozenset({"pdf", "docx"})
HEADER = b"docbatch-export "  # + 64 hex digits of the content key + newline
_HEADER_LEN = len(HEADER) + 64 + 1
_LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "fonttools", "python-docx", "jinja2")


@functools.cache
def renderer_version() -> str:
    """A digest of what prints an export besides its content: this package's source and
    templates, and the printing libraries' versions (an upgrade gives new keys)."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    sources = [*root.glob("*.py"), *(p for p in (root / "templates").rglob("*") if p.is_file())]
    for path in sorted(sources):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=-".encode())
    return digest.hexdigest()


def content_key(batch: ExportBatch, fmt: str, options: Mapping[str, object]) -> str:
    """The hash of everything an export of ``batch`` shows, except the time it is made."""
    content = batch.model_dump_json(exclude={"exportedAt"})
    head = json.dumps([fmt, sorted(options.items()), renderer_version()], default=str)
    return hashlib.sha256(f"{head}\n{content}".encode()).hexdigest()


def storage_key(org_id: str, batch_id: str, fmt: str) -> str:
    """Under the batch's prefix (``<org>/<batch>/``), next to its uploaded files."""
    return f"{org_id}/{batch_id}/exports/batch.{fmt}"


def delete_prepared(storage: Storage, org_id: str, batch_id: str) -> None:
    """Remove the batch's prepared exports (the batch was deleted); missing ones are fine."""
    for fmt in sorted(CACHED_FORMATS):
        try:
            storage.delete(storage_key(org_id, batch_id, fmt))
        except OSError as exc:
            log.warning("prepared export of deleted batch %s not removed: %s", batch_id, exc)


def read(storage: Storage, key: str, digest: str) -> bytes | None:
    """The stored export if it was made from this content key, else None (a miss)."""
    try:
        if not storage.exists(key):
            return None
        with storage.local_copy(key) as path, open(path, "rb") as stored:
            if stored.read(_HEADER_LEN) != HEADER + digest.encode() + b"\n":
                return None
            return stored.read()
    except OSError as exc:  # a store that cannot be read is a miss: the export renders
        log.warning("prepared export %s unreadable: %s", key, exc)
        return None


def write(storage: Storage, key: str, digest: str, data: bytes) -> None:
    """Store ``data`` under ``key`` with its content key, replacing the batch's older export."""
    blob = HEADER + digest.encode() + b"\n" + data
    try:
        storage.save_stream(key, io.BytesIO(blob), len(blob))
    except OSError as exc:  # the download still has its bytes; the next one renders again
        log.warning("prepared export %s not stored: %s", key, exc)


def prepare(
    storage: Storage,
    org_id: str,
    batch: ExportBatch,
    exporter: Exporter,
    options: Mapping[str, object],
) -> bool:
    """Render and store ``batch``'s export unless the same content is stored already; True when
    it rendered."""
    key = storage_key(org_id, batch.id, exporter.format)
    digest = content_key(batch, exporter.format, options)
    if read(storage, key, digest) is not None:
        return False
    write(storage, key, digest, b"".join(exporter.render(batch, **options)))
    return True


def serve(
    storage: Storage,
    org_id: str,
    batch: ExportBatch,
    exporter: Exporter,
    options: Mapping[str, object],
) -> Iterator[bytes]:
    """The download's chunks: the stored export when its content key matches (looked up now,
    before the response starts), else a fresh render, stored once it has been sent."""
    key = storage_key(org_id, batch.id, exporter.format)
    digest = content_key(batch, exporter.format, options)
    stored = read(storage, key, digest)
    if stored is not None:
        return split_bytes(stored)
    return _render_and_store(storage, key, digest, batch, exporter, options)


def _render_and_store(
    storage: Storage,
    key: str,
    digest: str,
    batch: ExportBatch,
    exporter: Exporter,
    options: Mapping[str, object],
) -> Iterator[bytes]:
    parts: list[bytes] = []
    for chunk in exporter.render(batch, **options):
        parts.append(chunk)
        yield chunk
    write(storage, key, digest, b"".join(parts))
