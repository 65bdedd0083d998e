"""How well the indexed corpus supports a reading of a question: a document-frequency bigram model.

Every rereading of a question (keystrokes decoded, abbreviations expanded, typos corrected, glued
syllables split) is judged by the same score: the log-likelihood of its accent-folded syllables
under a bigram model whose counts are document frequencies, weighted as restoration weighs words
(`log((df + 0.5) / (documents + 1))`), and a penalty for diacritics no document writes.
"chuyển đổi số" beats "chuyeenr ddooir soos" because documents contain "chuyen" and the pair
"chuyen doi"; "tã" does not beat "tax" when no document writes "tã".

The statistics come through `CorpusStats`, which the index implements over its fields; tests use
an in-memory one built from the sample.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

from .normalize import fold, has_diacritics

__all__ = ["CorpusStats", "Support"]

# Weight of the pair statistics against the unigram back-off in a transition.
_PAIR_WEIGHT = 0.7


class CorpusStats(Protocol):
    """Document frequencies the index provides (all arguments lower case, one syllable each)."""

    def documents(self) -> int:
        """Number of indexed documents."""
        ...

    def syllable_df(self, syllable: str) -> int:
        """Documents containing the syllable with exactly these diacritics ("số", not "sổ")."""
        ...

    def folded_df(self, syllable: str) -> int:
        """Documents containing the accent-folded syllable ("so": số, sổ, sở, so...)."""
        ...

    def pair_df(self, first: str, second: str) -> int:
        """Documents where the folded syllables stand side by side, in this order."""
        ...


class Support:
    """Scores syllable sequences against the corpus; caches what it asked (one per question)."""

    def __init__(self, stats: CorpusStats) -> None:
        self.stats = stats
        self._log_total = math.log(max(stats.documents(), 1) + 1)
        self._folded: dict[str, int] = {}
        self._accented: dict[str, int] = {}
        self._pairs: dict[tuple[str, str], int] = {}
        self._transitions: dict[tuple[str | None, str], float] = {}

    def folded_df(self, folded: str) -> int:
        """Cached `CorpusStats.folded_df`."""
        found = self._folded.get(folded)
        if found is None:
            found = self._folded[folded] = self.stats.folded_df(folded)
        return found

    def pair_df(self, first: str, second: str) -> int:
        """Cached `CorpusStats.pair_df`."""
        key = (first, second)
        found = self._pairs.get(key)
        if found is None:
            found = self._pairs[key] = self.stats.pair_df(first, second)
        return found

    def syllable_df(self, syllable: str) -> int:
        """Cached `CorpusStats.syllable_df`."""
        found = self._accented.get(syllable)
        if found is None:
            found = self._accented[syllable] = self.stats.syllable_df(syllable)
        return found

    def unigram(self, folded: str) -> float:
        """log P(folded syllable), as restoration weighs a word."""
        return math.log(self.folded_df(folded) + 0.5) - self._log_total

    def transition(self, previous: str | None, folded: str) -> float:
        """log P(folded | previous folded syllable); the unigram after a break."""
        key = (previous, folded)
        found = self._transitions.get(key)
        if found is not None:
            return found
        if previous is None:
            found = self.unigram(folded)
        else:
            alone = math.exp(self.unigram(folded))
            together = self.pair_df(previous, folded) / max(self.folded_df(previous), 1)
            found = math.log(_PAIR_WEIGHT * together + (1 - _PAIR_WEIGHT) * alone)
        self._transitions[key] = found
        return found

    def accent(self, syllable: str) -> float:
        """0 when the corpus writes the syllable with these diacritics (or it has none: then
        restoration chooses them later); else log P(diacritics nobody wrote | folded syllable),
        so that "tax" is not read as a "tã" no document contains. Diacritics that were typed,
        or decoded from keys, are what the person meant: rarer ones are not penalised."""
        if not has_diacritics(syllable) or self.syllable_df(syllable) > 0:
            return 0.0
        return math.log(0.5 / (self.folded_df(fold(syllable)) + 1))

    def sequence(self, syllables: Sequence[str], previous: str | None = None) -> float:
        """log-likelihood of lower-case syllables following `previous` (None: after a break)."""
        folded = [fold(s) for s in syllables]
        return self.chain(folded, previous) + sum(self.accent(s) for s in syllables)

    def chain(self, folded: Sequence[str], previous: str | None = None) -> float:
        """The bigram part of `sequence`, for syllables already folded."""
        total = 0.0
        for syllable in folded:
            total += self.transition(previous, syllable)
            previous = syllable
        return total
