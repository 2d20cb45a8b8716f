"""Imported once by the extraction forkserver (``extraction.child``): everything a first document
would otherwise import or load lazily, so every child (and every replacement of a killed one)
starts warm. Only work that starts no thread belongs here: the OCR model is loaded in each child
(onnxruntime's thread pools would not survive the fork)."""

from __future__ import annotations

import extraction.engine
import extraction.facturx
import extraction.finders.totals
import extraction.llm
import extraction.ocr
import extraction.ranker
import extraction.readers.docx
import extraction.readers.image
import extraction.readers.pdf
import extraction.readers.text  # noqa: F401
from extraction.ranker.model import load_model

load_model()  # the shipped ranker model (parsed once, shared copy-on-write by the children)
