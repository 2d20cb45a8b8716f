"""Checks that tell a receipt's total from the other amounts printed around it.

They hold on any receipt, whatever its shop or country: the amount tendered minus the change
given back is the total (with a printed label or not: the amount just above the change line is
what was tendered), a total is the sum of the subtotal, tax and rounding lines printed just above
it, a rounded total is another amount plus the rounding adjustment, and a total label read with
one OCR error ('TOTL', 'Tntal') is still a total label. Each check becomes a feature of the
total candidates (``extraction.ranker.candidates.total_candidates``); the ranker weighs them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations

from extraction.document import Line
from extraction.normalise import find_amounts

CENT = Decimal("0.005")  # amounts agree to the cent
CHANGE = re.compile(r"\b(?:change|baki|kembali)\b", re.IGNORECASE)
TENDER = re.compile(
    r"\b(?:cash|tender(?:ed)?|paid|payment|pay|received|tunai|card|visa|master\w*|amex|credit|"
    r"debit|accepted)\b",
    re.IGNORECASE,
)
ROUNDING = re.compile(r"\bround", re.IGNORECASE)
TAX_WORD = re.compile(r"\b(?:tax|gst|vat|sst|hst|pst|mwst|tva|iva)\b", re.IGNORECASE)
SUB_WORD = re.compile(r"\bsub\W?\s?total|\bsub\b", re.IGNORECASE)
COUNT_WORD = re.compile(r"\b(?:qty|quantity|items?|count|pcs|units?)\b", re.IGNORECASE)
DISCOUNT_WORD = re.compile(r"\b(?:disc\w*|savings?|saved|promo\w*|coupon|voucher)\b", re.I)
DUE_WORD = re.compile(r"\b(?:due|payable|balance|to\s+pay|to\s+be\s+paid)\b", re.IGNORECASE)
WORD = re.compile(r"[A-Za-z0-9]+")


# an amount after a currency mark with a digit read as a letter: 'RMI5.40', 'RMI0.00', '$O.99'
MARKED_AMOUNT = re.compile(r"(RM|MYR|USD|[$€£])(\s?)([0-9IlO|]{1,6}[.,][0-9O]{2})(?!\d)")
DIGIT_READ = str.maketrans({"I": "1", "l": "1", "|": "1", "O": "0"})


def ocr_digits(text: str) -> str:
    """Amounts printed after a currency mark, with OCR's letter-for-digit readings undone (and
    a space before a mark glued to the label: 'TotalRMI5.40' -> 'Total RM15.40')."""

    def fix(m: re.Match[str]) -> str:
        if not re.search(r"\d", m.group(3)):
            return m.group()
        glued = m.start() > 0 and text[m.start() - 1].isalpha()
        return (" " if glued else "") + m.group(1) + m.group(2) + m.group(3).translate(DIGIT_READ)

    return MARKED_AMOUNT.sub(fix, text)


def amounts_in(text: str) -> list[tuple[Decimal, int, int, bool]]:
    """``find_amounts`` on the text with OCR's letter-for-digit readings undone."""
    return find_amounts(ocr_digits(text))


def line_amounts(lines: list[Line]) -> list[list[Decimal]]:
    """The amounts on each line, left to right: those with cents when the document prints any."""
    raw = [[(a[0], a[3]) for s in ln.segments for a in amounts_in(s.text)] for ln in lines]
    cents = any(d for row in raw for _v, d in row)
    return [[v for v, d in row if d or not cents] for row in raw]


def _edit1(a: str, b: str) -> bool:
    """``a`` is ``b`` with at most one letter replaced, dropped or added."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def total_word(text: str) -> tuple[bool, bool]:
    """(a word 'total' as printed, a word one OCR error away from 'total')."""
    exact = fuzzy = False
    for m in WORD.finditer(text.lower()):
        w = m.group()
        if w == "total" or w == "totals":
            exact = True
        elif 4 <= len(w) <= 6 and _edit1(w, "total") and not w.isdigit():
            fuzzy = True
    return exact, fuzzy


@dataclass
class Payment:
    """What the payment block of a receipt says: tendered, change, their difference."""

    tendered: Decimal | None = None
    change: Decimal | None = None
    tender_line: int = -1
    change_line: int = -1
    rounding: list[Decimal] = field(default_factory=list)
    last_total_line: int = -1  # the last line with a total word and an amount (before payment)

    @property
    def paid(self) -> Decimal | None:
        """Tendered minus change: what the customer paid."""
        if self.tendered is None or self.change is None:
            return None
        return self.tendered - self.change


def payment(lines: list[Line], amounts: list[list[Decimal]]) -> Payment:
    """The change line (its amount as a magnitude: '20.00-' is change given), the amount
    tendered above it (on a tender line when one is labelled, else the nearest amount above
    that is larger than the change), and every rounding adjustment printed."""
    out = Payment()
    for k, ln in enumerate(lines):
        if ROUNDING.search(ln.text):
            row = amounts[k] or (amounts[k + 1] if k + 1 < len(lines) else [])
            out.rounding += [abs(v) for v in row[-1:] if abs(v) < 1]
    for k, ln in enumerate(lines):
        if not CHANGE.search(ln.text):
            continue
        row = amounts[k] or (
            amounts[k + 1] if k + 1 < len(lines) and not CHANGE.search(lines[k + 1].text) else []
        )
        if not row:
            continue
        change = abs(row[-1])
        above = [j for j in range(k - 1, max(-1, k - 4), -1) if amounts[j]]
        labelled = [j for j in above if TENDER.search(lines[j].text)]
        for j in labelled + above:
            tendered = abs(amounts[j][-1])
            if tendered > change:
                out.tendered, out.change, out.tender_line, out.change_line = tendered, change, j, k
                break
        if out.paid is not None:
            break
    end = out.tender_line if out.tender_line >= 0 else len(lines)
    for k in range(end):
        exact, fuzzy = total_word(lines[k].text)
        if (exact or fuzzy) and (amounts[k] or (k + 1 < end and amounts[k + 1])):
            out.last_total_line = k if amounts[k] else k + 1
    return out


def sum_above(val: Decimal, k: int, amounts: list[list[Decimal]], reach: int = 8) -> bool:
    """``val`` is the sum of the last amounts of two or more lines just above line ``k``
    (subtotal + tax (+ service charge, rounding) = total)."""
    total, n = Decimal(0), 0
    for j in range(k - 1, max(-1, k - 1 - reach), -1):
        if not amounts[j]:
            continue
        total += amounts[j][-1]  # signed: '-0.01' of a rounding line is taken off
        n += 1
        if n >= 2 and abs(total - val) < CENT:
            return True
        if total > val + CENT:
            return False
    return False


def total_features(
    val: Decimal,
    k: int,
    lines: list[Line],
    amounts: list[list[Decimal]],
    pay: Payment,
    values: set[Decimal],
) -> dict[str, float]:
    """Features of the amount ``val`` printed on line ``k`` of the document."""
    text = lines[k].text
    exact, fuzzy = total_word(text)
    # 'TOTAL' on a line of its own, the amount on the next
    p_exact, p_fuzzy = (
        total_word(lines[k - 1].text) if k > 0 and not amounts[k - 1] else (False, False)
    )
    paid = pay.paid
    rounded_of = any(
        abs(x + sign * r - val) < Decimal("0.005") and x != val
        for r in pay.rounding
        for sign in (1, -1)
        for x in values
    )
    pre_rounding = any(
        abs(val + sign * r - x) < Decimal("0.005") and x != val and r != 0
        for r in pay.rounding
        for sign in (1, -1)
        for x in values
    )
    return {
        "t_word": float(exact),
        "t_fuzzy": float(fuzzy),
        "t_prev_word": float(bool(p_exact or p_fuzzy)),
        "t_sub": float(bool(SUB_WORD.search(text))),
        "t_tax": float(bool(TAX_WORD.search(text))),
        "t_count": float(bool(COUNT_WORD.search(text))),
        "t_disc": float(bool(DISCOUNT_WORD.search(text))),
        "t_due": float(bool(DUE_WORD.search(text))),
        "t_tender_word": float(bool(TENDER.search(text))),
        "t_change_word": float(bool(CHANGE.search(text))),
        "t_paid": float(paid is not None and abs(val - paid) < CENT),
        "t_paid_near": float(
            paid is not None and CENT <= abs(val - paid) <= Decimal("0.05") + Decimal("0.005")
        ),
        "t_last_total": float(k == pay.last_total_line),
        "t_pay_block": float(pay.tender_line >= 0),
        "t_is_tender": float(k == pay.tender_line),
        "t_is_change": float(k == pay.change_line),
        "t_before_tender": float(pay.tender_line >= 0 and k < pay.tender_line),
        "t_lines_to_tender": float(pay.tender_line - k) if pay.tender_line >= 0 else -99.0,
        "t_sum_above": float(sum_above(val, k, amounts)),
        "t_rounded_of": float(rounded_of),
        "t_pre_rounding": float(pre_rounding),
    }


# an 's' or 'S' glued to the front of an amount: OCR's reading of a '$' ('Sales Tax s0.94')
S_FOR_DOLLAR = re.compile(r"(?<![A-Za-z0-9$])[sS](?=\d{1,6}[.,]\d{2}\b)")


def _without_mark(amount: Decimal) -> Decimal | None:
    """``amount`` without its first digit ('516.54' -> 16.54, '50.94' -> 0.94), or None when
    no whole number is left or it would start with a 0 ('505.00')."""
    digits = f"{amount:.2f}"
    if amount < 10 or (digits[1] == "0" and digits[2] != "."):
        return None
    return Decimal(digits[1:])


def _marked_total(rest: Decimal, lines: list[Line]) -> bool:
    """A total line prints ``rest`` behind its '$' ('TOTAL USD $64.82' below 'Fuel Total
    564.82')."""
    for line in lines:
        if not total_word(line.text)[0]:
            continue
        for amount, start, _e, cents in amounts_in(line.text):
            if cents and amount == rest and ocr_digits(line.text)[:start].rstrip().endswith("$"):
                return True
    return False


def paid_without_marks(rest: Decimal, value: Decimal, lines: list[Line]) -> bool:
    """Cash tendered minus change make ``rest`` once a first digit that is a misread currency
    mark is dropped from either or both ('Cash 5203.00', 'CHANGE DUE 519.52' under 'Total Due
    5183.48': 203.00 - 19.52 = 183.48), and not ``value`` as printed."""
    pay = payment(lines, line_amounts(lines))
    if pay.tendered is None or pay.change is None or pay.paid == value:
        return False
    return any(
        t is not None and c is not None and abs(t - c - rest) < CENT
        for t in (pay.tendered, _without_mark(pay.tendered))
        for c in (pay.change, _without_mark(pay.change))
    )


def subtotal_and_tax_make(rest: Decimal, value: Decimal, lines: list[Line]) -> bool:
    """A subtotal line and a tax line add up to ``rest``, each as printed or without a first
    digit that is a misread currency mark (an amount printed with its mark keeps its digits),
    and do not add up to ``value`` as printed ('Subtotal 515.60', 'Sales Tax 50.94', 'Total
    516.54': 15.60 + 0.94 = 16.54, while 515.60 + 50.94 is no 516.54; 'Sub-Total 13.95', 'Tax
    1.81', 'TOTAL 515.76'). When the subtotal lost a mark too, so that the amounts as printed
    add up as well ('SUB TOTAL 541.71', 'SALES TAX $2.92', 'TOTAL 544.63'), the item amounts
    above the subtotal line must add up to it without its mark (18.97 + 22.74 = 41.71)."""
    per_line = line_amounts(lines)

    def amounts(
        word: re.Pattern[str], other: re.Pattern[str]
    ) -> list[tuple[Decimal, Decimal, int]]:
        found = []  # (as printed, as printed or without a misread mark, line index)
        for k, line in enumerate(lines):
            if not word.search(line.text) or other.search(line.text):
                continue
            text = ocr_digits(S_FOR_DOLLAR.sub("$", line.text))
            with_cents = [a for a in find_amounts(text) if a[3]]
            if not with_cents:
                continue
            amount, start, _e, _c = with_cents[-1]
            found.append((amount, amount, k))
            bare = _without_mark(amount)
            if not text[:start].rstrip().endswith(("$", "£", "€")) and bare is not None:
                found.append((amount, bare, k))
        return found

    subtotals, taxes = amounts(SUB_WORD, TAX_WORD), amounts(TAX_WORD, SUB_WORD)
    # one tax line, or two ('State Tax $1.64', 'Local Tax s1.43')
    tax_sums = [
        (sum(t[0] for t in combo), sum(t[1] for t in combo))
        for n in (1, 2)
        for combo in combinations(taxes, n)
        if len({t[2] for t in combo}) == n
    ]
    for s_printed, s_bare, k in subtotals:
        for t_printed, t_bare in tax_sums:
            if abs(s_bare + t_bare - rest) >= CENT:
                continue
            if abs(s_printed + t_printed - value) >= CENT:
                return True
            if s_bare != s_printed and sum_above(s_bare, k, per_line):
                return True
    return False


def dollar_read_as_digit(value: Decimal, lines: list[Line], cash: Decimal | None) -> Decimal:
    """The total without a first digit that is a currency mark OCR read as a digit ('$493.37'
    read '8493.37' or '5 335.36'), when the rest is confirmed: it is cash minus change (also
    with their marks misread), or another line prints it (also behind a misread mark of its
    own); else ``value``. A total
    under 1000 needs the stronger proofs: cash minus change, a subtotal and tax that add up to
    the rest, or a total line printing the rest behind its '$' (an item line may well print
    it without)."""
    if value < 100 or value.as_tuple().exponent != -2:
        return value
    rest = _without_mark(value)
    if rest is None or rest <= 0:
        return value
    if cash is not None and abs(cash - rest) < CENT:
        return rest
    if paid_without_marks(rest, value, lines) or subtotal_and_tax_make(rest, value, lines):
        return rest
    if value < 1000:
        return rest if _marked_total(rest, lines) else value
    seen = 0
    for line in lines:
        for amount, _s, _e, cents in amounts_in(line.text):
            if not cents or amount == value:
                continue
            text = f"{amount:.2f}"
            if amount == rest or (amount >= 1000 and Decimal(text[1:]) == rest):
                seen += 1
    return rest if seen else value


# a tip written in below a restaurant's printed total ('Gratuity 7.77', 'Tip 26.89'); not the
# suggestions a slip prints ('18% $11.81 (Total $77.44)')
TIP_LINE = re.compile(r"^\W*(?:tip|gratuity|grat\.?)\b(?!.*\btotal\b)", re.IGNORECASE)
SUGGESTED_TIP = re.compile(r"^\W*\d{1,2}(?:\.\d+)?\s?%.*\btotal\b", re.IGNORECASE)
PAID_WORD = re.compile(r"\b(?:total|amount|paid|charged)\b", re.IGNORECASE)


def with_tip(value: Decimal, lines: list[Line]) -> Decimal:
    """What the customer paid when a tip was written in under the printed total: a tip line below
    the line of ``value``, then within three lines a total or amount line printing ``value`` plus
    the tip; else ``value``."""
    amounts = line_amounts(lines)
    first = next((k for k, row in enumerate(amounts) if value in row), -1)
    if first < 0:
        return value
    for j in range(first + 1, min(len(lines), first + 8)):
        if not TIP_LINE.match(lines[j].text) or not amounts[j]:
            continue
        tip = amounts[j][-1]
        for m in range(j + 1, min(len(lines), j + 4)):
            if value + tip in amounts[m] and PAID_WORD.search(lines[m].text):
                return value + tip
        return value
    return value
