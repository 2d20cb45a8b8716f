"""Helpers shared by the format modules: field specs, typed values, display text, summary.

Every format shows the same content, so the decisions about what a value looks like are made
here once: ``typed_value`` for the machine formats (json, xml), ``display_text`` for the ones a
person reads (csv cells, html, pdf, docx, text).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from core.ids import iso
from exporters.model import ExportBatch, ExportFile

CHUNK_SIZE = 64 * 1024

_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_INT_RE = re.compile(r"^[+-]?\d+$")
# Characters XML 1.0 forbids (python-docx writes XML too): C0 controls but tab/newline/CR,
# lone surrogates, U+FFFE and U+FFFF.
_XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a line-items field (a key of ``items.properties``)."""

    name: str
    type: str = ""  # JSON Schema type: string, number, integer, boolean, ...
    format: str = ""


@dataclass(frozen=True)
class FieldSpec:
    """One template field, in the template's order."""

    name: str
    type: str = ""
    format: str = ""
    description: str = ""
    columns: tuple[ColumnSpec, ...] = field(default_factory=tuple)  # line-items fields only
    is_line_items: bool = False

    @property
    def kind(self) -> str:
        """The field kind the exports name: lineItems, or the JSON Schema type (or 'any')."""
        if self.is_line_items:
            return "lineItems"
        return self.type or "any"


def _schema_type(prop: dict[str, Any]) -> str:
    t = prop.get("type", "")
    if isinstance(t, list):  # ["number", "null"]
        t = next((x for x in t if x != "null"), "")
    return t if isinstance(t, str) else ""


def field_specs(schema: dict[str, Any]) -> list[FieldSpec]:
    """The template's fields in order. ``type: array`` of ``type: object`` is a line-items field."""
    specs: list[FieldSpec] = []
    props = schema.get("properties") or {}
    for name, prop in props.items():
        prop = prop if isinstance(prop, dict) else {}
        t = _schema_type(prop)
        items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
        columns: tuple[ColumnSpec, ...] = ()
        is_li = t == "array" and _schema_type(items) == "object"
        if is_li:
            cols = items.get("properties") or {}
            columns = tuple(
                ColumnSpec(
                    name=str(c),
                    type=_schema_type(cp if isinstance(cp, dict) else {}),
                    format=str((cp or {}).get("format", "")) if isinstance(cp, dict) else "",
                )
                for c, cp in cols.items()
            )
        specs.append(
            FieldSpec(
                name=str(name),
                type=t,
                format=str(prop.get("format", "") or ""),
                description=str(prop.get("description", "") or ""),
                columns=columns,
                is_line_items=is_li,
            )
        )
    return specs


def item_columns(spec: FieldSpec, items: Any) -> list[ColumnSpec]:
    """Columns of a line-items value: the schema's, then any extra keys found in the items."""
    cols = list(spec.columns)
    known = {c.name for c in cols}
    if isinstance(items, list):
        for it in items:
            if isinstance(it, dict):
                for k in it:
                    if str(k) not in known:
                        known.add(str(k))
                        cols.append(ColumnSpec(name=str(k)))
    return cols


# ---------------------------------------------------------------- typed values (json, xml)


def _number(value: str, want: str) -> int | float | str:
    s = value.strip()
    if not _NUMBER_RE.match(s):
        return value
    if _INT_RE.match(s) and (want == "integer" or want == "number"):
        try:
            return int(s)
        except ValueError:  # pragma: no cover
            return value
    try:
        f = float(s)
    except ValueError:  # pragma: no cover
        return value
    if not math.isfinite(f):
        return value
    return f


def typed_value(value: Any, type_: str = "", format_: str = "") -> Any:
    """A JSON-ready value: numbers as numbers, dates as ISO strings, nothing lost.

    A string in a number field is converted only when it is a plain number literal; anything
    else is kept as the string it is (an export never drops what the engine found).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, str):
        if type_ in ("number", "integer"):
            return _number(value, type_)
        return value
    if isinstance(value, dict):
        return {str(k): typed_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [typed_value(v) for v in value]
    return str(value)


def typed_field(spec: FieldSpec, value: Any) -> Any:
    """``typed_value`` for a template field; line items typed column by column."""
    if spec.is_line_items and isinstance(value, list):
        col_types = {c.name: c for c in spec.columns}
        out = []
        for item in value:
            if isinstance(item, dict):
                row = {}
                for c in item_columns(spec, [item]):
                    if c.name in item:
                        cs = col_types.get(c.name, c)
                        row[c.name] = typed_value(item[c.name], cs.type, cs.format)
                out.append(row)
            else:
                out.append(typed_value(item))
        return out
    return typed_value(value, spec.type, spec.format)


def value_type(value: Any) -> str:
    """The JSON type name of a typed value: null, boolean, integer, number, string, list, object."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return "string"


# ---------------------------------------------------------------- display text (people)


def number_text(v: int | float) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    r = repr(v)
    if "e" in r or "E" in r:
        r = format(v, "f").rstrip("0").rstrip(".") or "0"
    return r


def display_text(value: Any, type_: str = "", format_: str = "") -> str:
    """The text a person sees for a value. None is the empty string."""
    v = typed_value(value, type_, format_)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return number_text(v)
    if isinstance(v, str):
        return v
    return json.dumps(v, ensure_ascii=False, separators=(", ", ": "))


def is_numeric(value: Any, type_: str = "") -> bool:
    v = typed_value(value, type_)
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def clean_text(s: str) -> str:
    """Replace characters XML 1.0 cannot carry (NUL and other C0 controls) with U+FFFD."""
    return _XML_ILLEGAL_RE.sub("\ufffd", s)


# ---------------------------------------------------------------- batch header


def fmt_time(dt: datetime | None) -> str:
    return iso(dt) or ""


def summary_items(batch: ExportBatch) -> list[tuple[str, str]]:
    """The batch header every format shows, as (label, text) pairs in a fixed order."""
    return [
        ("Batch", batch.name),
        ("Batch ID", batch.id),
        ("Template", batch.templateName),
        ("Template ID", batch.templateId),
        ("Project ID", batch.projectId),
        ("Status", batch.status + (" (in progress: partial export)" if batch.inProgress else "")),
        ("Created", fmt_time(batch.createdAt)),
        ("Finished", fmt_time(batch.finishedAt) or "not finished"),
        ("Exported", fmt_time(batch.exportedAt)),
        ("Total files", str(batch.totalFiles)),
        ("Completed", str(batch.completedFiles)),
        ("Failed", str(batch.failedFiles)),
        ("Pending", str(len(batch.pending))),
    ]


def in_progress_notice(batch: ExportBatch) -> str:
    """The sentence every format shows when the export is partial; empty when it is not."""
    if not batch.inProgress:
        return ""
    n = len(batch.pending)
    return (
        f"PARTIAL EXPORT: this batch is still processing. It holds the {len(batch.results)} "
        f"file(s) finished so far; {n} file(s) not finished yet are listed under "
        f'"Pending files".'
    )


def failure_reason(f: ExportFile) -> str:
    code = f.errorCode or ""
    msg = f.errorMessage or ""
    if code and msg:
        return f"{code}: {msg}"
    return code or msg or "failed (no reason recorded)"


# ---------------------------------------------------------------- streaming


def rechunk(parts: Iterable[str | bytes], size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """Join small string/bytes pieces into chunks of about ``size`` bytes (UTF-8)."""
    buf: list[bytes] = []
    n = 0
    for p in parts:
        b = p.encode("utf-8") if isinstance(p, str) else p
        if not b:
            continue
        buf.append(b)
        n += len(b)
        if n >= size:
            yield b"".join(buf)
            buf, n = [], 0
    if buf:
        yield b"".join(buf)


def split_bytes(data: bytes, size: int = CHUNK_SIZE) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]
