"""One page of a query's rows and the total, the way every list operation answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import func
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: Sequence[T]
    page: int
    limit: int
    total: int


def paged(
    session: Session, query: SelectOfScalar[T], order: Sequence[Any], *, page: int, limit: int
) -> Page[T]:
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(*order).offset((page - 1) * limit).limit(limit)).all()
    return Page(rows, page, limit, total)
