"""Which candidates a person's value names: the same text (or amount), or the box they picked.

Used both to label a corrected document's candidates for training and to recognise a remembered
value on a new document of the same layout.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from typing import Any

from extraction.finders.locate import fold
from extraction.ranker.candidates import Ranked

#: how alike two texts must be (after folding case, accents and punctuation) to be the same value;
#: OCR misreads a letter now and then
SAME_TEXT = 0.9
#: longer than any printed name or address: a value like this names no candidate (and a
#: person's overlong value must not make the comparison slow)
MAX_TEXT = 400


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", fold(text))


def as_amount(value: Any) -> Decimal | None:
    """A number given as a number or as text ('1,234.50', '12.30'); None when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    text = re.sub(r"[^\d.,-]", "", str(value))
    if not re.search(r"\d", text):
        return None
    if "," in text and "." in text:
        text = (
            text.replace(",", "")
            if text.rfind(".") > text.rfind(",")
            else text.replace(".", "").replace(",", ".")
        )
    elif "," in text and len(text.rsplit(",", 1)[1]) == 2:
        text = text.replace(",", ".")
    else:
        text = text.replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def same_value(field: str, wanted: Any, candidate: Any) -> bool:
    """A candidate's value is the person's value: amounts equal, texts alike."""
    if wanted is None or candidate is None:
        return False
    if field == "total":
        a, b = as_amount(wanted), as_amount(candidate)
        return a is not None and b is not None and abs(a - b) < Decimal("0.005")
    if len(str(wanted)) > MAX_TEXT:
        return False
    a_key, b_key = _key(str(wanted)), _key(str(candidate))
    if not a_key or not b_key:
        return False
    return a_key == b_key or SequenceMatcher(None, a_key, b_key).ratio() >= SAME_TEXT


def overlap(a: list[float], b: list[float]) -> float:
    """Intersection over union of two boxes."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def labels(
    field: str,
    cands: list[Ranked],
    value: Any,
    box: list[float] | None = None,
    page_size: tuple[float, float] | None = None,
) -> list[bool]:
    """Which candidates are the person's value. When a box was picked on the page and several
    candidates carry the value, the one printed there wins (a total printed twice)."""
    ok = [same_value(field, value, c.value) for c in cands]
    if box is not None and page_size is not None and sum(ok) > 1:
        w, h = page_size
        scale = [w, h, w, h] if max(box) <= 1.0 else [1.0, 1.0, 1.0, 1.0]
        picked = [v * s for v, s in zip(box, scale)]
        near = [o and overlap(c.box, picked) > 0.3 for o, c in zip(ok, cands)]
        if any(near):
            return near
    return ok
