"""Features that tell a shop's or company's name from the other lines at a receipt's top.

A place name printed above the address is repeated inside the address below it; a slogan or
notice ('GOODS SOLD ARE NOT RETURNABLE') is no name even when OCR garbles a word of it; a logo
read as text gives words without vowels or with case changing inside a word; a name given
after a colon is introduced by a label ('OWNED BY: ...'). None of these names a shop.
"""

from __future__ import annotations

import re

from extraction.finders.locate import fold
from extraction.finders.parties import NOT_A_NAME

WORDS = re.compile(r"[A-Za-z']+")
VOWEL = re.compile(r"[aeiouy]", re.IGNORECASE)


def _odd_word(word: str) -> bool:
    """A word as a logo or a smudge reads: no vowel, or upper case after lower case inside it
    ('n'As', 'VELCITY' passes, 'BHD' and 'SDN' are legal forms and skipped by length)."""
    core = word.strip("'")
    if len(core) < 2:
        return False
    if len(core) >= 4 and not VOWEL.search(core):
        return True
    return bool(re.search(r"[a-z]['A-Z]*[A-Z]", core))


def company_features(
    value: str, line_text: str, below: list[str], after_colon: bool
) -> dict[str, float]:
    """Features of the company candidate ``value``, read on a line whose whole text is
    ``line_text``, with the texts of the next lines in ``below``."""
    words = WORDS.findall(value)
    key = fold(value).strip()
    return {
        "c_line_notice": float(bool(NOT_A_NAME.match(line_text.strip()))),
        "c_in_next_lines": float(
            bool(key) and len(key) >= 6 and any(key in fold(t) for t in below)
        ),
        "c_odd_words": sum(_odd_word(w) for w in words) / max(1, len(words)),
        "c_after_colon": float(after_colon),
        # 'OWN BY: CHEF LEE SDN BHD': a label inside the candidate
        "c_label_inside": float(bool(re.search(r"\b(?:by|of|from|name)\s*:", value, re.I))),
    }
