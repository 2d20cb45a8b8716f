"""Name lines whose spacing or letters OCR got wrong, repaired or read another way.

OCR runs words together ('PRINTSDN BHD'), breaks one word in two ('GA RDENIA') or reads a
letter as a digit ('F00D'). A general word-frequency model of English and Malay (``wordfreq``,
the languages of the receipts we see; no list of our own) tells a word from a fragment: a
repair is made only when it turns unknown fragments into known words. Broken words and digits
among letters are repaired outright (``repair``); glued words may be a name's own spelling, so
parting them gives extra candidates beside the printed reading (``readings``), which the ranker
weighs with the features ``candidates._reread`` gives.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from wordfreq import zipf_frequency

LANGUAGES = ("en", "ms")
KNOWN = 3.0  # Zipf frequency (log10 per billion words) of a short word a split may produce
KNOWN_LONG = 2.0  # ... of a word of six letters or more (rarer, but seldom there by chance)
UNKNOWN = 1.0  # below this in every language a token is a fragment, not a word
LOST_SPACES = 16  # letters of a run no language knows that are words whose spaces OCR lost
DIGIT_AS_LETTER = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B"})
TOKEN = re.compile(r"\S+")
ARTICLE_COLON = re.compile(r"(?:the|an):", re.IGNORECASE)
TITLE_GLUED = re.compile(r"^((?:mr|mrs|dr)\.)(?=[a-z])", re.IGNORECASE)
# two initials joined by an ampersand the recogniser read as a 4 ('G4B Supply' for 'G&B')
INITIALS_FOUR = re.compile(r"^([A-Z])4([A-Z])$")


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common ``word`` is in the most fitting language (0 for no word at all)."""
    w = word.lower()
    return max(zipf_frequency(w, lang) for lang in LANGUAGES) if w.isalpha() else 0.0


def split_glued(word: str) -> list[str] | None:
    """'PRINTSDN' -> ['PRINT', 'SDN']: the most likely split of an unknown run of letters into
    common words (each of three letters or more), or None when there is none. A shop's own
    name may lead the run ('SANYUSTATIONERYSHOP' -> ['SANYU', 'STATIONERY', 'SHOP']: a logo
    printed in large, widely spaced letters) when at least two common words follow it."""
    if not word.isalpha() or len(word) < 6 or zipf(word) >= UNKNOWN:
        return None
    return _known_words(word) or _name_then_words(word)


def _name_then_words(word: str) -> list[str] | None:
    """An unknown leading name of 3-8 letters and the shortest such name whose rest is two or
    more common words of four letters or more."""
    for k in range(3, min(9, len(word) - 7)):
        rest = _known_words(word[k:])
        if rest and all(len(part) >= 4 for part in rest):
            return [word[:k], *rest]
    return None


def _known_words(word: str) -> list[str] | None:
    """The split of ``word`` into two or more common words that costs least (rarer words cost
    more), or None."""
    n = len(word)
    # best[i]: (cost, split) for word[:i]; a part costs more the rarer it is
    best: list[tuple[float, list[int]] | None] = [None] * (n + 1)
    best[0] = (0.0, [])
    for i in range(3, n + 1):
        for j in range(max(0, i - 20), i - 2):
            prev = best[j]
            z = zipf(word[j:i])
            if prev is None or z < (KNOWN_LONG if i - j >= 6 else KNOWN):
                continue
            cost = prev[0] + 10.0 - z
            here = best[i]
            if here is None or cost < here[0]:
                best[i] = (cost, prev[1] + [i])
    end = best[n]
    if end is None or len(end[1]) < 2:
        return None
    cuts = [0, *end[1]]
    return [word[a:b] for a, b in pairwise(cuts)]


def repair(value: str) -> tuple[str, list[str]]:
    """``value`` with the repairs made outright and their kinds: 'join' (a word OCR broke in two,
    'GA RDENIA' -> 'GARDENIA'), 'digits' (digits among a word's letters read as the letters
    they resemble, 'F00DICIOUS' -> 'FOODICIOUS'), 'mark' (a colon after an article, 'THE:
    TOAST'; no space after a title, 'MR.D.I.Y.'; an ampersand between initials read as a 4,
    'G4B') and 'spaces' (a run of 16 letters or more that
    no language knows and that parts into three words or more, 'TANLIBOOKSTATIONERY' -> 'TANLI
    BOOK STATIONERY': a letterhead in a tight display font whose spaces the recogniser lost;
    names glue two words on purpose, 'ARTRANGE', seldom three, and invented ones are shorter).
    A printed name is seldom a fragment beside another fragment, nor a word with a zero inside,
    so the repaired reading replaces the printed one instead of competing with it: too few
    training receipts carry these errors for the ranker to learn to prefer the repair."""
    words = TOKEN.findall(value)
    kinds: list[str] = []
    # 'THE: TOAST F&B': no label ends in an article, the colon is a mark misread; 'MR.D.I.Y.':
    # a title's full stop is followed by a space
    unmarked = [
        INITIALS_FOUR.sub(r"\1&\2", p)
        for w in words
        for p in ([w.rstrip(":")] if ARTICLE_COLON.fullmatch(w) else TITLE_GLUED.split(w))
        if p
    ]
    if unmarked != words:
        kinds.append("mark")
    fixed = [_digits_to_letters(w) for w in unmarked]
    if fixed != unmarked:
        kinds.append("digits")
    joined = _join_broken(fixed)
    if joined != fixed:
        kinds.append("join")
    parted = [p for w in joined for p in _lost_spaces(w)]
    if parted != joined:
        kinds.append("spaces")
        joined = parted
    return (" ".join(joined), kinds) if kinds else (value, [])


def readings(value: str) -> list[tuple[str, str]]:
    """Other readings of ``value`` with their kind: 'split' (glued words parted, each alone and
    all together) and 'all' (glued words parted and the pieces joined again where that makes a
    word, for a line with more than one kind of error). Names glue words on purpose
    ('ARTRANGE'), so these stay beside the printed reading for the ranker to weigh."""
    words = TOKEN.findall(value)
    out: list[tuple[str, str]] = []
    parts = [split_glued(w) for w in words]
    glued = [k for k, p in enumerate(parts) if p]
    # each glued word parted alone ('ARTRANGE' may be a name), and all of them together
    for k in glued[:3]:
        out.append((" ".join(words[:k] + (parts[k] or []) + words[k + 1 :]), "split"))
    if len(glued) > 1:
        out.append((" ".join(" ".join(p) if p else w for p, w in zip(parts, words)), "split"))
    # 'WESTERNEASTERN STAT IONERY': glued and broken words on one line
    text = " ".join(_join_broken([p for k, w in enumerate(words) for p in (parts[k] or [w])]))
    if glued and all(text != o for o, _k in out):
        out.append((text, "all"))
    return out


GLUED_MARKS = (
    (re.compile(r"\)\s*[.,]?(?=[A-Za-z])"), ") "),  # 'ALAM)SDN BHD', 'ALAM).SDN BHD'
    (re.compile(r"(?<=[A-Za-z])\((?=[A-Za-z])"), " ("),  # 'HYPERMARKET(JALAN'
    (re.compile(r"(?<=[A-Za-z]{2})\s?&\s?(?=[A-Za-z]{2})|(?<=\s)&(?=[A-Za-z]{2})"), " & "),
)


def respace(value: str) -> str:
    """A name with the spaces OCR lost beside parentheses and '&' put back ('STATIONERY
    &BOOKS' -> 'STATIONERY & BOOKS'); 'F&B' (single letters) stays as printed."""
    for pattern, repl in GLUED_MARKS:
        value = pattern.sub(repl, value)
    return re.sub(r"\s{2,}", " ", value).strip()


def _digits_to_letters(word: str) -> str:
    """'F00DICIOUS' -> 'FOODICIOUS': a word of letters with a few digits among them."""
    letters = sum(ch.isalpha() for ch in word)
    # letters on both sides: 'POS01' and 'MAX108' are codes and numbers, not misread letters
    if letters < 3 or not re.fullmatch(r"[A-Za-z]+[0158]+[A-Za-z][A-Za-z0158]*", word):
        return word
    return word.translate(DIGIT_AS_LETTER)


def _lost_spaces(word: str) -> list[str]:
    """The words of a long glued run that parts into three or more, or the run alone."""
    if len(word) < LOST_SPACES:
        return [word]
    parts = split_glued(word)
    return parts if parts and len(parts) >= 3 else [word]


def _join_broken(words: list[str]) -> list[str]:
    """'GA RDENIA' -> 'GARDENIA': two neighbours of which one is no word while together they
    are a known one."""
    out: list[str] = []
    i = 0
    while i < len(words):
        a = words[i]
        b = words[i + 1] if i + 1 < len(words) else ""
        if (
            b
            and a.isalpha()
            and b.isalpha()
            and min(zipf(a), zipf(b)) < UNKNOWN
            and zipf(a + b) >= 2.0
        ):
            out.append(a + b)
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def unknown_share(value: str) -> float:
    """Share of the words of three letters or more that no language model knows."""
    words = [w for w in re.findall(r"[A-Za-z]+", value) if len(w) >= 3]
    return sum(zipf(w) < UNKNOWN for w in words) / max(1, len(words))
