"""Line items: a table found by its header row, read row by row until the totals.

Columns are the header's segments (Description, Qty, Unit price, Amount in several languages);
each later segment goes to the column it overlaps most. A row is an item when it carries an
amount; text-only lines under an item are its continuation and are not new items.
"""

from __future__ import annotations

import re
from typing import Any

from extraction.document import Document, Line, Segment
from extraction.finders.locate import fold
from extraction.normalise import amount_json, find_amounts

HEADER_WORDS: dict[str, list[str]] = {
    "description": [
        "description",
        "item",
        "items",
        "article",
        "artikel",
        "bezeichnung",
        "beschreibung",
        "artikelbeschreibung",
        "artikelbezeichnung",
        "designation",
        "libelle",
        "produkt",
        "product",
        "leistung",
        "omschrijving",
        "descripcion",
        "service",
        "services",
        "particulars",
        "details",
    ],
    "quantity": [
        "qty",
        "quantity",
        "menge",
        "qte",
        "quantite",
        "anzahl",
        "aantal",
        "cantidad",
        "units",
        "hours",
        "hrs",
        "stk",
        "pcs",
    ],
    "unit_price": [
        "unit price",
        "price",
        "preis",
        "einzelpreis",
        "prix unitaire",
        "prix",
        "rate",
        "unit cost",
        "nettopreis",
        "stuckpreis",
        "p.u.",
        "pu",
        "price/unit",
        "precio",
        "prijs",
        "u/price",
    ],
    "amount": [
        "amount",
        "total",
        "betrag",
        "gesamt",
        "gesamtpreis",
        "montant",
        "line total",
        "nettobetrag",
        "summe",
        "net",
        "bedrag",
        "importe",
        "prix ht",
        "montant ht",
        "nettowert",
        "gesamtbetrag",
        "amt",
        "total price",
        "ext. price",
        "extended",
    ],
}
ROLE_OF_PROPERTY = [
    ("quantity", re.compile(r"qty|quant|menge|count|units?$", re.I)),
    ("unit_price", re.compile(r"unit|price|rate|preis", re.I)),
    ("amount", re.compile(r"amount|total|sum|betrag|net", re.I)),
    ("description", re.compile(r"desc|name|item|product|article|text|label|service", re.I)),
]
STOP = re.compile(
    r"^\W*(sub\s?-?total|total|net total|summe|zwischensumme|gesamt|nettobetrag|rechnungssumme|"
    r"positionssumme|belegsummen|montant total|total ht|sous-total|tax|vat|mwst|ust|tva|gst|"
    r"amount due|"
    r"balance|umsatzsteuer|steuer|base|payment|zahlbar|bank|iban)\b",
    re.IGNORECASE,
)


_ROLE_RX = {
    role: re.compile(
        r"(?<![a-z])("
        + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        + r")(?![a-z])"
    )
    for role, words in HEADER_WORDS.items()
}


def _header_role(seg_text: str) -> str | None:
    """The column a header cell names; the longest matching header word decides."""
    t = fold(seg_text).strip(" :.#/")
    best, best_len = None, 0
    for role, rx in _ROLE_RX.items():
        m = rx.search(t)
        if m and len(m.group(1)) > best_len:
            best, best_len = role, len(m.group(1))
    return best


def _find_header(doc: Document) -> tuple[Line, dict[str, Segment]] | None:
    for line in doc.lines:
        roles: dict[str, Segment] = {}
        for seg in line.segments:
            role = _header_role(seg.text)
            if role and role not in roles and len(seg.text) < 40:
                roles[role] = seg
        if (
            len(roles) >= 2
            and ("description" in roles or "amount" in roles)
            and len(line.segments) <= 10
        ):
            return line, roles
    return None


def _overlap(a: list[float], b: list[float]) -> float:
    return min(a[2], b[2]) - max(a[0], b[0])


def parse_quantity(text: str) -> float | int | None:
    m = re.search(r"-?\d+(?:[.,]\d+)*", text)
    if not m:
        return None
    s = m.group()
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


def find_line_items(
    doc: Document, schema: dict[str, Any]
) -> tuple[list[dict[str, Any]], float, int, list[float] | None]:
    """Rows for an array-of-objects field, with a confidence, the page and the table's box."""
    found = _find_header(doc)
    if not found:
        return [], 0.0, 1, None
    header, columns = found
    roles = _roles_for(schema)
    ordered = sorted(columns.items(), key=lambda kv: kv[1].box[0])
    rows: list[dict[str, Any]] = []
    boxes: list[list[float]] = []
    lines = [line for line in doc.lines if (line.page, line.index) > (header.page, header.index)]
    misses = 0
    for line in lines:
        if STOP.match(line.segments[0].text) and rows:
            break
        cells: dict[str, list[str]] = {}
        for seg in line.segments:
            best = max(ordered, key=lambda kv: _overlap(seg.box, kv[1].box))
            role = best[0] if _overlap(seg.box, best[1].box) > 0 else None
            if role is None:  # no overlap: nearest column by centre
                cx = (seg.box[0] + seg.box[2]) / 2
                role = min(ordered, key=lambda kv: abs((kv[1].box[0] + kv[1].box[2]) / 2 - cx))[0]
            cells.setdefault(role, []).append(seg.text)
        amount_text = " ".join(cells.get("amount", []))
        amounts = find_amounts(amount_text) if amount_text else []
        if not amounts and "amount" not in columns:
            amounts = find_amounts(line.segments[-1].text) if len(line.segments) > 1 else []
        if not amounts:
            misses += 1
            if rows and misses > 6:
                break
            continue
        misses = 0
        values: dict[str, Any] = {
            "amount": amount_json(amounts[-1][0]),
            "description": " ".join(cells.get("description", [])).strip() or None,
        }
        if cells.get("quantity"):
            values["quantity"] = parse_quantity(" ".join(cells["quantity"]))
        if cells.get("unit_price"):
            up = find_amounts(" ".join(cells["unit_price"]))
            values["unit_price"] = amount_json(up[-1][0]) if up else None
        if not values["description"]:
            texts = [
                s.text
                for s in line.segments
                if not find_amounts(s.text) and re.search(r"[A-Za-z]{3}", s.text)
            ]
            values["description"] = texts[0] if texts else None
        if not values["description"]:
            continue
        row = {
            name: values.get(role) for name, role in roles.items() if values.get(role) is not None
        }
        if row:
            rows.append(row)
            boxes.append(line.box)
    if not rows:
        return [], 0.0, header.page, None
    box = [
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    ]
    return rows, 0.7, header.page, box
