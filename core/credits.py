"""The credits ledger: every balance change is one row, each applied exactly once."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.db import session_scope
from core.metrics import count_credit_change
from core.models import CreditEntry, Organization
from core.settings import Settings


class InsufficientCredits(Exception):
    def __init__(self, needed: int, balance: int) -> None:
        super().__init__(f"This needs {needed} credits but the balance is {balance}.")
        self.needed, self.balance = needed, balance


def balance(session: Session, org_id: str) -> int:
    org = session.get(Organization, org_id)
    return org.credit_balance if org else 0


def apply_change(
    session: Session,
    org_id: str,
    delta: int,
    *,
    reason: str,
    key: str,
    batch_id: str | None = None,
    file_id: str | None = None,
) -> bool:
    """Add ``delta`` (negative to charge) once per ``key``; False if that key was applied already.

    A charge is a conditional UPDATE (``balance >= n``), so two concurrent batches can never
    overdraw the balance on SQLite or PostgreSQL. Raises InsufficientCredits when it would.
    Runs inside the caller's transaction.
    """
    if session.exec(select(CreditEntry.id).where(CreditEntry.idempotency_key == key)).first():
        return False
    stmt = update(Organization).where(col(Organization.id) == org_id)
    if delta < 0:
        stmt = stmt.where(col(Organization.credit_balance) >= -delta)
    result = session.execute(stmt.values(credit_balance=Organization.credit_balance + delta))
    if cast(CursorResult[Any], result).rowcount != 1:
        raise InsufficientCredits(-delta, balance(session, org_id))
    new_balance = session.exec(
        select(Organization.credit_balance).where(Organization.id == org_id)
    ).one()
    entry = CreditEntry(
        org_id=org_id,
        delta=delta,
        balance_after=new_balance,
        reason=reason,
        batch_id=batch_id,
        file_id=file_id,
        idempotency_key=key,
    )
    try:
        with session.begin_nested():
            session.add(entry)
    except IntegrityError:
        # Another worker applied the same key concurrently: undo ours.
        session.execute(
            update(Organization)
            .where(col(Organization.id) == org_id)
            .values(credit_balance=Organization.credit_balance - delta)
        )
        return False
    count_credit_change(session, delta, reason)
    return True


def template_test_charge_key(run_id: str) -> str:
    """The ledger key of a template test's charge (its refund adds ``:refund``)."""
    return f"template-test:{run_id}"


def refund_template_test(settings: Settings, org_id: str, run_id: str) -> None:
    """Give a template test's credit back, once (the workflow and the API may both try)."""
    with session_scope(settings.sqlalchemy_url) as session:
        apply_change(
            session,
            org_id,
            +1,
            reason="template_test_refund",
            key=f"{template_test_charge_key(run_id)}:refund",
        )
