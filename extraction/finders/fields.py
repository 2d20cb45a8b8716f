"""The local engine: template fields found from labels, positions, value types and patterns."""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import replace
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from extraction.document import Document, Line, Segment
from extraction.finders import footer, parties
from extraction.finders.concepts import CONCEPTS, FieldSpec, field_spec
from extraction.finders.line_items import find_line_items
from extraction.finders.locate import (
    BARE_NUMBER_WORDS,
    OTHER_DOCUMENTS,
    WORD,
    Candidate,
    LabelHit,
    find_labels,
    fold,
    values_near,
)
from extraction.finders.parsers import PARSERS, parse_date, with_pattern
from extraction.finders.regions import AU_STATE, NANP_PHONE, US_STATE
from extraction.normalise import (
    IBAN_LENGTHS,
    amount_json,
    find_amounts,
    find_currency,
    find_dates,
    find_ibans,
)
from extraction.types import FieldResult, TemplateSpec

if TYPE_CHECKING:
    from extraction.learning import Learned

TOTAL_CONCEPTS = ("net_total", "tax_total", "grand_total")
OTHER_PARTIES = frozenset({"buyer_name", "_delivery"})
# 'Bill to: ' before a name on the same line: the name is the party that label heads
LEADING_LABEL = re.compile(r"^[^:\d]{2,25}:\s*")
NEGATION = re.compile(
    r"(?<![a-z])(?:ohne|exkl|excl|exclusive|excluding|without|w/o|before|vor|hors|sans|avant|"
    r"senza|sin|zonder|net of)\.?\s*$"
)

# an amount in crowns, the mark after or before it ('7 057,60 kr', 'kr 1.250,00')
CROWN_AMOUNT = re.compile(r"\d\s?kr\.?(?![A-Za-z])|(?<![A-Za-z])kr\.?\s?\d", re.IGNORECASE)
CROWNS = {"SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK"}


class Finder:
    """Holds one document's label hits so every field reuses them."""

    def __init__(self, doc: Document, specs: list[FieldSpec]) -> None:
        self.doc = doc
        self.specs = specs
        labels: dict[str, set[str]] = defaultdict(set)
        for concept, (_kind, labs) in CONCEPTS.items():
            for lab in labs:
                labels[lab].add(concept)
        for spec in specs:
            for lab in spec.labels:
                labels[lab].add(self.owner(spec))
        self.hits = find_labels(doc, labels)
        self._all_labels = _folded_labels(tuple(sorted(labels)))
        self.lines_by_page: dict[int, list[Line]] = {p.number: p.lines for p in doc.pages}
        self.day_first = day_first_document(doc)
        self.title = title_line(doc, self.day_first)
        self.n_lines = max(1, len(doc.lines))
        self._by_seg: dict[int, list[LabelHit]] = defaultdict(list)
        for hit in self.hits:
            self._by_seg[id(hit.segment)].append(hit)
        self._starts: dict[int, list[int]] = defaultdict(list)
        for hit in self.hits:
            if hit.weight >= 0.7:
                self._starts[id(hit.segment)].append(hit.start)
        for v in self._starts.values():
            v.sort()

    @staticmethod
    def owner(spec: FieldSpec) -> str:
        return spec.concept or f"field:{spec.name}"

    def stop(self, seg_id: int, start: int) -> int:
        """Where the next strong label begins in a segment (values end there)."""
        starts = self._starts.get(seg_id)
        if not starts:
            return 10**9
        i = bisect.bisect_left(starts, start)
        return starts[i] if i < len(starts) else 10**9

    def hits_for(self, spec: FieldSpec) -> list[LabelHit]:
        owner = self.owner(spec)
        return [h for h in self.hits if owner in h.owners]

    def order(self, line: Line) -> float:
        """Position of a line in the document, 0 (first) to 1 (last)."""
        before = sum(len(p.lines) for p in self.doc.pages if p.number < line.page)
        return (before + line.index) / self.n_lines

    # ----------------------------------------------------------------- generic label search
    def parser(self, spec: FieldSpec):
        if spec.kind == "date":
            day_first = self.day_first
            return with_pattern(lambda text: parse_date(text, day_first), spec.pattern)
        return with_pattern(PARSERS.get(spec.kind, PARSERS["text"]), spec.pattern)

    def labelled(self, spec: FieldSpec, below: int = 3) -> list[Candidate]:
        parse = self.parser(spec)
        out = []
        for hit in self.hits_for(spec):
            if spec.concept == "tax_total" and self.negated(hit):
                continue  # 'Ohne MwSt.', 'excl. VAT': a net amount's heading
            for cand in values_near(
                hit,
                parse,
                self.lines_by_page,
                below=below,
                stop=self.stop,
                rightmost=spec.kind == "amount",
            ):
                cand.score *= hit.weight
                cand.how = f"{cand.how}:{hit.label}"
                cand.line_order = self.order(hit.line)
                cand.hit = hit
                out.append(cand)
                break
        return out

    @staticmethod
    def about_earlier_invoice(cand: Candidate) -> bool:
        """A number or date printed after a reference to another invoice ('Gutschrift zur
        Rechnung Nr. 4000 vom 02.01.2024'): that invoice's, not this one's."""
        if cand.hit is None:
            return False
        text = fold(cand.hit.segment.text)
        before, after = text[: cand.hit.start], text[cand.hit.end :]
        # 'Factura rectificada: 2021/04538 (28/04/2021)': the label names the corrected invoice
        return bool(
            REFERENCE_IN.search(before)
            or REFERENCE_BEFORE.search(before)
            or REFERENCE_NAMED.match(after)
        )

    @staticmethod
    def numbers_other_document(cand: Candidate) -> bool:
        """A bare number label after another document's name ('Angebot Nr. Q-70766', 'Order
        No. 4471'): that document's number, not the invoice's."""
        hit = cand.hit
        if hit is None or hit.label not in BARE_NUMBER_WORDS:
            return False
        return bool(OTHER_DOCUMENT_NAMED.search(fold(hit.segment.text)[: hit.start]))

    def about_other_document(self, cand: Candidate) -> bool:
        """A date after another document's number ('gemäß Angebot Nr. 97831 vom 03.06.25',
        'order 4471 of 2 May'), also wrapped onto the next line ('as per quotation Q-31746' over
        'dated Mar 4, 2020'): the offer's or order's date, not the invoice's."""
        hit = cand.hit
        if hit is None:
            return False
        before = fold(hit.segment.text)[: hit.start]
        if OTHER_DOCUMENT_BEFORE.search(before):
            return True
        wrapped = self.wrapped_above(hit, 0.6)  # 'as per quotation' over 'AN-88671 dated …'
        if not wrapped:
            return False
        # also only the words over the hit's cell: a quantity printed close after the wrapped
        # text ('… as per quotation 1766 pcs') shares its segment but is the next column's
        right = hit.segment.box[2]
        over = " ".join(w.text for w in wrapped[-1].words if w.x0 < right)
        return any(
            OTHER_DOCUMENT_BEFORE.search(f"{fold(text)} {before}")
            for text in (wrapped[-1].text, over)
        )

    def wrapped_above(self, hit: LabelHit, reach: float) -> list[Segment]:
        """The segments of the line above a hit's cell that its text may wrap from: less than
        ``reach`` of the cell's height above it, overlapping it across."""
        if hit.line.index == 0:
            return []
        above = self.lines_by_page.get(hit.line.page, [])[hit.line.index - 1]
        box = hit.segment.box
        h = max(1e-6, box[3] - box[1])
        return [
            s
            for s in above.segments
            if box[1] - s.box[3] < reach * h and min(s.box[2], box[2]) > max(s.box[0], box[0])
        ]

    def negated(self, hit: LabelHit) -> bool:
        """A label after 'without', 'excl.', 'ohne', 'hors' ... in its cell, or under such a word
        in a heading wrapped over two lines ('Ohne' above 'MwSt.')."""
        before = fold(hit.segment.text)[: hit.start]
        if NEGATION.search(before):
            return True
        if before.strip(" :.("):
            return False
        wrapped = self.wrapped_above(hit, 0.8)
        return bool(wrapped) and bool(NEGATION.search(fold(wrapped[0].text)))

    def pattern_anywhere(self, spec: FieldSpec) -> Candidate | None:
        if spec.pattern is None:
            return None
        parse = self.parser(spec)
        for line in self.doc.lines:
            for seg in line.segments:
                got = parse(seg.text)
                if got:
                    return Candidate(got[0], 0.5, line.page, seg.box, seg.text, "pattern")
        return None

    # ----------------------------------------------------------------- per kind
    def find(self, spec: FieldSpec) -> Candidate | None:
        kind = spec.kind
        if kind == "items":
            return None
        if spec.concept in ("seller_name", "buyer_name"):
            return self.party(spec)
        if spec.concept == "address" or kind == "address":
            return self.address(spec)
        if kind == "amount" and spec.concept in TOTAL_CONCEPTS:
            return None  # resolved together in totals()
        cands = self.labelled(spec)
        if spec.concept in ("invoice_number", "issue_date"):
            cands = [c for c in cands if not self.about_earlier_invoice(c)]
        if spec.concept == "invoice_number":
            cands = [c for c in cands if not self.numbers_other_document(c)]
        if spec.concept == "issue_date":
            cands = [c for c in cands if not self.about_other_document(c)]
        if self.title and spec.concept in ("invoice_number", "issue_date"):
            cand = self.title.get(spec.concept)
            if cand is not None and (spec.pattern is None or spec.pattern.search(str(cand.value))):
                cands.append(cand)
        best = max(cands, key=lambda c: c.score, default=None)
        if best is None:
            best = self.pattern_anywhere(spec)
        if best is None:
            best = self.fallback(spec)
        if best is not None and kind == "iban":
            best = self.iban_wrapped(best)
        return best

    def iban_wrapped(self, cand: Candidate) -> Candidate:
        """An IBAN cut by the edge of a narrow column ('DE62 2694 2080 9397 2980' over '63'):
        completed from the start of the line below when that holds exactly the characters its
        country's length still wants."""
        value = str(cand.value)
        want = IBAN_LENGTHS.get(value[:2], 0) - len(value)
        if want <= 0 or cand.box is None:
            return cand
        lines = self.lines_by_page.get(cand.page, [])
        mid = (cand.box[1] + cand.box[3]) / 2
        at = next((ln.index for ln in lines if ln.box[1] <= mid <= ln.box[3]), None)
        if at is None or at + 1 >= len(lines):
            return cand
        below = lines[at + 1]
        if below.box[1] - lines[at].box[3] > lines[at].box[3] - lines[at].box[1]:
            return cand  # a paragraph gap: the next line is something else
        left = cand.hit.segment.box[0] if cand.hit is not None else cand.box[0]  # its label's
        for seg in below.segments:
            if seg.box[2] < left or seg.box[0] > cand.box[2]:
                continue  # another column
            rest = ""
            for token in seg.text.split():
                if not re.fullmatch(r"[A-Z0-9]{1,4}", token) or len(rest) + len(token) > want:
                    break
                rest += token
            if len(rest) == want:
                return replace(cand, value=value + rest)
        return cand

    def fallback(self, spec: FieldSpec) -> Candidate | None:
        if spec.kind == "date" and spec.concept in (None, "issue_date"):
            return self.first_free_date()
        if spec.kind == "date" and spec.concept == "due_date":
            return self.due_from_terms()
        if spec.kind == "currency":
            return self.currency_anywhere()
        if spec.kind == "iban":
            return self.iban_anywhere()
        return None

    def iban_anywhere(self) -> Candidate | None:
        """An IBAN printed without its label: one whose check digits hold, else one of exactly
        its country's length (sample and test invoices print made-up numbers)."""
        for checksum, score in ((True, 0.7), (False, 0.45)):
            for line in self.doc.lines:
                for seg in line.segments:
                    for value, _s, _e in find_ibans(seg.text, checksum=checksum):
                        if checksum or len(value) == IBAN_LENGTHS.get(value[:2]):
                            return Candidate(
                                value, score, line.page, seg.box, seg.text, "iban-anywhere"
                            )
        return None

    def first_free_date(self) -> Candidate | None:
        """The first date on the document that no other date label claims."""
        claimed = set()
        for hit in self.hits:
            if hit.owners & {"due_date", "delivery_date", "order_date"}:
                claimed.add(id(hit.segment))
        for line in self.doc.lines:
            for seg in line.segments:
                if id(seg) in claimed:
                    continue
                found = find_dates(seg.text, self.day_first)
                if found:
                    return Candidate(found[0][0], 0.5, line.page, seg.box, seg.text, "first-date")
        return None

    def due_from_terms(self) -> Candidate | None:
        rx = re.compile(
            r"(zahlbar|payable|pay|payment|zahlung|paiement|régler|betalen|überweisen|remit|transfer|"
            r"virement|payer|due|pago|pagamento|bonifico|transferencia|betaling|overmaken)",
            re.IGNORECASE,
        )
        for line in self.doc.lines:
            text = line.text
            if not rx.search(text):
                continue
            m = re.search(
                r"\b(bis|until|by|before|avant le|au plus tard le|jusqu'au|voor|vóór|on|uiterlijk|"
                r"antes del?|hasta el|entro il|entro|fino al|límite de pago)\b",
                text,
                re.IGNORECASE,
            )
            if not m:
                continue
            found = find_dates(text[m.end() :], self.day_first)
            if found:
                return Candidate(found[0][0], 0.45, line.page, line.box, text, "payment-terms")
        return None

    def currency_anywhere(self) -> Candidate | None:
        votes: Counter[str] = Counter()
        where: dict[str, tuple[int, list[float]]] = {}
        for line in self.doc.lines:
            for seg in line.segments:
                code = find_currency(seg.text)
                if code:
                    votes[code] += 1
                    where.setdefault(code, (line.page, seg.box))
        if not votes:
            return self.crowns()
        code, n = votes.most_common(1)[0]
        page, box = where[code]
        return Candidate(code, min(0.8, 0.4 + 0.05 * n), page, box, code, "currency-anywhere")

    def crowns(self) -> Candidate | None:
        """Amounts in 'kr' ('7 057,60 kr'): the crown of the country the invoice's IBANs or VAT
        ids are of (Swedish, Norwegian, Danish or Icelandic; a Danish VAT id has eight digits,
        'DK87555195')."""
        marked = next(
            ((line, seg) for line in self.doc.lines for seg in line.segments
             if CROWN_AMOUNT.search(seg.text)),
            None,
        )  # fmt: skip
        if marked is None:
            return None
        countries = Counter(
            m.group(1)
            for line in self.doc.lines
            for m in re.finditer(r"\b(SE|NO|DK|IS)\s?\d{2}[\s\d]{6,}", line.text)
        )
        if not countries:
            return None
        code = CROWNS[countries.most_common(1)[0][0]]
        line, seg = marked
        return Candidate(code, 0.45, line.page, seg.box, seg.text, "crowns")

    # ----------------------------------------------------------------- parties
    def bare_headings(self, spec: FieldSpec) -> list[LabelHit]:
        """'To' alone heading the buyer's block (two-column invoices: 'To' and 'From'; Dutch
        'Aan', German 'An'): a word too short to be a label anywhere else."""
        if spec.concept != "buyer_name":
            return []
        return [
            LabelHit("to", frozenset({"buyer_name"}), line, k, 0, len(seg.text))
            for line in self.doc.lines
            for k, seg in enumerate(line.segments)
            if fold(seg.text).strip(" :") in ("to", "aan", "an")
        ]

    def headed_names(self, spec: FieldSpec) -> list[Candidate]:
        """Names printed under the party's own heading ('Supplier', 'Emisor', 'Absender')."""
        cands: list[Candidate] = []
        for hit in self.hits_for(spec) + self.bare_headings(spec):
            if (
                spec.name not in spec.labels
                and hit.label in ("from", "von", "client", "customer", "kunde")
                and not hit.at_start
            ):
                continue
            cand = parties.name_under_heading(hit, self.lines_by_page, self.is_label)
            if cand and not self.is_label_text(str(cand.value)):
                cand.score *= hit.weight * (1.0 if hit.line.page == 1 else 0.85)
                cands.append(cand)
        return cands

    def party(self, spec: FieldSpec) -> Candidate | None:
        cands = self.headed_names(spec)
        if spec.pattern is not None:
            cands = [c for c in cands if spec.pattern.search(str(c.value))]
        other_names: set[str] = set()
        if spec.concept == "seller_name":
            buyer = next((s for s in self.specs if s.concept == "buyer_name"), None)
            buyer_spec = buyer or field_spec("buyer_name", {"type": "string"})
            for hit in self.hits_for(buyer_spec) + self.bare_headings(buyer_spec):
                got = parties.name_under_heading(hit, self.lines_by_page, self.is_label)
                if got:
                    other_names.add(fold(str(got.value)))
            if self.rules_read_seller:  # the letter's recipient: in the window, or over 'z. Hd.'
                window = parties.address_block_name(self.doc, set(), self.is_label)
                if window and window.how == "window":
                    other_names.add(fold(str(window.value)))
                if self.attention:
                    other_names.add(fold(str(self.attention.value)))
            legal = parties.legal_form_name(self.doc, exclude=other_names)
            if legal and not self.is_label_text(str(legal.value)):
                cands.append(legal)
            top = parties.top_name(self.doc)
            if (
                top
                and fold(str(top.value)) not in other_names
                and not self.is_label_text(str(top.value))
            ):
                cands.append(top)
            if self.rules_read_seller:  # receipt scans: the learned ranker weighs the evidence
                cands += self.seller_evidence(other_names)
                cands = [
                    c
                    for c in cands
                    if not parties.is_sentence(str(c.value))
                    and not parties.is_address_line(str(c.value))
                    and (c.how == "footer" or not self.in_row(c))  # footer columns hold numbers
                    and not self.under_heading(c, OTHER_PARTIES)
                    and fold(LEADING_LABEL.sub("", str(c.value))) not in other_names
                    and not parties.FACTOR.search(str(c.value))  # paid in the seller's place
                ]
        elif spec.concept == "buyer_name" and not cands:
            seller = self.party(field_spec("seller_name", {"type": "string"}))
            exclude = {fold(str(seller.value))} if seller else set()
            if self.attention and fold(str(self.attention.value)) not in exclude:
                return _without_heading(self.attention, spec)
            block = parties.address_block_name(self.doc, exclude, self.is_label)
            if block:
                cands.append(block)
        best = max(cands, key=lambda c: c.score, default=None)
        if spec.concept == "seller_name" and best is not None and self.rules_read_seller:
            best = parties.registered_name(best, cands)
            best = parties.domain_owner(self.doc, best, other_names)
        if (
            best is not None
            and best.how in ("legal-form", "top", "letterhead")
            and self.text_layer
            and self.doc.pages[0].geometric
        ):
            lines = self.lines_by_page.get(best.page, [])
            best = parties.wrapped_name_above(lines, best, self.is_label)
        return _without_heading(best, spec) if best is not None else None

    @cached_property
    def attention(self) -> Candidate | None:
        """The recipient named over an attention line ('z. Hd.', 'Attn', 'FAO'): looked up once,
        for the seller on text layers (never it) and the buyer on every page (it)."""
        return parties.attention_name(self.doc)

    @cached_property
    def rules_read_seller(self) -> bool:
        """The rules weigh all of the seller's evidence: on text layers, and on scans read with
        a template that asks for a buyer (an invoice's; the receipt-trained ranker serves the
        rest)."""
        return self.text_layer or self.for_invoices

    @cached_property
    def for_invoices(self) -> bool:
        """The template asks for a buyer: an invoice's (receipts name none)."""
        return any(s.concept == "buyer_name" for s in self.specs)

    @property
    def text_layer(self) -> bool:
        """Read from a text layer (PDF text, DOCX, plain text), not by OCR."""
        return bool(self.doc.pages) and self.doc.pages[0].source != "ocr"

    def seller_evidence(self, other_names: set[str]) -> list[Candidate]:
        """Invoice evidence of the seller beyond its heading and legal form: the holder of the
        account to pay, the legal identity line, the name heading its own address, the name in
        the page's footer."""
        out = []
        for hit in self.hits:
            if "_payee" in hit.owners:
                got = parties.payee_name(hit, self.lines_by_page)
                if got and fold(str(got.value)) not in other_names:
                    out.append(got)
                    break
        for got in (
            parties.brand_owner_name(self.doc),
            parties.sender_line_name(self.doc),
            parties.capital_line_name(self.doc),
            parties.signed_letterhead(self.doc),
            parties.letterhead_block(self.doc, other_names),
            footer.footer_name(self.doc, other_names),
        ):
            if got and not self.is_label_text(str(got.value)):
                out.append(got)
        return out

    def under_heading(self, cand: Candidate, owners: frozenset[str]) -> bool:
        """A name in a block headed by one of ``owners``' labels ('Bill to', 'Fiscal
        representative' ...): that party's name, not the one asked for."""
        if cand.box is None or cand.how.startswith("heading"):
            return False
        box = cand.box
        lines = self.lines_by_page.get(cand.page, [])
        at = min(lines, key=lambda ln: abs(ln.box[1] - box[1]), default=None)
        if at is None:
            return False
        h = max(1e-6, box[3] - box[1])
        top = box[1]
        for line in reversed(lines[max(0, at.index - 6) : at.index]):
            col = [s for s in line.segments if s.box[0] < box[2] and s.box[2] > box[0]]
            if not col:
                continue
            if top - col[0].box[3] > 2.5 * h:
                return False
            hits = [x for x in self._by_seg.get(id(col[0]), []) if x.at_start]
            if hits and self.is_label(col[0]):
                return any(x.owners & owners for x in hits)
            top = col[0].box[1]
        return False

    def line_of(self, cand: Candidate) -> Line | None:
        """The line a candidate was printed on (the one whose top is nearest its box's)."""
        if cand.box is None:
            return None
        top = cand.box[1]
        return min(
            self.lines_by_page.get(cand.page, []),
            key=lambda ln: abs(ln.box[1] - top),
            default=None,
        )

    def in_row(self, cand: Candidate) -> bool:
        """A name candidate on a table row (amounts in other cells) is an item, not a party."""
        line = self.line_of(cand)
        if line is None or cand.box is None:
            return False
        others = [s for s in line.segments if s.box[0] > cand.box[2]]
        return sum(1 for s in others if find_amounts(s.text)) >= 2

    def on_item_row(self, cand: Candidate) -> bool:
        """An amount under a table's column heading on a row that also holds a description and
        another amount ('Main d'œuvre sur site | 7,5 h | 54,90 EUR | 411,75 EUR' under 'Total
        HT'): a line item's, never the document's total."""
        line = self.line_of(cand)
        if line is None or cand.box is None:
            return False
        left = cand.box[0]
        described = any(
            s.box[2] <= left
            and len(WORD.findall(s.text)) >= 2
            and _mostly_letters(s.text)  # 'Cat6 network cable, grey', not '7,5 h'
            and not self.is_label(s)
            for s in line.segments
        )
        return described and sum(1 for s in line.segments if find_amounts(s.text)) >= 2

    def is_label(self, seg) -> bool:
        """True when a segment is mostly a label (a heading), not a value."""
        for hit in self._by_seg.get(id(seg), []):
            if hit.end - hit.start >= 0.6 * len(seg.text.strip(" :")):
                return True
        return False

    def is_label_text(self, text: str) -> bool:
        """A 'value' that is only a label word ('Company', 'Customer:') is no value."""
        t = fold(text).strip(" :#.-")
        return any(t == lab for lab in self._all_labels)

    def address(self, spec: FieldSpec) -> Candidate | None:
        cands = [c for c in self.labelled(spec, below=1) if len(str(c.value)) > 8]
        if cands:
            return max(cands, key=lambda c: c.score)
        seller = self.party(field_spec("seller_name", {"type": "string"}))
        return parties.address_after(self.doc, seller)

    # ----------------------------------------------------------------- totals
    def totals(self) -> dict[str, Candidate]:
        from extraction.finders.totals import choose_totals

        return choose_totals(self)


def _mostly_letters(text: str) -> bool:
    """A description's text: more than three letters for each digit."""
    return sum(c.isalpha() for c in text) > 3 * sum(c.isdigit() for c in text)


@lru_cache(maxsize=32)
def _folded_labels(labels: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold(lab) for lab in labels)


# fmt: off
# fmt: on
# 'Springfield, IL 62704': a city, a comma, the state, the ZIP code ('DE 40235' alone is a German
# postcode with its country code); without the comma only where the ZIP code ends the line
# ('Springfield IL 62704-1234'), as a German postcode is followed by its town
US_ADDRESS = re.compile(
    r"[A-Za-z],\s*" + US_STATE + r"\.?\s+\d{5}(?:-\d{4})?\b"
    r"|[A-Za-z]{3} " + US_STATE + r"\.? \d{5}(?:-\d{4})?[ .]*$",
    re.M,
)
US_DOLLAR = re.compile(
    r"(?<![A-Z])\$\s?\d{1,3}(?:,\d{3})*\.\d{2}(?!\d)|\bUSD\b"
)  # '$7.00', not '$4'
# dollars are not only American: an Australian state and four-digit postcode ('PERTH WA 6000'),
# an Australian Business Number, a UK postcode, a Singapore postcode, a GST registration, VAT,
# dollars marked as another country's ('S$', 'A$', 'NZ$') or prices including GST say the dates
# are day-first; so do euros and VAT named in another language ('MwSt', 'TVA', 'IVA', 'BTW'):
# every country that writes them writes day-first (a US seller's German invoice, 07.08.2021)
DAY_FIRST_PLACE = re.compile(
    r"[A-Za-z]{3},? " + AU_STATE + r"\.?,? \d{4}[ .]*$|\bABN\b"
    r"|(?<![A-Z0-9])[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}(?![A-Za-z0-9])"
    r"|\b(?i:singapore)\s+\d{6}\b|\bGST\s+Reg|\bVAT\b|(?<![A-Za-z])(?:S|A|NZ|HK)\$"
    # their currencies' codes ('PURCHASE NZD $71.91'), and a New Zealand GST number (8 or 9
    # digits in three groups, 'GST No: 781-769-517'; Canada's is a business number and 'RT')
    r"|\b(?:NZD|AUD|SGD|HKD|MYR|GBP|ZAR|INR)\b|\bGST\s+No\.?:?\s*\d{2,3}-\d{3}-\d{3}\b"
    # prices that include GST (Australia, New Zealand, Singapore); Canada adds it on top
    r"|(?i:\bGST\s+incl|\bincl(?:\.|udes?|uding|usive)?\s+(?:of\s+)?GST\b)"
    r"|€|\bEUR\b|\b(?:MwSt|USt|TVA|IVA|BTW|Moms|MVA|ALV)\b"
    # a phone number with a trunk prefix ('(03) 363 9870', '(020) 7946 0000'): North American
    # area codes never start with 0
    r"|\(0\d{1,4}\)\s?\d{3,4}[\s-]?\d{3,4}\b"
    # a web or mail domain under the code of a country that writes day-first
    # ('orlafoodcoop.co.nz', 'shop.com.au')
    r"|(?i:[a-z0-9-]\.(?:co|com|net|org)\.(?:nz|au|uk|sg|my|hk|za|in)\b"
    r"|(?:www\.|@)[a-z0-9.-]+\.(?:nz|au|uk|ie|sg|my|hk|za|in|de|fr|it|es|nl|be|at|ch)\b)",
    re.M,
)


def day_first_document(doc: Document) -> bool:
    """Numeric dates are day-first unless the document shows month-first: a date such as
    11/17/2017, or, when its dates do not tell, a US address (state and ZIP code), US dollars or
    a North American phone number on a document with no sign of a day-first country that also
    writes dollars."""
    votes = 0
    text = doc.text
    # one separator throughout, not inside a code ('SP-nu11-18/06/09-1018481' is no date)
    for m in re.finditer(
        r"(?<![\w.,/-])(\d{1,2})([/.-])(\d{1,2})\2(?:19|20)?\d{2}(?![\d/-])", text
    ):
        a, b = int(m.group(1)), int(m.group(3))
        if a > 12 >= b:
            votes += 1
        elif b > 12 >= a:
            votes -= 1
    if (
        votes == 0
        and not DAY_FIRST_PLACE.search(text)
        and (US_ADDRESS.search(text) or US_DOLLAR.search(text) or NANP_PHONE.search(text))
    ):
        return False
    return votes >= 0


TITLE = re.compile(
    r"^\W*(?:[a-z]*rechnung(?!s?(?:betrag|total|summe|datum|periode|zeitraum))[a-z]*|"
    r"[a-z]*-?korrektur|gutschrift|invoice|tax invoice|credit note|"
    r"facture|avoir|factuur|credit\s?nota|creditfactuur|"
    r"fattura|factura|(?:kredit)?faktura|kreditnota|(?:hyvitys)?lasku"
    r")(?![\w])(?:\s+(?:des|der|du|de la)\s+\w+)?\s*(?:\(\d+\))?\s*"
    r"(?P<nr>nr\.?|no\.?|#|n°|number|nummer|num(?:ero|éro)?\.?)?\s*:?\s*(?P<rest>.*)$"
)


# what follows a title word when the line holds an amount, not the invoice's number
TOTAL_REST = re.compile(r"^(?:total|amount|sum|betrag|summe|montant|importe|importo)\b|[€$£]")


# a title inside a line ('Buchungshilfe - KEINE Rechnung Nr. 471102 vom 05.03.2020'): only with
# a number word after it, and not a reference to another invoice ('zur Rechnung Nr.')
TITLE_INSIDE = re.compile(
    r"(?<![a-z])(?:[a-z]*rechnung|invoice|facture|factuur|fattura|factura)\s*"
    r"(?P<nr>nr\.?|no\.?|#|n°|number|nummer|num(?:ero|éro)?\.?)\s*:?\s*(?P<rest>.*)$"
)
# words that make an invoice title a reference to an earlier invoice (matched on folded text:
# no accents)
REFERENCE_BEFORE = re.compile(
    r"(?<![a-z])(?:zur?|to|for|of|van|from|per|see|gemaß|gemass|laut|original|preceding|previous|"
    r"corrected|related|referenced|ursprungliche[nr]?|vorherige[nr]?|korrigierte[nr]?|"
    # 'Référence : facture n° FA2100913', 'Creditering van factuur INV-01891'
    r"de la|a la|d'origine|initiale|rectifiee|reference\s*:?|referentie\s*:?|sur|rif\.?|"
    r"riferimento|betreft|"
    r"storno(?:\s+(?:parziale|totale|partiel|total))?(?:\s+(?:der|della|de la|du))?|"
    # a verb of correction ('Rectifica la factura nº', 'annule et remplace la facture')
    r"(?:rectifica|anula|sustituye(?:\s+a)?|corrige|annule(?:\s+et\s+remplace)?|remplace|"
    r"corregge|annulla|sostituisce|storniert|ersetzt|korrigiert|corrects|replaces|cancels|"
    r"vervangt|corrigeert|crediteert)(?:\s+(?:la|le|l'|die|the|het|de))?|"
    r"gem\.|(?:^|\s)re:|\w.*\()\s*$"
)
REFERENCE_AFTER = re.compile(
    r"(?:zur?|to|for|of|on|per|against|relating to|relatif a|concernant|de la|a la|sur|gemaß|"
    r"gemass|gem\.|storno|"
    r"laut|bezuglich)\s+(?:der\s+|the\s+|la\s+)?(?:[a-z]*rechnung|invoice|facture|factuur|"
    r"fattura|factura)"
)
REFERENCE_IN = re.compile(
    r"(?<![a-z])(?:" + REFERENCE_AFTER.pattern + r"|(?:ursprungs|bezugs|vor|storno)rechnung|"
    r"(?:original|previous|preceding|corrected) invoice)"
)
# a label followed by a word that makes it name another invoice (on folded text)
REFERENCE_NAMED = re.compile(
    r"\s*(?:rectificada|corregida|original|d'origine|initiale|di riferimento|corrected|"
    r"referenced)\b"
)
# another document's number just before a date label (on folded text)
OTHER_DOCUMENT_BEFORE = re.compile(
    OTHER_DOCUMENTS + r"\W{0,3}(?:nr|no|n°|no\.|#|num\w*)?\.?\s*:?\s*[\w/.-]*\d[\w/.-]*\s*,?\s*$"
)
# ... just before a bare number label ('gemäß Angebot Nr. Q-70766'): the offer's number
OTHER_DOCUMENT_NAMED = re.compile(OTHER_DOCUMENTS + r"\W{0,3}$")
REFERENCE_COMPOUND = re.compile(r"^\W*(?:ursprungs|bezugs|referenz|vor|original|storno)rechnung")


def _title_match(folded: str) -> re.Match[str] | None:
    if REFERENCE_COMPOUND.match(folded):
        return None
    m = TITLE.match(folded)
    if m and m.group("rest"):
        # 'Gutschrift zur Rechnung Nr. 4000': the number after is the earlier invoice's
        rest = m.group("rest")
        return None if REFERENCE_AFTER.match(rest) or REFERENCE_NAMED.match(rest) else m
    for m in TITLE_INSIDE.finditer(folded):
        before = folded[: m.start()]
        if m.group("rest") and not REFERENCE_BEFORE.search(before):
            return m
    return None


# a number label alone at the start of a line ('Nummer: RE20/0684', 'Nummer RE16/0303')
BARE_NUMBER_LINE = re.compile(
    r"^\W*(?:nr|no|n°|number|nummer|num(?:ero|éro))\.?(?:\s*:\s*|\s+)(?P<rest>\S.*)$"
)


def _number_under_title(lines: list[Line], title: Line, box: list[float]) -> Candidate | None:
    """The document's number printed under a title that stands alone ('Stornorechnung' over
    'Nummer: RE20/0684'; 'Gutschrift' over '(Rechnungskorrektur)' over 'Nummer: R1600833'):
    a bare number label there numbers the document, as it would beside the title."""
    from extraction.finders.parsers import parse_id

    for line in lines[title.index + 1 : title.index + 4]:
        below = [sg for sg in line.segments if sg.box[0] < box[2] and sg.box[2] > box[0]]
        if not below:
            continue  # the letterhead's lines beside the title's block
        seg = below[0]
        folded = fold(seg.text)
        if folded.strip().startswith("(") and folded.strip().endswith(")"):
            box = [min(box[0], seg.box[0]), box[1], max(box[2], seg.box[2]), box[3]]
            continue  # the title's own qualifier: the number may sit under either
        m = BARE_NUMBER_LINE.match(folded)
        got = parse_id(seg.text[m.start("rest") :]) if m else None
        if got and re.search(r"\d", got[0]):
            return Candidate(got[0], 0.9, line.page, seg.box, seg.text, "title")
        return None
    return None


def _standalone_title_number(lines: list[Line]) -> Candidate | None:
    """The number under the first title printed alone in a segment of its own."""
    for line in lines[:25]:
        for seg in line.segments:
            m = TITLE.match(fold(seg.text))  # a title alone names no other document's number
            if m and not m.group("nr") and not m.group("rest").strip():
                return _number_under_title(lines, line, seg.box)
    return None


def title_line(doc: Document, day_first: bool) -> dict[str, Candidate]:
    """'Handelsrechnung (380) Nr. 471113 vom 13.06.2018', 'Invoice FA-2017-0008': number and
    date."""
    from extraction.finders.parsers import parse_id

    out: dict[str, Candidate] = {}
    if not doc.pages:
        return out
    for line in doc.pages[0].lines[:25]:
        seg = line.segments[0]
        folded = fold(seg.text)
        m = _title_match(folded)
        if not m:
            continue
        rest = seg.text[m.start("rest") :]
        if not m.group("nr") and TOTAL_REST.search(fold(rest)):
            continue  # 'Invoice Total €7,778.91': an amount, no number
        got = parse_id(rest)
        if not got or (not m.group("nr") and not re.search(r"\d", got[0])):
            continue
        score = 0.95 if m.group("nr") else 0.8
        out["invoice_number"] = Candidate(got[0], score, line.page, seg.box, rest, "title")
        tail = " ".join(s.text for s in line.segments)[m.start("rest") + got[2] :]
        dates = find_dates(tail, day_first)
        if not dates and line.index + 1 < len(doc.pages[0].lines):
            dates = find_dates(doc.pages[0].lines[line.index + 1].text[:20], day_first)
        if dates:
            out["issue_date"] = Candidate(dates[0][0], 0.9, line.page, seg.box, tail, "title")
        break
    if "invoice_number" not in out:
        found = _standalone_title_number(doc.pages[0].lines)
        if found is not None:
            out["invoice_number"] = found
    return out


def _to_json(spec: FieldSpec, value: Any) -> Any:
    if isinstance(value, Decimal):
        if spec.kind == "integer" or spec.schema.get("type") == "integer":
            return int(value)
        if spec.schema.get("type") == "string":
            return str(value)
        return amount_json(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


# a credit note's title ('Gutschrift', 'CREDIT NOTE No. 12', 'Nota di credito'): e-invoices
# (EN 16931, type 381) state its amounts unsigned, the document type says they are owed back
CREDIT_TITLE = re.compile(
    r"^\W*(?:credit\s*note|credit\s+memo|gutschrift|stornorechnung|(?:facture\s+d['’])?avoir|note\s+de\s+credit|"
    r"nota\s+di\s+credito|nota\s+de\s+credito|abono|creditnota|creditfactuur|kreditfaktura|"
    r"kreditnota|hyvityslasku)\b(?!\s*(?:betrag|amount|total|summe))",
)


def is_credit_note(doc: Document) -> bool:
    """A title among the first page's top lines names the document a credit note."""
    lines = doc.pages[0].lines[:30] if doc.pages else []
    return any(
        CREDIT_TITLE.match(fold(seg.text)) and len(seg.text.split()) <= 5
        for ln in lines
        for seg in ln.segments
    )


def _without_heading(cand: Candidate, spec: FieldSpec) -> Candidate:
    """A party's own heading read into its name ('CLIENTE Distribuciones Gorling S.L.': OCR took
    the heading and the name as one box) is dropped."""
    words = str(cand.value).split()
    for n in (3, 2, 1):
        heading, rest = " ".join(words[:n]), " ".join(words[n:])
        set_apart = heading.endswith(":") or (heading.isupper() and not rest.isupper())
        if len(words) > n + 1 and set_apart and fold(heading).rstrip(":") in spec.labels:
            return replace(cand, value=rest)
    return cand


def _unsigned(cand: Candidate) -> Candidate:
    value = cand.value
    return replace(cand, value=-value) if isinstance(value, Decimal) and value < 0 else cand


def find_fields(
    doc: Document,
    template: TemplateSpec,
    *,
    use_ranker: bool = True,
    learned: Learned | None = None,
) -> dict[str, FieldResult]:
    """Run the local engine over a read document (``use_ranker=False``: the rules alone;
    ``learned``: what the organisation's corrections taught, see ``extraction.learning``)."""
    from extraction.ranker import ranked_fields

    props: dict[str, Any] = template.schema.get("properties", {}) or {}
    specs = [field_spec(name, sch if isinstance(sch, dict) else {}) for name, sch in props.items()]
    finder = Finder(doc, specs)
    totals = (
        finder.totals()
        if any(s.concept in TOTAL_CONCEPTS and s.kind == "amount" for s in specs)
        else {}
    )
    if any(s.concept in ("net_total", "tax_total") and s.kind == "amount" for s in specs):
        from extraction.finders.reconcile import reconcile_totals

        totals = reconcile_totals(finder, totals)  # invoices: net + tax = grand
        if is_credit_note(doc):
            totals = {k: _unsigned(c) for k, c in totals.items()}
    plain = [
        s for s in specs if s.pattern is None and s.kind in ("party", "address", "amount", "text")
    ]
    # the built-in ranker was fitted on receipts: a template that asks for a buyer is for
    # invoices, whose scans the rules read as they read text layers, unless the organisation's
    # corrections taught a ranker of its own
    for_receipts = not any(s.concept == "buyer_name" for s in specs)
    ranked = (
        ranked_fields(finder, {s.concept for s in plain if s.concept}, learned)
        if use_ranker and (for_receipts or learned is not None)
        else {}
    )
    pages = {p.number: p for p in doc.pages}
    out: dict[str, FieldResult] = {}
    for spec in specs:
        if spec.kind == "items":
            rows, conf, page, box = find_line_items(doc, spec.schema)
            if rows:
                out[spec.name] = FieldResult(
                    rows, conf, page, pages[page].fraction(box) if box else None
                )
            continue
        cand = ranked.get(spec.concept or "") if spec in plain else None
        if cand is None and spec.kind == "amount":
            cand = totals.get(spec.concept or "")
        if cand is None:
            cand = finder.find(spec)
        if cand is None or cand.value is None or cand.value == "":
            continue
        page = pages.get(cand.page)
        ocr_conf = 1.0
        if page is not None and page.source == "ocr" and cand.box is not None:
            confs = [
                w.conf
                for w in page.words
                if w.x0 >= cand.box[0] - 1
                and w.x1 <= cand.box[2] + 1
                and w.y0 >= cand.box[1] - 1
                and w.y1 <= cand.box[3] + 1
            ]
            ocr_conf = min(confs) if confs else 0.9
        conf = round(max(0.05, min(0.99, cand.score * (0.5 + 0.5 * ocr_conf))), 3)
        box = page.fraction(cand.box) if page is not None and cand.box is not None else None
        out[spec.name] = FieldResult(_to_json(spec, cand.value), conf, cand.page, box, "local")
    return out
