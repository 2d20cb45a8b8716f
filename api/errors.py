"""One error envelope everywhere: ``{"statusCode", "message", "error"}``."""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.access import AccessDenied

log = logging.getLogger("docbatch.api")


class ApiError(Exception):
    """Raise from a route to answer with the envelope; ``message`` says what to do."""

    def __init__(self, status_code: int, message: str | list[str]) -> None:
        super().__init__(message if isinstance(message, str) else "; ".join(message))
        self.status_code = status_code
        self.message = message


def envelope(status_code: int, message: str | list[str]) -> JSONResponse:
    return JSONResponse(
        status_code=status_code,
        content={"statusCode": status_code, "message": message, "error": HTTPStatus(status_code).phrase},
        headers={"WWW-Authenticate": "Bearer"} if status_code == 401 else None,
    )


def _describe(err: dict) -> str:
    where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
    return f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg", "invalid"))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return envelope(exc.status_code, exc.message)

    @app.exception_handler(AccessDenied)
    async def _access_denied(_: Request, exc: AccessDenied) -> JSONResponse:
        return envelope(exc.status_code, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, (str, list)) else HTTPStatus(exc.status_code).phrase
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
