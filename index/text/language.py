"""Whether a message is written in Vietnamese (with or without diacritics) or another language.

Vietnamese words are syllables (`syllables.is_folded_syllable`), or spell one with their Telex
keys ("ddooir"); English words mostly do neither ("hello", "news", "covid"). Acronyms, codes and
numbers say nothing either way. Letters of other scripts (Chinese, Cyrillic, Thai...) are never
Vietnamese.
"""

from __future__ import annotations

import re

from .keystrokes import telex
from .normalize import fold, lower, normalize
from .syllables import is_folded_syllable

__all__ = ["is_vietnamese", "foreign_words"]

_WORD = re.compile(r"[^\W_]+")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")


def _words(text: str) -> list[str]:
    """The words that may tell a language: letters only, two or more, no acronym ("UBND")."""
    return [
        w
        for w in _WORD.findall(normalize(text))
        if len(w) > 1 and not w.isupper() and not any(c.isdigit() for c in w)
    ]


def foreign_words(text: str) -> list[str]:
    """The words that cannot be Vietnamese: not a syllable, even with its Telex keys decoded
    ("chuyeenr" is "chuyển" typed with the input method off), or in another script."""
    return [
        w
        for w in _words(text)
        if not _LATIN.match(w) or not (is_folded_syllable(fold(lower(w))) or telex(lower(w)))
    ]


def is_vietnamese(text: str) -> bool:
    """True unless most of the words, two at least, are not Vietnamese syllables, or some are
    in another script. One name ("Facebook", "covid") makes no language."""
    words = _words(text)
    if any(not _LATIN.match(w) for w in words):
        return False
    foreign = len(foreign_words(text))
    return foreign < 2 or 2 * foreign <= len(words)
