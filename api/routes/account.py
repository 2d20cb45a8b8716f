"""Who am I, projects, API tokens and credits: what a script needs before its first upload."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlmodel import select

from api.deps import Admin, CurrentPrincipal, OrgAdmin, Principal, Reader, SessionDep
from api.errors import ApiError
from core import access
from api.schemas import page_of, project_public, token_public
from core.credits import apply_change, balance
from core.ids import iso, new_id, utcnow
from core.models import ApiToken, Batch, CreditEntry, Organization, Project, Template
from core.tokens import PERMISSIONS, create_token

router = APIRouter(tags=["account"])


def visible_projects(session: SessionDep, principal: Principal) -> list[Project]:
    return access.visible_projects(session, principal)


def visible_templates(session: SessionDep, principal: Principal) -> list[Template]:
    return access.visible_templates(session, principal)


@router.get("/me")
def me(principal: CurrentPrincipal, session: SessionDep) -> dict:
    """The caller's organization, token scope, and the projects and templates it can use."""
    org = session.get(Organization, principal.org_id)
    assert org is not None
    return {
        "organizationId": org.id,
        "organizationName": org.name,
        "token": {"id": principal.token_id, "projectId": principal.project_id,
                  "permissions": sorted(principal.permissions)},
        "credits": org.credit_balance,
        "projects": [project_public(p) for p in visible_projects(session, principal)],
        "templates": [{"id": t.id, "name": t.name, "projectId": t.project_id, "builtin": t.builtin}
                      for t in visible_templates(session, principal)],
    }


class ProjectCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)


@router.get("/projects/{org_id}")
def list_projects(org_id: str, principal: Reader, session: SessionDep) -> list[dict]:
    """Projects this token can use."""
    return [project_public(p) for p in visible_projects(session, principal)]


@router.post("/projects/{org_id}", status_code=201)
def create_project(org_id: str, body: ProjectCreate, principal: OrgAdmin, session: SessionDep) -> dict:
    """Create a project (an organization-level admin only)."""
    project = Project(id=new_id("prj"), org_id=org_id, name=body.name.strip())
    session.add(project)
    session.commit()
    return project_public(project)


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    permissions: list[str] = Field(default_factory=lambda: ["read", "write"])
    projectId: str | None = None
    expiresAt: datetime | None = None


@router.get("/tokens/{org_id}")
def list_tokens(org_id: str, principal: OrgAdmin, session: SessionDep) -> list[dict]:
    """API tokens of the organization (values are never shown again)."""
    rows = session.exec(select(ApiToken).where(ApiToken.org_id == org_id).order_by(ApiToken.created_at)).all()
    return [token_public(t) for t in rows]


@router.post("/tokens/{org_id}", status_code=201)
def create_api_token(org_id: str, body: TokenCreate, principal: Admin, session: SessionDep) -> dict:
    """Create a token; its value is in this answer only."""
    bad = [p for p in body.permissions if p not in PERMISSIONS]
    if bad or not body.permissions:
        raise ApiError(400, f"permissions must be some of {', '.join(PERMISSIONS)}; got {body.permissions}.")
    if principal.project_id and body.projectId != principal.project_id:
        raise ApiError(403, "A project-scoped token can only create tokens for its own project.")
    if body.projectId:
        access.project(session, principal, body.projectId)
    expires = body.expiresAt.astimezone(timezone.utc) if body.expiresAt else None
    token, value = create_token(session, org_id, name=body.name, permissions=body.permissions,
                                project_id=body.projectId, expires_at=expires)
    session.commit()
    return {**token_public(token), "token": value}


@router.delete("/tokens/{org_id}/{token_id}")
def revoke_token(org_id: str, token_id: str, principal: OrgAdmin, session: SessionDep) -> dict:
    """Revoke a token at once (an organization-level admin only)."""
    token = access.api_token(session, principal, token_id)
    token.revoked_at = token.revoked_at or utcnow()
    session.add(token)
    session.commit()
    return token_public(token)


class CreditGrant(BaseModel):
    amount: int = Field(gt=0, le=1_000_000)
    note: str = "manual grant"


@router.get("/credits/{org_id}")
def credits(org_id: str, principal: Reader, session: SessionDep,
            page: Annotated[int, Query(ge=1)] = 1, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> dict:
    """Credit balance and the ledger, newest first. A project-scoped token sees the entries of its
    own project's batches only."""
    query = select(CreditEntry).where(CreditEntry.org_id == org_id)
    if principal.project_id:
        query = query.join(Batch, Batch.id == CreditEntry.batch_id).where(  # type: ignore[arg-type]
            Batch.project_id == principal.project_id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(CreditEntry.id.desc())  # type: ignore[union-attr]
                        .offset((page - 1) * limit).limit(limit)).all()
    entries = [{"id": e.id, "delta": e.delta, "balanceAfter": e.balance_after, "reason": e.reason,
                "batchId": e.batch_id, "fileId": e.file_id, "createdAt": iso(e.created_at)} for e in rows]
    return {"balance": balance(session, org_id), **page_of(entries, page=page, limit=limit, total=total)}


@router.post("/credits/{org_id}", status_code=201)
def grant_credits(org_id: str, body: CreditGrant, principal: OrgAdmin, session: SessionDep) -> dict:
    """Add credits (self-hosted: an organization-level admin tops up the balance)."""
    apply_change(session, org_id, body.amount, reason="grant", key=f"grant:{new_id('g')}")
    session.commit()
    return {"balance": balance(session, org_id)}
