"""The prepared-export store (exporters/cache.py) on both storage backends: what its content
key follows, hits and misses, one object per batch and format, deletion."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from core.settings import Settings
from core.storage import LocalStorage, S3Storage, open_storage
from exporters import get_exporter
from exporters.cache import (
    CACHED_FORMATS,
    content_key,
    delete_prepared,
    prepare,
    serve,
    storage_key,
)
from tests.exporters.samples import synthetic_invoice_batch
from tests.s3_server import new_bucket, s3_overrides, s3_server

BATCH = synthetic_invoice_batch(2, 2, n_failed=1)


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> LocalStorage | S3Storage:
    if request.param == "local":
        return LocalStorage(tmp_path / "files")
    endpoint = request.getfixturevalue("s3_endpoint")
    return open_storage(Settings(**s3_overrides(endpoint, new_bucket(endpoint))))  # type: ignore[arg-type]


def test_the_setting_names_the_cached_formats() -> None:
    assert set(Settings(prepare_exports=" PDF, docx").prepared_formats) == CACHED_FORMATS
    assert Settings(prepare_exports="").prepared_formats == []
    with pytest.raises(ValueError, match="json"):
        Settings(prepare_exports="pdf,json")


def test_the_key_follows_the_content_not_the_export_time() -> None:
    key = content_key(BATCH, "pdf", {})
    later = BATCH.model_copy(update={"exportedAt": BATCH.exportedAt + timedelta(days=1)})
    assert content_key(later, "pdf", {}) == key
    changed = BATCH.model_copy(deep=True)
    changed.results[0].fields["grand_total"] = 1.0
    assert content_key(changed, "pdf", {}) != key
    assert content_key(BATCH, "docx", {}) != key
    assert content_key(BATCH, "pdf", {"line_items": "rows"}) != key


def test_a_stored_export_is_served_until_the_content_changes(
    storage: LocalStorage | S3Storage,
) -> None:
    exporter = get_exporter("docx")  # the faster of the two prepared formats
    assert exporter is not None
    assert prepare(storage, "org_1", BATCH, exporter, {}) is True
    assert prepare(storage, "org_1", BATCH, exporter, {}) is False  # stored already
    key = storage_key("org_1", BATCH.id, "docx")
    with storage.local_copy(key) as path:
        stored = path.read_bytes()
    served = b"".join(serve(storage, "org_1", BATCH, exporter, {}))
    assert stored.endswith(served) and served.startswith(b"PK")

    changed = BATCH.model_copy(deep=True)
    changed.results[0].fields["invoice_number"] = "INV-CHANGED-1"
    fresh = b"".join(serve(storage, "org_1", changed, exporter, {}))  # a miss: renders, stores
    assert fresh != served
    with storage.local_copy(key) as path:  # one object per batch and format: the newest
        assert path.read_bytes().endswith(fresh)
    assert b"".join(serve(storage, "org_1", changed, exporter, {})) == fresh

    delete_prepared(storage, "org_1", BATCH.id)
    assert not storage.exists(key)
