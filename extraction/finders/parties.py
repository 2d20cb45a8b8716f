"""Company names and addresses: found by label sections, legal forms and the page's layout."""

from __future__ import annotations

import re

from extraction.document import Document, Line
from extraction.finders.locate import Candidate, LabelHit, fold
from extraction.normalise import clean_text

LEGAL_FORM = re.compile(
    r"(?<![A-Za-z])(gmbh|ag|kg|ohg|e\.\s?k|ug|gbr|sarl|s\.a\.r\.l|sas|sasu|sa|eurl|sprl|bv|b\.v|nv|n\.v|"
    r"ltd|limited|llc|l\.l\.c|inc|incorporated|corp|corporation|co\.|company|plc|llp|lp|srl|s\.r\.l|spa|"
    r"s\.p\.a|s\.l|sl|oy|ab|as|a/s|aps|sdn\.?\s?bhd|bhd|berhad|s/b|pte|pty|enterprise|enterprises|"
    r"trading|traders|restaurant|restoran|hardware|mart|store|stores|supermarket|bakery|cafe|café|"
    r"pharmacy|holdings|group|industries|services|solutions|gesellschaft|verlag|werke|ventures)"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)
NOT_A_NAME = re.compile(
    r"^(tax\s+invoice|invoice|receipt|official receipt|cash\s+(sale|bill|receipt)|bill|rechnung|"
    r"gutschrift|facture|factuur|quittung|beleg|simplified|original|copy|duplicate|welcome|page|seite)\b",
    re.IGNORECASE,
)
ADDRESS_STOP = re.compile(
    r"(\btel\b|\btel[.:]|phone|\bfax\b|\bgst\b|\bsst\b|reg\.?\s?no|co\.?\s?reg|company\s?no|\btax\b|invoice|receipt|"
    r"\bdate\b|e-?mail|www\.|http|@|cashier|counter|\btable\b|\border\b|\bbill\b|\bvat\b|"
    r"ust-?id|steuer|iban|\bbic\b|\bdoc\b|\bno\s?:|\bcheck\b|\bterminal\b|\bhp\b|\bh/p\b)",
    re.IGNORECASE,
)
ADDRESS_WORD = re.compile(
    r"(\d|jalan|jln|lorong|taman|lot\b|kawasan|bandar|persiaran|kampung|kg\.|batu|selangor|johor|"
    r"kuala|lumpur|melaka|pahang|perak|kedah|sabah|sarawak|penang|pulau|darul|ehsan|"
    r"street|st\.|road|rd\.|avenue|ave\b|blvd|boulevard|lane|drive|suite|floor|building|block|"
    r"straße|strasse|str\.|weg\b|platz|allee|gasse|rue|chemin|place|cedex|laan|straat|via\b|calle)",
    re.IGNORECASE,
)
REG_NO_ONLY = re.compile(r"^[\s(\[]*((co\.?\s?)?(reg|roc|company)[^)]*|[\w\-./ ]*\d[\w\-./ ]*)[)\]\s.]*$", re.IGNORECASE)


def clean_name(text: str) -> str:
    """Drop registration numbers and trailing address parts printed on the same line."""
    s = clean_text(text)
    s = re.split(r"\s[-–|•]\s|\s{3,}", s)[0]
    s = re.sub(r"\s*[(\[][^)\]]*\d[^)\]]*[)\]]?\s*$", "", s)  # "(728515-M)"
    s = re.sub(r"\s*\b(co\.?\s?reg|reg\.?\s?no|gst).*$", "", s, flags=re.IGNORECASE)
    return s.strip(" ,;:-")


def _letters(text: str) -> int:
    return len(re.findall(r"[A-Za-zÀ-ÿ]", text))


def _is_name_like(text: str) -> bool:
    t = text.strip()
    if _letters(t) < 3 or NOT_A_NAME.match(t):
        return False
    if re.search(r"@|www\.|http|\d{2}[./-]\d{2}[./-]\d{2}", t):
        return False
    digits = len(re.findall(r"\d", t))
    return digits <= max(2, _letters(t) // 3)


def legal_form_name(doc: Document, exclude: set[str] | None = None, top_fraction: float = 0.45) -> Candidate | None:
    """The first line in the top of the first page that carries a legal form (GmbH, SDN BHD, Ltd ...)."""
    if not doc.pages or not doc.pages[0].lines:
        return None
    page = doc.pages[0]
    lines = page.lines
    limit = max(1, int(len(lines) * top_fraction)) if page.source != "text" else len(lines)
    for line in lines[:limit]:
        for seg in line.segments:
            m = LEGAL_FORM.search(seg.text)
            if not m:
                continue
            name = clean_name(seg.text)
            if not name or _letters(name) < 3 or not LEGAL_FORM.search(name):
                continue
            if exclude and fold(name) in exclude:
                continue
            if re.search(r"formerly|licensee|capital|kapital|registered|handelsregister", seg.text, re.IGNORECASE):
                continue
            strong = bool(re.search(r"gmbh|\bag\b|sarl|\bsas\b|ltd|limited|inc\b|llc|sdn|bhd|s/b|plc|b\.?v\b|s\.?a\.?s|srl|spa|\bkg\b",
                                    name, re.IGNORECASE))
            return Candidate(name, 0.75 if strong else 0.55, line.page, seg.box, seg.text, "legal-form")
    return None


def top_name(doc: Document) -> Candidate | None:
    """Fallback for receipts and letterheads: the first name-like line at the top of page 1."""
    if not doc.pages:
        return None
    for line in doc.pages[0].lines[:8]:
        seg = max(line.segments, key=lambda s: _letters(s.text))
        if _is_name_like(seg.text):
            return Candidate(clean_name(seg.text), 0.4, line.page, seg.box, seg.text, "top")
    return None


def name_under_heading(hit: LabelHit, lines_by_page: dict[int, list[Line]]) -> Candidate | None:
    """A party heading (Seller, Bill to, Käufer ...) followed by its block: take the name in it."""
    seg = hit.segment
    text = seg.text
    rest = text[hit.end:].strip(" :#-")
    if rest and _is_name_like(rest) and not re.match(r"(nummer|number|no\b|nr\b|id\b|/)", rest.lower()):
        return Candidate(clean_name(rest), 0.85, hit.line.page, seg.box, rest, "heading-same")
    for right in hit.line.segments[hit.seg_index + 1: hit.seg_index + 2]:
        if _is_name_like(right.text):
            return Candidate(clean_name(right.text), 0.8, hit.line.page, right.box, right.text, "heading-right")
    lines = lines_by_page.get(hit.line.page, [])
    box = seg.box
    h = max(1e-6, box[3] - box[1])
    for dist, line in enumerate(lines[hit.line.index + 1: hit.line.index + 8], 1):
        if line.box[1] - box[3] > 3 * h * dist:
            break
        segs = [s for s in line.segments if s.box[2] > box[0] - 2 * h and s.box[0] < box[0] + 12 * h]
        if not segs:
            continue
        first = segs[0]
        low = fold(first.text)
        m = re.match(r"(name|firma|company|raison sociale|nom|naam)\s*:?\s*(.*)", low)
        if m:
            value = first.text[m.start(2):].strip() or (segs[1].text if len(segs) > 1 else "")
            if _is_name_like(value):
                return Candidate(clean_name(value), 0.9, line.page, first.box, value, "heading-name")
            continue
        if re.match(r"[\w .\-/]{0,30}:", first.text):  # "Nummer: 549910" and similar: skip
            continue
        if _is_name_like(first.text):
            return Candidate(clean_name(first.text), 0.75 - 0.03 * dist, line.page, first.box, first.text,
                             "heading-below")
    return None


def address_after(doc: Document, name: Candidate | None) -> Candidate | None:
    """Address lines after the company line, until a phone, tax number or title line."""
    if not doc.pages or not doc.pages[0].lines:
        return None
    lines = doc.pages[0].lines
    start = 0
    if name is not None and name.box is not None:
        for i, line in enumerate(lines):
            if line.page == name.page and line.box[1] <= name.box[1] + 1e-6 <= line.box[3] + 1e-6:
                start = i + 1
                break
    parts: list[str] = []
    boxes: list[list[float]] = []
    for line in lines[start:start + 10]:
        text = clean_text(" ".join(s.text for s in line.segments))
        if not text:
            continue
        if ADDRESS_STOP.search(text) and not (parts == [] and ADDRESS_WORD.search(text) and
                                              not re.search(r"tel|phone|fax|gst|reg", text, re.I)):
            if parts:
                break
            continue
        if not parts and (REG_NO_ONLY.match(text) or LEGAL_FORM.search(text) and not ADDRESS_WORD.search(text)):
            continue  # registration number or a second company line before the address
        if not parts and re.search(r"formerly|licensee|known as", text, re.IGNORECASE):
            continue
        if not ADDRESS_WORD.search(text) and parts and len(parts) >= 3:
            break
        if not ADDRESS_WORD.search(text) and not parts:
            continue
        parts.append(text)
        boxes.append(line.box)
        if len(parts) >= 6:
            break
    if not parts:
        return None
    box = [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]
    value = " ".join(parts)
    return Candidate(value, 0.6, lines[start].page if start < len(lines) else 1, box, value, "after-name")
