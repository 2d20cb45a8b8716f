"""A person's value for a template field, checked against the field's JSON Schema.

Templates use a small subset of JSON Schema (``extraction.templates``): top-level fields are
string (maybe ``format: date``/``date-time``), number, integer, boolean, or an array of line
items whose columns are scalars. A value is checked against exactly that, so deep nesting, wrong
types and huge values are refused with a message naming what is wrong. ``null`` clears a field.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

MAX_TEXT = 2_000  # characters of one string value
MAX_ROWS = 500  # line items of one field


class ValueProblem(ValueError):
    """Why a value does not fit its field, in words for the person who typed it."""


def is_missing(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _type_of(spec: dict[str, Any]) -> str:
    typ = spec.get("type")
    if isinstance(typ, list):
        typ = next((t for t in typ if t != "null"), None)
    return typ if isinstance(typ, str) else ""


def _scalar(spec: dict[str, Any], value: Any, where: str) -> Any:
    kind = _type_of(spec)
    if value is None:
        return None
    if kind in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueProblem(f"{where}must be a {kind}, got {_name(value)}.")
        if not math.isfinite(value) or abs(value) > 1e15:
            raise ValueProblem(f"{where}must be a finite number of at most 15 digits.")
        if kind == "integer":
            if value != int(value):
                raise ValueProblem(f"{where}must be a whole number, got {value}.")
            return int(value)
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ValueProblem(f"{where}must be true or false, got {_name(value)}.")
        return value
    if not isinstance(value, str):  # string, or a field without a declared type
        raise ValueProblem(f"{where}must be text, got {_name(value)}.")
    if len(value) > MAX_TEXT:
        raise ValueProblem(f"{where}is {len(value)} characters long; at most {MAX_TEXT} are kept.")
    if "\x00" in value:
        raise ValueProblem(f"{where}must not contain NUL characters.")
    value = value.strip()
    fmt = spec.get("format")
    if value and fmt == "date":
        try:
            value = date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValueProblem(
                f"{where}must be a date like 2026-03-31, got {value[:40]!r}."
            ) from None
    elif value and fmt == "date-time":
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise ValueProblem(f"{where}must be a date-time like 2026-03-31T14:05:00Z.") from None
    return value


def _name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def check_value(spec: Any, value: Any) -> Any:
    """The value to store for a field whose schema is ``spec``; ValueProblem if it does not fit."""
    spec = spec if isinstance(spec, dict) else {}
    if _type_of(spec) != "array":
        return _scalar(spec, value, "")
    if value is None:
        return None
    if not isinstance(value, list):
        raise ValueProblem(f"must be a list of line items (objects), got {_name(value)}.")
    if len(value) > MAX_ROWS:
        raise ValueProblem(f"has {len(value)} line items; at most {MAX_ROWS} are kept.")
    items = spec.get("items")
    items = items if isinstance(items, dict) else {}
    columns = items.get("properties")
    columns = columns if isinstance(columns, dict) else {}
    rows = []
    for i, row in enumerate(value, 1):
        if not isinstance(row, dict):
            raise ValueProblem(f"line item {i} must be an object of columns, got {_name(row)}.")
        clean = {}
        for key, cell in row.items():
            if key not in columns:
                raise ValueProblem(
                    f"line item {i}: unknown column '{str(key)[:64]}'; the columns "
                    f"are {', '.join(columns)}."
                )
            col = columns[key] if isinstance(columns[key], dict) else {}
            clean[key] = _scalar(col, cell, f"line item {i}, column '{key}' ")
        rows.append(clean)
    return rows
