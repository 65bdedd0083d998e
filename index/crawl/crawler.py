"""Crawling one source: discover its articles, fetch the new or changed ones, store them.

`crawl_source` blocks until the source is done; it is safe to run in a worker thread while the
same store answers searches (it uses its own HTTP client). Each article is stored in its own
transaction together with the crawler's note about its url (`index.store.crawl_state`), so a
crawl that is killed half-way loses at most the article in flight and the next run resumes
without duplicates.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from ..store.coordination import LeaseTaken
from ..store.crawl_state import PageError, PageStatus, RunCounts, RunStatus
from ..store.records import ArticleRecord
from ..store.store import Store
from ..text.analyzer import Analyzer
from ..text.dates import now
from .errors import (
    CrawlBusy,
    CrawlIssue,
    FetchError,
    HTTPStatusError,
    NotAPage,
    RobotsDisallowed,
    TooLarge,
)
from .extraction import NotNews, extract_article, non_news_url, with_listing
from .fetch import Fetcher
from .finder import CrawlOptions, Finder, unchanged
from .listing import ListingEntry
from .page import PageKind, page_kind
from .reports import CrawlProgress, CrawlProgressCallback, CrawlReport, CrawlStage, Tally
from .sources import FetchPolicy, SourceConfig, SourcesFile, adhoc_source

CRAWL_LEASE_SECONDS = 120.0  # a dead crawler's source can be crawled again after this

__all__ = ["crawl_source", "crawl_url"]


def crawl_source(
    store: Store,
    analyzer: Analyzer,
    source: SourceConfig,
    *,
    policy: FetchPolicy | None = None,
    since: datetime | None = None,
    max_pages: int | None = None,
    max_articles: int | None = None,
    refresh: bool = False,
    progress: CrawlProgressCallback | None = None,
    fetcher: Fetcher | None = None,
    lease_seconds: float = CRAWL_LEASE_SECONDS,
) -> CrawlReport:
    """Crawl one source now and store what is new; raises CrawlBusy if it is being crawled.

    `since` skips articles listed as older; `max_pages` caps list pages (or sitemap files) per
    list; `refresh` fetches known urls again; `fetcher` (shared, or for tests) replaces one made
    from `policy`. Problems with pages are in the report, not raised.
    """
    # One crawl of a source at a time in any process using this database: a lease that expires
    # `lease_seconds` after its holder died (kill -9), so another process can take over.
    try:
        with store.leases.hold(f"crawl:{source.name}", lease_seconds, now):
            own = fetcher is None
            client = fetcher or Fetcher(policy or FetchPolicy())
            try:
                options = CrawlOptions(
                    since,
                    max_pages or source.max_pages,
                    max_articles or source.max_articles,
                    refresh,
                )
                return _Run(store, analyzer, source, client, options, progress).run()
            finally:
                if own:
                    client.close()
    except LeaseTaken as exc:
        raise CrawlBusy(f"{source.name} is being crawled already") from exc


def crawl_url(
    store: Store,
    analyzer: Analyzer,
    url: str,
    *,
    sources: SourcesFile | None = None,
    since: datetime | None = None,
    max_pages: int | None = None,
    max_articles: int | None = None,
    refresh: bool = False,
    progress: CrawlProgressCallback | None = None,
    fetcher: Fetcher | None = None,
    lease_seconds: float = CRAWL_LEASE_SECONDS,
) -> CrawlReport:
    """Crawl one url given by hand (a feed, sitemap, list page, article or home page); a
    configured source of the same host lends its name, selectors and limits."""
    sources = sources or SourcesFile()
    return crawl_source(
        store,
        analyzer,
        adhoc_source(url, sources.for_url(url)),
        policy=sources.policy,
        since=since,
        max_pages=max_pages,
        max_articles=max_articles,
        refresh=refresh,
        progress=progress,
        fetcher=fetcher,
        lease_seconds=lease_seconds,
    )


@dataclass(frozen=True)
class _Fetched:
    """An article page after fetching and extraction: a record, a NotNews, or an error."""

    entry: ListingEntry
    record: ArticleRecord | None = None
    not_news: NotNews | None = None
    error: FetchError | None = None
    fetched_at: datetime | None = None


class _Run:
    """One run over one source: discover, plan, fetch in worker threads, store in order."""

    def __init__(
        self,
        store: Store,
        analyzer: Analyzer,
        source: SourceConfig,
        fetcher: Fetcher,
        options: CrawlOptions,
        progress: CrawlProgressCallback | None,
    ) -> None:
        self.state = store.crawl
        self.analyzer = analyzer
        self.source = source
        self.fetcher = fetcher
        self.options = options
        self.progress = progress
        self.tally = Tally()
        self.started_at = now()
        self.source_id = 0
        self.notify = False  # news is announced, but never a first crawl's archive, nor a refresh
        self.finder = Finder(
            source,
            fetcher,
            options,
            self.tally,
            self.state.notes,
            lambda done, url: self._report(CrawlStage.DISCOVERING, done, None, url),
        )

    def run(self) -> CrawlReport:
        run_id, self.source_id = self.state.start_run(self.source.name, self.started_at)
        self.notify = not self.options.refresh and self.state.crawled_before(self.source_id, run_id)
        status = RunStatus.INTERRUPTED
        try:
            todo = self._plan(self.finder.discover())
            self._process(todo)
            status = RunStatus.OK if self.tally.failed == 0 else RunStatus.FAILED
        finally:
            report = self._finish(run_id, status)
        return report

    def _finish(self, run_id: int, status: RunStatus) -> CrawlReport:
        tally = self.tally
        last = tally.last_failure()
        error = PageError(last.url, last.issue, last.detail) if last else None
        counts = RunCounts(tally.added, tally.updated, tally.unchanged, tally.failed, tally.skipped)
        finished = now()
        pending = self.state.finish_run(run_id, status, counts, error, finished)
        return CrawlReport(
            source=self.source.name,
            started_at=self.started_at,
            finished_at=finished,
            added=tally.added,
            updated=tally.updated,
            unchanged=tally.unchanged,
            failed=tally.failed,
            skipped=tally.skipped,
            pending=pending,
            removed=tally.removed,
            problems=tuple(tally.problems),
        )

    def _report(self, stage: CrawlStage, done: int, total: int | None, url: str = "") -> None:
        if self.progress is not None:
            t = self.tally
            self.progress(
                CrawlProgress(
                    self.source.name, stage, done, total, t.added, t.updated, t.failed, url
                )
            )

    # -- planning --------------------------------------------------------------------------

    def _plan(self, entries: list[ListingEntry]) -> list[ListingEntry]:
        """The entries whose pages must be fetched: new, changed, or waiting for a retry."""
        since, refresh = self.options.since, self.options.refresh
        known = self.state.notes([e.url for e in entries])
        todo: list[ListingEntry] = []
        for entry in entries:
            if entry.url in self.finder.prefetched:  # a page given by hand, already fetched
                todo.append(entry)
                continue
            if since is not None and entry.published_at is not None and entry.published_at < since:
                continue
            note = known.get(entry.url)
            if not refresh and note is not None:
                if unchanged(note, entry):
                    self.tally.unchanged += note.status is PageStatus.STORED
                    continue
                if note.status is PageStatus.PENDING and note.attempts >= self.source.retry_limit:
                    continue
            todo.append(entry)
        listed = {e.url for e in entries}
        retries = self.state.retries(self.source_id, self.source.retry_limit)
        todo += [ListingEntry.from_json(url, saved) for url, saved in retries if url not in listed]
        return todo[: self.options.max_articles]

    # -- fetching --------------------------------------------------------------------------

    def _process(self, todo: list[ListingEntry]) -> None:
        self._report(CrawlStage.FETCHING, 0, len(todo))
        if not todo:
            return
        workers = max(1, min(self.fetcher.policy.concurrency, len(todo)))
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crawl")
        try:
            for done, result in enumerate(self._results(pool, todo), start=1):
                self._store(result)
                self._report(CrawlStage.FETCHING, done, len(todo), result.entry.url)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _results(self, pool: ThreadPoolExecutor, todo: list[ListingEntry]) -> Iterator[_Fetched]:
        """Results in listing order, fetched a few at a time ahead of the one being stored."""
        ahead = max(2, self.fetcher.policy.concurrency * 2)
        futures: list[Future[_Fetched]] = []
        for index in range(len(todo)):
            while len(futures) < index + ahead and len(futures) < len(todo):
                futures.append(pool.submit(self._fetch, todo[len(futures)]))
            yield futures[index].result()

    def _fetch(self, entry: ListingEntry) -> _Fetched:
        """Fetch and extract one article page (runs in a worker thread)."""
        static = non_news_url(entry.url)
        if static is not None and entry.url not in self.finder.prefetched:
            return _Fetched(entry, not_news=static)
        try:
            page = self.finder.prefetched.pop(entry.url, None) or self.fetcher.get(entry.url)
        except FetchError as exc:
            return _Fetched(entry, error=exc)
        if page_kind(page.data, page.content_type) is not PageKind.HTML:
            return _Fetched(entry, not_news=NotNews(entry.url, CrawlIssue.FEED_OR_SITEMAP))
        source = self.source
        try:
            result = extract_article(
                page.text,
                page.final_url,
                selectors=source.selectors,
                profile=source.profile,
                entry=entry,
                source=source.name,
            )
        except Exception as exc:  # noqa: BLE001 - a parser bug on one page must not stop the crawl
            error = FetchError(entry.url, CrawlIssue.EXTRACTION_FAILED, repr(exc))
            return _Fetched(entry, error=error)
        if isinstance(result, NotNews):
            return _Fetched(entry, not_news=result, fetched_at=page.fetched_at)
        record = replace(with_listing(result, entry), url=entry.url, origin=entry.url)
        return _Fetched(entry, record=record, fetched_at=page.fetched_at)

    # -- storing ---------------------------------------------------------------------------

    def _store(self, result: _Fetched) -> None:
        """Store one article and the note about its url in one transaction."""
        entry = result.entry
        listing = (entry.fingerprint, entry.to_json())
        try:
            if result.record is not None:
                outcome = self.state.page_stored(
                    self.source_id, entry.url, listing, result.record, self.analyzer,
                    result.fetched_at, notify=self.notify,
                )  # fmt: skip
                self.tally.count(outcome)
            elif result.not_news is not None:
                reason = result.not_news
                error = PageError(entry.url, reason.issue, reason.detail)
                self.state.page_skipped(self.source_id, entry.url, listing, error)
                self.tally.skip(entry.url, reason.issue, reason.detail)
            elif result.error is not None:
                self._failed(entry, listing, result.error)
        except OperationalError:
            raise  # the database itself is gone: the run stops, recorded as interrupted
        except (SQLAlchemyError, ValueError, TypeError, ArithmeticError, RecursionError) as exc:
            cause = getattr(exc, "orig", None) or exc  # without the statement's parameters
            lines = str(cause).strip().splitlines() or [type(cause).__name__]
            self.tally.fail(entry.url, CrawlIssue.CANNOT_STORE, lines[0][:200])

    def _failed(self, entry: ListingEntry, listing: tuple[str, str], error: FetchError) -> None:
        """A page that could not be read: keep what its listing said, retry it on later runs.
        A page left out on purpose (robots.txt, not a web page) is reported as skipped, and
        what is reported as skipped is not stored."""
        page_error = PageError(entry.url, error.issue, error.detail)
        gone = isinstance(error, HTTPStatusError) and error.status in (404, 410)
        if gone and self.state.was_read(entry.url):
            # A page read before that disappears twice in a row was taken down at the source.
            if self.state.page_gone(self.source_id, entry.url, listing, page_error) is None:
                self.tally.fail(entry.url, error.issue, error.detail, kept=True)
            else:
                self.tally.remove(entry.url, error.detail)
            return
        skip = isinstance(error, (RobotsDisallowed, NotAPage))
        status, kept, outcome = self.state.page_failed(
            self.source_id,
            entry.url,
            listing,
            page_error,
            fallback=entry.as_record(self.source.name) if entry.vouches and not skip else None,
            analyzer=self.analyzer,
            skip=skip,
            retry=not isinstance(error, TooLarge),
            retry_limit=self.source.retry_limit,
            notify=self.notify,
        )
        if outcome is not None:
            self.tally.count(outcome)
        if status is PageStatus.SKIPPED:
            self.tally.skip(entry.url, error.issue, error.detail)
        else:
            self.tally.fail(entry.url, error.issue, error.detail, kept=kept)
