"""First engine: text-layer PDFs and plain text, fields found by their labels.

Placeholder for the full engine (issue 3), which replaces this module behind the same
``extract_file`` signature.
"""

from __future__ import annotations

import re
from pathlib import Path

from extraction.readers import read_document
from extraction.types import (
    EngineOptions,
    Extraction,
    ExtractionError,
    FieldResult,
    PageCallback,
    TemplateSpec,
)


def extract_file(
    path: Path,
    template: TemplateSpec,
    *,
    options: EngineOptions | None = None,
    on_page: PageCallback | None = None,
) -> Extraction:
    """Extract ``template``'s fields from the document at ``path``."""
    options = options or EngineOptions()
    doc = read_document(Path(path), options, on_page)
    pages = [p.text for p in doc.pages]
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
