"""The learned field ranker: the shipped model, its inference, and receipts it was never shown."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extraction import TemplateSpec, extract_file
from extraction.finders.concepts import field_spec
from extraction.finders.fields import Finder, day_first_document
from extraction.normalise import find_dates, tidy_text
from extraction.ranker import RANKED, document_candidates
from extraction.ranker.model import MODEL_PATH, Trees, load_model
from tests.extraction.receipt_images import ocr_page, receipt_image

REPO = Path(__file__).resolve().parents[2]


def test_shipped_model_is_versioned_and_attributed() -> None:
    model = load_model()
    assert model is not None, "extraction/ranker/model.json is missing: run `make train`"
    assert set(model.fields) | set(model.meta["rules_kept_for"]) == set(RANKED.values())
    assert model.fields, "the ranker should beat the rules on at least one field"
    assert model.version.startswith("ranker-")
    assert any(
        "SROIE" in source and "CC BY 4.0" in source for source in model.meta["training_data"]
    )
    figures = model.meta["kfold"]["figures"]
    assert model.meta["kfold"]["grouped_by"] == "meta.vendor_key"
    assert all(0.0 <= figures[name]["ranker"] <= 1.0 for name in RANKED.values())
    assert MODEL_PATH.stat().st_size < 2_000_000


def test_tree_inference_follows_thresholds() -> None:
    # one stump: x <= 0.5 -> leaf -2, else leaf +2; log-odds = 0.1 + 0.5 * leaf
    stump = Trees(
        ["x"],
        0.1,
        0.5,
        [([0, -2, -2], [0.5, -2.0, -2.0], [1, -1, -1], [2, -1, -1], [0.0, -2.0, 2.0])],
    )
    low, high = stump.score({"x": 0.0}), stump.score({"x": 1.0})
    assert low == pytest.approx(1 / (1 + 2.718281828**0.9), rel=1e-6)
    assert high == pytest.approx(1 / (1 + 2.718281828**-1.1), rel=1e-6)
    assert stump.score({}) == low  # a missing feature counts as 0


def test_candidates_hold_the_right_values_with_features() -> None:
    doc = ocr_page(
        [
            "THANK YOU FOR SHOPPING",
            "KEDAI RUNCIT MAJU SDN BHD",
            "12 JALAN MERANTI 3,",
            "47400 PETALING JAYA",
            "TEL: 03-7788 9900",
            "SUBTOTAL 10.00",
            "TAX 0.60",
            "TOTAL 10.60",
            "CASH 20.00",
            "CHANGE 9.40",
        ]
    )
    specs = [field_spec(n, {"type": "string"}) for n in ("company", "address")] + [
        field_spec("total", {"type": "number"})
    ]
    cands = document_candidates(Finder(doc, specs))
    assert "KEDAI RUNCIT MAJU SDN BHD" in [c.value for c in cands["company"]]
    assert "12 JALAN MERANTI 3, 47400 PETALING JAYA" in [c.value for c in cands["address"]]
    total = {str(c.value): c.features for c in cands["total"]}["10.60"]
    assert total["l_grand"] == 1.0 and total["cash_change"] == 1.0 and total["sum_of_two"] == 1.0
    assert all(c.features["phone_any"] == 1.0 for c in cands["address"] if "TEL" in str(c.value))


def test_unseen_us_receipt_through_ocr(tmp_path: Path, receipt: TemplateSpec) -> None:
    """A shop with no legal form, a US address, a month-first date and dollar totals."""
    image = receipt_image(
        [
            "Maple Street Grocery",
            "1450 Maple Street",
            "Springfield, IL 62704",
            "Tel (217) 555-0199",
            "02/10/2016  03:12 PM",
            "Bread                  2.99",
            "Milk                   3.49",
            "Subtotal               6.48",
            "Sales Tax              0.52",
            "Balance Due           $7.00",
            "Cash                 $10.00",
            "Change                $3.00",
        ],
        tmp_path / "us.png",
        centred=4,
    )
    v = extract_file(image, receipt).values()
    assert v["company"] == "Maple Street Grocery"
    assert v["address"] == "1450 Maple Street Springfield, IL 62704"
    assert v["date"] == "2016-02-10"  # month-first: the document has a US address and dollars
    assert v["total"] == 7.0


def test_month_first_only_where_the_document_shows_it() -> None:
    assert day_first_document(ocr_page(["SHOP", "01/02/2019", "TOTAL 5.00"]))
    assert not day_first_document(ocr_page(["SHOP", "Austin, TX 78701", "01/02/2019"]))
    assert not day_first_document(ocr_page(["SHOP", "11/30/16", "TOTAL $5.00"]))
    assert day_first_document(
        ocr_page(["SHOP", "Austin, TX 78701", "30/11/2016"])
    )  # the date itself wins


def test_dates_glued_to_their_label_but_not_to_codes() -> None:
    assert find_dates("DATE11/30/16 3:12PM", day_first=False)[0][0].isoformat() == "2016-11-30"
    assert find_dates("HC03-7 - 15") == []
    assert find_dates("INV12/05/18") == []
    assert [d.isoformat() for d, _s, _e in find_dates("2703/2018 No.:CS-20242")] == [
        "2018-03-27"
    ]  # lost '/'
    assert find_dates("ref 4403/2018") == []
    assert [d.isoformat() for d, _s, _e in find_dates("18:1524/05/18")] == [
        "2018-05-24"
    ]  # glued to a time
    assert [d.isoformat() for d, _s, _e in find_dates("Date: Oct 3, 201612:16:25 PM")] == [
        "2016-10-03"
    ]


def test_tidy_text_is_plain_ascii_with_single_spaces() -> None:
    assert (
        tidy_text("  CAF\u00c9 \u201cLE  COIN\u201d \u2013 SHOP\uff11 ") == 'CAFÉ "LE COIN" - SHOP1'
    )
    assert tidy_text("NO.2,JALAN X , TAMAN") == "NO.2,JALAN X , TAMAN"  # spacing as printed


def test_train_without_corpus_says_so(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "train_ranker.py"),
            str(tmp_path / "none"),
            "--out",
            str(tmp_path / "model.json"),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    assert "nothing to train on" in proc.stdout
    assert not (tmp_path / "model.json").exists()


def test_model_file_is_plain_json() -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    for spec in data["fields"].values():
        assert len(spec["features"]) == len(set(spec["features"]))
        for feature, threshold, left, right, value in spec["trees"]:
            assert len(feature) == len(threshold) == len(left) == len(right) == len(value)
