"""Crawling one source: discover its articles, fetch the new or changed ones, store them.

`crawl_source` blocks until the source is done; it is safe to run in a worker thread while the
same engine answers searches (it uses its own sessions and HTTP client). Each article is stored
in its own transaction together with the crawler's note about its url, so a crawl that is killed
half-way loses at most the article in flight and the next run resumes without duplicates.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..text.analyzer import Analyzer
from ..store.database import now, write_session
from ..store.importers import ArticleRecord
from ..store.ingest import Outcome, mark_changed, store_record
from ..store.models import Article, CrawlPage, CrawlRun, Source
from .discovery import (
    feed_entries,
    feed_links,
    home_links,
    list_entries,
    next_page_url,
    page_kind,
    robots_sitemaps,
    sitemap_entries,
)
from .errors import CrawlBusy, FetchError, NotAPage, RobotsDisallowed, TooLarge
from .extraction import (
    ListingEntry,
    NotNews,
    effective_selectors,
    extract_article,
    is_home_url,
    non_news_url,
    parse_html,
    with_listing,
)
from .fetch import Fetcher, Page
from .sources import FetchPolicy, SourceConfig, SourcesFile, adhoc_source

__all__ = [
    "CrawlTarget",
    "CrawlProgress",
    "CrawlProblem",
    "CrawlReport",
    "CrawlProgressCallback",
    "crawl_source",
    "crawl_url",
]


class CrawlTarget(Protocol):
    """Where articles go: a `SearchEngine`, or anything with its `sessions` and `analyzer`."""

    sessions: sessionmaker[Session]
    analyzer: Analyzer


@dataclass(frozen=True)
class CrawlProgress:
    """Where a crawl is: `stage` is "discovering" (done = listing pages read) or "fetching"
    (done of total article pages)."""

    source: str
    stage: str
    done: int
    total: int | None
    new: int
    updated: int
    failed: int
    url: str = ""


CrawlProgressCallback = Callable[[CrawlProgress], None]
"""Called from the crawling thread after every page; it must return quickly."""


@dataclass(frozen=True)
class CrawlProblem:
    """A page that failed (`kind` "failed") or was left out on purpose ("skipped")."""

    url: str
    reason: str
    kind: str = "failed"
    kept: bool = False  # the article was stored from its listing; its page is retried later

    def __str__(self) -> str:
        suffix = "; stored from the listing, retried on the next runs" if self.kept else ""
        return f"{self.url}: {self.reason}{suffix}"


@dataclass(frozen=True)
class CrawlReport:
    """What one crawl of one source did."""

    source: str
    started_at: datetime
    finished_at: datetime
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    pending: int = 0  # pages waiting to be retried after this run
    problems: tuple[CrawlProblem, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return self.failed == 0

    @property
    def changed(self) -> bool:
        """True when articles were added or updated (the index needs a refresh)."""
        return bool(self.new or self.updated)

    def summary(self) -> str:
        """The one-line summary: new N, updated N, unchanged N, failed N."""
        return f"new {self.new}, updated {self.updated}, unchanged {self.unchanged}, failed {self.failed}"


def crawl_source(
    target: CrawlTarget,
    source: SourceConfig,
    *,
    policy: FetchPolicy | None = None,
    since: datetime | None = None,
    max_pages: int | None = None,
    max_articles: int | None = None,
    refresh: bool = False,
    progress: CrawlProgressCallback | None = None,
    fetcher: Fetcher | None = None,
) -> CrawlReport:
    """Crawl one source now and store what is new; raises CrawlBusy if it is being crawled.

    `since` skips articles listed as older; `max_pages` caps list pages (or sitemap files) per
    list; `refresh` fetches known urls again; `fetcher` (shared, or for tests) replaces one made
    from `policy`. Problems with pages are in the report, not raised.
    """
    lock = _source_lock(target.sessions, source.name)
    if not lock.acquire(blocking=False):
        raise CrawlBusy(f"{source.name} is being crawled already")
    try:
        own = fetcher is None
        client = fetcher or Fetcher(policy or FetchPolicy())
        try:
            options = _Options(
                since, max_pages or source.max_pages, max_articles or source.max_articles, refresh
            )
            return _Crawl(target, source, client, options, progress).run()
        finally:
            if own:
                client.close()
    finally:
        lock.release()


def crawl_url(
    target: CrawlTarget,
    url: str,
    *,
    sources: SourcesFile | None = None,
    since: datetime | None = None,
    max_pages: int | None = None,
    max_articles: int | None = None,
    refresh: bool = False,
    progress: CrawlProgressCallback | None = None,
    fetcher: Fetcher | None = None,
) -> CrawlReport:
    """Crawl one url given by hand (a feed, sitemap, list page, article or home page); a
    configured source of the same host lends its name, selectors and limits."""
    sources = sources or SourcesFile()
    return crawl_source(
        target,
        adhoc_source(url, sources.for_url(url)),
        policy=sources.policy,
        since=since,
        max_pages=max_pages,
        max_articles=max_articles,
        refresh=refresh,
        progress=progress,
        fetcher=fetcher,
    )


_LOCKS: dict[tuple[str, str], threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _source_lock(sessions: sessionmaker[Session], name: str) -> threading.Lock:
    bind = sessions.kw.get("bind")
    key = (str(getattr(bind, "url", id(sessions))), name)
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, threading.Lock())


@dataclass(frozen=True)
class _Options:
    since: datetime | None
    max_pages: int
    max_articles: int
    refresh: bool


@dataclass(frozen=True)
class _Known:
    """What the crawler noted about a url on earlier runs."""

    status: str
    fingerprint: str
    attempts: int


@dataclass(frozen=True)
class _Fetched:
    """An article page after fetching and extraction: a record, a NotNews, or an error."""

    entry: ListingEntry
    record: ArticleRecord | None = None
    not_news: NotNews | None = None
    error: FetchError | None = None
    fetched_at: datetime | None = None


@dataclass
class _Tally:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    problems: list[CrawlProblem] = field(default_factory=list)

    def fail(self, url: str, reason: str, kept: bool = False) -> None:
        self.failed += 1
        self.problems.append(CrawlProblem(url, reason, "failed", kept))

    def skip(self, url: str, reason: str) -> None:
        self.skipped += 1
        self.problems.append(CrawlProblem(url, reason, "skipped"))

    def count(self, outcome: Outcome) -> None:
        if outcome is Outcome.ADDED:
            self.new += 1
        elif outcome is Outcome.UPDATED:
            self.updated += 1
        else:
            self.unchanged += 1


class _Crawl:
    """One run over one source."""

    def __init__(
        self,
        target: CrawlTarget,
        source: SourceConfig,
        fetcher: Fetcher,
        options: _Options,
        progress: CrawlProgressCallback | None,
    ) -> None:
        self.sessions = target.sessions
        self.analyzer = target.analyzer
        self.source = source
        self.fetcher = fetcher
        self.options = options
        self.progress = progress
        self.tally = _Tally()
        self.started_at = now()
        self.prefetched: dict[str, Page] = {}
        self.listing_pages = 0
        self.source_id = 0

    # -- the run ---------------------------------------------------------------------------

    def run(self) -> CrawlReport:
        run_id = self._start()
        status = "interrupted"
        try:
            entries = self._discover()
            todo = self._plan(entries)
            self._process(todo)
            status = "ok" if self.tally.failed == 0 else "failed"
        finally:
            report = self._finish(run_id, status)
        return report

    def _start(self) -> int:
        with write_session(self.sessions) as session:
            source = session.scalar(select(Source).where(Source.name == self.source.name))
            if source is None:
                source = Source(name=self.source.name, created_at=self.started_at)
                session.add(source)
                session.flush()
            self.source_id = source.id
            # A run of this source still marked running was killed: this process holds its lock.
            session.execute(
                update(CrawlRun)
                .where(CrawlRun.source_id == source.id, CrawlRun.status == "running")
                .values(status="interrupted")
            )
            run = CrawlRun(source_id=source.id, started_at=self.started_at, status="running",
                           new=0, updated=0, unchanged=0, failed=0, skipped=0)  # fmt: skip
            session.add(run)
            session.flush()
            return run.id

    def _finish(self, run_id: int, status: str) -> CrawlReport:
        tally = self.tally
        last_error = next((str(p) for p in reversed(tally.problems) if p.kind == "failed"), None)
        finished = now()
        with write_session(self.sessions) as session:
            run = session.get(CrawlRun, run_id)
            if run is not None:
                run.finished_at = finished
                run.status = status
                run.new, run.updated, run.unchanged = tally.new, tally.updated, tally.unchanged
                run.failed, run.skipped, run.last_error = tally.failed, tally.skipped, last_error
            pending = session.scalar(
                select(func.count(CrawlPage.id)).where(
                    CrawlPage.source_id == self.source_id, CrawlPage.status == "pending"
                )
            )
        return CrawlReport(
            source=self.source.name,
            started_at=self.started_at,
            finished_at=finished,
            new=tally.new,
            updated=tally.updated,
            unchanged=tally.unchanged,
            failed=tally.failed,
            skipped=tally.skipped,
            pending=pending or 0,
            problems=tuple(tally.problems),
        )

    def _report(self, stage: str, done: int, total: int | None, url: str = "") -> None:
        if self.progress is not None:
            t = self.tally
            self.progress(
                CrawlProgress(self.source.name, stage, done, total, t.new, t.updated, t.failed, url)
            )

    # -- discovery -------------------------------------------------------------------------

    def _discover(self) -> list[ListingEntry]:
        source = self.source
        found: list[ListingEntry] = []
        if source.adhoc or not source.discovery_given:
            found += self._from_url(source.base_url)
        for listing in source.lists:
            found += self._from_list(listing.url, listing.page_url, listing.category)
        for url in (*source.feeds, *source.sitemaps):
            found += self._from_url(url, html_allowed=False)
        unique: dict[str, ListingEntry] = {}
        for entry in found:
            unique.setdefault(entry.url, entry)
        return list(unique.values())

    def _listing(self, url: str) -> Page | None:
        """A feed, sitemap or list page; a failure is counted, and the crawl goes on."""
        try:
            page = self.fetcher.get(url)
        except FetchError as exc:
            self.tally.fail(url, exc.reason)
            return None
        self.listing_pages += 1
        self._report("discovering", self.listing_pages, None, url)
        return page

    def _from_url(self, url: str, html_allowed: bool = True) -> list[ListingEntry]:
        """Whatever a url turns out to be: feed, sitemap, list page, article or home page."""
        page = self._listing(url)
        if page is None:
            return []
        kind = page_kind(page.data, page.content_type)
        if kind == "feed":
            return self._feed(page)
        if kind == "sitemap":
            return self._sitemaps(page)
        if not html_allowed:
            self.tally.fail(url, "neither a feed nor a sitemap")
            return []
        return self._html(page)

    def _feed(self, page: Page) -> list[ListingEntry]:
        try:
            return feed_entries(page.data, page.final_url, page.content_type)
        except ValueError as exc:
            self.tally.fail(page.url, str(exc))
            return []

    def _sitemaps(self, first: Page) -> list[ListingEntry]:
        entries: list[ListingEntry] = []
        queue, seen, page = [first.url], {first.url}, first
        read = 0
        while queue and read < self.options.max_pages:
            url = queue.pop(0)
            if page is None or page.url != url:
                page = self._listing(url)
                if page is None:
                    continue
            read += 1
            try:
                content = sitemap_entries(page.data, page.final_url)
            except ValueError as exc:
                self.tally.fail(url, str(exc))
                continue
            entries += content.entries
            for child in content.sitemaps:
                if child not in seen:
                    seen.add(child)
                    queue.append(child)
            page = None
        return entries

    def _html(self, page: Page) -> list[ListingEntry]:
        """An html page given as a url: an article, a list page, or a home page."""
        url = page.final_url
        tree = parse_html(page.text, url)
        if tree is None:
            self.tally.fail(page.url, "empty page")
            return []
        sel = effective_selectors(tree, self.source.selectors, self.source.profile)
        article = extract_article(
            page.text,
            url,
            selectors=self.source.selectors,
            profile=self.source.profile,
            source=self.source.name,
        )
        if isinstance(article, ArticleRecord):
            self.prefetched[page.url] = page
            return [ListingEntry(page.url, origin="url")]
        if list_entries(tree, sel):
            return self._from_list(page.url, "", self.source.category, first=page)
        home = is_home_url(url) or (not self.source.adhoc and url == self.source.base_url)
        found = self._advertised(page)
        if found or home:
            return found or self._home_links(page)
        self.tally.skip(page.url, article.reason)
        return []

    def _advertised(self, page: Page) -> list[ListingEntry]:
        """Articles of the feeds a page links to, else of the sitemaps robots.txt names."""
        url = page.final_url
        for feed in feed_links(page.text, url)[:3]:
            entries = self._from_url(feed, html_allowed=False)
            if entries:
                return entries
        robots = self.fetcher.robots.rules(url)
        for sitemap in robots_sitemaps(robots.text, url)[:3]:
            entries = self._from_url(sitemap, html_allowed=False)
            if entries:
                return entries
        return []

    def _home_links(self, page: Page) -> list[ListingEntry]:
        """The links of a home page without feed or sitemap that look like articles."""
        links = home_links(page.text, page.final_url, self.options.max_articles)
        if not links:
            self.tally.fail(page.url, "no articles, feed or sitemap found on this page")
        return links

    def _from_list(
        self, url: str, page_url: str, category: str | None, first: Page | None = None
    ) -> list[ListingEntry]:
        """A list page and its next pages, until the limit, or a page with nothing new."""
        entries: list[ListingEntry] = []
        next_url: str | None = url
        seen: set[str] = set()
        for number in range(1, self.options.max_pages + 1):
            if number > 1 and page_url:
                next_url = page_url.format(page=number)
            if not next_url or next_url in seen:
                break
            seen.add(next_url)
            page = first if number == 1 and first is not None else self._listing(next_url)
            if page is None:
                break
            tree = parse_html(page.text, page.final_url)
            sel = (
                effective_selectors(tree, self.source.selectors, self.source.profile)
                if tree is not None
                else None
            )
            found = (
                list_entries(tree, sel, category or self.source.category)
                if tree is not None and sel
                else []
            )
            if not found:
                if number == 1:
                    self.tally.fail(
                        next_url, "no articles found on this list page (check the list selectors)"
                    )
                break
            entries += found
            if self._nothing_new(found):
                break
            next_url = (
                next_page_url(tree, page.final_url, sel) if tree is not None and sel else None
            )
        return entries

    def _nothing_new(self, entries: list[ListingEntry]) -> bool:
        """True when older pages need not be read: all known and unchanged, or all too old."""
        since = self.options.since
        if since is not None and all(
            e.published_at is not None and e.published_at < since for e in entries
        ):
            return True
        if self.options.refresh:
            return False
        known = self._known([e.url for e in entries])
        return all(_unchanged(known.get(e.url), e) for e in entries)

    # -- planning --------------------------------------------------------------------------

    def _known(self, urls: list[str]) -> dict[str, _Known]:
        known: dict[str, _Known] = {}
        with self.sessions() as session:
            for start in range(0, len(urls), 500):
                chunk = urls[start : start + 500]
                rows = session.execute(
                    select(
                        CrawlPage.url, CrawlPage.status, CrawlPage.fingerprint, CrawlPage.attempts
                    ).where(CrawlPage.url.in_(chunk))
                )
                for row in rows:
                    known[row.url] = _Known(row.status, row.fingerprint, row.attempts)
        return known

    def _plan(self, entries: list[ListingEntry]) -> list[ListingEntry]:
        """The entries whose pages must be fetched: new, changed, or waiting for a retry."""
        since, refresh = self.options.since, self.options.refresh
        known = self._known([e.url for e in entries])
        todo: list[ListingEntry] = []
        for entry in entries:
            if entry.url in self.prefetched:  # a page given by hand, already fetched
                todo.append(entry)
                continue
            if since is not None and entry.published_at is not None and entry.published_at < since:
                continue
            state = known.get(entry.url)
            if not refresh and state is not None:
                if _unchanged(state, entry):
                    self.tally.unchanged += state.status == "stored"
                    continue
                if state.status == "pending" and state.attempts >= self.source.retry_limit:
                    continue
            todo.append(entry)
        listed = {e.url for e in entries}
        todo += [e for e in self._pending() if e.url not in listed]
        return todo[: self.options.max_articles]

    def _pending(self) -> list[ListingEntry]:
        """Pages of this source that failed on earlier runs and may be tried again."""
        with self.sessions() as session:
            rows = session.execute(
                select(CrawlPage.url, CrawlPage.listing)
                .where(
                    CrawlPage.source_id == self.source_id,
                    CrawlPage.status == "pending",
                    CrawlPage.attempts < self.source.retry_limit,
                )
                .order_by(CrawlPage.id)
            ).all()
        return [ListingEntry.from_json(row.url, row.listing) for row in rows]

    # -- fetching and storing --------------------------------------------------------------

    def _process(self, todo: list[ListingEntry]) -> None:
        self._report("fetching", 0, len(todo))
        if not todo:
            return
        workers = max(1, min(self.fetcher.policy.concurrency, len(todo)))
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crawl")
        try:
            for done, result in enumerate(self._results(pool, todo), start=1):
                self._store(result)
                self._report("fetching", done, len(todo), result.entry.url)
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
        if static and entry.url not in self.prefetched:
            return _Fetched(entry, not_news=NotNews(entry.url, static))
        try:
            page = self.prefetched.pop(entry.url, None) or self.fetcher.get(entry.url)
        except FetchError as exc:
            return _Fetched(entry, error=exc)
        if page_kind(page.data, page.content_type) != "html":
            return _Fetched(entry, not_news=NotNews(entry.url, "not news: a feed or sitemap"))
        try:
            result = extract_article(
                page.text,
                page.final_url,
                selectors=self.source.selectors,
                profile=self.source.profile,
                entry=entry,
                source=self.source.name,
            )
        except Exception as exc:  # noqa: BLE001 - a parser bug on one page must not stop the crawl
            return _Fetched(
                entry, error=FetchError(entry.url, f"cannot extract the article: {exc!r}")
            )
        if isinstance(result, NotNews):
            return _Fetched(entry, not_news=result, fetched_at=page.fetched_at)
        record = with_listing(result, entry)
        return _Fetched(entry, record=_at_url(record, entry.url), fetched_at=page.fetched_at)

    def _store(self, result: _Fetched) -> None:
        """Store one article and the note about its url in one transaction."""
        entry = result.entry
        try:
            with write_session(self.sessions) as session:
                state = self._state(session, entry)
                if result.record is not None:
                    outcome, article = store_record(
                        session, result.record, self.analyzer, fetched_at=result.fetched_at
                    )
                    state.status, state.attempts, state.last_error = "stored", 0, None
                    state.article_id = article.id
                    self._changed(session, outcome)
                elif result.not_news is not None:
                    state.status, state.last_error = "skipped", result.not_news.reason
                    self.tally.skip(entry.url, result.not_news.reason)
                elif result.error is not None:
                    self._failed(session, state, entry, result.error)
        except (IntegrityError, ValueError) as exc:
            self.tally.fail(entry.url, f"cannot store: {str(exc).splitlines()[0]}")

    def _failed(
        self, session: Session, state: CrawlPage, entry: ListingEntry, error: FetchError
    ) -> None:
        """A page that could not be read: keep what its listing said, retry it on later runs."""
        if (
            entry.vouches
            and session.scalar(select(Article.id).where(Article.url == entry.url)) is None
        ):
            outcome, article = store_record(
                session, entry.as_record(self.source.name), self.analyzer
            )
            state.article_id = article.id
            self._changed(session, outcome)
        if isinstance(error, (RobotsDisallowed, NotAPage)):
            state.status, state.last_error = "skipped", error.reason
            self.tally.skip(entry.url, error.reason)
            return
        state.attempts += 1
        state.last_error = error.reason
        gives_up = isinstance(error, TooLarge) or state.attempts >= self.source.retry_limit
        state.status = "failed" if gives_up else "pending"
        self.tally.fail(entry.url, error.reason, kept=state.article_id is not None and not gives_up)

    def _changed(self, session: Session, outcome: Outcome) -> None:
        self.tally.count(outcome)
        if outcome is not Outcome.UNCHANGED:
            mark_changed(session)

    def _state(self, session: Session, entry: ListingEntry) -> CrawlPage:
        state = session.scalar(select(CrawlPage).where(CrawlPage.url == entry.url))
        stamp = now()
        if state is None:
            state = CrawlPage(
                source_id=self.source_id, url=entry.url, status="pending", fingerprint="",
                listing="", attempts=0, first_seen_at=stamp,
            )  # fmt: skip
            session.add(state)
        state.fingerprint = entry.fingerprint
        state.listing = entry.to_json()
        state.last_attempt_at = stamp
        return state


def _unchanged(state: _Known | None, entry: ListingEntry) -> bool:
    """True when the url was dealt with and its listing still shows the same thing."""
    return (
        state is not None
        and state.status in ("stored", "skipped", "failed")
        and state.fingerprint == entry.fingerprint
    )


def _at_url(record: ArticleRecord, url: str) -> ArticleRecord:
    """The record under the url its listing gave (a redirect does not make it a new article)."""
    return replace(record, url=url, origin=url)
