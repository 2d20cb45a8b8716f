"""Readers turn a file's bytes into a ``Document`` of positioned words, one module per kind."""

from __future__ import annotations

from pathlib import Path

from extraction.detect import detect_kind
from extraction.document import Document
from extraction.types import EngineOptions, ExtractionError, PageCallback


def read_document(
    path: Path, options: EngineOptions, on_page: PageCallback | None = None
) -> Document:
    """Read any supported file; raise ExtractionError with a reason a person understands."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise ExtractionError("CorruptFile", f"The file {Path(path).name} does not exist.") from exc
    kind = detect_kind(data)
    if kind == "pdf":
        from extraction.readers.pdf import read_pdf

        return read_pdf(data, options, on_page)
    if kind == "image":
        from extraction.readers.image import read_image

        return read_image(data, options, on_page)
    if kind == "docx":
        from extraction.readers.docx import read_docx

        doc = read_docx(data)
    else:
        from extraction.readers.text import read_text

        doc = read_text(data)
    if on_page:
        for page in doc.pages:
            on_page(page.number)
    return doc
