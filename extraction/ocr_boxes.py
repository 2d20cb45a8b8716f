"""Character boxes of recognised text lines, mapped back onto the page: rapidocr's ``CalRecBoxes``
with less Python work per character.

rapidocr maps each character cell from the line crop back to the page one corner at a time
(a 3-vector ``np.dot`` and a numpy-heavy ``order_points`` per corner and box, after deep copies of
every box list): on a receipt of 50 lines and 1,500 characters that was the largest cost outside
the ONNX sessions (profiled with cProfile on 20 corpus receipts). The cells and their overlap
adjustment are rapidocr's own code; the mapping keeps its arithmetic but drops the copies and
the numpy corner sorting. Corners are put in the order
``order_points`` gives whenever that order is unambiguous (two corners on either side of the
centre, as the perspective image of an upright cell has), and by rapidocr's own function otherwise,
so the boxes are the same.
"""

from __future__ import annotations

import math
from typing import Any

import cv2
import numpy as np
from rapidocr.cal_rec_boxes.main import CalRecBoxes, Direction

_COS, _SIN = math.cos(math.radians(-90)), math.sin(math.radians(-90))


class FastRecBoxes(CalRecBoxes):
    """``CalRecBoxes`` with the crop-to-page mapping vectorised per line."""

    def __call__(
        self,
        imgs: list[np.ndarray],
        dt_boxes: np.ndarray,
        rec_res: Any,
        return_single_char_box: bool = False,
    ) -> Any:
        word_results = []
        for idx, (img, box) in enumerate(zip(imgs, dt_boxes)):
            if rec_res.txts is None or img.size == 0 or rec_res.word_results is None:
                continue
            h, w = img.shape[:2]
            img_box = np.array([[0, 0], [w, 0], [w, h], [0, h]])
            contents, cells, confs = self.cal_ocr_word_box(
                rec_res.txts[idx], img_box, rec_res.word_results[idx], return_single_char_box
            )
            cells = self.adjust_box_overlap(cells)  # the cells are new lists: no copy needed
            mapped = page_boxes(np.array(box), cells, self.get_box_direction(box))
            word_results.append(list(zip(contents, confs, mapped)))
        rec_res.word_results = tuple(word_results)
        return rec_res


def page_boxes(quad: np.ndarray, cells: list, direction: Direction) -> list[list[list[int]]]:
    """Cells of a line crop (four corners each) in page pixels: the inverse of the perspective
    warp that cut the crop out of ``quad``, as ``CalRecBoxes.reverse_rotate_crop_image``."""
    if not cells:
        return []
    quad = quad.copy()
    left, top = int(np.min(quad[:, 0])), int(np.min(quad[:, 1]))
    quad[:, 0] -= left
    quad[:, 1] -= top
    width = int(np.linalg.norm(quad[0] - quad[1]))
    height = int(np.linalg.norm(quad[0] - quad[3]))
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    _, inverse = cv2.invert(cv2.getPerspectiveTransform(quad, target))
    pts = np.asarray(cells, dtype=np.float64).reshape(-1, 2)
    x, y = pts[:, 0], pts[:, 1]
    if direction == Direction.VERTICAL:
        x, y = x * _COS + y * _SIN + width, y * _COS - x * _SIN
    # np.dot per corner, as rapidocr does: a product of whole arrays rounds differently, and
    # the truncation to whole pixels then moves a corner by one now and then
    xs, ys = [], []
    for cx, cy in zip(x.tolist(), y.tolist()):
        px, py, pz = np.dot(inverse, np.array([cx, cy, 1.0]))
        xs.append(int(px / pz + left))
        ys.append(int(py / pz + top))
    xs4 = [xs[i : i + 4] for i in range(0, len(xs), 4)]
    ys4 = [ys[i : i + 4] for i in range(0, len(ys), 4)]
    return [_ordered(bx, by) for bx, by in zip(xs4, ys4)]


def _ordered(xs: list[int], ys: list[int]) -> list[list[int]]:
    """The corners as ``CalRecBoxes.order_points`` orders them (left pair top then bottom, right
    pair top then bottom), computed directly when two corners lie strictly on either side of the
    centre with distinct heights; rapidocr's own function for any other shape."""
    cx = (xs[0] + xs[1] + xs[2] + xs[3]) / 4
    left = [i for i in range(4) if xs[i] < cx]
    right = [i for i in range(4) if xs[i] > cx]
    if len(left) == 2 and len(right) == 2:
        (a, b), (c, d) = left, right
        if ys[a] != ys[b] and ys[c] != ys[d]:
            top_l, bot_l = (a, b) if ys[a] < ys[b] else (b, a)
            top_r, bot_r = (c, d) if ys[c] < ys[d] else (d, c)
            return [[xs[i], ys[i]] for i in (top_l, top_r, bot_r, bot_l)]
    return CalRecBoxes.order_points([[x, y] for x, y in zip(xs, ys)])


def crop_lines(image: np.ndarray, quads: np.ndarray) -> list[np.ndarray]:
    """Line crops as rapidocr's ``get_rotate_crop_image`` makes them, with plain slicing for
    upright rectangles (most lines of a straight scan): there its perspective warp is a shift by
    whole pixels and copies the same pixels at several times the cost."""
    from rapidocr.utils.process_img import get_rotate_crop_image

    crops = []
    height, width = image.shape[:2]
    for quad in quads:
        q = np.asarray(quad)
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = q.tolist()
        if (
            y0 == y1
            and y2 == y3
            and x0 == x3
            and x1 == x2
            and x0 == int(x0)
            and y0 == int(y0)
            and x1 == int(x1)
            and y2 == int(y2)
            and 0 <= x0 < x1 <= width
            and 0 <= y0 < y2 <= height
            and (y2 - y0) < 1.5 * (x1 - x0)  # taller crops are turned: left to rapidocr
        ):
            crops.append(image[int(y0) : int(y2), int(x0) : int(x1)])
        else:
            crops.append(get_rotate_crop_image(image, q.copy()))
    return crops
