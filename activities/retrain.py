"""The retraining activity: read an organisation's reviewed documents again, learn, store, audit.

Each reviewed document of the template (its latest ``retrain_max_documents``) is read the way the
engine reads it; its effective values (corrections win over what extraction found) label its
candidates (``extraction.learning``). The new vendor memory is always stored; the organisation's
model becomes the active one only when it beat the built-in model on held-out documents.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlmodel import col, select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from core.db import session_scope
from core.ids import new_id, utcnow
from core.models import BatchFile, OrgModel, Template
from core.settings import Settings
from core.storage import open_storage
from extraction import EngineOptions, ExtractionError, TemplateSpec
from extraction.learning.documents import org_document
from extraction.learning.examples import builtin_attribution
from extraction.learning.retrain import learn
from extraction.learning.train import OrgDocument
from extraction.readers import read_document
from workflows.retrain import RetrainInput, RetrainOutput

log = logging.getLogger("docbatch.retrain")


class RetrainActivities:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db_url = settings.sqlalchemy_url
        self.storage = open_storage(settings)
        self.options = EngineOptions(**settings.engine_option_values())

    def _reviewed(
        self, job: RetrainInput
    ) -> tuple[TemplateSpec, list[tuple[str, str, dict[str, Any], dict[str, Any]]], int]:
        """The template, and per reviewed file: id, storage key, effective values, picked boxes."""
        from core.models import FieldCorrection
        from core.review import corrections_for_org, effective_fields

        with session_scope(self.db_url) as session:
            template = session.get(Template, job.template_id)
            if template is None or template.org_id != job.org_id:
                raise ApplicationError(
                    "The template was deleted.", type="NothingToLearn", non_retryable=True
                )
            spec = TemplateSpec(template.name, template.template_schema)
            corrections: list[FieldCorrection] = corrections_for_org(
                session, job.org_id, job.template_id
            )
            by_file: dict[str, list[FieldCorrection]] = {}
            for c in corrections:
                by_file.setdefault(c.file_id, []).append(c)
            files = session.exec(
                select(BatchFile)
                .where(
                    BatchFile.org_id == job.org_id,
                    BatchFile.template_id == job.template_id,
                    BatchFile.status == "completed",
                    (col(BatchFile.reviewed_at).is_not(None))
                    | (col(BatchFile.id).in_(list(by_file))),
                )
                .order_by(col(BatchFile.finished_at).desc())
                .limit(self.settings.retrain_max_documents)
            ).all()
            out = []
            for f in files:
                mine = sorted(by_file.get(f.id, []), key=lambda c: (c.created_at, c.id or 0))
                boxes = {c.field: c.box for c in mine}
                out.append((f.id, f.storage_key, effective_fields(f, mine), boxes))
        return spec, out, len(corrections)

    @activity.defn(name="retrain_org_model")
    def retrain(self, job: RetrainInput) -> RetrainOutput:
        from core.review import record_event

        spec, reviewed, n_corrections = self._reviewed(job)
        if not reviewed:
            raise ApplicationError(
                "No reviewed document of this template yet.",
                type="NothingToLearn",
                non_retryable=True,
            )
        docs: list[OrgDocument] = []
        for i, (file_id, key, values, boxes) in enumerate(reviewed):
            activity.heartbeat(i)
            if not self.storage.exists(key):
                continue
            try:
                with self.storage.local_copy(key) as path:
                    doc = read_document(path, self.options)
            except ExtractionError as err:
                log.info("retraining skips %s: %s", file_id, err.message)
                continue
            learned = org_document(file_id, doc, spec, values, boxes)
            if learned is not None:
                docs.append(learned)
        activity.heartbeat("training")
        outcome = learn(docs)
        figures: dict[str, Any] = outcome.evaluation.to_json() if outcome.evaluation else {}
        figures["notes"] = outcome.notes
        figures["trainingData"] = builtin_attribution()
        status = "active" if outcome.switch else "kept"
        row = OrgModel(
            id=new_id("mdl"),
            org_id=job.org_id,
            template_id=job.template_id,
            version=f"org-{dt.date.today().isoformat()}-{len(docs)}docs",
            status=status,
            documents=len(docs),
            corrections=n_corrections,
            figures=figures,
            model=outcome.model,
            memory=outcome.memory,
            created_at=utcnow(),
        )
        with session_scope(self.db_url) as session:
            if outcome.switch:
                for old in session.exec(
                    select(OrgModel).where(
                        OrgModel.org_id == job.org_id,
                        OrgModel.template_id == job.template_id,
                        OrgModel.status == "active",
                    )
                ):
                    old.status = "retired"
                    session.add(old)
            session.add(row)
            detail = {
                "modelId": row.id,
                "version": row.version,
                "documents": row.documents,
                "corrections": n_corrections,
                "figures": figures,
            }
            record_event(
                session, job.org_id, "model_trained", job.actor, detail, template_id=job.template_id
            )
            record_event(
                session,
                job.org_id,
                "model_switched" if outcome.switch else "model_kept",
                job.actor,
                detail,
                template_id=job.template_id,
            )
        log.info(
            "retrained %s/%s on %d documents: %s (%s)",
            job.org_id,
            job.template_id,
            len(docs),
            status,
            figures,
        )
        return RetrainOutput(model_id=row.id, status=status, documents=len(docs))
