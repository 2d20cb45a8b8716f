"""The review rules on their own: which fields need a person, and which values fit a field."""

from __future__ import annotations

import pytest

from core.review import DEFAULT_THRESHOLD, fields_needing_review, threshold_problems
from core.review_values import MAX_TEXT, ValueProblem, check_value

SCHEMA = {
    "type": "object",
    "required": ["number", "total"],
    "x-review-threshold": 0.8,
    "properties": {
        "number": {"type": "string"},
        "total": {"type": "number", "x-review-threshold": 0.5},
        "note": {"type": "string"},
        "paid": {"type": "boolean"},
    },
}


def test_missing_required_and_unsure_fields_need_review_in_template_order() -> None:
    fields = {"number": "A-1", "total": None, "note": "n", "paid": True}
    conf = {"number": 0.79, "total": 0.0, "note": 0.81, "paid": 0.1}
    # number: below the template's 0.8; total: required and missing; paid: below 0.8
    assert fields_needing_review(SCHEMA, fields, conf) == ["number", "total", "paid"]
    # a field's own threshold wins over the template's
    assert fields_needing_review(SCHEMA, {**fields, "total": 9.5}, {**conf, "total": 0.55}) == [
        "number",
        "paid",
    ]
    # a missing optional field is not flagged; a corrected field never is
    assert (
        fields_needing_review(SCHEMA, {"number": "A", "total": 1}, {"number": 0.9, "total": 0.9})
        == []
    )
    assert fields_needing_review(SCHEMA, fields, conf, corrected={"number", "total"}) == ["paid"]


def test_without_thresholds_the_default_applies() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}
    below, above = DEFAULT_THRESHOLD - 0.01, DEFAULT_THRESHOLD
    assert fields_needing_review(schema, {"a": "x", "b": "y"}, {"a": below, "b": above}) == ["a"]


@pytest.mark.parametrize("bad", [-0.1, 1.5, "0.5", True, None, [0.5]])
def test_threshold_values_are_checked(bad: object) -> None:
    problems = threshold_problems(
        {"x-review-threshold": bad, "properties": {"a": {"x-review-threshold": bad}}}
    )
    assert len(problems) == 2 and "must be a number from 0 to 1" in problems[0]
    assert problems[1].startswith("Field 'a'")
    assert (
        threshold_problems(
            {"x-review-threshold": 0, "properties": {"a": {"x-review-threshold": 1}}}
        )
        == []
    )


@pytest.mark.parametrize(
    ("spec", "value", "stored"),
    [
        ({"type": "string"}, "  Acme  ", "Acme"),
        ({"type": "string", "format": "date"}, "2026-03-31", "2026-03-31"),
        ({"type": "number"}, 12, 12),
        ({"type": "integer"}, 3.0, 3),
        ({"type": ["number", "null"]}, None, None),
        ({"type": "boolean"}, False, False),
        (
            {
                "type": "array",
                "items": {"type": "object", "properties": {"q": {"type": "integer"}}},
            },
            [{"q": 2}],
            [{"q": 2}],
        ),
    ],
)
def test_values_that_fit(spec: dict, value: object, stored: object) -> None:
    assert check_value(spec, value) == stored


@pytest.mark.parametrize(
    ("spec", "value", "says"),
    [
        ({"type": "number"}, "12", "must be a number"),
        ({"type": "number"}, float("nan"), "finite"),
        ({"type": "integer"}, 2.5, "whole number"),
        ({"type": "boolean"}, "yes", "true or false"),
        ({"type": "string"}, {"a": 1}, "must be text"),
        ({"type": "string"}, "x" * (MAX_TEXT + 1), f"at most {MAX_TEXT}"),
        ({"type": "string", "format": "date"}, "2026-02-30", "date like"),
        (
            {
                "type": "array",
                "items": {"type": "object", "properties": {"q": {"type": "integer"}}},
            },
            [{"q": [[1]]}],
            "column 'q'",
        ),
        (
            {
                "type": "array",
                "items": {"type": "object", "properties": {"q": {"type": "integer"}}},
            },
            ["row"],
            "line item 1 must be an object",
        ),
    ],
)
def test_values_that_do_not_fit(spec: dict, value: object, says: str) -> None:
    with pytest.raises(ValueProblem, match=says):
        check_value(spec, value)


def test_the_words_stored_for_picking(monkeypatch: pytest.MonkeyPatch) -> None:
    from extraction import document
    from extraction.document import Document, Page, Word, stored_words

    scanned = Page(
        1,
        200.0,
        100.0,
        [Word("Total", 20, 10, 60, 20), Word(" ", 0, 0, 1, 1), Word("12,50", 100, 10, 140, 20)],
    )
    typed = Page(2, 1.0, 1.0, [Word("docx", 0, 0, 1, 1)], geometric=False)
    doc = Document([scanned, typed], "pdf")
    assert stored_words(doc) == [
        {"page": 1, "words": [["Total", 0.1, 0.1, 0.3, 0.2], ["12,50", 0.5, 0.1, 0.7, 0.2]]}
    ]
    many = Page(3, 10.0, 10.0, [Word(f"w{i}", 1, 1, 2, 2) for i in range(10)])
    monkeypatch.setattr(document, "MAX_STORED_WORDS", 4)
    monkeypatch.setattr(document, "MAX_STORED_WORDS_TOTAL", 6)
    kept = stored_words(Document([scanned, many, many], "pdf"))
    assert [(p["page"], len(p["words"])) for p in kept] == [
        (1, 2),
        (3, 4),
    ]  # then the budget is spent
