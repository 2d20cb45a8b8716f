#!/usr/bin/env python3
"""Independent synthetic e-invoices: PDFs and ground-truth labels for scoring the engine.

Usage: python tools/indep_einvoices.py OUT_DIR --seeds A-B [--html]

Imitates the PDF invoices that e-invoicing software and e-invoicing projects ship as samples.
The invoices are drawn as HTML and CSS and printed to PDF (with a text layer) by WeasyPrint.
Ten layout families take turns with the seed:

- xrechnung: a standard visualisation with boxed sections and BT-/BG- codes next to the labels.
- peppol: a UBL/Peppol viewer rendering (English, ISO dates, ISO currency codes).
- odoo: an ERP invoice with a brand "logo" on top and the legal name only in the footer.
- din: a German SaaS letter (sender line, address window, info block, four-column footer).
- dolibarr: a French/Belgian facture with "Émetteur" and "Adressé à" boxes and legal mentions.
- qrbill: a Swiss invoice with a QR-bill payment part (receipt and payment part) at the bottom.
- nordic: a SE/NO/DK/FI faktura with OCR/KID/FI reference, bankgiro or account number.
- benelux: a Dutch/Belgian factuur, Belgian structured communication +++123/4567/89012+++.
- ninja: an English SaaS invoice (GB/IE/US) with "Bill To", "Ship To" and "Balance Due".
- grid: an Italian fattura or Spanish factura drawn as a bordered grid.

Languages en, de, fr, nl, sv, no, da, it, es; countries DE AT CH FR BE NL SE NO DK FI IT ES GB IE
US, each with its date and number formats, currency (EUR CHF SEK NOK DKK GBP USD), VAT rates,
legal forms, VAT and registry numbers and IBAN lengths (with a valid mod-97 checksum). Documents
may carry a contact person line, a delivery address, a payee/factoring company that is not the
seller, order/delivery note/customer numbers, a previous invoice reference, several VAT rates
with a breakdown, allowances and charges, a prepaid amount, a rounding line, and items tables
(1-40 lines) running over two pages. Names, streets and towns are invented from syllables.

Written as an independent third opinion, without reading the engine (extraction/) or the other
generators (tools/synth_receipts.py, tools/indep_invoices.py).

Writes OUT_DIR/<seed>.pdf and OUT_DIR/<seed>.json for every seed in A..B (and OUT_DIR/<seed>.html
with ``--html``). All randomness comes from random.Random(seed): a seed always gives the same
invoice. The label's ``fields``:

- invoice_number: as printed (a credit note's own number; credit notes are rare).
- issue_date: ISO (YYYY-MM-DD); due_date: ISO, only when an actual due date is printed
  (not for "payable within 30 days").
- seller_name, buyer_name: full legal names as printed, legal form included. The seller is the
  legal entity issuing the invoice even when a brand text is printed bigger; the buyer is the
  company (or the person for a private buyer), never the contact person.
- currency: ISO code.
- net_total, tax_total, grand_total: plain unsigned decimals ("1234.50"). net_total is the total
  without VAT after document-level allowances and charges; grand_total is the total including
  VAT before prepaid amounts and rounding (not the amount due). With reverse charge the invoice
  prints 0 VAT and tax_total is "0.00".
- iban: the seller's IBAN without spaces, only when printed (a factoring payee's IBAN may be
  printed as well; the label stays the seller's).
- line_items: every item row as drawn: description (the item's text without its article code),
  quantity, unit_price and amount (the line's net amount) as unsigned plain decimals. A list, so
  score.py leaves it out unless asked; tools/score_items.py scores it.

``meta`` holds language, layout and country.

Seeds 1-200 were looked at while writing the script (labels checked against the PDF text layer,
some of seeds 1-60 viewed as images); seeds 201-1400 were looked at while improving the engine;
seeds 5000-5099 are kept as a held-out set that is only scored. Score a folder DIR:

    python -m cli.extract DIR/*.pdf --template invoice --out PRED &&
    python ../shared/eval/score.py DIR PRED
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import random
import sys
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

LANGS = ["en", "de", "fr", "nl", "sv", "no", "da", "it", "es"]

# One row per label: the texts in the order of LANGS, separated by "|".
_LABEL_ROWS = """
invoice=Invoice|Rechnung|Facture|Factuur|Faktura|Faktura|Faktura|Fattura|Factura
credit=Credit note|Gutschrift|Avoir|Creditnota|Kreditfaktura|Kreditnota|Kreditnota
    |Nota di credito|Factura rectificativa
inv_no=Invoice no.|Rechnungsnummer|N° de facture|Factuurnummer|Fakturanummer|Fakturanummer
    |Fakturanummer|Numero fattura|Nº de factura
cn_no=Credit note no.|Gutschriftsnummer|N° d'avoir|Creditnotanummer|Kreditfakturanr
    |Kreditnotanr.|Kreditnotanr.|Numero nota|Nº de rectificativa
inv_date=Invoice date|Rechnungsdatum|Date de facture|Factuurdatum|Fakturadatum|Fakturadato
    |Fakturadato|Data fattura|Fecha de factura
due=Due date|Fälligkeitsdatum|Date d'échéance|Vervaldatum|Förfallodatum|Forfallsdato
    |Forfaldsdato|Scadenza|Vencimiento
delivery_date=Delivery date|Lieferdatum|Date de livraison|Leverdatum|Leveransdatum|Leveringsdato
    |Leveringsdato|Data consegna|Fecha de entrega
order=Order no.|Bestellnummer|N° de commande|Ordernummer|Ordernummer|Ordrenummer|Ordrenummer
    |N. ordine|Nº de pedido
dnote=Delivery note|Lieferschein|Bon de livraison|Pakbon|Följesedel|Følgeseddel|Følgeseddel
    |DDT n.|Albarán
customer_no=Customer no.|Kundennummer|N° client|Klantnummer|Kundnummer|Kundenummer|Kundenummer
    |Codice cliente|Nº de cliente
prev_inv=Ref. invoice|Bezug auf Rechnung|Réf. facture|Ref. factuur|Avser faktura|Gjelder faktura
    |Vedr. faktura|Rif. fattura|Ref. factura
buyer_ref=Your reference|Ihre Referenz|Votre référence|Uw referentie|Er referens|Deres referanse
    |Jeres reference|Vs. riferimento|Su referencia
seller=Seller|Verkäufer|Vendeur|Verkoper|Säljare|Selger|Sælger|Venditore|Vendedor
buyer=Bill to|Rechnungsempfänger|Facturé à|Factuuradres|Fakturaadress|Fakturamottaker
    |Faktureres til|Intestatario|Facturar a
ship_to=Ship to|Lieferanschrift|Adresse de livraison|Afleveradres|Leveransadress
    |Leveringsadresse|Leveringsadresse|Destinazione merce|Dirección de entrega
payee=Payee|Zahlungsempfänger|Bénéficiaire du paiement|Begunstigde|Betalningsmottagare
    |Betalingsmottaker|Betalingsmodtager|Beneficiario|Beneficiario
factoring=Please pay only to the payee named here, who holds our receivables.
    |Zahlungen mit befreiender Wirkung nur an den genannten Zahlungsempfänger.
    |Paiement libératoire uniquement auprès du bénéficiaire indiqué.
    |Betaling uitsluitend aan de vermelde begunstigde.
    |Betalning sker endast till angiven betalningsmottagare.
    |Betaling skjer kun til angitt betalingsmottaker.
    |Betaling kan kun ske til den anførte betalingsmodtager.
    |Pagamento liberatorio solo al beneficiario indicato.
    |Pago liberatorio solo al beneficiario indicado.
attn=Attn:|z. Hd.|À l'attention de|T.a.v.|Att:|Att:|Att.:|Alla c.a.|A la atención de
pos=#|Pos.|N°|Nr.|Pos|Pos|Pos|N.|Pos.
desc=Description|Bezeichnung|Désignation|Omschrijving|Beskrivning|Beskrivelse|Beskrivelse
    |Descrizione|Descripción
qty=Qty|Menge|Qté|Aantal|Antal|Antall|Antal|Q.tà|Cant.
unit=Unit|Einheit|Unité|Eenheid|Enhet|Enhet|Enhed|U.M.|Ud.
price=Unit price|Einzelpreis|P.U. HT|Prijs|À-pris|Enhetspris|Enhedspris|Prezzo|Precio
vat_pct=VAT|USt.|TVA|BTW|Moms|MVA|Moms|IVA|IVA
amount=Amount|Gesamt|Montant HT|Bedrag|Belopp|Beløp|Beløb|Importo|Importe
line_sum=Subtotal|Summe Positionen|Total lignes HT|Subtotaal|Summa rader|Sum linjer|Sum linjer
    |Totale righe|Suma líneas
allowance=Discount|Rabatt|Remise|Korting|Rabatt|Rabatt|Rabat|Sconto|Descuento
charge=Freight|Versandkosten|Frais de port|Verzendkosten|Frakt|Frakt|Fragt|Spese di trasporto
    |Portes
net=Total net|Nettobetrag|Total HT|Totaal excl. btw|Summa exkl. moms|Sum eks. mva
    |Beløb ekskl. moms|Totale imponibile|Base imponible
vat=VAT|USt.|TVA|BTW|Moms|MVA|Moms|IVA|IVA
gross=Total incl. VAT|Gesamtbetrag brutto|Total TTC|Totaal incl. btw|Summa inkl. moms
    |Sum inkl. mva|Total inkl. moms|Totale documento|Total factura
prepaid=Paid in advance|Bereits bezahlt|Acompte versé|Reeds betaald|Förskott betalt
    |Forskuddsbetalt|Forudbetalt|Acconto versato|Anticipo pagado
tax_sum=Total VAT|Summe USt.|Total TVA|Totaal btw|Summa moms|Sum mva|Moms i alt|Totale IVA|Total IVA
rounding=Rounding|Rundung|Arrondi|Afronding|Öresavrundning|Øreavrunding|Afrunding|Arrotondamento
    |Redondeo
due_amount=Amount due|Zahlbetrag|Net à payer|Te betalen|Att betala|Å betale|At betale
    |Netto a pagare|Total a pagar
vat_breakdown=VAT breakdown|Umsatzsteuer|Détail TVA|BTW-specificatie|Momsspecifikation
    |MVA-spesifikasjon|Momsspecifikation|Riepilogo IVA|Desglose de IVA
taxable=Taxable amount|Netto|Base HT|Grondslag|Underlag|Grunnlag|Grundlag|Imponibile|Base
rate=Rate|Satz|Taux|Tarief|Sats|Sats|Sats|Aliquota|Tipo
tax_amt=VAT amount|Steuer|Montant TVA|BTW-bedrag|Moms|MVA|Moms|Imposta|Cuota
bank=Bank details|Bankverbindung|Coordonnées bancaires|Bankgegevens|Bankuppgifter
    |Bankopplysninger|Bankoplysninger|Coordinate bancarie|Datos bancarios
vat_id=VAT ID|USt-IdNr.|N° TVA|Btw-nr.|Momsreg.nr|MVA-nr.|CVR-nr.|P. IVA|NIF
md=Directors|Geschäftsführung|Gérant|Directie|VD|Daglig leder|Direktør|Amministratore
    |Administrador
terms=Payable within {n} days of the invoice date.|Zahlbar innerhalb von {n} Tagen ohne Abzug.
    |Paiement à {n} jours date de facture.|Te betalen binnen {n} dagen na factuurdatum.
    |Betalningsvillkor {n} dagar netto.|Betalingsbetingelser: {n} dager netto.
    |Betalingsbetingelser: netto {n} dage.|Pagamento a {n} giorni data fattura.
    |Pago a {n} días fecha factura.
pay_by=Please pay by {d}.|Bitte überweisen Sie den Betrag bis zum {d}.|À régler avant le {d}.
    |Gelieve te betalen vóór {d}.|Betala senast {d}.|Betales innen {d}.|Betales senest {d}.
    |Si prega di pagare entro il {d}.|Rogamos el pago antes del {d}.
rc=Reverse charge: VAT to be accounted for by the recipient.
    |Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge).
    |Autoliquidation : TVA due par le preneur.|Btw verlegd naar de afnemer.
    |Omvänd skattskyldighet.|Omvendt avgiftsplikt.|Omvendt betalingspligt.
    |Inversione contabile (reverse charge).|Inversión del sujeto pasivo.
thanks=Thank you for your business.|Vielen Dank für Ihren Auftrag.|Merci de votre confiance.
    |Bedankt voor uw opdracht.|Tack för din beställning.|Takk for handelen.|Tak for handlen.
    |Grazie per la fiducia.|Gracias por su confianza.
page=Page|Seite|Page|Pagina|Sida|Side|Side|Pagina|Página
of=of|von|sur|van|av|av|af|di|de
reference=Payment reference|Verwendungszweck|Référence de paiement|Betalingskenmerk|OCR-nummer
    |KID|Betalings-ID|Causale|Referencia
customer=Customer|Kunde|Client|Klant|Kund|Kunde|Kunde|Cliente|Cliente
pcs=pcs|Stk.|pce|st.|st|stk|stk.|pz|ud.
hrs=h|Std.|h|uur|tim|t|timer|ore|h
phone=Phone|Tel.|Tél.|Tel.|Tel.|Tlf.|Tlf.|Tel.|Tel.
"""


def _parse_labels() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    rows: list[str] = []
    for line in _LABEL_ROWS.strip().splitlines():
        if line.startswith(" "):  # continuation of a long row
            rows[-1] += line.strip()
        else:
            rows.append(line)
    for row in rows:
        key, texts = row.split("=", 1)
        out[key] = dict(zip(LANGS, texts.split("|"), strict=True))
    return out


LABELS = _parse_labels()

MONTHS = {
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "sv": "januari februari mars april maj juni juli augusti september oktober november december",
    "no": "januar februar mars april mai juni juli august september oktober november desember",
    "da": "januar februar marts april maj juni juli august september oktober november december",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
    "dicembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
}

ITEMS = {
    "en": "Consulting services|Software licence (annual)|Installation and setup|Maintenance "
    "contract Q{q}|Network switch 24-port|On-site training|Cable set CAT6 5 m|Project management|"
    "Support hours|Ergonomic office chair|Technical handbook (print)|Catering for workshop",
    "de": "Beratungsleistung|Softwarelizenz (jährlich)|Montage und Inbetriebnahme|Wartungsvertrag "
    "Q{q}|Netzwerk-Switch 24 Port|Schulung vor Ort|Kabelsatz CAT6 5 m|Projektleitung|"
    "Supportstunden|Bürostuhl ergonomisch|Fachbuch Gebäudetechnik|Bewirtung Workshop",
    "fr": "Prestation de conseil|Licence logicielle (annuelle)|Installation et mise en service|"
    "Contrat de maintenance T{q}|Commutateur réseau 24 ports|Formation sur site|Câble CAT6 5 m|"
    "Gestion de projet|Heures de support|Fauteuil de bureau|Manuel technique|Traiteur séminaire",
    "nl": "Adviesdiensten|Softwarelicentie (jaarlijks)|Installatie en configuratie|"
    "Onderhoudscontract K{q}|Netwerkswitch 24 poorten|Training op locatie|Kabelset CAT6 5 m|"
    "Projectmanagement|Supporturen|Bureaustoel ergonomisch|Technisch handboek|Catering workshop",
    "sv": "Konsulttjänster|Programlicens (årlig)|Installation och driftsättning|Serviceavtal K{q}|"
    "Nätverksswitch 24 portar|Utbildning på plats|Kabelsats CAT6 5 m|Projektledning|"
    "Supporttimmar|Kontorsstol ergonomisk|Teknisk handbok|Lunch workshop",
    "no": "Konsulenttjenester|Programvarelisens (årlig)|Installasjon og oppsett|Serviceavtale K{q}|"
    "Nettverkssvitsj 24 porter|Opplæring på stedet|Kabelsett CAT6 5 m|Prosjektledelse|"
    "Supporttimer|Kontorstol ergonomisk|Teknisk håndbok|Servering workshop",
    "da": "Konsulentydelser|Softwarelicens (årlig)|Installation og opsætning|Serviceaftale K{q}|"
    "Netværksswitch 24 porte|Undervisning på stedet|Kabelsæt CAT6 5 m|Projektledelse|"
    "Supporttimer|Kontorstol ergonomisk|Teknisk håndbog|Forplejning workshop",
    "it": "Servizi di consulenza|Licenza software (annuale)|Installazione e configurazione|"
    "Contratto di assistenza T{q}|Switch di rete 24 porte|Formazione in sede|Set cavi CAT6 5 m|"
    "Gestione progetto|Ore di supporto|Sedia da ufficio ergonomica|Manuale tecnico|Catering",
    "es": "Servicios de consultoría|Licencia de software (anual)|Instalación y puesta en marcha|"
    "Contrato de mantenimiento T{q}|Switch de red 24 puertos|Formación in situ|Cables CAT6 5 m|"
    "Gestión de proyecto|Horas de soporte|Silla de oficina ergonómica|Manual técnico|Catering",
}
HOURLY = {0, 5, 7, 8}  # item indexes priced per hour

SYL_A = "bren hol mar ost var kel dun fal gor hes lin mor nor pel ran sel tor vil wes ald ber"
SYL_B = "vik mer den ling sen hart wald ström berg lund ford ton mark dal ney stad holm ric"
SYL_A_L, SYL_B_L = SYL_A.split(), SYL_B.split()

FIRST = {
    "en": "James Olivia Henry Grace Oscar Amelia Thomas Ruby",
    "de": "Jonas Anna Lukas Katrin Felix Sabine Matthias Lea",
    "fr": "Julien Camille Antoine Claire Mathieu Élodie Louis Manon",
    "nl": "Daan Sanne Bram Lotte Joris Fleur Thijs Anouk",
    "sv": "Erik Ebba Oskar Linnea Gustav Maja Nils Elin",
    "no": "Håkon Ingrid Sindre Kari Eirik Silje Magnus Tuva",
    "da": "Mads Freja Rasmus Sofie Anders Ida Kasper Mette",
    "it": "Marco Giulia Luca Chiara Paolo Francesca Davide Elena",
    "es": "Javier Lucía Pablo Carmen Diego Marta Sergio Elena",
}

SECTOR = {
    "en": "Systems|Logistics|Engineering|Digital|Solutions|Supplies|Consulting|Print",
    "de": "Haustechnik|Metallbau|Software|Logistik|Druckerei|Elektrotechnik|Systemhaus|Bau",
    "fr": "Logistique|Ingénierie|Informatique|Services|Bâtiment|Conseil|Imprimerie|Industrie",
    "nl": "Techniek|Logistiek|Installaties|Software|Bouw|Advies|Drukkerij|Groep",
    "sv": "System|Logistik|Teknik|Bygg|Konsult|Data|Tryck|Industri",
    "no": "Systemer|Logistikk|Teknikk|Bygg|Rådgivning|Data|Trykkeri|Industri",
    "da": "Systemer|Logistik|Teknik|Byg|Rådgivning|Data|Trykkeri|Industri",
    "it": "Sistemi|Logistica|Impianti|Informatica|Costruzioni|Consulenze|Tipografia|Industria",
    "es": "Sistemas|Logística|Ingeniería|Informática|Construcciones|Consultores|Gráficas|"
    "Industrial",
}


@dataclass(frozen=True)
class Country:
    code: str
    langs: tuple[str, ...]
    currency: str
    nums: tuple[str, ...]  # number styles
    dates: tuple[str, ...]  # numeric date styles
    rates: tuple[str, ...]  # standard rate first
    forms: tuple[str, ...]
    iban_len: int
    name: dict[str, str]


def _c(
    code: str,
    langs: str,
    cur: str,
    nums: str,
    dates: str,
    rates: str,
    forms: str,
    ilen: int,
    names: str,
) -> Country:
    nm = dict(zip(LANGS, names.split("|"), strict=True))
    return Country(
        code,
        tuple(langs.split()),
        cur,
        tuple(nums.split()),
        tuple(dates.split()),
        tuple(rates.split()),
        tuple(forms.split(",")),
        ilen,
        nm,
    )


COUNTRIES: dict[str, Country] = {
    c.code: c
    for c in [
        _c(
            "DE",
            "de",
            "EUR",
            "de",
            "dot",
            "19 7",
            "GmbH,AG,GmbH & Co. KG,UG (haftungsbeschränkt),e.K.",
            22,
            "Germany|Deutschland|Allemagne|Duitsland|Tyskland|Tyskland|Tyskland|Germania|Alemania",
        ),
        _c(
            "AT",
            "de",
            "EUR",
            "de",
            "dot",
            "20 10 13",
            "GmbH,AG,KG,OG,e.U.",
            20,
            "Austria|Österreich|Autriche|Oostenrijk|Österrike|Østerrike|Østrig|Austria|Austria",
        ),
        _c(
            "CH",
            "de fr it",
            "CHF",
            "ch",
            "dot",
            "8.1 2.6 3.8",
            "AG,GmbH,SA,Sàrl",
            21,
            "Switzerland|Schweiz|Suisse|Zwitserland|Schweiz|Sveits|Schweiz|Svizzera|Suiza",
        ),
        _c(
            "FR",
            "fr",
            "EUR",
            "fr",
            "slash",
            "20 10 5.5",
            "SAS,SARL,SA,EURL",
            27,
            "France|Frankreich|France|Frankrijk|Frankrike|Frankrike|Frankrig|Francia|Francia",
        ),
        _c(
            "BE",
            "nl fr",
            "EUR",
            "de fr",
            "slash",
            "21 6 12",
            "BV,NV,SRL,SA",
            16,
            "Belgium|Belgien|Belgique|België|Belgien|Belgia|Belgien|Belgio|Bélgica",
        ),
        _c(
            "NL",
            "nl",
            "EUR",
            "de",
            "dash",
            "21 9",
            "B.V.,N.V.,V.O.F.",
            18,
            "Netherlands|Niederlande|Pays-Bas|Nederland|Nederländerna|Nederland|Holland|"
            "Paesi Bassi|Países Bajos",
        ),
        _c(
            "SE",
            "sv",
            "SEK",
            "sv",
            "iso",
            "25 12 6",
            "AB,HB",
            24,
            "Sweden|Schweden|Suède|Zweden|Sverige|Sverige|Sverige|Svezia|Suecia",
        ),
        _c(
            "NO",
            "no",
            "NOK",
            "sv",
            "dot",
            "25 15 12",
            "AS,ASA",
            15,
            "Norway|Norwegen|Norvège|Noorwegen|Norge|Norge|Norge|Norvegia|Noruega",
        ),
        _c(
            "DK",
            "da",
            "DKK",
            "de",
            "dot",
            "25",
            "ApS,A/S,I/S",
            18,
            "Denmark|Dänemark|Danemark|Denemarken|Danmark|Danmark|Danmark|Danimarca|Dinamarca",
        ),
        _c(
            "FI",
            "en sv",
            "EUR",
            "sv",
            "dot",
            "25.5 14 10",
            "Oy,Oyj,Ab",
            18,
            "Finland|Finnland|Finlande|Finland|Finland|Finland|Finland|Finlandia|Finlandia",
        ),
        _c(
            "IT",
            "it",
            "EUR",
            "de",
            "slash",
            "22 10 4",
            "S.r.l.,S.p.A.,S.n.c.,S.a.s.",
            27,
            "Italy|Italien|Italie|Italië|Italien|Italia|Italien|Italia|Italia",
        ),
        _c(
            "ES",
            "es",
            "EUR",
            "de",
            "slash",
            "21 10 4",
            "S.L.,S.A.,S.L.U.",
            24,
            "Spain|Spanien|Espagne|Spanje|Spanien|Spania|Spanien|Spagna|España",
        ),
        _c(
            "GB",
            "en",
            "GBP",
            "en",
            "slash",
            "20 5",
            "Ltd,Limited,LLP,plc",
            22,
            "United Kingdom|Vereinigtes Königreich|Royaume-Uni|Verenigd Koninkrijk|Storbritannien|"
            "Storbritannia|Storbritannien|Regno Unito|Reino Unido",
        ),
        _c(
            "IE",
            "en",
            "EUR",
            "en",
            "slash",
            "23 13.5",
            "Ltd,DAC,Limited",
            22,
            "Ireland|Irland|Irlande|Ierland|Irland|Irland|Irland|Irlanda|Irlanda",
        ),
        _c(
            "US",
            "en",
            "USD",
            "en",
            "mdy",
            "7.25 8.875 6.5",
            "Inc.,LLC,Corp.",
            0,
            "USA|USA|États-Unis|VS|USA|USA|USA|USA|EE. UU.",
        ),
    ]
}

FAMILY_COUNTRIES = {
    "xrechnung": ["DE", "DE", "DE", "AT"],
    "peppol": ["NL", "BE", "NO", "SE", "DK", "FI", "IE", "DE"],
    "odoo": ["DE", "FR", "BE", "NL", "IT", "ES", "GB", "IE", "AT", "DK", "SE"],
    "din": ["DE", "DE", "AT", "CH"],
    "dolibarr": ["FR", "FR", "BE", "CH"],
    "qrbill": ["CH"],
    "nordic": ["SE", "NO", "DK", "FI"],
    "benelux": ["NL", "BE"],
    "ninja": ["GB", "IE", "US"],
    "grid": ["IT", "ES"],
}
FAMILY_LANG = {"peppol": "en", "ninja": "en", "din": "de", "dolibarr": "fr", "benelux": "nl"}

# --------------------------------------------------------------------------------------------
# numbers, dates, identifiers

NUM_SEPS = {
    "de": (".", ","),
    "fr": ("\u00a0", ","),
    "sv": (" ", ","),
    "en": (",", "."),
    "ch": ("'", "."),
    "ch2": ("’", "."),
    "plain": ("", ","),
}
CURRENCY_SYMBOL = {
    "EUR": "€",
    "GBP": "£",
    "USD": "$",
    "SEK": "kr",
    "NOK": "kr",
    "DKK": "kr",
    "CHF": "CHF",
}
CENT = Decimal("0.01")


def fmt_num(cents: int, style: str) -> str:
    thou, dec = NUM_SEPS[style]
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    digits = str(whole)
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return f"{sign}{thou.join(groups)}{dec}{frac:02d}"


def plain(cents: int) -> str:
    return str((Decimal(abs(cents)) / 100).quantize(CENT))


def fmt_date(d: dt.date, style: str, lang: str) -> str:
    month = MONTHS[lang].split()[d.month - 1]
    if style == "dot":
        return d.strftime("%d.%m.%Y")
    if style == "slash":
        return d.strftime("%d/%m/%Y")
    if style == "dash":
        return d.strftime("%d-%m-%Y")
    if style == "iso":
        return d.isoformat()
    if style == "mdy":
        return d.strftime("%m/%d/%Y")
    if style == "long_us":
        return f"{month} {d.day}, {d.year}"
    # long
    if lang in ("de", "no", "da"):
        return f"{d.day}. {month} {d.year}"
    if lang == "es":
        return f"{d.day} de {month} de {d.year}"
    return f"{d.day} {month} {d.year}"


def iban_checksum(cc: str, bban: str) -> str:
    digits = "".join(str(int(ch, 36)) for ch in bban + cc + "00")
    return f"{98 - int(digits) % 97:02d}"


def make_iban(rng: random.Random, cc: str, length: int, qr: bool = False) -> str:
    n = length - 4
    if cc in ("GB", "IE", "NL"):
        bban = "".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVWXYZ") for _ in range(4))
        bban += "".join(rng.choice("0123456789") for _ in range(n - 4))
    elif cc == "IT":
        bban = rng.choice("ABCDEFGHLMNPRSTVXZ") + "".join(
            rng.choice("0123456789") for _ in range(n - 1)
        )
    elif qr:  # Swiss QR-IBAN: institution id 30000-31999
        bban = str(rng.randint(30000, 31999)) + "".join(
            rng.choice("0123456789") for _ in range(n - 5)
        )
    else:
        bban = str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(n - 1))
    return cc + iban_checksum(cc, bban) + bban


def group4(s: str) -> str:
    return " ".join(s[i : i + 4] for i in range(0, len(s), 4))


def luhn_digit(num: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(num)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return str((10 - total % 10) % 10)


def qr_reference(rng: random.Random) -> str:
    body = "".join(rng.choice("0123456789") for _ in range(26))
    table = [0, 9, 4, 6, 8, 2, 7, 1, 3, 5]
    carry = 0
    for ch in body:
        carry = table[(carry + int(ch)) % 10]
    ref = body + str((10 - carry) % 10)
    return ref[:2] + " " + " ".join(ref[i : i + 5] for i in range(2, 27, 5))


def be_structured(rng: random.Random) -> str:
    base = rng.randint(10**9, 10**10 - 1)
    check = base % 97 or 97
    s = f"{base:010d}{check:02d}"
    return f"+++{s[:3]}/{s[3:7]}/{s[7:]}+++"


def digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(n - 1))


def vat_id(rng: random.Random, cc: str) -> str:
    fmt = {
        "DE": lambda: "DE" + digits(rng, 9),
        "AT": lambda: "ATU" + digits(rng, 8),
        "CH": lambda: f"CHE-{digits(rng, 3)}.{digits(rng, 3)}.{digits(rng, 3)} MWST",
        "FR": lambda: "FR" + digits(rng, 11),
        "BE": lambda: "BE0" + digits(rng, 9),
        "NL": lambda: "NL" + digits(rng, 9) + "B01",
        "SE": lambda: "SE" + digits(rng, 10) + "01",
        "NO": lambda: f"NO {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 3)} MVA",
        "DK": lambda: "DK" + digits(rng, 8),
        "FI": lambda: "FI" + digits(rng, 8),
        "IT": lambda: "IT" + digits(rng, 11),
        "ES": lambda: "ES" + rng.choice("AB") + digits(rng, 8),
        "GB": lambda: f"GB {digits(rng, 3)} {digits(rng, 4)} {digits(rng, 2)}",
        "IE": lambda: "IE" + digits(rng, 7) + rng.choice("ABCDEFW"),
        "US": lambda: f"EIN {digits(rng, 2)}-{digits(rng, 7)}",
    }
    return fmt[cc]()


def registry(rng: random.Random, cc: str, town: str) -> str:
    fmt = {
        "DE": lambda: f"HRB {digits(rng, 5)}, Amtsgericht {town}",
        "AT": lambda: f"FN {digits(rng, 6)}{rng.choice('abdgkmpstvwx')}, Landesgericht {town}",
        "CH": lambda: f"UID CHE-{digits(rng, 3)}.{digits(rng, 3)}.{digits(rng, 3)}",
        "FR": lambda: f"RCS {town} {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 3)}",
        "BE": lambda: f"RPR/RPM {town}",
        "NL": lambda: f"KvK {digits(rng, 8)}",
        "SE": lambda: f"Org.nr {digits(rng, 6)}-{digits(rng, 4)}, säte {town}",
        "NO": lambda: (
            f"Foretaksregisteret, org.nr {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 3)}"
        ),
        "DK": lambda: f"CVR {digits(rng, 8)}",
        "FI": lambda: f"Y-tunnus {digits(rng, 7)}-{rng.randint(0, 9)}",
        "IT": lambda: f"REA {town[:2].upper()}-{digits(rng, 6)}",
        "ES": lambda: f"Registro Mercantil de {town}, Tomo {digits(rng, 4)}, Hoja {digits(rng, 5)}",
        "GB": lambda: f"Registered in England and Wales No. {digits(rng, 8)}",
        "IE": lambda: f"CRO {digits(rng, 6)}",
        "US": lambda: f"Incorporated in {rng.choice(['Delaware', 'Oregon', 'Ohio'])}",
    }
    return fmt[cc]()


# --------------------------------------------------------------------------------------------
# names and addresses


def coined(rng: random.Random) -> str:
    return (rng.choice(SYL_A_L) + rng.choice(SYL_B_L)).capitalize()


def surname(rng: random.Random, lang: str) -> str:
    base = coined(rng)
    suffix = {
        "de": ["mann", "er", "", "s"],
        "sv": ["son", "", "ér"],
        "no": ["sen", "", "ås"],
        "da": ["sen", "", "gaard"],
        "it": ["i", "etti", "ari"],
        "es": ["ez", "o", "es"],
        "nl": ["", "s", "ink"],
        "fr": ["", "et", "ier"],
        "en": ["", "s", "by"],
    }[lang]
    name = base + rng.choice(suffix)
    if lang == "nl" and rng.random() < 0.4:
        name = rng.choice(["van ", "de ", "van der "]) + name
    return name


def person(rng: random.Random, lang: str) -> str:
    return f"{rng.choice(FIRST[lang].split())} {surname(rng, lang)}"


FORMS_BY_LANG = {
    ("CH", "de"): ("AG", "GmbH"),
    ("CH", "fr"): ("SA", "Sàrl"),
    ("CH", "it"): ("SA", "Sagl"),
    ("BE", "nl"): ("BV", "NV", "CommV"),
    ("BE", "fr"): ("SRL", "SA", "SComm"),
}


def company(rng: random.Random, lang: str, ctry: Country) -> str:
    forms = FORMS_BY_LANG.get((ctry.code, lang), ctry.forms)
    form = rng.choice(forms)
    sector = rng.choice(SECTOR[lang].split("|"))
    pat = rng.randrange(5)
    if pat == 0:
        base = f"{coined(rng)} {sector}"
    elif pat == 1:
        base = f"{surname(rng, lang).split()[-1]} & {rng.choice(['Partner', 'Co', 'Söhne'])}"
        if lang != "de":
            base = base.replace("Söhne", "Partners")
    elif pat == 2:
        base = f"{coined(rng)}{rng.choice(['tec', 'ware', 'line', 'form', 'data'])}"
    elif pat == 3:
        base = f"{surname(rng, lang).split()[-1]} {sector}"
    else:
        base = f"{coined(rng)} {coined(rng)}"
    if lang == "es" and rng.random() < 0.5:
        base = f"{rng.choice(['Grupo', 'Talleres', 'Distribuciones'])} {coined(rng)}"
    if lang == "fr" and rng.random() < 0.4:
        base = f"{rng.choice(['Ateliers', 'Établissements', 'Société'])} {coined(rng)}"
    return f"{base} {form}"


def town(rng: random.Random, lang: str) -> str:
    suf = {
        "de": "hausen feld dorf bach burg heim",
        "nl": "dam drecht hoven wijk sum",
        "sv": "köping by sund torp hamn",
        "no": "vik stad nes dal øy",
        "da": "rup bjerg sted",
        "fr": "ville court mont bourg",
        "it": "ano ello ona asco",
        "es": "ejo osa ares illa",
        "en": "ton ford bury field mouth",
    }[lang].split()
    name = (rng.choice(SYL_A_L) + rng.choice(SYL_B_L)[:3] + rng.choice(suf)).capitalize()
    if lang == "fr" and rng.random() < 0.3:
        name = f"Saint-{coined(rng)}"
    return name


def street(rng: random.Random, lang: str) -> str:
    n = rng.randint(1, 140)
    c = coined(rng)
    if lang == "de":
        return f"{c}{rng.choice(['straße', 'weg', 'gasse', 'ring', 'allee'])} {n}"
    if lang == "nl":
        return f"{c}{rng.choice(['straat', 'laan', 'weg', 'gracht'])} {n}"
    if lang == "sv":
        return f"{c}{rng.choice(['gatan', 'vägen'])} {n}"
    if lang == "no":
        return f"{c}{rng.choice(['gata', 'veien'])} {n}"
    if lang == "da":
        return f"{c}{rng.choice(['gade', 'vej'])} {n}"
    if lang == "fr":
        kind = rng.choice(["rue", "avenue", "boulevard", "chemin"])
        return f"{n} {kind} {rng.choice(['de ', 'du ', 'des '])}{c}"
    if lang == "it":
        return f"Via {c} {n}"
    if lang == "es":
        return f"Calle {c}, {n}"
    return f"{n} {c} {rng.choice(['Road', 'Street', 'Lane', 'Avenue'])}"


def postcode(rng: random.Random, cc: str, city: str) -> str:
    d = lambda n: digits(rng, n)  # noqa: E731
    L = lambda: rng.choice("ABDEHLMNPRSTW")  # noqa: E731
    return {
        "DE": lambda: f"{d(5)} {city}",
        "AT": lambda: f"{d(4)} {city}",
        "CH": lambda: f"{d(4)} {city}",
        "FR": lambda: f"{d(5)} {city.upper()}",
        "BE": lambda: f"{d(4)} {city}",
        "NL": lambda: f"{d(4)} {L()}{L()} {city}",
        "SE": lambda: f"{d(3)} {d(2)} {city}",
        "NO": lambda: f"{d(4)} {city}",
        "DK": lambda: f"{d(4)} {city}",
        "FI": lambda: f"{d(5)} {city}",
        "IT": lambda: f"{d(5)} {city} ({L()}{L()})",
        "ES": lambda: f"{d(5)} {city}",
        "GB": lambda: f"{city}\n{L()}{L()}{rng.randint(1, 19)} {rng.randint(1, 9)}{L()}{L()}",
        "IE": lambda: f"{city}\n{L()}{d(2)} {L()}{d(3)}",
        "US": lambda: f"{city}, {rng.choice(['OR', 'OH', 'NY', 'TX', 'CO'])} {d(5)}",
    }[cc]()


DIAL = {
    "DE": 49,
    "AT": 43,
    "CH": 41,
    "FR": 33,
    "BE": 32,
    "NL": 31,
    "SE": 46,
    "NO": 47,
    "DK": 45,
    "FI": 358,
    "IT": 39,
    "ES": 34,
    "GB": 44,
    "IE": 353,
    "US": 1,
}


@dataclass
class Party:
    name: str
    lines: list[str]  # address lines
    country: Country
    vat_id: str = ""
    registry: str = ""
    contact: str = ""
    town: str = ""
    email: str = ""
    phone: str = ""


def place_lang(ctry: Country, lang: str) -> str:
    """The language of names and addresses in a country (not the document's language)."""
    if ctry.code == "FI":
        return "sv"
    return lang if lang in ctry.langs else ctry.langs[0]


def make_party(rng: random.Random, ctry: Country, lang: str, private: bool = False) -> Party:
    lang = place_lang(ctry, lang)
    city = town(rng, lang)
    name = person(rng, lang) if private else company(rng, lang, ctry)
    lines = [street(rng, lang), *postcode(rng, ctry.code, city).split("\n")]
    p = Party(name, lines, ctry, town=city)
    if not private:
        p.vat_id = vat_id(rng, ctry.code)
        p.registry = registry(rng, ctry.code, city)
        ascii_name = unicodedata.normalize("NFKD", name.split()[0].lower())
        dom = "".join(ch for ch in ascii_name if ch.isascii() and ch.isalpha()) or "firma"
        tld = {"GB": "co.uk", "US": "com"}.get(ctry.code, ctry.code.lower())
        p.email = (
            f"{rng.choice(['info', 'billing', 'invoice', 'accounts', 'buchhaltung'])}@{dom}.{tld}"
        )
        p.phone = f"+{DIAL[ctry.code]} {digits(rng, 3)} {digits(rng, 6)}"
    return p


# --------------------------------------------------------------------------------------------
# the invoice model


@dataclass
class Line:
    desc: str
    qty: Decimal
    unit: str
    price: int  # cents
    rate: Decimal
    net: int  # cents
    code: str = ""


@dataclass
class Doc:
    seed: int
    family: str
    ctry: Country
    lang: str
    numstyle: str
    datestyle: str
    cur_mode: str
    seller: Party
    buyer: Party
    brand: str
    number: str
    issue: dt.date
    due: dt.date | None
    terms_days: int
    delivery: dt.date
    credit: bool
    reverse: bool
    lines: list[Line]
    allowances: list[tuple[str, int, Decimal]]
    charges: list[tuple[str, int, Decimal]]
    prepaid: int
    rounding: int
    iban: str
    bic: str
    bank: str
    refs: dict[str, str] = field(default_factory=dict)
    ship_to: Party | None = None
    payee: Party | None = None
    payee_iban: str = ""
    pay_ref: str = ""
    show_iban: bool = True
    directors: list[str] = field(default_factory=list)
    tax_label: str = ""

    def L(self, key: str) -> str:
        return LABELS[key][self.lang]

    @property
    def currency(self) -> str:
        return self.ctry.currency

    def num(self, cents: int) -> str:
        return fmt_num(cents, self.numstyle)

    def money(self, cents: int, mode: str | None = None) -> str:
        mode = mode or self.cur_mode
        n = self.num(cents)
        sym = CURRENCY_SYMBOL[self.currency]
        if mode == "sym":
            if sym in ("€", "kr", "CHF") and self.lang != "en":
                return f"{n} {sym}"
            return f"{sym}{n}" if sym in "£$" else f"{sym} {n}"
        if mode == "code_after":
            return f"{n} {self.currency}"
        if mode == "code":
            return f"{self.currency} {n}"
        return n

    def date(self, d: dt.date) -> str:
        return fmt_date(d, self.datestyle, self.lang)

    def rate_str(self, r: Decimal) -> str:
        s = f"{r.normalize():f}"
        if NUM_SEPS[self.numstyle][1] == ",":
            s = s.replace(".", ",")
        return f"{s} %" if self.lang in ("de", "fr", "sv", "no", "da") else f"{s}%"

    # totals
    @property
    def line_sum(self) -> int:
        return sum(ln.net for ln in self.lines)

    @property
    def net_total(self) -> int:
        return self.line_sum + sum(c[1] for c in self.charges) - sum(a[1] for a in self.allowances)

    def vat_groups(self) -> list[tuple[Decimal, int, int]]:
        bases: dict[Decimal, int] = {}
        for ln in self.lines:
            bases[ln.rate] = bases.get(ln.rate, 0) + ln.net
        for _, amt, rate in self.charges:
            bases[rate] = bases.get(rate, 0) + amt
        for _, amt, rate in self.allowances:
            bases[rate] = bases.get(rate, 0) - amt
        out = []
        for rate in sorted(bases, reverse=True):
            tax = int((Decimal(bases[rate]) * rate / 100).quantize(Decimal(1), ROUND_HALF_UP))
            out.append((rate, bases[rate], tax))
        return out

    @property
    def tax_total(self) -> int:
        return sum(g[2] for g in self.vat_groups())

    @property
    def grand_total(self) -> int:
        return self.net_total + self.tax_total

    @property
    def amount_due(self) -> int:
        return self.grand_total - self.prepaid + self.rounding


GOODS_IN = {
    "en": "Goods in|Dock B|Warehouse 2",
    "de": "Wareneingang|Tor 3|Lager Süd",
    "fr": "Réception marchandises|Quai 4|Entrepôt",
    "nl": "Goederenontvangst|Dock 2|Magazijn",
    "sv": "Godsmottagning|Lager 2|Port 3",
    "no": "Varemottak|Lager 2|Port 3",
    "da": "Varemodtagelse|Lager 2|Port 3",
    "it": "Magazzino|Ricevimento merci|Deposito",
    "es": "Almacén|Recepción de mercancías|Muelle 2",
}
BANKS = {
    "en": "{t} Savings Bank|Bank of {t}|{t} Building Society",
    "de": "Volksbank {t} eG|Sparkasse {t}|{t}er Bank AG",
    "fr": "Crédit de {t}|Banque Populaire de {t}|Caisse d'Épargne {t}",
    "nl": "{t} Bank|Spaarbank {t}|Coöperatieve Bank {t}",
    "sv": "{t} Sparbank|{t}banken|Handelsbanken {t}",
    "no": "Sparebanken {t}|{t} Sparebank|{t}banken",
    "da": "{t} Sparekasse|{t} Bank|Andelskassen {t}",
    "it": "Banca di {t}|Cassa di Risparmio di {t}|Banca Popolare di {t}",
    "es": "Caja Rural de {t}|Banco de {t}|Caixa {t}",
}


def pick_number(rng: random.Random, family: str, year: int, credit: bool) -> str:
    n = rng.randint(12, 4999)
    yy = year % 100
    if credit:
        return rng.choice(
            [
                f"GS-{year}-{n:05d}",
                f"CN-{n:06d}",
                f"AV{yy}{rng.randint(1, 12):02d}-{n:04d}",
                f"RINV/{year}/{n:05d}",
                f"KF{year}{n:04d}",
            ]
        )
    pats = {
        "odoo": [f"INV/{year}/{n:05d}", f"FACT/{year}/{n:04d}", f"{year}/{n:05d}"],
        "dolibarr": [f"FA{yy}{rng.randint(1, 12):02d}-{n:04d}", f"F{year}-{n:04d}"],
        "ninja": [f"INV-{n:06d}", f"{n:04d}", f"INV-{year}-{n:04d}"],
        "din": [f"RE-{year}-{n:04d}", f"RE{year}{n:05d}", f"R{yy}-{n:04d}", str(10000 + n)],
        "xrechnung": [f"RE-{year}-{n:05d}", f"{year}-{n:05d}", f"R{n:07d}"],
        "peppol": [f"INV-{year}-{n:05d}", f"{year}{n:06d}", f"F{n:07d}"],
        "nordic": [str(10000 + n), f"{year}{n:04d}", str(200000 + n)],
        "benelux": [f"{year}-{n:04d}", f"F{year}{n:05d}", f"VF{yy}/{n:04d}"],
        "qrbill": [f"RE-{year}-{n:04d}", f"{n:06d}", f"FA-{yy}-{n:05d}"],
        "grid": [f"{n}/{year}", f"FV{year}-{n:04d}", f"{n:04d}/{yy}", f"A-{year}-{n:05d}"],
    }[family]
    return rng.choice(pats)


def make_lines(
    rng: random.Random, ctry: Country, lang: str, rates: list[Decimal], reverse: bool
) -> list[Line]:
    count = rng.choice([1, 2, 3, 3, 4, 5, 6, 8]) if rng.random() < 0.8 else rng.randint(14, 40)
    items = ITEMS[lang].split("|")
    out = []
    for _ in range(count):
        idx = rng.randrange(len(items))
        desc = items[idx].format(q=rng.randint(1, 4))
        if idx in HOURLY:
            qty = Decimal(rng.choice([1, 2, 4, 6, 8, 12, 16])) + rng.choice([0, 0, Decimal("0.5")])
            unit = LABELS["hrs"][lang]
            price = rng.choice([6500, 8500, 9500, 11000, 12500, 14800]) * (
                10 if ctry.currency in ("SEK", "NOK", "DKK") else 1
            )
        else:
            qty = Decimal(rng.choice([1, 1, 1, 2, 3, 5, 10, 12, 25]))
            unit = LABELS["pcs"][lang]
            price = int(10 ** rng.uniform(2.4, 5.3))  # 2.51 .. 1995.26
            if price > 30000:
                qty = Decimal(rng.choice([1, 1, 2]))
            if ctry.currency in ("SEK", "NOK", "DKK"):
                price *= 10
        rate = Decimal(0) if reverse else (rates[0] if rng.random() < 0.7 else rng.choice(rates))
        net = int((qty * price).quantize(Decimal(1), ROUND_HALF_UP))
        code = f"{rng.choice(['A', 'SKU', 'ART', ''])}{digits(rng, rng.choice([4, 5, 6]))}"
        out.append(Line(desc, qty, unit, price, rate, net, code if rng.random() < 0.5 else ""))
    return out


def build(seed: int) -> Doc:
    rng = random.Random(seed)
    families = list(FAMILY_COUNTRIES)
    family = families[(seed + rng.randrange(3)) % len(families)]
    ctry = COUNTRIES[rng.choice(FAMILY_COUNTRIES[family])]
    lang = FAMILY_LANG.get(family) or rng.choice(ctry.langs)
    if family == "odoo" and rng.random() < 0.25:
        lang = "en"
    if family == "xrechnung" and rng.random() < 0.25:
        lang = "en"
    if ctry.code == "BE" and family == "benelux":
        lang = "nl"
    if ctry.code == "BE" and family == "dolibarr":
        lang = "fr"
    if ctry.code == "CH" and family in ("din", "dolibarr"):
        lang = "de" if family == "din" else "fr"
    numstyle = rng.choice(ctry.nums)
    if ctry.code == "CH":
        numstyle = rng.choice(["ch", "ch2"])
    if family == "peppol":
        numstyle = rng.choice(["en", "plain", numstyle])
    if numstyle in ("de", "fr", "sv") and rng.random() < 0.15:
        numstyle = "plain"
    datestyle = rng.choice(list(ctry.dates) * 3 + ["long"])
    if family == "peppol":
        datestyle = "iso"
    elif ctry.code == "US":
        datestyle = rng.choice(["mdy", "long_us"])
    elif lang == "en" and datestyle == "dot":
        datestyle = rng.choice(["slash", "long", "iso"])
    cur_mode = rng.choice(["sym", "sym", "code", "code_after", "none"])
    if family in ("peppol", "xrechnung"):
        cur_mode = rng.choice(["code", "code_after", "none"])

    seller = make_party(rng, ctry, lang)
    private = family in ("din", "ninja", "nordic", "benelux") and rng.random() < 0.15
    foreign = not private and ctry.code != "US" and rng.random() < 0.12
    bctry = (
        COUNTRIES[rng.choice(["DE", "FR", "NL", "BE", "AT", "IT", "ES", "SE", "DK"])]
        if (foreign)
        else ctry
    )
    buyer = make_party(rng, bctry, lang, private=private)
    if bctry != ctry:
        buyer.lines.append(bctry.name[lang].upper())
    if not private and rng.random() < 0.55:
        buyer.contact = person(rng, lang)
    reverse = foreign and ctry.code not in ("CH", "NO", "GB") and rng.random() < 0.7

    year = rng.choice([2025, 2026, 2026])
    issue = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    terms = rng.choice([8, 10, 14, 14, 20, 30, 30, 30, 45, 60])
    rates = [Decimal(r) for r in ctry.rates]
    if ctry.code == "US":  # one sales tax rate per invoice
        rates = [rng.choice(rates)]
    credit = rng.random() < 0.05
    lines = make_lines(rng, ctry, lang, rates, reverse)
    std = Decimal(0) if reverse else rates[0]
    allowances: list[tuple[str, int, Decimal]] = []
    charges: list[tuple[str, int, Decimal]] = []
    line_sum = sum(ln.net for ln in lines)
    if rng.random() < 0.25 and not credit:
        pct = rng.choice([2, 3, 5, 10])
        allowances.append((f"{LABELS['allowance'][lang]} {pct} %", line_sum * pct // 100, std))
    if rng.random() < 0.25 and not credit:
        amt = rng.choice([490, 595, 990, 1250, 2500]) * (
            10 if ctry.currency in ("SEK", "NOK", "DKK") else 1
        )
        charges.append((LABELS["charge"][lang], amt, std))

    doc = Doc(
        seed=seed,
        family=family,
        ctry=ctry,
        lang=lang,
        numstyle=numstyle,
        datestyle=datestyle,
        cur_mode=cur_mode,
        seller=seller,
        buyer=buyer,
        brand="",
        number=pick_number(rng, family, year, credit),
        issue=issue,
        due=None,
        terms_days=terms,
        delivery=issue - dt.timedelta(days=rng.randrange(0, 20)),
        credit=credit,
        reverse=reverse,
        lines=lines,
        allowances=allowances,
        charges=charges,
        prepaid=0,
        rounding=0,
        iban="",
        bic="",
        bank="",
    )
    if rng.random() < 0.65 or family in ("xrechnung", "peppol"):
        doc.due = issue + dt.timedelta(days=terms)
    if not credit and rng.random() < 0.15:
        doc.prepaid = (doc.grand_total * rng.choice([20, 30, 50]) // 100) // 100 * 100
    if ctry.code == "CH":
        due = doc.grand_total - doc.prepaid
        doc.rounding = (due + 2) // 5 * 5 - due
    elif ctry.currency in ("SEK", "NOK") and rng.random() < 0.6:
        due = doc.grand_total - doc.prepaid
        doc.rounding = (due + 50) // 100 * 100 - due
    if ctry.iban_len:
        doc.iban = make_iban(rng, ctry.code, ctry.iban_len, qr=family == "qrbill")
    doc.show_iban = bool(doc.iban) and rng.random() < 0.93
    doc.bic = (
        "".join(rng.choice("ABCDEFGHKLMNPRSTUVWXYZ") for _ in range(4))
        + (ctry.code if ctry.code != "US" else "US")
        + rng.choice(["2X", "MM", "FF", "22"])
        + (rng.choice(["", "XXX"]))
    )
    doc.bank = rng.choice(BANKS[place_lang(ctry, lang)].split("|")).format(
        t=town(rng, place_lang(ctry, lang))
    )
    if family in ("odoo", "ninja", "benelux", "nordic") and rng.random() < 0.6:
        doc.brand = coined(rng).upper() if rng.random() < 0.5 else coined(rng)
    doc.refs = make_refs(rng, doc)
    if rng.random() < 0.3:
        doc.ship_to = make_party(rng, bctry, lang)
        if rng.random() < 0.5 or private:
            doc.ship_to.name = buyer.name
        if rng.random() < 0.5 and not private:
            doc.ship_to.name = buyer.name
            doc.ship_to.contact = rng.choice(GOODS_IN[lang].split("|"))
    if family not in ("qrbill", "ninja") and rng.random() < 0.12:
        doc.payee = make_party(rng, ctry, lang)
        doc.payee.name = (
            f"{coined(rng)} {rng.choice(['Factoring', 'Finance', 'Finans'])} "
            f"{rng.choice(ctry.forms)}"
        )
        if ctry.iban_len:
            doc.payee_iban = make_iban(rng, ctry.code, ctry.iban_len)
    doc.directors = [person(rng, lang) for _ in range(rng.choice([1, 1, 2]))]
    doc.pay_ref = make_pay_ref(rng, doc)
    return doc


def make_refs(rng: random.Random, doc: Doc) -> dict[str, str]:
    refs: dict[str, str] = {}
    y = doc.issue.year
    if rng.random() < 0.7:
        refs["customer_no"] = rng.choice(
            [digits(rng, 5), f"K{digits(rng, 5)}", f"C-{digits(rng, 4)}"]
        )
    if rng.random() < 0.5:
        refs["order"] = rng.choice(
            [
                f"PO-{digits(rng, 6)}",
                f"{y}-{digits(rng, 4)}",
                f"BE{digits(rng, 7)}",
                f"4500{digits(rng, 6)}",
            ]
        )
    if rng.random() < 0.35:
        refs["dnote"] = rng.choice(
            [f"LS-{y}-{digits(rng, 4)}", f"DN{digits(rng, 6)}", f"WH/OUT/{digits(rng, 5)}"]
        )
    if doc.credit or rng.random() < 0.12:
        refs["prev_inv"] = pick_number(rng, doc.family, y, False)
    if rng.random() < 0.3:
        refs["buyer_ref"] = rng.choice(
            [
                f"04011000-{digits(rng, 5)}-{digits(rng, 2)}",
                f"KST {digits(rng, 4)}",
                f"PRJ-{digits(rng, 3)}",
            ]
        )
    return refs


def make_pay_ref(rng: random.Random, doc: Doc) -> str:
    cc = doc.ctry.code
    if doc.family == "qrbill":
        return qr_reference(rng)
    if cc == "BE":
        return be_structured(rng)
    if cc in ("SE", "NO", "FI"):
        body = digits(rng, rng.choice([8, 10, 12]))
        return body + luhn_digit(body)
    if cc == "DK":
        body = digits(rng, 14)
        return f"+71<{body}{luhn_digit(body)}+{digits(rng, 8)}<"
    if cc == "NL" and rng.random() < 0.5:
        return digits(rng, 16)
    return doc.number


def labels(doc: Doc) -> dict[str, object]:
    f: dict[str, str] = {
        "invoice_number": doc.number,
        "issue_date": doc.issue.isoformat(),
    }
    if doc.due:
        f["due_date"] = doc.due.isoformat()
    f.update(
        seller_name=doc.seller.name,
        buyer_name=doc.buyer.name,
        currency=doc.currency,
        net_total=plain(doc.net_total),
        tax_total=plain(doc.tax_total),
        grand_total=plain(doc.grand_total),
    )
    if doc.iban and doc.show_iban:
        f["iban"] = doc.iban
    items: list[dict[str, str]] = [
        {
            "description": ln.desc,
            "quantity": format(ln.qty.normalize(), "f"),
            "unit_price": plain(ln.price),
            "amount": plain(ln.net),
        }
        for ln in doc.lines
    ]
    return {
        "file": f"{doc.seed}.pdf",
        "fields": {**f, "line_items": items},
        "meta": {"language": doc.lang, "layout": doc.family, "country": doc.ctry.code},
    }


# --------------------------------------------------------------------------------------------
# shared HTML pieces

esc = html.escape


def br(lines: list[str]) -> str:
    return "<br>".join(esc(x) for x in lines if x)


def party_html(doc: Doc, p: Party, contact_first: bool = False, country: bool = False) -> str:
    lines = [p.name]
    if p.contact:
        c = f"{doc.L('attn')} {p.contact}"
        lines = [c, p.name] if contact_first else [p.name, c]
    lines += p.lines
    own = p.country.name[doc.lang].lower()
    if country and p.country.code != doc.ctry.code and p.lines[-1].lower() != own:
        lines.append(p.country.name[doc.lang])
    return br(lines)


def title(doc: Doc) -> str:
    return doc.L("credit") if doc.credit else doc.L("invoice")


def head_rows(doc: Doc, with_due: bool = True) -> list[tuple[str, str]]:
    rows = [
        (doc.L("cn_no") if doc.credit else doc.L("inv_no"), doc.number),
        (doc.L("inv_date"), doc.date(doc.issue)),
    ]
    if with_due and doc.due:
        rows.append((doc.L("due"), doc.date(doc.due)))
    if doc.delivery != doc.issue:
        rows.append((doc.L("delivery_date"), doc.date(doc.delivery)))
    for key in ("customer_no", "order", "dnote", "prev_inv", "buyer_ref"):
        if key in doc.refs:
            rows.append((doc.L(key), doc.refs[key]))
    return rows


def kv_table(rows: list[tuple[str, str]], cls: str = "kv") -> str:
    body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return f'<table class="{cls}">{body}</table>'


def tax_name(doc: Doc) -> str:
    return "Sales tax" if doc.ctry.code == "US" else doc.L("vat")


def qty_str(doc: Doc, q: Decimal) -> str:
    s = f"{q.normalize():f}"
    return s.replace(".", ",") if NUM_SEPS[doc.numstyle][1] == "," else s


def items_table(doc: Doc, cols: tuple[str, ...], cls: str = "items") -> str:
    amount_head = doc.L("amount")
    if doc.cur_mode == "none":
        amount_head += f" ({doc.currency})"
    heads = {
        "pos": doc.L("pos"),
        "code": "Art.",
        "desc": doc.L("desc"),
        "qty": doc.L("qty"),
        "unit": doc.L("unit"),
        "price": doc.L("price"),
        "vat": tax_name(doc) + " %",
        "amount": amount_head,
    }
    if doc.ctry.code == "US":
        heads["vat"] = "Tax"
    th = "".join(f'<th class="{c}">{esc(heads[c])}</th>' for c in cols)
    rows = []
    for i, ln in enumerate(doc.lines, 1):
        cells = {
            "pos": str(i),
            "code": ln.code,
            "desc": ln.desc,
            "qty": qty_str(doc, ln.qty),
            "unit": ln.unit,
            "price": doc.num(ln.price),
            "vat": doc.rate_str(ln.rate),
            "amount": doc.num(ln.net),
        }
        if "code" not in cols and ln.code and doc.family != "grid":
            cells["desc"] = f"[{ln.code}] {ln.desc}" if doc.family == "odoo" else ln.desc
        if "qty" in cols and "unit" not in cols:
            cells["qty"] = f"{cells['qty']} {ln.unit}"
        rows.append(
            "<tr>" + "".join(f'<td class="{c}">{esc(cells[c])}</td>' for c in cols) + "</tr>"
        )
    return (
        f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def totals_rows(doc: Doc, codes: bool = False) -> list[tuple[str, str, str]]:
    bt = (lambda c: f" ({c})") if codes else (lambda c: "")
    m = doc.money
    rows: list[tuple[str, str, str]] = []
    if doc.allowances or doc.charges:
        rows.append((doc.L("line_sum") + bt("BT-106"), m(doc.line_sum), ""))
        for lab, amt, _ in doc.allowances:
            rows.append((lab + bt("BT-107"), m(-amt), ""))
        for lab, amt, _ in doc.charges:
            rows.append((lab + bt("BT-108"), m(amt), ""))
    us = doc.ctry.code == "US"
    net_label = "Total before tax" if us else doc.L("net")
    rows.append((net_label + bt("BT-109"), m(doc.net_total), "sub"))
    for rate, _base, tax in doc.vat_groups():
        rows.append((f"{tax_name(doc)} {doc.rate_str(rate)}" + bt("BT-117"), m(tax), ""))
    groups = doc.vat_groups()
    if len(groups) > 1:  # tax_total is then printed as one amount, not only per rate
        label = "Total tax" if us else doc.L("tax_sum")
        rows.append((label + bt("BT-110"), m(doc.tax_total), "sub"))
    gross_cls = "grand" if not (doc.prepaid or doc.rounding) else "sub"
    rows.append(("Total" if us else doc.L("gross") + bt("BT-112"), m(doc.grand_total), gross_cls))
    if doc.prepaid:
        rows.append((doc.L("prepaid") + bt("BT-113"), m(-doc.prepaid), ""))
    if doc.rounding:
        rows.append((doc.L("rounding") + bt("BT-114"), m(doc.rounding), ""))
    if doc.prepaid or doc.rounding:
        rows.append((doc.L("due_amount") + bt("BT-115"), m(doc.amount_due), "grand"))
    return rows


def totals_table(doc: Doc, cls: str = "totals", codes: bool = False) -> str:
    body = "".join(
        f'<tr class="{c}"><th>{esc(k)}</th><td>{esc(v)}</td></tr>'
        for k, v, c in totals_rows(doc, codes)
    )
    return f'<table class="{cls}">{body}</table>'


def vat_table(doc: Doc, cls: str = "vatb") -> str:
    head = (
        f"<tr><th>{esc(doc.L('rate'))}</th><th>{esc(doc.L('taxable'))}</th>"
        f"<th>{esc(doc.L('tax_amt'))}</th></tr>"
    )
    body = "".join(
        f"<tr><td>{esc(doc.rate_str(r))}</td><td>{esc(doc.num(b))}</td>"
        f"<td>{esc(doc.num(t))}</td></tr>"
        for r, b, t in doc.vat_groups()
    )
    return (
        f'<table class="{cls}"><caption>{esc(doc.L("vat_breakdown"))}</caption>{head}{body}</table>'
    )


def payment_text(doc: Doc) -> str:
    parts = []
    if doc.due:
        parts.append(doc.L("pay_by").format(d=doc.date(doc.due)))
    else:
        parts.append(doc.L("terms").format(n=doc.terms_days))
    if doc.pay_ref and doc.pay_ref != doc.number:
        parts.append(f"{doc.L('reference')}: {doc.pay_ref}")
    if doc.reverse:
        parts.append(doc.L("rc"))
    return "<br>".join(esc(p) for p in parts)


def payee_html(doc: Doc) -> str:
    if not doc.payee:
        return ""
    p = doc.payee
    iban = f"<br>IBAN {esc(group4(doc.payee_iban))}" if doc.payee_iban else ""
    return (
        f'<div class="payee"><b>{esc(doc.L("payee"))}</b><br>{br([p.name, *p.lines])}{iban}'
        f"<br><i>{esc(doc.L('factoring'))}</i></div>"
    )


def bank_lines(doc: Doc) -> list[str]:
    out = [doc.bank]
    if doc.show_iban:
        out.append(f"IBAN {group4(doc.iban)}")
        out.append(f"BIC {doc.bic}")
    if doc.ctry.code == "US":
        out = [
            doc.bank,
            f"Routing {digits(random.Random(doc.seed), 9)}",
            f"Account {digits(random.Random(doc.seed + 1), 10)}",
        ]
    return out


def footer_cols(doc: Doc) -> list[list[str]]:
    s = doc.seller
    return [
        [s.name, *s.lines],
        [
            f"{doc.L('phone')} {s.phone}",
            s.email,
            s.vat_id if doc.ctry.code == "US" else f"{doc.L('vat_id')} {s.vat_id}",
        ],
        [doc.L("bank"), *bank_lines(doc)],
        [s.registry, f"{doc.L('md')}: {', '.join(doc.directors)}"],
    ]


def nowrap_iban(text: str) -> str:
    """Keeps a printed 'IBAN ....' line on one line."""
    parts = text.split("<br>")
    return "<br>".join(
        f'<span style="white-space: nowrap">{p}</span>' if p.startswith("IBAN") else p
        for p in parts
    )


def footer_html(doc: Doc, cls: str = "footer") -> str:
    widths = (22, 22, 31, 25)
    cols = "".join(
        f'<td style="width: {w}%">{nowrap_iban(br(c))}</td>'
        for w, c in zip(widths, footer_cols(doc))
    )
    return f'<div class="{cls}"><table><tr>{cols}</tr></table></div>'


BASE_CSS = """
@page { size: A4; margin: 16mm 16mm 30mm 18mm;
  @bottom-center { content: element(footer); width: 100%; vertical-align: top; }
  @top-right { content: "PAGE_LABEL " counter(page) " OF_LABEL " counter(pages);
    font-size: 7pt; color: #777; font-family: "DejaVu Sans", sans-serif; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 8.6pt; color: #222; margin: 0; }
.footer { position: running(footer); font-size: 6.5pt; color: #555; }
.footer table { width: 100%; border-top: 0.5pt solid #999; border-collapse: collapse; }
.footer td { vertical-align: top; padding: 2pt 4pt 0 0; }
table { border-collapse: collapse; }
table.items { width: 100%; margin-top: 10pt; }
table.items th { text-align: left; border-bottom: 1pt solid #333; padding: 3pt 4pt; }
table.items td { padding: 3pt 4pt; border-bottom: 0.4pt solid #ddd; vertical-align: top; }
table.items td.qty, table.items td.price, table.items td.amount, table.items td.vat,
table.items th.qty, table.items th.price, table.items th.amount, table.items th.vat
  { text-align: right; white-space: nowrap; }
table.totals { margin-left: auto; margin-top: 8pt; min-width: 75mm; }
table.totals th { text-align: left; font-weight: normal; padding: 2pt 10pt 2pt 0; }
table.totals td { text-align: right; padding: 2pt 0; white-space: nowrap; }
table.totals tr.grand th, table.totals tr.grand td { font-weight: bold; font-size: 10pt;
  border-top: 1pt solid #333; padding-top: 4pt; }
table.totals tr.sub th, table.totals tr.sub td { border-top: 0.4pt solid #999; }
table.vatb { margin-top: 8pt; font-size: 7.5pt; }
table.vatb caption { text-align: left; font-weight: bold; }
table.vatb td, table.vatb th { padding: 1pt 8pt 1pt 0; text-align: right; }
table.kv th { text-align: left; font-weight: normal; color: #555; padding: 1pt 10pt 1pt 0; }
table.kv td { padding: 1pt 0; }
.payee { margin-top: 10pt; border: 0.5pt solid #999; padding: 4pt; width: 90mm; font-size: 8pt; }
.note { margin-top: 10pt; }
.small { font-size: 7pt; color: #555; }
"""


def page_css(doc: Doc, extra: str) -> str:
    css = BASE_CSS.replace("PAGE_LABEL", doc.L("page")).replace("OF_LABEL", doc.L("of"))
    if doc.ctry.code == "US":
        css = css.replace("size: A4", "size: letter")
    return css + extra


def wrap(doc: Doc, css: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="{doc.lang}"><head><meta charset="utf-8">'
        f"<title>{esc(title(doc))} {esc(doc.number)}</title><style>{page_css(doc, css)}"
        f"</style></head><body>{body}</body></html>"
    )


# --------------------------------------------------------------------------------------------
# layout families

XR_DE = {
    "overview": "Übersicht",
    "seller": "Informationen zum Verkäufer (BG-4)",
    "buyer": "Informationen zum Käufer (BG-7)",
    "delivery": "Lieferinformationen (BG-13)",
    "payee": "Zahlungsempfänger (BG-10)",
    "lines": "Rechnungspositionen (BG-25)",
    "totals": "Gesamtbeträge (BG-22)",
    "vat": "Aufschlüsselung der Umsatzsteuer (BG-23)",
    "pay": "Zahlungsinformationen (BG-16)",
    "name": "Firmenname",
    "contact": "Kontakt",
    "address": "Anschrift",
    "vatid": "Umsatzsteuer-ID",
    "reg": "Registernummer",
    "iban": "IBAN",
    "terms": "Zahlungsbedingungen",
    "type": "Rechnungsart",
    "cur": "Währung",
    "ref": "Verwendungszweck",
}
XR_EN = {
    "overview": "Overview",
    "seller": "Seller (BG-4)",
    "buyer": "Buyer (BG-7)",
    "delivery": "Delivery information (BG-13)",
    "payee": "Payee (BG-10)",
    "lines": "Invoice lines (BG-25)",
    "totals": "Document totals (BG-22)",
    "vat": "VAT breakdown (BG-23)",
    "pay": "Payment instructions (BG-16)",
    "name": "Name",
    "contact": "Contact",
    "address": "Address",
    "vatid": "VAT identifier",
    "reg": "Legal registration",
    "iban": "Payment account",
    "terms": "Payment terms",
    "type": "Invoice type code",
    "cur": "Invoice currency",
    "ref": "Remittance information",
}


def render_semantic(doc: Doc) -> str:
    """xrechnung (boxed, BT codes) and peppol (plain key/value viewer)."""
    xr = doc.family == "xrechnung"
    T = XR_DE if doc.lang == "de" else XR_EN
    if not xr:
        T = {k: v.split(" (")[0] for k, v in T.items()}
    bt = (lambda c: f" ({c})") if xr else (lambda c: "")

    def box(head: str, rows: list[tuple[str, str]]) -> str:
        return f'<div class="box"><h3>{esc(head)}</h3>{kv_table(rows)}</div>'

    def party_rows(p: Party, codes: tuple[str, str, str, str]) -> list[tuple[str, str]]:
        rows = [(T["name"] + bt(codes[0]), p.name)]
        rows.append((T["address"] + bt(codes[1]), ", ".join(p.lines)))
        if p.contact:
            rows.append((T["contact"] + bt("BG-9"), p.contact))
        if p.vat_id:
            rows.append((T["vatid"] + bt(codes[2]), p.vat_id))
        if p.registry:
            rows.append((T["reg"] + bt(codes[3]), p.registry))
        return rows

    over = [(doc.L("cn_no") if doc.credit else doc.L("inv_no")) + bt("BT-1"), doc.number]
    rows = [
        tuple(over),
        (doc.L("inv_date") + bt("BT-2"), doc.date(doc.issue)),
        (T["type"] + bt("BT-3"), "381" if doc.credit else "380"),
        (T["cur"] + bt("BT-5"), doc.currency),
    ]
    if doc.due:
        rows.append((doc.L("due") + bt("BT-9"), doc.date(doc.due)))
    codes = {
        "buyer_ref": "BT-10",
        "order": "BT-13",
        "dnote": "BT-16",
        "prev_inv": "BT-25",
        "customer_no": "BT-46",
    }
    for key, code in codes.items():
        if key in doc.refs:
            rows.append((doc.L(key) + bt(code), doc.refs[key]))
    parts = [box(T["overview"], rows)]  # type: ignore[arg-type]
    sel = party_rows(doc.seller, ("BT-27", "BG-5", "BT-31", "BT-30"))
    buy = party_rows(doc.buyer, ("BT-44", "BG-8", "BT-48", "BT-47"))
    parts.append(f'<div class="two">{box(T["seller"], sel)}{box(T["buyer"], buy)}</div>')
    if doc.ship_to:
        parts.append(
            box(
                T["delivery"],
                [
                    (T["name"] + bt("BT-70"), doc.ship_to.name),
                    (T["address"] + bt("BG-15"), ", ".join(doc.ship_to.lines)),
                    (doc.L("delivery_date") + bt("BT-72"), doc.date(doc.delivery)),
                ],
            )
        )
    if doc.payee:
        parts.append(
            box(
                T["payee"],
                [
                    (T["name"] + bt("BT-59"), doc.payee.name),
                    (T["reg"] + bt("BT-61"), doc.payee.registry),
                ],
            )
        )
    parts.append(
        f'<div class="box"><h3>{esc(T["lines"])}</h3>'
        f"{items_table(doc, ('pos', 'desc', 'qty', 'unit', 'price', 'vat', 'amount'))}"
        "</div>"
    )
    parts.append(
        f'<div class="box nobreak"><h3>{esc(T["totals"])}</h3>{totals_table(doc, codes=xr)}</div>'
    )
    parts.append(f'<div class="box nobreak"><h3>{esc(T["vat"])}</h3>{vat_table(doc)}</div>')
    pay = []
    if doc.show_iban or doc.payee_iban:
        pay.append(
            (
                T["iban"] + bt("BT-84"),
                group4(doc.payee_iban or doc.iban) if xr else (doc.payee_iban or doc.iban),
            )
        )
        pay.append(("BIC" + bt("BT-86"), doc.bic))
    pay.append((T["terms"] + bt("BT-20"), doc.L("terms").format(n=doc.terms_days)))
    if doc.pay_ref:
        pay.append((T["ref"] + bt("BT-83"), doc.pay_ref))
    if doc.reverse:
        pay.append(("VAT exemption reason" + bt("BT-120"), doc.L("rc")))
    parts.append(box(T["pay"], pay))
    if doc.payee and doc.show_iban and doc.payee_iban:
        parts.append(f'<p class="small">{esc(doc.seller.name)}: IBAN {esc(group4(doc.iban))}</p>')
    head = ("XRechnung – " if xr else "Peppol BIS Billing 3.0 – ") + title(doc)
    if xr:
        css = """
h1 { font-size: 14pt; margin: 0 0 8pt; } .box { border: 0.8pt solid #557; margin: 0 0 6pt;
  padding: 0 5pt 5pt; } .box h3 { background: #dde3ee; margin: 0 -5pt 4pt; padding: 2pt 5pt;
  font-size: 8.5pt; } .two { display: flex; gap: 6pt; } .two .box { flex: 1; }
.nobreak { break-inside: avoid; } table.totals { margin-left: 0; } .footer { display: none; }
"""
    else:
        css = """
body { font-family: "DejaVu Sans Condensed", sans-serif; } h1 { font-size: 13pt; margin: 0;
  border-bottom: 2pt solid #000; } .box h3 { font-size: 9pt; margin: 8pt 0 2pt;
  text-transform: uppercase; color: #333; } .two { display: flex; gap: 20pt; }
.two .box { flex: 1; } table.totals { margin-left: 0; } .footer { display: none; }
"""
    sub = f'<p class="small">{esc("urn:cen.eu:en16931:2017")}</p>'
    return wrap(doc, css, f"<h1>{esc(head)}</h1>{sub}{''.join(parts)}")


def render_odoo(doc: Doc) -> str:
    s = doc.seller
    brand = doc.brand or s.name
    logo = (
        f'<div class="logo">{esc(brand)}</div><div class="saddr">'
        f"{br([*s.lines])}<br>{esc(s.email)}</div>"
    )
    if not doc.brand:
        logo = f'<div class="logo">{esc(brand)}</div><div class="saddr">{br(s.lines)}</div>'
    buyer = f'<div class="baddr">{party_html(doc, doc.buyer, contact_first=False, country=True)}'
    if doc.buyer.vat_id:
        buyer += f"<br>{esc(doc.L('vat_id'))}: {esc(doc.buyer.vat_id)}"
    buyer += "</div>"
    ship = ""
    if doc.ship_to:
        ship = (
            f'<div class="ship"><b>{esc(doc.L("ship_to"))}</b><br>'
            f"{party_html(doc, doc.ship_to)}</div>"
        )
    info = "".join(
        f'<div class="cell"><b>{esc(k)}</b><br>{esc(v)}</div>' for k, v in head_rows(doc)[1:]
    )
    body = (
        f'{footer_html(doc)}<div class="top">{logo}</div><div class="addr">{ship}{buyer}</div>'
        f"<h1>{esc(title(doc))} {esc(doc.number)}</h1><div class='info'>{info}</div>"
        f"{items_table(doc, ('desc', 'qty', 'price', 'vat', 'amount'))}"
        f"{totals_table(doc)}<div class='note'>{payment_text(doc)}</div>{payee_html(doc)}"
    )
    if doc.show_iban:
        body += (
            f"<p class='small'>{esc(doc.L('bank'))}: {esc(doc.bank)} – "
            f"IBAN {esc(group4(doc.iban))}</p>"
        )
    css = """
.logo { font-size: 22pt; font-weight: bold; color: #714B67; letter-spacing: 1pt; }
.saddr { font-size: 7.5pt; color: #555; margin-top: 2pt; }
.addr { display: flex; justify-content: space-between; margin: 14pt 0; }
.baddr { margin-left: auto; width: 75mm; }
.ship { width: 70mm; font-size: 8pt; }
h1 { font-size: 16pt; color: #714B67; font-weight: normal; margin: 10pt 0 6pt; }
.info { display: flex; gap: 18pt; margin-bottom: 6pt; } .info .cell { font-size: 8pt; }
table.items th { border-bottom: 1.5pt solid #714B67; }
"""
    return wrap(doc, css, body)


def render_din(doc: Doc) -> str:
    s = doc.seller
    sender = f"{s.name} · {s.lines[0]} · {' '.join(s.lines[1:])}"
    head = f'<div class="brandline">{esc(s.name)}</div>'
    addr = (
        f'<div class="window"><div class="sender">{esc(sender)}</div>'
        f"{party_html(doc, doc.buyer, contact_first=False)}</div>"
    )
    info = kv_table(head_rows(doc, with_due=doc.seed % 2 == 0), "kv info")
    ship = ""
    if doc.ship_to:
        ship = (
            f'<p class="small"><b>{esc(doc.L("ship_to"))}:</b> {esc(doc.ship_to.name)}, '
            f"{esc(', '.join(doc.ship_to.lines))}</p>"
        )
    greet = {
        "de": "Sehr geehrte Damen und Herren,<br>vielen Dank für Ihren Auftrag. Wir stellen "
        "Ihnen hiermit folgende Leistungen in Rechnung:"
    }.get(doc.lang, "")
    body = (
        f'{footer_html(doc)}{head}<div class="head">{addr}{info}</div>{ship}'
        f"<h1>{esc(title(doc))} Nr. {esc(doc.number)}</h1><p>{greet}</p>"
        f"{items_table(doc, ('pos', 'desc', 'qty', 'unit', 'price', 'amount'))}"
        f"{totals_table(doc)}<div class='note'>{payment_text(doc)}</div>{payee_html(doc)}"
        f"<p>Mit freundlichen Grüßen<br>{esc(doc.directors[0])}</p>"
    )
    css = """
.brandline { text-align: right; font-size: 15pt; font-weight: bold; color: #2a6f4e; }
.head { display: flex; justify-content: space-between; margin-top: 18mm; }
.window { width: 85mm; height: 40mm; } .sender { font-size: 6.5pt; text-decoration: underline;
  margin-bottom: 4pt; } .info { font-size: 8pt; align-self: flex-start; }
h1 { font-size: 13pt; margin: 12pt 0 4pt; }
"""
    return wrap(doc, css, body)


def render_dolibarr(doc: Doc) -> str:
    s = doc.seller
    right = (
        f'<div class="ref"><div class="t">{esc(title(doc).upper())}</div>'
        f"{kv_table(head_rows(doc))}</div>"
    )
    logo = f'<div class="logo">{esc(s.name)}</div>'
    em = (
        f'<div class="b1"><div class="h">Émetteur</div><b>{esc(s.name)}</b><br>{br(s.lines)}'
        f"<br>Tél. : {esc(s.phone)}<br>Email : {esc(s.email)}</div>"
    )
    dest = (
        f'<div class="b2"><div class="h">Adressé à</div>'
        f"{party_html(doc, doc.buyer, contact_first=True, country=True)}"
    )
    if doc.buyer.vat_id:
        dest += f"<br>N° TVA : {esc(doc.buyer.vat_id)}"
    dest += "</div>"
    ship = ""
    if doc.ship_to:
        ship = (
            f'<p class="small">{esc(doc.L("ship_to"))} : {esc(doc.ship_to.name)}, '
            f"{esc(', '.join(doc.ship_to.lines))}</p>"
        )
    cur = f'<p class="small right">Montants exprimés en {esc(doc.currency)}</p>'
    bottom = (
        f'<div class="bottom"><div>{vat_table(doc)}<div class="note">'
        f"{payment_text(doc)}</div></div>{totals_table(doc)}</div>"
    )
    legal = (
        '<p class="small">En cas de retard de paiement, une pénalité égale à 3 fois le taux '
        "d'intérêt légal sera exigible, ainsi qu'une indemnité forfaitaire pour frais de "
        "recouvrement de 40 €.</p>"
    )
    body = (
        f'{footer_html(doc)}<div class="top">{logo}{right}</div>'
        f'<div class="boxes">{em}{dest}</div>{ship}{cur}'
        f"{items_table(doc, ('desc', 'vat', 'price', 'qty', 'amount'))}{bottom}"
        f"{payee_html(doc)}{legal}"
    )
    css = """
.top { display: flex; justify-content: space-between; } .logo { font-size: 14pt;
  font-weight: bold; color: #335; width: 80mm; } .ref .t { font-size: 13pt; font-weight: bold;
  text-align: right; } .boxes { display: flex; gap: 8mm; margin-top: 10pt; }
.b1 { flex: 1; background: #eee; padding: 5pt; border-radius: 3pt; }
.b2 { flex: 1; border: 0.6pt solid #555; padding: 5pt; border-radius: 3pt; }
.h { font-size: 7pt; color: #555; margin-bottom: 2pt; } .right { text-align: right; }
table.items th { background: #e6e6e6; border: 0.5pt solid #999; }
table.items td { border-left: 0.5pt solid #ccc; border-right: 0.5pt solid #ccc; }
.bottom { display: flex; justify-content: space-between; align-items: flex-start; }
.bottom table.totals { margin-left: 0; } .bottom > div { width: 90mm; }
"""
    return wrap(doc, css, body)


QR_T = {
    "de": (
        "Empfangsschein",
        "Zahlteil",
        "Konto / Zahlbar an",
        "Referenz",
        "Zahlbar durch",
        "Währung",
        "Betrag",
        "Annahmestelle",
    ),
    "fr": (
        "Récépissé",
        "Section paiement",
        "Compte / Payable à",
        "Référence",
        "Payable par",
        "Monnaie",
        "Montant",
        "Point de dépôt",
    ),
    "it": (
        "Ricevuta",
        "Sezione pagamento",
        "Conto / Pagabile a",
        "Riferimento",
        "Pagabile da",
        "Valuta",
        "Importo",
        "Punto di accettazione",
    ),
    "en": (
        "Receipt",
        "Payment part",
        "Account / Payable to",
        "Reference",
        "Payable by",
        "Currency",
        "Amount",
        "Acceptance point",
    ),
}


def fake_qr(seed: int) -> str:
    r = random.Random(seed * 7 + 3)
    n, cell = 29, 4
    rects = []
    for y in range(n):
        for x in range(n):
            finder = (x < 7 and y < 7) or (x >= n - 7 and y < 7) or (x < 7 and y >= n - 7)
            if finder:
                ring = max(
                    abs(x % (n - 7) - 3 if x >= 7 else x - 3),
                    abs(y % (n - 7) - 3 if y >= 7 else y - 3),
                )
                on = ring != 2 and ring <= 3
            else:
                on = r.random() < 0.5
            if on:
                rects.append(
                    f'<rect x="{x * cell}" y="{y * cell}" width="{cell}" height="{cell}"/>'
                )
    c = n * cell // 2
    cross = (
        f'<rect x="{c - 12}" y="{c - 12}" width="24" height="24" fill="#000"/>'
        f'<rect x="{c - 3}" y="{c - 8}" width="6" height="16" fill="#fff"/>'
        f'<rect x="{c - 8}" y="{c - 3}" width="16" height="6" fill="#fff"/>'
    )
    size = n * cell
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="46mm" height="46mm" '
        f'viewBox="0 0 {size} {size}">{"".join(rects)}{cross}</svg>'
    )


def render_qrbill(doc: Doc) -> str:
    s = doc.seller
    t = QR_T.get(doc.lang, QR_T["en"])
    amount = fmt_num(doc.amount_due, "sv").replace(",", ".")
    acct = [group4(doc.iban), s.name, *s.lines]
    payer = [doc.buyer.name, *doc.buyer.lines]
    rcpt = (
        f'<div class="rcpt"><div class="qh">{t[0]}</div><div class="ql">{t[2]}</div>'
        f'{br(acct)}<div class="ql">{t[3]}</div>{esc(doc.pay_ref)}'
        f'<div class="ql">{t[4]}</div>{br(payer)}<div class="amt"><span><span class="ql">'
        f'{t[5]}</span><br>CHF</span><span><span class="ql">{t[6]}</span><br>{amount}'
        f'</span></div><div class="acc">{t[7]}</div></div>'
    )
    pay = (
        f'<div class="pay"><div class="qc"><div class="qh">{t[1]}</div>{fake_qr(doc.seed)}'
        f'<div class="amt"><span><span class="ql">{t[5]}</span><br>CHF</span><span>'
        f'<span class="ql">{t[6]}</span><br>{amount}</span></div></div><div class="qi">'
        f'<div class="ql">{t[2]}</div>{br(acct)}<div class="ql">{t[3]}</div>'
        f'{esc(doc.pay_ref)}<div class="ql">{t[4]}</div>{br(payer)}</div></div>'
    )
    head = (
        f'<div class="top"><div class="logo">{esc(s.name)}</div><div class="sa">'
        f"{br(s.lines)}<br>{esc(s.phone)}<br>{esc(s.vat_id)}</div></div>"
    )
    addr = (
        f'<div class="row"><div class="b">{party_html(doc, doc.buyer, contact_first=True)}'
        f"</div>{kv_table(head_rows(doc))}</div>"
    )
    body = (
        f"{head}{addr}<h1>{esc(title(doc))} {esc(doc.number)}</h1>"
        f"{items_table(doc, ('pos', 'desc', 'qty', 'price', 'vat', 'amount'))}"
        f"{totals_table(doc)}<div class='note'>{payment_text(doc)}</div>"
        f'<div class="qrbill">{rcpt}{pay}</div>'
    )
    css = """
@page { margin-bottom: 14mm; } .footer { display: none; }
.top { display: flex; justify-content: space-between; } .logo { font-size: 16pt;
  font-weight: bold; color: #b00; } .sa { font-size: 7.5pt; text-align: right; }
.row { display: flex; justify-content: space-between; margin: 14mm 0 6mm; } .b { width: 80mm; }
h1 { font-size: 13pt; }
.qrbill { break-before: page; margin-top: 158mm; border-top: 0.6pt dashed #000; display: flex;
  height: 100mm; font-family: "DejaVu Sans", sans-serif; font-size: 8pt; }
.rcpt { width: 52mm; padding: 4mm; border-right: 0.6pt dashed #000; font-size: 7pt; }
.pay { flex: 1; display: flex; padding: 4mm; } .qc { width: 52mm; } .qi { flex: 1; }
.qh { font-weight: bold; font-size: 10.5pt; margin-bottom: 3mm; }
.ql { font-weight: bold; font-size: 6.5pt; margin-top: 2mm; }
.amt { display: flex; gap: 6mm; margin-top: 3mm; } .acc { text-align: right; font-size: 6pt;
  font-weight: bold; margin-top: 6mm; }
"""
    return wrap(doc, css, body)


NORDIC_T = {
    "sv": ("Vår referens", "Betalningsvillkor", "dagar netto", "Bankgiro", "Plusgiro"),
    "no": ("Vår referanse", "Betalingsbetingelser", "dager netto", "Kontonummer", ""),
    "da": ("Vores reference", "Betalingsbetingelser", "dage netto", "Reg.nr./Konto", ""),
    "en": ("Our reference", "Terms of payment", "days net", "Bank account", ""),
}


def render_nordic(doc: Doc) -> str:
    s = doc.seller
    t = NORDIC_T.get(doc.lang, NORDIC_T["en"])
    r = random.Random(doc.seed + 11)
    acct = {
        "SE": f"{digits(r, 3)}-{digits(r, 4)}",
        "NO": f"{digits(r, 4)}.{digits(r, 2)}.{digits(r, 5)}",
        "DK": f"{digits(r, 4)} {digits(r, 10)}",
    }.get(doc.ctry.code, "")
    brand = doc.brand or s.name
    cells = head_rows(doc)
    cells.insert(2, (t[0], doc.directors[0]))
    cells.append((t[1], f"{doc.terms_days} {t[2]}"))
    grid = "".join(f'<div class="c"><div class="l">{esc(k)}</div>{esc(v)}</div>' for k, v in cells)
    ref_label = {"FI": "Viitenumero / Reference", "DK": "FI-kort"}.get(
        doc.ctry.code, doc.L("reference")
    )
    payrows = [(ref_label, doc.pay_ref)]
    if acct:
        payrows.append((t[3], acct))
    if doc.show_iban:
        payrows.append(("IBAN", group4(doc.iban)))
        payrows.append(("BIC", doc.bic))
    if doc.due:
        payrows.append((doc.L("due"), doc.date(doc.due)))
    payrows.append((doc.L("due_amount"), doc.money(doc.amount_due, "code")))
    paybox = "".join(
        f'<div class="c"><div class="l">{esc(k)}</div><b>{esc(v)}</b></div>' for k, v in payrows
    )
    body = (
        f'{footer_html(doc)}<div class="top"><div class="logo">{esc(brand)}</div>'
        f'<div class="t">{esc(title(doc).upper())}</div></div>'
        f'<div class="row"><div class="b">{party_html(doc, doc.buyer, country=True)}</div>'
        f'<div class="grid">{grid}</div></div>'
    )
    if doc.ship_to:
        body += (
            f'<p class="small">{esc(doc.L("ship_to"))}: {esc(doc.ship_to.name)}, '
            f"{esc(', '.join(doc.ship_to.lines))}</p>"
        )
    body += (
        f"{items_table(doc, ('code', 'desc', 'qty', 'unit', 'price', 'amount'))}"
        f"{totals_table(doc)}{payee_html(doc)}"
        f'<div class="paybox">{paybox}</div>'
    )
    if doc.reverse:
        body += f"<p>{esc(doc.L('rc'))}</p>"
    css = """
.top { display: flex; justify-content: space-between; align-items: baseline; }
.logo { font-size: 18pt; font-weight: bold; color: #0a4a7a; } .t { font-size: 18pt;
  letter-spacing: 2pt; } .row { display: flex; justify-content: space-between; margin: 10mm 0 4mm; }
.b { width: 80mm; padding-top: 8mm; } .grid { width: 85mm; display: flex; flex-wrap: wrap;
  border-top: 0.5pt solid #888; border-left: 0.5pt solid #888; }
.grid .c, .paybox .c { width: 50%; box-sizing: border-box; border-right: 0.5pt solid #888;
  border-bottom: 0.5pt solid #888; padding: 1.5pt 3pt; font-size: 8pt; }
.l { font-size: 6pt; color: #666; } .paybox { display: flex; flex-wrap: wrap; margin-top: 10mm;
  border: 1.2pt solid #0a4a7a; break-inside: avoid; } .paybox .c { width: 33.3%; }
"""
    return wrap(doc, css, body)


def render_benelux(doc: Doc) -> str:
    s = doc.seller
    brand = doc.brand or s.name
    top = (
        f'<div class="top"><div><div class="logo">{esc(brand)}</div>'
        f'<div class="small">{esc(s.name)} · {esc(", ".join(s.lines))}</div></div>'
        f'<div class="t">{esc(title(doc))}</div></div>'
    )
    left = f'<div class="b">{party_html(doc, doc.buyer, contact_first=rng_bool(doc, 1))}</div>'
    if doc.buyer.vat_id:
        left = left[:-6] + f"<br>{esc(doc.L('vat_id'))} {esc(doc.buyer.vat_id)}</div>"
    row = f'<div class="row">{left}{kv_table(head_rows(doc))}</div>'
    ship = ""
    if doc.ship_to:
        ship = (
            f'<div class="ship"><b>{esc(doc.L("ship_to"))}</b><br>'
            f"{party_html(doc, doc.ship_to)}</div>"
        )
    comm = ""
    if doc.pay_ref.startswith("+++"):
        comm = f'<div class="comm">Gestructureerde mededeling: <b>{esc(doc.pay_ref)}</b></div>'
    bottom = f'<div class="bottom"><div>{vat_table(doc)}</div>{totals_table(doc)}</div>'
    body = (
        f"{footer_html(doc)}{top}{row}{ship}"
        f"{items_table(doc, ('desc', 'qty', 'price', 'vat', 'amount'))}{bottom}{comm}"
        f"<div class='note'>{payment_text(doc)}</div>{payee_html(doc)}"
        f"<p>{esc(doc.L('thanks'))}</p>"
    )
    css = """
.top { display: flex; justify-content: space-between; border-bottom: 3pt solid #e8731a;
  padding-bottom: 4pt; } .logo { font-size: 20pt; font-weight: bold; color: #e8731a; }
.t { font-size: 20pt; color: #444; } .row { display: flex; justify-content: space-between;
  margin: 8mm 0 4mm; } .b { width: 80mm; } .ship { font-size: 8pt; margin-bottom: 4pt; }
.bottom { display: flex; justify-content: space-between; align-items: flex-start; }
.comm { border: 1pt solid #e8731a; padding: 4pt; margin-top: 8pt; width: 100mm; }
"""
    return wrap(doc, css, body)


def rng_bool(doc: Doc, salt: int) -> bool:
    return random.Random(doc.seed * 31 + salt).random() < 0.5


def render_ninja(doc: Doc) -> str:
    s = doc.seller
    brand = doc.brand or s.name
    top = (
        f'<div class="top"><div><div class="logo">{esc(brand)}</div>'
        f'<div class="sa">{br([s.name, *s.lines, s.email, s.phone])}'
        + (f"<br>VAT Reg. No. {esc(s.vat_id)}" if doc.ctry.code != "US" else "")
        + f'</div></div><div class="t">{esc(title(doc).upper())}</div></div>'
    )
    rows = head_rows(doc)
    rows.append(("Balance Due", doc.money(doc.amount_due, "sym")))
    bill = (
        f'<div class="col"><div class="h">BILL TO</div>'
        f"{party_html(doc, doc.buyer, contact_first=rng_bool(doc, 2), country=True)}</div>"
    )
    ship = ""
    if doc.ship_to:
        ship = f'<div class="col"><div class="h">SHIP TO</div>{party_html(doc, doc.ship_to)}</div>'
    rows_html = kv_table(rows, "kv meta")
    body = (
        f"{footer_html(doc)}{top}<div class='row'>{bill}{ship}{rows_html}</div>"
        f"{items_table(doc, ('desc', 'qty', 'price', 'amount'))}{totals_table(doc)}"
        f"<div class='note'><b>Terms</b><br>{payment_text(doc)}</div>"
        f"<p>{esc(doc.L('thanks'))}</p>"
    )
    css = """
body { font-family: "Noto Sans", sans-serif; } .top { display: flex;
  justify-content: space-between; } .logo { font-size: 20pt; font-weight: bold; color: #2b3a67; }
.sa { font-size: 7.5pt; color: #555; } .t { font-size: 24pt; color: #2b3a67; }
.row { display: flex; gap: 10mm; margin: 10mm 0 4mm; } .col { width: 55mm; }
.h { font-size: 7pt; color: #888; letter-spacing: 1pt; } .meta { margin-left: auto; }
table.items th { background: #2b3a67; color: #fff; border: none; }
table.totals tr.grand th, table.totals tr.grand td { background: #eef; }
"""
    return wrap(doc, css, body)


GRID_T = {
    "it": (
        "Spett.le",
        "Codice Fiscale",
        "Modalità di pagamento",
        "Bonifico bancario",
        "Capitale sociale i.v.",
    ),
    "es": ("Cliente", "CIF", "Forma de pago", "Transferencia bancaria", "Capital social"),
}


def render_grid(doc: Doc) -> str:
    s = doc.seller
    t = GRID_T.get(doc.lang, ("Customer", "Tax code", "Payment", "Bank transfer", "Capital"))
    head = (
        f'<div class="top"><div class="logo">{esc(s.name)}</div><div class="sa">'
        f"{br(s.lines)}<br>{esc(doc.L('vat_id'))} {esc(s.vat_id)}<br>{esc(s.email)}</div></div>"
    )
    cust = f'<td class="cust"><div class="l">{esc(t[0])}</div>{party_html(doc, doc.buyer)}'
    if doc.buyer.vat_id:
        cust += f"<br>{esc(doc.L('vat_id'))} {esc(doc.buyer.vat_id)}"
    cust += "</td>"
    rows = head_rows(doc)
    meta = "".join(f'<td><div class="l">{esc(k)}</div>{esc(v)}</td>' for k, v in rows[:3])
    meta2 = "".join(f'<td><div class="l">{esc(k)}</div>{esc(v)}</td>' for k, v in rows[3:6])
    grid = (
        f'<table class="grid"><tr><td colspan="3" class="doc">{esc(title(doc).upper())}</td>'
        f"{cust.replace('<td', '<td rowspan=3', 1)}</tr><tr>{meta}</tr>"
        f"<tr>{meta2 or '<td colspan=3></td>'}</tr></table>"
    )
    ship = ""
    if doc.ship_to:
        ship = (
            f'<p class="small">{esc(doc.L("ship_to"))}: {esc(doc.ship_to.name)}, '
            f"{esc(', '.join(doc.ship_to.lines))}</p>"
        )
    pay = (
        f'<table class="grid pay"><tr><td><div class="l">{esc(t[2])}</div>{esc(t[3])}'
        f"<br>{payment_text(doc)}</td><td><div class='l'>{esc(doc.L('bank'))}</div>"
        f"{br(bank_lines(doc))}</td></tr></table>"
    )
    body = (
        f"{footer_html(doc)}{head}{grid}{ship}"
        f"{items_table(doc, ('code', 'desc', 'unit', 'qty', 'price', 'vat', 'amount'))}"
        f'<div class="bottom">{vat_table(doc)}{totals_table(doc)}</div>{pay}{payee_html(doc)}'
    )
    css = """
body { font-family: "DejaVu Serif", serif; font-size: 8.2pt; }
.top { display: flex; justify-content: space-between; } .logo { font-size: 15pt;
  font-style: italic; font-weight: bold; } .sa { text-align: right; font-size: 7.5pt; }
table.grid { width: 100%; margin-top: 6mm; } table.grid td { border: 0.6pt solid #000;
  padding: 2pt 4pt; vertical-align: top; } .doc { font-size: 14pt; font-weight: bold; }
.cust { width: 80mm; } .l { font-size: 6pt; text-transform: uppercase; color: #444; }
table.items th, table.items td { border: 0.6pt solid #000; }
.bottom { display: flex; justify-content: space-between; align-items: flex-start; }
"""
    return wrap(doc, css, body)


RENDERERS = {
    "xrechnung": render_semantic,
    "peppol": render_semantic,
    "odoo": render_odoo,
    "din": render_din,
    "dolibarr": render_dolibarr,
    "qrbill": render_qrbill,
    "nordic": render_nordic,
    "benelux": render_benelux,
    "ninja": render_ninja,
    "grid": render_grid,
}


# --------------------------------------------------------------------------------------------


def parse_seeds(text: str) -> range:
    a, _, b = text.partition("-")
    return range(int(a), int(b or a) + 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--seeds", required=True, help="A-B, inclusive")
    ap.add_argument("--html", action="store_true", help="also write the HTML")
    args = ap.parse_args(argv)
    from weasyprint import HTML  # imported late: --help works without it

    args.out_dir.mkdir(parents=True, exist_ok=True)
    for seed in parse_seeds(args.seeds):
        doc = build(seed)
        page = RENDERERS[doc.family](doc)
        HTML(string=page).write_pdf(args.out_dir / f"{seed}.pdf")
        (args.out_dir / f"{seed}.json").write_text(
            json.dumps(labels(doc), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        if args.html:
            (args.out_dir / f"{seed}.html").write_text(page, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
