"""The pages: sign in and out, and one server-rendered shell per screen (JavaScript fills it)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.deps import SessionDep, SettingsDep
from api.errors import ApiError
from api.web import auth
from core import access
from core.access import Principal
from services import account

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=str(HERE / "templates"))

#: What the upload page accepts (the engine reads these); checked in the page before sending.
EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "webp", "bmp", "tif", "tiff", "docx", "txt")

router = APIRouter(include_in_schema=False)


def _static_versions() -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:10]
        for p in STATIC.iterdir()
        if p.is_file()
    }


STATIC_VERSIONS = _static_versions()


def static_url(name: str) -> str:
    return f"/ui/static/{name}?v={STATIC_VERSIONS.get(name, '0')}"


templates.env.globals["static_url"] = static_url


def security_headers(response: Response, request: Request) -> Response:
    host = request.headers.get("host", request.url.netloc)
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
        f"connect-src 'self' ws://{host} wss://{host}; frame-ancestors 'none'; form-action 'self'; "
        "base-uri 'none'; object-src 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    return security_headers(response, request)


def page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    name: str,
    nav: str,
    title: str,
    **extra: Any,
) -> Response:
    """Render a signed-in page, or send the caller to the sign-in page."""
    principal = auth.page_principal(request, session)
    if isinstance(principal, Response):
        return principal
    config = page_config(session, settings, principal, nav, **extra)
    return render(
        request,
        name,
        {
            "title": title,
            "nav": nav,
            "config": config,
            "org_name": config["orgName"],
            "csrf": request.cookies.get(auth.CSRF_COOKIE, ""),
            **extra,
        },
    )


def page_config(
    session: SessionDep, settings: SettingsDep, principal: Principal, nav: str, **extra: Any
) -> dict[str, Any]:
    """What every page's JavaScript needs: the organization, limits, projects and templates."""
    org_name = account.organization_name(session, principal)
    projects, usable_templates = account.usable(session, principal)
    return {
        "page": nav,
        "orgId": principal.org_id,
        "orgName": org_name,
        "permissions": sorted(principal.permissions),
        "tokenId": principal.token_id,
        "tokenProjectId": principal.project_id,
        "maxFiles": settings.max_files_per_batch,
        "maxFileMb": settings.max_file_size_mb,
        "maxFileBytes": settings.max_file_bytes,
        "extensions": list(EXTENSIONS),
        "projects": [{"id": p.id, "name": p.name} for p in projects],
        "templates": [
            {"id": t.id, "name": t.name, "projectId": t.project_id, "builtin": t.builtin}
            for t in usable_templates
        ],
        **{k: v for k, v in extra.items() if isinstance(v, (str, int, float, bool)) or v is None},
    }


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse(auth.HOME, status_code=303)


@router.get("/ui")
@router.get("/ui/")
def ui_root() -> RedirectResponse:
    return RedirectResponse(auth.HOME, status_code=303)


def login_page(
    request: Request,
    *,
    message: str = "",
    error: str = "",
    next_url: str = auth.HOME,
    status_code: int = 200,
) -> Response:
    csrf = request.cookies.get(auth.CSRF_COOKIE) or auth.new_csrf()
    response = render(
        request,
        "login.html",
        {
            "title": "Sign in",
            "nav": "login",
            "csrf": csrf,
            "message": message,
            "error": error,
            "next_url": next_url,
        },
        status_code,
    )
    if request.cookies.get(auth.CSRF_COOKIE) != csrf:
        auth.set_csrf_cookie(response, request, csrf)
    if error and status_code == 401:
        response.delete_cookie(auth.TOKEN_COOKIE, path="/")
    return response


@router.get("/ui/login")
def login_form(
    request: Request, session: SessionDep, next: str = "", expired: str = "", signed_out: str = ""
) -> Response:
    """The sign-in page; a still-valid cookie goes straight on."""
    value = request.cookies.get(auth.TOKEN_COOKIE)
    if value and not expired:
        try:
            access.identify(session, value)
            return RedirectResponse(auth.safe_next(next), status_code=303)
        except access.AccessDenied:
            expired = "1"
    message = "You have signed out." if signed_out else ""
    error = (
        "Your session has ended: the token is expired or was revoked. Sign in with a valid token."
        if expired
        else ""
    )
    response = login_page(
        request, message=message, error=error, next_url=auth.safe_next(next), status_code=200
    )
    if expired:
        response.delete_cookie(auth.TOKEN_COOKIE, path="/")
    return response


@router.post("/ui/login")
def login(
    request: Request,
    session: SessionDep,
    token: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Check the token and keep it in the HttpOnly cookie."""
    next_url = auth.safe_next(next)
    if not auth.form_csrf_ok(request, csrf):
        return login_page(
            request,
            error="The sign-in form had expired or came from another site. Enter your token again.",
            next_url=next_url,
            status_code=403,
        )
    token = token.strip()
    if not token:
        return login_page(
            request,
            error="Enter an API token (it starts with dbt_).",
            next_url=next_url,
            status_code=400,
        )
    try:
        access.identify(session, token)
    except access.AccessDenied:
        return login_page(
            request,
            error="That token is unknown, revoked or expired. Check it, or create a "
            "new one with the docbatch CLI or another signed-in session.",
            next_url=next_url,
            status_code=401,
        )
    response = RedirectResponse(next_url, status_code=303)
    auth.set_token_cookie(response, request, token)
    auth.set_csrf_cookie(
        response, request, auth.new_csrf()
    )  # a fresh value for the signed-in session
    return response


@router.post("/ui/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    """Forget the token: both cookies are cleared."""
    if not auth.form_csrf_ok(request, csrf):
        return login_page(
            request,
            error="Sign-out was refused: the form came from another site or had "
            "expired. Use the Sign out button again.",
            status_code=403,
        )
    response = RedirectResponse("/ui/login?signed_out=1", status_code=303)
    auth.clear_cookies(response, request)
    return response


@router.get("/ui/upload")
def upload_page(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    return page(request, session, settings, "upload.html", "upload", "Upload")


@router.get("/ui/history")
def history_page(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    return page(request, session, settings, "history.html", "history", "Processing History")


@router.get("/ui/batches/{batch_id}")
def batch_page(
    batch_id: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    return page(request, session, settings, "batch.html", "history", "Batch", batchId=batch_id)


@router.get("/ui/files/{file_id}")
def file_page(
    file_id: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    return page(
        request, session, settings, "file.html", "history", "Extracted fields", fileId=file_id
    )


@router.get("/ui/templates")
def templates_page(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    return page(request, session, settings, "templates.html", "templates", "Templates")


@router.get("/ui/settings")
def settings_page(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    return page(request, session, settings, "settings.html", "settings", "Settings")


_STATIC_NAME = re.compile(r"^[a-z0-9-]+\.(css|js|svg)$")


@router.get("/ui/static/{name}")
def static_file(name: str) -> Response:
    """The UI's own CSS and JavaScript (no CDN: the service works offline)."""
    path = STATIC / name
    if not _STATIC_NAME.match(name) or not path.is_file():
        raise ApiError(404, f"No static file {name!r}.")
    return FileResponse(
        path, headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"}
    )
