"""FastAPI dependencies: settings, database session, Temporal client, the calling token."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session
from temporalio.client import Client

from api.errors import ApiError
from api.temporal_client import TemporalHolder
from core.db import get_engine
from core.ids import utcnow
from core.settings import Settings
from core.tokens import expand_permissions, find_token


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


def get_session(settings: SettingsDep) -> Iterator[Session]:
    with Session(get_engine(settings.sqlalchemy_url), expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


async def get_temporal(request: Request) -> Client:
    return await request.app.state.temporal.get()


TemporalDep = Annotated[Client, Depends(get_temporal)]


def get_temporal_holder(request: Request) -> TemporalHolder:
    return request.app.state.temporal


TemporalHolderDep = Annotated[TemporalHolder, Depends(get_temporal_holder)]


@dataclass(frozen=True)
class Principal:
    """Who is calling: a token of one organization, maybe limited to one project."""

    token_id: str
    org_id: str
    project_id: str | None
    permissions: frozenset[str]

    def can_see_project(self, project_id: str | None) -> bool:
        return self.project_id is None or project_id == self.project_id


def bearer_value(request: Request) -> str | None:
    """The token from ``Authorization: Bearer`` or the web UI's ``docbatch_token`` cookie."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.cookies.get("docbatch_token") or None


def authenticate(session: Session, value: str | None) -> Principal:
    if not value:
        raise ApiError(401, "Missing bearer token: send 'Authorization: Bearer <token>'.")
    token = find_token(session, value)
    if token is None:
        raise ApiError(401, "The token is unknown, revoked or expired. Create a new one under Settings.")
    token.last_used_at = utcnow()
    session.add(token)
    session.commit()
    return Principal(token.id, token.org_id, token.project_id, frozenset(expand_permissions(token.permissions)))


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def check_csrf(request: Request) -> None:
    """Cookie-authenticated writes need the double-submit header (the web UI sends it)."""
    if request.headers.get("authorization") or request.method in SAFE_METHODS:
        return
    if not request.cookies.get("docbatch_token"):
        return
    expected = request.cookies.get("docbatch_csrf")
    if not expected or not secrets.compare_digest(expected, request.headers.get("x-csrf-token", "")):
        raise ApiError(403, "Missing or wrong X-CSRF-Token header for a cookie-authenticated request; "
                            "reload the page and try again.")


def current_principal(request: Request, session: SessionDep) -> Principal:
    principal = authenticate(session, bearer_value(request))
    check_csrf(request)
    return principal


def require(permission: str) -> Callable[..., Principal]:
    """A dependency that authenticates, checks the path's organization and one permission."""

    def dependency(org_id: str, principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if org_id != principal.org_id:
            raise ApiError(404, f"Organization {org_id} not found.")
        if permission not in principal.permissions:
            raise ApiError(403, f"This token lacks the '{permission}' permission needed here.")
        return principal

    return dependency


Reader = Annotated[Principal, Depends(require("read"))]
Writer = Annotated[Principal, Depends(require("write"))]
Admin = Annotated[Principal, Depends(require("admin"))]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
