"""Templates: the built-ins plus the organization's own, validated when saved."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

import extraction
from api.deps import Admin, Principal, Reader, SessionDep, SettingsDep, Writer
from api.errors import ApiError
from api.schemas import template_public
from core import access
from core.ids import new_id, utcnow
from core.llm_endpoints import check_template_engine
from core.models import Template
from core.review import threshold_problems
from core.secret_box import seal_engine

router = APIRouter(prefix="/templates", tags=["templates"])


class TemplateIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    projectId: str | None = None
    templateSchema: dict[str, Any]
    instructions: str = ""
    engine: dict[str, Any] = Field(default_factory=lambda: {"mode": "local"})


def _validate(session: SessionDep, settings: SettingsDep, principal: Principal, body: TemplateIn,
              project_id: str | None) -> None:
    errors = extraction.validate_template(body.templateSchema, body.engine)
    errors += check_template_engine(settings, body.engine)
    errors += threshold_problems(body.templateSchema)
    if errors:
        raise ApiError(400, errors)
    if project_id:
        access.project(session, principal, project_id)
    access.check_template_write(principal, project_id)


def load_template(session: SessionDep, principal: Principal, template_id: str) -> Template:
    return access.template(session, principal, template_id)


@router.get("/{org_id}")
def list_templates(org_id: str, principal: Reader, session: SessionDep) -> list[dict]:
    """Templates this token can use."""
    return [template_public(t) for t in access.visible_templates(session, principal)]


@router.get("/{org_id}/{template_id}")
def get_template(org_id: str, template_id: str, principal: Reader, session: SessionDep) -> dict:
    """One template with its schema."""
    return template_public(load_template(session, principal, template_id))


@router.post("/{org_id}", status_code=201)
def create_template(org_id: str, body: TemplateIn, principal: Writer, session: SessionDep,
                    settings: SettingsDep) -> dict:
    """Create a template; the schema is checked and errors name the wrong field. Without a
    ``projectId`` it is organization-wide, which needs an organization-level admin token."""
    project_id = body.projectId or principal.project_id
    _validate(session, settings, principal, body, project_id)
    t = Template(id=new_id("tpl"), org_id=org_id, project_id=project_id,
                 name=body.name.strip(), description=body.description, template_schema=body.templateSchema,
                 instructions=body.instructions, engine=seal_engine(settings, access.keep_engine_secret(body.engine, None)))
    session.add(t)
    session.commit()
    return template_public(t)


@router.put("/{org_id}/{template_id}")
def update_template(org_id: str, template_id: str, body: TemplateIn, principal: Writer,
                    session: SessionDep, settings: SettingsDep) -> dict:
    """Replace a template's name, schema, instructions and engine settings. An ``api_key`` sent
    back as the mask (``********``) keeps the stored key."""
    t = load_template(session, principal, template_id)
    if t.builtin:
        raise ApiError(409, "Built-in templates cannot be changed; create a copy and edit that.")
    access.check_template_write(principal, t.project_id)
    project_id = body.projectId or principal.project_id
    _validate(session, settings, principal, body, project_id)
    engine = seal_engine(settings, access.keep_engine_secret(body.engine, t.engine))
    t.name, t.description, t.project_id = body.name.strip(), body.description, project_id
    t.template_schema, t.instructions, t.engine = body.templateSchema, body.instructions, engine
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
    access.check_template_write(principal, t.project_id)
    t.deleted_at = utcnow()
    session.add(t)
    session.commit()
    return {"id": t.id, "deleted": True}
