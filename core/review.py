"""Review and correction of extracted fields (issue 14): the service layer.

A completed file *needs review* when a required field is missing, or a found field's confidence is
below its threshold: the field's ``x-review-threshold``, else the template schema's top-level
``x-review-threshold``, else ``DEFAULT_THRESHOLD``. A person corrects fields (the extracted value
is kept beside each correction) or confirms the file as it is; both are written to the audit log
(``ReviewEvent``), which the learning helper also writes its model decisions to.

Every function that acts for a caller takes the session and the ``Principal`` and asks
``core.access`` whether the caller may see the file or template.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from core import access
from core.access import Principal
from core.ids import iso, utcnow
from core.models import BatchFile, FieldCorrection, ReviewEvent, Template
from core.review_values import ValueProblem, check_value, is_missing

THRESHOLD_KEY = "x-review-threshold"
DEFAULT_THRESHOLD = 0.6  # the file page marks fields below this as "check" too
MAX_FIELDS_PER_CORRECTION = 200
EVENT_KINDS = ("corrected", "confirmed", "model_trained", "model_switched", "model_kept")


class ReviewRefused(Exception):
    """A correction that cannot be stored: 400 (bad value) or 409 (file not completed)."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


# --- thresholds and the needs-review decision -----------------------------------------------


def as_dict(value: Any) -> dict[str, Any]:
    """A JSON column's object, or an empty one when it holds anything else."""
    return value if isinstance(value, dict) else {}


def _threshold_problem(where: str, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        return (
            f"{where}: '{THRESHOLD_KEY}' must be a number from 0 to 1 (a confidence), "
            f"got {value!r}."
        )
    return None


def threshold_problems(schema: Any) -> list[str]:
    """What is wrong with a template schema's review thresholds (checked when it is saved)."""
    if not isinstance(schema, dict):
        return []
    problems = []
    if THRESHOLD_KEY in schema:
        problems.append(_threshold_problem("templateSchema", schema[THRESHOLD_KEY]))
    props = schema.get("properties")
    for name, spec in props.items() if isinstance(props, dict) else []:
        if isinstance(spec, dict) and THRESHOLD_KEY in spec:
            problems.append(_threshold_problem(f"Field '{name}'", spec[THRESHOLD_KEY]))
    return [p for p in problems if p]


def field_threshold(schema: dict[str, Any], name: str) -> float:
    spec = (schema.get("properties") or {}).get(name)
    for source in (as_dict(spec), schema):
        value = source.get(THRESHOLD_KEY)
        if isinstance(value, (int, float)) and _threshold_problem("", value) is None:
            return float(value)
    return DEFAULT_THRESHOLD


def fields_needing_review(
    schema: dict[str, Any],
    fields: dict[str, Any],
    confidence: dict[str, Any],
    corrected: set[str] | frozenset[str] = frozenset(),
) -> list[str]:
    """The template's fields (in its order) that a person should look at; corrected ones never."""
    props = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(props, dict):
        return []
    required = schema.get("required")
    required = required if isinstance(required, list) else []
    out = []
    for name in props:
        if name in corrected:
            continue
        if is_missing(fields.get(name)):
            if name in required:
                out.append(name)
            continue
        conf = confidence.get(name)
        if isinstance(conf, bool) or not isinstance(conf, (int, float)):
            continue
        if conf < field_threshold(schema, name):
            out.append(name)
    return out


def _template_schema(session: Session, file: BatchFile) -> dict[str, Any]:
    template = session.get(Template, file.template_id)
    schema = template.template_schema if template is not None else None
    return schema if isinstance(schema, dict) else {}


def review_fields_for(schema: Any, result: Any, corrected: set[str]) -> list[str]:
    """The fields of an extraction ``result`` (as stored: fields and confidence) that need a
    person; the file needs review when there are any and nobody reviewed it yet."""
    result = as_dict(result)
    fields = result.get("fields")
    return fields_needing_review(
        schema if isinstance(schema, dict) else {},
        dict(fields) if isinstance(fields, dict) else {},
        as_dict(result.get("confidence")),
        corrected,
    )


def corrected_fields(session: Session, file_id: str) -> set[str]:
    """The fields of a file a person corrected (one read)."""
    return set(
        session.exec(select(FieldCorrection.field).where(FieldCorrection.file_id == file_id)).all()
    )


# --- values ---------------------------------------------------------------------------------


def extracted_fields(file: BatchFile) -> dict[str, Any]:
    """The values extraction produced (empty when the file has no result)."""
    result = file.result if isinstance(file.result, dict) else {}
    fields = result.get("fields")
    return dict(fields) if isinstance(fields, dict) else {}


def latest_corrections(corrections: list[FieldCorrection]) -> dict[str, FieldCorrection]:
    """The effective correction per field: the latest row (by time, then id) wins."""
    latest: dict[str, FieldCorrection] = {}
    for row in sorted(corrections, key=lambda c: (c.created_at, c.id or 0)):
        latest[row.field] = row
    return latest


def effective_fields(file: BatchFile, corrections: list[FieldCorrection]) -> dict[str, Any]:
    """The file's field values with the corrections applied (corrected values win)."""
    fields = extracted_fields(file)
    for name, row in latest_corrections([c for c in corrections if c.file_id == file.id]).items():
        fields[name] = row.value
    return fields


def corrections_for_file(session: Session, file_id: str) -> list[FieldCorrection]:
    query = select(FieldCorrection).where(FieldCorrection.file_id == file_id)
    query = query.order_by(col(FieldCorrection.created_at), col(FieldCorrection.id))
    return list(session.exec(query).all())


def corrections_for_files(
    session: Session, file_ids: list[str]
) -> dict[str, dict[str, FieldCorrection]]:
    """The effective corrections of many files at once: file id -> field -> correction."""
    if not file_ids:
        return {}
    query = select(FieldCorrection).where(col(FieldCorrection.file_id).in_(file_ids))
    rows = session.exec(query).all()
    by_file: dict[str, list[FieldCorrection]] = {}
    for row in rows:
        by_file.setdefault(row.file_id, []).append(row)
    return {fid: latest_corrections(rows) for fid, rows in by_file.items()}


def corrections_for_org(
    session: Session, org_id: str, template_id: str | None = None
) -> list[FieldCorrection]:
    """Every correction of an organization (optionally of one template), oldest first."""
    query = select(FieldCorrection).where(FieldCorrection.org_id == org_id)
    if template_id is not None:
        query = query.where(FieldCorrection.template_id == template_id)
    query = query.order_by(col(FieldCorrection.created_at), col(FieldCorrection.id))
    return list(session.exec(query).all())


def record_event(
    session: Session,
    org_id: str,
    kind: str,
    actor: str,
    detail: dict[str, Any],
    template_id: str | None = None,
    file_id: str | None = None,
) -> None:
    """Append one entry to the audit log (the caller's transaction commits it)."""
    session.add(
        ReviewEvent(
            org_id=org_id,
            template_id=template_id,
            file_id=file_id,
            kind=kind,
            actor=actor,
            detail=dict(detail),
            created_at=utcnow(),
        )
    )


# --- what the API shows ---------------------------------------------------------------------


def review_public(file: BatchFile) -> dict[str, Any]:
    """The review state every file record carries."""
    return {
        "needsReview": bool(file.needs_review),
        "reviewFields": list(file.review_fields or []),
        "reviewed": file.reviewed_at is not None,
        "reviewedAt": iso(file.reviewed_at),
        "reviewedBy": file.reviewed_by,
    }


def corrections_public(session: Session, file: BatchFile) -> dict[str, Any]:
    """Per corrected field: the value, the extracted original, who and when (the file page)."""
    return {
        name: {
            "value": row.value,
            "original": row.original_value,
            "page": row.page,
            "box": row.box,
            "by": row.actor,
            "at": iso(row.created_at),
        }
        for name, row in latest_corrections(corrections_for_file(session, file.id)).items()
    }


def batch_needs_review_count(session: Session, batch_id: str) -> int:
    query = select(func.count()).where(BatchFile.batch_id == batch_id, BatchFile.needs_review)
    return int(session.exec(query).one())


# --- acting on a file -----------------------------------------------------------------------


def _completed_file(session: Session, principal: Principal, file_id: str) -> BatchFile:
    file = access.batch_file(session, principal, file_id)
    if file.status != "completed":
        raise ReviewRefused(
            409,
            f"File {file_id} is {file.status}: only a completed file can be reviewed or corrected.",
        )
    return file


def _check_pick(name: str, pick: Any) -> tuple[int | None, list[float] | None]:
    """Where on the page a value was picked from: {"page": n, "box": [x0, y0, x1, y1]}."""
    if pick is None:
        return None, None
    if not isinstance(pick, dict) or set(pick) - {"page", "box"}:
        raise ReviewRefused(400, f"sources.{name}: must be an object with 'page' and 'box'.")
    page, box = pick.get("page"), pick.get("box")
    if page is not None and (
        isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= 10_000
    ):
        raise ReviewRefused(400, f"sources.{name}.page: must be a page number (1 or more).")
    if box is not None:
        if (
            not isinstance(box, list)
            or len(box) != 4
            or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and -1 <= v <= 2
                for v in box
            )
        ):
            raise ReviewRefused(
                400, f"sources.{name}.box: must be [x0, y0, x1, y1] as fractions of the page."
            )
        box = [float(v) for v in box]
    return page, box


def correct_fields(
    session: Session,
    principal: Principal,
    file_id: str,
    fields: Any,
    sources: Any = None,
    *,
    actor: str | None = None,
) -> BatchFile:
    """Store a person's values for some fields of a completed file (validated, originals kept)."""
    file = _completed_file(session, principal, file_id)
    if not isinstance(fields, dict) or not fields:
        raise ReviewRefused(
            400,
            'fields: send an object of field names and values, e.g. {"fields": {"total": 12.5}}.',
        )
    if len(fields) > MAX_FIELDS_PER_CORRECTION:
        raise ReviewRefused(400, f"fields: at most {MAX_FIELDS_PER_CORRECTION} fields at once.")
    if sources is not None and not isinstance(sources, dict):
        raise ReviewRefused(400, "sources: must be an object of field name -> {page, box}.")
    schema = _template_schema(session, file)
    props = as_dict(schema.get("properties"))
    clean: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in props:
            known = ", ".join(list(props)[:30])
            raise ReviewRefused(
                400, f"Field '{name}' is not in the template; its fields are: {known}."
            )
        try:
            clean[name] = check_value(props[name], value)
        except ValueProblem as exc:
            raise ReviewRefused(400, f"Field '{name}': {exc}") from None
    picks = {name: _check_pick(name, (sources or {}).get(name)) for name in clean}
    for name in sources or {}:
        if name not in clean:
            raise ReviewRefused(400, f"sources.{name}: no value for this field in 'fields'.")

    who = actor or principal.token_id
    now = utcnow()
    original = extracted_fields(file)
    for name, value in clean.items():
        page, box = picks[name]
        session.add(
            FieldCorrection(
                org_id=file.org_id,
                project_id=file.project_id,
                template_id=file.template_id,
                batch_id=file.batch_id,
                file_id=file.id,
                field=name,
                original_value=original.get(name),
                value=value,
                page=page,
                box=box,
                actor=who,
                created_at=now,
            )
        )
    record_event(
        session,
        file.org_id,
        "corrected",
        who,
        {"fields": {n: {"from": original.get(n), "to": v} for n, v in clean.items()}},
        template_id=file.template_id,
        file_id=file.id,
    )
    _mark_reviewed(file, who, now)
    session.add(file)
    session.commit()
    return file


def confirm_file(
    session: Session, principal: Principal, file_id: str, *, actor: str | None = None
) -> BatchFile:
    """A person looked at the file and accepts its values as they are."""
    file = _completed_file(session, principal, file_id)
    who = actor or principal.token_id
    now = utcnow()
    record_event(
        session,
        file.org_id,
        "confirmed",
        who,
        {"reviewFields": list(file.review_fields or [])},
        template_id=file.template_id,
        file_id=file.id,
    )
    _mark_reviewed(file, who, now)
    session.add(file)
    session.commit()
    return file


def _mark_reviewed(file: BatchFile, who: str, when: datetime) -> None:
    file.needs_review = False
    file.reviewed_at = when
    file.reviewed_by = who


def record_extras(session: Session, file: BatchFile) -> dict[str, Any]:
    """What one file record adds for review: the effective values, the extracted ones and the
    corrections (value, original, who, when)."""
    corrections = corrections_for_file(session, file.id)
    return {
        "result": effective_fields(file, corrections),
        "extracted": extracted_fields(file),
        "corrections": corrections_public(session, file),
    }


def page_words(
    session: Session, principal: Principal, file_id: str, page: int
) -> list[dict[str, Any]]:
    """The words extraction read on one page, each {"text", "box"} (box: fractions of the page).

    Stored with the result by the engine (``words``); files extracted before that have none.
    """
    file = access.batch_file(session, principal, file_id)
    result = file.result if isinstance(file.result, dict) else {}
    for entry in result.get("words") or []:
        if isinstance(entry, dict) and entry.get("page") == page:
            return [
                {"text": w[0], "box": w[1:5]}
                for w in entry.get("words") or []
                if isinstance(w, list) and len(w) == 5
            ]
    return []
