"""Templates: the built-ins plus the organization's own, validated when saved."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

import extraction
from core import access
from core.access import Principal
from core.errors import ServiceError
from core.ids import new_id, utcnow
from core.llm_endpoints import check_template_engine
from core.models import Template
from core.review import threshold_problems
from core.secret_box import seal_engine
from core.settings import Settings


@dataclass(frozen=True)
class TemplateDraft:
    """A template as a person sends it (create and replace)."""

    name: str
    template_schema: dict[str, Any]
    description: str = ""
    project_id: str | None = None
    instructions: str = ""
    engine: dict[str, Any] = field(default_factory=lambda: {"mode": "local"})


def _check(
    session: Session,
    settings: Settings,
    principal: Principal,
    draft: TemplateDraft,
    project_id: str | None,
) -> None:
    errors = extraction.validate_template(draft.template_schema, draft.engine)
    errors += check_template_engine(settings, draft.engine)
    errors += threshold_problems(draft.template_schema)
    if errors:
        raise ServiceError(400, errors)
    if project_id:
        access.project(session, principal, project_id)
    access.check_template_write(principal, project_id)


def usable(session: Session, principal: Principal) -> list[Template]:
    return access.visible_templates(session, principal)


def get(session: Session, principal: Principal, template_id: str) -> Template:
    return access.template(session, principal, template_id)


def create(
    session: Session, settings: Settings, principal: Principal, draft: TemplateDraft
) -> Template:
    """Without a project it is organization-wide, which needs an organization-level admin."""
    project_id = draft.project_id or principal.project_id
    _check(session, settings, principal, draft, project_id)
    t = Template(
        id=new_id("tpl"),
        org_id=principal.org_id,
        project_id=project_id,
        name=draft.name.strip(),
        description=draft.description,
        template_schema=draft.template_schema,
        instructions=draft.instructions,
        engine=seal_engine(settings, access.keep_engine_secret(draft.engine, None)),
    )
    session.add(t)
    session.commit()
    return t


def replace(
    session: Session,
    settings: Settings,
    principal: Principal,
    template_id: str,
    draft: TemplateDraft,
) -> Template:
    """An ``api_key`` sent back as the mask keeps the stored key."""
    t = access.template(session, principal, template_id)
    if t.builtin:
        raise ServiceError(
            409, "Built-in templates cannot be changed; create a copy and edit that."
        )
    access.check_template_write(principal, t.project_id)
    project_id = draft.project_id or principal.project_id
    _check(session, settings, principal, draft, project_id)
    engine = seal_engine(settings, access.keep_engine_secret(draft.engine, t.engine))
    t.name, t.description, t.project_id = draft.name.strip(), draft.description, project_id
    t.template_schema, t.instructions, t.engine = draft.template_schema, draft.instructions, engine
    t.updated_at = utcnow()
    session.add(t)
    session.commit()
    return t


def delete(session: Session, principal: Principal, template_id: str) -> Template:
    """Soft-delete (batches made with it keep their results)."""
    t = access.template(session, principal, template_id)
    if t.builtin:
        raise ServiceError(409, "Built-in templates cannot be deleted.")
    access.check_template_write(principal, t.project_id)
    t.deleted_at = utcnow()
    session.add(t)
    session.commit()
    return t
