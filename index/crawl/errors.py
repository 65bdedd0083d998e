"""What can go wrong while crawling, as codes and exception classes.

Meaning travels as a `CrawlIssue` code and the offending value (`detail`); `describe` words it
in English for the command line and the logs, the bot words each code in Vietnamese.
"""

from __future__ import annotations

from enum import StrEnum

from ..errors import TinSoError

__all__ = [
    "CrawlIssue",
    "describe",
    "CrawlError",
    "CrawlBusy",
    "UnknownSource",
    "FetchError",
    "HTTPStatusError",
    "TooLarge",
    "NotAPage",
    "RobotsDisallowed",
    "UnreadableListing",
]


class CrawlIssue(StrEnum):
    """Why a page failed, or why it was left out on purpose."""

    # fetching (detail in parentheses)
    HTTP_STATUS = "http_status"  # the status code
    TIMEOUT = "timeout"  # seconds
    TOO_SLOW = "too_slow"  # seconds allowed for the whole download
    CONNECTION = "connection"  # the network library's reason
    TOO_MANY_REDIRECTS = "too_many_redirects"  # the limit
    NOT_HTTP = "not_http"
    INVALID_URL = "invalid_url"  # the url library's reason
    TOO_LARGE = "too_large"  # the cap, e.g. "5.0 MB"
    ANNOUNCED_TOO_LARGE = "announced_too_large"  # the size the server announced
    NOT_A_PAGE = "not_a_page"  # the content type
    ROBOTS_DISALLOWED = "robots_disallowed"
    ROBOTS_REDIRECT = "robots_redirect"  # the url redirected to, which robots.txt disallows
    ROBOTS_STATUS = "robots_status"  # robots.txt answers a 5xx status: the host waits
    ROBOTS_UNREACHABLE = "robots_unreachable"  # robots.txt cannot be fetched (the reason)
    # reading listings and pages
    EXTRACTION_FAILED = "extraction_failed"  # the parser's error
    NOT_FEED_OR_SITEMAP = "not_feed_or_sitemap"
    BAD_FEED = "bad_feed"  # the feed parser's reason
    BAD_SITEMAP = "bad_sitemap"
    EMPTY_PAGE = "empty_page"
    EMPTY_LIST = "empty_list"  # a list page where the selectors found no article
    NOTHING_FOUND = "nothing_found"  # a home page without articles, feed or sitemap
    CANNOT_STORE = "cannot_store"  # the database's reason
    PAGE_GONE = "page_gone"  # a stored article's page answered 404 or 410 twice (the status)
    # pages that are not news
    HOME_PAGE = "home_page"
    STATIC_PAGE = "static_page"  # the path segment, e.g. "lien-he"
    LOGIN_PAGE = "login_page"
    LIST_PAGE = "list_page"
    NO_TITLE = "no_title"
    NO_ARTICLE_TEXT = "no_article_text"
    UNDATED_PAGE = "undated_page"  # no date and no article markup
    FEED_OR_SITEMAP = "feed_or_sitemap"  # listed as an article, but a feed or sitemap
    UNKNOWN = "unknown"  # recorded by an older version as text (the text)

    @property
    def not_news(self) -> bool:
        """True for the reasons that say a page is not a news article."""
        return self in _NOT_NEWS


_NOT_NEWS = frozenset(
    {
        CrawlIssue.HOME_PAGE,
        CrawlIssue.STATIC_PAGE,
        CrawlIssue.LOGIN_PAGE,
        CrawlIssue.LIST_PAGE,
        CrawlIssue.NO_ARTICLE_TEXT,
        CrawlIssue.UNDATED_PAGE,
        CrawlIssue.FEED_OR_SITEMAP,
    }
)

_ENGLISH = {
    CrawlIssue.HTTP_STATUS: "HTTP {detail}",
    CrawlIssue.PAGE_GONE: "the page is gone (HTTP {detail} twice): its article was taken down",
    CrawlIssue.TIMEOUT: "timed out after {detail} s",
    CrawlIssue.TOO_SLOW: "took more than {detail} s to download",
    CrawlIssue.CONNECTION: "connection failed: {detail}",
    CrawlIssue.TOO_MANY_REDIRECTS: "more than {detail} redirects (a redirect loop?)",
    CrawlIssue.NOT_HTTP: "not an http:// or https:// url",
    CrawlIssue.INVALID_URL: "invalid url ({detail})",
    CrawlIssue.TOO_LARGE: "larger than {detail}: download stopped",
    CrawlIssue.ANNOUNCED_TOO_LARGE: "{detail} announced, over the size limit",
    CrawlIssue.NOT_A_PAGE: "not a web page ({detail})",
    CrawlIssue.ROBOTS_DISALLOWED: "disallowed by robots.txt",
    CrawlIssue.ROBOTS_REDIRECT: "redirected to {detail}, disallowed by robots.txt",
    CrawlIssue.ROBOTS_STATUS: "robots.txt answers HTTP {detail}",
    CrawlIssue.ROBOTS_UNREACHABLE: "robots.txt unreachable ({detail})",
    CrawlIssue.EXTRACTION_FAILED: "cannot extract the article: {detail}",
    CrawlIssue.NOT_FEED_OR_SITEMAP: "neither a feed nor a sitemap",
    CrawlIssue.BAD_FEED: "not a readable feed ({detail})",
    CrawlIssue.BAD_SITEMAP: "not a readable sitemap",
    CrawlIssue.EMPTY_PAGE: "empty page",
    CrawlIssue.EMPTY_LIST: "no articles found on this list page (check the list selectors)",
    CrawlIssue.NOTHING_FOUND: "no articles, feed or sitemap found on this page",
    CrawlIssue.CANNOT_STORE: "cannot store: {detail}",
    CrawlIssue.HOME_PAGE: "not news: a home page",
    CrawlIssue.STATIC_PAGE: "not news: '{detail}' is a static page",
    CrawlIssue.LOGIN_PAGE: "not news: a login page",
    CrawlIssue.LIST_PAGE: "not news: a list of articles",
    CrawlIssue.NO_TITLE: "no title",
    CrawlIssue.NO_ARTICLE_TEXT: "not news: no article text",
    CrawlIssue.UNDATED_PAGE: "not news: no date and no article markup",
    CrawlIssue.FEED_OR_SITEMAP: "not news: a feed or sitemap",
    CrawlIssue.UNKNOWN: "{detail}",
}


def describe(issue: CrawlIssue, detail: str = "") -> str:
    """The issue in English, for the command line and the logs."""
    return _ENGLISH[issue].format(detail=detail)


class CrawlError(TinSoError):
    """Base class of the crawler's errors."""


class CrawlBusy(CrawlError):
    """The source is being crawled already (by another thread of this process)."""


class UnknownSource(CrawlError):
    """No source of that name is in the sources file."""


class FetchError(CrawlError):
    """A url could not be fetched; `retryable` says whether trying again soon may help."""

    def __init__(
        self, url: str, issue: CrawlIssue, detail: str = "", *, retryable: bool = False
    ) -> None:
        self.url = url
        self.issue = issue
        self.detail = detail
        self.retryable = retryable
        super().__init__(f"{url}: {self.reason}")

    @property
    def reason(self) -> str:
        """The issue in English."""
        return describe(self.issue, self.detail)


class HTTPStatusError(FetchError):
    """The server answered with an error status."""

    def __init__(self, url: str, status: int) -> None:
        super().__init__(url, CrawlIssue.HTTP_STATUS, str(status), retryable=status >= 500)
        self.status = status


class TooLarge(FetchError):
    """The response is larger than the configured cap; it was not read to the end."""


class NotAPage(FetchError):
    """The url serves something that is not a web page, feed or sitemap (a PDF, an image)."""


class RobotsDisallowed(FetchError):
    """robots.txt asks crawlers not to fetch this url."""


class UnreadableListing(CrawlError):
    """A feed or sitemap that cannot be read."""

    def __init__(self, issue: CrawlIssue, detail: str = "") -> None:
        self.issue = issue
        self.detail = detail
        super().__init__(describe(issue, detail))
