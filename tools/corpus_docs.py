"""Corpus documents as the engine sees them, for training and diagnosis (not used by the service).

``ocr_document`` reads a receipt image through the engine's own reader and caches the OCR words
(keyed by the image's hash and the OCR engine's version) so training and evaluation can run many
times without paying for OCR again. ``gt_document`` builds the same ``Document`` from the
corpus's perfect transcription (``*.ocr-gt.csv``), which separates OCR errors from field errors.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from extraction.document import Document, Page, Word

CACHE = Path(os.environ.get("DOCBATCH_OCR_CACHE", Path.home() / ".cache" / "docbatch" / "ocr"))


def labelled_documents(folder: Path) -> list[tuple[Path, dict, Path]]:
    """(label file, label, document) for every labelled document in a corpus folder."""
    found = []
    for lp in sorted(folder.glob("*.json")):
        try:
            label = json.loads(lp.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(label, dict) and "file" in label and (folder / label["file"]).is_file():
            found.append((lp, label, folder / label["file"]))
    return found


def _ocr_version() -> str:
    from extraction import ocr

    return getattr(ocr, "OCR_VERSION", "rapidocr-onnxruntime-1")


def ocr_document(path: Path) -> Document:
    """The engine's reading of an image, with its OCR words cached on disk."""
    from extraction.readers.image import read_image
    from extraction.types import EngineOptions

    data = path.read_bytes()
    key = hashlib.sha256(data).hexdigest()[:32]
    cached = CACHE / _ocr_version() / f"{key}.json"
    if cached.is_file():
        pages = []
        for p in json.loads(cached.read_text()):
            words = [Word(*w) for w in p["words"]]
            page = Page(p["number"], p["width"], p["height"], words, source="ocr")
            page.build_lines()
            pages.append(page)
        return Document(pages, "image")
    doc = read_image(data, EngineOptions())
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")  # readers never see half a file
    partial.write_text(
        json.dumps(
            [
                {
                    "number": p.number,
                    "width": p.width,
                    "height": p.height,
                    "words": [[w.text, w.x0, w.y0, w.x1, w.y1, w.conf] for w in p.words],
                }
                for p in doc.pages
            ]
        )
    )
    os.replace(partial, cached)
    return doc


def gt_document(csv_path: Path, width: float, height: float) -> Document:
    """A page from a perfect transcription: each line's words spread over its box by length."""
    from tools.ocr_compare import load_gt

    words: list[Word] = []
    for text, quad in load_gt(csv_path):
        text = text.strip()
        xs, ys = [x for x, _y in quad], [y for _x, y in quad]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        n = max(1, len(text))
        for m in re.finditer(r"\S+", text):
            words.append(
                Word(
                    m.group(), x0 + (x1 - x0) * m.start() / n, y0, x0 + (x1 - x0) * m.end() / n, y1
                )
            )
    page = Page(1, width, height, words, source="ocr")
    page.build_lines()
    return Document([page], "image")
