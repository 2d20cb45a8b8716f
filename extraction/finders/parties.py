"""Company names and addresses: found by label sections, legal forms and the page's layout."""

from __future__ import annotations

import re
from collections.abc import Callable

from extraction.document import Document, Line, Segment
from extraction.finders.locate import Candidate, LabelHit, fold
from extraction.finders.phrases import reads_as_phrase
from extraction.normalise import clean_text, find_dates

# Malaysia's 'SB' (Sdn Bhd) after a word, at the line's end or before a registration number
# ('MAJU SB', 'RETAIL SB(306295-X)'); not an item code ('SB/01-3') or a count ('3 SB')
SB_FORM = r"(?-i:(?<=[^\W\d_]\s)SB)(?=\s*\(|\s*$)"
LEGAL_FORM = re.compile(
    r"(?<![A-Za-z])(gmbh|ag|a\.\s?g|e\.\s?v|kgaa|se|(?<!\d)(?<!\d[\s-])kg|ohg|e\.\s?k|ug|gbr|s[aà]rl|s\.a\.r\.l|sagl|sas|sasu|sa|s\.a\.s\.u|s\.a\.s|s\.a\.u|(?<!\.)s\.a|eurl|sprl|bv|b\.v|nv|n\.v|v\.o\.f|vof|c\.v|commv|comm\.\s?v|(?-i:e\.\s?U\.)|snc|s\.n\.c|s\.a\.s|og|"
    r"ges\.?\s?m\.?\s?b\.?\s?h|"
    r"ltd|limited|dac|llc|l\.l\.c|inc|incorporated|corp|corporation|co\.|company|plc|llp|lp|srl|s\.r\.l|spa|"
    r"s\.p\.a|s\.l\.u|slu|s\.l|sl|oy|oyj|ab|as|asa|a/s|aps|i/s|k/s|(?<!\d)hb|sdn\.?\s?bhd|bhd|berhad|s/b|"
    + SB_FORM
    + r"|pte|pty|enterprise|enterprises|"
    r"trading|traders|restaurant|restoran|hardware|mart|store|stores|supermarket|bakery|cafe|café|"
    r"pharmacy|holdings|group|industries|services|solutions|gesellschaft|verlag|werke|ventures)"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)
NOT_A_NAME = re.compile(
    r"^(.*\bplease\b|for\s+feedback|thank|tq\s?for|welcome|tax\s+invoice|invoice|credit\s+note|"
    r"avoir|receipt|official receipt|cash\s+(sale|bill|receipt)|bill|rechnung|"
    r"gutschrift|facture|factuur|quittung|beleg|simplified|original|copy|duplicate|welcome|page|seite|"
    # 'Pagina 1 van 2', 'Sida 1 av 1': a page number in other languages
    r"(?:pagina|p[aá]gina|pag\.|sida|side|sivu|blad)\s*\d+|"
    # slogans and notices printed at a receipt's top or bottom
    r"goods\s+sold|.*\b(?:returnable|refundable|exchangeable)\b|have\s+a\s+(?:nice|good|great)|"
    r"see\s+you|come\s+again|visit\s+us|follow\s+us|like\s+us|customer\s+copy|merchant\s+copy|"
    r"store\s+(?:copy|hours)|open\s+(?:daily|\d)|served\s+by|your\s+(?:receipt|order)|"
    # a section's heading ('Hotel Details', 'Contact Information'), over the block it names
    r".*\b(?:details|information)(?=\W*$))\b",
    re.IGNORECASE,
)
# opening hours ('Open 7 Days', 'OPEN DAILY 7AM-10PM'): printed beside an address, no part of it
HOURS = r"^\W*(?:open\s+(?:\d|daily|every|seven|late|till|until|from|mon|sun)|(?:store\s+)?hours\b)"
HOURS_LINE = re.compile(HOURS, re.IGNORECASE)
ADDRESS_STOP = re.compile(
    r"(\btel\b|\btel[.:]|phone|\bfax\b|\bgst\b|\bsst\b|\babn\b|\bacn\b|\bnzbn\b|\breg\b|\broc\b|\bbr\s?no|co\.?\s?reg|company\s?no|\btax\b|invoice|receipt|"
    r"\bdate\b|e-?mail|www\.|http|@|cashier|\bmanager\b|\bmgr\b|counter|\btable\b|\border\b|\bbill\b|\bvat\b|"
    r"ust-?id|steuer|iban|\bbic\b|\bdoc\b|\bcheck\b|\bterminal\b|\bhp\b|\bh/p\b|careline|hotline|"
    + HOURS
    + r"|"
    r"customer\s?service|\b[tl1][e3][l1i]?\s?[:.]\s?\+?\d|\binv\b|gst(?=\s*(id|reg|no|:|\d))|^[a-z]{0,3}\d{5,}-?[a-z]?$)",
    re.IGNORECASE,
)
ADDRESS_WORD = re.compile(
    r"(\d|jalan|jln|lorong|taman|kawasan|bandar|persiaran|kampung|kg\.|batu|selangor|johor|"
    r"kuala|lumpur|melaka|pahang|perak|kedah|sabah|sarawak|penang|pulau|darul|ehsan|"
    # English and Romance words start a word ('Save', 'Best.' and 'Pilot' hold none); German
    # ones end one ('Bahnhofstraße')
    r"(?<![A-Za-z])(?:street|st\.|road|rd\.|avenue|ave\b|blvd|boulevard|lane|drive|suite|floor|"
    r"building|block|lot\b|rue|chemin|place|cedex|via\b|calle|"
    # shopping centres printed above the street ('VALLEY COMMONS', 'Carver Crossing')
    r"commons\b|crossing\b|square\b|mall\b|shopping\b|arcade\b)|"
    r"straße|strasse|str\.|weg\b|platz|allee|gasse|laan|straat)",
    re.IGNORECASE,
)
REG_NO_ONLY = re.compile(
    r"^\s*(\(.*\)|\[.*\]|<.*>|[\w.\s]*\b(reg|roc|br|company|co|gst|sst)\b.*|\d{4,}-?[a-z]?)\s*[.,]?$",
    re.IGNORECASE,
)
PHONE_ONLY = re.compile(r"^[\s(+]*\d[\d\s()\-/+.]{6,}$")


# countries, spelled out: an address ends with one (a line after it is a branch name, a phone or
# a tax line)
_COUNTRY_NAMES = (
    "malaysia, singapore, indonesia, thailand, philippines, vietnam, brunei, china, hong kong, "
    "taiwan, japan, korea, india, australia, new zealand, canada, usa, u.s.a, united states, "
    "america, mexico, brazil, united kingdom, uk, england, scotland, wales, ireland, france, "
    "germany, deutschland, netherlands, belgium, luxembourg, switzerland, austria, italy, italia, "
    "spain, espana, portugal, morocco"
)
COUNTRIES = tuple(n.strip() for n in _COUNTRY_NAMES.split(","))
COUNTRY_END = re.compile(
    r"(?<![A-Za-z])(?:"
    + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in COUNTRIES)
    + r")[\s.,;)]*$",
    re.I,
)

LOGO_WORD = re.compile(r"^\s*(?:\[?\s*logo\s*\]?\s*[:\-]?\s+)", re.IGNORECASE)
# 'OWNED BY: CHEF LEE SDN BHD', 'Operated by: ...': a label naming the owner, no part of the name
OWNER_LABEL = re.compile(r"^\s*(?:[A-Za-z]+\s+){0,2}by\s*:\s*(?=\S)", re.IGNORECASE)
# the shop's owner or operator ('Operated by Juniper Retail Inc', 'OWNED BY :', 'A division of
# ...', 'Licensee of ...', 'Family Owned'; a speck read as a letter before it: 'b Owned &
# operated by'): receipts label the trading name printed above, never the owner
OWNER_LINE = re.compile(
    r"^\W*(?:[a-z]\s)?(?:(?:family|locally|independently|proudly)\s+)?(?:owned|operated)"
    r"(?:\s*(?:&|and)\s*operated)?(?:\s+[bh]y\b|\W*$)"  # 'Operated hy': 'by' misread
    r"|^\W*[a-z]+\s*(?:&|and)\s*[a-z0]perated\s+by\b"  # 'Owmed & operated by', 'Ouned &
    # aperated by': OCR's slips
    r"|^\W*an?\s+(?:division|member|subsidiary)\s+of\b|^\W*(?:franchisee|licensee)\b",
    re.IGNORECASE,
)


# legal forms as OCR misreads them: 'SDN DHD', 'SDN BND', '5DN BHD', 'SBN 3HD', 'SIN BHD', '5/B';
# a stroke glued to the end of a line's 'BHD' ('SDN BHDI') is the edge of a border or bracket
SDN_BHD_READ = re.compile(
    r"(?<![A-Za-z0-9])[S5$][D0OBI]N(\.?\s?)[B83D][HN][D0O](?:[I1l|](?=\s*$))?(?![A-Za-z0-9])"
)
# 'PRINTSDN BHD': the legal form glued to the word before it (no word ends in 'sdn')
GLUED_SDN_BHD = re.compile(r"(?<=[A-Za-z]{3})(?=[S5$][D0O]N\.?\s?[B83][HN][D0O](?![A-Za-z0-9]))")
LETTER_ZERO = re.compile(r"(?<=[A-Z]-)0(?=\s|$)|(?<=[A-Z])0(?=[A-Z])")  # 'KEDAI-0 MAJU', 'C0MPANY'
GLUED_UNDERSCORE = re.compile(r"(?<=[A-Za-z])_(?=[A-Za-z])")  # 'GOLDEN_LEAF': a space read as '_'
# 'S/BS19537-X)': a registration number glued to the legal form, its '(' read as 'S' or lost
GLUED_REG_NO = re.compile(r"(?<=S/B|BHD|LTD)[S5(]?(?=\d{4,}-?[A-Z]?\)?(?:\s|$))", re.IGNORECASE)
S_B_READ = re.compile(r"(?<![A-Za-z0-9/])[S5$]\s?/\s?[B8](?![A-Za-z0-9/])")
# 'S.r.I.': the lower-case l of an Italian legal form read as a capital I or a 1
SRL_READ = re.compile(r"(?<![A-Za-z])([S5]\.\s?r\.\s?)[I1|](?![A-Za-z0-9])")
# 'l/S': the capital I of a Danish 'I/S' read as a lower-case l, a 1 or a bar
I_S_READ = re.compile(r"(?<![A-Za-z0-9/])[l1|]/S(?![A-Za-z0-9/])")


# a web address after a name's legal form on the same line: 'www.', or a lower-case top-level
# domain glued to a word ('shop.example', 'name.com')
WEB_ADDRESS = re.compile(r"\b[wW]{3}\.|(?<=[A-Za-z0-9])\.(?:com|net|org|info|biz|[a-z]{2})\b")

TITLE_AFTER_NAME = re.compile(
    r"\s+(?:tax\s+|vat\s+|sales\s+)?(?:invoice|receipt|rechnung|facture|factuur|fattura|"
    r"factura|quittung|credit\s+note|gutschrift|avoir)\s*[:#.]?\s*$",
    re.IGNORECASE,
)


def fix_legal_form(text: str) -> str:
    """A legal form read with OCR's usual confusions, spelled as printed ('SDN DHD' -> 'SDN
    BHD')."""
    # 'SDNBHD' and 'SDN.BHD' are spaced as names are written ('SDN BHD', 'SDN. BHD')
    text = SDN_BHD_READ.sub(
        lambda m: f"SDN{m.group(1).strip() or ''} BHD", GLUED_SDN_BHD.sub(" ", text)
    )
    text = GLUED_REG_NO.sub(" (", GLUED_UNDERSCORE.sub(" ", LETTER_ZERO.sub("O", text)))
    text = SRL_READ.sub(lambda m: "S" + m.group(1)[1:] + "l", text)
    text = UG_READ.sub("ä", text)
    return I_S_READ.sub("I/S", S_B_READ.sub("S/B", text))


# '(haftungsbeschrankt)': the umlaut OCR dropped from a German UG's legal form (the form is
# spelled one way by law; 'ae' is a spelling of it, kept as printed)
UG_READ = re.compile(r"(?<=\(haftungsbeschr)a(?=nkt\))", re.IGNORECASE)


# 'UG (haftungsbeschränkt)': a German legal form that ends in brackets
LIMITED_UG = re.compile(r"\s*\(haftungsbeschr(?:ä|ae|a)nkt\)", re.IGNORECASE)
# 'Kornix is a trading name of KOV Software Ltd.', 'X ist eine Marke der Y GmbH': the brand
# before it, the legal name after it
TRADING_NAME_OF = re.compile(
    r"^.{2,60}?\b(?:is\s+a\s+(?:trading\s+name|brand|trade\s?mark)\s+of|"
    r"ist\s+eine\s+marke\s+(?:der|des|von)|est\s+une\s+marque\s+(?:de|du|d')|"
    r"è\s+un\s+marchio\s+(?:di|della|del)|es\s+una\s+marca\s+(?:de|del)|"
    r"is\s+een\s+(?:handelsnaam|merk)\s+van)\s*(?=\S)",
    re.IGNORECASE,
)


# stars or rules a till prints around its name ('*** HIXFLYCK MART ***', '== CAFE ==', and
# dashes that OCR read as the CJK sign for one: '一 Y&C Liquors 一'): a run of two or more marks,
# or one set apart by a space; '#1 Pizza' keeps its number sign, '一品香' its first sign
NAME_MARKS = r"[*=~_+<>•·#一ー—–]"
DECORATION = re.compile(
    rf"^(?:{NAME_MARKS}{{2,}}|{NAME_MARKS}(?=\s))\s*|\s*(?:{NAME_MARKS}{{2,}}|(?<=\s){NAME_MARKS})$"
)


# a possessive with the OCR's spaces around its apostrophe ("Zimmer' s Gas", "Tully ' s")
SPACED_POSSESSIVE = re.compile(r"(?<=[A-Za-z])(?: ' ?|' )([sS])\b")


def clean_name(text: str) -> str:
    """Drop a logo placeholder, registration numbers and trailing address parts on the same line."""
    s = fix_legal_form(LOGO_WORD.sub("", DECORATION.sub("", clean_text(text))))
    s = SPACED_POSSESSIVE.sub(r"'\1", s)
    s = TRADING_NAME_OF.sub("", s)
    owner = OWNER_LABEL.match(s)
    if owner and STRONG_FORM.search(s[owner.end() :]):
        s = s[owner.end() :]
    title = TITLE_AFTER_NAME.search(s)
    if title and letter_count(s[: title.start()]) >= 2:
        s = s[
            : title.start()
        ]  # 'Amazon Web Services Invoice': the document's title is no part of the name
    s = re.split(r"\s[-–|•·]\s|\s{3,}", s)[0]
    # 'NAME Company No: JM0032980-V': a registration label ('Company' is no legal form there)
    s = re.sub(r"\s*\bcompany\s?no\b.*$", "", s, flags=re.IGNORECASE)
    # 'NAME Store #10230', 'NAME #4412': the store's number after the chain's name
    s = re.sub(
        r"(?<=[A-Za-z]{2})\s+(?:(?:store|shop|branch|outlet|loc)\s*(?:#|no\.?)|#)\s*\d+\s*$",
        "",
        s,
        flags=re.IGNORECASE,
    )
    s = re.sub(r"(?<=\S)\s+[.,]\s+(?=\S)", " ", s)  # 'ALAM) . SDN BHD': a speck read as a mark
    s = re.sub(
        r"\s*[(\[]\s*(roc|reg|co\.?\s?reg|company\s?no|gst|sst)\b.*$", "", s, flags=re.IGNORECASE
    )
    s = re.sub(
        r"\s*\(\s*[A-Z]{0,3}\d{4,}-?[A-Z]?\s*\).*$", "", s
    )  # "(306295-X) FKA ...": registration no.
    forms = list(LEGAL_FORM.finditer(s))
    if forms:
        tail = s[forms[-1].end() :]
        if WEB_ADDRESS.search(tail):  # 'NAME B.V. on behalf of shop.example': not the name
            s = s[: forms[-1].end()] + ("." if tail.startswith(".") else "")
            tail = ""
        if re.search(r"\d", tail) or (re.match(r"\s*[(\[]", tail) and not LIMITED_UG.match(tail)):
            # "S/B 273500-U (KJI)": the registration number goes, a dotted form keeps its dot
            s = s[: forms[-1].end()] + ("." if tail.startswith(".") else "")
        stray = re.fullmatch(r"(\.?)\s+[A-Za-z]", tail)
        if stray and STRONG_FORM.search(forms[-1].group()):
            s = s[: forms[-1].end()] + stray.group(1)  # 'SDN. BHD. P': one letter read from a mark
    s = re.sub(r"\s*[(\[][^)\]]*\d[^)\]]*[)\]]?\s*$", "", s)  # "(728515-M)"
    s = re.sub(r"\s*\b(co\.?\s?reg|reg\.?\s?no|gst).*$", "", s, flags=re.IGNORECASE)
    s = re.sub(
        r"\s*\([^)]{0,6}$", "", s
    )  # 'NAME SDN BHD (CO.': a registration note cut by the line end
    return s.strip(" ,;:-")


def letter_count(text: str) -> int:
    return len(re.findall(r"[A-Za-zÀ-ÿ]", text))


def is_name_like(text: str) -> bool:
    """Text that may be a name: letters, no notice or sentence, no e-mail, web address or date,
    few digits."""
    t = text.strip()
    if letter_count(t) < 3 or NOT_A_NAME.match(t):
        return False
    if len(t.split()) >= 4 and t.endswith((".", "!")):
        return False  # a sentence ("Goods sold are not returnable.")
    if re.search(r"@|www\.|http|\d{2}[./-]\d{2}[./-]\d{2}", t) or ATTENTION.match(t):
        return False  # an address, a date, or a line to the attention of a person ('Att: Kari')
    digits = len(re.findall(r"\d", t))
    return digits <= max(2, letter_count(t) // 3)


def legal_form_name(
    doc: Document, exclude: set[str] | None = None, top_fraction: float = 0.45
) -> Candidate | None:
    """The first line in the top of the first page that carries a legal form (GmbH, SDN BHD, Ltd
    ...)."""
    if not doc.pages or not doc.pages[0].lines:
        return None
    page = doc.pages[0]
    lines = page.lines
    limit = max(1, int(len(lines) * top_fraction)) if page.source != "text" else len(lines)
    weak: Candidate | None = None
    weak_at = 0
    # 'Your Neighborhood Store' beside the name: a slogan with a shop word is no name
    slogans = slogan_lines(lines)
    for k, line in enumerate(lines[:limit]):
        if weak is not None and k > weak_at + 3:
            break  # a strong legal form must follow the weak one closely to replace it
        if k in slogans:
            continue
        for seg in line.segments:
            m = LEGAL_FORM.search(seg.text)
            if (
                not m
                or POSTCODE_PART.fullmatch(seg.text.strip())
                or BANK_NAME.search(seg.text)
                or re.search(r"@|www\.|https?:", seg.text)
                or VAT_PREFIX.match(seg.text, m.start())
            ):
                continue  # no legal form, a postcode ('LS9 1AB': no Swedish 'AB'), the bank the
                # invoice is paid to ('Wickton Bank plc'), an e-mail or web address ('x@y.se') or
                # a VAT number's country ('Momsreg.nr SE693747273301')
            name = clean_name(seg.text)
            labelled = NAME_LABEL.match(name) if page.source != "ocr" else None  # 'THE: TOAST'
            if labelled and LEGAL_FORM.search(name[labelled.end() :]):
                name = name[labelled.end() :]  # 'Account name: Bradwell & Sons Limited'
            if name and LEGAL_FORM.search(name) and letter_count(LEGAL_FORM.sub("", name)) < 2:
                name = _join_name_lines(
                    lines, line, seg, name, slogans
                )  # "SDN BHD" alone: the name is above
            if (
                not name
                or letter_count(LEGAL_FORM.sub("", name)) < 2
                or not LEGAL_FORM.search(name)
            ):
                continue
            if exclude and fold(name) in exclude:
                continue
            if re.search(
                r"formerly|licensee|capital|kapital|registered|handelsregister|\(c\)|©|copyright",
                seg.text,
                re.IGNORECASE,
            ):
                continue
            name = _join_name_lines(lines, line, seg, name, slogans)
            if exclude and fold(name) in exclude:
                continue  # excluded as printed over two lines ('GmbH & Co.' over 'KG')
            if STRONG_FORM.search(name) or (page.source == "text" and SA_END.search(name)):
                return Candidate(name, 0.65, line.page, seg.box, seg.text, "legal-form")
            if weak is None:  # "& CO.", "TRADING": keep looking a few lines for a registered entity
                weak, weak_at = Candidate(name, 0.5, line.page, seg.box, seg.text, "legal-form"), k
    return weak


# a company's 'SA' ending its name on an invoice's text layer (on a receipt, 'SA' may be South
# Australia before a postcode printed apart)
SA_END = re.compile(r"(?<![A-Za-z])S\.?A\.?$")
# a 'legal form' that is the country of a VAT number ('SE693747273301')
VAT_PREFIX = re.compile(r"se\d{6}", re.IGNORECASE)
# a bank's name: where an invoice is paid, never who issued it
BANK_NAME = re.compile(
    r"(?<![a-z])(?:bank|banca|banque|banco|sparkasse|volksbank|raiffeisen\w*|bankhaus)(?![a-z])",
    re.IGNORECASE,
)
# the account holder's label before the seller's name ('Account name:', 'Kontoinhaber:')
NAME_LABEL = re.compile(
    r"^(?:account\s(?:name|holder)|beneficiary|payee|kontoinhaber(?:in)?|empfänger|titulaire"
    r"(?:\sdu\scompte)?|intestatario|titular|rekeninghouder|begunstigde|ten\sname\svan)\s*:\s*",
    re.IGNORECASE,
)
STRONG_FORM = re.compile(
    r"gmbh|\bag\b|s[aà]rl|\bsagl\b|\bsas\b|\be\.\s?k\.|\bdac\b|ltd|limited|\binc\b|llc\b|\bllp\b|sdn|bhd|"
    r"s/b|plc|b\.?v\b|n\.v\.|srl|s\.r\.l\b|spa\b|s\.p\.a\b|(?<![.\w])s\.a\.|(?<![.\w])s\.l\.|"
    r"\bkg\b|\bv\.?o\.?f\b|"
    # Swedish and Finnish forms, in capitals, right after a word: not a Canadian province before
    # its postcode ('Red Deer, AB T4N 1A1') nor a code in brackets ('(KB)')
    r"(?-i:(?<=[^\W\d_]\s)(?:AB|HB|KB|Oy)\b(?!\s*[A-Z][\dO][A-Z]))|" + SB_FORM + r"|"
    r"\bs\.?n\.?c\b|\bog\b|\bcommv\b|\bcomm\.\s?v\b|(?<![\w.])(?-i:e\.\s?U\.)|ges\.?\s?m\.?\s?b\.?\s?h|\baps\b|\ba/s\b|\basa\b|\boyj\b|\bi/s\b",
    re.IGNORECASE,
)


def _join_name_lines(
    lines: list[Line], line: Line, seg: Segment, name: str, slogans: set[int] | None = None
) -> str:
    """Company names printed over two lines: 'PASAR RAYA MEGA MAJU' over '(SEMENYIH) SDN BHD'
    (a slogan above, one of the line indices ``slogans``, is no part of the name)."""
    h = max(1e-6, seg.box[3] - seg.box[1])

    def near(other: Line, below: bool) -> Segment | None:
        cands = [
            s for s in other.segments if min(s.box[2], seg.box[2]) - max(s.box[0], seg.box[0]) > 0
        ]
        if not cands:
            return None
        s = cands[0]
        gap = (s.box[1] - seg.box[3]) if below else (seg.box[1] - s.box[3])
        return s if gap < 0.9 * h and 0.6 < (s.box[3] - s.box[1]) / h < 1.6 else None

    starts_with_form = LEGAL_FORM.match(name) or re.match(r"\(", name)
    if starts_with_form and line.index > 0:
        above = near(lines[line.index - 1], below=False)
        # 'Tarent is a trading name of TAN Engineering' over 'Limited.': the name after it
        above_text = TRADING_NAME_OF.sub("", above.text) if above is not None else ""
        if (
            above is not None
            and line.index - 1 not in (slogans or set())
            and is_name_like(above_text)
            and not re.search(r"\d", above_text)
            and not LEGAL_FORM.search(above_text)
        ):
            return f"{clean_text(above_text)} {name}"
    # the next line in its column: a label of a column beside it, set between the name's two
    # lines ('Firmenname (BT-27)' beside 'Marhartmann & Partner' over 'GmbH'), is passed over
    below = next(
        (s for ln in lines[line.index + 1 : line.index + 3] if (s := near(ln, below=True))), None
    )
    if below is not None:
        nxt = clean_name(below.text)
        if (name.rstrip().endswith("&") or only_legal_form(nxt)) and not re.search(r"\d", nxt):
            return f"{name} {nxt}"
        if form_rest(name, below.text.strip()):  # 'UG' over '(haftungsbeschränkt)'
            return f"{name} {below.text.strip()}"
    return name


SLOGAN_REACH = 3  # lines between a slogan and the name it is printed beside
SLOGAN_TOP = 8  # slogans are looked for in a page's first lines (its heading)


def slogan_lines(lines: list[Line]) -> set[int]:
    """Indices of heading lines (the first ``SLOGAN_TOP``) that read as a slogan ('Where quality
    comes first') within ``SLOGAN_REACH`` lines of a name-like line of about their size that
    reads as no phrase: the shop's name is that other line. A phrase alone stays a candidate."""

    def text(line: Line) -> str:
        return " ".join(s.text for s in line.segments)

    def height(line: Line) -> float:
        return max(1e-6, line.box[3] - line.box[1])

    top = lines[: SLOGAN_TOP + SLOGAN_REACH]
    phrase = [reads_as_phrase(text(ln)) for ln in top]
    namey = [
        not phrase[j]
        and is_name_like(text(ln))
        and not ADDRESS_WORD.search(text(ln))
        and not PHONE_ONLY.match(text(ln))
        for j, ln in enumerate(top)
    ]
    return {
        i
        for i in range(min(SLOGAN_TOP, len(top)))
        if phrase[i]
        and any(
            namey[j] and 2 / 3 <= height(top[i]) / height(top[j]) <= 3 / 2
            for j in range(max(0, i - SLOGAN_REACH), min(len(top), i + SLOGAN_REACH + 1))
        )
    }


def top_name(doc: Document) -> Candidate | None:
    """Fallback for receipts and letterheads: the first name-like line at the top of page 1
    (a slogan printed beside the name is skipped)."""
    if not doc.pages:
        return None
    slogans = slogan_lines(doc.pages[0].lines)
    for i, line in enumerate(doc.pages[0].lines[:8]):
        seg = max(line.segments, key=lambda s: letter_count(s.text))
        if i in slogans:
            continue
        if is_name_like(seg.text):
            return Candidate(clean_name(seg.text), 0.4, line.page, seg.box, seg.text, "top")
    return None


# a letter's closing before its signature (matched on folded text)
CLOSING = re.compile(
    r"^\W*(?:mit freundlichen gru(?:ß|ss)en|freundliche gru(?:ß|ss)e|viele gru(?:ß|ss)e|"
    r"beste gru(?:ß|ss)e|vielen dank|herzlichen dank|kind regards|best regards|regards|sincerely|"
    r"yours (?:sincerely|faithfully)|thank you|many thanks|(?:bien )?cordialement|salutations|"
    r"cordiali saluti|distinti saluti|atentamente|un saludo|saludos|met vriendelijke groet|"
    r"hartelijk dank|bedankt|merci|grazie|gracias)\b"
)


def signed_letterhead(doc: Document) -> Candidate | None:
    """A name signed under the letter's closing that is also the first line of the letterhead
    ('Jana Gutberg' over her address, ..., 'Mit freundlichen Grüßen' over 'Jana Gutberg'): the
    seller is that person, a freelancer whose name carries no legal form."""
    if not doc.pages:
        return None
    head = {
        fold(seg.text).strip(): (ln, seg) for ln in doc.pages[0].lines[:5] for seg in ln.segments
    }
    lines = doc.pages[-1].lines
    for i, line in enumerate(lines):
        if not CLOSING.match(fold(line.text)):
            continue
        for signer in lines[i + 1 : i + 3]:
            text = signer.text.strip()
            top = head.get(fold(text))
            if top is not None and is_name_like(text) and not re.search(r"\d", text):
                ln, seg = top
                return Candidate(text, 0.7, ln.page, seg.box, seg.text, "signed-letterhead")
    return None


def party_name_like(text: str) -> bool:
    """A party's name: as ``is_name_like``, and a name ending in an abbreviated legal form
    ('Amazon Web Services, Inc.') is no sentence."""
    t = text.strip()
    if is_name_like(t):
        return True
    return bool(ABBREVIATION_END.search(t)) and is_name_like(t[:-1])


ABBREVIATION_END = re.compile(r"(?<![A-Za-z])(?:[A-Za-z]{1,4}\.){1,3}$")  # 'Inc.', 'S.A.', 'a.G.'


def heading_accepts(hit: LabelHit) -> bool:
    """A party label is a heading ("Seller", "Bill to:"), not a word inside a name."""
    if not hit.at_start:
        return False
    text = hit.segment.text
    after = re.sub(r"^\s*\([^)]*\)", "", text[hit.end :])  # 'Cedente/prestatore (fornitore)'
    if not after.strip(" :"):
        return True
    if re.match(r"\s*/\s*\w+\s*:?\s*$", after):
        return True
    if re.match(r"\s*:", after):
        return party_name_like(after.strip(" :"))  # "Customer: 2" is a number, not a heading
    return " " in hit.label and len(hit.label) >= 6 and bool(re.match(r"\s*[A-Z0-9]", after))


def name_under_heading(
    hit: LabelHit,
    lines_by_page: dict[int, list[Line]],
    is_label: Callable[[Segment], bool] | None = None,
) -> Candidate | None:
    """A party heading (Seller, Bill to, Käufer ...) followed by its block: take the name in it."""
    if not heading_accepts(hit):
        return None
    seg = hit.segment
    text = seg.text
    rest = re.sub(r"^\s*/\s*\w+|^\s*\([^)]*\)", "", text[hit.end :]).strip(" :#-")
    if (
        rest
        and party_name_like(rest)
        and not re.match(r"(nummer|number|no\b|nr\b|id\b|/)", rest.lower())
    ):
        return Candidate(clean_name(rest), 0.85, hit.line.page, seg.box, rest, "heading-same")
    for right in hit.line.segments[hit.seg_index + 1 : hit.seg_index + 2]:
        if (
            right.box[0] - seg.box[2] < 6 * (seg.box[3] - seg.box[1])
            and party_name_like(right.text)
            and not NOTE.match(right.text)
            and not (is_label and is_label(right))
        ):
            return Candidate(
                clean_name(right.text), 0.8, hit.line.page, right.box, right.text, "heading-right"
            )
    lines = lines_by_page.get(hit.line.page, [])
    box = seg.box
    h = max(1e-6, box[3] - box[1])
    last = box[3]
    for dist, line in enumerate(lines[hit.line.index + 1 : hit.line.index + 8], 1):
        if line.box[1] - box[3] > 3 * h * dist or line.box[1] - last > 2.5 * h:
            break
        last = line.box[3]
        segs = [s for s in line.segments if s.box[2] > box[0] and s.box[0] < box[0] + 12 * h]
        if not segs:
            continue
        first = segs[0]
        if NOTE.match(first.text):
            continue  # '(Not to be used for payment remittance)': a note, not the name
        low = fold(first.text)
        m = NAME_FIELD.match(low)
        if m:
            value = BUSINESS_TERM.sub("", first.text[m.start(2) :]).strip()
            vseg = first
            if not value:
                later = [s for s in line.segments if s.box[0] > first.box[2]]
                value, vseg = (later[0].text, later[0]) if later else ("", first)
            if party_name_like(value):
                value = _wrapped_value(vseg, value, lines, line, hit.line.index)
                return Candidate(clean_name(value), 0.9, line.page, vseg.box, value, "heading-name")
            continue
        if re.match(r"[\w .\-/]{0,30}:", first.text):  # "Nummer: 549910" and similar: skip
            continue
        if is_label and is_label(first):
            if re.search(r"(empf|recipient|deliver|liefer|livraison|ship)", low):
                break  # another party's heading: this block is over
            continue
        if party_name_like(first.text):
            text = _continue_name(first, lines[line.index + 1 : line.index + 3])
            return Candidate(
                clean_name(text), 0.85 - 0.03 * dist, line.page, first.box, text, "heading-below"
            )
    return None


def _wrapped_value(
    vseg: Segment, value: str, lines: list[Line], line: Line, heading_index: int = -1
) -> str:
    """A value cell wrapped over lines, e.g. 'MVM Musterhafter' above 'Name: Versicherungsverein
    ...' (never the block's heading line itself: 'Verkäufer' over 'Name: ...')."""
    h = max(1e-6, vseg.box[3] - vseg.box[1])

    def in_column(other: Line) -> list[Segment]:
        return [s for s in other.segments if abs(s.box[0] - vseg.box[0]) <= h]

    # below, a line with nothing in the value's column is passed over: the key of the column
    # beside it, set between the value's two lines ('Firmenname (BT-27)' between
    # 'Hesneys Haustechnik UG' and '(haftungsbeschränkt)')
    after = next((ln for ln in lines[line.index + 1 : line.index + 3] if in_column(ln)), None)
    for other, before in (
        (lines[line.index - 1] if line.index - 1 > heading_index else None, True),
        (after, False),
    ):
        column = in_column(other) if other else []
        if not column or (before and len(other.segments) != 1):
            continue
        seg = column[0]
        gap = (vseg.box[1] - seg.box[3]) if before else (seg.box[1] - vseg.box[3])
        name_part = is_name_like(seg.text) or (not before and only_legal_form(seg.text))
        if gap > 0.8 * h or not name_part:
            continue
        if (
            re.match(r"[\w .\-/]{0,30}:", seg.text)
            or POSTCODE_CITY.search(seg.text)
            or STREET.search(seg.text)
        ):
            continue
        if before:
            value = f"{seg.text.strip()} {value}"
        elif name_goes_on(value, seg.text.strip()):
            value = f"{value} {seg.text.strip()}"
    return value


# the rest of a legal form wrapped onto the next line: '(haftungsbeschränkt)' of a German UG,
# '& Co. KG' of a GmbH & Co. KG, and the 'KG' under 'GmbH & Co.'
FORM_REST = re.compile(r"^(?:\(haftungsbeschr[äa]nkt\)|&\s?co\.?(?:\s?(?:kg|ohg|kgaa))?)$", re.I)
CO_FORM_END = re.compile(r"(?:kg|ohg|kgaa)\.?", re.IGNORECASE)


def only_legal_form(text: str) -> bool:
    """A line that holds nothing but a legal form ('GmbH', 'e.K.'): a name's end wrapped."""
    return not LEGAL_FORM.sub("", text).strip(" .&()") and bool(STRONG_FORM.search(text))


def form_rest(name: str, nxt: str) -> bool:
    """``nxt`` is the rest of the legal form ``name`` ends with ('UG' over '(haftungsbeschränkt)',
    'GmbH & Co.' over 'KG')."""
    if re.search(r"&\s?co\.?$", name.rstrip(), re.IGNORECASE) and CO_FORM_END.fullmatch(nxt):
        return True
    return bool(FORM_REST.match(nxt))


def name_goes_on(name: str, nxt: str) -> bool:
    """The line below goes on with ``name``: its legal form ('Ranric' over 'GmbH'), the rest of
    it (``form_rest``), or what follows a name that ends in '&'."""
    if name.rstrip().endswith("&") and is_name_like(nxt) and not re.search(r"\d", nxt):
        return True
    return form_rest(name, nxt) or (not LEGAL_FORM.search(name) and bool(LEGAL_FORM.search(nxt)))


# the separators of a sender line printed over a window envelope's address field
# ('Rixsys GmbH · Hauptstr. 4 · 20435 Hamburg')
SENDER_MARK = re.compile(r"[●•·|]| - ")
# the EN 16931 code printed after a key in a standard visualisation ('Firmenname (BT-27)')
BUSINESS_TERM = re.compile(r"^\s*\((?:BT|BG)-\d{1,3}\)", re.IGNORECASE)
# a 'Name:' row inside a party's block
NAME_FIELD = re.compile(
    r"(firmenname|firmierung|company name|business name|trading name|raison sociale|"
    r"denomination|ragione sociale|denominazione|razon social|nombre|nome|name|firma|company|"
    r"nom|naam)\s*:?\s*(.*)"
)
NOTE = re.compile(r"^\s*[(\[].*[)\]]\s*$")

SALUTATION = re.compile(
    r"^(herrn?|frau|firma|mr\.?|mrs\.?|ms\.?|m\.|mme|messrs\.?|attn\.?:?)$", re.IGNORECASE
)


def _continue_name(seg: Segment, next_lines: list[Line]) -> str:
    """Join a name printed over two lines: a bare salutation, or a name whose legal form is
    below."""
    text = seg.text.strip()
    if not next_lines:
        return text
    h = max(1e-6, seg.box[3] - seg.box[1])
    below = next(
        (
            col
            for ln in next_lines[:2]
            if (col := [s for s in ln.segments if abs(s.box[0] - seg.box[0]) < 1.5 * h])
        ),
        [],
    )
    if not below or below[0].box[1] - seg.box[3] > 0.8 * h:
        return text
    nxt = below[0].text.strip()
    if SALUTATION.match(text) and is_name_like(nxt):
        return f"{text} {nxt}"
    if (
        name_goes_on(text, nxt)
        and (is_name_like(nxt) or CO_FORM_END.fullmatch(nxt) or only_legal_form(nxt))
        and not POSTCODE_CITY.search(nxt)
        and not STREET.search(nxt)
    ):
        return f"{text} {nxt}"
    return text


# '12345 Stadt', 'D-12345 Stadt', and the Swedish (Czech, Slovak, Greek) '594 60 Ostberhamn'
POSTCODE_CITY = re.compile(r"(?:^|\s)(?:[A-Z]{1,2}[- ])?(?:\d{4,5}|\d{3}\s\d{2})\s+[A-Za-zÀ-ÿ]{3,}")
STREET = re.compile(  # German and Dutch street words end compounds ('Hauptstraße', 'Dijklaan')
    r"(straße|strasse|str\.|weg\b|platz\b|allee\b|gasse\b|\brue\b|\bchemin\b|\bavenue\b|"
    r"\broad\b|\bstreet\b|\bst\.?$|\blane\b|\bdrive\b|laan\b|straat\b|\d+[a-z]?$|^\d+\s|"
    # a unit in a building or business park, printed above or instead of a street ('Unit 2,')
    r"^(?:unit|suite|flat|apartment|apt\.?|building|bldg\.?)\s+\d+[a-z]?\b)",
    re.IGNORECASE,
)


OTHER_PARTY = re.compile(
    r"deliver|ship|liefer|livraison|entrega|aflever|represent|vertreter|vertegenwoordiger",
    re.IGNORECASE,
)


def _holds_contact_of(below: list[Line], town: Segment, names: set[str]) -> bool:
    """An e-mail or web address printed under a block's town line, in its column, whose domain
    one of ``names`` spells ('invoice@pellingtec.de' under the brand's address, for 'Pellingtec
    AG')."""
    h = max(1e-6, town.box[3] - town.box[1])
    domains = {
        m.group(1).lower().replace("-", "")
        for line in below
        for s in line.segments
        if abs(s.box[0] - town.box[0]) < 2.5 * h
        for m in CONTACT_DOMAIN.finditer(s.text)
    }
    return bool(domains) and any(domain_cover(name, domains) >= 4 for name in names)


def address_block_name(
    doc: Document, exclude: set[str], is_label: Callable[[Segment], bool] | None = None
) -> Candidate | None:
    """The recipient block of a letter: name line above a street and a postcode/city line
    (``how`` is 'window' when a sender line is printed right above it, as in a window
    envelope's address field)."""
    if not doc.pages or not doc.pages[0].lines:
        return None
    page = doc.pages[0]
    lines = page.lines
    limit = page.height * 0.6
    for i, line in enumerate(lines):
        if line.box[1] > limit:
            break
        for seg in line.segments:
            town = CITY_LINE.search(seg.text) or POSTCODE_PART.fullmatch(seg.text.strip())
            if not town or SENDER_MARK.search(seg.text) or QUANTITY.match(seg.text.strip()):
                continue
            h = max(1e-6, seg.box[3] - seg.box[1])
            block: list[Segment] = []
            last_top = seg.box[1]
            step: float | None = None
            how = "address-block"
            for prev in reversed(lines[max(0, i - 6) : i]):
                col = [  # left-aligned, or right-aligned in a letterhead
                    s
                    for s in prev.segments
                    if abs(s.box[0] - seg.box[0]) < 2.5 * h or abs(s.box[2] - seg.box[2]) < 0.5 * h
                ]
                if not col:
                    continue
                gap = last_top - col[0].box[3]
                if gap > 2.5 * h:
                    break  # another block
                sender = SENDER_MARK.search(col[0].text) or _sender_line_wrap(
                    col[0], h, lines[prev.index - 1] if prev.index else None
                )
                if sender:
                    how = "window"  # the sender line printed above the window (or its wrapped
                    break  # end): a letter's recipient
                if step is not None and gap > 1.6 * step + 0.3 * h:
                    break  # a wider gap than between the block's lines: another block
                # OCR boxes of one block's lines overlap (each grown around its text): no
                # negative step, or the next line's overlap would read as a wider gap
                step = max(0.0, gap) if step is None else min(step, max(0.0, gap))
                if is_label and is_label(col[0]) and OTHER_PARTY.search(col[0].text):
                    block = []  # a delivery address or a fiscal representative: not the buyer
                    break
                if is_label and is_label(col[0]):
                    break  # a heading
                block.insert(0, col[0])
                last_top = col[0].box[1]
            texts = [fold(clean_name(s.text)) for s in block]
            if not block or any(t in exclude for t in texts):
                continue
            if _holds_contact_of(lines[i + 1 : i + 4], seg, exclude):
                continue  # the excluded party's own block: its e-mail address is printed under it
            # the name is printed above the street ('Ashleybury' over 'EX18 1UJ' is a town)
            street_at = next(
                (k for k, s in enumerate(block) if STREET.search(s.text.strip())), len(block)
            )
            if not CITY_LINE.search(seg.text):
                street_at = min(street_at, len(block) - 1)  # a postcode alone is under the town
            names = [s for s in block[:street_at] if party_name_like(s.text)]
            # 'Firma' over the company, 'z. Hd.' lines: no names of their own
            names = [s for s in names if not COMPANY_SALUTATION.match(s.text.strip())]
            if names:
                first = names[0]
                text = first.text
                later = block[block.index(first) + 1 :]
                if PERSON_TITLE.match(text.strip()) and later and party_name_like(later[0].text):
                    text = f"{text.strip()} {later[0].text.strip()}"  # 'Herrn' over the name
                elif later and form_rest(text, later[0].text.strip()):
                    text = f"{text.strip()} {later[0].text.strip()}"  # 'GmbH & Co.' over 'KG'
                return Candidate(clean_name(text), 0.5, line.page, first.box, text, how)
    return None


def _sender_line_wrap(seg: Segment, height: float, above: Line | None) -> bool:
    """A line in small print right under a sender line ('Rixsys · … · 20435' over 'Lloranaena'):
    the sender line wrapped, no line of the recipient's block. On a scan small print is not
    much shorter (OCR boxes are grown around the text), but a sender line cut at a hyphen or
    after its postcode ('47783 SAINT-MORIÈRE-' over 'SUR-LOIRE') shows it goes on."""
    senders = [s.text for s in above.segments if SENDER_MARK.search(s.text)] if above else []
    return (
        above is not None
        and bool(senders)
        and seg.box[1] - above.box[3] < 0.5 * height
        and (
            seg.box[3] - seg.box[1] < 0.75 * height
            or any(CUT_SENDER.search(text) for text in senders)
        )
    )


# a sender line that stops mid-address: a word cut at its hyphen, or a postcode without its town
CUT_SENDER = re.compile(r"[^\W\d_]-(?=\s|$)|[·|,]\s*\d{4,5}\s*$")


# the words that address a line to a person of the recipient ('z. Hd. Frau Bremmeier')
ATTENTION_WORDS = (
    r"z\.\s?hd\.?|z\.\s?h\.|zu händen|attn\.?:?|attention:|fao:?|f\.a\.o\.:?|c/o|à l'attention|"
    r"t\.a\.v\.?|all'attenzione|alla c\.a\.|c\.a\.|a la atención|att[.:]"
)
ATTENTION = re.compile(rf"^(?:{ATTENTION_WORDS})\s*\S", re.IGNORECASE)
# a department line in a recipient's block ('Abt. Einkauf', 'Service achats', 'Accounts Payable')
DEPARTMENT = re.compile(
    r"^(?:abt\.|abteilung|dept\.|dpto\.|department|service|ufficio|afdeling|departamento|servicio)\s+\w"
    r"|^(?:(?:einkauf|buchhaltung|kreditoren|kreditorenbuchhaltung)(?:\s*/\s*(?:einkauf|"
    r"buchhaltung|kreditoren))?|accounts payable|accounts|purchase ledger|purchasing|procurement|"
    r"finance|achats|comptabilit[ée]|crediteuren|contabilidad|contabilit[àa])(?:\s+department)?$",
    re.IGNORECASE,
)


def attention_name(doc: Document) -> Candidate | None:
    """The recipient named right above an attention line ('Dornbach & Co. AG' over 'z. Hd. Frau
    Ulrike Bremmeier'): the buyer, whatever else its block shows."""
    if not doc.pages:
        return None
    lines = doc.pages[0].lines
    for line in lines[1:40]:
        for seg in line.segments:
            if not ATTENTION.match(seg.text.strip()):
                continue
            h = max(1e-6, seg.box[3] - seg.box[1])
            col: list[Segment] = []
            for above in (lines[line.index - 1], lines[max(0, line.index - 2)]):
                col = [s for s in above.segments if abs(s.box[0] - seg.box[0]) < h]
                text = col[0].text.strip() if col else ""
                if not (DEPARTMENT.match(text) and not STRONG_FORM.search(text)):
                    break  # 'Abt. Einkauf' between the name and 'z. Hd.': the name is above it
            if col and (col[0].box[1] > seg.box[1] - 2 * h) and _recipient_name(col[0].text):
                name = clean_name(col[0].text)
                return Candidate(name, 0.55, line.page, col[0].box, col[0].text, "attention")
            # the attention line over the recipient's name ('Alla c.a. Marco Pelströmi' over
            # 'Wesdalform Sagl'): the name right below, when it has a legal form
            below = lines[line.index + 1] if line.index + 1 < len(lines) else None
            col = [s for s in below.segments if abs(s.box[0] - seg.box[0]) < h] if below else []
            if (
                col
                and col[0].box[1] - seg.box[3] < h
                and _recipient_name(col[0].text)
                and LEGAL_FORM.search(col[0].text)
            ):
                name = clean_name(col[0].text)
                return Candidate(name, 0.55, line.page, col[0].box, col[0].text, "attention")
    return None


def _recipient_name(text: str) -> bool:
    return party_name_like(text) and not STREET.search(text)


COMPANY_SALUTATION = re.compile(rf"^(?:firma|messrs\.?|(?:{ATTENTION_WORDS}).*)$", re.I)
PERSON_TITLE = re.compile(r"^(herrn?|frau|mr\.?|mrs\.?|ms\.?|m\.|mme\.?|monsieur|madame)$", re.I)
# the last line of a postal address: '12345 Stadt', '88802Spielkreis' (text layers glue them),
# '3500 MJ Utrecht', 'Fremont CA 94538', 'Springfield, IL 62704', 'London EC1A 1AA'
CITY_LINE = re.compile(
    POSTCODE_CITY.pattern
    + r"|(?:^|\s)\d{5}(?=[A-ZÄÖÜ][a-zäöüß]{2,})"
    + r"|(?:^|\s)\d{4}\s?[A-Z]{2}\s+[A-Za-z]{3,}"
    + r"|[A-Za-z],?\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?\b"
    + r"|[A-Za-z]\s+[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b"
)
# a postcode printed as a part of its own (a sender line's last part, a recipient's last line):
# British (OCR reads the district's 1 or 0 as I or O: 'PRI 4LP'), Irish (Eircode), Dutch
POSTCODE_PART = re.compile(
    r"[A-Z]{1,2}[\dIO][A-Z\d]?\s?\d[A-Z]{2}|[A-Z]\d[\dW]\s?(?=[A-Z]*\d)[\dA-Z]{4}|\d{4}\s?[A-Z]{2}"
)


# an item row's quantity and unit ('1442 pcs', '1250 kg'), not a postcode and its town: towns
# start with a capital
QUANTITY = re.compile(r"\d[\d\s.,]*\s+[a-zà-ÿ]+\.?$")

# 'Site: 2076', 'Counter : 3': a label and its value, printed under an address, not in it
LABEL_LINE = re.compile(r"^[A-Za-z][A-Za-z.]*(?:\s[A-Za-z.]+)?\s*:\s*\S+$")


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
    for line in lines[start : start + 10]:
        text = re.sub(r"\s+", " ", " ".join(s.text for s in line.segments)).strip()
        if not text:
            continue
        if parts and (PHONE_ONLY.match(text) or LABEL_LINE.match(text)):
            break
        if find_dates(text):
            if parts:
                break
            continue
        if ADDRESS_STOP.search(text) and not (
            parts == []
            and ADDRESS_WORD.search(text)
            and not re.search(r"tel|phone|fax|gst|reg", text, re.I)
        ):
            if parts:
                break
            continue
        if not parts and (
            REG_NO_ONLY.match(text) or (LEGAL_FORM.search(text) and not ADDRESS_WORD.search(text))
        ):
            continue  # registration number or a second company line before the address
        if not parts and re.search(r"formerly|licensee|known as", text, re.IGNORECASE):
            continue
        if not ADDRESS_WORD.search(text) and parts and len(parts) >= 3:
            break
        if not ADDRESS_WORD.search(text) and not parts:
            continue
        parts.append(text)
        boxes.append(line.box)
        if len(parts) >= 6 or COUNTRY_END.search(text):
            break
    if not parts:
        return None
    box = [
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    ]
    value = " ".join(parts)
    if (
        doc.pages[0].source == "ocr"
    ):  # OCR reads the comma after a house or lot number as a full stop
        value = re.sub(r"(?<=\d)\.(?=\s[A-Za-z]{3})", ",", value)
    return Candidate(
        value, 0.6, lines[start].page if start < len(lines) else 1, box, value, "after-name"
    )


# ----------------------------------------------------------------- invoice seller evidence
def payee_name(hit: LabelHit, lines_by_page: dict[int, list[Line]]) -> Candidate | None:
    """The account holder of the bank account to pay ('Titulaire du compte : NETPRESSE',
    'Kontoinhaber', 'payable to'): on an invoice, the seller."""
    seg = hit.segment
    rest = seg.text[hit.end :].strip(" :-–")
    where = seg
    if not rest:
        right = hit.line.segments[hit.seg_index + 1 : hit.seg_index + 2]
        below = [
            s
            for ln in lines_by_page.get(hit.line.page, [])[hit.line.index + 1 : hit.line.index + 2]
            for s in ln.segments
            if s.box[0] < seg.box[2] and s.box[2] > seg.box[0]
        ]
        where = (right or below or [seg])[0]
        rest = where.text.strip() if where is not seg else ""
    rest = re.split(r"\s[-–|•]\s|,\s*(?:iban|bic|bank)\b", rest, flags=re.IGNORECASE)[0]
    if not rest or not party_name_like(rest) or is_sentence(rest):
        return None
    return Candidate(clean_name(rest), 0.55, hit.line.page, where.box, rest, "payee")


# a factoring company the invoice was sold to: paid in the seller's place, never the seller
FACTOR = re.compile(
    r"(?<![a-z])(?:factoring|factor|finans|finance|financement|finanz)(?![a-z])", re.IGNORECASE
)


CAPITAL_LINE = re.compile(
    r"^\W*(?P<name>[^\d:;,()]{2,60}?)\s*,?\s+(?P<form>sas|sasu|sarl|eurl|sa|sca|snc|s\.?a\.?s\.?|"
    r"gmbh|ag|s\.?p\.?a\.?|s\.?r\.?l\.?|s\.?l\.?|s\.?a\.?|ltd|limited|bv|b\.v\.)\s*,?\s+"
    r"(?:au capital|à capital|capital social|con capitale|mit einem stammkapital|"
    r"stammkapital|share capital|with a capital)",
    re.IGNORECASE,
)


def capital_line_name(doc: Document) -> Candidate | None:
    """The company's legal identity line ('Free SAS au capital de 3.441.812 Euros'): the name
    and its legal form before the stated capital."""
    for page in doc.pages[:1]:
        for line in page.lines:
            for seg in line.segments:
                m = CAPITAL_LINE.match(seg.text)
                if m and letter_count(m.group("name")) >= 2 and is_name_like(m.group("name")):
                    head = re.split(r"\s[·•|–-]\s?|\s?[·•|–]\s", m.group("name"))[0].strip()
                    # 'EURL Gironnet – EURL au capital': the name holds its form already
                    name = clean_text(
                        head if LEGAL_FORM.search(head) else f"{head} {m.group('form')}"
                    )
                    return Candidate(name, 0.6, line.page, seg.box, seg.text, "capital-line")
    return None


def is_sentence(text: str) -> bool:
    """Running text ('The issuer encapsulated their company data in the image below')."""
    words = re.findall(r"[^\W\d_][\w'’.-]*", text)
    lower = [w for w in words if w[0].islower()]
    return len(words) >= 5 and len(lower) >= 0.6 * len(words)


def wrapped_name_above(
    lines: list[Line], cand: Candidate, is_label: Callable[[Segment], bool] | None = None
) -> Candidate:
    """A letterhead name set over two lines in one font ('MVM Musterhafter' above
    'Versicherungsverein Musterstadt a.G.'): the whole name. Text layers only (exact positions)."""
    if cand.box is None:
        return cand
    box = cand.box
    h = max(1e-6, box[3] - box[1])
    at = min(lines, key=lambda ln: abs(ln.box[1] - box[1]), default=None)
    if at is None or at.index == 0 or abs(at.box[1] - box[1]) > 0.5 * h:
        return cand
    above = lines[at.index - 1]
    if len(above.segments) != 1:
        return cand
    seg = above.segments[0]
    gap = box[1] - seg.box[3]
    ratio = (seg.box[3] - seg.box[1]) / h
    text = seg.text.strip()
    if (
        abs(seg.box[0] - box[0]) > 0.5 * h
        or not (-0.3 * h <= gap < 0.6 * h and 0.85 < ratio < 1.15)
        or not is_name_like(text)
        or re.search(r"\d|[:@]", text)
        or ":" in cand.text  # a label's value, not a name's second line
        or LEGAL_FORM.search(text)
        or fold(text) in fold(str(cand.value))
        or (is_label is not None and is_label(seg))
    ):
        return cand
    if at.index >= 2:  # the line above must open the block
        top = lines[at.index - 2]
        if seg.box[1] - top.box[3] < 1.5 * max(gap, 0.2 * h):
            return cand
    value = clean_name(f"{text} {cand.value}")
    return Candidate(value, cand.score, cand.page, box, f"{text} {cand.text}", cand.how + "+above")


BLOCK_REACH = 6  # line heights from a letterhead's name to the last of its address lines


def letterhead_block(doc: Document, exclude: set[str]) -> Candidate | None:
    """The first name at the top of page 1 that heads its own postal address (a street, then a
    postcode and city, in its column), unless a sender line shows the block is the recipient's
    window."""
    if not doc.pages or not doc.pages[0].lines:
        return None
    page = doc.pages[0]
    lines = page.lines
    for i, line in enumerate(lines[:12]):
        if line.box[1] > page.height * 0.4:
            break
        for seg in line.segments:
            text = seg.text.strip()
            if not is_name_like(text) or STREET.search(text) or CITY_LINE.search(text):
                continue
            if i > 0 and any(SENDER_MARK.search(s.text) for s in lines[i - 1].segments):
                continue  # under a sender line: the recipient's window
            h = max(1e-6, seg.box[3] - seg.box[1])
            # the block's own lines: a footer far below in the same column is no address of it
            col = [
                s
                for ln in lines[i + 1 : i + 5]
                for s in ln.segments
                if abs(s.box[0] - seg.box[0]) < 1.5 * h and s.box[1] - seg.box[3] < BLOCK_REACH * h
            ]
            street = next((k for k, s in enumerate(col) if STREET.search(s.text)), None)
            city = next((k for k, s in enumerate(col) if CITY_LINE.search(s.text)), None)
            if street is None or city is None or city < street or street > 1:
                continue
            if fold(clean_name(text)) in exclude:
                continue
            return Candidate(clean_name(text), 0.45, line.page, seg.box, text, "letterhead")
    return None


# legal forms written with a full stop of their own ('Ltd.', 'Inc.', 'Co.')
ABBREVIATED_FORM = re.compile(r"^(?:ltd|inc|co|corp|bhd)\.$", re.IGNORECASE)


def without_full_stop(name: str) -> str:
    """A sentence's full stop after a name dropped: 'RON Elektrotechnik GmbH.' -> '... GmbH',
    'TNC Informatica S.p.A..' -> '... S.p.A.'; 'KOV Software Ltd.' keeps its own."""
    last = name.rsplit(" ", 1)[-1]
    if name.endswith("..") or (
        last.endswith(".") and "." not in last[:-1] and not ABBREVIATED_FORM.match(last)
    ):
        return name[:-1]
    return name


def brand_owner_name(doc: Document) -> Candidate | None:
    """The legal entity behind a brand, where the invoice says it ('RIXUX est une marque de Rixux
    France SAS.', 'Kornix is a trading name of KOV Software' over 'Ltd.'): the seller, whatever
    the brand in the letterhead or the sender line."""
    for page in doc.pages:
        for line in page.lines:
            seg = line.segments[0] if line.segments else None
            m = TRADING_NAME_OF.match(seg.text) if seg is not None else None
            if seg is None or m is None:
                continue
            name = seg.text[m.end() :].strip()
            following = page.lines[line.index + 1] if line.index + 1 < len(page.lines) else None
            # 'Services' or 'Trading' alone is no registered form: a wrapped 'GmbH.' completes it
            if not STRONG_FORM.search(name) and following and following.segments:
                wrapped = following.segments[0].text.strip()
                if len(wrapped.split()) <= 2 and STRONG_FORM.search(wrapped):
                    name = f"{name} {wrapped}"  # the legal form wrapped onto the next line
            name = clean_name(without_full_stop(name))
            if LEGAL_FORM.search(name) and letter_count(LEGAL_FORM.sub("", name)) >= 2:
                return Candidate(name, 0.75, line.page, seg.box, seg.text, "brand-owner")
    return None


# the domain of an e-mail or web address ('facturen@vanhoekergroot.nl', 'www.korent.es')
CONTACT_DOMAIN = re.compile(r"(?:@|\bwww\.)([a-z0-9-]{3,})\.[a-z]", re.IGNORECASE)


def contact_domains(doc: Document) -> set[str]:
    """The domains of the e-mail and web addresses on the first page, lower-case."""
    if not doc.pages:
        return set()
    return {
        m.group(1).lower().replace("-", "")
        for line in doc.pages[0].lines
        for seg in line.segments
        for m in CONTACT_DOMAIN.finditer(seg.text)
    }


def domain_cover(name: str, domains: set[str]) -> int:
    """How much of a contact domain the name's words spell (words of four letters or more, no
    legal form): 'Hartby Software Ltd' covers 14 letters of 'hartbysoftware', 'Pemham Software
    Ltd' only the 8 of its common noun."""
    words = set(re.findall(r"[a-z0-9]{4,}", fold(LEGAL_FORM.sub(" ", name))))
    return max((sum(len(w) for w in words if w in d) for d in domains), default=0)


def domain_owner(doc: Document, best: Candidate, exclude: set[str]) -> Candidate:
    """Two letterhead-like blocks, one with the invoice's e-mail or web address: a name found
    at the top that the contact address names less ('Rixent B.V.' over
    'facturen@brinkertechnie.nl', 'Pemham Software Ltd' beside 'billing@hartbysoftware.co.uk')
    gives way to the next registered name there that it names more ('Brinker Techniek B.V.',
    'Hartby Software Ltd')."""
    domains = contact_domains(doc)
    if best.how not in ("legal-form", "letterhead", "top") or not domains:
        return best
    own = domain_cover(str(best.value), domains)
    seen = exclude | {fold(str(best.value))}
    for _ in range(DOMAIN_OWNER_TRIES):  # the registered names in reading order, the footer's
        other = legal_form_name(doc, exclude=seen, top_fraction=1.0)  # too on a scan
        if other is None:
            break
        if domain_cover(str(other.value), domains) > own:
            return other
        seen.add(fold(str(other.value)))
    return best


DOMAIN_OWNER_TRIES = 4  # registered names looked at for the one the contact domain names


# where a seller may be named by its brand: the sender line, the page's top, the letterhead (a
# name under a heading such as 'Verkäufer' or 'Name:' is what the invoice calls the seller)
BRAND_EVIDENCE = ("sender-line", "top", "letterhead")


def registered_name(best: Candidate, cands: list[Candidate]) -> Candidate:
    """A brand or short name ('ARDMENIX', 'Steinler Holzbau') whose registered name is printed
    elsewhere on the invoice, starting with it ('Ardmenix Ireland Limited', 'Steinler Holzbau
    GmbH' in the footer): that registered name; a brand alone in the sender line ('KORLOEON')
    or a letterhead block without a legal form gives way to the registered company in the
    footer ('KMM Meccanica S.p.A.')."""
    short = fold(str(best.value))
    if best.how not in BRAND_EVIDENCE or STRONG_FORM.search(str(best.value)) or not short:
        return best
    for cand in sorted(cands, key=lambda c: -c.score):
        value = str(cand.value)
        rest = " ".join(value.split()[len(str(best.value).split()) :])
        if fold(value).startswith(short + " ") and STRONG_FORM.search(rest):
            return cand
    # a brand over the window, or a letterhead block without a legal form (a name the page
    # shows at the top, 'Freja Villund'): the registered company in the footer
    if best.how == "sender-line" or (best.how == "letterhead" and not LEGAL_FORM.search(short)):
        footer = [c for c in cands if c.how == "footer" and STRONG_FORM.search(str(c.value))]
        if footer:
            return footer[0]
    return best


SENDER_SEPARATOR = re.compile(r"\s[·•●|–-]\s|\s*[·•●|]\s*")


def sender_line_name(doc: Document) -> Candidate | None:
    """The sender's line printed above a letter's address window ('Müller Elektrotechnik ·
    Hauptstr. 5 · 80331 München'): its first part names the seller."""
    if not doc.pages or not doc.pages[0].lines:
        return None
    page = doc.pages[0]
    for line in page.lines[:15]:
        if line.box[1] > page.height * 0.4:
            break
        for seg in line.segments:
            parts = [p.strip() for p in SENDER_SEPARATOR.split(seg.text) if p.strip()]
            # 'NAME · Street 5 · 12345 Town', also 'NAME · Street 5, 12345 Town'
            two = len(parts) == 2 and "," in parts[1] and bool(HOUSE_NUMBER.search(parts[1]))
            # the town: 'Hauptstr. 5 · 80331 München', '12 High St · Leeds · LS1 4AP'
            town = any(CITY_LINE.search(p) for p in parts[1:]) or (
                POSTCODE_PART.fullmatch(parts[-1].split(",")[-1].strip()) is not None
                and any(HOUSE_NUMBER.search(p) for p in parts[1:])
            )
            if (len(parts) < 3 and not two) or not town:
                continue
            name = clean_name(parts[0])
            if party_name_like(name) and not STREET.search(name) and not CITY_LINE.search(name):
                return Candidate(name, 0.7, line.page, seg.box, seg.text, "sender-line")
    return None


def is_address_line(text: str) -> bool:
    """A postcode and city ('1234 AB Lutjebroek': 'AB' is no legal form there) or a street."""
    t = text.strip()
    return bool(CITY_LINE.search(t) or HOUSE_NUMBER.search(t))


# a street with its number: '12 rue de la Paix', 'Hauptstr. 5', 'Via Roma 1'
HOUSE_NUMBER = re.compile(
    r"^\d+[a-z]?,?\s|(?:stra(?:ß|ss)e|str\.|weg|platz|allee|gasse|rue|avenue|road|street|lane|"
    r"drive|laan|straat|via|calle)\s*\d",
    re.IGNORECASE,
)
