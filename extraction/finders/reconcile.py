"""Invoice totals checked against each other: net + tax = grand.

``choose_totals`` picks each total from its labels and prefers a consistent set among the
candidates it found. When a total is missing, or the chosen three disagree, the two that agree
with the page tell the third: its value is taken only when that amount is printed on the page
(credit notes print signs apart from their numbers, so the printed amount is compared without
sign). With no tax printed at all, the grand total is also the net total.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from extraction.finders.locate import Candidate, fold, values_near
from extraction.finders.parsers import PARSERS
from extraction.normalise import find_amounts

if TYPE_CHECKING:
    from extraction.finders.fields import Finder

CENT = Decimal("0.015")


def _printed(finder: Finder) -> set[Decimal]:
    """Every amount with decimals printed on the document, without its sign."""
    return {abs(a[0]) for line in finder.doc.lines for a in find_amounts(line.text) if a[3]}


def _derived(value: Decimal, like: Candidate, how: str, score: float) -> Candidate:
    return Candidate(value, score, like.page, like.box, like.text, how, like.line_order)


def _agree(net: Decimal, tax: Decimal, grand: Decimal) -> bool:
    return abs(net + tax - grand) < CENT


def _tax_printed(finder: Finder) -> bool:
    """A tax label with an amount next to it ('excl. VAT' headings do not count)."""
    return any(
        "tax_total" in hit.owners and not finder.negated(hit) and find_amounts(hit.line.text)
        for hit in finder.hits
    )


INCLUSIVE = re.compile(
    r"(?<![a-z])(?:incl|inkl|inklusive|including|inclusive|einschl|einschließlich|incluse|"
    r"comprise|compris|incluida|incluido|inclusa|inclusa)\.?[\s\d.,%]*$"
)


def _inclusive_total(finder: Finder) -> Candidate | None:
    """An amount printed as including the tax ('Beitrag inklusive 19 % Versicherungsteuer',
    'Amount incl. VAT'): a grand total when no total label was found."""
    for hit in finder.hits:
        if "tax_total" not in hit.owners or not INCLUSIVE.search(
            fold(hit.segment.text)[: hit.start]
        ):
            continue
        for cand in values_near(
            hit, PARSERS["amount"], finder.lines_by_page, below=0, stop=finder.stop, rightmost=True
        ):
            if isinstance(cand.value, Decimal) and cand.value.as_tuple().exponent < 0:
                return _derived(cand.value, cand, "incl-tax", 0.5)
    return None


def reconcile_totals(finder: Finder, totals: dict[str, Candidate]) -> dict[str, Candidate]:
    """The chosen totals, completed or corrected by net + tax = grand (a new dict)."""
    out = dict(totals)
    grand = out.get("grand_total")
    if grand is None or grand.how in ("largest", "net-as-total"):
        inclusive = _inclusive_total(finder)
        if inclusive is not None:
            out["grand_total"] = inclusive
    net, tax, grand = (out.get(k) for k in ("net_total", "tax_total", "grand_total"))
    if tax and grand and grand.value and abs(tax.value) >= abs(grand.value):
        del out["tax_total"]  # a tax as large as the total is some other number (an id)
        tax = None
    printed = _printed(finder)

    def seen(value: Decimal) -> bool:
        return abs(value) in printed

    if net and tax and grand:
        if _agree(net.value, tax.value, grand.value):
            return out
        # replace the least sure of the three by the value the other two give, when printed
        options = [
            ("tax_total", grand.value - net.value, tax, min(net.score, grand.score)),
            ("net_total", grand.value - tax.value, net, min(tax.score, grand.score)),
            ("grand_total", net.value + tax.value, grand, min(net.score, tax.score)),
        ]
        options.sort(key=lambda o: o[2].score)
        for concept, value, old, support in options:
            if value != 0 and seen(value) and support > old.score * 0.8:
                out[concept] = _derived(value, old, "net+tax=grand", 0.9 * support)
                break
        return out
    if grand and tax and not net:
        value = grand.value - tax.value
        if value != 0 and seen(value):
            score = 0.8 * min(grand.score, tax.score)
            out["net_total"] = _derived(value, grand, "grand-tax", score)
    elif grand and net and not tax:
        value = grand.value - net.value
        if seen(value):
            score = 0.8 * min(grand.score, net.score)
            out["tax_total"] = _derived(value, grand, "grand-net", score)
    elif net and tax and not grand:
        value = net.value + tax.value
        if seen(value):
            out["grand_total"] = _derived(value, net, "net+tax", 0.8 * min(net.score, tax.score))
    elif grand and not net and not tax and not _tax_printed(finder):
        # as sure as the other derivations: with no tax anywhere on the page the total is net
        # (at half the total's score every invoice without tax was sent to review for it)
        out["net_total"] = _derived(grand.value, grand, "no-tax", 0.8 * grand.score)
    return out
