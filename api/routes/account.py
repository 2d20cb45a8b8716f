"""Who am I, projects, API tokens and credits: what a script needs before its first upload."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import Admin, CurrentPrincipal, OrgAdmin, Reader, SessionDep
from api.schemas import (
    Balance,
    CreditEntryPublic,
    Credits,
    Me,
    ProjectPublic,
    TemplateBrief,
    TokenCreated,
    TokenPublic,
    TokenScope,
    pagination,
)
from services import account

router = APIRouter(tags=["account"])


@router.get("/me", response_model=Me)
def me(principal: CurrentPrincipal, session: SessionDep) -> Me:
    """The caller's organization, token scope, and the projects and templates it can use."""
    org = account.organization(session, principal)
    projects, templates = account.usable(session, principal)
    return Me(
        organization_id=org.id,
        organization_name=org.name,
        token=TokenScope(
            id=principal.token_id,
            project_id=principal.project_id,
            permissions=sorted(principal.permissions),
        ),
        credits=org.credit_balance,
        projects=[ProjectPublic.from_row(p) for p in projects],
        templates=[TemplateBrief.from_row(t) for t in templates],
    )


class ProjectCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)


@router.get("/projects/{org_id}", response_model=list[ProjectPublic])
def list_projects(org_id: str, principal: Reader, session: SessionDep) -> list[ProjectPublic]:
    """Projects this token can use."""
    projects, _ = account.usable(session, principal)
    return [ProjectPublic.from_row(p) for p in projects]


@router.post("/projects/{org_id}", status_code=201, response_model=ProjectPublic)
def create_project(
    org_id: str, body: ProjectCreate, principal: OrgAdmin, session: SessionDep
) -> ProjectPublic:
    """Create a project (an organization-level admin only)."""
    return ProjectPublic.from_row(account.create_project(session, principal, body.name))


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    permissions: list[str] = Field(default_factory=lambda: ["read", "write"])
    projectId: str | None = None
    expiresAt: datetime | None = None


@router.get("/tokens/{org_id}", response_model=list[TokenPublic])
def list_tokens(org_id: str, principal: OrgAdmin, session: SessionDep) -> list[TokenPublic]:
    """API tokens of the organization (values are never shown again)."""
    return [TokenPublic.from_row(t) for t in account.list_tokens(session, principal)]


@router.post("/tokens/{org_id}", status_code=201, response_model=TokenCreated)
def create_api_token(
    org_id: str, body: TokenCreate, principal: Admin, session: SessionDep
) -> TokenCreated:
    """Create a token; its value is in this answer only."""
    token, value = account.issue_token(
        session,
        principal,
        name=body.name,
        permissions=body.permissions,
        project_id=body.projectId,
        expires_at=body.expiresAt,
    )
    return TokenCreated.created(token, value)


@router.delete("/tokens/{org_id}/{token_id}", response_model=TokenPublic)
def revoke_token(
    org_id: str, token_id: str, principal: OrgAdmin, session: SessionDep
) -> TokenPublic:
    """Revoke a token at once (an organization-level admin only)."""
    return TokenPublic.from_row(account.revoke_token(session, principal, token_id))


class CreditGrant(BaseModel):
    amount: int = Field(gt=0, le=1_000_000)
    note: str = "manual grant"


@router.get("/credits/{org_id}", response_model=Credits)
def credits(
    org_id: str,
    principal: Reader,
    session: SessionDep,
    page: Annotated[int, Query(ge=1)] = 1,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Credits:
    """Credit balance and the ledger, newest first. A project-scoped token sees the entries of its
    own project's batches only."""
    balance, found = account.ledger(session, principal, page=page, limit=limit)
    return Credits(
        balance=balance,
        data=[CreditEntryPublic.from_row(e) for e in found.rows],
        pagination=pagination(found.page, found.limit, found.total),
    )


@router.post("/credits/{org_id}", status_code=201, response_model=Balance)
def grant_credits(
    org_id: str, body: CreditGrant, principal: OrgAdmin, session: SessionDep
) -> Balance:
    """Add credits (self-hosted: an organization-level admin tops up the balance)."""
    return Balance(balance=account.grant(session, principal, body.amount))
