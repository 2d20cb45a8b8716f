"""Session fixtures: one real Temporal dev server; SQLite and PostgreSQL databases."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from tests.harness import (
    Service,
    drop_postgres_database,
    fresh_postgres_database,
    make_settings,
    postgres_available,
    running_service,
    start_dev_server,
)

_PG_REASON = postgres_available()


def pytest_report_header(config: pytest.Config) -> str:
    if _PG_REASON:
        return (
            f"PostgreSQL at 127.0.0.1:5432 is NOT reachable ({_PG_REASON}): "
            "its half of the database tests is skipped"
        )
    return "PostgreSQL at 127.0.0.1:5432 reachable: database tests run on SQLite and PostgreSQL"


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await start_dev_server()
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture(scope="session")
def temporal_client(temporal_env: WorkflowEnvironment) -> Client:
    return temporal_env.client


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield ""
        return
    if _PG_REASON:
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432 ({_PG_REASON})")
    url = fresh_postgres_database()
    try:
        yield url
    finally:
        from core.db import get_engine
        from core.settings import Settings

        get_engine(Settings(database_url=url).sqlalchemy_url).dispose()
        drop_postgres_database(url)


@pytest.fixture
async def service(tmp_path: Path, temporal_client: Client) -> AsyncIterator[Service]:
    """docbatch on SQLite with an in-process worker."""
    async with running_service(make_settings(tmp_path), temporal_client) as svc:
        yield svc
