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

The names below are its public API. Importing this package stays light: the fetching and
extraction libraries (httpx, trafilatura, feedparser) load on first use of `crawl_source`,
`crawl_url`, `extract_article`, `Fetcher` and the other names of `_LAZY`. The crawl functions
block, so an async caller runs them in a thread.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..store.crawl_state import RunStatus
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
from .health import SourceHealth, crawl_health, due_sources
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

if TYPE_CHECKING:
    from .crawler import crawl_source, crawl_url
    from .extraction import NotNews, extract_article
    from .fetch import Fetcher
    from .listing import ListingEntry, ListingOrigin
    from .page import Page, PageKind

_LAZY = {
    "crawl_source": "crawler",
    "crawl_url": "crawler",
    "NotNews": "extraction",
    "extract_article": "extraction",
    "Fetcher": "fetch",
    "ListingEntry": "listing",
    "ListingOrigin": "listing",
    "Page": "page",
    "PageKind": "page",
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


def __getattr__(name: str) -> Any:
    """The heavy names, imported on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
