"""Reading Telex and VNI keystrokes left in text typed with the input method off or half working.

"chuyeenr ddooir soos" is "chuyển đổi số" in Telex; "chuye6n3 d9o6i3 so61" is the same in VNI.
Each syllable is decoded on its own, and a decoding counts only when it is one valid syllable
(`index.text.syllables`): "facebook", "covid", "sms", "iso" and "dx" decode to nothing. Whether a
valid decoding is what the person meant is the corpus's call (`index.text.reading`), not this
module's: "tax" decodes to "tã" here.

Telex: aa ee oo -> â ê ô; aw ow uw -> ă ơ ư (uow -> ươ; w after the rhyme works too, "thuongw");
w with no vowel before it is ư ("nhw" -> "như"); dd -> đ (or a later d, "dod"); tone keys s f r x
j anywhere after the first vowel ("tieengs", "tiesng"), z removes the tone; a key typed twice is
the letter itself ("bass"), which is never a syllable. VNI: 1-5 tones, 0 none, 6 circumflex,
7 horn, 8 breve, 9 đ, each after its letter or later in the syllable. The tone lands where
`canonical_tones` puts it ("hoaf" -> "hòa", "thuyr" -> "thủy"); case is kept ("DDOONGF" ->
"ĐỒNG"). A syllable typed with keys half applied ("tiesng": the circumflex missing) is completed
when exactly one valid syllable fits.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .normalize import canonical_tones, has_diacritics
from .syllables import TONES, is_syllable, spellings
from .typed import TokenKind, TypedToken, typed_tokens

__all__ = ["KeystrokeReading", "candidates", "telex", "vni"]

_VOWELS = frozenset("aeiouyăâêôơư")
_MARK_OF_TONE = {tone: mark for mark, tone in TONES.items()}
_TELEX_TONES = {"s": 1, "f": 2, "r": 3, "x": 4, "j": 5}
_VNI_TONES = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
_HAT = {"a": "â", "e": "ê", "o": "ô"}
_HORN = {"o": "ơ", "u": "ư"}
_BREVE = {"a": "ă"}
_MODIFIED = frozenset("ăâêôơưđ")
_MAX_LENGTH = 12  # "nghieengs" is 9 keys; longer tokens are not one syllable


class _Literal(Exception):
    """A key typed twice: the letter itself, so no syllable."""


@dataclass
class _Keys:
    """What the keys of one token asked for: letters, modifier marks and a tone."""

    letters: list[str] = field(default_factory=list)
    marks: list[tuple[str, int]] = field(default_factory=list)  # (kind, letters typed before)
    tone: int | None = None
    used: bool = False  # some key was read as a keystroke

    def has_vowel(self) -> bool:
        return any(c in _VOWELS for c in self.letters)


def telex(syllable: str) -> str | None:
    """The syllable the Telex keys spell ("ddooir" -> "đổi"); None when there are no keys or the
    result is not one valid syllable."""
    return _decode(syllable, "telex")


def vni(syllable: str) -> str | None:
    """The syllable the VNI keys spell ("d9o6i3" -> "đổi"); None when there are no keys or the
    result is not one valid syllable."""
    return _decode(syllable, "vni")


@dataclass(frozen=True)
class KeystrokeReading:
    """A token of a question and what its Telex and VNI keys spell (None: nothing valid)."""

    token: TypedToken
    telex: str | None
    vni: str | None


def candidates(text: str) -> list[KeystrokeReading]:
    """The tokens of a question that decode to a valid syllable, with their decodings. Urls,
    codes, numbers, mixed-case names and syllables already typed with their marks are skipped."""
    found = []
    for token in typed_tokens(text):
        if not token.kind.rereadable:
            continue
        as_telex = telex(token.text) if token.kind is TokenKind.WORD else None
        as_vni = vni(token.text)
        if as_telex or as_vni:
            found.append(KeystrokeReading(token, as_telex, as_vni))
    return found


@lru_cache(maxsize=50_000)
def _decode(token: str, scheme: str) -> str | None:
    if not 1 < len(token) <= _MAX_LENGTH or not token.isalnum() or not token[0].isalpha():
        return None
    if has_diacritics(token) and is_syllable(token):
        return None  # typed with its marks already: nothing to decode
    lowered = token.lower()
    try:
        keys = _telex_keys(lowered) if scheme == "telex" else _vni_keys(lowered)
    except _Literal:
        return None
    if keys is None or not keys.used:
        return None
    found = _first_valid(keys)
    return None if found is None else _recase(found, token)


def _initial(word: str) -> tuple[str, int | None]:
    """The word without tone marks typed as marks, and that tone (half-working input methods)."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [TONES[c] for c in decomposed if c in TONES]
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
    return base, (tones[-1] if tones else None)


def _telex_keys(word: str) -> _Keys | None:
    base, tone = _initial(word)
    keys = _Keys(tone=tone)
    letters = keys.letters
    previous = ""
    for ch in base:
        if ch == "d" and letters and letters[0] in "dđ":
            if letters[0] == "đ":
                raise _Literal
            letters[0] = "đ"
            keys.used = True
        elif ch in _HAT and previous == ch and letters and letters[-1] == ch:
            letters[-1] = _HAT[ch]
            keys.used = True
        elif ch in _HAT and previous == ch and letters and letters[-1] == _HAT[ch]:
            raise _Literal  # "aaa"
        elif ch == "w":
            if previous == "w":
                raise _Literal
            if keys.has_vowel():
                keys.marks.append(("w", len(letters)))
            else:
                letters.append("ư")  # w alone
            keys.used = True
        elif ch in _TELEX_TONES and keys.has_vowel():
            if previous == ch:
                raise _Literal
            keys.tone = _TELEX_TONES[ch]
            keys.used = True
        elif ch == "z" and keys.has_vowel():
            keys.tone = 0
            keys.used = True
        else:
            letters.append(ch)
        previous = ch
    return keys


def _vni_keys(word: str) -> _Keys | None:
    if not any(c.isdigit() for c in word):
        return None
    base, tone = _initial(word)
    keys = _Keys(tone=tone)
    letters = keys.letters
    previous = ""
    for ch in base:
        if not ch.isdigit():
            letters.append(ch)
        elif previous == ch:
            raise _Literal
        elif not keys.has_vowel() and ch != "9":
            return None  # "h5n1", "g7": a digit with nothing to mark
        elif ch in _VNI_TONES or ch == "0":
            keys.tone = _VNI_TONES.get(ch, 0)
        elif ch == "6":
            keys.marks.append(("hat", len(letters)))
        elif ch == "7":
            keys.marks.append(("horn", len(letters)))
        elif ch == "8":
            keys.marks.append(("breve", len(letters)))
        elif ch == "9" and letters[:1] == ["d"]:
            letters[0] = "đ"
        else:
            return None
        previous = ch
        keys.used = True
    return keys


def _options(kind: str, before: int, letters: Sequence[str]) -> list[list[tuple[int, str]]]:
    """The ways one modifier key can apply, most likely first: the pair uo for a horn (ươ), the
    letter just before the key, then the other vowels from the nearest back. Telex's w is a
    horn or a breve, whichever letter it finds."""
    table = {"hat": _HAT, "horn": _HORN, "breve": _BREVE, "w": _HORN | _BREVE}[kind]
    options: list[list[tuple[int, str]]] = []
    if kind in ("horn", "w"):
        for i in range(min(before, len(letters)) - 1):
            if letters[i] in "uư" and letters[i + 1] in "oơ":
                options.append([(i, "ư"), (i + 1, "ơ")])
    for i in range(min(before, len(letters)) - 1, -1, -1):
        if letters[i] in table:
            options.append([(i, table[letters[i]])])
    return options


def _spelled(keys: _Keys) -> Iterator[str]:
    """Every toneless spelling the marks allow, most likely first."""
    choices = [_options(kind, before, keys.letters) for kind, before in keys.marks]
    if any(not c for c in choices):
        return
    for combination in itertools.product(*choices):
        letters = list(keys.letters)
        for edits in combination:
            for i, letter in edits:
                letters[i] = letter
        yield "".join(letters)


def _first_valid(keys: _Keys) -> str | None:
    spelled = list(dict.fromkeys(_spelled(keys)))
    tone = keys.tone or 0
    for written in spelled:
        placed = _with_tone(written, tone)
        if placed is not None and is_syllable(placed):
            return placed
    for written in spelled:  # keys half applied: complete the marks when one syllable fits
        completions = {
            placed
            for candidate in spellings(_fold_letters(written))
            if _keeps_marks(written, candidate)
            and (placed := _with_tone(candidate, tone)) is not None
            and is_syllable(placed)
        }
        if len(completions) == 1:
            return completions.pop()
    return None


def _with_tone(written: str, tone: int) -> str | None:
    if tone == 0:
        return written
    for i, c in enumerate(written):
        if c in _VOWELS:
            marked = written[: i + 1] + _MARK_OF_TONE[tone] + written[i + 1 :]
            return canonical_tones(unicodedata.normalize("NFC", marked))
    return None


def _fold_letters(written: str) -> str:
    decomposed = unicodedata.normalize("NFD", written)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")


def _keeps_marks(typed: str, candidate: str) -> bool:
    """The candidate keeps every modifier that was typed."""
    return all(t == c for t, c in zip(typed, candidate, strict=False) if t in _MODIFIED)


def _recase(decoded: str, typed: str) -> str:
    letters = [c for c in typed if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return decoded.upper()
    if typed[0].isupper():
        return decoded[:1].upper() + decoded[1:]
    return decoded
