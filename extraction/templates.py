"""Template validation (called by the API when a template is saved) and engine settings."""

from __future__ import annotations

import re
from typing import Any

import re2

from extraction.types import TemplateSpec

SCALAR_TYPES = {"string", "number", "integer", "boolean"}
ENGINE_MODES = {"local", "llm", "hybrid"}
ENGINE_KEYS = {
    "mode",
    "endpoint",
    "base_url",
    "api_key",
    "model",
    "temperature",
    "timeout",
    "max_tokens",
}
MAX_PATTERN_CHARS = 500
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.max_mem = 8 << 20  # a pattern whose automaton needs more is refused, not run
_RE2_OPTIONS.log_errors = False  # the error goes back to the template's author, not to stderr
FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def compile_pattern(pattern: str) -> re2._Regexp:
    """An ``x-pattern`` compiled with RE2: linear time in the text, whatever the pattern.

    Template patterns run on uploaded text; a backtracking engine lets one pattern such as
    ``(a|aa)+$`` hold a worker thread (and the GIL) for minutes. RE2 refuses what it cannot
    run in linear time (backreferences, lookaround) instead.
    """
    return re2.compile(pattern, _RE2_OPTIONS)


def pattern_problem(pattern: str) -> str | None:
    """Why RE2 cannot take a pattern, in words for the template's author; None when it can."""
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"is longer than {MAX_PATTERN_CHARS} characters"
    try:
        compile_pattern(pattern)
    except re2.error as exc:
        raw = exc.args[0] if exc.args else "invalid"
        detail = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
        hint = ""
        if any(tok in pattern for tok in ("(?=", "(?!", "(?<=", "(?<!")) or re.search(
            r"\\[1-9]", pattern
        ):
            hint = (
                " (lookahead, lookbehind and backreferences are not supported: "
                "RE2 runs in linear time)"
            )
        return f"is not a regular expression docbatch can run: {detail}{hint}"
    return None


def _check_field(path: str, spec: Any, errors: list[str], nested: bool = False) -> None:
    if not isinstance(spec, dict):
        errors.append(
            f"Field '{path}': must be an object with a 'type', got {type(spec).__name__}."
        )
        return
    typ = spec.get("type")
    types = [t for t in typ if t != "null"] if isinstance(typ, list) else [typ]
    if len(types) != 1 or types[0] is None:
        errors.append(
            f"Field '{path}': 'type' is required (one of string, number, integer, boolean, array)."
        )
        return
    t = types[0]
    allowed = SCALAR_TYPES if nested else SCALAR_TYPES | {"array"}
    if t not in allowed:
        what = "a line-item property" if nested else "a field"
        errors.append(
            f"Field '{path}': type '{t}' is not supported for {what}; use one of "
            f"{', '.join(sorted(allowed))}."
        )
        return
    desc = spec.get("description")
    if desc is not None and not isinstance(desc, str):
        errors.append(f"Field '{path}': 'description' must be a string.")
    fmt = spec.get("format")
    if fmt is not None and fmt not in ("date", "date-time"):
        errors.append(f"Field '{path}': format '{fmt}' is not supported (use 'date').")
    if fmt is not None and t != "string":
        errors.append(f"Field '{path}': format '{fmt}' needs type 'string', not '{t}'.")
    labels = spec.get("x-labels")
    if labels is not None and (
        not isinstance(labels, list) or not all(isinstance(x, str) and x.strip() for x in labels)
    ):
        errors.append(f"Field '{path}': 'x-labels' must be a list of non-empty strings.")
    pattern = spec.get("x-pattern")
    if pattern is not None:
        if not isinstance(pattern, str):
            errors.append(f"Field '{path}': 'x-pattern' must be a string (a regular expression).")
        else:
            problem = pattern_problem(pattern)
            if problem:
                errors.append(f"Field '{path}': 'x-pattern' {problem}.")
    if t == "array":
        items = spec.get("items")
        if not isinstance(items, dict) or items.get("type") != "object":
            errors.append(
                f"Field '{path}': an array field needs 'items' of type 'object' "
                "(one row per line item)."
            )
            return
        props = items.get("properties")
        if not isinstance(props, dict) or not props:
            errors.append(f"Field '{path}': 'items.properties' must list the line-item columns.")
            return
        for name, sub in props.items():
            if not FIELD_NAME.match(str(name)):
                errors.append(
                    f"Field '{path}.{name}': the name must be letters, digits and underscores."
                )
            _check_field(f"{path}.{name}", sub, errors, nested=True)


FATAL = ("templateSchema:", "engine.mode", "engine.base_url")


def validate_template(
    schema: dict[str, Any], engine: dict[str, Any] | None, *, strict: bool = True
) -> list[str]:
    """Human-readable problems with a template, each naming the field; empty when valid.

    The API calls it strictly when a template is saved. The engine calls it with
    ``strict=False`` and refuses only templates it cannot run (no fields, an unsupported type,
    a broken pattern, an unknown engine mode); a field without a type is then read by its name.
    """
    errors: list[str] = []
    if not isinstance(schema, dict):
        return ["templateSchema: must be a JSON object."]
    if schema.get("type", "object") != "object":
        errors.append(f"templateSchema: 'type' must be 'object', got '{schema.get('type')}'.")
    props = schema.get("properties")
    if not isinstance(props, dict) or not props:
        errors.append("templateSchema: 'properties' must be an object with at least one field.")
        props = {}
    for name, spec in props.items():
        if not FIELD_NAME.match(str(name)):
            errors.append(
                f"Field '{name}': the name must start with a letter or underscore and contain only "
                "letters, digits and underscores (at most 64)."
            )
        _check_field(str(name), spec, errors)
    required = schema.get("required")
    if required is not None:
        if not isinstance(required, list):
            errors.append("templateSchema: 'required' must be a list of field names.")
        else:
            for name in required:
                if name not in props:
                    errors.append(
                        f"templateSchema: required field '{name}' is not in 'properties'."
                    )
    if engine is not None:
        if not isinstance(engine, dict):
            errors.append('engine: must be an object such as {"mode": "local"}.')
        else:
            mode = engine.get("mode", "local")
            if mode not in ENGINE_MODES:
                errors.append(f"engine.mode: '{mode}' is not one of local, llm, hybrid.")
            for key in engine:
                if key not in ENGINE_KEYS:
                    errors.append(
                        f"engine.{key}: unknown setting (known: {', '.join(sorted(ENGINE_KEYS))})."
                    )
            base = engine.get("base_url")
            if base is not None and (
                not isinstance(base, str) or not re.match(r"^https?://", base)
            ):
                errors.append(
                    "engine.base_url: must be an http(s) URL such as http://localhost:11434/v1."
                )
            for key in ("model", "api_key"):
                if key in engine and not isinstance(engine[key], str):
                    errors.append(f"engine.{key}: must be a string.")
            for key in ("temperature", "timeout"):
                if key in engine and (
                    isinstance(engine[key], bool) or not isinstance(engine[key], (int, float))
                ):
                    errors.append(f"engine.{key}: must be a number.")
    if not strict:
        errors = [
            e for e in errors if e.startswith(FATAL) or "x-pattern" in e or "is not supported" in e
        ]
    return errors


def engine_mode(template: TemplateSpec) -> str:
    return str((template.engine or {}).get("mode") or "local")


def template_from_dict(data: dict[str, Any]) -> TemplateSpec:
    """A TemplateSpec from the API/JSON form {name, templateSchema, instructions, engine}."""
    schema = data.get("templateSchema", data.get("schema"))
    return TemplateSpec(
        name=str(data.get("name") or "template"),
        schema=schema if isinstance(schema, dict) else {},
        instructions=str(data.get("instructions") or ""),
        engine=data.get("engine") or {},
    )
