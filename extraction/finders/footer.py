"""The seller named in a page's footer: many (European) invoices print their legal name, address,
bank and register data only there, under a header that shows a logo or nothing."""

from __future__ import annotations

import re

from extraction.document import Document, Line, Segment
from extraction.finders.locate import Candidate, fold
from extraction.finders.parties import (
    LEGAL_FORM,
    SENDER_SEPARATOR,
    clean_name,
    is_address_line,
    letter_count,
    party_name_like,
)

FOOTER_TOP = 0.8  # a page's footer: the lines in its bottom fifth
# above only the page's first name-like line (0.4): below a letterhead (0.45), a legal form in
# the page's head or body (0.5, 0.65), a sender line (0.7) and any name under a party heading
FOOTER_SCORE = 0.44
# labels in a footer whose value names a bank, a person or a court, never the seller
FOOTER_OTHER_LABEL = re.compile(
    r"^\W*(?:bank\w*|kreditinstitut|geldinstitut|iban|bic|swift|blz|konto(?!inhaber)\w*|"
    r"gesch(?:ä|ae)ftsf(?:ü|ue)hr\w*|gf\b|vorstand\w*|aufsichtsrat\w*|inhaber\w*|"
    r"prokur\w*|amtsgericht|registergericht|handelsregister|gerichtsstand|"
    r"(?:managing\s+)?directors?|ceo\b|board\b|chairman|registered\s+(?:in|at|office)|"
    r"registry|register\s+court|court\b|g(?:é|e)rant\w*|pr(?:é|e)sident\w*|directeur\w*|"
    r"tribunal|bestuurder\w*|directie|amministrator\w*|banca|banque|banco)\b",
    re.IGNORECASE,
)
# such a label alone, heading a column of the footer ('Bankverbindung', 'Geschäftsführung:')
FOOTER_HEADING = re.compile(FOOTER_OTHER_LABEL.pattern + r"\W*$", re.IGNORECASE)
# a part after a name that shows the name was a bank's: its account number
ACCOUNT_PART = re.compile(r"^\W*(?:iban|bic|swift|blz|konto|account|kto)\b", re.IGNORECASE)
# footers that name the software or printer that made the document, not the seller
FOOTER_CREDIT = re.compile(
    r"©|\(c\)|copyright|created\s+with|erstellt\s+mit|powered\s+by|generated\s+by",
    re.IGNORECASE,
)
# legal forms that register a company (the shop words of LEGAL_FORM are common in item lines)
SHOP_WORD = re.compile(
    r"^(?:company|enterprises?|trading|traders|restaurant|restoran|hardware|mart|stores?|"
    r"supermarket|bakery|caf[eé]|pharmacy|holdings|group|industries|services|solutions|"
    r"gesellschaft|verlag|werke|ventures|co\.)$",
    re.IGNORECASE,
)


def _registered_form_at_end(name: str) -> bool:
    """A name ending in a registered legal form ('Korvath Metallbau GmbH', 'Orsino S.r.l.')."""
    forms = list(LEGAL_FORM.finditer(name))
    if not forms or SHOP_WORD.match(forms[-1].group()):
        return False
    return not name[forms[-1].end() :].strip(" .") and letter_count(name[: forms[-1].start()]) >= 2


def _column_above_labelled(lines: list[Line], line: Line, seg: Segment, top: float) -> bool:
    """A footer column headed by a bank, management or register label ('Bankverbindung' over
    'Sparkasse Köln AG')."""
    for other in reversed(lines[: line.index]):
        if other.box[1] < top:
            return False
        for s in other.segments:
            overlap = min(s.box[2], seg.box[2]) - max(s.box[0], seg.box[0])
            if overlap > 0 and FOOTER_HEADING.match(s.text):
                return True
    return False


def _column_below_account(lines: list[Line], line: Line, seg: Segment) -> bool:
    """The next line of the column gives an account number: the name above is the bank's."""
    for other in lines[line.index + 1 : line.index + 2]:
        for s in other.segments:
            if min(s.box[2], seg.box[2]) - max(s.box[0], seg.box[0]) > 0:
                return bool(ACCOUNT_PART.match(s.text))
    return False


def _footer_pages(doc: Document) -> list[int]:
    """The first page, and the last when there are more (its footer repeats the seller)."""
    return [0] if len(doc.pages) == 1 else [0, len(doc.pages) - 1]


def footer_name(doc: Document, exclude: set[str]) -> Candidate | None:
    """The seller named in a page's footer ('Korvath Metallbau GmbH · Lindenstraße 8 · 70173
    Stuttgart · IBAN ...', or a column of it): many invoices print their legal name only there.
    A weak candidate: it wins only when the page's head names no one better."""
    for number in _footer_pages(doc):
        page = doc.pages[number]
        top = page.height * FOOTER_TOP
        for line in page.lines:
            if line.box[1] < top:
                continue
            for seg in line.segments:
                got = _footer_segment_name(page.lines, line, seg, top, exclude)
                if got is not None:
                    return got
    return None


def _footer_segment_name(
    lines: list[Line], line: Line, seg: Segment, top: float, exclude: set[str]
) -> Candidate | None:
    """The first part of a footer segment that is a registered company's name, unless a label
    or an account number shows it names a bank, a person or a court."""
    if FOOTER_CREDIT.search(seg.text) or _column_above_labelled(lines, line, seg, top):
        return None
    parts = [p.strip() for p in SENDER_SEPARATOR.split(seg.text) if p.strip()]
    for k, part in enumerate(parts):
        if FOOTER_OTHER_LABEL.match(part) or ":" in part:
            continue
        name = clean_name(part)
        if not _registered_form_at_end(name) or not party_name_like(name):
            continue
        if is_address_line(name) or fold(name) in exclude:
            continue
        nxt = parts[k + 1] if k + 1 < len(parts) else None
        if nxt is not None and ACCOUNT_PART.match(nxt):
            continue
        if nxt is None and len(parts) == 1 and _column_below_account(lines, line, seg):
            continue
        return Candidate(name, FOOTER_SCORE, line.page, seg.box, seg.text, "footer")
    return None
