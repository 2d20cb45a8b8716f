"""Check (and gently coerce) an answer against a template schema: types, dates, amounts, rows."""

from __future__ import annotations

from typing import Any

from extraction.normalise import amount_json, normalise_currency, parse_amount, parse_date


def coerce(value: Any, schema: dict[str, Any], path: str) -> tuple[Any, list[str]]:
    """Return the value in the schema's type, or (None, [errors]) when it cannot be."""
    if value is None:
        return None, []
    typ = schema.get("type")
    if isinstance(typ, list):
        typ = next((t for t in typ if t != "null"), None)
    if typ == "string":
        if isinstance(value, (dict, list)):
            return None, [f"{path}: expected a string, got {type(value).__name__}"]
        text = str(value).strip()
        if schema.get("format") in ("date", "date-time"):
            d = parse_date(text)
            if d is None:
                return None, [f"{path}: '{text}' is not a date"]
            return d.isoformat(), []
        if "currency" in path.lower() and len(text) != 3:
            code = normalise_currency(text)
            return (code, []) if code else (None, [f"{path}: '{text}' is not a currency code"])
        return text, []
    if typ in ("number", "integer"):
        if isinstance(value, (bool, dict, list)):
            return None, [f"{path}: expected a {typ}, got {type(value).__name__}"]
        amount = parse_amount(value)
        if amount is None:
            return None, [f"{path}: '{value}' is not a {typ}"]
        if typ == "integer":
            if amount != amount.to_integral_value():
                return None, [f"{path}: {value} is not an integer"]
            return int(amount), []
        return amount_json(amount), []
    if typ == "boolean":
        if isinstance(value, bool):
            return value, []
        if str(value).strip().lower() in ("true", "yes", "1"):
            return True, []
        if str(value).strip().lower() in ("false", "no", "0"):
            return False, []
        return None, [f"{path}: '{value}' is not a boolean"]
    if typ == "array":
        if not isinstance(value, list):
            return None, [f"{path}: expected an array of rows, got {type(value).__name__}"]
        item_schema = schema.get("items") or {}
        rows, errors = [], []
        for i, row in enumerate(value):
            if not isinstance(row, dict):
                errors.append(f"{path}[{i}]: expected an object, got {type(row).__name__}")
                continue
            clean: dict[str, Any] = {}
            for key, sub in (item_schema.get("properties") or {}).items():
                v, errs = coerce(row.get(key), sub, f"{path}[{i}].{key}")
                errors += errs
                if v is not None:
                    clean[key] = v
            if clean:
                rows.append(clean)
        return rows, errors
    return value, []


def check_answer(
    answer: Any, schema: dict[str, Any], fields: list[str]
) -> tuple[dict[str, Any], list[str]]:
    """Coerced values for ``fields`` and the list of violations found on the way."""
    if not isinstance(answer, dict):
        return {}, [f"the answer must be a JSON object, got {type(answer).__name__}"]
    props = schema.get("properties", {})
    values: dict[str, Any] = {}
    errors: list[str] = []
    for name in fields:
        v, errs = coerce(answer.get(name), props.get(name, {}), name)
        errors += errs
        if v is not None and v != "" and v != []:
            values[name] = v
    unknown = [k for k in answer if k not in props]
    if unknown:
        errors.append(f"unknown fields in the answer: {', '.join(unknown)}")
    return values, errors
