"""load_export_batch against a real SQLite database, export_filename, and streaming."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, SQLModel, create_engine

from core.ids import iso
from core.models import Batch, BatchFile, Organization, Template
from exporters.build import content_disposition, export_filename, load_export_batch
from exporters.registry import get_exporter, render_whole
from extraction.builtin_templates import INVOICE_SCHEMA
from tests.exporters.samples import synthetic_invoice_batch

FIELDS = list(INVOICE_SCHEMA["properties"])
UTC = UTC


def _utc(dt: datetime) -> datetime:
    """Naive UTC or aware: the same instant as an aware datetime."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


@pytest.fixture
def session(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'export.db'}")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as s:
        yield s
    engine.dispose()


def _seed(
    session: Session, *, template: bool = True, statuses=("completed", "failed", "completed")
):
    session.add(Organization(id="org_1", name="Org"))
    if template:
        session.add(
            Template(id="tpl_inv", org_id="org_1", name="invoice", template_schema=INVOICE_SCHEMA)
        )
    batch = Batch(
        id="batch_1",
        org_id="org_1",
        project_id="proj_1",
        template_id="tpl_inv",
        template_name="invoice",
        name="April ✓",
        status="processing",
        created_at=datetime(2024, 5, 1, 9, tzinfo=UTC),
        finished_at=None,
    )
    session.add(batch)
    # inserted out of order: the export follows ``position``
    for pos in reversed(range(len(statuses))):
        st = statuses[pos]
        result = None
        if st == "completed":
            result = {
                "fields": {  # engine order differs from the template's
                    "grand_total": 12.5 + pos,
                    "invoice_number": f"INV-{pos}",
                    "seller_name": "ใบเสร็จ",
                    "line_items": [{"description": "发票", "quantity": 1, "amount": 12.5}],
                },
                "confidence": {"grand_total": 0.9},
                "details": {"x": 1},
                "pages": 2,
                "engine": "local",
            }
        session.add(
            BatchFile(
                id=f"file_{pos}",
                batch_id="batch_1",
                org_id="org_1",
                project_id="proj_1",
                template_id="tpl_inv",
                position=pos,
                file_name=f"doc-{pos}.pdf",
                storage_key=f"k{pos}",
                status=st,
                result=result,
                error_code="unreadable" if st == "failed" else None,
                error_message="Too blurry" if st == "failed" else None,
                finished_at=datetime(2024, 5, 1, 10, pos, tzinfo=UTC)
                if st in ("completed", "failed")
                else None,
            )
        )
    session.commit()
    return batch


def test_load_export_batch(session):
    batch = _seed(session)
    eb = load_export_batch(session, batch)
    assert (eb.id, eb.name, eb.templateId, eb.templateName, eb.projectId) == (
        "batch_1",
        "April ✓",
        "tpl_inv",
        "invoice",
        "proj_1",
    )
    assert eb.field_names == FIELDS  # the template's order
    assert [f.fileId for f in eb.results] == ["file_0", "file_2"]  # by position
    assert eb.results[0].fields["grand_total"] == 12.5 and eb.results[0].pages == 2
    assert eb.results[0].confidence == {"grand_total": 0.9}
    assert [(f.fileId, f.errorCode, f.errorMessage) for f in eb.failures] == [
        ("file_1", "unreadable", "Too blurry")
    ]
    assert (eb.totalFiles, eb.completedFiles, eb.failedFiles) == (3, 2, 1)
    assert eb.inProgress is False and eb.pending == []
    assert iso(eb.createdAt) == "2024-05-01T09:00:00.000Z"
    assert abs((datetime.now(UTC) - _utc(eb.exportedAt)).total_seconds()) < 3600
    assert iso(eb.results[1].finishedAt) == "2024-05-01T10:02:00.000Z"
    doc = json.loads(render_whole(eb, "json"))
    assert list(doc["results"][0]["fields"]) == FIELDS


def test_load_export_batch_in_progress_and_file_ids(session):
    batch = _seed(session, statuses=("completed", "processing", "queued", "failed"))
    eb = load_export_batch(session, batch)
    assert eb.inProgress is True
    assert [(f.fileId, f.status) for f in eb.pending] == [
        ("file_1", "processing"),
        ("file_2", "queued"),
    ]
    doc = json.loads(render_whole(eb, "json"))
    assert doc["batch"]["inProgress"] is True and len(doc["pending"]) == 2

    one = load_export_batch(session, batch, ["file_0"])
    assert [f.fileId for f in one.results] == ["file_0"] and not one.failures and not one.inProgress
    assert one.totalFiles == 1
    assert load_export_batch(session, batch, []).totalFiles == 0


def test_load_export_batch_template_gone(session):
    batch = _seed(session, template=False)
    eb = load_export_batch(session, batch)
    names = eb.field_names
    assert names == ["grand_total", "invoice_number", "seller_name", "line_items"]
    assert eb.templateSchema["properties"]["line_items"]["items"]["properties"] == {
        "description": {},
        "quantity": {},
        "amount": {},
    }
    assert json.loads(render_whole(eb, "json"))["results"][1]["fields"]["invoice_number"] == "INV-2"


@pytest.mark.parametrize(
    "name, ext, expected",
    [
        ("April invoices", "csv", "April_invoices.csv"),
        ("Müller & Söhne: Q2/2024", "pdf", "Muller_Sohne_Q2_2024.pdf"),
        ('../../etc/passwd"; x=1', "json", "etc_passwd_x_1.json"),
        ("ใบเสร็จรับเงิน", "xml", "export.xml"),
        ("", "txt", "export.txt"),
        ("...", "html", "export.html"),
        ("CON", "docx", "CON_export.docx"),
        ("a\r\nb\x00c", ".csv", "a_b_c.csv"),
        ("x" * 500, "pdf", "x" * 100 + ".pdf"),
    ],
)
def test_export_filename(name, ext, expected):
    got = export_filename(name, ext)
    assert got == expected
    assert got.isascii() and not any(c in got for c in "/\\\"';\r\n")


def test_content_disposition_has_both_names():
    cd = content_disposition("发票 April", "pdf")
    assert cd.startswith('attachment; filename="April.pdf"; ')
    assert "filename*=UTF-8''%E5%8F%91%E7%A5%A8%20April.pdf" in cd


class Boom:
    """A value that cannot be rendered: reaching it proves the output before it was streamed."""

    def __str__(self) -> str:
        raise RuntimeError("rendered too early")


@pytest.mark.parametrize("fmt", ["json", "csv", "xml", "html", "text"])
def test_streaming_formats_yield_before_the_last_document(fmt):
    batch = synthetic_invoice_batch(200, 10)
    batch.results[-1].fields["buyer_name"] = Boom()
    stream = get_exporter(fmt).render(batch)
    first = next(stream)  # produced without touching the last document
    assert first
    with pytest.raises(RuntimeError, match="too early"):
        for _ in stream:
            pass


@pytest.mark.parametrize("fmt", ["json", "csv", "xml", "html", "pdf", "docx", "text"])
def test_fifty_file_batch_renders(fmt):
    batch = synthetic_invoice_batch(50, 10, n_failed=1, n_pending=1)
    data = render_whole(batch, fmt)
    assert len(data) > 10_000
    if fmt in ("json", "csv", "xml", "html", "text"):
        text = data.decode("utf-8-sig")
        assert "INV-2024-00050" in text and "Item 10 of invoice 50" in text
