"""Okapi BM25 over a sparse inverted index, scoring exactly as rank_bm25's `BM25Okapi`.

rank_bm25 walks every document in Python for each query term. Here each term owns a contiguous
posting list (document positions and term frequencies, as numpy arrays), so a query touches only
the documents that contain its terms. The formula, the IDF floor (`epsilon * mean idf` for terms
in more than half of the documents) and the summation order are rank_bm25's own, so scores agree
to floating-point rounding (checked against rank_bm25 in tests/test_bm25.py).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

__all__ = ["BM25Index", "BM25Params"]

# From how many postings (and a tenth of the corpus: scipy's kernel writes a whole column of
# scores) scipy's sparse kernel beats numpy's fancy-index `+=`, measured at 100,000 articles.
_SCATTER_WITH_SCIPY = 2048


@dataclass(frozen=True)
class BM25Params:
    """The three constants of BM25Okapi."""

    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25


class BM25Index:
    """An immutable BM25 index: build it once, score many queries, swap it for a new one."""

    def __init__(
        self,
        vocabulary: Mapping[Any, int] | np.ndarray,
        indptr: np.ndarray,
        postings: np.ndarray,
        frequencies: np.ndarray,
        doc_lengths: np.ndarray,
        params: BM25Params = BM25Params(),
    ) -> None:
        """Wrap prepared arrays; use `build` or `from_postings` rather than calling this."""
        self.vocabulary = vocabulary
        self.indptr = indptr
        self.postings = postings
        self.doc_lengths = doc_lengths
        self.params = params
        self.n_docs = len(doc_lengths)
        total = float(doc_lengths.sum()) if self.n_docs else 0.0
        self.avgdl = total / self.n_docs if self.n_docs else 0.0
        self.idf = _okapi_idf(np.diff(indptr), self.n_docs, params.epsilon)
        if self.avgdl > 0:
            norm = params.k1 * (1 - params.b + params.b * doc_lengths / self.avgdl)
        else:
            norm = np.zeros(self.n_docs)
        # The idf-free part of each posting's score, computed once with rank_bm25's expression,
        # so a query costs one multiply and one scatter-add per posting.
        tf = frequencies.astype(np.float64)
        self.weights = tf * (params.k1 + 1) / (tf + norm[postings])

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        token_lists: Iterable[Sequence[Hashable]],
        k1: float = 1.5,
        b: float = 0.75,
        epsilon: float = 0.25,
    ) -> BM25Index:
        """Index tokenised documents; positions in `scores` follow the input order."""
        vocabulary: dict[Hashable, int] = {}
        ids: list[int] = []
        lengths: list[int] = []
        for tokens in token_lists:
            ids.extend(vocabulary.setdefault(token, len(vocabulary)) for token in tokens)
            lengths.append(len(tokens))
        term_ids = np.asarray(ids, dtype=np.int64)
        doc_ids = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        return cls.from_postings(
            term_ids, doc_ids, len(lengths), vocabulary, BM25Params(k1, b, epsilon)
        )

    @classmethod
    def from_postings(
        cls,
        term_ids: np.ndarray,
        doc_ids: np.ndarray,
        n_docs: int,
        vocabulary: Mapping[Any, int] | np.ndarray,
        params: BM25Params = BM25Params(),
    ) -> BM25Index:
        """Index one (term id, document position) pair per token occurrence.

        `vocabulary` maps a token to its term id: a dict, or a sorted int64 array of keys whose
        position is the term id (used for word pairs, which would be costly as Python strings).
        """
        n_terms = len(vocabulary)
        doc_lengths = np.bincount(doc_ids, minlength=n_docs).astype(np.int64)
        # Counting sort by term (scipy's COO -> CSR), which also sums repeated (term, doc)
        # pairs into term frequencies; O(tokens), unlike a comparison sort of 30M keys.
        from scipy import sparse  # scipy costs a tenth of a second: only when building

        matrix = sparse.csr_matrix(
            (np.ones(len(term_ids), dtype=np.float32), (term_ids, doc_ids)),
            shape=(n_terms, max(n_docs, 1)),
        )
        matrix.sum_duplicates()
        return cls(
            vocabulary,
            matrix.indptr.astype(np.int64),
            matrix.indices.astype(np.int32),
            matrix.data.astype(np.float32),
            doc_lengths,
            params,
        )

    # -- querying ---------------------------------------------------------------------------

    def term_id(self, token: Hashable) -> int | None:
        """The term id of a token, or None when no document has it."""
        if isinstance(self.vocabulary, Mapping):
            return self.vocabulary.get(token)
        keys = self.vocabulary  # sorted integer keys (word pairs)
        position = int(np.searchsorted(keys, cast(int, token)))
        if position < len(keys) and keys[position] == token:
            return position
        return None

    def scores(self, query_tokens: Sequence[Hashable]) -> np.ndarray:
        """BM25 score of every document for the query, aligned with the indexed order."""
        scores = np.zeros(self.n_docs)
        self.accumulate(query_tokens, scores)
        return scores

    def accumulate(
        self, query_tokens: Sequence[Hashable], scores: np.ndarray, weight: float = 1.0
    ) -> None:
        """Add `weight` times the query's BM25 scores into `scores` (aligned by position)."""
        for token in query_tokens:  # a repeated query token counts again, as in rank_bm25
            term = self.term_id(token)
            if term is not None:
                self._add(term, self.weights, self.idf[term] * weight, scores)

    def presence(self, tokens: Sequence[Hashable], weights: Sequence[float]) -> np.ndarray:
        """Per document, the sum of the `weights` of the tokens it contains (each token once)."""
        result = np.zeros(self.n_docs)
        found = {
            t: w for t, w in zip(map(self.term_id, tokens), weights, strict=True) if t is not None
        }
        for term, weight in found.items():
            self._add(term, None, weight, result)
        return result

    def _add(self, term: int, values: np.ndarray | None, factor: float, out: np.ndarray) -> None:
        """out[d] += factor * value for each posting (d, value) of the term (value 1 if None)."""
        start, stop = int(self.indptr[term]), int(self.indptr[term + 1])
        docs = self.postings[start:stop]
        column = values[start:stop] if values is not None else np.ones(stop - start)
        if stop - start < max(_SCATTER_WITH_SCIPY, self.n_docs // 10):
            out[docs] += column * factor
            return
        # A long posting list goes through scipy's sparse kernel, viewing the slices as one
        # sparse column without copying: numpy's fancy-index `+=` first converts the int32
        # positions to int64, which made it several times slower on 50,000 postings.
        from scipy import sparse

        matrix = sparse.csc_matrix(
            (column, docs, np.array([0, stop - start], dtype=docs.dtype)),
            shape=(self.n_docs, 1),
            copy=False,
        )
        out += matrix @ np.array([factor])

    def top(self, query_tokens: Sequence[Hashable], k: int) -> list[tuple[int, float]]:
        """The `k` best (position, score) pairs among documents holding a query term, best first."""
        scores = self.scores(query_tokens)
        candidates = self.matching(query_tokens)
        if k <= 0 or len(candidates) == 0:
            return []
        candidate_scores = scores[candidates]
        if len(candidates) > k:
            keep = np.argpartition(-candidate_scores, k - 1)[:k]
            candidates, candidate_scores = candidates[keep], candidate_scores[keep]
        order = np.lexsort((candidates, -candidate_scores))
        return [(int(candidates[i]), float(candidate_scores[i])) for i in order]

    def matching(self, query_tokens: Sequence[Hashable]) -> np.ndarray:
        """Sorted positions of the documents that contain at least one query token."""
        present = np.zeros(self.n_docs, dtype=bool)
        for token in query_tokens:
            present[self.documents(token)] = True
        return np.flatnonzero(present)

    def is_common(self, token: Hashable) -> bool:
        """True for a token in more than half of the documents (its IDF is the epsilon floor)."""
        term = self.term_id(token)
        return term is not None and 2 * int(self.indptr[term + 1] - self.indptr[term]) > self.n_docs

    def documents(self, token: Hashable) -> np.ndarray:
        """Positions of the documents that contain the token, ascending."""
        term = self.term_id(token)
        if term is None:
            return self.postings[:0]
        return self.postings[self.indptr[term] : self.indptr[term + 1]]

    def idf_of(self, token: Hashable) -> float:
        """The token's IDF (after the epsilon floor); 0.0 for a token no document has."""
        term = self.term_id(token)
        return 0.0 if term is None else float(self.idf[term])

    def document_frequency(self, token: Hashable) -> int:
        """How many documents contain the token."""
        term = self.term_id(token)
        return 0 if term is None else int(self.indptr[term + 1] - self.indptr[term])

    @property
    def nbytes(self) -> int:
        """Memory held by the numpy arrays of this index."""
        arrays = (self.indptr, self.postings, self.weights, self.doc_lengths, self.idf)
        size = sum(a.nbytes for a in arrays)
        if isinstance(self.vocabulary, np.ndarray):
            size += self.vocabulary.nbytes
        return size


def _okapi_idf(document_frequencies: np.ndarray, n_docs: int, epsilon: float) -> np.ndarray:
    """rank_bm25's IDF: log(N - n + 0.5) - log(n + 0.5), negatives floored to epsilon * mean."""
    if len(document_frequencies) == 0:
        return np.zeros(0)
    # math.log, as rank_bm25 uses, for each possible frequency 0..N: exact and cheap.
    table = np.array([math.log(n_docs - n + 0.5) - math.log(n + 0.5) for n in range(n_docs + 1)])
    idf = table[document_frequencies]
    average = math.fsum(idf.tolist()) / len(idf)
    idf[idf < 0] = epsilon * average
    return np.asarray(idf, dtype=np.float64)
