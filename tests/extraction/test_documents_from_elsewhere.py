"""Layouts the corpus does not have: logo placeholders, fiscal representatives, credit notes."""

from __future__ import annotations

from pathlib import Path

from extraction import TemplateSpec, extract_file
from extraction.finders.parties import is_name_like


def _extract(tmp_path: Path, text: str, template: TemplateSpec) -> dict:
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    return extract_file(path, template).values()


def test_logo_placeholder_is_not_part_of_the_seller(tmp_path: Path, invoice: TemplateSpec) -> None:
    v = _extract(
        tmp_path,
        "LOGO LE FOURNISSEUR\n12 rue de la Paix\n75002 Paris\n\nFACTURE N° FA-2024-118\n"
        "Date de facture : 14/03/2024\n\nClient\nBoulangerie Martin SAS\n"
        "8 place du Marché\n69001 Lyon\n\n"
        "Total HT 100,00\nTVA 20 % 20,00\nTotal TTC 120,00\n",
        invoice,
    )
    assert v["seller_name"] == "LE FOURNISSEUR"
    assert v["buyer_name"] == "Boulangerie Martin SAS"
    assert (v["invoice_number"], v["issue_date"], v["grand_total"]) == (
        "FA-2024-118",
        "2024-03-14",
        120,
    )


def test_fiscal_representative_is_not_the_buyer(tmp_path: Path, invoice: TemplateSpec) -> None:
    v = _extract(
        tmp_path,
        "Nordwind Handel GmbH · Hafenstraße 1 · 20457 Hamburg\n\nFiskalvertreter\n"
        "Steuerkontor Beta GmbH\nRingstraße 5\n10115 Berlin\n\nRechnung\nRechnungsnummer: R-7781\n"
        "Rechnungsdatum: 02.05.2024\n\nGesamtbetrag 119,00 EUR\n",
        invoice,
    )
    assert v.get("buyer_name") not in ("Steuerkontor Beta GmbH", "Fiskalvertreter")
    assert v["seller_name"] == "Nordwind Handel GmbH"


def test_reference_to_an_earlier_invoice_is_not_the_number(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    v = _extract(
        tmp_path,
        "Harbor Tools Ltd\nCredit note\nOriginal invoice number: INV-0900\n"
        "Invoice number: INV-1000\nDate: 2024-05-02\nTotal 50.00\n",
        invoice,
    )
    assert v["invoice_number"] == "INV-1000"
    assert v["seller_name"] == "Harbor Tools Ltd"


def test_a_hotels_guest_is_the_buyer_and_a_section_heading_is_no_name(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """A hotel's payment receipt: the guest is named after 'Guest Name:'; 'Hotel Details' heads
    the hotel's address block and names nobody."""
    guest = "Guest Name: Priya Raman                                   Date: 14/02/2024\n\n"
    body = (
        " Hotel Details                                  Check In        Check Out\n"
        " Lakeview Residency Kodaikanal,                 14/02/2024      15/02/2024\n"
        " 12, Observatory Road, Kodaikanal\n\n"
        "  DESCRIPTION                                            RATE      AMOUNT\n"
        "  Room Charges                          Rs 2450 x 1 Night         Rs 2450\n\n"
        "  Grand Total                                                     Rs 2450\n"
    )
    v = _extract(tmp_path, "          PAYMENT RECEIPT\n\n" + guest + body, invoice)
    assert v["buyer_name"] == "Priya Raman"
    assert v["grand_total"] == 2450
    # on the receipt this came from, the heading over the hotel's address block came out as
    # the buyer: a section heading is no name
    assert not is_name_like("Hotel Details") and not is_name_like("Contact information:")
    assert is_name_like("Lakeview Residency") and is_name_like("Details Auto Spa")
