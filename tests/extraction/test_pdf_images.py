"""Text inside images on PDF pages with a text layer: a letterhead printed as a picture is read,
a logo's display letters are not, and a page without large images costs no OCR."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from extraction import EngineOptions, TemplateSpec, extract_file
from extraction.readers import read_document

STYLE = """
<style>
 @page { size: A4; margin: 0 }
 body { font-family: sans-serif; font-size: 10pt; margin: 0 }
 .a { position: absolute; white-space: nowrap }
 img { position: absolute }
</style>
"""

BODY = [
    (15, 60, "Invoice"),
    (15, 68, "Invoice number: RE-7731"),
    (15, 74, "Invoice date: 14.03.2024"),
    (15, 88, "Bill to: Harlow Garden Supplies Ltd, 4 Mill Lane, Leeds"),
    (15, 110, "Pruning shears, 12 pieces"),
    (150, 110, "240.00 EUR"),
    (110, 130, "Net amount"),
    (150, 130, "240.00 EUR"),
    (110, 136, "VAT 19 %"),
    (150, 136, "45.60 EUR"),
    (110, 142, "Total amount"),
    (150, 142, "285.60 EUR"),
]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def _png(lines: list[str], size: int, width: int) -> str:
    """Lines drawn into a PNG (at 200 dpi, ``size`` px is size * 0.36 points), as a data URI."""
    font = _font(size)
    image = Image.new("RGB", (width, int(size * 1.5) * len(lines) + 20), "white")
    draw = ImageDraw.Draw(image)
    for i, text in enumerate(lines):
        draw.text((10, 10 + int(size * 1.5) * i), text, fill=(20, 20, 20), font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _pdf(tmp_path: Path, *images: tuple[float, float, float, str]) -> Path:
    """The invoice body as text, plus images (x, y, width in mm, data URI) placed on the page."""
    from weasyprint import HTML

    cells = [f'<div class="a" style="left:{x}mm; top:{y}mm">{t}</div>' for x, y, t in BODY]
    cells += [
        f'<img src="{uri}" style="left:{x}mm; top:{y}mm; width:{w}mm">' for x, y, w, uri in images
    ]
    path = tmp_path / "invoice.pdf"
    HTML(string=f"<html><head>{STYLE}</head><body>{''.join(cells)}</body></html>").write_pdf(path)
    return path


LETTERHEAD = [
    "Brightwater Tools B.V.",
    "Kanaalweg 12, 3526 KL Utrecht",
    "IBAN: NL91ABNA0417164300",
]


def test_letterhead_image_gives_the_seller_and_iban(tmp_path: Path, invoice: TemplateSpec) -> None:
    # 28 px at 200 dpi is about 10 pt: the letterhead is set at the body's size
    letterhead = _png(LETTERHEAD, 28, 620)
    path = _pdf(tmp_path, (15, 12, 78, letterhead))
    result = extract_file(path, invoice)
    values = result.values()
    assert values["seller_name"] == "Brightwater Tools B.V."
    assert values["iban"] == "NL91ABNA0417164300"
    assert values["invoice_number"] == "RE-7731"  # the text layer is read as before
    assert values["grand_total"] == 285.6
    assert result.ocr_seconds > 0
    page = read_document(path, EngineOptions()).pages[0]
    assert page.source == "text"  # the page keeps its text layer; OCR only added the image's words
    assert "Kanaalweg 12, 3526 KL Utrecht" in page.text


def test_logo_letters_do_not_become_words(tmp_path: Path) -> None:
    # display type several times the body's height, as a brand logo is drawn
    logo = _png(["Quillmark"], 110, 640)
    doc = read_document(_pdf(tmp_path, (120, 10, 60, logo)), EngineOptions())
    assert doc.ocr_seconds > 0  # the image was large enough to be looked at
    assert "quillmark" not in doc.text.lower()
    assert "RE-7731" in doc.text


def test_text_pdf_without_large_images_costs_no_ocr(tmp_path: Path, fixtures: Path) -> None:
    icon = _png(["ok"], 20, 60)  # an icon: far below the size of a line block
    for path in (fixtures / "invoice_text.pdf", _pdf(tmp_path, (15, 12, 8, icon))):
        doc = read_document(path, EngineOptions())
        assert doc.ocr_seconds == 0
        assert all(p.source == "text" for p in doc.pages)


def test_image_inside_a_form_xobject_is_placed_on_the_page(tmp_path: Path) -> None:
    """pdfium gives a form's contents in the form's space: the form's matrix is applied."""
    import pypdfium2

    from extraction.readers.pdf_images import image_regions

    k, dx, dy = 0.9, 30.0, 40.0  # the page drawn as a form: scaled by k, moved right and up
    source = pypdfium2.PdfDocument(_pdf(tmp_path, (15, 12, 78, _png(LETTERHEAD, 28, 620))))
    target = pypdfium2.PdfDocument.new()
    try:
        page = source[0]
        width, height = page.get_size()
        (direct,) = image_regions(page, width, height)
        outer = target.new_page(width, height)
        form = source.page_as_xobject(0, target).as_pageobject()
        form.transform(pypdfium2.PdfMatrix().scale(k, k).translate(dx, dy))
        outer.insert_obj(form)
        outer.gen_content()
        (nested,) = image_regions(outer, width, height)
    finally:
        target.close()
        source.close()
    # y counts from the top: a point y below the top sits at height - (k * (height - y) + dy)
    assert abs(nested.x0 - (k * direct.x0 + dx)) < 0.5
    assert abs(nested.y0 - (height - k * (height - direct.y0) - dy)) < 0.5
    assert abs((nested.x1 - nested.x0) - k * (direct.x1 - direct.x0)) < 0.5


def _with_invisible_text(path: Path, lines: list[tuple[float, float, str]], out: Path) -> Path:
    """The PDF with text drawn invisibly at (x, y from the top, in points): what OCR software
    lays over a scanned picture."""
    import ctypes

    import pypdfium2
    import pypdfium2.raw as pdfium_c

    pdf = pypdfium2.PdfDocument(path)
    try:
        page = pdf[0]
        height = page.get_height()
        for x, y, text in lines:
            obj = pdfium_c.FPDFPageObj_NewTextObj(pdf, b"Helvetica", ctypes.c_float(10))
            buffer = ctypes.create_string_buffer(text.encode("utf-16-le") + b"\0\0")
            pdfium_c.FPDFText_SetText(obj, ctypes.cast(buffer, pdfium_c.FPDF_WIDESTRING))
            pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, height - y - 10)
            pdfium_c.FPDFTextObj_SetTextRenderMode(obj, pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE)
            pdfium_c.FPDFPage_InsertObject(page, obj)
        pdfium_c.FPDFPage_GenerateContent(page)
        page.close()
        pdf.save(out)
    finally:
        pdf.close()
    return out


def test_image_under_invisible_text_is_not_read_again(tmp_path: Path) -> None:
    """A scanned block whose text layer is already its OCR: nothing to add, so no OCR is paid."""
    mm = 72 / 25.4
    letterhead = _pdf(tmp_path, (15, 12, 78, _png(LETTERHEAD, 28, 620)))
    hidden = [(15 * mm + 4, 12 * mm + 4 + 15 * k, text) for k, text in enumerate(LETTERHEAD)]
    path = _with_invisible_text(letterhead, hidden, tmp_path / "searchable.pdf")
    doc = read_document(path, EngineOptions())
    assert doc.ocr_seconds == 0
    assert "NL91ABNA0417164300" in doc.text  # from the invisible layer


def test_scan_with_a_typed_stamp_is_read_as_ocr(tmp_path: Path) -> None:
    """A scanned page that only carries a short typed note: the picture holds the page's text, so
    its words are added and the page counts as OCR (the finders then allow for OCR's errors)."""
    from weasyprint import HTML

    scan = _png([*LETTERHEAD, "Invoice number: RE-7731", "Total amount 285.60 EUR"], 28, 620)
    html = (
        f"<html><head>{STYLE}</head><body>"
        '<div class="a" style="left:15mm; top:5mm">Received 15.03.2024 accounts</div>'
        f'<img src="{scan}" style="left:15mm; top:20mm; width:78mm"></body></html>'
    )
    path = tmp_path / "stamped.pdf"
    HTML(string=html).write_pdf(path)
    page = read_document(path, EngineOptions()).pages[0]
    assert page.source == "ocr"
    assert "Received 15.03.2024" in page.text and "RE-7731" in page.text


def test_page_box_away_from_the_origin(tmp_path: Path, invoice: TemplateSpec) -> None:
    """A page whose media box starts at (100, 200): the image's region is rendered where it is."""
    import pypdfium2

    dx, dy = 100.0, 200.0
    source = pypdfium2.PdfDocument(_pdf(tmp_path, (15, 12, 78, _png(LETTERHEAD, 28, 620))))
    target = pypdfium2.PdfDocument.new()
    try:
        width, height = source[0].get_size()
        page = target.new_page(width, height)
        page.set_mediabox(dx, dy, dx + width, dy + height)
        form = source.page_as_xobject(0, target).as_pageobject()
        form.transform(pypdfium2.PdfMatrix().translate(dx, dy))
        page.insert_obj(form)
        page.gen_content()
        target.save(tmp_path / "moved.pdf")
    finally:
        target.close()
        source.close()
    values = extract_file(tmp_path / "moved.pdf", invoice).values()
    assert values["seller_name"] == "Brightwater Tools B.V."
    assert values["iban"] == "NL91ABNA0417164300"


def test_stationery_behind_the_text_adds_only_what_the_picture_holds(
    tmp_path: Path, invoice: TemplateSpec
) -> None:
    """A whole-page background picture (letterhead and bank footer) under a typed body: the body
    words the OCR reads again on the rendered page lie on text-layer words and are not doubled."""
    from weasyprint import HTML

    page = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi
    draw = ImageDraw.Draw(page)
    for i, text in enumerate(LETTERHEAD[:2]):
        draw.text((90, 40 + 32 * i), text, fill=(20, 20, 20), font=_font(21))
    draw.text(
        (90, 1620), "IBAN: NL91ABNA0417164300   BIC: ABNANL2A", fill=(60, 60, 60), font=_font(17)
    )
    out = io.BytesIO()
    page.save(out, format="PNG")
    uri = "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
    cells = [f'<div class="a" style="left:{x}mm; top:{y}mm">{t}</div>' for x, y, t in BODY]
    background = f'<img src="{uri}" style="left:0; top:0; width:210mm; height:297mm">'
    path = tmp_path / "stationery.pdf"
    HTML(
        string=f"<html><head>{STYLE}</head><body>{background}{''.join(cells)}</body></html>"
    ).write_pdf(path)
    values = extract_file(path, invoice).values()
    assert values["seller_name"] == "Brightwater Tools B.V."
    assert values["iban"] == "NL91ABNA0417164300"
    doc = read_document(path, EngineOptions())
    assert doc.pages[0].source == "text"
    assert doc.text.count("RE-7731") == 1 and doc.text.count("285.60") == 1


def test_picture_repeated_on_every_page_is_read_once(tmp_path: Path) -> None:
    import pypdfium2

    from extraction.ocr import ocr_words
    from extraction.readers.pdf_images import PictureReader, image_regions, render_regions

    one = pypdfium2.PdfDocument(_pdf(tmp_path, (15, 12, 78, _png(LETTERHEAD, 28, 620))))
    two = pypdfium2.PdfDocument.new()
    calls: list[int] = []

    def counted(image: Image.Image) -> list:
        calls.append(1)
        return ocr_words(image)

    reader = PictureReader(counted)
    try:
        two.import_pages(one, [0, 0])
        pages_words = []
        for page in two:
            width, height = page.get_size()
            regions = image_regions(page, width, height)
            crops = render_regions(page, width, height, regions, 200, EngineOptions())
            pages_words.append(reader.add_words(crops, []))
    finally:
        two.close()
        one.close()
    assert len(calls) == 1 and reader.readings == 1
    for words in pages_words:
        assert "NL91ABNA0417164300" in [w.text for w in words]


def test_scan_text_larger_than_a_small_stamp_is_kept(tmp_path: Path) -> None:
    """A stamp typed in 6 pt on a scanned page: the scan's 16 pt lines are not display type."""
    from weasyprint import HTML

    scan = _png([*LETTERHEAD, "Invoice number: RE-7731"], 46, 1100)
    html = (
        f"<html><head>{STYLE}</head><body>"
        '<div class="a" style="left:15mm; top:5mm; font-size:6pt">Received 15.03.2024 AP</div>'
        f'<img src="{scan}" style="left:15mm; top:20mm; width:140mm"></body></html>'
    )
    path = tmp_path / "stamped.pdf"
    HTML(string=html).write_pdf(path)
    text = read_document(path, EngineOptions()).text
    assert "NL91ABNA0417164300" in text and "RE-7731" in text


def test_a_pdf_full_of_pictures_costs_at_most_the_document_budget(tmp_path: Path) -> None:
    """A stranger's PDF with a different text picture on each of 20 pages: only
    ``MAX_DOCUMENT_READINGS`` pictures are read, the rest of the document still is."""
    import pypdfium2

    from extraction.readers.pdf_images import MAX_DOCUMENT_READINGS

    merged = pypdfium2.PdfDocument.new()
    for n in range(20):
        page_dir = tmp_path / f"p{n}"
        page_dir.mkdir()
        single = pypdfium2.PdfDocument(
            _pdf(page_dir, (15, 12, 78, _png([f"PICTURE {n:02d} WORD", "Kanaalweg 12"], 28, 620)))
        )
        merged.import_pages(single)
        single.close()
    path = tmp_path / "pictures.pdf"
    merged.save(path)
    merged.close()

    doc = read_document(path, EngineOptions())
    assert len(doc.pages) == 20
    texts = [" ".join(w.text for w in page.words) for page in doc.pages]
    read = [n for n, text in enumerate(texts) if f"PICTURE {n:02d}" in text]
    assert 1 <= len(read) <= MAX_DOCUMENT_READINGS
    assert all("RE-7731" in text for text in texts)  # every page's text layer is kept
