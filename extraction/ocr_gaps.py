"""Ink the text detector passed over: lone short marks between or before a row's text lines.

The detector misses isolated narrow glyphs, above all the column of ':' between a receipt's
labels and values and a lone quantity '1' before an item, while the recogniser reads them well
once given a crop. So each gap between two detected lines of one row, and the stretch between the
page's text margin and a row's first line, is looked at in the image: ink that is clear of the
row's top and bottom edges, at least a fifth of the row's height and not inside another detected
line's box is cropped and recognised like any detected line; readings of nothing but dots, dashes
or quotes (specks and rules) are dropped. A row printed light on a dark band is left alone: its
band's edges would read as an 'I'.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Quad = list[list[float]]
# crops (BGR) -> (text, confidence) per crop
Recognise = Callable[[list[np.ndarray]], Sequence[tuple[str, float]]]

MIN_GAP = 0.5  # gap width, in row heights, worth looking into
MIN_INK = 0.2  # the ink's height, in row heights, for it to be a glyph (a ':') rather than a speck
# readings of specks and rules rather than of text: only these characters
_NOISE = set(".,'\"`-_~=|")


def _box(quad: Quad) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in quad], [p[1] for p in quad]
    return min(xs), min(ys), max(xs), max(ys)


def _gaps(boxes: list[tuple[float, float, float, float]]) -> list[tuple[float, float, int]]:
    """(left, right, index of the line whose row it is) for each gap worth looking into."""
    left_margin = min(b[0] for b in boxes)
    out = []
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        h = y1 - y0
        if h <= 0 or x1 - x0 < h:  # tall or tiny boxes (sideways text, specks): no row to follow
            continue
        row = [
            b
            for b in boxes
            if min(y1, b[3]) - max(y0, b[1]) > 0.5 * min(h, b[3] - b[1]) and b[0] >= x1
        ]
        right = min((b[0] for b in row), default=None)
        if right is not None and right - x1 > MIN_GAP * h:
            out.append((x1, right, i))
        before = [b for b in boxes if min(y1, b[3]) - max(y0, b[1]) > 0 and b[2] <= x0]
        if not before and x0 - left_margin > MIN_GAP * h:
            out.append((left_margin, x0, i))
    return out


def _ink(
    gray: np.ndarray, x0: int, x1: int, y0: int, y1: int, contrast: tuple[float, float]
) -> list[tuple[int, int, int, int]]:
    """Bounding boxes of the clusters of dark columns in a region that are about a glyph's height
    and clear of its top and bottom edges (specks, dirt and the ink of neighbouring rows are left
    alone); clusters are apart where a third of the region's height holds no ink."""
    region = gray[y0:y1, x0:x1]
    if region.size == 0:
        return []
    lo, hi = contrast
    dark = region < (lo + hi) / 2
    cols = np.flatnonzero(dark.any(axis=0))
    if cols.size == 0:
        return []
    h = y1 - y0
    splits = np.flatnonzero(np.diff(cols) > h / 3) + 1
    out = []
    for group in np.split(cols, splits):
        rows = np.flatnonzero(dark[:, group[0] : group[-1] + 1].any(axis=1))
        top, bottom = int(rows[0]), int(rows[-1]) + 1
        if bottom - top < MIN_INK * h or top == 0 or bottom == h:
            continue
        out.append((x0 + int(group[0]), y0 + top, x0 + int(group[-1]) + 1, y0 + bottom))
    return out


def gap_lines(
    rgb: np.ndarray, gray: np.ndarray, quads: list[Quad], recognise: Recognise, min_score: float
) -> list[tuple[float, Quad, str, float]]:
    """Lines read from ink in the gaps of the detected lines' rows, as (place, quad, text,
    score): ``place`` puts them among the detected lines (i + 0.5 after line i, i - 0.5 before)."""
    if not quads:
        return []
    boxes = [_box(q) for q in quads]
    found: list[tuple[int, int, int, int]] = []
    places: list[float] = []
    for left, right, i in _gaps(boxes):
        bx0, by0, bx1, by1 = boxes[i]
        h = by1 - by0
        y0, y1 = max(0, int(by0)), int(by1) + 1
        line = gray[y0:y1, max(0, int(bx0)) : int(bx1) + 1]
        if line.size == 0:
            continue
        lo, hi = (float(v) for v in np.percentile(line, (5, 95)))
        if hi - lo < 90:  # 30 grey levels (the image holds three times the grey level)
            continue
        if np.median(line) < (lo + hi) / 2:
            continue  # light print on a dark band (a shop's name in a banner): the band is no ink
        pad = int(0.15 * h)  # the detected lines' own margins
        for ink in _ink(gray, int(left) + pad, int(right) - pad, y0, y1, (lo, hi)):
            # ink inside another detected line (one of another row or size) is read already
            if not any(_overlaps(ink, f) for f in found) and not _covered(ink, boxes):
                found.append(ink)
                places.append(i + (0.5 if left >= bx1 else -0.5))
    if not found:
        return []
    crops = []
    for x0, y0, x1, y1 in found:
        m = max(2, (y1 - y0) // 3)
        crop = rgb[max(0, y0 - m) : y1 + m, max(0, x0 - m) : x1 + m, ::-1]  # BGR
        crops.append(np.ascontiguousarray(crop))
    out = []
    for place, (x0, y0, x1, y1), (text, score) in zip(places, found, recognise(crops)):
        text = text.strip()
        if score >= min_score and not set(text) <= _NOISE:
            quad = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
            out.append((place, [[float(x), float(y)] for x, y in quad], text, float(score)))
    return out


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def _covered(
    ink: tuple[int, int, int, int], boxes: list[tuple[float, float, float, float]]
) -> bool:
    """Whether a detected line's box holds a third or more of the ink's box."""
    area = max(1, (ink[2] - ink[0]) * (ink[3] - ink[1]))
    for x0, y0, x1, y1 in boxes:
        w = min(ink[2], x1) - max(ink[0], x0)
        h = min(ink[3], y1) - max(ink[1], y0)
        if w > 0 and h > 0 and w * h >= area / 3:
            return True
    return False
