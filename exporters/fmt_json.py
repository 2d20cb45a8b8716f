"""JSON: one document, typed values, stable key order. Streams one record per chunk.

Shape (documented in exporters/README.md)::

    {"format": "docbatch-export", "formatVersion": 1,
     "batch": {...header...}, "template": {"id", "name", "fields": [...]},
     "results": [{"fileId", "fileName", "pages", "finishedAt",
                  "fields": {...}, "confidence": {...}}],
     "failures": [{"fileId", "fileName", "errorCode", "errorMessage", "finishedAt"}],
     "pending": [{"fileId", "fileName", "status"}]}
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from exporters.common import (
    FieldSpec,
    field_specs,
    fmt_time,
    in_progress_notice,
    rechunk,
    typed_field,
)
from exporters.model import ExportBatch, ExportFile
from exporters.registry import Exporter, register

FORMAT_VERSION = 1


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, allow_nan=False)


def batch_header(batch: ExportBatch) -> dict[str, Any]:
    return {
        "id": batch.id,
        "name": batch.name,
        "projectId": batch.projectId,
        "status": batch.status,
        "inProgress": batch.inProgress,
        "notice": in_progress_notice(batch) or None,
        "createdAt": fmt_time(batch.createdAt) or None,
        "finishedAt": fmt_time(batch.finishedAt) or None,
        "exportedAt": fmt_time(batch.exportedAt) or None,
        "totalFiles": batch.totalFiles,
        "completedFiles": batch.completedFiles,
        "failedFiles": batch.failedFiles,
        "pendingFiles": len(batch.pending),
    }


def template_header(batch: ExportBatch, specs: list[FieldSpec]) -> dict[str, Any]:
    fields = []
    for s in specs:
        f: dict[str, Any] = {"name": s.name, "type": s.kind}
        if s.format:
            f["format"] = s.format
        if s.is_line_items:
            f["columns"] = [
                {
                    "name": c.name,
                    "type": c.type or "any",
                    **({"format": c.format} if c.format else {}),
                }
                for c in s.columns
            ]
        fields.append(f)
    return {"id": batch.templateId, "name": batch.templateName, "fields": fields}


def result_record(f: ExportFile, specs: list[FieldSpec]) -> dict[str, Any]:
    return {
        "fileId": f.fileId,
        "fileName": f.fileName,
        "pages": f.pages,
        "finishedAt": fmt_time(f.finishedAt) or None,
        "fields": {s.name: typed_field(s, f.fields.get(s.name)) for s in specs},
        "confidence": {s.name: f.confidence[s.name] for s in specs if s.name in f.confidence},
        "needsReview": f.needsReview,
        "reviewed": f.reviewed,
        "corrected": f.corrected,
        **(
            {
                "original": {
                    s.name: typed_field(s, f.original.get(s.name))
                    for s in specs
                    if s.name in f.original
                }
            }
            if f.original
            else {}
        ),
    }


def failure_record(f: ExportFile) -> dict[str, Any]:
    return {
        "fileId": f.fileId,
        "fileName": f.fileName,
        "errorCode": f.errorCode,
        "errorMessage": f.errorMessage,
        "finishedAt": fmt_time(f.finishedAt) or None,
    }


def pending_record(f: ExportFile) -> dict[str, Any]:
    return {"fileId": f.fileId, "fileName": f.fileName, "status": f.status}


def _array(key: str, records: Iterator[dict[str, Any]], first: bool = False) -> Iterator[str]:
    yield ("" if first else ",\n") + f'"{key}": ['
    sep = "\n"
    for r in records:
        yield sep + _dumps(r)
        sep = ",\n"
    yield "\n]"


def iter_json(batch: ExportBatch, **_options: object) -> Iterator[str]:
    specs = field_specs(batch.templateSchema)
    yield '{"format": "docbatch-export", "formatVersion": %d,\n' % FORMAT_VERSION
    yield '"batch": ' + _dumps(batch_header(batch)) + ",\n"
    yield '"template": ' + _dumps(template_header(batch, specs)) + ",\n"
    yield from _array("results", (result_record(f, specs) for f in batch.results), first=True)
    yield from _array("failures", (failure_record(f) for f in batch.failures))
    yield from _array("pending", (pending_record(f) for f in batch.pending))
    yield "}\n"


def render(batch: ExportBatch, **options: object) -> Iterator[bytes]:
    return rechunk(iter_json(batch, **options))


register(Exporter(format="json", media_type="application/json", extension="json", render=render))
