"""The local engine: template fields found from labels, positions, value types and patterns."""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from functools import lru_cache
from decimal import Decimal
from typing import Any

from extraction.document import Document, Line
from extraction.finders import parties
from extraction.finders.concepts import CONCEPTS, FieldSpec, field_spec
from extraction.finders.line_items import find_line_items
from extraction.finders.locate import Candidate, LabelHit, find_labels, fold, values_near
from extraction.finders.parsers import PARSERS, parse_date, with_pattern
from extraction.normalise import amount_json, find_amounts, find_currency, find_dates, find_ibans
from extraction.types import FieldResult, TemplateSpec

TOTAL_CONCEPTS = ("net_total", "tax_total", "grand_total")


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
            for cand in values_near(hit, parse, self.lines_by_page, below=below, stop=self.stop,
                                    rightmost=spec.kind == "amount"):
                cand.score *= hit.weight
                cand.how = f"{cand.how}:{hit.label}"
                cand.line_order = self.order(hit.line)
                cand.hit = hit
                out.append(cand)
                break
        return out

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
        if self.title and spec.concept in ("invoice_number", "issue_date"):
            cand = self.title.get(spec.concept)
            if cand is not None and (spec.pattern is None or spec.pattern.search(str(cand.value))):
                cands.append(cand)
        best = max(cands, key=lambda c: c.score, default=None)
        if best is None:
            best = self.pattern_anywhere(spec)
        if best is None:
            best = self.fallback(spec)
        return best

    def fallback(self, spec: FieldSpec) -> Candidate | None:
        if spec.kind == "date" and spec.concept in (None, "issue_date"):
            return self.first_free_date()
        if spec.kind == "date" and spec.concept == "due_date":
            return self.due_from_terms()
        if spec.kind == "currency":
            return self.currency_anywhere()
        if spec.kind == "iban":
            for line in self.doc.lines:
                for seg in line.segments:
                    found = find_ibans(seg.text)
                    if found:
                        return Candidate(found[0][0], 0.7, line.page, seg.box, seg.text, "iban-anywhere")
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
                found = find_dates(seg.text)
                if found:
                    return Candidate(found[0][0], 0.5, line.page, seg.box, seg.text, "first-date")
        return None

    def due_from_terms(self) -> Candidate | None:
        rx = re.compile(r"(zahlbar|payable|pay|payment|zahlung|paiement|régler|betalen|überweisen|remit|transfer|"
                        r"virement|payer|due)", re.IGNORECASE)
        for line in self.doc.lines:
            text = line.text
            if not rx.search(text):
                continue
            m = re.search(r"\b(bis|until|by|before|avant le|au plus tard le|jusqu'au|voor|on)\b", text, re.IGNORECASE)
            if not m:
                continue
            found = find_dates(text[m.end():])
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
            return None
        code, n = votes.most_common(1)[0]
        page, box = where[code]
        return Candidate(code, min(0.8, 0.4 + 0.05 * n), page, box, code, "currency-anywhere")

    # ----------------------------------------------------------------- parties
    def party(self, spec: FieldSpec) -> Candidate | None:
        cands: list[Candidate] = []
        for hit in self.hits_for(spec):
            if spec.name not in spec.labels and hit.label in ("from", "client", "customer", "kunde") and not hit.at_start:
                continue
            cand = parties.name_under_heading(hit, self.lines_by_page, self.is_label)
            if cand and not self.is_label_text(str(cand.value)):
                cand.score *= hit.weight * (1.0 if hit.line.page == 1 else 0.85)
                cands.append(cand)
        if spec.pattern is not None:
            cands = [c for c in cands if spec.pattern.search(str(c.value))]
        other_names: set[str] = set()
        if spec.concept == "seller_name":
            buyer = next((s for s in self.specs if s.concept == "buyer_name"), None)
            buyer_spec = buyer or field_spec("buyer_name", {"type": "string"})
            for hit in self.hits_for(buyer_spec):
                got = parties.name_under_heading(hit, self.lines_by_page, self.is_label)
                if got:
                    other_names.add(fold(str(got.value)))
            legal = parties.legal_form_name(self.doc, exclude=other_names)
            if legal and not self.is_label_text(str(legal.value)):
                cands.append(legal)
            top = parties.top_name(self.doc)
            if top and fold(str(top.value)) not in other_names and not self.is_label_text(str(top.value)):
                cands.append(top)
        elif spec.concept == "buyer_name" and not cands:
            seller = self.party(field_spec("seller_name", {"type": "string"}))
            exclude = {fold(str(seller.value))} if seller else set()
            block = parties.address_block_name(self.doc, exclude, self.is_label)
            if block:
                cands.append(block)
        return max(cands, key=lambda c: c.score, default=None)

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
        """Net, tax and grand total chosen together: prefer a set where net + tax = grand."""
        decimals_seen = any(a[3] for line in self.doc.lines for a in find_amounts(line.text))
        options: dict[str, list[Candidate]] = {}
        for concept in TOTAL_CONCEPTS:
            spec = next((s for s in self.specs if s.concept == concept), None) or field_spec(concept, {"type": "number"})
            cands = []
            for cand in self.labelled(spec):
                hit = cand.hit
                assert hit is not None
                seg_text = fold(hit.segment.text)
                if not isinstance(cand.value, Decimal):
                    continue
                if concept != "tax_total" and cand.value < 0:
                    cand.score *= 0.9
                if decimals_seen and cand.value.as_tuple().exponent >= 0:
                    cand.score *= 0.3  # totals are printed with cents when the document uses them
                n_amounts = len(find_amounts(hit.line.text))
                if n_amounts >= 3 and cand.how.startswith("right"):
                    cand.score *= 0.8  # a row of a table, not a total line
                if "%" in hit.segment.text[hit.end:] and concept != "tax_total":
                    cand.score *= 0.7
                if concept == "grand_total" and re.search(r"excl|exclud|before|ohne|hors|w/o|without|netto\b", seg_text):
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
        self._cash_check(options.setdefault("grand_total", []))
        self._rounding(options["grand_total"])
        chosen = {k: v[0] for k, v in options.items() if v}
        best_combo, best_score = None, -1.0
        for g in options.get("grand_total", [])[:4]:
            for n in options.get("net_total", [])[:4]:
                for t in options.get("tax_total", [])[:4] or [None]:  # type: ignore[list-item]
                    tax = t.value if t else Decimal(0)
                    if abs(n.value + tax - g.value) < Decimal("0.015") and n.value != 0 and g.value != 0:
                        score = g.score + n.score + (t.score if t else 0.0)
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
            chosen["grand_total"] = Candidate(net.value, 0.4, net.page, net.box, net.text, "net-as-total")
        if "grand_total" not in chosen:
            biggest = self.largest_amount()
            if biggest:
                chosen["grand_total"] = biggest
        return chosen

    def _rounding(self, grand: list[Candidate]) -> None:
        """A printed rounding adjustment turns the best total into the rounded one, when printed."""
        if not grand:
            return
        rounding = None
        best = grand[0]
        best_order = best.line_order
        for hit in self.hits:
            if "_other_amount" in hit.owners and hit.label.startswith(("round", "rounding")):
                if self.order(hit.line) < best_order:
                    return  # the best total is printed after the rounding: it is already rounded
                for cand in values_near(hit, PARSERS["amount"], self.lines_by_page, below=1, stop=self.stop,
                                        rightmost=True):
                    if isinstance(cand.value, Decimal) and 0 < abs(cand.value) < 1:
                        rounding = cand.value
                break
        if rounding is None:
            return
        target = best.value + rounding
        if any(abs(c.value - target) < Decimal("0.005") for c in grand[1:]) or any(
                abs(a[0] - target) < Decimal("0.005") for line in self.doc.lines for a in find_amounts(line.text)):
            grand.insert(0, Candidate(target, best.score, best.page, best.box, best.text, best.how + "+rounding"))

    def _cash_check(self, grand: list[Candidate]) -> None:
        """Cash tendered minus change is the total: it confirms a candidate, or is one."""
        def first(words: tuple[str, ...]) -> Candidate | None:
            for hit in self.hits:
                if "_other_amount" in hit.owners and hit.label in words:
                    for cand in values_near(hit, PARSERS["amount"], self.lines_by_page, below=1, stop=self.stop,
                                            rightmost=True):
                        if isinstance(cand.value, Decimal) and cand.value.as_tuple().exponent < 0:
                            return cand
            return None

        cash, change = first(("cash", "tendered", "cash tendered", "pay", "paid", "tunai")), first(("change", "baki"))
        if cash is None or change is None or change.value >= cash.value:
            return
        paid = cash.value - change.value
        for cand in grand:
            if abs(cand.value - paid) < Decimal("0.015"):
                cand.score = min(0.99, cand.score + 0.25)
                grand.sort(key=lambda c: -c.score)
                return
        grand.append(Candidate(paid, 0.45, cash.page, cash.box, cash.text, "cash-minus-change"))
        grand.sort(key=lambda c: -c.score)

    def largest_amount(self) -> Candidate | None:
        skip = {id(h.line) for h in self.hits if "_other_amount" in h.owners}
        best = None
        for line in self.doc.lines:
            if id(line) in skip:
                continue
            for seg in line.segments:
                for val, _s, _e, has_dec in find_amounts(seg.text):
                    if has_dec and val > 0 and (best is None or val > best.value):
                        best = Candidate(val, 0.3, line.page, seg.box, seg.text, "largest")
        return best


@lru_cache(maxsize=32)
def _folded_labels(labels: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold(lab) for lab in labels)


def day_first_document(doc: Document) -> bool:
    """Numeric dates are day-first unless the document itself shows month-first (11/17/2017)."""
    votes = 0
    for m in re.finditer(r"(?<![\d.,])(\d{1,2})[/.-](\d{1,2})[/.-](?:19|20)?\d{2}(?!\d)", doc.text):
        a, b = int(m.group(1)), int(m.group(2))
        if a > 12 >= b:
            votes += 1
        elif b > 12 >= a:
            votes -= 1
    return votes >= 0


TITLE = re.compile(
    r"^\W*(?:[a-z]*rechnung[a-z]*|[a-z]*-?korrektur|gutschrift|invoice|tax invoice|credit note|facture|"
    r"avoir|factuur|fattura|factura)(?:\s+(?:des|der|du|de la)\s+\w+)?\s*(?:\(\d+\))?\s*"
    r"(?P<nr>nr\.?|no\.?|#|n°|number|nummer|num(?:ero|éro)?\.?)?\s*:?\s*(?P<rest>.*)$"
)


def title_line(doc: Document, day_first: bool) -> dict[str, Candidate]:
    """'Handelsrechnung (380) Nr. 471113 vom 13.06.2018', 'Invoice FA-2017-0008': number and date."""
    from extraction.finders.parsers import parse_id

    out: dict[str, Candidate] = {}
    if not doc.pages:
        return out
    for line in doc.pages[0].lines[:25]:
        seg = line.segments[0]
        folded = fold(seg.text)
        m = TITLE.match(folded)
        if not m or not m.group("rest"):
            continue
        rest = seg.text[m.start("rest"):]
        got = parse_id(rest)
        if not got or (not m.group("nr") and not re.search(r"\d", got[0])):
            continue
        score = 0.95 if m.group("nr") else 0.8
        out["invoice_number"] = Candidate(got[0], score, line.page, seg.box, rest, "title")
        tail = " ".join(s.text for s in line.segments)[m.start("rest") + got[2]:]
        dates = find_dates(tail, day_first)
        if not dates and line.index + 1 < len(doc.pages[0].lines):
            dates = find_dates(doc.pages[0].lines[line.index + 1].text[:20], day_first)
        if dates:
            out["issue_date"] = Candidate(dates[0][0], 0.9, line.page, seg.box, tail, "title")
        break
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


def find_fields(doc: Document, template: TemplateSpec) -> dict[str, FieldResult]:
    """Run the local engine over a read document."""
    props: dict[str, Any] = template.schema.get("properties", {}) or {}
    specs = [field_spec(name, sch if isinstance(sch, dict) else {}) for name, sch in props.items()]
    finder = Finder(doc, specs)
    totals = finder.totals() if any(s.concept in TOTAL_CONCEPTS and s.kind == "amount" for s in specs) else {}
    pages = {p.number: p for p in doc.pages}
    out: dict[str, FieldResult] = {}
    for spec in specs:
        if spec.kind == "items":
            rows, conf, page, box = find_line_items(doc, spec.schema)
            if rows:
                out[spec.name] = FieldResult(rows, conf, page, pages[page].fraction(box) if box else None)
            continue
        cand = totals.get(spec.concept or "") if spec.kind == "amount" else None
        if cand is None:
            cand = finder.find(spec)
        if cand is None or cand.value is None or cand.value == "":
            continue
        page = pages.get(cand.page)
        ocr_conf = 1.0
        if page is not None and page.source == "ocr" and cand.box is not None:
            confs = [w.conf for w in page.words if w.x0 >= cand.box[0] - 1 and w.x1 <= cand.box[2] + 1
                     and w.y0 >= cand.box[1] - 1 and w.y1 <= cand.box[3] + 1]
            ocr_conf = min(confs) if confs else 0.9
        conf = round(max(0.05, min(0.99, cand.score * (0.5 + 0.5 * ocr_conf))), 3)
        box = page.fraction(cand.box) if page is not None and cand.box is not None else None
        out[spec.name] = FieldResult(_to_json(spec, cand.value), conf, cand.page, box, "local")
    return out
