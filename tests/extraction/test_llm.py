"""The llm and hybrid engines against a real local HTTP server speaking chat completions."""

from __future__ import annotations

from pathlib import Path

import pytest

from extraction import EngineOptions, ExtractionError, TransientExtractionError, extract_file
from tests.extraction.conftest import FakeLLM, spec

FULL_ANSWER = {
    "invoice_number": "INV-2024-0042",
    "issue_date": "15.03.2024",
    "due_date": "2024-04-14",
    "seller_name": "Nordlicht Software GmbH",
    "buyer_name": "Acme Trading Ltd",
    "currency": "EUR",
    "net_total": "2.200,00",
    "tax_total": 418,
    "grand_total": 2618.0,
    "iban": "DE89370400440532013000",
    "line_items": [
        {"description": "Consulting services", "quantity": 10, "unit_price": 120, "amount": 1200}
    ],
}


# The fake endpoint listens on loopback: a template's own URL may reach it only when allowed.
LOCAL = EngineOptions(llm_allow_private=True)


def llm_template(fake: FakeLLM, mode: str = "llm"):
    return spec("invoice", mode=mode, base_url=fake.base_url, model="test-model", api_key="sk-test")


def test_llm_engine_asks_for_schema_json_and_normalises(fixtures: Path, fake_llm: FakeLLM) -> None:
    fake_llm.script = [(200, FULL_ANSWER)]
    result = extract_file(fixtures / "invoice_text.pdf", llm_template(fake_llm), options=LOCAL)
    v = result.values()
    assert result.engine == "llm"
    assert v["issue_date"] == "2024-03-15" and v["net_total"] == 2200 and v["grand_total"] == 2618
    assert v["line_items"][0]["amount"] == 1200
    assert result.fields["invoice_number"].source == "llm"
    assert result.fields["invoice_number"].page == 1  # found on the page, so it has a box
    assert result.fields["invoice_number"].box is not None
    req = fake_llm.requests[0]
    assert req["model"] == "test-model" and req["response_format"] == {"type": "json_object"}
    assert "INV-2024-0042" in req["messages"][1]["content"]
    assert '"grand_total"' in req["messages"][0]["content"]
    assert fake_llm.headers[0]["Authorization"] == "Bearer sk-test"


def test_rate_limit_is_transient_then_a_retry_succeeds(fixtures: Path, fake_llm: FakeLLM) -> None:
    fake_llm.script = [(429, "slow down"), (200, FULL_ANSWER)]
    with pytest.raises(TransientExtractionError, match="429"):
        extract_file(fixtures / "invoice_text.pdf", llm_template(fake_llm), options=LOCAL)
    result = extract_file(
        fixtures / "invoice_text.pdf", llm_template(fake_llm), options=LOCAL
    )  # the caller's retry
    assert result.values()["grand_total"] == 2618


def test_server_error_is_transient(fixtures: Path, fake_llm: FakeLLM) -> None:
    fake_llm.script = [(503, "overloaded")]
    with pytest.raises(TransientExtractionError, match="503"):
        extract_file(fixtures / "invoice_text.pdf", llm_template(fake_llm), options=LOCAL)


def test_unreachable_endpoint_is_transient(fixtures: Path) -> None:
    template = spec("invoice", mode="llm", base_url="http://127.0.0.1:9/v1", model="m", timeout=2)
    with pytest.raises(TransientExtractionError):
        extract_file(fixtures / "invoice.txt", template, options=LOCAL)


def test_auth_failure_is_permanent(fixtures: Path, fake_llm: FakeLLM) -> None:
    fake_llm.script = [(401, "bad key")]
    with pytest.raises(ExtractionError) as info:
        extract_file(fixtures / "invoice.txt", llm_template(fake_llm), options=LOCAL)
    assert info.value.code == "LLMError" and "401" in info.value.message


def test_schema_violation_gets_one_correction_then_keeps_what_conforms(
    fixtures: Path, fake_llm: FakeLLM
) -> None:
    bad = {
        "invoice_number": "INV-2024-0042",
        "grand_total": "a lot",
        "issue_date": "someday",
        "line_items": "three things",
    }
    fake_llm.script = [(200, bad), (200, bad)]
    result = extract_file(fixtures / "invoice_text.pdf", llm_template(fake_llm), options=LOCAL)
    assert len(fake_llm.requests) == 2
    correction = fake_llm.requests[1]["messages"][-1]["content"]
    assert "grand_total" in correction and "issue_date" in correction
    v = result.values()
    assert v == {"invoice_number": "INV-2024-0042"}


def test_schema_violation_corrected_on_second_answer(fixtures: Path, fake_llm: FakeLLM) -> None:
    fake_llm.script = [
        (200, "Sure! Here it is: not json"),
        (200, "```json\n" + '{"grand_total": 2618}' + "\n```"),
    ]
    result = extract_file(fixtures / "invoice_text.pdf", llm_template(fake_llm), options=LOCAL)
    assert result.values() == {"grand_total": 2618}


def test_hybrid_asks_the_llm_only_for_missing_fields(fixtures: Path, fake_llm: FakeLLM) -> None:
    fake_llm.script = [(200, {"iban": "GB82WEST12345698765432", "due_date": "2023-10-05"})]
    template = spec("invoice", mode="hybrid", base_url=fake_llm.base_url, model="m")
    result = extract_file(fixtures / "invoice.docx", template, options=LOCAL)
    asked = fake_llm.requests[0]["messages"][0]["content"]
    assert '"iban"' in asked and '"grand_total"' not in asked  # the local engine found the totals
    assert result.fields["grand_total"].source == "local"
    assert (
        result.fields["iban"].source == "llm"
        and result.fields["iban"].value == "GB82WEST12345698765432"
    )
    assert result.engine == "hybrid"


def test_missing_endpoint_configuration(fixtures: Path) -> None:
    with pytest.raises(ExtractionError) as info:
        extract_file(fixtures / "invoice.txt", spec("invoice", mode="llm"))
    assert info.value.code == "InvalidTemplate"
