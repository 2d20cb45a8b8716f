"""Typed values from printed text: amounts, dates, currencies, IBANs.

Each parser takes a string as printed and returns a clean value or None. The ``find_*``
helpers locate every candidate inside a longer string (with its character span) so finders
can prefer the one nearest a label.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

MONTHS = {
    # English, German, French, Dutch, Spanish, Italian (first letters that identify the month)
    "jan": 1,
    "janv": 1,
    "januar": 1,
    "janvier": 1,
    "januari": 1,
    "ene": 1,
    "enero": 1,
    "gen": 1,
    "gennaio": 1,
    "feb": 2,
    "fev": 2,
    "fév": 2,
    "février": 2,
    "fevrier": 2,
    "februar": 2,
    "februari": 2,
    "febrero": 2,
    "febbraio": 2,
    "mar": 3,
    "mär": 3,
    "märz": 3,
    "maerz": 3,
    "mars": 3,
    "maart": 3,
    "marzo": 3,
    "mrt": 3,
    "apr": 4,
    "avr": 4,
    "avril": 4,
    "april": 4,
    "abr": 4,
    "abril": 4,
    "aprile": 4,
    "may": 5,
    "mai": 5,
    "mei": 5,
    "mayo": 5,
    "mag": 5,
    "maggio": 5,
    "jun": 6,
    "juin": 6,
    "juni": 6,
    "junio": 6,
    "giu": 6,
    "giugno": 6,
    "jul": 7,
    "juil": 7,
    "juillet": 7,
    "juli": 7,
    "julio": 7,
    "lug": 7,
    "luglio": 7,
    "aug": 8,
    "aoû": 8,
    "aout": 8,
    "août": 8,
    "august": 8,
    "augustus": 8,
    "ago": 8,
    "agosto": 8,
    "sep": 9,
    "sept": 9,
    "septembre": 9,
    "september": 9,
    "septiembre": 9,
    "set": 9,
    "settembre": 9,
    "oct": 10,
    "okt": 10,
    "octobre": 10,
    "oktober": 10,
    "octubre": 10,
    "ott": 10,
    "ottobre": 10,
    "nov": 11,
    "novembre": 11,
    "november": 11,
    "noviembre": 11,
    "dec": 12,
    "dez": 12,
    "déc": 12,
    "décembre": 12,
    "decembre": 12,
    "dezember": 12,
    "december": 12,
    "dic": 12,
    "diciembre": 12,
    "dicembre": 12,
    # Swedish, Norwegian and Danish where they differ from the above, and Finnish
    "maj": 5,
    "desember": 12,
    "tammikuu": 1,
    "helmikuu": 2,
    "maaliskuu": 3,
    "huhtikuu": 4,
    "toukokuu": 5,
    "kesäkuu": 6,
    "heinäkuu": 7,
    "elokuu": 8,
    "syyskuu": 9,
    "lokakuu": 10,
    "marraskuu": 11,
    "joulukuu": 12,
}
_MONTH_WORD = (
    r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")(?:[a-zà-ÿ]*)\.?(?![A-Za-z])"
)

CURRENCY_SYMBOLS = {
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₽": "RUB",
    "₩": "KRW",
    "₺": "TRY",
    "₪": "ILS",
    "zł": "PLN",
    "kč": "CZK",
    "us$": "USD",
    "a$": "AUD",
    "c$": "CAD",
    "r$": "BRL",
    "rm": "MYR",
    "rs.": "INR",
    "rs": "INR",
    "chf": "CHF",
    "fr.": "CHF",
    "kr": "SEK",
    "$": "USD",
}
CURRENCY_WORDS = {
    "euro": "EUR",
    "euros": "EUR",
    "dollar": "USD",
    "dollars": "USD",
    "pound": "GBP",
    "pounds": "GBP",
    "rupee": "INR",
    "rupees": "INR",
    "ringgit": "MYR",
    "zloty": "PLN",
    "złotych": "PLN",
    "pln": "PLN",
    "franken": "CHF",
    "francs": "CHF",
}
ISO_CODES = {
    "EUR",
    "USD",
    "GBP",
    "CHF",
    "JPY",
    "CNY",
    "INR",
    "MYR",
    "SGD",
    "AUD",
    "CAD",
    "NZD",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "CZK",
    "HUF",
    "RON",
    "BGN",
    "HRK",
    "RUB",
    "TRY",
    "ILS",
    "ZAR",
    "BRL",
    "MXN",
    "HKD",
    "KRW",
    "THB",
    "IDR",
    "PHP",
    "VND",
    "AED",
    "SAR",
    "UAH",
    "ISK",
    "TWD",
    "EGP",
    "NGN",
    "KES",
    "ARS",
    "CLP",
    "COP",
    "PEN",
}

# An amount: optional sign/currency, digits with thousands separators and 0-3 decimals.
# a currency before the number: a code, a symbol, or a dollar sign OCR read as 'S' (glued to an
# amount with cents: 'TOTAL S187.92', also after its country's letter: 'AS21.71' for 'A$21.71')
AMOUNT_RE = re.compile(
    r"(?<![\w.,/-])(?P<neg>[-−(])?\s?(?:[A-Z]{3}|[€$£¥₹]|RM|Rs\.?|[AC]?S(?=\d+[.,]\d\d(?!\d)))?\s?"
    r"(?P<num>\d{1,3}(?:[.,' \u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,3})?)"
    r"(?!\d)(?![.,]\d)(?P<trail>-)?(?!\w*%)"
)


def _clean(s: str) -> str:
    """NFKC with a plain minus, and the typographic apostrophe of Swiss thousands ('21’574.35')
    as the plain one (one character for one, so positions stay)."""
    return unicodedata.normalize("NFKC", s).replace("−", "-").replace("’", "'").strip()


def parse_amount(text: str | float | int | None) -> Decimal | None:
    """'1.234,56' / '1,234.56' / 'RM 33.90' / '(12.00)' / '5,-' -> Decimal; None when no number."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, (int, float, Decimal)):
        return Decimal(str(text))
    s = _clean(str(text))
    neg = bool(re.match(r"^\s*[-(]", s)) or bool(re.search(r"\d\s*-$", s)) or s.endswith(")")
    s = re.sub(r"[^\d.,' ]", "", s).strip().replace("'", "").replace(" ", "")
    if not re.search(r"\d", s):
        return None
    if "," in s and "." in s:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
    elif s.count(",") == 1:
        dec = "," if len(s.rpartition(",")[2]) != 3 else None
    elif s.count(".") == 1:
        dec = "." if len(s.rpartition(".")[2]) != 3 or s.startswith("0.") else None
        if dec is None and re.fullmatch(r"\d{1,3}\.\d{3}", s) is None:
            dec = "."
    else:
        dec = None
    if dec:
        whole, _, frac = s.rpartition(dec)
        s = re.sub(r"[.,]", "", whole or "0") + "." + re.sub(r"[.,]", "", frac)
    else:
        s = re.sub(r"[.,]", "", s)
    try:
        d = Decimal(s)
    except InvalidOperation:
        return None
    return -d if neg and d else d


STATUTE_BEFORE = re.compile(r"(?:§|\bart\.|\barticle|\bartikel)\s*$", re.IGNORECASE)


def find_amounts(text: str) -> list[tuple[Decimal, int, int, bool]]:
    """Every amount in ``text``: (value, start, end, has_decimals). Skips percentages, dates and
    the sections of statutes."""
    out = []
    t = _clean(text)
    for m in AMOUNT_RE.finditer(t):
        num = m.group("num")
        after = t[m.end() : m.end() + 2]
        if "%" in after or STATUTE_BEFORE.search(t[: m.start("num")]):
            continue  # a rate, or a statute's section ('gem. § 19 UStG', 'art. 293 B du CGI')
        val = parse_amount(num)
        if val is None:
            continue
        if m.group("neg") in ("-", "−") or m.group("trail"):
            val = -val
        has_dec = bool(re.search(r"[.,]\d{1,2}$", num))
        out.append((val, m.start("num"), m.end(), has_dec))
    return out


def amount_json(d: Decimal) -> float | int:
    """Amounts go out as JSON numbers: integers stay integers, cents are kept exactly."""
    q = d.quantize(Decimal("0.01")) if d.as_tuple().exponent < -2 else d
    if q == q.to_integral_value() and q.as_tuple().exponent >= 0:
        return int(q)
    return float(q)


def _date(y: int, m: int, d: int) -> dt.date | None:
    if y < 100:
        y += 2000 if y < 70 else 1900
    if not 1900 <= y <= 2100:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


DATE_PATTERNS = [
    # 2018-06-13, 2018/06/13, 2018.06.13
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    # 13.06.2018, 13/06/18, 13-06-2018, 13 06 2018
    # (also glued to a Date label or a time, as OCR that drops spaces reads them: DATE11/30/16,
    # 18:1524/05/18)
    re.compile(
        r"(?:(?<![\w.,\-/])|(?<=[Dd][Aa][Tt][Ee])|(?<=[Dd][Tt])|(?<=\d:\d\d)|(?<=\d[AaPp][Mm]))(?P<d>\d{1,2})\s?(?P<sep>[-/.])\s?(?P<m>\d{1,2})\s?(?P=sep)\s?(?P<y>(?:19|20)?\d{2})"
        r"(?:(?!\d|[.,]\d|-\d)|(?=\d{1,2}\s?:\s?\d{2}))"
    ),
    # 13 June 2018, 13-Jun-18, 13. Juni 2018, 1st of May 2019, 25 de febrero de 2017
    re.compile(
        r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th|er)?\.?(?:\s+(?:of|de))?[\s\-/]*"
        + _MONTH_WORD
        + r"(?:\s+de)?[\s\-/,]*(?P<y>(?:19|20)?\d{2})(?:(?!\d)|(?=\d{1,2}\s?:\s?\d{2}(?!\d)))",
        re.IGNORECASE,
    ),
    # June 13, 2018 / Jun 13 2018
    re.compile(
        _MONTH_WORD + r"[\s\-/.]*(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*[,.\-/]?\s*(?P<y>(?:19|20)\d{2})"
        r"(?:(?!\d)|(?=\d{1,2}\s?:\s?\d{2}))",
        re.IGNORECASE,
    ),
    # 20180613
    re.compile(
        r"(?<!\d)(?P<y>20\d{2})(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
    ),  # OCR-damaged separators with a 4-digit year: 27:03/2018, 10~04-2018
    re.compile(
        r"(?<![\w.,:])(?P<d>\d{1,2})\s?[-/.~:]\s?(?P<m>\d{1,2})\s?[-/.~]\s?(?P<y>(?:19|20)\d{2})(?!\d)"
    ),
    # OCR dropped the first separator: 2703/2018
    re.compile(r"(?<![\w.,:/-])(?P<d>[0-3]\d)(?P<m>[01]\d)[/.-](?P<y>(?:19|20)\d{2})(?![\d/.-])"),
    # OCR dropped every separator: 27032018 (day, month, a four-digit year of this era)
    re.compile(
        r"(?<![\w.,/#:-])(?P<d>0[1-9]|[12]\d|3[01])(?P<m>0[1-9]|1[0-2])(?P<y>(?:19[89]|20[0-4])\d)(?![\w.,/-])"
    ),
    # glued to a number before it, with a four-digit year: #19536001/06/2018
    re.compile(
        r"(?<=\d{3})(?P<d>[0-3]\d)(?P<sep>[/.-])(?P<m>[01]?\d)(?P=sep)(?P<y>(?:19|20)\d{2})(?!\d)"
    ),
    # OCR read the first separator as a space and lost the second: 27 032018
    re.compile(
        r"(?<![\w.,/:-])(?P<d>[0-3]\d) (?P<m>0[1-9]|1[0-2])(?P<y>(?:19[89]|20[0-4])\d)(?![\w.,/-])"
    ),
    # a year cut to two digits after an apostrophe: Mar 12 '19
    re.compile(
        _MONTH_WORD + r"[\s\-/.]*(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*,?\s*['’`](?P<y>\d{2})(?!\d)",
        re.IGNORECASE,
    ),
]
DAY_MONTH_PATTERNS = (1, 5, 6, 7, 8, 9)  # numeric day and month whose order the document decides
# a weekday printed beside a date ('WED 11/09/19'): it tells a day-first from a month-first date
WEEKDAY = re.compile(
    r"(?<![A-Za-z])(mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?(?![A-Za-z])",
    re.IGNORECASE,
)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _by_weekday(text: str, first: dt.date | None, other: dt.date | None) -> dt.date | None:
    """Of a date's two readings, the one falling on the weekday printed in ``text``, if any."""
    if first is None or other is None or first == other:
        return None
    days = {_WEEKDAYS.index(m.group(1).lower()) for m in WEEKDAY.finditer(text)}
    if len(days) != 1:
        return None
    day = days.pop()
    fits = [d for d in (first, other) if d.weekday() == day]
    return fits[0] if len(fits) == 1 else None


def find_dates(text: str, day_first: bool = True) -> list[tuple[dt.date, int, int]]:
    """Every date in ``text`` as (date, start, end), earliest position first."""
    t = _clean(text)
    found: list[tuple[dt.date, int, int]] = []
    taken: list[tuple[int, int]] = []
    for pat in DATE_PATTERNS:
        for m in pat.finditer(t):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            g = m.groupdict()
            if g.get("mon") is not None:
                mon = MONTHS.get(g["mon"].lower()) or MONTHS.get(g["mon"].lower()[:3])
                if not mon:
                    continue
                date = _date(int(g["y"]), mon, int(g["d"]))
            else:
                y, a, b = int(g["y"]), int(g["m"]), int(g["d"])
                if any(pat is DATE_PATTERNS[i] for i in DAY_MONTH_PATTERNS):
                    d_, m_ = (b, a) if day_first else (a, b)
                    first, other = _date(y, m_, d_), _date(y, d_, m_)
                    date = _by_weekday(t, first, other) or first or other
                else:
                    date = _date(y, a, b)
            if date:
                found.append((date, m.start(), m.end()))
                taken.append((m.start(), m.end()))
    found.sort(key=lambda x: x[1])
    return found


def parse_date(text: str) -> dt.date | None:
    found = find_dates(text)
    return found[0][0] if found else None


def find_currency(text: str) -> str | None:
    """ISO code from an explicit code, a symbol or a currency word in ``text``."""
    t = _clean(text)
    for m in re.finditer(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])", t):
        if m.group(1) in ISO_CODES:
            return m.group(1)
    low = t.lower()
    for sym in ("€", "£", "₹", "¥", "zł", "us$", "a$", "c$", "r$"):
        if sym in low:
            return CURRENCY_SYMBOLS[sym]
    m = re.search(r"(?<![a-z])(s|hk|nz)\$", low)  # Singapore, Hong Kong, New Zealand dollars
    if m:
        return {"s": "SGD", "hk": "HKD", "nz": "NZD"}[m.group(1)]
    for word, code in CURRENCY_WORDS.items():
        if re.search(rf"(?<![a-zà-ÿ]){re.escape(word)}(?![a-zà-ÿ])", low):
            return code
    if re.search(r"(?<![a-z])rm\s?\d", low):
        return "MYR"
    if re.search(r"(?<![a-z])fr\.\s?-?\d", low):  # Swiss francs: 'Fr. 1'317.71'
        return "CHF"
    if re.search(r"(?<![a-z])rs\.?\s?-?\d", low):
        return "INR"
    if "$" in t:
        return "USD"
    return None


def normalise_currency(text: str) -> str | None:
    t = _clean(text)
    if t.upper() in ISO_CODES:
        return t.upper()
    low = t.lower()
    if low in CURRENCY_SYMBOLS:
        return CURRENCY_SYMBOLS[low]
    return find_currency(t)


IBAN_RE = re.compile(r"\b([A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?)\b")


def iban_valid(iban: str) -> bool:
    s = re.sub(r"\s", "", iban).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", s):
        return False
    moved = s[4:] + s[:4]
    digits = "".join(str(int(c, 36)) for c in moved)
    return int(digits) % 97 == 1


IBAN_LENGTHS = {
    "DE": 22,
    "FR": 27,
    "NL": 18,
    "GB": 22,
    "AT": 20,
    "CH": 21,
    "BE": 16,
    "ES": 24,
    "IT": 27,
    "LU": 20,
    "PL": 28,
    "DK": 18,
    "SE": 24,
    "NO": 15,
    "FI": 18,
    "IE": 22,
    "PT": 25,
    "CZ": 24,
}


def find_ibans(text: str, checksum: bool = True) -> list[tuple[str, int, int]]:
    """IBANs in electronic format (no spaces, upper case). Without ``checksum`` (next to an IBAN
    label) a well-formed number is accepted even when its check digits are wrong (sample data)."""
    out = []
    t = _clean(text).upper()
    for m in IBAN_RE.finditer(t):
        printed = m.group(1)
        raw = re.sub(r"\s", "", printed)
        length = IBAN_LENGTHS.get(raw[:2])
        if length:
            if len(raw) < length:
                if not checksum and len(raw) >= 15:
                    out.append((raw, m.start(), m.end()))  # next to its label: sample data, short
                continue
            raw = raw[:length]  # the greedy match may swallow a following word
            if iban_valid(raw) or not checksum:
                out.append((raw, m.start(), m.end()))
            continue
        # unknown country: shrink until the checksum holds
        for end in range(len(raw), 14, -1):
            if iban_valid(raw[:end]):
                out.append((raw[:end], m.start(), m.end()))
                break
        else:
            if not checksum and len(raw) >= 15:
                out.append((raw, m.start(), m.end()))
    return out


def clean_text(text: str) -> str:
    s = re.sub(r"\s+", " ", _clean(text)).strip()
    return s.strip(" :;,|")


_ASCII_PUNCT = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": ",",
        "“": '"',
        "”": '"',
        "„": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "·": ".",
        "•": "-",
    }
)


def tidy_text(text: str) -> str:
    """A text value as printed, made plain: NFKC, ASCII punctuation, single spaces.

    Spacing around commas is kept as printed: labelled receipts follow the print more often than
    any one convention (measured on the corpus, spaces added or removed lost matches)."""
    s = clean_text(text).translate(_ASCII_PUNCT)
    return re.sub(r"\s{2,}", " ", s).strip()
