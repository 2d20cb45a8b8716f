"""Liveness and readiness, for orchestrators and operators (no token: they say nothing private).

Mounted by the API and by the worker's health port (``api.health_app``), so both report the
same checks: ``app.state.settings`` and ``app.state.temporal`` (a ``TemporalHolder``) are all
they need.
"""

from __future__ import annotations

from http import HTTPStatus

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

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
