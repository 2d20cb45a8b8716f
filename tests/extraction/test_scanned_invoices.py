"""Scanned invoices: invoices drawn with WeasyPrint, printed to an image and read by OCR.

The learned ranker was fitted on receipts, which never name their seller under a heading; a
scanned invoice that does ('Supplier', 'Emisor') has its seller read by the rules, as on a text
layer. A template that asks for a buyer is an invoice template: its scans are read by the
rules altogether, with all the seller's evidence a text layer gives them. A letter's recipient
over an attention line is the buyer on a scan too, and a party's heading read into its name
('SPETT.LE', 'CLIENTE') is dropped."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from extraction import TemplateSpec, extract_file


def _positioned(body: str) -> str:
    """A page whose text is placed in millimetres: ``.a`` absolute, ``.s`` small, ``.r`` set
    right."""
    return f"""<html><head><style>
 @page {{ size: A4; margin: 0 }}
 body {{ font-family: sans-serif; font-size: 10pt; margin: 0 }}
 .a {{ position: absolute; white-space: nowrap }} .s {{ font-size: 8pt }}
 .r {{ text-align: right; right: 22mm }}
</style></head><body>{body}"""


INVOICE = """
<html><head><style>
 @page { size: A4; margin: 16mm 17mm 16mm 21mm;
         @top-right { content: "Page " counter(page) " of " counter(pages); font-size: 7pt } }
 body { font-family: sans-serif; font-size: 10pt; line-height: 1.3 }
 h1 { font-size: 1.8em } .w { width: 100% } td { vertical-align: top }
 .heading { font-size: 0.8em; color: #555 }
</style></head><body>
<h1>Tax Invoice</h1>
<table class="w"><tr>
 <td style="width:50%"><div class="heading">Supplier</div><b>Brannock &amp; Vale Ltd</b>
  <br>Unit 4, Corran Business Park<br>Dunmarren<br>D06 K2P9
  <br>Tel +353 812 440 1920 · accounts@brannockvale.ie<br>VAT Registration No.: IE8812345T</td>
 <td style="text-align:right"><div class="heading">Customer</div><b>Harlow Print Ltd</b>
  <br>Unit 9, Kelbridge Business Park<br>Kelbridge<br>T23 X4F1</td>
</tr></table>
<p>Invoice #: <b>INV20240871</b> | Date of issue: <b>13/04/2024</b></p>
<table class="w"><tr><th>Description</th><th>Qty</th><th>Amount</th></tr>
 <tr><td>Annual boiler service</td><td>1</td><td>215.44</td></tr>
 <tr><td>Loft insulation roll</td><td>4</td><td>96.00</td></tr></table>
<p>Total due: EUR 311.44</p>
</body></html>
"""


def test_a_scanned_invoice_names_its_seller_under_its_heading(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    values = _scan(tmp_path, INVOICE, invoice)
    assert values["seller_name"] == "Brannock & Vale Ltd"
    assert values["grand_total"] == 311.44


WINDOW_LETTER = _positioned("""
<div class="a" style="left:20mm; top:14mm; font-size:18pt"><b>Orrin Haulage</b></div>
<div class="a" style="left:20mm; top:45mm; font-size:7pt">Orrin Haulage DAC · 12 Quay Road</div>
<div class="a" style="left:20mm; top:51mm">Tessaly Foods Limited</div>
<div class="a" style="left:20mm; top:56mm">FAO Mr Conall Briggs</div>
<div class="a" style="left:20mm; top:61mm">93 Bromfield Street</div>
<div class="a" style="left:20mm; top:66mm">Kelbridge</div>
<div class="a" style="left:20mm; top:95mm; font-size:14pt">Tax Invoice</div>
<div class="a" style="left:20mm; top:105mm">Invoice No. INV-2023-8540 &nbsp; Date 01/02/2023</div>
<div class="a" style="left:20mm; top:120mm">Haulage Dublin - Cork</div>
<div class="a" style="left:160mm; top:120mm">640.00</div>
<div class="a" style="left:120mm; top:135mm">Total due EUR 787.20</div>
</body></html>
""")


def test_a_scanned_letter_names_its_buyer_over_the_attention_line(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    assert _scan(tmp_path, WINDOW_LETTER, invoice)["buyer_name"] == "Tessaly Foods Limited"
    german = WINDOW_LETTER.replace("FAO Mr Conall Briggs", "z.H. Herrn Conall Briggs")
    assert _scan(tmp_path, german, invoice)["buyer_name"] == "Tessaly Foods Limited"


def test_a_party_heading_read_into_the_name_is_dropped(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    from weasyprint import HTML

    html = WINDOW_LETTER.replace(
        ">Tessaly Foods Limited<", ">SPETT.LE Tessaly Foods S.p.A.<"
    ).replace("FAO Mr Conall Briggs", "Alla c.a. Conall Briggs")
    pdf = tmp_path / "letter.pdf"
    HTML(string=html).write_pdf(pdf)
    assert extract_file(pdf, invoice).values()["buyer_name"] == "Tessaly Foods S.p.A."


def _scan(tmp_path: Path, html: str, invoice: TemplateSpec) -> dict:
    import pypdfium2
    from weasyprint import HTML

    pdf = tmp_path / "scan.pdf"
    HTML(string=html).write_pdf(pdf)
    scan = tmp_path / "scan.png"
    pypdfium2.PdfDocument(str(pdf))[0].render(scale=200 / 72, grayscale=True).to_pil().save(scan)
    return extract_file(scan, invoice).values()


BRAND_OVER_RECIPIENT = _positioned("""
<div class="a" style="left:170mm; top:5mm; font-size:7pt">Page 1 of 1</div>
<div class="a s" style="left:20mm; top:18mm">Brisco &amp; Tallent, Inc. · 41 Harbor Ave ·
 Eastport, TX 77001</div>
<div class="a" style="left:122mm; top:19mm; font-size:20pt"><b>Brisco &amp; Tallent</b></div>
<div class="a" style="left:20mm; top:24mm">Wrenfield Consulting LLC</div>
<div class="a" style="left:20mm; top:28mm">Accounts Payable</div>
<div class="a" style="left:20mm; top:32mm">Attn: Ms Dana Holt</div>
<div class="a" style="left:20mm; top:36mm">610 Lake Blvd, Suite 900</div>
<div class="a" style="left:20mm; top:40mm">Lakeville, MN 55044</div>
<div class="a" style="left:115mm; top:28mm">Invoice #: INV-04046</div>
<div class="a" style="left:115mm; top:32mm">Date: Jul 5, 2018</div>
<div class="a" style="left:20mm; top:55mm">Item / Description</div>
<div class="a" style="left:170mm; top:55mm">Amount</div>
<div class="a" style="left:20mm; top:61mm">Consulting services</div>
<div class="a" style="left:170mm; top:61mm">1,200.00</div>
<div class="a" style="left:130mm; top:75mm">Balance Due $1,200.00</div>
</body></html>
""")


def test_an_invoice_template_reads_a_scan_with_the_rules_not_the_receipt_ranker(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """The receipt-trained ranker took the recipient under the seller's big brand for the
    seller; the invoice rules read the legal name on the sender line."""
    values = _scan(tmp_path, BRAND_OVER_RECIPIENT, invoice)
    assert values["seller_name"] == "Brisco & Tallent, Inc."
    assert values["buyer_name"] == "Wrenfield Consulting LLC"


FREELANCER = _positioned("""
<div class="a" style="left:22mm; top:18mm; font-size:20pt"><b>Nora Quillfeather</b></div>
<div class="a" style="left:22mm; top:28mm">Translation and copy-editing</div>
<div class="a r" style="top:18mm">8 Tannery Row</div>
<div class="a r" style="top:23mm">Ashbury</div>
<div class="a r" style="top:28mm">GL7 2QD</div>
<div class="a r" style="top:33mm">nora@quillfeather.co.uk</div>
<div class="a" style="left:22mm; top:52mm">Marrowby Linwick LLP</div>
<div class="a" style="left:22mm; top:57mm">22 Holloway Lane</div>
<div class="a" style="left:22mm; top:62mm">Brendham</div>
<div class="a" style="left:22mm; top:67mm">CV4 8JT</div>
<div class="a" style="left:22mm; top:85mm; font-size:14pt">Invoice</div>
<div class="a" style="left:80mm; top:86mm">Invoice Number SI-20417 &nbsp;
 Invoice Date 12/03/2024</div>
<div class="a" style="left:22mm; top:100mm">Item / Description</div>
<div class="a" style="left:165mm; top:100mm">Line Total</div>
<div class="a" style="left:22mm; top:106mm">Translation, 4,200 words</div>
<div class="a" style="left:170mm; top:106mm">378.00</div>
<div class="a" style="left:130mm; top:118mm">Invoice Total 378.00 GBP</div>
<div class="a" style="left:22mm; top:128mm">Not registered for VAT - no VAT charged.</div>
<div class="a" style="left:22mm; top:140mm">Thank you for your business!</div>
<div class="a" style="left:22mm; top:145mm">Nora Quillfeather</div>
</body></html>
""")


def test_a_scanned_freelancers_invoice_keeps_its_recipient_out_of_the_seller(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """A seller without a legal form who signs the invoice, and a recipient with a legal form:
    the signed letterhead is the seller's evidence on scans too, and the recipient the buyer
    (the receipt-trained ranker took the legal form, which receipts never print for a buyer)."""
    values = _scan(tmp_path, FREELANCER, invoice)
    assert values["seller_name"] == "Nora Quillfeather"
    assert values["buyer_name"] == "Marrowby Linwick LLP"


SPANISH_BRAND = _positioned("""
<div class="a" style="left:18mm; top:14mm; font-size:22pt"><b>Velmora</b></div>
<div class="a" style="left:18mm; top:25mm">Calle Brenhart, 47</div>
<div class="a" style="left:18mm; top:29mm">73382 Linmarosa</div>
<div class="a" style="left:118mm; top:40mm">Talleres Orvenca S.A.</div>
<div class="a" style="left:118mm; top:44mm">A la atención de Marta Seltono</div>
<div class="a" style="left:118mm; top:48mm">Calle Kelford, 10</div>
<div class="a" style="left:118mm; top:52mm">95825 Vilvikosa</div>
<div class="a" style="left:18mm; top:64mm; font-size:14pt">Factura 2026/03036</div>
<div class="a" style="left:18mm; top:74mm">Fecha de factura 26/04/2026</div>
<div class="a" style="left:18mm; top:84mm">Descripción</div>
<div class="a" style="left:170mm; top:84mm">Importe</div>
<div class="a" style="left:18mm; top:90mm">Horas de soporte</div>
<div class="a" style="left:170mm; top:90mm">1.140,00</div>
<div class="a" style="left:118mm; top:100mm">Base imponible 1.140,00 €</div>
<div class="a" style="left:118mm; top:105mm">IVA 21% 239,40 €</div>
<div class="a" style="left:118mm; top:110mm">Total factura 1.379,40 €</div>
<div class="a s" style="left:18mm; top:270mm">Grupo Velmora Marwald S.L. · CIF B12345674 ·
 Registro Mercantil de Linmarosa</div>
</body></html>
""")


def test_a_scanned_brand_gives_way_to_the_registered_s_l_in_the_footer(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """A Spanish 'S.L.' and a Swedish 'AB' are registered forms: the footer's company is the
    seller, not the brand at the top."""
    values = _scan(tmp_path, SPANISH_BRAND, invoice)
    assert values["seller_name"] == "Grupo Velmora Marwald S.L."
    assert values["buyer_name"] == "Talleres Orvenca S.A."
    swedish = SPANISH_BRAND.replace("Grupo Velmora Marwald S.L. · CIF B12345674", "Velmora Data AB")
    assert _scan(tmp_path, swedish, invoice)["seller_name"] == "Velmora Data AB"


ODOO_STYLE = _positioned("""
<div class="a" style="left:15mm; top:13mm; font-size:26pt; color:#744"><b>Velbrook</b></div>
<div class="a" style="left:15mm; top:22mm">Calle Vilmora, 77</div>
<div class="a" style="left:15mm; top:25mm">64144 Pelstarosa</div>
<div class="a" style="left:15mm; top:28mm">factura@orvendal.es</div>
<div class="a" style="left:15mm; top:34mm"><b>Dirección de entrega</b></div>
<div class="a" style="left:15mm; top:37mm">Talleres Kermon S.A.</div>
<div class="a" style="left:15mm; top:40mm">Calle Brenmar, 16</div>
<div class="a" style="left:15mm; top:43mm">41546 Aldtomar</div>
<div class="a" style="left:99mm; top:34mm; font-size:12pt">Talleres Kermon S.A.</div>
<div class="a" style="left:99mm; top:38mm; font-size:12pt">Calle Varsten, 123</div>
<div class="a" style="left:99mm; top:42mm; font-size:12pt">72941 Pelrimosa</div>
<div class="a" style="left:99mm; top:46mm; font-size:12pt">NIF: ESB17393323</div>
<div class="a" style="left:15mm; top:52mm; font-size:18pt">Factura FACT/2026/1240</div>
<div class="a" style="left:15mm; top:62mm">Fecha de factura 14/11/2026</div>
<div class="a" style="left:15mm; top:72mm">Contrato de mantenimiento</div>
<div class="a" style="left:170mm; top:72mm">1.796,84</div>
<div class="a" style="left:99mm; top:82mm">Base imponible 1.796,84 €</div>
<div class="a" style="left:99mm; top:86mm">IVA 21% 377,34 €</div>
<div class="a" style="left:99mm; top:90mm">Total factura 2.174,18 €</div>
<div class="a s" style="left:17mm; top:268mm">Orvendal Servicios S.L.U.</div>
<div class="a s" style="left:17mm; top:271mm">Calle Vilmora, 77</div>
<div class="a s" style="left:17mm; top:274mm">64144 Pelstarosa</div>
<div class="a s" style="left:54mm; top:268mm">Tel. +34 116 466830</div>
<div class="a s" style="left:54mm; top:271mm">NIF ESA87665379</div>
</body></html>
""")


def test_a_scanned_brand_gives_way_to_the_footer_company_its_mail_domain_names(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """A brand with the seller's address and e-mail at the top, the recipient beside its
    delivery address with a legal form of its own, and the registered company in the footer:
    the company the e-mail's domain names is the seller, looked for down to the footer on a
    scan too (the recipient was taken as the seller)."""
    values = _scan(tmp_path, ODOO_STYLE, invoice)
    assert values["seller_name"] == "Orvendal Servicios S.L.U."
    assert values["buyer_name"] == "Talleres Kermon S.A."


ROUNDED_TOTAL = _positioned("""
<div class="a" style="left:20mm; top:15mm; font-size:16pt"><b>Ateliers Morvane SARL</b></div>
<div class="a" style="left:20mm; top:24mm">Facture FA2511-3006 du 9 octobre 2025</div>
<div class="a" style="left:20mm; top:40mm">Prestation de conseil</div>
<div class="a" style="left:170mm; top:40mm">6’795.86</div>
<div class="a" style="left:110mm; top:55mm">Total HT</div>
<div class="a r" style="top:55mm">6’795.86 CHF</div>
<div class="a" style="left:110mm; top:60mm">Total TVA</div>
<div class="a r" style="top:60mm">521.83 CHF</div>
<div class="a" style="left:110mm; top:65mm">Total TTC</div>
<div class="a r" style="top:65mm">7’317.69 CHF</div>
<div class="a" style="left:110mm; top:70mm">Arrondi</div>
<div class="a r" style="top:70mm">0.01 CHF</div>
<div class="a" style="left:110mm; top:75mm"><b>Net à payer</b></div>
<div class="a r" style="top:75mm"><b>7’317.70 CHF</b></div>
</body></html>
""")


def test_a_scanned_invoices_total_is_the_one_before_its_rounding(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """Net and VAT make the total printed before the rounding line to the cent: on a scan read
    with an invoice template as on a text layer (the rounded amount to pay was taken)."""
    values = _scan(tmp_path, ROUNDED_TOTAL, invoice)
    assert values["grand_total"] == 7317.69
    assert values["net_total"] == 6795.86


TURNS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "upside down": lambda page: page.transpose(Image.Transpose.ROTATE_180),
    "sideways": lambda page: page.transpose(Image.Transpose.ROTATE_90),
    "at a slant": lambda page: page.rotate(-20, expand=True, fillcolor=255),
}


@pytest.mark.parametrize("turn", TURNS.values(), ids=TURNS.keys())
def test_a_page_fed_into_the_scanner_turned_is_read_upright(
    tmp_path: Path, invoice: TemplateSpec, turn: Callable[[Image.Image], Image.Image]
) -> None:
    """An image-only PDF whose page was scanned upside down, sideways or at a slant."""
    import pypdfium2
    from weasyprint import HTML

    pdf = tmp_path / "invoice.pdf"
    HTML(string=INVOICE).write_pdf(pdf)
    page = pypdfium2.PdfDocument(str(pdf))[0].render(scale=200 / 72, grayscale=True).to_pil()
    scan = tmp_path / "scan.pdf"
    turn(page).save(scan, "PDF", resolution=200)
    result = extract_file(scan, invoice)
    values = result.values()
    assert values["seller_name"] == "Brannock & Vale Ltd"
    assert values["grand_total"] == 311.44
    assert values["invoice_number"] == "INV20240871"
