"""extraction.ocr_boxes: the cheaper line crops and character boxes give exactly rapidocr's."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from rapidocr.utils.process_img import get_rotate_crop_image

from extraction import ocr
from extraction.ocr import Setup
from extraction.ocr_boxes import crop_lines


def _fixture(fixtures: Path) -> Image.Image:
    with Image.open(fixtures / "receipt.png") as im:
        return im.convert("RGB")


def _read(image: Image.Image, setup: Setup) -> list[tuple]:
    return [
        (line.score, [(w.text, w.x0, w.y0, w.x1, w.y1, w.conf) for w in line.words])
        for line in ocr.ocr_lines(image, setup)
    ]


# upright (sliced crops), leaning (warped crops) and sideways (tall crops, vertical boxes)
@pytest.mark.parametrize("turn", [0.0, 4.0, 90.0])
def test_words_are_rapidocrs_own(fixtures: Path, turn: float) -> None:
    image = _fixture(fixtures)
    if turn:
        image = image.rotate(turn, expand=True, fillcolor=(255, 255, 255))
    fast = _read(image, Setup())
    assert sum(len(words) for _score, words in fast) >= 10
    assert fast == _read(image, Setup(fast_boxes=False))


def test_crops_are_rapidocrs_own(fixtures: Path) -> None:
    page = np.asarray(_fixture(fixtures))
    upright = np.array([[10, 20], [210, 20], [210, 60], [10, 60]], np.float32)
    leaning = np.array([[10, 20], [210, 30], [208, 70], [8, 60]], np.float32)
    tall = np.array([[10, 20], [40, 20], [40, 200], [10, 200]], np.float32)
    quads = np.stack([upright, leaning, tall])
    crops = crop_lines(page, quads)
    for quad, crop in zip(quads, crops):
        assert np.array_equal(crop, get_rotate_crop_image(page, copy.deepcopy(quad)))
    assert np.shares_memory(crops[0], page)  # the upright line is a slice, not a warped copy
    assert not np.shares_memory(crops[1], page)
