"""Typo tolerance from the corpus's vocabulary: edit distance on accent-folded syllables and words.

`TypoIndex` is a SymSpell index (Wolf Garbe's symmetric delete): every indexed term, a folded
syllable ("covid", "hinh") or a folded multi-syllable word written without its spaces
("thongtin" for "thông tin"), is stored under the hashes of the strings up to two deletions
(one for words) away from its first seven letters. A typed token looks up the hashes of its own
deletions, and the terms found are kept when their true edit distance (insertions, deletions,
substitutions, transpositions) is within the limit: "covit" finds "covid", "hjnh" finds "hinh",
"thongtin" finds "thong tin". The index is a few flat arrays (`to_arrays`/`from_arrays`), saved
beside the on-disk index and memory-mapped, never rebuilt by a reader: about 90 bytes a term,
5% of the BM25 fields of 2,000 news articles, less as the corpus grows (its vocabulary grows
more slowly than its postings).

`split_glued` cuts a token typed without spaces into syllables the corpus knows side by side
("chuyendoiso" -> "chuyen doi so"), and `suggest` ranks corrections by frequency and by the
neighbouring syllables, through the same corpus support as every other rereading.
"""

from __future__ import annotations

import itertools
import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import OSA

from .normalize import fold
from .support import Support
from .syllables import is_folded_syllable

__all__ = ["Suggestion", "TypoIndex", "max_distance", "split_glued", "suggest"]

_PREFIX = 7
_MAX_DISTANCE = 2
_LONGEST_TERM = 24  # letters; longer strings are not words people mistype
_LONGEST_GLUED = 40
_LONGEST_PIECE = 7  # "nghieng"
# log-likelihood cost of one edit: a correction must be this much better supported than the
# typed token to replace it. Chat spellings ("hjnh" for "hinh", "zui" for "vui") cost less.
EDIT_COST = 3.0
CHAT_SPELLING_COST = 1.0
_CHAT_SPELLINGS = (("j", "i"), ("j", "gi"), ("z", "d"), ("z", "v"), ("z", "gi"), ("w", "qu"),
                   ("w", "u"), ("f", "ph"), ("k", "c"), ("k", "ch"), ("dz", "d"))  # fmt: skip


@dataclass(frozen=True)
class Suggestion:
    """A corpus term near a typed token: folded syllables joined by spaces."""

    term: str
    distance: int
    frequency: int


def max_distance(length: int) -> int:
    """Edits allowed for a token of this many letters: none below 4, one up to 6, then two."""
    if length < 4:
        return 0
    return 1 if length <= 6 else 2


class TypoIndex:
    """Folded corpus terms under the hashes of their deletions (see the module docstring)."""

    def __init__(
        self,
        text: np.ndarray,
        offsets: np.ndarray,
        frequencies: np.ndarray,
        hashes: np.ndarray,
        postings: np.ndarray,
    ) -> None:
        """Wrap the arrays `build` makes (or `from_arrays` loads); nothing is copied."""
        self._text = text  # uint8: the terms' ASCII bytes, one after the other
        self._offsets = offsets  # uint32, len(terms) + 1
        self._frequencies = frequencies  # uint32 document frequency per term
        self._hashes = hashes  # uint32 sorted: crc32 of each deletion
        self._postings = postings  # uint32 term id per hash

    @classmethod
    def build(cls, word_frequencies: Mapping[str, int], min_word_frequency: int = 2) -> TypoIndex:
        """Index the corpus words (word -> document frequency, as `Restorer` takes them): their
        folded syllables, under deletions up to two edits, and their folded multi-syllable forms
        written without spaces, under deletions up to one edit (a word typed glued with two
        typos is rare; that keeps the index small). Words rarer than `min_word_frequency` keep
        only their syllables."""
        syllable_terms: dict[str, int] = {}
        word_terms: dict[str, int] = {}
        for word, frequency in word_frequencies.items():
            folded = fold(word.lower())
            syllables = folded.split(" ")
            if not all(s.isascii() and s.isalpha() for s in syllables):
                continue
            for syllable in syllables:
                syllable_terms[syllable] = syllable_terms.get(syllable, 0) + frequency
            if len(syllables) > 1:
                word_terms[folded] = word_terms.get(folded, 0) + frequency
        by_key: dict[str, tuple[int, str, int]] = {}  # key -> (frequency, term, edits indexed)
        for terms, edits, floor in ((word_terms, 1, min_word_frequency), (syllable_terms, 2, 1)):
            for term, frequency in terms.items():
                key = term.replace(" ", "")
                if frequency >= floor and len(key) <= _LONGEST_TERM:
                    by_key[key] = max(by_key.get(key, (0, term, edits)), (frequency, term, edits))
        ordered = sorted(by_key.items())
        encoded = [term.encode("ascii") for _, (_, term, _) in ordered]
        offsets = np.zeros(len(encoded) + 1, dtype=np.uint32)
        offsets[1:] = np.cumsum([len(e) for e in encoded])
        text = np.frombuffer(b"".join(encoded), dtype=np.uint8).copy()
        frequencies = np.array([f for _, (f, _, _) in ordered], dtype=np.uint32)
        hashes: list[int] = []
        postings: list[int] = []
        for term_id, (key, (_, _, edits)) in enumerate(ordered):
            for deletion in _deletions(key[:_PREFIX], edits):
                hashes.append(zlib.crc32(deletion.encode("ascii")))
                postings.append(term_id)
        hash_array = np.array(hashes, dtype=np.uint32)
        order = np.argsort(hash_array, kind="stable")
        return cls(
            text, offsets, frequencies, hash_array[order], np.array(postings, np.uint32)[order]
        )

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The arrays to save (`np.save` each, or one `np.savez`); `from_arrays` reopens them."""
        return {
            "text": self._text,
            "offsets": self._offsets,
            "frequencies": self._frequencies,
            "hashes": self._hashes,
            "postings": self._postings,
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> TypoIndex:
        """Open saved arrays as they are (memory-mapped ones stay memory-mapped)."""
        names = ("text", "offsets", "frequencies", "hashes", "postings")
        missing = [n for n in names if n not in arrays]
        if missing:
            raise ValueError(f"typo index arrays missing: {', '.join(missing)} (rebuild the index)")
        return cls(*(arrays[n] for n in names))

    def __len__(self) -> int:
        return len(self._frequencies)

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays."""
        return sum(a.nbytes for a in self.to_arrays().values())

    def term(self, term_id: int) -> str:
        """The folded term with its spaces ("thong tin")."""
        start, end = int(self._offsets[term_id]), int(self._offsets[term_id + 1])
        return self._text[start:end].tobytes().decode("ascii")

    def frequency(self, term: str) -> int:
        """Document frequency of a folded term (0 when it is not indexed)."""
        key = term.replace(" ", "")
        for term_id in self._candidates([key[:_PREFIX]]):
            if self.term(term_id).replace(" ", "") == key:
                return int(self._frequencies[term_id])
        return 0

    def lookup(self, typed: str, distance: int | None = None, limit: int = 8) -> list[Suggestion]:
        """Corpus terms within `distance` edits of the folded, space-free token (default:
        `max_distance`), nearest first, then most frequent; the token itself included."""
        key = fold(typed.lower()).replace(" ", "")
        if not key.isascii() or not key.isalpha() or len(key) > _LONGEST_TERM:
            return []
        allowed = max_distance(len(key)) if distance is None else distance
        found = []
        for term_id in self._candidates(_deletions(key[:_PREFIX], allowed)):
            term = self.term(term_id)
            edits = _edit_distance(key, term.replace(" ", ""), allowed)
            if edits <= allowed:
                found.append(Suggestion(term, edits, int(self._frequencies[term_id])))
        found.sort(key=lambda s: (s.distance, -s.frequency, s.term))
        return found[:limit]

    def _candidates(self, deletions: Sequence[str] | set[str]) -> list[int]:
        wanted = np.array([zlib.crc32(d.encode("ascii")) for d in deletions], dtype=np.uint32)
        starts = np.searchsorted(self._hashes, wanted, side="left")
        ends = np.searchsorted(self._hashes, wanted, side="right")
        ids: set[int] = set()
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            if end > start:
                ids.update(self._postings[start:end].tolist())
        return sorted(ids)


def suggest(
    index: TypoIndex,
    typed: str,
    support: Support,
    left: str | None = None,
    right: str | None = None,
    limit: int = 3,
) -> list[tuple[float, Suggestion]]:
    """Corrections of a typed token ranked by corpus support between its folded neighbours
    (None: punctuation or the question's edge), each edit costing `EDIT_COST`; best first."""
    ranked = []
    for found in index.lookup(typed):
        if found.distance == 0 and " " not in found.term:
            continue  # the token itself
        syllables = found.term.split(" ")
        score = support.sequence(syllables, left) - edit_cost(typed, found)
        if right is not None:
            score += support.transition(syllables[-1], right)
        ranked.append((score, found))
    ranked.sort(key=lambda pair: -pair[0])
    return ranked[:limit]


def edit_cost(typed: str, found: Suggestion) -> float:
    """What a correction costs: `EDIT_COST` per edit, less for a chat spelling of the term."""
    key = fold(typed.lower())
    target = found.term.replace(" ", "")
    for wrong, right in _CHAT_SPELLINGS:
        if wrong in key and key.replace(wrong, right) == target:
            return CHAT_SPELLING_COST
    return EDIT_COST * found.distance


def split_glued(typed: str, support: Support) -> tuple[str, ...] | None:
    """Syllables typed without spaces, cut where the corpus knows every piece and most adjacent
    pairs ("chuyendoiso" -> chuyen, doi, so; "hànhthông" -> hành, thông); None when no such cut.
    The pieces keep the typed diacritics."""
    folded = fold(typed.lower())
    if not (4 <= len(folded) <= _LONGEST_GLUED) or not folded.isascii() or not folded.isalpha():
        return None
    n = len(folded)
    # best[end] = (score, start of the last piece) over cuts of folded[:end]
    best: list[tuple[float, int]] = [(-math.inf, -1)] * (n + 1)
    best[0] = (0.0, -1)
    for end in range(1, n + 1):
        for start in range(max(0, end - _LONGEST_PIECE), end):
            score, before = best[start]
            piece = folded[start:end]
            if score == -math.inf or not _known_piece(piece, support):
                continue
            previous = folded[before:start] if start else None
            total = score + support.transition(previous, piece)
            if total > best[end][0]:
                best[end] = (total, start)
    if best[n][0] == -math.inf or best[n][1] == 0:
        return None  # no cut, or the whole token as one piece
    cuts = []
    end = n
    while end > 0:
        start = best[end][1]
        cuts.append((start, end))
        end = start
    cuts.reverse()
    pieces = [folded[a:b] for a, b in cuts]
    known = sum(support.pair_df(a, b) > 0 for a, b in itertools.pairwise(pieces))
    if 2 * known < len(pieces) - 1 or known == 0:
        return None  # syllables the corpus never writes side by side: not one phrase
    return tuple(typed[a:b] for a, b in cuts)


def _known_piece(piece: str, support: Support) -> bool:
    return is_folded_syllable(piece) and support.folded_df(piece) > 0


def _deletions(word: str, distance: int) -> set[str]:
    """The word and every string `distance` or fewer deletions away."""
    found = {word}
    frontier = {word}
    for _ in range(distance):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w)) if len(w) > 1}
        found |= frontier
    return found


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (adjacent transpositions count one), or limit + 1 once
    it exceeds the limit (rapidfuzz's, compiled: a Python band of cells cost 30 µs a pair, and a
    mistyped word meets several candidates)."""
    distance: int = OSA.distance(a, b, score_cutoff=limit)
    return distance
