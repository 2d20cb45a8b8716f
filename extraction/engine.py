"""First engine: text-layer PDFs and plain text, fields found by their labels.

Placeholder for the full engine (issue 3), which replaces this module behind the same
``extract_file`` signature.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2

from extraction.types import (
    EngineOptions,
    Extraction,
    ExtractionError,
    FieldResult,
    PageCallback,
    TemplateSpec,
)


def _read_pages(path: Path, options: EngineOptions, on_page: PageCallback | None) -> list[str]:
    data = path.read_bytes()
    if not data:
        raise ExtractionError("EmptyFile", "The file is empty (0 bytes).")
    if data.startswith(b"%PDF"):
        try:
            pdf = pypdfium2.PdfDocument(str(path))
        except pypdfium2.PdfiumError as exc:
            if "password" in str(exc).lower():
                raise ExtractionError("EncryptedFile", "The PDF is password-protected.") from exc
            raise ExtractionError("CorruptFile", f"The PDF cannot be read: {exc}.") from exc
        if len(pdf) > options.max_pages:
            raise ExtractionError("TooManyPages", f"The PDF has {len(pdf)} pages; the limit is {options.max_pages}.")
        pages = []
        for i, page in enumerate(pdf):
            pages.append(page.get_textpage().get_text_range())
            if on_page:
                on_page(i + 1)
        return pages
    try:
        return [data.decode("utf-8")]
    except UnicodeDecodeError as exc:
        raise ExtractionError("UnsupportedType", "The file is neither a PDF nor UTF-8 text.") from exc


def extract_file(
    path: Path,
    template: TemplateSpec,
    *,
    options: EngineOptions | None = None,
    on_page: PageCallback | None = None,
) -> Extraction:
    """Extract ``template``'s fields from the document at ``path``."""
    options = options or EngineOptions()
    pages = _read_pages(Path(path), options, on_page)
    fields: dict[str, FieldResult] = {}
    for name, spec in template.schema.get("properties", {}).items():
        label = re.escape(name.replace("_", " "))
        for number, text in enumerate(pages, 1):
            m = re.search(rf"(?im)^\s*{label}\s*[:#]?\s*(.+?)\s*$", text)
            if m:
                raw = m.group(1)
                value: object = raw
                if spec.get("type") in ("number", "integer"):
                    try:
                        value = float(re.sub(r"[^\d.\-]", "", raw))
                    except ValueError:
                        continue
                fields[name] = FieldResult(value=value, confidence=0.6, page=number)
                break
    return Extraction(fields=fields, pages=len(pages), engine="local")
