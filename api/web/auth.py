"""Signing in and out of the web UI: the token cookie, the CSRF cookie, and who a page's caller is.

The API token is kept in an HttpOnly, SameSite=Strict cookie (``docbatch_token``) that the JSON API
accepts like a bearer token. Writes made with that cookie need the double-submit header
``X-CSRF-Token`` equal to the readable ``docbatch_csrf`` cookie (see ``api.deps.check_csrf``); the
sign-in and sign-out forms carry the same value in a hidden field and are also refused when the
``Origin`` header names another site.
"""

from __future__ import annotations

import secrets
from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from api.deps import CSRF_COOKIE, TOKEN_COOKIE
from core import access
from core.access import Principal

__all__ = [
    "CSRF_COOKIE",
    "HOME",
    "TOKEN_COOKIE",
    "clear_cookies",
    "form_csrf_ok",
    "is_https",
    "login_redirect",
    "new_csrf",
    "page_principal",
    "safe_next",
    "same_origin",
    "set_csrf_cookie",
    "set_token_cookie",
]
HOME = "/ui/history"


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def new_csrf() -> str:
    return secrets.token_urlsafe(32)


def set_csrf_cookie(response: Response, request: Request, value: str) -> None:
    # Readable by the page's JavaScript on purpose: it copies the value into X-CSRF-Token.
    response.set_cookie(
        CSRF_COOKIE, value, httponly=False, samesite="strict", path="/", secure=is_https(request)
    )


def set_token_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        TOKEN_COOKIE, token, httponly=True, samesite="strict", path="/", secure=is_https(request)
    )


def clear_cookies(response: Response, request: Request) -> None:
    for name, http_only in ((TOKEN_COOKIE, True), (CSRF_COOKIE, False)):
        response.delete_cookie(
            name, path="/", httponly=http_only, samesite="strict", secure=is_https(request)
        )


def safe_next(value: str | None) -> str:
    """Only a path inside the UI: never an absolute URL or ``//host`` (no open redirect)."""
    if not value or not value.startswith("/ui/") or value.startswith("//") or "\\" in value:
        return HOME
    if value.startswith(("/ui/login", "/ui/logout")):
        return HOME
    return value


def same_origin(request: Request) -> bool:
    """True unless the browser says the form came from another origin."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    parts = urlsplit(origin)
    return parts.netloc == request.headers.get("host", request.url.netloc)


def form_csrf_ok(request: Request, submitted: str | None) -> bool:
    expected = request.cookies.get(CSRF_COOKIE)
    return bool(
        expected and submitted and secrets.compare_digest(expected, submitted)
    ) and same_origin(request)


def login_redirect(request: Request, *, expired: bool) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = f"/ui/login?next={quote(target, safe='')}" + ("&expired=1" if expired else "")
    response = RedirectResponse(url, status_code=303)
    if expired:
        clear_cookies(response, request)
    return response


def page_principal(request: Request, session: Session) -> Principal | RedirectResponse:
    """The signed-in caller of a page, or a redirect to sign in (no token, or expired/revoked).

    The same rule as every other entry point: ``core.access.identify``."""
    value = request.cookies.get(TOKEN_COOKIE)
    if not value:
        return login_redirect(request, expired=False)
    try:
        return access.identify(session, value)
    except access.AccessDenied:
        return login_redirect(request, expired=True)
