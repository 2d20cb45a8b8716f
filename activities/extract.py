"""The extraction activity: read the stored file, run the engine, store the fields."""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, and_, bindparam, update
from sqlalchemy.engine import Connection
from sqlmodel import col, select
from temporalio import activity
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory, CancelledError

from activities.batch_context import BatchContexts
from activities.webhooks import listed_by_an_endpoint
from core.batches import refresh_counts
from core.db import get_engine, session_scope
from core.ids import utcnow
from core.logs import logs_ids
from core.metrics import EXTRACTION_SECONDS, FILES_FINISHED, OCR_SECONDS
from core.models import Batch, BatchFile, FieldCorrection
from core.review import review_fields_for
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


class Heartbeats:
    """The extraction's wait loop calls this every 0.1 s (``ChildPool.extract(cancelled=...)``):
    it heartbeats when one is due and says whether the activity was cancelled. The activity's
    own thread beats, so no helper thread is started per file (``heartbeating`` is for waits
    that do not poll)."""

    def __init__(self, every: float) -> None:
        self.every = every
        self.due = time.monotonic() + every

    def __call__(self) -> bool:
        now = time.monotonic()
        if now >= self.due:
            activity.heartbeat("waiting")
            self.due = now + self.every
        return activity.is_cancelled()


def child_pool(settings: Settings, *, preload_ocr: bool = False) -> ChildPool:
    """One child process per concurrent extraction, limited as the settings say."""
    return ChildPool(
        settings.worker_max_activities,
        Limits(memory_mb=settings.extract_memory_mb, timeout_s=settings.extract_timeout_s),
        ocr_threads=settings.engine_threads,
        preload_ocr=preload_ocr,
    )


#: While files finish, the batch row's counters (REST progress) are recounted at most this often
#: by each worker; the live progress comes from the workflow, and settling the batch recounts
#: exactly.
COUNTS_EVERY = timedelta(seconds=0.5)


class CountRefresher:
    """Recounts a batch's files when this worker has not done so within COUNTS_EVERY (the time
    is kept in memory, so the files in between read nothing)."""

    def __init__(self) -> None:
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def due(self, batch_id: str) -> bool:
        now = time.monotonic()
        with self._lock:
            if now - self._last.get(batch_id, -1e9) < COUNTS_EVERY.total_seconds():
                return False
            if len(self._last) > 256:  # forget batches not seen for a while
                self._last = {b: t for b, t in self._last.items() if now - t < 60}
            self._last[batch_id] = now
            return True

    def refresh(self, db_url: str, batch_id: str) -> None:
        if self.due(batch_id):
            with session_scope(db_url) as session:  # derived counts: safe on their own
                batch = session.get(Batch, batch_id)
                if batch is not None:
                    refresh_counts(session, batch)


@dataclass(frozen=True)
class Attempt:
    """A file's row as the attempt that just started it left it (one UPDATE ... RETURNING)."""

    batch_id: str
    org_id: str
    template_id: str
    storage_key: str
    file_name: str
    number: int  # the row's attempts counter: 1 on the file's first extraction ever


# The activity's statements, built once and run on a plain connection: per file they are the
# pipeline's whole database cost, and an ORM session with a statement built per call costs
# several times the statement itself.
_START = (
    update(BatchFile)
    .where(col(BatchFile.id) == bindparam("file_id"))
    .values(status="processing", attempts=col(BatchFile.attempts) + 1, started_at=bindparam("now"))
    .returning(
        col(BatchFile.batch_id),
        col(BatchFile.org_id),
        col(BatchFile.template_id),
        col(BatchFile.storage_key),
        col(BatchFile.file_name),
        col(BatchFile.attempts),
    )
)
# Only the current attempt writes: one abandoned (timed out, then retried) must not overwrite
# what a later attempt is doing or did. The file needs review unless a person reviewed it.
_COMPLETE = (
    update(BatchFile)
    .where(
        col(BatchFile.id) == bindparam("file_id"),
        col(BatchFile.attempts) == bindparam("attempt"),
    )
    .values(
        status="completed",
        result=bindparam("result"),
        pages=bindparam("pages"),
        engine=bindparam("engine"),
        error_code=None,
        error_message=None,
        duration_ms=bindparam("duration_ms"),
        finished_at=bindparam("now"),
        needs_review=and_(bindparam("flag", type_=Boolean), col(BatchFile.reviewed_at).is_(None)),
        review_fields=bindparam("review_fields"),
    )
    # whether to publish document.processed, asked in the same statement (no second one)
    .returning(listed_by_an_endpoint("document.processed").label("notify"))
)
_CORRECTED = select(FieldCorrection.field).where(
    col(FieldCorrection.file_id) == bindparam("file_id")
)


def start_attempt(conn: Connection, file_id: str) -> Attempt | None:
    """Mark the file processing and count the attempt; None when the file is not there."""
    row = conn.execute(_START, {"file_id": file_id, "now": utcnow()}).first()
    return Attempt(*row) if row is not None else None


class ExtractActivities:
    def __init__(self, settings: Settings, children: ChildPool | None = None) -> None:
        self.settings = settings
        self.heartbeat_every = max(0.2, settings.heartbeat_timeout_seconds / 4)
        self.db_url = settings.sqlalchemy_url
        self.engine = get_engine(self.db_url)
        self.storage = open_storage(settings)
        self.options = EngineOptions(**settings.engine_option_values())
        self.children = children or child_pool(settings)  # started at the first document
        self.contexts = BatchContexts(settings)
        self.counts = CountRefresher()

    @activity.defn(name="extract_document")
    @logs_ids
    def extract_document(self, job: ExtractInput) -> ExtractOutput:
        """Runs in the worker's thread pool; the document itself is read in a child process
        (``extraction.child``) while this thread heartbeats, so cancels and crashes show.

        Per file: one write to start the attempt (no read: UPDATE ... RETURNING), one to store
        the result with its review flag (returning whether an endpoint lists
        document.processed); the template and the organisation's model are read
        once per batch (``BatchContexts``)."""
        with self.engine.begin() as conn:
            attempt = start_attempt(conn, job.file_id)
            if attempt is None:
                raise ApplicationError(
                    f"File {job.file_id} is not in the database.",
                    type="FileMissing",
                    non_retryable=True,
                )
            # read once per batch; a file's second run reads the current template and model
            context = self.contexts.get(
                conn,
                attempt.batch_id,
                attempt.org_id,
                attempt.template_id,
                fresh=attempt.number > 1,
            )
        spec = context.spec
        if not self.storage.exists(attempt.storage_key):
            raise ApplicationError(
                "The uploaded file is missing from storage.", type="FileMissing", non_retryable=True
            )

        with self.storage.local_copy(attempt.storage_key) as path:  # streamed from S3
            started = time.perf_counter()
            result = self._extract(path, spec, context.learned)
            # the child's own time: a prefetched file may have waited for a free child first
            duration_ms = int((result.seconds or time.perf_counter() - started) * 1000)
            kind = document_kind(path)
        if activity.is_cancelled():  # finished as the cancel came in: store nothing
            raise CancelledError("Cancelled")

        stored = result.to_dict()
        with self.engine.begin() as conn:
            # issue 14: flags the file for a person. Corrections exist only for a file that was
            # completed before, so a file's first extraction reads none.
            corrected = (
                set(conn.execute(_CORRECTED, {"file_id": job.file_id}).scalars())
                if attempt.number > 1
                else set()
            )
            review = review_fields_for(spec.schema, stored, corrected)
            written = conn.execute(
                _COMPLETE,
                {
                    "file_id": job.file_id,
                    "attempt": attempt.number,
                    "endpoint_org": attempt.org_id,
                    "result": stored,
                    "pages": result.pages,
                    "engine": result.engine,
                    "duration_ms": duration_ms,
                    "now": utcnow(),
                    "flag": bool(review),
                    "review_fields": review,
                },
            ).first()
            if written is None:
                raise ApplicationError(
                    "A newer attempt is processing this file.",
                    type="SupersededAttempt",
                    non_retryable=True,
                )
            notify = bool(written.notify)
        self.counts.refresh(self.db_url, job.batch_id)
        FILES_FINISHED.labels("completed").inc()
        EXTRACTION_SECONDS.labels(kind, result.engine).observe(duration_ms / 1000)
        if result.ocr_seconds:
            OCR_SECONDS.observe(result.ocr_seconds)
        log.info(
            "extracted %s (%s, %d pages, engine %s) in %d ms: %d fields",
            attempt.file_name,
            kind,
            result.pages,
            result.engine,
            duration_ms,
            len(result.fields),
        )
        return ExtractOutput(
            file_id=job.file_id,
            fields_found=len(result.fields),
            pages=result.pages,
            notify=notify,
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
            # the child cannot heartbeat: this thread beats while it waits for the child
            return self.children.extract(
                path, spec, options, cancelled=Heartbeats(self.heartbeat_every)
            )
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
