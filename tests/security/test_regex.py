"""Regex: a template's x-pattern runs in linear time (RE2), so one hostile pattern cannot hold a
worker; a pattern RE2 cannot run is refused with a message that says why."""

from __future__ import annotations

import asyncio
from pathlib import Path

from core.db import session_scope
from core.models import Template
from tests.harness import DOCS, Service

HOSTILE = "(a|aa)+$"  # exponential backtracking in Python's re on the text below
TEXT = "code: " + "a" * 44 + "b\n"


def schema(pattern: str) -> dict:
    return {
        "type": "object",
        "properties": {"code": {"type": "string", "x-labels": ["code"], "x-pattern": pattern}},
    }


async def test_a_pattern_re2_cannot_run_is_refused_when_saved(service: Service) -> None:
    for pattern, words in (
        ("(?<=INV-)\\d+", "lookbehind"),
        ("(a)\\1", "backreferences"),
        ("[unclosed", "missing ]"),
    ):
        resp = await service.http.post(
            f"/templates/{service.org_id}", json={"name": "bad", "templateSchema": schema(pattern)}
        )
        assert resp.status_code == 400, resp.text
        message = " ".join(resp.json()["message"])
        assert "Field 'code': 'x-pattern' is not a regular expression docbatch can run" in message
        assert words in message


async def test_the_hostile_pattern_cannot_stall_another_batch(
    service: Service, tmp_path: Path
) -> None:
    created = await service.http.post(
        f"/templates/{service.org_id}", json={"name": "codes", "templateSchema": schema(HOSTILE)}
    )
    assert created.status_code == 201, created.text
    service.templates["codes"] = created.json()["id"]
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(TEXT)
    a = (await service.upload([hostile] * 4, template="codes", name="hostile")).json()
    b = (await service.upload([DOCS / "invoice-acme.pdf"], template="invoice", name="plain")).json()
    done_a, done_b = await asyncio.gather(service.wait_final(a["id"]), service.wait_final(b["id"]))
    assert done_b["status"] == "completed", done_b
    assert done_a["status"] == "completed", done_a  # RE2 answers "no match" in linear time
    record = (
        await service.http.get(f"/processing-history/{service.org_id}/{done_a['files'][0]['id']}")
    ).json()
    assert record["result"].get("code") in (
        None,
        "",
    )  # the pattern cannot match (the text ends in b)


async def test_a_stored_python_only_pattern_fails_its_file_alone(
    service: Service, tmp_path: Path
) -> None:
    """A template saved before RE2 (written straight to the database) fails: InvalidTemplate."""
    created = (
        await service.http.post(
            f"/templates/{service.org_id}", json={"name": "old", "templateSchema": schema("code")}
        )
    ).json()
    with session_scope(service.settings.sqlalchemy_url) as session:
        row = session.get(Template, created["id"])
        row.template_schema = schema("(?=code)code")
        session.add(row)
    service.templates["old"] = created["id"]
    doc = tmp_path / "doc.txt"
    doc.write_text(TEXT)
    bad = (await service.upload([doc], template="old")).json()
    good = (await service.upload([DOCS / "receipt.txt"], template="receipt")).json()
    done_bad, done_good = await asyncio.gather(
        service.wait_final(bad["id"]), service.wait_final(good["id"])
    )
    assert done_good["status"] == "completed"
    assert done_bad["status"] == "failed"
    assert done_bad["files"][0]["errorCode"] == "InvalidTemplate"
    assert "x-pattern" in done_bad["files"][0]["errorMessage"]
