"""The template test's activities: extract the sample in a child process; refund a failed run."""

from __future__ import annotations

import logging
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory, CancelledError

from activities.extract import heartbeating
from core.credits import apply_change
from core.db import session_scope
from core.secret_box import unseal_engine
from core.settings import Settings
from core.storage import open_storage
from extraction import EngineOptions, ExtractionError, TemplateSpec, TransientExtractionError
from extraction.child import ChildPool, ExtractionCancelled
from workflows.template_test import TemplateTestInput

log = logging.getLogger("docbatch.template_test")


def charge_key(run_id: str) -> str:
    return f"template-test:{run_id}"


def refund(settings: Settings, org_id: str, run_id: str) -> None:
    """Give a run's credit back, once (the workflow and the API may both try)."""
    with session_scope(settings.sqlalchemy_url) as session:
        apply_change(
            session, org_id, +1, reason="template_test_refund", key=f"{charge_key(run_id)}:refund"
        )


class TemplateTestActivities:
    def __init__(self, settings: Settings, children: ChildPool) -> None:
        self.settings = settings
        self.children = children
        self.storage = open_storage(settings)
        self.heartbeat_every = max(0.2, settings.heartbeat_timeout_seconds / 4)

    @activity.defn(name="test_template")
    def test_template(self, job: TemplateTestInput) -> dict[str, Any]:
        """The engine on the sample with the (possibly unsaved) template; the sample is removed
        once the answer is final (kept for a retry after a transient failure)."""
        spec = TemplateSpec(
            job.name,
            job.template_schema,
            job.instructions,
            unseal_engine(self.settings, job.engine),
        )
        options = EngineOptions(
            **{
                **self.settings.engine_option_values(),
                "max_pages": min(self.settings.max_pages, job.max_pages),
            }
        )
        if not self.storage.exists(job.storage_key):
            raise ApplicationError(
                "The sample file is missing from storage; upload it again.",
                type="FileMissing",
                non_retryable=True,
            )
        try:
            with (
                self.storage.local_copy(job.storage_key) as path,
                heartbeating(self.heartbeat_every),
            ):
                result = self.children.extract(path, spec, options, cancelled=activity.is_cancelled)
        except ExtractionCancelled:
            raise CancelledError("Cancelled") from None
        except ExtractionError as err:
            self.storage.delete(job.storage_key)
            raise ApplicationError(
                err.message,
                type=err.code,
                non_retryable=True,
                category=ApplicationErrorCategory.BENIGN,
            ) from None
        except TransientExtractionError as err:
            raise ApplicationError(str(err), type="TransientExtractionError") from err
        self.storage.delete(job.storage_key)
        log.info("template test %s on %s: %d fields", job.run_id, job.file_name, len(result.fields))
        return result.to_dict()

    @activity.defn(name="refund_template_test")
    def refund_template_test(self, job: TemplateTestInput) -> None:
        """A sample that failed is not charged (like a file of a batch); once per run."""
        refund(self.settings, job.org_id, job.run_id)
        self.storage.delete(job.storage_key)

    def activities(self) -> list:
        return [self.test_template, self.refund_template_test]
