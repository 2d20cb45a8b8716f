"""Receipt addresses: candidates from other countries, OCR confusions, tails cut, reading order."""

from __future__ import annotations

from pathlib import Path

from extraction import TemplateSpec, extract_file
from extraction.document import Document, Page, Word, group_lines
from extraction.finders import find_fields
from extraction.ranker.address import (
    REGION_END,
    STREET_WORD,
    address_candidates,
    address_value,
    comma_joined,
    fix_address_words,
    reading_lines,
    tail_cut,
)
from extraction.ranker.address_respell import respell_address
from tests.extraction.receipt_images import receipt_image


def _page(lines: list[str], lean: float = 0.0) -> Document:
    """A receipt page: one word box per token, each printed line ``lean`` px lower per px right."""
    words = []
    for i, text in enumerate(lines):
        x = 40.0
        for token in text.split():
            dy = lean * x
            words.append(
                Word(token, x, 30.0 + 40 * i + dy, x + 14 * len(token), 52.0 + 40 * i + dy)
            )
            x += 14 * len(token) + 12
    page = Page(1, 700.0, 40.0 * len(lines) + 60, words, source="ocr")
    page.build_lines()
    return Document([page], "image")


def _values(doc: Document, company_line: int = 0) -> dict[str, dict[str, float]]:
    return {str(c.value): c.features for c in address_candidates(doc, company_line, None)}


def test_street_words_read_with_ocr_confusions_are_spelled_as_printed() -> None:
    assert fix_address_words("HQ: 7,JIn SS21/34") == ("HQ: 7,JLN SS21/34", 1)
    assert fix_address_words("No: G3, BIk G") == ("No: G3, BLK G", 1)
    assert fix_address_words("AEON Ma11 TEBRAU") == ("AEON MALL TEBRAU", 1)
    assert fix_address_words("Mid Valley City, Nol, Medan") == ("Mid Valley City, No1, Medan", 1)
    # words that are spelled right, and words that are no street words, stay as they are
    unchanged = "NO 7, JALAN MAIN 3, 1450 Maple Street, Springfield, IL 62704"
    assert fix_address_words(unchanged) == (unchanged, 0)


def test_labelled_numbers_and_phone_numbers_are_cut_from_the_last_line() -> None:
    assert tail_cut("Lot 2407, Jalan Dua 52100 Kepong Baru, KL Site: 2076") == (
        "Lot 2407, Jalan Dua 52100 Kepong Baru, KL"
    )
    assert tail_cut("Springfield, IL 62704 (217) 555-0199") == "Springfield, IL 62704"
    assert tail_cut("Springfield, IL 62704") is None


def test_us_address_without_legal_form_with_phone_and_tax_lines() -> None:
    doc = _page(
        [
            "Joe's Corner Diner",
            "1234 N Main St Ste 5",
            "Springfield, IL 62704",
            "Tel: (217) 555-0199",
            "Fax: (217) 555-0100",
            "Tax ID 12-3456789",
            "Server: Ann",
            "11/30/16 7:42 PM",
            "Burger 8.99",
            "Total $9.71",
        ]
    )
    found = _values(doc)
    feats = found["1234 N Main St Ste 5 Springfield, IL 62704"]
    assert feats["state_zip_last"] == 1.0 and feats["street_words"] >= 2
    assert feats["from_company"] == 1.0
    # the phone, fax and tax lines end the block: no candidate holds them without saying so
    assert all(
        f["phone_any"] == 1.0 or f["stop_any"] == 1.0 for v, f in found.items() if "555" in v
    )


def test_phone_on_the_city_line_gives_a_candidate_without_it() -> None:
    doc = _page(["Corner Books", "88 Harbour Road", "Brighton BN1 1AA Tel 01273 555123"])
    found = _values(doc)
    assert "88 Harbour Road Brighton BN1 1AA" in found
    assert found["88 Harbour Road Brighton BN1 1AA"]["cut_tail"] == 1.0


def test_a_comma_lost_before_the_postcode_line_is_offered_back() -> None:
    lines = ["NO.53 JALAN PUTRA 1,", "TAMAN SRI PUTRA", "81200 JOHOR BAHRU", "JOHOR"]
    # only before a line that starts with a postcode: 'JOHOR BAHRU JOHOR' is printed so
    assert comma_joined(lines) == (
        ["NO.53 JALAN PUTRA 1,", "TAMAN SRI PUTRA,", "81200 JOHOR BAHRU", "JOHOR"],
        1,
    )
    assert comma_joined(["12 HIGH ST,", "81200 JOHOR BAHRU"])[1] == 0
    found = _values(_page(["SOON HUAT MACHINERY", *lines, "TEL: 07-5547360"]))
    as_read = "NO.53 JALAN PUTRA 1, TAMAN SRI PUTRA 81200 JOHOR BAHRU JOHOR"
    with_comma = "NO.53 JALAN PUTRA 1, TAMAN SRI PUTRA, 81200 JOHOR BAHRU JOHOR"
    assert found[as_read]["comma_joins"] == 0.0
    assert found[with_comma]["comma_joins"] == 1.0
    assert found[with_comma]["line_end_punct"] == found[as_read]["line_end_punct"] == 1 / 3


def test_a_postcode_glued_to_the_town_is_parted_on_ocr_pages() -> None:
    glued = ["Jalan SS21/39,47400Petaling Jaya"]
    assert address_value(glued, "ocr") == "Jalan SS21/39,47400 Petaling Jaya"
    assert address_value(glued, "text") == glued[0]  # a text layer is taken as printed
    # a code that only holds five digits is no postcode
    assert address_value(["UNIT A12345BCD, JALAN 2"], "ocr") == "UNIT A12345BCD, JALAN 2"


def test_a_comma_read_as_a_full_stop_between_two_parts_is_put_back() -> None:
    assert address_value(["41-1, JLN RADIN ANUM 2, SRI PETALING.57000 KUALA LUMPUR."], "ocr") == (
        "41-1, JLN RADIN ANUM 2, SRI PETALING, 57000 KUALA LUMPUR."
    )
    assert address_value(["48000 RAWANG.SELANGOR"], "ocr") == "48000 RAWANG, SELANGOR"
    assert address_value(["JLN SS21/60.Damansara Utama"], "ocr") == "JLN SS21/60, Damansara Utama"
    assert address_value(["BANDAR BARU PERMAS JAYA, 81750.MASAI"], "ocr") == (
        "BANDAR BARU PERMAS JAYA, 81750, MASAI"
    )
    # with its gap: after a number (also before a postcode) or a street number ending in a letter
    assert address_value(["Jalan Ipoh Batu 5. 51200 Kuala Lumpur"], "ocr") == (
        "Jalan Ipoh Batu 5, 51200 Kuala Lumpur"
    )
    assert address_value(["Jalan Dinar G U3/G. Subang Perdana"], "ocr") == (
        "Jalan Dinar G U3/G, Subang Perdana"
    )
    # abbreviations and web addresses keep their stops; a text layer is taken as printed
    for printed in ["NO.15.JLN TSJ2.TMN", "LOT 5, INDS.PARK", "TAMAN P.RAMLEE", "www.kedai.com.my"]:
        assert address_value([printed], "ocr") == printed
    assert address_value(["SRI PETALING.57000"], "text") == "SRI PETALING.57000"


def test_a_postcodes_last_zero_read_as_a_d_is_a_zero() -> None:
    read = ["LOT 1504, JALAN KLANG LAMA, 4600D PETALING JAYA, SELANGOR."]
    assert (
        address_value(read, "ocr") == "LOT 1504, JALAN KLANG LAMA, 46000 PETALING JAYA, SELANGOR."
    )
    # with a postcode elsewhere in the address, a number ending in D is a lot or unit number
    assert address_value(["LOT 1234D JALAN BESAR, 46000 PJ"], "ocr") == (
        "LOT 1234D JALAN BESAR, 46000 PJ"
    )


def test_a_phone_line_read_without_its_labels_letters_ends_the_address() -> None:
    lines = [
        "YONG CEN ENTERPRISE",
        "9. JALAN SUBANG JASA 3,",
        "40150 SHAH ALAM, SELANGOR.",
        "T012-9719498",
    ]  # 'TEL: 012-9719498'
    values = _values(_page(lines))
    assert "9, JALAN SUBANG JASA 3, 40150 SHAH ALAM, SELANGOR." in values
    assert not any("9719498" in v for v in values)


def test_a_careline_under_the_address_ends_it_and_a_stop_before_a_comma_is_dropped() -> None:
    lines = [
        "PAGOH REST AND SERVICE AREA",
        "LOT R1, KWS REHAT & RAWAT PAGOH ARAH UTARA,",
        "SIMPANG AMPAT PAGOH, LEBUHRAYA UTARA SELATAN.,",
        "84600,PAGOH,JOHOR",
        "myNEWScarellne: 1800 88 1231",  # any one-word label and a colon before a phone number
    ]
    values = _values(_page(lines))
    assert (
        "LOT R1, KWS REHAT & RAWAT PAGOH ARAH UTARA, SIMPANG AMPAT PAGOH, LEBUHRAYA UTARA "
        "SELATAN, 84600,PAGOH,JOHOR"
    ) in values
    assert not any("1231" in v for v in values)
    # after an abbreviation the stop is its own: 'D.E.,'
    assert address_value(["47500 SUBANG JAYA, SELANGOR D.E., MALAYSIA"], "ocr") == (
        "47500 SUBANG JAYA, SELANGOR D.E., MALAYSIA"
    )


def test_a_phone_line_with_a_misread_one_letter_label_ends_the_address() -> None:
    lines = ["QUILL PROVISIONS", "50 Lake St, HOLLEY TAS 7435", "I: 1300 562 330", "ABN 30 959"]
    values = _values(_page(lines))  # 'T:' read as 'I:'
    assert "50 Lake St, HOLLEY TAS 7435" in values
    assert not any("562" in v for v in values)


def test_an_address_never_starts_at_a_licence_or_owner_line() -> None:
    lines = [
        "GERBANG ALAF RESTAURANTS SDN BHD",
        "Licensee of McDonald's",
        "Level 6, Bangunan TH, Damansara Uptown3",
        "No.3, Jalan SS21/39,47400 Petaling Jaya",
    ]
    values = _values(_page(lines))
    assert (
        "Level 6, Bangunan TH, Damansara Uptown3 No.3, Jalan SS21/39,47400 Petaling Jaya" in values
    )
    assert not any(v.startswith("Licensee") for v in values)


def test_a_run_of_figures_and_marks_is_no_address() -> None:
    # a tax summary's rate line and the rules of stars under it (the words under a rule end
    # no address either)
    lines = ["WATSONS", "USJ Summit, Subang (SS)", "S 6.00%39.092.3441.43", "*" * 30, "STATEMENT"]
    values = _values(_page(lines))
    assert "USJ Summit, Subang (SS)" in values
    assert not any("6.00%" in v or "***" in v for v in values)


def test_a_leaning_receipt_keeps_each_printed_line_in_reading_order() -> None:
    lines = ["LIGHT GALLERY SDN BHD", "NO 28, JALAN ASTANA 1C,", "BANDAR BUKIT RAJA, 41050 KLANG"]
    doc = _page(lines, lean=0.06)
    # the OCR's reading order keeps the two address lines apart, and so does grouping words by
    # their height levelled by the page's skew (by height alone they interleave)
    assert [ln.text for ln in reading_lines(doc.pages[0])] == lines
    assert [ln.text for ln in group_lines(doc.pages[0].words, 1)] == lines
    assert "NO 28, JALAN ASTANA 1C, BANDAR BUKIT RAJA, 41050 KLANG" in _values(doc)


def test_us_receipt_image_address_without_phone_and_fax(
    tmp_path: Path, receipt: TemplateSpec
) -> None:
    """A generated US receipt: suite number, state and ZIP, phone and fax lines under it."""
    image = receipt_image(
        [
            "Corner Hardware",
            "1234 N Main St Ste 5",
            "Springfield, IL 62704",
            "Tel: 217-555-0199",
            "Fax: 217-555-0100",
            "11/30/2016  10:12 AM",
            "Hammer                 12.99",
            "Nails                   3.49",
            "Subtotal               16.48",
            "Sales Tax               1.32",
            "Total                 $17.80",
        ],
        tmp_path / "us.png",
    )
    v = extract_file(image, receipt).values()
    # compared as the unseen US receipts are labelled: without spaces
    assert str(v["address"]).replace(" ", "") == "1234NMainStSte5Springfield,IL62704"


def test_misread_words_are_respelled_as_the_common_word_and_rare_names_stay() -> None:
    # look-alikes swapped ('_' for 'L', 'Ci' for 'G', 'l' for 'i', 'n' for 'm'), a stroke added
    assert respell_address("SE_ANGOR DIARUL EHSAN") == ("SELANGOR DARUL EHSAN", 2)
    assert respell_address("47400 PETALINCi JAYA") == ("47400 PETALING JAYA", 1)
    assert respell_address("Jalan Dlnar G, Jalan Sultan Isnail") == (
        "Jalan Dinar G, Jalan Sultan Ismail",
        2,
    )
    # a number glued to the word, and a word broken in two
    assert respell_address("Damansara Uptowin3") == ("Damansara Uptown3", 1)
    assert respell_address("47800 PE TALING JAYA.") == ("47800 PETALING JAYA.", 1)
    assert respell_address("47800 PETALING JA YA.") == ("47800 PETALING JAYA.", 1)
    assert respell_address("JALAN BE SAR, 45600") == ("JALAN BESAR, 45600", 1)
    # initials and abbreviations of one or two letters stay apart
    assert respell_address("SELANGOR D E, 47400 PJ KL") == ("SELANGOR D E, 47400 PJ KL", 0)
    # names no word model knows, and common words, are left as printed
    kept = "BATANG BERJUNTAI, AEON MALL TEBRAU CITY, KUALA LUMPUR, BANDAR BARU, SS21/39"
    assert respell_address(kept) == (kept, 0)
    # two common words equally near ('butch', 'buloh'): nothing says which was printed
    assert respell_address("Sungai Bulch") == ("Sungai Bulch", 0)


def test_ocr_digit_and_mark_confusions_in_address_numbers() -> None:
    assert address_value(["LOT G29 & G3O, AEON MALL"], "ocr") == "LOT G29 & G30, AEON MALL"
    assert address_value(["Level'6, Bangunan TH"], "ocr") == "Level 6, Bangunan TH"
    # an O that starts or ends a word stays a letter
    assert address_value(["NO 3OTH FLOOR, 10NO. 5"], "ocr") == "NO 3OTH FLOOR, 10NO. 5"


def test_a_full_stop_after_a_word_inside_an_address_is_read_as_a_comma() -> None:
    doc = _page(["KEDAI BUKU ABC", "NO.23 BATU 10, TAMAN SENTOSA. JALAN KAPAR,", "42200 KLANG"])
    found = _values(doc)
    assert "NO.23 BATU 10, TAMAN SENTOSA, JALAN KAPAR, 42200 KLANG" in found
    assert not any("SENTOSA. JALAN" in v for v in found)


def test_a_block_ends_at_its_country_line() -> None:
    assert REGION_END.search("56000 Kuala Lumpur, Malaysia")
    assert REGION_END.search("SELANGOR DARUL EHSAN.")
    assert not REGION_END.search("Jalan Selangor 5")
    doc = _page(
        [
            "POPULAR STATIONERY SDN BHD",
            "No 8, Jalan 7/118B, Desa Tun Razak",
            "56000 Kuala Lumpur, Malaysia",
            "MID VALLEY MEGAMALL",
            "Tel : 03-9201 6281",
        ]
    )
    found = _values(doc)
    block = "No 8, Jalan 7/118B, Desa Tun Razak 56000 Kuala Lumpur, Malaysia"
    assert found[block]["region_last"] == 1.0 and found[block]["region_inside"] == 0.0
    # an address never goes on after its country: the branch printed below is no part of it
    assert not any("Malaysia MID" in value for value in found)
    # a state inside the block, then the country, is one address
    doc = _page(["KEDAI MAJU", "12 Jalan Besar, 45600 Batang Berjuntai", "Selangor", "Malaysia"])
    assert "12 Jalan Besar, 45600 Batang Berjuntai Selangor Malaysia" in _values(doc)


def test_an_item_line_with_a_postcode_like_code_ends_the_block() -> None:
    doc = _page(
        ["KEDAI RUNCIT", "USJ Summit, Subang Jaya", "22241 SCISSORS 18.00 SR", "TOTAL 18.00"]
    )
    assert not any("SCISSORS" in v for v in _values(doc))


def test_a_very_long_ocr_token_is_left_as_read() -> None:
    # a stranger's image can make the OCR read one endless token; it is no word to respell, and
    # trying every pair of look-alike swaps in it would cost quadratic time
    token = "lo" * 400
    assert respell_address(f"Jalan {token}") == (f"Jalan {token}", 0)


def test_the_rules_address_ends_at_the_country_line() -> None:
    from extraction.finders.locate import Candidate
    from extraction.finders.parties import address_after

    doc = _page(
        [
            "ACME TRADING SDN BHD",
            "NO 8, JALAN 7/118B, DESA TUN RAZAK",
            "56000 KUALA LUMPUR, MALAYSIA",
            "SUNWAY VELOCITY",  # the branch, printed under the address
            "TEL 03-1234 5678",
        ]
    )
    name_line = doc.pages[0].lines[0]
    name = Candidate("ACME TRADING SDN BHD", 0.6, 1, name_line.box, "", "legal-form")
    found = address_after(doc, name)
    assert found is not None
    assert found.value == "NO 8, JALAN 7/118B, DESA TUN RAZAK 56000 KUALA LUMPUR, MALAYSIA"


def test_the_rules_address_ends_before_a_label_and_its_value() -> None:
    from extraction.finders.locate import Candidate
    from extraction.finders.parties import address_after

    doc = _page(
        ["ACME TRADING SDN BHD", "LOT 2407, JALAN DUA", "52100 KEPONG BARU, KL", "Site: 2076"]
    )
    name_line = doc.pages[0].lines[0]
    name = Candidate("ACME TRADING SDN BHD", 0.6, 1, name_line.box, "", "legal-form")
    found = address_after(doc, name)
    assert found is not None and found.value == "LOT 2407, JALAN DUA 52100 KEPONG BARU, KL"


def test_two_touching_boxes_of_one_leaning_line_are_one_line() -> None:
    # a photo at a slant: the detector split the line, and its right box, higher on the page,
    # came first; the boxes touch (the comma read in both), the next printed line lies apart
    h = 28.0
    words = [
        Word("Vy Hills Bistro", 196, 95, 444, 95 + h),
        Word(",", 448, 130, 460, 158),
        Word("TN", 466, 130, 490, 157),
        Word("27324", 498, 129, 550, 156),
        Word("1766 W Ly Avenue,", 91, 142, 270, 171),
        Word("Gouthquiengberg,", 284, 134, 455, 163),
        Word("JUL 18, 2017", 99, 195, 227, 224),
    ]
    page = Page(1, 650.0, 400.0, words, source="ocr")
    page.build_lines()
    texts = [ln.text for ln in reading_lines(page)]
    assert texts[1].startswith("1766 W Ly Avenue, Gouthquiengberg,") and texts[1].endswith(
        "TN 27324"
    )
    assert address_value([texts[1]], "ocr") == "1766 W Ly Avenue, Gouthquiengberg, TN 27324"
    # a comma printed twice with no gap stays as printed
    assert address_value(["NO.9, JALAN 16/11,,46350,PETALING JAYA"], "ocr").count(",,") == 1


def test_a_leaning_line_end_listed_with_the_line_above_goes_back_to_its_line() -> None:
    # a photo at a slant: the zip box at the end of the street line sits as high as the end of
    # the slogan line over it and was listed after it; on the slogan's slope it is far too low
    words = [
        Word("Dapple", 245, 44, 330, 82),
        Word("Tacos", 345, 44, 440, 82),
        Word("Proudly", 244, 92, 320, 116),
        Word("Independent", 329, 86, 445, 110),
        Word("98967-5306", 461, 98, 581, 122),
        Word("3559", 116, 116, 158, 143),
        Word("POPLAR", 173, 113, 242, 140),
        Word("ST,", 253, 110, 287, 137),
        Word("GOLDCREST,", 298, 106, 416, 133),
        Word("WA", 428, 103, 449, 130),
        Word("T:", 257, 131, 280, 158),
        Word("548-452-3204", 290, 127, 436, 154),
    ]
    page = Page(1, 700.0, 400.0, words, source="ocr")
    page.build_lines()
    texts = [" ".join(s.text for s in ln.segments) for ln in reading_lines(page)]
    assert "Proudly Independent" in texts
    assert "3559 POPLAR ST, GOLDCREST, WA 98967-5306" in texts


def test_a_pike_is_a_street_and_its_line_starts_the_address(receipt: TemplateSpec) -> None:
    lines = ["Harlow & Fenn", "9552 N DAIRTWHIE PIKE", "STE 274", "YEATHHAVEN, NY 33851"]
    lines += ["T. 330.343.5873", "DATE 07/23/2014", "Soap 4.00", "TOTAL 4.00"]
    found = find_fields(_page(lines), receipt)["address"]
    assert found.value == "9552 N DAIRTWHIE PIKE STE 274 YEATHHAVEN, NY 33851"
    assert STREET_WORD.search("OLD MILL TURNPIKE") and STREET_WORD.search("12 FERN ALLEY")
