"""Progress math shared by the workflow, the database mirror and the API."""

from __future__ import annotations

from workflows.vocabulary import BatchStatus


def progress_percent(completed: int, failed: int, total: int) -> int:
    """``round((completed + failed) / total * 100)``; an empty batch counts as done."""
    if total <= 0:
        return 100
    return round((completed + failed) / total * 100)


def final_status(completed: int, failed: int, total: int) -> BatchStatus:
    """completed when all succeeded, failed when none did, partially_failed in between."""
    if completed == total:
        return BatchStatus.COMPLETED
    if completed == 0:
        return BatchStatus.FAILED
    return BatchStatus.PARTIALLY_FAILED
