"""A fetched response, and what kind of document it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property

from ..text.charset import decode_page
from ..text.dates import now

__all__ = ["Page", "PageKind", "page_kind"]


@dataclass(frozen=True)
class Page:
    """One fetched response body, read in full (within the size cap)."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int
    content_type: str
    data: bytes
    fetched_at: datetime = field(default_factory=now)

    @cached_property
    def decoded(self) -> tuple[str, str]:
        """(NFC text, encoding used)."""
        return decode_page(self.data, self.content_type)

    @property
    def text(self) -> str:
        """The body as text, decoded by header, meta tag or detection."""
        return self.decoded[0]

    @property
    def encoding(self) -> str:
        """The encoding the text was read in."""
        return self.decoded[1]


class PageKind(StrEnum):
    """What a fetched document is."""

    FEED = "feed"
    SITEMAP = "sitemap"
    HTML = "html"


def page_kind(data: bytes, content_type: str = "") -> PageKind:
    """Feed, sitemap or html, from the first bytes (and the Content-Type for text sitemaps)."""
    head = data[:2048].lstrip().lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return PageKind.SITEMAP
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return PageKind.FEED
    if content_type.split(";")[0].strip().lower() == "text/plain":
        lines = [line.strip() for line in data[:4096].splitlines() if line.strip()]
        if lines and all(line.startswith((b"http://", b"https://")) for line in lines):
            return PageKind.SITEMAP
    return PageKind.HTML
