"""The database layer on SQLite and on PostgreSQL: the same tests run on both."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlmodel import Session, select
from temporalio.client import Client

from core.credits import InsufficientCredits, apply_change
from core.db import get_engine, session_scope
from core.ids import new_id
from core.models import CreditEntry, Organization
from tests.harness import DOCS, make_settings, running_service


def _org(url: str, balance: int) -> str:
    org_id = new_id("org")
    with session_scope(url) as session:
        session.add(Organization(id=org_id, name="t", credit_balance=balance))
    return org_id


def test_concurrent_charges_never_overdraw(database_url: str, tmp_path: Path) -> None:
    url = make_settings(tmp_path, database_url).sqlalchemy_url
    org_id = _org(url, 20)

    def charge(i: int) -> bool:
        try:
            with session_scope(url) as session:
                return apply_change(session, org_id, -3, reason="batch_charge", key=f"charge:{i}")
        except InsufficientCredits:
            return False

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(charge, range(12)))
    assert results.count(True) == 6
    with Session(get_engine(url)) as session:
        assert session.get(Organization, org_id).credit_balance == 2
        entries = session.exec(select(CreditEntry).where(CreditEntry.org_id == org_id)).all()
    assert len(entries) == 6 and sum(e.delta for e in entries) == -18


def test_a_ledger_key_applies_once(database_url: str, tmp_path: Path) -> None:
    url = make_settings(tmp_path, database_url).sqlalchemy_url
    org_id = _org(url, 5)
    for _ in range(3):
        with session_scope(url) as session:
            apply_change(session, org_id, +1, reason="file_refund", key="refund:file_x:0")
    with Session(get_engine(url)) as session:
        assert session.get(Organization, org_id).credit_balance == 6


async def test_batch_pipeline_on_each_database(
    database_url: str, tmp_path: Path, temporal_client: Client
) -> None:
    settings = make_settings(tmp_path, database_url)
    async with running_service(settings, temporal_client) as svc:
        batch = (
            await svc.upload([DOCS / "invoice-acme.pdf", DOCS / "corrupt.pdf"], name="db check")
        ).json()
        final = await svc.wait_final(batch["id"])
        assert final["status"] == "partially_failed"
        listed = (
            await svc.http.get(
                f"/processing-history/{svc.org_id}",
                params={"batchId": batch["id"], "status": "failed"},
            )
        ).json()
        assert [r["fileName"] for r in listed["data"]] == ["corrupt.pdf"]
        assert listed["data"][0]["errorCode"] == "CorruptFile"
        assert (await svc.http.get(f"/credits/{svc.org_id}")).json()[
            "balance"
        ] == settings.bootstrap_credits - 1
