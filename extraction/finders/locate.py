"""Find labels on the page and the values printed next to or below them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from extraction.document import Document, Line, Segment, Word
from extraction.normalise import find_amounts

GENERIC_LABELS = {
    "date",
    "datum",
    "vom",
    "nr",
    "no",
    "n°",
    "number",
    "numéro",
    "invoice",
    "rechnung",
    "facture",
    "factuur",
    "total",
    "amount",
    "summe",
    "gesamt",
    "tax",
    "steuer",
    "due",
    "from",
    "customer",
    "client",
    "netto",
    "ust",
    "ust.",
    "items",
    "paid",
    "payment",
    "price",
    "qty",
    "kunde",
    "address",
}


COMPOUND_HEADS = {"grand_total", "net_total"}
COMPOUND_TAILS = {"tax_total", "_other_amount"}
# a total's one word, which after a tax's name totals the tax ('BTW totaal', 'GST Total')
TOTAL_WORDS = frozenset({"total", "totaal", "totale", "totalt", "gesamt", "yhteensä"})


def fold(text: str) -> str:
    """Lower-case and strip accents one character at a time, so offsets stay valid."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(ch) for ch in text)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    d = unicodedata.normalize("NFKD", ch)
    c = d[0] if d else ch
    return c.lower() if len(c.lower()) == 1 else c


def label_weight(label: str) -> float:
    if label in GENERIC_LABELS:
        return 0.55
    return min(1.0, 0.75 + len(label) / 60)


@dataclass
class LabelHit:
    label: str
    owners: frozenset[str]
    line: Line
    seg_index: int
    start: int
    end: int

    @property
    def segment(self) -> Segment:
        return self.line.segments[self.seg_index]

    @property
    def weight(self) -> float:
        return label_weight(self.label)

    @property
    def at_start(self) -> bool:
        return not fold(self.segment.text)[: self.start].strip(" :#.*-(")


# characters OCR confuses; used for labels of 5+ letters on OCR pages ("Totaf" is "Total")
CONFUSABLE = {
    "o": "[o0q]",
    "l": "[l1i|!f]",
    "i": "[i1l|!]",
    "t": "[tf]",
    "a": "[a4]",
    "s": "[s5]",
    "e": "[ec]",
    "g": "[g9]",
    "b": "[b8]",
    "c": "[ce]",
    "f": "[ft]",
}


def _label_re(label: str, fuzzy: bool = False) -> str:
    """Spaces and hyphens in a label match any run of spaces, dots, hyphens and '(' (or none)."""
    parts = [fold(p) for p in re.split(r"[\s\-]+", label) if p]
    if fuzzy and len(label) >= 5:
        parts = ["".join(CONFUSABLE.get(ch, re.escape(ch)) for ch in p) for p in parts]
    else:
        parts = [re.escape(p) for p in parts]
    # 'Montant EUR HT', 'Summe € netto': a currency may sit between a label's words
    return r"[\s.\-(]*(?:(?:eur|usd|gbp|chf|€|\$|£)[\s.\-()]*)?".join(parts)


@lru_cache(maxsize=64)
def _compile(
    labels: tuple[tuple[str, tuple[str, ...]], ...], fuzzy: bool = False
) -> tuple[re.Pattern[str], dict[str, tuple[str, frozenset[str]]]]:
    owners: dict[str, set[str]] = {}
    for label, who in labels:
        owners.setdefault(fold(label), set()).update(who)
    ordered = sorted(owners, key=len, reverse=True)
    # one named group per label tells which label matched, even when matched fuzzily; labels are
    # grouped by their first character so the engine rejects most positions at once
    names = {f"l{i}": lab for i, lab in enumerate(ordered)}
    groups: dict[str, list[str]] = {}
    for n, lab in names.items():
        pattern = _label_re(lab, fuzzy)
        head = re.match(r"\[[^\]]*\]|\\.|.", pattern, re.DOTALL)
        key = head.group() if head else ""
        groups.setdefault(key, []).append(f"(?P<{n}>{pattern[len(key) :]})")
    body = "|".join(f"{head}(?:{'|'.join(alts)})" for head, alts in groups.items())
    # "invoice_number_1" holds no label; OCR's stray "_" ("SUB-TOTAL_(GST)") ends one
    rx = re.compile(r"(?<![a-z0-9])(?<![a-z0-9]_)(?:" + body + r")(?![a-z]|_[a-z0-9])")
    canon: dict[str, tuple[str, frozenset[str]]] = {
        n: (lab, frozenset(owners[lab])) for n, lab in names.items()
    }
    return rx, canon


# the names of documents other than the invoice (on folded text)
OTHER_DOCUMENTS = (
    r"(?<![a-z])(?:angebot\w*|auftrag\w*|bestellung|lieferschein\w*|offer|quot\w*|order|devis|"
    r"commande|pedido|presupuesto|albaran|ordine|preventivo|offerte|bestelling)"
)
# a bare number word glued to the word it numbers ('UID-Nr.', 'Kunden-Nr'): no label of its own
BARE_NUMBER_WORDS = frozenset({"nr", "no", "n°", "number", "nummer"})
GLUED_BEFORE = re.compile(r"[a-z]-$")
# ... or followed by what it numbers when that is not the invoice ('Nº de cliente', 'N° de
# commande', 'Nr. der Bestellung'; 'N° de facture' is the invoice's)
OF_ANOTHER = re.compile(
    r"\.?\s*(?:de|du|del|des|di|della|der)\s+"
    r"(?!(?:la\s+|l')?(?:factura|facture|fattura|rechnung|invoice|avoir|abono|nota\b|"
    r"rectificativ|rettific|correct|gutschrift|storno|credit))[a-z]"
    # ... or by another document's name itself ('Nº albarán', 'No. pedido', 'Nr. Auftrag')
    r"|\.?\s*:?\s*" + OTHER_DOCUMENTS + r"\b"
)


# a tax's name that begins the document's title ('Tax Invoice', 'GST Receipt')
DOCUMENT_TITLE_AFTER = re.compile(r"\s*(?:invoice|receipt|credit note)\b")


def find_labels(doc: Document, labels: dict[str, set[str]]) -> list[LabelHit]:
    """Every label occurrence; overlapping labels resolve to the longest (``total incl`` beats
    ``total``)."""
    key = tuple(sorted((lab, tuple(sorted(who))) for lab, who in labels.items()))
    hits: list[LabelHit] = []
    for page in doc.pages:
        rx, canon = _compile(key, page.source == "ocr")
        for line in page.lines:
            for si, seg in enumerate(line.segments):
                text = fold(seg.text)
                previous: LabelHit | None = None
                for m in rx.finditer(text):
                    found = canon.get(m.lastgroup or "")
                    if found is None or (
                        "tax_total" in found[1] and DOCUMENT_TITLE_AFTER.match(text, m.end())
                    ):
                        continue  # 'Tax Invoice', 'VAT Receipt': the document's title, no tax
                    if found[0] in BARE_NUMBER_WORDS and (
                        GLUED_BEFORE.search(text[: m.start()]) or OF_ANOTHER.match(text, m.end())
                    ):
                        continue  # 'UID-Nr.', 'Lief-Nr', 'Nº de cliente': another thing's number
                    if (
                        previous is not None
                        and COMPOUND_HEADS & previous.owners
                        and COMPOUND_TAILS & found[1]
                        and " " not in found[0]  # 'Grondslag | BTW bedrag': two labels
                        and not text[previous.end : m.start()].strip(" .:(")
                    ):
                        previous.end = (
                            m.end()
                        )  # "Total incl. GST": one label, not a total then a tax
                        continue
                    if (
                        previous is not None
                        and "tax_total" in previous.owners
                        and "grand_total" in found[1]
                        and found[0] in TOTAL_WORDS
                        and not text[previous.end : m.start()].strip(" .:")
                    ):
                        previous.end = m.end()  # 'BTW totaal', 'GST Total': the tax's total
                        continue
                    previous = LabelHit(found[0], found[1], line, si, m.start(), m.end())
                    hits.append(previous)
    return hits


@dataclass
class Candidate:
    """A possible value for a field, with how sure we are and where it was printed."""

    value: Any
    score: float
    page: int
    box: list[float] | None
    text: str = ""
    how: str = ""  # which rule found it, e.g. "right:invoice number" (for debugging)
    line_order: float = 1.0  # position of its label in the document, 0 (top) to 1 (end)
    hit: LabelHit | None = None


Parser = Callable[[str], "tuple[Any, int, int] | None"]

SEP = re.compile(
    r"^(?:[\s:#.–=|*>]|-(?!\s?(?:[A-Z]{2,3}|[€$£])?\s?\d))*"
)  # separators, not a minus sign


WORD = re.compile(r"[^\W\d_]{2,}")


def _overlap(a: list[float], b: list[float]) -> float:
    """Horizontal overlap of two boxes as a fraction of the narrower one."""
    inter = min(a[2], b[2]) - max(a[0], b[0])
    width = max(1e-6, min(a[2] - a[0], b[2] - b[0]))
    return inter / width


def _label_box(hit: LabelHit) -> list[float]:
    """Box of the label's words: the whole cell when the label fills it."""
    seg = hit.segment
    text = fold(seg.text)
    if not text[: hit.start].strip(" :") and not text[hit.end :].strip(" :.#"):
        return seg.box
    pos = 0
    words = []
    for w in seg.words:
        if pos < hit.end and pos + len(w.text) > hit.start:
            words.append(w)
        pos += len(w.text) + 1
    if not words:
        return seg.box
    return [
        min(w.x0 for w in words),
        min(w.y0 for w in words),
        max(w.x1 for w in words),
        max(w.y1 for w in words),
    ]


def _seg_box_span(seg: Segment, start_char: int, end_char: int) -> list[float]:
    """Box of the words of ``seg`` that hold characters ``start_char`` to ``end_char``."""
    pos = 0
    words = []
    for w in seg.words:
        if pos + len(w.text) > start_char and pos < end_char:
            words.append(w)
        pos += len(w.text) + 1
    return _seg_box_from(seg, start_char) if not words else _union_words(words)


def _union_words(words: list[Word]) -> list[float]:
    return [
        min(w.x0 for w in words),
        min(w.y0 for w in words),
        max(w.x1 for w in words),
        max(w.y1 for w in words),
    ]


def _seg_box_from(seg: Segment, start_char: int) -> list[float]:
    """Box of the words of ``seg`` from character ``start_char`` on."""
    pos = 0
    words = []
    for w in seg.words:
        if pos + len(w.text) > start_char:
            words.append(w)
        pos += len(w.text) + 1
    return _union_words(words or seg.words)


BASE_BEFORE = re.compile(
    r"(?:%|\b(?:on|of|from|auf|von|sur|de|su|sobre|base|basis))\s*[(\[]?\s*"
    r"(?:[A-Z]{3}|[€$£])?\s*$",
    re.IGNORECASE,
)


def _maybe_not_the_line_value(rest: str, start: int) -> bool:
    """An amount inside the label's cell that may be a rate's base ('Tax 15% on $ 112.90') or a
    number of the label's wording ('due on August 3'): a value in a cell to the right wins."""
    if BASE_BEFORE.search(rest[:start]):
        return True
    found = find_amounts(rest)
    return bool(found) and not any(a[3] for a in found)


def _column_sum_row(
    first: Candidate, seg: Segment, later: list[Line], parse: Parser
) -> Candidate | None:
    """A column of amounts under a heading whose last row sums the rows above (a VAT breakdown
    and its total line): the sum row is the column's total, not its first row."""
    values = [first.value]
    h = max(1e-6, seg.box[3] - seg.box[1])
    bottom = seg.box[3]
    for line in later[:8]:
        if line.box[1] - bottom > 3 * h:
            break
        cells = [c for c in line.segments if _overlap(seg.box, c.box) > 0.3]
        got = parse(cells[0].text) if cells else None
        if not got or not isinstance(got[0], Decimal):
            break
        if len(values) >= 2 and got[0] == sum(values) and got[0] != 0:
            return Candidate(
                got[0], first.score, line.page, cells[0].box, cells[0].text, "below-sum"
            )
        values.append(got[0])
        bottom = line.box[3]
    return None


def _split_value(
    seg: Segment, text: str, nxt: Segment, parse: Parser
) -> tuple[tuple[Any, int, int] | None, list[float]]:
    """A value split over two segments of its line, read across them ('12.' and 'März 2016': a
    right-aligned date whose words line up with a column edge of the rows around it). Only a
    value that starts in the first segment and ends in the second, the two a word space apart."""
    h = max(1e-6, seg.box[3] - seg.box[1])
    if nxt.box[0] - seg.box[2] > h:
        return None, seg.box
    joined = f"{SEP.sub('', text)} {nxt.text}"
    got = parse(joined)
    cut = len(SEP.sub("", text))
    if not got or got[1] >= cut or got[2] <= cut + 1:
        return None, seg.box
    return got, [seg.box[0], min(seg.box[1], nxt.box[1]), nxt.box[2], max(seg.box[3], nxt.box[3])]


def _year_below(seg: Segment, next_lines: list[Line]) -> str | None:
    """A year alone right under ``seg`` in its cell ('22 de julio de' over '2026')."""
    h = max(1e-6, seg.box[3] - seg.box[1])
    for line in next_lines:
        for below in line.segments:
            if (
                re.fullmatch(r"(?:19|20)\d\d", below.text.strip())
                and abs(below.box[0] - seg.box[0]) < h
                and below.box[1] - seg.box[3] < 0.8 * h
            ):
                return below.text.strip()
    return None


def values_near(
    hit: LabelHit,
    parse: Parser,
    lines_by_page: dict[int, list[Line]],
    below: int = 3,
    stop: Callable[[int, int], int] | None = None,
    rightmost: bool = False,
) -> Iterator[Candidate]:
    """Values after the label in its segment, then right of it on the line, then below it.

    ``stop(seg_id, start)`` may return where the value text must end (the next label).
    """
    seg = hit.segment
    text = seg.text
    rest_start = hit.end
    m = SEP.match(text[rest_start:])
    rest_start += m.end() if m else 0
    rest = text[rest_start:]
    if stop:
        rest = text[rest_start : stop(id(seg), rest_start)]
    same: Candidate | None = None
    if rest.strip():
        got = parse(rest)
        if got:
            value, s, _e = got
            same = Candidate(
                value, 1.0, hit.line.page, _seg_box_from(seg, rest_start + s), rest, "same"
            )
            if not (rightmost and _maybe_not_the_line_value(rest, s)):
                yield same
                same = None
    # segments to the right on the same line; amounts take the rightmost of a run of values
    found: Candidate | None = None
    rights = hit.line.segments[hit.seg_index + 1 :]
    for k, right in enumerate(rights):
        rtext = right.text
        if stop:
            end = stop(id(right), 0)
            if end == 0:
                break  # the next segment is another label: the value is not on this line
            rtext = rtext[:end]
        got = parse(SEP.sub("", rtext)) if rtext.strip() else None
        box = right.box
        if not got and rtext.strip() and k + 1 < len(rights):
            got, box = _split_value(right, rtext, rights[k + 1], parse)
        if got:
            found = Candidate(got[0], 0.92 - 0.1 * k, hit.line.page, box, rtext, "right")
            if not rightmost:
                break
        elif found is not None:
            break
    if found is not None:
        yield found
    if same is not None:
        yield same
    # below, in the same column (the label's own words when its cell holds more than the label:
    # 'Grondslag BTW bedrag' heads two columns)
    lines = lines_by_page.get(hit.line.page, [])
    lbox = _label_box(hit)
    label_h = max(1e-6, lbox[3] - lbox[1])
    for dist, line in enumerate(lines[hit.line.index + 1 : hit.line.index + 1 + below], 1):
        if line.box[1] - lbox[3] > 4 * label_h * dist:
            break
        for bseg in sorted(line.segments, key=lambda b: -_overlap(lbox, b.box)):
            if _overlap(lbox, bseg.box) <= 0.3:
                continue
            btext = bseg.text
            if stop:
                end = stop(id(bseg), 0)
                if end == 0:
                    break
                btext = btext[:end]
            got = parse(btext)
            if not got:  # a long date wrapped in its cell before the year ('22 de julio de')
                year = _year_below(bseg, lines[line.index + 1 : line.index + 2])
                got = parse(f"{btext} {year}") if year else None
            if got and "%" in btext and _overlap(lbox, _seg_box_span(bseg, got[1], got[2])) <= 0.3:
                continue  # a rate and an amount in one cell ('0 % EUR 530,10', '0,32 0 %'):
                # the amount not under the label is the next or the previous column's
            if got and len(WORD.findall(btext)) >= 4:
                continue  # running text ('Zahlbar innerhalb von 30 Tagen'), not a value's cell
            if got:
                cand = Candidate(got[0], 0.8 - 0.08 * dist, line.page, bseg.box, btext, "below")
                if rightmost:
                    cand = _column_sum_row(cand, bseg, lines[line.index + 1 :], parse) or cand
                yield cand
                return
