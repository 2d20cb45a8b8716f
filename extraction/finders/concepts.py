"""What a template field means: its kind of value and the labels it is printed under.

Built-in field names (the corpus names) map to concepts with label lists in English, German,
French, Dutch, Spanish and Italian. Any other field still works: its kind comes from the
schema (type, format) and its labels from its name, its ``x-labels`` and a short description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# concept -> (kind, labels). Label weight: longer, more specific labels win over short ones.
CONCEPTS: dict[str, tuple[str, list[str]]] = {
    "invoice_number": ("id", [
        "invoice number", "invoice no", "invoice nr", "invoice #", "invoice id", "invoice ref",
        "inv no", "inv #", "inv#", "inv. no", "bill no", "bill number", "receipt no", "receipt number",
        "receipt #", "document no", "document number", "doc no", "credit note no", "credit note number",
        "rechnungsnummer", "rechnungs-nr", "rechnung nr", "rechnungsnr", "rechnung-nr", "belegnummer",
        "beleg-nr", "gutschriftsnummer", "gutschrift nr", "numéro de facture", "n° de facture",
        "facture n°", "facture no", "facture n", "no de facture", "n° facture", "factuurnummer",
        "factuur nr", "número de factura", "factura n", "numero fattura", "fattura n", "invoice",
        "rechnung", "facture", "factuur", "nr", "no", "n°", "numéro", "number",
    ]),
    "issue_date": ("date", [
        "invoice date", "date of invoice", "date of issue", "issue date", "issued on", "date issued",
        "bill date", "receipt date", "document date", "tax point date", "rechnungsdatum", "belegdatum",
        "ausstellungsdatum", "rechnungs-datum", "datum der rechnung", "date de facture",
        "date de facturation", "date facture", "date d'émission", "factuurdatum", "fecha de factura",
        "fecha", "data fattura", "date", "datum", "dated", "vom", "beleg-datum", "rechnungs datum",
    ]),
    "due_date": ("date", [
        "due date", "payment due", "date due", "due on", "due by", "pay by", "payable by", "payment date",
        "fälligkeitsdatum", "fällig am", "fälligkeit", "zahlungsziel", "zahlbar bis", "date d'échéance",
        "échéance", "date limite de paiement", "vervaldatum", "fecha de vencimiento", "scadenza", "due",
    ]),
    "delivery_date": ("date", [
        "delivery date", "date of delivery", "ship date", "shipping date", "service date", "date of supply",
        "liefer- und leistungsdatum", "leistungsdatum", "lieferdatum", "leistungszeitraum",
        "date de livraison", "leverdatum", "fecha de entrega", "leistungs-datum", "liefer-datum",
        "lieferschein-datum",
    ]),
    "order_date": ("date", ["order date", "bestelldatum", "date de commande", "auftragsdatum", "bestell-datum",
                            "auftrags-datum", "vertrags-datum", "vertragsdatum"]),
    "seller_name": ("party", [
        "seller", "supplier", "vendor", "sold by", "issuer", "issued by", "merchant", "from", "bill from",
        "verkäufer", "lieferant", "rechnungssteller", "rechnungsersteller", "absender", "leistungserbringer", "auftragnehmer",
        "fournisseur", "vendeur", "émetteur", "leverancier", "proveedor", "fornitore", "company name",
        "seller name", "supplier name", "vendor name", "merchant name", "issuer name",
    ]),
    "buyer_name": ("party", [
        "bill to", "billed to", "invoice to", "invoiced to", "sold to", "customer", "client", "buyer",
        "customer name", "buyer name", "client name", "recipient", "käufer", "kunde", "rechnungsempfänger", "leistungsempfänger",
        "auftraggeber", "rechnungsadresse", "acheteur", "destinataire", "facturé à", "facturer à", "adresse de facturation",
        "klant", "cliente", "comprador",
    ]),
    "currency": ("currency", ["currency", "währung", "devise", "monnaie", "valuta", "moneda", "valuta"]),
    "net_total": ("amount", [
        "net total", "total net", "net amount", "subtotal", "sub total", "sub-total", "total excl",
        "total excluding", "total exclusive", "amount excl", "total before tax", "total without tax",
        "untaxed amount", "taxable amount", "nettobetrag", "netto", "nettosumme", "summe netto",
        "gesamt netto", "nettogesamtbetrag", "rechnungssumme ohne ust", "summe ohne ust",
        "gesamtbetrag netto", "total ht", "montant ht", "total hors taxes", "sous-total", "sous total",
        "base ht", "subtotaal", "totaal excl", "netto bedrag", "base imponible", "imponibile",
        "total excl. gst", "amt excl gst", "exclusief btw", "excl. btw", "excl btw", "totaal excl. btw",
        "exkl. mwst", "exkl. ust", "zzgl. mwst", "grondslag", "bemessungsgrundlage", "steuerbasis",
        "amount excl. vat", "amount excluding vat", "net value", "nettowert", "warenwert netto",
    ]),
    "tax_total": ("amount", [
        "tax total", "total tax", "tax amount", "total vat", "vat amount", "vat total", "sales tax",
        "tax", "vat", "gst", "sst", "total includes", "gst included", "total gst", "gst payable",
        "mwst", "mwst.-betrag", "mehrwertsteuer", "umsatzsteuer", "ust", "ust.", "steuerbetrag",
        "summe ust", "gesamt ust", "steuer", "tva", "montant tva", "total tva", "btw", "iva",
        "summe umsatzsteuer", "summe mwst", "summe mehrwertsteuer", "gesamtsumme mwst", "mwst gesamt", "ust gesamt",
        "ust. gesamt", "umsatzsteuer gesamt", "steuer gesamt", "gesamtsteuer", "total taxes", "total des taxes",
        "montant total tva", "total btw", "totaal btw", "total iva", "total tax amount", "btw bedrag",
        "vat amount total", "mwst.-betrag", "mwst betrag", "ust.-betrag", "ust betrag", "montant de la tva",
    ]),
    "grand_total": ("amount", [
        "grand total", "total amount", "invoice total", "total due", "amount due", "balance due",
        "total payable", "amount payable", "total to pay", "due payable", "payable amount", "amount to pay", "total incl", "total including",
        "total inclusive", "total inc", "total (incl", "total rounded", "rounded total",
        "total after rounding", "nett total", "net amount due", "total sales", "total", "amount",
        "gesamtbetrag", "gesamtsumme", "bruttobetrag", "bruttosumme", "rechnungsbetrag", "endbetrag",
        "rechnungssumme", "gesamt brutto", "summe brutto", "zahlbetrag", "zu zahlen", "fälliger betrag",
        "total ttc", "montant ttc", "net à payer", "montant total", "total à payer", "totaal",
        "te betalen", "totaal incl", "factuur totaal", "factuurtotaal", "totaalbedrag", "importe total", "total a pagar", "totale", "summe", "gesamt",
    ]),
    "iban": ("iban", ["iban"]),
    "address": ("address", ["address", "adresse", "anschrift", "adres", "dirección", "indirizzo"]),
    # amounts that look like totals but are not: they claim their labels so totals skip them
    "_other_amount": ("amount", [
        "cash", "change", "tendered", "pay", "tunai", "cash tendered", "baki", "rounding", "rounding adj", "round adj", "discount", "total qty",
        "total quantity", "qty", "quantity", "total items", "items", "item count", "no of items",
        "no. of items", "total item", "points", "savings", "total savings", "tip", "deposit",
        "prepaid", "paid", "anzahlung", "erhaltene anzahlungen", "skonto", "rabatt", "remise",
        "total discount", "unit price", "price", "steuerbasisbetrag", "basisbetrag", "taxable base", "line total", "positionssumme", "summe positionen",
        "total lines", "total des lignes", "payment", "credit card", "visa", "mastercard",
        "subtotal incl", "sub total incl", "gst summary", "tax summary", "total excl. discount",
    ]),
    # headings of blocks that are not the buyer or seller
    "_delivery": ("party", [
        "delivery address", "adresse de livraison", "lieferadresse", "lieferanschrift", "ship to", "shipping address",
        "deliver to", "warenempfänger", "abweichender warenempfänger", "afleveradres", "dirección de entrega",
        "fiscal representative", "tax representative", "représentant fiscal", "steuerlicher vertreter",
        "fiskalvertreter", "rappresentante fiscale", "representante fiscal", "fiscaal vertegenwoordiger",
    ]),
    # numbers that are not the invoice number
    "_other_id": ("id", [
        "order no", "order number", "order #", "order id", "bestellnummer", "bestellung", "auftragsnummer",
        "auftrag", "kundennummer", "kunden-nr", "kundennr", "customer no", "customer number", "customer id",
        "account number", "account no", "vat no", "vat number", "vat id", "vat reg", "tax id", "tax no",
        "ust-id", "ust-idnr", "ust.-id.-nr", "ust-id-nr", "ustid", "steuernummer", "st.-nr", "steuer-nr",
        "phone no", "tel no", "tel", "telefon", "fax", "reg no", "co. reg", "co reg", "company no",
        "company reg", "gst id", "gst reg no", "gst no", "siret", "siren", "tva intracommunautaire",
        "n° tva", "delivery note", "lieferschein", "lieferscheinnummer", "po number", "p.o. no", "po no",
        "your reference", "our reference", "ihr zeichen", "unser zeichen", "referenz", "reference",
        "contract no", "vertragsnummer", "project no", "article no", "art-nr", "artikelnummer", "item no",
        "page", "seite", "pos", "table no", "trans #", "terminal", "cashier", "counter", "booking id",
        "globale nummer", "nummer", "gln", "bic", "swift", "blz", "konto", "kontonummer", "bank",
        "handelsregister", "hrb", "amtsgericht", "registernummer", "mobile", "gstin", "cin", "pan",
        "approval code", "member", "card no", "ref no", "batch no", "slip no", "queue",
    ] + [f"{head}{tail}" for head in (
        # references to an earlier invoice (credit notes, corrections) are not this invoice's number
        "original invoice", "preceding invoice", "previous invoice", "invoice reference", "referenced invoice",
        "corrected invoice", "related invoice", "ursprüngliche rechnung", "ursprungsrechnung", "bezugsrechnung",
        "rechnungsreferenz", "korrigierte rechnung", "vorherige rechnung", "facture d'origine", "facture initiale",
        "facture de référence", "facture rectifiée", "facture antérieure", "oorspronkelijke factuur",
        "factura original", "fattura originale",
    ) for tail in ("", " number", " no", " nr", " #", " n°", " nummer", " numéro")]),
}

ALIASES: dict[str, str] = {}
for _concept, _names in {
    "invoice_number": ["invoice_number", "invoice_no", "invoice_id", "invoice_nr", "receipt_number",
                       "receipt_no", "document_number", "bill_number", "number"],
    "issue_date": ["issue_date", "date", "invoice_date", "document_date", "receipt_date", "bill_date"],
    "due_date": ["due_date", "payment_due_date", "date_due"],
    "delivery_date": ["delivery_date", "service_date", "supply_date"],
    "order_date": ["order_date"],
    "seller_name": ["seller_name", "company", "company_name", "vendor", "vendor_name", "supplier",
                    "supplier_name", "issuer", "merchant", "merchant_name", "store", "store_name", "shop"],
    "buyer_name": ["buyer_name", "customer", "customer_name", "client", "client_name", "bill_to", "partner_name"],
    "currency": ["currency", "currency_code"],
    "net_total": ["net_total", "subtotal", "net_amount", "amount_untaxed", "total_net", "total_excl_tax"],
    "tax_total": ["tax_total", "tax", "vat", "tax_amount", "vat_amount", "total_tax", "amount_tax", "gst"],
    "grand_total": ["grand_total", "total", "amount", "total_amount", "amount_due", "gross_total",
                    "amount_total", "total_due", "total_paid"],
    "iban": ["iban", "bank_iban"],
    "address": ["address", "seller_address", "company_address", "shop_address", "store_address", "vendor_address"],
}.items():
    for _n in _names:
        ALIASES[_n] = _concept


@dataclass
class FieldSpec:
    """One template field as the local engine understands it."""

    name: str
    kind: str  # date, amount, integer, currency, iban, id, party, address, text, bool, items
    concept: str | None
    labels: list[str]
    pattern: re.Pattern[str] | None = None
    schema: dict[str, Any] = field(default_factory=dict)


def _name_words(name: str) -> str:
    return re.sub(r"[_\-]+", " ", re.sub(r"([a-z])([A-Z])", r"\1 \2", name)).strip().lower()


def field_spec(name: str, schema: dict[str, Any]) -> FieldSpec:
    concept = ALIASES.get(name.lower())
    typ = schema.get("type")
    if isinstance(typ, list):
        typ = next((t for t in typ if t != "null"), None)
    if typ == "array":
        kind = "items"
    elif concept:
        kind = CONCEPTS[concept][0]
    elif schema.get("format") in ("date", "date-time") or "date" in name.lower():
        kind = "date"
    elif typ == "number":
        kind = "amount"
    elif typ == "integer":
        kind = "integer"
    elif typ == "boolean":
        kind = "bool"
    elif "iban" in name.lower():
        kind = "iban"
    elif "currency" in name.lower():
        kind = "currency"
    elif re.search(r"(number|_no|_nr|_id|reference|_ref)$", name.lower()):
        kind = "id"
    else:
        kind = "text"
    if concept and typ == "integer":
        kind = "integer"
    labels: list[str] = []
    for lab in schema.get("x-labels", []) or []:
        if isinstance(lab, str) and lab.strip():
            labels.append(lab.strip().lower())
    if concept:
        labels += [lab for lab in CONCEPTS[concept][1] if lab not in labels]
    else:
        words = _name_words(name)
        labels.append(words)
        desc = str(schema.get("description", "")).strip().lower().rstrip(".")
        if desc and len(desc.split()) <= 4:
            labels.append(desc)
    pattern = None
    if isinstance(schema.get("x-pattern"), str):
        from extraction.templates import compile_pattern  # RE2: linear time on document text

        pattern = compile_pattern(schema["x-pattern"])
    return FieldSpec(name, kind, concept, labels, pattern, schema)
