"""A template's learned models: the history of retrainings and which one extraction uses."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import Reader, SessionDep, SettingsDep, TemporalDep, Writer
from core import access, learning
from core.ids import iso
from core.models import OrgModel

router = APIRouter(prefix="/templates", tags=["templates"])


class ModelFigures(BaseModel):
    """Held-out figures: each of the organisation's reviewed documents was picked by a model
    that did not see it (k-fold by document); accuracy per ranked field."""

    documents: int = 0
    folds: int = 0
    tested: dict[str, int] = Field(default_factory=dict)
    builtin: dict[str, float] = Field(default_factory=dict)
    learned: dict[str, float] = Field(default_factory=dict)
    withMemory: dict[str, float] = Field(default_factory=dict)
    builtinRight: int = 0
    learnedRight: int = 0
    withMemoryRight: int = 0
    notes: list[str] = Field(default_factory=list)
    trainingData: list[str] = Field(default_factory=list)


class ModelInfo(BaseModel):
    id: str
    version: str
    status: str  # active | retired | kept
    documents: int
    corrections: int
    layouts: int  # vendor memory: layouts remembered
    figures: ModelFigures
    createdAt: str | None


class ModelHistory(BaseModel):
    templateId: str
    active: ModelInfo | None  # None: the built-in model
    models: list[ModelInfo]


class RetrainStarted(BaseModel):
    workflowId: str


def model_info(row: OrgModel) -> ModelInfo:
    figures: dict[str, Any] = row.figures or {}
    known = {k: v for k, v in figures.items() if k in ModelFigures.model_fields}
    return ModelInfo(
        id=row.id,
        version=row.version,
        status=row.status,
        documents=row.documents,
        corrections=row.corrections,
        layouts=len(row.memory or []),
        figures=ModelFigures(**known),
        createdAt=iso(row.created_at),
    )


def model_history(session: SessionDep, org_id: str, template_id: str) -> ModelHistory:
    rows = [model_info(r) for r in learning.history(session, org_id, template_id)]
    current = next((r for r in rows if r.status == "active"), None)
    return ModelHistory(templateId=template_id, active=current, models=rows)


@router.get("/{org_id}/{template_id}/models")
def list_models(
    org_id: str, template_id: str, principal: Reader, session: SessionDep
) -> ModelHistory:
    """Every retraining of the template from its corrections, newest first, and the active one."""
    access.template(session, principal, template_id)
    return model_history(session, org_id, template_id)


@router.post("/{org_id}/{template_id}/models/retrain", status_code=202)
async def retrain(
    org_id: str,
    template_id: str,
    principal: Writer,
    session: SessionDep,
    settings: SettingsDep,
    temporal: TemporalDep,
) -> RetrainStarted:
    """Retrain the template's model from its corrections now (it also retrains on its own after
    ``DOCBATCH_RETRAIN_AFTER_CORRECTIONS`` new corrections)."""
    access.template(session, principal, template_id)
    workflow_id = await learning.start_retrain(
        temporal, settings, org_id, template_id, actor=principal.token_id
    )
    return RetrainStarted(workflowId=workflow_id)
