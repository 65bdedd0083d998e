"""The archive: the one place where work spans the rooms. Storing articles then refreshing the
index, crawling then refreshing, statistics of both, all go through here; the rooms below never
reach up (text ← store ← search; crawl → store and text)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..search.engine import CategoryCount, SearchEngine, SearchFilters, SearchPage, Weights
from ..store.ingest import IngestReport, ProgressCallback
from ..store.records import Item
from ..store.store import ArticleView, Store, TakeDown
from ..store.workers import IN_PROCESS, IngestWorkers
from ..text.analyzer import Analyzer
from ..text.dates import now
from ..text.dictionary import EMPTY_DICTIONARY, QueryDictionary
from .chats import Chats
from .dictionary import Dictionary
from .reports import ReindexReport, Stats
from .service import Service

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from ..crawl import CrawlProgressCallback, CrawlReport, SourceConfig, SourceHealth, SourcesFile

__all__ = ["Archive"]


class Archive(Chats, Dictionary, Service):
    """Articles stored, analysed, indexed and searched; what the bot and the command line use.
    Chats, the admins' dictionary and the service's coordination are its concerns' modules."""

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
        ingest_workers: IngestWorkers = IN_PROCESS,
    ) -> Archive:
        """Open (creating if needed) the database, load `sample` into a new one, and open the
        index in `index_dir` (default: beside a SQLite file), building it only when it is
        missing, damaged or out of step with the database.

        `dictionary` is the query dictionary (abbreviations, synonyms, question words) or its file.
        `ingest_workers`: processes that analyse a large import (default: this one alone).
        """
        if isinstance(dictionary, Path):
            dictionary = QueryDictionary.load(dictionary)
        store = Store.open(database_url, ingest_workers=ingest_workers)
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
        if store.reanalyse(archive.analyzer, progress=progress, unless_unchanged=True):
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
        from ..store.importers import read_paths

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
        from ..store.importers import read_bytes

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
        from ..crawl import crawl_source, crawl_url
        from ..crawl.crawler import CRAWL_LEASE_SECONDS

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
        from ..crawl import crawl_health

        return crawl_health(self.store, sources)

    def due_sources(self, sources: Sequence[SourceConfig]) -> list[SourceConfig]:
        """The enabled sources whose interval has passed since their last crawl."""
        from ..crawl import due_sources

        return due_sources(self.store, sources)

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

    def failed_in_a_row(self, sources: Sequence[str]) -> dict[str, int]:
        """For each source, how many of its latest finished crawls failed in a row."""
        return self.store.crawl.failed_in_a_row(sources)

    def close(self) -> None:
        """Wait for background index work, release the database connections (at shutdown)."""
        self.engine.close()
        self.store.close()
