"""ExportsRefreshWorkflow: prepare a settled batch's slow exports again after people review it.

A correction or a confirmation changes what the batch's exports show, so the PDF the worker
prepared when the batch settled no longer matches and the next download would render it afresh
(seconds for a large batch). The review routes signal-with-start this workflow
(``core.temporal.refresh_prepared_exports``, id ``exports-<batchId>``): a person correcting
file after file sends one signal each, and the exports are prepared once they have paused for
``quiet_seconds``, through the same ``prepare_exports`` activity as at settlement. A signal that
arrives while the activity runs gives one more round; one that arrives after the workflow closed
starts a new one. Deterministic: signals, timers and one activity per round.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

CHANGED = "changed"  # the signal: a file of the batch was corrected or confirmed


class ExportsRefreshInput(BaseModel):
    batch_id: str
    quiet_seconds: float = 10.0  # how long reviews must pause before the exports are prepared


@workflow.defn(name="ExportsRefreshWorkflow")
class ExportsRefreshWorkflow:
    def __init__(self) -> None:
        self._changes = 0
        self._waiting_since = 0  # the change count a quiet wait started from

    @workflow.signal(name=CHANGED)
    def changed(self) -> None:
        self._changes += 1

    @workflow.run
    async def run(self, job: ExportsRefreshInput) -> int:
        """Prepare the exports after each pause in the reviews; returns the rounds run."""
        rounds = 0
        while True:  # started by a signal: at least one round
            await self._quiet(timedelta(seconds=job.quiet_seconds))
            seen = self._changes
            try:
                await workflow.execute_activity(
                    "prepare_exports",
                    job.batch_id,
                    start_to_close_timeout=timedelta(minutes=10),
                    retry_policy=RetryPolicy(maximum_attempts=2),
                    summary="prepare exports after review",
                )
            except ActivityError as exc:  # costs only the speed of the next download
                workflow.logger.warning("exports not prepared again: %s", exc)
            rounds += 1
            if self._changes == seen:
                return rounds

    async def _quiet(self, pause: timedelta) -> None:
        """Return once no change has arrived for ``pause``."""
        while True:
            self._waiting_since = self._changes
            try:
                await workflow.wait_condition(self._changed_while_waiting, timeout=pause)
            except TimeoutError:
                return

    def _changed_while_waiting(self) -> bool:
        return self._changes != self._waiting_since
