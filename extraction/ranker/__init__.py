"""Learned field ranking for scanned documents: candidates with features, scored by small trees.

The rules in ``extraction.finders`` still read labels, totals and parties; for the fields named in
``RANKED`` on OCR pages, every plausible candidate is scored by the shipped model and the best one
wins. ``document_candidates`` is shared by inference and by training (``tools/train_ranker.py``),
so the model always sees exactly the features it was fitted on.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from extraction.finders import parties
from extraction.finders.concepts import field_spec
from extraction.finders.locate import Candidate
from extraction.ranker.address import address_candidates, settled_address
from extraction.ranker.candidates import (
    Ranked,
    add_relative,
    company_candidates,
    settled_company,
    total_candidates,
)
from extraction.ranker.model import RankerModel, load_model
from extraction.ranker.totals import dollar_read_as_digit, with_tip

if TYPE_CHECKING:
    from extraction.finders.fields import Finder
    from extraction.learning import Learned

# concept of the template field -> name of the ranked field in the model
RANKED = {"seller_name": "company", "address": "address", "grand_total": "total"}


def applies(finder: Finder) -> bool:
    """The model was trained on scanned receipts: it ranks fields of OCR-read documents."""
    return bool(finder.doc.pages) and finder.doc.pages[0].source == "ocr"


def document_candidates(finder: Finder) -> dict[str, list[Ranked]]:
    """Candidates with features for every ranked field of one document."""
    from extraction.finders.totals import cash_minus_change

    doc = finder.doc
    seller = finder.party(field_spec("seller_name", {"type": "string"}))
    legal = parties.legal_form_name(doc)
    top = parties.top_name(doc)
    rules = {
        "legal": str(legal.value) if legal else "",
        "top": str(top.value) if top else "",
        "chosen": str(seller.value) if seller else "",
    }
    company_line = -1
    if seller is not None and seller.box is not None and doc.pages:
        company_line = next(
            (
                ln.index
                for ln in doc.pages[0].lines
                if ln.box[1] - 1e-6 <= seller.box[1] <= ln.box[3] + 1e-6
            ),
            -1,
        )
    address_rule = finder.address(field_spec("address", {"type": "string"}))
    totals = finder.totals()
    grand = totals.get("grand_total")
    cash = cash_minus_change(finder)
    found = {
        "company": company_candidates(doc, rules),
        "address": address_candidates(
            doc, company_line, str(address_rule.value) if address_rule else None
        ),
        "total": total_candidates(
            doc, finder.hits, grand.value if grand else None, cash[0] if cash else None
        ),
    }
    return {name: add_relative(name, cands) for name, cands in found.items()}


def _address(best: Ranked, cands: dict[str, list[Ranked]], model: RankerModel) -> Ranked:
    """The ranker's address pick settled by ``settled_address`` (its town line, its house
    number, no shop name: the company as the engine reports it, ``settled_company``)."""
    found = cands.get("address", [])
    names = cands.get("company", [])
    company = ""
    if names and "company" in model.fields:
        top = max(range(len(names)), key=lambda i: model.fields["company"].score(names[i].features))
        values = [str(c.value) for c in names]
        company = values[settled_company(top, values, [c.features for c in names])]
    index = next((i for i, c in enumerate(found) if c is best), None)
    if index is None:
        return best
    return found[settled_address(index, [str(c.value) for c in found], company)]


def ranked_fields(
    finder: Finder, concepts: set[str], learned: Learned | None = None
) -> dict[str, Candidate]:
    """The model's best candidate for each wanted concept it can rank (concept -> candidate);
    ``learned``: an organisation's own model and vendor memory (``extraction.learning``)."""
    from extraction.learning import pick

    model = load_model()
    wanted = {c: RANKED[c] for c in concepts if c in RANKED and model and RANKED[c] in model.fields}
    if not wanted or model is None or not applies(finder):
        return {}
    if "seller_name" in wanted and finder.headed_names(
        field_spec("seller_name", {"type": "string"})
    ):
        # a scanned invoice that names its seller under a heading ('Supplier', 'Emisor'): the
        # rules read it; no receipt of the training corpus has such a heading
        del wanted["seller_name"]
        if not wanted:
            return {}
    cands = document_candidates(finder)
    out: dict[str, Candidate] = {}
    for concept, name in wanted.items():
        chosen = pick(learned, name, finder.doc, model.fields[name], cands.get(name, []))
        if chosen is None:
            continue
        prob, best = chosen
        if learned is not None and learned.remembered(name, finder.doc, cands.get(name, [])):
            pass  # what the organisation confirmed for this layout stays as it is
        elif name == "address":
            best = _address(best, cands, model)
        elif name == "company":
            found = cands.get("company", [])
            index = next((i for i, c in enumerate(found) if c is best), None)
            if index is not None:
                best = found[
                    settled_company(
                        index, [str(c.value) for c in found], [c.features for c in found]
                    )
                ]
        elif name == "total" and isinstance(best.value, Decimal):
            from extraction.finders.totals import cash_minus_change

            cash = cash_minus_change(finder)
            fixed = dollar_read_as_digit(best.value, finder.doc.lines, cash[0] if cash else None)
            fixed = with_tip(fixed, finder.doc.lines)
            if fixed != best.value:
                best = Ranked(fixed, best.page, best.box, best.features)
        out[concept] = Candidate(
            best.value, prob, best.page, best.box, str(best.value), f"ranker:{name}"
        )
    return out
