"""LLM key: a template chooses among the operator's endpoints; its own URL never receives the
operator's key, is held to the webhook address guard, and what it answers is never echoed."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from temporalio.client import Client

from core.db import session_scope
from core.models import Template
from tests.extraction.conftest import FakeLLM, serving
from tests.harness import DOCS, Service, make_settings, running_service

OPERATOR_KEY = "sk-operator-secret-key"
UPSTREAM_SECRET = "UPSTREAM-BODY-WITH-INTERNAL-DATA"
SCHEMA = {"type": "object", "properties": {"total": {"type": "number", "description": "the total"}}}


def listener() -> Iterator[FakeLLM]:
    with serving(FakeLLM()) as fake:
        yield fake


@pytest.fixture
def attacker() -> Iterator[FakeLLM]:
    """A listener of the template's author."""
    yield from listener()


@pytest.fixture
def operator_llm() -> Iterator[FakeLLM]:
    yield from listener()


def engine(base_url: str, **extra: str) -> dict:
    return {"mode": "llm", "base_url": base_url, "model": "m", **extra}


def authorizations(fake: FakeLLM) -> list[str]:
    return [h.get("Authorization", "") for h in fake.headers]


async def test_a_template_url_on_a_private_or_metadata_host_is_refused(service: Service) -> None:
    for url, words in (
        ("http://127.0.0.1:9/v1", "loopback"),
        ("http://169.254.169.254/v1", "metadata"),
        ("http://[::ffff:169.254.169.254]/v1", "metadata"),
        ("http://10.1.2.3/v1", "private"),
        ("http://localhost:9/v1", "loopback"),
        ("http://[fe80::1]/v1", "link-local"),
    ):
        resp = await service.http.post(
            f"/templates/{service.org_id}",
            json={"name": "t", "templateSchema": SCHEMA, "engine": engine(url)},
        )
        assert resp.status_code == 400, (url, resp.text)
        message = " ".join(resp.json()["message"])
        assert "engine.base_url" in message and words in message, message
    unknown = await service.http.post(
        f"/templates/{service.org_id}",
        json={"name": "t", "templateSchema": SCHEMA, "engine": {"mode": "llm", "endpoint": "nope"}},
    )
    assert unknown.status_code == 400 and "DOCBATCH_LLM_ENDPOINTS" in " ".join(
        unknown.json()["message"]
    )


@pytest.fixture
async def llm_service(
    tmp_path: Path, temporal_client: Client, operator_llm: FakeLLM
) -> AsyncIterator[Service]:
    """The operator's default endpoint (with its key) and a named one, both on loopback; private
    hosts allowed for templates so a listener on loopback can stand for the author's server."""
    settings = make_settings(
        tmp_path,
        llm_base_url=operator_llm.base_url,
        llm_api_key=OPERATOR_KEY,
        llm_model="m",
        llm_allow_private=True,
        llm_endpoints={
            "main": {"base_url": operator_llm.base_url, "api_key": OPERATOR_KEY, "model": "m"}
        },
    )
    async with running_service(settings, temporal_client) as svc:
        yield svc


async def test_a_template_url_never_receives_the_operator_key(
    llm_service: Service, attacker: FakeLLM, operator_llm: FakeLLM
) -> None:
    svc = llm_service
    attacker.script = [(200, {"total": 1})] * 4
    operator_llm.script = [(200, {"total": 2})] * 4
    own = (
        await svc.http.post(
            f"/templates/{svc.org_id}",
            json={"name": "own url", "templateSchema": SCHEMA, "engine": engine(attacker.base_url)},
        )
    ).json()
    named = (
        await svc.http.post(
            f"/templates/{svc.org_id}",
            json={
                "name": "named",
                "templateSchema": SCHEMA,
                "engine": {"mode": "llm", "endpoint": "main"},
            },
        )
    ).json()
    svc.templates.update({"own": own["id"], "named": named["id"]})
    a = (await svc.upload([DOCS / "receipt.txt"], template="own")).json()
    b = (await svc.upload([DOCS / "receipt.txt"], template="named")).json()
    done_a, done_b = await svc.wait_final(a["id"]), await svc.wait_final(b["id"])
    assert done_a["status"] == "completed" and done_b["status"] == "completed", (done_a, done_b)
    assert attacker.requests, "the template's own URL was called"
    assert all(OPERATOR_KEY not in h for h in authorizations(attacker)), authorizations(attacker)
    assert authorizations(operator_llm) == [
        f"Bearer {OPERATOR_KEY}"
    ]  # the operator's endpoint gets it

    # the sample test in the web UI runs in the API process: same rule, and no echo
    attacker.script = [(400, UPSTREAM_SECRET)]
    resp = await svc.http.post(
        "/ui/templates/test",
        files={"file": ("r.txt", (DOCS / "receipt.txt").read_bytes())},
        data={
            "templateSchema": json.dumps(SCHEMA),
            "engine": json.dumps(engine(attacker.base_url)),
        },
    )
    assert resp.status_code == 400 and "LLMError" in resp.json()["message"], resp.text
    assert UPSTREAM_SECRET not in resp.text and "HTTP 400" in resp.text
    attacker.script = [(503, UPSTREAM_SECRET)]
    resp = await svc.http.post(
        "/ui/templates/test",
        files={"file": ("r.txt", (DOCS / "receipt.txt").read_bytes())},
        data={
            "templateSchema": json.dumps(SCHEMA),
            "engine": json.dumps(engine(attacker.base_url)),
        },
    )
    assert resp.status_code == 503 and UPSTREAM_SECRET not in resp.text
    assert all(OPERATOR_KEY not in h for h in authorizations(attacker))
    # a stored failure message does not carry the upstream body either
    attacker.script = [(401, UPSTREAM_SECRET)]
    c = (await svc.upload([DOCS / "receipt.txt"], template="own")).json()
    done_c = await svc.wait_final(c["id"])
    assert done_c["files"][0]["errorCode"] == "LLMError"
    assert UPSTREAM_SECRET not in json.dumps(done_c)


async def test_a_stored_template_pointing_at_loopback_is_refused_at_run_time(
    service: Service, attacker: FakeLLM
) -> None:
    """A template written before the guard (straight into the database here) calls nothing."""
    created = (
        await service.http.post(
            f"/templates/{service.org_id}", json={"name": "old", "templateSchema": SCHEMA}
        )
    ).json()
    with session_scope(service.settings.sqlalchemy_url) as session:
        row = session.get(Template, created["id"])
        row.engine = engine(attacker.base_url)
        session.add(row)
    service.templates["old"] = created["id"]
    batch = (await service.upload([DOCS / "receipt.txt"], template="old")).json()
    done = await service.wait_final(batch["id"])
    assert done["files"][0]["errorCode"] == "InvalidTemplate"
    assert "loopback" in done["files"][0]["errorMessage"]
    assert attacker.requests == []


async def test_ipv6_spellings_of_metadata_and_loopback_are_refused(service: Service) -> None:
    """Webhook URLs and template LLM URLs share the guard; IPv6 spellings reach the same IPv4."""
    spellings = [
        "[::ffff:169.254.169.254]",
        "[::ffff:a9fe:a9fe]",
        "[64:ff9b::a9fe:a9fe]",
        "[2002:a9fe:a9fe::1]",
        "[::169.254.169.254]",
        "[fd00:ec2::254]",
        "169.254.169.254",
        "2852039166",
        "0xa9fea9fe",
        "[::ffff:127.0.0.1]",
        "[64:ff9b::7f00:1]",
        "[::1]",
        "127.1",
    ]
    for host in spellings:
        hook = await service.http.post(
            f"/webhooks/{service.org_id}",
            json={"name": "h", "url": f"http://{host}/x", "events": ["batch.completed"]},
        )
        assert hook.status_code == 400, (host, hook.text)
        tpl = await service.http.post(
            f"/templates/{service.org_id}",
            json={"name": "t", "templateSchema": SCHEMA, "engine": engine(f"http://{host}/v1")},
        )
        assert tpl.status_code == 400, (host, tpl.text)


async def test_metadata_spellings_are_refused_even_where_private_hosts_are_allowed(
    tmp_path: Path, temporal_client: Client
) -> None:
    settings = make_settings(tmp_path, webhook_allow_private=True, llm_allow_private=True)
    async with running_service(settings, temporal_client, with_worker=False) as svc:
        for host in (
            "[::ffff:169.254.169.254]",
            "[64:ff9b::a9fe:a9fe]",
            "[2002:a9fe:a9fe::1]",
            "[::169.254.169.254]",
            "[fd00:ec2::254]",
            "2852039166",
            "[2001:0:4136:e378:8000:63bf:5601:5601]",
        ):
            hook = await svc.http.post(
                f"/webhooks/{svc.org_id}",
                json={"name": "h", "url": f"http://{host}/x", "events": ["batch.completed"]},
            )
            assert hook.status_code == 400 and "metadata" in hook.text, (host, hook.text)
            tpl = await svc.http.post(
                f"/templates/{svc.org_id}",
                json={"name": "t", "templateSchema": SCHEMA, "engine": engine(f"http://{host}/v1")},
            )
            assert tpl.status_code == 400 and "metadata" in tpl.text, (host, tpl.text)
        ok = await svc.http.post(
            f"/templates/{svc.org_id}",
            json={"name": "t", "templateSchema": SCHEMA, "engine": engine("http://127.0.0.1:9/v1")},
        )
        assert ok.status_code == 201  # loopback is allowed here on purpose
