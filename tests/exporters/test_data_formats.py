"""json, csv and xml exports read back by independent parsers (json, pandas, lxml + XSD)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from exporters.registry import available_formats, get_exporter, render_whole
from tests.exporters.conftest import CHINESE, EMOJI, FRENCH, GERMAN, MULTILINE, QUOTED, THAI

XSD_PATH = Path(__file__).resolve().parents[2] / "exporters" / "docbatch-export.xsd"


def test_registry_has_all_seven_formats():
    assert available_formats() == ["csv", "docx", "html", "json", "pdf", "text", "xml"]
    expected = {
        "json": ("application/json", "json"),
        "csv": ("text/csv; charset=utf-8", "csv"),
        "xml": ("application/xml", "xml"),
        "html": ("text/html; charset=utf-8", "html"),
        "pdf": ("application/pdf", "pdf"),
        "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
        "text": ("text/plain; charset=utf-8", "txt"),
    }
    for fmt, (media, ext) in expected.items():
        e = get_exporter(fmt)
        assert e is not None and e.media_type == media and e.extension == ext
    assert get_exporter("JSON") is get_exporter("json")
    assert get_exporter("yaml") is None


# ------------------------------------------------------------------ json


def test_json_typed_values_and_order(batch):
    doc = json.loads(render_whole(batch, "json"))
    assert list(doc) == [
        "format",
        "formatVersion",
        "batch",
        "template",
        "results",
        "failures",
        "pending",
    ]
    b = doc["batch"]
    assert b["name"] == batch.name and b["id"] == batch.id
    assert (
        b["createdAt"] == "2024-05-01T09:30:15.250Z"
        and b["finishedAt"] == "2024-05-01T14:30:15.250Z"
    )
    assert (b["totalFiles"], b["completedFiles"], b["failedFiles"]) == (4, 3, 1)
    assert b["inProgress"] is False and b["notice"] is None
    assert doc["template"]["name"] == "Hostile invoice ✓"
    names = [f["name"] for f in doc["template"]["fields"]]
    assert names == list(batch.templateSchema["properties"])
    assert doc["template"]["fields"][-1]["type"] == "lineItems"

    r0, r1, r2 = doc["results"]
    assert list(r0["fields"]) == names  # template order, every field
    assert r0["fileName"] == 'receipt "one", <1>.pdf'
    assert r0["fields"]["seller_name"] == QUOTED
    assert r0["fields"]["notes"] == MULTILINE
    assert r0["fields"]["1st total/€"] == 1234.5
    assert r0["fields"]["paid"] is True
    assert r0["fields"]["issue_date"] == "2024-04-30"
    assert r0["fields"]["line_items"][0] == {"description": THAI, "quantity": 2, "amount": 10.25}
    assert r0["fields"]["line_items"][1]["description"] == CHINESE + " " + EMOJI
    assert r0["fields"]["line_items"][1]["quantity"] == 3  # "3" typed as a number
    assert r0["confidence"] == {"invoice_number": 0.98, "1st total/€": 0.75}
    assert r1["fields"]["1st total/€"] == 99.9  # "99.90" typed as a number
    assert r1["fields"]["issue_date"] is None
    assert r1["fields"]["seller_name"] == GERMAN and r1["fields"]["notes"] == FRENCH
    assert r2["fields"]["paid"] is None  # missing field present as null
    assert doc["failures"] == [
        {
            "fileId": "file_failed01",
            "fileName": "broken & <bad>.pdf",
            "errorCode": "unreadable",
            "errorMessage": 'The file could not be read: "corrupt" <xref> & trailer',
            "finishedAt": "2024-05-01T13:30:15.250Z",
        }
    ]
    assert doc["pending"] == []


def test_json_in_progress(partial_batch):
    doc = json.loads(render_whole(partial_batch, "json"))
    assert doc["batch"]["inProgress"] is True
    assert "PARTIAL EXPORT" in doc["batch"]["notice"]
    assert doc["batch"]["pendingFiles"] == 2
    assert [p["fileName"] for p in doc["pending"]] == ["later-1.pdf", "later-2.pdf"]
    assert [p["status"] for p in doc["pending"]] == ["processing", "queued"]


# ------------------------------------------------------------------ csv


def _read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_csv_one_row_per_document(batch):
    data = render_whole(batch, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    df = _read_csv(data)
    assert list(df.columns[:4]) == ["status", "file_name", "file_id", "pages"]
    assert "1st total/€" in df.columns and "line_items" in df.columns
    assert len(df) == 4  # 3 results then the failed file
    assert list(df["status"]) == ["completed", "completed", "completed", "failed"]
    r0 = df.iloc[0]
    assert r0["file_name"] == 'receipt "one", <1>.pdf'
    assert r0["seller_name"] == QUOTED
    assert r0["notes"] == MULTILINE
    assert r0["1st total/€"] == "1234.5"
    assert json.loads(r0["line_items"])[0] == {"description": THAI, "quantity": 2, "amount": 10.25}
    assert df.iloc[1]["seller_name"] == GERMAN and df.iloc[1]["notes"] == FRENCH
    assert df.iloc[1]["file_name"] == f"{THAI}.png"
    assert df.iloc[2]["seller_name"] == f"{CHINESE} {THAI}" and df.iloc[2]["notes"] == EMOJI
    # formula-injection guard; plain negative numbers stay numbers
    assert r0["formula"] == '\'=HYPERLINK("http://x")'
    assert df.iloc[1]["invoice_number"] == "'@INV-002"
    assert df.iloc[1]["formula"] == "'-cmd|' /C calc'!A0"
    assert df.iloc[2]["formula"] == "'+1+1"
    assert df.iloc[2]["1st total/€"] == "-12.5"
    failed = df.iloc[3]
    assert failed["error_code"] == "unreadable"
    assert failed["error_message"] == 'The file could not be read: "corrupt" <xref> & trailer'
    assert failed["seller_name"] == ""
    assert set(df["batch_name"]) == {batch.name}
    assert set(df["batch_id"]) == {batch.id}
    assert set(df["batch_in_progress"]) == {"false"}
    assert set(df["batch_created_at"]) == {"2024-05-01T09:30:15.250Z"}
    assert set(df["completed_files"]) == {"3"} and set(df["failed_files"]) == {"1"}


def test_csv_line_item_rows(batch):
    df = _read_csv(render_whole(batch, "csv", line_items="rows"))
    assert "line_items" not in df.columns
    for col in [
        "line_item_index",
        "line_items.description",
        "line_items.quantity",
        "line_items.amount",
    ]:
        assert col in df.columns
    done = df[df["status"] == "completed"]
    assert len(done) == 3 + 1 + 1  # 3 items, a document with none, 1 item
    first = done[done["file_id"] == "file_hostile01"]
    assert list(first["line_item_index"]) == ["1", "2", "3"]
    assert list(first["line_items.description"]) == [THAI, f"{CHINESE} {EMOJI}", "'+SUM(A1)"]
    assert list(first["line_items.amount"]) == ["10.25", "-4.5", "0"]
    assert set(first["seller_name"]) == {QUOTED}  # header fields repeated
    empty = done[done["file_id"] == "file_hostile02"].iloc[0]
    assert empty["line_item_index"] == "" and empty["line_items.description"] == ""
    assert df.iloc[-1]["status"] == "failed"


def test_csv_in_progress_and_option_validation(partial_batch):
    df = _read_csv(render_whole(partial_batch, "csv"))
    assert set(df["batch_in_progress"]) == {"true"}
    pend = df[df["status"].isin(["queued", "processing"])]
    assert list(pend["file_name"]) == ["later-1.pdf", "later-2.pdf"]
    assert set(df["pending_files"]) == {"2"}
    with pytest.raises(ValueError):
        render_whole(partial_batch, "csv", line_items="sideways")
    assert render_whole(partial_batch, "csv", lineItems="rows") == render_whole(
        partial_batch, "csv", line_items="rows"
    )


def test_csv_field_name_clash_gets_unique_column(batch):
    schema = {"type": "object", "properties": {"file_name": {"type": "string"}, "status": {}}}
    b = batch.model_copy(update={"templateSchema": schema})
    b.results[0].fields["file_name"] = "from the document"
    df = _read_csv(render_whole(b, "csv"))
    assert "field.file_name" in df.columns and "field.status" in df.columns
    assert df.iloc[0]["field.file_name"] == "from the document"
    assert df.iloc[0]["file_name"] == 'receipt "one", <1>.pdf'


# ------------------------------------------------------------------ xml


@pytest.fixture(scope="module")
def xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_PATH)))


def _xml(batch, xsd):
    data = render_whole(batch, "xml")
    root = etree.fromstring(data)
    xsd.assertValid(root)
    return data, root


def _field(doc, name):
    (el,) = [f for f in doc.findall("field") if f.get("name") == name]
    return el


def test_xml_validates_and_round_trips(batch, xsd):
    data, root = _xml(batch, xsd)
    assert data.startswith(b"<?xml") and b"encoding='utf-8'" in data.split(b"\n")[
        0
    ].lower().replace(b'"', b"'")
    assert root.findtext("batch/name") == batch.name
    assert root.findtext("batch/id") == batch.id
    assert root.findtext("batch/inProgress") == "false"
    assert root.findtext("batch/createdAt") == "2024-05-01T09:30:15.250Z"
    assert root.findtext("batch/finishedAt") == "2024-05-01T14:30:15.250Z"
    assert root.find("template").get("name") == "Hostile invoice ✓"
    defs = [f.get("name") for f in root.findall("template/fieldDef")]
    assert defs == list(batch.templateSchema["properties"])
    docs = root.findall("results/document")
    assert len(docs) == 3 and root.find("results").get("count") == "3"
    d0 = docs[0]
    assert d0.get("fileName") == 'receipt "one", <1>.pdf'
    assert [f.get("name") for f in d0.findall("field")] == defs
    assert _field(d0, "seller_name").text == QUOTED
    assert _field(d0, "notes").text == MULTILINE
    total = _field(d0, "1st total/€")
    assert (total.text, total.get("type"), total.get("confidence")) == ("1234.5", "number", "0.75")
    assert _field(d0, "paid").get("type") == "boolean" and _field(d0, "paid").text == "true"
    li = _field(d0, "line_items")
    assert li.get("type") == "lineItems"
    items = li.findall("item")
    assert [i.get("index") for i in items] == ["1", "2", "3"]
    assert _field(items[0], "description").text == THAI
    assert _field(items[1], "description").text == f"{CHINESE} {EMOJI}"
    assert _field(items[1], "quantity").get("type") == "integer"
    d1 = docs[1]
    assert _field(d1, "issue_date").get("type") == "null" and _field(d1, "issue_date").text is None
    assert _field(d1, "seller_name").text == GERMAN
    assert _field(d1, "invoice_number").text == "@INV-002"  # no csv guard in xml
    assert _field(d1, "line_items").findall("item") == []
    (fail,) = root.findall("failures/failure")
    assert fail.get("fileName") == "broken & <bad>.pdf" and fail.get("errorCode") == "unreadable"
    assert fail.findtext("reason") == 'The file could not be read: "corrupt" <xref> & trailer'
    assert root.findall("pending/pendingFile") == []


def test_xml_in_progress_validates(partial_batch, xsd):
    _, root = _xml(partial_batch, xsd)
    assert root.findtext("batch/inProgress") == "true"
    assert "PARTIAL EXPORT" in root.findtext("batch/notice")
    assert root.find("batch/finishedAt") is None
    assert [p.get("fileName") for p in root.findall("pending/pendingFile")] == [
        "later-1.pdf",
        "later-2.pdf",
    ]


def test_xml_any_field_name_and_nested_values_validate(batch, xsd):
    schema = {
        "type": "object",
        "properties": {
            "": {},
            "<tag>": {},
            "a b": {},
            "xml:lang": {},
            "tags": {"type": "array"},
            "address": {"type": "object"},
            "ctrl": {},
        },
    }
    b = batch.model_copy(update={"templateSchema": schema})
    b.results[0].fields.update(
        {
            "": "empty name",
            "<tag>": "x",
            "tags": ["a", 1, None, True],
            "address": {"city": "Zürich", "zip": 8000},
            "ctrl": "bell\x07 nul\x00 end",
        }
    )
    _, root = _xml(b, xsd)
    d0 = root.find("results/document")
    assert _field(d0, "").text == "empty name"
    tags = _field(d0, "tags")
    assert tags.get("type") == "list"
    assert [(v.get("type"), v.text) for v in tags.findall("value")] == [
        ("string", "a"),
        ("integer", "1"),
        ("null", None),
        ("boolean", "true"),
    ]
    addr = _field(d0, "address")
    assert addr.get("type") == "object" and _field(addr, "city").text == "Zürich"
    assert _field(d0, "ctrl").text == "bell\ufffd nul\ufffd end"


def test_xml_xsd_rejects_a_broken_export(batch, xsd):
    _, root = _xml(batch, xsd)
    root.find("results/document/field").set("type", "banana")
    assert not xsd.validate(root)
