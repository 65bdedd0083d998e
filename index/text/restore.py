"""Putting diacritics back (and fixing one-letter typos) from the corpus's own vocabulary.

"hoi thao chinh quyen dien tu" becomes "hội thảo chính quyền điện tử": the indexed words are
grouped by their folded form ("chinh quyen" -> "chính quyền", document frequency 31), and a
dynamic programme picks the segmentation of the typed syllables into known words with the
highest likelihood (document frequency as a unigram model; a longer word beats two short ones
that together are rarer). Syllables typed with diacritics are kept as typed. Nothing is
downloaded: everything comes from the index, rebuilt with it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from .normalize import fold, has_diacritics, lower

__all__ = ["Restorer", "Restoration"]

_MAX_WORD = 4
_CANDIDATES = 4
_RECENT = 1_024  # restorations remembered (a plain dict, emptied when full)
# No Vietnamese syllable is longer ("nghiêng"): a longer token is not a mistyped syllable, and
# its edits (26 x 2 x its length strings of its length) would cost memory quadratic in it.
_LONGEST_SYLLABLE = 8
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_PLAIN_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Restoration:
    """The typed text with likely diacritics and corrections, and the words it is made of."""

    text: str
    words: tuple[str, ...]
    changed: bool
    corrected: bool


class Restorer:
    """Maps folded syllable sequences back to the corpus's accented words."""

    def __init__(self, word_frequencies: Mapping[str, int], documents: int) -> None:
        """`word_frequencies` maps each indexed word to its document frequency."""
        self._recent: dict[tuple[str, frozenset[str]], Restoration | None] = {}
        by_folded: dict[str, list[tuple[int, str]]] = {}
        syllables: dict[str, int] = {}
        for word, frequency in word_frequencies.items():
            if not _PLAIN_WORD.fullmatch(word.replace(" ", "")):
                continue
            by_folded.setdefault(fold(word), []).append((frequency, word))
            for syllable in fold(word).split(" "):
                syllables[syllable] = syllables.get(syllable, 0) + frequency
        self._words: Mapping[str, Sequence[tuple[int, str]]] = {
            key: sorted(values, reverse=True)[:_CANDIDATES] for key, values in by_folded.items()
        }
        self._syllables: Mapping[str, int] = syllables
        self._log_total = math.log(max(documents, 1) + 1)

    @classmethod
    def from_tables(
        cls,
        words: Mapping[str, Sequence[tuple[int, str]]],
        syllables: Mapping[str, int],
        documents: int,
    ) -> Restorer:
        """A restorer over prepared tables (an index on disk keeps them memory-mapped):
        `words` maps a folded word to its best (frequency, word) candidates, best first;
        `syllables` maps a folded syllable to the frequency of the words holding it."""
        restorer = cls({}, documents)
        restorer._words = words
        restorer._syllables = syllables
        return restorer

    @property
    def tables(self) -> tuple[Mapping[str, Sequence[tuple[int, str]]], Mapping[str, int]]:
        """The word candidates and syllable frequencies (what `from_tables` takes)."""
        return self._words, self._syllables

    def restore(self, text: str, keep: Collection[str] = ()) -> Restoration | None:
        """Restore a query; None when it has nothing to restore or correct. Words in `keep`
        (chat abbreviations the reading left as typed, `Reading.kept`) stay as typed.
        The latest results are remembered (a search restores its question twice when the
        reading changed it; questions repeat)."""
        key = (text, frozenset(lower(word) for word in keep))
        recent = self._recent
        if key in recent:
            return recent[key]
        restored = self._restore(text, key[1])
        if len(recent) >= _RECENT:
            recent.clear()
        recent[key] = restored
        return restored

    def _restore(self, text: str, kept: Collection[str]) -> Restoration | None:
        pieces = re.findall(r"[^\W_]+(?:[&/.\-+][^\W_]+)*|[^\w\s]", lower(text))
        if not pieces:
            return None
        words: list[str] = []
        output: list[str] = []
        run: list[str] = []
        corrected = False

        def flush() -> None:
            nonlocal corrected
            if run:
                found, fixed = self._restore_run(run)
                corrected |= fixed
                words.extend(found)
                output.extend(found)
                run.clear()

        for piece in pieces:
            if _PLAIN_WORD.fullmatch(piece) and piece not in kept:
                run.append(piece)
            else:
                flush()
                output.append(piece)
        flush()
        restored = _join(output)
        typed = _join(pieces)
        if restored == typed:
            return None
        return Restoration(restored, tuple(words), True, corrected)

    def _restore_run(self, typed: list[str]) -> tuple[list[str], bool]:
        """Best segmentation of a run of letters-only syllables into known words."""
        typed, corrected = self._correct(typed)
        n = len(typed)
        best = [(-math.inf, -1, "", False)] * (n + 1)
        best[0] = (0.0, -1, "", False)
        for end in range(1, n + 1):
            for size in range(1, min(_MAX_WORD, end) + 1):
                start = end - size
                if best[start][0] == -math.inf:
                    continue
                for log_p, word, fixed in self._candidates(typed[start:end]):
                    score = best[start][0] + log_p
                    if score > best[end][0]:
                        best[end] = (score, start, word, fixed)
        words: list[str] = []
        position = n
        while position > 0:
            _, start, word, _ = best[position]
            words.append(word)
            position = start
        return words[::-1], corrected

    def _correct(self, typed: list[str]) -> tuple[list[str], bool]:
        """Replace each unknown plain syllable by the known one a single edit away that forms a
        known word with a neighbour ("dien tuu" -> "dien tu"). Without that evidence an unknown
        syllable is left alone: it may be a word the corpus never used, not a typo."""
        fixed = list(typed)
        changed = False
        near: dict[str, list[str]] = {}  # a question repeating a word pays for its edits once
        for i, syllable in enumerate(typed):
            plain = fold(syllable)
            if (
                len(plain) > _LONGEST_SYLLABLE
                or has_diacritics(syllable)
                or plain in self._syllables
            ):
                continue
            if plain not in near:
                near[plain] = _known(self._syllables, _edits(plain))
            options = near[plain]
            if not options:
                continue
            left = fold(fixed[i - 1]) + " " if i > 0 else None
            right = " " + fold(typed[i + 1]) if i + 1 < len(typed) else None

            def merit(
                option: str, left: str | None = left, right: str | None = right
            ) -> tuple[int, int]:
                pairs = [f"{left}{option}" if left else None, f"{option}{right}" if right else None]
                together = max(
                    (self._words[p][0][0] for p in pairs if p and p in self._words), default=0
                )
                return together, self._syllables[option]

            best = max(options, key=merit)
            if merit(best)[0] > 0:
                fixed[i] = best
                changed = True
        return fixed, changed

    def _candidates(self, typed: list[str]) -> list[tuple[float, str, bool]]:
        """(log likelihood, word, _) for the typed syllables read as one word; a single
        syllable nobody wrote stays as typed, at a low likelihood."""
        key = " ".join(fold(s) for s in typed)
        found = [
            (math.log(frequency + 0.5) - self._log_total, word, False)
            for frequency, word in self._words.get(key, ())
            if _agrees(typed, word)
        ]
        if len(typed) > 1 or found:
            return found
        return [(math.log(0.5) - self._log_total - 4.0, typed[0], False)]


def _agrees(typed: list[str], word: str) -> bool:
    """Syllables typed with diacritics must be exactly the word's."""
    return all(
        not has_diacritics(t) or t == w for t, w in zip(typed, word.split(" "), strict=False)
    )


def _known(syllables: Mapping[str, int], options: set[str]) -> list[str]:
    """The options that are known syllables; a table that can look many up at once does."""
    lookup = getattr(syllables, "known", None)
    if lookup is not None:
        return list(lookup(options))
    return [option for option in options if option in syllables]


def _edits(word: str) -> set[str]:
    """Every string one edit (delete, swap, replace, insert) away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | swaps | replaces | inserts) - {word}


def _join(pieces: list[str]) -> str:
    text = " ".join(pieces)
    return re.sub(r"\s+([,.;:!?)\]])", r"\1", text)
