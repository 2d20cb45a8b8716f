"""Learning from corrections at the engine level: real OCR of generated receipts, real training.

Three reviewed receipts of one layout (the person corrected the seller) teach the engine to read
the fourth right, where the built-in model reads the operating company's legal name instead.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from extraction import EngineOptions, extract_file
from extraction.builtin_templates import RECEIPT_SCHEMA
from extraction.learning.documents import org_document
from extraction.learning.retrain import learn
from extraction.readers import read_document
from extraction.types import TemplateSpec
from tests.learning.receipts import OTHER, render

TEMPLATE = TemplateSpec("receipt", RECEIPT_SCHEMA)


@pytest.fixture(scope="module")
def receipts(tmp_path_factory: pytest.TempPathFactory) -> list:
    folder = tmp_path_factory.mktemp("receipts")
    return [render(folder / f"r{seed}.png", seed) for seed in range(4)]


@pytest.fixture(scope="module")
def outcome(receipts: list):
    """What the three reviewed receipts teach (company corrected, the rest confirmed)."""
    docs = []
    for r in receipts[:3]:
        doc = read_document(r.path, EngineOptions())
        found = extract_file(r.path, TEMPLATE).values()
        values = {**found, "company": r.seller, "total": float(r.total)}
        learned = org_document(r.path.name, doc, TEMPLATE, values)
        assert learned is not None
        docs.append(learned)
    return learn(docs)


def test_the_builtin_model_reads_the_wrong_seller(receipts: list) -> None:
    fourth = receipts[3]
    assert extract_file(fourth.path, TEMPLATE).values()["company"] != fourth.seller


def test_vendor_memory_reads_the_fourth_right(receipts: list, outcome) -> None:
    fourth = receipts[3]
    options = replace(EngineOptions(), learning={"model": None, "memory": outcome.memory})
    values = extract_file(fourth.path, TEMPLATE, options=options).values()
    assert values["company"] == fourth.seller
    assert values["total"] == float(fourth.total)


def test_the_organisation_model_beats_the_builtin_one_held_out(receipts: list, outcome) -> None:
    ev = outcome.evaluation
    assert ev is not None and ev.documents == 3
    assert ev.learned["company"] > ev.builtin["company"]
    assert outcome.switch
    fourth = receipts[3]
    options = replace(EngineOptions(), learning={"model": outcome.model, "memory": []})
    values = extract_file(fourth.path, TEMPLATE, options=options).values()
    assert values["company"] == fourth.seller


def test_memory_does_not_apply_to_another_layout(tmp_path: Path, outcome) -> None:
    other = render(tmp_path / "other.png", 7, OTHER)
    plain = extract_file(other.path, TEMPLATE).values()
    options = replace(EngineOptions(), learning={"model": None, "memory": outcome.memory})
    assert extract_file(other.path, TEMPLATE, options=options).values() == plain
