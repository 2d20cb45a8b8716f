"""The OCR engine on real images: pages turned sideways, leaning pages, confidences, and the
measurement tool that chose the engine (tools/ocr_compare.py)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from extraction import EngineOptions, TemplateSpec, extract_file
from extraction.ocr import (
    DEFAULT,
    Setup,
    line_boxes,
    ocr_lines,
    ocr_upright,
    ocr_words,
    prepare,
    tall_detection_limit,
    text_region,
)
from extraction.readers import read_document

REPO = Path(__file__).resolve().parents[2]


def _compare_tool():
    spec = importlib.util.spec_from_file_location("ocr_compare", REPO / "tools" / "ocr_compare.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("turn", [Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270])
def test_receipt_photographed_sideways_is_read_upright(
    fixtures: Path, tmp_path: Path, turn: Image.Transpose
) -> None:
    with Image.open(fixtures / "receipt.png") as im:
        upright_size = im.size
        im.convert("RGB").transpose(turn).save(tmp_path / "sideways.png")
    doc = read_document(tmp_path / "sideways.png", EngineOptions())
    page = doc.pages[0]
    assert (page.width, page.height) == upright_size  # the page is the turned-back image
    text = doc.text.upper()
    assert "SUNRISE MART SDN BHD" in text
    assert "16.80" in text
    # reading order survives: the shop's name comes before the total
    assert text.index("SUNRISE MART") < text.index("16.80")


def test_receipt_photographed_upside_down_is_read_upright(fixtures: Path, tmp_path: Path) -> None:
    with Image.open(fixtures / "receipt.png") as im:
        im.convert("RGB").transpose(Image.Transpose.ROTATE_180).save(tmp_path / "upside.png")
    doc = read_document(tmp_path / "upside.png", EngineOptions())
    text = doc.text.upper()
    assert "SUNRISE MART SDN BHD" in text
    assert text.index("SUNRISE MART") < text.index("16.80")
    with Image.open(tmp_path / "upside.png") as im:
        _, _, degrees = ocr_upright(im.convert("RGB"))
    assert degrees == 180.0


def test_upright_page_is_not_turned(fixtures: Path) -> None:
    with Image.open(fixtures / "receipt.png") as im:
        image = im.convert("RGB")
    same, words, degrees = ocr_upright(image)
    assert same is image and degrees == 0.0
    assert words and all(0.0 < w.conf <= 1.0 for w in words)
    assert all(0 <= w.x0 < w.x1 <= image.width and 0 <= w.y0 < w.y1 <= image.height for w in words)


def test_deskew_straightens_a_leaning_page(fixtures: Path) -> None:
    with Image.open(fixtures / "receipt.png") as im:
        leaning = im.convert("RGB").rotate(-4, expand=True, fillcolor=(255, 255, 255))
    straight, words, degrees = ocr_upright(leaning, Setup(deskew=True))
    assert 2.5 < -degrees < 5.5 or 2.5 < degrees < 5.5
    assert abs(abs(degrees) - 4) < 1.5
    assert straight.size != leaning.size
    assert "SUNRISE" in " ".join(w.text for w in words).upper()


@pytest.mark.parametrize("lean", [-15, 25])
def test_receipt_photographed_at_a_slant_is_straightened(
    fixtures: Path, tmp_path: Path, receipt: TemplateSpec, lean: int
) -> None:
    """Past a few degrees the lines are no longer grouped right from a slanted reading: the
    page is straightened and read again (without ``deskew``, which straightens any lean)."""
    with Image.open(fixtures / "receipt.png") as im:
        upright = extract_file(fixtures / "receipt.png", receipt).values()
        im.convert("RGB").rotate(lean, expand=True, fillcolor=(255, 255, 255)).save(
            tmp_path / "slanted.png"
        )
    with Image.open(tmp_path / "slanted.png") as im:
        _, _, degrees = ocr_upright(im.convert("RGB"))
    assert abs(degrees + lean) < 2
    values = extract_file(tmp_path / "slanted.png", receipt).values()
    for field in ("company", "address", "date", "total"):
        assert values[field] == upright[field], field


def test_a_small_lean_is_left_to_the_line_grouping(fixtures: Path) -> None:
    with Image.open(fixtures / "receipt.png") as im:
        leaning = im.convert("RGB").rotate(-3, expand=True, fillcolor=(255, 255, 255))
    same, _, degrees = ocr_upright(leaning)
    assert same is leaning and degrees == 0.0  # read once


def test_a_long_till_roll_is_read_at_its_own_resolution(
    fixtures: Path, tmp_path: Path, receipt: TemplateSpec
) -> None:
    """A page seven times as long as wide is neither reduced to the usual long side (its text
    would shrink to a few pixels) nor detected at the usual size; an ordinary receipt and a
    large photo are, as before."""
    with Image.open(fixtures / "receipt.png") as im:
        page = im.convert("RGB").resize((868, 1008), Image.Resampling.LANCZOS)
    head, items, tail = (page.crop((0, a, 868, b)) for a, b in ((0, 462), (462, 647), (647, 1008)))
    roll = Image.new("RGB", (868, head.height + 30 * items.height + tail.height), "white")
    roll.paste(head, (0, 0))
    for i in range(30):
        roll.paste(items, (0, head.height + i * items.height))
    roll.paste(tail, (0, head.height + 30 * items.height))
    assert roll.height > 7 * roll.width
    rgb, scale = prepare(roll)
    assert scale == 1.0 and rgb.shape[:2] == (roll.height, roll.width)
    limit = tall_detection_limit(roll.width, roll.height, DEFAULT.det_limit, DEFAULT)
    assert limit > 2 * DEFAULT.det_limit
    assert limit * limit * roll.width / roll.height <= DEFAULT.tall_det_pixels
    assert tall_detection_limit(932, 1656, DEFAULT.det_limit, DEFAULT) == DEFAULT.det_limit
    assert prepare(Image.new("RGB", (3024, 4032), "white"))[1] == 1 / 3  # as before
    roll.save(tmp_path / "roll.jpg", quality=80)
    values = extract_file(tmp_path / "roll.jpg", receipt).values()
    assert values["company"] == "SUNRISE MART SDN BHD"
    assert values["total"] == 16.80


def _on_a_table(receipt: Image.Image, at: tuple[int, int]) -> Image.Image:
    """A 7-megapixel photo (2268 x 3024) of a textured brown table with the receipt lying on it."""
    rng = np.random.default_rng(7)
    table = np.clip(rng.normal((120, 85, 55), 10, (3024, 2268, 3)), 0, 255).astype(np.uint8)
    photo = Image.fromarray(table)
    photo.paste(receipt, at)
    return photo


def test_a_receipt_small_in_a_large_photo_is_read_from_its_own_part(
    fixtures: Path, tmp_path: Path, receipt: TemplateSpec
) -> None:
    """Reduced as a whole for its size, a photo whose receipt fills a seventh of its width shows
    the text at half its size: the part holding the text is read again at full size, and its
    words come back in the photo's coordinates."""
    with Image.open(fixtures / "receipt.png") as im:
        upright = extract_file(fixtures / "receipt.png", receipt).values()
        small = im.convert("RGB").resize((310, 360), Image.Resampling.LANCZOS)
    photo = _on_a_table(small, (1100, 900))
    region = text_region(line_boxes(ocr_lines(photo, Setup(crop_gain=0.0))), photo.size, DEFAULT)
    assert region is not None
    x0, y0, x1, y1 = region
    assert 1000 < x0 <= 1110 and 800 < y0 <= 910 and 1400 <= x1 < 1510 and 1250 <= y1 < 1360
    words = ocr_words(photo)
    assert "SUNRISE MART SDN BHD" in " ".join(w.text for w in words).upper()
    assert all(1100 <= w.x0 < w.x1 <= 1410 and 900 <= w.y0 < w.y1 <= 1260 for w in words)
    photo.save(tmp_path / "photo.jpg", quality=90)
    values = extract_file(tmp_path / "photo.jpg", receipt).values()
    for field in ("company", "address", "date", "total"):
        assert values[field] == upright[field], field


def test_a_page_whose_text_spans_it_is_read_once(fixtures: Path) -> None:
    with Image.open(fixtures / "receipt.png") as im:
        page = im.convert("RGB")
    lines = ocr_lines(page)
    assert text_region(line_boxes(lines), page.size, DEFAULT) is None  # read at full size already
    scan = page.resize((page.width * 4, page.height * 4))  # reduced, but the text spans it
    assert text_region(line_boxes(ocr_lines(scan)), scan.size, DEFAULT) is None
    # a receipt on an A4 flatbed scan (300 dpi) whose print is large enough as read once
    a4 = Image.new("RGB", (2480, 3508), "white")
    a4.paste(page.resize((page.width * 2, page.height * 2)), (600, 500))
    boxes = line_boxes(ocr_lines(a4, Setup(crop_gain=0.0)))
    assert text_region(boxes, a4.size, Setup(crop_below=1000.0)) is not None  # it could be cropped
    assert text_region(boxes, a4.size, DEFAULT) is None  # but is not: no gain


def test_two_scale_voting_reads_the_same_receipt(fixtures: Path) -> None:
    with Image.open(fixtures / "receipt.png") as im:
        image = im.convert("RGB")
    text = " ".join(w.text for w in ocr_words(image, Setup(vote=True))).upper()
    assert "SUNRISE MART" in text and "16.80" in text


def test_compare_tool_scores_lines_by_word_centres() -> None:
    tool = _compare_tool()
    gt = [
        ("TOTAL 16.80", [(100, 100), (300, 100), (300, 120), (100, 120)]),
        ("SUNRISE MART", [(100, 10), (300, 10), (300, 30), (100, 30)]),
    ]
    words = [
        ("16.80", 200, 100, 260, 120),
        ("Total", 100, 101, 150, 119),  # out of order, mixed case
        ("SUNRISEMART", 100, 10, 290, 30),
    ]  # glued: right only when spaces are ignored
    assert tool.score(words, gt) == (1, 2, 2)
    assert tool.score([], gt) == (0, 0, 2)
    # a leaning line: its quadrilateral, not its bounding box, decides what belongs to it
    leaning = [("A B", [(0, 0), (200, 40), (200, 60), (0, 20)])]
    assert tool.score(
        [("A", 0, 0, 20, 20), ("B", 180, 40, 200, 60), ("X", 0, 40, 20, 60)], leaning
    ) == (1, 1, 1)


def test_compare_tool_without_corpus(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "ocr_compare.py"),
            "--corpus",
            str(tmp_path / "absent"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0
    assert "nothing to compare" in proc.stdout


def test_ocr_time_is_reported_for_scans_only(
    fixtures: Path, receipt: TemplateSpec, invoice: TemplateSpec
) -> None:
    assert extract_file(fixtures / "receipt.png", receipt).ocr_seconds > 0
    assert extract_file(fixtures / "receipt_scan.pdf", receipt).ocr_seconds > 0
    assert extract_file(fixtures / "invoice_text.pdf", invoice).ocr_seconds == 0


def test_compare_tool_merges_shards_and_splits_the_set() -> None:
    tool = _compare_tool()
    rows = [
        {
            "config": "a",
            "images": 2,
            "lines": 100,
            "exact": 0.9,
            "nospace": 0.95,
            "cpu_s": 1.0,
            "sys_s": 0.1,
            "rss_mb": 500.0,
        },
        {
            "config": "a",
            "images": 1,
            "lines": 300,
            "exact": 0.5,
            "nospace": 0.55,
            "cpu_s": 4.0,
            "sys_s": 0.4,
            "rss_mb": 600.0,
        },
        {"config": "b", "error": "failed"},
    ]
    a, b = tool.merge(rows)
    assert (a["images"], a["lines"], a["rss_mb"]) == (3, 400, 600.0)
    assert abs(a["sys_s"] - 0.2) < 1e-9  # the kernel's part, weighted by images as CPU-s is
    assert (
        abs(a["exact"] - 0.6) < 1e-9
        and abs(a["nospace"] - 0.65) < 1e-9
        and abs(a["cpu_s"] - 2.0) < 1e-9
    )
    assert b == {"config": "b", "error": "failed"}
    corpus = tool.DEFAULT_CORPUS
    if corpus.is_dir() and tool.receipts(corpus, 4):
        whole = tool.receipts(corpus, 10)
        parts = [tool.receipts(corpus, 10, shard=(i, 3)) for i in range(3)]
        assert sorted(p for part in parts for p in part) == sorted(whole)


def test_compare_tool_confirms_on_receipts_the_scan_did_not_see(tmp_path: Path) -> None:
    tool = _compare_tool()
    for i in range(12):
        (tmp_path / f"r{i}.jpg").write_bytes(b"")
        if i != 5:  # a receipt without ground truth is not measured
            (tmp_path / f"r{i}.ocr-gt.csv").write_text("0,0,1,0,1,1,0,1,A\n")
    ordered = tool.receipts(tmp_path)
    assert len(ordered) == 11 and tmp_path / "r5.jpg" not in ordered
    scanned, confirmed = tool.receipts(tmp_path, 4), tool.receipts(tmp_path, 5, skip=4)
    assert confirmed == ordered[4:9] and not set(scanned) & set(confirmed)
    assert tool.receipts(tmp_path, skip=4, shard=(1, 2)) == ordered[4:][1::2]


def test_compare_tool_reports_the_childs_own_peak_memory_not_its_parents() -> None:
    """Linux carries ``ru_maxrss`` over ``exec``: a child started by a large process (``make
    bench`` after loading three engines) reported the parent's size for every engine."""
    ballast = bytearray(300 * 1024 * 1024)
    ballast[::4096] = b"\1" * len(ballast[::4096])  # touch every page: resident
    tool = str(REPO / "tools" / "ocr_compare.py")
    code = (
        "import importlib.util, sys; "
        f"spec = importlib.util.spec_from_file_location('t', {tool!r}); "
        "t = importlib.util.module_from_spec(spec); spec.loader.exec_module(t); "
        "print(t.peak_rss_mb())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert len(ballast) and float(out.stdout.split()[-1]) < 250
