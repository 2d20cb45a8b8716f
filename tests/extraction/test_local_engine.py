"""The local engine on real documents: typed fields, confidences, where they came from."""

from __future__ import annotations

from pathlib import Path

from extraction import TemplateSpec, extract_file


def test_text_pdf_invoice(fixtures: Path, invoice: TemplateSpec) -> None:
    pages: list[int] = []
    result = extract_file(fixtures / "invoice_text.pdf", invoice, on_page=pages.append)
    v = result.values()
    assert pages == [1] and result.pages == 1 and result.engine == "local"
    assert v["invoice_number"] == "INV-2024-0042"
    assert v["issue_date"] == "2024-03-15"
    assert v["due_date"] == "2024-04-14"
    assert v["seller_name"] == "Nordlicht Software GmbH"
    assert v["buyer_name"] == "Acme Trading Ltd"
    assert v["currency"] == "EUR"
    assert (v["net_total"], v["tax_total"], v["grand_total"]) == (2200, 418, 2618)
    assert v["iban"] == "DE89370400440532013000"
    total = result.fields["grand_total"]
    assert total.page == 1 and total.source == "local" and 0 < total.confidence <= 1
    x0, y0, x1, y1 = total.box
    assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1 and x0 > 0.5  # printed in the right column


def test_line_items_from_a_pdf_table(fixtures: Path, invoice: TemplateSpec) -> None:
    items = extract_file(fixtures / "invoice_text.pdf", invoice).values()["line_items"]
    assert items == [
        {
            "description": "Consulting services",
            "quantity": 10,
            "unit_price": 120.0,
            "amount": 1200.0,
        },
        {"description": "Software licence", "quantity": 2, "unit_price": 450.5, "amount": 901.0},
        {"description": "Support hotline", "quantity": 1, "unit_price": 99.0, "amount": 99.0},
    ]


def test_docx_invoice_with_tables(fixtures: Path, invoice: TemplateSpec) -> None:
    result = extract_file(fixtures / "invoice.docx", invoice)
    v = result.values()
    assert v["invoice_number"] == "BH-7781"
    assert v["issue_date"] == "2024-03-02"
    assert v["seller_name"] == "Blue Harbor Consulting Ltd"
    assert v["buyer_name"] == "Kestrel Foods plc"
    assert v["currency"] == "GBP"
    assert (v["net_total"], v["tax_total"], v["grand_total"]) == (1840.5, 368.1, 2208.6)
    assert [row["description"] for row in v["line_items"]] == ["Workshop day", "Travel expenses"]
    assert result.fields["grand_total"].box is None  # DOCX has no page geometry


def test_plain_text_french_invoice(fixtures: Path, invoice: TemplateSpec) -> None:
    v = extract_file(fixtures / "invoice.txt", invoice).values()
    assert v["invoice_number"] == "FA-2023-118"
    assert v["issue_date"] == "2023-09-05" and v["due_date"] == "2023-10-05"
    assert v["seller_name"] == "Atelier Dupont SARL"
    assert (v["net_total"], v["tax_total"], v["grand_total"], v["currency"]) == (
        62,
        12.4,
        74.4,
        "EUR",
    )
    assert len(v["line_items"]) == 2


def test_receipt_image_through_ocr(fixtures: Path, receipt: TemplateSpec) -> None:
    result = extract_file(fixtures / "receipt.png", receipt)
    v = result.values()
    assert v["company"] == "SUNRISE MART SDN BHD"
    assert v["date"] == "2018-12-25"
    assert v["total"] == 16.8
    assert "JALAN BUNGA RAYA" in v["address"] and "43300 SERI KEMBANGAN" in v["address"]
    assert result.fields["total"].box is not None and result.fields["total"].page == 1


def test_embedded_facturx_xml_wins(fixtures: Path, invoice: TemplateSpec) -> None:
    result = extract_file(fixtures / "facturx.pdf", invoice)
    assert result.fields["invoice_number"].value == "XML-4711"
    assert result.fields["invoice_number"].source == "xml"
    assert result.fields["grand_total"].value == 2618
    assert result.fields["iban"].source == "local"  # not in the XML: read from the page


def test_custom_template_with_labels_and_pattern(fixtures: Path) -> None:
    template = TemplateSpec(
        "custom",
        {
            "type": "object",
            "properties": {
                "reference": {
                    "type": "string",
                    "description": "Our invoice reference",
                    "x-labels": ["invoice number"],
                    "x-pattern": r"INV-\d{4}-\d+",
                },
                "payment_days": {"type": "integer", "x-labels": ["within"]},
                "paid": {"type": "boolean"},
            },
        },
    )
    v = extract_file(fixtures / "invoice_text.pdf", template).values()
    assert v["reference"] == "INV-2024-0042"
    assert v["payment_days"] == 30


def test_result_dict_shape(fixtures: Path, receipt: TemplateSpec) -> None:
    d = extract_file(fixtures / "invoice.txt", receipt).to_dict()
    assert set(d) >= {"fields", "confidence", "details", "pages", "engine"}
    assert set(d["fields"]) == set(d["confidence"])
