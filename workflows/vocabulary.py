"""The words every layer shares: batch and file statuses, error codes, delivery outcomes.

One ``StrEnum`` per vocabulary, so a status is a type the checker knows rather than a string
that can drift. A member *is* its string (``BatchStatus.COMPLETED == "completed"``): the
database columns, the JSON answers, workflow histories and webhook payloads keep the exact
words they always had. It lives at the bottom layer (beside the workflow contracts) because the
workflows use it and must import nothing above them; see docs/ARCHITECTURE.md.
"""

from __future__ import annotations

from enum import StrEnum


class BatchStatus(StrEnum):
    """A batch's life: stored, running, then one of the three settled outcomes."""

    UPLOADING = "uploading"  # accepted and charged; files still being stored or not yet started
    PROCESSING = "processing"
    COMPLETED = "completed"
    PARTIALLY_FAILED = "partially_failed"
    FAILED = "failed"


#: A batch whose workflow may still change it (the progress watcher polls these quickly).
ACTIVE_BATCH_STATUSES = (BatchStatus.UPLOADING, BatchStatus.PROCESSING)
#: Every file is done (a retry in the retry window may reopen the batch).
SETTLED_BATCH_STATUSES = (BatchStatus.COMPLETED, BatchStatus.PARTIALLY_FAILED, BatchStatus.FAILED)


class FileStatus(StrEnum):
    """One file's life inside its batch. A cancelled file is ``failed`` with code ``Cancelled``."""

    QUEUED = "queued"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class ErrorCode(StrEnum):
    """Why a file failed (``errorCode`` in answers, events and the database).

    The extraction engine raises the document codes; the activities and the workflow add the
    rest. ``permanent`` codes are problems no automatic retry can fix: the workflow's retry
    policy lists them as non-retryable (``workflows.batch.PERMANENT_ERRORS``).
    """

    # the document itself (raised by extraction/, permanent)
    CORRUPT_FILE = "CorruptFile"
    ENCRYPTED_FILE = "EncryptedFile"
    EMPTY_FILE = "EmptyFile"
    UNSUPPORTED_TYPE = "UnsupportedType"
    IMAGE_TOO_LARGE = "ImageTooLarge"
    TOO_MANY_PAGES = "TooManyPages"
    INVALID_TEMPLATE = "InvalidTemplate"
    RESOURCE_LIMIT = "ResourceLimit"  # a hostile package (zip bomb, too many parts)
    # the stored file or the attempt (raised by activities/, permanent)
    FILE_MISSING = "FileMissing"
    SUPERSEDED_ATTEMPT = "SupersededAttempt"  # a newer attempt owns the file's row
    # transient or unexpected: retried by the activity's retry policy first
    LLM_ERROR = "LLMError"  # the LLM endpoint refused the request or never answered with JSON
    TRANSIENT_EXTRACTION_ERROR = "TransientExtractionError"
    ENGINE_ERROR = "EngineError"
    EXTRACTION_FAILED = "ExtractionFailed"  # the failure carried no type of its own
    # decided by the workflow or the API
    CANCELLED = "Cancelled"
    INSUFFICIENT_CREDITS = "InsufficientCredits"
    UPLOAD_INTERRUPTED = "UploadInterrupted"

    @property
    def permanent(self) -> bool:
        return self in _PERMANENT


_PERMANENT = frozenset(
    {
        ErrorCode.CORRUPT_FILE,
        ErrorCode.ENCRYPTED_FILE,
        ErrorCode.EMPTY_FILE,
        ErrorCode.UNSUPPORTED_TYPE,
        ErrorCode.IMAGE_TOO_LARGE,
        ErrorCode.TOO_MANY_PAGES,
        ErrorCode.INVALID_TEMPLATE,
        ErrorCode.RESOURCE_LIMIT,
        ErrorCode.LLM_ERROR,
        ErrorCode.FILE_MISSING,
        ErrorCode.SUPERSEDED_ATTEMPT,
    }
)


class DeliveryOutcome(StrEnum):
    """One webhook delivery attempt (the delivery log) or a delivery's end (the workflow result)."""

    DELIVERED = "delivered"
    RETRYING = "retrying"  # this attempt failed; Temporal retries it with backoff
    DISABLED = "disabled"  # the receiver answered 410 Gone: the endpoint is switched off
    SKIPPED = "skipped"  # the endpoint was paused, deleted or unsubscribed meanwhile
    REFUSED = "refused"  # the URL points where webhooks may not go
    GAVE_UP = "gave_up"  # the retry window closed without a delivery


class EndpointStatus(StrEnum):
    """A webhook endpoint: a person sets active or paused; a 410 Gone sets disabled."""

    ACTIVE = "active"
    PAUSED = "paused"
    DISABLED = "disabled"
