"""What every file of a batch is extracted with (the template and the organisation's learned
model), read from the database once per batch by each worker instead of once per file.

A batch's files share one reading: taken when the worker extracts the batch's first file, kept
for ``CONTEXT_SECONDS`` (a long batch picks up a template or model changed meanwhile at most
that late) and read again for every file that runs a second time (a retried file, or a
Temporal retry after a crash), so a retry always uses the current template and model.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection
from sqlmodel import Session
from temporalio.exceptions import ApplicationError

from core.learning import learning_payload
from core.models import Template
from core.secret_box import unseal_engine
from core.settings import Settings
from extraction import TemplateSpec

CONTEXT_SECONDS = 60.0
MAX_BATCHES = 64  # batches remembered per worker (the oldest is forgotten first)


@dataclass(frozen=True)
class BatchContext:
    spec: TemplateSpec
    learned: dict[str, Any] | None  # EngineOptions.learning: the org's model and memory
    read_at: float  # time.monotonic()


class BatchContexts:
    """Per-worker memory of the batches' contexts, keyed by batch, organisation and template."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._entries: OrderedDict[tuple[str, str, str], BatchContext] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, conn: Connection, batch_id: str, org_id: str, template_id: str, *, fresh: bool
    ) -> BatchContext:
        """The batch's context; read from the database (on ``conn``, in its transaction) when
        ``fresh`` or not remembered."""
        key = (batch_id, org_id, template_id)
        now = time.monotonic()
        with self._lock:
            known = self._entries.get(key)
        if known is not None and not fresh and now - known.read_at < CONTEXT_SECONDS:
            return known
        with Session(bind=conn) as session:  # in the caller's transaction
            context = self._read(session, org_id, template_id, now)
        with self._lock:
            self._entries[key] = context
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_BATCHES:
                self._entries.popitem(last=False)
        return context

    def _read(self, session: Session, org_id: str, template_id: str, now: float) -> BatchContext:
        template = session.get(Template, template_id)
        if template is None:
            raise ApplicationError(
                "The batch's template was deleted.", type="InvalidTemplate", non_retryable=True
            )
        spec = TemplateSpec(
            name=template.name,
            schema=template.template_schema,
            instructions=template.instructions,
            engine=unseal_engine(self.settings, template.engine),
        )
        learned = learning_payload(session, org_id, template_id)  # issue 14: org model
        return BatchContext(spec=spec, learned=learned, read_at=now)
