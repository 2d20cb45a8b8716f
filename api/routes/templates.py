"""Templates: the built-ins plus the organization's own, validated when saved."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

import extraction
from api.deps import Admin, Principal, Reader, SessionDep, Writer
from api.errors import ApiError
from api.routes.account import visible_templates
from api.schemas import template_public
from core.ids import new_id, utcnow
from core.models import Project, Template

router = APIRouter(prefix="/templates", tags=["templates"])


class TemplateIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    projectId: str | None = None
    templateSchema: dict[str, Any]
    instructions: str = ""
    engine: dict[str, Any] = Field(default_factory=lambda: {"mode": "local"})


def _validate(session: SessionDep, principal: Principal, body: TemplateIn) -> None:
    errors = extraction.validate_template(body.templateSchema, body.engine)
    if errors:
        raise ApiError(400, errors)
    if body.projectId:
        project = session.get(Project, body.projectId)
        if project is None or project.org_id != principal.org_id or not principal.can_see_project(project.id):
            raise ApiError(404, f"Project {body.projectId} not found.")


def load_template(session: SessionDep, principal: Principal, template_id: str) -> Template:
    t = session.get(Template, template_id)
    if (t is None or t.org_id != principal.org_id or t.deleted_at is not None
            or (t.project_id and not principal.can_see_project(t.project_id))):
        raise ApiError(404, f"Template {template_id} not found.")
    return t


@router.get("/{org_id}")
def list_templates(org_id: str, principal: Reader, session: SessionDep) -> list[dict]:
    """Templates this token can use."""
    return [template_public(t) for t in visible_templates(session, principal)]


@router.get("/{org_id}/{template_id}")
def get_template(org_id: str, template_id: str, principal: Reader, session: SessionDep) -> dict:
    """One template with its schema."""
    return template_public(load_template(session, principal, template_id))


@router.post("/{org_id}", status_code=201)
def create_template(org_id: str, body: TemplateIn, principal: Writer, session: SessionDep) -> dict:
    """Create a template; the schema is checked and errors name the wrong field."""
    _validate(session, principal, body)
    t = Template(id=new_id("tpl"), org_id=org_id, project_id=body.projectId or principal.project_id,
                 name=body.name.strip(), description=body.description, template_schema=body.templateSchema,
                 instructions=body.instructions, engine=body.engine)
    session.add(t)
    session.commit()
    return template_public(t)


@router.put("/{org_id}/{template_id}")
def update_template(org_id: str, template_id: str, body: TemplateIn, principal: Writer,
                    session: SessionDep) -> dict:
    """Replace a template's name, schema, instructions and engine settings."""
    t = load_template(session, principal, template_id)
    if t.builtin:
        raise ApiError(409, "Built-in templates cannot be changed; create a copy and edit that.")
    _validate(session, principal, body)
    t.name, t.description, t.project_id = body.name.strip(), body.description, body.projectId
    t.template_schema, t.instructions, t.engine = body.templateSchema, body.instructions, body.engine
    t.updated_at = utcnow()
    session.add(t)
    session.commit()
    return template_public(t)


@router.delete("/{org_id}/{template_id}")
def delete_template(org_id: str, template_id: str, principal: Admin, session: SessionDep) -> dict:
    """Soft-delete a template (batches made with it keep their results)."""
    t = load_template(session, principal, template_id)
    if t.builtin:
        raise ApiError(409, "Built-in templates cannot be deleted.")
    t.deleted_at = utcnow()
    session.add(t)
    session.commit()
    return {"id": t.id, "deleted": True}
