"""Other readings of a receipt's name line when OCR glued, broke or misread its words."""

from __future__ import annotations

from extraction.finders.concepts import field_spec
from extraction.finders.fields import Finder
from extraction.finders.parties import clean_name
from extraction.ranker import document_candidates
from extraction.ranker.respell import readings, repair, respace, split_glued, unknown_share
from tests.extraction.receipt_images import ocr_page


def test_glued_words_are_parted_one_word_at_a_time() -> None:
    assert split_glued("PRINTSDN") == ["PRINT", "SDN"]
    assert split_glued("GARDENIABAKERIES") == ["GARDENIA", "BAKERIES"]
    assert split_glued("STATIONERY") is None  # a word is no glued pair
    assert split_glued("SDN") is None
    # a logo in large, widely spaced letters: the shop's own name, then common words
    assert split_glued("SANYUSTATIONERYSHOP") == ["SANYU", "STATIONERY", "SHOP"]
    assert split_glued("FOODICIOUS") is None  # one unknown word is no name and words
    found = [value for value, kind in readings("ARTRANGE STATIONERS & PRINTSDN BHD")]
    # a name may itself be an unknown word ('ARTRANGE'): each glued word is also parted alone
    assert "ARTRANGE STATIONERS & PRINT SDN BHD" in found
    assert "ART RANGE STATIONERS & PRINT SDN BHD" in found


def test_broken_words_are_joined_and_digits_read_as_letters() -> None:
    assert repair("GA RDENIA BAKERIES (KL) SDN BHD") == ("GARDENIA BAKERIES (KL) SDN BHD", ["join"])
    assert repair("KMF F00DICIOUS SDN BHD") == ("KMF FOODICIOUS SDN BHD", ["digits"])
    assert repair("LIAN HING STATIONERY SDN BHD") == ("LIAN HING STATIONERY SDN BHD", [])
    assert repair("7-ELEVEN MALAYSIA")[1] == []  # a number is no misread word
    # digits after a word's letters are a code or a number ('POS01', 'MAX108'), not letters
    assert repair("MAX108 MART POS01") == ("MAX108 MART POS01", [])
    assert readings("GA RDENIA BAKERIES (KL) SDN BHD") == []  # repaired outright, no other reading


def test_broken_word_is_repaired_in_place_of_the_printed_reading() -> None:
    doc = ocr_page(["GA RDENIA BAKERIES (KL) SDN BHD", "12 JALAN MERANTI 3,", "TOTAL 10.60"])
    specs = [field_spec("company", {"type": "string"})]
    cands = {c.value: c.features for c in document_candidates(Finder(doc, specs))["company"]}
    # the printed reading is no candidate: too few receipts carry broken words for the ranker to
    # learn to prefer the repair
    assert "GA RDENIA BAKERIES (KL) SDN BHD" not in cands
    repaired = cands["GARDENIA BAKERIES (KL) SDN BHD"]
    assert repaired["c_join"] == 1.0 and repaired["c_unknown_fixed"] > 0
    assert repaired["rule_chosen"] == 1.0  # the rules' choice, read as printed, is this line


def test_legal_form_glued_or_misread_is_spelled_as_printed() -> None:
    assert clean_name("ARTRANGE STATIONERS & PRINTSDN BHD") == "ARTRANGE STATIONERS & PRINT SDN BHD"
    assert (
        clean_name("SUPER.SEVEN CASH & CARRY SBN 3HD 28-05") == "SUPER.SEVEN CASH & CARRY SDN BHD"
    )
    assert clean_name("XYZ SDN.BHD.") == "XYZ SDN. BHD."
    assert clean_name("KORVAN HEALTHCARE SIN BHD") == "KORVAN HEALTHCARE SDN BHD"  # D read as I
    assert clean_name("MISDN BHD TRADING") == "MISDN BHD TRADING"  # too short to be glued


def test_unknown_share_counts_fragments() -> None:
    assert unknown_share("PRINTSDN BHD") == 0.5
    assert unknown_share("PRINT SDN BHD") == 0.0


def test_repaired_reading_is_a_candidate_beside_the_printed_one() -> None:
    doc = ocr_page(["GARDENIABAKERIES (KL) SDN BHD", "12 JALAN MERANTI 3,", "TOTAL 10.60"])
    specs = [field_spec("company", {"type": "string"})]
    cands = {c.value: c.features for c in document_candidates(Finder(doc, specs))["company"]}
    printed = cands["GARDENIABAKERIES (KL) SDN BHD"]
    repaired = cands["GARDENIA BAKERIES (KL) SDN BHD"]
    assert printed["c_split"] == 0.0 and repaired["c_split"] == 1.0
    assert repaired["c_unknown"] < printed["c_unknown"]
    assert repaired["c_unknown_fixed"] > 0
    assert repaired["idx"] == printed["idx"]  # read from the same line


def test_glued_and_broken_words_on_one_line_are_repaired_together() -> None:
    found = readings("WESTERNEASTERN STAT IONERY SDN. BHD")
    assert ("WESTERN EASTERN STATIONERY SDN. BHD", "all") in found
    assert ("WESTERN EASTERN STAT IONERY SDN. BHD", "split") in found  # each repair alone too
    # the candidates repair the broken word first: parting the glued one is then all there is
    assert readings(repair("WESTERNEASTERN STAT IONERY SDN. BHD")[0]) == [
        ("WESTERN EASTERN STATIONERY SDN. BHD", "split")
    ]


def test_spaces_lost_beside_parentheses_and_ampersands_are_put_back() -> None:
    assert respace("ENTERPRISE (SETIA ALAM)SDN BHD") == "ENTERPRISE (SETIA ALAM) SDN BHD"
    assert respace("ENTERPRISE (SETIA ALAM).SDN BHD") == "ENTERPRISE (SETIA ALAM) SDN BHD"
    assert respace("TEO HENG STATIONERY &BOOKS") == "TEO HENG STATIONERY & BOOKS"
    assert respace("CHECKERS HYPERMARKET(JALAN KLANG)") == "CHECKERS HYPERMARKET (JALAN KLANG)"
    assert respace("THE TOAST F&B SDN BHD") == "THE TOAST F&B SDN BHD"  # initials stay glued
    assert respace("SUPER.SEVEN CASH & CARRY") == "SUPER.SEVEN CASH & CARRY"


def test_a_name_printed_over_three_lines_is_whole_only_from_its_first_line() -> None:
    doc = ocr_page(
        [
            "AIK HUAT HARDWARE",
            "ENTERPRISE (SETIA",
            "ALAM)SDN BHD",
            "822737-X",
            "NO. 17-G, JALAN SETIA INDAH",
        ]
    )
    specs = [field_spec("company", {"type": "string"})]
    cands = {c.value: c.features for c in document_candidates(Finder(doc, specs))["company"]}
    whole = cands["AIK HUAT HARDWARE ENTERPRISE (SETIA ALAM) SDN BHD"]
    cut = cands["ENTERPRISE (SETIA ALAM) SDN BHD"]
    assert whole["c_complete"] == 1.0 and whole["c_above_namey"] == 0.0
    assert cut["c_complete"] == 0.0 and cut["c_above_namey"] == 1.0
    assert cands["AIK HUAT HARDWARE"]["c_complete"] == 0.0  # no legal form ends it


def test_a_colon_after_an_article_is_a_misread_mark() -> None:
    assert repair("THE: TOAST F&B SDN BHD") == ("THE TOAST F&B SDN BHD", ["mark"])
    assert repair("OWNED BY: KEDAI MAJU")[1] == []  # a label's colon stays


def test_a_title_glued_to_the_next_word_is_spaced() -> None:
    assert repair("MR.D.I.Y. (M) SDN BHD") == ("MR. D.I.Y. (M) SDN BHD", ["mark"])
    assert repair("MR. D.I.Y. (M) SDN BHD")[1] == []
    assert repair("MRDIY TRADING")[1] == []


def test_long_run_of_three_words_is_parted_outright() -> None:
    # a letterhead in a tight display font: the recogniser lost its spaces, and a run of 16
    # letters or more that parts into three words is no name glued on purpose
    assert repair("TANLIBOOKSTATIONERY") == ("TANLI BOOK STATIONERY", ["spaces"])
    assert repair("WHOLEFOODSMARKETPLACE DELI")[0] == "WHOLE FOODS MARKETPLACE DELI"
    # shorter runs and runs of two words stay as printed (names glue words on purpose, and
    # invented names part into fragments): the ranker weighs their parted readings
    assert repair("JOUCKNOXFORD SPORTING GOODS") == ("JOUCKNOXFORD SPORTING GOODS", [])
    assert repair("GARDENIABAKERIES (KL) SDN BHD")[1] == []
    doc = ocr_page(["TANLIBOOKSTATIONERY", "NO. 12, JALAN MERANTI 3,", "TOTAL 10.60"])
    specs = [field_spec("company", {"type": "string"})]
    values = [c.value for c in document_candidates(Finder(doc, specs))["company"]]
    assert "TANLI BOOK STATIONERY" in values and "TANLIBOOKSTATIONERY" not in values


def test_an_ampersand_between_initials_read_as_a_four_is_put_back() -> None:
    assert repair("G4B Supply") == ("G&B Supply", ["mark"])
    assert repair("A4 PAPER STORE") == ("A4 PAPER STORE", [])  # a paper size, no initials
    assert repair("4X4 TYRES") == ("4X4 TYRES", [])
