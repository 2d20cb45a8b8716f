"""Logging for the API and the worker: text (default) or JSON lines with ``batchId``/``fileId``.

``DOCBATCH_LOG_FORMAT=json`` gives one JSON object per line (python-json-logger), ready for a log
shipper. The ids come from :func:`log_context` (bound around each activity) or, for the Temporal
SDK's own lines, from the workflow id (``batch-<batchId>``) it attaches to its records.
"""

from __future__ import annotations

import contextvars
import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from pythonjsonlogger.json import JsonFormatter

_BATCH: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "docbatch_batch_id", default=None
)
_FILE: contextvars.ContextVar[str | None] = contextvars.ContextVar("docbatch_file_id", default=None)

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def log_context(batch_id: str | None = None, file_id: str | None = None) -> Iterator[None]:
    """Every log line written inside the block carries these ids."""
    tokens = (_BATCH.set(batch_id or _BATCH.get()), _FILE.set(file_id or _FILE.get()))
    try:
        yield
    finally:
        _FILE.reset(tokens[1])
        _BATCH.reset(tokens[0])


def logs_ids(fn: F) -> F:
    """For activities taking one input with ``batch_id`` and/or ``file_id``: bind them to the
    logs."""

    @functools.wraps(fn)
    def wrapper(self: object, arg: object) -> Any:
        with log_context(getattr(arg, "batch_id", None), getattr(arg, "file_id", None)):
            return fn(self, arg)

    return wrapper  # type: ignore[return-value]


class _Ids(logging.Filter):
    """Puts batchId/fileId on every record (None when the line concerns no batch)."""

    def filter(self, record: logging.LogRecord) -> bool:
        batch_id, file_id = _BATCH.get(), _FILE.get()
        if batch_id is None:
            info = getattr(record, "temporal_activity", None) or getattr(
                record, "temporal_workflow", None
            )
            workflow_id = (info or {}).get("workflow_id", "")
            if workflow_id.startswith("batch-"):
                batch_id = workflow_id.removeprefix("batch-")
        record.batchId = batch_id
        record.fileId = file_id
        return True


def configure_logging(component: str, log_format: str = "text", level: int = logging.INFO) -> None:
    """One handler on the root logger; ``component`` is ``api`` or ``worker``."""
    handler = logging.StreamHandler()
    handler.addFilter(_Ids())
    if log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                "{asctime}{levelname}{name}{message}{batchId}{fileId}",
                style="{",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                static_fields={"component": component},
                timestamp=False,
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter(f"%(asctime)s {component} %(levelname)s %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    if log_format == "json":  # uvicorn's own lines too, through the root handler
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
            logging.getLogger(name).handlers.clear()
            logging.getLogger(name).propagate = True
