"""The document engine: readers turn files into pages of words, finders turn pages into fields."""

from extraction.builtin_templates import BUILTIN_TEMPLATES
from extraction.engine import extract_file
from extraction.templates import validate_template
from extraction.types import (
    EngineOptions,
    Extraction,
    ExtractionError,
    FieldResult,
    TemplateSpec,
    TransientExtractionError,
)

__all__ = [
    "BUILTIN_TEMPLATES",
    "EngineOptions",
    "Extraction",
    "ExtractionError",
    "FieldResult",
    "TemplateSpec",
    "TransientExtractionError",
    "extract_file",
    "validate_template",
]
