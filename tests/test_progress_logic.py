"""The progress watcher's pure logic (api/progress_hub.py): snapshots to socket messages, the
replay a late subscriber gets, and the pace decision. No server: plain values in and out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from api.progress_hub import (
    created_after,
    is_busy,
    replay,
    row_state,
    snapshot_messages,
    state_at,
    visible,
)
from core.models import Batch
from workflows.contracts import BatchSnapshot, ProgressEvent

B = "batch_1"


def event(
    seq: int,
    kind: str,
    done: int,
    failed: int = 0,
    status: str = "processing",
    file_id: str | None = None,
    code: str | None = None,
) -> ProgressEvent:
    return ProgressEvent(
        seq=seq,
        kind=kind,
        fileId=file_id,
        fileName=f"{file_id}.pdf" if file_id else None,
        errorCode=code,
        errorMessage="broken" if code else None,
        totalFiles=2,
        completedFiles=done,
        failedFiles=failed,
        progress=(done + failed) * 50,
        status=status,
    )


def snapshot(
    events: list[ProgressEvent], *, seq: int | None = None, cancelled: bool = False
) -> BatchSnapshot:
    last = max(events, key=lambda e: e.seq) if events else None
    return BatchSnapshot(
        batchId=B,
        totalFiles=2,
        completedFiles=last.completedFiles if last else 0,
        failedFiles=last.failedFiles if last else 0,
        progress=last.progress if last else 0,
        status=last.status if last else "processing",
        seq=seq if seq is not None else (last.seq if last else 0),
        events=events,
        cancelled=cancelled,
    )


def counts(done: int, failed: int, status: str, **extra: object) -> dict[str, Any]:
    return {
        "batchId": B,
        "totalFiles": 2,
        "completedFiles": done,
        "failedFiles": failed,
        "progress": (done + failed) * 50,
        "status": status,
        **extra,
    }


def progress(data: dict[str, Any] | None) -> dict[str, Any]:
    return {"event": "batch_progress_updated", "data": data}


WHOLE = [
    event(1, "document_processed", 1, file_id="file_a"),
    event(2, "document_failed", 1, 1, file_id="file_b", code="CorruptFile"),
    event(3, "status_changed", 1, 1, status="partially_failed"),
]


def test_a_snapshot_becomes_document_then_progress_messages_in_event_order() -> None:
    first = snapshot([], seq=0)
    start = snapshot_messages(B, first, 0, None)
    assert start.messages == [(0, progress(counts(0, 0, "processing")))]
    assert (start.seq, start.current) == (0, counts(0, 0, "processing"))

    step = snapshot_messages(B, snapshot(list(reversed(WHOLE))), start.seq, start.current)
    assert [(seq, m["event"]) for seq, m in step.messages] == [
        (1, "document_processed"),
        (1, "batch_progress_updated"),
        (2, "document_failed"),
        (2, "batch_progress_updated"),
        (3, "batch_progress_updated"),
    ]
    assert step.messages[0][1]["data"] == {
        "batchId": B,
        "fileId": "file_a",
        "fileName": "file_a.pdf",
        "status": "completed",
        "errorCode": None,
        "errorMessage": None,
    }
    assert step.messages[2][1]["data"] == {
        "batchId": B,
        "fileId": "file_b",
        "fileName": "file_b.pdf",
        "status": "failed",
        "errorCode": "CorruptFile",
        "errorMessage": "broken",
    }
    assert step.messages[-1][1]["data"] == counts(1, 1, "partially_failed")
    assert (step.seq, step.current) == (3, counts(1, 1, "partially_failed"))


def test_a_late_first_poll_still_opens_with_the_empty_batch() -> None:
    # two API processes whose first polls fall before and after the first event send the same
    # messages: both open with the batch's empty start
    early = snapshot_messages(B, snapshot([], seq=0), 0, None)
    early = snapshot_messages(B, snapshot(WHOLE), early.seq, early.current)
    late = snapshot_messages(B, snapshot(WHOLE), 0, None)
    assert late.messages[0] == (0, progress(counts(0, 0, "processing")))
    assert [m for _, m in late.messages] == [
        progress(counts(0, 0, "processing")),
        *[m for _, m in early.messages],
    ]
    # a watcher that showed the database's "uploading" row first moves on to the same start
    uploading = counts(0, 0, "uploading")
    after_row = snapshot_messages(B, snapshot(WHOLE), 0, uploading)
    assert after_row.messages == late.messages


def test_events_already_seen_and_unchanged_counts_send_nothing() -> None:
    seen = snapshot_messages(B, snapshot(WHOLE[:2]), 0, None)
    again = snapshot_messages(B, snapshot(WHOLE[:2]), seen.seq, seen.current)
    assert again.messages == [] and again.seq == 2 and again.current == seen.current

    # a document event whose counts equal the previous ones: the document message only
    same = event(3, "document_processed", 1, 1, file_id="file_a")
    step = snapshot_messages(B, snapshot([same]), 2, counts(1, 1, "processing"))
    assert [m["event"] for _, m in step.messages] == ["document_processed"]


def test_the_snapshot_seq_moves_on_even_without_events_and_cancel_marks_only_final_states() -> None:
    quiet = snapshot_messages(B, snapshot([], seq=7), 3, counts(0, 0, "processing"))
    assert quiet.messages == [] and quiet.seq == 7

    cancelled = [
        event(1, "document_failed", 0, 1, file_id="file_a", code="Cancelled"),
        event(2, "document_failed", 0, 2, status="failed", file_id="file_b", code="Cancelled"),
    ]
    step = snapshot_messages(B, snapshot(cancelled, cancelled=True), 0, None)
    datas = [m["data"] for _, m in step.messages if m["event"] == "batch_progress_updated"]
    assert datas == [
        counts(0, 0, "processing"),
        counts(0, 1, "processing"),
        counts(0, 2, "failed", cancelled=True),
    ]


def test_state_at_any_event_number() -> None:
    step = snapshot_messages(B, snapshot(WHOLE), 0, None)
    log = step.messages
    assert state_at(B, log, step.current, 0) == counts(0, 0, "processing")
    assert state_at(B, log, step.current, 1) == counts(1, 0, "processing")
    assert state_at(B, log, step.current, 2) == counts(1, 1, "processing")
    assert state_at(B, log, step.current, 99) == counts(1, 1, "partially_failed")
    assert state_at(B, [], None, 5) is None  # nothing known about the batch


def test_replay_for_a_late_or_reloading_subscriber() -> None:
    step = snapshot_messages(B, snapshot(WHOLE), 0, None)
    log, seq, current = step.messages, step.seq, step.current

    # joining now: the current state only (or nothing when the caller asked for no initial state)
    assert replay(B, log, seq, current, None) == [(3, progress(current))]
    assert replay(B, log, seq, current, None, initial=False) == []
    assert replay(B, log, seq, None, None) == []

    # joining from event 1: the state after event 1, then everything logged after it, in order
    from_one = replay(B, log, seq, current, 1)
    assert from_one[0] == (1, progress(counts(1, 0, "processing")))
    assert from_one[1:] == [(at, m) for at, m in log if at > 1]
    assert replay(B, log, seq, current, 1, initial=False) == from_one[1:]

    # since=0 replays the whole batch from its empty start; a since past the end gives the final
    # state at the end
    assert replay(B, log, seq, current, 0) == log
    assert replay(B, log, seq, current, 50) == [(3, progress(current))]

    # replayed states are copies: a subscriber changing one does not change the log
    replay(B, log, seq, current, 1)[0][1]["data"]["status"] = "changed"
    assert state_at(B, log, current, 1) == counts(1, 0, "processing")


def test_busy_pace_until_a_final_status() -> None:
    assert is_busy(None)
    assert is_busy(counts(0, 0, "uploading")) and is_busy(counts(1, 0, "processing"))
    assert not any(is_busy(counts(1, 1, s)) for s in ("completed", "partially_failed", "failed"))


def test_database_rows_visibility_and_creation_time() -> None:
    naive = datetime(2026, 1, 1, 12, 0)  # SQLite hands datetimes back naive; they are UTC
    row = Batch(
        id=B,
        org_id="org_1",
        project_id="prj_a",
        template_id="tpl",
        template_name="t",
        name="n",
        total_files=2,
        completed_files=1,
        failed_files=1,
        progress=100,
        status="partially_failed",
        created_at=naive,
        updated_at=naive,
    )
    assert row_state(row) == counts(1, 1, "partially_failed")
    other = Batch(
        id="batch_2",
        org_id="org_1",
        project_id="prj_b",
        template_id="tpl",
        template_name="t",
        name="n",
        total_files=1,
        created_at=naive,
        updated_at=naive,
    )
    assert visible([row, other], None) == [row, other]
    assert visible([row, other], "prj_b") == [other]
    moment = naive.replace(tzinfo=UTC)
    assert created_after(row, moment) and created_after(row, moment - timedelta(seconds=1))
    assert not created_after(row, moment + timedelta(seconds=1))
