"""Address candidates for the ranker: runs of lines near the top of page 1, with features.

A receipt prints its shop's address under the shop's name, over one to six lines, often followed
by phone, fax or tax-number lines (or parts of lines) that are no part of it. Candidates are every
run of consecutive lines that could be an address, with and without a phone, label or tax part
cut from its end; the shipped model picks one. Nothing here names a vendor: the vocabulary is
street and building words of several languages, postcode shapes of several countries and the
usual labels that end an address block.
"""

from __future__ import annotations

import re
from statistics import median

from extraction.document import Document, Line, Page, Segment, Word, union_box
from extraction.finders.locate import fold
from extraction.finders.parties import (
    ADDRESS_STOP,
    ADDRESS_WORD,
    COUNTRIES,
    COUNTRY_END,
    HOURS_LINE,
    LEGAL_FORM,
    NAME_MARKS,
    OWNER_LINE,
    PHONE_ONLY,
    REG_NO_ONLY,
    is_name_like,
)
from extraction.finders.phrases import reads_as_phrase
from extraction.finders.regions import (
    AU_STATE,
    CA_CODE,
    CA_PROVINCE,
    US_STATE,
)
from extraction.normalise import find_amounts, find_dates, tidy_text
from extraction.ranker.address_respell import respell_address
from extraction.ranker.candidates import (
    ESTABLISHED,
    PHONE,
    POSTCODE,
    STORE_NUMBER,
    TOWN_LINE,
    Ranked,
    _geometry,
    _letters,
    _line_text,
    _median_height,
    _mostly_ascii,
    _unaccent,
    _upper_ratio,
)
from extraction.ranker.respell import UNKNOWN, zipf

ADDRESS_LINES = 22
ADDRESS_SPAN = 6
READING_ORDER = True

# street, building and unit words, spelled out and abbreviated (English, Malay, German, French,
# Dutch, Italian, Spanish, Portuguese); used to recognise address lines and to put back words
# OCR misread with its usual confusions ('JIn' for 'JLN', 'Ma11' for 'MALL')
_STREET_EN = (
    "street st road rd avenue ave av boulevard blvd lane ln drive dr highway hwy freeway fwy "
    "parkway pkwy place pl court ct circle cir square sq terrace ter tce trail trl way route rte "
    "suite ste unit apt building bldg floor flr fl level lvl block blk center centre ctr plaza "
    "mall tower lot po box north south east west parade pde crescent cres gardens gdns grove mews "
    "esplanade pike turnpike tpke expressway expy alley aly"
)
_STREET_MS = (
    "jalan jln lorong lrg taman tmn lebuh persiaran kawasan bandar kampung kg batu tingkat "
    "bangunan menara kompleks pusat seksyen medan desa simpang off"
)
_STREET_EU = (
    "strasse str weg platz allee gasse ring damm ufer rue chemin quai impasse route laan straat "
    "plein gracht kade via viale piazza corso calle avenida carrera paseo rua"
)
STREET_WORDS = frozenset(f"{_STREET_EN} {_STREET_MS} {_STREET_EU}".split())
STREET_WORD = re.compile(
    r"(?<![A-Za-z])(?:" + "|".join(sorted(STREET_WORDS, key=len, reverse=True)) + r")(?![A-Za-z])",
    re.I,
)
# 'Springfield, IL 62704', 'Toronto, ON M5V 2T6'
STATE_ZIP = re.compile(
    r"(?<![A-Za-z])" + US_STATE + r"\.?,?\s+\d{5}(?:-\d{4})?(?!\d)"
    r"|(?<![A-Za-z])" + CA_PROVINCE + r"\.?,?\s+" + CA_CODE + r"\b"
)
# a North American town line's end: state or province and ZIP or postal code, nothing after
STATE_ZIP_END = re.compile(f"(?:{STATE_ZIP.pattern})" + r"\W*$")
# the names that end an address: countries (``parties.COUNTRIES``) and the states or provinces
# of several countries, spelled out (a line after one is usually a branch name, a phone or a
# tax line)
_STATES = (
    # Malaysia's states and federal territories
    "johor, kedah, kelantan, melaka, malacca, negeri sembilan, pahang, perak, perlis, "
    "pulau pinang, penang, sabah, sarawak, selangor, terengganu, kuala lumpur, labuan, putrajaya, "
    "darul ehsan, darul takzim, darul aman, darul naim, darul makmur, darul ridzuan, "
    # larger states and provinces of Australia, Canada and the United States
    "new south wales, victoria, queensland, tasmania, ontario, quebec, alberta, manitoba, "
    "british columbia, nova scotia, california, texas, florida, new york, illinois, washington"
)
REGION_NAMES = (*COUNTRIES, *(n.strip() for n in _STATES.split(",")))
REGION_END = re.compile(
    r"(?<![A-Za-z])(?:"
    + "|".join(
        re.escape(n).replace(r"\ ", r"\s+") for n in sorted(REGION_NAMES, key=len, reverse=True)
    )
    + r")[\s.,;)]*$",
    re.I,
)
# postcode shapes beyond the plain 4 or 5 digits: '1234 AB' (NL), '12345-678' (BR),
# '123-4567' (JP), 'SW1A 1AA' (UK), 'M5V 2T6' (CA), '75002' (FR/DE/US/MY)
POSTCODE_ANY = re.compile(
    POSTCODE.pattern + r"|(?<!\d)\d{4}\s?[A-Z]{2}\b|(?<![\d-])\d{5}-\d{3}(?![\d-])"
    r"|(?<![\d-])\d{3}-\d{4}(?![\d-])|\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b"
)

# a label or a registration number printed before the address on its first line
ADDRESS_LABEL = re.compile(
    r"^.{0,12}?\b(?:add|addr|address|alamat|adresse|anschrift|adres|direcci[oó]n|indirizzo)\b"
    r"\s*[:.]\s*",
    re.I,
)
# a store number before the house number ('#04532 1200 N STATE ST')
LEADING_STORE_NO = re.compile(r"^\s*#\s?\d{3,}\s+(?=\d)")
LEADING_REG = re.compile(r"^\s*[(\[]\s*[A-Z]{0,3}\s?\d[\d\s.-]{3,}-?\s?[A-Z]?\s*[)\]]\s*")
LEADING_TAX_NO = re.compile(
    r"^.{0,30}?\b(?:gst|sst|reg|roc|vat|tax|co|company)\b[^0-9]{0,20}\d[\d-]{5,}[A-Z]?\b\W*", re.I
)
# where a phone, fax, tax or web part starts inside an address line ('JOHOR, TEL NO.: 07-387 3322')
TAIL_STOP = re.compile(
    r"\s(?:tel\b|tel[.:]|phone|ph\b|fax\b|h/?p\b|mobile|whats\s?app|gst\b|sst\b|abn\b|reg\b|co\.?\s?reg|"
    r"e-?mail|www\.|http|\S+@)",
    re.I,
)
# a label with a number after it at the end of a line ('... KL Site: 2076', '... Store #1234')
LABEL_TAIL = re.compile(
    r"\s+[A-Za-z][A-Za-z.'/]{1,15}\s?(?::|#|no\.?\s?:?)\s?\+?\d[\d\s/-]*$", re.I
)
# a bare phone number at the end of a line ('Springfield, IL 62704 (217) 555-0199')
PHONE_TAIL = re.compile(r"\s+(?:\+?\d{1,3}[\s.-]?)?\(?\d{2,4}\)?[\s.-]?\d{3,4}[\s.-]\d{3,4}$")


# a line that is only a phone number, maybe after a short label ('Ph 597.552.3246',
# 'T. (462) 224-3273', '(522) 620-6357'): no part of an address, which ends before it
# (US stores print the manager's name after it: '(634) 537-7159 Store Mgr BRY'); 'Telt +34 ...',
# 'Teli: 03-...': the label's colon read as a letter; a one-letter label with its colon, whatever
# letter OCR made of it ('I: 1300 562 330' for 'T:')
PHONE_LINE = re.compile(
    # a 'T' or 'P' label glued to its number: 'TEL: 012-...' read without its 'EL:'
    # any one-word label with a colon: 'myNEWScareline : 1800 88 1231'
    r"^\s*(?:(?:tel[ilt]?|phone|ph|t|p|fax|mobile|h/?p)\b\.?\s*(?:no\.?)?\s*[:.]?\s*|[tp](?=0)"
    r"|[A-Za-z]{3,}\s?:\s*|[A-Za-z]\s?:\s*)?"
    r"[+(]*\s?\d[\d\s()\-/+.]{6,}"  # also spaced out: '( 479 ) 273 - 0023'
    r"(?:\s+(?:store\s+)?(?:mgr|manager)\b\.?:?\s*[A-Za-z0-9 .'-]*)?$",
    re.I,
)
# a till's register line: store, operator, terminal and transaction numbers
# ('ST# 2740 OP# 00773 TE# 16 TR# 53339', 'ORD #50 -REG #19-')
REGISTER_LINE = re.compile(
    r"(?:(?<![A-Za-z])[A-Za-z]{1,3}\s?[#*]\s?\d+\b.*?){2,}"
)  # '#' or '*' as read
# a ZIP+4 code after a state ('CHULLPORT NM 92814-9319'), not a phone number at a line's end
ZIP4_END = re.compile(r"(?<![A-Za-z0-9])[A-Z0]{2}\.?,?\s+\d{5}-\d{4}$")  # '0R' read for 'OR'
# a long run of digits ('SHELL OIL 57442653802'): a site, tax or card number, in no address
LONG_NUMBER = re.compile(r"(?<![\d-])\d{9,}(?![\d-])")
# a store-number line ('Store #1310', 'BRANCH NO. 12', the '#' read as '$'): printed above or
# below the address, never part of it (candidates.STORE_NUMBER_LINE without 'Shop 12', an
# Australian address's first part)
STORE_LINE = re.compile(r"^\s*(?:store|branch|outlet)" + STORE_NUMBER, re.I)
# a store number alone on a line above the street ('#1420'; below it, '#466' is a suite)
STORE_NO_ONLY = re.compile(r"\s*#\s?\d+\s*")
# a UK postcode, also with one of its two digits read as the letter O by OCR ('WPO 8YB',
# 'AS56 OMH'); at least one real digit, so no pair of words ('GO OUT') is one
UK_CODE = r"\b[A-Z]{1,2}(?:\d[A-Z\d]?\s?[\dO]|O[A-Z\d]?\s?\d)[A-Z]{2}\b"


# an Irish Eircode ('D02 X285', also 'R92 S4L3' as OCR reads it): a routing key, then four
# characters with a digit among them
EIRCODE = r"\b[ACDEFHKNPRTVWXY]\d[\dW]\s(?=[A-Z0-9]{0,3}\d)[A-Z0-9]{4}\b"


# what ends an address's town line: a five-digit postcode, a state and ZIP code, a UK or Canadian
# postcode or an Eircode (a street line starts with its house number, often four digits)
TOWN_END = re.compile(
    r"(?<!\d)\d{5}(?!\d)|" + UK_CODE + "|" + EIRCODE + r"|\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b"
)


# a town line that ends an address with a region and postcode after the town (US, Canada,
# Australia: 'Springfield, IL 62704', 'PERTH WA 6000') or with a UK postcode or an Eircode
REGION_TOWN = re.compile(
    TOWN_LINE.pattern + "|" + UK_CODE + r"\W*$|" + EIRCODE + r"\W*$|\b(?i:singapore)\s+\d{6}\W*$"
)


def phone_line(text: str) -> bool:
    return bool(PHONE_LINE.match(text)) and sum(ch.isdigit() for ch in text) >= 7


def phone_after_address(lines: list[Line], texts: list[str]) -> tuple[list[Line], list[str]]:
    """The lines with a phone line printed between a street line and the town line that ends the
    address ('1450 Maple St' / 'Ph 217-555-0199' / 'Springfield, IL 62704') moved after that town
    line, where receipts usually print it; the address is then a run of lines."""
    lines, texts = list(lines), list(texts)
    for i in range(1, len(lines) - 1):
        # a UK postcode is recognised also as OCR reads it ('KIB 4UY' for 'K1B 4UY')
        before, after = texts[i - 1], UK_POSTCODE_END.sub(_uk_postcode, texts[i + 1])
        if (
            phone_line(texts[i])
            and (_is_address_line(before) or _town_after_street(texts, i - 1))
            and not TOWN_END.search(before)
            and (
                STATE_ZIP.search(after)
                or POSTCODE_ANY.search(after)
                or TOWN_END.search(after)
                or REGION_TOWN.search(after)
            )
            and _letters(after) >= 3
            and not phone_line(after)
            and not ADDRESS_STOP.search(after)
            and not any(a[3] for a in find_amounts(after))
            and not find_dates(after)  # 'TRANS# 89092 THU May 13, 2021': no town line
        ):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
            texts[i], texts[i + 1] = texts[i + 1], texts[i]
    return lines, texts


def _town_after_street(texts: list[str], i: int) -> bool:
    """Line ``i`` is a post town without its postcode under a street line ('1190 HIGH ROAD' /
    'GOAVILLE'), as UK receipts print it before a phone line and the postcode line."""
    return (
        i >= 1
        and bool(STREET_WORD.search(texts[i - 1]))
        and _letters(texts[i]) >= 3
        and not re.search(r"\d", texts[i])
        and not ADDRESS_STOP.search(texts[i])
        and not phone_line(texts[i - 1])
    )


# a price at the end of an item line, maybe with a tax code after it ('18.00 SR', '4.45 S')
PRICE_END = re.compile(r"\d[.,]\d{2}(?:\s+[A-Z*#]{1,3})?\s*$")
# lines that end an address block besides those of ``ADDRESS_STOP`` (contact lines)
CONTACT = re.compile(r"mobile|whats\s?app|telephone|\bph\b|\bcall\b", re.I)


def _is_address_line(text: str) -> bool:
    return bool(ADDRESS_WORD.search(text) or STREET_WORD.search(text))


def _letter_address(text: str) -> bool:
    """An address word that is a word (a street type, a state), not just a digit."""
    return any(not m.group().isdigit() for m in ADDRESS_WORD.finditer(text)) or bool(
        STREET_WORD.search(text) or STATE_ZIP.search(text)
    )


# ----------------------------------------------------------------------------- OCR confusions

# characters OCR confuses with each other in print fonts, each mapped to one representative
_CONFUSABLE = str.maketrans({"i": "l", "1": "l", "|": "l", "!": "l", ":": "l", "0": "o"})
_STREET_BY_SHAPE = {w.translate(_CONFUSABLE): w for w in STREET_WORDS if len(w) >= 3}
_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9|!]+(?::[A-Za-z0-9|!]+)?(?![A-Za-z0-9])")
# 'Pl' (place) after a street's name, its l read as 1 or I ('Gabriel P1 #714', 'ELM PI')
_PLACE_READ = re.compile(r"(?<=[A-Za-z]{3} )P[1I|](?=[\s,#]|$)")
# 'Nol', 'NO.l': a number designator followed by a digit read as a letter
_NUMBER_AFTER_NO = re.compile(
    r"(?<![A-Za-z])(no\.?\s?)([lI|]|[lI|]?[0-9][0-9lIO]*)(?![A-Za-z])", re.I
)


def fix_address_words(text: str) -> tuple[str, int]:
    """Street and building words read with OCR's letter/digit confusions, spelled as printed
    ('JIn' -> 'JLN', 'BIk' -> 'BLK', 'Ma11' -> 'MALL', 'Nol' -> 'No1'); with the number of fixes."""
    fixes = 0

    def word(m: re.Match[str]) -> str:
        nonlocal fixes
        token = m.group()
        low = token.lower()
        if low in STREET_WORDS or len(token) < 3:
            return token
        if re.fullmatch(r"\s\d[A-Z]{2}", m.string[m.end() :]):
            return token  # a UK postcode's outward code ('B1K 4LC'), no block ('BLK')
        known = _STREET_BY_SHAPE.get(low.translate(_CONFUSABLE))
        if known is None or _letters(token) < 2:
            return token
        fixes += 1
        letters = [c for c in token if c.isalpha()]
        upper = sum(c.isupper() for c in letters) >= len(letters) / 2
        return known.upper() if upper else known.capitalize()

    def place(m: re.Match[str]) -> str:
        nonlocal fixes
        fixes += 1
        before = m.string[: m.start()].split()
        return "PL" if before and before[-1].isupper() else "Pl"

    def number(m: re.Match[str]) -> str:
        nonlocal fixes
        digits = m.group(2).translate(str.maketrans("lI|O", "1110"))
        if digits != m.group(2):
            fixes += 1
        return m.group(1) + digits

    text = _TOKEN.sub(word, text)
    text = _NUMBER_AFTER_NO.sub(number, text)
    text = _PLACE_READ.sub(place, text)
    return text, fixes


# ----------------------------------------------------------------------------- values


def address_value(texts: list[str], source: str, plain: bool = False) -> str:
    value = tidy_text(" ".join(texts))
    value = STOP_BEFORE_COMMA.sub(",", value)  # 'UTARA SELATAN.,': the comma is what parts them
    if plain:
        value = _unaccent(value)
    if source == "ocr":  # OCR reads the comma after a house or lot number as a full stop
        # (also before a postcode, and after a street number ending in a letter: 'U3/G.')
        value = re.sub(r"(?:(?<=\d)|(?<=/[A-Z]))\.(?=\s(?:[A-Za-z]{3}|\d{5}(?!\d)))", ",", value)
        # and a comma printed with no gap after it between two parts ('PETALING.57000',
        # 'RAWANG.SELANGOR', 'SS21/60.Damansara')
        value = COMMA_READ_AS_STOP.sub(r"\1, ", value)
        # and loses the gap between a postcode and the town ('47400Petaling')
        value = GLUED_POSTCODE.sub(r"\1 ", value)
        # a letter O among the digits of a number ('G3O' for 'G30') and a stray mark between a
        # word and its number ("Level'6")
        value = DIGIT_O.sub("0", value)
        if not FIVE_DIGITS.search(value):  # a postcode's last zero read as a D ('4600D PETALING')
            value = POSTCODE_D.sub(r"\g<1>0", value)
        # one comma read twice where two boxes of a line touch ('Gouthquiengberg, , TN')
        value = re.sub(r",\s+,(?=\s)", ",", value)
        value = CA_POSTCODE.sub(_ca_postcode, value)
        value = UNIT_STAR.sub("#", value)  # '*08-191': a unit's '#' read as a star
        value = UK_POSTCODE_END.sub(_uk_postcode, value)
        value = EIRCODE_END.sub(_eircode, value)
        value = STATE_MISREAD.sub(_state_misread, value)
        value = LETTERS_AND_ZEROS.sub(_zeros_in_word, value)
        value = re.sub(r"(?<=[A-Za-z])['`](?=\d)", " ", value)
        # the gap lost before a US state or after a house number ('Oakridge' + 'WI 53575',
        # 'WHITWOOD,IN 46136', '6452POPLAR DR')
        value = GLUED_STATE.sub(r"\1 \2", value)
        value = GLUED_HOUSE_NUMBER.sub(r"\1 ", value)
        value = UK_AREA_ZERO.sub(r"\1O\2", value)
    return value


# a full stop glued between a postcode, a place name of five letters or more or a street number
# with a slash and the next word or postcode: a comma read as a stop (abbreviations such as
# 'INDS.PARK', 'NO.15' or 'P.RAMLEE' are shorter; web addresses have stops on both sides)
COMMA_READ_AS_STOP = re.compile(
    r"((?<![\w.@/])\d{5}|(?<![\w.@])[A-Za-z]{5,}|(?<![\w.@])[A-Za-z]+\d*/\d{1,3}[A-Za-z]?)"
    r"\.(?=(?:[A-Za-z]{3,}|\d{5})(?![\w.@]))"
)
STOP_BEFORE_COMMA = re.compile(r"(?<=[A-Za-z]{4})\.,")  # not after an abbreviation ('D.E.,')
GLUED_STATE = re.compile(r"([a-z,])(" + US_STATE + r")(?=\s\d{5}(?:-\d{4})?\W*$)")
GLUED_HOUSE_NUMBER = re.compile(r"^(\d{1,5})(?=[A-Z]{3,}\b)")
# a one-letter UK postcode area followed by three digits: the second letter of its area read
# as a zero ('S021 9EJ', 'Y011 9NL': SO21, YO11; an outward code holds two digits at most)
UK_AREA_ZERO = re.compile(r"(?<![A-Za-z0-9])([A-Z])0(\d{2} \d[A-Z]{2})$")


# an Irish Eircode ending an address ('Y49 M1A5'): its last four characters are digits and
# the letters A C D E F H K N P R T V W X Y only, so an I or O there is a misread 1 or 0 (also
# when OCR left no digit: 'X58 EIEX')
EIRCODE_END = re.compile(
    r"(?<![A-Za-z0-9])([ACDEFHKNPRTVWXY]\d[\dW])\s(?=[A-Z0-9]*[\dIO])(?=[A-Z0-9]*[A-Z])"
    r"([A-Z0-9]{4})$"
)
_EIRCODE_DIGITS = str.maketrans("IO", "10")  # OCR's commonest confusions only


def _eircode(m: re.Match[str]) -> str:
    code = m.group(2)
    if not re.search(r"\d", code) and zipf(code) >= UNKNOWN:
        return m.group()  # 'A12 ROAD': a word, not a code read without its digits
    return f"{m.group(1)} {code.translate(_EIRCODE_DIGITS)}"


# a US state code misread before the ZIP code: a zero for its O ('Cleberg, 0K 34096'), an I for
# its T ('Harwell, IX 77911'), and a Canadian province's before its postcode ('5K B7C 3J6');
# fixed only when one code of a state or province is one such swap away
STATE_MISREAD = re.compile(
    r"(?<![A-Za-z0-9])([A-Z0-9]{2})(?=\.?,?\s+(?:\d{5}(?:-\d{4})?|(" + CA_CODE + r"))\W*$)"
)
STATE_LOOK_ALIKES = {"0": "O", "1": "IL", "I": "TL", "5": "S", "8": "B"}


def _state_misread(m: re.Match[str]) -> str:
    code = m.group(1)
    states = CA_PROVINCE if m.group(2) else US_STATE  # before a Canadian postcode: a province
    if re.fullmatch(states, code):
        return code
    fixes = {
        code[:k] + letter + code[k + 1 :]
        for k, ch in enumerate(code)
        for letter in STATE_LOOK_ALIKES.get(ch, "")
    }
    found = [f for f in fixes if re.fullmatch(states, f)]
    return found[0] if len(found) == 1 else code


# zeros between the letters of a word ('FEANW00D'): the letter O (a word of at least five
# characters and three letters, so no postcode such as 'K0A' is one)
LETTERS_AND_ZEROS = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0]{3,}[A-Za-z](?![A-Za-z0-9])")


def _zeros_in_word(m: re.Match[str]) -> str:
    word = m.group()
    return word.replace("0", "O") if sum(ch.isalpha() for ch in word) >= 3 else word


# a Canadian postcode after its province alternates letters and digits ('ON M5V 2T6'): OCR's
# O/0, I/1 and L/1 confusions are put back by position
CA_POSTCODE = re.compile(
    r"(?<![A-Za-z])(" + CA_PROVINCE + r"\.?,?\s+)"
    r"([A-Z0-9][0-9OILSBZG][A-Z0-9])(\s?)([0-9OILSBZG][A-Z0-9][0-9OILSBZG])(?![A-Za-z0-9])"
)
# letters and digits OCR mistakes for one another, put back by their place in the postcode
# (letter, digit, letter, digit, letter, digit: 'Y3K 758' -> 'Y3K 7S8')
_TO_DIGIT = str.maketrans("OILSBZG", "0115826")
_TO_LETTER = str.maketrans("015826", "OISBZG")


def _ca_postcode(m: re.Match[str]) -> str:
    a, b = m.group(2), m.group(4)
    a = a[0].translate(_TO_LETTER) + a[1].translate(_TO_DIGIT) + a[2].translate(_TO_LETTER)
    b = b[0].translate(_TO_DIGIT) + b[1].translate(_TO_LETTER) + b[2].translate(_TO_DIGIT)
    return m.group(1) + a + m.group(3) + b


# a UK postcode ending an address ('EC0 4RG', 'L0 0WU', 'B1K 4LC'): its outward code holds a
# digit after the area's letters and its inward code starts with one; OCR reads a 0 as the
# letter O and a 1 as I or L (an I or L only beside a real digit, so no pair of words is one)
UK_POSTCODE_END = re.compile(
    r"(?<![A-Za-z0-9])([A-Z]{1,2})([0-9OIL])([A-Z0-9]?) ([0-9OIL])([A-Z]{2})$"
)


def _uk_postcode(m: re.Match[str]) -> str:
    area, digit, rest, inward, unit = m.groups()
    if (digit + inward).strip("0123456789O") and not re.search(r"\d", m.group()):
        return m.group()
    return f"{area}{digit.translate(_TO_DIGIT)}{rest} {inward.translate(_TO_DIGIT)}{unit}"


# a unit number's '#' read as a star: floor and unit ('*08-191', Singapore's '#08-191')
UNIT_STAR = re.compile(r"(?<![\w*#])\*(?=\d{1,3}-\d{1,5}\b)")
FIVE_DIGITS = re.compile(r"(?<![\w-])\d{5}(?![\w-])")
POSTCODE_D = re.compile(r"(?<![\w-])(\d{4})D(?=,?\s+[A-Za-z]{3})")
DIGIT_O = re.compile(r"(?<=\d)O(?=\d*(?![A-Za-z0-9]))")
GLUED_POSTCODE = re.compile(r"(?<![\dA-Za-z-])(\d{5})(?=[A-Za-z]{3})")
# a line that ends with punctuation of its own; others may have lost a small comma to OCR
_ENDS_PUNCT = re.compile(r"[,.;:&/-]\s*$")
_STARTS_POSTCODE = re.compile(r"\s*\d{5}(?!\d)")


def comma_joined(parts: list[str]) -> tuple[list[str], int]:
    """The lines of a block with the comma put back at the end of a line that ends without
    punctuation before a line that starts with a postcode ('TAMAN SRI PUTRA' + '81200 JOHOR
    BAHRU'): OCR often misses a small comma printed at a line's end; with the number added."""
    out = [
        p + ","
        if k + 1 < len(parts) and not _ENDS_PUNCT.search(p) and _STARTS_POSTCODE.match(parts[k + 1])
        else p
        for k, p in enumerate(parts)
    ]
    return out, sum(a != b for a, b in zip(out, parts))


def address_start(segments: list[str]) -> str:
    """The first line of an address without what is printed before it on that line: a label
    ('ADD:'), a registration number '(1219716-T)' or a tax number in a segment of its own."""
    segs = [t.strip() for t in segments if t.strip()]
    while (
        len(segs) > 1
        and (
            ADDRESS_STOP.search(segs[0]) or REG_NO_ONLY.match(segs[0]) or PHONE_ONLY.match(segs[0])
        )
        and not _letter_address(segs[0])
    ):
        segs = segs[1:]
    text = " ".join(segs)
    for rx in (ADDRESS_LABEL, LEADING_REG, LEADING_TAX_NO, LEADING_STORE_NO):
        m = rx.match(text)
        if m and _letters(text[m.end() :]) >= 3:
            text = text[m.end() :]
    return text


def address_end(text: str) -> str | None:
    """An address line cut where a phone, fax or tax part starts, or None when none does."""
    m = TAIL_STOP.search(text)
    if (
        m is None
        or _letters(text[: m.start()]) < 3
        or ADDRESS_STOP.search(text[: m.start()])
        or not _is_address_line(text[: m.start()])
    ):
        return None
    return text[: m.start()].rstrip(" ,;:-")


def tail_cut(text: str) -> str | None:
    """The last line of an address without a labelled number ('Site: 2076', 'Store #12') or a
    bare phone number printed after it, or None when it ends with neither."""
    for rx in (LABEL_TAIL, PHONE_TAIL):
        m = rx.search(text)
        if m and rx is PHONE_TAIL and ZIP4_END.search(text):
            continue
        if m and _letters(text[: m.start()]) >= 3 and len(text[: m.start()].strip()) >= 6:
            return text[: m.start()].rstrip(" ,;:-")
    return None


# ----------------------------------------------------------------------------- reading order


def reading_lines(page: Page) -> list[Line]:
    """The page's lines rebuilt from the OCR's own text lines, so that a leaning receipt does not
    interleave the words of two printed lines ('No: 28, BUKIT JALAN RAJA, ASTANA 41050 1C').

    OCR words come in reading order, one detected text line after another: a run of words that
    moves right at about the same height is one printed line. Runs side by side (cells of one
    row) are joined into a line; a page whose words give no such runs keeps its lines."""
    runs: list[list[Word]] = []
    strays: list[int] = []  # runs begun by a word at the height of the run before, off its slope
    for w in page.words:
        if runs and _next_to(runs[-1][-1], w):
            if _on_slope(runs[-1], w):
                runs[-1].append(w)
                continue
            strays.append(len(runs))
        runs.append([w])
    if not runs or len(runs) >= len(page.words):
        return page.lines
    runs = _strays_joined(runs, strays)
    # a row: runs whose centres (at their own middle) are within half a line height
    runs.sort(key=lambda r: median(w.yc for w in r))
    rows: list[list[list[Word]]] = []
    for run in runs:
        yc = median(w.yc for w in run)
        h = median(w.height for w in run)
        if rows:
            last = rows[-1]
            last_yc = median(w.yc for r in last for w in r)
            # runs that overlap across are two printed lines, or a stamp over one
            overlaps = any(_across(r, run, h) for r in last)
            if abs(yc - last_yc) < 0.5 * h and not overlaps:
                last.append(run)
                continue
        rows.append([run])
    lines = []
    for idx, row in enumerate(rows):
        row.sort(key=lambda r: r[0].x0)
        lines.append(Line([Segment(r, page.number) for r in row], page.number, idx))
    return lines


def _next_to(prev: Word, w: Word) -> bool:
    """A word just right of another at about its height."""
    h = max(1e-6, min(w.height, prev.height))
    return w.x0 >= prev.x1 - 0.5 * h and w.x0 - prev.x1 < 3 * h and abs(w.yc - prev.yc) < 0.6 * h


def _on_slope(run: list[Word], w: Word) -> bool:
    """Whether a word is at the height a run's words lead to. On a photo at a slant a line's
    last box may sit as high as the end of the line above ('98967-5306' after 'WA' climbs to
    the height of 'Proudly Independent' over it) but not on that line's own slope."""
    first, prev = run[0], run[-1]
    h = max(1e-6, w.height, prev.height)
    span = (prev.x0 + prev.x1) / 2 - (first.x0 + first.x1) / 2
    if len(run) < 2 or span < 2 * h:  # words too close together to tell a slope
        return True
    slope = (prev.yc - first.yc) / span
    expected = prev.yc + slope * ((w.x0 + w.x1) / 2 - (prev.x0 + prev.x1) / 2)
    return abs(w.yc - expected) < 0.6 * h


def _strays_joined(runs: list[list[Word]], strays: list[int]) -> list[list[Word]]:
    """Each stray run joined to the run it goes on, wherever the OCR listed that run (a line's
    last box that climbed above the line's start is listed before the line)."""
    out: list[list[Word] | None] = [list(r) for r in runs]
    for k in strays:
        stray = out[k]
        if stray is None:
            continue
        for i, run in enumerate(out):
            if (
                i not in (k, k - 1)
                and run
                and _next_to(run[-1], stray[0])
                and _on_slope(run, stray[0])
            ):
                out[i], out[k] = run + stray, None
                break
    return [r for r in out if r]


def _across(run: list[Word], other: list[Word], h: float) -> bool:
    """Two runs of about one height overlap across: not only end to end, by less than half a
    line height (``h``), as two boxes of one printed line of a photo at a slant do."""
    overlap = min(run[-1].x1, other[-1].x1) - max(run[0].x0, other[0].x0)
    if overlap <= 0:
        return False
    heights = median(w.height for w in run) / max(1e-6, median(w.height for w in other))
    end_to_end = other[0].x0 >= run[-1].x1 - 0.5 * h or other[-1].x1 <= run[0].x0 + 0.5 * h
    return not (end_to_end and 2 / 3 < heights < 3 / 2)


def _same_line(lines: list[Line], box: list[float]) -> int:
    """The index of the line that holds most of a box (the company line), or -1."""
    best, at = 0.0, -1
    for ln in lines:
        b = ln.box
        overlap = max(0.0, min(b[3], box[3]) - max(b[1], box[1])) * max(
            0.0, min(b[2], box[2]) - max(b[0], box[0])
        )
        if overlap > best:
            best, at = overlap, ln.index
    return at


# ----------------------------------------------------------------------------- candidates


def _line_info(line: Line, text: str) -> dict:
    letters_addr = _letter_address(text)
    post = bool(POSTCODE_ANY.search(text))
    first = address_start([s.text for s in line.segments])
    return {
        "addr": _is_address_line(text),
        "addr_word": letters_addr,
        "street": len(STREET_WORD.findall(text)),
        "state_zip": bool(STATE_ZIP.search(text)),
        "post": post,
        "region": bool(REGION_END.search(text)),
        "stop": bool(ADDRESS_STOP.search(text) or CONTACT.search(text)),
        "phone": bool(PHONE.search(text)) or bool(PHONE_ONLY.match(text)),
        "date": bool(find_dates(text)),
        "legal": bool(LEGAL_FORM.search(text)),
        "reg": bool(REG_NO_ONLY.match(text)),
        "phone_line": phone_line(text),
        "text": text,
        "name": is_name_like(text),
        # an amount line (an item or a total), not '31,31A, JALAN ...' nor 'LOT 1F-01&02,1ST FLR'
        # (an item line whose code looks like a postcode still ends with its price)
        "amount": any(a[3] for a in find_amounts(text))
        and not letters_addr
        and (not post or bool(PRICE_END.search(text))),
        "first": first,
        "last": address_end(text),
        "first_last": address_end(first),
        "conf": min((w.conf for w in line.words), default=1.0),
        "h": line.box[3] - line.box[1],
        "upper": _upper_ratio(text),
        "colon": ":" in text,
        "xc": (line.box[0] + line.box[2]) / 2,
    }


def address_candidates(doc: Document, company_line: int, rule_value: str | None) -> list[Ranked]:
    """Runs of 1 to 6 consecutive lines near the top of page 1, in reading order; the first line
    without a label or number printed before the address, the last without a phone or tax part."""
    if not doc.pages or not doc.pages[0].lines:
        return []
    page = doc.pages[0]
    med_h = _median_height(page)
    lines = page.lines[:ADDRESS_LINES]
    if READING_ORDER:
        company_box = lines[company_line].box if 0 <= company_line < len(lines) else None
        lines = reading_lines(page)[:ADDRESS_LINES]
        company_line = _same_line(lines, company_box) if company_box else -1
    texts = [_line_text(ln) for ln in lines]
    lines, texts = phone_after_address(lines, texts)
    info = [_line_info(ln, t) for ln, t in zip(lines, texts)]
    company_h = (
        lines[company_line].box[3] - lines[company_line].box[1]
        if 0 <= company_line < len(lines)
        else 0.0
    )
    ctx = {
        "rule_key": fold(rule_value) if rule_value else None,
        "plain": _mostly_ascii(page),
        "company_line": company_line,
        "company_h": company_h,
        "med_h": med_h,
    }
    out: list[Ranked] = []
    for start in range(len(lines)):
        if (
            info[start]["phone_line"]
            or REG_NO_ONLY.match(info[start]["first"])
            or STORE_NO_ONLY.fullmatch(info[start]["text"])
        ):
            continue  # an address never starts with a phone, register or store number ('#1420')
        plain_start = False
        if not info[start]["addr"] and not info[start]["post"]:
            # a first line with no address word ('OASIS VILLAGE') above one that has one
            nxt0 = info[start + 1] if start + 1 < len(info) else None
            if (
                not (nxt0 and (nxt0["addr_word"] or nxt0["post"]))
                or info[start]["stop"]
                or info[start]["phone"]
                or info[start]["reg"]
                or info[start]["date"]
                or info[start]["amount"]
                or reads_as_phrase(info[start]["text"])  # a slogan ('Save money. Live better.')
                or OWNER_LINE.match(info[start]["text"])  # 'Licensee of McDonald's'
            ):
                continue
            plain_start = True
        for length in range(1, ADDRESS_SPAN + 1):
            end = start + length
            if end > len(lines):
                break
            span = info[start:end]
            ends = [span[0]["first_last"]] + [s["last"] for s in span[1:]]
            if (
                any(
                    s["amount"]
                    or s["date"]
                    or ESTABLISHED.match(s["text"])
                    or REGISTER_LINE.search(s["text"])
                    or STORE_LINE.match(s["text"])
                    or HOURS_LINE.match(s["text"])
                    or RATE_OR_RULE.search(s["text"])
                    or LONG_NUMBER.search(s["first"] if k == 0 else s["text"])
                    for k, s in enumerate(span)
                )
                # a phone line closes an address (one printed between the street and the town
                # line was moved after the town line by phone_after_address)
                or any(s["phone_line"] for s in span[1:])
                or any(e is not None for e in ends[:-1])
                or any(COUNTRY_END.search(s["text"]) for s in span[:-1])
                or any(  # '#142' under 'Wolfbrook PA 18176' or 'Fernbury, DE20 4UR': the
                    # store's number, no suite
                    STORE_NO_ONLY.fullmatch(s["text"]) and TOWN_END.search(span[k - 1]["text"])
                    for k, s in enumerate(span)
                    if k
                )
                or any(  # a line under 'ASHHAVEN IN 46814' other than a country ('Lane 13')
                    STATE_ZIP_END.search(span[k - 1]["text"]) and not COUNTRY_END.search(s["text"])
                    for k, s in enumerate(span)
                    if k
                )
            ):
                break  # an amount, date, founding-year, register, store-number or phone line, a
                # phone or tax part or a line ending in a country inside the run: it ended
            parts = [span[0]["first"]] + texts[start + 1 : end]
            variants = [(parts, {"cut_tail": 0.0, "label_tail": 0.0})]
            if ends[-1] is not None:
                cut = parts[:-1] + [address_end(parts[-1]) or ""]
                if cut[-1]:
                    variants.append((cut, {"cut_tail": 1.0, "label_tail": 0.0}))
            tail = tail_cut(parts[-1])
            if tail:
                variants.append((parts[:-1] + [tail], {"cut_tail": 0.0, "label_tail": 1.0}))
            for texts_used, cuts in variants:
                out += _address_ranked(
                    texts_used,
                    lines,
                    info,
                    start,
                    end,
                    page,
                    ctx,
                    {
                        **cuts,
                        "start_plain": float(plain_start),
                        "lead_trim": float(span[0]["first"] != texts[start]),
                    },
                )
    return out


# a tax rate ('S 6.00%39.09...' of a tax summary) or a rule of stars or dashes: never in an address
RATE_OR_RULE = re.compile(r"\d\s?%|([*=~_-])\1{3}")
WORD_DOT = re.compile(r"(?<=[A-Za-z]{4})\.(?=\s+\S)")


def _address_ranked(
    parts: list[str],
    lines: list[Line],
    info: list[dict],
    start: int,
    end: int,
    page: Page,
    ctx: dict,
    extra: dict[str, float],
) -> list[Ranked]:
    joins = len(parts) - 1
    ended = sum(bool(_ENDS_PUNCT.search(p)) for p in parts[:-1])
    blocks = [(parts, {"comma_joins": 0.0})]
    with_commas, added = comma_joined(parts)
    if added:
        blocks.append((with_commas, {"comma_joins": float(added)}))
    out: list[Ranked] = []
    for block, joined in blocks:
        out += _address_readings(
            block,
            lines,
            info,
            start,
            end,
            page,
            ctx,
            {**extra, **joined, "line_end_punct": ended / joins if joins else -1.0},
        )
    return out


def _address_readings(
    parts: list[str],
    lines: list[Line],
    info: list[dict],
    start: int,
    end: int,
    page: Page,
    ctx: dict,
    extra: dict[str, float],
) -> list[Ranked]:
    raw = address_value(parts, page.source, ctx["plain"])
    value, fixes = fix_address_words(raw) if page.source == "ocr" else (raw, 0)
    respelt = 0
    if page.source == "ocr":
        value, respelt = respell_address(value)
    if len(value) < 8 or _letters(value) < 4:
        return []  # too short, or figures and marks only ('S 6.00%39.092.3441.43 *****')
    med_h = ctx["med_h"]
    company_line = ctx["company_line"]
    rule_key = ctx["rule_key"]
    length = end - start
    span = info[start:end]
    box = union_box([ln.box for ln in lines[start:end]])
    heights = [s["h"] for s in span]
    gaps = [lines[k + 1].box[1] - lines[k].box[3] for k in range(start, end - 1)]
    prev = info[start - 1] if start > 0 else None
    nxt = info[end] if end < len(info) else None
    feats = {
        "start": float(start),
        "length": float(length),
        "from_company": float(start - company_line) if company_line >= 0 else -99.0,
        "addr_frac": sum(s["addr"] for s in span) / length,
        "addr_word_frac": sum(s["addr_word"] for s in span) / length,
        "addr_last": float(span[-1]["addr"]),
        "street_words": float(sum(s["street"] for s in span)),
        "street_first": float(span[0]["street"] > 0),
        "state_zip_any": float(any(s["state_zip"] for s in span)),
        "state_zip_last": float(span[-1]["state_zip"]),
        "post_any": float(any(s["post"] for s in span)),
        "post_last": float(span[-1]["post"]),
        "stop_any": float(any(s["stop"] for s in span)),
        "phone_any": float(any(s["phone"] for s in span)),
        "date_any": float(any(s["date"] for s in span)),
        "legal_any": float(any(s["legal"] for s in span)),
        "reg_any": float(any(s["reg"] for s in span)),
        "prev_none": float(prev is None),
        "prev_name": float(bool(prev and prev["name"])),
        "prev_legal": float(bool(prev and prev["legal"])),
        "prev_addr": float(bool(prev and prev["addr"])),
        "prev_reg": float(bool(prev and prev["reg"])),
        "prev_stop": float(bool(prev and prev["stop"])),
        "prev_post": float(bool(prev and prev["post"])),
        "next_none": float(nxt is None),
        "next_addr": float(bool(nxt and nxt["addr"])),
        "next_post": float(bool(nxt and nxt["post"])),
        "next_stop": float(bool(nxt and nxt["stop"])),
        "next_phone": float(bool(nxt and nxt["phone"])),
        "next_date": float(bool(nxt and nxt["date"])),
        "next_legal": float(bool(nxt and nxt["legal"])),
        "next_street": float(bool(nxt and nxt["street"])),
        "ends_comma": float(value.endswith(",")),
        "ends_dot": float(value.endswith(".")),
        "h_spread": max(heights) / max(1e-6, min(heights)),
        "h_vs_company": max(heights) / ctx["company_h"] if ctx["company_h"] > 0 else 0.0,
        "max_gap": (max(gaps) if gaps else 0.0) / max(1e-6, med_h),
        "n_chars": float(len(value)),
        "digit_ratio": sum(ch.isdigit() for ch in value) / max(1, len(value)),
        "rule_match": float(rule_key == fold(value)),
        "stop_in_value": float(bool(ADDRESS_STOP.search(value))),
        "conf_min": min(s["conf"] for s in span),
        "conf_last": span[-1]["conf"],
        "first_addr_word": float(span[0]["addr_word"]),
        "last_addr_word": float(span[-1]["addr_word"]),
        "last_colon": float(span[-1]["colon"]),
        "last_upper_diff": (
            abs(span[-1]["upper"] - sum(s["upper"] for s in span[:-1]) / (length - 1))
            if length > 1
            else 0.0
        ),
        "last_xc_diff": (
            abs(span[-1]["xc"] - sum(s["xc"] for s in span[:-1]) / (length - 1))
            / max(1.0, page.width)
            if length > 1
            else 0.0
        ),
        "prev_addr_word": float(bool(prev and prev["addr_word"])),
        "next_addr_word": float(bool(nxt and nxt["addr_word"])),
        "next_colon": float(bool(nxt and nxt["colon"])),
        "ocr_fixes": float(fixes),
        "respelt": float(respelt),
        "region_last": float(span[-1]["region"]),
        "region_inside": float(any(s["region"] for s in span[:-1])),
        "prev_region": float(bool(prev and prev["region"])),
        "next_region": float(bool(nxt and nxt["region"])),
        "dots_to_commas": 0.0,
        **extra,
        **_geometry(page, box, med_h),
    }
    commas, n = WORD_DOT.subn(",", value)
    readings = [(commas, {**feats, "dots_to_commas": float(n)})]
    return [
        Ranked(text, lines[start].page, box, {**base, "rule_match": float(rule_key == fold(text))})
        for text, base in readings
    ]


# a town line that ends an address: the town with its state or province and postcode (US,
# Canada, Australia), a UK postcode, 'Singapore 238859', an Irish Eircode, or a postcode then
# the town (most of Europe, Malaysia)
TOWN_ONLY = re.compile(
    r"^[A-Za-z][A-Za-z .'-]*,?\s+" + US_STATE + r"\.?,?\s+\d{5}(?:-\d{4})?\W*$"
    r"|^[A-Za-z][A-Za-z .'-]*,?\s+" + CA_PROVINCE + r"\.?,?\s+" + CA_CODE + r"\W*$"
    r"|^[A-Za-z][A-Za-z .'-]*,?\s+" + AU_STATE + r"\.?,?\s+\d{4}\W*$"
    r"|^(?:[A-Za-z][A-Za-z .'-]*,?\s)?[A-Z]{1,2}[\dO][A-Z\dO]?\s?[\dO][A-Z]{2}\W*$"
    r"|^singapore\s+\d{6}\W*$"
    r"|^(?:[AC-FHKNPRTV-Y]\d{2}|D6W)\s?[0-9AC-FHKNPRTV-Y]{4}\W*$"  # an Irish Eircode
    r"|^\d{4,5}(?:\s?[A-Z]{2})?\s+[A-Za-z][A-Za-z .,'-]+$",
    re.I,
)
# what says an address already holds its town: a postcode of five digits, or a town line's end
TOWN_HELD = re.compile(
    r"(?<!\d)\d{5}(?!\d)|" + CA_CODE + r"\W*$|\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\W*$"
    r"|" + AU_STATE + r"\.?,?\s+\d{4}\W*$|singapore\s+\d{6}",
    re.I,
)


def town_extension(value: str, values: list[str]) -> int | None:
    """The candidate that is ``value`` with the town line printed right under it, when ``value``
    stops one line short of it ('1450 Maple St' over 'Springfield, IL 62704'): an address ends
    with its town. The ranker was fitted on receipts whose addresses end with a postcode and a
    state name."""
    if TOWN_HELD.search(value):
        return None
    return next(
        (
            i
            for i, text in enumerate(values)
            if text.startswith(value + " ") and TOWN_ONLY.match(text[len(value) + 1 :])
        ),
        None,
    )


# a house number printed alone on the line above the street ('No.1,', 'NO: 12', '12,')
HOUSE_NUMBER = re.compile(
    r"(?:no\s?[.:]?\s?\d{1,4}[a-z]?(?:-\d{1,3})?,?|\d{1,4}[a-z]?(?:-\d{1,3})?,)", re.I
)


def house_number_above(value: str, values: list[str]) -> int | None:
    """The candidate that is ``value`` with the house number printed alone on the line above it:
    an address starts with its number."""
    return next(
        (
            i
            for i, text in enumerate(values)
            if text.endswith(" " + value) and HOUSE_NUMBER.fullmatch(text[: -len(value) - 1])
        ),
        None,
    )


def street_above(value: str, values: list[str], name: str) -> int | None:
    """The shortest candidate that is a town line ``value`` ('15000 KHEMISSET') with the lines
    above it, when those are not the shop's name: a town line alone is no address."""
    if not TOWN_ONLY.match(value):
        return None
    longer = [
        (len(text), i)
        for i, text in enumerate(values)
        if text.endswith(" " + value) and _after_name(text, name) is None
    ]
    return min(longer)[1] if longer else None


def without_name(value: str, values: list[str], name: str) -> int | None:
    """The candidate that is ``value`` without the shop's name printed above it ('E&R HOME CENTER
    9149 Taickfourt Avenue, ...': a name with a street word), also where the line prints marks
    around the name ('*** E&R HOME CENTER ***') or holds the end of a name wrapped over two."""
    words = name.split()
    # the whole name, or the last two words or more of one printed over two lines ('HUMBLE
    # BISON' over 'TRAVEL CENTER', the address picked from the second)
    for part in [name] + [" ".join(words[k:]) for k in range(1, len(words) - 1)]:
        start = _after_name(value, part)
        if start is not None:
            rest = value[start:]
            # no address starts at the line after the name (a slogan under it: 'Great Value
            # Every Day'): the longest that ends the rest, what it leaves holding no street
            # word or number ('TAMAN UNIVERSITI' over the street is part of the address)
            found = [
                i
                for i, text in enumerate(values)
                if text == rest
                or (
                    rest.endswith(" " + text)
                    and not STREET_WORD.search(rest[: -len(text)])
                    and not re.search(r"\d", rest[: -len(text)])
                )
            ]
            return max(found, key=lambda i: len(values[i]), default=None)
    return None


def without_branch_line(value: str, values: list[str], name: str) -> int | None:
    """The candidate that is ``value`` without a branch line over the street that starts with the
    shop's brand, the first word of its name ('MPH One Utama Phase 2' over 'Lot S319, 2nd Floor,'
    for 'MPH BOOKSTORES SDN BHD'): the shop's name for that branch, not where it is."""
    brand = name.split()[0] if name.split() else ""
    if len(brand) < 3 or not brand.isalpha() or LEGAL_FORM.search(brand):
        return None
    found = [
        i
        for i, text in enumerate(values)
        if value.endswith(" " + text)
        and value.lower().startswith(brand.lower() + " ")
        and len(value[: -len(text)].split()) <= 6
        and _is_address_line(text)
    ]
    return max(found, key=lambda i: len(values[i]), default=None)


def _after_name(text: str, name: str) -> int | None:
    """Where ``text`` goes on after the shop's name it starts with, as printed: maybe between
    marks ('*** E&R HOME CENTER ***'); None when it does not start with the name."""
    if not name:
        return None
    marks = rf"{NAME_MARKS}+"
    printed = re.match(rf"(?:{marks}\s*)?{re.escape(name)}(?:\s*{marks})?(?: |$)", text)
    return printed.end() if printed else None


def settled_address(best: int, values: list[str], company: str) -> int:
    """The address reported for the ranker's pick ``best`` (indexes into the candidates' values):
    completed with its town line, its house number or the street above a lone town line, without
    the shop's name (``company``, the company model's pick). Shared by the engine and the k-fold
    figures of ``make train``."""
    for step in (
        lambda v: town_extension(v, values),
        lambda v: house_number_above(v, values),
        lambda v: street_above(v, values, company),
        lambda v: without_name(v, values, company),
        lambda v: without_branch_line(v, values, company),
    ):
        found = step(values[best])
        if found is not None:
            best = found
    return best
