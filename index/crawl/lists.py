"""Category list pages: the repeated blocks that announce articles, the link to the next page."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

import lxml.html

from ..text.dates import parse_date
from .html import attribute, clean_text, element_text, find, select
from .listing import ListingEntry, ListingOrigin
from .selectors import Selectors

__all__ = ["list_items", "list_entries", "next_page_url", "is_article_href", "title_like", "unique"]

_NEXT_TEXTS = {"next", "tiếp", "trang sau", "sau", "tiếp theo", "»", "›", ">", ">>"}


def list_items(tree: lxml.html.HtmlElement, sel: Selectors) -> list[lxml.html.HtmlElement]:
    """The elements of a list page that each announce one article."""
    return select(tree, sel.list_item) or [block for block, _ in _generic_blocks(tree)]


def list_entries(
    tree: lxml.html.HtmlElement, sel: Selectors, category: str | None = None
) -> list[ListingEntry]:
    """The articles a list page announces: title, url, date and summary of each."""
    entries: list[ListingEntry] = []
    if sel.list_item:
        for item in select(tree, sel.list_item):
            entry = _selected_entry(item, sel, category)
            if entry is not None:
                entries.append(entry)
    if not entries:  # no selector, or the site's selector matched nothing on this page
        for block, link in _generic_blocks(tree):
            entry = _generic_entry(block, link, category)
            if entry is not None:
                entries.append(entry)
    return unique(entries)


def _selected_entry(
    item: lxml.html.HtmlElement, sel: Selectors, category: str | None
) -> ListingEntry | None:
    links = select(item, sel.list_link) if sel.list_link else find(item, ".//a[@href]")
    links = [a for a in links if is_article_href(attribute(a, "href"))]
    if not links:
        return None
    link = max(links, key=lambda a: len(clean_text(a.text_content())))
    title = clean_text(link.text_content()) or clean_text(attribute(link, "title"))
    if not title:
        return None
    date_text = _first_text(item, sel.list_date)
    published = parse_date(date_text) if date_text else _block_date(item, title)
    summary = _first_text(item, sel.list_summary, multiline=True) if sel.list_summary else ""
    return ListingEntry(
        attribute(link, "href"), title, published, summary, category, origin=ListingOrigin.LIST
    )


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
    return ListingEntry(
        attribute(link, "href"), title, published, summary, category, origin=ListingOrigin.LIST
    )


def _generic_blocks(
    tree: lxml.html.HtmlElement,
) -> list[tuple[lxml.html.HtmlElement, lxml.html.HtmlElement]]:
    """(item block, title link) for each article link with a date beside it.

    A link's block is its largest ancestor holding no link to another page; a block with a
    date in it is an article of a list.
    """
    links = [a for a in tree.iter("a") if is_article_href(a.get("href", "")) and title_like(a)]
    # Keyed by the elements themselves: lxml makes a new proxy (and id) each time a node is reached.
    hrefs_under: dict[lxml.html.HtmlElement, set[str]] = {}
    for a in tree.iter("a"):
        href = a.get("href", "")
        if not href or not is_article_href(href):
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


def title_like(link: lxml.html.HtmlElement) -> bool:
    text = clean_text(link.text_content())
    return len(text) >= 15 and len(text.split()) >= 3


def is_article_href(href: str) -> bool:
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
    for element in select(item, selector):
        text = element_text(element) if multiline else clean_text(element.text_content())
        if text:
            return text
    return ""


def unique(entries: Iterable[ListingEntry]) -> list[ListingEntry]:
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
    candidates = select(tree, sel.next_page)
    candidates += find(tree, "//a[@rel='next'] | //link[@rel='next']")
    candidates += [a for a in tree.iter("a") if clean_text(a.text_content()).lower() in _NEXT_TEXTS]
    for element in candidates:
        href = attribute(element, "href")
        if is_article_href(href) and _canonical(href) != _canonical(url):
            return href.split("#")[0]
    return None
