"""Crawling department portals: sources file, polite fetching, discovery, extraction, storage.

    sources.py     the sources file (pydantic), the politeness policy
    selectors.py   per-site CSS selectors and the built-in portal profiles
    page.py        a fetched response and its kind      fetch.py   polite HTTP (httpx)
    robots.py      robots.txt (Protego)                 html.py    HTML parsing helpers
    listing.py     an article as a listing announces it lists.py   category list pages
    discovery.py   feeds, sitemaps, home pages          finder.py  one source's discovery
    extraction.py  article pages (trafilatura)          crawler.py one run: plan, fetch, store
    reports.py     progress, problems, reports          health.py  source health, due sources
    errors.py      issue codes and exceptions

The names below are its public API. Importing this package costs nothing: each name loads its
module on first use, so the fetching and extraction libraries (httpx, trafilatura, feedparser)
load only with `crawl_source`, `crawl_url`, `extract_article`, `Fetcher` and the like, and the
sources file's pydantic models only with the names of `sources.py`. The crawl functions block,
so an async caller runs them in a thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

if TYPE_CHECKING:
    from ..store.crawl_records import RunStatus
    from .crawler import crawl_source, crawl_url
    from .errors import (
        CrawlBusy,
        CrawlError,
        CrawlIssue,
        FetchError,
        HTTPStatusError,
        NotAPage,
        RobotsDisallowed,
        TooLarge,
        UnknownSource,
        UnreadableListing,
        describe,
    )
    from .extraction import NotNews, extract_article
    from .fetch import Fetcher
    from .health import SourceHealth, crawl_health, due_sources
    from .listing import ListingEntry, ListingOrigin
    from .page import Page, PageKind
    from .reports import (
        CrawlProblem,
        CrawlProgress,
        CrawlProgressCallback,
        CrawlReport,
        CrawlStage,
        ProblemKind,
    )
    from .selectors import PROFILES, Selectors
    from .sources import (
        FetchPolicy,
        ListPage,
        SourceConfig,
        SourcesError,
        SourcesFile,
        load_sources,
        parse_sources,
    )

_LAZY = {
    "..store.crawl_records": ("RunStatus",),
    ".crawler": ("crawl_source", "crawl_url"),
    ".errors": (
        "CrawlBusy",
        "CrawlError",
        "CrawlIssue",
        "FetchError",
        "HTTPStatusError",
        "NotAPage",
        "RobotsDisallowed",
        "TooLarge",
        "UnknownSource",
        "UnreadableListing",
        "describe",
    ),
    ".extraction": ("NotNews", "extract_article"),
    ".fetch": ("Fetcher",),
    ".health": ("SourceHealth", "crawl_health", "due_sources"),
    ".listing": ("ListingEntry", "ListingOrigin"),
    ".page": ("Page", "PageKind"),
    ".reports": (
        "CrawlProblem",
        "CrawlProgress",
        "CrawlProgressCallback",
        "CrawlReport",
        "CrawlStage",
        "ProblemKind",
    ),
    ".selectors": ("PROFILES", "Selectors"),
    ".sources": (
        "FetchPolicy",
        "ListPage",
        "SourceConfig",
        "SourcesError",
        "SourcesFile",
        "load_sources",
        "parse_sources",
    ),
}

__all__ = [
    "CrawlBusy",
    "CrawlError",
    "CrawlIssue",
    "CrawlProblem",
    "CrawlProgress",
    "CrawlProgressCallback",
    "CrawlReport",
    "CrawlStage",
    "FetchError",
    "FetchPolicy",
    "Fetcher",
    "HTTPStatusError",
    "ListPage",
    "ListingEntry",
    "ListingOrigin",
    "NotAPage",
    "NotNews",
    "PROFILES",
    "Page",
    "PageKind",
    "ProblemKind",
    "RobotsDisallowed",
    "RunStatus",
    "Selectors",
    "SourceConfig",
    "SourceHealth",
    "SourcesError",
    "SourcesFile",
    "TooLarge",
    "UnknownSource",
    "UnreadableListing",
    "crawl_health",
    "crawl_source",
    "crawl_url",
    "describe",
    "due_sources",
    "extract_article",
    "load_sources",
    "parse_sources",
]


if not TYPE_CHECKING:  # mypy reads the imports above, so a misspelt name stays an error
    __getattr__ = lazy_names(globals(), _LAZY)
