"""An article as a feed, sitemap or list page announces it, before its page is fetched."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ..store.records import ArticleRecord

__all__ = ["ListingEntry", "ListingOrigin"]


class ListingOrigin(StrEnum):
    """Where the crawler heard of an article."""

    LIST = "list"  # a category list page
    FEED = "feed"
    SITEMAP = "sitemap"
    PAGE = "page"  # the links of a home page
    URL = "url"  # given by hand


@dataclass(frozen=True)
class ListingEntry:
    """An article as a feed, sitemap or list page announces it, before its page is fetched."""

    url: str
    title: str = ""
    published_at: datetime | None = None
    summary: str = ""
    category: str | None = None
    body: str = ""  # full text a feed carries
    lastmod: str = ""  # a sitemap's <lastmod>
    origin: ListingOrigin = ListingOrigin.LIST

    @property
    def vouches(self) -> bool:
        """True when the listing itself says this is an article (a news list or a feed does; a
        sitemap lists every page of a site)."""
        return self.origin in (ListingOrigin.LIST, ListingOrigin.FEED) and bool(self.title)

    @property
    def fingerprint(self) -> str:
        """What the listing shows of the article; when it changes, the page is fetched again."""
        shown = "\x1f".join(
            [
                self.title,
                self.summary,
                self.published_at.isoformat() if self.published_at else "",
                self.lastmod,
            ]
        )
        return hashlib.sha256(shown.encode("utf-8")).hexdigest()

    def to_json(self) -> str:
        """The entry as JSON, kept so a failed page can be retried with what its listing said."""
        data = {
            "title": self.title,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "summary": self.summary,
            "category": self.category,
            "lastmod": self.lastmod,
            "origin": self.origin,
        }
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, url: str, text: str) -> ListingEntry:
        """The entry saved by `to_json`."""
        data = json.loads(text) if text else {}
        published = data.get("published_at")
        return cls(
            url=url,
            title=data.get("title") or "",
            published_at=datetime.fromisoformat(published) if published else None,
            summary=data.get("summary") or "",
            category=data.get("category"),
            lastmod=data.get("lastmod") or "",
            origin=ListingOrigin(data.get("origin") or ListingOrigin.LIST),
        )

    def as_record(self, source: str) -> ArticleRecord:
        """What can be stored when the article's page cannot be read: the listing's own text."""
        return ArticleRecord(
            title=self.title,
            url=self.url,
            summary=self.summary,
            body=self.body,
            category=self.category,
            published_at=self.published_at,
            source=source,
            origin=self.url,
        )
