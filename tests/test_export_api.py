"""The export endpoints over HTTP: headers, errors, partial batches, one file."""

from __future__ import annotations

import io
import json

import pandas as pd
from docx import Document
from lxml import etree

from exporters.registry import available_formats
from tests.harness import DOCS, Service

EXPECTED = {
    "json": "application/json",
    "csv": "text/csv",
    "xml": "application/xml",
    "html": "text/html",
    "text": "text/plain",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
EXTENSIONS = {
    "json": "json",
    "csv": "csv",
    "xml": "xml",
    "html": "html",
    "text": "txt",
    "pdf": "pdf",
    "docx": "docx",
}


async def test_every_format_downloads_with_the_right_headers(service: Service) -> None:
    batch = (
        await service.upload(
            [DOCS / "invoice-acme.pdf", DOCS / "invoice-globex.pdf", DOCS / "corrupt.pdf"],
            name="März 2026 / Rechnungen",
        )
    ).json()
    await service.wait_final(batch["id"])
    assert sorted(available_formats()) == sorted(EXPECTED)
    for fmt, media in EXPECTED.items():
        resp = await service.http.get(
            f"/batch/{service.org_id}/{batch['id']}/export", params={"format": fmt}
        )
        assert resp.status_code == 200, (fmt, resp.text[:200])
        assert resp.headers["content-type"].startswith(media), fmt
        disposition = resp.headers["content-disposition"]
        assert (
            disposition.startswith('attachment; filename="')
            and "/" not in disposition.split('"')[1]
        )
        assert disposition.split('"')[1].endswith("." + EXTENSIONS[fmt])
        assert "filename*=UTF-8''M%C3%A4rz%202026%20_%20Rechnungen." in disposition
        assert resp.headers["x-export-partial"] == "false"
        body = resp.content
        if fmt == "json":
            doc = json.loads(body)
            assert [r["fields"]["invoice_number"] for r in doc["results"]] == [
                "INV-1001",
                "INV-2002",
            ]
            assert doc["failures"][0]["fileName"] == "corrupt.pdf"
        elif fmt == "csv":
            frame = pd.read_csv(io.BytesIO(body), encoding="utf-8-sig")
            assert "INV-1001" in frame.to_string() and "INV-2002" in frame.to_string()
        elif fmt == "xml":
            etree.fromstring(body)
        elif fmt == "docx":
            text = "\n".join(
                c.text for t in Document(io.BytesIO(body)).tables for r in t.rows for c in r.cells
            )
            assert "INV-1001" in text
        elif fmt in ("html", "text"):
            assert "INV-2002" in body.decode() and "corrupt.pdf" in body.decode()
        else:
            assert body.startswith(b"%PDF")


async def test_export_errors(service: Service) -> None:
    batch = (await service.upload([DOCS / "receipt.txt"], template="receipt")).json()
    await service.wait_final(batch["id"])
    bad = await service.http.get(
        f"/batch/{service.org_id}/{batch['id']}/export", params={"format": "xlsx"}
    )
    assert bad.status_code == 400
    assert (
        bad.json()["message"]
        == "Unknown export format 'xlsx'; use one of csv, docx, html, json, pdf, text, xml."
    )
    other_org = await service.http.get(
        f"/batch/org_other/{batch['id']}/export", params={"format": "json"}
    )
    assert other_org.status_code == 404
    await service.http.delete(f"/batch/{service.org_id}/{batch['id']}")
    gone = await service.http.get(
        f"/batch/{service.org_id}/{batch['id']}/export", params={"format": "json"}
    )
    assert gone.status_code == 404


async def test_processing_batch_exports_what_is_finished_and_says_so(
    tmp_path, temporal_client
) -> None:
    from tests.harness import make_settings, running_service

    # No worker: the batch stays processing, nothing is finished yet.
    async with running_service(make_settings(tmp_path), temporal_client, with_worker=False) as svc:
        batch = (await svc.upload([DOCS / "invoice-acme.pdf"])).json()
        resp = await svc.http.get(
            f"/batch/{svc.org_id}/{batch['id']}/export", params={"format": "json"}
        )
        assert resp.status_code == 200 and resp.headers["x-export-partial"] == "true"
        doc = json.loads(resp.content)
        assert doc["batch"]["inProgress"] is True and doc["batch"]["notice"]
        assert [p["fileName"] for p in doc["pending"]] == ["invoice-acme.pdf"]
        text = (
            await svc.http.get(
                f"/batch/{svc.org_id}/{batch['id']}/export", params={"format": "text"}
            )
        ).text
        assert "PARTIAL" in text.upper() and "invoice-acme.pdf" in text


async def test_one_file_export(service: Service) -> None:
    batch = (await service.upload([DOCS / "invoice-acme.pdf", DOCS / "invoice-globex.pdf"])).json()
    final = await service.wait_final(batch["id"])
    acme = next(f for f in final["files"] if f["fileName"] == "invoice-acme.pdf")
    resp = await service.http.get(
        f"/processing-history/{service.org_id}/{acme['id']}/export", params={"format": "csv"}
    )
    assert (
        resp.status_code == 200
        and 'filename="invoice-acme.csv"' in resp.headers["content-disposition"]
    )
    frame = pd.read_csv(io.BytesIO(resp.content), encoding="utf-8-sig")
    assert (
        len(frame) == 1 and "INV-1001" in frame.to_string() and "INV-2002" not in frame.to_string()
    )
