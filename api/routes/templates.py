"""Templates: the built-ins plus the organization's own, validated when saved."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import Admin, Reader, SessionDep, SettingsDep, Writer
from api.schemas import Deleted, TemplatePublic
from services import templates
from services.templates import TemplateDraft

router = APIRouter(prefix="/templates", tags=["templates"])


class TemplateIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    projectId: str | None = None
    templateSchema: dict[str, Any]
    instructions: str = ""
    engine: dict[str, Any] = Field(default_factory=lambda: {"mode": "local"})

    def draft(self) -> TemplateDraft:
        return TemplateDraft(
            name=self.name,
            description=self.description,
            project_id=self.projectId,
            template_schema=self.templateSchema,
            instructions=self.instructions,
            engine=self.engine,
        )


@router.get("/{org_id}", response_model=list[TemplatePublic])
def list_templates(org_id: str, principal: Reader, session: SessionDep) -> list[TemplatePublic]:
    """Templates this token can use."""
    return [TemplatePublic.from_row(t) for t in templates.usable(session, principal)]


@router.get("/{org_id}/{template_id}", response_model=TemplatePublic)
def get_template(
    org_id: str, template_id: str, principal: Reader, session: SessionDep
) -> TemplatePublic:
    """One template with its schema."""
    return TemplatePublic.from_row(templates.get(session, principal, template_id))


@router.post("/{org_id}", status_code=201, response_model=TemplatePublic)
def create_template(
    org_id: str, body: TemplateIn, principal: Writer, session: SessionDep, settings: SettingsDep
) -> TemplatePublic:
    """Create a template; the schema is checked and errors name the wrong field. Without a
    ``projectId`` it is organization-wide, which needs an organization-level admin token."""
    return TemplatePublic.from_row(templates.create(session, settings, principal, body.draft()))


@router.put("/{org_id}/{template_id}", response_model=TemplatePublic)
def update_template(
    org_id: str,
    template_id: str,
    body: TemplateIn,
    principal: Writer,
    session: SessionDep,
    settings: SettingsDep,
) -> TemplatePublic:
    """Replace a template's name, schema, instructions and engine settings. An ``api_key`` sent
    back as the mask (``********``) keeps the stored key."""
    t = templates.replace(session, settings, principal, template_id, body.draft())
    return TemplatePublic.from_row(t)


@router.delete("/{org_id}/{template_id}", response_model=Deleted)
def delete_template(
    org_id: str, template_id: str, principal: Admin, session: SessionDep
) -> Deleted:
    """Soft-delete a template (batches made with it keep their results)."""
    return Deleted(id=templates.delete(session, principal, template_id).id)
