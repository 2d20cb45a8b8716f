"""Prepare a settled batch's slow exports (PDF) in the worker, so its download streams them.

The batch workflow starts ``prepare_exports`` after it has settled the batch and published
``batch.completed`` (workflows/batch.py), so nobody waits for it; the export refresh
(workflows/exports.py) starts it again once people pause reviewing a settled batch. It renders
through the download's own code (services.exports.prepare_export) and stores under the content
key the download looks up (exporters/cache.py). ``DOCBATCH_PREPARE_EXPORTS`` names the formats;
empty: the activity does nothing and downloads render as they come.
"""

from __future__ import annotations

import logging
import time

from temporalio import activity

from core.db import session_scope
from core.logs import log_context
from core.models import Batch
from core.settings import Settings
from core.storage import open_storage
from exporters.build import load_export_batch
from exporters.cache import delete_prepared
from services.exports import prepare_export
from workflows.vocabulary import SETTLED_BATCH_STATUSES

log = logging.getLogger("docbatch.exports")


class ExportActivities:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @activity.defn(name="prepare_exports")
    def prepare_exports(self, batch_id: str) -> list[str]:
        """Render and store the batch's exports in the set formats; returns those it rendered
        (a format whose content is stored already is skipped)."""
        formats = self.settings.prepared_formats
        if not formats:
            return []
        rendered: list[str] = []
        with log_context(batch_id, None):
            with session_scope(self.settings.sqlalchemy_url) as session:  # closed before printing
                batch = session.get(Batch, batch_id)
                if batch is None or batch.deleted_at is not None:
                    return []
                if batch.status not in SETTLED_BATCH_STATUSES:  # retried meanwhile: it settles
                    return []  # again and is prepared then
                org_id, data = batch.org_id, load_export_batch(session, batch)
            storage = open_storage(self.settings)
            for fmt in formats:
                started = time.perf_counter()
                if prepare_export(storage, org_id, data, fmt):
                    rendered.append(fmt)
                    log.info("%s export prepared in %.2f s", fmt, time.perf_counter() - started)
            with session_scope(self.settings.sqlalchemy_url) as session:
                batch = session.get(Batch, batch_id)
                if batch is not None and batch.deleted_at is not None:  # deleted meanwhile
                    delete_prepared(storage, org_id, batch_id)
        return rendered
