"""The exceptions the crawler raises; `bot.py` and the bot turn them into one line each."""

from __future__ import annotations

from ..errors import IndexError_

__all__ = [
    "CrawlError",
    "CrawlBusy",
    "UnknownSource",
    "FetchError",
    "HTTPStatusError",
    "TooLarge",
    "NotAPage",
    "RobotsDisallowed",
]


class CrawlError(IndexError_):
    """Base class of the crawler's errors."""


class CrawlBusy(CrawlError):
    """The source is being crawled already (by another thread of this process)."""


class UnknownSource(CrawlError):
    """No source of that name is in the sources file."""


class FetchError(CrawlError):
    """A url could not be fetched; `retryable` says whether trying again soon may help."""

    def __init__(self, url: str, reason: str, *, retryable: bool = False) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.retryable = retryable


class HTTPStatusError(FetchError):
    """The server answered with an error status."""

    def __init__(self, url: str, status: int) -> None:
        super().__init__(url, f"HTTP {status}", retryable=status >= 500)
        self.status = status


class TooLarge(FetchError):
    """The response is larger than the configured cap; it was not read to the end."""


class NotAPage(FetchError):
    """The url serves something that is not a web page, feed or sitemap (a PDF, an image)."""


class RobotsDisallowed(FetchError):
    """robots.txt asks crawlers not to fetch this url."""
