"""The seller named only in an invoice's footer: found there when the page's head names no one,
never a bank, person or court the footer also names, and never over a seller in the head."""

from __future__ import annotations

from pathlib import Path

import pytest

from extraction import TemplateSpec, extract_file

STYLE = """
<style>
 @page { size: A4; margin: 0 }
 body { font-family: sans-serif; font-size: 10pt; margin: 0 }
 .a { position: absolute; white-space: nowrap }
 .f { position: absolute; white-space: nowrap; font-size: 8pt; color: #555 }
</style>
"""

# no seller in the head: only the number, date, buyer, an item and totals
BODY = [
    (15, 60, "Invoice"),
    (15, 68, "Invoice number: RE-5120"),
    (15, 74, "Invoice date: 02.05.2024"),
    (15, 88, "Bill to: Harlow Garden Supplies Ltd, 4 Mill Lane, Leeds"),
    (15, 110, "Maintenance services"),
    (150, 110, "500.00 EUR"),
    (110, 130, "Net amount"),
    (150, 130, "500.00 EUR"),
    (110, 136, "VAT 19 %"),
    (150, 136, "95.00 EUR"),
    (110, 142, "Total amount"),
    (150, 142, "595.00 EUR"),
]


def _pdf(
    tmp_path: Path, footer: list[tuple[float, float, str]], head: list[str] | None = None
) -> Path:
    """The body typed at its places, ``footer`` cells (x, y in mm, text) in small grey type and
    an optional letterhead ``head`` at the top left."""
    from weasyprint import HTML

    cells = [f'<div class="a" style="left:{x}mm; top:{y}mm">{t}</div>' for x, y, t in BODY]
    cells += [
        f'<div class="a" style="left:15mm; top:{12 + 5 * i}mm">{t}</div>'
        for i, t in enumerate(head or [])
    ]
    cells += [f'<div class="f" style="left:{x}mm; top:{y}mm">{t}</div>' for x, y, t in footer]
    path = tmp_path / "invoice.pdf"
    HTML(string=f"<html><head>{STYLE}</head><body>{''.join(cells)}</body></html>").write_pdf(path)
    return path


@pytest.mark.parametrize(
    ("footer", "seller"),
    [
        (
            "Feldmann Haustechnik GmbH · Talweg 3 · 34117 Kassel · HRB 2231",
            "Feldmann Haustechnik GmbH",
        ),
        (
            "Registered in England No. 0412345 | Ashcombe Joinery Ltd | 9 Quay Road, Exeter",
            "Ashcombe Joinery Ltd",
        ),
    ],
)
def test_typed_footer_line_gives_the_seller(
    tmp_path: Path, invoice: TemplateSpec, footer: str, seller: str
) -> None:
    values = extract_file(_pdf(tmp_path, [(15, 280, footer)]), invoice).values()
    assert values["seller_name"] == seller
    assert values["buyer_name"] == "Harlow Garden Supplies Ltd"


def test_footer_bank_is_not_the_seller(tmp_path: Path, invoice: TemplateSpec) -> None:
    # the bank's name (with a legal form of its own) comes first, on a line and in a column
    line = [
        (15, 274, "Bank: Sparkasse Talheim AG · IBAN: DE89 3704 0044 0532 0130 00"),
        (15, 279, "Feldmann Haustechnik GmbH · Talweg 3 · 34117 Kassel"),
    ]
    columns = [
        (75, 272, "Bankverbindung"),
        (75, 276, "Sparkasse Talheim AG"),
        (75, 280, "IBAN: DE89 3704 0044 0532 0130 00"),
        (140, 272, "Geschäftsführer"),
        (140, 276, "Ute Feldmann"),
        (15, 284, "Feldmann Haustechnik GmbH"),
        (15, 288, "Talweg 3, 34117 Kassel"),
    ]
    for k, footer in enumerate((line, columns)):
        sub = tmp_path / str(k)
        sub.mkdir()
        values = extract_file(_pdf(sub, footer), invoice).values()
        assert values["seller_name"] == "Feldmann Haustechnik GmbH", footer


def test_seller_in_the_head_wins_over_the_footer(tmp_path: Path, invoice: TemplateSpec) -> None:
    head = ["Talbot Druck GmbH", "Am Hafen 4", "28195 Bremen"]
    footer = [(15, 280, "Talbot Verwaltungs GmbH · Am Hafen 4 · 28195 Bremen · HRB 9120")]
    values = extract_file(_pdf(tmp_path, footer, head), invoice).values()
    assert values["seller_name"] == "Talbot Druck GmbH"
