"""One error envelope everywhere: ``{"statusCode", "message", "error"}``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.errors import ServiceError

log = logging.getLogger("docbatch.api")

#: Raise from a route to answer with the envelope; the operations in ``core`` raise the same
#: type (``ServiceError``), refusals of the access rule included (``core.access.AccessDenied``).
ApiError = ServiceError


def envelope(status_code: int, message: str | list[str]) -> JSONResponse:
    return JSONResponse(
        status_code=status_code,
        content={
            "statusCode": status_code,
            "message": message,
            "error": HTTPStatus(status_code).phrase,
        },
        headers={"WWW-Authenticate": "Bearer"} if status_code == 401 else None,
    )


def _describe(err: Mapping[str, Any]) -> str:
    where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
    return f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg", "invalid"))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def _service_error(_: Request, exc: ServiceError) -> JSONResponse:
        return envelope(exc.status_code, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = (
            exc.detail
            if isinstance(exc.detail, (str, list))
            else HTTPStatus(exc.status_code).phrase
        )
        if exc.status_code == 404 and message == "Not Found":
            message = "No such endpoint. See /docs for the API reference."
        return envelope(exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return envelope(400, [_describe(e) for e in exc.errors()])

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return envelope(500, "Something went wrong on our side; the error was logged. Try again.")
