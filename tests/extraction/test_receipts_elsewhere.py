"""Receipts from the US, Canada, the UK, Ireland and Australia: conventions the corpus lacks."""

from __future__ import annotations

from decimal import Decimal

from extraction import TemplateSpec
from extraction.document import Document, Page, Word
from extraction.finders import find_fields
from extraction.finders.concepts import field_spec
from extraction.finders.fields import Finder, day_first_document
from extraction.finders.parties import ADDRESS_STOP, OWNER_LINE, clean_name
from extraction.finders.phrases import reads_as_phrase
from extraction.normalise import find_amounts, find_dates
from extraction.ranker import document_candidates
from extraction.ranker.address import (
    STREET_WORD,
    address_value,
    fix_address_words,
    settled_address,
    tail_cut,
    without_name,
)
from extraction.ranker.candidates import settled_company
from extraction.ranker.model import load_model
from extraction.ranker.totals import dollar_read_as_digit
from tests.extraction.receipt_images import ocr_page


def _candidates(lines: list[str], field: str) -> list[str]:
    specs = [field_spec(n, {"type": "string"}) for n in ("company", "address")] + [
        field_spec("total", {"type": "number"})
    ]
    return [str(c.value) for c in document_candidates(Finder(ocr_page(lines), specs))[field]]


def test_month_first_from_a_us_town_line_without_its_comma() -> None:
    assert not day_first_document(ocr_page(["SHOP", "Gurwhingford AR 63502", "DATE 09-07-2018"]))
    assert not day_first_document(ocr_page(["SHOP", "Boise ID 83702-1234", "09/07/2018"]))
    # a German postcode after its country code is followed by the town: no US address
    assert day_first_document(ocr_page(["SHOP", "Hafenweg 5, DE 40235 Dusseldorf", "09.07.2018"]))


def test_dollars_of_day_first_countries_keep_dates_day_first() -> None:
    # Australia writes dollars and day-first dates: its state and postcode, or its business number
    assert day_first_document(ocr_page(["SHOP", "PERTH WA 6000", "09/05/14", "TOTAL $5.00"]))
    assert day_first_document(ocr_page(["SHOP", "ABN 11 244 577 423", "09/05/14", "TOTAL $5.00"]))
    assert not day_first_document(ocr_page(["SHOP", "09/05/14", "TOTAL $5.00"]))


def test_euros_or_vat_named_in_another_language_keep_a_us_sellers_dates_day_first() -> None:
    us_seller = ["Hartbrook Supplies LLC", "832 Ashford Ave", "Ashfordton, NC 71244"]
    assert not day_first_document(ocr_page([*us_seller, "Datum 07.08.2021", "Summe 8.096,71"]))
    assert day_first_document(ocr_page([*us_seller, "Datum 07.08.2021", "Summe 8.096,71 €"]))
    assert day_first_document(ocr_page([*us_seller, "Datum 07.08.2021", "MwSt. 19 % 1.292,75"]))
    assert day_first_document(ocr_page([*us_seller, "Date 07/08/2021", "TVA 20 % 12,00"]))


def test_month_first_from_a_north_american_phone_number() -> None:
    assert not day_first_document(
        ocr_page(["SHOP", "Tel (217) 555-0199", "09/05/14", "TOTAL 5.00"])
    )
    assert not day_first_document(ocr_page(["SHOP", "217.555.0199", "09/05/14", "TOTAL 5.00"]))
    assert day_first_document(ocr_page(["SHOP", "Tel 03-5523 5454", "09/05/14", "TOTAL 5.00"]))


def test_a_trunk_prefix_or_a_country_domain_keeps_a_dollar_receipts_dates_day_first() -> None:
    # New Zealand and Australia write dollars and day-first dates; their phone numbers start
    # with a 0 in brackets (no North American area code does), their shops' sites end in .nz/.au
    slip = ["ORLA FOOD CO-OP", "331 HICKORY RD, PEMLEY, MARMORE 9426", "07/09/2017 12:32"]
    assert not day_first_document(ocr_page([*slip, "AMOUNT $249.01"]))
    assert day_first_document(ocr_page([*slip, "(03) 363 9870", "AMOUNT $249.01"]))
    assert day_first_document(ocr_page([*slip, "www.orlafoodcoop.co.nz", "AMOUNT $249.01"]))
    assert day_first_document(ocr_page([*slip, "orders@orlafood.com.au", "AMOUNT $249.01"]))
    # their currency's code, a New Zealand GST number
    assert day_first_document(ocr_page([*slip, "PURCHASE NZD $249.01"]))
    assert day_first_document(ocr_page([*slip, "GST No: 781-769-517", "AMOUNT $249.01"]))
    # an item's quantity in brackets and a .com site say nothing
    assert not day_first_document(ocr_page([*slip, "(01) 5.00", "AMOUNT $249.01"]))
    assert not day_first_document(ocr_page([*slip, "www.orlafood.com", "AMOUNT $249.01"]))
    assert not day_first_document(ocr_page([*slip, "PURCHASE USD $249.01", "v1.2.3"]))


def test_a_labelled_phone_line_under_a_town_without_a_state_is_no_part_of_the_address(
    receipt: TemplateSpec,
) -> None:
    for phone in ("T: (04) 222 9549", "PH 07-512 3562"):
        lines = [
            "TANSY FUEL STOP",
            "Store #2349",
            "64 UNION RD, OAKBURY, PINEVIEW 6982",
            phone,
            "GST No: 693-128-157",
            "03.03.20 16:32",
            "FUEL SALE 127.19",
            "Total to Pay $127.19",
        ]
        assert not any(phone in c for c in _candidates(lines, "address")), phone
        assert find_fields(ocr_page(lines), receipt)["address"].value == (
            "64 UNION RD, OAKBURY, PINEVIEW 6982"
        )


def test_a_dollar_sign_read_as_s_before_an_amount(receipt: TemplateSpec) -> None:
    assert [a[0] for a in find_amounts("AMOUNT DUE S187.92")] == [find_amounts("187.92")[0][0]]
    assert find_amounts("SR 5") == [(find_amounts("5")[0][0], 3, 4, False)]  # a tax code stays
    # an Australian or Canadian dollar's '$' read as 'S' after its letter ('A$21.71' -> 'AS21.71')
    for text in ("Grand Total AS21.71", "TOTAL CS21.71"):
        assert [a[0] for a in find_amounts(text)] == [find_amounts("21.71")[0][0]], text
    assert find_amounts("CLASS21.71") == find_amounts("BS21.71") == []  # a word's end, a code
    doc = ocr_page(
        [
            "CORNER MARKET",
            "Milk 49.86",
            "SUB TOTAL $166.30",
            "SALES TAX $21.62",
            "AMOUNT DUE S187.92",
            "CASH S187.92",
            "CHANGE $0.00",
        ]
    )
    assert find_fields(doc, receipt)["total"].value == 187.92


def test_phone_between_the_street_and_the_town_line(receipt: TemplateSpec) -> None:
    lines = [
        "Corner Stone Books",
        "8838 E Peallpund Hwy",
        "Ph 342.417.9018",
        "Yierdcerdwood IL 25224",
        "05/18/2018 14:02",
        "Magazine 12.00",
        "TOTAL 12.00",
    ]
    assert "8838 E Peallpund Hwy Yierdcerdwood IL 25224" in _candidates(lines, "address")
    assert find_fields(ocr_page(lines), receipt)["address"].value == (
        "8838 E Peallpund Hwy Yierdcerdwood IL 25224"
    )


def test_a_phone_line_after_the_town_line_ends_the_address() -> None:
    cands = _candidates(
        ["HAPPY OWL PUB", "1147 CLEAX PIKE", "DRAMCLUXBURY, UT 69532", "T. (522) 897-4655"],
        "address",
    )
    assert "1147 CLEAX PIKE DRAMCLUXBURY, UT 69532" in cands
    assert not any("897-4655" in c for c in cands)


def test_a_dated_line_is_never_part_of_an_address() -> None:
    # the town line's postcode cut off by the paper's edge, a transaction line under the phone
    lines = [
        "G&R Outfitters",
        "STORE 2697",
        "47 SYCHOAS BOULEVARD, CHOUCLON PARK TX 656",
        "PHONE 918.628.8558",
        "TRANS# 89092 THU May 13, 2021 20:28:00",
        "CARD 26.07",
    ]
    cands = _candidates(lines, "address")
    assert "47 SYCHOAS BOULEVARD, CHOUCLON PARK TX 656" in cands
    assert not any("TRANS" in c or "2021" in c for c in cands)


def test_a_phone_line_whose_labels_colon_was_read_as_a_letter_is_no_part_of_the_address(
    receipt: TemplateSpec,
) -> None:
    doc = ocr_page(
        [
            "HOUCLAISFIELD COFFEE CO",
            "Calle Flockdzoussa 79",
            "Telt +34 19 3404 0386",
            "28788 Whasquirdhaven",
            "TRANS# 90680 25.05.2017 8:21 PM",
            "YOGURT 44,94",
            "TOTAL 44,94",
        ]
    )
    address = find_fields(doc, receipt)["address"].value
    assert address == "Calle Flockdzoussa 79 28788 Whasquirdhaven"


def test_zip_plus_four_is_no_phone_number_and_canadian_postcodes_are_respelled() -> None:
    assert tail_cut("CHULLPORT NM 92814-9319") is None
    assert tail_cut("Springfield, IL 62704 (217) 555-0199") == "Springfield, IL 62704"
    assert address_value(["Grengreeston, NS CIB 0L6"], "ocr") == "Grengreeston, NS C1B 0L6"
    assert address_value(["NIERTREMBY, NS D2F OEO"], "ocr") == "NIERTREMBY, NS D2F 0E0"
    assert address_value(["6903 LEENG TERRACE ECO 4RG"], "ocr") == "6903 LEENG TERRACE EC0 4RG"
    assert address_value(["611 WHOURD PLACE LO OWU"], "ocr") == "611 WHOURD PLACE L0 0WU"
    assert address_value(["1 HIGH STREET SW1A 2BB"], "ocr") == "1 HIGH STREET SW1A 2BB"


def test_store_number_and_town_lines_are_no_shop_name() -> None:
    # the last as OCR reads 'Store No. 185' with a space before its dot
    for store in ("Store #3582", "Store No. 185", "Store No . 185", "store $3998"):
        lines = ["MAPLE RIVER SUPPLY", store, "2626 Oak Road", "CHIRTPORT, NV 89101"]
        cands = _candidates(lines, "company")
        assert "MAPLE RIVER SUPPLY" in cands
        assert not any(c.startswith("MAPLE RIVER SUPPLY S") or "CHIRTPORT" in c for c in cands)
    assert not any(
        "KROUR" in c for c in _candidates(["THE OWL", "PRILGREACKWOOD, CO. KROUR"], "company")
    )
    assert not any(
        "PERTH" in c for c in _candidates(["THE OWL", "1 Hay St", "PERTH WA 6000"], "company")
    )


def test_company_number_label_after_a_name() -> None:
    assert clean_name("HASHA PETROKIOSK Company No: JM0032980-V") == "HASHA PETROKIOSK"
    assert clean_name("ABC TRADING COMPANY (12345-X)") == "ABC TRADING COMPANY"


def test_prices_of_a_leaning_photo_stay_on_their_item_lines() -> None:
    """Each printed line leans 3 px down per 100 px right: the price at the right end of an item
    line sits lower than the next line's start, and the OCR reads it as its own detection."""
    rows = [("Milk", "4.99"), ("Bread", "2.49"), ("Eggs", "3.19"), ("Soap", "1.99")]
    rows += [("Tape", "5.00"), ("Gum", "0.99"), ("SUBTOTAL", "18.65"), ("TOTAL", "18.65")]
    words = []
    for i, (name, price) in enumerate(rows):
        y = 30.0 + 30 * i
        for k, part in enumerate(("Item", name, "x1")):  # one detection, read word by word
            x = 40.0 + 70 * k
            words.append(Word(part, x, y + 0.03 * x, x + 60, y + 20 + 0.03 * x))
        x = 600.0
        words.append(Word(price, x, y + 0.03 * x, x + 60, y + 20 + 0.03 * x))
    page = Page(1, 700.0, 400.0, words, source="ocr")
    page.build_lines()
    assert [ln.text.split()[-1] for ln in page.lines] == [p for _n, p in rows]
    doc = Document([page], "image")
    assert doc.pages[0].lines[-1].text.startswith("Item TOTAL")


def test_a_founding_year_line_is_no_name_and_no_address() -> None:
    lines = ["STALL GARDEN CENTER", "Est. 1973", "2 Cloungret Avenue", "Singapore 118948"]
    assert not any("1973" in c for c in _candidates(lines, "company"))
    assert not any("1973" in c for c in _candidates(lines, "address"))
    assert "2 Cloungret Avenue Singapore 118948" in _candidates(lines, "address")


def test_a_founding_year_after_a_few_words_is_no_name() -> None:
    lines = ["Serving Blawick since 2005", "Hollin's Cleaners", "12 Oak Ln", "HORDBY, SD 99600"]
    cands = _candidates(lines, "company")
    assert "Hollin's Cleaners" in cands
    assert not any("2005" in c for c in cands)
    assert not any("2005" in c for c in _candidates(lines, "address"))


def test_a_store_number_line_is_no_part_of_the_address() -> None:
    lines = ["CORNER DELI", "store $1310", "3157 Quarry Parade", "Leeford AS56 0MH"]  # '#' as '$'
    assert not any("1310" in c for c in _candidates(lines, "address"))
    lines = ["CORNER DELI", "Store #1310", "3157 Quarry Parade", "Leeford AS56 0MH"]
    cands = _candidates(lines, "address")
    assert "3157 Quarry Parade Leeford AS56 0MH" in cands
    assert not any("1310" in c for c in cands)
    # an Australian shop number is part of the address
    shop = _candidates(["THE OWL", "Shop 12", "100 George St", "SYDNEY NSW 2000"], "address")
    assert "Shop 12 100 George St SYDNEY NSW 2000" in shop
    # a store number alone under a US town line: no suite of the address
    under = _candidates(
        ["Thornview Tacos", "422 E Hill St", "Wolfbrook PA 18176", "#142"], "address"
    )
    assert "422 E Hill St Wolfbrook PA 18176" in under
    assert not any("#142" in c for c in under)


def test_a_uk_postcode_read_with_the_letter_o_ends_the_address() -> None:
    # the 0 of 'WP0' and of '0MH' read as O: still a postcode, so the phone line ends the address
    for town in ("CLAYHAM WPO 8YB", "Leeford AS56 OMH"):
        cands = _candidates(["CORNER DELI", "23 Flint Row", town, "Ph 0188 065 5822"], "address")
        assert not any(f"{town.split()[-1]} Ph" in c for c in cands), town
    assert address_value(["23 Flint Row CLAYHAM WPO 8YB"], "ocr") == "23 Flint Row CLAYHAM WP0 8YB"


def test_a_phone_line_between_the_post_town_and_the_postcode(receipt: TemplateSpec) -> None:
    lines = ["CORNER BUTCHER", "1190 HIGH ROAD", "GOAVILLE", "T. 07574 245380", "CB10 2NJ"]
    assert "1190 HIGH ROAD GOAVILLE CB10 2NJ" in _candidates(lines, "address")
    # UK street types ('Parade', 'Gardens'), a manager after the phone number, and a postcode
    # read with a letter for its digit ('KIB 4UY')
    lines = [
        "N&X MART",
        "1219 Troackzeack Parade",
        "Quoundpoanville",
        "T. 07482 849331 Mgr: FAND",
        "Zeengsybrook CR2D 4KK",
        "TRANS# 5131 MON 23/12/19 21:11:16",
    ]
    assert "1219 Troackzeack Parade Quoundpoanville Zeengsybrook CR2D 4KK" in _candidates(
        lines, "address"
    )
    lines = [
        "YEANKO'S",
        "6835 TROURTDRUTHCLEE GARDENS",
        "KIRTBURG",
        "Tel: 0235 203 9677",
        "KIB 4UY",
        "VAT No: DE263298492",
    ]
    assert "6835 TROURTDRUTHCLEE GARDENS KIRTBURG K1B 4UY" in _candidates(lines, "address")
    # a name line over a town is no street: nothing is moved
    lines = ["CORNER BUTCHER", "GOAVILLE", "T. 07574 245380", "CB10 2NJ"]
    assert not any("CORNER BUTCHER GOAVILLE CB10" in c for c in _candidates(lines, "address"))


def test_manager_on_the_phone_line_and_the_register_line_end_the_address() -> None:
    lines = [
        "GRAND BEAR NOODLE HOUSE",
        "555 Ferttrout Street",
        "PHONE (634) 537-7159 Store Mgr BRY",
        "Springfield, IL 62704",
        "ST# 2740 OP# 00773 TE# 16 TR# 53339",
        "Noodles 12.00",
    ]
    cands = _candidates(lines, "address")
    assert "555 Ferttrout Street Springfield, IL 62704" in cands
    assert not any("ST# 2740" in c or "Mgr" in c for c in cands)
    assert not any("537-7159" in c for c in _candidates(lines, "company"))
    # the manager's name with a letter read as a digit ('2ITH' for 'ZITH')
    lines[2] = "Ph 757-336-5119 Mgr: 2ITH"
    cands = _candidates(lines, "address")
    assert "555 Ferttrout Street Springfield, IL 62704" in cands
    assert not any("2ITH" in c for c in cands)


def test_an_address_runs_to_its_town_line() -> None:
    street = "2339 Prenyeamyiem Hwy"
    towns = (
        "SOATMONT VIC 3494",
        "Grengreeston, NS CIB 0L6",
        "15096 STULLHURST",
        "LO OWU",
        "81750 Bruhmoor Jaya, Kelstan.",
    )
    for town in (*towns, "R57 V6V3"):
        values = [street, f"{street} {town}", f"{street} {town} Ph 0421"]
        assert settled_address(0, values, "") == 1
    # an address that holds its postcode, or a next line that is no town line, stays as chosen
    held = ["12 Jalan Besar 81100 Johor", "12 Jalan Besar 81100 Johor Tel 07"]
    assert settled_address(0, held, "") == 0
    other = [street, f"{street} Ph 0421 249 837"]
    assert settled_address(0, other, "") == 0


def test_an_address_starts_with_its_house_number_printed_alone_above_it() -> None:
    rest = "Jln Vemari 1/6, Bandar Vemari, 47100 Kelang, Selangor"
    for number in ("No.1,", "NO: 12", "No 7A", "12,", "41-1,"):
        values = [rest, f"{number} {rest}", f"SHOP {number} {rest}"]
        assert settled_address(0, values, "") == 1
    # a number without 'No' or a comma is no house number (a store or a table number)
    assert settled_address(0, [rest, f"1420 {rest}"], "") == 0


def test_a_town_line_alone_takes_the_street_above_it_but_not_the_shop_name() -> None:
    town = "15000 KARIMET"
    values = [town, f"AUTOROUTE SALE FES {town}", f"RELAIS OULDA AUTOROUTE SALE FES {town}"]
    assert settled_address(0, values, "RELAIS OULDA") == 1
    assert settled_address(0, [town, f"RELAIS OULDA {town}"], "RELAIS OULDA") == 0
    assert settled_address(1, values, "RELAIS OULDA") == 1


def test_a_dollar_sign_read_as_a_digit_before_the_total(receipt: TemplateSpec) -> None:
    lines = [
        "CORNER MARKET",
        "1450 Maple Street",
        "Springfield, IL 62704",
        "SUBTOTAL $304.87",
        "TAX $30.49",
        "Total Due 5 335.36",
        "Cash $355.00",
        "CHANGE DUE $19.64",
    ]
    assert find_fields(ocr_page(lines), receipt)["total"].value == 335.36
    # a total in the thousands that nothing else confirms stays as read
    lines = ["CORNER MARKET", "SUBTOTAL 5,335.36", "TOTAL 5,335.36", "VISA 5,335.36"]
    assert find_fields(ocr_page(lines), receipt)["total"].value == 5335.36
    # a total line printing the rest behind its '$' confirms it
    fuel = ["ZEPHYR PETROLEUM", "6870 Ashby RD", "Bayfield TN 38090", "Fuel Total 564.82",
            "TOTAL USD $64.82", "Cash 580.00", "Change Due S15.18"]  # fmt: skip
    assert dollar_read_as_digit(Decimal("564.82"), ocr_page(fuel).lines, None) == Decimal("64.82")
    assert dollar_read_as_digit(Decimal("564.82"), ocr_page(fuel[:4]).lines, None) == Decimal(
        "564.82"
    )
    # a subtotal and two tax lines (state and local) make the rest
    grill = ["OKARA GRILL", "Sub Total s40.90", "State Tax $1.64", "Local Tax s1.43",
             "TOTAL DUE 543.97"]  # fmt: skip
    assert dollar_read_as_digit(Decimal("543.97"), ocr_page(grill).lines, None) == Decimal("43.97")
    assert dollar_read_as_digit(Decimal("543.97"), ocr_page(grill[:3] + grill[4:]).lines, None) == (
        Decimal("543.97")
    )
    # cash and change with their marks misread too: without them they make the rest
    tacos = ["TACO STOP", "SCREWS 113.79 N", "Total Due 5183.48", "Cash 5203.00",
             "CHANGE DUE 519.52"]  # fmt: skip
    assert dollar_read_as_digit(Decimal("5183.48"), ocr_page(tacos).lines, None) == Decimal(
        "183.48"
    )
    # ... but not when cash and change as printed make the total as printed
    paid = ["TACO STOP", "Total Due 583.48", "Cash 600.00", "CHANGE DUE 16.52"]
    assert dollar_read_as_digit(Decimal("583.48"), ocr_page(paid).lines, None) == Decimal("583.48")


def test_the_shop_name_is_no_part_of_its_address() -> None:
    lines = ["E&R HOME CENTER", "9149 Taickfourt Avenue, Koatlumchester NE 71896", "TOTAL 5.00"]
    specs = [field_spec(n, {"type": "string"}) for n in ("company", "address")]
    cands = document_candidates(Finder(ocr_page(lines), specs))
    model = load_model()
    assert model is not None
    company = max(cands["company"], key=lambda c: model.fields["company"].score(c.features))
    assert company.value == "E&R HOME CENTER"
    street = "9149 Taickfourt Avenue, Koatlumchester NE 71896"
    values = [f"E&R HOME CENTER {street}", street]
    assert settled_address(0, values, str(company.value)) == 1
    assert settled_address(1, values, str(company.value)) == 1
    assert settled_address(0, values, "CORNER MARKET") == 0
    # a slogan between the name and the street starts no address: the street's candidate is it
    town = "7026 Quarry Drive Clayley, AZ 85768"
    values = [f"Little Compass Building Supply Great Value Every Day {town}", town]
    assert settled_address(0, values, "Little Compass Building Supply") == 1
    # a branch's area printed between them is part of the address as printed
    street = "30, Jln Kebudayaan 7, Tmn Universiti 81300 Skudai, Johor"
    values = [f"KEDAI ROTI MAJU TAMAN UNIVERSITI {street}", street]
    assert without_name(values[0], values, "KEDAI ROTI MAJU") is None


def test_a_phone_line_after_a_singapore_postcode_ends_the_address() -> None:
    sg = ["CHYLLMONT TEA HOUSE", "338 Kroxgrulvis Drive", "SINGAPORE 145148", "T. 6272 8059"]
    assert not any("145148 T" in c for c in _candidates(sg, "address"))


def test_a_slogan_reads_as_a_phrase_and_a_name_does_not() -> None:
    for slogan in (
        "Save money. Live better.",
        "Where Neighbours Meet",
        "Your Friendly Local Market",
        "Bread You Can Count On",
        "Baked Fresh, Served Warm",
        "Locally Owned and Operated",
    ):
        assert reads_as_phrase(slogan), slogan
    for name in (
        "Golden Harbor Bakery",  # common words, but no grammar of a phrase
        "Joe's Diner",  # a possessive
        "B&K MARKET",  # initials
        "Quorbelt Outfitters",  # a rare word
        "WE CARE PHARMACY SDN BHD",  # a legal form
        "Store 4411",
    ):
        assert not reads_as_phrase(name), name


def test_a_slogan_beside_the_name_is_no_company(receipt: TemplateSpec) -> None:
    # a motto printed above the name, and one printed below it, in the name's size
    for top, name, slogan in (
        (["Where Neighbours Meet", "Quorbelt Outfitters"], "Quorbelt Outfitters", "Neighbours"),
        (["GRENVALE HOME SUPPLY", "Your Friendly Local Store"], "GRENVALE HOME SUPPLY", "Friendly"),
        (["Welcome to", "Good Food Good Mood", "** K&H Grill **"], "K&H Grill", "Mood"),
    ):
        lines = [*top, "STORE 1787", "18 Elm St", "Pasadena, CA 91101", "05/18/2018 14:02"]
        lines += ["Rope 12.00", "TOTAL 12.00"]
        cands = _candidates(lines, "company")
        assert name in cands
        assert not any(slogan in c for c in cands), cands
        assert find_fields(ocr_page(lines), receipt)["company"].value == name
        rules = find_fields(ocr_page(lines), receipt, use_ranker=False)["company"].value
        assert slogan not in rules, rules
    # a phrase with no other name near it stays a candidate: it may be the shop's own name
    assert "We Fix Bikes" in _candidates(["We Fix Bikes", "18 Elm St", "TOTAL 5.00"], "company")


def test_a_printed_weekday_tells_the_order_of_day_and_month(receipt: TemplateSpec) -> None:
    # 11/09/19 is a Wednesday read day first, a Saturday read month first
    assert [d.isoformat() for d, _s, _e in find_dates("DATE WED 11/09/19", day_first=False)] == [
        "2019-09-11"
    ]
    assert [d.isoformat() for d, _s, _e in find_dates("Sat 11/09/2019")] == ["2019-11-09"]
    # no weekday, or two of them: the document's order stands
    assert [d.isoformat() for d, _s, _e in find_dates("11/09/19", day_first=False)] == [
        "2019-11-09"
    ]
    assert [d.isoformat() for d, _s, _e in find_dates("SALMON 03/04/2023")] == ["2023-04-03"]
    lines = ["CORNER DELI", "12 Oak Ln", "Boise, ID 83702", "DATE WED 07/02/24", "TOTAL $5.00"]
    assert find_fields(ocr_page(lines), receipt)["date"].value == "2024-02-07"


def test_a_month_name_date_glued_to_its_time() -> None:
    found = find_dates("TRANS# 86366   26-Nov-1418:30")
    assert [d.isoformat() for d, _s, _e in found] == ["2014-11-26"]
    assert [d.isoformat() for d, _s, _e in find_dates("26-Nov-201810:30")] == ["2018-11-26"]


def test_dollar_signs_read_as_fives_are_told_by_subtotal_and_tax(receipt: TemplateSpec) -> None:
    head = ["CORNER DELI", "12 Oak Ln", "Boise, ID 83702", "05/18/2018 14:02", "Salad 15.60"]
    # every '$' of the summary read as a 5: 15.60 + 0.94 = 16.54
    lines = head + ["Subtotal 515.60", "Sales Tax 50.94", "Total 516.54"]
    assert find_fields(ocr_page(lines), receipt)["total"].value == 16.54
    # a subtotal printed with its '$' keeps its digits: 37.37 + 2.24 = 39.61
    lines = head + ["SUB TOTAL $37.37", "STATE TAX 52.24", "TOTAL 539.61"]
    assert find_fields(ocr_page(lines), receipt)["total"].value == 39.61
    # a real total of 516.54 whose subtotal and tax add up to it stays
    lines = head + ["Subtotal 510.00", "Sales Tax 6.54", "Total 516.54"]
    assert find_fields(ocr_page(lines), receipt)["total"].value == 516.54
    # a '$' read as an 's' glued to the tax: 144.39 + 0.94 = 145.33
    lines = head + ["Sub-total $144.39", "Sales Tax s0.94", "Amount Due 5145.33"]
    assert find_fields(ocr_page(lines), receipt)["total"].value == 145.33
    # only the total's '$' read as a 5: subtotal and tax as printed make 15.76
    lines = head + ["Sub-Total 13.95", "Tax 1.81", "TOTAL 515.76", "Visa 515.76"]
    assert find_fields(ocr_page(lines), receipt)["total"].value == 15.76
    # the subtotal's and the total's '$' read as 5s, the tax's kept: the printed amounts add up
    # as well (541.71 + 2.92 = 544.63), the items above the subtotal tell (18.97 + 22.74 = 41.71)
    items = ["SALAD 18.97", "COFFEE 22.74"]
    summary = ["SUB TOTAL 541.71", "SALES TAX $2.92", "TOTAL 544.63", "Visa Sale 544.63"]
    assert find_fields(ocr_page(head[:4] + items + summary), receipt)["total"].value == 44.63
    # ... and items that make the printed subtotal keep the printed total
    items = ["TV 400.00", "CABLE 141.71"]
    assert find_fields(ocr_page(head[:4] + items + summary), receipt)["total"].value == 544.63


def test_codes_of_an_address_read_with_letters_for_digits() -> None:
    assert address_value(["Cleberg, 0K 34096"], "ocr") == "Cleberg, OK 34096"
    assert address_value(["Rome, 0N 12345"], "ocr") == "Rome, 0N 12345"  # no such state
    assert address_value(["Harwell, IX 77911"], "ocr") == "Harwell, TX 77911"  # I for T
    assert address_value(["Rome, 1N 12345"], "ocr") == "Rome, IN 12345"  # 1 for I
    assert address_value(["Rome, 1A 12345"], "ocr") == "Rome, 1A 12345"  # IA or LA: left
    assert address_value(["Dover, IA 19901"], "ocr") == "Dover, IA 19901"  # a state as read
    assert address_value(["12 Elm St FEANW00D, IN 85933"], "ocr") == "12 Elm St FEANWOOD, IN 85933"
    assert address_value(["Ottawa, ON K0A 1B0"], "ocr") == "Ottawa, ON K0A 1B0"
    # a Canadian province before its postcode, with the same confusions ('0N' stays for a ZIP)
    assert address_value(["GOTHCOARDBY, 5K B7C 3J6"], "ocr") == "GOTHCOARDBY, SK B7C 3J6"
    assert address_value(["Ottawa, 0N K0A 1B0"], "ocr") == "Ottawa, ON K0A 1B0"
    # a Canadian postcode's letters and digits by their place (letter, digit, letter, ...)
    assert address_value(["KRENGBERG, ON Y3K 758"], "ocr") == "KRENGBERG, ON Y3K 7S8"
    assert address_value(["Fyhurst, PE T6X 6W4"], "ocr") == "Fyhurst, PE T6X 6W4"
    assert address_value(["Regina, SK 54P 2B6"], "ocr") == "Regina, SK S4P 2B6"
    # an Eircode's last four characters hold no I, L, O, S, B, G or Z
    assert address_value(["Feahaven, Co. Triet X94 VIF6"], "ocr") == "Feahaven, Co. Triet X94 V1F6"
    assert address_value(["Naas D22 F5JO"], "ocr") == "Naas D22 F5J0"
    assert address_value(["Unit A12 BLDG"], "ocr") == "Unit A12 BLDG"  # no digit: no Eircode
    # a UK outward code with a 1 read as L, which is no Malaysian block ('BLK') either
    assert address_value(["6708 HIGH STREET BLK 4LC"], "ocr") == "6708 HIGH STREET B1K 4LC"
    assert address_value(["NEW HALL LIT"], "ocr") == "NEW HALL LIT"


def test_a_widely_spaced_name_read_as_two_boxes_is_one_name(receipt: TemplateSpec) -> None:
    tail = ["T: (667) 964-4869", "3597 E WHITMORE DRIVE", "PEMLEY, WA 99477", "TOTAL $12.00"]
    found = find_fields(ocr_page(["THE OLD\tEMBER", *tail]), receipt)
    assert found["company"].value == "THE OLD EMBER"
    # a name beside a word of another case, or a number, stays alone
    found = find_fields(ocr_page(["THE OLD EMBER\tReceipt", *tail]), receipt)
    assert found["company"].value == "THE OLD EMBER"
    found = find_fields(ocr_page(["THE OLD EMBER\t#4887", *tail]), receipt)
    assert found["company"].value == "THE OLD EMBER"


def test_a_units_hash_read_as_a_star() -> None:
    value = "646 WEA ROAD *08-191 LEACKVIER CENTRE SINGAPORE 274607"
    assert address_value([value], "ocr") == value.replace("*", "#")
    assert address_value(["12 MAIN ST **08-191"], "ocr") == "12 MAIN ST **08-191"
    assert address_value(["LOT 5*2-3 JALAN"], "ocr") == "LOT 5*2-3 JALAN"  # no unit: glued


def test_an_eircode_line_ends_an_irish_address() -> None:
    lines = [
        "CORNER MARKET",
        "6413 Main Road",
        "Ballina, Co. Mayo",
        "PHONE 01 995 5309",
        "F26 X2K4",
    ]
    cands = _candidates(lines, "address")
    assert "6413 Main Road Ballina, Co. Mayo F26 X2K4" in cands
    assert not any("F26 X2K4 PHONE" in c or ("5309" in c and "Road" in c) for c in cands)


def test_ornaments_around_a_name_are_no_part_of_it() -> None:
    lines = ["★ PRAIL EMPORIUM ★女★", "12 Oak Ln", "Boise, ID 83702", "05/18/2018 14:02"]
    lines += [f"Item number {n} of the order 1.00" for n in range(1, 9)] + ["TOTAL 8.00"]
    cands = _candidates(lines, "company")
    assert "PRAIL EMPORIUM" in cands
    assert not any("★" in c or "女" in c for c in cands)


def test_place_register_and_singapore_lines_as_ocr_reads_them() -> None:
    assert fix_address_words("1290 Gabriel P1 #714")[0] == "1290 Gabriel Pl #714"
    assert fix_address_words("7354 S ELM PI, CLIXBURG")[0] == "7354 S ELM PL, CLIXBURG"
    # a register line read with '*' for '#' ends the address
    lines = ["CORNER DELI", "8456 W Elm Ct", "Wiesburg OK 15554", "ST* 3985 OP* 00743 TE 02"]
    assert not any("3985" in c for c in _candidates(lines, "address"))
    # a phone line between a mall line and the Singapore postcode line
    lines = [
        "CORNER DELI",
        "840 Bird Drive",
        "#12-180 Prail Centre",
        "Ph 6026 7203",
        "Singapore 527321",
    ]
    assert "840 Bird Drive #12-180 Prail Centre Singapore 527321" in _candidates(lines, "address")


def test_us_till_layouts_slogan_spaced_phone_and_manager(receipt: TemplateSpec) -> None:
    lines = [
        "Bramblemart",
        "Save money. Live better.",
        "( 479 ) 273 - 0023",
        "Manager DIANA EARNEST",
        "2110 W WALNUT",
        "ROGERS AR 72756",
        "ST# 05483 OP# 009044 TE# 44 TR# 01301",
        "BREAD 007225003712 F 2.88 N",
        "SUBTOTAL 2.88",
        "TAX 1 7.250 % 0.21",
        "TOTAL 3.09",
        "05/27/19 19:56:19",
    ]
    found = find_fields(ocr_page(lines), receipt)
    assert found["address"].value == "2110 W WALNUT ROGERS AR 72756"
    cands = _candidates(lines, "address")
    assert not any(c.startswith(("Save", "( 479", "Manager")) for c in cands)


def test_store_and_site_numbers_around_a_us_address(receipt: TemplateSpec) -> None:
    lines = ["Quill", "QUILL OIL 57442653802", "5020 N LINCOLN AVE", "CHICAGO IL 60625", "PUMP# 6"]
    assert not any("57442653802" in c for c in _candidates(lines, "address"))
    lines = ["Fernway", "#04532 1200 N STATE ST", "CHICAGO, IL 60610", "312-555-0188"]
    assert "1200 N STATE ST CHICAGO, IL 60610" in _candidates(lines, "address")
    assert clean_name("BEANERY Store #10230") == "BEANERY"
    names = _candidates(["Hal's Burgers", "Restaurant #12345", "4500 Sunset Blvd"], "company")
    assert "Hal's Burgers" in names and not any("Restaurant" in n for n in names)


def test_english_street_words_start_a_word() -> None:
    from extraction.finders.parties import ADDRESS_WORD

    for text in ("Save money", "Best. Coffee", "Pilot Cafe", "Trivia Night", "Airplane Bar"):
        assert not ADDRESS_WORD.search(text), text
    for text in ("Oak Ave", "12 Elm St.", "Bahnhofstraße", "JALANBESAR", "Rue de Rivoli"):
        assert ADDRESS_WORD.search(text), text


def test_a_store_number_after_the_name_or_above_the_street(receipt: TemplateSpec) -> None:
    lines = [
        "SPEEDY FUEL #4412",
        "980 HWY 45 N",
        "MERIDIAN, MS 39301",
        "PUMP 03",
        "Mar 12 '19 7:05 AM",
    ]
    lines += ["UNLEADED 9.12 GAL @ 2.299", "TOTAL $20.97"]
    found = find_fields(ocr_page(lines), receipt)
    assert found["company"].value == "SPEEDY FUEL"
    assert found["date"].value == "2019-03-12"  # a year after an apostrophe
    lines = ["Garden Kitchen", "#1420", "3500 Park Ave", "Memphis, TN 38111", "Total 39.86"]
    assert not any(c.startswith("#1420") for c in _candidates(lines, "address"))
    # a suite number below the street line is part of the address
    lines = ["Garden Kitchen", "367 E Nel Pkwy", "#466", "Yemford, RI 39487", "Total 9.86"]
    assert "367 E Nel Pkwy #466 Yemford, RI 39487" in _candidates(lines, "address")


def test_the_shops_owner_is_no_company_and_a_greeting_is_no_part_of_it(
    receipt: TemplateSpec,
) -> None:
    operated = [
        "OSTRANDER'S FOODS",
        "Operated by Juniper Retail Inc",
        "5867 ORCHARD DRIVE",
        "CEDARBY, IN 47250",
        "TOTAL $12.00",
    ]
    assert not any("Juniper" in c for c in _candidates(operated, "company"))
    slipped = [operated[0], "Owmed & operated by Novak Holdings Limited", *operated[2:]]
    assert not any("Novak" in c for c in _candidates(slipped, "company"))  # OCR's 'Owmed'
    slipped = [operated[0], "Ouned & aperated by Penberton Group LLC", *operated[2:]]
    assert not any("Penberton" in c for c in _candidates(slipped, "company"))
    possessive = ["ULRICH.S SUBS", "12 Elm St", "Cedarby, IN 47250", "TOTAL $3.00"]
    assert "ULRICH'S SUBS" in _candidates(possessive, "company")
    # the apostrophe read as a gap (a name printed light on a dark band); 'S/B' is a legal form
    possessive[0] = "ULRICH S SUBS"
    assert "ULRICH'S SUBS" in _candidates(possessive, "company")
    assert "NINE SPEED MART S/B" in _candidates(["NINE SPEED MART S/B", *possessive[1:]], "company")
    assert find_fields(ocr_page(operated), receipt)["company"].value == "OSTRANDER'S FOODS"
    # the label alone on its line: the name below it is the owner's
    owned = ["WREN STATIONERY SHOP", "TAX INVOICE", "OWNED BY :", "WREN SUPPLY SDN BHD"]
    assert "WREN SUPPLY SDN BHD" not in _candidates(owned, "company")
    assert "Family Owned" not in _candidates(["SANDOVAL RETAIL PTE LTD", "Family Owned"], "company")
    welcome = ["WELCOME TO L&K PROVISIONS", "12 Elm St", "Cedarby, IN 47250", "TOTAL $3.00"]
    assert find_fields(ocr_page(welcome), receipt)["company"].value == "L&K PROVISIONS"


def test_a_tip_written_in_under_the_total_and_suggested_tips(receipt: TemplateSpec) -> None:
    head = ["ELDERBY TAVERN", "2326 RIDGE AVENUE", "DUNSTEAD, AB T8N 8X7", "Ribeye 12oz 67.77"]
    tipped = [*head, "Sub Total 67.77", "GST 5% 3.39", "TOTAL $71.16", "MASTERCARD ****7565",
              "Amount 71.16", "Gratuity 15.66", "Total $86.82"]  # fmt: skip
    assert find_fields(ocr_page(tipped), receipt)["total"].value == 86.82
    blank_tip = [*head, "Sub Total 67.77", "GST 5% 3.39", "TOTAL $71.16", "Tip ______",
                 "Total ______"]  # fmt: skip
    assert find_fields(ocr_page(blank_tip), receipt)["total"].value == 71.16
    suggested = [*head, "Sub Total 67.77", "GST 5% 3.39", "TOTAL SALE $71.16",
                 "Suggested Gratuity", "15% $10.67 (Total $81.83)",
                 "20% $14.23 (Total $85.39)"]  # fmt: skip
    assert find_fields(ocr_page(suggested), receipt)["total"].value == 71.16
    assert "85.39" not in _candidates(suggested, "total")


def test_singapore_and_vat_receipts_write_dates_day_first() -> None:
    assert day_first_document(ocr_page(["SHOP", "Singapore 339714", "09/10/16", "TOTAL $5.00"]))
    assert day_first_document(ocr_page(["SHOP", "Incl. GST 7% S$11.50", "09/10/16"]))
    assert day_first_document(ocr_page(["SHOP", "VAT No. 123 4567 89", "09/10/16", "$5.00"]))


def test_opening_hours_zip_plus_four_and_an_eircode_without_digits() -> None:
    hours = ["K&M TACOS", "Open 7 Days", "104 E WILLOW HWY, HARTVALE CO 81442", "TOTAL 5.00"]
    assert not any("Open" in c for c in _candidates(hours, "address"))
    zip4 = ["GAS & GO", "7406 N LAUREL ROAD STE 167", "ELDERBROOK, 0R 97989-6209", "TOTAL 5.00"]
    assert "7406 N LAUREL ROAD STE 167 ELDERBROOK, OR 97989-6209" in _candidates(zip4, "address")
    assert address_value(["Kilfern, Co. Donegal X58 EIEX"], "ocr").endswith("X58 E1EX")
    assert address_value(["Exit A12 ROAD"], "ocr") == "Exit A12 ROAD"  # a word, not a code


def test_no_address_starts_with_a_registration_number() -> None:
    lines = [
        "CORAL FISH",
        "<484297-M>",
        "22 LRG PERNIAGAAN 4",
        "TAMBUN INDS.PARK B.CAVES",
        "TEL : 03-61855688",
        "Company Reg No. :289892V",
        "SUBTOTAL 28.70",
    ]
    cands = _candidates(lines, "address")
    assert "22 LRG PERNIAGAAN 4 TAMBUN INDS.PARK B.CAVES" in cands
    assert not any(c.startswith(("<484297-M>", "Company Reg")) for c in cands)


def test_a_shopping_centre_line_above_the_street_belongs_to_the_address(
    receipt: TemplateSpec,
) -> None:
    lines = [
        "BRAMBLE HARDWARE",
        "QUARRY COMMONS",
        "3739 KINGSLEY STREET",
        "MARPORT GA 31174",
        "(912) 555-0147",
        "HAMMER 12.99",
        "TOTAL 12.99",
    ]
    found = find_fields(ocr_page(lines), receipt)
    assert found["address"].value == "QUARRY COMMONS 3739 KINGSLEY STREET MARPORT GA 31174"
    assert found["company"].value == "BRAMBLE HARDWARE"


def test_a_line_that_goes_on_from_an_address_line_is_no_name() -> None:
    lines = [
        "Yam Dessert",
        "No.145G, Jalan Rimbunan Raya 1,",
        "Laman Rimbunan Kepong,",
        "52100 Kuala Lumpur",
        "TOTAL 12.00",
    ]
    assert not any(c.startswith("Laman") for c in _candidates(lines, "company"))


def test_web_addresses_and_a_logos_monogram_are_no_company() -> None:
    lines = [
        "C SP",
        "STRAND'S PROVISIONS",
        "87 ASHBY WAY",
        "DUBLIN 4",
        "www.strandsprovisions.ie",
        "info@strandsprovisions.com",
        "TOTAL €2.89",
    ]
    cands = _candidates(lines, "company")
    assert "STRAND'S PROVISIONS" in cands
    assert not any(c.startswith(("C SP", "www.", "info@")) for c in cands)


def test_a_name_wrapped_after_its_ampersand_and_a_monogram_of_its_first_words(
    receipt: TemplateSpec,
) -> None:
    wrapped = [
        "MOREAU'S PHARMACY",
        "& WELLNESS",
        "STORE 0453",
        "7484 W CARVER BLVD",
        "MILLSTEAD TN 38343-9204",
        "TOTAL $12.00",
    ]
    company = find_fields(ocr_page(wrapped), receipt)["company"].value
    assert company == "MOREAU'S PHARMACY & WELLNESS"
    # the engine and the k-fold settle the ranker's pick alike
    assert settled_company(0, ["ULRICH'S HARDWARE", "ULRICH'S HARDWARE & RENTAL"]) == 1
    assert settled_company(0, ["NAME", "NAME & 12 MAIN ST"]) == 0
    # a longer rest when it ends in a registered form; a longer one without stays apart
    assert settled_company(0, ["HOLLOW BEAN", "HOLLOW BEAN & TEA HOUSE (M) SDN. BHD."]) == 1
    assert settled_company(0, ["NAME", "NAME & SOME MORE WORDS THAT GO ON"]) == 0
    lines = ["C LH", "Little Harvest Outfitters", "9974 S BRIDGE DRIVE", "TOTAL $27.74"]
    assert not any(c.startswith("C LH") for c in _candidates(lines, "company"))


def test_a_country_written_with_stops_is_no_legal_form() -> None:
    """'U.S.A.' ends with the letters of 'S.A.', a legal form only after a name."""
    from extraction.finders.parties import LEGAL_FORM, STRONG_FORM

    assert not LEGAL_FORM.search("Springfield, IL, U.S.A.")
    assert not STRONG_FORM.search("Springfield, IL, U.S.A.")
    assert STRONG_FORM.search("MNM Reformas S.A.") and LEGAL_FORM.search("MNM Reformas S.A.")


def test_prices_including_gst_keep_dates_day_first() -> None:
    """New Zealand and Australia write dollars and include GST in their prices; Canada, which
    writes dollars too, adds GST on top and tells nothing here."""
    lines = ["SHOP", "Tel: 03-562 4472", "07/11/21", "Total $99.00", "GST included in total $12.91"]
    assert day_first_document(ocr_page(lines))
    assert day_first_document(ocr_page(["SHOP", "07/11/21", "TOTAL INCL. GST $99.00"]))
    assert not day_first_document(ocr_page(["SHOP", "07/11/21", "GST $4.50", "TOTAL $99.00"]))


def test_balance_to_pay_is_a_totals_label() -> None:
    """Irish and UK tills print 'Balance to pay': a label of the total (the ranker's feature),
    not an unlabelled amount among the items."""
    lines = ["GROCERS", "SHAMPOO €4.99 A", "Balance to pay €31.53", "VAT 23% INCLUDED €2.35"]
    finder = Finder(ocr_page(lines), [field_spec("total", {"type": "number"})])
    labels = {h.label for h in finder.hits if "grand_total" in h.owners}
    assert "balance to pay" in labels


def test_names_in_large_type_joined_or_under_a_slogan_and_a_monogram_in_a_ring() -> None:
    """'STANDALE' over 'STONE WORKS', both in the receipt's largest type: one name; the same
    lines in the body's type are left to the ranker. A slogan in small type over a name in the
    largest type gives way to the name. A ring read as '<' beside a monogram of the name's words
    ('KG' for 'K&M GRILL') is no name."""
    values = ["STONE WORKS", "STANDALE", "STANDALE STONE WORKS"]
    large = [
        {"c_above_namey": 1.0, "h_tallest": 1.0, "h_rel": 1.5, "idx": 1.0, "joined": 0.0},
        {"c_above_namey": 0.0, "h_tallest": 1.0, "h_rel": 1.5, "idx": 0.0, "joined": 0.0},
        {"c_above_namey": 0.0, "h_tallest": 1.0, "h_rel": 3.6, "idx": 0.0, "joined": 1.0},
    ]
    assert settled_company(0, values, large) == 2
    body = [{**f, "h_rel": 1.0} for f in large]
    assert settled_company(0, values, body) == 0
    smaller_above = [large[0], large[1], {**large[2], "h_tallest": 0.6}]
    assert settled_company(0, values, smaller_above) == 0
    slogan = ["Serving the Community", "The Hungry Bell", "BELL SDN BHD"]
    small_over_large = [
        {"h_tallest": 0.59, "h_rel": 1.1, "idx": 0.0, "joined": 0.0},
        {"h_tallest": 1.0, "h_rel": 1.9, "idx": 1.0, "joined": 0.0},
        {"h_tallest": 0.5, "h_rel": 1.0, "idx": 2.0, "joined": 0.0},
    ]
    assert settled_company(0, slogan, small_over_large) == 1  # a slogan over the name
    same_type = [{**f, "h_tallest": 1.0, "h_rel": 1.0} for f in small_over_large]
    assert settled_company(0, slogan, same_type) == 0
    assert settled_company(2, slogan, small_over_large) == 2  # a legal form's line stays
    lines = ["< KG", "K&M GRILL", "9647 GRANT STREET", "ROSLEY MI 49478-8072", "TOTAL $23.79"]
    assert not any(c.startswith("< KG") for c in _candidates(lines, "company"))


def test_a_name_greeted_over_a_slogan() -> None:
    """'WELCOME TO FOX & TULIP' over the slogan 'Great Value Every Day': the ranker's pick of the
    slogan gives way to the name the greeting names; a pick with a legal form stays, and so does
    a pick far below the greeting."""
    lines = ["WELCOME TO FOX & TULIP", "Great Value Every Day", "7105 S SYCAMORE HWY"]
    specs = [field_spec(n, {"type": "string"}) for n in ("company", "address")]
    found = document_candidates(Finder(ocr_page(lines + ["HARWORTH, TX 76007", "TOTAL $5"]), specs))
    values = [str(c.value) for c in found["company"]]
    features = [c.features for c in found["company"]]
    slogan, name = values.index("Great Value Every Day"), values.index("FOX & TULIP")
    assert features[name]["after_greeting"] == 1.0 and not features[slogan]["after_greeting"]
    assert settled_company(slogan, values, features) == name
    legal = values + ["TULIP FOODS LLC"]
    below = [*features, {**features[slogan], "idx": 1.0}]
    assert settled_company(len(legal) - 1, legal, below) == len(legal) - 1
    far = [*features[:slogan], {**features[slogan], "idx": 5.0}, *features[slogan + 1 :]]
    assert settled_company(slogan, values, far) == slogan


def test_a_name_read_apart_from_the_words_of_its_trade() -> None:
    """'WILMORE' over 'BUILDING SUPPLY', 'Little Harvest' beside 'Tavern': whichever part the
    ranker picks, the candidate that joins the name and its trade words is the name. Two
    distinctive parts are left to the ranker."""
    values = ["BUILDING SUPPLY", "WILMORE", "WILMORE BUILDING SUPPLY"]
    assert settled_company(0, values, None) == 2
    assert settled_company(1, values, None) == 2
    tavern = ["Little Harvest", "Little Harvest Tavern", "Tavern"]
    assert settled_company(0, tavern, None) == 1
    station = ["STRAND'S", "STRAND'S SERVICE STATION"]
    assert settled_company(0, station, None) == 1
    assert settled_company(0, ["Holloway's", "Holloway's Marketplace"], None) == 1
    two_names = ["HAPPY EMBER", "HAPPY EMBER HOLLOWAY", "HOLLOWAY"]
    assert settled_company(0, two_names, None) == 0
    # a trade and a registered form are no name of their own: the name over them, and only it
    # (not the code line above it)
    form = ["STATIONERY SDN. BHD", "A0412 KORVAN HILL STATIONERY SDN. BHD", "KORVAN HILL"]
    form.append("KORVAN HILL STATIONERY SDN. BHD")
    assert settled_company(0, form, None) == 3
    assert settled_company(0, ["ACME SDN BHD", "KORVAN ACME SDN BHD"], None) == 0


def test_a_name_spelled_by_the_shops_web_address() -> None:
    """'FERNVILLE   TACOS' printed wide, read as two segments, beside 'www.fernvilletacos.com':
    a pick of either part gives way to the whole name the address spells; without the web
    address, a pick of the first part too (two boxes of one line in one type, the other part
    name-like: ``_whole_name_line``)."""

    def page(with_web: bool) -> Document:
        web = ["www.fernvilletacos.com"] if with_web else []
        return ocr_page(
            ["FERNVILLE\tTACOS", "340 DELMONT HWY", *web, "DALDALE, AZ 86199", "TOTAL $3.00"]
        )

    specs = [field_spec(n, {"type": "string"}) for n in ("company", "address")]
    found = document_candidates(Finder(page(True), specs))["company"]
    values, features = [str(c.value) for c in found], [c.features for c in found]
    part, whole, other = (
        values.index("FERNVILLE"),
        values.index("FERNVILLE TACOS"),
        values.index("TACOS"),
    )
    assert features[whole]["domain_spelled"] == 1.0 and not features[part]["domain_spelled"]
    assert settled_company(part, values, features) == whole
    assert settled_company(other, values, features) == whole
    found = document_candidates(Finder(page(False), specs))["company"]
    values, features = [str(c.value) for c in found], [c.features for c in found]
    whole = values.index("FERNVILLE TACOS")
    assert settled_company(values.index("FERNVILLE"), values, features) == whole
    # a slogan picked under the name the web address spells: the name; a registered name stays
    # ('Great Value Every Day' reads as a phrase, no candidate at all: a slogan without grammar)
    lines = [
        "WELCOME TO",
        "J&R FOODS",
        "Great Value Low Prices",
        "8083 MONROE DRIVE",
        "KELBURY, IL 61566",
        "www.jrfoods.com",
        "TOTAL $3.00",
    ]
    found = document_candidates(Finder(ocr_page(lines), specs))["company"]
    values, features = [str(c.value) for c in found], [c.features for c in found]
    slogan, name = values.index("Great Value Low Prices"), values.index("J&R FOODS")
    assert settled_company(slogan, values, features) == name
    legal = [*values, "JR HOLDINGS SDN BHD"]
    assert settled_company(len(values), legal, [*features, features[slogan]]) == len(values)


def _photographed_at_an_angle(
    rows: list[tuple[str, str]], lean: float, lean_last: float | None = None
) -> Document:
    """A till receipt photographed at an angle: 20 px high words in a narrow font (7 px a
    letter), lines 16 px apart, each ``lean`` px lower per px right (changing evenly down the
    page to ``lean_last`` on the last line: the photo taken from nearer one end); the right
    column's amounts end at x = 360, so on a tight pitch they sit nearer the line above or
    below their label than it."""
    words = []
    for i, (left, right) in enumerate(rows):
        y = 40.0 + 16 * i
        end = lean if lean_last is None else lean_last
        tilt = lean + (end - lean) * i / (len(rows) - 1)
        x = 30.0
        for token in left.split():
            words.append(Word(token, x, y + tilt * x, x + 7 * len(token), y + 20 + tilt * x))
            x += 7 * len(token) + 8
        if right:
            x = 360.0 - 7 * len(right)
            words.append(Word(right, x, y + tilt * x, 360.0, y + 20 + tilt * x))
    page = Page(1, 400.0, 40.0 + 16 * len(rows) + 40, words, source="ocr")
    page.build_lines()
    return Document([page], "image")


def test_a_photo_taken_at_an_angle_keeps_short_labels_with_their_amounts(
    receipt: TemplateSpec,
) -> None:
    rows = [
        ("The Wheel & Stone", ""),
        ("7502 FLOURBUCK AVE", ""),
        ("LATBURG WA 6285", ""),
        ("T. 0461 991 193", ""),
        ("ABN 81 223 425 556", ""),
        ("30-Dec-16 12:55:41", ""),
        ("Sauce", "21.50"),
        ("RICE BOWL", "12.78"),
        ("SUB TOTAL", "$34.28"),
        ("SALES TAX", "$4.83"),
        ("Total Due", "$39.11"),
        ("CASH", "$59.00"),
        ("CHANGE DUE", "$19.89"),
    ]
    # no two neighbouring words are far enough apart to tell the page's slope on their own:
    # each printed line's words together do
    doc = _photographed_at_an_angle(rows, lean=-0.04)
    assert [ln.text.replace("   ", " ") for ln in doc.pages[0].lines] == [
        f"{left} {right}".strip() for left, right in rows
    ]
    assert find_fields(doc, receipt)["total"].value == 39.11


def test_a_photo_leaning_more_at_the_top_than_at_the_bottom_keeps_amounts_on_their_lines(
    receipt: TemplateSpec,
) -> None:
    rows = [
        ("CHYLLMONT TEA HOUSE", ""),
        ("Where Quality Comes First", ""),
        ("338 KROXGRULVIS DRIVE", ""),
        ("SINGAPORE 145148", ""),
        ("SUN 17/02/2019 6:25p", ""),
        ("Shampoo", "10.24"),
        ("GUM", "23.79"),
        ("Light Bulb", "36.57"),
        ("TOMATOES", "20.42"),
        ("DOG FOOD", "26.85"),
        ("Cheddar cheese", "149.34"),
        ("TOTAL", "267.21"),
        ("GST INCL.", "24.29"),
        ("NO REFUNDS ON SALE ITEMS", ""),
    ]
    # the header leans by 0.07, the last line not at all: no one lean fits the whole page
    doc = _photographed_at_an_angle(rows, lean=0.07, lean_last=0.0)
    assert [ln.text.replace("   ", " ") for ln in doc.pages[0].lines] == [
        f"{left} {right}".strip() for left, right in rows
    ]
    assert find_fields(doc, receipt)["total"].value == 267.21


def test_stars_and_rules_printed_around_a_shops_name_are_no_part_of_it() -> None:
    assert clean_name("*** HIXFLYCK MART ***") == "HIXFLYCK MART"
    assert clean_name("***GLUED MART***") == "GLUED MART"
    assert clean_name("== CORNER CAFE ==") == "CORNER CAFE"
    assert clean_name("一 Y&C Liquors 一") == "Y&C Liquors"  # dashes read as the CJK sign for one
    assert clean_name("一品香") == "一品香"
    assert clean_name("~ Cafe Nero ~") == "Cafe Nero"
    # a number sign or marks inside the name stay
    assert clean_name("#1 Pizza") == "#1 Pizza"
    assert clean_name("*STAR* MART") == "*STAR* MART"
    assert clean_name("C++ Books") == "C++ Books"


def test_a_possessive_keeps_its_apostrophe_and_s_together() -> None:
    assert clean_name("Zimmer' s Gas") == "Zimmer's Gas"
    assert clean_name("MOREAU' S APPAREL") == "MOREAU'S APPAREL"
    assert clean_name("Tully ' s Hardware") == "Tully's Hardware"
    assert clean_name("Rock' n Roll Diner") == "Rock' n Roll Diner"


def test_a_claim_of_always_or_every_day_is_a_slogan() -> None:
    assert reads_as_phrase("Always Low Prices")
    assert reads_as_phrase("Every Day Low Prices")
    assert not reads_as_phrase("Garden Fresh Market")


def test_the_operator_named_under_a_shop_is_no_shop_name_also_misread() -> None:
    assert OWNER_LINE.match("Operated hy Halvorsen Enterprises LLC")
    assert OWNER_LINE.match("Operated by Halvorsen Enterprises LLC")
    assert OWNER_LINE.match("b Owned & operated by Wren Holdings Inc")  # a speck before it
    assert not OWNER_LINE.match("Bob Owned Diner")


def test_a_name_printed_over_two_lines_is_the_company_and_no_part_of_the_address(
    receipt: TemplateSpec,
) -> None:
    doc = ocr_page(
        [
            "HUMBLE BISON",
            "TRAVEL CENTER",
            "2591 Garden Ave",
            "Stanby IL 62785",
            "12/12/2017 10:02",
            "COFFEE 2.50",
            "TOTAL 2.50",
        ]
    )
    found = find_fields(doc, receipt)
    assert found["company"].value == "HUMBLE BISON TRAVEL CENTER"
    assert found["address"].value == "2591 Garden Ave Stanby IL 62785"


def test_gaps_ocr_lost_around_a_state_and_a_house_number_and_a_uk_area_read_with_a_zero() -> None:
    assert address_value(["2716 W Carver Blvd, OakridgeWI 53575"], "ocr").endswith(
        "Oakridge WI 53575"
    )
    assert address_value(["WHITWOOD,IN 46136-7280"], "ocr") == "WHITWOOD, IN 46136-7280"
    assert address_value(["6452POPLAR DR"], "ocr") == "6452 POPLAR DR"
    assert address_value(["Whitview S021 9EJ"], "ocr") == "Whitview SO21 9EJ"
    assert address_value(["NORDALE Y011 9NL"], "ocr") == "NORDALE YO11 9NL"
    # a unit, an ordinal and a Malaysian postcode glued to its comma stay as printed
    assert address_value(["12A JALAN", "2ND FLOOR"], "ocr") == "12A JALAN 2ND FLOOR"
    assert address_value(["JALAN BESAR,45600 BATANG"], "ocr") == "JALAN BESAR,45600 BATANG"


def test_lines_after_a_town_line_with_its_postcode_are_no_part_of_the_address() -> None:
    uk = ["C&T Burger", "8 Maple Parade, Fernbury, DE20 4UR", "#346", "DINE IN"]
    assert not any("#346" in c for c in _candidates(uk, "address"))
    us = ["Blue Otter Food Store", "3033 E SYCAMORE AVE", "ASHHAVEN IN 46814", "Lane 13"]
    cands = _candidates(us, "address")
    assert "3033 E SYCAMORE AVE ASHHAVEN IN 46814" in cands
    assert not any("Lane" in c for c in cands)
    # a unit number on its own line inside the address stays
    unit = ["C&G Supply", "2386 YIETCLYRTHING ST", "#326", "MEESSTEARTTON NM 15555"]
    assert "2386 YIETCLYRTHING ST #326 MEESSTEARTTON NM 15555" in _candidates(unit, "address")


def test_an_address_starts_under_a_name_printed_between_marks() -> None:
    values = ["*** E&R HOME CENTER *** 9149 Taickfourt Avenue", "9149 Taickfourt Avenue"]
    assert without_name(values[0], values, "E&R HOME CENTER") == 1
    assert without_name(values[0], values, "E&R HOME") is None  # not the whole name


def test_an_address_starts_under_a_branch_line_that_names_the_shops_brand() -> None:
    street = "Lot S319, 2nd Floor, 1 Utama Shopping Centre, 47800 P.Jaya"
    values = [f"MPH One Utama Phase 2 {street}", street, "1 Utama Shopping Centre, 47800 P.Jaya"]
    assert settled_address(0, values, "MPH BOOKSTORES SDN BHD") == 1
    # a line that does not start with the brand, or a name whose first word is a legal form,
    # leaves the pick as it is
    assert settled_address(0, values, "POPULAR BOOK CO. SDN BHD") == 0
    assert settled_address(0, values, "PT MPH INDONESIA") == 0


def test_a_word_said_again_after_another_is_a_slogan_and_a_doubled_name_is_not() -> None:
    assert reads_as_phrase("Good Food Good Mood")
    assert reads_as_phrase("Eat Well Live Well")
    assert not reads_as_phrase("Chop Chop")  # reduplication names a place
    assert not reads_as_phrase("Good Food Company")


def test_two_bids_to_the_reader_are_a_slogan() -> None:
    assert reads_as_phrase("Come Hungry Leave Happy")
    assert reads_as_phrase("Eat Drink Relax")
    assert not reads_as_phrase("Live Bait Shop")  # one verb, and a shop
    assert not reads_as_phrase("Taste of India")


def test_a_name_ending_in_its_legal_form_goes_on_over_no_address_line() -> None:
    lines = ["Halvorsen Foods Corp.", "STATION PLAZA", "4032 N MEADOW LN", "PINEVILLE CA 93881"]
    cands = _candidates([*lines, "TOTAL 5.00"], "company")
    assert "Halvorsen Foods Corp." in cands
    assert not any(c.startswith("Halvorsen") and "PLAZA" in c for c in cands), cands
    # a name without its form may go on over a second line
    assert "AIK HUAT HARDWARE ENTERPRISE (SETIA ALAM) SDN BHD" in _candidates(
        ["AIK HUAT HARDWARE ENTERPRISE", "(SETIA ALAM) SDN BHD", "NO. 17, JALAN SETIA"], "company"
    )


def test_a_tax_named_before_total_is_the_tax_total(receipt: TemplateSpec) -> None:
    """'GST Total' under the receipt's total totals the tax (as 'BTW totaal' on an invoice): the
    'Total' in it is no second, later grand total."""
    lines = ["KESTREL SUBS", "391 RIDGE TCE", "CEDARMORE QLD 4296", "1 WRAP 5.74", "1 SODA 1.79"]
    for tail in (["TOTAL 7.53", "GST Total 0.68"], ["GST TOTAL 0.68", "TOTAL 7.53"]):
        assert find_fields(ocr_page([*lines, *tail]), receipt)["total"].value == 7.53, tail


def test_an_abn_line_ends_the_address_and_tce_is_a_street_word(receipt: TemplateSpec) -> None:
    """'ABN 38 959 143 047' under the town is Australia's business number, no part of the
    address; 'TCE' (terrace) makes the line above it the street."""
    lines = [
        "YARDLEY ENTERPRISES PTY. LTD.",
        "T: (03) 4257 5176",
        "SHOP 31, 48 LARKIN TCE",
        "LANGCREST VIC 3257",
        "ABN 38 959 143 047",
        "DATE: 15-05-2023",
        "CAT FOOD 3.69",
        "TOTAL 3.69",
    ]
    assert ADDRESS_STOP.search(lines[4]) and STREET_WORD.search(lines[2])  # stop line, street
    assert find_fields(ocr_page(lines), receipt)["address"].value == (
        "SHOP 31, 48 LARKIN TCE LANGCREST VIC 3257"
    )
