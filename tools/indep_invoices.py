#!/usr/bin/env python3
"""Independent synthetic invoices: PDFs and ground-truth labels for scoring the engine.

Usage: python tools/indep_invoices.py OUT_DIR --seeds A-B [--html]

Draws invoices as HTML and CSS and prints them to PDF with WeasyPrint. Fifteen layout families
take turns with the seed: a DIN 5008 letter (DE/AT/CH), a French facture with its legal mentions,
a UK VAT invoice, a US invoice (Letter, sales tax, payments/credits), an Italian fattura, a Spanish
factura, a freelancer's invoice without VAT, a brand's invoice whose legal seller is named only in
small print, an invoice with a fiscal representative and a foreign party, a credit note, a header
dense with references, a multi-page invoice with carried-forward subtotals, several VAT rates with
codes, a final invoice less a deposit, and two party columns. Ten locales (de, at, ch, fr, gb, ie,
us, it, es, nl) in six languages, each with its labels, number and date formats, VAT rates by date,
company forms, tax and registry numbers, IBAN/BIC. Names, streets and towns are invented from
syllables and word lists; fonts are the system's (/usr/share/fonts).

Written as an independent second opinion, without reading the engine (extraction/) or
tools/synth_receipts.py, so its invoices show blind spots that the engine's own generator, made
alongside the engine, would not.

Writes OUT_DIR/<seed>.pdf and OUT_DIR/<seed>.json (ground truth) for every seed in A..B, and
OUT_DIR/<seed>.html with ``--html``. All randomness comes from random.Random(seed), so a seed always
gives the same invoice. The label's ``fields``:

- invoice_number: as printed (a credit note's own number).
- issue_date: ISO (YYYY-MM-DD); due_date: ISO, only when a due date is printed.
- seller_name, buyer_name: the full names as printed, legal form included; for a brand's invoice
  the legal seller, not the brand.
- currency: the ISO code.
- net_total, tax_total, grand_total: plain decimals ("1234.50") and unsigned: a credit note's
  amounts are positive even when printed negative. grand_total is the gross total before
  deposits, payments on account or card payments are taken off (not the balance due). tax_total
  is left out when no tax line is printed (a freelancer without VAT).
- iban: the seller's IBAN without spaces, only when printed.
- line_items: every item row as drawn: description, quantity, unit_price and amount (the line's
  net amount), as unsigned plain decimals. A list, so score.py leaves it out unless asked;
  tools/score_items.py scores it.

``meta`` holds the language and the layout.

Seeds 1-999 and 1060-1579 were looked at while improving the engine (181-240, 301-360, 421-540
and 601-660 drawn with --html); seeds 1000-1059 are kept as a held-out set that is only scored.
Score a folder DIR (predictions go to PRED):

    python -m cli.extract DIR/*.pdf --template invoice --out PRED &&
    python ../shared/eval/score.py DIR PRED
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import random
import sys
import unicodedata
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from weasyprint import HTML

esc = html.escape

Party = dict[str, Any]  # a seller, buyer or representative: name, address lines, ids, bank
Invoice = dict[
    str, Any
]  # dates, parties, numbers, items, VAT groups and totals; see make_invoice()
Row = tuple[str, str]  # (label, value)


def words(text: str) -> list[str]:
    return text.split()


def round_cents(x: Decimal | int | str) -> Decimal:
    """Rounded half up to two decimals."""
    return Decimal(x).quantize(Decimal("0.01"), ROUND_HALF_UP)


# ----------------------------------------------------------------------------- locales
# amt: (number style, amount pattern) variants, see format_number(); dates: date styles, see
# format_date(); tel: country calling code; tld: web domain ending
LOCS: dict[str, dict[str, Any]] = {
    "de": dict(
        lang="de",
        cc="DE",
        cur="EUR",
        country="Deutschland",
        tel="49",
        tld="de",
        amt=[("de", "{n} €"), ("de", "{n} €"), ("de", "{n} EUR"), ("de", "EUR {n}")],
        dates=["dmy.", "dmy.", "dmy.", "long", "iso", "dmy.yy"],
    ),
    "at": dict(
        lang="de",
        cc="AT",
        cur="EUR",
        country="Österreich",
        tel="43",
        tld="at",
        amt=[("de", "€ {n}"), ("de", "{n} €"), ("de", "EUR {n}")],
        dates=["dmy.", "dmy.", "long"],
    ),
    "ch": dict(
        lang="de",
        cc="CH",
        cur="CHF",
        country="Schweiz",
        tel="41",
        tld="ch",
        amt=[("ch", "CHF {n}"), ("ch", "{n} CHF"), ("ch", "Fr. {n}")],
        dates=["dmy.", "dmy.", "long"],
    ),
    "fr": dict(
        lang="fr",
        cc="FR",
        cur="EUR",
        country="France",
        tel="33",
        tld="fr",
        amt=[("fr", "{n} €"), ("frs", "{n} €"), ("fr", "{n} EUR")],
        dates=["dmy/", "dmy/", "long"],
    ),
    "gb": dict(
        lang="en",
        cc="GB",
        cur="GBP",
        country="United Kingdom",
        tel="44",
        tld="co.uk",
        amt=[("en", "£{n}"), ("en", "£{n}"), ("en", "{n} GBP")],
        dates=["dmy/", "longgb", "dMonY"],
    ),
    "ie": dict(
        lang="en",
        cc="IE",
        cur="EUR",
        country="Ireland",
        tel="353",
        tld="ie",
        amt=[("en", "€{n}"), ("en", "€{n}"), ("en", "EUR {n}")],
        dates=["dmy/", "longgb", "iso"],
    ),
    "us": dict(
        lang="en",
        cc="US",
        cur="USD",
        country="USA",
        tel="1",
        tld="com",
        amt=[("en", "${n}"), ("en", "${n}"), ("en", "USD {n}")],
        dates=["mdy/", "longus", "usshort"],
    ),
    "it": dict(
        lang="it",
        cc="IT",
        cur="EUR",
        country="Italia",
        tel="39",
        tld="it",
        amt=[("de", "€ {n}"), ("de", "{n} €"), ("de", "EUR {n}")],
        dates=["dmy/", "dmy/", "dmy.", "long"],
    ),
    "es": dict(
        lang="es",
        cc="ES",
        cur="EUR",
        country="España",
        tel="34",
        tld="es",
        amt=[("de", "{n} €"), ("esn", "{n} €"), ("de", "{n} EUR")],
        dates=["dmy/", "dmy/", "long", "dmy-"],
    ),
    "nl": dict(
        lang="nl",
        cc="NL",
        cur="EUR",
        country="Nederland",
        tel="31",
        tld="nl",
        amt=[("de", "€ {n}"), ("de", "€{n}"), ("de", "EUR {n}")],
        dates=["dmy-", "dmy-", "long", "iso"],
    ),
}
MON = {  # month names
    lang: names.split()
    for lang, names in {
        "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
        "fr": (
            "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
        ),
        "en": (
            "January February March April May June July August September October November December"
        ),
        "it": (
            "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
            "dicembre"
        ),
        "es": (
            "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
            "diciembre"
        ),
        "nl": (
            "januari februari maart april mei juni juli augustus september oktober november "
            "december"
        ),
    }.items()
}


# ----------------------------------------------------------------------------- labels
# unit keys (pc, h, flat, kg, m) -> printed unit, per language
UNITS = {
    lang: dict(zip(("pc", "h", "flat", "kg", "m"), v.split(",")))
    for lang, v in {
        "de": "Stk.,Std.,pausch.,kg,m",
        "fr": "u.,h,forfait,kg,m",
        "en": "pcs,hrs,each,kg,m",
        "it": "pz,ore,a corpo,kg,m",
        "es": "uds.,h,global,kg,m",
        "nl": "st.,uur,post,kg,m",
    }.items()
}
# label key -> text, per language; a list holds variants, one drawn per invoice (Doc.label)
LAB: dict[str, dict[str, Any]] = {
    "de": dict(
        title=["Rechnung", "RECHNUNG"],
        credit=["Rechnungskorrektur", "Stornorechnung", "Gutschrift (Rechnungskorrektur)"],
        final=["Schlussrechnung", "Rechnung"],
        no=["Rechnungsnummer", "Rechnungs-Nr.", "Rechnung Nr.", "Belegnummer"],
        cno=["Korrektur-Nr.", "Beleg-Nr.", "Nummer"],
        date=["Rechnungsdatum", "Datum", "Belegdatum"],
        due=["Fällig am", "Fälligkeitsdatum", "Zahlbar bis"],
        deliv=["Lieferdatum", "Leistungsdatum", "Liefer-/Leistungsdatum"],
        odate=["Bestelldatum", "Auftragsdatum"],
        cust=["Kundennummer", "Kunden-Nr.", "Ihre Kundennummer"],
        order=["Auftragsnummer", "Auftrags-Nr.", "Ihre Bestell-Nr."],
        dn=["Lieferschein-Nr.", "Lieferscheinnummer"],
        contact=["Ansprechpartner", "Bearbeiter", "Ihr Kontakt"],
        pos="Pos.",
        art="Art.-Nr.",
        desc=["Bezeichnung", "Beschreibung", "Artikel / Leistung"],
        qty=["Menge", "Anzahl"],
        unit="Einheit",
        price=["Einzelpreis", "E-Preis", "Preis/Einh."],
        vat=["USt.", "MwSt.", "USt.-Satz"],
        amount=["Gesamt", "Betrag", "Gesamtpreis"],
        sub=["Zwischensumme", "Summe Positionen"],
        disc=["abzgl. {r} Rabatt", "Rabatt {r}"],
        net=[
            "Nettobetrag",
            "Summe netto",
            "Gesamt netto",
            "Zwischensumme netto",
            "Warenwert netto",
        ],
        tax=["zzgl. {r} MwSt.", "USt. {r}", "Umsatzsteuer {r}", "MwSt. {r}"],
        taxsum=["Summe USt.", "Umsatzsteuer gesamt"],
        cgross=["Gutschriftsbetrag", "Korrekturbetrag gesamt"],
        gross=["Gesamtbetrag", "Rechnungsbetrag", "Gesamtsumme", "Endbetrag", "Bruttobetrag"],
        pay=["Zahlbetrag", "Noch zu zahlen", "Restbetrag"],
        dep=[
            "abzüglich Anzahlung vom {d}",
            "abzüglich Abschlag gem. Rechnung Nr. {n} vom {d}",
            "abzgl. erhaltene Anzahlung ({d})",
        ],
        incl="darin enthaltene USt. {a}",
        cf_out=["Übertrag", "Zwischensumme Übertrag"],
        cf_in=["Übertrag von Seite {p}", "Übertrag"],
        tdays=["Zahlbar innerhalb von {n} Tagen ohne Abzug.", "Zahlungsziel: {n} Tage netto."],
        tdate=[
            "Bitte überweisen Sie den Rechnungsbetrag bis zum {d}.",
            "Zahlbar ohne Abzug bis {d}.",
        ],
        skonto="Zahlbar bis {d} ohne Abzug oder bis {sk} mit {p} Skonto ({a}).",
        now=["Zahlbar sofort ohne Abzug.", "Der Rechnungsbetrag ist sofort fällig."],
        terms_h="Zahlungsbedingungen",
        bank=["Bankverbindung", "Bank"],
        vatid=["USt-IdNr.", "USt-ID", "Umsatzsteuer-ID"],
        taxno="Steuernummer",
        mgr=["Geschäftsführer", "Geschäftsführung"],
        tel="Tel.",
        mail="E-Mail",
        attn=["z. Hd. {p}", "z. H. {p}"],
        ship=["Lieferanschrift", "Lieferadresse"],
        bill="Rechnungsanschrift",
        seller_h=["Rechnungssteller", "Absender", "Von"],
        buyer_h=["Rechnungsempfänger", "Kunde", "An"],
        fisc=["Fiskalvertreter", "Steuerlicher Vertreter"],
        fisc_b="Fiskalvertreter des Leistungsempfängers",
        small=[
            "Gemäß § 19 UStG wird keine Umsatzsteuer berechnet.",
            "Kein Ausweis der Umsatzsteuer aufgrund der Anwendung der Kleinunternehmerregelung "
            "gem. § 19 UStG.",
        ],
        greet="Sehr geehrte Damen und Herren,",
        intro=[
            "für unsere Leistungen erlauben wir uns, Ihnen Folgendes in Rechnung zu stellen:",
            "vielen Dank für Ihren Auftrag. Wir berechnen Ihnen:",
        ],
        cref=["Korrektur zu Rechnung Nr. {n} vom {d}", "Storno der Rechnung {n} vom {d}"],
        ccredit="Der Betrag wird Ihrem Kundenkonto gutgeschrieben.",
        thanks=["Vielen Dank für Ihren Auftrag!", "Mit freundlichen Grüßen"],
        vbk=["USt.-Aufstellung", "Steuerübersicht"],
        vrate="Steuersatz",
        vnet="Netto",
        vtax="Steuer",
        vgross="Brutto",
        code="Code",
        page='"Seite " counter(page) " von " counter(pages)',
        period="Leistungszeitraum",
        on="auf",
        units=UNITS["de"],
    ),
    "fr": dict(
        title=["Facture", "FACTURE"],
        credit=["Avoir", "Facture d'avoir"],
        final=["Facture de solde", "Facture"],
        no=["Facture n°", "N° de facture", "Numéro de facture", "Facture N°"],
        cno=["Avoir n°", "N° d'avoir"],
        date=["Date de facture", "Date", "Date d'émission", "Date de facturation"],
        due=["Date d'échéance", "Échéance", "À régler avant le"],
        deliv=["Date de livraison", "Date de prestation"],
        odate="Date de commande",
        cust=["N° client", "Code client", "Réf. client"],
        order=["N° de commande", "Votre commande", "Bon de commande"],
        dn=["Bon de livraison n°", "N° BL"],
        contact=["Votre contact", "Interlocuteur"],
        pos="N°",
        art="Réf.",
        desc=["Désignation", "Description"],
        qty=["Qté", "Quantité"],
        unit="Unité",
        price=["P.U. HT", "Prix unitaire HT"],
        vat=["TVA", "Taux TVA"],
        amount=["Montant HT", "Total HT"],
        sub="Sous-total HT",
        disc=["Remise {r}", "Remise commerciale {r}"],
        net=["Total HT", "Montant HT", "Total hors taxes"],
        tax=["TVA {r}", "TVA à {r}"],
        taxsum=["Total TVA", "Montant TVA"],
        cgross=["Total avoir TTC", "Montant de l'avoir TTC"],
        gross=["Total TTC", "Montant TTC", "Total toutes taxes comprises"],
        pay=["Net à payer", "Reste à payer", "Solde à régler"],
        dep=[
            "Acompte versé le {d}",
            "Acompte reçu (facture n° {n} du {d})",
            "Déduction acompte du {d}",
        ],
        incl="dont TVA {a}",
        cf_out=["À reporter", "Total à reporter"],
        cf_in=["Report page {p}", "Report"],
        tdays=["{n} jours date de facture.", "paiement à {n} jours net."],
        tdate=["paiement au plus tard le {d}.", "règlement par virement avant le {d}."],
        now=["paiement à réception de facture.", "payable comptant à réception."],
        terms_h="Conditions de paiement",
        bank=["Coordonnées bancaires", "Règlement par virement"],
        vatid=["TVA intracommunautaire", "N° TVA intracom.", "N° TVA"],
        taxno="SIRET",
        mgr=["Gérant", "Président"],
        tel="Tél.",
        mail="E-mail",
        attn=["À l'attention de {p}", "Attn. {p}"],
        ship=["Adresse de livraison", "Livrer à"],
        bill=["Adresse de facturation", "Facturer à"],
        seller_h=["Émetteur", "Fournisseur"],
        buyer_h=["Client", "Destinataire", "Facturé à"],
        fisc="Représentant fiscal",
        fisc_b="Représentant fiscal du client",
        small="TVA non applicable, art. 293 B du CGI",
        greet="Madame, Monsieur,",
        intro="Veuillez trouver ci-dessous le détail de notre facture :",
        cref=["Avoir sur facture n° {n} du {d}", "Référence : facture n° {n} du {d}"],
        ccredit="Montant porté au crédit de votre compte client.",
        thanks="Merci de votre confiance.",
        vbk=["Récapitulatif TVA", "Détail TVA"],
        vrate="Taux",
        vnet="Base HT",
        vtax="Montant TVA",
        vgross="TTC",
        code="Code",
        page='"Page " counter(page) "/" counter(pages)',
        period="Période",
        on="sur",
        units=UNITS["fr"],
    ),
    "en": dict(
        title=["Invoice", "INVOICE", "VAT Invoice", "Tax Invoice"],
        credit=["Credit Note", "CREDIT NOTE"],
        final=["Final Invoice", "Invoice"],
        no=["Invoice No.", "Invoice Number", "Invoice #", "Invoice no"],
        cno=["Credit Note No.", "Credit Note Number"],
        date=["Invoice Date", "Date", "Date of issue"],
        due=["Due Date", "Payment Due", "Due"],
        deliv=["Tax Point", "Delivery Date", "Date of supply"],
        odate="Order Date",
        cust=["Account No.", "Customer ID", "Customer No."],
        order=["Your Order No.", "PO Number", "Purchase Order"],
        dn=["Delivery Note No.", "Despatch Note"],
        contact=["Contact", "Your contact"],
        pos="#",
        art="SKU",
        desc=["Description", "Item / Description"],
        qty=["Qty", "Quantity"],
        unit="Unit",
        price=["Unit Price", "Rate", "Price"],
        vat=["VAT %", "VAT Rate"],
        amount=["Amount", "Net Amount", "Line Total"],
        sub="Subtotal",
        disc=["Discount {r}", "Less {r} discount"],
        net=["Subtotal", "Net Total", "Total Net", "Total excl. VAT"],
        tax=["VAT @ {r}", "VAT {r}"],
        taxsum=["Total VAT", "VAT Total"],
        cgross=["Total credit", "Credit total"],
        gross=["Total", "Invoice Total", "Total incl. VAT", "Total Due", "Amount Due"],
        pay=["Balance Due", "Amount Due", "Balance to Pay"],
        dep=[
            "Less deposit paid {d}",
            "Less: payment on account (invoice {n}, {d})",
            "Deposit received {d}",
        ],
        incl="incl. VAT {a}",
        cf_out=["Carried forward", "Subtotal c/f"],
        cf_in=["Brought forward from page {p}", "Brought forward"],
        tdays=["Payment terms: {n} days net.", "Please pay within {n} days of the invoice date."],
        tdate=["Please pay by {d}.", "Payment due by {d}."],
        now=["Payment due on receipt.", "Terms: due upon receipt."],
        terms_h="Payment terms",
        bank=["Bank details", "Payment details"],
        vatid=["VAT Reg No", "VAT Registration No.", "VAT No."],
        taxno="Company No.",
        mgr=["Directors", "Director"],
        tel="Tel",
        mail="Email",
        attn=["Attn: {p}", "FAO {p}"],
        ship=["Ship To", "Deliver To", "Delivery Address"],
        bill=["Bill To", "Invoice To", "Billed To"],
        seller_h=["From", "Supplier"],
        buyer_h=["To", "Customer", "Bill To"],
        fisc=["Fiscal representative", "Fiscal Representative in the EU"],
        fisc_b="Fiscal representative of the customer",
        small="Not registered for VAT – no VAT charged.",
        cref=["Credit against invoice {n} dated {d}", "Re: invoice no. {n} of {d}"],
        ccredit="This amount has been credited to your account.",
        thanks=["Thank you for your business!", "Many thanks."],
        vbk=["VAT Summary", "VAT Analysis"],
        vrate="Rate",
        vnet="Net",
        vtax="VAT",
        vgross="Gross",
        code="Code",
        page='"Page " counter(page) " of " counter(pages)',
        period="Service period",
        on="on",
        units=UNITS["en"],
    ),
    "it": dict(
        title=["Fattura", "FATTURA"],
        credit=["Nota di credito", "NOTA DI CREDITO"],
        final=["Fattura a saldo", "Fattura"],
        no=["Fattura n.", "Numero fattura", "N. documento"],
        cno=["Nota di credito n.", "Numero"],
        date=["Data", "Data fattura", "Data documento"],
        due=["Scadenza", "Data scadenza"],
        deliv=["Data consegna", "Data DDT"],
        odate="Data ordine",
        cust=["Codice cliente", "Cod. cliente"],
        order=["Rif. ordine", "Vs. ordine n.", "N. ordine"],
        dn=["DDT n.", "Documento di trasporto n."],
        contact="Referente",
        pos="Riga",
        art="Codice",
        desc=["Descrizione", "Descrizione beni/servizi"],
        qty=["Quantità", "Q.tà"],
        unit="U.M.",
        price=["Prezzo unitario", "Prezzo unit."],
        vat=["IVA %", "Aliquota IVA", "% IVA"],
        amount=["Importo", "Prezzo totale"],
        sub=["Totale merce", "Subtotale"],
        disc="Sconto {r}",
        net=["Imponibile", "Totale imponibile", "Totale netto"],
        tax=["IVA {r}", "Imposta {r}"],
        taxsum=["Totale IVA", "Totale imposta"],
        cgross="Totale nota di credito",
        gross=["Totale documento", "Totale fattura", "Totale"],
        pay=["Netto a pagare", "Saldo da pagare", "Totale da pagare"],
        dep=[
            "Acconto versato il {d}",
            "Dedotto acconto (fattura n. {n} del {d})",
            "Acconto ricevuto il {d}",
        ],
        incl="di cui IVA {a}",
        cf_out="A riportare",
        cf_in=["Riporto da pag. {p}", "Riporto"],
        tdays=["bonifico bancario a {n} giorni data fattura.", "{n} gg d.f."],
        tdate=["bonifico entro il {d}.", "scadenza pagamento {d}."],
        now="rimessa diretta alla consegna.",
        terms_h="Condizioni di pagamento",
        bank=["Coordinate bancarie", "Modalità di pagamento: bonifico"],
        vatid=["Partita IVA", "P.IVA", "P. IVA"],
        taxno="Codice Fiscale",
        mgr=["Amministratore unico", "Legale rappresentante"],
        tel="Tel.",
        mail="E-mail",
        attn=["c.a. {p}", "Alla c.a. di {p}"],
        ship=["Destinazione merce", "Luogo di consegna"],
        bill="Intestatario",
        seller_h=["Cedente/prestatore", "Mittente"],
        buyer_h=["Cessionario/committente", "Destinatario", "Spett.le"],
        fisc="Rappresentante fiscale",
        fisc_b="Rappresentante fiscale del cessionario",
        small="Operazione in franchigia IVA (regime forfettario).",
        cref=["Rif. fattura n. {n} del {d}", "Storno parziale fattura n. {n} del {d}"],
        ccredit="Importo a Vs. credito.",
        thanks=["Grazie per la preferenza.", "Distinti saluti."],
        vbk=["Riepilogo IVA", "Riepiloghi IVA"],
        vrate="Aliquota",
        vnet="Imponibile",
        vtax="Imposta",
        vgross="Totale",
        code="Cod.",
        page='"Pagina " counter(page) " di " counter(pages)',
        period="Periodo",
        on="su",
        units=UNITS["it"],
    ),
    "es": dict(
        title=["Factura", "FACTURA"],
        credit=["Factura rectificativa", "FACTURA RECTIFICATIVA"],
        final=["Factura final", "Factura"],
        no=["Número de factura", "Nº factura", "Factura nº", "N.º de factura"],
        cno=["Nº factura rectificativa", "Número"],
        date=["Fecha de factura", "Fecha", "Fecha de expedición", "Fecha emisión"],
        due=["Fecha de vencimiento", "Vencimiento"],
        deliv=["Fecha de operación", "Fecha de entrega"],
        odate="Fecha pedido",
        cust=["Nº cliente", "Código cliente"],
        order=["Nº pedido", "Su pedido", "Ref. pedido"],
        dn=["Albarán nº", "Nº albarán"],
        contact="Contacto",
        pos="Ref.",
        art="Código",
        desc=["Concepto", "Descripción"],
        qty=["Cantidad", "Uds.", "Cant."],
        unit="Unidad",
        price=["Precio", "Precio unit.", "P. unitario"],
        vat=["IVA", "% IVA"],
        amount=["Importe", "Total"],
        sub=["Suma", "Subtotal"],
        disc=["Descuento {r}", "Dto. {r}"],
        net=["Base imponible", "Total base imponible", "Subtotal"],
        tax=["IVA {r}", "Cuota IVA {r}"],
        taxsum=["Total IVA", "Total cuota IVA"],
        cgross=["Total rectificado", "Total factura rectificativa"],
        gross=["Total factura", "TOTAL", "Importe total", "Total a pagar"],
        pay=["Total a pagar", "Pendiente de pago", "Líquido a pagar"],
        dep=[
            "Anticipo recibido el {d}",
            "A deducir anticipo (factura {n} de {d})",
            "Entrega a cuenta ({d})",
        ],
        incl="IVA incluido {a}",
        cf_out="Suma y sigue",
        cf_in=["Suma anterior (pág. {p})", "Suma anterior"],
        tdays=["transferencia a {n} días.", "vencimiento a {n} días fecha factura."],
        tdate=["transferencia bancaria antes del {d}.", "fecha límite de pago {d}."],
        now=["al contado.", "a la recepción de la factura."],
        terms_h="Forma de pago",
        bank=["Datos bancarios", "Transferencia bancaria"],
        vatid=["NIF", "CIF", "NIF/CIF"],
        taxno="NIF",
        mgr="Administrador",
        tel="Tel.",
        mail="Email",
        attn=["A la atención de {p}", "Att. {p}"],
        ship=["Dirección de entrega", "Enviar a"],
        bill=["Facturar a", "Datos de facturación"],
        seller_h=["Emisor", "Datos del emisor", "Proveedor"],
        buyer_h=["Cliente", "Datos del cliente", "Destinatario"],
        fisc="Representante fiscal",
        fisc_b="Representante fiscal del cliente",
        small="Operación exenta de IVA.",
        cref=["Rectifica la factura nº {n} de {d}", "Factura rectificada: {n} ({d})"],
        ccredit="Importe a su favor.",
        thanks="Gracias por su confianza.",
        vbk=["Desglose de IVA", "Resumen IVA"],
        vrate="Tipo",
        vnet="Base",
        vtax="Cuota",
        vgross="Total",
        code="Cód.",
        page='"Página " counter(page) " de " counter(pages)',
        period="Periodo",
        on="s/",
        units=UNITS["es"],
    ),
    "nl": dict(
        title=["Factuur", "FACTUUR"],
        credit=["Creditnota", "Creditfactuur"],
        final=["Eindfactuur", "Factuur"],
        no=["Factuurnummer", "Factuurnr.", "Factuur nr."],
        cno=["Creditnotanummer", "Nummer"],
        date=["Factuurdatum", "Datum"],
        due=["Vervaldatum", "Uiterste betaaldatum"],
        deliv=["Leverdatum", "Leveringsdatum"],
        odate="Orderdatum",
        cust=["Klantnummer", "Debiteurnr."],
        order=["Uw referentie", "Ordernummer", "Inkoopordernr."],
        dn=["Pakbonnummer", "Pakbon nr."],
        contact="Contactpersoon",
        pos="Nr.",
        art="Artikelnr.",
        desc="Omschrijving",
        qty="Aantal",
        unit="Eenheid",
        price=["Prijs", "Stukprijs", "Tarief"],
        vat=["BTW", "Btw %"],
        amount=["Bedrag", "Totaal"],
        sub="Subtotaal",
        disc="Korting {r}",
        net=["Subtotaal", "Totaal excl. btw", "Totaal exclusief BTW"],
        tax=["BTW {r}", "Btw {r}"],
        taxsum=["Totaal btw", "BTW totaal"],
        cgross="Totaal creditnota",
        gross=["Totaal incl. btw", "Totaal", "Totaalbedrag", "Te betalen"],
        pay=["Te betalen", "Nog te betalen", "Openstaand bedrag"],
        dep=[
            "Reeds betaald voorschot ({d})",
            "Af: voorschotfactuur {n} d.d. {d}",
            "Ontvangen aanbetaling ({d})",
        ],
        incl="waarvan btw {a}",
        cf_out="Transport",
        cf_in=["Van transport (pagina {p})", "Transport"],
        tdays=["betaling binnen {n} dagen na factuurdatum.", "betalingstermijn {n} dagen."],
        tdate=["gelieve het bedrag vóór {d} over te maken.", "uiterlijk te betalen op {d}."],
        now="direct betalen na ontvangst.",
        terms_h="Betalingsvoorwaarden",
        bank=["Bankgegevens", "Betaalgegevens"],
        vatid=["Btw-nummer", "BTW-nr.", "Btw-id"],
        taxno="KvK-nummer",
        mgr="Directeur",
        tel="Tel.",
        mail="E-mail",
        attn=["t.a.v. {p}", "T.a.v. {p}"],
        ship="Afleveradres",
        bill="Factuuradres",
        seller_h=["Van", "Leverancier"],
        buyer_h=["Aan", "Klant", "Factuur aan"],
        fisc="Fiscaal vertegenwoordiger",
        fisc_b="Fiscaal vertegenwoordiger van de afnemer",
        small="Vrijgesteld van btw op grond van de kleineondernemersregeling (KOR).",
        cref=["Creditering van factuur {n} d.d. {d}", "Betreft factuur {n} van {d}"],
        ccredit="Het bedrag wordt verrekend met uw volgende factuur.",
        thanks=["Bedankt voor uw opdracht!", "Met vriendelijke groet,"],
        vbk=["Btw-specificatie", "BTW overzicht"],
        vrate="Tarief",
        vnet="Grondslag",
        vtax="Btw",
        vgross="Totaal",
        code="Code",
        page='"Pagina " counter(page) " van " counter(pages)',
        period="Periode",
        on="over",
        units=UNITS["nl"],
    ),
}
# per-locale overrides of LAB
OVR: dict[str, dict[str, Any]] = {
    "at": dict(
        vatid=["UID-Nr.", "UID"],
        tax=["USt. {r}", "{r} USt."],
        taxno="Steuer-Nr.",
        small=["Umsatzsteuerfrei aufgrund der Kleinunternehmerregelung gem. § 6 Abs. 1 Z 27 UStG."],
    ),
    "ch": dict(
        vatid=["MWST-Nr.", "UID/MWST"],
        tax=["MWST {r}", "MwSt. {r}"],
        taxsum=["Total MWST"],
        gross=["Total", "Rechnungstotal", "Gesamtbetrag"],
        taxno="UID",
    ),
    "us": dict(
        title=["INVOICE", "Invoice"],
        no=["Invoice #", "Invoice No.", "Invoice Number"],
        date=["Invoice Date", "Date"],
        due=["Due Date", "Payment Due"],
        deliv=["Ship Date"],
        tax=["Sales Tax ({r})", "Tax ({r})"],
        net=["Subtotal"],
        sub=["Merchandise"],
        gross=["Total", "Invoice Total"],
        pay=["Balance Due", "Amount Due"],
        dep=["Payments/Credits", "Less: Deposit ({d})"],
        tdays=["Terms: Net {n}"],
        tdate=["Please remit payment by {d}."],
        cust=["Customer ID", "Account #"],
        order=["P.O. #", "PO Number"],
        vatid=["EIN", "Tax ID"],
        amount=["Amount"],
        price=["Rate", "Unit Price"],
        mgr=["President", "CEO"],
        vat=["Tax"],
        attn=["Attn: {p}", "c/o {p}"],
        bank=["Remit to", "Wire / ACH"],
        units=dict(pc="ea", h="hrs", flat="ea", kg="lb", m="ft"),
        cf_out=["Subtotal carried forward"],
        cf_in=["Subtotal brought forward", "Brought forward"],
    ),
}

# ----------------------------------------------------------------------------- word lists
# surname syllables (first part, second part) per language
SYL = {
    "de": (
        words(
            "Brem Hol Kett Lind Wart Stein Kolb Reich Feld Hart Wend Dorn Eber Gut Mahl Ross Tann"
        ),
        words("mann ner berg hofer ke inger hardt meier bach ler wald"),
    ),
    "fr": (
        words("Du La Mor Ber Char Four Gir Roch Vall Mar Bel Cour Lem Sauv"),
        words("ville ard eau ier in ot et and onnet ière"),
    ),
    "it": (
        words("Ros Bell Fer Mar Cast Gal Lomb Ser Vit Pell Cont Bran Sal"),
        words("ini etti one ucci elli ardi ato esi otti"),
    ),
    "es": (
        words("Gar Mor Ser Val Cas Ferr Rod Alv Mend Our Bar Llor Pin"),
        words("ez ado era illo ero ana uelo iño eda"),
    ),
    "nl": (
        words("Berg Hoek Dijk Molen Brink Velde Kamp Bosch Veen Wey Hout Graaf"),
        words("huis man ink stra ema hof er kens"),
    ),
    "en": (
        words("Ash Brad Hal Wick Thorn Mar Pem Cul Stan Brom Hart Fen Kel Wyn"),
        words("ford ley ton well by wood more field ridge ham"),
    ),
}
# (female, male) first names
FIRST = {
    "de": (
        words("Anna Katrin Sabine Miriam Ulrike Carla Jana"),
        words("Jonas Lukas Tobias Felix Matthias Henrik Stefan"),
    ),
    "fr": (
        words("Camille Élodie Claire Manon Sophie Aurélie"),
        words("Julien Mathieu Antoine Hugo Luc Thibault"),
    ),
    "it": (words("Giulia Chiara Francesca Elena Sara"), words("Marco Luca Davide Matteo Paolo")),
    "es": (words("Lucía Carmen Marta Elena Nuria"), words("Javier Pablo Diego Sergio Álvaro")),
    "nl": (words("Sanne Eva Lotte Femke Anouk"), words("Daan Bram Joris Ruben Thijs")),
    "en": (words("Emma Olivia Hannah Grace Chloe"), words("James Thomas Oliver Daniel Samuel")),
}
TITLE = {
    "de": ("Frau", "Herrn"),
    "fr": ("Mme", "M."),
    "en": ("Ms", "Mr"),
    "it": ("Sig.ra", "Sig."),
    "es": ("Sra.", "Sr."),
    "nl": ("mevr.", "dhr."),
}
# brand-name syllables: first, optional middle, last
BRAND = (
    words("Kor Vel Lum Nex Tar Quin Sol Ard Brin Zer Mav Ost Pel Rix Tov Cal"),
    words("va no ri ta lo me xa de"),
    words("nix tec ion ora ent is ux ano eon ia ro sys"),
)
TRADE = {
    "de": words(
        "Haustechnik Metallbau Elektrotechnik Logistik Druckerei Software Bürotechnik Gartenbau "
        "Maschinenbau Holzbau Medizintechnik"
    ),
    "fr": words(
        "Menuiserie Transports Informatique Imprimerie Électricité Conseil Plomberie Agencement"
    ),
    "it": [
        "Costruzioni",
        "Trasporti",
        "Informatica",
        "Arredamenti",
        "Impianti",
        "Meccanica",
        "Forniture",
    ],
    "es": words(
        "Construcciones Transportes Informática Suministros Instalaciones Distribuciones Reformas"
    ),
    "nl": words("Installatietechniek Transport Bouw ICT Drukwerk Groothandel Techniek"),
    "en": words(
        "Engineering Logistics Print Consulting Supplies Joinery Electrical Software Trading"
    ),
}
# company-name patterns per locale: {S}/{S2} surname, {B} brand, {T} trade
CO = {
    "de": [
        "{S} {T} GmbH",
        "{S} & {S2} GmbH & Co. KG",
        "{B} AG",
        "{S} {T} e.K.",
        "{B} {T} GmbH",
        "{B} UG (haftungsbeschränkt)",
    ],
    "at": [
        "{S} {T} GmbH",
        "{B} Handels GmbH",
        "{S} & {S2} OG",
        "{S} {T} KG",
        "{B} Gesellschaft m.b.H.",
    ],
    "ch": ["{B} AG", "{S} {T} GmbH", "{S} & Co. AG", "{B} Sàrl"],
    "fr": ["{B} SARL", "SAS {B}", "{T} {S} SARL", "{S} et Fils SA", "{B} {T} SASU", "EURL {S}"],
    "ie": ["{B} Limited", "{S} {T} Ltd", "{B} DAC", "{S} & Sons Ltd"],
    "gb": ["{B} Ltd", "{S} & Sons Limited", "{S} {T} Ltd", "{B} Group plc", "{S} {S2} LLP"],
    "us": ["{B} Inc.", "{S} {T} LLC", "{B} Corp.", "{S} & {S2}, Inc.", "{B} Solutions LLC"],
    "it": ["{S} {T} S.r.l.", "{B} S.p.A.", "{S} & C. S.n.c.", "{B} S.r.l.s.", "{T} {S} S.a.s."],
    "es": [
        "{T} {S} S.L.",
        "{B} S.A.",
        "{S} y {S2} Asociados S.L.",
        "{B} S.L.U.",
        "{B} Ibérica S.L.",
    ],
    "nl": ["{B} B.V.", "{S} {T} B.V.", "{B} Groep N.V.", "{S} & {S2} V.O.F.", "{T} {S} B.V."],
}
# legal forms, longest first, to find a company's short name
FORMS = sorted(
    [
        "GmbH & Co. KG",
        "GmbH",
        "AG",
        "e.K.",
        "UG (haftungsbeschränkt)",
        "OG",
        "KG",
        "Gesellschaft m.b.H.",
        "Sàrl",
        "SARL",
        "SASU",
        "SAS",
        "SA",
        "EURL",
        "Ltd",
        "Limited",
        "plc",
        "LLP",
        "Inc.",
        "LLC",
        "Corp.",
        "S.r.l.s.",
        "S.r.l.",
        "S.p.A.",
        "S.n.c.",
        "S.a.s.",
        "S.L.U.",
        "S.L.",
        "S.A.",
        "B.V.",
        "N.V.",
        "V.O.F.",
        "DAC",
    ],
    key=len,
    reverse=True,
)
# (description, unit, min price, max price)
ITEMS: dict[str, list[tuple[str, str, float, float]]] = {
    "de": [
        ("Beratung und Konzeption", "h", 80, 150),
        ("Montagearbeiten vor Ort", "h", 48, 89),
        ("Edelstahlschrauben M8x40, DIN 933", "pc", 0.12, 1.9),
        ("Kupferrohr 15 mm, hart", "m", 6, 14),
        ("Wartungspauschale Heizungsanlage", "flat", 95, 420),
        ("Flyer DIN A5, 4/4-farbig, 135 g/m²", "pc", 0.04, 0.35),
        ("Softwarelizenz Jahresabo Standard", "pc", 120, 900),
        ("Anfahrtspauschale", "flat", 25, 65),
        ("Entsorgung Altmaterial", "kg", 0.3, 1.2),
        ("Büroschrank Stahl, lichtgrau", "pc", 180, 640),
        ("Programmierung Schnittstelle", "h", 85, 140),
        ("Fliesenkleber flexibel, 25-kg-Sack", "pc", 14, 32),
    ],
    "fr": [
        ("Prestation de conseil", "h", 70, 140),
        ("Main d'œuvre sur site", "h", 40, 75),
        ("Vis inox A2 M8x40", "pc", 0.1, 1.5),
        ("Câble électrique 3G2,5 mm²", "m", 1.2, 3.5),
        ("Forfait maintenance annuelle chaudière", "flat", 120, 380),
        ("Impression dépliants A5 quadri", "pc", 0.05, 0.4),
        ("Licence logiciel – abonnement annuel", "pc", 150, 900),
        ("Frais de déplacement", "flat", 30, 80),
        ("Panneau chêne massif 20 mm", "m", 35, 90),
        ("Développement module de paiement", "h", 65, 120),
    ],
    "en": [
        ("Consultancy services", "h", 60, 150),
        ("On-site installation labour", "h", 35, 80),
        ("Stainless steel bolts M8 x 40", "pc", 0.1, 1.8),
        ("Cat6 network cable, grey", "m", 0.6, 2.5),
        ("Annual boiler service", "flat", 80, 260),
        ("A5 leaflets, full colour, 150gsm", "pc", 0.03, 0.3),
        ("Software subscription (12 months)", "pc", 99, 899),
        ("Delivery charge", "flat", 9.5, 45),
        ("Oak worktop 40 mm, cut to size", "m", 60, 160),
        ("Website maintenance retainer", "flat", 150, 600),
    ],
    "it": [
        ("Consulenza tecnica", "h", 60, 130),
        ("Manodopera installazione", "h", 30, 60),
        ("Viti inox M8x40", "pc", 0.1, 1.5),
        ("Cavo elettrico FG16OR16 3G2,5", "m", 1.1, 3.2),
        ("Canone manutenzione annuale", "flat", 150, 600),
        ("Stampa volantini A5 a colori", "pc", 0.04, 0.3),
        ("Licenza software annuale", "pc", 120, 800),
        ("Spese di trasporto", "flat", 20, 90),
        ("Piano in rovere 40 mm", "m", 50, 140),
        ("Sviluppo software su misura", "h", 50, 110),
    ],
    "es": [
        ("Servicios de consultoría", "h", 50, 120),
        ("Mano de obra instalación", "h", 28, 55),
        ("Tornillos inox M8x40", "pc", 0.1, 1.4),
        ("Cable eléctrico 3x2,5 mm²", "m", 1, 3),
        ("Cuota mantenimiento anual", "flat", 120, 500),
        ("Impresión folletos A5 color", "pc", 0.04, 0.3),
        ("Licencia de software anual", "pc", 100, 800),
        ("Portes", "flat", 12, 60),
        ("Encimera de roble 40 mm", "m", 45, 130),
        ("Desarrollo web a medida", "h", 40, 95),
    ],
    "nl": [
        ("Advieswerkzaamheden", "h", 65, 140),
        ("Montage op locatie", "h", 40, 75),
        ("RVS bouten M8x40", "pc", 0.1, 1.6),
        ("Installatiekabel 3x2,5 mm²", "m", 1, 3),
        ("Onderhoudscontract cv-ketel", "flat", 90, 300),
        ("Flyers A5 full colour", "pc", 0.03, 0.3),
        ("Softwarelicentie jaarabonnement", "pc", 100, 900),
        ("Voorrijkosten", "flat", 25, 60),
        ("Eiken werkblad 40 mm", "m", 55, 150),
        ("Ontwikkeling webapplicatie", "h", 60, 120),
    ],
}
RED: dict[str, list[tuple[str, str, float, float]]] = {  # reduced-rate goods
    "de": [
        ("Kaffee Crema, ganze Bohne, 1 kg", "pc", 12, 24),
        ("Fachbuch Baurecht kompakt, 4. Aufl.", "pc", 19, 59),
        ("Mineralwasser still, Kiste 12 x 1,0 l", "pc", 4, 9),
    ],
    "fr": [
        ("Café en grains, 1 kg", "pc", 11, 22),
        ("Livre « Gestion de chantier », 3e éd.", "pc", 18, 45),
        ("Eau minérale, pack 6 x 1,5 l", "pc", 2.5, 6),
    ],
    "en": [
        ("Children's car seat, group 1", "pc", 60, 180),
        ("Technical manual (printed book)", "pc", 12, 45),
        ("Loft insulation roll 100 mm", "pc", 15, 40),
    ],
    "it": [
        ("Caffè in grani 1 kg", "pc", 12, 25),
        ("Pasta di semola 5 kg", "pc", 6, 14),
        ("Manuale tecnico (libro)", "pc", 18, 50),
    ],
    "es": [
        ("Café en grano 1 kg", "pc", 10, 22),
        ("Libro técnico de obra", "pc", 15, 45),
        ("Agua mineral pack 6 x 1,5 l", "pc", 2, 5),
    ],
    "nl": [
        ("Koffiebonen 1 kg", "pc", 11, 24),
        ("Vakboek Bouwbesluit", "pc", 20, 55),
        ("Mineraalwater 6 x 1,5 l", "pc", 2.5, 6),
    ],
}
# long endings for item descriptions: {o} quotation number, {d}/{d2} dates
TAILS = {
    "de": [
        " – Ausführung gemäß Angebot Nr. {o} vom {d}, inkl. Material, Anfahrt und Dokumentation",
        " (Leistungszeitraum {d} bis {d2}, Abrechnung nach Aufwand laut Stundennachweis)",
    ],
    "fr": [
        " – selon devis n° {o} du {d}, fournitures et déplacement inclus",
        " (période du {d} au {d2}, selon relevé d'heures)",
    ],
    "en": [
        " – as per quotation {o} dated {d}, including materials and travel",
        " (service period {d} to {d2}, billed per timesheet)",
    ],
    "it": [
        " – come da preventivo n. {o} del {d}, comprensivo di materiali e trasferta",
        " (periodo dal {d} al {d2}, a consuntivo)",
    ],
    "es": [
        " – según presupuesto nº {o} de {d}, incluye materiales y desplazamiento",
        " (periodo del {d} al {d2}, según parte de horas)",
    ],
    "nl": [
        " – conform offerte {o} d.d. {d}, inclusief materiaal en reiskosten",
        " (periode {d} t/m {d2}, volgens urenstaat)",
    ],
}
FONTS = [
    "DejaVu Sans",
    "DejaVu Serif",
    "Noto Sans",
    "Noto Serif",
    "DejaVu Sans Condensed",
    "Noto Sans Display",
]
# accent colours
ACC = ["#1f4e79", "#8b1e3f", "#2e7d32", "#444444", "#b35c00", "#005f73", "#5b2a86", "#000000"]
# BBAN pattern per country: "n18" = 18 digits, "a4n14" = 4 letters then 14 digits
IBSPEC = {
    "DE": "n18",
    "AT": "n16",
    "CH": "n17",
    "FR": "n23",
    "IT": "a1n22",
    "ES": "n20",
    "NL": "a4n10",
    "GB": "a4n14",
    "IE": "a4n14",
}


def vat_rates(cc: str, day: dt.date, rng: random.Random) -> list[Any]:
    """The country's VAT rates on that day, standard rate first (US: one sales-tax rate)."""
    if cc == "DE":
        return [16, 5] if dt.date(2020, 7, 1) <= day <= dt.date(2020, 12, 31) else [19, 7]
    if cc == "CH":
        return (
            ["8.1", "2.6"]
            if day.year >= 2024
            else (["7.7", "2.5"] if day.year >= 2018 else ["8", "2.5"])
        )
    if cc == "NL":
        return [21, 9 if day.year >= 2019 else 6]
    if cc == "US":
        return [rng.choice(["6", "6.25", "7", "7.25", "8.25", "8.875", "9.5", "0"])]
    return {
        "AT": [20, 10, 13],
        "FR": [20, 5.5, 10],
        "GB": [20, 5, 0],
        "IE": [23, 13.5, 9],
        "IT": [22, 10, 4],
        "ES": [21, 10, 4],
    }[cc]


# ----------------------------------------------------------------------------- formatting
def format_number(x: Decimal, style: str) -> str:
    """An amount with two decimals in a number style: "en" 1,234.56, "de" 1.234,56, "fr" and
    "frs" 1 234,56 (narrow / no-break space), "ch" 1'234.56, "esn" 1234,56 (grouped from 10 000)."""
    neg, x = x < 0, abs(x)
    s = f"{x:,.2f}"
    if style == "de" or (style == "esn" and x >= 10000):
        s = s.translate(str.maketrans(",.", ".,"))
    elif style == "esn":
        s = f"{x:.2f}".replace(".", ",")
    elif style in ("fr", "frs"):
        s = s.replace(",", "\u202f" if style == "fr" else "\u00a0").replace(".", ",")
    elif style == "ch":
        s = s.replace(",", "'")
    return ("-" if neg else "") + s


def format_date(day: dt.date, style: str, lang: str) -> str:
    """A date in a style ("dmy.", "iso", "longus", ...; "long" and others: the language's long
    form)."""
    month = MON[lang][day.month - 1]
    fixed = {
        "dmy.": "%d.%m.%Y",
        "dmy.yy": "%d.%m.%y",
        "dmy/": "%d/%m/%Y",
        "dmy-": "%d-%m-%Y",
        "mdy/": "%m/%d/%Y",
        "iso": "%Y-%m-%d",
    }
    if style in fixed:
        return day.strftime(fixed[style])
    if style == "longus":
        return f"{month} {day.day}, {day.year}"
    if style == "usshort":
        return f"{month[:3]} {day.day}, {day.year}"
    if style == "dMonY":
        return f"{day.day:02d}-{month[:3]}-{day.year}"
    if lang == "de":
        return f"{day.day}. {month} {day.year}"
    if lang == "fr":
        return f"{'1er' if day.day == 1 else day.day} {month} {day.year}"
    if lang == "es":
        return f"{day.day} de {month} de {day.year}"
    return f"{day.day} {month} {day.year}"


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits only, at most 14 (for e-mail and web domains)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in text if ch.isalnum())[:14]


class Doc:
    """Per-invoice random context: locale, chosen label variants, number/date style, fonts,
    printed-field flags."""

    def __init__(self, seed: int, family: str) -> None:
        self.rng = random.Random(seed)
        self.family, self.layout = family, family
        self._chosen: dict[str, Any] = {}  # label variants and options, drawn once per invoice
        self.printed: dict[str, bool] = {}  # which optional fields the page shows (due, iban, ...)

    def set_locale(self, loc: str) -> None:
        """Draws the locale's number, date, colon, font and colour style."""
        rng = self.rng
        self.loc = loc
        self.locale: dict[str, Any] = LOCS[loc]
        self.lang: str = self.locale["lang"]
        self.cc: str = self.locale["cc"]
        self.num_style, self.amount_pattern = rng.choice(self.locale["amt"])
        self.date_style = rng.choice(self.locale["dates"])
        self.decimal_sep = "." if self.num_style in ("en", "ch") else ","
        self.percent_space = " " if self.lang in ("de", "fr", "es") and rng.random() < 0.7 else ""
        self.colon = rng.choice([":", ":", ""])
        self.font, self.font_size, self.accent = (
            rng.choice(FONTS),
            rng.choice([8.5, 9, 9, 9.5, 10]),
            rng.choice(ACC),
        )

    def label(self, key: str, **kw: Any) -> Any:
        """The locale's text for a label key, formatted with ``kw``.

        Where there are variants one is drawn the first time and kept for the whole invoice (the
        amount-to-pay label is never the gross total's, nor the net total's the subtotal's).
        """
        v = OVR.get(self.loc, {}).get(key, LAB[self.lang].get(key))
        if isinstance(v, list):
            if key not in self._chosen:
                excl = self._chosen.get({"pay": "gross", "net": "sub"}.get(key))
                self._chosen[key] = self.rng.choice([x for x in v if x != excl] or v)
            v = self._chosen[key]
        return v.format(**kw) if kw else v

    def option(self, key: str, p: float) -> bool:
        """A yes/no choice with probability p, drawn the first time and kept for the invoice."""
        if key not in self._chosen:
            self._chosen[key] = self.rng.random() < p
        return self._chosen[key]

    def money(self, x: Decimal) -> str:
        """An amount with the currency, as the locale prints it (English: the sign first)."""
        return (
            ("-" + self.amount_pattern.format(n=format_number(-x, self.num_style)))
            if (x < 0 and self.lang == "en")
            else self.amount_pattern.format(n=format_number(x, self.num_style))
        )

    def cell(self, x: Decimal) -> str:
        """An amount in the items table: with the currency or as a bare number."""
        return self.money(x) if self.option("cellcur", 0.35) else format_number(x, self.num_style)

    def date(self, day: dt.date) -> str:
        return format_date(day, self.date_style, self.lang)

    def percent(self, rate: Decimal | float | int | str) -> str:
        v = format(Decimal(str(rate)).normalize(), "f")
        return v.replace(".", self.decimal_sep) + self.percent_space + "%"

    def qty(self, x: Decimal) -> str:
        if x == int(x):
            return str(int(x))
        return format(x.normalize(), "f").replace(".", self.decimal_sep)


# ----------------------------------------------------------------------------- parties
def digits(rng: random.Random, k: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(k))


def surname(rng: random.Random, lang: str) -> str:
    """A surname from two syllables of the language (Dutch: sometimes with "van", "de", ...)."""
    first, second = SYL[lang]
    s = rng.choice(first) + rng.choice(second)
    return (
        (rng.choice(["van ", "de ", "van der ", "van den "]) + s)
        if lang == "nl" and rng.random() < 0.4
        else s
    )


def upper_first(s: str) -> str:
    return s[0].upper() + s[1:]


def brand_name(rng: random.Random) -> str:
    return (
        rng.choice(BRAND[0])
        + (rng.choice(BRAND[1]) if rng.random() < 0.6 else "")
        + rng.choice(BRAND[2])
    )


def make_iban(rng: random.Random, cc: str) -> str:
    """A valid IBAN (check digits by mod 97) with the country's BBAN pattern from IBSPEC."""
    spec, bban, i = IBSPEC[cc], "", 0
    while i < len(spec):
        kind, j = spec[i], i + 1
        while j < len(spec) and spec[j].isdigit():
            j += 1
        k = int(spec[i + 1 : j])
        bban += (
            "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(k))
            if kind == "a"
            else digits(rng, k)
        )
        i = j
    n = int("".join(str(int(ch, 36)) for ch in bban + cc + "00"))
    return f"{cc}{98 - n % 97:02d}{bban}"


def place(rng: random.Random, loc: str) -> tuple[str, list[str], str]:
    """(street, city lines, town) for a locale."""
    lang = LOCS[loc]["lang"]
    root, n = upper_first(surname(rng, lang).split()[-1]), rng.randint(1, 180)
    if loc in ("de", "at", "ch"):
        town = root + rng.choice(
            [
                "dorf",
                "hausen",
                "heim",
                "burg",
                "stadt",
                "feld",
                "ingen",
                "wil" if loc == "ch" else "au",
            ]
        )
        street = (
            root
            + rng.choice(["straße" if loc != "ch" else "strasse", "weg", "allee", "ring", "gasse"])
            + f" {n}"
        )
        if loc == "de" and rng.random() < 0.15:
            street = f"Am {root}hof {n}"
        return street, [f"{digits(rng, 5 if loc == 'de' else 4).replace('0', '1', 1)} {town}"], town
    if loc == "fr":
        town = (
            rng.choice(["", "Saint-"])
            + root
            + rng.choice(["", "-sur-Loire", "-les-Bains", "court"])
        )
        street = f"{n} " + rng.choice(
            [
                "rue de la Gare",
                "avenue de la République",
                "rue des Tanneurs",
                "chemin des Vignes",
                "boulevard de la Liberté",
                "place de la Fontaine",
                f"rue {root}",
                f"allée {root}",
            ]
        )
        return (
            street,
            [
                f"{rng.randint(10, 95)}{digits(rng, 3)} "
                f"{town.upper() if rng.random() < 0.5 else town}"
            ],
            town,
        )
    if loc == "it":
        town = root + rng.choice(["ano", "ello", "ate", "ona", "ago"])
        return (
            f"{rng.choice(['Via', 'Viale', 'Corso'])} {root} {n}",
            [
                f"{digits(rng, 5)} {town} "
                f"({rng.choice(['MI', 'TO', 'BG', 'VR', 'PD', 'BO', 'FI', 'BA'])})"
            ],
            town,
        )
    if loc == "es":
        town = rng.choice(["", "San "]) + root + rng.choice(["ejo", "ales", "ena", "illa"])
        return (
            f"{rng.choice(['Calle', 'Avenida de', 'Paseo de'])} {root}, {n}",
            [f"{rng.randint(1, 50):02d}{digits(rng, 3)} {town}"],
            town,
        )
    if loc == "nl":
        town = root + rng.choice(["dam", "dijk", "hoven", "veen", "horst", "wijk"])
        return (
            f"{root}{rng.choice(['straat', 'laan', 'weg', 'gracht'])} {n}",
            [
                f"{rng.randint(1000, 9999)} "
                f"{rng.choice('ABCDEGHJKLMNPRSTVWXZ')}{rng.choice('ABCDEGHJKLMNPRSTVWXZ')}  {town}"
            ],
            town,
        )
    if loc in ("gb", "ie"):
        town = root + rng.choice(["ford", "bury", "ton", "ham", "chester", "wick"])
        street = (
            f"{n} {root} {rng.choice(['Road', 'Street', 'Lane', 'Way'])}"
            if rng.random() < 0.7
            else f"Unit {n % 20 + 1}, {root} Business Park"
        )
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        postcode = (
            f"{rng.choice(['LS', 'BS', 'NG', 'CV', 'EX', 'PR'])}{rng.randint(1, 29)} "
            f"{rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
            if loc == "gb"
            else f"{rng.choice(['D02', 'D04', 'T12', 'H91', 'V94'])} "
            f"{rng.choice(letters)}{digits(rng, 2)}{rng.choice(letters)}"
        )
        return street, [town, postcode], town
    town = root + rng.choice(["ville", "ton", "port", "field"])
    street = f"{n * 10 + rng.randint(0, 9)} {root} {rng.choice(['Ave', 'St', 'Blvd', 'Dr'])}" + (
        f", Suite {rng.randint(1, 9)}00" if rng.random() < 0.4 else ""
    )
    return (
        street,
        [f"{town}, {rng.choice(['OH', 'TX', 'CO', 'OR', 'NC', 'MN', 'WI'])} {digits(rng, 5)}"],
        town,
    )


def add_ids(rng: random.Random, party: Party) -> None:
    """VAT number, SIREN, tax number and company registration in the party's country's formats.

    Each dict below is built whole, drawing every country's number, and then one is picked: those
    draws are part of the random sequence, so a seed keeps giving the same invoice.
    """
    cc, town = party["cc"], party["town"]
    siren = digits(rng, 9)
    party["vat"] = {
        "DE": "DE" + digits(rng, 9),
        "AT": "ATU" + digits(rng, 8),
        "CH": f"CHE-{digits(rng, 3)}.{digits(rng, 3)}.{digits(rng, 3)} MWST",
        "FR": f"FR{digits(rng, 2)}{siren}",
        "GB": f"GB {digits(rng, 3)} {digits(rng, 4)} {digits(rng, 2)}",
        "IE": f"IE{digits(rng, 7)}{rng.choice('ABCDEFHW')}",
        "IT": "IT" + digits(rng, 11),
        "ES": "ES" + rng.choice("ABG") + digits(rng, 8),
        "NL": f"NL{digits(rng, 9)}B01",
        "US": f"{digits(rng, 2)}-{digits(rng, 7)}",
    }[cc]
    party["siren"] = f"{siren[:3]} {siren[3:6]} {siren[6:]}"
    party["taxno"] = {
        "DE": f"{digits(rng, 2)}/{digits(rng, 3)}/{digits(rng, 5)}",
        "AT": f"{digits(rng, 2)} {digits(rng, 3)}/{digits(rng, 4)}",
        "FR": f"{party['siren']} {digits(rng, 5)}",
        "IT": party["vat"][2:],
        "NL": digits(rng, 8),
        "GB": digits(rng, 8),
        "ES": party["vat"][2:],
    }.get(cc, party["vat"])
    party["reg"] = {
        "DE": f"Amtsgericht {town}, HRB {rng.randint(1000, 99999)}",
        "AT": f"FN {rng.randint(10000, 599999)}{rng.choice('abdgikmpstvwxyz')}, "
        f"Landesgericht {town}",
        "CH": f"Handelsregister {town}, {party['vat'].replace(' MWST', '')}",
        "FR": f"RCS {town} {party['siren']}",
        "GB": f"Registered in England and Wales No. {digits(rng, 8)}",
        "IE": f"Registered in Ireland, CRO No. {digits(rng, 6)}",
        "IT": f"REA {rng.choice(['MI', 'TO', 'BO'])}-{digits(rng, 6)}",
        "ES": f"Reg. Mercantil de {town}, Tomo {rng.randint(100, 9999)}, "
        f"Folio {rng.randint(1, 220)}, Hoja {rng.choice('MBV')}-{digits(rng, 5)}",
        "NL": f"KvK {party['taxno']}",
        "US": "",
    }[cc]


def add_bank(rng: random.Random, party: Party) -> None:
    """Bank name, IBAN (where the country has one), BIC and US routing and account numbers."""
    cc, lang = party["cc"], LOCS[party["loc"]]["lang"]
    root, town = upper_first(surname(rng, lang).split()[-1]), party["town"]
    party["bank"] = rng.choice(
        {
            "de": [f"Sparkasse {town}", f"Volksbank {town} eG", f"{root}bank AG"],
            "fr": [f"Banque {root}", f"Crédit {root}"],
            "en": [f"{root} National Bank", f"First {root} Bank"]
            if cc == "US"
            else [f"{root} Bank plc", f"{root} & Co. Bank"],
            "it": [f"Banca {root}", f"Cassa di Risparmio di {town}"],
            "es": [f"Banco {root}", f"Caja Rural de {town}"],
            "nl": [f"{root}bank N.V."],
        }[lang]
    )
    party["iban"] = make_iban(rng, cc) if cc in IBSPEC else None
    party["bic"] = (
        "".join(rng.choice("ABCDEFGHKLMNPRSTUVWZ") for _ in range(4))
        + cc
        + rng.choice(["2X", "MM", "22", "PP", "FF"])
        + rng.choice(["", "XXX"])
    )
    party["routing"], party["acct"] = digits(rng, 9), digits(rng, 10)


def make_party(doc: Doc, loc: str, kind: str = "co", pattern: str | None = None) -> Party:
    """A company (kind "co", its name from CO or ``pattern``) or a person in a locale."""
    rng, lang = doc.rng, LOCS[loc]["lang"]
    trade_lang = "en" if lang == "en" else lang
    fem = rng.random() < 0.5
    first = rng.choice(FIRST[lang][0 if fem else 1])
    if kind == "co":
        pat = pattern or rng.choice(CO[loc])
        name = pat.format(
            S=upper_first(surname(rng, lang)),
            S2=upper_first(surname(rng, lang)),
            B=brand_name(rng),
            T=rng.choice(TRADE[trade_lang]),
        )
    else:
        name = (
            f"{first} {upper_first(surname(rng, lang))}"
            if lang != "nl"
            else f"{first} {surname(rng, lang)}"
        )
    short = name  # without the legal form
    for form in FORMS:
        if short.endswith(" " + form):
            short = short[: -len(form) - 1].rstrip(",")
        elif short.startswith(form + " "):
            short = short[len(form) + 1 :]
    street, city, town = place(rng, loc)
    party: Party = dict(
        name=name,
        short=short,
        cc=LOCS[loc]["cc"],
        loc=loc,
        country=LOCS[loc]["country"],
        town=town,
        lines=[street] + city,
        person=kind != "co",
        pre=None,
        attn=None,
        dept=None,
    )
    party["tel"] = f"+{LOCS[loc]['tel']} {rng.randint(20, 899)} {digits(rng, 3)} {digits(rng, 4)}"
    domain = slug(short if kind == "co" else name) + "." + LOCS[loc]["tld"]
    mailbox = {
        "de": "info rechnung buchhaltung",
        "fr": "contact facturation compta",
        "en": "accounts billing info",
        "it": "amministrazione info",
        "es": "administracion info",
        "nl": "info facturen administratie",
    }[lang].split()
    party["mail"] = f"{rng.choice(mailbox)}@{domain}" if kind == "co" else f"{slug(first)}@{domain}"
    party["web"] = "www." + domain
    party["mgr"] = (
        f"{rng.choice(FIRST[lang][0] + FIRST[lang][1])} {upper_first(surname(rng, lang))}"
    )
    add_ids(rng, party)
    add_bank(rng, party)
    if kind == "co" and rng.random() < 0.3:
        female = rng.random() < 0.5
        party["attn"] = (
            f"{TITLE[lang][0 if female else 1]} {rng.choice(FIRST[lang][0 if female else 1])} "
            f"{upper_first(surname(rng, lang))}"
        )
    if kind == "co" and rng.random() < 0.15:
        party["dept"] = rng.choice(
            {
                "de": ["Abt. Einkauf", "Buchhaltung / Kreditoren"],
                "fr": ["Service comptabilité", "Service achats"],
                "en": ["Accounts Payable", "Purchase Ledger"],
                "it": ["Ufficio amministrazione"],
                "es": ["Dpto. de Administración"],
                "nl": ["Afdeling Crediteuren"],
            }[lang]
        )
    if kind == "co" and lang == "de" and rng.random() < 0.15:
        party["pre"] = "Firma"
    if kind != "co" and lang == "de" and rng.random() < 0.7:
        party["pre"] = "Frau" if fem else "Herrn"
    return party


def invoice_number(
    rng: random.Random, lang: str, day: dt.date, pat: str | None = None, seq: int | None = None
) -> tuple[str, str, int]:
    """(number, pattern, sequence number); a given pattern and sequence make a related number."""
    year, yy = day.year, day.year % 100
    pats = {
        "de": [
            "{Y}-{n:04d}",
            "RE-{Y}-{n:05d}",
            "R{yy}{n:05d}",
            "{Y}{n:04d}",
            "RE{yy}/{n:04d}",
            "{n:06d}",
        ],
        "fr": ["F{Y}-{n:04d}", "FA{yy}{n:05d}", "{Y}-{n:03d}", "FAC-{Y}-{n:04d}"],
        "en": ["INV-{n:05d}", "{n:05d}", "INV{Y}{n:04d}", "SI-{n:06d}"],
        "it": ["{n}/{Y}", "{n:04d}/{Y}", "FT{Y}/{n:03d}", "{n}/{yy}"],
        "es": ["A-{Y}-{n:04d}", "FAC{Y}-{n:04d}", "{Y}/{n:05d}", "F{yy}-{n:04d}"],
        "nl": ["{Y}.{n:04d}", "F{Y}-{n:04d}", "{Y}{n:05d}", "INV-{n:05d}"],
    }[lang]
    pat = pat or rng.choice(pats)
    seq = seq if seq is not None else rng.randint(12, 4800)
    return pat.format(Y=year, yy=yy, n=seq), pat, seq


def make_invoice(
    doc: Doc,
    n_items: tuple[int, int] = (2, 6),
    multi: bool = False,
    discount_p: float = 0.12,
    deposit: bool = False,
    short_items: bool = False,
    seller: Party | None = None,
    buyer: Party | None = None,
    no_vat: bool = False,
    person_p: float = 0.15,
) -> Invoice:
    """Dates, parties, numbers, items and totals of an invoice in the doc's locale.

    multi: items at reduced rates too; discount_p: chance of a discount on the total (one rate
    only); deposit: a deposit is taken off; short_items: short descriptions with codes; person_p:
    chance that the buyer is a person.
    """
    rng, loc, lang = doc.rng, doc.loc, doc.lang
    date = dt.date(rng.randint(2016, 2025), rng.randint(1, 12), rng.randint(1, 28))
    inv: Invoice = dict(date=date, days=rng.choice([7, 10, 14, 14, 30, 30, 60]))
    inv["seller"] = seller or make_party(doc, loc)
    inv["buyer"] = buyer or make_party(doc, loc, "person" if rng.random() < person_p else "co")
    inv["due"] = date + dt.timedelta(inv["days"])
    inv["deliv"] = date - dt.timedelta(rng.randint(0, 20))
    inv["odate"] = inv["deliv"] - dt.timedelta(rng.randint(1, 30))
    inv["no"], inv["pat"], inv["seq"] = invoice_number(rng, lang, date)
    inv["cust"] = rng.choice(
        [f"K{digits(rng, 5)}", digits(rng, 6), f"10{digits(rng, 4)}", f"D-{digits(rng, 5)}"]
    )
    prefix = {"de": "AB", "en": "PO", "fr": "CMD", "it": "ORD", "es": "PED", "nl": "ORD"}[lang]
    inv["order"] = rng.choice(
        [
            f"{prefix}-{date.year}-{digits(rng, 4)}",
            f"{prefix}{digits(rng, 6)}",
            digits(rng, 7),
            f"{rng.choice('BOS')}{digits(rng, 8)}",
        ]
    )
    inv["dn"] = rng.choice(
        [
            f"LS-{date.year}-{digits(rng, 5)}",
            f"DN{digits(rng, 6)}",
            f"{date.year % 100}{digits(rng, 6)}",
        ]
    )
    rates = [Decimal(str(x)) for x in vat_rates(doc.cc, date, rng)]
    if no_vat:
        rates = [Decimal(0)]
    items: list[dict[str, Any]] = []
    count = rng.randint(*n_items)
    pools: dict[bool, list[tuple[str, str, float, float]]] = {True: [], False: []}
    for i in range(count):
        reduced = multi and len(rates) > 1 and (i == 1 or (i > 1 and rng.random() < 0.4))
        if not pools[reduced]:  # each description once before any repeats
            source = RED[lang] if reduced else ITEMS[lang]
            pools[reduced] = rng.sample(source, len(source))
        desc, unit, lo, hi = pools[reduced].pop()
        if short_items and rng.random() < 0.6:
            desc += f" ({rng.choice('ABCDEFGHKLMS')}{rng.randint(10, 99)})"
        rate = rng.choice(rates[1:]) if reduced else rates[0]
        if unit == "h":
            qty = Decimal(
                rng.choice(["1", "1.5", "2", "2.5", "3", "4", "6", "7.5", "8", "12", "16"])
            )
        elif unit == "flat":
            qty = Decimal(1)
        elif unit in ("m", "kg"):
            qty = (
                Decimal(rng.randint(2, 250))
                if rng.random() < 0.7
                else Decimal(rng.randint(20, 2500)) / 10
            )
        else:
            qty = Decimal(rng.randint(50, 2000)) if hi < 3 else Decimal(rng.randint(1, 24))
        price = Decimal(rng.randint(int(lo * 100), int(hi * 100))) / 100
        if not short_items and rng.random() < 0.3:
            d1 = date - dt.timedelta(rng.randint(20, 90))
            desc += rng.choice(TAILS[lang]).format(
                o=f"{rng.choice(['', 'AN-', 'Q-'])}{digits(rng, 5)}",
                d=doc.date(d1),
                d2=doc.date(d1 + dt.timedelta(rng.randint(5, 30))),
            )
        items.append(
            dict(
                desc=desc,
                unit=unit,
                qty=qty,
                price=round_cents(price),
                rate=rate,
                amt=round_cents(qty * price),
                art=rng.choice(
                    [
                        digits(rng, 6),
                        f"{rng.choice('ABKMT')}-{digits(rng, 4)}",
                        f"{digits(rng, 3)}.{digits(rng, 3)}",
                    ]
                ),
            )
        )
    inv["items"] = items
    inv["sub"] = sum(it["amt"] for it in items)
    inv["disc_pct"] = (
        Decimal(rng.choice(["2", "3", "5", "10"]))
        if (len({it["rate"] for it in items}) == 1 and rng.random() < discount_p)
        else None
    )
    inv["disc"] = round_cents(inv["sub"] * inv["disc_pct"] / 100) if inv["disc_pct"] else Decimal(0)
    groups: dict[Decimal, Decimal] = {}  # VAT rate -> net amount
    for it in items:
        groups[it["rate"]] = groups.get(it["rate"], Decimal(0)) + it["amt"]
    if inv["disc"]:
        groups = {rate: net - inv["disc"] for rate, net in groups.items()}
    inv["groups"] = [  # (rate, net, tax), highest rate first
        (rate, net, round_cents(net * rate / 100))
        for rate, net in sorted(groups.items(), reverse=True)
    ]
    inv["net"] = sum(g[1] for g in inv["groups"])
    inv["tax"] = sum(g[2] for g in inv["groups"])
    inv["gross"] = inv["net"] + inv["tax"]
    assert inv["net"] == inv["sub"] - inv["disc"]
    inv["dep"] = Decimal(0)
    if deposit:
        v = inv["gross"] * Decimal(rng.choice([20, 30, 40, 50])) / 100
        inv["dep"] = Decimal(int(v / 50) * 50) if v > 200 else round_cents(v)
        inv["dep_date"] = date - dt.timedelta(rng.randint(20, 80))
        inv["dep_no"] = invoice_number(
            rng, lang, inv["dep_date"], inv["pat"], max(1, inv["seq"] - rng.randint(3, 40))
        )[0]
    inv["pay"] = inv["gross"] - inv["dep"]
    inv["std"] = rates[0]
    return inv


# ----------------------------------------------------------------------------- shared HTML helpers
def address_html(doc: Doc, party: Party, extra: bool = True, bold: bool = True) -> str:
    """A party's address block; ``extra``: with department and "for the attention of" lines."""
    lines = [party["pre"]] if party.get("pre") else []
    lines.append(f"<b>{esc(party['name'])}</b>" if bold else esc(party["name"]))
    if extra and party.get("dept"):
        lines.append(esc(party["dept"]))
    if extra and party.get("attn"):
        lines.append(esc(doc.label("attn", p=party["attn"])))
    lines += [esc(x) for x in party["lines"]]
    if party["cc"] != doc.cc:
        lines.append(esc(party["country"].upper() if doc.lang == "de" else party["country"]))
    return "<br>".join(lines)


def meta_table(doc: Doc, rows: list[Row], bold: bool = True) -> str:
    """A two-column table of (label, value) rows such as the invoice number and dates."""
    b = ("<b>", "</b>") if bold else ("", "")
    return (
        '<table class="meta">'
        + "".join(
            f'<tr><td class="mut">{esc(a)}{doc.colon}</td><td style="white-space:'
            f'{"normal" if len(v) > 28 else "nowrap"}">{b[0]}{esc(v)}{b[1]}</td></tr>'
            for a, v in rows
        )
        + "</table>"
    )


def due_row(doc: Doc, inv: Invoice) -> Row:
    """The due date as a meta row; the label gets the due date because it is printed."""
    doc.printed["due"] = True
    return (doc.label("due"), doc.date(inv["due"]))


def items_html(
    doc: Doc,
    inv: Invoice,
    items: list[dict[str, Any]] | None = None,
    start: int = 1,
    cf_in: tuple[str, Decimal] | None = None,
    cf_out: tuple[str, Decimal] | None = None,
    neg: bool = False,
    codes: dict[Decimal, str] | None = None,
) -> str:
    """The items table (all items, or ``items`` numbered from ``start``).

    cf_in / cf_out: a (label, amount) row brought / carried forward; neg: amounts printed negative;
    codes: VAT codes instead of rates in the VAT column.
    """
    label = doc.label
    items = inv["items"] if items is None else items
    multi = len(inv["groups"]) > 1
    pos, art, ucol = doc.option("pos", 0.5), doc.option("art", 0.25), doc.option("ucol", 0.6)
    vcol = multi or doc.option("vcol", 0.35)
    cur = (
        f" ({doc.locale['cur']})"
        if doc.option("hdrcur", 0.3) and not doc.option("cellcur", 0.35)
        else ""
    )
    hdr = (
        ([label("pos")] if pos else [])
        + ([label("art")] if art else [])
        + [label("desc"), label("qty")]
        + ([label("unit")] if ucol else [])
        + [label("price") + cur]
        + ([label("vat")] if vcol else [])
        + [label("amount") + cur]
    )
    ncol, sign = len(hdr), -1 if neg else 1
    desc_label, first_number, unit_label = label("desc"), hdr.index(label("qty")), label("unit")
    classes = [  # description, numbers right-aligned from the quantity on (not the unit)
        "desc" if h == desc_label else "r" if i >= first_number and h != unit_label else ""
        for i, h in enumerate(hdr)
    ]
    rows = "".join(f'<th class="{cls}">{esc(h)}</th>' for cls, h in zip(classes, hdr))
    out = f'<table class="items w"><thead><tr>{rows}</tr></thead><tbody>'
    if cf_in:
        out += (
            f'<tr class="cf"><td colspan="{ncol - 1}">{esc(cf_in[0])}</td>'
            f'<td class="r">{doc.cell(sign * cf_in[1])}</td></tr>'
        )
    units = label("units")
    for i, it in enumerate(items, start):
        qty = doc.qty(it["qty"]) + ("" if ucol else " " + units[it["unit"]])
        vat = codes[it["rate"]] if codes else doc.percent(it["rate"])
        cells = (
            ([str(i)] if pos else [])
            + ([it["art"]] if art else [])
            + [esc(it["desc"]), qty]
            + ([units[it["unit"]]] if ucol else [])
            + [doc.cell(it["price"])]
            + ([vat] if vcol else [])
            + [doc.cell(sign * it["amt"])]
        )
        desc_at = len(cells) - (4 + ucol + vcol)
        classes = [
            "desc" if j == desc_at else ("" if j < desc_at or (ucol and j == desc_at + 2) else "r")
            for j in range(len(cells))
        ]
        out += (
            "<tr>"
            + "".join(f'<td class="{cls}">{c}</td>' for cls, c in zip(classes, cells))
            + "</tr>"
        )
    if cf_out:
        out += (
            f'<tr class="cf"><td colspan="{ncol - 1}"><b>{esc(cf_out[0])}</b></td>'
            f'<td class="r"><b>{doc.cell(sign * cf_out[1])}</b></td></tr>'
        )
    return out + "</tbody></table>"


def totals_html(
    doc: Doc,
    inv: Invoice,
    neg: bool = False,
    per_rate: bool = True,
    us: bool = False,
    gkey: str = "gross",
) -> str:
    """Net, tax (per rate and/or summed), gross (label ``gkey``); then deposit and amount to pay
    when there is a deposit, or always with ``us`` (a "Payments/Credits" row)."""
    label, sign = doc.label, -1 if neg else 1
    rows = []
    if inv["disc"]:
        rows += [
            (label("sub"), doc.money(sign * inv["sub"]), ""),
            (label("disc", r=doc.percent(inv["disc_pct"])), doc.money(-sign * inv["disc"]), ""),
        ]
    rows.append((label("net"), doc.money(sign * inv["net"]), ""))
    multi = len(inv["groups"]) > 1
    if per_rate or not multi:
        for rate, net, tax in inv["groups"]:
            text = label("tax", r=doc.percent(rate)) + (
                f" {label('on')} {doc.money(sign * net)}"
                if multi and doc.option("taxon", 0.5)
                else ""
            )
            rows.append((text, doc.money(sign * tax), ""))
    if multi:
        rows.append((label("taxsum"), doc.money(sign * inv["tax"]), ""))
    rows.append((label(gkey), doc.money(sign * inv["gross"]), "g"))
    if inv["dep"] or us:
        text = (
            label("dep", d=doc.date(inv.get("dep_date", inv["date"])), n=inv.get("dep_no", ""))
            if inv["dep"]
            else "Payments/Credits"
        )
        rows.append((text, doc.money(-inv["dep"]), ""))
        if inv["dep"] and doc.lang != "en" and doc.option("incl", 0.4):
            dep_tax = round_cents(inv["dep"] - inv["dep"] / (1 + inv["std"] / 100))
            rows.append(
                (
                    f"<span class='sm mut'>({esc(label('incl', a=doc.money(dep_tax)))})</span>",
                    "",
                    "",
                )
            )
        rows.append((label("pay"), doc.money(inv["pay"]), "g"))
    return (
        '<table class="tot" style="margin-left:auto;margin-top:3mm">'
        + "".join(
            f'<tr class="{c}"><td>{a if a.startswith("<span") else esc(a)}</td>'
            f'<td class="r">{b}</td></tr>'
            for a, b, c in rows
        )
        + "</table>"
    )


def vat_table(doc: Doc, inv: Invoice, codes: dict[Decimal, str] | None = None) -> str:
    """The VAT breakdown: per rate net, tax and gross, and their sums."""
    label = doc.label
    heads = ([label("code")] if codes else []) + [
        label("vrate"),
        label("vnet"),
        label("vtax"),
        label("vgross"),
    ]
    out = (
        '<table class="items vbk" style="width:60%;margin-top:4mm"><thead><tr>'
        f'<th colspan="{len(heads)}">{esc(label("vbk"))}</th></tr><tr>'
        + "".join(
            f'<th class="{"r" if i >= len(heads) - 3 else ""}">{esc(x)}</th>'
            for i, x in enumerate(heads)
        )
        + "</tr></thead>"
    )
    for rate, net, tax in inv["groups"]:
        out += (
            "<tr>"
            + (f"<td>{codes[rate]}</td>" if codes else "")
            + f'<td>{doc.percent(rate)}</td><td class="r">{doc.money(net)}</td>'
            f'<td class="r">{doc.money(tax)}</td><td class="r">{doc.money(net + tax)}</td></tr>'
        )
    tot = "".join(
        f'<td class="r"><b>{doc.money(v)}</b></td>' for v in (inv["net"], inv["tax"], inv["gross"])
    )
    return out + f'<tr><td colspan="{len(heads) - 3}"><b>Σ</b></td>{tot}</tr></table>'


def terms_html(doc: Doc, inv: Invoice, allow_skonto: bool = True) -> str:
    """Payment terms: a due date (also as Skonto terms in German), a number of days, or now."""
    label, rng, k = doc.label, doc.rng, doc.rng.random()
    head = (
        f"<b>{esc(label('terms_h'))}:</b> "
        if doc.lang in ("fr", "it", "es", "nl") or rng.random() < 0.3
        else ""
    )

    def sentence(text: str) -> str:  # capitalised when it stands without a heading
        return text if head else upper_first(text)

    if doc.printed.get("due"):
        return f"<p>{head}{esc(sentence(label('tdays', n=inv['days'])))}</p>"
    if doc.lang == "de" and allow_skonto and inv["days"] >= 14 and k < 0.25:
        doc.printed["due"] = True
        skonto_day = inv["date"] + dt.timedelta(rng.choice([7, 10]))
        skonto = label(
            "skonto",
            d=doc.date(inv["due"]),
            sk=doc.date(skonto_day),
            p=doc.percent(2),
            a=doc.money(round_cents(inv["pay"] * Decimal("0.02"))),
        )
        return f"<p>{head}{esc(skonto)}</p>"
    if k < 0.6:
        doc.printed["due"] = True
        return f"<p>{head}{esc(sentence(label('tdate', d=doc.date(inv['due']))))}</p>"
    if k < 0.9:
        return f"<p>{head}{esc(sentence(label('tdays', n=inv['days'])))}</p>"
    return f"<p>{head}{esc(sentence(label('now')))}</p>"


def bank_lines(doc: Doc, party: Party, heading: bool = True) -> list[str]:
    """Bank name, IBAN (grouped in fours or not) and BIC; the label gets the IBAN."""
    doc.printed["iban"] = True
    iban = party["iban"]
    if doc.option("ibsp", 0.7):
        iban = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    lines = [f"{doc.label('bank')}{doc.colon}"] if heading else []
    return lines + [
        party["bank"],
        f"IBAN{doc.colon or ':'} {iban}",
        f"BIC{doc.colon or ':'} {party['bic']}",
    ]


def footer_html(cols: list[list[str]]) -> str:
    """A page footer of columns of lines (empty lines left out)."""
    tds = "".join(f"<td>{'<br>'.join(esc(x) for x in c if x)}</td>" for c in cols)
    return f'<div class="foot"><table class="w"><tr>{tds}</tr></table></div>'


def page_html(doc: Doc, body: str, size: str = "A4", mb: int = 32) -> str:
    """The whole HTML document: page size, bottom margin ``mb`` (mm) for the footer, styles."""
    page_no = doc.label("page") if doc.option("pnum", 0.6) or doc.family == "multipage" else "none"
    ff = doc.font
    return f"""<!DOCTYPE html><html lang="{doc.lang}"><head><meta charset="utf-8"><style>
@page {{ size: {size}; margin: 16mm 17mm {mb}mm 21mm; \
@top-right {{ content: {page_no}; font-size: 7pt; color: #666; }} }}
body {{ font-family: '{ff}', 'DejaVu Sans', sans-serif; font-size: {doc.font_size}pt; \
color: #1a1a1a; line-height: 1.3; }}
table {{ border-collapse: collapse; }} .w {{ width: 100%; }} td {{ vertical-align: top; }}
.items {{ margin-top: 4mm; }} \
.items th {{ text-align: left; border-bottom: 1.2px solid {doc.accent}; padding: 3px 4px; }}
.items td {{ padding: 2.5px 4px; border-bottom: 0.4px solid #ccc; }} \
.items td.desc {{ width: 45%; }}
.items tr.cf td {{ background: #f2f2f2; font-style: italic; }}
.r {{ text-align: right; white-space: nowrap; }} \
.items th.r {{ text-align: right; white-space: normal; }}
.items th.desc {{ width: 42%; }} p, .tot, .vbk {{ break-inside: avoid; }} \
.meta td:first-child {{ white-space: nowrap; }}
.tot td {{ padding: 2px 5px; }} .tot tr.g td {{ font-weight: bold; border-top: 1px solid #333; }}
.sm {{ font-size: 0.8em; }} .xs {{ font-size: 6.5pt; }} .mut {{ color: #555; }}
.meta td {{ padding: 1px 8px 1px 0; }}
.foot {{ position: fixed; bottom: -{mb - 6}mm; left: 0; right: 0; font-size: 6.6pt; color: #444; \
border-top: 0.5px solid #999; padding-top: 1.5mm; }}
.foot table {{ table-layout: fixed; }} .foot td {{ padding-right: 4mm; }}
h1 {{ font-size: 1.8em; margin: 0 0 2mm 0; color: {doc.accent}; }} \
h2 {{ font-size: 1.25em; margin: 5mm 0 2mm 0; }}
.logo {{ font-size: 20pt; font-weight: bold; color: {doc.accent}; }}
.box {{ border: 0.6px solid #999; padding: 2mm 3mm; }} \
.band {{ background: {doc.accent}; color: white; padding: 3mm 4mm; }}
.pb {{ break-after: page; }}
</style></head><body>{body}</body></html>"""


def seller_block(doc: Doc, seller: Party, vat: bool = True) -> str:
    """The seller's name, address, phone and e-mail, and VAT number."""
    lines = [f"<b>{esc(seller['name'])}</b>"] + [esc(x) for x in seller["lines"]]
    if seller["cc"] != doc.cc:
        lines.append(esc(seller["country"]))
    lines.append(esc(f"{doc.label('tel')} {seller['tel']} · {seller['mail']}"))
    if vat:
        lines.append(esc(f"{doc.label('vatid')}: {seller['vat']}"))
    return "<br>".join(lines)


def legal_lines(doc: Doc, seller: Party) -> list[str]:
    """Registration, managers, VAT number (and tax number in DE/AT) for a footer column."""
    label = doc.label
    return [
        seller["reg"],
        f"{label('mgr')}: {seller['mgr']}",
        f"{label('vatid')}: {seller['vat']}",
    ] + ([f"{label('taxno')}: {seller['taxno']}"] if doc.cc in ("DE", "AT") else [])


# ----------------------------------------------------------------------------- layout families
# Each draws its locale and invoice and returns (invoice, HTML page).
def layout_din5008(doc: Doc) -> tuple[Invoice, str]:
    """A DIN 5008 business letter (DE/AT/CH): window address under a sender line, info block."""
    rng, label = doc.rng, doc.label
    doc.set_locale(rng.choice(["de", "de", "at", "ch"]))
    inv = make_invoice(doc, discount_p=0.15)
    seller, buyer = inv["seller"], inv["buyer"]
    logo = seller["short"] if rng.random() < 0.6 else seller["name"]
    sender = " · ".join(
        [seller["name"] if rng.random() < 0.75 else seller["short"]] + seller["lines"]
    )
    info = [(label("no"), inv["no"]), (label("date"), doc.date(inv["date"]))]
    for key, val, p in (("cust", inv["cust"], 0.7), ("order", inv["order"], 0.4)):
        if rng.random() < p:
            info.append((label(key), val))
    if rng.random() < 0.5:
        info.append((label("deliv"), doc.date(inv["deliv"])))
    rng.shuffle(info)
    if rng.random() < 0.25:
        info.append(due_row(doc, inv))
    info += [(label("contact"), seller["mgr"]), (label("tel"), seller["tel"])]
    subject = label("title") + (f" Nr. {inv['no']}" if rng.random() < 0.5 else "")
    body = footer_html(
        [
            [seller["name"]] + seller["lines"],
            [
                f"{label('tel')} {seller['tel']}",
                f"{label('mail')}: {seller['mail']}",
                seller["web"],
            ],
            bank_lines(doc, seller),
            legal_lines(doc, seller),
        ]
    )
    body += f"""
<div style="text-align:right"><span class="logo">{esc(logo)}</span></div>
<table class="w" style="margin-top:10mm"><tr><td style="width:85mm;height:45mm">
<div class="xs" style="text-decoration:underline;margin-bottom:3mm">{esc(sender)}</div>\
{address_html(doc, buyer, bold=False)}</td>
<td style="padding-left:12mm">{meta_table(doc, info, bold=False)}</td></tr></table>
<h2>{esc(subject)}</h2><p>{label("greet")}<br>{label("intro")}</p>\
{items_html(doc, inv)}{totals_html(doc, inv)}
{terms_html(doc, inv)}<p>{label("thanks")}<br><br>{esc(seller["mgr"])}</p>"""
    return inv, page_html(doc, body, mb=36)


def layout_fr_facture(doc: Doc) -> tuple[Invoice, str]:
    """A French facture: SIRET, capital, RCS and APE in the footer, late-payment mentions."""
    rng, label = doc.rng, doc.label
    doc.set_locale("fr")
    inv = make_invoice(doc, multi=rng.random() < 0.3)
    seller, buyer = inv["seller"], inv["buyer"]
    rows = [(label("no"), inv["no"]), (label("date"), doc.date(inv["date"]))]
    if rng.random() < 0.4:
        rows.append(due_row(doc, inv))
    rows += [(label("cust"), inv["cust"])] + (
        [(label("order"), inv["order"])] if rng.random() < 0.4 else []
    )
    ship = ""
    if rng.random() < 0.35:
        site = make_party(doc, "fr")
        ship = (
            f'<td style="width:50%"><div class="mut sm">{label("ship")}</div>'
            f"Chantier {esc(site['short'])}<br>"
            + "<br>".join(esc(x) for x in site["lines"])
            + "</td>"
        )
    form = next(
        (f for f in ("SARL", "SASU", "SAS", "SA", "EURL") if f in seller["name"].split()), "SARL"
    )
    capital = format_number(
        Decimal(rng.choice([1000, 5000, 7500, 10000, 37000, 150000])), "fr"
    ).replace(",00", "")
    foot = (
        f"{seller['name']} – {form} au capital de {capital} € – RCS {seller['town']} "
        f"{seller['siren']} – SIRET {seller['taxno']} – TVA intracommunautaire {seller['vat']} – "
        f"Code APE {rng.randint(1000, 9999)}{rng.choice('ABCZ')}"
    )
    body = footer_html([[foot]])
    body += f"""
<table class="w"><tr><td style="width:55%"><div class="logo">{esc(seller["short"])}</div>\
{seller_block(doc, seller, vat=False)}
<br>SIRET : {seller["taxno"]}</td>
<td><h1>{esc(label("title"))}</h1>{meta_table(doc, rows)}</td></tr></table>
<table class="w" style="margin-top:8mm"><tr>{ship or '<td style="width:50%"></td>'}<td class="box">
<div class="mut sm">{esc(label("buyer_h"))}
</div>{address_html(doc, buyer)}"""
    if not buyer["person"] and rng.random() < 0.5:
        body += "<br>" + esc(label("vatid")) + " : " + buyer["vat"]
    body += f"""</td></tr></table>
{items_html(doc, inv)}{vat_table(doc, inv) if len(inv["groups"]) > 1 else ""}\
{totals_html(doc, inv)}
{terms_html(doc, inv)}<p class="sm">{"<br>".join(esc(x) for x in bank_lines(doc, seller))}</p>
<p class="xs mut">En cas de retard de paiement, une pénalité égale à trois fois le taux d'intérêt \
légal sera exigible,
ainsi qu'une indemnité forfaitaire pour frais de recouvrement de 40 €. Pas d'escompte pour \
paiement anticipé.</p>"""
    return inv, page_html(doc, body, mb=24)


def layout_uk_vat(doc: Doc) -> tuple[Invoice, str]:
    """A UK VAT invoice: tax point, delivery depot, sort code and account number."""
    rng, label = doc.rng, doc.label
    doc.set_locale("gb")
    inv = make_invoice(doc, multi=rng.random() < 0.3)
    seller, buyer = inv["seller"], inv["buyer"]
    rows = [(label("no"), inv["no"]), (label("date"), doc.date(inv["date"]))]
    if rng.random() < 0.5:
        rows.append(("Tax Point", doc.date(inv["deliv"])))
    rows += [(label("cust"), inv["cust"]), (label("order"), inv["order"])]
    if rng.random() < 0.35:
        rows.append(due_row(doc, inv))
    deliver = ""
    if rng.random() < 0.4:
        depot = make_party(doc, "gb")
        deliver = (
            f'<td><div class="mut sm">{esc(label("ship"))}</div>'
            f"{esc(buyer['short'])} – {esc(depot['town'])} depot<br>"
            + "<br>".join(esc(x) for x in depot["lines"])
            + "</td>"
        )
    sort_code = f"{digits(rng, 2)}-{digits(rng, 2)}-{digits(rng, 2)}"
    bank = bank_lines(doc, seller, heading=False)
    body = footer_html(
        [
            [
                seller["name"],
                seller["reg"],
                "Registered office: " + ", ".join(seller["lines"]),
                f"VAT Reg No: {seller['vat']}",
            ]
        ]
    )
    body += f"""
<table class="w"><tr><td><div class="logo">{esc(seller["short"])}</div>\
{"<br>".join(esc(x) for x in seller["lines"])}
<br>{esc(seller["tel"])} · {esc(seller["mail"])}</td>
<td style="text-align:right"><h1>{esc(rng.choice(["VAT INVOICE", "TAX INVOICE", "INVOICE"]))}</h1>\
{meta_table(doc, rows)}</td></tr></table>
<table class="w" style="margin-top:6mm"><tr><td style="width:50%">\
<div class="mut sm">{esc(label("bill"))}</div>{address_html(doc, buyer)}
</td>{deliver}</tr></table>
{items_html(doc, inv)}{vat_table(doc, inv) if len(inv["groups"]) > 1 else ""}\
{totals_html(doc, inv)}
{terms_html(doc, inv)}<p><b>{esc(label("bank"))}</b><br>Account name: {esc(seller["name"])}<br>\
Sort code: {sort_code} · Account no: {digits(rng, 8)}<br>
{"<br>".join(esc(x) for x in bank)}</p><p>{esc(label("thanks"))}</p>"""
    return inv, page_html(doc, body, mb=26)


def layout_us_invoice(doc: Doc) -> tuple[Invoice, str]:
    """A US invoice on Letter paper: bill-to and ship-to boxes, payments/credits, paid by card."""
    rng, label = doc.rng, doc.label
    doc.set_locale("us")
    inv = make_invoice(doc, discount_p=0)
    seller, buyer = inv["seller"], inv["buyer"]
    card = rng.random() < 0.25
    if card:
        inv["dep"] = inv["gross"]
    elif rng.random() < 0.3:
        inv["dep"] = round_cents(inv["gross"] * Decimal(rng.choice([25, 50])) / 100)
    inv["pay"] = inv["gross"] - inv["dep"]
    inv["dep_date"] = inv["date"] - dt.timedelta(rng.randint(0, 30))
    rows = [(label("no"), inv["no"]), (label("date"), doc.date(inv["date"]))]
    if rng.random() < 0.5 and not card:
        rows.append(due_row(doc, inv))
    if card:
        terms = "Paid"
    elif doc.printed.get("due") or rng.random() < 0.6:
        terms = f"Net {inv['days']}"
    else:
        terms = "Due on receipt"
    rows += [("Terms", terms), (label("order"), inv["order"])]
    ship_to = make_party(doc, "us") if rng.random() < 0.5 else None
    if ship_to:
        ship = f"{esc(ship_to['name'])}<br>{'<br>'.join(esc(x) for x in ship_to['lines'])}"
    else:
        ship = (
            f"{esc(buyer['name'])}<br>{'<br>'.join(esc(x) for x in make_party(doc, 'us')['lines'])}"
        )
    if card:
        pay = (
            f"<p>Paid by {rng.choice(['Visa', 'Mastercard', 'Amex'])} ending in {digits(rng, 4)} "
            f"on {doc.date(inv['dep_date'])}. Thank you!</p>"
        )
    else:
        pay = (
            f"<p>Please make checks payable to <b>{esc(seller['name'])}</b>"
            f"{'' if seller['name'].endswith('.') else '.'}<br>"
            f"ACH / Wire: {esc(seller['bank'])}, "
            f"Routing (ABA) {seller['routing']}, Account {seller['acct']}</p>"
        )
    body = f"""<table class="w"><tr><td><div class="logo">\
{esc(seller["short"] if rng.random() < 0.5 else seller["name"])}</div>
{esc(seller["name"])}<br>{"<br>".join(esc(x) for x in seller["lines"])}<br>{esc(seller["tel"])}\
<br>{esc(seller["web"])}</td>
<td style="text-align:right"><h1 style="font-size:2.4em">{esc(label("title"))}</h1>\
{meta_table(doc, rows)}</td></tr></table>
<table class="w" style="margin-top:8mm"><tr><td style="width:50%" class="box">
<b>{esc(rng.choice(["Bill To", "BILL TO", "Sold To"]))}</b><br>\
{address_html(doc, buyer, bold=False)}</td>
<td class="box"><b>{esc(rng.choice(["Ship To", "SHIP TO"]))}</b><br>{ship}</td></tr></table>
{items_html(doc, inv)}{totals_html(doc, inv, us=True)}{pay}
<p class="sm mut">Questions? Contact {esc(seller["mail"])}</p>"""
    return inv, page_html(doc, body, size="Letter", mb=18)


def layout_it_fattura(doc: Doc) -> tuple[Invoice, str]:
    """An Italian fattura: cedente/cessionario boxes with codice fiscale, VAT summary, MP05."""
    rng, label = doc.rng, doc.label
    doc.set_locale("it")
    inv = make_invoice(doc, multi=rng.random() < 0.4)
    seller, buyer = inv["seller"], inv["buyer"]

    def codice_fiscale(party: Party) -> str:
        if not party["person"]:
            return party["taxno"]
        return (
            slug(party["name"])[:6].upper()
            + digits(rng, 2)
            + "A"
            + digits(rng, 2)
            + "H"
            + digits(rng, 3)
            + "X"
        )

    def party_box(heading: str, party: Party, extra: bool) -> str:
        vat_line = f"{label('vatid')}: {party['vat'][2:]}<br>" if not party["person"] else ""
        return (
            f'<td class="box" style="width:50%"><div class="mut sm">{esc(heading)}</div>'
            f"{address_html(doc, party, extra=extra)}<br>{vat_line}"
            f"Codice Fiscale: {codice_fiscale(party)}</td>"
        )

    if rng.random() < 0.5:
        head = f"<h1>{esc(label('title'))} n. {esc(inv['no'])} del {doc.date(inv['date'])}</h1>"
    else:
        head = f"<h1>{esc(label('title'))}</h1>" + meta_table(
            doc,
            [
                ("Tipo documento", "TD01 fattura"),
                (label("no"), inv["no"]),
                (label("date"), doc.date(inv["date"])),
                ("Codice destinatario", digits(rng, 7)),
            ],
        )
    pay = (
        "<p><b>Modalità di pagamento:</b> MP05 bonifico<br>"
        f"{'<br>'.join(esc(x) for x in bank_lines(doc, seller, heading=False))}"
    )
    if rng.random() < 0.55:
        doc.printed["due"] = True
        pay += f"<br>Data scadenza: {doc.date(inv['due'])} – Importo: {doc.money(inv['gross'])}</p>"
    else:
        pay += f"<br>{esc(label('tdays', n=inv['days']))}</p>"
    capital = format_number(Decimal(rng.choice([10000, 50000, 100000])), "de")
    body = footer_html(
        [
            [
                f"{seller['name']} – Cap. soc. € {capital} i.v. – {seller['reg']} – "
                f"{label('vatid')} {seller['vat'][2:]}"
            ]
        ]
    )
    body += f"""
<div class="logo">{esc(seller["short"])}</div>{head}
<table class="w" style="margin-top:5mm;border-spacing:3mm 0;border-collapse:separate"><tr>
{party_box("Cedente/prestatore", seller, False)}{party_box("Cessionario/committente", buyer, True)}\
</tr></table>
{items_html(doc, inv)}{vat_table(doc, inv)}{totals_html(doc, inv, per_rate=False)}{pay}
<p class="xs">Regime fiscale: RF01 – ordinario. Esigibilità IVA: immediata.</p>"""
    return inv, page_html(doc, body, mb=22)


def layout_es_factura(doc: Doc) -> tuple[Invoice, str]:
    """A Spanish factura: emisor and cliente boxes with NIF, fecha de operación."""
    rng, label = doc.rng, doc.label
    doc.set_locale("es")
    inv = make_invoice(doc, multi=rng.random() < 0.3)
    seller, buyer = inv["seller"], inv["buyer"]
    rows = [(label("no"), inv["no"]), (label("date"), doc.date(inv["date"]))]
    if rng.random() < 0.5:
        rows.append(("Fecha de operación", doc.date(inv["deliv"])))
    if rng.random() < 0.4:
        rows.append(due_row(doc, inv))
    body = footer_html(
        [[f"{seller['name']} · {seller['reg']} · {label('vatid')}: {seller['vat'][2:]}"]]
    )
    body += f"""
<table class="w"><tr><td><h1>{esc(label("title"))}</h1>{meta_table(doc, rows)}</td>\
<td style="text-align:right">
<div class="logo">{esc(seller["short"])}</div></td></tr></table>
<table class="w" style="margin-top:6mm;border-spacing:3mm 0;border-collapse:separate"><tr>
<td class="box" style="width:50%"><div class="mut sm">{esc(label("seller_h"))}</div>\
<b>{esc(seller["name"])}</b>
<br>{esc(label("vatid"))}: {seller["vat"][2:]}<br>{"<br>".join(esc(x) for x in seller["lines"])}\
<br>{esc(seller["tel"])}</td>
<td class="box"><div class="mut sm">{esc(label("buyer_h"))}</div>{address_html(doc, buyer)}
<br>{esc(label("vatid"))}: {buyer["vat"][2:] if not buyer["person"] else digits(rng, 8) + "Z"}\
</td></tr></table>
{items_html(doc, inv)}{vat_table(doc, inv) if len(inv["groups"]) > 1 else ""}\
{totals_html(doc, inv)}
{terms_html(doc, inv)}<p>{"<br>".join(esc(x) for x in bank_lines(doc, seller))}</p>"""
    return inv, page_html(doc, body, mb=22)


def layout_freelancer(doc: Doc) -> tuple[Invoice, str]:
    """A freelancer's invoice without VAT (small-business exemption), the seller a person."""
    rng, label = doc.rng, doc.label
    doc.set_locale(rng.choice(["de", "de", "at", "nl", "gb", "fr"]))
    seller = make_party(doc, doc.loc, "person")
    seller["pre"] = None
    inv = make_invoice(doc, seller=seller, n_items=(1, 4), no_vat=True, discount_p=0, person_p=0.05)
    buyer = inv["buyer"]
    profession = rng.choice(
        {
            "de": [
                "Grafikdesign & Illustration",
                "Übersetzungen Englisch – Deutsch",
                "Webentwicklung",
                "Fotografie",
            ],
            "nl": ["Grafisch ontwerp", "Vertalingen", "Webdevelopment"],
            "en": ["Illustration & Design", "Copywriting", "Web development"],
            "fr": ["Graphisme", "Traduction", "Développement web"],
        }[doc.lang]
    )
    rows = [(label("no"), inv["no"]), (label("date"), doc.date(inv["date"]))]
    if rng.random() < 0.4:
        rows.append((label("period"), f"{doc.date(inv['odate'])} – {doc.date(inv['deliv'])}"))
    # the whole dict is built (every entry drawn), then one is picked
    tax_id = {
        "DE": f"{label('taxno')}: {seller['taxno']}",
        "AT": f"{label('taxno')}: {seller['taxno']}",
        "NL": f"KvK: {seller['taxno']}",
        "GB": f"UTR: {digits(rng, 10)}",
        "FR": f"SIRET : {seller['taxno']}",
    }[doc.cc]
    totals = []
    if rng.random() < 0.6:
        totals.append((label("sub"), doc.money(inv["net"])))
    if rng.random() < 0.3:
        totals.append((label("tax", r=doc.percent(0)), doc.money(Decimal(0))))
    else:
        doc.printed["notax"] = True
    totals.append((label("gross"), doc.money(inv["gross"])))
    totals_rows = "".join(
        f'<tr class="{"g" if i == len(totals) - 1 else ""}"><td>{esc(a)}</td>'
        f'<td class="r">{b}</td></tr>'
        for i, (a, b) in enumerate(totals)
    )
    body = f"""<table class="w"><tr><td><div class="logo" style="font-weight:normal">\
{esc(seller["name"])}</div><div class="mut">{esc(profession)}</div></td>
<td class="sm" style="text-align:right">{"<br>".join(esc(x) for x in seller["lines"])}\
<br>{esc(seller["tel"])}<br>{esc(seller["mail"])}
<br>{esc(tax_id)}</td></tr></table>
<div style="margin-top:12mm">{address_html(doc, buyer)}</div>
<table class="w" style="margin-top:8mm"><tr><td><h2>{esc(label("title"))}</h2></td>\
<td style="text-align:right">{meta_table(doc, rows)}</td>
</tr></table>
{items_html(doc, inv)}<table class="tot" style="margin-left:auto;margin-top:3mm">{totals_rows}\
</table>
<p><i>{esc(label("small"))}</i></p>{terms_html(doc, inv, allow_skonto=False)}
<p>{"<br>".join(esc(x) for x in bank_lines(doc, seller))}</p>\
<p>{esc(label("thanks"))}<br>{esc(seller["name"])}</p>"""
    return inv, page_html(doc, body, mb=18)


# customer service, hotline, contract no., billing period, "{brand} is a trading name of {legal}"
BRTXT = {
    "de": (
        "Kundenservice",
        "Service-Hotline",
        "Vertragskonto",
        "Abrechnungszeitraum",
        "{b} ist eine Marke der {l}.",
    ),
    "fr": (
        "Service Clients",
        "Service clients",
        "N° de contrat",
        "Période de facturation",
        "{b} est une marque de {l}.",
    ),
    "en": (
        "Customer Accounts",
        "Customer helpline",
        "Contract No.",
        "Billing period",
        "{b} is a trading name of {l}.",
    ),
    "it": (
        "Servizio Clienti",
        "Numero verde",
        "Codice contratto",
        "Periodo di fatturazione",
        "{b} è un marchio di {l}.",
    ),
    "es": (
        "Atención al Cliente",
        "Teléfono de atención",
        "Nº de contrato",
        "Periodo de facturación",
        "{b} es una marca de {l}.",
    ),
    "nl": (
        "Klantenservice",
        "Klantenservice",
        "Contractnummer",
        "Factuurperiode",
        "{b} is een handelsnaam van {l}.",
    ),
}


def layout_brand_logo(doc: Doc) -> tuple[Invoice, str]:
    """A utility-style bill under a brand's banner; the legal seller is named in the small print."""
    rng, label = doc.rng, doc.label
    doc.set_locale(rng.choice(["de", "de", "fr", "gb", "ie", "nl", "it", "es"]))
    brand = brand_name(rng).upper() if rng.random() < 0.5 else brand_name(rng)
    form = {
        "de": "GmbH",
        "fr": "SAS",
        "gb": "Ltd",
        "ie": "Limited",
        "nl": "B.V.",
        "it": "S.p.A.",
        "es": "S.A.",
    }[doc.loc]
    style = rng.random()
    region = {
        "DE": ["Deutschland", "Vertrieb", "Services"],
        "FR": ["France", "Services"],
        "GB": ["UK", "Retail"],
        "IE": ["Ireland", "Energy"],
        "NL": ["Nederland", "Services"],
        "IT": ["Italia", "Servizi"],
        "ES": ["España", "Servicios"],
    }[doc.cc]
    legal = (
        f"{brand.title()} {rng.choice(region)}"
        if style < 0.4
        else "".join(w[0] for w in (brand, brand_name(rng), brand_name(rng))).upper()
        + " "
        + rng.choice(TRADE[doc.lang])
    )
    seller = make_party(doc, doc.loc, pattern=legal + " " + form)
    inv = make_invoice(doc, seller=seller, person_p=0.5)
    buyer = inv["buyer"]
    dept, hotline, contract, period, mark = BRTXT[doc.lang]
    po_box = (
        f"Postfach {rng.randint(10, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
        if doc.lang == "de"
        else seller["lines"][0]
    )
    mail = (
        f"{rng.choice(['service', 'billing', 'kundenservice'])}@{slug(brand)}.{doc.locale['tld']}"
    )
    rows = [
        (label("cust"), inv["cust"]),
        (contract, digits(rng, 10)),
        (label("no"), inv["no"]),
        (label("date"), doc.date(inv["date"])),
        (period, f"{doc.date(inv['odate'])} – {doc.date(inv['deliv'])}"),
    ]
    sepa = ""
    if doc.lang == "de" and rng.random() < 0.5:
        sepa = (
            "<p>Der Rechnungsbetrag wird per SEPA-Lastschrift von Ihrem Konto "
            f"DE** **** **** **** **{digits(rng, 2)} eingezogen. "
            f"Mandatsreferenz: {digits(rng, 12)}, "
            f"Gläubiger-ID: DE{digits(rng, 2)}ZZZ{digits(rng, 11)}.</p>"
        )
    pay = sepa or terms_html(doc, inv)
    footer_cols = [
        [seller["name"]] + seller["lines"],
        legal_lines(doc, seller),
        bank_lines(doc, seller),
    ]
    if rng.random() < 0.6:
        footer_cols[0] = [mark.format(b=brand, l=seller["name"])] + seller["lines"]
    body = footer_html(footer_cols)
    body += f"""<div class="band">\
<span class="logo" style="color:white;letter-spacing:1px">{esc(brand)}</span>
<span style="float:right" class="sm">{esc(dept)} · {esc(hotline)} {esc(seller["tel"])} · \
{esc(mail)}</span></div>
<table class="w" style="margin-top:8mm"><tr><td style="width:95mm;height:40mm">
<div class="xs" style="margin-bottom:2mm">{esc(brand)} · {esc(dept)} · {esc(po_box)} · \
{esc(seller["lines"][-1])}</div>
{address_html(doc, buyer)}</td><td>{meta_table(doc, rows)}</td></tr></table>
<h2>{esc(label("title"))}</h2>{items_html(doc, inv)}{totals_html(doc, inv)}{pay}\
<p>{esc(label("thanks"))}<br>{esc(brand)} {esc(dept)}</p>"""
    return inv, page_html(doc, body, mb=34)


def layout_fiscal_rep(doc: Doc) -> tuple[Invoice, str]:
    """A foreign (CH/GB/US) seller or buyer with a fiscal representative in the locale."""
    rng, label = doc.rng, doc.label
    doc.set_locale(rng.choice(["fr", "it", "de", "es", "nl"]))
    rep_names = {
        "fr": "{B} Représentation Fiscale SAS",
        "it": "{B} Rappresentanze Fiscali S.r.l.",
        "de": "{B} Fiskalvertretung GmbH",
        "es": "{B} Representación Fiscal S.L.",
        "nl": "{B} Fiscal Services B.V.",
    }
    rep = make_party(doc, doc.loc, pattern=rep_names[doc.loc])
    foreign = make_party(doc, rng.choice(["ch", "gb", "us"]))
    seller_side = rng.random() < 0.7  # the representative is the seller's
    seller, buyer = (
        (foreign, make_party(doc, doc.loc)) if seller_side else (make_party(doc, doc.loc), foreign)
    )
    inv = make_invoice(doc, seller=seller, buyer=buyer, multi=rng.random() < 0.25)
    rep_block = (
        '<div class="box" style="margin-top:3mm"><div class="mut sm">'
        f"{esc(label('fisc') if seller_side else label('fisc_b'))}</div>"
        f"<b>{esc(rep['name'])}</b><br>{'<br>'.join(esc(x) for x in rep['lines'])}<br>"
        f"{esc(label('vatid'))}: {rep['vat']}</div>"
    )
    rows = [(label("no"), inv["no"]), (label("date"), doc.date(inv["date"]))] + (
        [due_row(doc, inv)] if rng.random() < 0.3 else []
    )
    left = (
        f"<div class='logo'>{esc(seller['short'])}</div>"
        f"{seller_block(doc, seller, vat=not seller_side)}" + (rep_block if seller_side else "")
    )
    right = f"<div class='mut sm'>{esc(label('buyer_h'))}</div>{address_html(doc, buyer)}" + (
        "" if seller_side else rep_block
    )
    bank = (
        "<br>".join(esc(x) for x in bank_lines(doc, seller))
        if seller["iban"]
        else (
            f"Wire transfer: {esc(seller['bank'])}, SWIFT {seller['bic']}, Account {seller['acct']}"
        )
    )
    body = f"""<table class="w"><tr><td style="width:55%">{left}</td>\
<td style="padding-left:6mm"><h1>{esc(label("title"))}</h1>
{meta_table(doc, rows)}<div style="margin-top:5mm">{right}</div></td></tr></table>
{items_html(doc, inv)}{vat_table(doc, inv) if len(inv["groups"]) > 1 else ""}\
{totals_html(doc, inv)}{terms_html(doc, inv)}
<p class="sm">{bank}</p>"""
    return inv, page_html(doc, body, mb=18)


def layout_credit_note(doc: Doc) -> tuple[Invoice, str]:
    """A credit note against an earlier invoice, its amounts printed negative or not."""
    rng, label = doc.rng, doc.label
    doc.set_locale(rng.choice(["de", "at", "fr", "gb", "ie", "nl", "it", "es"]))
    inv = make_invoice(doc, n_items=(1, 3), discount_p=0)
    seller, buyer = inv["seller"], inv["buyer"]
    original_date = inv["date"] - dt.timedelta(rng.randint(5, 60))
    original_no = invoice_number(
        rng, doc.lang, original_date, inv["pat"], max(1, inv["seq"] - rng.randint(1, 60))
    )[0]
    if rng.random() < 0.6 and inv["no"][0].isdigit():
        inv["no"] = (
            rng.choice(
                {
                    "de": ["GS-", "RK-", "ST-"],
                    "fr": ["AV-", "AV"],
                    "en": ["CN-", "CR"],
                    "it": ["NC-", "NC"],
                    "es": ["R-", "RECT-"],
                    "nl": ["CN-", "C"],
                }[doc.lang]
            )
            + inv["no"]
        )
    neg = rng.random() < 0.6
    ref = label("cref", n=original_no, d=doc.date(original_date))
    rows = [
        (label("cno") if rng.random() < 0.5 else label("no"), inv["no"]),
        (label("date"), doc.date(inv["date"])),
        (label("cust"), inv["cust"]),
    ]
    footer_cols = [[seller["name"]] + seller["lines"], legal_lines(doc, seller)] + (
        [bank_lines(doc, seller)] if rng.random() < 0.6 else []
    )
    body = footer_html(footer_cols)
    body += f"""<table class="w"><tr><td><div class="logo">{esc(seller["short"])}</div>
<div class="xs" style="margin:6mm 0 2mm 0">{esc(seller["name"])} · \
{esc(" · ".join(seller["lines"]))}</div>{address_html(doc, buyer)}</td>
<td style="text-align:right"><h1>{esc(label("credit"))}</h1>{meta_table(doc, rows)}</td>\
</tr></table>
<h2>{esc(ref)}</h2>{items_html(doc, inv, neg=neg)}\
{totals_html(doc, inv, neg=neg, gkey="cgross")}\
<p>{esc(label("ccredit"))}</p>
<p>{esc(label("thanks"))}</p>"""
    return inv, page_html(doc, body, mb=30)


# number prefixes: invoice, order, delivery note
REFPX = {
    "de": ("RE", "AB", "LS"),
    "fr": ("FA", "CD", "BL"),
    "en": ("INV", "SO", "DN"),
    "it": ("FT", "OR", "DDT"),
    "es": ("FV", "PD", "ALB"),
    "nl": ("F", "OR", "PB"),
}


def layout_refs_dense(doc: Doc) -> tuple[Invoice, str]:
    """A grid of look-alike references (invoice, order, delivery note numbers and dates)."""
    rng, label = doc.rng, doc.label
    doc.set_locale(rng.choice(["de", "at", "ch", "fr", "gb", "ie", "nl", "it", "es"]))
    inv = make_invoice(doc)
    seller, buyer = inv["seller"], inv["buyer"]
    year, base = inv["date"].year, rng.randint(1000, 90000)
    fmt = rng.choice(["{p}{yy}{n:05d}", "{p}-{Y}-{n:05d}", "{p} {n:06d}"])

    def ref(prefix: str, offset: int) -> str:
        return fmt.format(p=prefix, yy=year % 100, Y=year, n=base + offset)

    prefixes = REFPX[doc.lang]
    inv["no"], inv["order"], inv["dn"] = (
        ref(prefixes[0], 0),
        ref(prefixes[1], -rng.randint(5, 40)),
        ref(prefixes[2], rng.randint(-9, 9) or 3),
    )
    cells = [
        (label("cust"), inv["cust"]),
        (label("order"), inv["order"]),
        (label("odate"), doc.date(inv["odate"])),
        (label("dn"), inv["dn"]),
        (label("deliv"), doc.date(inv["deliv"])),
        (label("no"), inv["no"]),
        (label("date"), doc.date(inv["date"])),
    ]
    rng.shuffle(cells)
    if rng.random() < 0.3:
        cells.append(due_row(doc, inv))
    grid = '<table class="w box" style="margin-top:6mm">'
    for k in range(0, len(cells), 4):
        grid += (
            "<tr>"
            + "".join(
                f'<td class="xs mut" style="width:25%;padding-top:1.5mm">{esc(a)}</td>'
                for a, _ in cells[k : k + 4]
            )
            + "</tr><tr>"
            + "".join(
                f'<td style="white-space:nowrap"><b>{esc(b)}</b></td>' for _, b in cells[k : k + 4]
            )
            + "</tr>"
        )
    grid += "</table>"
    body = footer_html(
        [
            [seller["name"]] + seller["lines"],
            [seller["tel"], seller["mail"], seller["web"]],
            legal_lines(doc, seller),
            bank_lines(doc, seller),
        ]
    )
    body += f"""
<table class="w"><tr><td><div class="xs" style="margin-bottom:2mm">{esc(seller["name"])} · \
{esc(", ".join(seller["lines"]))}
</div>{address_html(doc, buyer)}</td>
<td style="text-align:right"><div class="logo">{esc(seller["short"])}</div></td></tr></table>
<h1 style="margin-top:6mm">{esc(label("title"))}</h1>{grid}
<p class="sm">{esc(label("order"))} {inv["order"]} / {doc.date(inv["odate"])} – \
{esc(label("dn"))} {inv["dn"]}</p>
{items_html(doc, inv)}{totals_html(doc, inv)}{terms_html(doc, inv)}"""
    return inv, page_html(doc, body, mb=32)


def layout_multipage(doc: Doc) -> tuple[Invoice, str]:
    """35-65 items over several pages, with subtotals carried and brought forward."""
    rng, label = doc.rng, doc.label
    doc.set_locale(rng.choice(["de", "fr", "gb", "ie", "nl", "it", "es", "us"]))
    doc.font_size = 8.5
    inv = make_invoice(
        doc,
        n_items=(35, 65),
        short_items=True,
        discount_p=0,
        multi=doc.loc != "us" and rng.random() < 0.35,
    )
    seller, buyer, items = inv["seller"], inv["buyer"], inv["items"]
    chunks: list[list[dict[str, Any]]] = []  # the items of each page
    i = 0
    while i < len(items):
        most, last = (20, 6) if not chunks else (40, 20)  # room on the page; on the last page
        rest = len(items) - i
        take = rest if rest <= last else (rest - 5 if rest <= most else most)
        chunks.append(items[i : i + take])
        i += take
    rows = [
        (label("no"), inv["no"]),
        (label("date"), doc.date(inv["date"])),
        (label("cust"), inv["cust"]),
        (label("order"), inv["order"]),
    ]
    body = footer_html(
        [
            [seller["name"]] + seller["lines"],
            legal_lines(doc, seller),
            bank_lines(doc, seller) if seller["iban"] else [seller["bank"]],
        ]
    )
    body += f"""<table class="w"><tr><td><div class="logo">{esc(seller["short"])}</div>
<div class="xs">{esc(seller["name"])} · {esc(" · ".join(seller["lines"]))}</div>
<div style="margin-top:4mm">{address_html(doc, buyer)}</div></td><td style="text-align:right">\
<h1>{esc(label("title"))}</h1>{meta_table(doc, rows)}</td>
</tr></table>"""
    run, pos = Decimal(0), 1
    for k, chunk in enumerate(chunks):
        cf_in = (label("cf_in", p=k), run) if k else None
        run += sum(it["amt"] for it in chunk)
        last = k == len(chunks) - 1
        if k:
            body += (
                f'<div class="sm mut">{esc(label("title"))} {esc(inv["no"])} – '
                f"{doc.date(inv['date'])}</div>"
            )
        body += items_html(
            doc,
            inv,
            chunk,
            start=pos,
            cf_in=cf_in,
            cf_out=None if last else (label("cf_out"), run),
        )
        pos += len(chunk)
        if not last:
            body += '<div class="pb"></div>'
    body += (
        (vat_table(doc, inv) if len(inv["groups"]) > 1 else "")
        + totals_html(doc, inv, us=doc.loc == "us")
        + terms_html(doc, inv)
    )
    return inv, page_html(doc, body, size="Letter" if doc.loc == "us" else "A4", mb=30)


def layout_multi_vat(doc: Doc) -> tuple[Invoice, str]:
    """Items at several VAT rates, maybe with VAT codes, a VAT table beside the totals."""
    rng, label = doc.rng, doc.label
    doc.set_locale(rng.choice(["de", "at", "ch", "fr", "gb", "ie", "it", "es", "nl"]))
    inv = make_invoice(doc, n_items=(4, 9), multi=True, discount_p=0)
    seller, buyer = inv["seller"], inv["buyer"]
    codes = None
    if rng.random() < 0.4:
        symbols = rng.choice(["AB", "12", "ZR"])
        codes = {
            g[0]: symbols[i % 2] + ("" if i < 2 else str(i)) for i, g in enumerate(inv["groups"])
        }
    rows = [
        (label("no"), inv["no"]),
        (label("date"), doc.date(inv["date"])),
        (label("deliv"), doc.date(inv["deliv"])),
        (label("cust"), inv["cust"]),
    ]
    body = footer_html(
        [
            [seller["name"]] + seller["lines"],
            legal_lines(doc, seller),
            bank_lines(doc, seller),
        ]
    )
    body += f"""
<table class="w"><tr><td><div class="logo">{esc(seller["short"])}</div>\
{seller_block(doc, seller)}</td><td style="text-align:right">
<h1>{esc(label("title"))}</h1>{meta_table(doc, rows)}</td></tr></table>
<div style="margin-top:8mm" class="box">{address_html(doc, buyer)}</div>
{items_html(doc, inv, codes=codes)}<table class="w"><tr><td>{vat_table(doc, inv, codes)}</td>
<td>{totals_html(doc, inv, per_rate=rng.random() < 0.5)}</td></tr></table>
{terms_html(doc, inv)}"""
    return inv, page_html(doc, body, mb=30)


def layout_deposit(doc: Doc) -> tuple[Invoice, str]:
    """A final invoice less a deposit paid earlier."""
    rng, label = doc.rng, doc.label
    doc.set_locale(rng.choice(["de", "at", "ch", "fr", "gb", "ie", "it", "es", "nl", "us"]))
    inv = make_invoice(doc, deposit=True, discount_p=0.1)
    seller, buyer = inv["seller"], inv["buyer"]
    rows = [
        (label("no"), inv["no"]),
        (label("date"), doc.date(inv["date"])),
        (label("order"), inv["order"]),
    ]
    if doc.lang != "en" and rng.random() < 0.5:
        rows.append((label("period"), f"{doc.date(inv['odate'])} – {doc.date(inv['deliv'])}"))
    body = footer_html(
        [[seller["name"]] + seller["lines"], legal_lines(doc, seller)]
        + ([bank_lines(doc, seller)] if seller["iban"] else [])
    )
    body += f"""
<table class="w"><tr><td style="width:55%"><div class="xs">{esc(seller["name"])} · \
{esc(" · ".join(seller["lines"]))}</div>
<div style="margin-top:3mm">{address_html(doc, buyer)}</div></td>
<td style="text-align:right"><div class="logo">{esc(seller["short"])}</div>\
{meta_table(doc, rows)}</td></tr></table>
<h2>{esc(label("final"))} {esc(inv["no"])}</h2>{items_html(doc, inv)}\
{totals_html(doc, inv, us=doc.loc == "us")}{terms_html(doc, inv)}"""
    if doc.loc == "us":
        body += (
            f"<p>Remit to: {esc(seller['name'])}, {esc(seller['bank'])}, "
            f"Routing {seller['routing']}, Account {seller['acct']}</p>"
        )
    return inv, page_html(doc, body, size="Letter" if doc.loc == "us" else "A4", mb=30)


def layout_twocol(doc: Doc) -> tuple[Invoice, str]:
    """Seller and buyer side by side (the seller left or right), references on one line."""
    rng, label = doc.rng, doc.label
    doc.set_locale(rng.choice(list(LOCS)))
    inv = make_invoice(doc, multi=rng.random() < 0.2)
    seller, buyer = inv["seller"], inv["buyer"]
    right = rng.random() < 0.5
    doc.layout = "twocol_seller_right" if right else "twocol_seller_left"
    heads = rng.random() < 0.5
    seller_col = (
        f'<div class="mut sm">{esc(label("seller_h"))}</div>' if heads else ""
    ) + seller_block(doc, seller)
    buyer_col = (
        (f'<div class="mut sm">{esc(label("buyer_h"))}</div>' if heads else "")
        + address_html(doc, buyer)
        + (
            f"<br>{esc(label('vatid'))}: {buyer['vat']}"
            if not buyer["person"] and rng.random() < 0.5
            else ""
        )
    )
    cols = (buyer_col, seller_col) if right else (seller_col, buyer_col)
    rows = [(label("no"), inv["no"]), (label("date"), doc.date(inv["date"]))] + (
        [due_row(doc, inv)] if rng.random() < 0.3 else []
    )
    metaline = " &nbsp;|&nbsp; ".join(f"{esc(a)}{doc.colon} <b>{esc(b)}</b>" for a, b in rows)
    bank = (
        "<br>".join(esc(x) for x in bank_lines(doc, seller))
        if seller["iban"]
        else f"{esc(seller['bank'])} · Routing {seller['routing']} · Account {seller['acct']}"
    )
    body = f"""<h1 style="text-align:{"right" if right else "left"}">{esc(label("title"))}</h1>
<table class="w"><tr><td style="width:50%">{cols[0]}</td>\
<td style="{"text-align:right" if rng.random() < 0.5 else ""}">{cols[1]}
</td></tr></table>
<p style="margin-top:6mm">{metaline}</p>{items_html(doc, inv)}{totals_html(doc, inv)}\
{terms_html(doc, inv)}<p class="sm">{bank}</p>
<p class="xs mut">{esc(seller["reg"])}</p>"""
    return inv, page_html(doc, body, size="Letter" if doc.loc == "us" else "A4", mb=16)


# (layout name, builder): seed s uses FAMILIES[(s - 1) % 15]
FAMILIES: list[tuple[str, Callable[[Doc], tuple[Invoice, str]]]] = [
    ("din5008", layout_din5008),
    ("fr_facture", layout_fr_facture),
    ("uk_vat", layout_uk_vat),
    ("us_invoice", layout_us_invoice),
    ("it_fattura", layout_it_fattura),
    ("es_factura", layout_es_factura),
    ("freelancer", layout_freelancer),
    ("brand_logo", layout_brand_logo),
    ("fiscal_rep", layout_fiscal_rep),
    ("credit_note", layout_credit_note),
    ("refs_dense", layout_refs_dense),
    ("multipage", layout_multipage),
    ("multi_vat", layout_multi_vat),
    ("deposit", layout_deposit),
    ("twocol", layout_twocol),
]


# ----------------------------------------------------------------------------- driver
def generate(seed: int, out: str, keep_html: bool = False) -> None:
    """Writes OUT/<seed>.pdf and OUT/<seed>.json (and OUT/<seed>.html with keep_html)."""
    name, build = FAMILIES[(seed - 1) % len(FAMILIES)]
    doc = Doc(seed, name)
    inv, src = build(doc)

    def unsigned(x: Decimal) -> str:
        return str(abs(x))

    fields: dict[str, Any] = {"invoice_number": inv["no"], "issue_date": inv["date"].isoformat()}
    if doc.printed.get("due"):
        fields["due_date"] = inv["due"].isoformat()
    fields.update(
        seller_name=inv["seller"]["name"],
        buyer_name=inv["buyer"]["name"],
        currency=doc.locale["cur"],
        net_total=unsigned(inv["net"]),
    )
    if not doc.printed.get("notax"):
        fields["tax_total"] = unsigned(inv["tax"])
    fields["grand_total"] = unsigned(inv["gross"])
    if doc.printed.get("iban"):
        fields["iban"] = inv["seller"]["iban"]
    fields["line_items"] = [
        {
            "description": it["desc"],
            "quantity": format(it["qty"].normalize(), "f"),
            "unit_price": unsigned(it["price"]),
            "amount": unsigned(it["amt"]),
        }
        for it in inv["items"]
    ]
    HTML(string=src).write_pdf(os.path.join(out, f"{seed}.pdf"))
    if keep_html:
        with open(os.path.join(out, f"{seed}.html"), "w", encoding="utf-8") as fh:
            fh.write(src)
    with open(os.path.join(out, f"{seed}.json"), "w", encoding="utf-8") as fh:
        json.dump(
            {
                "file": f"{seed}.pdf",
                "fields": fields,
                "meta": {"language": doc.lang, "layout": doc.layout},
            },
            fh,
            ensure_ascii=False,
            indent=1,
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--seeds", default="1-10", help="A-B inclusive, or a single integer")
    ap.add_argument("--html", action="store_true", help="also write the HTML source (debugging)")
    args = ap.parse_args(argv)
    first, _, last = args.seeds.partition("-")
    os.makedirs(args.out_dir, exist_ok=True)
    for seed in range(int(first), int(last or first) + 1):
        generate(seed, args.out_dir, args.html)
    return 0


if __name__ == "__main__":
    sys.exit(main())
