"""Readiness: can this process do its work right now? Database, Temporal and file storage
(a local folder or an S3 bucket).

Used by the API's ``/health/ready`` and by the worker's health port, so both answer the same
question the same way. Each check has its own timeout and never raises: a failure is a value
naming the piece and why, for the 503 an orchestrator or an operator reads.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import text
from temporalio.client import Client

from core.db import get_engine
from core.settings import Settings
from core.storage import open_storage

TIMEOUT = 5.0


@dataclass
class Check:
    name: str
    ok: bool
    ms: float
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": self.ok, "ms": round(self.ms, 1)}
        if self.error:
            out["error"] = self.error
        return out


def _reason(exc: BaseException) -> str:
    text_ = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{exc.__class__.__name__}: {text_}"[:300] if text_ else exc.__class__.__name__


async def _timed(name: str, probe: Awaitable[object]) -> Check:
    start = time.perf_counter()
    try:
        await asyncio.wait_for(probe, TIMEOUT)
        return Check(name, True, (time.perf_counter() - start) * 1000)
    except TimeoutError:
        return Check(
            name, False, (time.perf_counter() - start) * 1000, f"no answer within {TIMEOUT:.0f} s"
        )
    except Exception as exc:
        return Check(name, False, (time.perf_counter() - start) * 1000, _reason(exc))


def _database(url: str) -> None:
    with get_engine(url).connect() as conn:
        conn.execute(text("SELECT 1"))


def _storage(settings: Settings) -> None:
    """The configured store takes a write: a read-only, full or wrongly mounted volume, or a
    bucket that is missing or refuses the credentials, fails here (see ``Storage.check``)."""
    open_storage(settings).check()


async def _temporal(get_client: Callable[[], Awaitable[Client]]) -> None:
    client = await get_client()
    await client.service_client.check_health(timeout=timedelta(seconds=TIMEOUT - 1))


async def check_all(settings: Settings, get_client: Callable[[], Awaitable[Client]]) -> list[Check]:
    return list(
        await asyncio.gather(
            _timed("database", asyncio.to_thread(_database, settings.sqlalchemy_url)),
            _timed("temporal", _temporal(get_client)),
            _timed("storage", asyncio.to_thread(_storage, settings)),
        )
    )
