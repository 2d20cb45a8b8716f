"""An upload retried by a client (same Idempotency-Key) is one batch, charged once."""

from __future__ import annotations

import asyncio

from tests.harness import DOCS, Service


async def test_a_retried_upload_is_charged_once(service: Service) -> None:
    before = (await service.http.get("/me")).json()["credits"]
    first = await service.upload([DOCS / "receipt.txt"] * 2, template="receipt", **{})
    assert first.status_code == 201
    first = await service.http.post(
        f"/batch/{service.org_id}/upload",
        files=[("files", ("r.txt", (DOCS / "receipt.txt").read_bytes()))] * 2,
        data={"projectId": service.project_id, "templateId": service.templates["receipt"]},
        headers={"Idempotency-Key": "retry-me-1"},
    )
    again = await service.http.post(
        f"/batch/{service.org_id}/upload",
        files=[("files", ("r.txt", (DOCS / "receipt.txt").read_bytes()))] * 2,
        data={"projectId": service.project_id, "templateId": service.templates["receipt"]},
        headers={"Idempotency-Key": "retry-me-1"},
    )
    assert first.status_code == again.status_code == 201
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["uploadIds"] == first.json()["uploadIds"]

    async def send() -> dict:
        resp = await service.http.post(
            f"/batch/{service.org_id}/upload",
            files=[("files", ("r.txt", (DOCS / "receipt.txt").read_bytes()))],
            data={"projectId": service.project_id, "templateId": service.templates["receipt"]},
            headers={"Idempotency-Key": "concurrent-1"},
        )
        assert resp.status_code == 201, resp.text
        return resp.json()

    together = await asyncio.gather(*(send() for _ in range(4)))
    assert len({b["id"] for b in together}) == 1
    after = (await service.http.get("/me")).json()["credits"]
    assert (
        before - after == 2 + 2 + 1
    )  # the plain upload, the keyed one once, the concurrent one once
    listed = (await service.http.get(f"/batch/{service.org_id}")).json()
    assert listed["pagination"]["total"] == 3
    for b in {b["id"] for b in [first.json(), *together]}:
        await service.wait_final(b)
