#!/usr/bin/env python3
"""Seeded synthetic receipts from other countries (a dev tool, not used by the product).

    python tools/synth_receipts.py make  OUT_DIR --seeds 1000-1099 [--hard]
    python tools/synth_receipts.py score OUT_DIR [--show-misses N]

``make`` draws one receipt per seed (US shops mostly, also Canada, the UK, Ireland, Australia,
Singapore and the euro area): heading with or without a slogan or a welcome line, 2-4 address
lines with the phone sometimes between them, store/register lines, a date and time in one of
the country's usual formats, item lines with right-aligned prices, subtotal/tax/total, tender
and change, footer notices; then photo-like damage (rotation, blur, uneven light, noise, JPEG).
Each ``X.jpg`` gets a label ``X.json`` in the corpus's shape: company, address (printed lines
joined by spaces, without the phone), date (ISO) and total.

``score`` reads each image through the engine's OCR (cached like ``make train``'s, see
tools/corpus_docs.py), runs the receipt template's field finders and scores the predictions with
``../shared/eval/score.py --ignore-spaces``.

Names, streets and cities are drawn from syllables and broad word lists, so no string repeats
often enough to be learned; engine rules must follow the countries' conventions, never these
lists. Keep two seed ranges apart: a DEV range to look at and a HELD-OUT range only scored.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

VERSION = "1"  # raise when a seed draws a different receipt (make train's cache is keyed on it)
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# fmt: off
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/tlwg"),
             Path("/usr/share/fonts/truetype/noto"))
FONTS = [
    "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf", "DejaVuSans.ttf", "DejaVuSansCondensed.ttf",
    "DejaVuSerif.ttf", "TlwgMono.ttf", "TlwgTypewriter.ttf", "TlwgTypo.ttf", "NotoSans-Regular.ttf",
    "NotoSerif-Regular.ttf", "TlwgMono-Bold.ttf",
]

ONSETS = ["b", "br", "c", "ch", "cl", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k", "kr", "l",
          "m", "n", "p", "pr", "qu", "r", "s", "sh", "st", "t", "tr", "v", "w", "wh", "y", "z"]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "oa", "ou", "ie", "y"]
CODAS = ["", "", "n", "r", "l", "s", "t", "nd", "rt", "ck", "m", "x", "ll", "th", "ng", "rd"]
PLACE_ENDS = ["ton", "ville", "field", "burg", "dale", "wood", "port", "ford", "view", "ridge",
              "brook", "haven", "mont", "land", "by", "stead", "worth", "chester", "bury", "ham",
              " City", " Springs", " Falls", " Heights", " Park", " Hills", "berg", "hurst"]
ADJ = ["Golden", "Blue", "Happy", "Green", "Silver", "Red", "Little", "Big", "Sunny", "Old",
       "Royal", "Lucky", "Fresh", "Urban", "Rustic", "Corner", "Village", "Harbor", "Prairie",
       "Summit", "Coastal", "Northern", "Southern", "Eastside", "Westside", "Iron", "Maple",
       "Cedar", "Pine", "Oak", "Wild", "Bright", "Twin", "Grand", "Main Street", "Hometown"]
NOUNS = ["Leaf", "Spoon", "Anchor", "Lantern", "Sparrow", "Bear", "Fox", "Table", "Kettle",
         "Bean", "Barrel", "Garden", "Bridge", "River", "Stone", "Hearth", "Compass", "Owl",
         "Wheel", "Basket", "Harvest", "Meadow", "Pepper", "Olive", "Lemon", "Crown", "Star"]
KINDS = ["Market", "Grocery", "Deli", "Cafe", "Coffee Co", "Bakery", "Pharmacy", "Hardware",
         "Liquors", "Pizza", "Grill", "Diner", "Bistro", "Books", "Outfitters", "Supply",
         "Garden Center", "Pet Supply", "Auto Parts", "Foods", "Kitchen", "Tavern", "Pub",
         "Taqueria", "Noodle House", "Sushi", "Cleaners", "Florist", "Mart", "General Store",
         "Emporium", "Boutique", "Wine & Spirits", "Burger Bar", "Tea House", "Hobby Shop",
         "Sporting Goods", "Home Center", "Food Mart", "Smokehouse", "Creamery", "Butcher"]
SLOGANS = ["Fresh Food, Friendly Faces", "Where Quality Comes First", "Since {y}",
           "Your Neighborhood Store", "Serving {c} since {y}", "Good Food Good Mood",
           "Quality You Can Trust", "Family Owned & Operated", "Always Low Prices",
           "Come Hungry Leave Happy", "Proudly Local", "Est. {y}"]
ITEMS = ["MILK 2%", "BREAD WHT", "EGGS LG DZ", "BANANAS", "COFFEE 12OZ", "LATTE GRANDE",
         "BAGEL", "CHEDDAR", "APPLES GALA", "OJ 52OZ", "CHIPS", "SODA 2L", "WATER 24PK",
         "PAPER TOWEL", "SOAP", "SHAMPOO", "TOOTHPASTE", "BATTERIES AA", "LIGHT BULB", "SCREWS",
         "HAMMER", "TAPE", "DOG FOOD", "CAT LITTER", "BURGER", "FRIES LG", "SALAD", "PIZZA SLC",
         "WINGS 10PC", "ICED TEA", "MUFFIN", "CROISSANT", "SANDWICH", "SOUP CUP", "NOODLES",
         "RICE BOWL", "TACO", "BURRITO", "NACHOS", "BEER 6PK", "WINE RED", "FLOWERS", "CARD",
         "MAGAZINE", "GUM", "CANDY BAR", "YOGURT", "BUTTER", "TOMATOES", "ONIONS", "CHICKEN",
         "STEAK", "SALMON", "PASTA", "SAUCE", "CEREAL", "OATMEAL", "TOFU", "SPINACH", "AVOCADO"]
US_STATES = ["AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN",
             "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV",
             "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN",
             "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY"]
US_SUFFIX = ["St", "Ave", "Rd", "Blvd", "Dr", "Ln", "Way", "Pkwy", "Hwy", "Ct", "Pl",
             "Street", "Avenue", "Road", "Boulevard", "Drive", "Pike", "Trl", "Cir"]
CA_PROV = ["ON", "QC", "BC", "AB", "MB", "SK", "NS", "NB", "NL", "PE"]
AU_STATES = [("NSW", "2"), ("VIC", "3"), ("QLD", "4"), ("SA", "5"), ("WA", "6"), ("TAS", "7")]
UK_STREET = ["Road", "Street", "Lane", "High Street", "Close", "Gardens", "Parade", "Square",
             "Terrace", "Row", "Market Place", "Crescent"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
FOOTERS = ["THANK YOU FOR SHOPPING WITH US", "PLEASE COME AGAIN", "THANK YOU!",
           "RETURNS WITHIN 30 DAYS WITH RECEIPT", "NO REFUNDS ON SALE ITEMS",
           "HAVE A NICE DAY", "CUSTOMER COPY", "KEEP THIS RECEIPT", "TELL US HOW WE DID",
           "SAVE YOUR RECEIPT FOR EXCHANGES", "THANK YOU FOR YOUR BUSINESS"]
# fmt: on
LETTERS = "ABCDEFGHJKLMNPRSTUVWXY"


def word(rng: random.Random, parts: int | None = None) -> str:
    n = parts or rng.choice([1, 2, 2, 3])
    s = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(n))
    return s.capitalize()


def place(rng: random.Random) -> str:
    return word(rng, rng.choice([1, 2])) + rng.choice(PLACE_ENDS)


def surname(rng: random.Random) -> str:
    return word(rng, 2) + rng.choice(["", "", "son", "er", "ley", "ton", "s"])


def shop_name(rng: random.Random) -> str:
    kind = rng.choice(KINDS)
    pattern = rng.randrange(8)
    if pattern == 0:
        return f"{surname(rng)}'s {kind}"
    if pattern == 1:
        return f"{rng.choice(ADJ)} {rng.choice(NOUNS)} {kind}"
    if pattern == 2:
        return f"{word(rng)} {kind}"
    if pattern == 3:
        return f"The {rng.choice(NOUNS)} & {rng.choice(NOUNS)}"
    if pattern == 4:
        return f"{rng.choice(LETTERS)}&{rng.choice(LETTERS)} {kind}"
    if pattern == 5:
        return word(rng, rng.choice([2, 3])) + rng.choice(["", "", " Mart", " Co", "'s"])
    if pattern == 6:
        return f"{place(rng)} {kind}"
    return f"{surname(rng)} & {surname(rng)}"


def phone(rng: random.Random, country: str) -> str:
    d = lambda n: "".join(str(rng.randrange(10)) for _ in range(n))  # noqa: E731
    if country in ("US", "CA"):
        a = f"{rng.randrange(2, 10)}{d(2)}"
        return rng.choice(
            [
                f"({a}) {rng.randrange(2, 10)}{d(2)}-{d(4)}",
                f"{a}-{rng.randrange(2, 10)}{d(2)}-{d(4)}",
                f"{a}.{rng.randrange(2, 10)}{d(2)}.{d(4)}",
            ]
        )
    if country == "UK":
        return rng.choice([f"0{rng.randrange(1, 3)}{d(2)} {d(3)} {d(4)}", f"07{d(3)} {d(6)}"])
    if country == "IE":
        return f"0{rng.randrange(1, 10)} {d(3)} {d(4)}"
    if country == "AU":
        return rng.choice([f"(0{rng.choice('2378')}) {d(4)} {d(4)}", f"04{d(2)} {d(3)} {d(3)}"])
    if country == "SG":
        return f"6{d(3)} {d(4)}"
    return f"+{rng.choice(['49', '33', '31', '34', '39'])} {d(2)} {d(4)} {d(4)}"


def uk_postcode(rng: random.Random) -> str:
    L = lambda: rng.choice(LETTERS)  # noqa: E731
    n = lambda: str(rng.randrange(10))  # noqa: E731
    outward = rng.choice(
        [
            L() + n(),
            L() + n() + n(),
            L() + L() + n(),
            L() + L() + n() + n(),
            L() + n() + L(),
            L() + L() + n() + L(),
        ]
    )
    return f"{outward} {n()}{L()}{L()}"


def address(rng: random.Random, country: str) -> list[str]:
    """The printed address lines of a shop in ``country``."""
    num = str(rng.randrange(1, 9999))
    if country == "US":
        street = (
            f"{num} {rng.choice(['', '', '', 'N ', 'S ', 'E ', 'W '])}"
            f"{word(rng)} {rng.choice(US_SUFFIX)}"
        )
        unit = rng.choice(
            [
                "",
                "",
                "",
                f"Ste {rng.randrange(1, 400)}",
                f"Unit {rng.randrange(1, 40)}",
                f"#{rng.randrange(100, 999)}",
            ]
        )
        zip_ = f"{rng.randrange(1000, 99999):05d}" + (
            f"-{rng.randrange(10000):04d}" if rng.random() < 0.15 else ""
        )
        city = f"{place(rng)}{rng.choice([',', ',', ''])} {rng.choice(US_STATES)} {zip_}"
        if unit and rng.random() < 0.5:
            return [street, unit, city]
        return [f"{street} {unit}".strip(), city]
    if country == "CA":
        pc = (
            f"{rng.choice(LETTERS)}{rng.randrange(10)}{rng.choice(LETTERS)} "
            f"{rng.randrange(10)}{rng.choice(LETTERS)}{rng.randrange(10)}"
        )
        return [
            f"{num} {word(rng)} "
            f"{rng.choice(['St', 'Ave', 'Rd', 'Blvd', 'Dr', 'Street', 'Avenue'])}",
            f"{place(rng)}, {rng.choice(CA_PROV)} {pc}",
        ]
    if country == "UK":
        lines = [
            f"{num if rng.random() < 0.8 else 'Unit ' + str(rng.randrange(1, 30))} "
            f"{word(rng)} {rng.choice(UK_STREET)}"
        ]
        if rng.random() < 0.5:
            lines.append(place(rng))
        lines.append(f"{place(rng)} {uk_postcode(rng)}" if rng.random() < 0.5 else uk_postcode(rng))
        return lines
    if country == "IE":
        eir = (
            f"{rng.choice('ADFHKNRTVWXY')}{rng.randrange(10, 99)} "
            f"{rng.choice(LETTERS)}{rng.randrange(10)}{rng.choice(LETTERS)}{rng.randrange(10)}"
        )
        return [
            f"{num} {word(rng)} {rng.choice(['Street', 'Road', 'Quay', 'Lane'])}",
            f"{place(rng)}, Co. {word(rng)}",
            eir,
        ]
    if country == "AU":
        st, first = rng.choice(AU_STATES)
        return [
            f"{'Shop ' + str(rng.randrange(1, 90)) + ', ' if rng.random() < 0.3 else ''}"
            f"{num} {word(rng)} {rng.choice(['St', 'Rd', 'Pde', 'Hwy', 'Ave', 'Street'])}",
            f"{place(rng).upper()} {st} {first}{rng.randrange(0, 999):03d}",
        ]
    if country == "SG":
        return [
            f"{rng.randrange(1, 999)} {word(rng)} "
            f"{rng.choice(['Road', 'Street', 'Avenue', 'Drive'])}",
            f"#{rng.randrange(1, 30):02d}-{rng.randrange(1, 200):02d} {word(rng)} "
            f"{rng.choice(['Centre', 'Mall', 'Plaza', 'Point'])}",
            f"Singapore {rng.randrange(10000, 829999):06d}",
        ]
    # euro area: street number after the name, postcode before the town
    pc = rng.choice(
        [
            f"{rng.randrange(1000, 99999):05d}",
            f"{rng.randrange(1000, 9999)} {rng.choice(LETTERS)}{rng.choice(LETTERS)}",
        ]
    )
    street = rng.choice(
        [
            f"{word(rng)}straße {num[:3]}",
            f"{word(rng)}weg {num[:2]}",
            f"{num[:2]} rue {word(rng)}",
            f"Calle {word(rng)} {num[:2]}",
            f"Via {word(rng)} {num[:2]}",
            f"{word(rng)}straat {num[:3]}",
        ]
    )
    return [street, f"{pc} {place(rng)}"]


def date_text(rng: random.Random, d: date, country: str) -> str:
    mon = MONTHS[d.month - 1]
    y2 = f"{d.year % 100:02d}"
    if country == "US":
        forms = [
            f"{d.month:02d}/{d.day:02d}/{y2}",
            f"{d.month}/{d.day}/{d.year}",
            f"{d.month:02d}/{d.day:02d}/{d.year}",
            f"{d.month}/{d.day}/{y2}",
            f"{d.month:02d}-{d.day:02d}-{d.year}",
            f"{mon} {d.day} {d.year}",
            f"{mon} {d.day}, {d.year}",
            f"{d.day:02d}-{mon}-{d.year}",
            f"{mon.upper()} {d.day:02d}, {d.year}",
            f"{d.year}-{d.month:02d}-{d.day:02d}",
        ]
    elif country == "CA":
        forms = [
            f"{d.year}-{d.month:02d}-{d.day:02d}",
            f"{d.year}/{d.month:02d}/{d.day:02d}",
            f"{mon} {d.day}, {d.year}",
            f"{d.day:02d}-{mon}-{d.year}",
        ]
    elif country == "EU":
        forms = [
            f"{d.day:02d}.{d.month:02d}.{d.year}",
            f"{d.day:02d}.{d.month:02d}.{y2}",
            f"{d.day:02d}/{d.month:02d}/{d.year}",
            f"{d.day:02d}-{d.month:02d}-{d.year}",
        ]
    else:
        forms = [
            f"{d.day:02d}/{d.month:02d}/{d.year}",
            f"{d.day:02d}/{d.month:02d}/{y2}",
            f"{d.day} {mon} {d.year}",
            f"{d.day:02d}-{mon}-{y2}",
            f"{d.day}/{d.month}/{d.year}",
        ]
    return rng.choice(forms)


def time_text(rng: random.Random) -> str:
    h, m, s = rng.randrange(7, 23), rng.randrange(60), rng.randrange(60)
    return rng.choice(
        [
            f"{h:02d}:{m:02d}",
            f"{h:02d}:{m:02d}:{s:02d}",
            f"{(h - 1) % 12 + 1}:{m:02d} {'PM' if h >= 12 else 'AM'}",
            f"{(h - 1) % 12 + 1}:{m:02d}{'p' if h >= 12 else 'a'}",
        ]
    )


def money(v: Decimal, country: str, symbol: bool) -> str:
    sym = {"UK": "£", "EU": "€", "IE": "€"}.get(country, "$")
    text = f"{v:,.2f}" if v >= 1000 and country != "EU" else f"{v:.2f}"
    if country == "EU":
        text = text.replace(".", ",")
    if not symbol:
        return text
    return f"{text} {sym}" if country == "EU" and sym == "€" and v < 1000 else f"{sym}{text}"


@dataclass
class Receipt:
    lines: list[tuple[str, str, str]] = field(default_factory=list)  # (left, right, align)
    heading: set[int] = field(default_factory=set)  # indexes drawn large
    small: set[int] = field(default_factory=set)  # indexes drawn small (slogans in --hard)
    hard: bool = False


WEEKDAYS = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]


def build(seed: int, hard: bool = False) -> tuple[Receipt, dict]:
    """One receipt's lines and its label; ``hard`` adds what US till receipts also print
    (one-line addresses, manager and register lines, weekdays, savings and item counts, spaced
    dollar signs, decorated names, small slogans), drawn from a second random stream so that
    the plain receipts of a seed stay the same."""
    rng = random.Random(seed)
    hr = random.Random(seed * 31 + 7)
    country = rng.choices(["US", "CA", "UK", "IE", "AU", "SG", "EU"], [60, 8, 10, 3, 8, 5, 6])[0]
    name = shop_name(rng)
    if rng.random() < 0.5:
        name = name.upper()
    addr = address(rng, country)
    if rng.random() < 0.6:
        addr = [a.upper() for a in addr]
    if hard and country == "US" and len(addr) == 2 and hr.random() < 0.25:
        addr = [f"{addr[0]}, {addr[1]}"]  # the whole address on one line
    r = Receipt(hard=hard)
    centred = rng.random() < 0.75
    align = "c" if centred else "l"

    def add(left: str, right: str = "", how: str | None = None) -> None:
        r.lines.append((left, right, how or ("l" if right else align)))

    if rng.random() < 0.15:
        add(rng.choice(["WELCOME TO", "Welcome to", "WELCOME"]))
    slogan = rng.choice(SLOGANS).format(y=rng.randrange(1950, 2015), c=place(rng))
    printed_name = name
    if hard and hr.random() < 0.1:
        printed_name = hr.choice(["*** {} ***", "** {} **", "- {} -"]).format(name)
    if rng.random() < 0.1:
        if hard and hr.random() < 0.7:
            r.small.add(len(r.lines))
        add(slogan)
    r.heading.add(len(r.lines))
    add(printed_name)
    if rng.random() < 0.2:
        if hard and hr.random() < 0.7:
            r.small.add(len(r.lines))
        add(slogan)
    if rng.random() < 0.25:
        add(
            f"Store #{rng.randrange(10, 9999)}"
            if rng.random() < 0.5
            else f"STORE {rng.randrange(10, 9999)}"
        )
    tel = phone(rng, country)
    tel_line = rng.choice([tel, f"Tel: {tel}", f"PHONE {tel}", f"Ph {tel}", f"T. {tel}"])
    if hard and hr.random() < 0.25:
        tel_line = (
            f"{tel_line}  {hr.choice(['Mgr:', 'MANAGER', 'Store Mgr'])} {word(hr, 1).upper()}"
        )
    where = rng.random()
    for i, a in enumerate(addr):
        if where < 0.15 and i == len(addr) - 1 and len(addr) > 1:
            add(tel_line)  # the phone between the street and the town line
        add(a)
    if where >= 0.15 and where < 0.85:
        add(tel_line)
    if country in ("UK", "IE", "EU") and rng.random() < 0.4:
        add(f"VAT No: {rng.choice(['GB', 'IE', 'DE', 'FR'])}{rng.randrange(10**8, 10**9)}")
    if country == "AU" and rng.random() < 0.6:
        add(
            f"ABN {rng.randrange(10, 99)} {rng.randrange(100, 999)} "
            f"{rng.randrange(100, 999)} {rng.randrange(100, 999)}"
        )
    if hard and hr.random() < 0.25:
        add(
            f"ST# {hr.randrange(10, 9999):04d} OP# {hr.randrange(1, 999):05d} "
            f"TE# {hr.randrange(1, 40):02d} TR# {hr.randrange(1, 99999):05d}"
        )
    add("")
    d = date(2014, 1, 1) + timedelta(days=rng.randrange(365 * 11))
    dtext, ttext = date_text(rng, d, country), time_text(rng)
    if hard and hr.random() < 0.2:
        dtext = f"{WEEKDAYS[d.weekday()]} {dtext}"
    date_lines = [
        (f"{dtext} {ttext}", ""),
        (f"Date: {dtext}", f"Time: {ttext}"),
        (dtext, ttext),
        (f"{dtext}  {ttext}  REG {rng.randrange(1, 9)}", ""),
        (f"TRANS# {rng.randrange(1000, 99999)}", f"{dtext} {ttext}"),
        (f"DATE {dtext}", ""),
    ]
    dl = rng.choice(date_lines)
    date_at_top = rng.random() < 0.7
    if date_at_top:
        add(dl[0], dl[1], "l")
    if rng.random() < 0.5:
        add(f"Cashier: {word(rng, 1)}", f"Reg {rng.randrange(1, 12)}", "l")
    if rng.random() < 0.3:
        add(f"Order #{rng.randrange(1, 999)}", "", "l")
    add("")
    subtotal = Decimal(0)
    for _ in range(rng.randrange(1, 9)):
        qty = rng.choice([1, 1, 1, 2, 3])
        price = Decimal(rng.randrange(49, 3999 if rng.random() < 0.9 else 19999)) / 100
        amount = price * qty
        subtotal += amount
        item = rng.choice(ITEMS)
        if rng.random() < 0.5:
            item = item.title()
        if qty > 1 and rng.random() < 0.5:
            add(f"{qty} @ {price:.2f}", "", "l")
        elif qty > 1:
            item = f"{qty} {item}"
        add(item, money(amount, country, False) + rng.choice(["", "", " T", " F", " N"]), "l")
    add("")
    sym = rng.random() < 0.5
    inclusive = country in ("UK", "IE", "AU", "EU", "SG") and rng.random() < 0.7
    rate = Decimal(
        rng.choice(
            ["0.06", "0.0625", "0.07", "0.0725", "0.08", "0.0825", "0.0875", "0.1", "0.05", "0.13"]
        )
    )
    if inclusive:
        total = subtotal
        tax = (total - total / (1 + Decimal("0.2"))).quantize(Decimal("0.01"))
    else:
        tax = (subtotal * rate).quantize(Decimal("0.01"))
        total = subtotal + tax
        add(
            rng.choice(["SUBTOTAL", "Subtotal", "SUB TOTAL", "Sub-Total"]),
            money(subtotal, country, sym),
        )
        tax_label = rng.choice(
            [
                "TAX",
                "Sales Tax",
                "SALES TAX",
                f"TAX {rate * 100:.2f}%",
                "Tax",
                "HST" if country == "CA" else "STATE TAX",
            ]
        )
        add(tax_label, money(tax, country, sym))
    total_label = rng.choice(
        [
            "TOTAL",
            "Total",
            "BALANCE DUE",
            "AMOUNT DUE",
            "Total Due",
            "TOTAL DUE",
            "TOTAL USD" if country == "US" else "TOTAL",
            "Amount",
        ]
    )
    total_text = money(total, country, sym or rng.random() < 0.3)
    if hard and hr.random() < 0.2:
        total_label += ":"
    if hard and total_text.startswith("$") and hr.random() < 0.3:
        total_text = "$ " + total_text[1:]
    add(total_label, total_text)
    if hard and hr.random() < 0.2:
        add(
            hr.choice(["YOU SAVED", "TOTAL SAVINGS", "Your Savings"]),
            money(Decimal(hr.randrange(50, 2000)) / 100, country, True),
        )
    if inclusive:
        vat_label = {"AU": "GST INCLUDED", "SG": "GST INCL.", "EU": "MwSt 20%"}.get(
            country, rng.choice(["VAT 20% INCL", "INCL. VAT"])
        )
        add(vat_label, money(tax, country, False))
    tender = rng.random()
    if tender < 0.4:
        cash = (
            (total + rng.choice([0, 1, 5, 10, 20])).quantize(Decimal("1"))
            if rng.random() < 0.7
            else total
        )
        if cash < total:
            cash += 1
        add(rng.choice(["CASH", "Cash", "CASH TEND", "Cash Tendered"]), money(cash, country, sym))
        add(rng.choice(["CHANGE", "Change", "CHANGE DUE"]), money(cash - total, country, sym))
    else:
        card = rng.choice(["VISA", "MASTERCARD", "AMEX", "DEBIT", "DISCOVER", "MC"])
        add(
            rng.choice([f"{card} TEND", card, f"{card} CARD", f"{card.title()} Sale"]),
            money(total, country, sym),
        )
        if rng.random() < 0.6:
            add(f"{'*' * 12}{rng.randrange(1000, 9999)}", "", "l")
        if rng.random() < 0.5:
            add(f"AUTH CODE: {rng.randrange(100000, 999999)}", "", "l")
        if rng.random() < 0.25:
            add("TIP", "________", "l")
            add("TOTAL", "________", "l")
    if rng.random() < 0.4:
        add(
            f"ITEMS SOLD {rng.randrange(1, 9)}"
            if rng.random() < 0.5
            else f"# ITEMS {rng.randrange(1, 9)}"
        )
    elif hard and hr.random() < 0.3:
        add(f"TOTAL NUMBER OF ITEMS SOLD = {hr.randrange(1, 12)}")
    if not date_at_top:
        add("")
        add(dl[0], dl[1], "l")
    add("")
    for f in rng.sample(FOOTERS, rng.randrange(1, 3)):
        add(f)
    if rng.random() < 0.3:
        add(f"www.{word(rng, 2).lower()}.com")
    label = {
        "file": "",
        "fields": {
            "company": name,
            "date": d.isoformat(),
            "address": " ".join(addr),
            "total": f"{total:.2f}",
        },
        "meta": {
            "synthetic": True,
            "seed": seed,
            "hard": hard,
            "country": country,
            "date_printed": dtext,
        },
    }
    return r, label


def render(r: Receipt, seed: int) -> bytes:
    """Draw the lines on a till roll, then damage the photo; JPEG bytes."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    rng = random.Random(seed * 7919 + 1)
    fonts = [p / f for f in FONTS for p in FONT_DIRS if (p / f).is_file()]
    font_path = rng.choice(fonts)
    size = rng.randrange(18, 27)
    font = ImageFont.truetype(str(font_path), size)
    big = ImageFont.truetype(str(font_path), int(size * rng.choice([1.0, 1.3, 1.6])))
    hr = random.Random(seed * 7919 + 2)
    small = ImageFont.truetype(str(font_path), max(12, int(size * 0.8)))
    width = rng.randrange(520, 700)
    margin = rng.randrange(20, 45)
    step = int(size * rng.uniform(1.35, 1.7))
    height = 60 + sum(int(step * (1.6 if i in r.heading else 1)) for i in range(len(r.lines))) + 40
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    y = 40
    ink = rng.randrange(0, 70)
    for i, (left, right, how) in enumerate(r.lines):
        f = big if i in r.heading else small if i in r.small else font
        if draw.textlength(left, font=f) > width - 2 * margin:
            f = font
        w = draw.textlength(left, font=f)
        x = (width - w) / 2 if how == "c" else margin
        draw.text((x, y), left, fill=ink, font=f)
        if right:
            draw.text((width - margin - draw.textlength(right, font=f), y), right, fill=ink, font=f)
        y += int(step * (1.6 if i in r.heading else 1))
    # photo: a darker table around the paper, slight rotation, uneven light, blur, noise
    pad = rng.randrange(10, 50)
    photo = Image.new("L", (width + 2 * pad, height + 2 * pad), rng.randrange(60, 160))
    photo.paste(img, (pad, pad))
    photo = photo.rotate(
        rng.uniform(-2.0, 2.0),
        resample=Image.BICUBIC,
        expand=True,
        fillcolor=rng.randrange(60, 160),
    )
    if r.hard:  # a photo taken at an angle: the paper's corners pulled unevenly
        w, h = photo.size
        j = [hr.uniform(0, 0.05) for _ in range(8)]
        quad = (-j[0] * w, -j[1] * h, -j[2] * w, h + j[3] * h,
                w + j[4] * w, h + j[5] * h, w + j[6] * w, -j[7] * h)  # fmt: skip
        photo = photo.transform((w, h), Image.QUAD, quad, Image.BICUBIC, fillcolor=110)
        photo = photo.rotate(hr.uniform(-1.5, 1.5), resample=Image.BICUBIC, fillcolor=110)
    a = np.asarray(photo, dtype=np.float32)
    gy, gx = np.mgrid[0 : a.shape[0], 0 : a.shape[1]]
    light = 1 - rng.uniform(0, 0.3) * (gx / a.shape[1] if rng.random() < 0.5 else gy / a.shape[0])
    a = a * light + np.random.default_rng(seed).normal(0, rng.uniform(2, 12), a.shape)
    photo = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    photo = photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.2, 1.1)))
    scale = rng.uniform(0.75, 1.15)
    if r.hard:  # a small, softer photo
        scale *= hr.uniform(0.6, 0.9)
        photo = photo.filter(ImageFilter.GaussianBlur(hr.uniform(0.0, 0.6)))
    photo = photo.resize((int(photo.width * scale), int(photo.height * scale)), Image.BILINEAR)
    buf = io.BytesIO()
    photo.convert("RGB").save(buf, "JPEG", quality=rng.randrange(40, 90))
    return buf.getvalue()


def seeds(spec: str) -> list[int]:
    lo, _, hi = spec.partition("-")
    return list(range(int(lo), int(hi or lo) + 1))


def make(out: Path, spec: str, hard: bool = False) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for seed in seeds(spec):
        r, label = build(seed, hard)
        stem = f"synth-{seed:05d}"
        label["file"] = f"{stem}.jpg"
        (out / f"{stem}.jpg").write_bytes(render(r, seed))
        (out / f"{stem}.json").write_text(json.dumps(label, indent=2, ensure_ascii=False))


def score(folder: Path, misses: int, score_py: Path) -> None:
    from extraction.builtin_templates import RECEIPT_SCHEMA
    from extraction.finders import find_fields
    from extraction.types import TemplateSpec
    from tools.corpus_docs import ocr_document

    template = TemplateSpec("receipt", RECEIPT_SCHEMA)
    with tempfile.TemporaryDirectory(prefix="synth-pred-") as tmp:
        for image in sorted(folder.glob("*.jpg")):
            found = find_fields(ocr_document(image), template)
            fields = {name: r.value for name, r in found.items()}
            (Path(tmp) / f"{image.stem}.json").write_text(
                json.dumps({"fields": fields}, ensure_ascii=False)
            )
        cmd = [
            sys.executable,
            str(score_py),
            str(folder),
            tmp,
            "--ignore-spaces",
            "--fields",
            "company,address,date,total",
            "--show-misses",
            str(misses),
        ]
        print(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout, end="")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("out", type=Path)
    m.add_argument("--seeds", required=True, help="a range such as 1000-1099")
    m.add_argument("--hard", action="store_true", help="harder receipts and photos (see build)")
    s = sub.add_parser("score")
    s.add_argument("folder", type=Path)
    s.add_argument("--show-misses", type=int, default=0)
    s.add_argument("--score", type=Path, default=REPO.parent / "shared" / "eval" / "score.py")
    args = ap.parse_args(argv)
    if args.cmd == "make":
        make(args.out, args.seeds, args.hard)
    else:
        score(args.folder, args.show_misses, args.score)
    return 0


if __name__ == "__main__":
    sys.exit(main())
