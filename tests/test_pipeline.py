"""The batch pipeline end to end: real dev server, real worker, real files, the seed's API."""

from __future__ import annotations

from sqlmodel import Session, select

from core.db import get_engine
from core.models import CreditEntry
from tests.harness import DOCS, Service, eventually

INVOICES = [DOCS / "invoice-acme.pdf", DOCS / "invoice-globex.pdf", DOCS / "invoice-umbrella.pdf"]


async def credits(svc: Service) -> int:
    return (await svc.http.get(f"/credits/{svc.org_id}")).json()["balance"]


async def test_batch_with_one_corrupt_file_ends_partially_failed(service: Service) -> None:
    before = await credits(service)
    resp = await service.upload([*INVOICES, DOCS / "corrupt.pdf"], name="March 2026 Invoices")
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["name"] == "March 2026 Invoices"
    assert body["totalFiles"] == 4 and body["completedFiles"] == 0 and body["failedFiles"] == 0
    assert body["status"] == "processing" and body["progress"] == 0
    assert body["id"].startswith("batch_") and body["createdAt"].endswith("Z")
    assert body["templateName"] == "invoice" and len(body["uploadIds"]) == 4

    final = await service.wait_final(body["id"])
    assert final["status"] == "partially_failed"
    assert (final["completedFiles"], final["failedFiles"], final["progress"]) == (3, 1, 100)
    by_name = {f["fileName"]: f for f in final["files"]}
    assert by_name["corrupt.pdf"]["status"] == "failed"
    assert by_name["corrupt.pdf"]["errorCode"] == "CorruptFile"
    assert by_name["corrupt.pdf"]["errorMessage"]

    record = (
        await service.http.get(
            f"/processing-history/{service.org_id}/{by_name['invoice-acme.pdf']['id']}"
        )
    ).json()
    assert record["status"] == "completed"
    assert record["result"]["invoice_number"] == "INV-1001"
    assert record["confidence"]["invoice_number"] > 0

    # 4 charged on upload, the corrupt one refunded.
    assert await credits(service) == before - 3


async def test_default_name_and_listing_filters(service: Service) -> None:
    resp = await service.upload([DOCS / "receipt.txt"], template="receipt")
    assert resp.status_code == 201
    batch = resp.json()
    assert batch["name"].startswith("Batch ") and len(batch["name"]) == len(
        "Batch YYYY-MM-DD HH:mm"
    )
    await service.wait_final(batch["id"])
    other = (await service.upload([INVOICES[0]], name="Invoice Batch March 2026")).json()
    await service.wait_final(other["id"])

    listing = (
        await service.http.get(f"/batch/{service.org_id}", params={"search": "march"})
    ).json()
    assert [b["id"] for b in listing["data"]] == [other["id"]]
    assert listing["pagination"] == {"page": 1, "limit": 20, "total": 1, "pages": 1}
    completed = (
        await service.http.get(f"/batch/{service.org_id}", params={"status": "completed"})
    ).json()
    assert {b["id"] for b in completed["data"]} == {batch["id"], other["id"]}
    page = (
        await service.http.get(f"/batch/{service.org_id}", params={"limit": 1, "page": 2})
    ).json()
    assert page["pagination"]["pages"] == 2 and page["data"][0]["id"] == batch["id"]  # newest first
    bad = await service.http.get(f"/batch/{service.org_id}", params={"status": "done"})
    assert bad.status_code == 400 and "Unknown status" in bad.json()["message"]


async def test_rejected_uploads_get_the_envelope_and_charge_nothing(service: Service) -> None:
    before = await credits(service)
    too_many = await service.upload([DOCS / "receipt.txt"] * 51, template="receipt")
    assert too_many.status_code == 400
    assert too_many.json() == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": "A batch holds at most 50 files; this request has 51. "
        "Split the files into several batches.",
    }
    none = await service.http.post(
        f"/batch/{service.org_id}/upload",
        data={"projectId": service.project_id, "templateId": service.templates["invoice"]},
    )
    assert none.status_code == 400 and "No files" in none.json()["message"]

    unknown_project = await service.upload(INVOICES[:1], projectId="prj_nope")
    assert unknown_project.status_code == 404 and "prj_nope" in unknown_project.json()["message"]
    unknown_template = await service.upload(INVOICES[:1], templateId="tpl_nope")
    assert unknown_template.status_code == 404

    other_project = (
        await service.http.post(f"/projects/{service.org_id}", json={"name": "Other"})
    ).json()
    schema = {"type": "object", "properties": {"total": {"type": "number", "description": "Total"}}}
    tpl = (
        await service.http.post(
            f"/templates/{service.org_id}",
            json={"name": "other-only", "projectId": other_project["id"], "templateSchema": schema},
        )
    ).json()
    mismatch = await service.http.post(
        f"/batch/{service.org_id}/upload",
        files=[("files", ("a.txt", b"x"))],
        data={"projectId": service.project_id, "templateId": tpl["id"]},
    )
    assert mismatch.status_code == 400 and other_project["id"] in mismatch.json()["message"]
    assert await credits(service) == before


async def test_batch_larger_than_balance_is_refused_whole(service: Service) -> None:
    engine = get_engine(service.settings.sqlalchemy_url)
    from core.models import Organization

    with Session(engine) as session:
        org = session.get(Organization, service.org_id)
        org.credit_balance = 2
        session.add(org)
        session.commit()
    resp = await service.upload(INVOICES)
    assert resp.status_code == 402
    assert resp.json()["statusCode"] == 402 and "needs 3 credits" in resp.json()["message"]
    assert await credits(service) == 2
    listing = (await service.http.get(f"/batch/{service.org_id}")).json()
    assert listing["pagination"]["total"] == 0


async def test_oversize_file_gets_413(tmp_path, temporal_client) -> None:
    from tests.harness import make_settings, running_service

    settings = make_settings(tmp_path, max_file_size_mb=0.01)
    async with running_service(settings, temporal_client, with_worker=False) as svc:
        big = tmp_path / "big.txt"
        big.write_bytes(b"a" * 20_000)
        resp = await svc.upload([big], template="receipt")
        assert resp.status_code == 413 and "big.txt" in resp.json()["message"]


async def test_retry_endpoint_refuses_files_that_did_not_fail(service: Service) -> None:
    batch = (await service.upload([INVOICES[0], DOCS / "corrupt.pdf"])).json()
    final = await service.wait_final(batch["id"])
    ok = next(f for f in final["files"] if f["status"] == "completed")
    bad = next(f for f in final["files"] if f["status"] == "failed")
    refused = await service.http.post(
        f"/batch/{service.org_id}/{batch['id']}/files/{ok['id']}/retry"
    )
    assert refused.status_code == 409 and "only failed files" in refused.json()["message"]
    missing = await service.http.post(
        f"/batch/{service.org_id}/{batch['id']}/files/file_nope/retry"
    )
    assert missing.status_code == 404

    before = await credits(service)
    accepted = await service.http.post(
        f"/batch/{service.org_id}/{batch['id']}/files/{bad['id']}/retry"
    )
    assert accepted.status_code == 202

    # The corrupt file fails again: the batch settles once more, the retry's credit is refunded.
    def retried_of(detail: dict) -> dict:
        return next(f for f in detail["files"] if f["id"] == bad["id"])

    detail = await eventually(
        lambda: service.detail(batch["id"]),
        lambda d: retried_of(d)["attempts"] >= 2 and d["status"] == "partially_failed",
        timeout=60,
        interval=0.2,
        what="the retried file to fail again",
    )
    retried = retried_of(detail)
    assert retried["attempts"] == 2 and retried["status"] == "failed"
    assert await credits(service) == before
    with Session(get_engine(service.settings.sqlalchemy_url)) as session:
        reasons = [
            e.reason
            for e in session.exec(select(CreditEntry).where(CreditEntry.file_id == bad["id"]))
        ]
    assert sorted(reasons) == ["file_refund", "file_refund", "retry_charge"]


async def test_soft_delete_hides_the_batch_but_keeps_rows(service: Service) -> None:
    batch = (await service.upload([DOCS / "receipt.txt"], template="receipt")).json()
    await service.wait_final(batch["id"])
    assert (await service.http.delete(f"/batch/{service.org_id}/{batch['id']}")).status_code == 200
    assert (await service.http.get(f"/batch/{service.org_id}/{batch['id']}")).status_code == 404
    assert (await service.http.get(f"/batch/{service.org_id}")).json()["pagination"]["total"] == 0
    from core.models import Batch

    with Session(get_engine(service.settings.sqlalchemy_url)) as session:
        assert session.get(Batch, batch["id"]).deleted_at is not None


async def test_deleting_a_processing_batch_cancels_it(tmp_path, temporal_client) -> None:
    from tests.harness import make_settings, running_service

    settings = make_settings(tmp_path)
    async with running_service(settings, temporal_client, with_worker=False) as svc:
        batch = (await svc.upload(INVOICES)).json()
        before = await credits(svc)
        assert (await svc.http.delete(f"/batch/{svc.org_id}/{batch['id']}")).status_code == 200
    # A worker picks the batch up only now: the cancel is already there, no file starts.
    async with running_service(settings, temporal_client) as svc:
        rows = await eventually(
            lambda: file_rows_status(settings, batch["id"]),
            lambda r: set(r) == {"failed"},
            timeout=30,
            what="every file of the deleted batch to fail",
        )
        assert rows == ["failed"] * 3
        assert await credits(svc) == before + 3


def file_rows_status(settings, batch_id: str) -> list[str]:
    from core.models import BatchFile

    with Session(get_engine(settings.sqlalchemy_url)) as session:
        return [
            r.status for r in session.exec(select(BatchFile).where(BatchFile.batch_id == batch_id))
        ]
