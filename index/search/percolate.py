"""Percolation: which standing questions (subscriptions) a new article answers.

A search runs one question against every article; percolation runs every subscription against
one new article. Each subscription is analysed once as search analyses a question (`Topic`:
its concept shapes, its category, its time words dropped) and weighed with the live index's
IDFs, exactly as the coverage rule of the result list weighs a question (`ranking.cover`): an
article matches when it covers the share of the question the result list asks of it.

To check each article against a few candidates only, every weighed subscription is indexed by
its rarest concepts: the smallest set of its heaviest concepts without one of which it cannot
reach its share. An article whose syllables hold none of them cannot match, and is never
compared with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..text.analyzer import BOUNDARY
from ..text.normalize import fold
from .ranking import Concept, ConceptShape, Weights, needed_share, weigh_concepts
from .snapshot import Snapshot
from .terms import term_key

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["Topic", "NewArticle", "Percolator", "article_syllables"]


@dataclass(frozen=True)
class Topic:
    """A subscription as search understands it: what to cover, and the category to be in."""

    shapes: tuple[ConceptShape, ...]
    category: str | None = None
    dropped: tuple[str, ...] = ()  # time words taken out ("hôm nay", "tháng này")
    text: str = ""  # the question without its time and category phrases

    @property
    def by_category_only(self) -> bool:
        """True for a subscription to a category without words of its own (to all the news,
        without a category either)."""
        return not self.shapes


@dataclass(frozen=True)
class NewArticle:
    """What percolation needs of an article: its folded syllable keys and its category."""

    article_id: int
    syllables: frozenset[int]
    category: str | None


def article_syllables(text_tokens: Iterable[str]) -> frozenset[int]:
    """The keys of the folded syllables of an article's text field, as the index holds them."""
    found: set[str] = set()
    for token in text_tokens:
        if token != BOUNDARY:
            found.update(fold(token).split(" "))
    return frozenset(term_key(s) for s in found)


@dataclass(frozen=True)
class _Weighed:
    """A topic weighed by the index: its telling concepts (weight, concept number), the weight
    of those too common to tell articles apart (present everywhere), and its share."""

    category: str | None
    always: float
    concepts: tuple[tuple[float, int], ...]
    total: float
    needed: float


class Percolator:
    """Subscriptions weighed with one index snapshot, indexed by their rarest concepts.

    Matching is done for a chunk of articles at once with sparse matrices: which alternatives
    (syllable sets) each article holds, hence which concepts; the candidates are the
    subscriptions one of whose required concepts an article of the chunk holds; their covered
    weight in each article is one sparse x dense product, compared with the share needed.
    """

    def __init__(
        self, topics: Mapping[int, Topic], snapshot: Snapshot, weights: Weights = Weights()
    ) -> None:
        """Weigh every topic (keyed by subscription id) with the snapshot's IDFs."""
        self.weights = weights
        idf, known = _syllable_weights(snapshot, topics.values())
        rarest = (
            float(np.log((snapshot.size - 1 + 0.5) / 1.5)) if snapshot.size > 1 else 1.0
        )  # ranking._rarest
        self._by_category: dict[str, list[int]] = defaultdict(list)
        self._everywhere: list[tuple[int, str | None]] = []  # topics of common words only
        concepts: dict[tuple[tuple[str, ...], ...], int] = {}  # alternatives -> number
        weighed: dict[int, _Weighed] = {}
        required: dict[int, set[int]] = {}
        for subscription_id, topic in topics.items():
            if topic.by_category_only:
                if topic.category is not None:
                    self._by_category[topic.category].append(subscription_id)
                else:  # every new article (a channel that posts all the news)
                    self._everywhere.append((subscription_id, None))
                continue
            found, unknown = weigh_concepts(
                topic.shapes, lambda s: idf.get(s, 0.0), lambda s: known.get(s, False), rarest
            )
            one = self._weigh(topic.category, found, unknown, concepts)
            if one is None:
                continue
            keys = _required(one)
            if keys is None:
                self._everywhere.append((subscription_id, topic.category))
            elif keys:
                weighed[subscription_id] = one
                required[subscription_id] = keys
        self._size = len(weighed) + len(self._everywhere)
        self._size += sum(len(v) for v in self._by_category.values())
        self._build(concepts, weighed, required)

    def _weigh(
        self,
        category: str | None,
        found: Sequence[Concept],
        unknown: float,
        numbers: dict[tuple[tuple[str, ...], ...], int],
    ) -> _Weighed | None:
        total = sum(c.weight for c in found) + unknown
        if total <= 0:
            return None
        needed = needed_share(len(found) + (1 if unknown else 0), self.weights)
        common = [c for c in found if c.weight < 1e-2 * total]
        telling = tuple(
            (c.weight, numbers.setdefault(c.alternatives, len(numbers)))
            for c in found
            if not c.weight < 1e-2 * total
        )
        return _Weighed(category, sum(c.weight for c in common), telling, total, needed)

    def _build(
        self,
        concepts: dict[tuple[tuple[str, ...], ...], int],
        weighed: dict[int, _Weighed],
        required: dict[int, set[int]],
    ) -> None:
        """The matrices: alternatives x syllables, alternatives x concepts, concepts x
        subscriptions (required ones), and each subscription's concepts and weights."""
        alternatives, vocabulary, alt_rows, alt_cols, concept_rows, concept_cols = _alternatives(
            concepts
        )
        self._vocabulary = vocabulary
        n_alt, n_concept, n_key = len(alternatives), len(concepts), len(vocabulary)
        self._alt_keys = _binary(alt_cols, alt_rows, (n_key, n_alt))  # keys x alternatives
        self._alt_size = np.bincount(np.asarray(alt_rows, dtype=np.int64), minlength=n_alt)
        self._alt_concepts = _binary(concept_rows, concept_cols, (n_alt, n_concept))
        self._ids = np.array(sorted(weighed), dtype=np.int64)
        column = {subscription_id: i for i, subscription_id in enumerate(self._ids.tolist())}
        req_rows: list[int] = []
        req_cols: list[int] = []
        for subscription_id, numbers in required.items():
            req_rows += numbers
            req_cols += [column[subscription_id]] * len(numbers)
        self._required = _binary(req_rows, req_cols, (n_concept, len(self._ids)))
        ordered = [weighed[i] for i in self._ids.tolist()]
        w_rows = [i for i, w in enumerate(ordered) for _ in w.concepts]
        w_cols = [n for w in ordered for _, n in w.concepts]
        w_data = np.array([x for w in ordered for x, _ in w.concepts], dtype=np.float64)
        from scipy import sparse  # only where subscriptions are matched

        self._weights = sparse.csr_matrix(
            (w_data, (np.asarray(w_rows, dtype=np.int64), np.asarray(w_cols, dtype=np.int64))),
            shape=(len(ordered), n_concept),
        )  # subscriptions x concepts: each concept's weight (a concept is once in a topic)
        self._always = np.array([w.always for w in ordered], dtype=np.float64)
        self._floor = np.array([(w.needed - 1e-9) * w.total for w in ordered], dtype=np.float64)
        self._code_of: dict[str | None, int] = {}
        for w in ordered:
            if w.category is not None:
                self._code_of.setdefault(w.category, len(self._code_of))
        self._category_codes = np.array(
            [self._code_of.get(w.category, -1) if w.category else -1 for w in ordered],
            dtype=np.int64,
        )
        self._n_concept = n_concept

    def __len__(self) -> int:
        return self._size

    def match(self, article: NewArticle) -> list[int]:
        """The subscriptions one article answers, by id."""
        found = self.match_many([article]).get(article.article_id)
        return [] if found is None else found.tolist()

    def match_many(self, articles: Sequence[NewArticle], chunk: int = 100) -> dict[int, np.ndarray]:
        """The subscriptions each article answers: article id -> subscription ids (an int64
        array: a flood of news to 100,000 subscriptions is tens of millions of them)."""
        found: dict[int, np.ndarray] = {}
        for start in range(0, len(articles), chunk):
            part = articles[start : start + chunk]
            for row, ids in enumerate(self._match_chunk(part)):
                article = part[row]
                more = list(self._by_category.get(article.category, ())) if article.category else []
                more += [i for i, c in self._everywhere if c is None or c == article.category]
                if more:
                    ids = np.concatenate([ids, np.asarray(more, dtype=np.int64)])
                if len(ids):
                    found[article.article_id] = ids
        return found

    def _match_chunk(self, articles: Sequence[NewArticle]) -> list[np.ndarray]:
        result = [_NONE] * len(articles)
        if not len(self._ids) or not articles:
            return result
        rows: list[int] = []
        cols: list[int] = []
        for row, article in enumerate(articles):
            keys = [self._vocabulary[k] for k in article.syllables if k in self._vocabulary]
            rows += [row] * len(keys)
            cols += keys
        held = _binary(rows, cols, (len(articles), len(self._vocabulary)))
        counts = (held @ self._alt_keys).tocsr()  # articles x alternatives: syllables held
        counts.data = (counts.data == self._alt_size[counts.indices]).astype(np.float32)
        counts.eliminate_zeros()  # the alternatives held whole
        present = (counts @ self._alt_concepts).tocsr()  # articles x concepts
        present.data = np.ones_like(present.data)
        # The index: only subscriptions one of whose required concepts some article holds.
        anywhere = _binary([0] * len(present.indices), present.indices, (1, self._n_concept))
        candidates = (anywhere @ self._required).indices
        if len(candidates) == 0:
            return result
        candidates = np.unique(candidates)
        # Their covered weight in every article of the chunk: one sparse x dense product.
        held_concepts = present.T.toarray().astype(np.float64)  # concepts x articles
        covered = self._weights[candidates] @ held_concepts  # candidates x articles
        covered += self._always[candidates][:, None]
        ok = (covered >= self._floor[candidates][:, None]) & (covered > 0)
        wanted = self._category_codes[candidates]
        if (wanted >= 0).any():
            codes = np.array([self._code_of.get(a.category, -2) for a in articles], np.int64)
            ok &= (wanted[:, None] < 0) | (wanted[:, None] == codes[None, :])
        rows_ok, subs = np.nonzero(np.ascontiguousarray(ok.T))  # by article, then subscription
        ids = self._ids[candidates[subs]]
        bounds = np.searchsorted(rows_ok, np.arange(len(articles) + 1))
        return [ids[bounds[i] : bounds[i + 1]] for i in range(len(articles))]


_NONE = np.zeros(0, dtype=np.int64)


def _alternatives(
    concepts: dict[tuple[tuple[str, ...], ...], int],
) -> tuple[dict[tuple[str, ...], int], dict[int, int], list[int], list[int], list[int], list[int]]:
    """Each concept's alternatives numbered, their syllables' keys numbered (the vocabulary),
    and the (alternative, key) and (alternative, concept) pairs of the matrices."""
    alternatives: dict[tuple[str, ...], int] = {}
    vocabulary: dict[int, int] = {}
    alt_rows: list[int] = []
    alt_cols: list[int] = []
    concept_rows: list[int] = []
    concept_cols: list[int] = []
    for shape, number in concepts.items():
        for alternative in shape:
            alt = alternatives.get(alternative)
            if alt is None:
                alt = alternatives[alternative] = len(alternatives)
                for key in {term_key(s) for s in alternative}:
                    alt_rows.append(alt)
                    alt_cols.append(vocabulary.setdefault(key, len(vocabulary)))
            concept_rows.append(alt)
            concept_cols.append(number)
    return alternatives, vocabulary, alt_rows, alt_cols, concept_rows, concept_cols


def _binary(rows: Sequence[int], cols: Sequence[int], shape: tuple[int, int]) -> sparse.csr_matrix:
    """A 0/1 sparse matrix with ones at (rows, cols)."""
    from scipy import sparse

    data = np.ones(len(rows), dtype=np.float32)
    matrix = sparse.csr_matrix((data, (np.asarray(rows), np.asarray(cols))), shape=shape)
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def _required(weighed: _Weighed) -> set[int] | None:
    """The concepts one of which any matching article holds: the heaviest, taken until the
    others together fall short of the share needed. None: every article matches (the topic's
    concepts are all common); empty: none ever does."""
    rest = weighed.always + sum(w for w, _ in weighed.concepts)
    numbers: set[int] = set()
    for weight, number in sorted(weighed.concepts, key=lambda c: -c[0]):
        if not _enough(rest, weighed):
            return numbers
        numbers.add(number)
        rest -= weight
    return None if _enough(rest, weighed) else numbers


def _enough(covered: float, weighed: _Weighed) -> bool:
    share = covered / weighed.total
    return share >= weighed.needed - 1e-9 and share > 0


def _syllable_weights(
    snapshot: Snapshot, topics: Iterable[Topic]
) -> tuple[dict[str, float], dict[str, bool]]:
    """Every topic syllable's IDF (the larger of text and title, as `ranking._idf`) and
    whether any article holds it, computed for all of them at once."""
    syllables = sorted({shape.syllable for topic in topics for shape in topic.shapes})
    if not syllables or snapshot.size == 0:
        return {}, {}
    keys = np.array([term_key(s) for s in syllables], dtype=np.uint64)
    text = snapshot.field("text", "syllables")
    title = snapshot.field("title", "syllables")
    text_df, title_df = text.df(keys), title.df(keys)
    idf = np.maximum(text.idf(text_df), title.idf(title_df))
    known = (np.asarray(text_df) > 0) | (np.asarray(title_df) > 0)
    return dict(zip(syllables, idf.tolist(), strict=True)), dict(
        zip(syllables, known.tolist(), strict=True)
    )
