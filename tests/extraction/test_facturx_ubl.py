"""Embedded e-invoice XML in UBL syntax (XRechnung UBL, Peppol BIS) is read like CII."""

from __future__ import annotations

from extraction import TemplateSpec
from extraction.facturx import fields_from_xml

UBL = b"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:ID>UBL-2024-17</cbc:ID>
 <cbc:IssueDate>2024-03-01</cbc:IssueDate>
 <cbc:DueDate>2024-03-31</cbc:DueDate>
 <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
 <cac:AccountingSupplierParty><cac:Party>
  <cac:PartyName><cbc:Name>Seeblick</cbc:Name></cac:PartyName>
  <cac:PartyLegalEntity><cbc:RegistrationName>Seeblick Werkstatt GmbH</cbc:RegistrationName>
  </cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>
 <cac:AccountingCustomerParty><cac:Party>
  <cac:PartyName><cbc:Name>Hafenkontor AG</cbc:Name></cac:PartyName>
 </cac:Party></cac:AccountingCustomerParty>
 <cac:PaymentMeans><cac:PayeeFinancialAccount><cbc:ID>DE89370400440532013000</cbc:ID>
 </cac:PayeeFinancialAccount></cac:PaymentMeans>
 <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">19.00</cbc:TaxAmount></cac:TaxTotal>
 <cac:LegalMonetaryTotal>
  <cbc:TaxExclusiveAmount currencyID="EUR">100.00</cbc:TaxExclusiveAmount>
  <cbc:TaxInclusiveAmount currencyID="EUR">119.00</cbc:TaxInclusiveAmount>
  <cbc:PayableAmount currencyID="EUR">119.00</cbc:PayableAmount>
 </cac:LegalMonetaryTotal>
</Invoice>
"""


def test_ubl_invoice_fields(invoice: TemplateSpec) -> None:
    got = {k: v.value for k, v in fields_from_xml({"xrechnung.xml": UBL}, invoice).items()}
    assert got["invoice_number"] == "UBL-2024-17"
    assert (got["issue_date"], got["due_date"]) == ("2024-03-01", "2024-03-31")
    assert (got["seller_name"], got["buyer_name"]) == ("Seeblick Werkstatt GmbH", "Hafenkontor AG")
    assert (got["net_total"], got["tax_total"], got["grand_total"]) == (100, 19, 119)
    assert (got["currency"], got["iban"]) == ("EUR", "DE89370400440532013000")
