"""The worker's small HTTP port: the API's health (and metrics) routes, nothing else.

``/metrics`` answers without a token here only while the port is bound to a loopback address
(the default ``DOCBATCH_WORKER_HEALTH_HOST=127.0.0.1``); bound elsewhere, it needs
``DOCBATCH_METRICS_TOKEN`` like the API's.

Served by uvicorn inside the worker's own event loop, so readiness reflects that process: its
database engine, its Temporal client, its view of file storage.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
from collections.abc import AsyncIterator, Iterator

import uvicorn
from fastapi import FastAPI
from temporalio.client import Client

from api.errors import install_error_handlers
from api.routes import health
from core.settings import Settings
from core.temporal import TemporalHolder
from core.tracing import fastapi_telemetry


def create_health_app(settings: Settings, client: Client) -> FastAPI:
    app = FastAPI(
        title="docbatch worker",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        telemetry=fastapi_telemetry(settings),
    )
    app.state.settings = settings
    app.state.temporal = TemporalHolder(settings, client)
    app.state.metrics_open = is_loopback(settings.worker_health_host)
    install_error_handlers(app)
    app.include_router(health.router)
    return app


def is_loopback(host: str) -> bool:
    """Only a literal loopback address or ``localhost`` (a name could resolve anywhere)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[] ")).is_loopback
    except ValueError:
        return False


class _EmbeddedServer(uvicorn.Server):
    """Leaves signal handling to the worker, which decides when to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def health_server(settings: Settings, client: Client) -> AsyncIterator[None]:
    """Serve on ``worker_health_port`` (nothing when it is 0) for the duration of the block."""
    if not settings.worker_health_port:
        yield
        return
    config = uvicorn.Config(
        create_health_app(settings, client),
        host=settings.worker_health_host,
        port=settings.worker_health_port,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )
    server = _EmbeddedServer(config)
    task = asyncio.create_task(server.serve())
    while not server.started and not task.done():
        await asyncio.sleep(0.05)
    if task.done():
        task.result()
        raise RuntimeError(f"the worker's health port {settings.worker_health_port} did not open")
    try:
        yield
    finally:
        server.should_exit = True
        await task
