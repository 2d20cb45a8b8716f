"""The engine's contract: a file and a template in, typed fields with confidence out.

This module is the only part of ``extraction`` that the rest of docbatch relies on
(besides ``extract_file`` and ``BUILTIN_TEMPLATES``). No Temporal, FastAPI or database here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class TemplateSpec:
    """What to extract. ``schema`` is a JSON Schema object whose properties are the fields."""

    name: str
    schema: dict[str, Any]
    instructions: str = ""
    engine: dict[str, Any] = field(default_factory=dict)  # {"mode": "local"|"llm"|"hybrid", ...}

    @property
    def field_names(self) -> list[str]:
        return list(self.schema.get("properties", {}))


@dataclass(frozen=True)
class EngineOptions:
    """Limits and the default LLM endpoint; a template's ``engine`` settings override the LLM."""

    max_pages: int = 50
    max_image_pixels: int = 80_000_000
    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_model: str = ""
    #: Operator-configured endpoints a template names with ``engine.endpoint`` (name -> base_url,
    #: api_key, model).
    llm_endpoints: dict[str, dict[str, str]] = field(default_factory=dict)
    #: A template's own ``engine.base_url`` may reach private/loopback hosts (never metadata).
    llm_allow_private: bool = False
    #: What an organisation's corrections taught for this template (``extraction.learning``):
    #: its own ranker model and vendor memory, as JSON. None: the built-in model alone.
    learning: dict[str, Any] | None = None


@dataclass
class FieldResult:
    """One extracted value. ``box`` is [x0, y0, x1, y1] as fractions of the page, origin
    top-left."""

    value: Any
    confidence: float
    page: int | None = None  # 1-based
    box: list[float] | None = None
    source: str = "local"  # which engine produced it: local, llm, xml

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Extraction:
    fields: dict[str, FieldResult]
    pages: int
    engine: str
    ocr_seconds: float = 0.0  # of the reading, spent in OCR (0 for text layers)
    seconds: float = 0.0  # the reading itself, where it ran (0: not measured)
    #: the pages' words with boxes, for picking values on the review page (document.stored_words)
    words: list[dict[str, Any]] = field(default_factory=list)

    def values(self) -> dict[str, Any]:
        return {name: f.value for name, f in self.fields.items()}

    def confidences(self) -> dict[str, float]:
        return {name: f.confidence for name, f in self.fields.items()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "fields": self.values(),
            "confidence": self.confidences(),
            "details": {name: f.to_dict() for name, f in self.fields.items()},
            "pages": self.pages,
            "engine": self.engine,
            **({"words": self.words} if self.words else {}),
        }


class ExtractionError(Exception):
    """A permanent problem with the document: retrying cannot help.

    ``code`` is one of CorruptFile, EncryptedFile, EmptyFile, UnsupportedType, ImageTooLarge,
    TooManyPages, InvalidTemplate, and LLMError (the LLM endpoint refused the request, e.g. a bad
    key or an unknown model, or never answered with JSON).
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class TransientExtractionError(Exception):
    """A passing problem (an LLM endpoint rate-limiting or failing): worth retrying later."""


PageCallback = Callable[[int], None]
