"""The search service: what the bot and the command line call."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from ..errors import EmptyQuery
from ..store.store import Store
from ..text.analyzer import BOUNDARY, Analyzer
from ..text.dates import now
from ..text.dictionary import EMPTY_DICTIONARY, QueryDictionary
from .answer import Answer, AnswerSource, find_answer
from .bm25 import BM25Params
from .query import ParsedQuery, QueryParser
from .ranking import Weights, plan_query, score
from .snapshot import Snapshot, build_snapshot, release_memory
from .snippets import QueryMatcher, Snippet, make_snippet

__all__ = [
    "Answer",
    "SearchEngine",
    "SearchHit",
    "SearchPage",
    "SearchFilters",
    "CategoryCount",
    "IndexStats",
    "Weights",
]


ENGINE_BM25 = BM25Params(k1=1.2, b=0.75, epsilon=0.25)  # tuned with `bot.py eval`


@dataclass(frozen=True)
class SearchFilters:
    """Restrictions applied before ranking."""

    since: datetime | None = None
    until: datetime | None = None
    category: str | None = None


@dataclass(frozen=True)
class SearchHit:
    """One article in a result list."""

    article_id: int
    title: str
    url: str | None
    published_at: datetime
    category: str | None
    source: str
    score: float
    snippet: Snippet


@dataclass(frozen=True)
class SearchPage:
    """One page of results, with what the engine understood of the question."""

    query: str
    total: int
    offset: int
    limit: int
    hits: tuple[SearchHit, ...]
    filters: SearchFilters | None = None  # the filters applied (from the question or the caller)
    time_label: str | None = None  # how the question said its time ("tháng 5/2019")
    answer: Answer | None = None
    suggestion: str | None = None  # "Có phải bạn muốn tìm": restored or corrected question
    relaxed: bool = False  # nothing matched in the period named, so every date is shown

    @property
    def is_last_page(self) -> bool:
        """True when no result follows this page."""
        return self.offset + len(self.hits) >= self.total


@dataclass(frozen=True)
class CategoryCount:
    """A category and how many articles it holds."""

    name: str
    count: int


@dataclass(frozen=True)
class IndexStats:
    """What the live index holds."""

    indexed: int
    index_bytes: int
    vocabulary: int
    built_at: datetime
    build_seconds: float


class SearchEngine:
    """Stores articles, keeps an in-memory BM25 snapshot of them, and answers queries."""

    def __init__(
        self,
        store: Store,
        analyzer: Analyzer | None = None,
        weights: Weights = Weights(),
        params: BM25Params = ENGINE_BM25,
        dictionary: QueryDictionary = EMPTY_DICTIONARY,
        clock: Callable[[], datetime] = now,
        understanding: bool = True,
    ) -> None:
        """Search the articles of `store`; call `rebuild` before searching.

        With `understanding` off, questions are scored as typed: no filters from their words,
        no synonyms, no restored diacritics, no answer line (the benchmark's plain path).
        """
        self.store = store
        self.analyzer = analyzer or Analyzer()
        self.weights = weights
        self.params = params
        self.dictionary = dictionary
        self.clock = clock
        self.understanding = understanding
        self._snapshot: Snapshot | None = None
        self._rebuild_lock = threading.Lock()

    # -- searching --------------------------------------------------------------------------

    @property
    def snapshot(self) -> Snapshot:
        """The index currently answering queries."""
        if self._snapshot is None:
            raise RuntimeError("the engine has no index yet: call rebuild() first")
        return self._snapshot

    def search(
        self,
        query: str,
        limit: int = 5,
        offset: int = 0,
        filters: SearchFilters | None = None,
    ) -> SearchPage:
        """Rank articles for a question; `total` counts every article that matches it well enough.

        Time and category named in the question become filters (the caller's `filters` win);
        a question that is only a filter ("tin tháng 5/2019") lists the newest articles in it.
        """
        snapshot = self.snapshot  # one read: a concurrent swap does not affect this search
        if self.understanding:
            parsed = QueryParser(self.dictionary, snapshot.categories, self.clock).parse(query)
        else:
            parsed = ParsedQuery(original=query, text=query)
        applied = _merge_filters(parsed, filters)
        stream = self.analyzer.tokens(parsed.text)
        words = [token for token in stream if token != BOUNDARY]
        if not words and applied is None:
            raise EmptyQuery("the query has no searchable word")
        label = _time_label(parsed, filters)
        if applied is not None and all(w in _BROWSING_WORDS for w in words):
            return self._browse(snapshot, query, applied, label, limit, offset)
        restoration = snapshot.restorer.restore(parsed.text) if self.understanding else None
        plan = plan_query(snapshot, self.analyzer, parsed, restoration, self.weights)
        scored = score(snapshot, plan, self.weights)
        candidates = self._filter(snapshot, scored.candidates, applied)
        relaxed = False
        if len(candidates) == 0 and len(scored.candidates) and label:
            # Nothing in the period the question named: answer for every date, and say so.
            applied = (
                SearchFilters(category=applied.category) if applied and applied.category else None
            )
            candidates = self._filter(snapshot, scored.candidates, applied)
            relaxed = True
        page, total = _page(snapshot, candidates, scored.scores, offset, limit)
        matcher = self._matcher(snapshot, stream, parsed)
        sentences = self.store.sentences([int(snapshot.article_ids[p]) for p in page])
        hits = self._hits(snapshot, page, scored.scores, matcher, sentences)
        answer = None
        if parsed.intent and hits and offset == 0 and not relaxed:
            read = [
                AnswerSource(
                    h.article_id, h.title, h.url, h.published_at, sentences.get(h.article_id, [])
                )
                for h in hits
            ]
            answer = find_answer(parsed, read, matcher.weight)
        weak = len(page) == 0 or float(scored.share[page[0]]) < WEAK_SHARE
        suggestion = restoration.text if restoration is not None and weak else None
        return SearchPage(
            query, total, offset, limit, hits, applied, label, answer, suggestion, relaxed
        )

    def _browse(
        self,
        snapshot: Snapshot,
        query: str,
        filters: SearchFilters,
        time_label: str | None,
        limit: int,
        offset: int,
    ) -> SearchPage:
        """The newest articles within the filters (a question that is only a filter)."""
        ranked = self._filter(snapshot, snapshot.newest_first, filters)
        ranked = _first_of_each_copy(snapshot, ranked)
        hits = self._hits(snapshot, ranked[offset : offset + limit], None, None)
        return SearchPage(query, len(ranked), offset, limit, hits, filters, time_label)

    @staticmethod
    def _filter(
        snapshot: Snapshot, candidates: np.ndarray, filters: SearchFilters | None
    ) -> np.ndarray:
        if filters is None or len(candidates) == 0:
            return candidates
        keep = np.ones(len(candidates), dtype=bool)
        if filters.since is not None:
            keep &= snapshot.published[candidates] >= filters.since.timestamp()
        if filters.until is not None:
            keep &= snapshot.published[candidates] <= filters.until.timestamp()
        if filters.category is not None:
            code = _category_code(snapshot, filters.category)
            keep &= snapshot.category_codes[candidates] == code
        return candidates[keep]

    def _matcher(
        self, snapshot: Snapshot, stream: Sequence[str], parsed: ParsedQuery
    ) -> QueryMatcher:
        """What snippets mark: the question's words and the synonyms of its abbreviations."""
        for expansion in parsed.expansions:
            stream = [*stream, BOUNDARY, *self.analyzer.tokens(expansion)]
        syllables = snapshot.text.syllables
        floor = syllables.params.epsilon * 2

        def weight(folded: str) -> float:
            return max(syllables.idf_of(folded), 0.1)

        def minor(folded: str) -> bool:
            return syllables.idf_of(folded) <= floor

        return QueryMatcher.from_stream(stream, weight, minor)

    def _hits(
        self,
        snapshot: Snapshot,
        positions: np.ndarray,
        scores: np.ndarray | None,
        matcher: QueryMatcher | None,
        sentences: dict[int, list[str]] | None = None,
    ) -> tuple[SearchHit, ...]:
        """Result rows with their snippets (`sentences`, when the caller read them already)."""
        ids = [int(snapshot.article_ids[p]) for p in positions]
        if sentences is None:
            sentences = self.store.sentences(ids)
        hits = []
        for position, article_id in zip(positions, ids, strict=True):
            snippet = make_snippet(sentences.get(article_id, []), matcher or _NO_MATCH)
            code = int(snapshot.category_codes[position])
            hits.append(
                SearchHit(
                    article_id=article_id,
                    title=snapshot.titles[position],
                    url=snapshot.urls[position],
                    published_at=snapshot.published_at[position],
                    category=snapshot.categories[code] if code >= 0 else None,
                    source=snapshot.sources[position],
                    score=float(scores[position]) if scores is not None else 0.0,
                    snippet=snippet,
                )
            )
        return tuple(hits)

    # -- browsing ---------------------------------------------------------------------------

    def latest(self, limit: int = 5, offset: int = 0, category: str | None = None) -> SearchPage:
        """The newest articles, optionally of one category."""
        snapshot = self.snapshot
        ranked = snapshot.newest_first
        if category is not None:
            code = _category_code(snapshot, category)
            ranked = ranked[snapshot.category_codes[ranked] == code]
        ranked = _first_of_each_copy(snapshot, ranked)
        hits = self._hits(snapshot, ranked[offset : offset + limit], None, None)
        return SearchPage("", len(ranked), offset, limit, hits)

    def categories(self) -> list[CategoryCount]:
        """Categories with their article counts, largest first."""
        snapshot = self.snapshot
        counts = np.bincount(
            snapshot.category_codes[snapshot.category_codes >= 0],
            minlength=len(snapshot.categories),
        )
        pairs = [
            CategoryCount(name, int(n))
            for name, n in zip(snapshot.categories, counts, strict=False)
        ]
        return sorted(pairs, key=lambda c: (-c.count, c.name))

    # -- keeping the index fresh ------------------------------------------------------------

    def rebuild(self) -> Snapshot:
        """Rebuild the index from the articles' cached analysis and swap it in; searches in
        flight finish on the old one."""
        with self._rebuild_lock:
            version = self.store.data_version()
            rows = self.store.index_rows(self.analyzer.version)
            snapshot = build_snapshot(rows, version, self.params)
            self._snapshot = snapshot
        release_memory()
        return snapshot

    def refresh(self) -> bool:
        """Rebuild when the articles changed (here or in another process) since the last build."""
        if self._snapshot is not None and self.store.data_version() == self._snapshot.data_version:
            return False
        self.rebuild()
        return True

    def stats(self) -> IndexStats:
        """What the live index holds."""
        snapshot = self.snapshot
        vocabulary = len(snapshot.text.words.vocabulary) + len(snapshot.title.words.vocabulary)
        return IndexStats(
            indexed=snapshot.size,
            index_bytes=snapshot.nbytes,
            vocabulary=vocabulary,
            built_at=snapshot.built_at,
            build_seconds=snapshot.build_seconds,
        )


# With a time or category filter, a question made only of these words ("tin tháng 7/2022",
# "có gì mới tuần này") lists that period's or category's articles, newest first.
_BROWSING_WORDS = frozenset(
    ["tin", "tin tức", "bài", "bài viết", "các", "những", "mới", "mới nhất", "có", "gì", "nào",
     "xem", "cho", "tôi", "danh sách", "trong", "của"]
)  # fmt: skip
WEAK_SHARE = 0.6  # a best result covering less of the question than this is weak


def _merge_filters(parsed: ParsedQuery, given: SearchFilters | None) -> SearchFilters | None:
    """The question's own time and category, overridden by what the caller passed."""
    since = parsed.time.since if parsed.time else None
    until = parsed.time.until if parsed.time else None
    category = parsed.category
    if given is not None:
        since = given.since or since
        until = given.until or until
        category = given.category or category
    if since is None and until is None and category is None:
        return None
    return SearchFilters(since, until, category)


def _time_label(parsed: ParsedQuery, given: SearchFilters | None) -> str | None:
    if given is not None and (given.since or given.until):
        return None
    return parsed.time.label if parsed.time else None


def _order(snapshot: Snapshot, positions: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Best score first; equal scores (to 1e-9) go to the newer article, then the later id."""
    rounded = np.round(scores[positions], 9)
    order = np.lexsort((-snapshot.article_ids[positions], -snapshot.published[positions], -rounded))
    return positions[order]


def _page(
    snapshot: Snapshot, candidates: np.ndarray, scores: np.ndarray, offset: int, limit: int
) -> tuple[np.ndarray, int]:
    """The requested page of the ranking, and how many distinct texts match in all.

    Only the best few candidates are sorted (a full sort of 100,000 matches costs more than the
    rest of a search); articles with identical text are shown once, at the best rank.
    """
    if snapshot.has_copies:
        distinct = np.zeros(snapshot.size, dtype=bool)
        distinct[snapshot.copies[candidates]] = True
        total = int(distinct.sum())
    else:
        total = len(candidates)
    wanted = offset + limit
    if limit <= 0 or wanted <= 0 or len(candidates) == 0:
        return candidates[:0], total
    take = max(wanted * 4, 64)
    while True:
        if take >= len(candidates):
            chosen = candidates
        else:
            candidate_scores = scores[candidates]
            threshold = np.partition(candidate_scores, len(candidates) - take)[
                len(candidates) - take
            ]
            chosen = candidates[candidate_scores >= threshold - 1e-9]  # near-ties stay in
        ranked = _first_of_each_copy(snapshot, _order(snapshot, chosen, scores))
        if len(ranked) >= wanted or len(chosen) == len(candidates):
            return ranked[offset:wanted], total
        take *= 4


def _first_of_each_copy(snapshot: Snapshot, ranked: np.ndarray) -> np.ndarray:
    """Keep the first (best-ranked) of the articles that share the same text."""
    if not snapshot.has_copies:
        return ranked
    groups = snapshot.copies[ranked]
    order = np.arange(len(ranked))
    first_seen = np.empty(snapshot.size, dtype=np.int64)
    first_seen[groups[::-1]] = order[::-1]  # the last write wins: the earliest rank
    kept: np.ndarray = ranked[first_seen[groups] == order]
    return kept


def _category_code(snapshot: Snapshot, name: str) -> int:
    lowered = name.casefold()
    for code, category in enumerate(snapshot.categories):
        if category.casefold() == lowered:
            return code
    return -2  # matches nothing


_NO_MATCH = QueryMatcher(frozenset(), frozenset(), frozenset(), lambda s: 0.0, lambda s: True)
