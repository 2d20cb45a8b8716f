"""The FastAPI application: routes, error envelope, start-up (schema check, bootstrap, reconciler)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI
from sqlmodel import Session
from temporalio.client import Client

from api.batch_runner import reconcile_forever
from api.errors import install_error_handlers
from api.limits import BodyGuard
from api.metrics import RequestMetrics
from api.routes import account, batches, exports, health, history, models, review, templates, webhooks, ws
from api.web import routes as web
from api.ws_auth import QueryTokenScrubber, install_log_redaction
from api.temporal_client import TemporalHolder
from core.bootstrap import bootstrap
from core.db import get_engine
from core.logs import configure_logging
from core.schema import require_current
from core.settings import Settings, get_settings
from core.tracing import fastapi_telemetry, setup_tracing

log = logging.getLogger("docbatch.api")


def create_app(settings: Settings | None = None, temporal_client: Client | None = None,
               reconcile_every: float = 15.0) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        require_current(settings.sqlalchemy_url)  # tables belong to `docbatch migrate`
        engine = get_engine(settings.sqlalchemy_url)
        with Session(engine) as session:
            bootstrap(session, settings)
            session.commit()
        reconciler = asyncio.create_task(reconcile_forever(app.state.temporal, settings, reconcile_every))
        app.state.background = [reconciler]
        try:
            yield
        finally:
            for task in app.state.background:
                task.cancel()
            for task in app.state.background:
                with suppress(asyncio.CancelledError, Exception):
                    await task

    app = FastAPI(
        title="docbatch",
        version="0.1.0",
        description="Batch document extraction: upload up to 50 files, follow the batch, export the results.",
        lifespan=lifespan,
        telemetry=fastapi_telemetry(settings),
    )
    app.state.settings = settings
    app.state.temporal = TemporalHolder(settings, temporal_client)
    install_error_handlers(app)
    app.add_middleware(BodyGuard, settings=settings)
    app.add_middleware(RequestMetrics)
    app.add_middleware(QueryTokenScrubber)  # outermost: a socket's ?token= never reaches a log
    install_log_redaction()
    for router in (health.router, account.router, batches.router, exports.router, history.router,
                   templates.router, models.router, webhooks.router, review.router, ws.router, web.router):
        app.include_router(router)

    return app


def app_factory() -> FastAPI:
    """For ``uvicorn --factory api.app:app_factory``."""
    settings = get_settings()
    configure_logging("api", settings.log_format)
    setup_tracing(settings, "api")
    return create_app(settings)
