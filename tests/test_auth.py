"""Tokens, tenancy and permissions: 401, 403 and 404 where each belongs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.harness import DOCS, Service


def client_for(svc: Service, token: str | None) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(
        transport=svc.http._transport, base_url="http://docbatch.test", headers=headers
    )


async def test_tokens_are_hashed_shown_once_and_checked(service: Service) -> None:
    async with client_for(service, None) as anon:
        missing = await anon.get(f"/batch/{service.org_id}")
    assert missing.status_code == 401 and missing.json()["error"] == "Unauthorized"
    async with client_for(service, "dbt_wrong") as bad:
        assert (await bad.get("/me")).status_code == 401

    created = (
        await service.http.post(
            f"/tokens/{service.org_id}", json={"name": "reader", "permissions": ["read"]}
        )
    ).json()
    assert created["token"].startswith("dbt_") and created["permissions"] == ["read"]
    listed = (await service.http.get(f"/tokens/{service.org_id}")).json()
    assert all("token" not in t for t in listed)
    from core.db import session_scope
    from core.models import ApiToken

    with session_scope(service.settings.sqlalchemy_url) as session:
        row = session.get(ApiToken, created["id"])
        assert row.token_hash != created["token"] and created["token"] not in row.token_hash

    async with client_for(service, created["token"]) as reader:
        assert (await reader.get(f"/batch/{service.org_id}")).status_code == 200
        denied = await reader.post(
            f"/batch/{service.org_id}/upload", data={"projectId": service.project_id}
        )
        assert denied.status_code == 403 and "'write'" in denied.json()["message"]
        assert (await reader.get("/batch/org_someone_else")).status_code == 404

    await service.http.delete(f"/tokens/{service.org_id}/{created['id']}")
    async with client_for(service, created["token"]) as revoked:
        assert (await revoked.get("/me")).status_code == 401

    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    expired = (
        await service.http.post(
            f"/tokens/{service.org_id}",
            json={"name": "old", "permissions": ["read"], "expiresAt": past},
        )
    ).json()
    async with client_for(service, expired["token"]) as old:
        resp = await old.get("/me")
    assert resp.status_code == 401 and "expired" in resp.json()["message"]


async def test_project_scoped_token_sees_only_its_project(service: Service) -> None:
    other = (await service.http.post(f"/projects/{service.org_id}", json={"name": "Other"})).json()
    in_default = (await service.upload([DOCS / "receipt.txt"], template="receipt")).json()
    scoped = (
        await service.http.post(
            f"/tokens/{service.org_id}",
            json={"name": "other only", "permissions": ["write"], "projectId": other["id"]},
        )
    ).json()
    async with client_for(service, scoped["token"]) as client:
        me = (await client.get("/me")).json()
        assert [p["id"] for p in me["projects"]] == [other["id"]]
        assert (await client.get(f"/batch/{service.org_id}/{in_default['id']}")).status_code == 404
        assert (await client.get(f"/batch/{service.org_id}")).json()["pagination"]["total"] == 0
        upload = await client.post(
            f"/batch/{service.org_id}/upload",
            files=[("files", ("a.txt", b"Total: 1"))],
            data={"projectId": service.project_id, "templateId": service.templates["receipt"]},
        )
        assert upload.status_code == 404
    await service.wait_final(in_default["id"])


async def test_cookie_writes_need_the_csrf_header(service: Service) -> None:
    from tests.harness import OWNER_TOKEN

    async with httpx.AsyncClient(
        transport=service.http._transport,
        base_url="http://docbatch.test",
        cookies={"docbatch_token": OWNER_TOKEN, "docbatch_csrf": "abc"},
    ) as browser:
        assert (await browser.get("/me")).status_code == 200
        refused = await browser.post(f"/projects/{service.org_id}", json={"name": "x"})
        assert refused.status_code == 403 and "CSRF" in refused.json()["message"]
        allowed = await browser.post(
            f"/projects/{service.org_id}", json={"name": "x"}, headers={"X-CSRF-Token": "abc"}
        )
        assert allowed.status_code == 201
