"""Whether a message is written in Vietnamese (with or without diacritics) or another language.

Vietnamese words are syllables (`syllables.is_folded_syllable`); English words mostly are not
("hello", "news", "covid"). Acronyms, codes and numbers say nothing either way. Letters of other
scripts (Chinese, Cyrillic, Thai...) are never Vietnamese.
"""

from __future__ import annotations

import re

from .normalize import fold, lower, normalize
from .syllables import is_folded_syllable

__all__ = ["is_vietnamese"]

_WORD = re.compile(r"[^\W_]+")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")


def is_vietnamese(text: str) -> bool:
    """True unless most of the words are not Vietnamese syllables (or are in another script)."""
    words = [
        w
        for w in _WORD.findall(normalize(text))
        if not (len(w) > 1 and w.isupper()) and not any(c.isdigit() for c in w)
    ]
    if not words:
        return True
    if any(not _LATIN.match(w) for w in words):
        return False
    foreign = sum(not is_folded_syllable(fold(lower(w))) for w in words)
    return 2 * foreign <= len(words)
