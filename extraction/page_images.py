"""A document's page as a PNG, so the file view can draw the found values' boxes over it.

Document work, like the readers: no web framework, no database. The API streams the result.
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageSequence

from extraction.readers.pdf import PDFIUM_LOCK

#: Longest side of the PNG: enough to read a page on a laptop screen, small enough to send quickly.
MAX_SIDE = 1400


class NoPageImage(Exception):
    """The document is not a PDF or an image (text, DOCX), or has no such page."""


def _png(image: Image.Image) -> bytes:
    image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def render_page(path: Path, number: int) -> bytes:
    """PNG of page ``number`` (1-based) of a PDF or an image file (TIFF pages too)."""
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" in head:
        with PDFIUM_LOCK:  # pdfium is not thread-safe; the worker's readers share this lock
            return _render_pdf_page(path, number)
    try:
        with Image.open(path) as image:
            frames = ImageSequence.Iterator(image)
            for index, frame in enumerate(frames, 1):
                if index == number:
                    return _png(frame.copy())
    except (OSError, Image.DecompressionBombError) as exc:
        raise NoPageImage(
            "This kind of document has no page image (only PDFs and images do)."
        ) from exc
    raise NoPageImage(f"The image has no page {number}.")


def _render_pdf_page(path: Path, number: int) -> bytes:
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise NoPageImage("The PDF cannot be opened (damaged or encrypted).") from exc
    try:
        if not 1 <= number <= len(pdf):
            raise NoPageImage(f"The document has {len(pdf)} page(s); there is no page {number}.")
        page = pdf[number - 1]
        width, height = page.get_size()
        scale = min(2.0, MAX_SIDE / max(width, height, 1))
        return _png(page.render(scale=scale).to_pil())
    finally:
        pdf.close()
