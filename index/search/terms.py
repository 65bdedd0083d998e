"""Stable 64-bit term keys, and the keys of every field derived in bulk from token streams.

A term needs one identity in every segment (segment-local ids cannot be summed), so each field's
dictionary is a sorted array of 64-bit keys: BLAKE2b-64 of the UTF-8 text for words and folded
syllables, and a SplitMix64 mix of the two syllable keys for a pair (computed in numpy for
millions of pairs at once, and for one query pair in Python, with the same result). A collision
between two distinct terms of one field has a probability of about V²/2⁶⁵ (V = 10⁷ pairs: 3·10⁻⁶);
word strings are kept beside their keys for diacritics restoration.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..text.analyzer import BOUNDARY
from ..text.normalize import fold
from .fields import QueryTerms

__all__ = [
    "FIELDS",
    "GROUPS",
    "KINDS",
    "BatchTerms",
    "KeyCache",
    "QueryKeys",
    "batch_terms",
    "pair_key",
    "pair_keys",
    "query_keys",
    "term_key",
]

GROUPS = ("title", "text")
KINDS = ("words", "syllables", "pairs")
FIELDS = tuple(f"{group}.{kind}" for group in GROUPS for kind in KINDS)

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_MIX1 = 0xBF58476D1CE4E5B9
_MIX2 = 0x94D049BB133111EB


def term_key(text: str) -> int:
    """The 64-bit key of a word or syllable."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def pair_key(first: int, second: int) -> int:
    """The key of the pair of two syllable keys (as `pair_keys`, for one pair)."""
    z = (first * _GOLDEN + second) & _MASK
    z = ((z ^ (z >> 30)) * _MIX1) & _MASK
    z = ((z ^ (z >> 27)) * _MIX2) & _MASK
    return z ^ (z >> 31)


def pair_keys(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Keys of many syllable pairs (uint64 arithmetic wraps, as the mix needs)."""
    with np.errstate(over="ignore"):
        z = first.astype(np.uint64) * np.uint64(_GOLDEN) + second.astype(np.uint64)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(_MIX1)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(_MIX2)
        return z ^ (z >> np.uint64(31))


@dataclass(frozen=True)
class QueryKeys:
    """A query's terms in each field, as keys, in the order of `QueryTerms`."""

    words: tuple[int, ...]
    syllables: tuple[int, ...]
    pairs: tuple[int, ...]


def query_keys(terms: QueryTerms) -> QueryKeys:
    """Keys of a query's words, syllables and "a b" pairs."""
    pairs = []
    for pair in terms.pairs:
        first, _, second = pair.partition(" ")
        pairs.append(pair_key(term_key(first), term_key(second)))
    return QueryKeys(
        tuple(map(term_key, terms.words)), tuple(map(term_key, terms.syllables)), tuple(pairs)
    )


class KeyCache:
    """Per token: its word key and the keys of its folded syllables (0 for a boundary)."""

    _LIMIT = 2_000_000  # tokens remembered; a vocabulary is far smaller, a stream of codes not

    def __init__(self) -> None:
        self._tokens: dict[str, tuple[int, tuple[int, ...]]] = {BOUNDARY: (0, (0,))}

    def get(self, token: str) -> tuple[int, tuple[int, ...]]:
        """The keys of one token."""
        found = self._tokens.get(token)
        if found is None:
            if len(self._tokens) > self._LIMIT:
                self._tokens = {BOUNDARY: (0, (0,))}
            found = (term_key(token), tuple(term_key(s) for s in fold(token).split(" ")))
            self._tokens[token] = found
        return found


@dataclass(frozen=True)
class BatchTerms:
    """One field group (title or text) of a batch of documents: per kind, the key of every term
    occurrence and its document (batch position), and each document's length."""

    keys: dict[str, np.ndarray]  # kind -> uint64 per occurrence
    docs: dict[str, np.ndarray]  # kind -> int64 batch position per occurrence
    lengths: dict[str, np.ndarray]  # kind -> int64 per document
    words: dict[int, str]  # word key -> word, for the words of this batch


def batch_terms(streams: Sequence[Sequence[str]], cache: KeyCache) -> BatchTerms:
    """Derive the words, folded syllables and folded pairs of many token streams at once."""
    vocabulary: dict[str, int] = {BOUNDARY: 0}
    flat: list[int] = []
    lengths = np.zeros(len(streams), dtype=np.int64)
    for position, stream in enumerate(streams):
        for token in set(stream).difference(vocabulary):
            vocabulary[token] = len(vocabulary)
        flat.extend(map(vocabulary.__getitem__, stream))
        lengths[position] = len(stream)
    tokens = np.asarray(flat, dtype=np.int64)
    docs = np.repeat(np.arange(len(streams), dtype=np.int64), lengths)
    n = len(streams)

    word_keys = np.zeros(len(vocabulary), dtype=np.uint64)
    indptr = np.zeros(len(vocabulary) + 1, dtype=np.int64)
    syllables: list[int] = []
    words: dict[int, str] = {}
    for token, token_id in vocabulary.items():  # ids were assigned in insertion order
        word, folded = cache.get(token)
        word_keys[token_id] = word
        syllables.extend(folded)
        indptr[token_id + 1] = len(syllables)
        if token_id:
            words[word] = token
    syllable_keys = np.asarray(syllables, dtype=np.uint64)

    is_word = tokens != 0
    keys = {"words": word_keys[tokens[is_word]]}
    occurrence_docs = {"words": docs[is_word]}

    counts = np.diff(indptr)[tokens]
    starts = indptr[tokens]
    offsets = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    flat_syllables = syllable_keys[offsets]  # 0 marks a boundary
    syllable_docs = np.repeat(docs, counts)
    real = flat_syllables != 0
    keys["syllables"] = flat_syllables[real]
    occurrence_docs["syllables"] = syllable_docs[real]

    first, second = flat_syllables[:-1], flat_syllables[1:]
    adjacent = (first != 0) & (second != 0) & (syllable_docs[:-1] == syllable_docs[1:])
    keys["pairs"] = pair_keys(first[adjacent], second[adjacent])
    occurrence_docs["pairs"] = syllable_docs[:-1][adjacent]
    field_lengths = {
        kind: np.bincount(occurrence_docs[kind], minlength=n).astype(np.int64) for kind in KINDS
    }
    return BatchTerms(keys, occurrence_docs, field_lengths, words)
