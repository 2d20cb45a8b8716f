"""Slogans and mottos: lines at a receipt's top that read as a phrase, not as a name.

A shop prints a motto in the size of its name ('Where quality comes first', 'Quality you can
trust', 'Fresh food, friendly faces'). What tells it from a name is the language, not the words
of any one shop: a phrase is made of common words only (``wordfreq``) and carries grammar a name
has no use for: an English pronoun, an auxiliary or question word, sentence punctuation, or several
inflected verbs ('Family owned & operated'), a word said twice ('Good food, good mood': a
figure of speech that names have no use for), or two bids to the reader ('Come hungry, leave
happy'). A name has a rare or invented word, a legal form, a possessive ('Joe's'), initials
('G&R'), or digits.
"""

from __future__ import annotations

import re
from functools import lru_cache

from wordfreq import zipf_frequency

COMMON = 3.0  # Zipf frequency every word of a phrase reaches in English (names have rarer words)
# closed word classes of English that address the reader or make a clause: pronouns,
# auxiliaries and modals, question words, adverbs of frequency (grammar, not the words of any
# shop)
FUNCTION_WORDS = frozenset(
    {
        *("i", "me", "my", "we", "us", "our", "ours", "you", "your", "yours"),
        *("they", "them", "their"),
        *("is", "are", "am", "was", "were", "be", "been"),
        *("can", "could", "will", "would", "shall", "should", "must"),
        *("where", "when", "what", "who", "how", "why"),
        *("always", "never", "ever", "every"),  # adverbs of frequency: a claim, not a name
    }
)
# verbs a shop bids the reader with; two of them make a clause of commands ('Come hungry, leave
# happy', 'Eat, drink, relax'), which no name is
BIDDING_VERBS = frozenset(
    {
        *("come", "leave", "eat", "drink", "save", "taste", "enjoy", "visit", "try", "buy"),
        *("stay", "share", "smile", "relax", "discover", "feel", "live", "love", "laugh"),
    }
)
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
LEGAL = re.compile(
    r"\b(?:gmbh|ag|sarl|sas|ltd|limited|inc|llc|sdn|bhd|s/b|plc|bv|srl|spa|kg|pte|pty|corp|co)\b",
    re.IGNORECASE,
)
INITIALS = re.compile(r"(?<![^\W\d_])[^\W\d_]{1,2}\s?&\s?[^\W\d_]{1,2}(?![^\W\d_])")
# sentence punctuation: a comma or full stop between words, or a closing '!' or '?' (a closing
# '.' alone is no sign: names and address lines end in one, 'TAMAN SRI PUTRA.')
SENTENCE_MARK = re.compile(r"[^\W\d_][,.;!?]\s+[^\W\d_]|[^\W\d_\s][!?]\s*$")


@lru_cache(maxsize=16384)
def _zipf(word: str) -> float:
    return zipf_frequency(word.lower(), "en")


def _said_twice(words: list[str]) -> bool:
    """A word of three letters or more said again after another word ('Good Food Good Mood',
    'Eat Well Live Well'): a slogan's parallel halves. A word doubled in place ('Chop Chop') is
    a name's reduplication, not this."""
    low = [w.lower() for w in words]
    return any(len(w) >= 3 and w in low[i + 2 :] for i, w in enumerate(low))


def _inflected(word: str) -> bool:
    """A common word made from another common word by '-ed' or '-ly' ('owned', 'proudly')."""
    w = word.lower()
    for suffix, stems in (("ed", (w[:-2], w[:-1])), ("ly", (w[:-2],))):
        if w.endswith(suffix) and any(len(s) >= 3 and _zipf(s) >= COMMON for s in stems):
            return True
    return False


def reads_as_phrase(text: str) -> bool:
    """Whether a line reads as a slogan or motto rather than as a name (see the module)."""
    t = text.strip()
    words = WORD.findall(t)
    if len(words) < 2 or re.search(r"\d", t) or LEGAL.search(t) or INITIALS.search(t):
        return False
    if any(len(w) < 2 and w.lower() not in ("a", "i") for w in words):
        return False  # initials ('J R Smith')
    if any(re.search(r"['’]s$", w, re.IGNORECASE) for w in words):
        return False  # a possessive names an owner ("Joe's Diner")
    if any(_zipf(w) < COMMON for w in words):
        return False  # a rare or invented word: a name
    if any(w.lower() in FUNCTION_WORDS for w in words) or SENTENCE_MARK.search(t):
        return True
    if _said_twice(words) or sum(w.lower() in BIDDING_VERBS for w in words) >= 2:
        return True
    return sum(_inflected(w) for w in words) >= 2
