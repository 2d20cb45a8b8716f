"""Features that tell a shop's or company's name from the other lines at a receipt's top.

A place name printed above the address is repeated inside the address below it; a slogan or
notice ('GOODS SOLD ARE NOT RETURNABLE') is no name even when OCR garbles a word of it; a logo
read as text gives words without vowels or with case changing inside a word; a name given
after a colon is introduced by a label ('OWNED BY: ...'). None of these names a shop.
"""

from __future__ import annotations

import re

from extraction.document import Line
from extraction.finders.locate import fold
from extraction.finders.parties import NOT_A_NAME, STRONG_FORM, is_name_like

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


FORM_END = re.compile(r"(?:" + STRONG_FORM.pattern + r")\W*$", re.IGNORECASE)


def _text(line: Line) -> str:
    return " ".join(s.text for s in line.segments)


def neighbour_features(lines: list[Line], i: int, value: str) -> dict[str, float]:
    """Whether a candidate read from ``lines[i]`` (alone or joined with lines below) starts where
    its name starts: a close name-like line above it without a legal form of its own is the first
    part of a name printed over several lines ('AIK HUAT HARDWARE' over 'ENTERPRISE (SETIA' over
    'ALAM) SDN BHD'), so a candidate under it is cut."""
    line = lines[i]
    above = lines[i - 1] if i > 0 else None
    above_text = _text(above) if above else ""
    height = max(1e-6, line.box[3] - line.box[1])
    above_namey = (
        above is not None
        and (line.box[1] - above.box[3]) / height < 1.0
        and is_name_like(above_text)
        and not re.search(r"\d", above_text)
        and not STRONG_FORM.search(above_text)
    )
    return {
        "c_above_namey": float(above_namey),
        # a whole name block: from its first line down to the legal form that ends it
        "c_complete": float(not above_namey and bool(FORM_END.search(value))),
    }
