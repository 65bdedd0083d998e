"""Finding articles: RSS/Atom feeds (feedparser), sitemaps, category list pages and their next
pages, and, for a bare home page, the feeds and sitemaps it points to (trafilatura's helpers).

Everything here parses what the polite fetcher already fetched; nothing here does HTTP.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import islice
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser
import lxml.etree
import lxml.html
from lxml.cssselect import CSSSelector

from ..text.dates import parse_date
from ..store.models import VIETNAM
from .extraction import ListingEntry, clean_text, element_text, parse_html
from .sources import Selectors

__all__ = [
    "page_kind",
    "feed_entries",
    "SitemapContent",
    "sitemap_entries",
    "list_items",
    "list_entries",
    "next_page_url",
    "home_links",
    "feed_links",
    "robots_sitemaps",
]

_MAX_ENTRIES = 5000  # per feed, sitemap or list page: a runaway page cannot flood a crawl
_NEXT_TEXTS = {"next", "tiếp", "trang sau", "sau", "tiếp theo", "»", "›", ">", ">>"}


def page_kind(data: bytes, content_type: str = "") -> str:
    """'feed', 'sitemap' or 'html', from the first bytes (and the Content-Type for text sitemaps)."""
    head = data[:2048].lstrip().lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    if content_type.split(";")[0].strip().lower() == "text/plain":
        lines = [line.strip() for line in data[:4096].splitlines() if line.strip()]
        if lines and all(line.startswith((b"http://", b"https://")) for line in lines):
            return "sitemap"
    return "html"


# -- feeds -----------------------------------------------------------------------------------


def feed_entries(data: bytes, url: str, content_type: str = "") -> list[ListingEntry]:
    """The items of an RSS 2.0, RSS 1.0 or Atom feed; raises ValueError for a feed without any."""
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
                origin="feed",
            )
        )
    if not entries and parsed.bozo:
        reason = str(getattr(parsed, "bozo_exception", "") or "unreadable").splitlines()[0]
        raise ValueError(f"not a readable feed ({reason})")
    return entries


def _feed_date(item: dict) -> datetime | None:  # type: ignore[type-arg]
    for key in ("published", "updated", "created"):
        raw = item.get(key)
        if raw:
            found = parse_date(raw)
            if found:
                return found
        parsed = item.get(f"{key}_parsed")
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc).astimezone(
                VIETNAM
            )
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
    if page_kind(data, "text/plain") == "sitemap" and b"<" not in data[:200]:
        urls = [
            line.strip().decode("utf-8", "replace") for line in data.splitlines() if line.strip()
        ]
        return SitemapContent([ListingEntry(u, origin="sitemap") for u in urls[:_MAX_ENTRIES]], [])
    parser = lxml.etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, huge_tree=False
    )
    root = lxml.etree.fromstring(data, parser)
    if root is None:
        raise ValueError("not a readable sitemap")
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
                    origin="sitemap",
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


# -- list pages ------------------------------------------------------------------------------


def list_items(tree: lxml.html.HtmlElement, sel: Selectors) -> list[lxml.html.HtmlElement]:
    """The elements of a list page that each announce one article."""
    selected = CSSSelector(sel.list_item)(tree) if sel.list_item else []
    return selected or [block for block, _ in _generic_blocks(tree)]


def list_entries(
    tree: lxml.html.HtmlElement, sel: Selectors, category: str | None = None
) -> list[ListingEntry]:
    """The articles a list page announces: title, url, date and summary of each."""
    entries: list[ListingEntry] = []
    if sel.list_item:
        for item in CSSSelector(sel.list_item)(tree):
            entry = _selected_entry(item, sel, category)
            if entry is not None:
                entries.append(entry)
    if not entries:  # no selector, or the site's selector matched nothing on this page
        for block, link in _generic_blocks(tree):
            entry = _generic_entry(block, link, category)
            if entry is not None:
                entries.append(entry)
    return _unique(entries)


def _selected_entry(
    item: lxml.html.HtmlElement, sel: Selectors, category: str | None
) -> ListingEntry | None:
    links = CSSSelector(sel.list_link)(item) if sel.list_link else item.xpath(".//a[@href]")
    links = [a for a in links if _is_article_href(a.get("href", ""))]
    if not links:
        return None
    link = max(links, key=lambda a: len(clean_text(a.text_content())))
    title = clean_text(link.text_content()) or clean_text(link.get("title", ""))
    if not title:
        return None
    date_text = _first_text(item, sel.list_date)
    published = parse_date(date_text) if date_text else _block_date(item, title)
    summary = _first_text(item, sel.list_summary, multiline=True) if sel.list_summary else ""
    return ListingEntry(link.get("href"), title, published, summary, category, origin="list")


def _generic_entry(
    block: lxml.html.HtmlElement, link: lxml.html.HtmlElement, category: str | None
) -> ListingEntry | None:
    title = clean_text(link.text_content())
    published = _block_date(block, title)
    if published is None:
        return None
    summary = ""
    for element in block.iter("p", "div", "span"):
        text = clean_text(element.text_content())
        if len(text) <= len(summary) or len(text) < 20 or title in text:
            continue
        if len(text) <= 40 and parse_date(text):
            continue
        summary = text
    return ListingEntry(link.get("href"), title, published, summary, category, origin="list")


def _generic_blocks(
    tree: lxml.html.HtmlElement,
) -> list[tuple[lxml.html.HtmlElement, lxml.html.HtmlElement]]:
    """(item block, title link) for each article link with a date beside it.

    A link's block is its largest ancestor holding no link to another page; a block with a
    date in it is an article of a list.
    """
    links = [a for a in tree.iter("a") if _is_article_href(a.get("href", "")) and _title_like(a)]
    # Keyed by the elements themselves: lxml makes a new proxy (and id) each time a node is reached.
    hrefs_under: dict[lxml.html.HtmlElement, set[str]] = {}
    for a in tree.iter("a"):
        href = a.get("href", "")
        if not href or not _is_article_href(href):
            continue
        for ancestor in a.iterancestors():
            hrefs_under.setdefault(ancestor, set()).add(href.split("#")[0])
    blocks: list[tuple[lxml.html.HtmlElement, lxml.html.HtmlElement]] = []
    seen: set[lxml.html.HtmlElement] = set()
    for a in links:
        block = a
        for ancestor in a.iterancestors():
            if ancestor.tag in ("body", "html") or len(hrefs_under.get(ancestor, ())) > 1:
                break
            block = ancestor
        if block in seen or block is a:
            continue
        if _block_date(block, clean_text(a.text_content())) is None:
            continue
        seen.add(block)
        blocks.append((block, a))
    return blocks


def _title_like(link: lxml.html.HtmlElement) -> bool:
    text = clean_text(link.text_content())
    return len(text) >= 15 and len(text.split()) >= 3


def _is_article_href(href: str) -> bool:
    if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
        return False
    parts = urlsplit(href)
    return parts.scheme in ("http", "https", "")


def _block_date(block: lxml.html.HtmlElement, title: str) -> datetime | None:
    """The date shown in an item block: a date-classed element, else a short dated line."""
    for element in block.iter():
        if not isinstance(element.tag, str):
            continue
        marks = f"{element.get('class', '')} {element.get('id', '')}".lower()
        if element.tag == "time" or any(m in marks for m in ("date", "time", "publish", "ngay")):
            text = clean_text(element.get("datetime") or element.text_content())
            found = parse_date(text) if text else None
            if found:
                return found
    for text in block.itertext():
        text = clean_text(text)
        if text and len(text) <= 40 and text not in title:
            found = parse_date(text)
            if found:
                return found
    return None


def _first_text(item: lxml.html.HtmlElement, selector: str, *, multiline: bool = False) -> str:
    if not selector:
        return ""
    for element in CSSSelector(selector)(item):
        text = element_text(element) if multiline else clean_text(element.text_content())
        if text:
            return text
    return ""


def _unique(entries: Iterable[ListingEntry]) -> list[ListingEntry]:
    seen: dict[str, ListingEntry] = {}
    for entry in entries:
        key = _canonical(entry.url)
        if key not in seen:
            seen[key] = entry
    return list(seen.values())


def _canonical(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path, parts.query, ""))


def next_page_url(tree: lxml.html.HtmlElement, url: str, sel: Selectors) -> str | None:
    """The link to the next page of a list: the site's selector, rel=next, or a 'next' link."""
    candidates = CSSSelector(sel.next_page)(tree) if sel.next_page else []
    candidates += tree.xpath("//a[@rel='next'] | //link[@rel='next']")
    candidates += [a for a in tree.iter("a") if clean_text(a.text_content()).lower() in _NEXT_TEXTS]
    for element in candidates:
        href = element.get("href", "")
        if _is_article_href(href) and _canonical(href) != _canonical(url):
            return href.split("#")[0]
    return None


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
        if (
            not _is_article_href(href)
            or urlsplit(href).netloc.lower() != host
            or not _title_like(a)
        ):
            continue
        if len(clean_text(a.text_content()).split()) < 4:
            continue
        entries.append(
            ListingEntry(href.split("#")[0], clean_text(a.text_content()), origin="page")
        )
    return _unique(entries)[:limit]


def _root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
