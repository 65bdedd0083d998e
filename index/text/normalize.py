"""Vietnamese text normalisation: entities, Unicode form, tone-mark placement, accent folding.

Everything here keeps a one-to-one character alignment between `normalize(text)` and
`fold(normalize(text))` (and its lower-cased form), so that spans found in folded text can be
marked in the displayed text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

__all__ = ["normalize", "fold", "lower", "has_diacritics", "canonical_tones"]

# The five tone marks as combining characters: grave, acute, tilde, hook above, dot below.
_TONES = "\u0300\u0301\u0303\u0309\u0323"
# Letters that carry a vowel modifier (breve, circumflex, horn) take the tone first.
_MODIFIED_VOWELS = set("ăâêôơư")
_VOWELS = set("aeiouyăâêôơư")

# Entities that lost their ampersand in scraped portals ("Phograve;ng", "tínhrdquo;").
_BARE_ENTITY = re.compile(
    r"(?<!&)(ldquo|rdquo|lsquo|rsquo|hellip|ndash|mdash|nbsp|laquo|raquo|quot|amp);"
)
_BARE_ACCENT = re.compile(r"(?<!&)([AEIOUYaeiouy])(acute|grave|tilde|circ|uml);")
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
_COMBINING = re.compile(r"[\u0300-\u036f]")
_LETTERS = re.compile(r"[^\W\d_]+")


def _unescape(text: str) -> str:
    """Decode HTML entities, including double-escaped and ampersand-less ones."""
    for _ in range(2):
        if "&" not in text:
            break
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    if ";" in text:
        text = _BARE_ACCENT.sub(lambda m: html.unescape(f"&{m[1]}{m[2]};"), text)
        text = _BARE_ENTITY.sub(lambda m: html.unescape(f"&{m[1]};"), text)
    return text


@lru_cache(maxsize=200_000)
def canonical_tones(word: str) -> str:
    """A syllable with its tone mark where underthesea and most portals put it ("hòa", "thủy")."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in _TONES]
    if len(tones) != 1:
        return word
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    lowered = bare.lower()
    if len(lowered) != len(bare):
        return word
    target = _tone_position(lowered)
    if target is None:
        return word
    placed = bare[: target + 1] + tones[0] + bare[target + 1 :]
    return unicodedata.normalize("NFC", placed)


def _tone_position(syllable: str) -> int | None:
    """Index of the vowel that carries the tone in a lower-case, toneless syllable."""
    start = 0
    while start < len(syllable) and syllable[start] not in _VOWELS:
        start += 1
    if start == len(syllable):
        return None
    onset = syllable[:start]
    # "qu" and "gi" onsets: the u/i belongs to the consonant when another vowel follows.
    glide = (onset == "q" and syllable[start] == "u") or (onset == "g" and syllable[start] == "i")
    if glide and start + 1 < len(syllable) and syllable[start + 1] in _VOWELS:
        start += 1
    end = start
    while end < len(syllable) and syllable[end] in _VOWELS:
        end += 1
    nucleus = range(start, end)
    modified = [i for i in nucleus if syllable[i] in _MODIFIED_VOWELS]
    if modified:
        return modified[-1]
    if len(nucleus) == 1:
        return start
    if end < len(syllable):  # a final consonant follows: the last vowel ("hoàng", "thuận")
        return end - 1
    if len(nucleus) == 2:  # open syllable: the first vowel ("hòa", "thủy", "mùa")
        return start
    return start + 1  # three vowels: the middle one ("ngoài", "khuỷu")


def normalize(text: str) -> str:
    """Return display text in one canonical form: entities decoded, NFC, one tone placement."""
    text = _unescape(text)
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")  # Ð/ð (eth) -> Đ/đ
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _LETTERS.sub(lambda m: canonical_tones(m[0]) if not m[0].isascii() else m[0], text)
    return _COMBINING.sub("", text)


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {0x0110: "D", 0x0111: "d"}
    for start, stop in ((0x00C0, 0x0250), (0x1E00, 0x1F00)):
        for code in range(start, stop):
            base = "".join(
                c for c in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(c)
            )
            if len(base) == 1 and base != chr(code) and base.isascii():
                table[code] = base
    return table


_FOLD_TABLE = _build_fold_table()


def fold(text: str) -> str:
    """Remove every diacritic ("Đồng Hới" -> "Dong Hoi"), one character for one character."""
    return text.translate(_FOLD_TABLE)


def lower(text: str) -> str:
    """Lower-case without changing the length (so offsets stay aligned)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def has_diacritics(text: str) -> bool:
    """True when the text has at least one Vietnamese accented letter."""
    return fold(text) != text
