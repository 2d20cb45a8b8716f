"""Form-style invoices: "Seller name: …" / "Buyer name: …" give the name, not the label."""

from __future__ import annotations

from pathlib import Path

from extraction import BUILTIN_TEMPLATES, TemplateSpec, extract_file

DOCS = Path(__file__).resolve().parent.parent / "fixtures" / "docs"
INVOICE = BUILTIN_TEMPLATES["invoice"]


def test_party_name_labels_are_not_part_of_the_value() -> None:
    spec = TemplateSpec(
        INVOICE["name"], INVOICE["templateSchema"], INVOICE["instructions"], INVOICE["engine"]
    )
    fields = extract_file(DOCS / "invoice-acme.pdf", spec).values()
    assert fields["seller_name"] == "Acme Supplies GmbH"
    assert fields["buyer_name"] == "Northwind Traders"
    assert fields["grand_total"] == 1190.0 and fields["issue_date"] == "2026-03-02"
