"""Crawling department portals: sources file, polite fetching, discovery, extraction, storage.

The bot and the command line use the names below; `crawl_source` and `crawl_url` block, so an
async caller runs them in a thread (`asyncio.to_thread`).
"""

from .crawler import (
    CrawlProblem,
    CrawlProgress,
    CrawlProgressCallback,
    CrawlReport,
    CrawlTarget,
    crawl_source,
    crawl_url,
)
from .errors import (
    CrawlBusy,
    CrawlError,
    FetchError,
    HTTPStatusError,
    NotAPage,
    RobotsDisallowed,
    TooLarge,
    UnknownSource,
)
from .extraction import ListingEntry, NotNews, extract_article
from .fetch import Fetcher, Page
from .health import SourceHealth, crawl_health, due_sources
from .sources import (
    FetchPolicy,
    ListPage,
    Selectors,
    SourceConfig,
    SourcesError,
    SourcesFile,
    load_sources,
    parse_sources,
)

__all__ = [
    "CrawlBusy",
    "CrawlError",
    "CrawlProblem",
    "CrawlProgress",
    "CrawlProgressCallback",
    "CrawlReport",
    "CrawlTarget",
    "FetchError",
    "FetchPolicy",
    "Fetcher",
    "HTTPStatusError",
    "ListPage",
    "ListingEntry",
    "NotAPage",
    "NotNews",
    "Page",
    "RobotsDisallowed",
    "Selectors",
    "SourceConfig",
    "SourceHealth",
    "SourcesError",
    "SourcesFile",
    "TooLarge",
    "UnknownSource",
    "crawl_health",
    "crawl_source",
    "crawl_url",
    "due_sources",
    "extract_article",
    "load_sources",
    "parse_sources",
]
