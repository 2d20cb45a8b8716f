"""Prometheus metrics of one process (API or worker), served at ``/metrics`` by both.

Counters count events seen by this process; Prometheus sums them over every API and worker
process. Labels are closed sets (route templates, statuses, error codes, engines), never ids.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram
from sqlalchemy import event
from sqlalchemy.orm import Session

HTTP_REQUESTS = Counter(
    "docbatch_http_requests",
    "HTTP requests answered, by route template and status",
    ["method", "route", "status"],
)
HTTP_SECONDS = Histogram(
    "docbatch_http_request_seconds", "Time to answer an HTTP request", ["method", "route"]
)
BATCHES_FINISHED = Counter(
    "docbatch_batches_finished",
    "Batches that reached a final status (again after a retry)",
    ["status"],
)
FILES_FINISHED = Counter(
    "docbatch_files_finished", "Files that reached a final status (each attempt)", ["status"]
)
FAILURES = Counter("docbatch_file_failures", "Failed files by error code", ["code"])
EXTRACTION_SECONDS = Histogram(
    "docbatch_extraction_seconds",
    "Time to extract one document, by document kind and engine",
    ["kind", "engine"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 80, 160),
)
OCR_SECONDS = Histogram(
    "docbatch_ocr_seconds",
    "Time spent in OCR while reading one document (scans and images only)",
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 80, 160),
)
CREDITS = Counter(
    "docbatch_credits", "Credits moved by committed ledger entries", ["direction", "reason"]
)  # direction: charged | refunded | granted
WEBHOOK_DELIVERIES = Counter(
    "docbatch_webhook_deliveries", "Webhook delivery attempts by outcome", ["outcome"]
)

_PENDING = "docbatch_metrics_pending"


def count_credit_change(session: Session, delta: int, reason: str) -> None:
    """Counted when the session commits (a rolled-back charge moved nothing)."""
    direction = "charged" if delta < 0 else "refunded" if "refund" in reason else "granted"
    session.info.setdefault(_PENDING, []).append(
        lambda: CREDITS.labels(direction, reason).inc(abs(delta))
    )


@event.listens_for(Session, "after_commit")
def _flush_pending(session: Session) -> None:
    for apply in session.info.pop(_PENDING, []):
        apply()


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
