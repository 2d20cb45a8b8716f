"""Line items: a table found by its header row, read row by row until the totals.

The header is read word by word: each column is a header phrase (``Description``, ``Qty``,
``Unit price``, ``VAT %``, ``Amount``, ``Pos.``, ``Art.-Nr.`` in the languages invoices are
written in), so headers the text layer runs together (``Menge Einzelpreis USt. Gesamtpreis``)
still give their columns. A header line may have a line of units or currencies under it
(``(EUR)``) or a half-line above it (``E-Preis Betrag``). Each later cell goes to the column it
overlaps most; a cell over two columns (``90,69 20 %``) is split into its words.

A row is an item when its amount column holds an amount and it has a description; position and
article-number columns are left out of the description. A text-only line set tight under an
item continues its description. The table ends at a totals or tax line; a carried-forward line
is skipped, and a header repeated on a later page resumes the table there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from extraction.document import Document, Line, Word, union_box
from extraction.finders.locate import fold
from extraction.normalise import ISO_CODES, amount_json, find_amounts


def _phrases(joined: str) -> list[str]:
    return joined.split("|")


# Header phrases per column, folded (lower case, accents stripped), "|" between phrases.
HEADER_WORDS: dict[str, list[str]] = {
    "description": _phrases(
        "description|item / description|item|items|article|artikel|artikel / leistung|"
        "leistung|leistungsbeschreibung|bezeichnung|beschreibung|artikelbeschreibung|"
        "artikelbezeichnung|designation|libelle|produkt|product|omschrijving|descripcion|"
        "concepto|descrizione|descrizione beni/servizi|beskrivning|beskrivelse|"
        "varebeskrivelse|kuvaus|tuote|service|services|particulars|details|text"
    ),
    "quantity": _phrases(
        "qty|quantity|menge|qte|quantite|anzahl|aantal|cantidad|cant.|uds.|q.ta|quantita|"
        "antal|antall|maara|kpl|units|hours|hrs|stk|pcs"
    ),
    "unit": _phrases("unit|einheit|einh.|unite|u.m.|ud.|unidad|eenheid|enhet|enhed|yksikko"),
    "unit_price": _phrases(
        "unit price|price|rate|preis|einzelpreis|e-preis|preis/einh.|preis/ einh.|"
        "prix unitaire|prix unitaire ht|prix|p.u.|p.u. ht|pu|unit cost|nettopreis|"
        "stuckpreis|u/price|price/unit|precio|precio unit.|precio unitario|p. unitario|"
        "prezzo|prezzo unit.|prezzo unitario|prijs|stukprijs|tarief|a-pris|pris|"
        "enhetspris|enhedspris|stk.pris|hinta|yksikkohinta"
    ),
    "vat": _phrases(
        "vat|vat %|vat rate|tax|tax %|tax rate|btw|btw %|iva|iva %|% iva|moms|moms %|mva|"
        "mva %|alv|alv %|mwst.|mwst|mwst. %|ust.|ust|ust. %|ust.-satz|ust.- satz|tva|"
        "tva %|taux tva|satz|aliquota|aliquota iva"
    ),
    "amount": _phrases(
        "amount|net amount|line total|total|total ht|montant|montant ht|betrag|gesamt|"
        "gesamtpreis|gesamtbetrag|summe|nettobetrag|nettowert|importo|importe|bedrag|"
        "totaal|belopp|belop|beløp|beløb|summa|yhteensa|totale|prezzo totale|entgelt|"
        "total price|ext. price|extended|amt|net"
    ),
    "position": _phrases("#|pos.|pos|n.|n°|nr.|no.|no|riga|lfd. nr.|line"),
    "code": _phrases(
        "art.|art.-nr.|art.- nr.|art.-|artikelnr.|artikelnummer|art-nr|art. nr.|sku|ref.|"
        "ref|codigo|codice|code|item code|product code|ean|gtin|varenr.|artnr."
    ),
}
FOOTER_TOP = 0.85  # share of the page's height where its footer begins
MAX_GAP_LINES = 10  # lines without an item (notes, article numbers) before the table is over
FIGURE_ROLES = ("quantity", "unit_price", "vat", "amount")
VALUE_ROLES = ("description", "quantity", "unit_price", "amount")
ROLE_OF_PROPERTY = [
    ("quantity", re.compile(r"qty|quant|menge|count|units?$", re.I)),
    ("unit_price", re.compile(r"unit|price|rate|preis", re.I)),
    ("amount", re.compile(r"amount|total|sum|betrag|net", re.I)),
    ("description", re.compile(r"desc|name|item|product|article|text|label|service", re.I)),
]
# a discount's first word: a totals-area line when it carries an amount, else an item's terms
DISCOUNT_WORDS = r"\w*rabatt|allowances?|discount|remise|korting|sconto|descuento"
DISCOUNT = re.compile(rf"^\W*({DISCOUNT_WORDS})\b", re.IGNORECASE)
# the first words of a totals, tax or payment line: the item table ends there
STOP = re.compile(
    r"^\W*(sub\s?-?total|total|net total|summe|zwischensumme|gesamt|nettobetrag|rechnungssumme|"
    r"positionssumme|belegsummen|montant total|total ht|sous-total|tax|vat|mwst|ust|tva|gst|"
    r"amount due|balance|umsatzsteuer|steuer|base|payment|zahlbar|bank|iban|"
    r"totaal|subtotaal|btw|totale|imponibile|iva|importe total|base imponible|summa|netto|"
    rf"moms|mva|alv|yhteensa|warenwert|zu- und abschlage|{DISCOUNT_WORDS})\b",
    re.IGNORECASE,
)
# a tax breakdown's heading ('Détail TVA', 'BTW-specificatie', 'Steuerübersicht')
TAX_HEADING = re.compile(
    r"(?<![a-z])(?:tva|btw|vat|mwst|ust|iva|moms|mva|alv|gst|steuer)(?:\b|-|spec|uber|aufst)"
)
# a description is words, not an amount with its currency ('37,44 EUR')
WORDS = re.compile(r"[^\W\d_]{2,}")
CURRENCY = re.compile(r"[€$£]|\b[A-Z]{3}\b")
# a currency in a description's place: '37,44 EUR' is none, a service code such as 'TGA' is one
CURRENCY_CODE = re.compile(r"[€$£]|\b(?:" + "|".join(sorted(ISO_CODES)) + r")\b")
# a subtotal carried from one page to the next ('Subtotal c/f'): no item, the table goes on
CARRIED = re.compile(
    r"(?<![a-z])(ubertrag|uebertrag|carried forward|brought forward|c/f|b/f|a reporter|"
    r"report de page|riporto|riportare|overført|overfort|overforing|suma anterior|suma y sigue|"
    r"overgedragen|saldo vorige pagina)(?![a-z])",
    re.IGNORECASE,
)
CARRIED_ALONE = re.compile(
    r"^\W*(transport|transporto|report)(\s+(de\s+)?(page|seite|pagina|blad|sida)\s*\d+)?\W*$",
    re.IGNORECASE,
)
# a word of a number cell: an amount, a rate, a currency
NUMBERISH = re.compile(r"[-+(]?[€$£]?\d[\d.,'’ ]*%?\)?|[€$£%]|[A-Z]{3}")
# an ERP's article number in brackets before the name ('[SKU4711] Office chair')
BRACKETED_CODE = re.compile(r"^\[(?=[^\]\s]*\d)[^\]\s]{2,20}\]\s+")
THOUSANDS_TAIL = re.compile(r"\d{3}(?:[.,]\d+)?")
PHRASE_ROLE = {tuple(p.split()): role for role, words in HEADER_WORDS.items() for p in words}
CURRENCY_MARK = re.compile(r"^\(?(?:[a-z]{3}|[€$£]|%)\)?$")


def _phrases_by_first_word() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Every header phrase under its first word, longest first (the longest match wins)."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for role, phrases in HEADER_WORDS.items():
        for phrase in phrases:
            words = tuple(phrase.split())
            index.setdefault(words[0], []).append((words, role))
    for found in index.values():
        found.sort(key=lambda pr: -len(pr[0]))
    return index


_PHRASES = _phrases_by_first_word()


@dataclass
class Column:
    role: str
    x0: float
    x1: float
    phrase: tuple[str, ...] = ()

    def overlap(self, box: list[float]) -> float:
        return min(self.x1, box[2]) - max(self.x0, box[0])


def _token(word: Word) -> str:
    return fold(word.text).strip(":")


def _header_columns(line: Line) -> tuple[list[Column], int]:
    """The columns a line's words name, and how many of its words name none."""
    words = [w for s in line.segments for w in s.words]
    tokens = [_token(w) for w in words]
    columns: list[Column] = []
    unknown, i = 0, 0
    while i < len(words):
        for phrase, role in _PHRASES.get(tokens[i], ()):
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                span = words[i : i + len(phrase)]
                columns.append(Column(role, span[0].x0, span[-1].x1, phrase))
                i += len(phrase)
                break
        else:
            unknown += not CURRENCY_MARK.match(tokens[i])
            i += 1
    return columns, unknown


def _is_header(line: Line) -> list[Column] | None:
    columns, unknown = _header_columns(line)
    roles = {c.role for c in columns}
    if (
        len(roles & set(VALUE_ROLES)) >= 2
        and ("description" in roles or "amount" in roles)
        and unknown <= 2
        and not find_amounts(line.text)
    ):
        return columns
    return None


def _merge_header_line(columns: list[Column], line: Line, above: bool = False) -> bool:
    """Add a half-line of the header (``E-Preis Betrag`` above, ``(EUR)`` below) to its columns.
    Words naming no column widen the column they stand over."""
    if find_amounts(line.text):
        return False
    extra, unknown = _header_columns(line)
    words = [w for s in line.segments for w in s.words]
    if not words or (unknown > len(words) / 2 and not extra):
        return False
    for w in words:
        over = max(columns, key=lambda c: c.overlap([w.x0, 0, w.x1, 0]))
        if over.overlap([w.x0, 0, w.x1, 0]) > 0:
            over.x0, over.x1 = min(over.x0, w.x0), max(over.x1, w.x1)
            # a heading set on two lines: 'Prezzo' over 'totale' is the amount
            joined = (_token(w), *over.phrase) if above else (*over.phrase, _token(w))
            if joined in PHRASE_ROLE:
                over.role, over.phrase = PHRASE_ROLE[joined], joined
        elif above:  # over no heading: perhaps the first half of one ('Preis/' over 'Einh.')
            columns.append(Column(PHRASE_ROLE.get((_token(w),), ""), w.x0, w.x1, (_token(w),)))
    roles = {c.role for c in columns}
    for col in extra:
        if col.role not in roles and not any(
            c.overlap([col.x0, 0, col.x1, 0]) > 0 for c in columns
        ):
            columns.append(col)
    return True


def _near(a: Line, b: Line, factor: float) -> bool:
    height = max(1.0, a.box[3] - a.box[1])
    return a.page == b.page and abs(b.box[1] - a.box[3]) < factor * height


def _find_header(
    doc: Document, after: int = -1, page: int | None = None
) -> tuple[Line, list[Column], int] | None:
    """The first header line after line ``after`` (on ``page`` when given), with its columns
    and the index of its last line."""
    lines = doc.lines
    for k in range(after + 1, len(lines)):
        line = lines[k]
        if page is not None and line.page != page:
            if line.page > page:
                return None
            continue
        columns = _is_header(line)
        if not columns:
            continue
        if k > 0 and _near(lines[k - 1], line, 0.6) and lines[k - 1].page == line.page:
            _merge_header_line(columns, lines[k - 1], above=True)
        end = k
        while end + 1 < len(lines) and _near(lines[end], lines[end + 1], 0.6):
            if not _merge_header_line(columns, lines[end + 1]):
                break
            end += 1
        return line, sorted((c for c in columns if c.role), key=lambda c: c.x0), end
    return None


def _cells(line: Line, columns: list[Column]) -> dict[str, list[str]]:
    """Each column's texts on a line."""
    cells: dict[str, list[str]] = {}

    def column_of(box: list[float], text: str) -> Column:
        best = max(columns, key=lambda c: c.overlap(box))
        if best.overlap(box) > 0:
            return best
        # under no heading: the column whose heading starts last left of it (headings set
        # flush left over figures set flush right)
        height = box[3] - box[1]
        touching = [c for c in columns if -c.overlap(box) < 0.3 * height]
        if touching:  # a figure set flush right, a little wider than its heading
            return max(touching, key=lambda c: c.overlap(box))
        found = _region(columns, box)
        if found.role != "description" or not re.search(r"\d", text):
            return found
        # a figure right of the text columns belongs to the nearest column of figures
        figures = [c for c in columns if c.role in FIGURE_ROLES and c.x0 > found.x0]
        return min(figures, key=lambda c: -c.overlap(box), default=found)

    def place(words: list[Word], column: Column | None = None) -> None:
        box = [words[0].x0, words[0].y0, words[-1].x1, words[-1].y1]
        text = " ".join(w.text for w in words)
        role = (column or column_of(box, text)).role
        cells.setdefault(role, []).append(text)

    for seg in line.segments:
        words = seg.words
        box = seg.box
        spanned = [c for c in columns if c.overlap(box) > 0]
        description = next((c for c in spanned if c.role == "description"), None)
        figures = sum(bool(NUMBERISH.fullmatch(w.text)) for w in words)
        if len(words) < 2 or (len(spanned) < 2 and not (figures > 1 and description is None)):
            place(words)
            continue
        if description is None:  # numbers run together ('90,69 20 %'): figure by figure
            for group in _figures(words):
                place(group)
            continue
        # an article number before the description, numbers after it: their own columns
        i, j = 0, len(words)
        while i < j - 1 and column_of(_box(words[i]), words[i].text).role in ("position", "code"):
            place([words[i]])
            i += 1
        while j - 1 > i and NUMBERISH.fullmatch(words[j - 1].text):
            if _region(columns, _box(words[j - 1])).role == "description":
                break
            j -= 1
        place(words[i:j], description)
        for group in _figures(words[j:]):
            place(group)
    return cells


def _figures(words: list[Word]) -> list[list[Word]]:
    """Words grouped into figures: '4 883,10', '36,93 EUR', '€ 12,40' and '20 %' are one each."""
    groups: list[list[Word]] = []
    for w in words:
        last = groups[-1][-1] if groups else None
        joins = last is not None and (
            (THOUSANDS_TAIL.fullmatch(w.text) and re.fullmatch(r"[-€$£]?\d{1,3}", last.text))
            or (_unit_mark(w.text) and re.search(r"\d", last.text))
            or (len(groups[-1]) == 1 and CURRENCY.fullmatch(last.text))
        )
        if joins:
            groups[-1].append(w)
        else:
            groups.append([w])
    return groups


def _unit_mark(text: str) -> bool:
    """A currency or a percent sign after a figure ('36,93 EUR', '20 %')."""
    return text == "%" or bool(CURRENCY.fullmatch(text))


def _region(columns: list[Column], box: list[float]) -> Column:
    """The column whose heading starts last left of the box's centre."""
    centre = (box[0] + box[2]) / 2
    left = [c for c in columns if c.x0 <= centre]
    return max(left, key=lambda c: c.x0) if left else columns[0]


def _box(word: Word) -> list[float]:
    return [word.x0, word.y0, word.x1, word.y1]


def parse_quantity(text: str) -> float | int | None:
    m = re.search(r"-?\d+(?:[.,']\d+)*", text)
    if not m:
        return None
    s = m.group().replace("'", "")
    if "," in s and "." in s:
        s = (
            s.replace(".", "").replace(",", ".")
            if s.rfind(",") > s.rfind(".")
            else s.replace(",", "")
        )
    else:
        s = s.replace(",", ".")
        if s.count(".") > 1:
            head, _, tail = s.rpartition(".")
            s = head.replace(".", "") + "." + tail
    try:
        v = float(s)
    except ValueError:
        return None
    return int(v) if v == int(v) else v


def _roles_for(schema: dict[str, Any]) -> dict[str, str]:
    props = (schema.get("items") or {}).get("properties") or {}
    out: dict[str, str] = {}
    for name, sub in props.items():
        for role, rx in ROLE_OF_PROPERTY:
            if rx.search(name) and role not in out.values():
                out[name] = role
                break
        else:
            if (
                isinstance(sub, dict)
                and sub.get("type") == "string"
                and "description" not in out.values()
            ):
                out[name] = "description"
    return out


def _row_values(line: Line, columns: list[Column]) -> dict[str, Any]:
    """What a line holds in each column: amount, description, quantity and unit price."""
    roles = {c.role for c in columns}
    cells = _cells(line, columns)
    amount_text = " ".join(cells.get("amount", []))
    amounts = find_amounts(amount_text) if amount_text else []
    if not amounts and "amount" not in roles:
        amounts = find_amounts(line.segments[-1].text) if len(line.segments) > 1 else []
    description = " ".join(cells.get("description", [])).strip()
    values: dict[str, Any] = {
        "amount": amount_json(amounts[-1][0]) if amounts else None,
        "cents": bool(amounts) and amounts[-1][3],
        "description": BRACKETED_CODE.sub("", description) or None,
    }
    if cells.get("quantity"):
        values["quantity"] = parse_quantity(" ".join(cells["quantity"]))
    if cells.get("unit_price"):
        up = find_amounts(" ".join(cells["unit_price"]))
        values["unit_price"] = amount_json(up[-1][0]) if up else None
    if not values["description"] and "description" not in roles and amounts:
        texts = [
            s.text
            for s in line.segments
            if not find_amounts(s.text) and re.search(r"[A-Za-z]{3}", s.text)
        ]
        values["description"] = texts[0] if texts else None
    return values


# the columns a continuation line may hold besides its text: the description and article codes
CONTINUED_ROLES = ("description", "code")


# an article code set under a position column's number ('TB100A4', 'ARNR2'): letters and digits
ARTICLE_CODE = re.compile(r"(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9][\w./-]*")
BARE_IDENTIFIER = re.compile(r"\d{8,14}")  # a GTIN/EAN alone on its line
# a price term under an item ('Bruttopreis : 9,9000'): a label, then a figure with its cents
PRICE_NOTE = re.compile(r"[^\d:]{2,30}:\s*[-+]?\d[\d.,]*[.,]\d{2,}\s*(?:[€$£]|[A-Z]{3})?")
ANNOUNCED = re.compile(r"\b(?:gtin|ean|gln)\W*$", re.IGNORECASE)  # '... GTIN' over the number


def _continues(
    line: Line, item_line: Line, columns: list[Column], description: str = ""
) -> str | None:
    """The text of a line that continues the description above it: set tight under the item,
    in the description column, with no figure elsewhere (a unit may wrap too: 'a' over
    'corpo'). An article number beside it ('TB100A4' under the item's position, 'A4' under
    'Trennblätter') is the item's second code, not a figure."""
    if not _near(item_line, line, 0.5):
        return None
    cells = _cells(line, columns)
    others = " ".join(
        t
        for role, texts in cells.items()
        if role not in CONTINUED_ROLES
        for t in texts
        if not (role == "position" and ARTICLE_CODE.fullmatch(t))
    )
    if "description" not in cells or re.search(r"\d", others):
        return None
    text = " ".join(cells["description"]).strip()
    if BARE_IDENTIFIER.fullmatch(text) and not ANNOUNCED.search(description):
        return None  # a GTIN printed under the item's text is its identifier, not its name
    if PRICE_NOTE.fullmatch(text):
        return None  # 'Bruttopreis : 9,9000': the item's price terms
    return text or None


def find_line_items(
    doc: Document, schema: dict[str, Any]
) -> tuple[list[dict[str, Any]], float, int, list[float] | None]:
    """Rows for an array-of-objects field, with a confidence, the page and the table's box."""
    found = _find_header(doc)
    if not found:
        return [], 0.0, 1, None
    header, columns, end = found
    roles = _roles_for(schema)
    items: list[tuple[dict[str, Any], Line]] = []
    boxes: list[list[float]] = []
    lines = doc.lines
    heights = {p.number: p.height for p in doc.pages}
    misses, k, page = 0, end + 1, header.page
    pending: tuple[dict[str, Any], Line] | None = None  # a row's first line, its amount to come
    paused = False  # the rest of this page is no table: resume only under a repeated header
    while k < len(lines):
        line = lines[k]
        if line.page != page:  # a new page: the table resumes under its repeated header
            page, misses = line.page, 0
            again = _find_header(doc, k - 1, page)
            if again:
                columns, k, paused = again[1], again[2] + 1, False
                continue
            if paused:
                break
        k += 1
        if paused:
            continue
        first = fold(line.segments[0].text)
        if CARRIED.search(" ".join(fold(line.text).split())) or CARRIED_ALONE.match(first):
            # carried to the next page under the page's items (the footer follows), or brought
            # forward at its top
            paused = bool(items) and items[-1][1].page == line.page
            continue
        values = _row_values(line, columns)
        ends = STOP.match(first) or (TAX_HEADING.search(first) and len(first.split()) <= 4)
        if ends and DISCOUNT.match(first) and values["amount"] is None:
            ends = None  # an item's own discount terms ('Artikelrabatt 1'), no discount line
        if ends and not values.get("quantity"):
            if items and line.box[1] < FOOTER_TOP * heights[line.page]:
                break
            # a totals line before any item is none; a tax word in the page's footer ends
            # the page, and a header repeated on the next page resumes the table
            paused = bool(items)
            continue
        amount_only = values["amount"] is not None and not values["description"]
        if amount_only and pending and _near(pending[1], line, 1.0):
            # a row printed over two lines: its amount under its description and quantity
            values = {**pending[0], "amount": values["amount"], "cents": values["cents"]}
            line = pending[1]
        pending = None
        # a footer's registry or phone number under amounts printed with cents is no item
        whole = items and not values["cents"] and all(v["cents"] for v, _ in items)
        if values["amount"] is None or not _is_description(values["description"]) or whole:
            if values["description"] and (values.get("quantity") or values.get("unit_price")):
                pending, misses = (values, line), 0  # a row's first line: the table goes on
                continue
            if items and (
                more := _continues(line, items[-1][1], columns, items[-1][0]["description"])
            ):
                joint = "" if re.search(r"\w-$", items[-1][0]["description"]) else " "
                items[-1][0]["description"] += joint + more  # '20-' over 'Dec-2016' is one word
                items[-1] = (items[-1][0], line)
                boxes[-1] = union_box([boxes[-1], line.box])
                continue
            misses += 1
            paused = bool(items) and misses > MAX_GAP_LINES
            continue
        misses = 0
        items.append((values, line))
        boxes.append(line.box)
    rows = []
    for values, _line in items:
        row = {
            name: values.get(role) for name, role in roles.items() if values.get(role) is not None
        }
        if row:
            rows.append(row)
    if not rows:
        return [], 0.0, header.page, None
    page_boxes = [b for b, (_v, ln) in zip(boxes, items) if ln.page == header.page] or boxes
    return rows, 0.7, header.page, union_box(page_boxes)


def _is_description(text: str | None) -> bool:
    return bool(text and WORDS.search(CURRENCY_CODE.sub("", text)))
