"""Typed, normalised values: dates, amounts in both notations, currencies, IBANs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from extraction.normalise import (
    amount_json,
    find_amounts,
    find_currency,
    find_dates,
    find_ibans,
    normalise_currency,
    parse_amount,
    parse_date,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1 234,56 €", "1234.56"),
        ("RM 33.90", "33.90"),
        ("$1,200", "1200"),
        ("(12.00)", "-12.00"),
        ("-7,67", "-7.67"),
        ("22,00", "22.00"),
        ("CHF 1'250.50", "1250.50"),
    ],
)
def test_amounts(text: str, value: str) -> None:
    assert parse_amount(text) == Decimal(value)


def test_amounts_in_a_line_skip_percentages() -> None:
    found = [a[0] for a in find_amounts("VAT 19% on 2.200,00 € = 418,00 €")]
    assert found == [Decimal("2200.00"), Decimal("418.00")]


def test_amount_json_keeps_cents() -> None:
    assert amount_json(Decimal("33.90")) == 33.9
    assert amount_json(Decimal("1200")) == 1200


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("13.06.2018", dt.date(2018, 6, 13)),
        ("2018-06-13", dt.date(2018, 6, 13)),
        ("12-01-19", dt.date(2019, 1, 12)),
        ("05 JAN 2017 12:41PM", dt.date(2017, 1, 5)),
        ("June 3, 2018", dt.date(2018, 6, 3)),
        ("13. Juni 2018", dt.date(2018, 6, 13)),
        ("1er mars 2019", dt.date(2019, 3, 1)),
        ("Date: 25/12/2018 14:05", dt.date(2018, 12, 25)),
    ],
)
def test_dates(text: str, date: dt.date) -> None:
    assert parse_date(text) == date


def test_month_first_when_asked() -> None:
    assert find_dates("11/03/2017", day_first=False)[0][0] == dt.date(2017, 11, 3)
    assert find_dates("11/17/2017")[0][0] == dt.date(2017, 11, 17)  # impossible day-first


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Total 23,54 €", "EUR"),
        ("£2,208.60", "GBP"),
        ("RM 12.60", "MYR"),
        ("Amount in USD", "USD"),
        ("Rs. 1939", "INR"),
        ("$5.00", "USD"),
    ],
)
def test_currency_symbols_to_iso(text: str, code: str) -> None:
    assert find_currency(text) == code


def test_normalise_currency_words() -> None:
    assert normalise_currency("€") == "EUR"
    assert normalise_currency("euro") == "EUR"
    assert normalise_currency("chf") == "CHF"


def test_iban_checksum() -> None:
    assert (
        find_ibans("IBAN: DE89 3704 0044 0532 0130 00 BIC: COBADEFFXXX")[0][0]
        == "DE89370400440532013000"
    )
    assert find_ibans("IBAN DE00 3704 0044 0532 0130 00") == []
