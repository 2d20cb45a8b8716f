"""Which candidates a person's value names, and layouts told apart (no OCR: positioned words)."""

from __future__ import annotations

from decimal import Decimal

from extraction.document import Document, Page, Word
from extraction.learning.fingerprint import SAME_LAYOUT, fingerprint, similarity
from extraction.learning.matching import as_amount, labels, same_value
from extraction.ranker.candidates import Ranked


def test_amounts_are_the_same_value_however_written() -> None:
    assert as_amount("1,234.50") == Decimal("1234.50")
    assert as_amount("1.234,50") == Decimal("1234.50")
    assert as_amount("12,30") == Decimal("12.30")
    assert as_amount("no amount") is None
    assert same_value("total", 12.3, Decimal("12.30"))
    assert not same_value("total", 12.3, Decimal("12.31"))


def test_texts_match_despite_case_punctuation_and_one_misread_letter() -> None:
    assert same_value("company", "Harrow Fenwick Supplies", "HARROW FENWICK SUPPLIES.")
    assert same_value("company", "Harrow Fenwick Supplies", "Harrow Fenwlck Supplies")
    assert not same_value("company", "Harrow Fenwick Supplies", "Northgate Retail Holdings Ltd")
    assert not same_value("company", "x" * 5000, "x" * 5000)  # overlong: names nothing


def test_a_picked_box_chooses_between_candidates_of_the_same_value() -> None:
    cands = [
        Ranked(Decimal("9.50"), 1, [500, 100, 560, 120]),
        Ranked(Decimal("9.50"), 1, [500, 700, 560, 720]),
    ]
    assert labels("total", cands, 9.5) == [True, True]
    picked = [500 / 600, 700 / 1000, 560 / 600, 720 / 1000]  # fractions of a 600 x 1000 page
    assert labels("total", cands, 9.5, picked, (600, 1000)) == [False, True]


def _doc(words: list[tuple[str, float, float]], height: float = 1000) -> Document:
    page = Page(1, 600, height, [Word(t, x, y, x + 60, y + 12) for t, x, y in words], source="ocr")
    page.build_lines()
    return Document([page], "image")


def test_a_longer_receipt_of_the_same_header_is_the_same_layout() -> None:
    header = [
        ("Harrow", 200, 40),
        ("Fenwick", 270, 40),
        ("Supplies", 340, 40),
        ("Quarry", 250, 80),
        ("Road", 320, 80),
        ("Receipt", 60, 120),
    ]
    short = _doc(header + [("Glue", 60, 200)], height=700)
    long = _doc(header + [("Hinge", 60, 200), ("Tape", 60, 240), ("Bulb", 60, 280)], height=1400)
    assert similarity(fingerprint(short), fingerprint(long)) >= SAME_LAYOUT
    other = _doc(
        [
            ("Corner", 200, 40),
            ("Paint", 270, 40),
            ("Depot", 340, 40),
            ("Station", 250, 80),
            ("Parade", 320, 80),
            ("Receipt", 60, 120),
        ]
    )
    assert similarity(fingerprint(short), fingerprint(other)) < SAME_LAYOUT
