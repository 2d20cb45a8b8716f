"""OCR post-processing: restored spaces, digit/letter confusions, split numbers and initials."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from extraction import TemplateSpec, extract_file, ocr
from extraction.document import Word
from extraction.ocr import (
    DEFAULT,
    _drop_overlapped_tails,
    _line_blank,
    _merge_initials,
    _merge_split_numbers,
    _respace,
    _split_parens,
    fix_confusables,
    normalise_token,
)
from extraction.ocr_gaps import gap_lines


def test_confusables_in_words_and_numbers() -> None:
    assert fix_confusables("L0T") == "LOT"
    assert fix_confusables("Leve1") == "Level"
    assert fix_confusables("(C0.REG:933109-X)") == "(CO.REG:933109-X)"
    assert fix_confusables("RMI4.18") == "RM14.18"
    assert fix_confusables("433O0") == "43300"
    assert fix_confusables("GST06%") == "GST@6%"  # '@' read as '0': no rate has a leading zero
    assert fix_confusables("ZRL00%(Z)") == "ZRL@0%(Z)"
    assert fix_confusables("RH9.00") == "RM9.00"  # the M of 'RM' read as 'H'
    assert fix_confusables("CASH:RH") == "CASH:RM"
    assert fix_confusables("--4.69") == "-4.69"
    kept = ("SS21/39", "UPTOWN3", "10.00", "RM0.02", "A1", "RM13.50", "SR06.00", "0.00%", "100%")
    for keep in (*kept, "RH-008#", "A--16-1"):
        assert fix_confusables(keep) == keep


def test_signs_of_other_scripts_read_for_latin_letters() -> None:
    assert normalise_token("⊂&T") == "C&T"  # a math sign for the C
    assert normalise_token("СAFE") == "CAFE"  # a Cyrillic С among Latin letters
    assert normalise_token("Москва") == "Москва"  # a Cyrillic word keeps its letters
    assert normalise_token("infoßtullyshardware.com") == "info@tullyshardware.com"
    assert normalise_token("Straße") == "Straße"


def test_glued_words_are_split() -> None:
    assert _split_parens("BAKERIES(KL)SDN") == ["BAKERIES", "(KL)", "SDN"]
    assert _split_parens("HARDWARE&") == ["HARDWARE", "&"]
    assert _split_parens("INTERNATIONALSDN") == ["INTERNATIONAL", "SDN"]
    assert _split_parens("F&B") == ["F&B"]


def test_split_amounts_and_initials_are_joined() -> None:
    words = [Word("14.", 0, 0, 30, 20), Word("10", 34, 0, 50, 20)]
    assert [w.text for w in _merge_split_numbers(words)] == ["14.10"]
    words = [
        Word("MR", 0, 0, 30, 20),
        Word("D.", 40, 0, 55, 20),
        Word("I", 57, 0, 62, 20),
        Word(".Y.", 64, 0, 80, 20),
    ]
    assert [w.text for w in _merge_initials(words)] == ["MR", "D.I.Y."]


def test_threads_share_the_engine_safely(fixtures: Path, invoice: TemplateSpec) -> None:
    files = [
        fixtures / "invoice_text.pdf",
        fixtures / "receipt.png",
        fixtures / "two_pages.pdf",
        fixtures / "receipt_scan.pdf",
        fixtures / "invoice.docx",
    ] * 2
    sequential = [extract_file(f, invoice).values() for f in files]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(lambda f: extract_file(f, invoice).values(), files))
    assert parallel == sequential


def test_eval_tool_without_corpus(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, str(repo / "tools" / "eval.py"), str(tmp_path / "absent")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0
    assert "No corpus" in proc.stdout


def test_restored_space_looks_past_a_neighbouring_lines_ink() -> None:
    # a 40 px line 'AB' + 'C' with an 18 px blank gap (above 0.32 of the height), and a
    # descender of the line above reaching 3 px down into the line's box across the gap
    page = Image.new("L", (80, 60), 255)
    draw = ImageDraw.Draw(page)
    glyphs = {"A": (10, 20), "B": (22, 32), "C": (50, 60)}
    for x0, x1 in glyphs.values():
        draw.rectangle((x0, 16, x1 - 1, 44), fill=0)
    draw.rectangle((30, 10, 50, 12), fill=0)
    gray = np.asarray(page.convert("RGB")).sum(axis=2, dtype=np.uint16)
    quad = [[10, 10], [60, 10], [60, 50], [10, 50]]
    boxes = [[[x0, 10], [x1, 10], [x1, 50], [x0, 50]] for x0, x1 in glyphs.values()]
    chars = list(glyphs)
    assert _respace(chars, boxes, _line_blank(gray, quad, 0.0)) == ["A", "B", "C"]
    assert _respace(chars, boxes, _line_blank(gray, quad, DEFAULT.blank_band)) == [
        "A",
        "B",
        " ",
        "C",
    ]


def test_colons_the_detector_passes_over_are_read() -> None:
    # labels, a column of lone ':' and values, as many receipts print them: the detector finds
    # no text line around a lone ':', the gaps of its rows are read again
    page = Image.new("RGB", (700, 900), "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=22)
    rows = [("Sub-Total", "25.60"), ("Grand Total", "3.90"), ("Payment", "5.00")]
    for k, (label, value) in enumerate(rows):
        y = 100 + 40 * k
        draw.text((60, y), label, fill="black", font=font)
        draw.text((330, y), ":", fill="black", font=font)
        draw.text((520, y), value, fill="black", font=font)
    page = page.resize((350, 450))
    assert ":" not in [w.text for w in ocr.ocr_words(page, replace(DEFAULT, read_gaps=False))]
    words = ocr.ocr_words(page)
    assert " ".join(w.text for w in words) == "Sub-Total : 25.60 Grand Total : 3.90 Payment : 5.00"


def test_the_edge_of_a_black_band_is_no_glyph_the_detector_passed_over() -> None:
    """A shop's name printed white on a black band, its detected line taller than the band: the
    band left of the name is dark, clear of the line's top and bottom, but no ink of a glyph (it
    read as 'L')."""
    page = Image.new("RGB", (640, 300), "white")
    draw = ImageDraw.Draw(page)
    try:
        bold = ImageFont.truetype("DejaVuSansMono-Bold.ttf", 34)
        plain = ImageFont.truetype("DejaVuSansMono.ttf", 24)
    except OSError:
        bold, plain = ImageFont.load_default(size=34), ImageFont.load_default(size=24)
    name = "ASHRIDGE HOME & GARDEN"
    width = draw.textlength(name, font=bold)
    x = (page.width - width) / 2
    draw.rectangle([x - 18, 40, x + width + 18, 94], fill=0)
    draw.text((x, 46), name, fill="white", font=bold)
    draw.text((30, 150), "WILFIELD, CA 94076", fill="black", font=plain)
    rgb = np.asarray(page)
    quads = [
        [[x, 34.0], [x + width, 34.0], [x + width, 100.0], [x, 100.0]],  # the name's line
        [[28.0, 148.0], [300.0, 148.0], [300.0, 178.0], [28.0, 178.0]],  # the page's margin
    ]
    gray = rgb.sum(axis=2, dtype=np.uint16)
    assert gap_lines(rgb, gray, quads, ocr._recogniser(DEFAULT), 0.5) == []
    page.paste("white", (0, 0, 640, 110))  # the same row printed black on white is read
    draw.text((int(x) - 30, 46), "1", fill="black", font=bold)
    draw.text((x, 46), name, fill="black", font=bold)
    rgb = np.asarray(page)
    gray = rgb.sum(axis=2, dtype=np.uint16)
    assert [t for _p, _q, t, _s in gap_lines(rgb, gray, quads, ocr._recogniser(DEFAULT), 0.5)] == [
        "1"
    ]


def test_a_glyph_two_overlapping_lines_both_read_is_kept_once() -> None:
    """The detector's box of 'COBALT' reaches into the box of 'PIZZA', and the recogniser reads
    the part of the 'P' in it as 'F': the left line's last word inside the right line's box is
    dropped. A label whose box merely touches its value's keeps its words."""

    def line(x0: float, x1: float, *words: tuple[str, float, float]) -> ocr.Line:
        quad = [[x0, 36.0], [x1, 36.0], [x1, 88.0], [x0, 88.0]]
        return ocr.Line(quad, 0.9, [Word(t, a, 40.0, b, 84.0) for t, a, b in words])

    cobalt = line(143, 334, ("COBALT", 150, 290), ("F", 312, 330))
    pizza = line(308, 450, ("PIZZA", 312, 446))
    total = line(40, 205, ("SUB", 44, 100), ("TOTAL", 110, 200))
    amount = line(196, 300, ("12.00", 210, 296))
    _drop_overlapped_tails([cobalt, pizza, total, amount])
    assert [w.text for w in cobalt.words] == ["COBALT"]
    assert [w.text for w in total.words] == ["SUB", "TOTAL"]
