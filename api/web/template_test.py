"""Try a template on a sample file without creating a batch: nothing is stored or charged."""

from __future__ import annotations

import json
import tempfile
import threading
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from starlette.concurrency import run_in_threadpool

import extraction
from api.deps import SessionWriter, SettingsDep
from api.errors import ApiError
from core.llm_endpoints import check_template_engine
from core.settings import Settings
from core.storage import FileTooLarge, LocalStorage, sanitize_filename

router = APIRouter(tags=["web"])

#: The sample runs in the API process (OCR included), uncharged: keep it small and few at a time.
SAMPLE_MAX_PAGES = 5
SAMPLE_CONCURRENCY = 2
_running = threading.BoundedSemaphore(SAMPLE_CONCURRENCY)


def _json_object(text: str, name: str) -> dict[str, Any]:
    try:
        value = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        raise ApiError(
            400, f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        )
    if not isinstance(value, dict):
        raise ApiError(400, f"{name} must be a JSON object.")
    return value


@router.post("/ui/templates/test")
async def test_template(
    principal: SessionWriter,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="a sample document")],
    templateSchema: Annotated[str, Form(description="the template's JSON Schema")],
    name: Annotated[str, Form()] = "test",
    instructions: Annotated[str, Form()] = "",
    engine: Annotated[str, Form()] = "",
) -> dict:
    """Run the engine with a (possibly unsaved) template on one sample file and return what it finds."""
    schema = _json_object(templateSchema, "templateSchema")
    engine_settings = _json_object(engine, "engine") or {"mode": "local"}
    errors = extraction.validate_template(schema, engine_settings)
    errors += check_template_engine(settings, engine_settings)
    if errors:
        raise ApiError(400, errors)
    spec = extraction.TemplateSpec(name or "test", schema, instructions, engine_settings)
    options = extraction.EngineOptions(
        **{**settings.engine_option_values(), "max_pages": min(settings.max_pages, SAMPLE_MAX_PAGES)})
    if not _running.acquire(blocking=False):
        raise ApiError(429, f"{SAMPLE_CONCURRENCY} template tests are running on this server; "
                            "try again in a moment.")
    try:
        return await _run_sample(settings, file, spec, options)
    finally:
        _running.release()


async def _run_sample(settings: Settings, file: UploadFile, spec: extraction.TemplateSpec,
                      options: extraction.EngineOptions) -> dict:
    with tempfile.TemporaryDirectory(prefix="docbatch-test-") as tmp:
        storage = LocalStorage(Path(tmp))
        key = sanitize_filename(file.filename or "", fallback="sample")
        try:
            await run_in_threadpool(storage.save_stream, key, file.file, settings.max_file_bytes)
        except FileTooLarge as exc:
            raise ApiError(
                413, f"The sample is larger than the limit of {settings.max_file_size_mb:g} MB."
            ) from exc
        try:
            result = await run_in_threadpool(
                extraction.extract_file, storage.path(key), spec, options=options
            )
        except extraction.ExtractionError as exc:
            raise ApiError(400, f"{exc.code}: {exc.message}") from exc
        except extraction.TransientExtractionError as exc:
            raise ApiError(
                503, f"The extraction engine is unavailable right now ({exc}); try again."
            ) from exc
    found = result.to_dict()
    missing = [f for f in spec.field_names if found["fields"].get(f) in (None, "", [])]
    return {**found, "fileName": key, "missing": missing}
