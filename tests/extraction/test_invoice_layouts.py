"""Invoice layouts read from a PDF text layer: small invoices rendered here with weasyprint.

Each page exercises one piece of layout reasoning (a rate's base beside the tax, a VAT
breakdown with its sum row, net + tax = grand, the payee as the seller, a name set over two
lines, an address block under a letterhead) or the labels of another language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extraction import TemplateSpec, extract_file
from extraction.document import Document, Page, Word
from extraction.finders import find_fields
from extraction.finders.locate import OF_ANOTHER
from extraction.finders.parties import LEGAL_FORM

STYLE = """
<style>
 @page { size: A4; margin: 0 }
 body { font-family: sans-serif; font-size: 10pt; margin: 0 }
 .a { position: absolute; white-space: nowrap }
 p { margin: 0 }
</style>
"""


def _at(x: float, y: float, text: str) -> str:
    """Text placed at x, y millimetres from the top left (one cell of the layout)."""
    return f'<div class="a" style="left:{x}mm; top:{y}mm">{text}</div>'


def _extract(tmp_path: Path, template: TemplateSpec, *cells: str) -> dict[str, Any]:
    from weasyprint import HTML

    path = tmp_path / "invoice.pdf"
    HTML(string=f"<html><head>{STYLE}</head><body>{''.join(cells)}</body></html>").write_pdf(path)
    return extract_file(path, template).values()


def _rows(x: float, y: float, lines: list[str], step: float = 4.5) -> list[str]:
    return [_at(x, y + step * k, line) for k, line in enumerate(lines)]


def test_tax_beside_its_base_and_totals_with_symbols(tmp_path: Path, invoice: TemplateSpec) -> None:
    v = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Lakeside Paper Co", "88 Harbor Road", "Portland, OR 97201"]),
        _at(15, 40, "Invoice INV-5521"),
        _at(15, 48, "Invoice Date: 03/21/2024"),
        _at(120, 80, "Subtotal"),
        _at(175, 80, "$ 262.90"),
        _at(120, 86, "Tax 15% on $ 112.90"),
        _at(175, 86, "$ 16.94"),
        _at(120, 92, "Balance due"),
        _at(175, 92, "$ 279.84"),
    )
    assert (v["net_total"], v["tax_total"], v["grand_total"]) == (262.9, 16.94, 279.84)
    assert v["currency"] == "USD"
    assert v["issue_date"] == "2024-03-21"
    assert v["invoice_number"] == "INV-5521"


def test_vat_breakdown_total_row_is_the_total(tmp_path: Path, invoice: TemplateSpec) -> None:
    """A footer table with one row per VAT rate and a sum row: the sum row holds the totals."""
    head = ["Warenwert", "Nettobetrag", "MwSt-Betrag", "MwSt-%", "Endbetrag"]
    rows = [
        ["100,00", "100,00", "19,00", "19,0", "119,00"],
        ["50,00", "50,00", "3,50", "7,0", "53,50"],
        ["150,00", "150,00", "22,50", "EUR", "172,50"],
    ]
    xs = [15, 50, 85, 120, 150]
    cells = [_at(x, 120, h) for x, h in zip(xs, head, strict=True)]
    for k, row in enumerate(rows):
        y = 125 + 4.5 * k + (2 if k == 2 else 0)  # the sum row a little apart
        cells += [_at(x, y, c) for x, c in zip(xs, row, strict=True)]
    v = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Kontor Feldmann GmbH", "Am Markt 3", "24103 Kiel"]),
        _at(15, 40, "Rechnung Nr. 2024-118 vom 04.06.2024"),
        *cells,
    )
    assert (v["net_total"], v["tax_total"], v["grand_total"]) == (150, 22.5, 172.5)
    assert v["invoice_number"] == "2024-118"
    assert v["issue_date"] == "2024-06-04"


def test_missing_net_follows_from_grand_and_tax(tmp_path: Path, invoice: TemplateSpec) -> None:
    v = _extract(
        tmp_path,
        invoice,
        _at(15, 15, "Cloudwise Hosting Ltd"),
        _at(15, 30, "Invoice Number: 7781"),
        _at(15, 36, "Invoice Date: 12 May 2024"),
        _at(15, 60, "Service charges"),
        _at(170, 60, "£48.20"),
        _at(15, 66, "VAT"),
        _at(170, 66, "£0.00"),
        _at(15, 72, "Total due"),
        _at(170, 72, "£48.20"),
    )
    assert (v["grand_total"], v["tax_total"], v["net_total"]) == (48.2, 0, 48.2)
    assert v["currency"] == "GBP"


def test_without_vat_heading_is_no_tax(tmp_path: Path, invoice: TemplateSpec) -> None:
    """'Ohne MwSt.' heads a net column; with no tax printed, the total is also the net."""
    v = _extract(
        tmp_path,
        invoice,
        _at(15, 15, "Datenwerk AG - Uferstraße 4 - 60311 Frankfurt"),
        *_rows(15, 25, ["Pine Labs Ltd.", "12 Queen's Road", "Hong Kong"]),
        _at(15, 50, "Rechnungsnr."),
        _at(50, 50, "884120"),
        _at(15, 55, "Rechnungsdatum"),
        _at(50, 55, "7. Mai 2024"),
        _at(30, 70, "Beschreibung"),
        _at(150, 70, "Preis"),
        _at(175, 70, "Betrag"),
        _at(150, 74, "Ohne"),
        _at(175, 74, "Ohne MwSt."),
        _at(150, 78, "MwSt."),
        _at(30, 84, "Exchange Postfach"),
        _at(150, 84, "5,39"),
        _at(175, 84, "5,39"),
        _at(30, 90, "Exchange Archiv"),
        _at(150, 90, "3,89"),
        _at(175, 90, "3,89"),
        _at(140, 100, "Total EUR"),
        _at(175, 100, "9,28"),
    )
    assert v.get("tax_total") is None
    assert (v["grand_total"], v["net_total"]) == (9.28, 9.28)
    assert v["seller_name"] == "Datenwerk AG"


def test_account_holder_is_the_seller(tmp_path: Path, invoice: TemplateSpec) -> None:
    """The recipient's block is the only one at the top; the seller is named as the holder of
    the account to pay."""
    v = _extract(
        tmp_path,
        invoice,
        *_rows(120, 30, ["ATELIER VERDIER", "Jeanne Verdier", "14 rue des Lilas", "69003 Lyon"]),
        _at(80, 60, "Facture n° 2024-3310"),
        _at(20, 66, "Date : 28/11/2024"),
        _at(120, 90, "Total HT :"),
        _at(175, 90, "46,68 €"),
        _at(120, 95, "TVA 20% :"),
        _at(175, 95, "9,34 €"),
        _at(120, 100, "Total TTC :"),
        _at(175, 100, "56,02 €"),
        _at(20, 120, "Virement"),
        _at(50, 120, "Banque Populaire – Titulaire du compte : PRESSELIEN"),
    )
    assert v["seller_name"] == "PRESSELIEN"
    assert v["buyer_name"] == "ATELIER VERDIER"
    assert (v["net_total"], v["tax_total"], v["grand_total"]) == (46.68, 9.34, 56.02)


def test_name_over_two_lines_and_salutation(tmp_path: Path, invoice: TemplateSpec) -> None:
    v = _extract(
        tmp_path,
        invoice,
        *_rows(20, 25, ["Nordstern Gegenseitige", "Versicherungskasse Kiel a.G."]),
        *_rows(20, 40, ["Frau", "Erika Beispiel", "Lindenweg 5", "24103 Kiel"]),
        *_rows(20, 62, ["Geschäftsstelle", "Holstenstraße 2", "24103 Kiel"]),
        _at(20, 85, "Beitragsrechnung Nr. 77.120.5"),
        _at(130, 85, "11. März 2024"),
        _at(20, 90, "Fälligkeitstag: 01.04.2024"),
        _at(20, 110, "Beitrag"),
        _at(150, 110, "220,00 €"),
        _at(20, 130, "Bitte überweisen Sie auf DE75123456780000001234, BIC WELADED1KIE."),
    )
    assert v["seller_name"] == "Nordstern Gegenseitige Versicherungskasse Kiel a.G."
    assert v["buyer_name"] == "Frau Erika Beispiel"
    assert v["due_date"] == "2024-04-01"
    assert v["iban"] == "DE75123456780000001234"  # made-up account: right length, no label


def test_letterhead_with_address_beats_a_tagline(tmp_path: Path, invoice: TemplateSpec) -> None:
    v = _extract(
        tmp_path,
        invoice,
        _at(150, 8, "Fine Furniture Since 1990"),
        *_rows(15, 14, ["Birchwood Interiors", "4557 Oak Street", "Fremont CA 94538"]),
        *_rows(120, 40, ["Harbor Office Supply", "215 Vine St", "Scranton PA 18503"]),
        _at(15, 62, "Invoice INV/2024/03/0008"),
        _at(120, 90, "Total"),
        _at(170, 90, "$ 279.84"),
    )
    assert v["seller_name"] == "Birchwood Interiors"
    assert v["buyer_name"] == "Harbor Office Supply"
    assert v["invoice_number"] == "INV/2024/03/0008"


@pytest.mark.parametrize(
    "lines, expected",
    [
        (
            [
                "Cedente/prestatore: Officine Rossi S.r.l.",
                "Cessionario/committente: Bar Centrale di Luca Bini",
                "Fattura n. 118/2024 del 15/03/2024",
                "Totale imponibile 100,00",
                "Totale IVA 22,00",
                "Totale documento 122,00",
            ],
            ("Officine Rossi S.r.l.", "Bar Centrale di Luca Bini", 100, 22, 122),
        ),
        (
            [
                "Emisor: Talleres Ruiz S.L.",
                "Cliente: Panadería La Espiga",
                "Factura nº F-2024-77",
                "Base imponible 200,00",
                "Cuota IVA 42,00",
                "Total factura 242,00",
            ],
            ("Talleres Ruiz S.L.", "Panadería La Espiga", 200, 42, 242),
        ),
    ],
)
def test_italian_and_spanish_labels(
    tmp_path: Path, invoice: TemplateSpec, lines: list[str], expected: tuple
) -> None:
    v = _extract(tmp_path, invoice, *_rows(15, 15, lines, step=6))
    assert (
        v["seller_name"],
        v["buyer_name"],
        v["net_total"],
        v["tax_total"],
        v["grand_total"],
    ) == expected


def test_provider_heading_skips_a_note(tmp_path: Path, invoice: TemplateSpec) -> None:
    v = _extract(
        tmp_path,
        invoice,
        _at(15, 15, "Invoice Number: 42183017"),
        _at(15, 21, "Invoice Date: August 3, 2024"),
        _at(15, 40, "Total for this invoice"),
        _at(170, 40, "$4.11"),
        *_rows(
            120,
            80,
            [
                "Service Provider:",
                "(Not to be used for payment remittance)",
                "Northwind Cloud Services, Inc.",
                "410 Terry Ave North",
                "Seattle, WA 98109",
            ],
            step=4,
        ),
    )
    assert v["seller_name"] == "Northwind Cloud Services, Inc."
    assert v["grand_total"] == 4.11


def test_snake_case_number_and_reference_to_earlier_invoice(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    v = _extract(
        tmp_path,
        invoice,
        _at(15, 15, "Maple Repairs"),
        _at(150, 15, "INVOICE"),
        _at(150, 22, "# invoice_number_7"),
        _at(15, 40, "Correction to invoice no. 6 of 01/12/2023"),
        _at(120, 60, "Amount Due:"),
        _at(170, 60, "$127.50"),
    )
    assert v["invoice_number"] == "invoice_number_7"
    assert v["grand_total"] == 127.5


def test_logo_cell_and_fiscal_representative(tmp_path: Path, invoice: TemplateSpec) -> None:
    """A 'LOGO' placeholder cell beside the seller, and a fiscal representative's block whose
    registered company is neither the seller nor the buyer."""
    v = _extract(
        tmp_path,
        invoice,
        _at(15, 10, "LOGO"),
        _at(30, 10, "LE FOURNISSEUR"),
        *_rows(15, 16, ["12 rue de la Paix", "75002 Paris"]),
        *_rows(110, 30, ["Représentant fiscal du vendeur", "TAXREP SAS", "5 avenue Foch"]),
        *_rows(15, 55, ["Acheteur", "LE CLIENT SA", "3 quai des Docs", "13002 Marseille"]),
        _at(15, 80, "FACTURE N° F20240023"),
        _at(15, 86, "Date : 12/02/2024"),
        _at(120, 110, "Total HT"),
        _at(170, 110, "1 000,00 €"),
        _at(120, 115, "TVA 20 %"),
        _at(170, 115, "200,00 €"),
        _at(120, 120, "Total TTC"),
        _at(170, 120, "1 200,00 €"),
    )
    assert (v["seller_name"], v["buyer_name"]) == ("LE FOURNISSEUR", "LE CLIENT SA")
    assert v["grand_total"] == 1200


def test_party_blocks_with_name_rows(tmp_path: Path, invoice: TemplateSpec) -> None:
    """Seller and buyer sections whose names sit in 'Firmenname:' rows, totals below them."""
    v = _extract(
        tmp_path,
        invoice,
        _at(15, 20, "Rechnung"),
        _at(15, 28, "Rechnungsnummer: 123456XX"),
        _at(15, 33, "Rechnungsdatum: 05.11.2024"),
        _at(15, 45, "Verkäufer"),
        _at(15, 51, "Firmenname:"),
        _at(60, 51, "Lieferant & Partner"),
        _at(15, 56, "Straße:"),
        _at(60, 56, "Lieferantengasse 1"),
        _at(110, 45, "Käufer"),
        _at(110, 51, "Firmenname:"),
        _at(150, 51, "Kundenhaus Nord"),
        _at(110, 56, "Straße:"),
        _at(150, 56, "Kundenweg 3"),
        _at(15, 80, "Summe Nettobeträge"),
        _at(80, 80, "314,86"),
        _at(15, 85, "Umsatzsteuer"),
        _at(80, 85, "22,04"),
        _at(15, 90, "Gesamtbetrag"),
        _at(80, 90, "336,90"),
    )
    assert (v["seller_name"], v["buyer_name"]) == ("Lieferant & Partner", "Kundenhaus Nord")
    assert (v["net_total"], v["tax_total"], v["grand_total"]) == (314.86, 22.04, 336.9)


def test_sender_line_above_the_window(tmp_path: Path, invoice: TemplateSpec) -> None:
    """A letter: the sender's line above the window names the seller (no legal form); the
    window block under it is the buyer, whose legal form must not make it the seller."""
    v = _extract(
        tmp_path,
        invoice,
        _at(15, 8, "Müller Elektrotechnik · Hauptstr. 5 · 80331 München"),
        *_rows(15, 15, ["Firma", "Schneider Bau GmbH", "z. Hd. Herrn Schneider", "Bahnhofstr. 10"]),
        _at(15, 33, "80335 München"),
        *_rows(130, 10, ["Müller Elektrotechnik", "Inh. Peter Müller", "Hauptstr. 5"]),
        _at(130, 23.5, "80331 München"),
        _at(15, 50, "Rechnung"),
        _at(130, 50, "Datum: 14.03.2024"),
        _at(15, 56, "Rechnungsnummer: 2024-0311"),
        _at(110, 90, "Nettobetrag"),
        _at(170, 90, "1.000,00 €"),
        _at(110, 95, "zzgl. 19% MwSt."),
        _at(170, 95, "190,00 €"),
        _at(110, 100, "Rechnungsbetrag"),
        _at(170, 100, "1.190,00 €"),
    )
    assert (v["seller_name"], v["buyer_name"]) == ("Müller Elektrotechnik", "Schneider Bau GmbH")
    assert (v["net_total"], v["tax_total"], v["grand_total"]) == (1000, 190, 1190)


def test_customer_details_heading_and_total_including_tax(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    v = _extract(
        tmp_path,
        invoice,
        _at(15, 10, "Distribuciones Sol"),
        *_rows(15, 15, ["Calle Mayor 12", "28013 Madrid"]),
        _at(110, 40, "Datos del cliente"),
        *_rows(110, 45, ["Hotel Las Palmas", "Avenida del Mar 3", "35001 Las Palmas"]),
        _at(15, 60, "Factura Nº: 2024/118"),
        _at(15, 65, "Fecha: 15/02/2024"),
        _at(15, 90, "Importe a pagar (incl. 21 % IVA)"),
        _at(170, 90, "1.210,00 €"),
    )
    assert (v["seller_name"], v["buyer_name"]) == ("Distribuciones Sol", "Hotel Las Palmas")
    assert v["grand_total"] == 1210
    assert v["invoice_number"] == "2024/118"


def test_postcode_letters_are_no_legal_form(tmp_path: Path, invoice: TemplateSpec) -> None:
    """'1234 AB Lutjebroek' is a Dutch postcode, not a company ('AB' is also a legal form)."""
    v = _extract(
        tmp_path,
        invoice,
        _at(15, 10, "Bakkerij De Molen"),
        *_rows(15, 15, ["Dorpsstraat 4", "1234 AB Lutjebroek"]),
        _at(110, 35, "Factuuradres"),
        *_rows(110, 40, ["Café Het Hoekje", "Kerkplein 2", "1611 AA Bovenkarspel"]),
        _at(15, 60, "Factuurnummer: 2024-0077"),
        _at(15, 65, "Factuurdatum: 05-03-2024"),
        _at(110, 90, "Subtotaal"),
        _at(170, 90, "S$ 300,00"),
        _at(110, 95, "BTW 9%"),
        _at(170, 95, "S$ 27,00"),
        _at(110, 100, "Totaal"),
        _at(170, 100, "S$ 327,00"),
    )
    assert (v["seller_name"], v["buyer_name"]) == ("Bakkerij De Molen", "Café Het Hoekje")
    assert (v["grand_total"], v["currency"]) == (327, "SGD")


def test_italian_e_invoice_rendering(tmp_path: Path, invoice: TemplateSpec) -> None:
    """Party sections with a remark after the heading and 'Denominazione:' rows; the VAT id
    under 'Identificativo fiscale ai fini IVA' is no tax amount."""
    v = _extract(
        tmp_path,
        invoice,
        _at(15, 20, "Cedente/prestatore (fornitore)"),
        *_rows(
            15,
            25,
            [
                "Identificativo fiscale ai fini IVA: IT01234567890",
                "Denominazione: ALPHA SRL",
                "Indirizzo: VIALE ROMA 543",
            ],
        ),
        _at(110, 20, "Cessionario/committente (cliente)"),
        *_rows(110, 25, ["Codice fiscale: 09876543210", "Denominazione: BETA GAMMA"]),
        _at(15, 60, "Numero documento"),
        _at(60, 60, "Data documento"),
        _at(15, 65, "123"),
        _at(60, 65, "18-12-2014"),
        _at(110, 100, "Importo totale documento"),
        _at(170, 100, "36,08"),
    )
    assert (v["seller_name"], v["buyer_name"]) == ("ALPHA SRL", "BETA GAMMA")
    assert (v["invoice_number"], v["issue_date"]) == ("123", "2014-12-18")
    assert v["grand_total"] == 36.08
    assert v.get("tax_total") is None


def test_credit_note_title_naming_the_earlier_invoice(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    v = _extract(
        tmp_path,
        invoice,
        _at(15, 10, "Werkzeug Lenz GmbH"),
        *_rows(15, 15, ["Ringstraße 9", "50667 Köln"]),
        _at(15, 40, "Gutschrift zur Rechnung Nr. 4000 vom 02.01.2024"),
        _at(15, 46, "Gutschriftsnummer: G-17"),
        _at(15, 51, "Datum: 15.01.2024"),
        _at(110, 80, "Gesamtbetrag"),
        _at(170, 80, "-59,50 €"),
    )
    assert v["invoice_number"] == "G-17"
    assert v["issue_date"] == "2024-01-15"


def test_an_iban_wrapped_in_a_narrow_footer_column(tmp_path: Path, invoice: TemplateSpec) -> None:
    v = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Mahlke Haustechnik GmbH", "Bremwaldring 139", "61837 Bremwalddorf"]),
        _at(15, 40, "Rechnung Nr. 2024-118"),
        _at(15, 46, "Datum: 04.09.2024"),
        _at(120, 80, "Gesamtbetrag"),
        _at(175, 80, "1.428,90 €"),
        *_rows(
            110, 270, ["Bankverbindung:", "IBAN: DE62 2694 2080 9397 2980", "63", "BIC: NDGWDEPP"]
        ),
        *_rows(160, 270, ["Amtsgericht Bremwalddorf", "HRB 28405", "USt-ID: DE978690736"]),
    )
    assert v["iban"] == "DE62269420809397298063"


def test_legal_names_in_brackets_behind_a_brand_and_in_a_capital_line(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    ug = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Ostloro UG (haftungsbeschränkt)", "Am Hafen 3", "20457 Hamburg"]),
        _at(15, 40, "Rechnung Nr. 2018-3076"),
        _at(120, 80, "Gesamtbetrag"),
        _at(175, 80, "317,55 €"),
    )
    assert ug["seller_name"] == "Ostloro UG (haftungsbeschränkt)"
    brand = _extract(
        tmp_path,
        invoice,
        _at(15, 15, "KORNIX"),
        _at(15, 40, "Invoice No. 4471"),
        _at(120, 80, "Total due"),
        _at(175, 80, "£120.00"),
        _at(15, 275, "Kornix is a trading name of KOV Software Ltd. Registered in England 0412345"),
    )
    assert brand["seller_name"].rstrip(".") == "KOV Software Ltd"
    capital = _extract(
        tmp_path,
        invoice,
        _at(15, 15, "Gironnet"),
        _at(15, 40, "Facture N° 2025-2311"),
        _at(120, 80, "Total TTC"),
        _at(175, 80, "860,65 €"),
        _at(15, 275, "EURL Gironnet – EURL au capital de 10 000 € – RCS Lyon 955 726 783"),
    )
    assert capital["seller_name"] == "EURL Gironnet"


def test_spanish_and_italian_number_and_date_labels(tmp_path: Path, invoice: TemplateSpec) -> None:
    es = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Tornillería Vidal S.L.", "Calle Mayor 12", "28013 Madrid"]),
        _at(15, 40, "FACTURA"),
        _at(15, 46, "N.º de factura: FAC2020-1960"),
        _at(15, 52, "Fecha de expedición: 21/02/2020"),
        _at(120, 80, "Total factura"),
        _at(175, 80, "1.210,00 €"),
    )
    assert (es["invoice_number"], es["issue_date"]) == ("FAC2020-1960", "2020-02-21")
    it = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Forniture Castini S.a.s.", "Via Roma 4", "20121 Milano"]),
        _at(15, 40, "FATTURA"),
        _at(15, 46, "N. documento: 1686/2022"),
        _at(15, 52, "Data documento: 14/03/2022"),
        _at(120, 80, "Totale documento"),
        _at(175, 80, "122,00 €"),
    )
    assert (it["invoice_number"], it["issue_date"]) == ("1686/2022", "2022-03-14")


def test_dates_of_other_documents_and_due_dates_in_payment_terms(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    es = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Tornillería Vidal S.L.", "Calle Mayor 12", "28013 Madrid"]),
        _at(15, 40, "Nº factura rectificativa R-2021/04595"),
        _at(15, 46, "Factura rectificada: 2021/04538 (28/04/2021)"),
        _at(15, 52, "Fecha emisión 24/05/2021"),
        _at(120, 80, "Total factura"),
        _at(175, 80, "1.210,00 €"),
        _at(15, 100, "Forma de pago: transferencia bancaria antes del 23/06/2021."),
    )
    assert (es["issue_date"], es["due_date"]) == ("2021-05-24", "2021-06-23")
    de = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Mahlke Haustechnik GmbH", "Bremwaldring 139", "61837 Bremwalddorf"]),
        _at(15, 40, "Rechnung Nr. 2025-118"),
        _at(15, 46, "Datum: 20.08.25"),
        _at(15, 60, "Montage gemäß Angebot Nr. 97831 vom 03.06.25, inkl. Anfahrt"),
        _at(120, 80, "Gesamtbetrag"),
        _at(175, 80, "1.428,90 €"),
    )
    assert de["issue_date"] == "2025-08-20"
    month_names = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Tornillería Vidal S.L.", "Calle Mayor 12", "28013 Madrid"]),
        _at(15, 40, "N.º de factura: FAC2017-0042"),
        _at(15, 46, "Fecha de expedición: 25 de febrero de 2017"),
        _at(15, 52, "Vencimiento: 27 de marzo de 2017"),
        _at(120, 80, "Total factura"),
        _at(175, 80, "1.210,00 €"),
    )
    assert (month_names["issue_date"], month_names["due_date"]) == ("2017-02-25", "2017-03-27")


def test_a_credit_note_states_its_amounts_unsigned(tmp_path: Path, invoice: TemplateSpec) -> None:
    cells = [
        _at(15, 15, "Eberbach Haustechnik KG"),
        _at(120, 15, "{title}"),
        _at(15, 40, "Rechnungsnummer: RE17/1725"),
        _at(15, 46, "Belegdatum: 24.06.2017"),
        _at(120, 80, "Nettobetrag"),
        _at(175, 80, "-972,13 €"),
        _at(120, 86, "USt. 20 %"),
        _at(175, 86, "-194,43 €"),
        _at(120, 92, "Gutschriftsbetrag"),
        _at(175, 92, "-1.166,56 €"),
    ]
    credit = _extract(tmp_path, invoice, *(c.format(title="Gutschrift") for c in cells))
    assert (credit["net_total"], credit["tax_total"], credit["grand_total"]) == (
        972.13,
        194.43,
        1166.56,
    )
    # a corrected invoice keeps the signs it prints (EN 16931 type 384, as the corpus labels it)
    corrected = _extract(tmp_path, invoice, *(c.format(title="Rechnungskorrektur") for c in cells))
    assert corrected["grand_total"] == -1166.56


def test_to_and_from_blocks_and_a_freelancer_who_signs(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    columns = _extract(
        tmp_path,
        invoice,
        _at(15, 10, "INVOICE"),
        *_rows(15, 20, ["To", "Kelwood Kelwood LLP", "Unit 1, Halmore Business Park", "CV24 6BZ"]),
        *_rows(120, 20, ["From", "Pemford & Sons Limited", "161 Thornham Road", "EX19 2NF"]),
        _at(15, 50, "Invoice #: SI-000405"),
        _at(120, 80, "Total"),
        _at(175, 80, "£705.40"),
    )
    assert (columns["buyer_name"], columns["seller_name"]) == (
        "Kelwood Kelwood LLP",
        "Pemford & Sons Limited",
    )
    freelancer = _extract(
        tmp_path,
        invoice,
        _at(15, 15, "Jana Gutberg"),
        *_rows(150, 15, ["Dornmeierstraße 162", "8671 Dornmeierdorf", "Steuer-Nr.: 55 540/2641"]),
        *_rows(
            15,
            45,
            ["Feldberg Gartenbau KG", "Abt. Einkauf", "Mahlbergring 87", "7884 Mahlbergburg"],
        ),
        _at(15, 75, "RECHNUNG"),
        _at(100, 75, "Rechnung Nr.: 003246"),
        _at(120, 100, "Bruttobetrag"),
        _at(175, 100, "€ 3.157,23"),
        *_rows(15, 120, ["Mit freundlichen Grüßen", "Jana Gutberg"]),
    )
    assert (freelancer["seller_name"], freelancer["buyer_name"]) == (
        "Jana Gutberg",
        "Feldberg Gartenbau KG",
    )


def test_a_french_freelancer_who_thanks_and_signs(tmp_path: Path, invoice: TemplateSpec) -> None:
    v = _extract(
        tmp_path,
        invoice,
        *_rows(
            15, 15, ["Antoine Rochonnet", "Développement web", "175 rue Lemard", "64720 Lemard"]
        ),
        *_rows(
            110, 45, ["Rochière et Fils SA", "168 avenue de la République", "31766 Sauvotcourt"]
        ),
        _at(15, 75, "Facture"),
        _at(15, 81, "N° de facture FAC-2024-2106"),
        _at(120, 100, "Total TTC"),
        _at(175, 100, "1 250,00 €"),
        *_rows(15, 120, ["Merci de votre confiance.", "Antoine Rochonnet"]),
    )
    assert (v["seller_name"], v["buyer_name"]) == ("Antoine Rochonnet", "Rochière et Fils SA")


def test_sender_line_with_a_comma_dutch_to_and_a_french_credit_note(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    sender = _extract(
        tmp_path,
        invoice,
        _at(20, 45, "Mahlmann Druckerei e.K. · Kettmeierallee 101, 27566 Kettmeierhausen"),
        *_rows(20, 52, ["Rosske Software GmbH", "Wartlerstraße 21", "54211 Wartleringen"]),
        _at(120, 30, "Mahlmann Druckerei"),
        _at(20, 80, "Rechnung Nr. RE-2022-81187"),
        _at(120, 100, "Gesamtsumme"),
        _at(175, 100, "9.200,84 EUR"),
    )
    assert (sender["seller_name"], sender["buyer_name"]) == (
        "Mahlmann Druckerei e.K.",
        "Rosske Software GmbH",
    )
    dutch = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Aan", "ICT Bergink B.V.", "Laan 12", "1234 AB Lutjebroek"]),
        *_rows(120, 15, ["Van", "Lumora Services B.V.", "Kade 3", "3011 AA Rotterdam"]),
        _at(15, 50, "Factuurnummer: F-2023-118"),
        _at(120, 100, "Totaal"),
        _at(175, 100, "€ 121,00"),
    )
    assert dutch["buyer_name"] == "ICT Bergink B.V."
    avoir = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["EURL Rochin", "95 rue Berot", "69846 Saint-Berot"]),
        _at(15, 40, "Avoir"),
        _at(15, 46, "N° d'avoir: AV-2022-2860"),
        _at(15, 52, "Avoir sur facture n° 2022-2800 du 18/08/2022"),
        _at(120, 100, "Total TTC"),
        _at(175, 100, "-1 462,16 €"),
    )
    assert (avoir["invoice_number"], avoir["grand_total"]) == ("AV-2022-2860", 1462.16)


def test_british_and_irish_letters_with_a_sender_line_over_the_window(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    # the sender line's postcode is a part of its own; the recipient's last line is a postcode
    # alone; both names have a legal form, and the recipient's is printed first
    uk = _extract(
        tmp_path,
        invoice,
        _at(20, 30, "Bromwick Halden LLP · 156 Fenton Street · Fentonchester · PR17 9FU"),
        *_rows(20, 37, ["Nexholt Ltd", "50 Fenridge Street", "Fenridgebury", "EX8 4ZL"]),
        _at(120, 15, "Bromwick Halden"),
        _at(20, 70, "Invoice no: SI-001264"),
        _at(120, 100, "Total due"),
        _at(175, 100, "£ 1,093.55"),
    )
    assert (uk["seller_name"], uk["buyer_name"]) == ("Bromwick Halden LLP", "Nexholt Ltd")
    irish = _extract(
        tmp_path,
        invoice,
        _at(20, 30, "Tarrow Limited · 100 Bromford Street, Bromfordwick, T12 S71A"),
        *_rows(20, 37, ["Pelham DAC", "62 Stanley Road", "Stanleyford", "D04 C83K"]),
        _at(20, 70, "Invoice Number INV-2020-29707"),
        _at(120, 100, "Total Due"),
        _at(175, 100, "EUR 427.41"),
    )
    assert (irish["seller_name"], irish["buyer_name"]) == ("Tarrow Limited", "Pelham DAC")
    # the account holder under 'Bank details' names the seller, without its label
    head = [
        *_rows(20, 15, ["Bradfield & Sons", "12 Wynn Road", "Wynnford", "LS7 2QP"]),
        _at(20, 80, "Invoice no: INV-3310"),
        _at(120, 100, "Amount Due"),
        _at(175, 100, "£16,067.90"),
    ]
    bank = ["Bank details", "Account name: Bradfield & Sons Limited", "Sort code: 57-34-38"]
    payee = _extract(
        tmp_path,
        invoice,
        *head,
        *_rows(20, 45, ["Invoice to", "James Bromley", "4 Mill Lane", "Millbury", "LS9 1QP"]),
        *_rows(20, 110, bank, step=4.4),
    )
    assert (payee["seller_name"], payee["buyer_name"]) == (
        "Bradfield & Sons Limited",
        "James Bromley",
    )
    # a British postcode ending in 'AB' is no Swedish company
    postcode = _extract(
        tmp_path,
        invoice,
        *head,
        *_rows(20, 45, ["Invoice to", "James Bromley", "4 Mill Lane", "Millbury", "LS9 1AB"]),
    )
    assert postcode["seller_name"] == "Bradfield & Sons"


def test_tax_labels_of_summaries_and_a_credit_notes_reference(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    swiss = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Tannberg Druck GmbH", "Kettweg 16", "9761 Kettfeld"]),
        _at(15, 40, "Rechnungs-Nr.: 2016-1184"),
        *_rows(
            110,
            80,
            ["Nettobetrag", "MwSt. 8%", "MwSt. 2.5%", "Total MWST", "Rechnungstotal"],
        ),
        *_rows(
            170,
            80,
            ["1'055.51 CHF", "16.95 CHF", "21.09 CHF", "38.04 CHF", "1'093.55 CHF"],
        ),
    )
    assert (swiss["tax_total"], swiss["grand_total"]) == (38.04, 1093.55)
    credit = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Halbury Consulting Ltd", "38 Halton Street", "Haltonchester"]),
        _at(15, 40, "Credit Note"),
        _at(15, 46, "Credit Note No. CN-00014"),
        _at(15, 52, "Date of issue 11/11/2020"),
        _at(15, 58, "Re: invoice no. 00001 of 09/10/2020"),
        _at(110, 100, "Credit total"),
        _at(170, 100, "-€16,293.21"),
    )
    assert (credit["invoice_number"], credit["issue_date"]) == ("CN-00014", "2020-11-11")


def test_a_small_business_invoice_without_vat(tmp_path: Path, invoice: TemplateSpec) -> None:
    # the rate and the amount share one cell under 'MwSt.'; 'keine Umsatzsteuer' in a sentence
    v = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Jonas Gutbrod", "Lindenstraße 79", "55717 Lindenheim"]),
        _at(15, 40, "Rechnungsnummer: R1801120"),
        _at(15, 60, "Beschreibung"),
        _at(120, 60, "Preis/Einh. MwSt."),
        _at(170, 60, "Gesamt"),
        _at(15, 66, "Montagearbeiten vor Ort"),
        _at(116, 66, "EUR 88,35"),
        _at(140, 66, "0 % EUR 530,10"),
        _at(15, 72, "Anfahrtspauschale"),
        _at(116, 72, "EUR 36,31"),
        _at(140, 72, "0 % EUR 36,31"),
        *_rows(110, 85, ["Zwischensumme", "Gesamtsumme"]),
        *_rows(170, 85, ["EUR 566,41", "EUR 566,41"]),
        _at(15, 100, "Gemäß § 19 UStG wird keine Umsatzsteuer berechnet."),
        _at(15, 105, "Zahlbar innerhalb von 30 Tagen ohne Abzug."),
    )
    assert (v["net_total"], v["grand_total"]) == (566.41, 566.41)
    assert v.get("tax_total") in (None, 0)


def test_numbers_of_other_documents_and_totals_are_no_invoice_number(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    head = [*_rows(15, 15, ["Culbury Trading Ltd", "109 Marwell Way", "Marwellham"])]
    grid = _extract(
        tmp_path,
        invoice,
        *head,
        *_rows(15, 40, ["Invoice no", "INV 065642"]),
        *_rows(60, 40, ["Customer ID", "370791"]),
        *_rows(110, 90, ["Net Total", "Invoice Total"]),
        *_rows(170, 90, ["€6,324.32", "€7,778.91"]),
        _at(15, 110, "Abschlag gem. Rechnung Nr. 20164454 vom 05.12.2016"),
        _at(15, 115, "Acompte reçu (facture n° FA2502529 du 20/02/2025)"),
        _at(15, 120, "Rif. fattura n. FT2019/564 del 17 agosto 2019"),
        _at(15, 125, "UID-Nr.: ATU19160844"),
    )
    assert (grid["invoice_number"], grid["grand_total"]) == ("INV 065642", 7778.91)
    # with no number printed, neither a total nor another document's number stands in
    totals = _extract(
        tmp_path,
        invoice,
        *head,
        *_rows(110, 90, ["Nettobetrag", "Rechnungstotal"]),
        *_rows(170, 90, ["CHF 19'646.37", "CHF 21'218.08"]),
        _at(15, 110, "abzüglich Abschlag gem. Rechnung Nr. 20164454 vom 05.12.2016"),
        _at(15, 115, "Acompte reçu (facture n° FA2502529 du 20/02/2025)"),
        _at(15, 120, "Rif. fattura n. FT2019/564 del 17 agosto 2019"),
        _at(15, 125, "UID-Nr.: ATU19160844"),
    )
    assert totals.get("invoice_number") is None
    assert totals["grand_total"] == 21218.08
    # a bare 'Nº' is the invoice's number unless what follows names another thing
    others = _extract(
        tmp_path,
        invoice,
        *head,
        _at(15, 40, "Nº de cliente: 17378"),
        _at(15, 45, "N° de commande : 2026-4286"),
        *_rows(110, 90, ["Base imponible", "Total factura"]),
        *_rows(170, 90, ["1.796,84 €", "2.174,18 €"]),
    )
    assert others.get("invoice_number") is None
    own = _extract(
        tmp_path,
        invoice,
        *head,
        _at(15, 40, "N° de la facture : FA-2026-0042"),
        _at(15, 45, "Nº de cliente: 17378"),
        *_rows(110, 90, ["Total HT", "Total TTC"]),
        *_rows(170, 90, ["1 796,84 €", "2 156,21 €"]),
    )
    assert own["invoice_number"] == "FA-2026-0042"


def test_a_right_aligned_letterhead_and_a_recipient_with_an_attention_line(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    right = '<div class="a" style="right:20mm; top:{}mm; text-align:right">{}</div>'
    v = _extract(
        tmp_path,
        invoice,
        *[
            right.format(30 + 4.5 * k, t)
            for k, t in enumerate(
                ["Lindau Metallbau GmbH", "Feldweg 8", "1694 Feldburg", "Tel. +41 780 889 66"]
            )
        ],
        *_rows(
            20,
            30,
            ["Dornau & Co. AG", "z. Hd. Frau Ulrike Brem", "Ebersgasse 120", "2611 Ebersburg"],
        ),
        _at(20, 60, "Belegnummer: R1600168"),
        _at(120, 100, "Rechnungsbetrag"),
        _at(175, 100, "CHF 1'893.02"),
    )
    assert (v["seller_name"], v["buyer_name"]) == ("Lindau Metallbau GmbH", "Dornau & Co. AG")
    # a freelancer's right-aligned address ends with a town over its postcode: no buyer there
    uk = _extract(
        tmp_path,
        invoice,
        _at(20, 15, "Hannah Wynbrook"),
        *[
            right.format(15 + 4.5 * k, t)
            for k, t in enumerate(["58 Bradton Road", "Bradtonwick", "PR24 7SR"])
        ],
        *_rows(20, 45, ["Tarmeeon Ltd", "74 Halfield Way", "Halfieldchester", "LS13 3BR"]),
        _at(20, 70, "Invoice # SI-003103"),
        _at(120, 100, "Total Due"),
        _at(175, 100, "18,781.98 GBP"),
        *_rows(20, 120, ["Thank you for your business!", "Hannah Wynbrook"]),
    )
    assert (uk["seller_name"], uk["buyer_name"]) == ("Hannah Wynbrook", "Tarmeeon Ltd")


def test_swiss_francs_dutch_terms_and_a_quotations_date_wrapped_onto_its_own_line(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    swiss = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Kolbau Druck GmbH", "Brem gasse 46", "4344 Bremfeld"]),
        _at(15, 40, "Rechnungsnummer: RE-2023-00543"),
        *_rows(110, 90, ["Warenwert netto", "MwSt. 7.7 %", "Rechnungstotal"]),
        *_rows(170, 90, ["Fr. 1'223.50", "Fr. 94.21", "Fr. 1'317.71"]),
    )
    assert (swiss["currency"], swiss["grand_total"]) == ("CHF", 1317.71)
    dutch = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Tarvion B.V.", "Boschlaan 69", "9600 NN Boschveen"]),
        _at(15, 40, "Factuurnummer: 2021.3939"),
        _at(15, 46, "Factuurdatum: 7 februari 2021"),
        _at(110, 90, "Totaal"),
        _at(170, 90, "€33.855,79"),
        _at(
            15, 100, "Betalingsvoorwaarden: gelieve het bedrag vóór 21 februari 2021 over te maken."
        ),
    )
    assert (dutch["issue_date"], dutch["due_date"]) == ("2021-02-07", "2021-02-21")
    us = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Ashby & Culworth, Inc.", "373 Marwell Blvd", "Marwellfield, WI 62178"]),
        _at(120, 15, "Invoice #: 03013"),
        _at(120, 20, "Date: Jun 2, 2020"),
        *_rows(15, 60, ["Annual boiler service – as per quotation Q-31746", "dated Mar 4, 2020"]),
        _at(170, 60, "226.03"),
        _at(110, 90, "Amount Due"),
        _at(170, 90, "$226.03"),
    )
    assert us["issue_date"] == "2020-06-02"


def test_dates_of_credited_invoices_and_of_quotations_in_item_rows(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    v = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Kornbury Group plc", "79 Fenridge Road", "Fenridgeton", "LS28 3AJ"]),
        _at(15, 40, "CREDIT NOTE"),
        _at(15, 46, "Invoice Number: SI-002116"),
        _at(15, 52, "Account No.: 108237"),
        _at(15, 58, "Date: 23/04/2023"),
        _at(15, 64, "Credit against invoice SI-002106 dated 16/04/2023"),
        _at(15, 70, "1"),
        *_rows(22, 70, ["Cat6 network cable – as per quotation 31448", "dated 09/03/2023, incl."]),
        _at(170, 70, "-213.87 GBP"),
        _at(110, 90, "Credit total"),
        _at(170, 90, "-213.87 GBP"),
    )
    assert v["issue_date"] == "2023-04-23"


def test_the_bank_paid_is_no_seller_and_a_trading_name_wrapped_before_its_form(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    bank = _extract(
        tmp_path,
        invoice,
        _at(20, 15, "Wickham Harbury"),
        _at(20, 70, "Invoice No. SI-000777"),
        _at(120, 90, "Total"),
        _at(175, 90, "6,698.90 GBP"),
        *_rows(
            20,
            110,
            [
                "Bank details",
                "Account name: Wickham Harbury LLP",
                "Sort code: 50-52-71 · Account no: 01423516",
                "Wickton Bank plc",
                "IBAN: GB46 INEV 5466 2949 0289 29",
            ],
            step=4.4,
        ),
    )
    assert bank["seller_name"] == "Wickham Harbury LLP"
    trading = _extract(
        tmp_path,
        invoice,
        _at(20, 15, "Tarvent"),
        _at(20, 70, "Invoice No. INV20161213"),
        _at(120, 90, "Total Due"),
        _at(175, 90, "€1,129.74"),
        *_rows(
            20,
            110,
            ["Tarvent is a trading name of TAN Engineering", "Limited.", "Unit 6, Fenwood Park"],
            step=4.4,
        ),
    )
    assert trading["seller_name"].rstrip(".") == "TAN Engineering Limited"


def test_a_brands_legal_owner_and_a_short_names_registered_form_are_the_seller(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """The sender line names a brand ('SOLVEIA'); the footer says whose brand it is, in a
    sentence that wraps before the legal form, or prints the short name's registered form."""

    def letter(sender: str, footer: list[str]) -> dict[str, Any]:
        return _extract(
            tmp_path,
            invoice,
            _at(20, 10, f"Customer Service · {sender}"),
            _at(20, 40, f"{sender} · Kundenservice · Hafenweg 12 · 52378 Ebersdorf"),
            *_rows(20, 46, ["Katrin Kettwald", "Am Ebermeierhof 124", "54363 Ebermeierheim"]),
            _at(20, 70, "Rechnungs-Nr. 002761"),
            _at(120, 90, "Endbetrag"),
            _at(175, 90, "1.190,00 €"),
            *_rows(20, 240, footer, step=4.4),
        )

    owner = letter(
        "SOLVEIA",
        [
            "SOLVEIA Kundenservice",
            "SOLVEIA ist eine Marke der RPN Elektrotechnik",
            "GmbH.",
            "Hafenweg 12, 52378 Ebersdorf",
        ],
    )
    assert owner["seller_name"] == "RPN Elektrotechnik GmbH"
    spanish = letter("TALVENO", ["TALVENO es una marca de Talveno España", "S.A..", "CIF: X"])
    assert spanish["seller_name"] == "Talveno España S.A."
    registered = letter(
        "Brenner Holzbau", ["Brenner Holzbau GmbH", "Hafenweg 12", "Amtsgericht Ebersdorf HRB 1"]
    )
    assert registered["seller_name"] == "Brenner Holzbau GmbH"


def test_a_name_labelled_as_the_seller_is_not_completed_from_elsewhere(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'Name: MUSTER-Werkstatt' under 'Verkäufer' is the seller as the invoice names it, even
    where a legal form follows the same name elsewhere."""
    v = _extract(
        tmp_path,
        invoice,
        *_rows(
            20,
            20,
            [
                "Verkäufer",
                "Name: Brenner-Werkstatt",
                "Anschrift: Musterstr. 99",
                "99199 Musterhausen",
            ],
        ),
        _at(20, 70, "Rechnung Nr. 4711"),
        _at(120, 90, "Gesamtbetrag"),
        _at(175, 90, "119,00 €"),
        _at(20, 250, "Brenner-Werkstatt GmbH · Musterstr. 99 · 99199 Musterhausen"),
    )
    assert v["seller_name"] == "Brenner-Werkstatt"


def test_numbers_in_their_years_series_phone_numbers_and_credit_note_numbers(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'Fattura n.: 2303/2020' is a number, not 23 March 2020; a toll-free number's '+39' is
    no invoice number; credit notes and corrections have numbers of their own."""
    italian = _extract(
        tmp_path,
        invoice,
        _at(20, 10, "Servizio Clienti · Numero verde +39 307 513 3726"),
        _at(20, 40, "Galesi & C. S.n.c."),
        _at(20, 70, "Fattura n.: 2303/2020"),
        _at(20, 75, "Data fattura: 14/07/2020"),
        _at(20, 80, "N. ordine: B93969707"),
        _at(120, 90, "Totale"),
        _at(175, 90, "119,00 €"),
    )
    assert italian["invoice_number"] == "2303/2020"
    assert italian["issue_date"] == "2020-07-14"
    credit = _extract(
        tmp_path,
        invoice,
        _at(20, 60, "NOTA DI CREDITO"),
        _at(20, 66, "Nota di credito n.: 4262/19"),
        _at(20, 71, "Rif. fattura n. 4251/19 del 17.03.2019"),
        _at(120, 90, "Totale documento"),
        _at(175, 90, "-119,00 €"),
    )
    assert credit["invoice_number"] == "4262/19"
    partial = _extract(
        tmp_path,
        invoice,
        _at(20, 60, "Nota di credito"),
        _at(20, 66, "Numero: NC-2618/2020"),
        _at(20, 71, "Storno parziale fattura n. 2580/2019 del 11/11/2019"),
        _at(120, 90, "Totale"),
        _at(175, 90, "-119,00 €"),
    )
    assert partial["invoice_number"] == "NC-2618/2020"
    correction = _extract(
        tmp_path,
        invoice,
        _at(20, 60, "Rechnungskorrektur"),
        _at(20, 66, "Korrektur-Nr.:"),
        _at(50, 66, "R2100400"),
        _at(20, 71, "Storno der Rechnung R2100345 vom 24. Juli 2021"),
        *_rows(
            20, 80, ["Kupferrohr 15 mm, hart – Ausführung gemäß", "Angebot Nr. 86384 vom 26. Mai"]
        ),
        _at(120, 90, "Korrekturbetrag gesamt"),
        _at(175, 90, "-119,00 €"),
    )
    assert correction["invoice_number"] == "R2100400"


def test_a_quotations_date_after_its_number_on_a_wrapped_item_line(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'as per quotation' over 'AN-88671 dated 18-Jul-2020': the quotation's date."""
    v = _extract(
        tmp_path,
        invoice,
        _at(20, 40, "Date: 03-Oct-2020"),
        _at(20, 45, "Invoice no: INV-2020-118"),
        *_rows(20, 60, ["Delivery charge – as per quotation", "AN-88671 dated 18-Jul-2020"]),
        *_rows(20, 75, ["Montage gemäß Angebot", "Nr. Q-13887 vom 01.03.2017"]),
        _at(120, 90, "Total"),
        _at(175, 90, "€119.00"),
    )
    assert v["issue_date"] == "2020-10-03"


def test_legal_forms_with_accents_and_more_letters_stay_whole(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'Sàrl', 'e.K.', 'S.L.U.' and 'S.r.l.s.' are legal forms, kept whole before a sender
    line's middle dot; '& Co.' alone is not yet the registered name."""

    def seller(*cells: str) -> str:
        v = _extract(
            tmp_path,
            invoice,
            *cells,
            _at(20, 70, "Invoice no. 4711"),
            _at(120, 90, "Total"),
            _at(175, 90, "119.00 EUR"),
        )
        return v["seller_name"]

    assert seller(_at(20, 10, "Calnoux"), *_rows(20, 16, ["Calnoux Sàrl", "Route 157"])) == (
        "Calnoux Sàrl"
    )
    assert seller(_at(20, 40, "Korent S.L.U. · Paseo de Casuelo, 121, 30846 Casueloena")) == (
        "Korent S.L.U."
    )
    assert seller(_at(20, 40, "Zernoano S.r.l.s. · Viale Ferotti 2, 93193 Ferottiello (FI)")) == (
        "Zernoano S.r.l.s."
    )
    assert (
        seller(
            _at(20, 40, "Tannner Bürotechnik · Hafenweg 12 · 52378 Ebersdorf"),
            _at(20, 250, "Tannner Bürotechnik e.K."),
        )
        == "Tannner Bürotechnik e.K."
    )
    assert (
        seller(
            _at(20, 40, "Kettbach & Co. · Hafenweg 12 · 52378 Ebersdorf"),
            _at(20, 250, "Kettbach & Co. AG"),
        )
        == "Kettbach & Co. AG"
    )


def test_a_department_line_between_the_recipient_and_its_attention_line(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'Abt. Einkauf', 'Buchhaltung / Kreditoren' or 'Purchase Ledger' between the recipient's
    name and 'z. Hd.' or 'FAO': the name above is the buyer."""
    v = _extract(
        tmp_path,
        invoice,
        _at(20, 10, "Calloion"),
        _at(20, 40, "Calloion AG · Guthardtweg 30 · 88237 Guthardtingen"),
        *_rows(
            20,
            46,
            [
                "Tannhofer & Kettler GmbH & Co. KG",
                "Abt. Einkauf",
                "z. Hd. Herrn Lukas Kolbmeier",
                "Steinkeweg 88",
                "23285 Steinkefeld",
            ],
        ),
        _at(20, 75, "Belegnummer: 20241238"),
        _at(120, 90, "Gesamtbetrag"),
        _at(175, 90, "119,00 €"),
    )
    assert v["buyer_name"] == "Tannhofer & Kettler GmbH & Co. KG"
    assert v["seller_name"] == "Calloion AG"
    for department, attention in (
        ("Buchhaltung / Kreditoren", "z. Hd. Frau Jana Dornmeier"),
        ("Purchase Ledger", "FAO Mr James Pemwood"),
    ):
        v = _extract(
            tmp_path,
            invoice,
            _at(20, 40, "Calloion AG · Guthardtweg 30 · 88237 Guthardtingen"),
            *_rows(20, 46, ["Nexmeora AG", department, attention, "Tannring 35", "5283 Tannheim"]),
            _at(20, 75, "Belegnummer: 20241238"),
            _at(120, 90, "Gesamtbetrag"),
            _at(175, 90, "119,00 €"),
        )
        assert v["buyer_name"] == "Nexmeora AG"


def test_the_block_with_the_invoices_e_mail_is_the_sellers_and_fao_is_an_attention_line(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """A recipient block printed first and the sender's block under it, with the sender's
    e-mail address; an Irish 'DAC' sender over a recipient 'FAO' someone."""
    dutch = _extract(
        tmp_path,
        invoice,
        _at(20, 10, "FACTUUR"),
        *_rows(20, 20, ["Rixent B.V.", "Weyhuislaan 168", "1603 CD Weyhuiswijk"]),
        *_rows(
            20,
            40,
            [
                "Brinker Techniek B.V.",
                "Bergemagracht 111",
                "4251 DS Bergemadijk",
                "Tel. +31 415 837 5472 · facturen@brinkertechnie.nl",
            ],
        ),
        _at(20, 65, "Factuurnr. INV-01562"),
        _at(120, 90, "Totaal"),
        _at(175, 90, "€ 119,00"),
    )
    assert (dutch["seller_name"], dutch["buyer_name"]) == ("Brinker Techniek B.V.", "Rixent B.V.")
    irish = _extract(
        tmp_path,
        invoice,
        _at(20, 10, "INVOICE"),
        *_rows(20, 20, ["Zerloent DAC", "73 Ashwell Road", "Ashwellford", "T12 L55D"]),
        *_rows(20, 45, ["Hartwood Trading Ltd", "FAO Mr James Ashwood", "Pemfieldwick"]),
        _at(20, 65, "Invoice No. INV20172238"),
        _at(120, 90, "Total"),
        _at(175, 90, "€119.00"),
    )
    assert (irish["seller_name"], irish["buyer_name"]) == ("Zerloent DAC", "Hartwood Trading Ltd")


def test_a_brand_in_the_sender_line_gives_way_to_the_registered_company_in_the_footer(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    v = _extract(
        tmp_path,
        invoice,
        _at(20, 10, "Servizio Clienti · kundenservice@korloeon.it"),
        _at(20, 40, "KORLOEON · Servizio Clienti · Corso Serucci 97 · 13676 Serucciello (MI)"),
        *_rows(20, 46, ["Castetti & C. S.n.c.", "Viale Ferato 160", "61849 Feratoello (PD)"]),
        _at(20, 70, "Fattura n. FT2021/263"),
        _at(120, 90, "Totale documento"),
        _at(175, 90, "13.547,03 €"),
        *_rows(
            20,
            240,
            [
                "KORLOEON Servizio Clienti",
                "KMM Meccanica S.p.A.",
                "Corso Serucci 97",
                "13676 Serucciello (MI)",
                "REA MI-202616",
                "P.IVA: IT27612008892",
            ],
            step=4.4,
        ),
    )
    assert v["seller_name"] == "KMM Meccanica S.p.A."
    assert v["buyer_name"] == "Castetti & C. S.n.c."


def test_a_small_business_invoice_citing_its_vat_exemption_has_net_equal_to_total(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'Kein Ausweis der Umsatzsteuer ... gem. § 19 UStG': '§ 19' is no tax amount, no tax is
    charged, so the net total is the total."""
    v = _extract(
        tmp_path,
        invoice,
        *_rows(
            20, 15, ["Felix Mahlwald", "Webentwicklung", "Bremmannring 60", "94436 Bremmanndorf"]
        ),
        _at(20, 60, "Rechnungsnummer: 20172950"),
        _at(120, 90, "Rechnungsbetrag EUR"),
        _at(175, 90, "3.791,78"),
        _at(
            20,
            100,
            "Kein Ausweis der Umsatzsteuer aufgrund der Kleinunternehmerregelung gem. § 19 UStG.",
        ),
    )
    assert (v["grand_total"], v["net_total"]) == (3791.78, 3791.78)
    assert v.get("tax_total") in (None, 0)


def test_street_words_inside_names_and_a_dutch_credit_notes_number(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'rue' inside 'Informática Moruelo' and 'laan' inside 'Laand' are no streets, so the name
    over the street stays the recipient; 'Betreft factuur' names another invoice."""
    spanish = _extract(
        tmp_path,
        invoice,
        _at(20, 40, "LUMNIX · Atención al Cliente · Paseo de Pinana, 113 · 27882 Pinanaales"),
        *_rows(20, 46, ["Informática Moruelo S.L.", "Paseo de Barana, 114", "38614 San Baranaena"]),
        _at(20, 70, "Número de factura: 2024/04061"),
        _at(120, 90, "Total"),
        _at(175, 90, "119,00 €"),
        *_rows(20, 240, ["LUMNIX es una marca de LOA Construcciones", "S.A."]),
    )
    assert spanish["buyer_name"] == "Informática Moruelo S.L."
    dutch = _extract(
        tmp_path,
        invoice,
        _at(20, 40, "Pelmero B.V. · Dijkhoflaan 119 · 2029 LW Dijkhofveen"),
        *_rows(20, 46, ["Imprimerie Laand B.V.", "Dijkkensstraat 103", "1665 BG Dijkkenshorst"]),
        _at(20, 62, "Creditnota"),
        _at(20, 68, "Creditnotanummer: CN-201701092"),
        _at(20, 74, "Betreft factuur 201701035 van 17 juli 2017"),
        _at(120, 90, "Totaal"),
        _at(175, 90, "€ -119,00"),
    )
    assert dutch["buyer_name"] == "Imprimerie Laand B.V."
    assert dutch["invoice_number"] == "CN-201701092"


def test_a_brand_owner_named_services_a_correcting_verb_and_a_units_line(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'Services' alone is no registered form, so the 'GmbH.' wrapped below completes the brand's
    owner; 'Rectifica la factura nº' names the corrected invoice; 'Unit 2, ...' in a
    letterhead's address is no recipient's name (a freelancer who signs with the letterhead's
    name is the seller)."""
    german = _extract(
        tmp_path,
        invoice,
        _at(20, 40, "Tolvaris · Kundenservice · Postfach 22 88 · 16366 Rosskehausen"),
        *_rows(20, 46, ["Tovux UG (haftungsbeschränkt)", "Mahlweg 178", "25546 Mahlstadt"]),
        _at(20, 70, "Rechnungs-Nr.: 2016-0775"),
        _at(120, 90, "Gesamtbetrag"),
        _at(175, 90, "2.827,15 EUR"),
        *_rows(20, 240, ["Tolvaris ist eine Marke der Tolvaris Services", "GmbH."]),
    )
    assert german["seller_name"] == "Tolvaris Services GmbH"
    spanish = _extract(
        tmp_path,
        invoice,
        _at(20, 40, "Arvenia Ibérica S.L. · Avenida de Serado, 167 · 49586 San Seradoena"),
        *_rows(20, 46, ["Instalaciones Morera S.L.", "Avenida de Serado, 8", "40161 Serado"]),
        _at(20, 70, "FACTURA RECTIFICATIVA"),
        _at(20, 76, "Número de factura"),
        _at(70, 76, "F23-3483"),
        _at(20, 82, "Rectifica la factura nº F23-3424 de 11-04-2023"),
        _at(120, 100, "Total factura rectificativa"),
        _at(175, 100, "-496,05 EUR"),
    )
    assert spanish["invoice_number"] == "F23-3483"
    english = _extract(
        tmp_path,
        invoice,
        _at(20, 12, '<span style="font-size: 20pt">Daniel Marfield</span>'),
        *_rows(130, 12, ["Unit 2, Culby Business Park", "Culbybury", "NG28 4GJ"]),
        *_rows(20, 45, ["Halridge Engineering Ltd", "138 Wynley Street", "Wynleyford", "CV28 3LR"]),
        _at(20, 70, "Invoice No.: INV20192755"),
        _at(120, 90, "Invoice Total"),
        _at(175, 90, "£5,567.24"),
        _at(20, 120, "Thank you for your business!"),
        _at(20, 126, "Daniel Marfield"),
    )
    assert english["seller_name"] == "Daniel Marfield"
    assert english["buyer_name"] == "Halridge Engineering Ltd"


def test_order_dates_beside_the_invoice_date_and_a_partnerships_legal_form(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """A header row 'Data ordine' over the order's date is no invoice date ('Data' under
    'N. documento' is); 'V.O.F.' makes a Dutch partnership the seller over its customer."""
    italian = _extract(
        tmp_path,
        invoice,
        _at(20, 40, "Pelnoano S.p.A. · Viale Pellucci 131, 48335 Pellucciano (MI)"),
        *_rows(20, 46, ["Francesca Branotti", "Viale Seresi 4", "98048 Seresiano (BO)"]),
        _at(20, 70, "Data ordine"),
        _at(70, 70, "Codice cliente"),
        _at(20, 75, "11 settembre 2018"),
        _at(70, 75, "216129"),
        _at(20, 82, "N. documento"),
        _at(70, 82, "Data"),
        _at(20, 87, "FT 068837"),
        _at(70, 87, "27 settembre 2018"),
        _at(120, 100, "Totale fattura"),
        _at(175, 100, "248,51 €"),
    )
    assert italian["issue_date"] == "2018-09-27"
    dutch = _extract(
        tmp_path,
        invoice,
        *_rows(20, 12, ["Van den Weyhof & De Veldeink V.O.F.", "Houthofweg 78", "4245 BL Houthof"]),
        _at(20, 30, "Factuurnr.: 202104704"),
        *_rows(20, 45, ["Lumdesys Groep N.V.", "Boschhofweg 177", "3395 PS Boschhofhoven"]),
        _at(20, 65, "Uiterste betaaldatum: 25-10-2021"),
        _at(120, 90, "Totaalbedrag"),
        _at(175, 90, "EUR 10.223,21"),
    )
    assert dutch["seller_name"] == "Van den Weyhof & De Veldeink V.O.F."
    assert dutch["buyer_name"] == "Lumdesys Groep N.V."
    assert dutch["due_date"] == "2021-10-25"


def test_an_austrian_partnership_under_von_and_a_one_letter_series(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'OG' is an Austrian partnership's legal form; the name under a 'Von' heading is the
    seller (the heading is no name); 'F 082226' under 'Factuurnr.' keeps its series letter."""
    austrian = _extract(
        tmp_path,
        invoice,
        _at(20, 10, "RECHNUNG"),
        *_rows(20, 20, ["Rechnungsempfänger", "Rossler Logistik KG", "Rossgasse 45", "4173 Ross"]),
        *_rows(110, 20, ["Von", "Bremmeier & Wendwald OG", "Bremlerweg 111", "2564 Bremlerfeld"]),
        _at(20, 50, "Rechnungsnummer: 2021-3132"),
        _at(120, 90, "Gesamtbetrag"),
        _at(175, 90, "€ 12.154,32"),
        _at(20, 100, "Zahlbar innerhalb von 60 Tagen"),
    )
    assert austrian["seller_name"] == "Bremmeier & Wendwald OG"
    assert austrian["buyer_name"] == "Rossler Logistik KG"
    dutch = _extract(
        tmp_path,
        invoice,
        _at(20, 10, "Lumdero Groep N.V. · Molenhuisweg 66, 7883 AM Molenhuishorst"),
        *_rows(20, 16, ["Velnonix Groep N.V.", "Brinkkenslaan 1", "2761 LP Brinkkensdam"]),
        _at(20, 40, "Factuurnr."),
        _at(60, 40, "Leverdatum"),
        _at(20, 45, "F 082226"),
        _at(60, 45, "20-03-2022"),
        _at(120, 90, "Totaalbedrag"),
        _at(175, 90, "€ 1.837,00"),
    )
    assert dutch["invoice_number"] == "F 082226"


def test_a_vat_exempt_invoice_has_its_total_as_net_and_no_tax_from_a_rate_column(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'TVA non applicable, art. 293 B du CGI' and only 'Montant TTC': the net is the total;
    the '0 %' under the wrapped 'Taux' over 'TVA' heading shares a cell with the unit price
    ('0,32 0 %'), which is no tax amount."""
    v = _extract(
        tmp_path,
        invoice,
        *_rows(20, 12, ["Thibault Morard", "116 avenue de la République", "21631 SAINT-ROCH"]),
        *_rows(110, 40, ["Luc Marin", "103 allée Moronnet", "83620 Moronnet-sur-Loire"]),
        _at(20, 60, "Facture n°: F2020-1183"),
        _at(124, 75, "P.U."),
        _at(131, 75, "Taux"),
        _at(131, 79, "TVA"),
        _at(160, 75, "Montant"),
        _at(160, 79, "HT"),
        _at(20, 86, "Impression dépliants A5 quadri"),
        _at(80, 86, "1872 u."),
        _at(124, 86, "0,32 0 %"),
        _at(160, 86, "599,04"),
        _at(20, 92, "Prestation de conseil"),
        _at(80, 92, "1,5 h"),
        _at(120, 92, "106,16 0 %"),
        _at(160, 92, "159,24"),
        _at(120, 104, "Montant TTC 758,28 €"),
        _at(20, 112, "TVA non applicable, art. 293 B du CGI"),
    )
    assert v["grand_total"] == 758.28 and v["net_total"] == 758.28
    assert "tax_total" not in v


def test_a_sender_line_wrapped_in_small_print_still_marks_the_window(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """The brand's sender line wraps its town onto a second small line ('Rixsys · … · 20435'
    over 'Lloranaena'): the block below is still the window's recipient, so the buyer, and the
    brand gives way to the registered company in the footer."""
    small = '<span style="font-size: 7pt">{}</span>'
    v = _extract(
        tmp_path,
        invoice,
        _at(20, 15, '<span style="font-size: 20pt">Rixsys</span>'),
        _at(20, 40, small.format("Rixsys · Atención al Cliente · Avenida de Llorana, 19 · 20435")),
        _at(20, 43, small.format("Lloranaena")),
        *_rows(20, 50, ["Zerrisys S.A.", "Paseo de Morero, 4", "22752 San Moreroilla"]),
        _at(95, 50, "Número de factura: 2023/04716"),
        _at(120, 90, "Importe total"),
        _at(175, 90, "20.889,88 €"),
        *_rows(20, 240, ["ROT Construcciones S.A.", "Avenida de Llorana, 19", "NIF: X"]),
    )
    assert v["buyer_name"] == "Zerrisys S.A."
    assert v["seller_name"] == "ROT Construcciones S.A."


def test_the_seller_is_the_block_whose_name_the_email_domain_spells(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """Two unlabelled blocks side by side, both '… Software Ltd': the right one carries the
    contact address 'billing@hartbysoftware.co.uk'. Both names share the domain's common noun,
    but only 'Hartby Software Ltd' spells all of it, so it is the seller."""
    v = _extract(
        tmp_path,
        invoice,
        *_rows(20, 20, ["Pemham Software Ltd", "31 Wickley Road", "Wickleywick", "EX24 9XP"]),
        *_rows(110, 20, ["Hartby Software Ltd", "31 Stanley Street", "Stanleybury", "EX1 8RA"]),
        _at(110, 38, "Tel +44 322 666 3154 · billing@hartbysoftware.co.uk"),
        _at(20, 55, "Invoice Number: INV20193650 | Date: 04-Jan-2019"),
        _at(120, 90, "Total"),
        _at(175, 90, "12,214.64 GBP"),
    )
    assert v["seller_name"] == "Hartby Software Ltd"
    assert v["buyer_name"] == "Pemham Software Ltd"


def test_a_total_column_heading_over_line_items_gives_no_document_total(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'Total HT' and 'TVA' head the items' columns: the first row's amounts under them
    ('411,75 EUR' beside 'Main d'œuvre sur site') are a line's, so the invoice, which charges
    no VAT, has its 'Montant TTC' as net and no tax. The second row's price and amount run
    together, so the column cannot be summed."""
    v = _extract(
        tmp_path,
        invoice,
        *_rows(20, 12, ["Julien Morand", "32 place de la Fontaine", "23275 SAINT-MAROT"]),
        *_rows(20, 40, ["Informatique Charin SARL", "41 rue Fourand", "46885 Fourandcourt"]),
        _at(20, 60, "Facture N° F2025-4076"),
        _at(20, 75, "Description"),
        _at(90, 75, "Quantité"),
        _at(140, 75, "TVA"),
        _at(160, 75, "Total HT"),
        _at(20, 82, "Main d'œuvre sur site"),
        _at(90, 82, "7,5 h"),
        _at(115, 82, "54,90 EUR 0 %"),
        _at(160, 82, "411,75 EUR"),
        _at(20, 88, "Licence logiciel annuelle"),
        _at(90, 88, "22 u."),
        _at(115, 88, "438,74 EUR 0 % 9 652,28 EUR"),  # one cell: the columns ran together
        _at(120, 100, "Montant TTC 10 064,03 EUR"),
        _at(20, 110, "TVA non applicable, art. 293 B du CGI"),
    )
    assert v["grand_total"] == 10064.03 and v["net_total"] == 10064.03
    assert "tax_total" not in v


def test_a_registered_name_in_a_footer_row_of_numbers_and_kilograms_are_no_legal_form(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """The brand 'Tannmeier Software' heads the page and its sender line; the footer's first
    column names the company, 'Tannmeier Software KG', on a row whose other columns hold a phone
    and a register number (a footer, not a table row). 'kg' after a quantity
    ('Fliesenkleber flexibel, 25-kg-Sack') is kilograms, not a limited partnership."""
    small = '<span style="font-size: 7pt">{}</span>'
    v = _extract(
        tmp_path,
        invoice,
        _at(110, 18, '<span style="font-size: 18pt">Tannmeier Software</span>'),
        _at(22, 38, small.format("Tannmeier Software · Wartmannallee 159 · 8427 Wartmanndorf")),
        *_rows(22, 44, ["Steinner & Rossbach OG", "Mahlmeierallee 103", "7212 Mahlmeierau"]),
        _at(120, 38, "Rechnung Nr. RE20/3849"),
        _at(22, 100, "Fliesenkleber flexibel, 25-kg-Sack"),
        _at(120, 100, "12"),
        _at(150, 100, "18,40"),
        _at(180, 100, "220,80"),
        _at(140, 120, "Gesamtbetrag 264,96 €"),
        _at(20, 275, small.format("Tannmeier Software KG")),
        _at(64, 275, small.format("Tel. +43 588 351 4979")),
        _at(107, 275, small.format("Bankverbindung")),
        _at(150, 275, small.format("FN 227928m, Landesgericht")),
    )
    assert v["seller_name"] == "Tannmeier Software KG"
    assert v["buyer_name"] == "Steinner & Rossbach OG"
    assert not LEGAL_FORM.search("Fliesenkleber flexibel, 25-kg-Sack")
    assert not LEGAL_FORM.search("Mehl 5 kg") and LEGAL_FORM.search("Müller & Sohn KG")


def test_a_line_run_into_the_column_beside_it_is_split_at_that_column(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """Two unlabelled blocks side by side: the seller's contact line ends just before the
    buyer's column, so its words and the buyer's town line read as one cell. The column the
    lines above and below start there splits it, and the buyer's block is whole again."""
    contact = "Tel +1 364 505 9429 · accounts@stanfieldmarfo.com"
    v = _extract(
        tmp_path,
        invoice,
        _at(20, 15, '<span style="font-size: 16pt">INVOICE</span>'),
        *_rows(20, 25, ["Stanfield & Marford, Inc.", "738 Hartham St, Suite 300", "Harthamton"]),
        # right-aligned to end 1 mm before the buyer's column
        f'<div class="a" style="left:20mm; top:38.5mm; width:89mm; text-align:right">{contact}'
        "</div>",
        *_rows(
            110,
            25,
            [
                "Tartasys Solutions LLC",
                "Accounts Payable",
                "990 Stanmore Blvd, Suite 800",
                "Stanmoreton, OH 41188",
                "Tax ID: 48-0582380",
            ],
        ),
        _at(20, 43, "Tax ID: 42-9384516"),
        _at(20, 55, "Invoice No. INV-03417 | Invoice Date Aug 19, 2023"),
        _at(120, 90, "Subtotal"),
        _at(175, 90, "$8,492.46"),
        _at(120, 96, "Sales Tax (7%)"),
        _at(175, 96, "$594.47"),
        _at(120, 102, "Invoice Total $9,086.93"),
    )
    assert v["seller_name"] == "Stanfield & Marford, Inc."
    assert v["buyer_name"] == "Tartasys Solutions LLC"


def test_a_swedish_invoice_with_an_attention_line_and_swiss_thousands(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """Swedish labels ('Fakturanummer', 'Summa exkl. moms', 'Moms', 'Summa inkl. moms'), an
    'Att:' line under the buyer that names no party, the seller's registered name in the footer
    beside its 'Org.nr' (no invoice number); then Swiss thousands with a typographic
    apostrophe."""
    v = _extract(
        tmp_path,
        invoice,
        _at(15, 15, "HESDAL"),
        _at(120, 25, "Fakturanummer"),
        _at(160, 25, "Fakturadatum"),
        _at(120, 30, "201734"),
        _at(160, 30, "2025-10-06"),
        *_rows(
            15,
            40,
            [
                "Brenric Logistik AB",
                "Att: Gustav Duntonson",
                "Ranfordvägen 120",
                "949 30 Aldforsund",
            ],
        ),
        _at(120, 90, "Summa exkl. moms"),
        _at(175, 90, "154,70 kr"),
        _at(120, 95, "Moms 25 %"),
        _at(175, 95, "38,68 kr"),
        _at(120, 100, "Summa inkl. moms"),
        _at(175, 100, "193,38 kr"),
        *_rows(15, 270, ["Falbergér & Co AB", "Seldalgatan 79", "941 65 Kelforsund"]),
        _at(80, 270, "Org.nr 918110-3556"),
        _at(80, 275, "billing@falberger.se"),
    )
    assert v["invoice_number"] == "201734"
    assert v["issue_date"] == "2025-10-06"
    assert (v["net_total"], v["tax_total"], v["grand_total"]) == (154.7, 38.68, 193.38)
    assert v["buyer_name"] == "Brenric Logistik AB"
    assert "Gustav" not in str(v["seller_name"])
    swiss = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Pelholmware GmbH", "Vilneyring 87", "4999 Pelricburg"]),
        _at(120, 40, "Rechnungsnummer R26-2707"),
        _at(120, 90, "Nettobetrag"),
        _at(170, 90, "21’574.35 CHF"),
        _at(120, 95, "Summe USt."),
        _at(170, 95, "1’598.34 CHF"),
        _at(120, 100, "Gesamtbetrag brutto"),
        _at(170, 100, "23’172.69 CHF"),
    )
    assert (swiss["net_total"], swiss["tax_total"], swiss["grand_total"]) == (
        21574.35,
        1598.34,
        23172.69,
    )


def test_party_grids_of_a_standard_visualisation(tmp_path: Path, invoice: TemplateSpec) -> None:
    """'Informationen zum Verkäufer (BG-4)' and '... Käufer (BG-7)' over rows of a key and a
    value: a name wrapped past the key beside it ('Marhartmann & Partner' over 'GmbH', the key
    'Firmenname (BT-27)' set between them) and a legal form's rest ('UG' over
    '(haftungsbeschränkt)') belong to the name; the key's code is no part of it."""
    v = _extract(
        tmp_path,
        invoice,
        _at(15, 15, "Rechnungsnummer (BT-1)"),
        _at(60, 15, "R0000693"),
        _at(15, 50, "Informationen zum Verkäufer (BG-4)"),
        _at(110, 50, "Informationen zum Käufer (BG-7)"),
        _at(15, 58, "Firmenname (BT-27)"),
        _at(55, 56, "Marhartmann &amp; Partner"),
        _at(55, 60.5, "GmbH"),
        _at(110, 56, "Firmenname"),
        _at(110, 60.5, "(BT-44)"),
        _at(150, 56, "Aldmarks Druckerei UG"),
        _at(150, 60.5, "(haftungsbeschränkt)"),
        _at(55, 66, "Varricallee 6, 18713 Sellinbach"),
        _at(150, 66, "Falmarkstraße 62, 80995 Kelberdorf"),
    )
    assert v["seller_name"] == "Marhartmann & Partner GmbH"
    assert v["buyer_name"] == "Aldmarks Druckerei UG (haftungsbeschränkt)"


def test_an_attention_line_over_the_recipient_and_a_letter_spaced_heading(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'Alla c.a. Marco Pelströmi' over 'Wesdalform Sagl': the company below is the buyer and
    the letterhead's 'Ranhart Aldney Sagl' the seller; a heading printed with wide letter
    spacing ('BILL TO', for which pdfium makes up a space between every two letters) still
    heads the buyer's block."""
    v = _extract(
        tmp_path,
        invoice,
        _at(15, 15, "Ranhart Aldney Sagl"),
        *_rows(150, 15, ["Via Pelden 80", "9254 Vilricona", "CHE-478.676.334 MWST"]),
        *_rows(
            15,
            45,
            ["Alla c.a. Marco Pelströmi", "Wesdalform Sagl", "Via Kelton 90", "5806 Aldricello"],
        ),
        _at(130, 45, "Numero fattura FT-003195"),
        _at(130, 50, "Data fattura 17.09.2025"),
    )
    assert (v["seller_name"], v["buyer_name"]) == ("Ranhart Aldney Sagl", "Wesdalform Sagl")
    spaced = '<span style="font-size: 7pt; letter-spacing: 1pt">BILL TO</span>'
    v = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Vilric Supplies LLP", "24 Marlund Road", "Ostforford AP12 2WH"]),
        _at(15, 45, spaced),
        *_rows(15, 49, ["Linsen Ostberg Limited", "102 Ranstad Street", "Berlunton WN8 6TM"]),
        _at(130, 45, "Invoice no. INV-2026-4726"),
    )
    assert v["buyer_name"] == "Linsen Ostberg Limited"


def test_crowns_a_factoring_payee_and_a_private_buyer_at_the_top(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """A Danish invoice in 'kr' to a private buyer whose block heads the page, paid to a
    factoring company: the currency is the crown of the IBANs' country, the factor is never
    the seller and the registered company in the footer is."""
    v = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Freja Villund", "Kelsengade 63", "1580 Hesdensted"]),
        _at(120, 15, "Fakturanummer 14793"),
        _at(120, 20, "Fakturadato 22.01.2025"),
        _at(120, 80, "Total inkl. moms"),
        _at(170, 80, "14.210,50 kr"),
        *_rows(
            15,
            100,
            [
                "Betalingsmodtager",
                "Morric Factoring I/S",
                "Pellingvej 117",
                "7292 Linlunbjerg",
                "IBAN DK87 9146 2649 7478 41",
            ],
        ),
        *_rows(15, 270, ["Ranvik Bermark I/S", "Vilsengade 55", "7075 Alddensted"]),
        _at(80, 270, "CVR-nr. DK34113859"),
        _at(80, 275, "IBAN DK11 5920 1335 0505 55"),
    )
    assert v["currency"] == "DKK"
    assert v["seller_name"] == "Ranvik Bermark I/S"
    assert v["buyer_name"] == "Freja Villund"


def test_the_brand_block_with_the_sellers_email_is_no_buyer(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """A brand heads the seller's address and e-mail ('WESDAL' over 'invoice@pellingtec.de');
    the buyer's block to the right, without a heading, is the buyer, its 'GmbH & Co.' wrapped
    over 'KG'."""
    v = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["WESDAL", "Falvikring 73", "12787 Randalfeld", "invoice@pellingtec.de"]),
        *_rows(
            120, 40, ["Kelmer Systemhaus GmbH &amp; Co.", "KG", "Sellundweg 61", "16729 Wesstrburg"]
        ),
        _at(15, 70, "Rechnung INV/2026/01185"),
        _at(15, 75, "Rechnungsdatum 23.06.2026"),
        *_rows(15, 270, ["Pellingtec AG", "Falvikring 73", "12787 Randalfeld"]),
        _at(80, 270, "HRB 12345"),
    )
    assert v["seller_name"] == "Pellingtec AG"
    assert v["buyer_name"] == "Kelmer Systemhaus GmbH & Co. KG"


def test_a_swedish_letter_with_month_names_rounding_and_a_delivery_line(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """Month names of the Nordic languages ('27 maj 2026'); a recipient block ending in a
    Swedish postcode ('594 60 Ostberhamn') is the buyer; a delivery line naming the buyer
    ('Leveransadress: Hessen Teknik AB, …') does not hide the registered name the contact
    domain spells; the total with VAT before its rounding line is the grand total."""
    v = _extract(
        tmp_path,
        invoice,
        _at(15, 12, "VILSTAD"),
        _at(120, 15, "Fakturanummer"),
        _at(160, 15, "Fakturadatum"),
        _at(120, 20, "13330"),
        _at(160, 20, "27 maj 2026"),
        *_rows(15, 30, ["Hessen Teknik AB", "Falströmvägen 12", "594 60 Ostberhamn"]),
        _at(15, 50, "Leveransadress: Hessen Teknik AB, Dunfordgatan 57, 120 77 Duntonby"),
        *_rows(
            120,
            80,
            ["Summa exkl. moms", "Moms 25 %", "Summa inkl. moms", "Öresavrundning", "Att betala"],
        ),
        *_rows(170, 80, ["337,71 kr", "84,43 kr", "422,14 kr", "-0,14 kr", "422,00 kr"]),
        *_rows(15, 270, ["Marfordson &amp; Co AB", "Seldalgatan 79", "941 65 Kelforsund"]),
        _at(80, 270, "info@marfordson.se"),
        _at(80, 275, "IBAN SE18 9890 9178 1233 3172 6498"),
    )
    assert v["issue_date"] == "2026-05-27"
    assert v["seller_name"] == "Marfordson & Co AB"
    assert v["buyer_name"] == "Hessen Teknik AB"
    assert (v["net_total"], v["tax_total"], v["grand_total"]) == (337.71, 84.43, 422.14)
    assert v["currency"] == "SEK"


def test_a_date_wrapped_in_its_cell_and_a_norwegian_credit_note(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """A long date wrapped before its year in a narrow cell ('27 de julio de' over '2026') is
    read whole; 'Kreditnotanr.' labels a credit note's own number and 'Gjelder faktura' the
    invoice it corrects."""
    v = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Talleres Torlund S.A.", "Calle Holstad, 112", "66051 Duntonosa"]),
        _at(15, 40, "FECHA DE FACTURA"),
        _at(15, 44.5, "27 de julio de"),
        _at(15, 49, "2026"),
        _at(60, 40, "VENCIMIENTO"),
        _at(60, 44.5, "10 de septiembre de"),
        _at(60, 49, "2026"),
    )
    assert v["issue_date"] == "2026-07-27"
    v = _extract(
        tmp_path,
        invoice,
        _at(15, 15, "SELSEN"),
        _at(120, 15, "Kreditnotanr."),
        _at(160, 15, "Gjelder faktura"),
        _at(120, 20, "CN-000893"),
        _at(160, 20, "12985"),
    )
    assert v["invoice_number"] == "CN-000893"


def test_a_footer_ug_over_its_haftungsbeschraenkt(tmp_path: Path, invoice: TemplateSpec) -> None:
    """A brand at the top and the registered 'Falsens Metallbau UG' in the footer, its
    '(haftungsbeschränkt)' on the line below: the whole registered name is the seller."""
    v = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Brenström", "Sellundstraße 36", "24924 Falstrhausen", "info@falsens.de"]),
        *_rows(120, 40, ["Berhart Bau AG", "Pelneyring 125", "51283 Brenrichausen"]),
        _at(15, 70, "Rechnung FACT/2025/4675"),
        *_rows(15, 270, ["Falsens Metallbau UG", "(haftungsbeschränkt)", "Sellundstraße 36"]),
        _at(80, 270, "HRB 63964, Amtsgericht Falstrhausen"),
    )
    assert v["seller_name"] == "Falsens Metallbau UG (haftungsbeschränkt)"


def test_a_dutch_credit_note_grid_under_a_page_number(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'Pagina 1 van 1' over the letterhead is a page number, never the seller; 'Creditnota
    KF…' states the credit note's own number and the grid's 'Ref. factuur' column the invoice
    it corrects."""
    v = _extract(
        tmp_path,
        invoice,
        _at(170, 8, "Pagina 1 van 1"),
        _at(15, 15, "Korvanlink Techniek CommV"),
        *_rows(15, 20, ["Selmerweg 113", "8784 Aldmarsum", "billing@korvanlink.be"]),
        *_rows(120, 40, ["Aldmerware NV", "Selsenstraat 29", "8045 Ostwalhoven"]),
        _at(15, 60, "Creditnota KF20253507"),
        _at(15, 68, "Factuurdatum"),
        _at(55, 68, "Klantnummer"),
        _at(95, 68, "Ref. factuur"),
        _at(15, 72.5, "15 juni 2025"),
        _at(55, 72.5, "K75868"),
        _at(95, 72.5, "2025/02792"),
        _at(120, 90, "Totaal incl. btw   597,97 €"),
        *_rows(15, 270, ["Korvanlink Techniek CommV", "Selmerweg 113", "8784 Aldmarsum"]),
        *_rows(80, 270, ["Btw-nr. BE0802277389", "IBAN BE90 8127 1684 5782"]),
    )
    assert v["seller_name"] == "Korvanlink Techniek CommV"
    assert v["invoice_number"] == "KF20253507"


def test_danish_crowns_by_an_eight_digit_vat_id_and_an_austrian_e_u(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """Amounts in 'kr' on an invoice whose only country mark is a Danish VAT id ('DK' and eight
    digits) are Danish crowns; 'e.U.' (an Austrian sole trader's registered form) makes the
    footer's name the seller when the letterhead is a brand."""
    v = _extract(
        tmp_path,
        invoice,
        _at(15, 15, "HOLSTRUP"),
        *_rows(120, 40, ["Falwald & Co A/S", "Holfordvej 25", "4288 Aldharsted"]),
        _at(120, 53.5, "CVR-nr.: DK87555195"),
        _at(15, 60, "Faktura FACT/2026/4907"),
        _at(120, 90, "Total inkl. moms   85.523,50 kr"),
    )
    assert v["currency"] == "DKK"
    v = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["ALDNEY", "Aldbergallee 4", "4927 Linforfeld", "billing@korwald.at"]),
        *_rows(120, 40, ["Selford Haustechnik KG", "Norwaldstraße 64", "2624 Torvikburg"]),
        _at(15, 60, "Rechnung INV/2026/02756"),
        _at(120, 90, "Gesamtbetrag brutto   1.989,29 €"),
        *_rows(15, 270, ["Korwald Bau e.U.", "Aldbergallee 4", "4927 Linforfeld"]),
        *_rows(80, 270, ["USt-IdNr. ATU49119164", "IBAN AT72 9033 4156 3688 5348"]),
    )
    assert v["seller_name"] == "Korwald Bau e.U."


def test_a_right_aligned_date_split_at_a_column_edge_is_read_across_it(
    invoice: TemplateSpec,
) -> None:
    """'12.' and 'März 2016' become two segments where the month lines up with a column that the
    rows above and below start ('20163180', 'E-Preis (EUR)'): the date is read across them, not
    taken from the payment terms. Word boxes as pdfium reads them from a WeasyPrint invoice
    whose meta table is right-aligned (9 pt)."""
    rows = [
        [("Lukas", 66, 53, 120, 77), ("Tannner", 124, 53, 195, 77)],
        [("Rechnungsnummer:", 170, 194, 251, 204.5), ("20163180", 353, 194, 398, 204.5)],
        [
            ("Rechnungsdatum:", 177.5, 207, 251, 217.5),
            ("12.", 333.6, 207, 348, 217.5),
            ("März", 350.8, 207, 373, 217.5),
            ("2016", 375.9, 207, 398.4, 217.5),
        ],
        [("Bezeichnung", 69, 247, 127, 257.5), ("E-Preis", 352, 247, 383, 257.5)],
        [("Wartungspauschale", 69, 263, 160, 274), ("142,05", 510, 263, 538, 274)],
        [("Gesamtsumme", 422, 319, 490, 329.5), ("142,05", 494, 319, 526, 329.5)],
        [
            (word, 66 + 40 * k, 361, 100 + 40 * k, 371.5)
            for k, word in enumerate(["Zahlbar", "bis", "11.", "April", "2016."])
        ],
    ]
    words = [Word(t, x0, y0, x1, y1) for row in rows for t, x0, y0, x1, y1 in row]
    page = Page(1, 595.0, 842.0, words, source="text")
    page.build_lines()
    date_line = page.lines[2]
    assert [s.text for s in date_line.segments] == ["Rechnungsdatum:", "12.", "März 2016"]
    fields = find_fields(Document([page], "pdf"), invoice)
    assert fields["issue_date"].value == "2016-03-12"


def test_a_quotation_wrapped_over_a_quantity_column_still_dates_the_quotation(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'… as per quotation' runs close into the quantity ('1766 pcs') on its line, and
    'AN-35008 dated 22 March 2018' under it is the quotation's date."""
    v = _extract(
        tmp_path,
        invoice,
        _at(20, 40, "Invoice Date"),
        _at(20, 44.5, "12 June 2018"),
        _at(60, 40, "Invoice Number"),
        _at(60, 44.5, "INV-2018-31726"),
        _at(20, 60, "A5 leaflets, full colour, 150gsm – as per quotation"),
        _at(103, 60, "1766 pcs"),
        _at(150, 60, "0.03"),
        _at(175, 60, "52.98"),
        _at(20, 64.5, "AN-35008 dated 22 March 2018, including"),
        _at(130, 80, "Invoice Total €52.98"),
    )
    assert v["issue_date"] == "2018-06-12"


def test_a_document_type_word_before_an_amount_labels_no_invoice_number(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'Totaal creditnota EUR -438,67': 'creditnota' names the document, and 67 is cents."""
    v = _extract(
        tmp_path,
        invoice,
        _at(20, 15, "Berger ICT B.V."),
        _at(120, 30, "Factuurnr."),
        _at(145, 30, "F2016-2651"),
        _at(120, 35, "Factuurdatum 28 januari 2016"),
        _at(20, 60, "Montage op locatie"),
        _at(175, 60, "-438,67"),
        _at(120, 80, "Totaal creditnota EUR -438,67"),
    )
    assert v["invoice_number"] == "F2016-2651"


def test_the_date_of_the_invoice_a_storno_cancels_is_no_issue_date(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'Storno der Rechnung RE-2024-02901 vom 31.07.2024' dates the cancelled invoice."""
    v = _extract(
        tmp_path,
        invoice,
        _at(20, 15, "Guthofer Software GmbH"),
        _at(20, 40, "Stornorechnung"),
        _at(120, 40, "Rechnungs-Nr."),
        _at(150, 40, "RE-2024-02910"),
        _at(120, 45, "Datum"),
        _at(150, 45, "27.09.2024"),
        _at(20, 60, "Storno der Rechnung RE-2024-02901 vom 31.07.2024"),
        _at(20, 70, "Büroschrank Stahl, lichtgrau"),
        _at(175, 70, "-562,18"),
        _at(120, 80, "Gutschriftsbetrag € -562,18"),
    )
    assert v["issue_date"] == "2024-09-27"


def test_a_number_under_a_title_alone_and_an_offers_number_in_an_item_row(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    right = '<div class="a" style="right:20mm; top:{}mm; text-align:right">{}</div>'
    items = [
        _at(15, 80, "Bezeichnung"),
        _at(150, 80, "Gesamt"),
        _at(15, 86, "Anfahrtspauschale – Ausführung gemäß"),
        _at(15, 90.5, "Angebot Nr. Q-70766 vom 01.11.2015, inkl. Material"),
        _at(150, 90.5, "-30,79"),
        *_rows(110, 100, ["Nettobetrag", "Umsatzsteuer 19%", "Gutschriftsbetrag"]),
        *_rows(150, 100, ["-30,79 EUR", "-5,85 EUR", "-36,64 EUR"]),
    ]
    head = [*_rows(15, 15, ["Caltec", "Elektrotechnik"])]
    # the title and its qualifier right-aligned, the number under them, set off to the left
    v = _extract(
        tmp_path,
        invoice,
        *head,
        right.format(15, "Gutschrift"),
        right.format(20, "(Rechnungskorrektur)"),
        _at(140, 26, "Nummer: R1600833"),
        _at(140, 31, "Belegdatum: 28.01.2016"),
        *_rows(15, 45, ["Solmeion Medizintechnik GmbH", "Am Tannmeierhof 103", "82392 Tannmeier"]),
        _at(15, 70, "Korrektur zu Rechnung Nr. R1600830 vom 16.01.2016"),
        *items,
    )
    assert (v["invoice_number"], v["grand_total"]) == ("R1600833", 36.64)
    # a grid cell without a colon, a letterhead line between it and the title's block
    v = _extract(
        tmp_path,
        invoice,
        _at(15, 15, "Solvaent"),
        right.format(15, "Gutschrift"),
        right.format(20, "(Rechnungskorrektur)"),
        _at(15, 25, "Solvaent UG · Bremlergasse 46 · 16113 Bremlerau"),
        _at(140, 30, "Nummer RE16/0303"),
        _at(140, 35, "Rechnungsdatum 11.08.2016"),
        *items,
    )
    assert v["invoice_number"] == "RE16/0303"
    # without it, an offer's number in an item row is not the invoice's
    v = _extract(tmp_path, invoice, *head, right.format(15, "Gutschrift"), *items)
    assert v.get("invoice_number") is None


def test_a_net_amount_column_over_items_whose_description_holds_digits(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    # no VAT: the one total is the net total too, not the first row under 'Net Amount'
    v = _extract(
        tmp_path,
        invoice,
        *_rows(15, 15, ["Oliver Thornford", "108 Wickwell Road", "Wickwellwick NG15 8TW"]),
        _at(70, 80, "Invoice No.: SI-001982"),
        _at(70, 85, "Date of issue: 15-Mar-2019"),
        _at(24, 97, "Item / Description"),
        _at(105, 97, "Qty Unit"),
        _at(143, 97, "Price"),
        _at(166, 97, "Net Amount"),
        *_rows(24, 104, ["Cat6 network cable, grey"]),
        _at(105, 104, "165.4 m"),
        _at(143, 104, "£0.80"),
        _at(175, 104, "£132.32"),
        *_rows(
            24,
            110,
            ["Stainless steel bolts M8 x 40 – as per", "quotation 70338 dated 07-Jan-2019,"],
        ),
        _at(105, 110, "812 pcs"),
        _at(143, 110, "£1.46"),
        _at(172, 110, "£1,185.52"),
        _at(24, 125, "Annual boiler service"),
        _at(105, 125, "1 each"),
        _at(139, 125, "£227.95"),
        _at(175, 125, "£227.95"),
        _at(157, 134, "Total £1,545.79"),
        _at(15, 142, "Not registered for VAT – no VAT charged."),
    )
    assert (v["net_total"], v["grand_total"]) == (1545.79, 1545.79)


def test_a_vat_total_named_tax_first_beside_a_vat_summary(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'BTW totaal' (the tax word first, as 'VAT total') is the tax total, not a 'totaal': else
    the two rates' VAT and their sum pass for net, tax and total (5 311,94 + 14,79 = 5 326,73)."""
    v = _extract(
        tmp_path,
        invoice,
        *_rows(23, 36, ["Van Delden Installatie B.V.", "Delderstraat 15", "8683 ZL Delden"]),
        _at(141, 29, "Factuurnummer 2023.4072"),
        _at(141, 34, "Datum 08-03-2023"),
        _at(24, 137.5, "BTW overzicht"),
        _at(24, 144, "Tarief Grondslag"),
        _at(68, 144, "Btw"),
        _at(85, 144, "Totaal"),
        _at(24, 150.4, "21% € 25.294,96 € 5.311,94 € 30.606,90"),
        *(_at(x, 156.4, t) for x, t in ((24, "9%"), (42, "€ 164,35"), (63, "€ 14,79"))),
        _at(82, 156.4, "€ 179,14"),
        _at(24, 162.4, "Σ € 25.459,31 € 5.326,73 € 30.786,04"),
        _at(149.6, 136.3, "Subtotaal € 25.459,31"),
        *(_at(149.6, y, t) for y, t in ((141.9, "BTW 21%"), (147.6, "BTW 9%"))),
        *(_at(x, y, t) for x, y, t in ((172.4, 141.9, "€ 5.311,94"), (177.3, 147.6, "€ 14,79"))),
        _at(149.6, 153.2, "BTW totaal € 5.326,73"),
        _at(149.6, 159.1, "Totaal"),
        _at(170.2, 159.1, "€ 30.786,04"),
    )
    assert (v["net_total"], v["tax_total"], v["grand_total"]) == (25459.31, 5326.73, 30786.04)


def test_a_negative_amount_with_spaced_thousands_stays_one_cell() -> None:
    """'-1 898,40 €' in a credit note's totals, its '898,40' starting where the columns above and
    below start: the thousands of one amount, not a new column (as '4 273,06 €')."""

    def row(y: float, *cells: tuple[str, float, float]) -> list[Word]:
        return [Word(t, x0, y, x1, y + 10.5) for t, x0, x1 in cells]

    page = Page(
        1,
        595,
        842,
        [
            *row(180, ("Désignation", 92, 150), ("Total", 497.5, 520), ("HT", 523, 538)),
            *row(205, ("Module", 92, 130), ("-1", 486.4, 495.1), ("898,40", 498, 529.5)),
            *row(229, ("Total", 357, 379), ("hors", 382, 402), ("taxes", 405, 429)),
            *row(229, ("-1", 485.6, 494.4), ("898,40", 497.3, 528.7), ("€", 531.6, 537.3)),
            *row(243, ("TVA", 357, 375), ("20", 378, 389), ("%", 392, 401)),
            *row(243, ("-379,68", 494.2, 528.7), ("€", 531.6, 537.3)),
        ],
    )
    page.build_lines()
    assert [s.text for s in page.lines[2].segments] == ["Total hors taxes", "-1 898,40 €"]


def test_a_tax_invoice_title_is_no_tax_label(tmp_path: Path, invoice: TemplateSpec) -> None:
    """'Tax Invoice' titles the document: the '2' of the date beside it is no tax, so a seller
    not registered for VAT has its total as the net amount."""
    v = _extract(
        tmp_path,
        invoice,
        _at(23, 18, "Daniel Thornley"),
        *_rows(23, 50, ["Fenford Trading Ltd", "144 Culmore Street", "NG5 8AT"]),
        _at(71, 75, "Invoice Number: INV-01662"),
        _at(23, 80, "Tax Invoice"),
        _at(88, 80, "Date: 2 December 2022"),
        _at(24, 92, "Item"),
        _at(125, 92, "VAT %"),
        _at(165, 92, "Line Total (GBP)"),
        _at(24, 98, "Consultancy services"),
        _at(151, 98, "0%"),
        _at(180, 98, "1,300.49"),
        _at(146, 126, "Invoice Total 1,300.49 GBP"),
        _at(23, 134, "Not registered for VAT – no VAT charged."),
    )
    assert v["grand_total"] == v["net_total"] == 1300.49
    assert "tax_total" not in v


def test_credit_notes_number_under_their_title_not_the_invoice_they_credit(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """'Creditnota' (or 'Creditfactuur') alone over 'Nummer INV-01912' numbers the credit note;
    'Creditering van factuur INV-01891' and 'Référence : facture n° FA2100913' name the invoice
    it credits; a 'Facture d'avoir' states its total unsigned; 'Kreditfaktura RINV/2026/03571'
    numbers a Swedish one."""
    dutch = _extract(
        tmp_path,
        invoice,
        _at(23, 19, "Boschhof Installatietechniek"),
        _at(158, 19, "Creditnota"),
        _at(148, 29, "Nummer INV-01912"),
        _at(140, 34, "Factuurdatum 2019-02-11"),
        *_rows(23, 39, ["Graafema & Graafhof V.O.F.", "Graafinkstraat 2", "8293 TJ Graafinkhoven"]),
        _at(144, 38.5, "Debiteurnr."),
        _at(170, 38.5, "579418"),
        _at(23, 61.5, "Creditering van factuur INV-01891 d.d. 2019-01-27"),
        _at(143, 95, "Totaal creditnota € -8.780,37"),
    )
    assert dutch["invoice_number"] == "INV-01912"
    french = _extract(
        tmp_path,
        invoice,
        _at(23, 19, "Zerano Plomberie"),
        _at(140, 19, "Facture d'avoir"),
        _at(120, 29, "Numéro de facture: FA2100948"),
        _at(23, 50, "Référence : facture n° FA2100913 du 23 septembre 2021"),
        *_rows(120, 86, ["Total HT -486,72 €", "TVA 20 % -97,34 €"]),
        _at(120, 95, "Montant de l'avoir TTC -584,06 €"),
    )
    assert french["invoice_number"] == "FA2100948"
    # a 'Facture d'avoir' is a credit note: its amounts are stated unsigned, as e-invoices do
    assert french["grand_total"] == 584.06
    swedish = _extract(
        tmp_path,
        invoice,
        _at(18, 16, "Tormarktec AB"),
        *_rows(119, 37, ["Ranwaldson Teknik AB", "Dundenvägen 65", "310 74 Aldlintorp"]),
        _at(18, 56, "Kreditfaktura RINV/2026/03571"),
        _at(106, 64.6, "Avser faktura"),
        _at(106, 68, "2026/02955"),
        _at(119, 119, "Att betala -9 471,00 kr"),
    )
    assert swedish["invoice_number"] == "RINV/2026/03571" and swedish["grand_total"] == 9471


def test_party_grid_keys_on_a_row_of_their_own_between_a_names_lines(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """The standard visualisation's party grid with its key ('Firmenname (BT-27)') half a line
    below the names, a row of its own: the names still take their wrapped legal forms ('e.K.'
    under 'Hesfordmann Elektrotechnik', '(haftungsbeschränkt)' under 'UG')."""
    v = _extract(
        tmp_path,
        invoice,
        _at(15, 15, "Rechnungsnummer (BT-1) R0001965"),
        _at(15, 50, "Informationen zum Verkäufer (BG-4)"),
        _at(110, 50, "Informationen zum Käufer (BG-7)"),
        _at(55, 56, "Hesfordmann Elektrotechnik"),
        _at(15, 58.3, "Firmenname (BT-27)"),
        _at(55, 60.6, "e.K."),
        _at(110, 56, "Firmenname"),
        _at(110, 60.6, "(BT-44)"),
        _at(150, 56, "Hesneys Haustechnik UG"),
        _at(150, 60.6, "(haftungsbeschränkt)"),
        _at(55, 66, "Ranströmring 72, 43585 Torholfeld"),
        _at(150, 66, "Aldricweg 53, 27713 Kelmerhausen"),
    )
    assert v["seller_name"] == "Hesfordmann Elektrotechnik e.K."
    assert v["buyer_name"] == "Hesneys Haustechnik UG (haftungsbeschränkt)"


def test_a_stornorechnung_states_its_amounts_unsigned(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """A 'Stornorechnung' cancels an invoice: a credit note, whose amounts e-invoices state
    unsigned (a 'Rechnungskorrektur', type 384, keeps its signs)."""
    v = _extract(
        tmp_path,
        invoice,
        _at(20, 15, "Calis Handels GmbH"),
        _at(20, 40, "Stornorechnung"),
        _at(20, 45, "Beleg-Nr.: GS-2021-3604"),
        _at(20, 55, "Korrektur zu Rechnung Nr. 2021-3552 vom 20. August 2021"),
        *_rows(
            120, 80, ["Nettobetrag -1.101,43 €", "USt. 20 % -220,29 €", "Gesamtbetrag -1.321,72 €"]
        ),
    )
    assert (v["net_total"], v["tax_total"], v["grand_total"]) == (1101.43, 220.29, 1321.72)


def test_a_grids_value_row_run_together_and_a_delivery_notes_number(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """A header grid whose value row runs two cells into one ('24 de febrero de 2018 FV 036077'
    under 'Fecha de operación' and 'Número de factura'): the value starting where its heading
    starts, after a gap wider than a space, is a cell of its own; 'Nº albarán ALB 036086' is the
    delivery note's number, not the invoice's."""
    v = _extract(
        tmp_path,
        invoice,
        _at(23, 18, "Ardvasys S.A. · Calle Casado, 16, 35174 San Casadoilla"),
        *_rows(23, 24, ["Rixloora S.L.U.", "Paseo de Ourillo, 5", "34802 San Ourilloejo"]),
        _at(23, 44, "Factura"),
        *(_at(x, 59.5, t) for x, t in ((23.5, "Fecha pedido"), (65.4, "Nº cliente"))),
        *(
            _at(x, 59.5, t)
            for x, t in ((107.3, "Fecha de operación"), (149.2, "Número de factura"))
        ),
        _at(23.5, 63, "10 de febrero de 2018"),
        _at(65.4, 63, "103187"),
        _at(107.3, 63, "24 de febrero de 2018"),
        _at(149.2, 63, "FV 036077"),
        *(_at(x, 69.3, t) for x, t in ((23.5, "Fecha de factura"), (65.4, "Ref. pedido"))),
        _at(107.3, 69.3, "Nº albarán"),
        *(_at(x, 73, t) for x, t in ((23.5, "8 de marzo de 2018"), (65.4, "PD 036040"))),
        _at(107.3, 73, "ALB 036086"),
        _at(23, 81, "Ref. pedido PD 036040 / 10 de febrero de 2018 – Nº albarán ALB 036086"),
    )
    assert v["invoice_number"] == "FV 036077"
    # a bare number word followed by another document's name numbers that document
    for text in ("nº albaran alb 036086", "no. pedido 4471", "nr. auftrag 81"):
        assert OF_ANOTHER.match(text, 2), text  # after 'nº', 'no', 'nr'
    assert not OF_ANOTHER.match("nº 036077", 2)
