"""Scanned letters as the recogniser boxes them: each detected line's box is grown around its
text, so the boxes of a block's lines overlap, small print is hardly shorter than body text, and
a heading in small print sits in the same band as the line of the column beside it.

The boxes below are the OCR's own, measured on 200-dpi renders of invoices (the names are
invented)."""

from __future__ import annotations

from extraction.document import Document, Page, Word
from extraction.finders.parties import POSTCODE_PART, QUANTITY, address_block_name

Box = tuple[str, float, float, float, float]


def _scan(boxes: list[Box]) -> Document:
    """An OCR page from detected lines: each line's words share its box, split by letters."""
    words = []
    for text, x0, y0, x1, y1 in boxes:
        tokens = text.split()
        step = (x1 - x0) / max(1, len(text))
        x = x0
        for token in tokens:
            words.append(Word(token, x, y0, x + step * len(token), y1))
            x += step * (len(token) + 1)
    page = Page(1, 1654.0, 2339.0, words, source="ocr")
    page.build_lines()
    return Document([page], "image")


def _lines(doc: Document) -> list[str]:
    return [" | ".join(seg.text for seg in line.segments) for line in doc.pages[0].lines]


def test_a_heading_in_small_print_over_a_name_is_a_line_of_its_own() -> None:
    """'Destinataire' over 'SAS Vornelle', both beside the taller line of the delivery address:
    one row through that line read 'SAS Destinataire Vornelle'."""
    doc = _scan(
        [
            ("Adresse de livraison", 184, 420, 460, 450),
            ("Destinataire", 870, 450, 984, 478),
            ("Chantier Morin", 184, 457, 380, 497),
            ("SAS Vornelle", 866, 472, 1044, 512),
            ("154 avenue de la République", 184, 492, 560, 528),
            ("À l'attention de M. Paul Garnier", 866, 506, 1268, 540),
        ]
    )
    lines = _lines(doc)
    assert "SAS Vornelle" in " ".join(lines)
    assert not any("Destinataire Vornelle" in line for line in lines)


SENDER_OVER_WINDOW: list[Box] = [
    ("Dornhage & Co. AG · Kesselgasse 111 · 6586 Kesselburg", 184, 138, 748, 170),
    ("Dornhage & Co.", 1020, 150, 1504, 210),
    ("Wendrich Holzbau GmbH", 184, 190, 440, 224),
    ("Hartlweg 45", 188, 218, 354, 256),
    ("1151 Hartling", 182, 244, 400, 286),
]


def test_a_recipient_block_whose_boxes_overlap_is_the_windows() -> None:
    """The grown boxes of the recipient's lines overlap: a negative gap between two of them is
    no wider gap than the one before."""
    got = address_block_name(_scan(SENDER_OVER_WINDOW), set())
    assert got is not None
    assert (got.value, got.how) == ("Wendrich Holzbau GmbH", "window")


def test_a_sender_line_cut_after_its_postcode_goes_on_in_the_next_line() -> None:
    """'… · 99283' over 'Torholm': the sender line's town, wrapped, in small print that OCR
    boxes nearly as tall as the recipient's lines."""
    doc = _scan(
        [
            ("Velsen Metallbau GmbH - Ranweg 30 · 99283", 142, 310, 776, 342),
            ("Torholm", 144, 334, 238, 362),
            ("Gorwin Systemhaus e.K.", 144, 362, 442, 402),
            ("Pelsenweg 90", 142, 394, 308, 426),
            ("47646 Falberbach", 144, 420, 358, 454),
        ]
    )
    got = address_block_name(doc, set())
    assert got is not None
    assert (got.value, got.how) == ("Gorwin Systemhaus e.K.", "window")
    cut = [("Korvo · 72 place de la Fontaine · 47783 SAINT-MORIÈRE-", 188, 322, 972, 368)]
    doc = _scan(
        cut
        + [
            ("SUR-LOIRE", 182, 342, 278, 378),
            ("EURL Rocheval", 186, 390, 386, 428),
            ("10 chemin des Vignes", 182, 422, 464, 468),
            ("78083 DUIN", 184, 460, 344, 500),
        ]
    )
    got = address_block_name(doc, set())
    assert got is not None
    assert got.value == "EURL Rocheval"


def test_an_item_rows_quantity_is_no_town_and_a_postcode_read_with_an_i_is() -> None:
    assert QUANTITY.match("1442 pcs")
    assert QUANTITY.match("1250 kg")
    assert not QUANTITY.match("1151 Hartling")
    assert POSTCODE_PART.fullmatch("PRI 4LP")  # OCR's 'I' for the district's '1'
    doc = _scan(
        [
            ("Harwick & Sons Limited", 188, 388, 470, 420),
            ("166 Wynton Road", 182, 412, 400, 446),
            ("Wyntonwick", 188, 446, 330, 478),
            ("PRI 4LP", 182, 478, 272, 514),
            ("Description Qty Unit Unit Price", 196, 722, 1200, 760),
            ("Software subscription 14 pcs", 192, 764, 1000, 800),
            ("A5 leaflets 1442 pcs", 192, 806, 944, 846),
        ]
    )
    got = address_block_name(doc, set())
    assert got is not None
    assert got.value == "Harwick & Sons Limited"


def test_a_letter_spaced_heading_is_one_segment_and_a_price_column_stays_apart() -> None:
    """Each letter of 'GLENMARK COFFEE HOUSE' as wide as the line is tall: the gaps between
    its words are as wide as the spacing spreads them. Plain words at that gap stay apart."""
    doc = _scan(
        [
            ("GLENMARK", 56, 70, 288, 94),
            ("COFFEE", 317, 70, 489, 94),
            ("HOUSE", 520, 70, 662, 94),
            ("Latte", 56, 140, 120, 164),
            ("4.50", 152, 140, 200, 164),
        ]
    )
    assert _lines(doc) == ["GLENMARK COFFEE HOUSE", "Latte | 4.50"]
