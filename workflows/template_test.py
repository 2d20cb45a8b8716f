"""TemplateTestWorkflow: a template tried on one sample file, on a worker like any document.

The API stores the sample, charges one credit and waits for this workflow's answer; the
extraction runs in the worker's child processes (``activities/template_test.py``), never in the
API. A sample that fails (bad file, bad template, a limit crossed) is refunded, like a file of a
batch; the refund and the sample's removal are durable activities.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel, Field


class TemplateTestInput(BaseModel):
    run_id: str
    org_id: str
    storage_key: str
    file_name: str
    name: str
    template_schema: dict[str, Any]
    instructions: str = ""
    engine: dict[str, Any] = Field(default_factory=dict)  # api_key sealed (core.secret_box)
    max_pages: int = 5
    heartbeat_timeout_seconds: float = 30


class TemplateTestOutcome(BaseModel):
    result: dict[str, Any] | None = None  # Extraction.to_dict()
    code: str = ""  # set when the sample failed
    message: str = ""
    transient: bool = False  # the LLM endpoint was unavailable: worth trying again


DB_WRITE: dict[str, Any] = dict(
    start_to_close_timeout=timedelta(seconds=30),
    retry_policy=RetryPolicy(
        initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30)
    ),
)


@workflow.defn(name="TemplateTestWorkflow")
class TemplateTestWorkflow:
    @workflow.run
    async def run(self, job: TemplateTestInput) -> TemplateTestOutcome:
        try:
            result = await workflow.execute_activity(
                "test_template",
                job,
                result_type=dict,
                start_to_close_timeout=timedelta(minutes=10),
                heartbeat_timeout=timedelta(seconds=job.heartbeat_timeout_seconds),
                retry_policy=RetryPolicy(maximum_attempts=1),  # a person waits: they retry
                summary=f"template test · {job.file_name}",
            )
            return TemplateTestOutcome(result=result)
        except ActivityError as err:
            # the activity raises a bad sample as non-retryable, typed with the engine's code
            cause = err.cause
            code = (
                cause.type
                if isinstance(cause, ApplicationError) and cause.type
                else "ExtractionFailed"
            )
            outcome = TemplateTestOutcome(
                code=code,
                message=cause.message if cause else str(err),
                transient=code == "TransientExtractionError",
            )
            await workflow.execute_activity(
                "refund_template_test", job, summary="refund", **DB_WRITE
            )
            return outcome
