"""Imported once by the extraction forkserver (``extraction.child``): everything a first document
would otherwise import or load lazily, so every child (and every replacement of a killed one)
starts warm. Only work that starts no thread belongs here: the OCR model is loaded in each child
(onnxruntime's thread pools would not survive the fork)."""

from __future__ import annotations

import extraction.engine  # noqa: F401
import extraction.facturx  # noqa: F401
import extraction.finders.totals  # noqa: F401
import extraction.llm  # noqa: F401
import extraction.ocr  # noqa: F401
import extraction.readers.docx  # noqa: F401
import extraction.readers.image  # noqa: F401
import extraction.readers.pdf  # noqa: F401
import extraction.readers.text  # noqa: F401
import extraction.ranker  # noqa: F401
from extraction.ranker.model import load_model

load_model()  # the shipped ranker model (parsed once, shared copy-on-write by the children)
