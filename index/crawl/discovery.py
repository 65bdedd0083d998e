"""Finding articles: RSS/Atom feeds (feedparser), sitemaps, and, for a bare home page, the feeds
and sitemaps it points to (trafilatura's helpers) or its article-like links.

Everything here parses what the polite fetcher already fetched; nothing here does HTTP.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.etree
import lxml.html

from ..text.dates import VIETNAM, parse_date
from .errors import CrawlIssue, UnreadableListing
from .html import clean_text, element_text, parse_html
from .listing import ListingEntry, ListingOrigin
from .lists import is_article_href, title_like, unique
from .page import PageKind, page_kind

__all__ = [
    "feed_entries",
    "SitemapContent",
    "sitemap_entries",
    "home_links",
    "feed_links",
    "robots_sitemaps",
]

_MAX_ENTRIES = 5000  # per feed, sitemap or list page: a runaway page cannot flood a crawl


# -- feeds -----------------------------------------------------------------------------------


def feed_entries(data: bytes, url: str, content_type: str = "") -> list[ListingEntry]:
    """The items of an RSS 2.0, RSS 1.0 or Atom feed; raises UnreadableListing for a broken feed
    without any."""
    parsed = feedparser.parse(
        data,
        response_headers={
            "content-type": content_type or "application/xml",
            "content-location": url,
        },
    )
    entries = []
    for item in islice(parsed.entries, _MAX_ENTRIES):
        link = (item.get("link") or "").strip()
        title = clean_text(_html_text(item.get("title") or ""))
        if not link or not title:
            continue
        content = item.get("content") or []
        body = _html_text(content[0].get("value", "")) if content else ""
        summary = _html_text(item.get("summary") or "")
        entries.append(
            ListingEntry(
                url=urljoin(url, link),
                title=title,
                published_at=_feed_date(item),
                summary="" if summary == body else summary,
                category=clean_text(item.get("category") or "") or None,
                body=body if len(body) > len(summary) else "",
                origin=ListingOrigin.FEED,
            )
        )
    if not entries and parsed.bozo:
        reason = str(getattr(parsed, "bozo_exception", "") or "unreadable").splitlines()[0]
        raise UnreadableListing(CrawlIssue.BAD_FEED, reason)
    return entries


def _feed_date(item: dict[str, Any]) -> datetime | None:
    for key in ("published", "updated", "created"):
        raw = item.get(key)
        if raw:
            found = parse_date(raw)
            if found:
                return found
        parsed = item.get(f"{key}_parsed")
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC).astimezone(VIETNAM)
    return None


def _html_text(markup: str) -> str:
    if "<" not in markup:
        return clean_text(markup, multiline=True)
    try:
        fragment = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return clean_text(markup, multiline=True)
    return element_text(fragment)


# -- sitemaps --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SitemapContent:
    """What one sitemap file holds: article urls, or further sitemaps (a sitemap index)."""

    entries: list[ListingEntry]
    sitemaps: list[str]


def sitemap_entries(data: bytes, url: str) -> SitemapContent:
    """Parse an XML sitemap, a sitemap index or a text sitemap; newest <lastmod> first."""
    if page_kind(data, "text/plain") is PageKind.SITEMAP and b"<" not in data[:200]:
        urls = [
            line.strip().decode("utf-8", "replace") for line in data.splitlines() if line.strip()
        ]
        return SitemapContent(
            [ListingEntry(u, origin=ListingOrigin.SITEMAP) for u in urls[:_MAX_ENTRIES]], []
        )
    parser = lxml.etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, huge_tree=False
    )
    root = lxml.etree.fromstring(data, parser)
    if root is None:
        raise UnreadableListing(CrawlIssue.BAD_SITEMAP)
    entries: list[ListingEntry] = []
    children: list[str] = []
    for element in islice(root.iter(), _MAX_ENTRIES * 20):
        tag = _local(element.tag)
        if tag == "sitemap":
            loc = _child_text(element, "loc")
            if loc:
                children.append(urljoin(url, loc))
        elif tag == "url":
            loc = _child_text(element, "loc")
            if not loc:
                continue
            lastmod = _child_text(element, "lastmod")
            news_title = _child_text(element, "title")  # Google News sitemaps carry title and date
            news_date = _child_text(element, "publication_date")
            entries.append(
                ListingEntry(
                    url=urljoin(url, loc),
                    title=clean_text(news_title),
                    published_at=parse_date(news_date) if news_date else None,
                    lastmod=lastmod,
                    origin=ListingOrigin.SITEMAP,
                )
            )
            if len(entries) >= _MAX_ENTRIES:
                break
    entries.sort(
        key=lambda e: e.lastmod or (e.published_at.isoformat() if e.published_at else ""),
        reverse=True,
    )
    return SitemapContent(entries, children)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(element: lxml.etree._Element, name: str) -> str:
    for child in element.iter():
        if child is not element and _local(child.tag) == name and child.text:
            return child.text.strip()
    return ""


# -- home pages ------------------------------------------------------------------------------


def feed_links(html: str, url: str) -> list[str]:
    """Feeds a home page advertises (trafilatura's feed discovery on the fetched page)."""
    from trafilatura.feeds import FeedParameters, determine_feed

    host = urlsplit(url).hostname or ""
    params = FeedParameters(_root(url), host, url)
    return determine_feed(html, params)


def robots_sitemaps(robots_text: str, url: str) -> list[str]:
    """Sitemaps a robots.txt names (trafilatura's helper on the fetched robots.txt)."""
    from trafilatura.sitemaps import extract_robots_sitemaps

    return extract_robots_sitemaps(robots_text, _root(url)) if robots_text else []


def home_links(html: str, url: str, limit: int) -> list[ListingEntry]:
    """Links of a home page that look like articles: same host, a title as their text."""
    tree = parse_html(html, url)
    if tree is None:
        return []
    host = urlsplit(url).netloc.lower()
    entries = []
    for a in tree.iter("a"):
        href = a.get("href", "")
        if not is_article_href(href) or urlsplit(href).netloc.lower() != host or not title_like(a):
            continue
        if len(clean_text(a.text_content()).split()) < 4:
            continue
        entries.append(
            ListingEntry(
                href.split("#")[0], clean_text(a.text_content()), origin=ListingOrigin.PAGE
            )
        )
    return unique(entries)[:limit]


def _root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
