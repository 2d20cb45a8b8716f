"""Try a template on a sample file without creating a batch.

The sample is stored, one credit is charged (refunded if the sample fails, like a file of a
batch) and a worker extracts it in a limited child process (``TemplateTestWorkflow``): the API
process runs no OCR. Nothing but the answer is kept.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from starlette.concurrency import run_in_threadpool
from temporalio.client import Client, WorkflowFailureError
from temporalio.service import RPCError

import extraction
from api.deps import SessionDep, SessionWriter, SettingsDep, TemporalDep
from api.errors import ApiError
from api.schemas import TemplateTestResult
from core.credits import InsufficientCredits, apply_change
from core.credits import refund_template_test as refund
from core.credits import template_test_charge_key as charge_key
from core.ids import new_id
from core.llm_endpoints import check_template_engine
from core.secret_box import seal_engine
from core.settings import Settings
from core.storage import FileTooLarge, open_storage, sanitize_filename
from core.temporal import run_template_test
from workflows.template_test import TemplateTestInput, TemplateTestOutcome

router = APIRouter(tags=["web"])

#: Samples are read on a worker like any file; the cap keeps one test from taking a slot for long.
SAMPLE_MAX_PAGES = 5
SAMPLE_CONCURRENCY = 2  # per API process: more waiting requests would only queue on the workers
SAMPLE_WAIT = timedelta(minutes=5)
_running = threading.BoundedSemaphore(SAMPLE_CONCURRENCY)


def _json_object(text: str, name: str) -> dict[str, Any]:
    try:
        value = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        raise ApiError(
            400, f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from exc
    if not isinstance(value, dict):
        raise ApiError(400, f"{name} must be a JSON object.")
    return value


@router.post("/ui/templates/test", response_model=TemplateTestResult, response_model_by_alias=True)
async def test_template(
    principal: SessionWriter,
    settings: SettingsDep,
    session: SessionDep,
    temporal: TemporalDep,
    file: Annotated[UploadFile, File(description="a sample document")],
    templateSchema: Annotated[str, Form(description="the template's JSON Schema")],
    name: Annotated[str, Form()] = "test",
    instructions: Annotated[str, Form()] = "",
    engine: Annotated[str, Form()] = "",
) -> TemplateTestResult:
    """Run the engine (on a worker, one credit) with a (possibly unsaved) template on a sample."""
    schema = _json_object(templateSchema, "templateSchema")
    engine_settings = _json_object(engine, "engine") or {"mode": "local"}
    errors = extraction.validate_template(schema, engine_settings)
    errors += check_template_engine(settings, engine_settings)
    if errors:
        raise ApiError(400, errors)
    if not _running.acquire(blocking=False):
        raise ApiError(
            429,
            f"{SAMPLE_CONCURRENCY} template tests are running on this server; "
            "try again in a moment.",
        )
    try:
        run_id = new_id("tt")
        try:
            apply_change(
                session, principal.org_id, -1, reason="template_test", key=charge_key(run_id)
            )
            session.commit()
        except InsufficientCredits as exc:
            session.rollback()
            raise ApiError(
                402,
                f"A template test costs 1 credit, like a file, but the balance is "
                f"{exc.balance}. Add credits to test templates.",
            ) from exc
        job = TemplateTestInput(
            run_id=run_id,
            org_id=principal.org_id,
            file_name="",
            storage_key="",
            name=name or "test",
            template_schema=schema,
            instructions=instructions,
            engine=seal_engine(settings, engine_settings),  # the history never holds a key in clear
            max_pages=SAMPLE_MAX_PAGES,
            heartbeat_timeout_seconds=settings.heartbeat_timeout_seconds,
        )
        outcome = await _run_sample(settings, temporal, file, job)
    finally:
        _running.release()
    if outcome.result is None:
        if outcome.transient:
            raise ApiError(
                503,
                f"The extraction engine is unavailable right now ({outcome.message}); "
                "try again. The credit was refunded.",
            )
        raise ApiError(400, f"{outcome.code}: {outcome.message} The credit was refunded.")
    missing = [
        f
        for f in job.template_schema.get("properties", {})
        if outcome.result["fields"].get(f) in (None, "", [])
    ]
    return TemplateTestResult.model_validate(
        {**outcome.result, "fileName": job.file_name, "missing": missing}
    )


async def _run_sample(
    settings: Settings, temporal: Client, file: UploadFile, job: TemplateTestInput
) -> TemplateTestOutcome:
    """Store the sample, then wait for the workflow's answer (it refunds a failed sample)."""
    job.file_name = sanitize_filename(file.filename or "", fallback="sample")
    job.storage_key = f"{job.org_id}/template-tests/{job.run_id}/{job.file_name}"
    storage = open_storage(settings)
    try:
        await run_in_threadpool(
            storage.save_stream, job.storage_key, file.file, settings.max_file_bytes
        )
    except FileTooLarge as exc:
        await _refund_now(settings, job)
        raise ApiError(
            413, f"The sample is larger than the limit of {settings.max_file_size_mb:g} MB."
        ) from exc
    try:
        return await run_template_test(temporal, settings, job, SAMPLE_WAIT)
    except (WorkflowFailureError, RPCError) as exc:  # no worker answered in time: not charged
        await _refund_now(settings, job)  # same key as the workflow's refund: at most one
        raise ApiError(
            503,
            "The template test could not run on a worker right now; try again in a "
            "moment. The credit was refunded.",
        ) from exc


async def _refund_now(settings: Settings, job: TemplateTestInput) -> None:
    await run_in_threadpool(refund, settings, job.org_id, job.run_id)
