"""Build the one export model from the database, and the download's file name.

``load_export_batch`` reads the batch's files in upload order (``position``), selecting plain
columns rather than ORM objects (nothing is kept in the session's identity map), so the only
copy of the results held while exporting is the ``ExportBatch`` itself.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote

from sqlmodel import Session, select

from core.ids import utcnow
from core.models import Batch, BatchFile, Template
from core.review import corrections_for_files
from exporters.model import ExportBatch, ExportFile

COMPLETED = {"completed"}
FAILED = {"failed", "cancelled", "canceled", "error"}
# Anything else (queued, processing, uploaded, retrying…) is not finished: the export is partial.

_MAX_NAME = 100
_WINDOWS_RESERVED = {
    "con", "prn", "aux", "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}


def _schema_from_results(rows: list[ExportFile]) -> dict[str, Any]:
    """The template is gone: the field names found in the results, in order of first sight."""
    props: dict[str, Any] = {}
    for f in rows:
        for name, value in f.fields.items():
            if name in props:
                continue
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                cols: dict[str, Any] = {}
                for item in value:
                    for k in item:
                        cols.setdefault(str(k), {})
                props[name] = {"type": "array", "items": {"type": "object", "properties": cols}}
            elif isinstance(value, bool):
                props[name] = {"type": "boolean"}
            elif isinstance(value, (int, float)):
                props[name] = {"type": "number"}
            else:
                props[name] = {}
    return {"type": "object", "properties": props}


def load_export_batch(
    session: Session, batch: Batch, file_ids: list[str] | None = None, *,
    with_original: bool = False,
) -> ExportBatch:
    """The batch's header, results, failures and pending files, fields in the template's order.

    ``file_ids`` limits the export to those files of the batch (the per-file export); the
    counts then describe the files exported. ``inProgress`` is set when any exported file is
    not finished (queued/processing): those files are listed in ``pending``. Fields a person
    corrected carry the corrected value; ``with_original`` keeps the extracted ones beside them.
    """
    stmt = (
        select(
            BatchFile.id,
            BatchFile.file_name,
            BatchFile.status,
            BatchFile.result,
            BatchFile.pages,
            BatchFile.error_code,
            BatchFile.error_message,
            BatchFile.finished_at,
            BatchFile.needs_review,
            BatchFile.reviewed_at,
        )
        .where(BatchFile.batch_id == batch.id)
        .order_by(BatchFile.position, BatchFile.created_at, BatchFile.id)
    )
    if file_ids is not None:
        if not file_ids:
            stmt = stmt.where(BatchFile.id.in_([""]))  # type: ignore[attr-defined]
        else:
            stmt = stmt.where(BatchFile.id.in_(list(file_ids)))  # type: ignore[attr-defined]

    results: list[ExportFile] = []
    failures: list[ExportFile] = []
    pending: list[ExportFile] = []
    rows = session.exec(stmt).all()
    corrections = corrections_for_files(
        session, [r[0] for r in rows if (r[2] or "") in COMPLETED and r[9] is not None]
    )
    for fid, name, status, result, pages, code, message, finished, needs, reviewed in rows:
        status = status or ""
        if status in COMPLETED:
            res = result if isinstance(result, dict) else {}
            fields = res.get("fields") if isinstance(res.get("fields"), dict) else {}
            conf_raw = res.get("confidence") if isinstance(res.get("confidence"), dict) else {}
            confidence = {
                str(k): float(v)
                for k, v in conf_raw.items()
                if isinstance(v, (int, float)) and not isinstance(v, bool)
            }
            if pages is None and isinstance(res.get("pages"), int):
                pages = res["pages"]
            fixed = corrections.get(fid, {})
            original = {n: fields.get(n) for n in fixed} if with_original else {}
            fields = {**fields, **{n: c.value for n, c in fixed.items()}}
            results.append(
                ExportFile(
                    fileId=fid,
                    fileName=name,
                    status=status,
                    fields=fields,
                    confidence=confidence,
                    pages=pages,
                    finishedAt=finished,
                    needsReview=bool(needs),
                    reviewed=reviewed is not None,
                    corrected=list(fixed),
                    original=original,
                )
            )
        elif status in FAILED:
            failures.append(
                ExportFile(
                    fileId=fid,
                    fileName=name,
                    status=status,
                    pages=pages,
                    errorCode=code,
                    errorMessage=message,
                    finishedAt=finished,
                )
            )
        else:
            pending.append(ExportFile(fileId=fid, fileName=name, status=status))

    template = session.get(Template, batch.template_id) if batch.template_id else None
    schema = template.template_schema if template is not None else None
    if not (isinstance(schema, dict) and isinstance(schema.get("properties"), dict)):
        schema = _schema_from_results(results)
    template_name = batch.template_name or (template.name if template is not None else "")

    return ExportBatch(
        id=batch.id,
        name=batch.name,
        templateId=batch.template_id,
        templateName=template_name,
        templateSchema=schema,
        projectId=batch.project_id,
        status=batch.status,
        totalFiles=len(results) + len(failures) + len(pending),
        completedFiles=len(results),
        failedFiles=len(failures),
        createdAt=batch.created_at,
        finishedAt=batch.finished_at,
        exportedAt=utcnow(),
        inProgress=bool(pending),
        results=results,
        failures=failures,
        pending=pending,
    )


def export_filename(batch_name: str, extension: str) -> str:
    """An ASCII file name for ``Content-Disposition: attachment; filename="…"``.

    Accents are folded (``Müller`` → ``Muller``), anything but letters, digits, ``.``, ``-`` and
    ``_`` becomes ``_``; no path separators, quotes, control characters or leading dots; at most
    100 characters before the extension; ``export`` when nothing is left.
    """
    ext = re.sub(r"[^A-Za-z0-9]", "", extension or "")[:10]
    folded = unicodedata.normalize("NFKD", batch_name or "").encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", folded)
    stem = re.sub(r"_{2,}", "_", stem)
    stem = re.sub(r"\.{2,}", ".", stem)
    stem = stem.strip("._- ")[:_MAX_NAME].rstrip("._- ")
    if not stem:
        stem = "export"
    if stem.split(".")[0].lower() in _WINDOWS_RESERVED:
        stem = f"{stem}_export"
    return f"{stem}.{ext}" if ext else stem


def utf8_filename(batch_name: str, extension: str) -> str:
    """The UTF-8 name for RFC 5987 ``filename*=UTF-8''…`` (percent-encoded, path-safe)."""
    name = unicodedata.normalize("NFC", batch_name or "")
    name = re.sub(r'[\x00-\x1f\x7f/\\"]+', "_", name).strip(" .")[:150] or "export"
    ext = re.sub(r"[^A-Za-z0-9]", "", extension or "")[:10]
    return quote(f"{name}.{ext}" if ext else name, safe="")


def content_disposition(batch_name: str, extension: str) -> str:
    """A complete ``Content-Disposition`` value with both the ASCII and the UTF-8 name."""
    return (
        f'attachment; filename="{export_filename(batch_name, extension)}"; '
        f"filename*=UTF-8''{utf8_filename(batch_name, extension)}"
    )
