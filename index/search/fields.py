"""Index fields derived from the analyzer's token stream, for documents and queries alike.

- words: the segmented words as written ("chính quyền"), exact diacritics;
- syllables: accent-folded syllables ("chinh", "quyen"), so text typed without diacritics matches;
- pairs: adjacent accent-folded syllables ("chinh quyen"), which restore word order and most of
  the precision that folding loses.

Documents are indexed in bulk with numpy (a corpus of 30 million tokens takes seconds, with no
Python loop per token past the first vocabulary lookup); `query_terms` derives the same terms for
one query, and tests check that both paths agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..text.analyzer import BOUNDARY
from ..text.normalize import fold
from .bm25 import BM25Index, BM25Params

__all__ = ["FIELDS", "FieldIndexes", "QueryTerms", "build_fields", "query_terms"]

FIELDS = ("words", "syllables", "pairs")


@dataclass(frozen=True)
class QueryTerms:
    """The query's terms in each field (pairs as "a b" strings)."""

    words: tuple[str, ...]
    syllables: tuple[str, ...]
    pairs: tuple[str, ...]


def query_terms(stream: Sequence[str]) -> QueryTerms:
    """Derive every field's terms from one analysed token stream."""
    words = tuple(t for t in stream if t != BOUNDARY)
    folded: list[str] = []
    pairs: list[str] = []
    previous: str | None = None
    for token in stream:
        if token == BOUNDARY:
            previous = None
            continue
        for syllable in fold(token).split(" "):
            folded.append(syllable)
            if previous is not None:
                pairs.append(f"{previous} {syllable}")
            previous = syllable
    return QueryTerms(words, tuple(folded), tuple(pairs))


@dataclass(frozen=True)
class FieldIndexes:
    """One BM25 index per field over the same documents."""

    words: BM25Index
    syllables: BM25Index
    pairs: BM25Index

    def pair_keys(self, pairs: Sequence[str]) -> list[int]:
        """This index's integer keys of "a b" pair strings (unknown pairs dropped)."""
        vocabulary = self.syllables.vocabulary
        assert isinstance(vocabulary, Mapping)
        width = len(vocabulary)
        keys = []
        for pair in pairs:
            first, _, second = pair.partition(" ")
            a, b = vocabulary.get(first), vocabulary.get(second)
            if a is not None and b is not None:
                keys.append(a * width + b)
        return keys

    @property
    def nbytes(self) -> int:
        """Memory held by the numpy arrays of the three indexes."""
        return self.words.nbytes + self.syllables.nbytes + self.pairs.nbytes


def build_fields(
    streams: Sequence[Sequence[str]], params: BM25Params = BM25Params()
) -> FieldIndexes:
    """Index every field of the documents' token streams."""
    vocabulary: dict[str, int] = {BOUNDARY: 0}
    lookup = vocabulary.__getitem__
    flat: list[int] = []
    lengths = np.zeros(len(streams), dtype=np.int64)
    for position, stream in enumerate(streams):
        for token in set(stream).difference(vocabulary):
            vocabulary[token] = len(vocabulary)
        flat.extend(map(lookup, stream))
        lengths[position] = len(stream)
    tokens = np.asarray(flat, dtype=np.int64)
    docs = np.repeat(np.arange(len(streams), dtype=np.int64), lengths)
    n_docs = len(streams)

    is_word = tokens != 0
    word_vocabulary = {token: i - 1 for token, i in vocabulary.items() if i}
    words = BM25Index.from_postings(
        tokens[is_word] - 1, docs[is_word], n_docs, word_vocabulary, params
    )

    syllable_of, syllable_vocabulary = _syllable_table(vocabulary)
    counts = np.diff(syllable_of.indptr)[tokens]
    starts = syllable_of.indptr[tokens]
    offsets = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    syllables = syllable_of.ids[offsets]  # 0 marks a boundary, real syllables start at 1
    syllable_docs = np.repeat(docs, counts)
    real = syllables != 0
    syllable_index = BM25Index.from_postings(
        syllables[real] - 1, syllable_docs[real], n_docs, syllable_vocabulary, params
    )

    first, second = syllables[:-1], syllables[1:]
    adjacent = (first != 0) & (second != 0) & (syllable_docs[:-1] == syllable_docs[1:])
    width = len(syllable_vocabulary)
    keys = (first[adjacent] - 1) * width + (second[adjacent] - 1)
    pairs = _pair_index(keys, syllable_docs[:-1][adjacent], n_docs, params)
    return FieldIndexes(words, syllable_index, pairs)


def _pair_index(keys: np.ndarray, docs: np.ndarray, n_docs: int, params: BM25Params) -> BM25Index:
    """Index integer pair keys: one sort of (key, document) gives the vocabulary, the postings
    and the frequencies at once (np.unique is many times slower on tens of millions of keys)."""
    doc_lengths = np.bincount(docs, minlength=n_docs).astype(np.int64)
    doc_bits = max(int(n_docs).bit_length(), 1)
    combined = (keys << doc_bits) | docs
    combined.sort()
    starts = _run_starts(combined)
    frequencies = np.diff(np.append(starts, len(combined))).astype(np.float32)
    entries = combined[starts]
    pair_keys = entries >> doc_bits
    postings = (entries & ((1 << doc_bits) - 1)).astype(np.int32)
    term_starts = _run_starts(pair_keys)
    indptr = np.append(term_starts, len(pair_keys)).astype(np.int64)
    return BM25Index(pair_keys[term_starts], indptr, postings, frequencies, doc_lengths, params)


def _run_starts(values: np.ndarray) -> np.ndarray:
    """Positions where a sorted array changes value (0 included when non-empty)."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.empty(len(values), dtype=bool)
    change[0] = True
    np.not_equal(values[1:], values[:-1], out=change[1:])
    return np.flatnonzero(change)


@dataclass(frozen=True)
class _Table:
    indptr: np.ndarray
    ids: np.ndarray


def _syllable_table(vocabulary: dict[str, int]) -> tuple[_Table, dict[str, int]]:
    """For each token id, its folded syllable ids (boundary -> [0]); and the syllable vocabulary."""
    syllable_ids: dict[str, int] = {}
    add = syllable_ids.setdefault
    indptr = np.zeros(len(vocabulary) + 1, dtype=np.int64)
    ids: list[int] = []
    for token, token_id in vocabulary.items():  # ids were assigned in insertion order
        if token_id == 0:
            ids.append(0)
        else:
            ids.extend([add(s, len(syllable_ids) + 1) for s in fold(token).split(" ")])
        indptr[token_id + 1] = len(ids)
    table = _Table(indptr, np.asarray(ids, dtype=np.int64))
    return table, {s: i - 1 for s, i in syllable_ids.items()}
