"""First start: one organization, a default project, built-in templates, credits, an owner token."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from core.credits import apply_change
from core.ids import new_id
from core.models import Organization, Project, Template
from core.settings import Settings
from core.tokens import create_token
from extraction import BUILTIN_TEMPLATES

log = logging.getLogger("docbatch.bootstrap")


def add_builtin_templates(session: Session, org_id: str) -> None:
    for spec in BUILTIN_TEMPLATES.values():
        session.add(
            Template(
                id=new_id("tpl"),
                org_id=org_id,
                name=spec["name"],
                description=spec["description"],
                template_schema=spec["templateSchema"],
                instructions=spec["instructions"],
                engine=spec["engine"],
                builtin=True,
            )
        )


def bootstrap(session: Session, settings: Settings) -> dict[str, Any] | None:
    """Create the first organization when the database is empty; returns what was made, or None."""
    if session.exec(select(Organization.id)).first():
        return None
    org = Organization(id=new_id("org"), name="My organization")
    session.add(org)
    project = Project(id=new_id("prj"), org_id=org.id, name="Default project")
    session.add(project)
    add_builtin_templates(session, org.id)
    session.flush()
    apply_change(
        session, org.id, settings.bootstrap_credits, reason="grant", key=f"bootstrap:{org.id}"
    )
    _, value = create_token(
        session, org.id, name="owner", permissions=["admin"], value=settings.bootstrap_token or None
    )
    info = {
        "organizationId": org.id,
        "projectId": project.id,
        "token": value,
        "apiUrl": f"http://{settings.api_host}:{settings.api_port}",
    }
    if not settings.bootstrap_token:
        path = Path(settings.data_dir) / "bootstrap.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(info, fh, indent=2)
        os.chmod(path, 0o600)
        print(
            f"\n  docbatch: created organization {org.id} with an owner token (shown once):\n"
            f"    {value}\n  also saved to {path} (mode 0600)\n",
            flush=True,
        )
    return info
