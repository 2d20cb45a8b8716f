"""Line items read from real PDF tables, drawn here with WeasyPrint as invoicing software prints
them: headers in other languages, position and article-number columns, descriptions wrapped in
their cell, tables running over pages with carried-forward lines, a tax breakdown under the
items, a heading set on two lines and a row whose amount sits under its description."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extraction import TemplateSpec, extract_file

STYLE = """
<style>
 @page { size: A4; margin: 20mm 18mm 30mm 18mm;
         @bottom-left { content: "Orvelin Tecnica S.r.l. - REA 771204 - Cap. soc. 10000"; } }
 body { font-family: sans-serif; font-size: 9pt }
 table.items { width: 100%; border-collapse: collapse }
 table.items th { text-align: left; border-bottom: 1pt solid #333; padding: 3pt }
 table.items td { padding: 3pt; vertical-align: top; border-bottom: 0.4pt solid #ccc }
 td.n, th.n { text-align: right }
 td.d { width: 45% }
 .a { position: absolute; white-space: nowrap }
</style>
"""


def _items(tmp_path: Path, template: TemplateSpec, body: str) -> list[dict[str, Any]]:
    from weasyprint import HTML

    path = tmp_path / "invoice.pdf"
    HTML(string=f"<html><head>{STYLE}</head><body>{body}</body></html>").write_pdf(path)
    return extract_file(path, template).values().get("line_items") or []


def _table(head: list[str], rows: list[list[str]], numeric_from: int) -> str:
    def cells(tag: str, values: list[str]) -> str:
        return "".join(
            f'<{tag} class="{"n" if i >= numeric_from else "d" if i == numeric_from - 1 else ""}">'
            f"{v}</{tag}>"
            for i, v in enumerate(values)
        )

    body = "".join(f"<tr>{cells('td', r)}</tr>" for r in rows)
    head_row = f"<thead><tr>{cells('th', head)}</tr></thead>"
    return f'<table class="items">{head_row}<tbody>{body}</tbody></table>'


def _at(x: float, y: float, text: str) -> str:
    """Text placed at x, y millimetres from the top left of its page."""
    return f'<div class="a" style="left:{x}mm; top:{y}mm">{text}</div>'


def _page(*cells: str) -> str:
    """One A4 page of text placed with ``_at``."""
    inner = "".join(cells)
    return f'<div style="position: relative; height: 240mm; break-after: page">{inner}</div>'


# the heading row of the two-page tables below
_HEAD = [_at(0, 20, "#"), _at(10, 20, "Description"), _at(100, 20, "Qty"), _at(150, 20, "Amount")]


def test_an_italian_table_with_position_and_article_columns_and_a_vat_summary(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    table = _table(
        ["N.", "Art.", "Descrizione", "Q.tà", "Prezzo", "IVA %", "Importo"],
        [
            ["1", "A-2210", "Sedia da ufficio ergonomica", "2 pz", "141,50", "22%", "283,00"],
            ["2", "SKU8841", "Ore di supporto tecnico", "4,5 ore", "95,00", "22%", "427,50"],
            ["3", "", "Manuale tecnico", "10 pz", "4,03", "10%", "40,30"],
        ],
        numeric_from=3,
    )
    summary = (
        "<p>Riepilogo IVA</p><p>22% 710,50 156,31</p><p>10% 40,30 4,03</p>"
        "<p>Totale imponibile 750,80 EUR</p><p>Totale IVA 160,34 EUR</p>"
    )
    items = _items(tmp_path, invoice, f"<h1>Fattura 2026/118</h1>{table}{summary}")
    assert items == [
        {
            "description": "Sedia da ufficio ergonomica",
            "quantity": 2,
            "unit_price": 141.5,
            "amount": 283.0,
        },
        {
            "description": "Ore di supporto tecnico",
            "quantity": 4.5,
            "unit_price": 95.0,
            "amount": 427.5,
        },
        {"description": "Manuale tecnico", "quantity": 10, "unit_price": 4.03, "amount": 40.3},
    ]


def test_a_table_over_three_pages_under_its_repeated_header_and_a_page_footer(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    rows = [
        [
            str(i),
            f"Kabelkanal Typ {i} weiß",
            f"{i % 7 + 1} Stk.",
            "12,40",
            f"{(i % 7 + 1) * 12.4:.2f}",
        ]
        for i in range(1, 71)
    ]
    rows = [[c.replace(".", ",") if k == 4 else c for k, c in enumerate(r)] for r in rows]
    table = _table(["Pos.", "Bezeichnung", "Menge", "Einzelpreis", "Gesamt"], rows, 2)
    body = f"<h1>Rechnung 4471</h1>{table}<p>Zwischensumme 2.000,00 €</p><p>USt. 19 % 380,00 €</p>"
    items = _items(tmp_path, invoice, body)
    assert [row["description"] for row in items] == [
        f"Kabelkanal Typ {i} weiß" for i in range(1, 71)
    ]
    assert [row.get("unit_price") for row in items] == [12.4] * 70


def test_a_description_wrapped_in_its_cell_is_one_description(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    long = (
        "Wartung der Heizungsanlage (Leistungszeitraum 03.03.2026 bis 15.03.2026, "
        "Abrechnung nach Aufwand laut Stundennachweis)"
    )
    table = _table(
        ["Pos.", "Beschreibung", "Menge", "Einzelpreis", "Betrag"],
        [["1", long, "6 Std.", "88,00", "528,00"], ["2", "Anfahrt", "1", "45,00", "45,00"]],
        numeric_from=2,
    )
    items = _items(tmp_path, invoice, f"<h1>Rechnung</h1>{table}<p>Summe netto 573,00</p>")
    assert [row["description"] for row in items] == [long, "Anfahrt"]
    assert [row["amount"] for row in items] == [528.0, 45.0]


def test_an_erp_article_number_in_brackets_is_no_part_of_the_description(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    table = _table(
        ["Description", "Quantity", "Unit Price", "Amount"],
        [
            ["[SKU4711] Office chair, black", "2.00 Units", "120.00", "240.00"],
            ["[ART2208] Desk lamp", "1.00 Units", "35.50", "35.50"],
        ],
        numeric_from=1,
    )
    items = _items(tmp_path, invoice, f"<h1>Invoice INV/2026/0042</h1>{table}")
    assert [row["description"] for row in items] == ["Office chair, black", "Desk lamp"]


def test_a_heading_on_two_lines_and_an_amount_under_its_row(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    cells = [
        _at(0, 10, "Fattura 55/2026"),
        # 'Prezzo' over 'unitario' and 'Prezzo' over 'totale': the second is the amount
        _at(0, 30, "Riga"),
        _at(12, 30, "Descrizione"),
        _at(100, 30, "Q.tà"),
        _at(118, 28, "Prezzo"),
        _at(118, 32, "unitario"),
        _at(150, 28, "Prezzo"),
        _at(150, 32, "totale"),
        _at(0, 40, "1"),
        _at(12, 40, "Pasta di semola 5 kg"),
        _at(100, 40, "4 pz"),
        _at(118, 40, "12,50"),
        _at(150, 40, "50,00"),
        # a visualisation that sets the amount a little under the rest of its row
        _at(0, 50, "2"),
        _at(12, 50, "Olio extravergine 1 l"),
        _at(100, 50, "6 pz"),
        _at(118, 50, "9,90"),
        _at(150, 54, "59,40"),
        _at(100, 70, "Totale imponibile"),
        _at(150, 70, "109,40"),
    ]
    items = _items(tmp_path, invoice, "".join(cells))
    assert items == [
        {"description": "Pasta di semola 5 kg", "quantity": 4, "unit_price": 12.5, "amount": 50.0},
        {"description": "Olio extravergine 1 l", "quantity": 6, "unit_price": 9.9, "amount": 59.4},
    ]


def test_carried_forward_lines_and_the_footer_between_two_pages(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    first = _page(
        _at(0, 5, "Invoice 7731"),
        *_HEAD,
        _at(0, 30, "1"),
        _at(10, 30, "Drainage survey"),
        _at(100, 30, "1"),
        _at(150, 30, "420.00"),
        _at(0, 36, "2"),
        _at(10, 36, "Gully cleaning"),
        _at(100, 36, "3"),
        _at(150, 36, "180.00"),
        _at(10, 42, "Subtotal c/f"),
        _at(150, 42, "600.00"),
        _at(0, 220, "Brenwick Drains Ltd"),
        _at(60, 220, "Registered in Ireland No. 556677"),
        _at(0, 225, "14 Quay Street"),
        _at(60, 225, "VAT IE 9988776 B"),
    )
    second = _page(
        *_HEAD,
        _at(10, 30, "Brought forward"),
        _at(150, 30, "600.00"),
        _at(0, 36, "3"),
        _at(10, 36, "CCTV inspection"),
        _at(100, 36, "2"),
        _at(150, 36, "250.00"),
        _at(100, 50, "Total"),
        _at(150, 50, "850.00"),
    )
    items = _items(tmp_path, invoice, first + second)
    assert [(row["description"], row["amount"]) for row in items] == [
        ("Drainage survey", 420.0),
        ("Gully cleaning", 180.0),
        ("CCTV inspection", 250.0),
    ]


def test_article_codes_under_the_position_and_a_hyphen_at_a_line_end_keep_the_description(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """German ERP layout: under each position number its article code, under the description
    the rest of the text and the item's GTIN; a word broken at its hyphen keeps the hyphen
    (PDFium reports a line-end hyphen as U+FFFE); a GTIN the description announces stays."""
    table = _table(
        ["Pos", "Beschreibung", "Menge", "Nettopreis", "USt.", "Betrag"],
        [
            [
                "1<br>TB100A4",
                "Trennblätter<br>A4<br>4012345001235",
                "20 Stk",
                "9,90",
                "19 %",
                "198,00",
            ],
            ["2<br>ARNR2", "Beamer-<br>Deckenhalterung", "1 Stk", "122,50", "19 %", "122,50"],
            ["3", "GTIN<br>4123456000014<br>Zitronensäure", "5 Stk", "1,00", "7 %", "5,00"],
        ],
        numeric_from=2,
    )
    items = _items(tmp_path, invoice, f"<h1>Rechnung 471102</h1>{table}<p>Gesamtbetrag 325,50</p>")
    assert [item["description"] for item in items] == [
        "Trennblätter A4",
        "Beamer-Deckenhalterung",
        "GTIN 4123456000014 Zitronensäure",
    ]
    assert [item["amount"] for item in items] == [198.0, 122.5, 5.0]


def test_a_note_printed_sideways_in_the_margin_does_not_break_the_table(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """A copyright line set up the left edge: read across the page it is one letter per line,
    interleaved with the rows, and it used to end the table after its first row and cut the
    descriptions wrapped under it. The amount column is headed 'Entgelt'."""
    note = (
        '<div style="position: absolute; left: -12mm; top: 120mm; transform: rotate(-90deg);'
        ' transform-origin: left top; white-space: nowrap; font-size: 5pt">'
        + "Beispielrechnung COMFORT 2014 - Copyright Verband e.V. 2014 " * 3
        + "</div>"
    )
    rows = [
        [
            str(n),
            f"Artikel Nummer {n}<br>Farbe blau<br><br>",
            f"{n} Stk",
            "4,00",
            f"{4 * n},00",
            "19",
        ]
        for n in range(1, 7)
    ]
    table = _table(["Pos", "Artikelbeschreibung", "Menge", "Preis", "Entgelt", "USt. %"], rows, 2)
    body = f"{note}<h1>Rechnung 471102</h1><p>{'<br>' * 12}</p>{table}<p>Rechnungssumme 84,00</p>"
    items = _items(tmp_path, invoice, body)
    assert [item["amount"] for item in items] == [4.0, 8.0, 12.0, 16.0, 20.0, 24.0]
    assert [item["description"] for item in items] == [
        f"Artikel Nummer {n} Farbe blau" for n in range(1, 7)
    ]


def test_an_items_own_discount_terms_do_not_end_the_table(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'Artikelrabatt' under an item states that item's discount (no amount of its own): the
    table goes on; a 'Rabatt' line with an amount after the items is no item."""
    table = _table(
        ["Pos", "Beschreibung", "Menge", "Nettopreis", "USt.", "Betrag"],
        [
            ["1", "Gelierzucker Extra 250g", "50 Stk", "1,45", "7 %", "72,50"],
            ["", "<br>Artikelrabatt 1: Abschlag 0,03", "", "", "", ""],
            ["2", "Bierbrau Pils 20/0500", "15 Stk", "12,00", "19 %", "180,00"],
            ["", "Rabatt 2 %", "", "", "", "-5,05"],
        ],
        numeric_from=2,
    )
    items = _items(tmp_path, invoice, f"<h1>Rechnung 471102</h1>{table}")
    assert [(item["description"], item["amount"]) for item in items] == [
        ("Gelierzucker Extra 250g", 72.5),
        ("Bierbrau Pils 20/0500", 180.0),
    ]


def test_a_three_letter_service_code_is_a_description_and_price_terms_are_not(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'TGA' (a trade's code) names the service although it looks like a currency code to a
    pattern of three capitals; 'Bruttopreis : 43,20' under a description states its price terms
    and is not part of it. '37,44 EUR' alone is still no description."""
    table = _table(
        ["Pos", "Beschreibung", "Nettopreis", "Menge", "Steuer", "Entgelt"],
        [
            [
                "1",
                "TGA<br>Obermonteur/Monteur<br>Bruttopreis : 43,20",
                "43,20",
                "3 Std",
                "19 %",
                "129,60",
            ],
            ["2", "Haftpflicht<br>Bruttopreis :0,0000", "0,00", "1", "19 %", "0,00"],
            ["", "37,44 EUR", "", "", "", "37,44"],
        ],
        numeric_from=2,
    )
    items = _items(tmp_path, invoice, f"<h1>Rechnung 42389</h1>{table}")
    assert [(item["description"], item["amount"]) for item in items] == [
        ("TGA Obermonteur/Monteur", 129.6),
        ("Haftpflicht", 0.0),
    ]


def test_a_brought_forward_line_split_over_two_columns_does_not_end_the_table(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'Subtotal brought' under the description and 'forward' further right: two segments of
    one line, the first starting with a totals word. The whole line says it is carried."""

    first = _page(
        _at(0, 5, "Invoice 7731"),
        *_HEAD,
        _at(0, 30, "1"),
        _at(10, 30, "Drainage survey"),
        _at(100, 30, "1"),
        _at(150, 30, "420.00"),
        _at(0, 42, "Subtotal carried forward"),
        _at(150, 42, "420.00"),
    )
    second = _page(
        *_HEAD,
        _at(0, 30, "Subtotal brought"),
        _at(70, 30, "forward"),
        _at(150, 30, "420.00"),
        _at(0, 36, "2"),
        _at(10, 36, "CCTV inspection"),
        _at(100, 36, "2"),
        _at(150, 36, "250.00"),
        _at(100, 50, "Total"),
        _at(150, 50, "670.00"),
    )
    items = _items(tmp_path, invoice, first + second)
    assert [(row["description"], row["amount"]) for row in items] == [
        ("Drainage survey", 420.0),
        ("CCTV inspection", 250.0),
    ]
