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


def test_a_page_drawn_turned_is_read_and_a_sideways_margin_note_is_left_out(
    tmp_path: Path,
) -> None:
    """Characters set sideways are dropped only when they are a minority of the page (a note up
    its margin, read across as one letter per line); a page whose text is all turned (a
    landscape table drawn rotated) keeps every character."""
    from weasyprint import HTML

    words = "Invoice 4711 from Nordlicht Software GmbH, total 1.234,50 EUR"
    note = (
        '<div style="position:absolute; left:-5mm; top:120mm; transform:rotate(-90deg);'
        ' transform-origin:left top; font-size:6pt">Copyright Verband 2014</div>'
    )
    upright, turned = tmp_path / "upright.pdf", tmp_path / "turned.pdf"
    HTML(string=f"{note}<p>{words}</p><p>{words}</p>").write_pdf(upright)
    HTML(string=f'<p style="transform:rotate(90deg); margin-top:90mm">{words}</p>').write_pdf(
        turned
    )
    page = read_document(upright, EngineOptions()).pages[0]
    assert "Copyright" not in page.text and "C" not in [w.text for w in page.words]
    assert page.text.count("Nordlicht Software GmbH") == 2
    turned_text = "".join(read_document(turned, EngineOptions()).text.split())
    assert "Invoice4711fromNordlicht" in turned_text  # every character kept
