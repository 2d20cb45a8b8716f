#!/usr/bin/env python3
"""Invoices whose seller data is only inside pictures (a dev tool, not used by the product).

    python tools/image_letterheads.py [--layouts top,footer,typed,columns] [--sizes 8,10,12]

Each invoice's body (number, date, buyer, totals) is typed as text; the seller's name, address
and IBAN are drawn with Pillow into a PNG at 200 dpi, placed as a letterhead at the top or as a
one-line footer, at a body size in points (``typed`` and ``columns`` type them in the footer
instead: one line, or columns with a bank that has a legal form of its own); a logo with a
brand word in display type sits at the top right. Prints how often ``seller_name`` and
``iban`` come out right, and how often the seller was taken from the logo's word (what
``extraction/readers/pdf_images.py`` must prevent).

The six sellers are invented; they test the reader, never rules (no rule may name them).
"""

from __future__ import annotations

import argparse
import base64
import io
import itertools
import logging
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from PIL import Image, ImageDraw, ImageFont

from extraction import BUILTIN_TEMPLATES, TemplateSpec, extract_file

SELLERS = [  # legal name, address, IBAN, logo word
    (
        "Korvath Metallbau GmbH",
        "Lindenstraße 8, 70173 Stuttgart",
        "DE89370400440532013000",
        "KORVATH",
    ),
    (
        "Pellworth Office Supplies Ltd",
        "12 Dock Street, Bristol",
        "GB29NWBK60161331926819",
        "pellworth",
    ),
    (
        "Studio Vantelle SARL",
        "14 rue des Lilas, 69003 Lyon",
        "FR1420041010050500013M02606",
        "VANTEL",
    ),
    (
        "Brightwater Tools B.V.",
        "Kanaalweg 12, 3526 KL Utrecht",
        "NL91ABNA0417164300",
        "brightwater",
    ),
    (
        "Orsino Forniture S.r.l.",
        "Via Roma 21, 20121 Milano",
        "IT60X0542811101000000123456",
        "ORSINO",
    ),
    ("Halden Consulting AS", "Storgata 5, 0155 Oslo", "NO9386011117947", "halden"),
]
STYLE = (
    "<style>@page{size:A4;margin:0} body{font-family:sans-serif;font-size:10pt;margin:0}"
    " .a{position:absolute;white-space:nowrap} img{position:absolute}</style>"
)
DPI = 200


def _font(px: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf", px)
    except OSError:
        return ImageFont.load_default(size=px)


def _png(lines: list[str], px: int, bold: bool = False, grey: int = 20) -> tuple[str, float]:
    """The lines drawn as a PNG data URI, and its width in mm at ``DPI``."""
    font = _font(px, bold)
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    width = int(max(measure.textlength(s, font=font) for s in lines)) + 20
    image = Image.new("RGB", (width, int(px * 1.5) * len(lines) + 20), "white")
    draw = ImageDraw.Draw(image)
    for i, text in enumerate(lines):
        draw.text((10, 10 + int(px * 1.5) * i), text, fill=(grey, grey, grey), font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    uri = "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
    return uri, width / DPI * 25.4


def _at(x: float, y: float, text: str) -> str:
    return f'<div class="a" style="left:{x}mm;top:{y}mm">{text}</div>'


def _img(x: float, y: float, picture: tuple[str, float]) -> str:
    uri, width = picture
    return f'<img src="{uri}" style="left:{x}mm;top:{y}mm;width:{width}mm">'


def _body(k: int) -> list[str]:
    cells = [
        (15, 60, "Invoice"),
        (15, 68, f"Invoice number: {4100 + k}"),
        (15, 74, "Invoice date: 14.03.2024"),
        (15, 88, "Bill to: Marlow Retail Group Ltd, 4 Mill Lane, Leeds LS1 5AB"),
        (15, 110, "Consulting services"),
        (150, 110, "1,000.00 EUR"),
        (110, 130, "Net amount"),
        (150, 130, "1,000.00 EUR"),
        (110, 136, "VAT 20 %"),
        (150, 136, "200.00 EUR"),
        (110, 142, "Total amount"),
        (150, 142, "1,200.00 EUR"),
    ]
    return [_at(x, y, t) for x, y, t in cells]


def _typed_footer(name: str, address: str, iban: str, pt: int, layout: str) -> list[str]:
    """The seller typed (not drawn) in the page's foot: one line ('typed'), or columns of name
    and address | bank | management ('columns'), the bank's name with a legal form of its own."""
    size = f'<span style="font-size:{pt}pt">'
    if layout == "typed":
        return [_at(10, 280, f"{size}{name} · {address} · IBAN: {iban}</span>")]
    street, city = (p.strip() for p in address.split(",", 1))
    columns = [
        (10, [name, street, city]),
        (75, ["Bank: Nordwall Kreditbank AG", f"IBAN: {iban}", "BIC: NOWLDE21XXX"]),
        (140, ["Managing director: Jana Holm", "Register: HRB 4711"]),
    ]
    gap = pt * 0.45  # mm between lines
    return [
        _at(x, 268 + i * gap, f"{size}{text}</span>")
        for x, texts in columns
        for i, text in enumerate(texts)
    ]


def _invoice(k: int, seller: tuple[str, str, str, str], pt: int, layout: str, out: Path) -> None:
    from weasyprint import HTML

    name, address, iban, brand = seller
    px = round(pt * DPI / 72)
    cells = _body(k)
    if layout == "top":
        cells.append(_img(15, 12, _png([name, address, f"IBAN: {iban}"], px)))
    elif layout == "footer":  # one grey line at the page's foot
        cells.append(_img(10, 272, _png([f"{name} · {address} · IBAN: {iban}"], px, grey=90)))
    else:
        cells += _typed_footer(name, address, iban, pt, layout)
    logo, width = _png([brand], 110, bold=True)
    cells.append(_img(140, 12, (logo, min(55.0, width))))
    HTML(string=f"<html><head>{STYLE}</head><body>{''.join(cells)}</body></html>").write_pdf(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--layouts", default="top,footer")
    ap.add_argument("--sizes", default="8,10,12", help="body sizes in points")
    args = ap.parse_args(argv)
    logging.disable(logging.WARNING)
    t = BUILTIN_TEMPLATES["invoice"]
    spec = TemplateSpec(t["name"], t["templateSchema"], t["instructions"], t["engine"])
    sizes = [int(s) for s in args.sizes.split(",")]
    cases = itertools.product(SELLERS, sizes, args.layouts.split(","))
    names = ibans = logos = total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for k, (seller, pt, layout) in enumerate(cases):
            path = Path(tmp) / f"invoice{k}.pdf"
            _invoice(k, seller, pt, layout, path)
            result = extract_file(path, spec)
            got = result.values()
            name_ok = got.get("seller_name") == seller[0]
            iban_ok = (got.get("iban") or "").replace(" ", "") == seller[2]
            logo = seller[3].lower() in (got.get("seller_name") or "").lower().replace(" ", "")
            names, ibans, total = names + name_ok, ibans + iban_ok, total + 1
            logos += logo and seller[3].lower() not in seller[0].lower()
            mark = "" if name_ok and iban_ok else "  <-"
            print(
                f"{layout:6s} {pt:2d}pt {seller[0]:30s} -> {got.get('seller_name')!s:32s} "
                f"{got.get('iban')!s:28s} ocr {result.ocr_seconds:.2f}s{mark}"
            )
    print(f"{total} invoices: seller_name {names}, iban {ibans}, seller from the logo {logos}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
