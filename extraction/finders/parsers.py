"""Value parsers by kind: each takes text and returns (value, start, end) or None."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from extraction.normalise import (
    clean_text,
    find_amounts,
    find_dates,
    find_ibans,
    normalise_currency,
)

ID_STOP = {
    "no",
    "nr",
    "number",
    "date",
    "datum",
    "vom",
    "of",
    "du",
    "the",
    "invoice",
    "rechnung",
    "facture",
}
ID_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-/.#]*")  # snake_case ids ("invoice_number_1") too


def parse_date(text: str, day_first: bool = True):
    found = find_dates(text, day_first)
    return found[0] if found else None


def parse_amount(text: str):
    found = find_amounts(text)
    if not found:
        return None
    with_dec = [a for a in found if a[3]]
    best = with_dec[0] if with_dec else found[0]
    return best[0], best[1], best[2]


def parse_integer(text: str):
    m = re.search(r"(?<![\d.,])-?\d+(?![\d.,]\d)", text)
    return (int(m.group()), m.start(), m.end()) if m else None


def parse_currency(text: str):
    code = normalise_currency(text.strip()[:40])
    return (code, 0, len(text)) if code else None


def parse_iban(text: str):
    found = find_ibans(text, checksum=False)
    return found[0] if found else None


DATE_SEPARATOR = re.compile(r"[-/.~: ]|[A-Za-z]+")
# a number printed after its series' letters and one space ('INV 065642', 'RE 2024-118',
# 'F 082226'): one id
SPACED_ID = re.compile(r"\s*(?P<id>[A-Z]{1,4} \d[\d/-]{3,})\s*$")


def parse_id(text: str):
    """An identifier: the first token with a digit among the first few, not a date."""
    spaced = SPACED_ID.match(text)
    if spaced and spaced.group("id").split()[0].lower() not in ID_STOP:
        return spaced.group("id"), spaced.start("id"), spaced.end("id")
    # a date with one separator or none ('2303/2020' read as 23.03.2020, which repairs OCR that
    # dropped a separator) is a number in its series' year when it follows an id's label
    dates = [(s, e) for _d, s, e in find_dates(text) if len(DATE_SEPARATOR.findall(text[s:e])) > 1]
    for k, m in enumerate(ID_TOKEN.finditer(text)):
        if k > 3:
            break
        tok = m.group().rstrip("._-/#")
        if tok.lower() in ID_STOP:
            continue
        if text[max(0, m.start() - 1) : m.start()] == "+":
            return None  # '+39 611 033 5386': a phone number's country code
        if text[max(0, m.start() - 1) : m.start()] == "(" and text[m.end() : m.end() + 1] == ")":
            continue  # "(380)": a document type code, not the number
        if any(s <= m.start() < e for s, e in dates):
            return None
        if (
            re.match(r"[.,]\d", text[m.start() + len(tok) : m.start() + len(tok) + 2])
            or re.search(r"\d[.,]$", text[: m.start()])
            or "%" in text[m.end() : m.end() + 2]
        ):
            continue  # an amount (its units or its cents: '-438,67') or a rate, not an identifier
        if re.search(r"\d", tok) and len(tok) >= 2 and not re.fullmatch(r"\d{1,2}[.,]\d{2}", tok):
            return tok, m.start(), m.start() + len(tok)
        if (
            len(tok) >= 4
            and tok.isupper()
            and k == 0
            and re.search(r"[A-Z]{2}", tok)
            and "-" in tok
        ):
            return tok, m.start(), m.start() + len(tok)
    return None


def parse_text(text: str):
    value = clean_text(text)
    value = re.split(r"\s{3,}|\s[-–|]\s", value)[0].strip(" :;,|-")
    if len(re.findall(r"[A-Za-zÀ-ÿ]", value)) < 2 or len(value) > 120:
        return None
    start = text.find(value[:1]) if value else 0
    return value, max(0, start), max(0, start) + len(value)


def parse_bool(text: str):
    low = text.strip().lower()
    if re.match(r"(yes|ja|oui|true|x|✓|✔)\b", low):
        return True, 0, len(text)
    if re.match(r"(no|nein|non|false)\b", low):
        return False, 0, len(text)
    return None


PARSERS: dict[str, Callable[[str], Any]] = {
    "date": parse_date,
    "amount": parse_amount,
    "integer": parse_integer,
    "currency": parse_currency,
    "iban": parse_iban,
    "id": parse_id,
    "party": parse_text,
    "text": parse_text,
    "address": parse_text,
    "bool": parse_bool,
}


def with_pattern(
    parse: Callable[[str], Any], pattern: re.Pattern[str] | None
) -> Callable[[str], Any]:
    """Restrict a parser to values matching the template's ``x-pattern``."""
    if pattern is None:
        return parse

    def parse_matching(text: str):
        m = pattern.search(text)
        if not m:
            return None
        raw = m.group(1) if m.groups() else m.group()
        got = parse(raw)
        if got is None:
            return None
        return got[0], m.start(), m.end()

    return parse_matching
