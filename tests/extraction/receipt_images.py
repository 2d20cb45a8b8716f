"""Receipt images drawn for the OCR tests: the text lines of a made-up shop on a white page."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont


def receipt_image(lines: list[str], path: Path, *, centred: int = 5) -> Path:
    """Draw ``lines`` one below the other, the first ``centred`` of them centred (the shop's
    heading), the rest from the left margin; save a PNG at ``path``."""
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 24)
    except OSError:
        font = ImageFont.load_default(size=26)
    img = Image.new("L", (640, 60 + 44 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for i, text in enumerate(lines):
        width = draw.textlength(text, font=font)
        x = (img.width - width) / 2 if i < centred else 40
        draw.text((x, 30 + 44 * i), text, fill=0, font=font)
    img.save(path)
    return path
