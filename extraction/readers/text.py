"""Plain text: one line per text line, columns kept by character position (monospace)."""

from __future__ import annotations

import re

from extraction.detect import decode_text
from extraction.document import Document, Page, Word

CHAR_W, LINE_H = 1.0, 2.0  # a character cell is 1 wide, 2 high: gaps of 3+ spaces split segments


def text_page(text: str, number: int = 1, source: str = "plain") -> Page:
    words: list[Word] = []
    rows = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for r, row in enumerate(rows):
        row = row.expandtabs(8)
        for m in re.finditer(r"\S+", row):
            x0 = m.start() * CHAR_W
            words.append(Word(m.group(), x0, r * LINE_H + 0.2, m.end() * CHAR_W, r * LINE_H + 1.8))
    width = max((len(r.expandtabs(8)) for r in rows), default=1) * CHAR_W
    page = Page(number, float(width), len(rows) * LINE_H, words, source=source, geometric=False)
    page.build_lines(gap_factor=1.2)  # 2+ spaces (gap 2.0 > 1.2 * 1.6) start a new segment
    return page


def read_text(data: bytes) -> Document:
    text = decode_text(data)
    pages = [
        text_page(chunk, i + 1)
        for i, chunk in enumerate(text.split("\f"))
        if chunk.strip() or i == 0
    ]
    return Document(pages, "text")
