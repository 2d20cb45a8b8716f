"""The access matrix, generated from the app's route table.

Every route × {no token, bad token, expired, revoked, another organization, a token scoped to
another project, read-only on a write route, write on an admin route} with the status it must
answer. A route is covered by the level it declares (``api.deps.require``), by being a page
(redirects to sign-in), or by being public on purpose; a route that is none of these, or whose
path has a parameter this test has no value for, fails the test, so a new route cannot skip it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from fastapi.routing import APIRoute
from starlette.routing import Route, WebSocketRoute
from temporalio.client import Client

from core.db import session_scope
from core.models import Organization, Project
from core.tokens import create_token
from tests.harness import Service, make_settings, running_service

PUBLIC = {  # open on purpose: the reference, liveness, sign-in, static assets
    ("GET", "/health"),
    ("GET", "/health/ready"),  # readiness probes: says which dependency is down, nothing else
    (
        "GET",
        "/metrics",
    ),  # Prometheus: needs DOCBATCH_METRICS_TOKEN on the API (403 unset, 401 wrong)
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/docs/oauth2-redirect"),
    ("GET", "/redoc"),
    ("GET", "/"),
    ("GET", "/ui"),
    ("GET", "/ui/"),
    ("GET", "/ui/login"),
    ("POST", "/ui/login"),
    ("POST", "/ui/logout"),
    ("GET", "/ui/static/{name}"),
}
# HTML shells: a caller without a live session is sent to sign in; data comes from the API
PAGES = {
    "/ui/upload",
    "/ui/history",
    "/ui/batches/{batch_id}",
    "/ui/files/{file_id}",
    "/ui/templates",
    "/ui/settings",
    "/ui/review",
}
WEBSOCKETS = {"/ws/{org_id}"}  # covered by tests/test_ws.py (close codes 4401/4403/4404)
RESOURCE_PARAMS = ("batch_id", "file_id", "template_id", "endpoint_id", "token_id")
CASES = (
    "no token",
    "bad token",
    "expired",
    "revoked",
    "other organization",
    "other project",
    "read-only on write",
    "write on admin",
)


def all_routes(app) -> list:  # type: ignore[no-untyped-def]
    """Every route with its full path (FastAPI >= 0.16x keeps included routers lazily)."""
    try:
        from fastapi.routing import _iter_included_route_candidates
    except ImportError:  # older FastAPI: the table is flat already
        return list(app.routes)
    return list(_iter_included_route_candidates(app.routes))


def access_level(route: APIRoute) -> str | None:
    """The level the route declared with ``require(...)``, found in its dependency tree."""
    todo = list(route.dependant.dependencies)
    while todo:
        dep = todo.pop()
        level = getattr(dep.call, "access_level", None)
        if level:
            return level
        todo.extend(dep.dependencies)
    return None


@dataclass
class World:
    svc: Service
    org: str
    ids: dict[str, str]
    tokens: dict[str, str]


async def build_world(svc: Service) -> World:
    http, org = svc.http, svc.org_id
    p1 = svc.project_id
    p2 = (await http.post(f"/projects/{org}", json={"name": "Other project"})).json()["id"]
    batch = (
        await svc.upload(
            [Path(__file__).parents[1] / "fixtures" / "docs" / "receipt.txt"], template="receipt"
        )
    ).json()
    assert "id" in batch, batch
    detail = (await http.get(f"/batch/{org}/{batch['id']}")).json()
    template = (
        await http.post(
            f"/templates/{org}",
            json={
                "name": "p1 only",
                "projectId": p1,
                "templateSchema": {"type": "object", "properties": {"total": {"type": "number"}}},
            },
        )
    ).json()
    endpoint = (
        await http.post(
            f"/webhooks/{org}",
            json={
                "name": "p1 hook",
                "url": "https://93.184.215.14/hooks",
                "events": ["batch.completed"],
                "projectIds": [p1],
                "headers": {"X-Api-Key": "customer-secret"},
            },
        )
    ).json()

    async def token(perms: list[str], **extra: object) -> dict:
        resp = await http.post(
            f"/tokens/{org}", json={"name": "matrix", "permissions": perms, **extra}
        )
        assert resp.status_code == 201, resp.text
        return resp.json()

    reader, writer = await token(["read"]), await token(["write"])
    scoped = await token(["admin"], projectId=p2)
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    expired = await token(["admin"], expiresAt=past)
    revoked = await token(["admin"])
    assert (await http.delete(f"/tokens/{org}/{revoked['id']}")).status_code == 200
    with session_scope(svc.settings.sqlalchemy_url) as session:
        session.add(Organization(id="org_matrix_other", name="Other organization"))
        session.add(Project(id="prj_matrix_other", org_id="org_matrix_other", name="Theirs"))
        session.flush()
        _, other_org = create_token(
            session, "org_matrix_other", name="their owner", permissions=["admin"]
        )
    ids = {
        "org_id": org,
        "batch_id": batch["id"],
        "file_id": detail["files"][0]["id"],
        "template_id": template["id"],
        "endpoint_id": endpoint["id"],
        "token_id": reader["id"],
        "number": "1",
        "p1": p1,
        "p2": p2,
    }
    tokens = {
        "no token": "",
        "bad token": "dbt_not_a_real_token",
        "expired": expired["token"],
        "revoked": revoked["token"],
        "other organization": other_org,
        "other project": scoped["token"],
        "read-only on write": reader["token"],
        "write on admin": writer["token"],
    }
    return World(svc, org, ids, tokens)


def expected(case: str, level: str, params: list[str]) -> int | str | None:
    """The status a case must get on a route (None: the case does not apply)."""
    if case in ("no token", "bad token", "expired", "revoked"):
        return 401
    if level == "session":
        return None  # the caller's own organization and project: nothing to cross
    if case == "other organization":
        return 404 if "org_id" in params or any(p in params for p in RESOURCE_PARAMS) else None
    if case == "other project":
        if level == "org-admin":
            return 403
        if any(p in params for p in RESOURCE_PARAMS):
            return 404
        return "filtered"  # allowed, but nothing of the other project may show
    if case == "read-only on write":
        return 403 if level in ("write", "admin", "org-admin") else None
    if case == "write on admin":
        return 403 if level in ("admin", "org-admin") else None
    raise AssertionError(case)


SCHEMA = {"type": "object", "properties": {"total": {"type": "number"}}}
BODIES = {  # valid bodies, so that what a case meets is the access rule and not validation
    ("POST", "/projects/{org_id}"): {"name": "x"},
    ("POST", "/tokens/{org_id}"): {"name": "x", "permissions": ["read"], "projectId": "{p2}"},
    ("POST", "/credits/{org_id}"): {"amount": 1},
    ("POST", "/templates/{org_id}"): {"name": "x", "templateSchema": SCHEMA},
    ("PUT", "/templates/{org_id}/{template_id}"): {"name": "x", "templateSchema": SCHEMA},
    ("PATCH", "/processing-history/{org_id}/{file_id}/fields"): {"fields": {"total": 1}},
    ("POST", "/webhooks/{org_id}"): {
        "name": "x",
        "url": "https://93.184.215.14/h",
        "events": ["batch.completed"],
    },
}


def request_for(route: APIRoute, method: str, ids: dict[str, str]) -> dict:
    params = list(route.param_convertors)
    missing = [p for p in params if p not in ids]
    assert not missing, (
        f"{method} {route.path}: the access matrix has no value for {missing}; add one"
    )
    url = route.path
    for p in params:
        url = url.replace("{" + p + "}", ids[p])
    kw: dict = {}
    body_params = route.dependant.body_params
    if any(type(p.field_info).__name__ in ("File", "Form") for p in body_params):
        kw["files"] = [("file", ("a.txt", b"Total: 1")), ("files", ("a.txt", b"Total: 1"))]
        kw["data"] = {"projectId": ids["p1"], "templateSchema": "{}"}
    elif body_params or method in ("POST", "PUT", "PATCH"):
        body = json.dumps(BODIES.get((method, route.path), {}))
        kw["json"] = json.loads(body.replace("{p2}", ids["p2"]))
    return {"method": method, "url": url, **kw}


async def test_every_route_refuses_what_it_must(tmp_path: Path, temporal_client: Client) -> None:
    settings = make_settings(tmp_path)
    async with running_service(settings, temporal_client, with_worker=False) as svc:
        world = await build_world(svc)
        app = svc.app
        cells: list[tuple[str, str, str, object, int]] = []
        failures: list[str] = []
        uncovered: list[str] = []
        routes = 0
        for route in all_routes(app):
            if isinstance(route, WebSocketRoute):
                assert route.path in WEBSOCKETS, (
                    f"new WebSocket route {route.path}: add it to the matrix"
                )
                continue
            if not isinstance(route, (APIRoute, Route)):
                continue
            for method in sorted((route.methods or set()) - {"HEAD"}):
                if (method, route.path) in PUBLIC:
                    continue
                routes += 1
                if route.path in PAGES:
                    level = "page"
                elif isinstance(route, APIRoute):
                    level = access_level(route) or ""
                else:
                    level = ""
                if not level:
                    uncovered.append(f"{method} {route.path}")
                    continue
                params = list(route.param_convertors)
                for case in CASES:
                    want = (
                        303
                        if level == "page"
                        and case in ("no token", "bad token", "expired", "revoked")
                        else None
                        if level == "page"
                        else expected(case, level, params)
                    )
                    if want is None:
                        continue
                    token = world.tokens[case]
                    req = (
                        request_for(route, method, world.ids)
                        if isinstance(route, APIRoute)
                        else {
                            "method": method,
                            "url": route.path.replace("{batch_id}", world.ids["batch_id"]).replace(
                                "{file_id}", world.ids["file_id"]
                            ),
                        }
                    )
                    if level == "page":
                        headers, cookies = {}, ({"docbatch_token": token} if token else {})
                    else:
                        headers, cookies = (
                            ({"Authorization": f"Bearer {token}"} if token else {}),
                            {},
                        )
                    async with httpx.AsyncClient(
                        transport=svc.http._transport,
                        base_url="http://docbatch.test",
                        headers=headers,
                        cookies=cookies,
                    ) as client:
                        resp = await client.request(**req)
                    got = resp.status_code
                    cells.append((method, route.path, case, want, got))
                    where = f"{method} {route.path} [{case}]"
                    if want == "filtered":
                        leaked = [
                            k
                            for k in ("batch_id", "file_id", "template_id", "endpoint_id")
                            if world.ids[k] in resp.text
                        ]
                        if got in (401, 403, 404) or got >= 500 or leaked:
                            failures.append(
                                f"{where}: got {got}, leaked {leaked}: {resp.text[:200]}"
                            )
                        continue
                    if got != want:
                        failures.append(f"{where}: want {want}, got {got}: {resp.text[:200]}")
                    elif level != "page" and resp.json().get("statusCode") != want:
                        failures.append(f"{where}: no error envelope: {resp.text[:200]}")
                    elif level == "page" and not resp.headers.get("location", "").startswith(
                        "/ui/login"
                    ):
                        failures.append(f"{where}: redirects to {resp.headers.get('location')}")
        print(
            f"\naccess matrix: {routes} routes (method x path) x {len(CASES)} cases -> "
            f"{len(cells)} requests checked"
        )
        (tmp_path / "matrix.json").write_text(json.dumps(cells))
        assert not uncovered, (
            f"routes that declare no access level (use api.deps.require): {uncovered}"
        )
        assert not failures, "\n".join(failures)
        assert len(cells) > 150


async def test_a_project_scoped_admin_cannot_touch_organization_resources(
    tmp_path: Path, temporal_client: Client
) -> None:
    """The confirmed finding: a scoped admin revoked the owner's token, granted credits."""
    async with running_service(make_settings(tmp_path), temporal_client, with_worker=False) as svc:
        org, http = svc.org_id, svc.http
        scoped = (
            await http.post(
                f"/tokens/{org}",
                json={"name": "p admin", "permissions": ["admin"], "projectId": svc.project_id},
            )
        ).json()
        owner_id = (await http.get("/me")).json()["token"]["id"]
        builtin = svc.templates["invoice"]
        async with httpx.AsyncClient(
            transport=svc.http._transport,
            base_url="http://docbatch.test",
            headers={"Authorization": f"Bearer {scoped['token']}"},
        ) as attacker:
            for method, url, body in (
                ("DELETE", f"/tokens/{org}/{owner_id}", None),
                ("GET", f"/tokens/{org}", None),
                ("POST", f"/credits/{org}", {"amount": 1000}),
                ("POST", f"/projects/{org}", {"name": "mine"}),
            ):
                resp = await attacker.request(method, url, json=body)
                assert resp.status_code == 403, (method, url, resp.text)
                assert "organization-level admin" in resp.json()["message"]
            # an organization-wide template: readable, not writable; its own project's: writable
            schema = {"type": "object", "properties": {"total": {"type": "number"}}}
            org_wide = (
                await http.post(
                    f"/templates/{org}", json={"name": "shared", "templateSchema": schema}
                )
            ).json()
            assert org_wide["projectId"] is None
            assert (await attacker.get(f"/templates/{org}/{org_wide['id']}")).status_code == 200
            edit = await attacker.put(
                f"/templates/{org}/{org_wide['id']}", json={"name": "x", "templateSchema": schema}
            )
            assert edit.status_code == 403
            assert (await attacker.delete(f"/templates/{org}/{org_wide['id']}")).status_code == 403
            own = (
                await attacker.post(
                    f"/templates/{org}", json={"name": "mine", "templateSchema": schema}
                )
            ).json()
            assert own["projectId"] == svc.project_id  # never organization-wide
            moved = await attacker.put(
                f"/templates/{org}/{own['id']}",
                json={"name": "mine", "templateSchema": schema, "projectId": None},
            )
            assert moved.status_code == 200 and moved.json()["projectId"] == svc.project_id
            assert (await attacker.get(f"/templates/{org}/{builtin}")).status_code == 200
        assert (await http.get("/me")).status_code == 200  # the owner's token still works
        assert (await http.get("/me")).json()["credits"] == 1000


async def test_secrets_are_write_only(tmp_path: Path, temporal_client: Client) -> None:
    async with running_service(make_settings(tmp_path), temporal_client, with_worker=False) as svc:
        org, http = svc.org_id, svc.http
        schema = {"type": "object", "properties": {"total": {"type": "number"}}}
        tpl = (
            await http.post(
                f"/templates/{org}",
                json={
                    "name": "own llm",
                    "templateSchema": schema,
                    "engine": {
                        "mode": "llm",
                        "base_url": "https://93.184.215.14/v1",
                        "model": "m",
                        "api_key": "sk-author-secret",
                    },
                },
            )
        ).json()
        hook = (
            await http.post(
                f"/webhooks/{org}",
                json={
                    "name": "h",
                    "url": "https://93.184.215.14/hooks",
                    "events": ["batch.completed"],
                    "headers": {"X-Api-Key": "customer-secret"},
                },
            )
        ).json()
        reader = (
            await http.post(f"/tokens/{org}", json={"name": "r", "permissions": ["read"]})
        ).json()
        async with httpx.AsyncClient(
            transport=svc.http._transport,
            base_url="http://docbatch.test",
            headers={"Authorization": f"Bearer {reader['token']}"},
        ) as client:
            for url in (
                f"/templates/{org}",
                f"/templates/{org}/{tpl['id']}",
                f"/webhooks/{org}",
                f"/webhooks/{org}/{hook['id']}",
                "/me",
            ):
                text = (await client.get(url)).text
                assert "sk-author-secret" not in text and "customer-secret" not in text, url
        assert (await http.get(f"/templates/{org}/{tpl['id']}")).json()["engine"][
            "api_key"
        ] == "********"
        assert (await http.get(f"/webhooks/{org}/{hook['id']}")).json()["headers"] == {
            "X-Api-Key": "********"
        }
        # sending the mask back keeps the stored values
        back = (await http.get(f"/templates/{org}/{tpl['id']}")).json()
        assert (await http.put(f"/templates/{org}/{tpl['id']}", json=back)).status_code == 200
        assert (
            await http.patch(
                f"/webhooks/{org}/{hook['id']}",
                json={"headers": {"X-Api-Key": "********", "X-New": "v"}},
            )
        ).status_code == 200
        from core.models import Template
        from core.secret_box import unseal, unseal_headers
        from core.webhook_models import WebhookEndpoint

        with session_scope(svc.settings.sqlalchemy_url) as session:
            stored = session.get(Template, tpl["id"]).engine["api_key"]
            assert (
                stored.startswith("enc:v1:") and "sk-author-secret" not in stored
            )  # encrypted at rest
            assert unseal(svc.settings, stored) == "sk-author-secret"
            stored_headers = session.get(WebhookEndpoint, hook["id"]).headers
            assert all(v.startswith("enc:v1:") for v in stored_headers.values())
            assert unseal_headers(svc.settings, stored_headers) == {
                "X-Api-Key": "customer-secret",
                "X-New": "v",
            }
        # a changed URL with the mask drops the key: it never follows the template to a new host
        back["engine"]["base_url"] = "https://93.184.215.15/v1"
        assert (await http.put(f"/templates/{org}/{tpl['id']}", json=back)).status_code == 200
        with session_scope(svc.settings.sqlalchemy_url) as session:
            assert "api_key" not in session.get(Template, tpl["id"]).engine


async def test_webhook_secrets_are_encrypted_at_rest_and_still_sign(
    tmp_path: Path, temporal_client: Client
) -> None:
    async with running_service(make_settings(tmp_path), temporal_client, with_worker=False) as svc:
        created = (
            await svc.http.post(
                f"/webhooks/{svc.org_id}",
                json={
                    "name": "h",
                    "url": "https://93.184.215.14/hooks",
                    "events": ["batch.completed"],
                },
            )
        ).json()
        from core.secret_box import unseal
        from core.webhook_models import WebhookEndpoint

        with session_scope(svc.settings.sqlalchemy_url) as session:
            stored = session.get(WebhookEndpoint, created["id"]).secret
        assert stored.startswith("enc:v1:") and created["secret"] not in stored
        assert unseal(svc.settings, stored) == created["secret"]
        assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600
        listed = (await svc.http.get(f"/webhooks/{svc.org_id}/{created['id']}")).json()
        assert listed["secretHint"] == created["secretHint"] and "secret" not in listed
