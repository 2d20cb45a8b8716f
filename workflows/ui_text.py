"""What the Temporal UI shows for a batch: activity summaries and the workflow's details.

Operators read batches in the Temporal UI. Without these texts every activity reads
``extract_document`` and a settled batch looks like any other Running workflow for its whole
retry window. Pure functions of plain values (standard library and the vocabulary only: the
workflow sandbox imports this module), so the texts are deterministic and testable on their own.
"""

from __future__ import annotations

from datetime import datetime

from workflows.vocabulary import SETTLED_BATCH_STATUSES


def extract_summary(file_name: str, attempt: int) -> str:
    """The extraction of one file: which file and which run of it (1 = the upload, 2+ = retries)."""
    return f"{file_name} · attempt {attempt}"


def failure_summary(file_name: str, code: str) -> str:
    return f"{file_name} · failed: {code}"


def charge_summary(file_name: str, retry_number: int) -> str:
    return f"{file_name} · charge retry {retry_number}"


def finalize_summary(status: str, completed: int, failed: int, total: int) -> str:
    return f"{status}: {completed} of {total} completed, {failed} failed"


def event_summary(event_type: str, file_name: str | None) -> str:
    return f"{event_type} · {file_name}" if file_name else event_type


def window_summary(until: datetime) -> str:
    """The retry-window timer: the batch is settled and only waits for ``retry_file`` signals."""
    return f"Settled; open for retry_file signals until {_when(until)}"


def workflow_summary(batch_name: str, org_name: str, total: int) -> str:
    """The workflow's static summary (one line in the UI's workflow header)."""
    files = "file" if total == 1 else "files"
    return f"{batch_name} · {org_name} · {total} {files}"


def workflow_details(
    *,
    batch_id: str,
    batch_name: str,
    org_id: str,
    org_name: str,
    project_id: str,
    template_name: str,
    total: int,
) -> str:
    """The workflow's static details (Markdown): who and what, fixed at the start."""
    return "\n".join(
        [
            f"**Batch** {batch_name} (`{batch_id}`)",
            f"**Organisation** {org_name} (`{org_id}`)",
            f"**Project** `{project_id}` · **Template** {template_name}",
            f"**Files** {total}",
        ]
    )


def current_details(
    *,
    status: str,
    completed: int,
    failed: int,
    total: int,
    cancelled: bool,
    window_until: datetime | None,
) -> str:
    """What the batch is doing now (Markdown). A settled batch says so in its first word, with its
    final counts and until when it stays open, so nobody mistakes "Running" for work in progress."""
    counts = f"{completed} of {total} completed, {failed} failed"
    if status in SETTLED_BATCH_STATUSES:
        head = f"**SETTLED: {status}**" + (
            " (cancelled)" if cancelled and status != "cancelled" else ""
        )
        lines = [head, counts, "Nothing is running."]
        if window_until is not None:
            lines.append(
                f"The workflow stays open only so that `retry_file` / `retry_failed` signals can "
                f"re-run failed files, until {_when(window_until)}; then it completes."
            )
        return "\n\n".join(lines)
    done = completed + failed
    return f"**Processing**: {done} of {total} files done ({counts})"


def settled_memo(
    *,
    status: str,
    completed: int,
    failed: int,
    total: int,
    cancelled: bool,
    settled_at: datetime,
    window_until: datetime,
) -> dict[str, object]:
    """The memo a settled batch carries: stored by the server, readable with no worker running.
    The workflow removes it while a retry runs and writes it again when the batch settles again."""
    return {
        "settled": {
            "status": status,
            "totalFiles": total,
            "completedFiles": completed,
            "failedFiles": failed,
            "cancelled": cancelled,
            "settledAt": _when(settled_at),
            "retryWindowEndsAt": _when(window_until),
        }
    }


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")
