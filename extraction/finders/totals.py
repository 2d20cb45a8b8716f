"""Net, tax and grand totals, chosen together.

Each total gets candidates from its labels; they are weighed by context (excl./incl. words,
table rows, percentages, position), then a set where net + tax = grand is preferred. Receipts
add two checks: a printed rounding adjustment, and cash tendered minus change.
"""

from __future__ import annotations

import re
from decimal import Decimal

from extraction.finders.concepts import field_spec
from extraction.finders.fields import TOTAL_CONCEPTS, Finder
from extraction.finders.locate import Candidate, fold, values_near
from extraction.finders.parsers import PARSERS
from extraction.normalise import find_amounts

# on invoices (text layers, and scans read with an invoice template), a total that net + tax
# make exactly beats one a cent off: the invoice's total with VAT is printed before its rounding
# ('Total TTC 422.14', 'Arrondi 0.01', 'Net à payer 422.15'); receipt scans keep the rounded
# total their labels give
EXACT_SUM = 0.2


def choose_totals(f: Finder) -> dict[str, Candidate]:
    """Net, tax and grand total chosen together: prefer a set where net + tax = grand."""
    decimals_seen = any(a[3] for line in f.doc.lines for a in find_amounts(line.text))
    options: dict[str, list[Candidate]] = {}
    for concept in TOTAL_CONCEPTS:
        spec = next((s for s in f.specs if s.concept == concept), None) or field_spec(
            concept, {"type": "number"}
        )
        cands = []
        for cand in f.labelled(spec):
            hit = cand.hit
            assert hit is not None
            seg_text = fold(hit.segment.text)
            if not isinstance(cand.value, Decimal):
                continue
            if cand.how.startswith("below") and f.on_item_row(cand):
                continue  # a column heading over line items ('Total HT' over the first row)
            if concept != "tax_total" and cand.value < 0:
                cand.score *= 0.9
            if decimals_seen and cand.value.as_tuple().exponent >= 0:
                cand.score *= 0.3  # totals are printed with cents when the document uses them
            n_amounts = len(find_amounts(hit.line.text))
            if n_amounts >= 3 and cand.how.startswith("right"):
                cand.score *= 0.8  # a row of a table, not a total line
            if "%" in hit.segment.text[hit.end :] and concept != "tax_total":
                cand.score *= 0.7
            if concept == "grand_total" and re.search(
                r"excl|exclud|before|ohne|hors|w/o|without|netto\b", seg_text
            ):
                cand.score *= 0.3
            if concept == "net_total" and re.search(r"\bincl|inclus|inkl|brutto|ttc", seg_text):
                cand.score *= 0.3
            cand.score *= 0.9 + 0.1 * cand.line_order
            cands.append(cand)
        merged: dict[Decimal, Candidate] = {}
        for cand in sorted(cands, key=lambda c: -c.score):
            if cand.value in merged:
                merged[cand.value].score = min(1.0, merged[cand.value].score + 0.15 * cand.score)
            else:
                merged[cand.value] = cand
        options[concept] = sorted(merged.values(), key=lambda c: -c.score)[:4]
    _cash_check(f, options.setdefault("grand_total", []))
    _rounding(f, options["grand_total"])
    chosen = {k: v[0] for k, v in options.items() if v}
    best_combo, best_score = None, -1.0
    for g in options.get("grand_total", [])[:4]:
        for n in options.get("net_total", [])[:4]:
            for t in options.get("tax_total", [])[:4] or [None]:  # type: ignore[list-item]
                tax = t.value if t else Decimal(0)
                if (
                    abs(n.value + tax - g.value) < Decimal("0.015")
                    and n.value != 0
                    and g.value != 0
                ):
                    score = g.score + n.score + (t.score if t else 0.0)
                    if (f.text_layer or f.for_invoices) and n.value + tax == g.value:
                        score += EXACT_SUM  # an invoice's total before its rounding line
                    if score > best_score:
                        best_combo, best_score = (g, n, t), score
    if best_combo:
        g, n, t = best_combo
        for c in (g, n, t):
            if c:
                c.score = min(0.99, c.score + 0.1)
        chosen["grand_total"], chosen["net_total"] = g, n
        if t:
            chosen["tax_total"] = t
    net = chosen.get("net_total")
    grand = chosen.get("grand_total")
    if net is not None and (grand is None or grand.score < 0.45 < net.score):
        # a subtotal is the best evidence of the total left (receipts without a readable TOTAL)
        chosen["grand_total"] = Candidate(
            net.value, 0.4, net.page, net.box, net.text, "net-as-total"
        )
    if "grand_total" not in chosen:
        biggest = largest_amount(f)
        if biggest:
            chosen["grand_total"] = biggest
    grand = chosen.get("grand_total")
    if (
        grand is not None
        and "net_total" not in chosen
        and "tax_total" not in chosen
        and VAT_EXEMPT.search(fold(f.doc.text))
    ):  # no VAT charged: the total is the net amount
        chosen["net_total"] = Candidate(
            grand.value, 0.5, grand.page, grand.box, grand.text, "vat-exempt-net"
        )
    return chosen


# a seller that charges no VAT says so: small businesses ('TVA non applicable, art. 293 B du CGI',
# 'gemäß § 19 UStG', 'regime forfettario'), sellers not registered for VAT (on folded text)
VAT_EXEMPT = re.compile(
    r"tva non applicable|art(?:icle|\.)?\s*293\s*b|§\s*19\s*(?:abs\.?\s*1\s*)?ustg|"
    r"kleinunternehmer|not registered for vat|no vat (?:is )?charged|"
    r"regime forfettario|esente iva|exento de iva|iva exenta|"
    r"vrijgesteld van (?:de )?btw|kleineondernemersregeling"
)


def _rounding(f: Finder, grand: list[Candidate]) -> None:
    """A printed rounding adjustment turns the best total into the rounded one, when printed."""
    if not grand:
        return
    rounding = None
    best = grand[0]
    best_order = best.line_order
    for hit in f.hits:
        if "_other_amount" in hit.owners and hit.label.startswith(("round", "rounding")):
            if f.order(hit.line) < best_order:
                return  # the best total is printed after the rounding: it is already rounded
            for cand in values_near(
                hit, PARSERS["amount"], f.lines_by_page, below=1, stop=f.stop, rightmost=True
            ):
                if isinstance(cand.value, Decimal) and 0 < abs(cand.value) < 1:
                    rounding = cand.value
            break
    if rounding is None:
        return
    target = best.value + rounding
    if any(abs(c.value - target) < Decimal("0.005") for c in grand[1:]) or any(
        abs(a[0] - target) < Decimal("0.005")
        for line in f.doc.lines
        for a in find_amounts(line.text)
    ):
        grand.insert(
            0, Candidate(target, best.score, best.page, best.box, best.text, best.how + "+rounding")
        )


def cash_minus_change(f: Finder) -> tuple[Decimal, Candidate] | None:
    """Cash tendered minus the change given back, when both are printed."""

    def first(words: tuple[str, ...]) -> Candidate | None:
        for hit in f.hits:
            if "_other_amount" in hit.owners and hit.label in words:
                for cand in values_near(
                    hit, PARSERS["amount"], f.lines_by_page, below=1, stop=f.stop, rightmost=True
                ):
                    if isinstance(cand.value, Decimal) and cand.value.as_tuple().exponent < 0:
                        return cand
        return None

    cash, change = (
        first(("cash", "tendered", "cash tendered", "pay", "paid", "payment", "tunai")),
        first(("change", "baki")),
    )
    if cash is None or change is None or abs(change.value) >= cash.value:
        return None
    return cash.value - abs(change.value), cash  # '20.00-': change given back, printed negative


def _cash_check(f: Finder, grand: list[Candidate]) -> None:
    """Cash tendered minus change is the total: it confirms a candidate, or is one."""
    found = cash_minus_change(f)
    if found is None:
        return
    paid, cash = found
    for cand in grand:
        if abs(cand.value - paid) < Decimal("0.015"):
            cand.score = min(0.99, cand.score + 0.25)
            grand.sort(key=lambda c: -c.score)
            return
    grand.append(Candidate(paid, 0.45, cash.page, cash.box, cash.text, "cash-minus-change"))
    grand.sort(key=lambda c: -c.score)


def largest_amount(f: Finder) -> Candidate | None:
    skip = {id(h.line) for h in f.hits if "_other_amount" in h.owners}
    best = None
    for line in f.doc.lines:
        if id(line) in skip:
            continue
        for seg in line.segments:
            for val, _s, _e, has_dec in find_amounts(seg.text):
                if has_dec and val > 0 and (best is None or val > best.value):
                    best = Candidate(val, 0.3, line.page, seg.box, seg.text, "largest")
    return best
