"""RetrainWorkflow: retrain one organisation's template model from its corrections.

Started by ``core.learning.after_corrections`` once enough new corrections arrived (or by the
retrain route). The workflow id ``retrain-<orgId>-<templateId>`` with USE_EXISTING joins a
retraining already running instead of starting a second one. Deterministic: one activity.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel


class RetrainInput(BaseModel):
    org_id: str
    template_id: str
    actor: str = "system"


class RetrainOutput(BaseModel):
    model_id: str | None = None  # the stored row (None when there was nothing to learn from)
    status: str = "none"  # active | kept | none
    documents: int = 0


@workflow.defn(name="RetrainWorkflow")
class RetrainWorkflow:
    @workflow.run
    async def run(self, job: RetrainInput) -> RetrainOutput:
        result: RetrainOutput = await workflow.execute_activity(
            "retrain_org_model",
            job,
            result_type=RetrainOutput,
            # reading the reviewed documents again (OCR) and k-fold training take minutes
            start_to_close_timeout=timedelta(hours=1),
            heartbeat_timeout=timedelta(minutes=5),
            retry_policy=RetryPolicy(
                maximum_attempts=3, non_retryable_error_types=["NothingToLearn"]
            ),
        )
        return result
