"""General field-finding rules on small synthetic pages (no corpus needed)."""

from __future__ import annotations

from pathlib import Path

from extraction import TemplateSpec, extract_file
from extraction.document import Document, Page, Word
from extraction.finders.concepts import field_spec
from extraction.finders.fields import Finder
from extraction.finders.parties import STRONG_FORM, clean_name, fix_legal_form
from extraction.normalise import find_dates, find_ibans
from extraction.ranker import document_candidates
from extraction.ranker.address import address_end, address_start


def _page(lines: list[str | list[str]]) -> Document:
    """One OCR page; a line given as a list is printed as separate cells (wide gaps)."""
    words = []
    for i, line in enumerate(lines):
        x = 40.0
        for cell in [line] if isinstance(line, str) else line:
            for token in cell.split():
                words.append(Word(token, x, 30.0 + 40 * i, x + 14 * len(token), 52.0 + 40 * i))
                x += 14 * len(token) + 12
            x += 120  # a wide gap between cells
    page = Page(1, 900.0, 40.0 * len(lines) + 60, words, source="ocr")
    page.build_lines()
    return Document([page], "image")


def _candidates(doc: Document) -> dict[str, list[str]]:
    specs = [field_spec(n, {"type": "string"}) for n in ("company", "address")]
    specs.append(field_spec("total", {"type": "number"}))
    return {
        k: [str(c.value) for c in v] for k, v in document_candidates(Finder(doc, specs)).items()
    }


def test_address_with_numbers_like_amounts_is_one_candidate() -> None:
    # '31,31A' and '01&02,1ST' read like amounts with cents; the lines are still address lines
    doc = _page(
        [
            "KEDAI BUKU MAJU",
            "31,31A, JALAN MERANTI 9,",
            "LOT 1F-01&02,1ST FLR, PLAZA",
            "81300 SKUDAI, JOHOR",
            "TOTAL 12.50",
        ]
    )
    assert (
        "31,31A, JALAN MERANTI 9, LOT 1F-01&02,1ST FLR, PLAZA 81300 SKUDAI, JOHOR"
        in _candidates(doc)["address"]
    )


def test_address_stops_at_phone_and_tax_parts_on_its_own_line() -> None:
    doc = _page(
        [
            "KEDAI BUKU MAJU",
            "NO.1, JALAN PERMAS 10/5,",
            "81750 JOHOR BAHRU, JOHOR, TEL NO.: 07-387 3322",
            "GST ID: 000123456789",
        ]
    )
    found = _candidates(doc)["address"]
    assert "NO.1, JALAN PERMAS 10/5, 81750 JOHOR BAHRU, JOHOR" in found
    assert not any("GST" in v for v in found if v.startswith("NO.1"))


def test_address_after_a_label_or_registration_number() -> None:
    doc = _page(
        ["KEDAI BUKU MAJU SDN BHD", "HQ ADD: LOT 11, BATU 2, JALAN KAPAR", "41400 KLANG, SELANGOR"]
    )
    assert "LOT 11, BATU 2, JALAN KAPAR 41400 KLANG, SELANGOR" in _candidates(doc)["address"]
    doc = _page(
        [
            "KEDAI BUKU MAJU",
            ["GST REG NO. 000947339264", "PLAZA UTAMA, JALAN SS 7"],
            "47301 PETALING JAYA",
        ]
    )
    assert "PLAZA UTAMA, JALAN SS 7 47301 PETALING JAYA" in _candidates(doc)["address"]
    assert address_start(["(1219716-T) PARADIGM MALL LOT 4"]) == "PARADIGM MALL LOT 4"
    assert address_start(["12 JALAN MERANTI"]) == "12 JALAN MERANTI"
    assert address_end("JOHOR, FAX: 07-1234567") == "JOHOR"
    assert address_end("TEL: 07-1234567") is None


def test_address_whose_first_line_has_no_street_word() -> None:
    doc = _page(
        [
            "STESEN MINYAK SETIA",
            "AUTOROUTE RABAT MEKNES",
            "15000 KHEMISSET",
            "TEL. : 05.22.95.66.66",
        ]
    )
    assert "AUTOROUTE RABAT MEKNES 15000 KHEMISSET" in _candidates(doc)["address"]


def test_legal_forms_read_with_ocr_confusions() -> None:
    assert fix_legal_form("SEAFOOD RESTAURANT SDN DHD") == "SEAFOOD RESTAURANT SDN BHD"
    assert fix_legal_form("TAMAN DAYA) 5DN BND") == "TAMAN DAYA) SDN BHD"
    assert clean_name("99 SPEED MART 5/B (519537-X)") == "99 SPEED MART S/B"
    assert fix_legal_form("SDN. BHD.") == "SDN. BHD."  # as printed when read right
    assert fix_legal_form("ESDN BHDX") == "ESDN BHDX"  # inside a word: no legal form
    # a stroke glued to a line's last 'BHD' is a border's or bracket's edge, not a letter
    assert fix_legal_form("GREEN LANE PHARMACY SDN BHDI") == "GREEN LANE PHARMACY SDN BHD"
    assert fix_legal_form("SDN BHDI (123-X)") == "SDN BHDI (123-X)"
    assert clean_name("CASH & CARRY SDN 3HD 28-05") == "CASH & CARRY SDN BHD"
    assert fix_legal_form("HARDWARE SDNBHD") == "HARDWARE SDN BHD"
    assert (
        fix_legal_form("KEDAI-0 MAJU") == "KEDAI-O MAJU"
        and fix_legal_form("GOLDEN_LEAF") == "GOLDEN LEAF"
    )
    assert fix_legal_form("BLOCK K10 UNIT 0") == "BLOCK K10 UNIT 0"  # digits in codes stay
    assert fix_legal_form("Dunwald Tormer l/S") == "Dunwald Tormer I/S"  # Danish I/S
    assert fix_legal_form("Norvik Hal/Sport") == "Norvik Hal/Sport"  # inside a word: stays
    # the umlaut OCR dropped from a German UG's form; 'ae' is a spelling of it
    assert fix_legal_form("Falmark UG (haftungsbeschrankt)") == "Falmark UG (haftungsbeschränkt)"
    assert fix_legal_form("Falmark UG (haftungsbeschraenkt)") == "Falmark UG (haftungsbeschraenkt)"


def test_nordic_legal_forms_are_no_province_or_code() -> None:
    """'AB' after a name is a Swedish company; before a Canadian postcode it is Alberta, and
    in brackets on an item line a code."""
    assert STRONG_FORM.search("Norhartline AB") and STRONG_FORM.search("Kelmerdata HB")
    for text in ("RED DEER, AB T4N 1A1", "STONY PLAIN AB T7Z 1K0", "FALLS AB KOF 6V1", '6"HT (KB)'):
        assert not STRONG_FORM.search(text), text


def test_llc_inside_a_word_is_no_legal_form() -> None:
    """'LLC' ends a name ('ACME LLC', glued 'ACMELLC'); inside a word ('NELLCLOUTNAN STREET',
    'WELLCOME') it is no form, or a street line reads as a company."""
    assert STRONG_FORM.search("Harwick Supply LLC") and STRONG_FORM.search("HARWICKLLC")
    for text in ("NELLCLOUTNAN STREET, LULLTREERTVIEW, AZ", "WELLCOME PHARMACY"):
        assert not STRONG_FORM.search(text), text


def test_malaysian_sb_is_a_legal_form_only_where_a_name_ends() -> None:
    """'SB' (Sdn Bhd) ends a name, at the line's end or before its registration number; an item
    code ('SB/01-3'), a word ('Sb') or a count ('3 SB') is no form."""
    for text in ("RESTORAN CAHAYA MAJU SB", "KEDAI RUNCIT LIM SB(306295-X) FKA TOKO LIM SB"):
        assert STRONG_FORM.search(text), text
    assert clean_name("KEDAI RUNCIT LIM SB(306295-X) FKA TOKO LIM SB") == "KEDAI RUNCIT LIM SB"
    for text in ("SB/01-3", "Gloss Sb", "TOTAL 3 SB", "SB 12 PCS"):
        assert not STRONG_FORM.search(text), text


def test_a_dotted_legal_form_keeps_its_letters_and_dot_before_a_phone_number() -> None:
    """'S.L.U.', 'S.A.U.' and 'S.A.S.' are forms of their own, not 'S.L' or 'S.A' followed by
    stray letters; cut before a number, a dotted form keeps its last dot."""
    assert clean_name("Orvendal Servicios S.L.U. Tel. +34 116 466830") == (
        "Orvendal Servicios S.L.U."
    )
    assert clean_name("Kermon S.A.S. 12 rue des Lilas") == "Kermon S.A.S."
    assert clean_name("Kermon S.A.U. NIF A12345678") == "Kermon S.A.U."
    assert clean_name("Brennick Ltd. Reg. 1234567") == "Brennick Ltd."
    assert clean_name("Harwick GmbH Tel. 030 1234") == "Harwick GmbH"


def test_dates_whose_separators_ocr_lost_or_glued() -> None:
    assert [d.isoformat() for d, _s, _e in find_dates("27032018 No :CS-20243")] == ["2018-03-27"]
    assert [d.isoformat() for d, _s, _e in find_dates("#19536001/06/2018 6:31")] == ["2018-06-01"]
    assert [d.isoformat() for d, _s, _e in find_dates("02102016", day_first=False)] == [
        "2016-02-10"
    ]
    assert find_dates("INV 12345678") == []
    assert find_dates("TEL 0312345678") == []


def test_document_title_after_a_name_is_no_part_of_it() -> None:
    assert clean_name("Amazon Web Services Invoice") == "Amazon Web Services"
    assert clean_name("KEDAI MAJU TAX INVOICE") == "KEDAI MAJU"
    assert clean_name("Invoice") == "Invoice"  # nothing before the title: left to the callers


def test_web_address_after_a_legal_form_is_no_part_of_the_name() -> None:
    assert clean_name("Brightwater Tools B.V. iov brightshop.com") == "Brightwater Tools B.V."
    assert clean_name("Harlow Supplies Ltd www.harlow-supplies.co.uk") == "Harlow Supplies Ltd"
    assert clean_name("Holz Müller GmbH & Co. KG") == "Holz Müller GmbH & Co. KG"
    assert clean_name("Shop.example Trading B.V.") == "Shop.example Trading B.V."  # in the name


def test_italian_legal_form_read_with_a_capital_i() -> None:
    assert clean_name("Orsino Forniture S.r.I.") == "Orsino Forniture S.r.l."
    assert clean_name("Orsino Forniture S. r. 1") == "Orsino Forniture S. r. l"
    assert clean_name("ORSINO S.R.L.") == "ORSINO S.R.L."


def test_total_candidates_know_net_plus_tax_and_the_last_total_line() -> None:
    doc = _page(
        [
            "KEDAI MAJU",
            "ROTI 2 X 1.50 3.00",
            "SUBTOTAL 10.00",
            "SST 6% 0.60",
            "AMOUNT DUE $10.60",
            "CASH 20.00",
            "CHANGE 9.40",
        ]
    )
    specs = [field_spec("total", {"type": "number"})]
    feats = {str(c.value): c.features for c in document_candidates(Finder(doc, specs))["total"]}
    assert feats["10.60"]["net_plus_tax"] == 1.0 and feats["10.60"]["last_grand_line"] == 1.0
    assert feats["10.60"]["l_due"] == 1.0 and feats["10.60"]["line_currency"] == 1.0
    assert feats["10.00"]["net_plus_tax"] == 0.0 and feats["10.00"]["is_net"] == 1.0
    assert feats["3.00"]["last_grand_line"] == 0.0


def test_short_sample_iban_next_to_its_label(tmp_path: Path, invoice: TemplateSpec) -> None:
    path = tmp_path / "inv.txt"
    path.write_text(
        "Nordwind Handel GmbH\nRechnung Nr. R-1\nDatum: 02.05.2024\n"
        "IBAN :   DE12 1234 4321 9876 00\n"
        "Gesamtbetrag 119,00 EUR\nRef DE12 1234 4321 9876 00\n",
        encoding="utf-8",
    )
    assert extract_file(path, invoice).values()["iban"] == "DE1212344321987600"
    assert (
        find_ibans("Ref DE12 1234 4321 9876 00") == []
    )  # without a label the length must be right


def test_hyphenated_german_date_labels(tmp_path: Path, invoice: TemplateSpec) -> None:
    path = tmp_path / "inv.txt"
    path.write_text(
        "Nordwind Handel GmbH\nRechnung\nBeleg-Nr. : 471102\nLeistungs-Datum : 05.08.2013\n"
        "Beleg-Datum : 16.09.2013\nGesamtbetrag 119,00 EUR\n",
        encoding="utf-8",
    )
    assert extract_file(path, invoice).values()["issue_date"] == "2013-09-16"


def test_a_label_naming_the_owner_is_no_part_of_the_name() -> None:
    assert clean_name("OWN BY: CHEF LEE SDN BHD") == "CHEF LEE SDN BHD"
    assert clean_name("Operated by : Acme Trading Ltd") == "Acme Trading Ltd"
    assert clean_name("PAY BY: CASH") == "PAY BY: CASH"  # no registered name after it
    # without a colon, 'OWN BY' may be how the shop writes its name
    assert clean_name("32 PUB & BISTRO OWN BY CNU TRADING") == "32 PUB & BISTRO OWN BY CNU TRADING"


def test_a_registration_number_glued_to_the_legal_form_goes() -> None:
    # the '(' before the number read as 'S' or lost: the legal form ends the name all the same
    assert clean_name("99 SPEED MART S/BS19537-X)") == "99 SPEED MART S/B"
    assert clean_name("ACME SDN BHD12345-X") == "ACME SDN BHD"
    assert clean_name("XYZ S/B") == "XYZ S/B"


def test_a_lone_mark_between_name_words_is_a_speck() -> None:
    assert clean_name("HARDWARE (SETIA ALAM) . SDN BHD") == "HARDWARE (SETIA ALAM) SDN BHD"
    assert clean_name("KEDAI , MAJU ENTERPRISE") == "KEDAI MAJU ENTERPRISE"
    # marks inside words stay
    assert clean_name("MR. D.I.Y. (M) SDN BHD") == "MR. D.I.Y. (M) SDN BHD"
