"""``extract_file``: read the document, then run the template's engine (local, llm or hybrid)."""

from __future__ import annotations

from pathlib import Path

from extraction.document import stored_words
from extraction.finders import find_fields
from extraction.learning import load as load_learning
from extraction.readers import read_document
from extraction.templates import engine_mode, validate_template
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
    """Extract ``template``'s fields from the document at ``path``.

    Raises ExtractionError for problems retrying cannot fix (bad file, bad template) and
    TransientExtractionError when an LLM endpoint is rate-limited or failing.
    """
    options = options or EngineOptions()
    errors = validate_template(template.schema, template.engine, strict=False)
    if errors:
        raise ExtractionError("InvalidTemplate", "The template is invalid: " + "; ".join(errors))
    mode = engine_mode(template)
    doc = read_document(Path(path), options, on_page)
    fields: dict[str, FieldResult] = {}
    if doc.attachments:
        from extraction.facturx import fields_from_xml

        fields.update(fields_from_xml(doc.attachments, template))
    if mode in ("local", "hybrid"):
        local = find_fields(doc, template, learned=load_learning(options.learning))
        for name, result in local.items():
            fields.setdefault(name, result)
    if mode in ("llm", "hybrid"):
        from extraction.llm import llm_fields

        missing = (
            [n for n in template.field_names if n not in fields]
            if mode == "hybrid"
            else template.field_names
        )
        if missing:
            fields.update(llm_fields(doc, template, missing, options))
    ordered = {name: fields[name] for name in template.field_names if name in fields}
    return Extraction(
        fields=ordered,
        pages=len(doc.pages),
        engine=mode,
        ocr_seconds=doc.ocr_seconds,
        words=stored_words(doc),
    )
