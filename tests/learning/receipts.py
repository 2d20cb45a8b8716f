"""Receipts of one invented seller's layout, rendered as images (the ranker reads OCR pages).

The layout is built so that the built-in model goes wrong on it: the operating company's legal
name is printed large above the shop's own name, which is what the organisation wants as the
seller. Items, amounts and dates change from one receipt to the next; the seller does not.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
ITEMS = [
    "Garden hose 15m",
    "Copper nails box",
    "Wood glue",
    "Paint roller",
    "Sanding paper",
    "Masking tape",
    "Cable ties",
    "Door hinge",
    "Light bulb",
    "Wall plugs",
    "Drill bit set",
]


@dataclass(frozen=True)
class Layout:
    banner: str
    seller: str
    address: tuple[str, ...]


LAYOUT = Layout(
    banner="Northgate Retail Holdings Ltd",
    seller="Harrow Fenwick Supplies",
    address=("14 Quarry Road", "Millbrook MB4 7QT"),
)
#: the same structure, other words: the built-in model goes wrong the same way
OTHER = Layout(
    banner="Brightwell Trading Co Ltd",
    seller="Corner Paint Depot",
    address=("2 Station Parade", "Eastleigh SO50 9AA"),
)
#: no operating company above the shop: the built-in model reads it right
PLAIN = Layout(
    banner="", seller="Ashdown Garden Centre Ltd", address=("7 Mill Lane", "Ashford TN23 4LP")
)


@dataclass(frozen=True)
class Receipt:
    path: Path
    seller: str
    total: Decimal


def render(path: Path, seed: int, layout: Layout = LAYOUT) -> Receipt:
    """One receipt of ``layout`` with ``seed``'s items; PNG at ``path``."""
    rng = random.Random(seed)
    big = ImageFont.truetype(BOLD, 40)
    font = ImageFont.truetype(FONT, 26)
    small = ImageFont.truetype(FONT, 22)
    lines: list[tuple[str, str | None, ImageFont.FreeTypeFont]] = (
        [(layout.banner, None, big)] if layout.banner else []
    )
    lines.append((layout.seller, None, big if not layout.banner else small))
    lines += [(a, None, small) for a in layout.address]
    lines += [
        (f"Date: {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2026", None, font),
        (f"Receipt no: {rng.randint(10000, 99999)}", None, font),
        ("", None, font),
    ]
    total = Decimal(0)
    for name in rng.sample(ITEMS, rng.randint(3, 6)):
        price = Decimal(rng.randint(150, 4999)) / 100
        total += price
        lines.append((name, f"{price:.2f}", font))
    paid = (total / 10).to_integral_value(rounding="ROUND_CEILING") * 10 + 50
    lines += [
        ("", None, font),
        ("TOTAL", f"{total:.2f}", font),
        ("CASH TENDERED", f"{paid:.2f}", font),
        ("CHANGE", f"{paid - total:.2f}", font),
        ("", None, font),
        ("Thank you for shopping with us", None, small),
    ]
    height = 80 + sum(int(f.size * 1.7) for _t, _a, f in lines)
    image = Image.new("L", (900, height), 255)
    draw = ImageDraw.Draw(image)
    y = 40
    for text, amount, f in lines:
        if amount is None:
            width = draw.textlength(text, font=f)
            draw.text(((900 - width) / 2, y), text, fill=0, font=f)
        else:
            draw.text((60, y), text, fill=0, font=f)
            draw.text((840 - draw.textlength(amount, font=f), y), amount, fill=0, font=f)
        y += int(f.size * 1.7)
    image.save(path)
    return Receipt(path, layout.seller, total)
