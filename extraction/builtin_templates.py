"""The built-in templates every new organization gets. Field names match the labelled corpus."""

from __future__ import annotations

from typing import Any

RECEIPT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "company": {
            "type": "string",
            "description": "Name of the shop or company that issued the receipt",
        },
        "date": {"type": "string", "format": "date", "description": "Date of purchase"},
        "address": {"type": "string", "description": "Address of the shop"},
        "total": {"type": "number", "description": "Total amount paid, including tax"},
    },
}

INVOICE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "invoice_number": {"type": "string", "description": "Invoice number"},
        "issue_date": {
            "type": "string",
            "format": "date",
            "description": "Date the invoice was issued",
        },
        "due_date": {"type": "string", "format": "date", "description": "Date payment is due"},
        "seller_name": {
            "type": "string",
            "description": "Name of the company that issued the invoice",
        },
        "buyer_name": {"type": "string", "description": "Name of the customer billed"},
        "currency": {"type": "string", "description": "ISO 4217 currency code, e.g. EUR"},
        "net_total": {"type": "number", "description": "Total before tax"},
        "tax_total": {"type": "number", "description": "Total tax amount"},
        "grand_total": {"type": "number", "description": "Total including tax"},
        "iban": {"type": "string", "description": "IBAN to pay to"},
        "line_items": {
            "type": "array",
            "description": "The invoice lines",
            "items": {
                "type": "object",
                "properties": {
                    "description": {"type": "string", "description": "What was sold"},
                    "quantity": {"type": "number", "description": "How many"},
                    "unit_price": {"type": "number", "description": "Price of one unit"},
                    "amount": {"type": "number", "description": "Line total"},
                },
            },
        },
    },
}

BUILTIN_TEMPLATES: dict[str, dict[str, Any]] = {
    "invoice": {
        "name": "invoice",
        "description": "Invoices: number, dates, parties, totals, IBAN and line items",
        "templateSchema": INVOICE_SCHEMA,
        "instructions": "Extract the invoice header fields and every line item.",
        "engine": {"mode": "local"},
    },
    "receipt": {
        "name": "receipt",
        "description": "Shop receipts: company, date, address and total",
        "templateSchema": RECEIPT_SCHEMA,
        "instructions": "Extract the shop, the purchase date, the shop address and the total paid.",
        "engine": {"mode": "local"},
    },
}
