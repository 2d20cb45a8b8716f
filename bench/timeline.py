"""How busy the worker's extraction slots were during a batch, from the batch workflow's history
(server timestamps, so the figure does not depend on the bench's own clock or polling)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from core.temporal import workflow_id


@dataclass(frozen=True)
class SlotUse:
    first_start_s: float  # from the workflow's start to the first extraction's start
    occupancy: float  # activity-seconds / (processes x first start .. last end)
    median_gap_ms: float  # from one extraction's end to the start of the activity that follows

    def line(self) -> str:
        return (
            f"first extraction {self.first_start_s * 1000:.0f} ms after the workflow started; "
            f"extraction activities ran {self.occupancy:.0%} of the processes' time from the "
            f"first start to the last end (over 100%: a file held ahead, waiting for a process); "
            f"a process waits {self.median_gap_ms:.1f} ms (median) for its next file's activity"
        )


async def slot_use(client: Client, batch_id: str, slots: int) -> SlotUse:
    history = await client.get_workflow_handle(workflow_id(batch_id)).fetch_history()
    names: dict[int, str] = {}
    starts: dict[int, float] = {}
    ends: dict[int, float] = {}
    origin = history.events[0].event_time.ToMicroseconds() / 1e6
    for e in history.events:
        at = e.event_time.ToMicroseconds() / 1e6 - origin
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            names[e.event_id] = e.activity_task_scheduled_event_attributes.activity_type.name
        elif e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            starts[e.activity_task_started_event_attributes.scheduled_event_id] = at
        elif e.event_type in (
            EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
        ):
            attrs = (
                e.activity_task_completed_event_attributes
                if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
                else e.activity_task_failed_event_attributes
            )
            ends[attrs.scheduled_event_id] = at
    runs = sorted(
        (starts[k], ends[k]) for k in ends if names.get(k) == "extract_document" and k in starts
    )
    if not runs:
        return SlotUse(0.0, 0.0, 0.0)
    first, last = runs[0][0], max(end for _, end in runs)
    busy = sum(end - start for start, end in runs)
    # with every slot taken, file n + slots starts when one of the first n + 1 has ended
    done = sorted(end for _, end in runs)
    gaps = [max(0.0, s - e) for (s, _), e in zip(runs[slots:], done, strict=False)]
    return SlotUse(
        first_start_s=first,
        occupancy=busy / (slots * (last - first)) if last > first else 1.0,
        median_gap_ms=statistics.median(gaps) * 1000 if gaps else 0.0,
    )
