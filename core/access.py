"""The one access rule: who may see or change what.

Every entry point (REST routes, web pages, the body guard, the WebSocket, the CLI) asks this
module; lists use the same rule as a query filter (``scoped``).
A resource is visible to a token when it belongs to the token's organization, is not deleted,
and lies inside the token's project (a token without a project sees every project).
Organization-level resources (tokens, credits, organization-wide templates, projects) need an
*organization-level* admin: an admin token limited to one project cannot touch them.

Refusals are ``AccessDenied`` with the HTTP status the API answers: 401 (who are you?),
403 (you may not do that), 404 (no such thing *for you*: another organization's, another
project's and a deleted resource look exactly like a missing one).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from core.errors import ServiceError
from core.ids import utcnow
from core.models import ApiToken, Batch, BatchFile, CreditEntry, Project, Template
from core.tokens import expand_permissions, find_token
from core.webhook_models import WebhookEndpoint

#: The levels a route can declare (``api.deps.require``); ``org-admin`` is admin without a project.
LEVELS = ("session", "read", "write", "admin", "org-admin")

#: What a secret looks like in an answer: write-only values are never sent back.
MASK = "********"


class AccessDenied(ServiceError):
    """A refusal with the status to answer and a message a person can act on."""

    message: str

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(status_code, message)


@dataclass(frozen=True)
class Principal:
    """Who is calling: a token of one organization, maybe limited to one project."""

    token_id: str
    org_id: str
    project_id: str | None
    permissions: frozenset[str]

    @property
    def org_level(self) -> bool:
        return self.project_id is None

    def can_see_project(self, project_id: str | None) -> bool:
        return self.project_id is None or project_id == self.project_id


# --- who -----------------------------------------------------------------------------------


def principal_of(token: ApiToken) -> Principal:
    return Principal(
        token.id, token.org_id, token.project_id, frozenset(expand_permissions(token.permissions))
    )


def identify(session: Session, value: str | None, *, touch: bool = True) -> Principal:
    """The live token behind ``value`` (401 when missing, unknown, revoked or expired)."""
    if not value:
        raise AccessDenied(401, "Missing bearer token: send 'Authorization: Bearer <token>'.")
    token = find_token(session, value)
    if token is None:
        raise AccessDenied(
            401, "The token is unknown, revoked or expired. Create a new one under Settings."
        )
    if touch:
        token.last_used_at = utcnow()
        session.add(token)
        session.commit()
    return principal_of(token)


# --- what it may do -------------------------------------------------------------------------


def check_level(principal: Principal, org_id: str | None, level: str) -> None:
    """The path's organization (404 when another), then the level the route declared (403)."""
    if org_id is not None and org_id != principal.org_id:
        raise AccessDenied(404, f"Organization {org_id} not found.")
    if level == "session":
        return
    permission = "admin" if level == "org-admin" else level
    if permission not in principal.permissions:
        raise AccessDenied(403, f"This token lacks the '{permission}' permission needed here.")
    if level == "org-admin" and not principal.org_level:
        raise AccessDenied(
            403,
            "Only an organization-level admin token (one without a project) may do this; "
            "this token is limited to one project.",
        )


def require_org_admin(principal: Principal, what: str) -> None:
    if "admin" not in principal.permissions or not principal.org_level:
        raise AccessDenied(
            403, f"{what} needs an organization-level admin token (one without a project)."
        )


# --- which resources ------------------------------------------------------------------------

T = TypeVar("T")


def _live(row: Any, principal: Principal, project_id: str | None) -> bool:
    return (
        row is not None
        and row.org_id == principal.org_id
        and getattr(row, "deleted_at", None) is None
        and principal.can_see_project(project_id)
    )


def project(session: Session, principal: Principal, project_id: str) -> Project:
    row = session.get(Project, project_id)
    if row is None or not _live(row, principal, row.id):
        raise AccessDenied(404, f"Project {project_id} not found in this organization.")
    return row


def batch(session: Session, principal: Principal, batch_id: str) -> Batch:
    row = session.get(Batch, batch_id)
    if row is None or not _live(row, principal, row.project_id):
        raise AccessDenied(404, f"Batch {batch_id} not found.")
    return row


def batch_file(session: Session, principal: Principal, file_id: str) -> BatchFile:
    row = session.get(BatchFile, file_id)
    parent = session.get(Batch, row.batch_id) if row else None
    if (
        row is None
        or parent is None
        or not _live(parent, principal, row.project_id)
        or row.org_id != principal.org_id
    ):
        raise AccessDenied(404, f"File {file_id} not found.")
    return row


def template(session: Session, principal: Principal, template_id: str) -> Template:
    """A template the token may use: the organization's, or its own project's."""
    row = session.get(Template, template_id)
    if row is None or not _live(row, principal, row.project_id or principal.project_id):
        raise AccessDenied(404, f"Template {template_id} not found in this organization.")
    return row


def check_template_write(principal: Principal, project_id: str | None) -> None:
    """Organization-wide templates are organization-level resources."""
    if project_id is None:
        require_org_admin(principal, "Creating, changing or deleting an organization-wide template")


def check_token_project(principal: Principal, project_id: str | None) -> None:
    """A project-scoped token can only issue tokens for its own project."""
    if principal.project_id and project_id != principal.project_id:
        raise AccessDenied(
            403, "A project-scoped token can only create tokens for its own project."
        )


def endpoint_projects(principal: Principal, project_ids: list[str]) -> list[str]:
    """The projects a token may limit an endpoint to: a project-scoped token its own only (an
    empty list then means its project); an organization-level token any (empty: all)."""
    if not principal.project_id:
        return project_ids
    if not project_ids:
        return [principal.project_id]
    if project_ids != [principal.project_id]:
        raise AccessDenied(
            403, "A project-scoped token can only manage endpoints of its own project."
        )
    return project_ids


def endpoint_visible(principal: Principal, endpoint: WebhookEndpoint) -> bool:
    """Project-scoped tokens see only endpoints limited to their own project."""
    if principal.project_id is None:
        return True
    return bool(endpoint.project_ids) and set(endpoint.project_ids) == {principal.project_id}


def webhook_endpoint(session: Session, principal: Principal, endpoint_id: str) -> WebhookEndpoint:
    row = session.get(WebhookEndpoint, endpoint_id)
    if row is None or not _live(row, principal, None) or not endpoint_visible(principal, row):
        raise AccessDenied(404, f"Webhook endpoint {endpoint_id} not found.")
    return row


def api_token(session: Session, principal: Principal, token_id: str) -> ApiToken:
    require_org_admin(principal, "Managing API tokens")
    row = session.get(ApiToken, token_id)
    if row is None or row.org_id != principal.org_id:
        raise AccessDenied(404, f"Token {token_id} not found.")
    return row


def scoped(
    query: SelectOfScalar[T], model: Any, principal: Principal, *, parent: Any = None
) -> SelectOfScalar[T]:
    """The same rule as a query filter, for lists: the principal's organization, not deleted
    (``model``'s own flag, and ``parent``'s when the rows belong to a joined parent), inside
    the token's project when the rows have one."""
    query = query.where(model.org_id == principal.org_id)
    for table in (model, parent):
        if table is not None and hasattr(table, "deleted_at"):
            query = query.where(table.deleted_at.is_(None))
    if principal.project_id and hasattr(model, "project_id"):
        query = query.where(model.project_id == principal.project_id)
    return query


def credit_entries(principal: Principal) -> SelectOfScalar[CreditEntry]:
    """Ledger rows the principal may see: a project-scoped token sees its project's batches only."""
    query = select(CreditEntry).where(CreditEntry.org_id == principal.org_id)
    if principal.project_id:
        query = query.join(Batch, col(Batch.id) == col(CreditEntry.batch_id)).where(
            Batch.project_id == principal.project_id
        )
    return query


def webhook_endpoints(session: Session, principal: Principal) -> list[WebhookEndpoint]:
    query = scoped(select(WebhookEndpoint), WebhookEndpoint, principal)
    rows = session.exec(query.order_by(col(WebhookEndpoint.created_at))).all()
    return [e for e in rows if endpoint_visible(principal, e)]


def api_tokens(session: Session, principal: Principal) -> list[ApiToken]:
    require_org_admin(principal, "Managing API tokens")
    query = select(ApiToken).where(ApiToken.org_id == principal.org_id)
    return list(session.exec(query.order_by(col(ApiToken.created_at))).all())


def operator_template(session: Session, template_id: str) -> Template | None:
    """A live template for the local operator (``docbatch extract`` reads the database directly
    and has no token): only the not-deleted half of the rule applies."""
    row = session.get(Template, template_id)
    return row if row is not None and row.deleted_at is None else None


def visible_projects(session: Session, principal: Principal) -> list[Project]:
    query = scoped(select(Project), Project, principal)
    if principal.project_id:
        query = query.where(Project.id == principal.project_id)
    return list(session.exec(query.order_by(col(Project.created_at))).all())


def visible_templates(session: Session, principal: Principal) -> list[Template]:
    query = select(Template).where(
        Template.org_id == principal.org_id, col(Template.deleted_at).is_(None)
    )
    rows = session.exec(query.order_by(col(Template.created_at), col(Template.name))).all()
    return [t for t in rows if t.project_id is None or principal.can_see_project(t.project_id)]


def visible(principal: Principal, rows: Iterable[T], project_of: Any) -> list[T]:
    """Keep the rows inside the token's project (``project_of(row)`` names a row's project)."""
    return [r for r in rows if principal.can_see_project(project_of(r))]


# --- secrets are write-only -----------------------------------------------------------------


def mask(value: str | None) -> str | None:
    """What an answer shows for a secret: that it is set, never the value."""
    return MASK if value else value


def mask_engine(engine: dict[str, Any] | None) -> dict[str, Any]:
    out = dict(engine or {})
    if out.get("api_key"):
        out["api_key"] = MASK
    return out


def keep_engine_secret(new: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    """An update that sends the mask back (or nothing) keeps the stored key."""
    out = dict(new)
    if out.get("api_key") == MASK:
        if (old or {}).get("api_key") and (old or {}).get("base_url") == out.get("base_url"):
            out["api_key"] = (old or {})["api_key"]
        else:
            out.pop("api_key")
    return out


def mask_headers(headers: dict[str, Any] | None) -> dict[str, str]:
    return dict.fromkeys(headers or {}, MASK)


def keep_header_secrets(new: dict[str, str], old: dict[str, Any] | None) -> dict[str, str]:
    """Header values sent back as the mask keep their stored value."""
    old = old or {}
    return {
        k: (str(old[k]) if v == MASK and k in old else v)
        for k, v in new.items()
        if not (v == MASK and k not in old)
    }
