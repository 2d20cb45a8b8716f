"""Prepared exports (exporters/cache.py, activities/exports.py) through the running service:
a real Temporal dev server, worker, API and SQLite database, and real invoice PDFs."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import Replayer

from core.db import session_scope
from core.models import Batch
from core.storage import LocalStorage
from core.temporal import exports_refresh_workflow_id
from exporters.build import load_export_batch
from exporters.cache import HEADER, content_key, storage_key
from exporters.fmt_pdf import build_pdf
from exporters.model import ExportBatch
from tests.harness import DOCS, Service, eventually, make_settings, running_service
from workflows.exports import ExportsRefreshWorkflow

INVOICES = [DOCS / "invoice-acme.pdf", DOCS / "invoice-globex.pdf", DOCS / "corrupt.pdf"]


def stored_path(svc: Service, batch_id: str) -> Path:
    return LocalStorage(svc.settings.files_dir).path(storage_key(svc.org_id, batch_id, "pdf"))


def current_content(svc: Service, batch_id: str) -> ExportBatch:
    """The ExportBatch a download of the batch would render now, read from the database."""
    with session_scope(svc.settings.sqlalchemy_url) as session:
        batch = session.get(Batch, batch_id)
        assert batch is not None
        return load_export_batch(session, batch)


def stored_key(path: Path) -> str:
    head = path.read_bytes()[: len(HEADER) + 65]
    assert head.startswith(HEADER)
    return head[len(HEADER) : -1].decode()


async def prepared_for(svc: Service, batch_id: str) -> Path:
    """The stored PDF, once the worker has prepared it for the batch's current content."""
    path = stored_path(svc, batch_id)
    want = content_key(current_content(svc, batch_id), "pdf", {})
    await eventually(
        lambda: path.is_file() and stored_key(path) == want,
        timeout=120,
        what="the settled batch's PDF to be prepared",
    )
    return path


def pdf_text(data: bytes) -> str:
    return "\n".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(data))


async def download(svc: Service, batch_id: str) -> bytes:
    resp = await svc.http.get(f"/batch/{svc.org_id}/{batch_id}/export", params={"format": "pdf"})
    assert resp.status_code == 200, resp.text[:200]
    assert resp.headers["content-type"].startswith("application/pdf")
    return resp.content


async def test_a_settled_batch_pdf_is_prepared_and_served_as_a_fresh_render(
    service: Service,
) -> None:
    batch = await service.upload_ok(INVOICES)
    await service.wait_final(batch["id"])
    path = await prepared_for(service, batch["id"])
    before = path.stat()
    body = await download(service, batch["id"])
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # a hit
    assert body == path.read_bytes()[len(HEADER) + 65 :]
    # A fresh render of the same content, made at the served export's time, is the same bytes.
    exported = re.search(r"Exported\s*(\S+Z)", pdf_text(body))
    assert exported is not None
    at = datetime.fromisoformat(exported.group(1).replace("Z", "+00:00"))
    fresh = current_content(service, batch["id"]).model_copy(update={"exportedAt": at})
    assert build_pdf(fresh) == body
    assert "INV-1001" in pdf_text(body) and "corrupt.pdf" in pdf_text(body)
    # Deleting the batch removes its prepared export (a copy of its results).
    resp = await service.http.delete(f"/batch/{service.org_id}/{batch['id']}")
    assert resp.status_code == 200, resp.text
    assert not path.exists()


async def test_a_correction_or_a_retry_gives_a_new_key_and_the_new_value(
    service: Service,
) -> None:
    batch = await service.upload_ok(INVOICES)
    settled = await service.wait_final(batch["id"])
    path = await prepared_for(service, batch["id"])
    first = stored_key(path)
    acme = next(f["id"] for f in settled["files"] if f["fileName"] == "invoice-acme.pdf")
    resp = await service.http.patch(
        f"/processing-history/{service.org_id}/{acme}/fields",
        json={"fields": {"invoice_number": "INV-5150-KORR"}},
    )
    assert resp.status_code == 200, resp.text
    corrected = content_key(current_content(service, batch["id"]), "pdf", {})
    assert corrected != first
    # the refresh waits 10 s for reviews to pause: this download misses, renders and stores
    body = await download(service, batch["id"])
    assert "INV-5150-KORR" in pdf_text(body) and "INV-1001" not in pdf_text(body)
    assert stored_key(path) == corrected
    assert path.read_bytes()[len(HEADER) + 65 :] == body

    resp = await service.http.post(f"/batch/{service.org_id}/{batch['id']}/retry")
    assert resp.status_code in (200, 202), resp.text
    await eventually(
        lambda: content_key(current_content(service, batch["id"]), "pdf", {}) != corrected,
        timeout=120,
        what="the retried file to finish again",
    )
    await service.wait_final(batch["id"])
    path = await prepared_for(service, batch["id"])  # settled again: prepared again
    assert stored_key(path) not in (first, corrected)
    assert "INV-5150-KORR" in pdf_text(await download(service, batch["id"]))


async def test_with_prepare_off_the_pdf_still_downloads(
    tmp_path: Path, temporal_client: Client
) -> None:
    settings = make_settings(tmp_path, prepare_exports="")
    async with running_service(settings, temporal_client) as svc:
        batch = await svc.upload_ok(INVOICES[:1])
        await svc.wait_final(batch["id"])
        path = stored_path(svc, batch["id"])
        assert not path.exists()
        body = await download(svc, batch["id"])
        assert "INV-1001" in pdf_text(body)
        assert stored_key(path) == content_key(current_content(svc, batch["id"]), "pdf", {})
        # nothing to prepare again after a review either: no refresh workflow is started
        acme = (await svc.wait_final(batch["id"]))["files"][0]["id"]
        resp = await svc.http.patch(
            f"/processing-history/{svc.org_id}/{acme}/fields",
            json={"fields": {"invoice_number": "INV-OFF"}},
        )
        assert resp.status_code == 200, resp.text
        refresh = temporal_client.get_workflow_handle(exports_refresh_workflow_id(batch["id"]))
        with pytest.raises(RPCError) as missing:
            await refresh.describe()
        assert missing.value.status == RPCStatusCode.NOT_FOUND


async def test_reviews_of_a_settled_batch_prepare_its_pdf_again_once_they_pause(
    tmp_path: Path, temporal_client: Client
) -> None:
    settings = make_settings(tmp_path, prepare_exports_quiet_seconds=3)
    async with running_service(settings, temporal_client) as svc:
        batch = await svc.upload_ok(INVOICES)
        settled = await svc.wait_final(batch["id"])
        first = stored_key(await prepared_for(svc, batch["id"]))
        ids = {f["fileName"]: f["id"] for f in settled["files"]}
        # a correction and a confirmation at once: one refresh, signalled twice
        corrected, confirmed = await asyncio.gather(
            svc.http.patch(
                f"/processing-history/{svc.org_id}/{ids['invoice-acme.pdf']}/fields",
                json={"fields": {"invoice_number": "INV-7-REVIEWED"}},
            ),
            svc.http.post(f"/processing-history/{svc.org_id}/{ids['invoice-globex.pdf']}/review"),
        )
        assert corrected.status_code == 200, corrected.text
        assert confirmed.status_code == 200, confirmed.text
        # prepared for the reviewed content with no download asking for it
        path = await prepared_for(svc, batch["id"])
        assert stored_key(path) != first
        before = path.stat()
        body = await download(svc, batch["id"])
        after = path.stat()
        assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # a hit
        assert "INV-7-REVIEWED" in pdf_text(body) and "INV-1001" not in pdf_text(body)

        refresh = temporal_client.get_workflow_handle(exports_refresh_workflow_id(batch["id"]))
        assert await refresh.result() == 1  # rounds: the two reviews came within the pause
        kinds = [event.event_type async for event in refresh.fetch_history_events()]
        assert kinds.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) == 2
        assert kinds.count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) == 1
        replayer = Replayer(
            workflows=[ExportsRefreshWorkflow], data_converter=pydantic_data_converter
        )
        await replayer.replay_workflow(await refresh.fetch_history())  # deterministic

        # a later review starts a new refresh of the same id, which prepares again
        resp = await svc.http.patch(
            f"/processing-history/{svc.org_id}/{ids['invoice-acme.pdf']}/fields",
            json={"fields": {"invoice_number": "INV-8-REVIEWED"}},
        )
        assert resp.status_code == 200, resp.text
        path = await prepared_for(svc, batch["id"])
        assert "INV-8-REVIEWED" in pdf_text(path.read_bytes()[len(HEADER) + 65 :])
