"""Finding a source's articles: whatever its urls turn out to be (feeds, sitemaps, list pages and
their next pages, a single article, a home page), read through the polite fetcher."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..store.crawl_state import PageNote, PageStatus
from ..store.records import ArticleRecord
from .discovery import feed_entries, feed_links, home_links, robots_sitemaps, sitemap_entries
from .errors import CrawlIssue, FetchError, UnreadableListing
from .extraction import extract_article, is_home_url
from .fetch import Fetcher
from .html import parse_html
from .listing import ListingEntry, ListingOrigin
from .lists import list_entries, next_page_url
from .page import Page, PageKind, page_kind
from .reports import Tally
from .selectors import effective_selectors
from .sources import SourceConfig

__all__ = ["CrawlOptions", "Finder", "unchanged"]

# A listed page in one of these states, with the same fingerprint, need not be fetched again.
_SETTLED = (PageStatus.STORED, PageStatus.SKIPPED, PageStatus.FAILED, PageStatus.GONE)


@dataclass(frozen=True)
class CrawlOptions:
    """What one crawl run is asked to do."""

    since: datetime | None
    max_pages: int
    max_articles: int
    refresh: bool


def unchanged(note: PageNote | None, entry: ListingEntry) -> bool:
    """True when the url was dealt with and its listing still shows the same thing."""
    return note is not None and note.status in _SETTLED and note.fingerprint == entry.fingerprint


class Finder:
    """Discovers the articles of one source for one run."""

    def __init__(
        self,
        source: SourceConfig,
        fetcher: Fetcher,
        options: CrawlOptions,
        tally: Tally,
        notes: Callable[[list[str]], dict[str, PageNote]],
        listed: Callable[[int, str], None],
    ) -> None:
        """`notes` reads what earlier runs noted about urls; `listed` is told of each listing
        page read (their number so far, its url)."""
        self.source = source
        self.fetcher = fetcher
        self.options = options
        self.tally = tally
        self.notes = notes
        self.listed = listed
        self.prefetched: dict[str, Page] = {}  # article pages already fetched while discovering
        self.pages_read = 0

    def discover(self) -> list[ListingEntry]:
        """Every article the source lists now, each url once."""
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
            self.tally.fail(url, exc.issue, exc.detail)
            return None
        self.pages_read += 1
        self.listed(self.pages_read, url)
        return page

    def _from_url(self, url: str, html_allowed: bool = True) -> list[ListingEntry]:
        """Whatever a url turns out to be: feed, sitemap, list page, article or home page."""
        page = self._listing(url)
        if page is None:
            return []
        kind = page_kind(page.data, page.content_type)
        if kind is PageKind.FEED:
            return self._feed(page)
        if kind is PageKind.SITEMAP:
            return self._sitemaps(page)
        if not html_allowed:
            self.tally.fail(url, CrawlIssue.NOT_FEED_OR_SITEMAP)
            return []
        return self._html(page)

    def _feed(self, page: Page) -> list[ListingEntry]:
        try:
            return feed_entries(page.data, page.final_url, page.content_type)
        except UnreadableListing as exc:
            self.tally.fail(page.url, exc.issue, exc.detail)
            return []

    def _sitemaps(self, first: Page) -> list[ListingEntry]:
        entries: list[ListingEntry] = []
        queue, seen = [first.url], {first.url}
        page: Page | None = first
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
            except UnreadableListing as exc:
                self.tally.fail(url, exc.issue, exc.detail)
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
            self.tally.fail(page.url, CrawlIssue.EMPTY_PAGE)
            return []
        source = self.source
        sel = effective_selectors(tree, source.selectors, source.profile)
        article = extract_article(
            page.text, url, selectors=source.selectors, profile=source.profile, source=source.name
        )
        if isinstance(article, ArticleRecord):
            self.prefetched[page.url] = page
            return [ListingEntry(page.url, origin=ListingOrigin.URL)]
        if list_entries(tree, sel):
            return self._from_list(page.url, "", source.category, first=page)
        home = is_home_url(url) or (not source.adhoc and url == source.base_url)
        found = self._advertised(page)
        if found or home:
            return found or self._home_links(page)
        self.tally.skip(page.url, article.issue, article.detail)
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
            self.tally.fail(page.url, CrawlIssue.NOTHING_FOUND)
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
            if tree is None:
                found = []
            else:
                sel = effective_selectors(tree, self.source.selectors, self.source.profile)
                found = list_entries(tree, sel, category or self.source.category)
            if not found:
                if number == 1:
                    self.tally.fail(next_url, CrawlIssue.EMPTY_LIST)
                break
            entries += found
            if self._nothing_new(found):
                break
            next_url = next_page_url(tree, page.final_url, sel) if tree is not None else None
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
        known = self.notes([e.url for e in entries])
        return all(unchanged(known.get(e.url), e) for e in entries)
