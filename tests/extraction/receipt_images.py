"""Receipts made for the extraction tests: the text lines of a made-up shop drawn on a white page
(for the OCR), or laid out as an OCR page's words (for the field finders)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from extraction.document import Document, Page, Word


def receipt_image(lines: list[str], path: Path, *, centred: int = 5) -> Path:
    """Draw ``lines`` one below the other, the first ``centred`` of them centred (the shop's
    heading), the rest from the left margin; save a PNG at ``path``."""
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 24)
    except OSError:
        font = ImageFont.load_default(size=26)
    img = Image.new("L", (640, 60 + 44 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for i, text in enumerate(lines):
        width = draw.textlength(text, font=font)
        x = (img.width - width) / 2 if i < centred else 40
        draw.text((x, 30 + 44 * i), text, fill=0, font=font)
    img.save(path)
    return path


COLUMN_GAP = 94.0  # a tab in a line: a gap wide enough to split the line into two segments


def ocr_page(lines: list[str]) -> Document:
    """A one-page OCR document whose words are ``lines``, one line below the other, each word
    14 units wide per letter; a tab sets the words after it a column apart."""
    words = []
    for i, text in enumerate(lines):
        x = 40.0
        for k, column in enumerate(text.split("\t")):
            x += COLUMN_GAP if k else 0.0
            for token in column.split():
                words.append(Word(token, x, 30.0 + 40 * i, x + 14 * len(token), 52.0 + 40 * i))
                x += 14 * len(token) + 12
    page = Page(1, 700.0, 40.0 * len(lines) + 60, words, source="ocr")
    page.build_lines()
    return Document([page], "image")
