"""Words of an address that OCR misread, respelled as the common word they most likely are.

OCR reads letters of a print font as their look-alikes ('SE_ANGOR', 'PETALINCi', 'Dlnar',
'Isnail') or adds a stroke ('DIARUL', 'BIARU'). A word that no language model of the receipts'
languages knows (``wordfreq``, English and Malay, whose place names it holds as well) is replaced
by the one common word that one or two look-alike swaps, or one dropped letter, turn it into.
Words it knows stay as printed, and so do rare names for which no such common word exists.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import combinations, product

from extraction.ranker.respell import UNKNOWN, zipf

KNOWN = 3.0  # Zipf frequency a respelling must reach: a common word, not a rare look-alike
PAIR_KNOWN = 4.0  # how common a word two two-letter halves make must be to join them
JOIN_GAIN = 2.0  # how much more common a joined word must be than the rarer of its parts
LONGEST = 24  # longer tokens are no word to respell (and two swaps in them would cost quadratic)
# what OCR reads a printed letter as (read -> printed), for print fonts
LOOK_ALIKES: dict[str, tuple[str, ...]] = {
    "i": ("l",),
    "l": ("i", "t"),
    "1": ("l", "i"),
    "|": ("l", "i"),
    "!": ("l", "i"),
    "_": ("l",),
    "0": ("o",),
    "o": ("d", "c"),
    "d": ("o",),
    "c": ("o", "e", "g"),
    "e": ("c",),
    "n": ("m", "h"),
    "m": ("n",),
    "h": ("n",),
    "u": ("v", "o"),
    "v": ("u", "y"),
    "y": ("v",),
    "5": ("s",),
    "8": ("b",),
    "q": ("g",),
    "g": ("q",),
}
# look-alikes of two characters read for one ('PETALINCi' for 'PETALING')
PAIRS = {"ci": "g", "rn": "m", "cl": "d", "vv": "w"}
THIN = frozenset("i|!'")  # strokes OCR adds where the print has none ('DIARUL', 'BIARU')
# a word, and a word with a number glued to its end ('Uptowin3'), whose letters are respelled
WORD = re.compile(r"(?<![A-Za-z0-9'])[A-Za-z][A-Za-z0-9_|!]{2,}[A-Za-z_|!](?![A-Za-z'])")


def respell_address(text: str) -> tuple[str, int]:
    """The text with each unknown word that is a misreading of a common word respelled in that
    word's letters and the misread word's case; with the number of words respelled."""
    fixes = 0

    def word(m: re.Match[str]) -> str:
        nonlocal fixes
        token = m.group()
        fixed = respelled(token.lower())
        if fixed is None:
            return token
        fixes += 1
        letters = [c for c in token if c.isalpha()]
        if sum(c.isupper() for c in letters) >= len(letters) / 2:
            return fixed.upper()
        return fixed.capitalize() if token[0].isupper() else fixed

    text = WORD.sub(word, text)
    tokens = text.split(" ")
    joined = _join_broken(tokens)
    fixes += len(tokens) - len(joined)
    return " ".join(joined), fixes


def _join_broken(tokens: list[str]) -> list[str]:
    """'PE TALING' -> 'PETALING': two neighbours of which one is a rare word at best while
    together they are a common one, far more common than the rarer part; 'JA YA' -> 'JAYA'."""
    out: list[str] = []
    for tok in tokens:
        prev = out[-1] if out else ""
        word = tok.rstrip(".,")  # the second half may end the address or one of its parts
        joined = zipf(prev + word)
        if (
            prev.isalpha()
            and word.isalpha()
            and (
                joined >= max(KNOWN, min(zipf(prev), zipf(word)) + JOIN_GAIN)
                # two halves of two letters ('JA YA'): short words of their own, but an
                # address holds few such pairs, and together they are a common word
                or (len(prev) == len(word) == 2 and joined >= PAIR_KNOWN)
            )
        ):
            out[-1] = prev + tok
        else:
            out.append(tok)
    return out


@lru_cache(maxsize=16384)
def respelled(word: str) -> str | None:
    """The common word an unknown lower-case ``word`` is a misreading of, or None."""
    if len(word) > LONGEST or (zipf(word) >= UNKNOWN and word.isalpha()):
        return None
    for edits in _readings(word):  # the fewest changes first
        found = sorted(
            (w for w in edits if w.isalpha() and len(w) >= 4 and zipf(w) >= KNOWN),
            key=lambda w: (-zipf(w), w),
        )
        if len(found) > 1 and zipf(found[0]) - zipf(found[1]) < 0.5:
            return None  # two common words equally near: nothing says which was printed
        if found:
            return found[0]
    return None


def _readings(word: str) -> list[set[str]]:
    """What one change (a look-alike swapped, a pair read for one letter, a thin stroke OCR
    added dropped) and what two look-alike swaps make of ``word``, in that order."""
    one: set[str] = set()
    two: set[str] = set()
    spots = [k for k, ch in enumerate(word) if ch in LOOK_ALIKES]
    for n, out in ((1, one), (2, two)):
        for at in combinations(spots, n):
            for chars in product(*(LOOK_ALIKES[word[k]] for k in at)):
                w = list(word)
                for k, ch in zip(at, chars):
                    w[k] = ch
                out.add("".join(w))
    for pair, ch in PAIRS.items():
        start = word.find(pair)
        while start >= 0:
            one.add(word[:start] + ch + word[start + 2 :])
            start = word.find(pair, start + 1)
    one.update(word[:k] + word[k + 1 :] for k, ch in enumerate(word) if ch in THIN)
    return [one, two]
