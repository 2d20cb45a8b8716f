"""PDF: words and positions from the text layer; pages without one are rendered and OCRed.

A page with a text layer also has the text inside its large images read (a letterhead printed as
a picture): ``extraction.readers.pdf_images`` says which images and which of their words count.
"""

from __future__ import annotations

import threading
import time

import pypdfium2
import pypdfium2.raw as pdfium_c

from extraction.document import Document, Page, Word
from extraction.readers.attachments import unpack, wanted
from extraction.readers.pdf_images import Crop, PictureReader, image_regions, render_regions
from extraction.types import EngineOptions, ExtractionError, PageCallback

MIN_TEXT_CHARS = 20  # fewer visible characters than this: treat the page as a scan
OCR_DPI = 200
# pdfium is not thread-safe; the worker runs documents in threads, so calls are serialised.
# Text-layer pages take milliseconds, and OCR (the slow part) runs outside the lock.
PDFIUM_LOCK = threading.RLock()


def _open(data: bytes) -> pypdfium2.PdfDocument:
    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        text = str(exc).lower()
        if "password" in text or "security" in text:
            raise ExtractionError(
                "EncryptedFile", "The PDF is encrypted with a password; upload an unprotected copy."
            ) from exc
        raise ExtractionError(
            "CorruptFile", f"The PDF is damaged and cannot be opened ({str(exc).rstrip('.')})."
        ) from exc


def page_words(textpage, height: float) -> list[Word]:
    """Split the text layer into words: at whitespace, and at gaps where a space is missing."""
    n = textpage.count_chars()
    if n <= 0:
        return []
    text = textpage.get_text_range(0, n)
    if len(text) != n:  # index mismatch (rare): fall back to per-char text
        text = "".join(textpage.get_text_range(i, 1) or " " for i in range(n))
    words: list[Word] = []
    chars: list[tuple[str, float, float, float, float]] = []
    sideways = _sideways_note(textpage, text)

    def flush() -> None:
        if chars:
            words.append(
                Word(
                    "".join(c[0] for c in chars),
                    min(c[1] for c in chars),
                    min(c[2] for c in chars),
                    max(c[3] for c in chars),
                    max(c[4] for c in chars),
                )
            )
            chars.clear()

    for i, ch in enumerate(text):
        if ord(ch) == 0xFFFE:  # PDFium's mark for a hyphen that ends a line: printed as '-'
            ch = "-"
        if ch.isspace() or ch == "\x00" or i in sideways:
            if not (
                ch == " "
                and chars
                and i + 1 < n
                and _letter_spacing(textpage, i, chars[-1], height)
            ):
                flush()
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        y0, y1 = height - top, height - bottom
        if chars:
            prev = chars[-1]
            h = max(prev[4] - prev[2], y1 - y0, 1.0)
            if (
                left - prev[3] > 0.25 * h
                or left < prev[1] - 0.5 * h
                or abs((y0 + y1) - (prev[2] + prev[4])) > h
            ):
                flush()
        chars.append((ch, left, y0, right, y1))
    flush()
    return words


SIDEWAYS_SHARE = 0.5  # fewer than half of a page's characters set sideways: a margin note


def _sideways_note(textpage, text: str) -> set[int]:
    """The characters of a note printed sideways in a margin ('Copyright AWV e.V. 2014' up the
    left edge): read across the page they are one letter per line, interleaved with the real
    lines. When half the page or more is sideways the page is drawn turned: nothing is left out."""
    angle, raw = pdfium_c.FPDFText_GetCharAngle, textpage.raw
    turned = {i for i, ch in enumerate(text) if not ch.isspace() and abs(angle(raw, i)) > 0.05}
    visible = sum(not ch.isspace() for ch in text)
    return turned if len(turned) < SIDEWAYS_SHARE * visible else set()


LETTER_GAP = 0.15  # a gap narrower than this share of the line height is no word space


def _letter_spacing(
    textpage, i: int, prev: tuple[str, float, float, float, float], height: float
) -> bool:
    """A space pdfium made up between two letters of a letter-spaced word ('B I L L' for a
    heading printed 'BILL' with wide tracking): the text holds no space there, and the gap to
    the next letter is narrower than a word space."""
    if not pdfium_c.FPDFText_IsGenerated(textpage.raw, i):
        return False
    left, bottom, _right, top = textpage.get_charbox(i + 1, loose=True)
    y0, y1 = height - top, height - bottom
    h = max(prev[4] - prev[2], y1 - y0, 1.0)
    same_line = abs((y0 + y1) - (prev[2] + prev[4])) < 0.5 * h
    return same_line and 0 <= left - prev[3] < LETTER_GAP * h


def from_page_corner(words: list[Word], page: pypdfium2.PdfPage, height: float) -> list[Word]:
    """Words measured from the page box's top-left corner: a page box need not start at the
    origin of PDF space (``page_words`` measures from it), and rendered regions start at the box.
    Turned pages (/Rotate) are left as they were read."""
    if page.get_rotation():
        return words
    left, _bottom, _right, top = page.get_bbox()
    dy = top - height  # page_words' y is height - y_pdf; from the corner it is top - y_pdf
    if abs(left) < 1e-3 and abs(dy) < 1e-3:
        return words
    for w in words:
        w.x0, w.x1, w.y0, w.y1 = w.x0 - left, w.x1 - left, w.y0 + dy, w.y1 + dy
    return words


def _attachment_indexes(pdf: pypdfium2.PdfDocument) -> list[int]:
    """Which attachments look like an invoice file (names only: nothing is inflated here)."""
    found: list[int] = []
    try:
        for i in range(pdf.count_attachments()):
            if wanted(pdf.get_attachment(i).get_name() or ""):
                found.append(i)
    except Exception:  # a broken attachment must not spoil the visible page
        return found
    return found


def read_pdf(data: bytes, options: EngineOptions, on_page: PageCallback | None = None) -> Document:
    from extraction.ocr import ocr_upright, ocr_words

    ocr_seconds = 0.0
    with PDFIUM_LOCK:
        pdf = _open(data)
    try:
        with PDFIUM_LOCK:
            count = len(pdf)
        if count == 0:
            raise ExtractionError("CorruptFile", "The PDF has no pages.")
        if count > options.max_pages:
            raise ExtractionError(
                "TooManyPages", f"The PDF has {count} pages; the limit is {options.max_pages}."
            )
        with PDFIUM_LOCK:
            indexes = _attachment_indexes(pdf)
        attachments = unpack(data, indexes)  # in a child process with a memory limit
        pages: list[Page] = []
        pictures = PictureReader(ocr_words)
        for i in range(count):
            with PDFIUM_LOCK:
                page = pdf[i]
                width, height = page.get_size()
                textpage = page.get_textpage()
                words = from_page_corner(page_words(textpage, height), page, height)
                visible = sum(len(w.text) for w in words)
                image = None
                crops: list[Crop] = []
                if visible < MIN_TEXT_CHARS:
                    scale = OCR_DPI / 72
                    if width * height * scale * scale > options.max_image_pixels:
                        scale = (options.max_image_pixels / (width * height)) ** 0.5
                    image = page.render(scale=scale).to_pil()
                else:
                    regions = image_regions(page, width, height)
                    crops = render_regions(page, width, height, regions, OCR_DPI, options)
                textpage.close()
                page.close()
            source = "text"
            words = pictures.add_words(crops, words)  # OCR outside the lock, like a scan's
            if sum(len(w.text) for w in words) > 2 * visible:
                source = "ocr"  # mostly read from a picture: the finders allow for OCR's errors
            if image is not None:
                started = time.perf_counter()
                # a page fed into the scanner sideways, upside down or at a slant is read upright
                frame, ocr, _turn = ocr_upright(image)
                ocr_seconds += time.perf_counter() - started
                if sum(len(w.text) for w in ocr) > visible:
                    # the page as read is the scan turned (a quarter turn swaps its sides)
                    sx = width / image.width
                    width, height = frame.width * sx, frame.height * sx
                    for w in ocr:
                        w.x0, w.x1, w.y0, w.y1 = w.x0 * sx, w.x1 * sx, w.y0 * sx, w.y1 * sx
                    words, source = ocr, "ocr"
            p = Page(i + 1, float(width), float(height), words, source=source)
            p.build_lines()
            pages.append(p)
            if on_page:
                on_page(i + 1)
    finally:
        with PDFIUM_LOCK:
            pdf.close()
    return Document(pages, "pdf", attachments, ocr_seconds=ocr_seconds + pictures.seconds)
