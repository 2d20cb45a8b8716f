"""Template validation: messages name the wrong field."""

from __future__ import annotations

from extraction import BUILTIN_TEMPLATES, validate_template


def test_builtin_templates_are_valid() -> None:
    for t in BUILTIN_TEMPLATES.values():
        assert validate_template(t["templateSchema"], t["engine"]) == []
    assert set(BUILTIN_TEMPLATES["receipt"]["templateSchema"]["properties"]) == {
        "company",
        "date",
        "address",
        "total",
    }
    invoice = set(BUILTIN_TEMPLATES["invoice"]["templateSchema"]["properties"])
    assert invoice >= {
        "invoice_number",
        "issue_date",
        "due_date",
        "seller_name",
        "buyer_name",
        "currency",
        "net_total",
        "tax_total",
        "grand_total",
        "iban",
        "line_items",
    }


def test_messages_name_the_field() -> None:
    schema = {
        "type": "object",
        "properties": {
            "total": {"type": "money"},
            "date": {"type": "number", "format": "date"},
            "vendor": {"description": "no type"},
            "bad name": {"type": "string"},
            "lines": {"type": "array", "items": {"type": "string"}},
            "rows": {
                "type": "array",
                "items": {"type": "object", "properties": {"qty": {"type": "object"}}},
            },
            "ref": {"type": "string", "x-pattern": "([unclosed"},
            "alias": {"type": "string", "x-labels": "not a list"},
        },
    }
    errors = validate_template(schema, {"mode": "magic", "base_url": "ftp://x"})
    text = "\n".join(errors)
    for needle in (
        "'total'",
        "'date'",
        "'vendor'",
        "'bad name'",
        "'lines'",
        "'rows.qty'",
        "'ref'",
        "'alias'",
        "engine.mode",
        "engine.base_url",
    ):
        assert needle in text, needle
    assert all(isinstance(e, str) and e for e in errors)


def test_empty_schema() -> None:
    assert validate_template({"type": "object", "properties": {}}, None)
    assert validate_template({"type": "array"}, None)
    assert validate_template("nope", None) == ["templateSchema: must be a JSON object."]  # type: ignore[arg-type]


def test_required_must_exist() -> None:
    errors = validate_template(
        {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["b"]}, {}
    )
    assert errors == ["templateSchema: required field 'b' is not in 'properties'."]


def test_engine_runs_lenient_templates(fixtures) -> None:
    from extraction import TemplateSpec, extract_file

    loose = TemplateSpec(
        "loose",
        {"type": "object", "properties": {"grand_total": {"description": "Total"}}},
        engine={"mode": "local", "provider": "whatever"},
    )
    assert validate_template(loose.schema, loose.engine)  # refused when saved ...
    assert validate_template(loose.schema, loose.engine, strict=False) == []  # ... but runnable
    assert extract_file(fixtures / "invoice.txt", loose).values()["grand_total"] == 74.4
