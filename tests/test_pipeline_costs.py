"""What the pipeline reads and writes per file (issue 13): the template and the organisation's
model once per batch, no file read, two row writes per file; a file's second run reads the
template as it is now; no webhook fan-out per file when no endpoint lists the event."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.contrib.pydantic import pydantic_data_converter

from core.db import get_engine, session_scope
from core.models import Template
from core.temporal import workflow_id
from tests.harness import DOCS, Service, eventually

INVOICES = [DOCS / "invoice-acme.pdf", DOCS / "invoice-globex.pdf", DOCS / "invoice-umbrella.pdf"]


@contextmanager
def activity_statements(url: str) -> Iterator[Counter[str]]:
    """SQL statements run by the worker's activity threads (not the API's), as "VERB table";
    not those of the export prepared once the batch has settled (activities/exports.py)."""
    counts: Counter[str] = Counter()

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not threading.current_thread().name.startswith("ThreadPoolExecutor"):
            return
        if activity.in_activity() and activity.info().activity_type == "prepare_exports":
            return
        verb = statement.split()[0].upper()
        table = re.search(r"\b(?:FROM|UPDATE|INTO)\s+\"?(\w+)", statement, re.IGNORECASE)
        counts[f"{verb} {table.group(1) if table else '?'}"] += 1

    engine = get_engine(url)
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield counts
    finally:
        event.remove(engine, "before_cursor_execute", seen)


async def test_a_batch_reads_its_template_once_and_writes_each_file_twice(
    service: Service,
) -> None:
    with activity_statements(service.settings.sqlalchemy_url) as counts:
        batch = (await service.upload(INVOICES)).json()
        final = await service.wait_final(batch["id"])
    assert final["status"] == "completed"
    files = len(INVOICES)
    assert counts["SELECT template"] == 1, counts  # once per batch, not per file
    assert counts["UPDATE batchfile"] == 2 * files, counts  # started, then completed
    assert counts["SELECT field_correction"] == 0, counts  # a first extraction has none
    # no file row is read (the count refresh groups the batch's rows, it reads none of them)
    file_reads = counts["SELECT batchfile"] - counts["UPDATE batch"]
    assert file_reads == 0, counts


def _schema(pattern: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"code": {"type": "string", "x-labels": ["code"], "x-pattern": pattern}},
    }


async def test_a_retried_file_is_extracted_with_the_template_as_it_is_now(
    service: Service, tmp_path: Path
) -> None:
    created = (
        await service.http.post(
            f"/templates/{service.org_id}", json={"name": "codes", "templateSchema": _schema("c")}
        )
    ).json()
    with session_scope(service.settings.sqlalchemy_url) as session:  # broken, as if saved long ago
        row = session.get(Template, created["id"])
        assert row is not None
        row.template_schema = _schema("(?=code)code")
        session.add(row)
    service.templates["codes"] = created["id"]
    doc = tmp_path / "doc.txt"
    doc.write_text("code: A-17\n")
    batch = (await service.upload([doc], template="codes")).json()
    failed = await service.wait_final(batch["id"])
    assert failed["files"][0]["errorCode"] == "InvalidTemplate"

    with session_scope(service.settings.sqlalchemy_url) as session:  # repaired
        row = session.get(Template, created["id"])
        assert row is not None
        row.template_schema = _schema(r"[A-Z]-\d+")
        session.add(row)
    file_id = failed["files"][0]["id"]
    resp = await service.http.post(f"/batch/{service.org_id}/{batch['id']}/files/{file_id}/retry")
    assert resp.status_code == 202, resp.text
    detail = await eventually(
        lambda: service.detail(batch["id"]),
        lambda d: d["files"][0]["attempts"] == 2 and d["status"] != "processing",
        timeout=60,
        interval=0.2,
        what="the retried file to settle",
    )
    # the repaired template was used: with the one read at the first run it would fail again
    assert detail["status"] == "completed", detail
    assert detail["files"][0]["status"] == "completed", detail


async def published(service: Service, batch_id: str) -> list[str]:
    """The event types the batch workflow handed to its webhook fan-out: ``publish_event`` local
    activities, recorded as markers summarised "<event type>[ · <file>]" in its history."""
    history = await service.temporal.get_workflow_handle(workflow_id(batch_id)).fetch_history()
    summaries = [
        e.user_metadata.summary
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
        and e.HasField("user_metadata")
        and e.user_metadata.HasField("summary")
    ]
    texts = await pydantic_data_converter.decode(summaries, [str] * len(summaries))
    return sorted(text.split(" · ")[0] for text in texts)


async def published_when_settled(service: Service, batch_id: str) -> list[str]:
    """``published`` once the batch has settled and its batch.completed is handed over (just
    after the final status is stored, so it is waited for)."""
    await service.wait_final(batch_id)
    return await eventually(
        lambda: published(service, batch_id),
        lambda p: "batch.completed" in p,
        what="batch.completed to be published",
    )


async def test_document_events_are_published_only_when_an_endpoint_lists_them(
    service: Service,
) -> None:
    batch = (await service.upload(INVOICES)).json()
    events = await published_when_settled(service, batch["id"])
    # no endpoint: the batch's own events only, no fan-out per file
    assert events == ["batch.completed", "batch.uploaded"]

    # An endpoint added later gets the next files' events (asked per file, nothing remembered).
    # Paused, so nothing is sent to its address; the fan-out's exact filter skips it.
    created = await service.http.post(
        f"/webhooks/{service.org_id}",
        json={
            "name": "later",
            "url": "https://93.184.215.14/hooks/docbatch",
            "events": ["document.processed"],
        },
    )
    assert created.status_code == 201, created.text
    endpoint = created.json()["id"]
    paused = await service.http.patch(
        f"/webhooks/{service.org_id}/{endpoint}", json={"status": "paused"}
    )
    assert paused.status_code == 200, paused.text
    batch = (await service.upload(INVOICES)).json()
    events = await published_when_settled(service, batch["id"])
    assert events == [
        "batch.completed",
        "batch.uploaded",
        *["document.processed"] * len(INVOICES),
    ]
