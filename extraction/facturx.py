"""Embedded e-invoice XML (Factur-X / ZUGFeRD / XRechnung CII): when present, its values are exact.

Elements are matched by local name, so ZUGFeRD 1.0 and 2.x (different namespaces) both work.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from extraction.finders.concepts import field_spec
from extraction.normalise import amount_json, find_dates, parse_amount
from extraction.types import FieldResult, TemplateSpec


def _first(root: etree._Element, *paths: str) -> str | None:
    for path in paths:
        xp = "//" + "/".join(f"*[local-name()='{step}']" for step in path.split("/"))
        found = root.xpath(xp)
        for el in found:
            text = "".join(el.itertext()).strip()
            if text:
                return text
    return None


def _date(text: str | None) -> str | None:
    if not text:
        return None
    t = text.strip()
    if len(t) == 8 and t.isdigit():
        return f"{t[:4]}-{t[4:6]}-{t[6:]}"
    found = find_dates(t)
    return found[0][0].isoformat() if found else None


def _amount(text: str | None) -> float | int | None:
    d = parse_amount(text) if text else None
    return amount_json(d) if d is not None else None


# CII (Factur-X, ZUGFeRD, XRechnung CII) first, then UBL (XRechnung UBL, Peppol BIS)
CONCEPT_PATHS: dict[str, tuple[str, ...]] = {
    "invoice_number": (
        "ExchangedDocument/ID",
        "HeaderExchangedDocument/ID",
        "Invoice/ID",
        "CreditNote/ID",
    ),
    "issue_date": (
        "ExchangedDocument/IssueDateTime/DateTimeString",
        "HeaderExchangedDocument/IssueDateTime/DateTimeString",
        "Invoice/IssueDate",
        "CreditNote/IssueDate",
    ),
    "due_date": (
        "SpecifiedTradePaymentTerms/DueDateDateTime/DateTimeString",
        "Invoice/DueDate",
        "PaymentMeans/PaymentDueDate",
    ),
    "delivery_date": (
        "ActualDeliverySupplyChainEvent/OccurrenceDateTime/DateTimeString",
        "Delivery/ActualDeliveryDate",
    ),
    "seller_name": (
        "SellerTradeParty/Name",
        "AccountingSupplierParty/Party/PartyLegalEntity/RegistrationName",
        "AccountingSupplierParty/Party/PartyName/Name",
    ),
    "buyer_name": (
        "BuyerTradeParty/Name",
        "AccountingCustomerParty/Party/PartyLegalEntity/RegistrationName",
        "AccountingCustomerParty/Party/PartyName/Name",
    ),
    "currency": ("InvoiceCurrencyCode", "DocumentCurrencyCode"),
    "net_total": (
        "TaxBasisTotalAmount",
        "LineTotalAmount",
        "LegalMonetaryTotal/TaxExclusiveAmount",
    ),
    "tax_total": ("TaxTotalAmount", "Invoice/TaxTotal/TaxAmount", "CreditNote/TaxTotal/TaxAmount"),
    "grand_total": ("GrandTotalAmount", "LegalMonetaryTotal/TaxInclusiveAmount"),
    "iban": ("PayeePartyCreditorFinancialAccount/IBANID", "PayeeFinancialAccount/ID"),
}


def _line_items(root: etree._Element, schema: dict[str, Any]) -> list[dict[str, Any]]:
    props = (schema.get("items") or {}).get("properties") or {}
    rows = []
    for item in root.xpath("//*[local-name()='IncludedSupplyChainTradeLineItem']"):
        values = {
            "description": _first(item, "SpecifiedTradeProduct/Name"),
            "quantity": _amount(_first(item, "BilledQuantity")),
            "unit_price": _amount(_first(item, "NetPriceProductTradePrice/ChargeAmount")),
            "amount": _amount(_first(item, "LineTotalAmount")),
        }
        aliases = {
            "name": "description",
            "line_total": "amount",
            "price": "unit_price",
            "qty": "quantity",
        }
        row = {}
        for key in props:
            v = values.get(key, values.get(aliases.get(key, "")))
            if v is not None:
                row[key] = v
        if row:
            rows.append(row)
    return rows


def fields_from_xml(
    attachments: dict[str, bytes], template: TemplateSpec
) -> dict[str, FieldResult]:
    out: dict[str, FieldResult] = {}
    for data in attachments.values():
        try:
            root = etree.fromstring(
                data, parser=etree.XMLParser(resolve_entities=False, no_network=True)
            )
        except etree.XMLSyntaxError:
            continue
        for name, sch in template.schema.get("properties", {}).items():
            spec = field_spec(name, sch if isinstance(sch, dict) else {})
            if spec.kind == "items":
                rows = _line_items(root, sch)
                if rows:
                    out[name] = FieldResult(rows, 0.99, None, None, source="xml")
                continue
            paths = CONCEPT_PATHS.get(spec.concept or "")
            if not paths:
                continue
            raw = _first(root, *paths)
            if raw is None:
                continue
            value: Any = raw
            if spec.kind == "date":
                value = _date(raw)
            elif spec.kind in ("amount", "integer"):
                value = _amount(raw)
            if value is not None:
                out[name] = FieldResult(value, 0.99, None, None, source="xml")
        if out:
            break
    return out
