"""BatchWorkflow: one durable workflow per batch (docs/ARCHITECTURE.md, "The batch workflow").

Fans out one extraction activity per file, records failures without failing the batch,
aggregates the final status, and then stays open for a retry window so that ``retry_file``
signals (from the API or the Temporal CLI) can re-run failed files.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import TypedDict

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError
from temporalio.workflow import ActivityCancellationType

with workflow.unsafe.imports_passed_through():
    from workflows import ui_text
    from workflows.contracts import (
        BATCH_STATUS,
        BatchInput,
        BatchOutcome,
        BatchSnapshot,
        ExtractInput,
        ExtractOutput,
        FileFailure,
        FileState,
        ProgressEvent,
        ProgressQuery,
        RetryCharge,
        WebhookEvent,
    )
    from workflows.progress import final_status, progress_percent
    from workflows.vocabulary import BatchStatus, ErrorCode, FileStatus

# Problems no retry can fix (the activity also raises them as non-retryable ApplicationErrors).
PERMANENT_ERRORS: list[str] = [code.value for code in ErrorCode if code.permanent]

# Versions of the commands the workflow issues (workflow.patched): open workflows recorded
# before a patch replay without it (tests/fixtures/histories).
SETTLED_MEMO = "settled-memo"  # a settled memo with the final counts; removed while a retry runs
# document.processed is published only when the extraction says a webhook endpoint wants it
PUBLISH_IF_WANTED = "publish-if-wanted"
PREPARE_EXPORTS = "prepare-exports-1"  # the settled batch's PDF rendered ahead of its download

CANCELLED = "The batch was cancelled before this file finished."


class _ActivityOptions(TypedDict):
    start_to_close_timeout: timedelta
    retry_policy: RetryPolicy


# Database writes must eventually happen: retry them without a limit, gently.
DB_WRITE = _ActivityOptions(
    start_to_close_timeout=timedelta(seconds=30),
    retry_policy=RetryPolicy(
        initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30)
    ),
)


@workflow.defn(name="BatchWorkflow")
class BatchWorkflow:
    @workflow.init
    def __init__(self, input: BatchInput) -> None:
        self._input = input
        self._files = {f.file_id: FileState(fileId=f.file_id, name=f.name) for f in input.files}
        self._status: str = BatchStatus.PROCESSING
        self._retry_queue: list[str] = []
        self._running = 0
        self._settled_dirty = True  # the final status needs (re)computing
        self._cancel_requested = False
        self._cancelled = False
        self._activities: dict[str, workflow.ActivityHandle[object]] = {}
        self._background: list[asyncio.Task[None]] = []
        self._events: list[ProgressEvent] = []
        self._closing = False  # the retry window is over: long-polls answer at once
        self._window = timedelta(seconds=input.retry_window_seconds)
        self._window_until: datetime | None = None  # set when the batch settles

    # --- queries and signals -------------------------------------------------------------

    @workflow.query(name="progress")
    def progress(self, query: ProgressQuery | None = None) -> BatchSnapshot:
        since = query.since_seq if query else 0
        completed, failed = self._counts()
        total = len(self._files)
        return BatchSnapshot(
            batchId=self._input.batch_id,
            totalFiles=total,
            completedFiles=completed,
            failedFiles=failed,
            progress=progress_percent(completed, failed, total),
            status=self._status,
            files=list(self._files.values()),
            seq=len(self._events),
            events=[e for e in self._events if e.seq > since],
            cancelled=self._cancelled,
        )

    @workflow.update(name="wait_progress")
    async def wait_progress(self, query: ProgressQuery) -> BatchSnapshot:
        """Long-poll for the API's progress watchers: answers like the ``progress`` query as soon
        as there is an event after ``since_seq``, so a finished file reaches the WebSocket in the
        workflow task that recorded it instead of at the watcher's next poll. The watchers only
        long-poll batches that are processing, where the next event is near; the workflow answers
        every waiting call when it closes."""
        await workflow.wait_condition(lambda: len(self._events) > query.since_seq or self._closing)
        return self.progress(query)

    @workflow.signal(name="retry_file")
    def retry_file(self, file_id: str) -> None:
        """Queue one failed file for another run. Unknown or not-failed files are ignored."""
        state = self._files.get(file_id)
        if state is None or state.status != FileStatus.FAILED or file_id in self._retry_queue:
            workflow.logger.warning(
                "retry_file ignored for %s (state %s)", file_id, state and state.status
            )
            return
        state.status = FileStatus.QUEUED
        state.errorCode = state.errorMessage = None
        self._retry_queue.append(file_id)
        if self._status != BatchStatus.PROCESSING and workflow.patched(SETTLED_MEMO):
            workflow.upsert_memo({"settled": None})  # working again: the settled memo would mislead
        self._set_status(BatchStatus.PROCESSING)

    @workflow.signal(name="retry_failed")
    def retry_failed(self) -> None:
        """Queue every failed file of the batch."""
        for file_id, state in self._files.items():
            if state.status == FileStatus.FAILED:
                self.retry_file(file_id)

    @workflow.signal(name="cancel")
    def cancel(self) -> None:
        """Stop the batch: running files stop at their next heartbeat, queued ones never start."""
        if self._status != BatchStatus.PROCESSING:  # settled, nothing queued: nothing to stop
            return
        self._cancel_requested = True
        self._cancelled = True
        for handle in self._activities.values():
            handle.cancel()

    # --- the run ------------------------------------------------------------------------

    @workflow.run
    async def run(self, input: BatchInput) -> BatchOutcome:
        self._publish(
            "batch.uploaded",
            {
                "batchId": input.batch_id,
                "totalFiles": len(self._files),
                "templateId": input.template_id,
                "files": [{"fileId": f.file_id, "fileName": f.name} for f in input.files],
            },
        )
        for file_id in self._files:
            self._spawn(file_id, retry=False)
        self._show_details()
        while True:
            await workflow.wait_condition(lambda: self._running == 0 or bool(self._retry_queue))
            while self._retry_queue:
                self._spawn(self._retry_queue.pop(0), retry=True)
            if self._running:
                continue
            if self._settled_dirty:
                await self._settle()
            self._cancel_requested = False
            try:
                # Summaries are user metadata on the commands, not part of what replay compares.
                await workflow.wait_condition(
                    lambda: bool(self._retry_queue),
                    timeout=self._window,
                    timeout_summary=ui_text.window_summary(
                        self._window_until or workflow.now() + self._window
                    ),
                )
            except TimeoutError:
                break
        self._closing = True  # no command: only releases waiting wait_progress calls
        await asyncio.gather(*self._background)
        await workflow.wait_condition(workflow.all_handlers_finished)
        completed, failed = self._counts()
        return BatchOutcome(
            batch_id=input.batch_id,
            status=self._status,
            total_files=len(self._files),
            completed_files=completed,
            failed_files=failed,
            cancelled=self._cancelled,
        )

    def _spawn(self, file_id: str, *, retry: bool) -> None:
        self._running += 1
        self._settled_dirty = True
        self._background.append(asyncio.create_task(self._run_file(file_id, retry)))

    async def _run_file(self, file_id: str, retry: bool) -> None:
        state = self._files[file_id]
        try:
            if retry:
                if self._cancel_requested:  # queued for a retry, never charged
                    await self._fail(state, ErrorCode.CANCELLED, CANCELLED, refund=False)
                    return
                state.retries += 1
                charged = await workflow.execute_activity(
                    "charge_retry",
                    RetryCharge(
                        batch_id=self._input.batch_id, file_id=file_id, retry_number=state.retries
                    ),
                    result_type=bool,
                    summary=ui_text.charge_summary(state.name, state.retries),
                    **DB_WRITE,
                )
                if not charged:
                    await self._fail(
                        state,
                        ErrorCode.INSUFFICIENT_CREDITS,
                        "Not enough credits to retry this file; add credits and retry again.",
                        refund=False,
                    )
                    return
            if self._cancel_requested:
                await self._fail(state, ErrorCode.CANCELLED, CANCELLED)
                return
            state.status = FileStatus.PROCESSING
            state.attempts += 1
            # Cancelling waits for the activity to really stop, so a file that finished anyway
            # counts as completed and its database row is never written after the cancel.
            handle = workflow.start_activity(
                "extract_document",
                ExtractInput(batch_id=self._input.batch_id, file_id=file_id),
                result_type=ExtractOutput,
                # a file held ahead by a worker (DOCBATCH_WORKER_PREFETCH) may first wait for a
                # process as long as one extraction may take (5 min by default), then run as long
                start_to_close_timeout=timedelta(minutes=15),
                heartbeat_timeout=timedelta(seconds=self._input.heartbeat_timeout_seconds),
                cancellation_type=ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
                summary=ui_text.extract_summary(state.name, state.attempts),
                retry_policy=RetryPolicy(
                    initial_interval=timedelta(seconds=2),
                    backoff_coefficient=2.0,
                    maximum_interval=timedelta(minutes=1),
                    maximum_attempts=self._input.extraction_attempts,
                    non_retryable_error_types=PERMANENT_ERRORS,
                ),
            )
            self._activities[file_id] = handle
            try:
                output = await handle
            finally:
                self._activities.pop(file_id, None)
            state.status = FileStatus.COMPLETED
            self._record("document_processed", state)
            # With no endpoint listing the event, the fan-out's local activity is a lookup that
            # finds nobody, per file: skip it (the activity asked as it stored the result).
            if not output.notify and workflow.patched(PUBLISH_IF_WANTED):
                return
            self._publish(
                "document.processed",
                {
                    "batchId": self._input.batch_id,
                    "fileId": file_id,
                    "fileName": state.name,
                    "status": FileStatus.COMPLETED,
                },
            )
        except ActivityError as err:
            cause = err.cause
            if isinstance(cause, CancelledError):
                await self._fail(state, ErrorCode.CANCELLED, CANCELLED)
                return
            code = (
                cause.type
                if isinstance(cause, ApplicationError) and cause.type
                else ErrorCode.EXTRACTION_FAILED
            )
            message = getattr(cause, "message", str(cause)) if cause is not None else str(err)
            await self._fail(state, code, message)
        finally:
            self._running -= 1

    async def _fail(
        self, state: FileState, code: str, message: str, *, refund: bool = True
    ) -> None:
        state.status = FileStatus.FAILED
        state.errorCode, state.errorMessage = code, message
        self._record("document_failed", state)
        await workflow.execute_activity(
            "record_file_failure",
            FileFailure(
                batch_id=self._input.batch_id,
                file_id=state.fileId,
                code=code,
                message=message,
                attempt_key=f"{state.fileId}:{state.retries}" if refund else "",
            ),
            summary=ui_text.failure_summary(state.name, code),
            **DB_WRITE,
        )
        self._publish(
            "document.failed",
            {
                "batchId": self._input.batch_id,
                "fileId": state.fileId,
                "fileName": state.name,
                "status": FileStatus.FAILED,
                "errorCode": code,
                "errorMessage": message,
            },
        )

    async def _settle(self) -> None:
        """Every file is done: store the final status and tell the webhooks."""
        completed, failed = self._counts()
        total = len(self._files)
        status = final_status(completed, failed, total)
        outcome = BatchOutcome(
            batch_id=self._input.batch_id,
            status=status,
            total_files=total,
            completed_files=completed,
            failed_files=failed,
            cancelled=self._cancelled,
        )
        await workflow.execute_activity(
            "finalize_batch",
            outcome,
            **DB_WRITE,
            summary=ui_text.finalize_summary(status, completed, failed, total),
        )
        self._window_until = workflow.now() + self._window
        self._set_status(status)
        self._settled_dirty = False
        self._show_details()
        if workflow.patched(SETTLED_MEMO):
            # Stored by the server: readable in the UI and by `temporal workflow describe` even with
            # no worker running (current details need a worker to answer their query).
            workflow.upsert_memo(
                ui_text.settled_memo(
                    status=status,
                    completed=completed,
                    failed=failed,
                    total=total,
                    cancelled=self._cancelled,
                    settled_at=workflow.now(),
                    window_until=self._window_until,
                )
            )
        self._publish(
            "batch.completed",
            {
                "batchId": self._input.batch_id,
                "status": status,
                "totalFiles": total,
                "completedFiles": completed,
                "failedFiles": failed,
                "cancelled": self._cancelled,
            },
        )
        if workflow.patched(PREPARE_EXPORTS):
            published = self._background[-1]
            self._background.append(asyncio.create_task(self._prepare_exports(published)))

    async def _prepare_exports(self, published: asyncio.Task[None]) -> None:
        """After ``batch.completed`` is out, render the exports its download will want; a
        failure costs only the speed of that download (it renders then)."""
        await published
        try:
            await workflow.execute_activity(
                "prepare_exports",
                self._input.batch_id,
                start_to_close_timeout=timedelta(minutes=10),
                retry_policy=RetryPolicy(maximum_attempts=2),
                summary="prepare exports",
            )
        except ActivityError as exc:
            workflow.logger.warning("exports not prepared: %s", exc)

    # --- state helpers ------------------------------------------------------------------

    def _counts(self) -> tuple[int, int]:
        states = [f.status for f in self._files.values()]
        return states.count(FileStatus.COMPLETED), states.count(FileStatus.FAILED)

    def _set_status(self, status: str) -> None:
        if status != self._status:
            self._status = status
            workflow.upsert_search_attributes([BATCH_STATUS.value_set(status)])
            self._record("status_changed", None)

    def _record(self, kind: str, state: FileState | None) -> None:
        completed, failed = self._counts()
        total = len(self._files)
        self._events.append(
            ProgressEvent(
                seq=len(self._events) + 1,
                kind=kind,
                fileId=state.fileId if state else None,
                fileName=state.name if state else None,
                errorCode=state.errorCode if state else None,
                errorMessage=state.errorMessage if state else None,
                totalFiles=total,
                completedFiles=completed,
                failedFiles=failed,
                progress=progress_percent(completed, failed, total),
                status=self._status,
            )
        )
        self._show_details()

    def _show_details(self) -> None:
        """The UI's "current details" (served by a query, no command): settled or processing."""
        completed, failed = self._counts()
        workflow.set_current_details(
            ui_text.current_details(
                status=self._status,
                completed=completed,
                failed=failed,
                total=len(self._files),
                cancelled=self._cancelled,
                window_until=self._window_until,
            )
        )

    def _publish(self, event_type: str, payload: dict[str, object]) -> None:
        """Hand an event to the webhook fan-out without making the batch wait for it."""
        event = WebhookEvent(
            eventId=f"evt_{workflow.uuid4().hex[:16]}",
            eventType=event_type,
            timestamp=workflow.now().isoformat().replace("+00:00", "Z"),
            organizationId=self._input.org_id,
            projectId=self._input.project_id,
            payload=payload,
        )
        self._background.append(asyncio.create_task(self._publish_activity(event)))

    async def _publish_activity(self, event: WebhookEvent) -> None:
        # A local activity: a quick lookup that starts the durable deliveries, so it need not
        # queue behind extraction on the task queue. Deliveries themselves are workflows.
        file_name = event.payload.get("fileName")
        await workflow.execute_local_activity(
            "publish_event",
            event,
            **DB_WRITE,
            summary=ui_text.event_summary(
                event.eventType, file_name if isinstance(file_name, str) else None
            ),
        )
