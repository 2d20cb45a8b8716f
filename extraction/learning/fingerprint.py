"""A seller's layout, told apart from another's by the words that stay put on its first page.

The fingerprint keeps page 1's words that are made of letters only (prices, dates and numbers
change from one document to the next) with their centres as fractions of the page. Two documents
share a layout when most of those words appear in both, at about the same place.
"""

from __future__ import annotations

from extraction.document import Document
from extraction.finders.locate import fold

#: how many words describe a layout: the top of the page, where a seller's header changes least
#: (further down, the items differ from one document to the next)
MAX_WORDS = 12
#: how far (as a fraction of the page) a word may move and still be the same word of the layout
TOLERANCE = 0.04
#: the share of stable words two documents must have in common to be the same layout
SAME_LAYOUT = 0.6

Fingerprint = list[tuple[str, float, float]]


def fingerprint(doc: Document) -> Fingerprint:
    """Page 1's letter-only words (folded) with their centres as fractions of the page's width
    (both: a receipt's length changes with its items, its width does not)."""
    if not doc.pages:
        return []
    page = doc.pages[0]
    w = max(1.0, page.width)
    out: Fingerprint = []
    for word in sorted(page.words, key=lambda wd: (wd.y0, wd.x0)):
        text = fold(word.text).strip(".,:;()'\"")
        if len(text) < 3 or not text.isalpha():
            continue
        out.append(
            (text, round((word.x0 + word.x1) / 2 / w, 4), round((word.y0 + word.y1) / 2 / w, 4))
        )
        if len(out) >= MAX_WORDS:
            break
    return out


def _share(a: Fingerprint, b: Fingerprint) -> float:
    """The share of ``a``'s words found in ``b`` near the same place."""
    if not a:
        return 0.0
    by_text: dict[str, list[tuple[float, float]]] = {}
    for text, x, y in b:
        by_text.setdefault(text, []).append((x, y))
    found = sum(
        any(abs(x - bx) <= TOLERANCE and abs(y - by) <= TOLERANCE for bx, by in by_text.get(t, []))
        for t, x, y in a
    )
    return found / len(a)


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """0..1: how much of each layout is found in the other (the smaller of the two shares)."""
    return min(_share(a, b), _share(b, a))
