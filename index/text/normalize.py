"""Vietnamese text normalisation: entities, Unicode hygiene, tone-mark placement, accent folding.

Documents and questions go through the same `normalize`, so text pasted from the web (zero-width
spaces, soft hyphens, byte-order marks, no-break spaces, full-width digits) reads as typed text.
Everything here keeps a one-to-one character alignment between `normalize(text)` and
`fold(normalize(text))` (and its lower-cased form), so that spans found in folded text can be
marked in the displayed text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

import numpy as np

from .syllables import is_syllable

__all__ = ["normalize", "clean_unicode", "fold", "lower", "has_diacritics", "canonical_tones"]

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
_COMBINING = re.compile(r"[\u0300-\u036f]")
_LETTER_RUNS = re.compile(r"([^\W\d_]+)")  # split keeps them (a third faster than a sub callback)


_ZERO_WIDTH_SPACE = "\u200b"
_ZERO_WIDTH_RUN = re.compile("\u200b+")
_LETTERS_AT_END = re.compile(r"[^\W\d_]+$")
_LETTERS_AT_START = re.compile(r"^[^\W\d_]+")


_FIXED_HYGIENE = {0x09: " ", 0x0B: " ", 0x0C: " ", 0x85: "\n", 0x2028: "\n", 0x2029: "\n"}


def _hygiene(code: int) -> str | None:
    """What `clean_unicode` turns one character into: format characters (category Cf: soft
    hyphen, joiners, BOM, direction marks) removed, odd spaces to a space, line and paragraph
    separators to a newline, full-width ASCII to ASCII, anything else kept. The zero-width space
    is left for `_zero_width_spaces`, which needs its neighbours."""
    if code in _FIXED_HYGIENE:
        return _FIXED_HYGIENE[code]
    if 0xFF01 <= code < 0xFF5F:  # ０-９ Ａ-Ｚ ａ-ｚ
        return chr(code - 0xFEE0)
    category = unicodedata.category(chr(code))
    if category == "Cf" and code != 0x200B:
        return None
    if category == "Zs" and code != 0x20:
        return " "
    return chr(code)


class _HygieneTable(dict[int, str | None]):
    """`_hygiene` as a `str.translate` table, filled in as characters are met (building it
    whole took 20 ms of every start). Planes 0-1 and the tag block hold every Cf and Zs
    character (Unicode 15); the table stays within them, at most 131,200 entries."""

    def __missing__(self, code: int) -> str | None:
        if code >= 0x20000 and not 0xE0000 <= code < 0xE0080:
            raise LookupError(code)  # kept as it is
        value = self[code] = _hygiene(code)
        return value


_HYGIENE_TABLE = _HygieneTable()


def clean_unicode(text: str) -> str:
    """NFC without invisible characters: what both documents and questions are made of.

    A zero-width space inside a syllable disappears ("hộ\u200bi" -> "hội"); between two whole
    syllables that do not form one ("hội\u200bthảo") it becomes the space it stands for.
    """
    text = unicodedata.normalize("NFC", text).translate(_HYGIENE_TABLE)
    if _ZERO_WIDTH_SPACE in text:
        text = _zero_width_spaces(text)
    return unicodedata.normalize("NFC", text)


def _zero_width_spaces(text: str) -> str:
    pieces = _ZERO_WIDTH_RUN.split(text)
    joined = [pieces[0]]
    for piece in pieces[1:]:
        left = _LETTERS_AT_END.search(joined[-1])
        right = _LETTERS_AT_START.match(piece)
        separate = (
            left is not None
            and right is not None
            and is_syllable(left[0])
            and is_syllable(right[0])
            and not is_syllable(left[0] + right[0])
        )
        joined.append(" " if separate else "")
        joined.append(piece)
    return "".join(joined)


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
    """Return display text in one canonical form: entities decoded, `clean_unicode`, one tone
    placement."""
    text = clean_unicode(_unescape(text))
    text = text.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")  # Ð/ð (eth) -> Đ/đ
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    pieces = _LETTER_RUNS.split(text)  # text, letters, text, letters, ..., text
    pieces[1::2] = [w if w.isascii() else canonical_tones(w) for w in pieces[1::2]]
    return _COMBINING.sub("", "".join(pieces))


# Blocks whose every character `fold` maps, most to itself: a character missing from the
# table costs `translate` a raised KeyError each time it is met (in Vietnamese text most are:
# ASCII letters, spaces, punctuation), which made folding it two to three times slower.
_FOLD_BLOCKS = ((0x0000, 0x0250), (0x1E00, 0x1F00), (0x2000, 0x2070))


def _build_fold_table() -> dict[int, str]:
    table = {code: chr(code) for start, stop in _FOLD_BLOCKS for code in range(start, stop)}
    table |= {0x0110: "D", 0x0111: "d"}
    for start, stop in ((0x00C0, 0x0250), (0x1E00, 0x1F00)):
        for code in range(start, stop):
            base = "".join(
                c for c in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(c)
            )
            if len(base) == 1 and base != chr(code) and base.isascii():
                table[code] = base
    return table


_FOLD_TABLE = _build_fold_table()
# The same table as an array over the code points below U+2070 (it changes none above): a long
# text (an article's ~2,000 characters) folds about three times faster through it than through
# `str.translate`, which looks every character up in a dict; short texts the other way round.
_FOLDED = np.frombuffer(
    "".join(map(chr, range(0x2070))).translate(_FOLD_TABLE).encode("utf-32-le"), np.uint32
)
_LONG = 200


def fold(text: str) -> str:
    """Remove every diacritic ("Đồng Hới" -> "Dong Hoi"), one character for one character."""
    if len(text) < _LONG:
        return text.translate(_FOLD_TABLE)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    mapped = _FOLDED[np.minimum(codes, len(_FOLDED) - 1)]
    folded = np.where(codes < len(_FOLDED), mapped, codes)
    return folded.tobytes().decode("utf-32-le", "surrogatepass")


def lower(text: str) -> str:
    """Lower-case without changing the length (so offsets stay aligned)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def has_diacritics(text: str) -> bool:
    """True when the text has at least one Vietnamese accented letter."""
    return fold(text) != text
