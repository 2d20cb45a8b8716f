"""The extraction activity: read the stored file, run the engine, store the fields."""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlmodel import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory, CancelledError

from core.batches import refresh_counts
from core.db import session_scope
from core.ids import utcnow
from core.learning import learning_payload
from core.logs import logs_ids
from core.metrics import EXTRACTION_SECONDS, FILES_FINISHED, OCR_SECONDS
from core.models import Batch, BatchFile, Template
from core.review import mark_needs_review
from core.secret_box import unseal_engine
from core.settings import Settings
from core.storage import open_storage
from extraction import EngineOptions, ExtractionError, TemplateSpec, TransientExtractionError
from extraction.child import ChildPool, ExtractionCancelled, Limits
from extraction.detect import detect_kind
from workflows.contracts import ExtractInput, ExtractOutput

log = logging.getLogger("docbatch.extract")


def document_kind(path: Path) -> str:
    """pdf, image, docx or text (a metrics label): from the file's first bytes, as the readers
    decide."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if head.startswith(b"PK\x03\x04"):
        return "docx"  # the only archive the readers accept
    try:
        return detect_kind(head)
    except ExtractionError:
        return "other"


@contextmanager
def heartbeating(every: float) -> Iterator[None]:
    """Heartbeat from a background thread while the engine waits (an LLM answer can take longer
    than the heartbeat timeout; without this the attempt would be abandoned and paid again)."""
    stop = threading.Event()
    context = contextvars.copy_context()  # the activity's context, so heartbeat() knows which one

    def beat() -> None:
        while not stop.wait(every):
            context.copy().run(activity.heartbeat, "waiting")

    thread = threading.Thread(target=beat, name="extract-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def child_pool(settings: Settings, *, preload_ocr: bool = False) -> ChildPool:
    """One child process per concurrent extraction, limited as the settings say."""
    return ChildPool(
        settings.worker_max_activities,
        Limits(memory_mb=settings.extract_memory_mb, timeout_s=settings.extract_timeout_s),
        ocr_threads=settings.engine_threads,
        preload_ocr=preload_ocr,
    )


#: While files finish, the batch row's counters (REST progress) are recounted at most this often;
#: the live progress comes from the workflow, and settling the batch recounts exactly.
COUNTS_EVERY = timedelta(seconds=0.5)


def refresh_counts_now_and_then(session: Session, batch_id: str) -> None:
    """Recount the batch's files unless another file did so within COUNTS_EVERY (one read)."""
    batch = session.get(Batch, batch_id)
    assert batch is not None
    if batch.updated_at is None or utcnow() - _aware(batch.updated_at) >= COUNTS_EVERY:
        refresh_counts(session, batch)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class ExtractActivities:
    def __init__(self, settings: Settings, children: ChildPool | None = None) -> None:
        self.settings = settings
        self.heartbeat_every = max(0.2, settings.heartbeat_timeout_seconds / 4)
        self.db_url = settings.sqlalchemy_url
        self.storage = open_storage(settings)
        self.options = EngineOptions(**settings.engine_option_values())
        self.children = children or child_pool(settings)  # started at the first document

    @activity.defn(name="extract_document")
    @logs_ids
    def extract_document(self, job: ExtractInput) -> ExtractOutput:
        """Runs in the worker's thread pool; the document itself is read in a child process
        (``extraction.child``) while a thread heartbeats, so cancels and crashes show."""
        with session_scope(self.db_url) as session:
            row = session.get(BatchFile, job.file_id)
            if row is None:
                raise ApplicationError(
                    f"File {job.file_id} is not in the database.",
                    type="FileMissing",
                    non_retryable=True,
                )
            template = session.get(Template, row.template_id)
            if template is None:
                raise ApplicationError(
                    "The batch's template was deleted.", type="InvalidTemplate", non_retryable=True
                )
            spec = TemplateSpec(
                name=template.name,
                schema=template.template_schema,
                instructions=template.instructions,
                engine=unseal_engine(self.settings, template.engine),
            )
            learned = learning_payload(session, row.org_id, row.template_id)  # issue 14: org model
            row.status = "processing"
            row.attempts += 1
            row.started_at = utcnow()
            session.add(row)
            key = row.storage_key
            attempt = row.attempts
        if not self.storage.exists(key):
            raise ApplicationError(
                "The uploaded file is missing from storage.", type="FileMissing", non_retryable=True
            )

        with self.storage.local_copy(key) as path:  # streamed to a temporary file from S3
            started = time.perf_counter()
            result = self._extract(path, spec, learned)
            duration_ms = int((time.perf_counter() - started) * 1000)
            kind = document_kind(path)
        if activity.is_cancelled():  # finished as the cancel came in: store nothing
            raise CancelledError("Cancelled")

        with session_scope(self.db_url) as session:
            # Only the current attempt writes: one abandoned (timed out, then retried) must not
            # overwrite what a later attempt is doing or did.
            written = session.exec(
                update(BatchFile)
                .where(  # type: ignore[call-overload]
                    BatchFile.id == job.file_id,
                    BatchFile.attempts == attempt,  # type: ignore[arg-type]
                )
                .values(
                    status="completed",
                    result=result.to_dict(),
                    pages=result.pages,
                    engine=result.engine,
                    error_code=None,
                    error_message=None,
                    duration_ms=duration_ms,
                    finished_at=utcnow(),
                )
            )
            if written.rowcount != 1:
                raise ApplicationError(
                    "A newer attempt is processing this file.",
                    type="SupersededAttempt",
                    non_retryable=True,
                )
            # issue 14: flags the file for a person (the template's schema is already in hand)
            mark_needs_review(session, job.file_id, spec.schema)
            refresh_counts_now_and_then(session, job.batch_id)
        FILES_FINISHED.labels("completed").inc()
        EXTRACTION_SECONDS.labels(kind, result.engine).observe(duration_ms / 1000)
        if result.ocr_seconds:
            OCR_SECONDS.observe(result.ocr_seconds)
        log.info(
            "extracted %s (%s, %d pages, engine %s) in %d ms: %d fields",
            row.file_name,
            kind,
            result.pages,
            result.engine,
            duration_ms,
            len(result.fields),
        )
        return ExtractOutput(
            file_id=job.file_id, fields_found=len(result.fields), pages=result.pages
        )

    def _extract(
        self,
        path: Path,
        spec: TemplateSpec,
        learned: dict[str, Any] | None = None,
    ):
        """The engine on one file, its errors turned into Temporal's: permanent, transient,
        cancelled."""
        try:
            options = replace(self.options, learning=learned) if learned else self.options
            with heartbeating(
                self.heartbeat_every
            ):  # the child cannot heartbeat: beat while it works
                return self.children.extract(path, spec, options, cancelled=activity.is_cancelled)
        except ExtractionCancelled:
            raise CancelledError("Cancelled") from None
        except ExtractionError as err:
            # A bad document is an expected outcome, not an incident: BENIGN keeps it out of
            # the worker's warning log while the batch records the reason.
            raise ApplicationError(
                err.message,
                type=err.code,
                non_retryable=True,
                category=ApplicationErrorCategory.BENIGN,
            ) from None
        except TransientExtractionError as err:
            raise ApplicationError(str(err), type="TransientExtractionError") from err
        except CancelledError:
            raise
        except Exception as err:  # an engine bug must not look like a bad file: retry, then fail
            if activity.is_cancelled():  # the cancel arrived inside a library that wrapped it
                raise CancelledError("Cancelled") from err
            raise ApplicationError(
                f"The extraction engine failed: {err}", type="EngineError"
            ) from err
