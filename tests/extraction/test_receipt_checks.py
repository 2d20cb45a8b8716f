"""Receipt company, total and date: the checks that hold on any shop's receipt."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from extraction import TemplateSpec, extract_file
from extraction.finders.concepts import field_spec
from extraction.finders.fields import Finder
from extraction.finders.parties import NOT_A_NAME, clean_name
from extraction.finders.totals import cash_minus_change
from extraction.normalise import find_dates
from extraction.ranker import document_candidates
from extraction.ranker.company import company_features
from extraction.ranker.totals import amounts_in, line_amounts, payment, sum_above, total_word
from tests.extraction.receipt_images import ocr_page, receipt_image


def _total_features(lines: list[str]) -> dict[str, dict[str, float]]:
    doc = ocr_page(lines)
    specs = [field_spec("total", {"type": "number"})]
    cands = document_candidates(Finder(doc, specs))["total"]
    return {str(c.value): c.features for c in cands}


def test_change_printed_negative_is_change_given() -> None:
    lines = [
        "SUBTOTAL 33.00",
        "TAX 1.98",
        "ROUNDING 0.02",
        "TOTAL 35.00",
        "CASH 55.00",
        "CHANGE 20.00-",
    ]
    doc = ocr_page(lines)
    pay = payment(doc.lines, line_amounts(doc.lines))
    assert pay.paid == Decimal("35.00") and pay.change_line == 5 and pay.tender_line == 4
    got = cash_minus_change(Finder(doc, [field_spec("total", {"type": "number"})]))
    assert got is not None and got[0] == Decimal("35.00")
    feats = _total_features(lines)
    assert feats["35.00"]["t_paid"] == 1.0 and feats["35.00"]["t_sum_above"] == 1.0
    assert feats["55.00"]["t_is_tender"] == 1.0 and feats["55.00"]["t_paid"] == 0.0


def test_tendered_amount_without_a_readable_label() -> None:
    # 'Pay' read as 'Fay': the amount just above the change line is still what was tendered
    doc = ocr_page(["Due 7.50", "Fay 20.00", "Change 12.50"])
    pay = payment(doc.lines, line_amounts(doc.lines))
    assert pay.paid == Decimal("7.50") and pay.tender_line == 1


def test_no_change_line_no_payment_check() -> None:
    doc = ocr_page(["TOTAL 4.50", "CASH 4.50"])
    assert payment(doc.lines, line_amounts(doc.lines)).paid is None


def test_total_is_the_sum_of_the_lines_above_it() -> None:
    doc = ocr_page(
        ["Gross Amt 47.80", "Svr Tax 2.87", "GST (6%): 2.88", "Net Amt 53.55", "THANK YOU"]
    )
    amounts = line_amounts(doc.lines)
    assert sum_above(Decimal("53.55"), 3, amounts)
    assert not sum_above(Decimal("2.87"), 1, amounts)  # one line above is no sum
    assert not sum_above(Decimal("50.00"), 3, amounts)


def test_total_label_read_with_one_ocr_error() -> None:
    assert total_word("TOTAL (MYR)") == (True, False)
    assert total_word("TOTL, : RM 73.00") == (False, True)
    assert total_word("Tntal Sales (Inclusive of GST)") == (False, True)
    assert total_word("TOTE BAG 12.00") == (False, False)
    assert total_word("Cash 20.00") == (False, False)


def test_rounded_total_and_the_amount_before_rounding() -> None:
    feats = _total_features(
        ["Net Total 19.01", "Rounding Adj. -0.01", "Net Total Rounded 19.00", "Cash 19.00"]
    )
    assert feats["19.00"]["t_rounded_of"] == 1.0
    assert feats["19.01"]["t_pre_rounding"] == 1.0


def test_amount_after_a_currency_mark_read_with_letters() -> None:
    assert [a[0] for a in amounts_in("Grand TotalRMI5.40")] == [Decimal("15.40")]
    assert [a[0] for a in amounts_in("Change | RMI0.00")] == [Decimal("10.00")]
    assert [a[0] for a in amounts_in("TOTAL $O.99")] == [Decimal("0.99")]
    assert amounts_in("MOLDY RMIX") == []
    feats = _total_features(["Total (Incl GST) RMI5.39", "Rounding RM0.01", "Grand TotalRMI5.40"])
    assert feats["15.40"]["t_rounded_of"] == 1.0


def test_company_features_from_the_lines_around_a_name() -> None:
    place = company_features(
        "OASIS VILLAGE", "OASIS VILLAGE", ["LOUNGE 2, OASIS VILLAGE, NO 2"], False
    )
    assert place["c_in_next_lines"] == 1.0
    logo = company_features("VELCITY n'As", "VELCITY n'As", [], False)
    assert logo["c_odd_words"] == 0.5
    owned = company_features("OWN BY: CHEF LEE SDN BHD", "OWN BY: CHEF LEE SDN BHD", [], False)
    assert owned["c_label_inside"] == 1.0
    notice = company_features("THANK YOU", "THANK YOU FOR SHOPPING", [], False)
    assert notice["c_line_notice"] == 1.0
    shop = company_features(
        "Maple Street Grocery", "Maple Street Grocery", ["1450 Maple Street"], False
    )
    assert shop == {
        "c_line_notice": 0.0,
        "c_in_next_lines": 0.0,
        "c_odd_words": 0.0,
        "c_after_colon": 0.0,
        "c_label_inside": 0.0,
    }


def test_slogans_and_notices_are_not_names() -> None:
    for text in (
        "GOODS SOLD ARE NOT RETURNABLE, THANK YOU",
        "Goods sold are non-refundable.",
        "Have a nice day",
        "THANK YOU FOR SHOPPING",
        "WELCOME TO",
        "Customer Copy",
    ):
        assert NOT_A_NAME.match(text), text
    for text in ("SLF CASH & CARRY", "Maple Street Grocery", "GOODWILL STORE"):
        assert not NOT_A_NAME.match(text), text


def test_name_cleaning_keeps_the_name_only() -> None:
    assert clean_name("BEMED (SP) SDN. BHD. P") == "BEMED (SP) SDN. BHD."  # a stray letter
    assert clean_name("ACME TRADING SDN BHD") == "ACME TRADING SDN BHD"


def test_dates_as_receipts_print_them() -> None:
    def iso(text: str, day_first: bool = True) -> list[str]:
        return [d.isoformat() for d, _s, _e in find_dates(text, day_first)]

    assert iso("12:30PM11/30/2016", day_first=False) == ["2016-11-30"]  # glued to the time
    assert iso("NOV.30.2016") == ["2016-11-30"]
    assert iso("Nov-30-2016 10:22") == ["2016-11-30"]
    assert iso("27 032018 No.CS-20242") == ["2018-03-27"]  # a separator lost, one read as space
    assert iso("Tel 03 77343662") == []
    assert iso("2/17/2016", day_first=False) == ["2016-02-17"]
    assert iso("11/30/16 11:45", day_first=False) == ["2016-11-30"]


def test_us_receipt_with_a_welcome_line_and_cash_tendered(
    tmp_path: Path, receipt: TemplateSpec
) -> None:
    """A slogan above the shop's name, a short US date, and cash tendered larger than the total."""
    image = receipt_image(
        [
            "WELCOME",
            "Lakeside Hardware",
            "820 Harbor Road",
            "Portland, OR 97201",
            "2/17/16  10:05 AM",
            "Hammer                12.99",
            "Nails                  3.49",
            "Subtotal              16.48",
            "Tax                    1.32",
            "Amount Due           $17.80",
            "Cash                 $20.00",
            "Change                $2.20",
            "THANK YOU",
        ],
        tmp_path / "us2.png",
    )
    v = extract_file(image, receipt).values()
    assert v["company"] == "Lakeside Hardware"
    assert v["date"] == "2016-02-17"
    assert v["total"] == 17.8
