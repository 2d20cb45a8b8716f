"""Liveness, readiness and metrics, for orchestrators and operators.

No API token: health says nothing private. ``/metrics`` (aggregate counts, no ids) is closed by
default: it answers ``Authorization: Bearer <DOCBATCH_METRICS_TOKEN>`` when that is set, and
without a token only on the worker's health port bound to a loopback address (the port a
Prometheus next to the worker scrapes; ``api.health_app`` marks it with ``metrics_open``).

Mounted by the API and by the worker's health port (``api.health_app``), so both report the
same checks: ``app.state.settings`` and ``app.state.temporal`` (a ``TemporalHolder``) are all
they need.
"""

from __future__ import annotations

from http import HTTPStatus

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.errors import ApiError
from core.readiness import check_all

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict:
    """Liveness: the process answers (says nothing about the database or Temporal)."""
    return {"status": "ok"}


@router.get("/health/ready")
async def ready(request: Request) -> JSONResponse:
    """Readiness: database, Temporal and file storage reachable; 503 naming what is not."""
    checks = await check_all(request.app.state.settings, request.app.state.temporal.get)
    body: dict = {"checks": {c.name: c.as_dict() for c in checks}}
    failed = [c for c in checks if not c.ok]
    if not failed:
        return JSONResponse({"status": "ready", **body})
    message = "Not ready: " + "; ".join(f"{c.name} ({c.error})" for c in failed)
    return JSONResponse(status_code=503, content={
        "statusCode": 503, "message": message, "error": HTTPStatus(503).phrase, **body})


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Prometheus text format: this process's counters and histograms."""
    expected = request.app.state.settings.metrics_token
    if expected:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise ApiError(401, "Metrics need 'Authorization: Bearer <DOCBATCH_METRICS_TOKEN>'.")
    elif not getattr(request.app.state, "metrics_open", False):
        raise ApiError(403, "Metrics are closed here: set DOCBATCH_METRICS_TOKEN and scrape with "
                            "'Authorization: Bearer <token>', or scrape the worker's health port "
                            "(DOCBATCH_WORKER_HEALTH_PORT) on a loopback address.")
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
