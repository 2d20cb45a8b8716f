"""Deployment and browser-session findings: compose publishes only the API; a cookie session is
held to the CSRF check even when some other Authorization header is present."""

from __future__ import annotations

from pathlib import Path

import httpx
import yaml

from tests.harness import OWNER_TOKEN, Service

COMPOSE = Path(__file__).parents[2] / "docker-compose.yml"


def test_compose_publishes_only_the_api() -> None:
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    published = {name: svc.get("ports", []) for name, svc in services.items() if svc.get("ports")}
    for name, ports in published.items():
        if name == "api":
            continue
        assert services[name].get("profiles"), (  # started only when asked for (ops, s3)
            f"{name} is published by default: {ports}"
        )
        assert all(str(p).startswith("127.0.0.1:") for p in ports), (
            f"{name} is published beyond loopback"
        )
    assert "ports" not in services["temporal"] and "ports" not in services["postgres"]
    command = " ".join(services["api"]["command"])
    assert '"*"' not in command and " * " not in command + " "


async def test_cookie_session_with_another_authorization_scheme_still_needs_csrf(
    service: Service,
) -> None:
    async with httpx.AsyncClient(
        transport=service.http._transport,
        base_url="http://docbatch.test",
        cookies={"docbatch_token": OWNER_TOKEN, "docbatch_csrf": "abc"},
    ) as browser:
        for header in ("Basic dXNlcjpwYXNz", "Bearer", "Token x", "bearer   "):
            refused = await browser.post(
                f"/projects/{service.org_id}", json={"name": "x"}, headers={"Authorization": header}
            )
            assert refused.status_code == 403 and "CSRF" in refused.json()["message"], (
                header,
                refused.text,
            )
        allowed = await browser.post(
            f"/projects/{service.org_id}",
            json={"name": "x"},
            headers={"Authorization": "Basic dXNlcjpwYXNz", "X-CSRF-Token": "abc"},
        )
        assert allowed.status_code == 201
        # a real bearer token is the credential: no CSRF header needed, the cookie is ignored
        bearer = await browser.post(
            f"/projects/{service.org_id}",
            json={"name": "y"},
            headers={"Authorization": f"Bearer {OWNER_TOKEN}"},
        )
        assert bearer.status_code == 201
