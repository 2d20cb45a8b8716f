"""Who am I, projects, API tokens and credits: what a script needs before its first upload."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, col

from core import access
from core.access import Principal
from core.credits import apply_change, balance
from core.errors import ServiceError
from core.ids import new_id, utcnow
from core.models import ApiToken, CreditEntry, Organization, Project, Template
from core.tokens import PERMISSIONS, create_token
from services.paging import Page, paged


def organization(session: Session, principal: Principal) -> Organization:
    org = session.get(Organization, principal.org_id)
    if org is None:  # the token outlived its organization: nothing to show
        raise ServiceError(404, f"Organization {principal.org_id} not found.")
    return org


def organization_name(session: Session, principal: Principal) -> str:
    """The organization's name for a page header (its id if the row is gone)."""
    org = session.get(Organization, principal.org_id)
    return org.name if org else principal.org_id


def usable(session: Session, principal: Principal) -> tuple[list[Project], list[Template]]:
    """The projects and templates this token can use."""
    return access.visible_projects(session, principal), access.visible_templates(session, principal)


def create_project(session: Session, principal: Principal, name: str) -> Project:
    access.require_org_admin(principal, "Creating a project")
    project = Project(id=new_id("prj"), org_id=principal.org_id, name=name.strip())
    session.add(project)
    session.commit()
    return project


def list_tokens(session: Session, principal: Principal) -> list[ApiToken]:
    return access.api_tokens(session, principal)


def issue_token(
    session: Session,
    principal: Principal,
    *,
    name: str,
    permissions: list[str],
    project_id: str | None,
    expires_at: datetime | None,
) -> tuple[ApiToken, str]:
    """A new token and its value (shown once); a project-scoped admin issues for its project."""
    bad = [p for p in permissions if p not in PERMISSIONS]
    if bad or not permissions:
        raise ServiceError(
            400, f"permissions must be some of {', '.join(PERMISSIONS)}; got {permissions}."
        )
    access.check_token_project(principal, project_id)
    if project_id:
        access.project(session, principal, project_id)
    expires = expires_at.astimezone(UTC) if expires_at else None
    token, value = create_token(
        session,
        principal.org_id,
        name=name,
        permissions=permissions,
        project_id=project_id,
        expires_at=expires,
    )
    session.commit()
    return token, value


def revoke_token(session: Session, principal: Principal, token_id: str) -> ApiToken:
    token = access.api_token(session, principal, token_id)
    token.revoked_at = token.revoked_at or utcnow()
    session.add(token)
    session.commit()
    return token


def ledger(
    session: Session, principal: Principal, *, page: int, limit: int
) -> tuple[int, Page[CreditEntry]]:
    """The balance and the ledger entries the caller may see, newest first."""
    found = paged(
        session,
        access.credit_entries(principal),
        (col(CreditEntry.id).desc(),),
        page=page,
        limit=limit,
    )
    return balance(session, principal.org_id), found


def grant(session: Session, principal: Principal, amount: int) -> int:
    """Add credits (self-hosted: an organization-level admin tops up the balance)."""
    access.require_org_admin(principal, "Adding credits")
    apply_change(session, principal.org_id, amount, reason="grant", key=f"grant:{new_id('g')}")
    session.commit()
    return balance(session, principal.org_id)
