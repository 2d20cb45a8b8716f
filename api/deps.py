"""FastAPI dependencies: settings, database session, Temporal client, and the caller's access.

The access rule itself lives in ``core.access``; this module only adapts it to FastAPI. Each
route declares one level with ``require(level)`` (``Reader``, ``Writer``, ``Admin``,
``OrgAdmin``, ``CurrentPrincipal``); the access-matrix test reads that declaration from the
route table, so a route without one fails the suite.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session
from temporalio.client import Client

from api.errors import ApiError
from core import access
from core.access import Principal
from core.db import get_engine
from core.settings import Settings
from core.temporal import TemporalHolder

__all__ = [
    "Admin",
    "CurrentPrincipal",
    "OrgAdmin",
    "Principal",
    "Reader",
    "SessionDep",
    "SettingsDep",
    "TemporalDep",
    "TemporalHolderDep",
    "Writer",
    "authenticate",
    "bearer_value",
    "credential",
    "require",
]


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


def get_session(settings: SettingsDep) -> Iterator[Session]:
    with Session(get_engine(settings.sqlalchemy_url), expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


async def get_temporal(request: Request) -> Client:
    return await get_temporal_holder(request).get()


TemporalDep = Annotated[Client, Depends(get_temporal)]


def get_temporal_holder(request: Request) -> TemporalHolder:
    holder: TemporalHolder = request.app.state.temporal
    return holder


TemporalHolderDep = Annotated[TemporalHolder, Depends(get_temporal_holder)]

TOKEN_COOKIE = "docbatch_token"
CSRF_COOKIE = "docbatch_csrf"


def credential(headers: dict[str, str], cookies: dict[str, str]) -> tuple[str | None, bool]:
    """The token and whether it came from the web UI's cookie.

    A bearer header wins; any other Authorization scheme is ignored, so the cookie that then
    authenticates is still held to the CSRF check.
    """
    header = headers.get("authorization", "")
    if header.lower().startswith("bearer ") and header[7:].strip():
        return header[7:].strip(), False
    value = cookies.get(TOKEN_COOKIE) or None
    return value, value is not None


def bearer_value(request: Request) -> str | None:
    """The token from ``Authorization: Bearer`` or the web UI's ``docbatch_token`` cookie."""
    return credential(request.headers, request.cookies)[0]  # type: ignore[arg-type]


def authenticate(session: Session, value: str | None) -> Principal:
    try:
        return access.identify(session, value)
    except access.AccessDenied as exc:
        raise ApiError(exc.status_code, exc.message) from None


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def check_csrf(request: Request) -> None:
    """Cookie-authenticated writes need the double-submit header (the web UI sends it)."""
    if request.method in SAFE_METHODS:
        return
    _, via_cookie = credential(request.headers, request.cookies)  # type: ignore[arg-type]
    if not via_cookie:
        return
    expected = request.cookies.get(CSRF_COOKIE)
    if not expected or not secrets.compare_digest(
        expected, request.headers.get("x-csrf-token", "")
    ):
        raise ApiError(
            403,
            "Missing or wrong X-CSRF-Token header for a cookie-authenticated request; "
            "reload the page and try again.",
        )


def current_principal(request: Request, session: SessionDep) -> Principal:
    principal = authenticate(session, bearer_value(request))
    check_csrf(request)
    return principal


def require(level: str, *, org_scoped: bool = True) -> Callable[..., Principal]:
    """A dependency that authenticates, checks the path's organization and the route's level."""
    assert level in access.LEVELS, level

    if org_scoped:

        def dependency(
            org_id: str, principal: Annotated[Principal, Depends(current_principal)]
        ) -> Principal:
            try:
                access.check_level(principal, org_id, level)
            except access.AccessDenied as exc:
                raise ApiError(exc.status_code, exc.message) from None
            return principal
    else:

        def dependency(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:  # type: ignore[misc]
            try:
                access.check_level(principal, None, level)
            except access.AccessDenied as exc:
                raise ApiError(exc.status_code, exc.message) from None
            return principal

    dependency.access_level = level  # type: ignore[attr-defined]  # read by the access-matrix test
    return dependency


Reader = Annotated[Principal, Depends(require("read"))]
Writer = Annotated[Principal, Depends(require("write"))]
Admin = Annotated[Principal, Depends(require("admin"))]
OrgAdmin = Annotated[Principal, Depends(require("org-admin"))]
CurrentPrincipal = Annotated[Principal, Depends(require("session", org_scoped=False))]
SessionWriter = Annotated[Principal, Depends(require("write", org_scoped=False))]
SessionReader = Annotated[Principal, Depends(require("read", org_scoped=False))]
