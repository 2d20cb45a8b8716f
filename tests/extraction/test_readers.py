"""Real documents of every supported kind, read into positioned words."""

from __future__ import annotations

from pathlib import Path

from extraction import EngineOptions
from extraction.readers import read_document


def test_text_pdf_words_have_positions_and_reading_order(fixtures: Path) -> None:
    doc = read_document(fixtures / "invoice_text.pdf", EngineOptions())
    assert doc.kind == "pdf" and len(doc.pages) == 1
    page = doc.pages[0]
    assert page.source == "text"
    texts = [line.text for line in page.lines]
    assert texts[0].startswith("Nordlicht Software GmbH")
    assert any("INV-2024-0042" in t for t in texts)
    # reading order: the seller's block comes before the totals
    first = next(i for i, t in enumerate(texts) if "Nordlicht" in t)
    total = next(i for i, t in enumerate(texts) if "Total amount due" in t)
    assert first < total
    for w in page.words:
        assert 0 <= w.x0 < w.x1 <= page.width and 0 <= w.y0 < w.y1 <= page.height


def test_multi_page_pdf_reports_each_page(fixtures: Path) -> None:
    seen: list[int] = []
    doc = read_document(fixtures / "two_pages.pdf", EngineOptions(), on_page=seen.append)
    assert len(doc.pages) == 2 and seen == [1, 2]
    assert "Page two" in doc.pages[1].text


def test_scanned_pdf_page_is_ocred(fixtures: Path) -> None:
    doc = read_document(fixtures / "receipt_scan.pdf", EngineOptions())
    assert doc.pages[0].source == "ocr"
    assert "SUNRISE MART" in doc.text.upper()


def test_image_is_ocred_with_word_spaces(fixtures: Path) -> None:
    doc = read_document(fixtures / "receipt.png", EngineOptions())
    text = doc.text.upper()
    assert "SUNRISE MART SDN BHD" in text
    assert "16.80" in text


def test_docx_paragraphs_and_table_cells(fixtures: Path) -> None:
    doc = read_document(fixtures / "invoice.docx", EngineOptions())
    lines = [[s.text for s in line.segments] for line in doc.pages[0].lines]
    assert ["Blue Harbor Consulting Ltd"] in lines
    assert ["Description", "Qty", "Unit Price", "Amount"] in lines
    assert ["Workshop day", "2", "800.00", "1,600.00"] in lines


def test_plain_text_keeps_columns_as_segments(fixtures: Path) -> None:
    doc = read_document(fixtures / "invoice.txt", EngineOptions())
    line = next(line for line in doc.pages[0].lines if line.text.startswith("Réparation"))
    assert [s.text for s in line.segments] == ["Réparation vélo", "1", "45,00", "45,00"]


def test_type_comes_from_content_not_name(fixtures: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "scan.txt"
    renamed.write_bytes((fixtures / "invoice_text.pdf").read_bytes())
    assert read_document(renamed, EngineOptions()).kind == "pdf"


def test_image_formats_and_multipage_tiff(fixtures: Path, tmp_path: Path) -> None:
    from PIL import Image

    from extraction import ExtractionError

    img = Image.open(fixtures / "receipt.png").convert("RGB")
    for ext in ("webp", "bmp", "jpg"):
        target = tmp_path / f"scan.{ext}"
        img.save(target)
        assert "16.80" in read_document(target, EngineOptions()).text
    tiff = tmp_path / "two.tiff"
    img.save(tiff, save_all=True, append_images=[img])
    pages: list[int] = []
    doc = read_document(tiff, EngineOptions(), on_page=pages.append)
    assert len(doc.pages) == 2 and pages == [1, 2]
    try:
        read_document(tiff, EngineOptions(max_pages=1))
    except ExtractionError as err:
        assert err.code == "TooManyPages"
    else:
        raise AssertionError("a 2-page TIFF must exceed max_pages=1")
