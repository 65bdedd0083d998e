"""Which strings are Vietnamese syllables: onset, glide, nucleus, coda and tone, spelling rules.

A syllable is written onset + rhyme, the rhyme being an optional glide (o/u: "hoa", "tuy"), a
nucleus ("a", "iê", "ươ", ...) and an optional coda ("c ch m n ng nh p t" or a closing vowel).
The spelling rules decide which onset may precede which rhyme ("k" before e/ê/i/y, "c" elsewhere;
"gh"/"ngh" before e/ê/i; "qu" always with the glide u; "yê" without an onset or after the glide,
"iê" after an onset), and the stop codas (c, ch, p, t) take only the sắc or nặng tone.

Every valid toneless syllable is enumerated once, on first use (a few thousand strings), so a
check is a set lookup after taking the tone mark off. This module imports nothing from the
package: the normaliser uses it to decide whether a zero-width space joins two syllables or one
word.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

__all__ = [
    "TONES",
    "Syllable",
    "is_folded_syllable",
    "is_syllable",
    "parse",
    "spellings",
    "toneless_syllables",
]

# Combining tone marks, numbered as Vietnamese schoolbooks do (0 is the level tone, no mark).
TONES = {"\u0301": 1, "\u0300": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}  # sắc huyền hỏi ngã nặng
_STOP_CODAS = frozenset({"c", "ch", "p", "t"})
_STOP_TONES = frozenset({1, 5})

_ONSETS = (
    "",
    *[
        "b",
        "c",
        "ch",
        "d",
        "đ",
        "g",
        "gh",
        "gi",
        "h",
        "k",
        "kh",
        "l",
        "m",
        "n",
        "ng",
        "ngh",
        "nh",
        "p",
        "ph",
        "q",
        "r",
        "s",
        "t",
        "th",
        "tr",
        "v",
        "x",
    ],
)

# Nucleus -> codas it takes ("-" is none). "ia"/"ua"/"ưa" are the open forms of "iê"/"uô"/"ươ";
# "yê"/"ya" are how "iê"/"ia" are written without an onset or after the glide u.
_NUCLEI = {
    "a": "- c ch i m n ng nh o p t u y",
    "ă": "c m n ng p t",
    "â": "c m n ng p t u y",
    "e": "- c m n ng o p t",
    "ê": "- ch m n nh p t u",
    "i": "- ch m n nh p t u",
    "y": "-",
    "ia": "-",
    "iê": "c m n ng p t u",
    "yê": "m n ng t u",
    "o": "- c i m n ng p t",
    "oo": "c ng",
    "ô": "- c i m n ng p t",
    "ơ": "- i m n p t",
    "u": "- c i m n ng p t",
    "ua": "-",
    "uô": "c i m n ng t",
    "ư": "- c i ng t u",
    "ưa": "-",
    "ươ": "c i m n ng p t u",
}

# (glide, nucleus) -> codas. The glide o is written u after q ("qua", "quăng", "quen").
_GLIDED = {
    ("o", "a"): "- c ch i m n ng nh o p t y",
    ("o", "ă"): "c m n ng t",
    ("o", "e"): "- m n o t",
    ("u", "â"): "n ng t y",
    ("u", "ê"): "- ch nh",
    ("u", "y"): "- ch n nh p t u",
    ("u", "yê"): "n t",
    ("u", "ya"): "-",
    ("u", "ơ"): "-",
}
_AFTER_Q = {
    ("u", "a"): "- c ch i m n ng nh o t y",
    ("u", "ă"): "c m n ng t",
    ("u", "e"): "- n o t",
    ("u", "i"): "- t",
    ("u", "ô"): "c",
}


@dataclass(frozen=True)
class Syllable:
    """A syllable's parts: lower case, vowel modifiers kept, tone as a number 0-5."""

    onset: str
    glide: str
    nucleus: str
    coda: str
    tone: int

    @property
    def rhyme(self) -> str:
        """Glide, nucleus and coda as written."""
        return self.glide + self.nucleus + self.coda


def _rhymes() -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    for nucleus, codas in _NUCLEI.items():
        found.extend(("", nucleus, "" if c == "-" else c) for c in codas.split())
    for table in (_GLIDED, _AFTER_Q):
        for (glide, nucleus), codas in table.items():
            found.extend((glide, nucleus, "" if c == "-" else c) for c in codas.split())
    return found


def _allowed(onset: str, glide: str, nucleus: str) -> bool:
    """The spelling rules between an onset and the rhyme that follows it."""
    first = (glide or nucleus)[0]
    if onset == "q":
        return glide == "u"
    if (glide, nucleus) in _AFTER_Q:
        return False
    if nucleus == "yê" and not glide:  # "yên", "yêu": only without an onset
        return onset == ""
    if nucleus == "iê" and onset == "":
        return False
    if onset == "k":
        return first in "eêiy" and not glide
    if onset in ("gh", "ngh"):
        return first in "eêi" and not glide
    if onset == "c":
        return first not in "eêiy" and not glide
    if onset == "g":  # "gì", "gìn", "giếng": the onset gi before a rhyme that starts with i
        return first not in "eêy" and glide != "u"
    if onset == "ng":
        return first not in "eêiy"
    if onset == "gi":
        return first not in "iyê" and not glide
    return True


def _enumerate() -> dict[str, Syllable]:
    table: dict[str, Syllable] = {}
    for glide, nucleus, coda in _rhymes():
        for onset in _ONSETS:
            if _allowed(onset, glide, nucleus):
                written = onset + glide + nucleus + coda
                table.setdefault(written, Syllable(onset, glide, nucleus, coda, 0))
    return table


def _strip_marks(text: str) -> str:
    """Every diacritic off, đ -> d (a local fold: this module imports nothing from the package)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")


@cache
def _toneless() -> dict[str, Syllable]:
    """Every valid toneless syllable, built on first use (not at import: a question needs none)."""
    return _enumerate()


@cache
def _by_folded() -> dict[str, tuple[str, ...]]:
    table = _toneless()
    # the marks come off each letter alone (a translation: 8 ms -> 3 ms, paid by a question)
    plain = str.maketrans({c: _strip_marks(c) for c in {c for w in table for c in w}})
    found: dict[str, tuple[str, ...]] = {}
    for written in table:
        key = written.translate(plain)
        found[key] = (*found.get(key, ()), written)
    return found


def toneless_syllables() -> frozenset[str]:
    """Every valid syllable without its tone mark ("thuyên", "nghiêng"), lower case."""
    return frozenset(_toneless())


def spellings(folded: str) -> tuple[str, ...]:
    """Every valid toneless syllable that folds to `folded` ("nguoi" -> "nguôi", "ngươi")."""
    return _by_folded().get(folded, ())


@lru_cache(maxsize=100_000)
def parse(text: str) -> Syllable | None:
    """The parts of a syllable as written (any case, any tone placement), or None if invalid."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    tones = [TONES[c] for c in decomposed if c in TONES]
    if len(tones) > 1:
        return None
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
    found = _toneless().get(base)
    if found is None:
        return None
    tone = tones[0] if tones else 0
    if found.coda in _STOP_CODAS and tone not in _STOP_TONES:
        return None
    return Syllable(found.onset, found.glide, found.nucleus, found.coda, tone)


def is_syllable(text: str) -> bool:
    """True when text is one valid syllable as written ("hòa", "hoà", "tin"; not "chuyen")."""
    return parse(text) is not None


@lru_cache(maxsize=100_000)
def is_folded_syllable(text: str) -> bool:
    """True when text, read without its diacritics, is some valid syllable ("chuyen", "duong")."""
    return _strip_marks(text.lower()) in _by_folded()
