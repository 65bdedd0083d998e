"""The search service: what the bot and the command line call."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import numpy as np

from ..errors import EmptyQuery
from ..store.ingest import ProgressCallback
from ..store.store import Store
from ..text.analyzer import BOUNDARY, Analyzer
from ..text.bounds import bound_question
from ..text.dates import now
from ..text.dictionary import EMPTY_DICTIONARY, QueryDictionary, surface_words
from ..text.normalize import fold
from .answer import Answer, AnswerSource, find_answer
from .bm25 import BM25Params
from .maintenance import IndexKeeper
from .percolate import NewArticle, Percolator, Topic, article_syllables
from .query import ParsedQuery, QueryParser
from .ranking import Weights, clauses, concept_shapes, cover, plan_query
from .snapshot import Snapshot
from .snippets import QueryMatcher, Snippet, make_snippet
from .topk import first_of_each_copy, rank_candidates

__all__ = [
    "Answer",
    "CategoryCount",
    "IndexStats",
    "SearchEngine",
    "SearchFilters",
    "SearchHit",
    "SearchPage",
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
    """Answers questions from the on-disk index of a store's articles, and keeps it fresh."""

    def __init__(
        self,
        store: Store,
        analyzer: Analyzer | None = None,
        weights: Weights = Weights(),
        params: BM25Params = ENGINE_BM25,
        dictionary: QueryDictionary = EMPTY_DICTIONARY,
        clock: Callable[[], datetime] = now,
        understanding: bool = True,
        index_dir: Path | None = None,
    ) -> None:
        """Search the articles of `store`; call `open` before searching.

        With `understanding` off, questions are scored as typed: no filters from their words,
        no synonyms, no restored diacritics, no answer line (the benchmark's plain path).
        `index_dir` is where the index lives (default: beside a SQLite file, else a temporary
        folder; the bot passes INDEX_DIR).
        """
        self.store = store
        self.analyzer = analyzer or Analyzer()
        self.weights = weights
        self.params = params
        self.dictionary = dictionary
        self.clock = clock
        self.understanding = understanding
        self.keeper = IndexKeeper(store, index_dir, self.analyzer, params)
        self._parser: tuple[Sequence[str], QueryParser] | None = None

    def open(self, progress: ProgressCallback | None = None) -> None:
        """Open the index, building it only when it is missing, damaged, foreign or stale."""
        self.keeper.open(progress=progress)

    # -- searching --------------------------------------------------------------------------

    @property
    def snapshot(self) -> Snapshot:
        """The index generation currently answering queries."""
        return self.keeper.snapshot

    @property
    def index_dir(self) -> Path:
        """Where the index lives."""
        return self.keeper.index_dir

    def search(
        self,
        query: str,
        limit: int = 5,
        offset: int = 0,
        filters: SearchFilters | None = None,
        dictionary: QueryDictionary | None = None,
    ) -> SearchPage:
        """Rank articles for a question; `total` counts every article that matches it well enough.

        Time and category named in the question become filters (the caller's `filters` win);
        a question that is only a filter ("tin tháng 5/2019") lists the newest articles in it.
        `dictionary` replaces the engine's for this search (to preview a dictionary change).
        """
        snapshot = self.snapshot  # one read: a concurrent swap does not affect this search
        text = bound_question(query).text  # at most 512 characters, words of 64, analysed
        if self.understanding:
            used = dictionary if dictionary is not None else self.dictionary
            parsed = QueryParser(used, snapshot.categories, self.clock).parse(text)
        else:
            parsed = ParsedQuery(original=text, text=text)
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
        coverage = cover(snapshot, plan, self.weights)
        candidates = self._filter(snapshot, coverage.candidates, applied)
        relaxed = False
        if len(candidates) == 0 and len(coverage.candidates) and label:
            # Nothing in the period the question named: answer for every date, and say so.
            applied = (
                SearchFilters(category=applied.category) if applied and applied.category else None
            )
            candidates = self._filter(snapshot, coverage.candidates, applied)
            relaxed = True
        total = _distinct(snapshot, candidates)
        multiplier = None
        if self.weights.coord:  # only candidates are ever scored: the power of those only
            multiplier = np.zeros(snapshot.positions)
            multiplier[candidates] = coverage.share[candidates] ** self.weights.coord
        wanted = offset + limit if limit > 0 else 0
        ranked = (
            rank_candidates(
                snapshot, clauses(snapshot, plan, self.weights), candidates, multiplier, wanted
            )
            if wanted > 0
            else None
        )
        page = ranked.positions[offset:wanted] if ranked is not None else candidates[:0]
        scores = (
            dict(zip(page.tolist(), ranked.scores[offset:wanted].tolist(), strict=False))
            if ranked
            else {}
        )
        matcher = self._matcher(snapshot, stream, parsed)
        sentences = self.store.sentences([int(snapshot.article_ids[p]) for p in page])
        hits = self._hits(snapshot, page, scores, matcher, sentences)
        answer = None
        if parsed.intent and hits and offset == 0 and not relaxed:
            read = [
                AnswerSource(
                    h.article_id, h.title, h.url, h.published_at, sentences.get(h.article_id, [])
                )
                for h in hits
            ]
            answer = find_answer(parsed, read, matcher.weight)
        weak = len(page) == 0 or float(coverage.share[page[0]]) < WEAK_SHARE
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
        ranked = ranked[first_of_each_copy(snapshot, ranked)]
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
        syllables = snapshot.field("text", "syllables")
        floor = syllables.params.epsilon * 2
        known: dict[str, float] = {}

        def idf(folded: str) -> float:
            if folded not in known:
                known[folded] = syllables.idf_of(folded)
            return known[folded]

        def weight(folded: str) -> float:
            return max(idf(folded), 0.1)

        def minor(folded: str) -> bool:
            return idf(folded) <= floor

        return QueryMatcher.from_stream(stream, weight, minor)

    def _hits(
        self,
        snapshot: Snapshot,
        positions: np.ndarray,
        scores: dict[int, float] | None,
        matcher: QueryMatcher | None,
        sentences: dict[int, list[str]] | None = None,
    ) -> tuple[SearchHit, ...]:
        """Result rows with their snippets (`sentences`, when the caller read them already)."""
        ids = [int(snapshot.article_ids[p]) for p in positions]
        if sentences is None:
            sentences = self.store.sentences(ids)
        hits = []
        for position, article_id in zip(positions.tolist(), ids, strict=True):
            snippet = make_snippet(sentences.get(article_id, []), matcher or _NO_MATCH)
            code = int(snapshot.category_codes[position])
            hits.append(
                SearchHit(
                    article_id=article_id,
                    title=snapshot.title(position),
                    url=snapshot.url(position),
                    published_at=snapshot.published_at(position),
                    category=snapshot.categories[code] if code >= 0 else None,
                    source=snapshot.source(position),
                    score=scores.get(position, 0.0) if scores is not None else 0.0,
                    snippet=snippet,
                )
            )
        return tuple(hits)

    # -- standing questions (subscriptions) -------------------------------------------------

    def topic(self, query: str) -> Topic:
        """A subscription's question as search understands it, its time words dropped; raises
        EmptyQuery when nothing is left to match on (only time words, or "tin mới")."""
        snapshot = self.snapshot
        parsed = self._parse(snapshot, bound_question(query).text)
        dropped = (parsed.time.label,) if parsed.time else ()
        browsing = _only_browsing(parsed.text)
        if parsed.category and browsing:
            return Topic((), parsed.category, dropped, parsed.text)
        shapes = concept_shapes(parsed)
        if not shapes or browsing:
            raise EmptyQuery("the subscription has no topic word")
        return Topic(shapes, parsed.category, dropped, parsed.text)

    def matching(self, query: str) -> list[int]:
        """The ids of every article the result list for `query` (its time words dropped) counts
        as matching well enough: what percolation must agree with."""
        snapshot = self.snapshot
        parsed = replace(self._parse(snapshot, bound_question(query).text), time=None)
        category = SearchFilters(category=parsed.category) if parsed.category else None
        if category is not None and _only_browsing(parsed.text):
            positions = self._filter(snapshot, np.flatnonzero(snapshot.live), category)
        else:
            plan = plan_query(snapshot, self.analyzer, parsed, None, self.weights)
            positions = self._filter(
                snapshot, cover(snapshot, plan, self.weights).candidates, category
            )
        return sorted(int(snapshot.article_ids[p]) for p in positions)

    def percolator(self, topics: Mapping[int, Topic]) -> Percolator:
        """Subscriptions weighed with the live index, ready to match new articles."""
        return Percolator(topics, self.snapshot, self.weights)

    def new_articles(self, article_ids: Sequence[int]) -> list[NewArticle]:
        """What percolation needs of stored articles (those analysed; by id)."""
        found = []
        for rows in self.store.index_rows(self.analyzer.version, article_ids):
            for row in rows:
                syllables = article_syllables(row.text_tokens.split("\n"))
                found.append(NewArticle(row.article_id, syllables, row.category))
        return found

    def snippets(self, query: str | None, article_ids: Sequence[int]) -> dict[int, Snippet]:
        """Each article's snippet for a question (its lead without one: a category)."""
        snapshot = self.snapshot
        matcher = _NO_MATCH
        if query:
            parsed = self._parse(snapshot, bound_question(query).text)
            matcher = self._matcher(snapshot, self.analyzer.tokens(parsed.text), parsed)
        sentences = self.store.sentences(list(article_ids))
        return {i: make_snippet(sentences.get(i, []), matcher) for i in article_ids}

    def _parse(self, snapshot: Snapshot, text: str) -> ParsedQuery:
        """Parse as `search` does, with one parser per category list (building one folds every
        category's name: half the cost of analysing a short subscription)."""
        if not self.understanding:
            return ParsedQuery(original=text, text=text)
        cached = self._parser
        if cached is None or cached[0] is not snapshot.categories:
            parser = QueryParser(self.dictionary, snapshot.categories, self.clock)
            cached = self._parser = (snapshot.categories, parser)
        return cached[1].parse(text)

    # -- browsing ---------------------------------------------------------------------------

    def latest(self, limit: int = 5, offset: int = 0, category: str | None = None) -> SearchPage:
        """The newest articles, optionally of one category."""
        snapshot = self.snapshot
        ranked = snapshot.newest_first
        if category is not None:
            code = _category_code(snapshot, category)
            ranked = ranked[snapshot.category_codes[ranked] == code]
        ranked = ranked[first_of_each_copy(snapshot, ranked)]
        hits = self._hits(snapshot, ranked[offset : offset + limit], None, None)
        return SearchPage("", len(ranked), offset, limit, hits)

    def categories(self) -> list[CategoryCount]:
        """Categories with their article counts, largest first."""
        snapshot = self.snapshot
        codes = snapshot.category_codes[snapshot.live]
        counts = np.bincount(codes[codes >= 0], minlength=len(snapshot.categories))
        pairs = [
            CategoryCount(name, int(n))
            for name, n in zip(snapshot.categories, counts, strict=False)
        ]
        return sorted(pairs, key=lambda c: (-c.count, c.name))

    # -- keeping the index fresh ------------------------------------------------------------

    def sync(self) -> bool:
        """Publish the articles added, changed or deleted in the database since the index's
        generation (a new small segment plus deletion marks); True when anything changed."""
        return self.keeper.sync()

    def remove(self, article_ids: Iterable[int]) -> int:
        """Take articles out of the index at once (deletion marks in a new generation; gone
        from the files at the next merge); the caller deletes or hides them in the database.
        Returns how many were indexed."""
        return self.keeper.remove(article_ids)

    def refresh(self) -> bool:
        """Follow the index: reopen when another process published a generation, publish when
        the database changed without one; True when the index answering queries changed. Cheap
        when nothing changed (one small file read and one small query)."""
        return self.keeper.refresh()

    def reindex(self, *, full: bool = False, progress: ProgressCallback | None = None) -> int:
        """Re-analyse stale (or, with `full`, all) articles and publish them; with `full` the
        index is rebuilt from the database in a separate, lower-priority process while searches
        keep using the old one until the new one is swapped in. Returns how many were
        re-analysed."""
        return self.keeper.reindex(full=full, progress=progress)

    def stats(self) -> IndexStats:
        """What the live index holds."""
        snapshot = self.snapshot
        return IndexStats(
            indexed=snapshot.size,
            index_bytes=snapshot.nbytes,
            vocabulary=snapshot.vocabulary,
            built_at=snapshot.built_at,
            build_seconds=snapshot.build_seconds,
        )

    def close(self) -> None:
        """Wait for background index work (at shutdown)."""
        self.keeper.close()


# With a time or category filter, a question made only of these words ("tin tháng 7/2022",
# "có gì mới tuần này") lists that period's or category's articles, newest first.
_BROWSING_WORDS = frozenset(
    ["tin", "tin tức", "bài", "bài viết", "các", "những", "mới", "mới nhất", "có", "gì", "nào",
     "xem", "cho", "tôi", "danh sách", "trong", "của"]
)  # fmt: skip
_BROWSING_SYLLABLES = frozenset(
    fold(syllable) for word in _BROWSING_WORDS for syllable in word.split()
)


def _only_browsing(text: str) -> bool:
    """True when a text has no word but those of browsing ("tin mới", "các bài"), read by
    syllables (without segmenting: a subscription is analysed once per process, 100,000 of
    them in seconds)."""
    return all(fold(w.lower()) in _BROWSING_SYLLABLES for _, _, w in surface_words(text))


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


def _distinct(snapshot: Snapshot, positions: np.ndarray) -> int:
    """How many distinct texts the positions hold (a portal may list one story twice)."""
    if snapshot.duplicated is None or len(positions) == 0:
        return len(positions)
    copies = positions[snapshot.duplicated[positions]]
    return len(positions) - len(copies) + len(np.unique(snapshot.content[copies]))


def _category_code(snapshot: Snapshot, name: str) -> int:
    lowered = name.casefold()
    for code, category in enumerate(snapshot.categories):
        if category.casefold() == lowered:
            return code
    return -2  # matches nothing


_NO_MATCH = QueryMatcher(frozenset(), frozenset(), frozenset(), lambda s: 0.0, lambda s: True)
