"""Review and correction (issue 14) over HTTP: needs review, corrections in every export,
confirmation, audit, validation, permissions, and hostile bodies.

Real service, worker and documents."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pandas as pd
import pypdfium2 as pdfium
import pytest
from docx import Document
from lxml import etree
from temporalio.client import Client

from core.db import session_scope
from core.models import Organization, Project
from core.tokens import create_token
from tests.harness import DOCS, Service, make_settings, running_service

XSD = Path(__file__).parents[1] / "exporters" / "docbatch-export.xsd"

SCHEMA = {
    "type": "object",
    "required": ["invoice_number", "purchase_order"],
    "properties": {
        "invoice_number": {"type": "string", "description": "Invoice number"},
        "issue_date": {
            "type": "string",
            "format": "date",
            "description": "Date the invoice was issued",
        },
        "seller_name": {
            "type": "string",
            "description": "Name of the company that issued the invoice",
            "x-review-threshold": 0.95,
        },
        "grand_total": {"type": "number", "description": "Total including tax"},
        "purchase_order": {"type": "string", "description": "Purchase order reference"},
        "line_items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"description": {"type": "string"}, "amount": {"type": "number"}},
            },
        },
    },
}


@pytest.fixture
async def reviewed(
    tmp_path: Path, temporal_client: Client, database_url: str
) -> AsyncIterator[dict]:
    """A service with one finished batch of the review template: acme (completed) and corrupt
    (failed),
    on SQLite and on PostgreSQL."""
    async with running_service(make_settings(tmp_path, database_url), temporal_client) as svc:
        made = await svc.http.post(
            f"/templates/{svc.org_id}", json={"name": "Review invoices", "templateSchema": SCHEMA}
        )
        assert made.status_code == 201, made.text
        await svc.load_me()
        batch = (
            await svc.upload(
                [DOCS / "invoice-acme.pdf", DOCS / "corrupt.pdf"],
                template="Review invoices",
                name="Review batch",
            )
        ).json()
        detail = await svc.wait_final(batch["id"])
        files = {f["fileName"]: f for f in detail["files"]}
        yield {
            "svc": svc,
            "batch": detail,
            "acme": files["invoice-acme.pdf"]["id"],
            "corrupt": files["corrupt.pdf"]["id"],
        }


def error(resp: httpx.Response, status: int, *needles: str) -> str:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["statusCode"] == status and body["error"], body
    text = str(body["message"])
    for needle in needles:
        assert needle in text, text
    return text


def pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def export_text(fmt: str, body: bytes) -> str:
    if fmt == "pdf":
        return pdf_text(body)
    if fmt == "docx":
        return docx_text(body)
    if fmt == "csv":
        return pd.read_csv(io.BytesIO(body), encoding="utf-8-sig").to_string()
    if fmt == "xml":
        return etree.tostring(etree.fromstring(body), encoding="unicode")
    return body.decode("utf-8")


async def test_a_completed_file_needs_review_for_a_missing_required_or_unsure_field(
    reviewed: dict,
) -> None:
    svc: Service = reviewed["svc"]
    org, acme = svc.org_id, reviewed["acme"]
    assert reviewed["batch"]["needsReviewFiles"] == 1  # the failed file has nothing to review
    record = (await svc.http.get(f"/processing-history/{org}/{acme}")).json()
    assert record["needsReview"] is True and record["reviewed"] is False
    # seller_name was found below its own threshold (0.95); purchase_order is required and absent
    assert record["reviewFields"] == ["seller_name", "purchase_order"]
    assert record["confidence"]["seller_name"] < 0.95
    assert "invoice_number" not in record["reviewFields"]  # found, above the default threshold

    listed = (
        await svc.http.get(f"/processing-history/{org}", params={"needsReview": "true"})
    ).json()
    assert [f["id"] for f in listed["data"]] == [acme]
    others = (
        await svc.http.get(f"/processing-history/{org}", params={"needsReview": "false"})
    ).json()
    assert acme not in [f["id"] for f in others["data"]]
    assert reviewed["corrupt"] in [f["id"] for f in others["data"]]

    queue = (await svc.http.get(f"/review/{org}/queue")).json()
    assert [f["id"] for f in queue["data"]] == [acme] and queue["pagination"]["total"] == 1

    exported = json.loads((await svc.http.get(f"/processing-history/{org}/{acme}/export")).content)
    assert exported["results"][0]["needsReview"] is True
    assert exported["results"][0]["reviewed"] is False and exported["results"][0]["corrected"] == []


async def test_thresholds_are_checked_when_a_template_is_saved(service: Service) -> None:
    bad = {
        "type": "object",
        "x-review-threshold": 2,
        "properties": {"total": {"type": "number", "x-review-threshold": "high"}},
    }
    resp = await service.http.post(
        f"/templates/{service.org_id}", json={"name": "bad", "templateSchema": bad}
    )
    text = error(
        resp,
        400,
        "templateSchema: 'x-review-threshold' must be a number from 0 to 1",
        "Field 'total': 'x-review-threshold'",
    )
    assert "got 2" in text


async def test_a_correction_changes_every_export_and_keeps_the_original(reviewed: dict) -> None:
    svc: Service = reviewed["svc"]
    org, acme = svc.org_id, reviewed["acme"]
    before = (await svc.http.get(f"/processing-history/{org}/{acme}")).json()
    assert before["result"]["invoice_number"] == "INV-1001"
    resp = await svc.http.patch(
        f"/processing-history/{org}/{acme}/fields",
        json={
            "fields": {
                "invoice_number": "INV-7777-KORR",
                "grand_total": 4321.5,
                "purchase_order": "PO-55",
                "issue_date": "2026-03-05",
            },
            "sources": {"invoice_number": {"page": 1, "box": [0.26, 0.14, 0.35, 0.16]}},
        },
    )
    assert resp.status_code == 200, resp.text
    state = resp.json()
    assert state["reviewed"] is True and state["needsReview"] is False
    assert state["result"]["invoice_number"] == "INV-7777-KORR"
    assert state["extracted"]["invoice_number"] == "INV-1001"  # the original is kept
    fix = state["corrections"]["invoice_number"]
    assert (
        fix["original"] == "INV-1001"
        and fix["page"] == 1
        and fix["box"] == [0.26, 0.14, 0.35, 0.16]
    )
    assert fix["by"].startswith("tok_") and fix["at"]  # a bearer token, not the web UI

    record = (await svc.http.get(f"/processing-history/{org}/{acme}")).json()
    assert record["reviewed"] is True and record["reviewedBy"] and record["reviewedAt"]
    assert (
        record["result"]["grand_total"] == 4321.5 and record["extracted"]["grand_total"] == 1190.0
    )
    batch = (await svc.http.get(f"/batch/{org}/{reviewed['batch']['id']}")).json()
    assert batch["needsReviewFiles"] == 0

    for fmt in ("json", "csv", "pdf", "docx", "xml", "html", "text"):
        for url in (
            f"/batch/{org}/{reviewed['batch']['id']}/export",
            f"/processing-history/{org}/{acme}/export",
        ):
            out = await svc.http.get(url, params={"format": fmt})
            assert out.status_code == 200, (fmt, out.text[:200])
            text = export_text(fmt, out.content)
            assert "INV-7777-KORR" in text, (fmt, url)
            assert "INV-1001" not in text, (fmt, url)
            assert "PO-55" in text, (fmt, url)

    doc = json.loads(
        (
            await svc.http.get(
                f"/processing-history/{org}/{acme}/export", params={"original": "true"}
            )
        ).content
    )
    result = doc["results"][0]
    assert result["fields"]["invoice_number"] == "INV-7777-KORR"
    assert result["original"] == {
        "invoice_number": "INV-1001",
        "issue_date": "2026-03-02",
        "grand_total": 1190.0,
        "purchase_order": None,
    }
    assert sorted(result["corrected"]) == [
        "grand_total",
        "invoice_number",
        "issue_date",
        "purchase_order",
    ]
    assert result["reviewed"] is True and result["needsReview"] is False
    frame = pd.read_csv(
        io.BytesIO(
            (
                await svc.http.get(
                    f"/processing-history/{org}/{acme}/export", params={"format": "csv"}
                )
            ).content
        ),
        encoding="utf-8-sig",
        dtype=str,
    )
    assert (frame.loc[0, "needs_review"], frame.loc[0, "reviewed"]) == ("false", "true")
    xml = etree.fromstring(
        (
            await svc.http.get(f"/processing-history/{org}/{acme}/export", params={"format": "xml"})
        ).content
    )
    etree.XMLSchema(etree.parse(str(XSD))).assertValid(xml)
    (document,) = xml.findall("results/document")
    assert (document.get("needsReview"), document.get("reviewed")) == ("false", "true")
    marked = [f.get("name") for f in document.findall("field") if f.get("corrected") == "true"]
    assert marked == ["invoice_number", "issue_date", "grand_total", "purchase_order"]

    # a second correction of one field wins; the first stays in the audit log
    again = await svc.http.patch(
        f"/processing-history/{org}/{acme}/fields", json={"fields": {"invoice_number": "INV-8888"}}
    )
    assert again.json()["result"]["invoice_number"] == "INV-8888"
    assert again.json()["corrections"]["invoice_number"]["original"] == "INV-1001"
    audit = (await svc.http.get(f"/processing-history/{org}/{acme}/audit")).json()["data"]
    assert [e["kind"] for e in audit] == ["corrected", "corrected"]
    assert audit[0]["detail"]["fields"]["invoice_number"] == {
        "from": "INV-1001",
        "to": "INV-7777-KORR",
    }
    template_id = svc.templates["Review invoices"]
    listed = (await svc.http.get(f"/templates/{org}/{template_id}/audit")).json()
    assert [e["fileId"] for e in listed["data"]] == [acme, acme] and listed["pagination"][
        "total"
    ] == 2
    assert (
        listed["data"][0]["detail"]["fields"]["invoice_number"]["to"] == "INV-8888"
    )  # newest first


async def test_confirming_a_file_without_changes(reviewed: dict) -> None:
    svc: Service = reviewed["svc"]
    org, acme = svc.org_id, reviewed["acme"]
    resp = await svc.http.post(f"/processing-history/{org}/{acme}/review")
    assert resp.status_code == 200, resp.text
    assert resp.json()["reviewed"] is True and resp.json()["needsReview"] is False
    assert (
        resp.json()["result"]["invoice_number"] == "INV-1001" and resp.json()["corrections"] == {}
    )
    assert (await svc.http.get(f"/review/{org}/queue")).json()["data"] == []
    audit = (await svc.http.get(f"/processing-history/{org}/{acme}/audit")).json()["data"]
    assert [(e["kind"], e["detail"]) for e in audit] == [
        ("confirmed", {"reviewFields": ["seller_name", "purchase_order"]})
    ]
    # a failed file has nothing to confirm or correct
    error(
        await svc.http.post(f"/processing-history/{org}/{reviewed['corrupt']}/review"),
        409,
        "failed",
    )
    error(
        await svc.http.patch(
            f"/processing-history/{org}/{reviewed['corrupt']}/fields",
            json={"fields": {"invoice_number": "X"}},
        ),
        409,
        "only a completed file",
    )


async def test_values_are_validated_against_the_template(reviewed: dict) -> None:
    svc: Service = reviewed["svc"]
    url = f"/processing-history/{svc.org_id}/{reviewed['acme']}/fields"

    async def patch(body: object) -> httpx.Response:
        return await svc.http.patch(url, json=body)

    error(
        await patch({"fields": {"grand_total": "lots"}}),
        400,
        "Field 'grand_total'",
        "must be a number",
    )
    error(
        await patch({"fields": {"grand_total": True}}),
        400,
        "Field 'grand_total'",
        "must be a number",
    )
    error(
        await patch({"fields": {"issue_date": "31.02.2026"}}),
        400,
        "Field 'issue_date'",
        "date like",
    )
    error(
        await patch({"fields": {"invoice_number": 12}}),
        400,
        "Field 'invoice_number'",
        "must be text",
    )
    error(
        await patch({"fields": {"iban": "DE00"}}),
        400,
        "Field 'iban' is not in the template",
        "invoice_number",
    )
    error(
        await patch({"fields": {"line_items": [{"description": "x", "colour": "red"}]}}),
        400,
        "Field 'line_items'",
        "unknown column 'colour'",
    )
    error(
        await patch({"fields": {"line_items": [{"amount": "ten"}]}}),
        400,
        "column 'amount'",
        "must be a number",
    )
    error(await patch({"fields": {}}), 400, "fields")
    error(await patch({"values": {"grand_total": 1}}), 400)
    error(
        await patch({"fields": {"grand_total": 1}, "sources": {"grand_total": {"page": 0}}}),
        400,
        "sources.grand_total.page",
    )
    error(
        await patch({"fields": {"grand_total": 1}, "sources": {"seller_name": {"page": 1}}}),
        400,
        "sources.seller_name",
    )
    # nothing of the refused requests was stored
    record = (await svc.http.get(f"/processing-history/{svc.org_id}/{reviewed['acme']}")).json()
    assert record["corrections"] == {} and record["reviewed"] is False
    ok = await patch(
        {"fields": {"line_items": [{"description": "Widget", "amount": 10}], "seller_name": None}}
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["result"]["line_items"] == [{"description": "Widget", "amount": 10}]
    assert ok.json()["result"]["seller_name"] is None


async def test_hostile_bodies_are_refused_with_the_envelope(reviewed: dict) -> None:
    svc: Service = reviewed["svc"]
    url = f"/processing-history/{svc.org_id}/{reviewed['acme']}/fields"
    huge = await svc.http.patch(url, json={"fields": {"invoice_number": "A" * 200_000}})
    error(huge, 400, "Field 'invoice_number'", "at most 2000")
    too_big = await svc.http.patch(url, json={"fields": {"invoice_number": "A" * 3_000_000}})
    assert too_big.status_code == 413 and too_big.json()["statusCode"] == 413
    deep: object = "x"
    for _ in range(200):
        deep = [deep]
    error(
        await svc.http.patch(url, json={"fields": {"purchase_order": deep}}),
        400,
        "Field 'purchase_order'",
        "must be text",
    )
    error(
        await svc.http.patch(url, json={"fields": {"line_items": [{"amount": {"a": deep}}]}}),
        400,
        "column 'amount'",
    )
    very_deep = "[" * 100_000 + "]" * 100_000
    resp = await svc.http.patch(
        url,
        content='{"fields": {"purchase_order": ' + very_deep + "}}",
        headers={"Content-Type": "application/json"},
    )
    assert resp.status_code == 400 and resp.json()["statusCode"] == 400, resp.text
    many = {f"f{i}": 1 for i in range(500)}
    error(await svc.http.patch(url, json={"fields": many}), 400, "at most 200 fields")
    error(
        await svc.http.patch(url, json={"fields": {"line_items": [{"amount": 1}] * 600}}),
        400,
        "at most 500",
    )
    error(
        await svc.http.patch(
            url,
            content=b'{"fields": {"grand_total": 1e999}}',
            headers={"Content-Type": "application/json"},
        ),
        400,
        "finite",
    )
    error(await svc.http.patch(url, json={"fields": {"invoice_number": "a\x00b"}}), 400, "NUL")
    error(
        await svc.http.patch(
            url, content=b"not json", headers={"Content-Type": "application/json"}
        ),
        400,
    )
    record = (await svc.http.get(f"/processing-history/{svc.org_id}/{reviewed['acme']}")).json()
    assert record["corrections"] == {}


async def test_read_only_tokens_and_other_organizations_cannot_correct(reviewed: dict) -> None:
    svc: Service = reviewed["svc"]
    org, acme = svc.org_id, reviewed["acme"]
    reader = (
        await svc.http.post(f"/tokens/{org}", json={"name": "ro", "permissions": ["read"]})
    ).json()
    other_project = (await svc.http.post(f"/projects/{org}", json={"name": "Elsewhere"})).json()
    scoped = (
        await svc.http.post(
            f"/tokens/{org}",
            json={"name": "scoped", "permissions": ["admin"], "projectId": other_project["id"]},
        )
    ).json()
    with session_scope(svc.settings.sqlalchemy_url) as session:
        session.add(Organization(id="org_review_other", name="Other"))
        session.add(Project(id="prj_review_other", org_id="org_review_other", name="Theirs"))
        session.flush()
        _, theirs = create_token(session, "org_review_other", name="owner", permissions=["admin"])

    def as_(token: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=svc.http._transport,
            base_url="http://docbatch.test",
            headers={"Authorization": f"Bearer {token}"},
        )

    body = {"fields": {"invoice_number": "HACKED"}}
    async with as_(reader["token"]) as ro, as_(scoped["token"]) as sc, as_(theirs) as other:
        error(await ro.patch(f"/processing-history/{org}/{acme}/fields", json=body), 403, "'write'")
        error(await ro.post(f"/processing-history/{org}/{acme}/review"), 403, "'write'")
        assert (await ro.get(f"/processing-history/{org}/{acme}/audit")).status_code == 200
        error(await sc.patch(f"/processing-history/{org}/{acme}/fields", json=body), 404, acme)
        error(await sc.get(f"/processing-history/{org}/{acme}/audit"), 404)
        assert (await sc.get(f"/review/{org}/queue")).json()["data"] == []
        # the owner's correction shows in the template's audit, but not to another project's token
        fixed = await svc.http.patch(
            f"/processing-history/{org}/{acme}/fields", json={"fields": {"purchase_order": "PO-9"}}
        )
        assert fixed.status_code == 200, fixed.text
        template_id = svc.templates["Review invoices"]
        assert len((await ro.get(f"/templates/{org}/{template_id}/audit")).json()["data"]) == 1
        assert (await sc.get(f"/templates/{org}/{template_id}/audit")).json()["data"] == []
        error(await other.get(f"/templates/org_review_other/{template_id}/audit"), 404)
        for path in (f"/processing-history/{org}/{acme}/fields",):
            error(await other.patch(path, json=body), 404)
        error(
            await other.patch(f"/processing-history/org_review_other/{acme}/fields", json=body), 404
        )
        error(await other.post(f"/processing-history/org_review_other/{acme}/review"), 404)
        error(await other.get(f"/processing-history/org_review_other/{acme}/audit"), 404)
        error(await other.get(f"/processing-history/org_review_other/{acme}/words"), 404)
        assert (await other.get("/review/org_review_other/queue")).json()["data"] == []
    record = (await svc.http.get(f"/processing-history/{org}/{acme}")).json()
    assert record["result"]["invoice_number"] == "INV-1001"
    assert list(record["corrections"]) == ["purchase_order"]  # only the owner's


async def test_the_page_words_are_stored_for_picking(reviewed: dict) -> None:
    svc: Service = reviewed["svc"]
    words = (
        await svc.http.get(
            f"/processing-history/{svc.org_id}/{reviewed['acme']}/words", params={"page": 1}
        )
    ).json()
    found = [w for w in words["words"] if w["text"] == "INV-1001"]
    assert len(found) == 1
    x0, y0, x1, y1 = found[0]["box"]
    assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1
    none = (
        await svc.http.get(
            f"/processing-history/{svc.org_id}/{reviewed['acme']}/words", params={"page": 2}
        )
    ).json()
    assert none["words"] == []


async def test_webhooks_carry_the_review_state_and_announce_reviews(
    tmp_path: Path, temporal_client: Client
) -> None:
    from tests.harness import eventually
    from tests.test_webhooks import hooks_settings
    from tests.webhook_receiver import Receiver

    receiver = Receiver()
    await receiver.start()
    try:
        async with running_service(hooks_settings(tmp_path), temporal_client) as svc:
            made = await svc.http.post(
                f"/templates/{svc.org_id}",
                json={"name": "Review invoices", "templateSchema": SCHEMA},
            )
            assert made.status_code == 201, made.text
            await svc.load_me()
            hook = await svc.http.post(
                f"/webhooks/{svc.org_id}",
                json={
                    "name": "review",
                    "url": receiver.url + "/hook",
                    "events": ["document.processed", "document.reviewed"],
                },
            )
            assert hook.status_code == 201, hook.text
            batch = (
                await svc.upload([DOCS / "invoice-acme.pdf"], template="Review invoices")
            ).json()
            await svc.wait_final(batch["id"])
            file_id = batch["uploadIds"][0]
            await eventually(
                receiver.events, lambda got: len(got) >= 1, interval=0.05, what="document.processed"
            )
            processed = receiver.events()[0]
            assert processed["eventType"] == "document.processed"
            assert processed["payload"]["needsReview"] is True
            assert processed["payload"]["reviewFields"] == ["seller_name", "purchase_order"]
            assert processed["payload"]["fields"]["invoice_number"] == "INV-1001"

            fixed = await svc.http.patch(
                f"/processing-history/{svc.org_id}/{file_id}/fields",
                json={"fields": {"purchase_order": "PO-1"}},
            )
            assert fixed.status_code == 200, fixed.text
            await eventually(
                receiver.events, lambda got: len(got) >= 2, interval=0.05, what="document.reviewed"
            )
            reviewed_event = receiver.events()[1]
            assert reviewed_event["eventType"] == "document.reviewed"
            payload = reviewed_event["payload"]
            assert payload["fileId"] == file_id and payload["action"] == "corrected"
            assert payload["reviewed"] is True and payload["needsReview"] is False
            assert payload["fields"]["purchase_order"] == "PO-1" and payload["reviewedBy"]
            confirmed = await svc.http.post(f"/processing-history/{svc.org_id}/{file_id}/review")
            assert confirmed.status_code == 200
            await eventually(
                receiver.events,
                lambda got: len(got) >= 3,
                interval=0.05,
                what="second document.reviewed",
            )
            assert receiver.events()[2]["payload"]["action"] == "confirmed"
    finally:
        await receiver.stop()
