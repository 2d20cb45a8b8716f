"""Learning from corrections, the service side: which model an extraction uses, when to retrain,
and the history a template's page and API show (the engine side is ``extraction.learning``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from core.models import OrgModel
from core.settings import Settings

log = logging.getLogger("docbatch.learning")
START_TIMEOUT = 15.0  # seconds a correction waits for the retraining to start


def history(session: Session, org_id: str, template_id: str) -> list[OrgModel]:
    """Every retraining of the template, newest first."""
    return list(
        session.exec(
            select(OrgModel)
            .where(
                OrgModel.org_id == org_id,
                OrgModel.template_id == template_id,
            )
            .order_by(col(OrgModel.created_at).desc())
        )
    )


def latest(session: Session, org_id: str, template_id: str) -> OrgModel | None:
    return session.exec(
        select(OrgModel)
        .where(
            OrgModel.org_id == org_id,
            OrgModel.template_id == template_id,
        )
        .order_by(col(OrgModel.created_at).desc())
    ).first()


def active(session: Session, org_id: str, template_id: str) -> OrgModel | None:
    return session.exec(
        select(OrgModel)
        .where(
            OrgModel.org_id == org_id,
            OrgModel.template_id == template_id,
            OrgModel.status == "active",
        )
        .order_by(col(OrgModel.created_at).desc())
    ).first()


#: parsed payloads by (latest row, active row): a batch's files reuse them (rows never change)
_PAYLOADS: dict[tuple[str, str | None], dict[str, Any]] = {}


def learning_payload(session: Session, org_id: str, template_id: str) -> dict[str, Any] | None:
    """``EngineOptions.learning`` for an extraction: the active model and the latest memory."""
    mine = (OrgModel.org_id == org_id, OrgModel.template_id == template_id)
    newest = session.exec(
        select(OrgModel.id).where(*mine).order_by(col(OrgModel.created_at).desc())
    ).first()
    if newest is None:
        return None
    current = session.exec(
        select(OrgModel.id)
        .where(*mine, OrgModel.status == "active")
        .order_by(col(OrgModel.created_at).desc())
    ).first()
    key = (newest, current)
    if key not in _PAYLOADS:
        memory_row = session.get(OrgModel, newest)
        model_row = session.get(OrgModel, current) if current else None
        model = {"version": model_row.version, **(model_row.model or {})} if model_row else None
        if len(_PAYLOADS) > 64:
            _PAYLOADS.clear()
        _PAYLOADS[key] = {"model": model, "memory": memory_row.memory if memory_row else []}
    return _PAYLOADS[key]


def corrections_since(session: Session, org_id: str, template_id: str) -> int:
    """Corrections of the template made after its latest retraining (all when never retrained)."""
    from core.models import FieldCorrection

    newest = latest(session, org_id, template_id)
    query = (
        select(func.count())
        .select_from(FieldCorrection)
        .where(FieldCorrection.org_id == org_id, FieldCorrection.template_id == template_id)
    )
    if newest is not None:
        query = query.where(col(FieldCorrection.created_at) > newest.created_at)
    return int(session.exec(query).one())


async def start_retrain(
    client: Client, settings: Settings, org_id: str, template_id: str, actor: str = "system"
) -> str:
    """Start (or join the running) retraining of a template; the workflow id."""
    from workflows.retrain import RetrainInput, RetrainWorkflow, retrain_workflow_id

    workflow_id = retrain_workflow_id(org_id, template_id)
    await client.start_workflow(
        RetrainWorkflow.run,
        RetrainInput(org_id=org_id, template_id=template_id, actor=actor),
        id=workflow_id,
        task_queue=settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
    )
    return workflow_id


async def after_corrections(
    session: Session,
    client: Callable[[], Awaitable[Client]],
    settings: Settings,
    org_id: str,
    template_id: str,
) -> str | None:
    """Called after corrections are stored: retrain once enough new ones arrived (``client``
    connects to Temporal only then)."""
    if corrections_since(session, org_id, template_id) < settings.retrain_after_corrections:
        return None
    try:
        # bounded: a stuck workflow service must not hold the correction's answer
        return await asyncio.wait_for(
            _start_after(client, settings, org_id, template_id), timeout=START_TIMEOUT
        )
    except Exception:  # the corrections are stored; a retraining can start with the next ones
        log.exception("could not start retraining for %s/%s", org_id, template_id)
        return None


async def _start_after(
    client: Callable[[], Awaitable[Client]], settings: Settings, org_id: str, template_id: str
) -> str:
    return await start_retrain(await client(), settings, org_id, template_id)
