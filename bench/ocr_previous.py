"""The engine's OCR before issue 9 (``rapidocr_onnxruntime``, PP-OCRv4), kept verbatim as the
baseline that ``make bench`` and ``tools/ocr_compare.py`` measure the current engine against in the
same run.
Not used by the service.

One engine per process, created lazily under a lock; onnxruntime releases the GIL, so worker
threads can share it. Intra-op threads default to 1: on a 2-core machine two documents in
parallel beat one document using both cores (measured in bench/bench_engine.py).

PP-OCR's recogniser often drops the spaces between words on receipts ("ABCHOTRADING"). Its
per-character boxes are kept, and a space is put back wherever the line image shows a blank
column run wider than ``SPACE_GAP`` x the line height between two characters.
"""

from __future__ import annotations

import os
import re
import threading
from typing import Any

import numpy as np
from PIL import Image

from extraction.document import Word

_engine: Any = None
_lock = threading.Lock()

MAX_SIDE = 2200  # larger scans are downscaled first: same text, a fraction of the time
SMALL_SIDE = 800  # narrower scans (low-resolution receipts) are upscaled: more lines read exactly
SPACE_GAP = float(
    os.environ.get("DOCBATCH_OCR_SPACE_GAP", "0.32")
)  # blank run / line height between words
PUNCT_GAP = float(os.environ.get("DOCBATCH_OCR_PUNCT_GAP", "0.3"))  # the same after , ; :


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
    elif min(image.size) < SMALL_SIDE:
        scale = max(1.0, min(2.0, 3000 / side))
        image = image.resize(
            (max(1, int(image.width * scale)), max(1, int(image.height * scale))),
            Image.Resampling.LANCZOS,
        )
    return np.asarray(image), scale


def ocr_raw(rgb: np.ndarray) -> list:
    """The engine's own output: [quad, text, score, char boxes, chars, char scores] per line."""
    result, _ = get_engine()(rgb[:, :, ::-1].copy(), return_word_box=True)  # the engine expects BGR
    return result or []


def _blank_columns(gray: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> np.ndarray | None:
    crop = gray[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)]
    if crop.size == 0:
        return None
    lo, hi = np.percentile(crop, 5), np.percentile(crop, 95)
    if hi - lo < 30:
        return None
    return (crop < (lo + hi) / 2).sum(axis=0) == 0


def _respace(chars: list[str], boxes: list, gray: np.ndarray, quad: list) -> list[str]:
    """Insert ' ' between characters separated by a wide blank run in the line image."""
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    x0, x1, y0, y1 = int(min(xs)), int(max(xs)) + 1, int(min(ys)), int(max(ys)) + 1
    blank = _blank_columns(gray, x0, y0, x1, y1)
    if blank is None:
        return chars
    h = max(1, y1 - y0)
    centers = [(min(p[0] for p in b) + max(p[0] for p in b)) / 2 - max(0, x0) for b in boxes]
    out = [chars[0]]
    for i in range(1, len(chars)):
        if chars[i] != " " and chars[i - 1] != " ":
            a, b = int(centers[i - 1]), int(centers[i])
            run = best = 0
            for c in range(max(0, a), min(len(blank), b)):
                run = run + 1 if blank[c] else 0
                best = max(best, run)
            gap = PUNCT_GAP if chars[i - 1] in ",;:" else SPACE_GAP
            if chars[i - 1].isdigit() and (chars[i].isdigit() or chars[i] in ".,"):
                gap *= 2  # narrow digits ('1') leave wide blanks inside one number
            if best > gap * h:
                out.append(" ")
        out.append(chars[i])
    return out


_DIGIT_IN_WORD = re.compile(r"(?<=[A-Za-z])[01](?=[A-Za-z.:,)]|$)|(?<=^)[0](?=[A-Za-z]{2})")


_NUMERIC = re.compile(r"^(RM|Rs\.?|[$€£])?([0-9IlO|.,]*\d[0-9IlO|.,]*)$")


def fix_confusables(word: str) -> str:
    """0/O and 1/l confusions: 'L0T' -> 'LOT', 'Leve1' -> 'Level' in words; 'RMI4.18' -> 'RM14.18',
    '433O0' -> '43300' in numbers."""
    m = _NUMERIC.match(word)
    if m and sum(c.isdigit() for c in m.group(2)) >= 2 and re.search(r"[IlO|]", m.group(2)):
        return (m.group(1) or "") + m.group(2).translate(str.maketrans("IlO|", "1101"))
    if not re.search(r"[01]", word) or not re.search(r"[A-Za-z]", word):
        return word
    return re.sub(r"[A-Za-z0-9]+(?![.,]\d)", _fix_token, word)  # 'RM0.02' keeps its zero


def _fix_token(m: re.Match[str]) -> str:
    token = m.group()
    letters = sum(c.isalpha() for c in token)
    digits = len(token) - letters
    if letters == 0 or digits > letters:
        return token

    def swap(mm: re.Match[str]) -> str:
        ch = mm.group()
        before = token[mm.start() - 1] if mm.start() > 0 else ""
        if ch == "0":
            return "O" if (before.isupper() or not before) else "o"
        if letters < 2:
            return ch
        return "l" if before.islower() else "I"

    return _DIGIT_IN_WORD.sub(swap, token)


_GLUED_SDN = re.compile(r"(?<=[A-Za-z]{4})(?=SDN\.?(?:BHD)?$)")


def _split_parens(token: str) -> list[str]:
    """'BAKERIES(KL)SDN' -> 'BAKERIES', '(KL)', 'SDN': parentheses after letters start a word."""
    if "(" not in token and ")" not in token and "&" not in token and not _GLUED_SDN.search(token):
        return [token]
    spaced = re.sub(r"(?<=[A-Za-z]{2})\((?=[^)]*\))", " (", token)
    spaced = re.sub(r"\)(?=[A-Za-z]{2})", ") ", spaced)
    spaced = re.sub(
        r"(?<=[A-Za-z]{3})&|&(?=[A-Za-z]{3})", " & ", spaced
    )  # 'HARDWARE&' -> 'HARDWARE &'
    spaced = _GLUED_SDN.sub(
        " ", spaced
    )  # 'INTERNATIONALSDN' -> 'INTERNATIONAL SDN' (Sendirian Berhad)
    return spaced.split()


def words_from_raw(raw: list, gray: np.ndarray, scale: float) -> list[Word]:
    """Words in the original image's pixel coordinates, with spaces restored."""
    words: list[Word] = []
    for item in raw:
        quad, text, score = item[0], item[1], float(item[2])
        boxes = item[3] if len(item) > 4 else None
        chars = list(item[4]) if len(item) > 4 else None
        # the quad's left/right edge midpoints give a tight vertical extent on skewed lines
        left_mid = (quad[0][1] + quad[3][1]) / 2
        right_mid = (quad[1][1] + quad[2][1]) / 2
        h = (abs(quad[3][1] - quad[0][1]) + abs(quad[2][1] - quad[1][1])) / 2
        mid = (left_mid + right_mid) / 2
        y0, y1 = (mid - h / 2) / scale, (mid + h / 2) / scale
        if not chars or not boxes or len(chars) != len(boxes) or any(len(c) != 1 for c in chars):
            xs = [p[0] for p in quad]
            x0, x1 = min(xs) / scale, max(xs) / scale
            n = max(1, len(text))
            for m in re.finditer(r"\S+", text):
                words.append(
                    Word(
                        fix_confusables(m.group()),
                        x0 + (x1 - x0) * m.start() / n,
                        y0,
                        x0 + (x1 - x0) * m.end() / n,
                        y1,
                        conf=score,
                    )
                )
            continue
        spaced = _respace(chars, boxes, gray, quad)
        # walk the spaced characters, mapping each real character to its box
        current: list[tuple[str, Any]] = []
        k = 0
        for ch in spaced + [" "]:
            if ch == " " or ch.isspace():
                if k < len(chars) and chars[k] == ch:
                    k += 1
                if current:
                    bx0 = min(min(p[0] for p in b) for _c, b in current) / scale
                    bx1 = max(max(p[0] for p in b) for _c, b in current) / scale
                    token = "".join(c for c, _b in current)
                    parts = _split_parens(token)
                    n = max(1, len(token))
                    pos = 0
                    for part in parts:  # boxes of split parts by character share
                        px0 = bx0 + (bx1 - bx0) * pos / n
                        pos += len(part)
                        px1 = bx0 + (bx1 - bx0) * pos / n
                        words.append(Word(fix_confusables(part), px0, y0, px1, y1, conf=score))
                    current = []
                continue
            current.append((ch, boxes[k]))
            k += 1
    return _merge_initials(_merge_split_numbers(words))


_INITIAL = re.compile(r"^\.?[A-Za-z]?\.?$")


def _merge_initials(words: list[Word]) -> list[Word]:
    """'D.' 'I' '.Y.' -> 'D.I.Y.': restored spaces must not break up abbreviations."""
    out: list[Word] = []
    for w in words:
        prev = out[-1] if out else None
        if (
            prev is not None
            and _INITIAL.match(w.text)
            and _INITIAL.match(prev.text.rsplit(".", 2)[-1] or ".")
            and re.fullmatch(r"[A-Za-z.]+", prev.text)
            and len(re.sub(r"[^A-Za-z]", "", prev.text.split()[-1])) <= 3
            and "." in prev.text + w.text
            and abs(prev.yc - w.yc) < 0.3 * max(1.0, prev.height)
            and w.x0 - prev.x1 < 0.6 * max(1.0, prev.height)
            and _is_initials(prev.text + w.text)
        ):
            out[-1] = Word(
                prev.text + w.text,
                prev.x0,
                min(prev.y0, w.y0),
                w.x1,
                max(prev.y1, w.y1),
                min(prev.conf, w.conf),
            )
            continue
        out.append(w)
    return out


def _is_initials(text: str) -> bool:
    return bool(re.fullmatch(r"\.?(?:[A-Za-z]\.)+[A-Za-z]?\.?|\.?[A-Za-z]\.?", text))


def _merge_split_numbers(words: list[Word]) -> list[Word]:
    """'14.' + '10' -> '14.10': a restored space must not cut an amount in two."""
    out: list[Word] = []
    for w in words:
        prev = out[-1] if out else None
        if (
            prev is not None
            and abs(prev.yc - w.yc) < 0.3 * max(1.0, prev.height)
            and (
                (re.search(r"\d[.,]$", prev.text) and re.fullmatch(r"\d{2}\b.*", w.text))
                or (re.search(r"\d$", prev.text) and re.fullmatch(r"[.,]\d{2}\b.*", w.text))
            )
            and w.x0 - prev.x1 < prev.height
        ):
            out[-1] = Word(
                prev.text + w.text,
                prev.x0,
                min(prev.y0, w.y0),
                w.x1,
                max(prev.y1, w.y1),
                min(prev.conf, w.conf),
            )
            continue
        out.append(w)
    return out


def ocr_words(image: Image.Image) -> list[Word]:
    """OCR an image into words in the image's own pixel coordinates."""
    rgb, scale = prepare(image)
    gray = rgb.mean(axis=2)
    return words_from_raw(ocr_raw(rgb), gray, scale)
