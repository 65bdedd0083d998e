"""The search service: what the bot and the command line call."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import EmptyQuery
from ..store.ingest import ProgressCallback
from ..store.store import Store
from ..text.analyzer import BOUNDARY, Analyzer
from ..text.bounds import bound_question
from ..text.dates import VIETNAM, now
from ..text.dictionary import EMPTY_DICTIONARY, QueryDictionary, surface_words
from ..text.event_dates import event_match
from ..text.language import is_vietnamese
from ..text.normalize import fold, lower
from ..text.reading import Reading
from ..text.restore import Restoration
from ..text.shingles import near_duplicates
from .bm25 import BM25Params
from .maintenance import IndexKeeper
from .query import ParsedQuery, QueryParser, TimeRange
from .ranking import Coverage, QueryPlan, Weights, clauses, concept_shapes, cover, plan_query
from .snapshot import Snapshot
from .snippets import QueryMatcher, Snippet, make_snippet
from .terms import term_key
from .topk import Ranked, first_of_each_copy, rank_candidates
from .understanding import read_question

if TYPE_CHECKING:  # imported on first use: a question asking for no fact needs no answer line,
    # and `bot.py ask` never matches subscriptions
    from .answer import Answer
    from .percolate import NewArticle, Percolator, Topic

__all__ = [
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
    also_at: tuple[str, ...] = ()  # sources of near-identical copies folded into this hit


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
    understood: str | None = None  # the question as read, when keys, chat words or typos changed
    preferred: SearchFilters | None = None  # the period `time_label` names, preferred in
    # ranking (articles published, held or titled then rank higher) rather than a filter

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

        The question is first read as a phone typed it (keys, chat words, typos: `understood`).
        A period it names is preferred in ranking (`preferred`), a filter only when it says so
        ("đăng năm 2018", "từ ... đến ...") or is only a period ("tin tháng 5/2019" lists the
        newest articles in it); a category is a filter when named as such; the caller's
        `filters` win. Near-identical copies fold into one hit (`SearchHit.also_at`).
        `dictionary` replaces the engine's for this search (to preview a dictionary change).
        """
        snapshot = self.snapshot  # one read: a concurrent swap does not affect this search
        text = bound_question(query).text  # at most 512 characters, words of 64, analysed
        reading: Reading | None = None
        if self.understanding:
            used = dictionary if dictionary is not None else self.dictionary
            reading, parsed = _read(snapshot, text, used, self.clock)
        else:
            parsed = ParsedQuery(original=text, text=text)
        stream = self.analyzer.tokens(parsed.text)
        words = [token for token in stream if token != BOUNDARY]
        parsed, preference = _period(parsed, filters, words)
        applied = _merge_filters(parsed, filters)
        if not words and applied is None:
            raise EmptyQuery("the query has no searchable word")
        label = _time_label(parsed, filters)
        if applied is not None and all(w in _BROWSING_WORDS for w in words):
            return _browse(self.store, snapshot, query, applied, label, limit, offset)
        return _ranked(
            self.store,
            self.analyzer,
            self.weights,
            snapshot,
            query,
            reading,
            parsed,
            stream,
            applied,
            label,
            preference,
            limit,
            offset,
        )

    # -- standing questions (subscriptions) -------------------------------------------------

    def topic(self, query: str) -> Topic:
        """A subscription's question as search understands it, its time words dropped; raises
        EmptyQuery when nothing is left to match on (only time words, or "tin mới")."""
        from .percolate import Topic

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
            positions = _filter(snapshot, np.flatnonzero(snapshot.live), category)
        else:
            plan = plan_query(snapshot, self.analyzer, parsed, None, self.weights)
            positions = _filter(snapshot, cover(snapshot, plan, self.weights).candidates, category)
        return sorted(int(snapshot.article_ids[p]) for p in positions)

    def percolator(self, topics: Mapping[int, Topic]) -> Percolator:
        """Subscriptions weighed with the live index, ready to match new articles."""
        from .percolate import Percolator

        return Percolator(topics, self.snapshot, self.weights)

    def new_articles(self, article_ids: Sequence[int]) -> list[NewArticle]:
        """What percolation needs of stored articles (those analysed; by id)."""
        from .percolate import NewArticle, article_syllables

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
            matcher = _matcher(self.analyzer, snapshot, self.analyzer.tokens(parsed.text), parsed)
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
        hits = _hits(self.store, snapshot, ranked[offset : offset + limit], None, None)
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


# -- the search pipeline's steps -------------------------------------------------------------------


def _ranked(
    store: Store,
    analyzer: Analyzer,
    weights: Weights,
    snapshot: Snapshot,
    query: str,
    reading: Reading | None,
    parsed: ParsedQuery,
    stream: Sequence[str],
    applied: SearchFilters | None,
    label: str | None,
    preference: TimeRange | None,
    limit: int,
    offset: int,
) -> SearchPage:
    """The page of ranked results for a question read and parsed (see `search`)."""
    restoration = snapshot.restorer.restore(parsed.text, keep=reading.kept) if reading else None
    plan = plan_query(snapshot, analyzer, parsed, restoration, weights)
    coverage = cover(snapshot, plan, weights)
    candidates, applied, relaxed = _within(snapshot, coverage, applied, label, preference)
    total = _distinct(snapshot, candidates)
    wanted = offset + limit if limit > 0 else 0
    ranked = _rank(store, snapshot, plan, weights, coverage, candidates, preference, wanted)
    window, also_at, folded = _fold(snapshot, ranked, candidates)
    total -= folded
    page = window[offset:wanted]
    sentences = store.sentences([int(snapshot.article_ids[p]) for p in page])
    scores = _scores(ranked)
    matcher = _matcher(analyzer, snapshot, stream, parsed)
    hits = _hits(store, snapshot, page, scores, matcher, sentences, also_at)
    answer = None
    if parsed.intent and hits and offset == 0 and not relaxed:
        answer = _answer(parsed, hits, sentences, matcher)
    understood = _understood(snapshot, reading)
    suggestion = _suggestion(understood, restoration, coverage, page)
    return SearchPage(
        query,
        total,
        offset,
        limit,
        hits,
        applied,
        label,
        answer,
        suggestion,
        relaxed,
        understood,
        SearchFilters(preference.since, preference.until) if preference else None,
    )


def _browse(
    store: Store,
    snapshot: Snapshot,
    query: str,
    filters: SearchFilters,
    time_label: str | None,
    limit: int,
    offset: int,
) -> SearchPage:
    """The newest articles within the filters (a question that is only a filter)."""
    ranked = _filter(snapshot, snapshot.newest_first, filters)
    ranked = ranked[first_of_each_copy(snapshot, ranked)]
    hits = _hits(store, snapshot, ranked[offset : offset + limit], None, None)
    return SearchPage(query, len(ranked), offset, limit, hits, filters, time_label)


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
    analyzer: Analyzer, snapshot: Snapshot, stream: Sequence[str], parsed: ParsedQuery
) -> QueryMatcher:
    """What snippets mark: the question's words and the synonyms of its abbreviations."""
    for expansion in parsed.expansions:
        stream = [*stream, BOUNDARY, *analyzer.tokens(expansion)]
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
    store: Store,
    snapshot: Snapshot,
    positions: np.ndarray,
    scores: dict[int, float] | None,
    matcher: QueryMatcher | None,
    sentences: dict[int, list[str]] | None = None,
    also_at: dict[int, tuple[str, ...]] | None = None,
) -> tuple[SearchHit, ...]:
    """Result rows with their snippets (`sentences`, when the caller read them already)."""
    ids = [int(snapshot.article_ids[p]) for p in positions]
    if sentences is None:
        sentences = store.sentences(ids)
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
                also_at=also_at.get(position, ()) if also_at else (),
            )
        )
    return tuple(hits)


def _within(
    snapshot: Snapshot,
    coverage: Coverage,
    applied: SearchFilters | None,
    label: str | None,
    preference: TimeRange | None,
) -> tuple[np.ndarray, SearchFilters | None, bool]:
    """The candidates within the filters, the filters applied, and whether they were relaxed."""
    candidates = _filter(snapshot, coverage.candidates, applied)
    relaxed = False
    if len(candidates) == 0 and len(coverage.candidates) and label and not preference:
        # Nothing in the period the question named: answer for every date, and say so.
        applied = SearchFilters(category=applied.category) if applied and applied.category else None
        candidates = _filter(snapshot, coverage.candidates, applied)
        relaxed = True
    return candidates, applied, relaxed


def _rank(
    store: Store,
    snapshot: Snapshot,
    plan: QueryPlan,
    weights: Weights,
    coverage: Coverage,
    candidates: np.ndarray,
    preference: TimeRange | None,
    wanted: int,
) -> Ranked | None:
    """The best `wanted` candidates and a few more (copies fold into one), scaled by how much
    of the question each covers, a period the question named preferred; None for none wanted."""
    multiplier = None  # one per candidate
    if weights.coord:
        multiplier = coverage.share[candidates] ** weights.coord
    prefer = _Preference.of(snapshot, preference) if preference is not None else None
    if prefer is not None:
        multiplier = prefer.boost(candidates, multiplier)
    ranked = (
        rank_candidates(
            snapshot,
            clauses(snapshot, plan, weights),
            candidates,
            multiplier,
            max(wanted + NEAR_EXTRA, RERANKED) if prefer is not None else wanted + NEAR_EXTRA,
        )
        if wanted > 0
        else None
    )
    if ranked is not None and prefer is not None:
        ranked = prefer.rerank(snapshot, store, ranked)
    return ranked


def _answer(
    parsed: ParsedQuery,
    hits: tuple[SearchHit, ...],
    sentences: dict[int, list[str]],
    matcher: QueryMatcher,
) -> Answer | None:
    """The answer line the shown articles give to a question asking for one."""
    from .answer import AnswerSource, find_answer

    read = [
        AnswerSource(h.article_id, h.title, h.url, h.published_at, sentences.get(h.article_id, []))
        for h in hits
    ]
    return find_answer(parsed, read, matcher.weight)


def _read(
    snapshot: Snapshot, text: str, dictionary: QueryDictionary, clock: Callable[[], datetime]
) -> tuple[Reading, ParsedQuery]:
    """The question as a phone typed it, and parsed with `dictionary`."""
    reading = read_question(snapshot, dictionary, text)
    if reading.changed and not is_vietnamese(reading.text):
        reading = Reading(text, text)  # another language: "what" is no typo of "phat"
    parser = QueryParser(dictionary, snapshot.categories, clock)
    parsed = _with_meanings(parser.parse(reading.text), reading.kept, dictionary)
    return reading, parsed


def _period(
    parsed: ParsedQuery, filters: SearchFilters | None, words: Sequence[str]
) -> tuple[ParsedQuery, TimeRange | None]:
    """The period the question prefers in ranking (None when the caller's dates win), and the
    question with a period that is all it says made a filter instead."""
    preference = parsed.time if parsed.time is not None and parsed.time.preference else None
    if preference is not None and filters is not None and (filters.since or filters.until):
        preference = None  # the caller's dates win
    if preference is not None and all(w in _BROWSING_WORDS for w in words):
        parsed = replace(parsed, time=replace(preference, preference=False))
        preference = None  # only a period ("tin tháng 7/2022"): list it
    return parsed, preference


def _fold(
    snapshot: Snapshot, ranked: Ranked | None, candidates: np.ndarray
) -> tuple[np.ndarray, dict[int, tuple[str, ...]], int]:
    """The ranked window with near-identical copies folded into one: its positions, where the
    copies are, and how many results folded away."""
    window = ranked.positions if ranked is not None else candidates[:0]
    window, also_at = _collapse_near_duplicates(snapshot, window)
    folded = len(ranked.positions) - len(window) if ranked is not None else 0
    return window, also_at, folded


def _scores(ranked: Ranked | None) -> dict[int, float]:
    """Each ranked position's score."""
    return (
        dict(zip(ranked.positions.tolist(), ranked.scores.tolist(), strict=True)) if ranked else {}
    )


def _suggestion(
    understood: str | None,
    restoration: Restoration | None,
    coverage: Coverage,
    page: np.ndarray,
) -> str | None:
    """What to suggest asking instead when the best result covers too little of the question."""
    weak = len(page) == 0 or float(coverage.share[page[0]]) < WEAK_SHARE
    suggestion = None
    if weak:
        suggestion = understood or (restoration.text if restoration is not None else None)
    return suggestion


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
    """The question's own time (unless only preferred) and category, overridden by what the
    caller passed."""
    time = parsed.time if parsed.time is not None and not parsed.time.preference else None
    since = time.since if time else None
    until = time.until if time else None
    category = parsed.category
    if given is not None:
        since = given.since or since
        until = given.until or until
        category = given.category or category
    if since is None and until is None and category is None:
        return None
    return SearchFilters(since, until, category)


NEAR_EXTRA = 5  # results ranked beyond the page, so that folding copies still fills it


def _collapse_near_duplicates(
    snapshot: Snapshot, ranked: np.ndarray
) -> tuple[np.ndarray, dict[int, tuple[str, ...]]]:
    """The ranking without near-identical copies of a better result (word-shingle Jaccard of
    title and opening text >= 0.9: one story from two portals or two categories; a recurring
    title over other text is not one), and per kept position the sources of the copies folded
    into it. The signatures were computed when the index was written."""
    if len(ranked) < 2:
        return ranked, {}
    firsts = near_duplicates([snapshot.signature(p) for p in ranked.tolist()])
    keep = np.array([first == i for i, first in enumerate(firsts)])
    also: dict[int, list[str]] = {}
    for i, first in enumerate(firsts):
        if first != i:
            source = snapshot.source(int(ranked[i]))
            kept = also.setdefault(int(ranked[first]), [])
            if source not in kept and source != snapshot.source(int(ranked[first])):
                kept.append(source)
    return ranked[keep], {k: tuple(v) for k, v in also.items() if v}


RERANKED = 30  # results whose event dates a preferred period reads (one query)
PREFERENCE_BOOST = 0.5  # a result of the preferred period scores up to 1 + this times more
_TITLE_YEAR = 1.0  # how surely a year in the title, or anywhere in the text, says the period
_TEXT_YEAR = 0.2


@dataclass(frozen=True)
class _Preference:
    """A period the question prefers: how surely each position belongs to it."""

    since: datetime
    until: datetime
    match: np.ndarray  # per position, 0..1

    @classmethod
    def of(cls, snapshot: Snapshot, period: TimeRange) -> _Preference:
        """Published in the period (1; not for the year of a plan, `TimeRange.topic`), or
        naming one of its years in the title or text."""
        since = period.since or datetime.min.replace(tzinfo=VIETNAM)
        until = period.until or datetime.max.replace(tzinfo=VIETNAM)
        match = np.zeros(snapshot.positions)
        if not period.topic:
            published = snapshot.published
            match[(published >= since.timestamp()) & (published <= until.timestamp())] = 1.0
        if period.since is not None and period.until is not None:
            years = range(period.since.year, period.until.year + 1)
            if len(years) <= 3:
                for year in years:
                    for group, sure in (("text", _TEXT_YEAR), ("title", _TITLE_YEAR)):
                        held = snapshot.field(group, "syllables").documents(term_key(str(year)))
                        match[held] = np.maximum(match[held], sure)
        return cls(since, until, match)

    def boost(self, candidates: np.ndarray, multiplier: np.ndarray | None) -> np.ndarray:
        """The candidates' ranking multipliers with the preference applied."""
        factor: np.ndarray = 1.0 + PREFERENCE_BOOST * self.match[candidates]
        return factor if multiplier is None else multiplier * factor

    def rerank(self, snapshot: Snapshot, store: Store, ranked: Ranked) -> Ranked:
        """The best results again, with the dates their text mentions ("Ngày 31/5")."""
        ids = [int(snapshot.article_ids[p]) for p in ranked.positions]
        mentioned = store.event_dates(ids)
        scores = ranked.scores.copy()
        since, until = self.since.date(), self.until.date()
        for i, (position, article_id) in enumerate(
            zip(ranked.positions.tolist(), ids, strict=True)
        ):
            before = float(self.match[position])
            after = max(before, event_match(mentioned.get(article_id, []), since, until))
            scores[i] *= (1 + PREFERENCE_BOOST * after) / (1 + PREFERENCE_BOOST * before)
        order = np.argsort(-scores, kind="stable")
        return replace(ranked, positions=ranked.positions[order], scores=scores[order])


def _with_meanings(
    parsed: ParsedQuery, kept: Sequence[str], dictionary: QueryDictionary
) -> ParsedQuery:
    """Chat abbreviations the reading left as typed (their meaning fits no neighbour the corpus
    writes) count as synonyms of their meanings: "hn" is also present where "Hà Nội" is."""
    if not kept:
        return parsed
    wanted = {lower(k) for k in kept}
    synonyms = list(parsed.synonyms)
    expansions = list(parsed.expansions)
    for start, end, word in surface_words(parsed.text):
        if lower(word) not in wanted or any(s <= start < e for s, e, _ in synonyms):
            continue
        meanings = dictionary.meanings(word)
        synonyms.append((start, end, (word, *meanings)))
        expansions += [m for m in meanings if m not in expansions]
    return replace(parsed, synonyms=tuple(synonyms), expansions=tuple(expansions))


def _understood(snapshot: Snapshot, reading: Reading | None) -> str | None:
    """The question as read, diacritics restored, when the reading changed what was typed."""
    if reading is None or not reading.changed:
        return None
    restored = snapshot.restorer.restore(reading.text, keep=reading.kept)
    return restored.text if restored is not None else reading.text


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
