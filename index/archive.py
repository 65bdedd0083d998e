"""The archive: the one place where work spans the rooms. Storing articles then refreshing the
index, crawling then refreshing, statistics of both, all go through here; the rooms below never
reach up (text ← store ← search; crawl → store and text)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from .errors import DatabaseUnavailable, InputError
from .search.engine import (
    CategoryCount,
    SearchEngine,
    SearchFilters,
    SearchPage,
    Weights,
)
from .store.conversations import ConversationState, LoggedQuestion, Purged
from .store.coordination import LeaseHolder
from .store.dictionary_lines import StoredLine
from .store.feedback import AnswerShown, Report, Vote
from .store.importers import read_bytes, read_paths
from .store.ingest import IngestReport, ProgressCallback
from .store.records import Item
from .store.store import ArticleView, Store, TakeDown
from .text.analyzer import Analyzer
from .text.dates import now
from .text.dictionary import EMPTY_DICTIONARY, QueryDictionary

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from .crawl import CrawlProgressCallback, CrawlReport, SourceConfig, SourceHealth, SourcesFile

__all__ = [
    "Archive",
    "Health",
    "HealthProblem",
    "Stats",
    "ReindexReport",
    "DICTIONARY_CHECK_SECONDS",
]

DICTIONARY_CHECK_SECONDS = 5.0  # how stale a process's dictionary may be (admins' lines)


@dataclass(frozen=True)
class Stats:
    """What `stats` reports: the database and the live index."""

    articles: int
    sources: tuple[tuple[str, int], ...]
    first_published: datetime | None
    last_published: datetime | None
    indexed: int
    index_bytes: int
    vocabulary: int
    last_reindex: datetime | None
    built_at: datetime
    build_seconds: float
    questions_today: int
    taken_down: int = 0


class HealthProblem(StrEnum):
    """Why a process cannot serve."""

    DATABASE_UNREACHABLE = "database_unreachable"
    INDEX_UNAVAILABLE = "index_unavailable"


@dataclass(frozen=True)
class Health:
    """Whether this process can answer, and how far its index is behind the database."""

    problems: tuple[HealthProblem, ...]
    generation: int | None  # the index generation answering queries
    articles: int | None  # documents in it
    change_head: int | None  # the database's last change number
    applied: int | None  # the change number the index reflects (None: older than the log)
    behind: int | None  # changes committed and not yet in the index
    lag_seconds: float | None  # how long the oldest of them has waited

    @property
    def ok(self) -> bool:
        """True when the database answers and the index is open."""
        return not self.problems


@dataclass(frozen=True)
class ReindexReport:
    """What a reindex did."""

    reanalysed: int
    indexed: int
    seconds: float


class Archive:
    """Articles stored, analysed, indexed and searched; what the bot and the command line use."""

    def __init__(self, store: Store, engine: SearchEngine) -> None:
        """Wrap an opened store and an engine over it (see `open`)."""
        self.store = store
        self.engine = engine
        self.analyzer: Analyzer = engine.analyzer
        self.base_dictionary = engine.dictionary  # the file's; admins' lines are merged in
        self._dictionary_version: str | None = None
        self._dictionary_checked = float("-inf")

    @classmethod
    def open(
        cls,
        database_url: str,
        *,
        sample: Path | None = None,
        dictionary: Path | QueryDictionary | None = None,
        index_dir: Path | None = None,
        weights: Weights = Weights(),
        clock: Callable[[], datetime] = now,
        progress: ProgressCallback | None = None,
    ) -> Archive:
        """Open (creating if needed) the database, load `sample` into a new one, and open the
        index in `index_dir` (default: beside a SQLite file), building it only when it is
        missing, damaged or out of step with the database.

        `dictionary` is the query dictionary (abbreviations, synonyms, question words) or its file.
        """
        if isinstance(dictionary, Path):
            dictionary = QueryDictionary.load(dictionary)
        store = Store.open(database_url)
        engine = SearchEngine(
            store,
            weights=weights,
            dictionary=dictionary or EMPTY_DICTIONARY,
            clock=clock,
            index_dir=index_dir,
        )
        archive = cls(store, engine)
        archive.refresh_dictionary()  # the lines admins added, merged with the file's
        if sample is not None and store.is_new():
            store.load_sample(sample, archive.analyzer, progress)
        if store.reanalyse(archive.analyzer, progress=progress):
            log.info("re-analysed articles whose cached terms were stale")
        engine.open(progress=progress)
        return archive

    # -- reading ----------------------------------------------------------------------------

    def search(
        self, query: str, limit: int = 5, offset: int = 0, filters: SearchFilters | None = None
    ) -> SearchPage:
        """Rank articles for a question (see `SearchEngine.search`), with the dictionary lines
        admins confirmed (checked for changes every few seconds)."""
        self._follow_dictionary()
        return self.engine.search(query, limit, offset, filters)

    def latest(self, limit: int = 5, offset: int = 0, category: str | None = None) -> SearchPage:
        """The newest articles, optionally of one category."""
        return self.engine.latest(limit, offset, category)

    def categories(self) -> list[CategoryCount]:
        """Categories with their article counts, largest first."""
        return self.engine.categories()

    def article(self, article_id: int) -> ArticleView:
        """The whole article; raises ArticleNotFound."""
        return self.store.article(article_id)

    def articles(self) -> Iterator[ArticleView]:
        """Every stored article, by id (for exports)."""
        return self.store.articles()

    # -- writing ----------------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[Path],
        progress: ProgressCallback | None = None,
        *,
        notify: bool = True,
    ) -> IngestReport:
        """Import files and folders, then refresh the index if anything changed. New articles
        that are news are queued for subscribers unless `notify` is off (an archive import)."""
        return self.ingest_items(read_paths(paths), progress, notify=notify)

    def ingest_bytes(
        self,
        data: bytes,
        name: str,
        suffix: str,
        progress: ProgressCallback | None = None,
        *,
        notify: bool = True,
    ) -> IngestReport:
        """Import the content of one file (an upload), then refresh the index; `progress` is
        told how many records are stored so far."""
        return self.ingest_items(read_bytes(data, name, suffix), progress, notify=notify)

    def ingest_items(
        self,
        items: Iterable[Item],
        progress: ProgressCallback | None = None,
        *,
        notify: bool = True,
    ) -> IngestReport:
        """Store records and problems, then refresh the index if anything changed."""
        report = self.store.store_items(items, self.analyzer, progress, notify=notify)
        if report.changed:
            self.engine.sync()
        return report

    def reindex(
        self, *, full: bool = False, progress: ProgressCallback | None = None
    ) -> ReindexReport:
        """Re-analyse stale (or, with `full`, all) articles and rebuild the index; searches keep
        using the old index until the new one is swapped in."""
        started = time.perf_counter()
        reanalysed = self.engine.reindex(full=full, progress=progress)
        self.store.mark_reindexed(now())
        seconds = time.perf_counter() - started
        return ReindexReport(reanalysed, self.engine.snapshot.size, seconds)

    def delete(self, targets: Iterable[int | str]) -> TakeDown:
        """Take articles down, named by id or url: gone from the database, and from the index at
        once (deletion marks; gone from its files at the next merge)."""
        done = self.store.delete(targets)
        if done.deleted:
            self.engine.remove(done.deleted)
        return done

    def refresh(self) -> bool:
        """Follow the index: reopen a generation another process published, publish what the
        database gained without one (a crawl, an ingest elsewhere); True when it changed."""
        return self.engine.refresh()

    # -- crawling ---------------------------------------------------------------------------

    def crawl(
        self,
        target: SourceConfig | str,
        sources: SourcesFile,
        *,
        since: datetime | None = None,
        max_pages: int | None = None,
        refresh: bool = False,
        progress: CrawlProgressCallback | None = None,
        lease_seconds: float | None = None,
    ) -> CrawlReport:
        """Crawl a configured source or a url given by hand and store what is new (the index is
        refreshed by `refresh`). Blocks; loads the crawling libraries on first use. The source is
        leased in the database for the crawl (free again `lease_seconds` after a crash); raises
        CrawlBusy while another process crawls it."""
        from .crawl import crawl_source, crawl_url
        from .crawl.crawler import CRAWL_LEASE_SECONDS

        lease = lease_seconds or CRAWL_LEASE_SECONDS
        if isinstance(target, str):
            return crawl_url(
                self.store, self.analyzer, target, sources=sources, since=since,
                max_pages=max_pages, refresh=refresh, progress=progress, lease_seconds=lease,
            )  # fmt: skip
        return crawl_source(
            self.store, self.analyzer, target, policy=sources.policy, since=since,
            max_pages=max_pages, refresh=refresh, progress=progress, lease_seconds=lease,
        )  # fmt: skip

    def crawl_health(self, sources: Sequence[SourceConfig] = ()) -> tuple[SourceHealth, ...]:
        """Each configured or once-crawled source's health."""
        from .crawl import crawl_health

        return crawl_health(self.store, sources)

    def due_sources(self, sources: Sequence[SourceConfig]) -> list[SourceConfig]:
        """The enabled sources whose interval has passed since their last crawl."""
        from .crawl import due_sources

        return due_sources(self.store, sources)

    # -- usage ------------------------------------------------------------------------------

    def record_question(
        self, query: str, total: int, channel: str = "private", chat_key: str | None = None
    ) -> None:
        """Count a question for the usage statistics (the text is kept, the asker is not; the
        chat only as a keyed hash)."""
        self.store.record_question(query, total, channel, chat_key)

    # -- conversations ----------------------------------------------------------------------

    @property
    def dictionary(self) -> QueryDictionary:
        """The query dictionary, with its table of conversation intents."""
        return self.engine.dictionary

    def conversation(
        self, channel: str, chat_key: str, newer_than: datetime
    ) -> ConversationState | None:
        """Where a chat stands, unless its state is older than `newer_than`."""
        return self.store.conversations.state(channel, chat_key, newer_than)

    def remember(
        self, state: ConversationState, logged: LoggedQuestion | None = None
    ) -> int | None:
        """Store where a chat stands, counting the question that led there (if `logged`);
        returns the id of the answer the chat can give feedback on, if it showed articles."""
        return self.store.conversations.save(state, logged)

    def forget_chat(self, channel: str, chat_key: str) -> Purged:
        """Delete everything kept for a chat: its state and its logged questions."""
        return self.store.conversations.forget(channel, chat_key)

    def purge_conversations(
        self, conversations_before: datetime, questions_before: datetime, handovers_before: datetime
    ) -> Purged:
        """Remove expired conversation states, hand-overs and question logs."""
        return self.store.conversations.purge(
            conversations_before, questions_before, handovers_before
        )

    def hand_over(self, token: str, question: str, at: datetime) -> None:
        """Keep a question too long for a deep link under `token`."""
        self.store.conversations.hand_over(token, question, at)

    def take_handover(self, token: str, newer_than: datetime) -> str | None:
        """The question kept under `token` (once), unless it is older than `newer_than`."""
        return self.store.conversations.take(token, newer_than)

    # -- feedback and the staff's report ----------------------------------------------------

    def answer(self, answer_id: int, chat_key: str) -> AnswerShown | None:
        """An answer given to this chat (its question and shown articles), if still kept."""
        return self.store.feedback.answer(answer_id, chat_key)

    def vote(self, answer_id: int, chat_key: str, up: bool, at: datetime) -> AnswerShown | None:
        """Store or change the chat's 👍 (`up`) or 👎; None when the chat has no such answer."""
        return self.store.feedback.vote(answer_id, chat_key, Vote.UP if up else Vote.DOWN, at)

    def judge(self, answer_id: int, chat_key: str, article_id: int, at: datetime) -> bool:
        """Store which shown article answered the question (0: none of them)."""
        return self.store.feedback.judge(answer_id, chat_key, article_id, at)

    def purge_answers(self, before: datetime) -> int:
        """Delete answers and their feedback older than `before`."""
        return self.store.feedback.purge(before)

    def report(self, since: datetime, until: datetime, limit: int | None = 10) -> Report:
        """The period's most asked questions, those without results, the 👎 and judgments."""
        return self.store.feedback.report(since, until, limit)

    # -- the dictionary admins edit -------------------------------------------------------

    def dictionary_lines(self) -> list[StoredLine]:
        """The lines admins added and confirmed, oldest first."""
        return self.store.dictionary_lines.confirmed()

    def dictionary_line(self, line_id: int) -> StoredLine | None:
        """One added line, confirmed or only proposed."""
        return self.store.dictionary_lines.get(line_id)

    def preview_line(
        self, section: str, line: str, question: str, limit: int = 5
    ) -> tuple[SearchPage, SearchPage]:
        """The results of `question` now, and with `line` added to the dictionary; raises
        InputError for a malformed line, EmptyQuery for a question without words."""
        self._follow_dictionary()
        added = QueryDictionary.parse_line(section, line)
        before = self.engine.search(question, limit)
        after = self.engine.search(question, limit, dictionary=self.dictionary.merged(added))
        return before, after

    def propose_line(self, section: str, line: str, question: str | None) -> StoredLine:
        """Keep a line to confirm later (validated; it changes nothing yet)."""
        QueryDictionary.parse_line(section, line)
        return self.store.dictionary_lines.propose(section, line, question, now())

    def confirm_line(self, line_id: int) -> StoredLine | None:
        """Put a proposed line into use here at once, in other processes within seconds."""
        confirmed = self.store.dictionary_lines.confirm(line_id, now())
        self.refresh_dictionary()
        return confirmed

    def remove_line(self, line_id: int) -> StoredLine | None:
        """Take an added line out of use (here at once, elsewhere within seconds)."""
        removed = self.store.dictionary_lines.remove(line_id)
        self.refresh_dictionary()
        return removed

    def refresh_dictionary(self) -> bool:
        """Merge the confirmed lines with the file's dictionary if they changed; True if so."""
        self._dictionary_checked = time.monotonic()
        version = self.store.dictionary_lines.version()
        if version == self._dictionary_version:
            return False
        merged = self.base_dictionary
        lines = self.store.dictionary_lines.confirmed()
        for stored in lines:
            try:
                merged = merged.merged(QueryDictionary.parse_line(stored.section, stored.line))
            except InputError:
                log.warning("dictionary line %d is malformed; skipped", stored.line_id)
        self.engine.dictionary = merged  # one reference swapped: searches never see half of it
        self._dictionary_version = version
        log.info("query dictionary: %d line(s) added by admins", len(lines))
        return True

    def _follow_dictionary(self) -> None:
        """Notice another process's dictionary change at most DICTIONARY_CHECK_SECONDS late."""
        if time.monotonic() - self._dictionary_checked < DICTIONARY_CHECK_SECONDS:
            return
        try:
            self.refresh_dictionary()
        except Exception:  # a failed check costs freshness, never the answer
            log.warning("could not check the dictionary lines", exc_info=True)

    def first_delivery(
        self, channel: str, message_id: str, at: datetime, forget_before: datetime
    ) -> bool:
        """True the first time a channel's message id is recorded (it is to be answered); False
        for a redelivery. Records older than `forget_before` are dropped."""
        return self.store.conversations.first_delivery(channel, message_id[:64], at, forget_before)

    def stats(self) -> Stats:
        """Counts and dates of the stored articles and of the live index."""
        stored = self.store.stats()
        index = self.engine.stats()
        return Stats(
            articles=stored.articles,
            sources=stored.sources,
            first_published=stored.first_published,
            last_published=stored.last_published,
            indexed=index.indexed,
            index_bytes=index.index_bytes,
            vocabulary=index.vocabulary,
            last_reindex=stored.last_reindex,
            built_at=index.built_at,
            build_seconds=index.build_seconds,
            questions_today=stored.questions_today,
            taken_down=stored.taken_down,
        )

    # -- running as a service --------------------------------------------------------------

    def health(self) -> Health:
        """The index generation serving, the database's reachability, the lag behind the log."""
        problems: list[HealthProblem] = []
        generation = articles = applied = None
        try:
            snapshot = self.engine.snapshot
        except RuntimeError:
            problems.append(HealthProblem.INDEX_UNAVAILABLE)
        else:
            generation = snapshot.generation.manifest.generation
            articles = snapshot.size
            version = snapshot.data_version
            applied = int(version) if version.isdigit() else None
        try:
            lag = self.store.changes.lag(applied)
        except (SQLAlchemyError, DatabaseUnavailable):
            log.warning("health: the database does not answer", exc_info=True)
            problems.append(HealthProblem.DATABASE_UNREACHABLE)
            return Health(tuple(problems), generation, articles, None, applied, None, None)
        behind = lag.behind if generation is not None else None
        seconds = lag.seconds(now()) if generation is not None else None
        return Health(tuple(problems), generation, articles, lag.head, applied, behind, seconds)

    def prune_changes(self, before: datetime) -> int:
        """Forget change log rows older than `before` (readers further behind compare all)."""
        return self.store.changes.prune(before)

    def take_token(self, key: str, burst: int, per_second: float) -> int:
        """One request against the shared token bucket `key`: 0, or whole seconds to wait."""
        return self.store.buckets.take(key, burst, per_second, time.time())

    def forget_idle_buckets(self, idle_seconds: float) -> int:
        """Drop shared token buckets untouched for `idle_seconds` (they are full again)."""
        return self.store.buckets.forget_idle(time.time() - idle_seconds)

    def acquire_lease(self, name: str, holder: str, ttl: float) -> LeaseHolder | None:
        """Take or renew the lease `name` for `ttl` seconds; None when another holder has it."""
        return self.store.leases.acquire(name, holder, ttl, now())

    def release_lease(self, name: str, holder: str) -> bool:
        """Give a lease back."""
        return self.store.leases.release(name, holder)

    def live_leases(self, prefix: str) -> list[LeaseHolder]:
        """The leases named `prefix...` held now by living processes."""
        return self.store.leases.live(prefix, now())

    def lease_holder(self, name: str) -> LeaseHolder | None:
        """Who holds a lease (perhaps expired)."""
        return self.store.leases.holder(name)

    def raise_alert(self, name: str, detail: str) -> bool:
        """True only for the one call, in any process, that raised the alert."""
        return self.store.alerts.raise_(name, detail, now())

    def clear_alert(self, name: str) -> bool:
        """True only for the one call, in any process, that cleared the alert."""
        return self.store.alerts.clear(name)

    def alerts_raised(self) -> dict[str, datetime]:
        """The alerts raised and not cleared."""
        return self.store.alerts.raised()

    def failed_in_a_row(self, sources: Sequence[str]) -> dict[str, int]:
        """For each source, how many of its latest finished crawls failed in a row."""
        return self.store.crawl.failed_in_a_row(sources)

    def close(self) -> None:
        """Wait for background index work, release the database connections (at shutdown)."""
        self.engine.close()
        self.store.close()
