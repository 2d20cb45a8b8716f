"""Local OCR with RapidOCR (PP-OCR models shipped inside the wheel, no download at run time).

One engine per process, created lazily under a lock; onnxruntime releases the GIL, so worker
threads can share it. Intra-op threads default to 1: on a 2-core machine two documents in
parallel beat one document using both cores (see bench/bench_engine.py).
"""

from __future__ import annotations

import os
import threading
from typing import Any

import numpy as np
from PIL import Image

from extraction.document import Word

_engine: Any = None
_lock = threading.Lock()

MAX_SIDE = 2200  # larger scans are downscaled first: same text, a fraction of the time


def get_engine() -> Any:
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                from rapidocr_onnxruntime import RapidOCR

                threads = int(os.environ.get("DOCBATCH_OCR_THREADS", "1"))
                _engine = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)
    return _engine


def prepare(image: Image.Image) -> tuple[np.ndarray, float]:
    """RGB array, downscaled when huge; returns the scale applied (to map boxes back)."""
    if image.mode != "RGB":
        image = image.convert("RGB")
    scale = 1.0
    side = max(image.size)
    if side > MAX_SIDE:
        scale = MAX_SIDE / side
        image = image.resize((max(1, int(image.width * scale)), max(1, int(image.height * scale))),
                             Image.Resampling.LANCZOS)
    return np.asarray(image)[:, :, ::-1].copy(), scale  # RapidOCR expects BGR like OpenCV


def ocr_raw(array: np.ndarray) -> list:
    result, _ = get_engine()(array)
    return result or []


def ocr_words(image: Image.Image) -> list[Word]:
    """OCR an image into words in the image's own pixel coordinates.

    RapidOCR returns text lines; each line is split into words whose x positions are
    interpolated by character count, good enough for label/value geometry.
    """
    array, scale = prepare(image)
    words: list[Word] = []
    for quad, text, score in ocr_raw(array):
        xs = [p[0] / scale for p in quad]
        ys = [p[1] / scale for p in quad]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        # skewed lines: the quad's left/right edge midpoints give a tighter vertical extent
        left_mid = (quad[0][1] + quad[3][1]) / 2 / scale
        right_mid = (quad[1][1] + quad[2][1]) / 2 / scale
        h = (abs(quad[3][1] - quad[0][1]) + abs(quad[2][1] - quad[1][1])) / 2 / scale
        mid = (left_mid + right_mid) / 2
        y0, y1 = max(y0, mid - h / 2), min(y1, mid + h / 2)
        text = text.strip()
        if not text:
            continue
        n = len(text)
        for m in _split(text):
            start, end, tok = m
            wx0 = x0 + (x1 - x0) * start / n
            wx1 = x0 + (x1 - x0) * end / n
            words.append(Word(tok, wx0, y0, wx1, y1, conf=float(score)))
    return words


def _split(text: str) -> list[tuple[int, int, str]]:
    import re

    return [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", text)]
