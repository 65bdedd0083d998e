"""Article pages: title, date, author and main text with trafilatura, site selectors on top, and
the signals that tell a news article from a static, contact or login page.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass, replace
from datetime import datetime, time
from urllib.parse import unquote, urlsplit

import lxml.html
import trafilatura
from lxml.cssselect import CSSSelector
from lxml.etree import ParserError

from ..text.dates import parse_date
from ..store.importers import ArticleRecord
from ..text.normalize import normalize
from .sources import Selectors

__all__ = [
    "PROFILES",
    "ListingEntry",
    "NotNews",
    "parse_html",
    "detect_profile",
    "extract_article",
    "element_text",
    "clean_text",
    "non_news_url",
    "is_home_url",
    "effective_selectors",
    "with_listing",
]

# Selectors for portal software that many departments run, applied when the page has its marks.
PROFILES: dict[str, Selectors] = {
    "liferay": Selectors(
        title=".asset-full-content-title, .header-title, .journal-content-article h1",
        date=".asset-full-content-title ~ .assetPublishDate, .asset-full-content ~ .assetPublishDate",
        body=".asset-full-content .journal-content-article",
        summary=".asset-full-content .sapo",
        author=".view-content-author",
        list_item=".asset-abstract",
        list_link=".asset-title a",
        list_date=".assetPublishDate",
        list_summary=".asset-summary",
        next_page=".lfr-pagination-buttons li:nth-child(3) a",
    ),
}
_PROFILE_MARKS = {
    "liferay": ".asset-abstract .asset-title a, .asset-full-content-title, .portlet-asset-publisher"
}

# Path segments of pages that are never news: about, contact, organisation, login, search, maps.
_NON_NEWS_SEGMENTS = {
    "gioi-thieu", "chuc-nang-nhiem-vu", "co-cau-to-chuc", "lanh-dao-so", "lanh-ao-so",
    "phong-ban-chuyen-mon", "don-vi-su-nghiep", "lien-he", "contact", "contact-us", "about",
    "about-us", "dang-nhap", "login", "signin", "sign-in", "dang-ky", "register", "tim-kiem",
    "search", "so-do-website", "so-do-cong", "sitemap", "hoi-dap", "faq", "q-a",
}  # fmt: skip
_HOME_STEMS = {"index", "home", "trang-chu", "trangchu", "default", "portal", "vi", "en", "web"}
_DATE_CLASS = re.compile(r"date|time|publish|ngay|posted", re.IGNORECASE)
_DATE_LABEL = re.compile(
    r"^\s*(ngày đăng|đăng ngày|ngày cập nhật|cập nhật|đăng lúc|thời gian|ngày)\b", re.IGNORECASE
)
_BLOCKS = (
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "blockquote",
    "section",
    "article",
    "ol",
    "ul",
    "table",
)
_MIN_TEXT = 80  # characters of text below which a page has no article


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
    origin: str = "list"  # "list", "feed", "sitemap", "page" (links of a home page), "url"

    @property
    def vouches(self) -> bool:
        """True when the listing itself says this is an article (a news list or a feed does; a
        sitemap lists every page of a site)."""
        return self.origin in ("list", "feed") and bool(self.title)

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
            origin=data.get("origin") or "list",
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


@dataclass(frozen=True)
class NotNews:
    """A page that is not an article, and why."""

    url: str
    reason: str


def parse_html(text: str, base_url: str) -> lxml.html.HtmlElement | None:
    """The page as an lxml tree with absolute links, or None when there is no markup at all."""
    if not text.strip():
        return None
    try:
        tree = lxml.html.document_fromstring(text.encode("utf-8"), parser=_PARSER)
    except (ParserError, ValueError):
        return None
    try:
        tree.make_links_absolute(base_url, resolve_base_href=True)
    except ValueError:  # a malformed href somewhere; relative links stay relative
        pass
    return tree


_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)


def detect_profile(tree: lxml.html.HtmlElement) -> str | None:
    """The name of the built-in profile whose marks the page has."""
    for name, marks in _PROFILE_MARKS.items():
        if tree.cssselect(marks):
            return name
    return None


def effective_selectors(
    tree: lxml.html.HtmlElement, selectors: Selectors, profile: str
) -> Selectors:
    """The site's selectors over its profile's (given, or recognised from the page)."""
    name = profile or detect_profile(tree)
    return selectors.merged_over(PROFILES[name]) if name in PROFILES else selectors


def is_home_url(url: str) -> bool:
    """True for a site's front page: "/", "/index.html", "/trang-chu"..."""
    path = unquote(urlsplit(url).path).lower().strip("/")
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return not path or (path.count("/") <= 1 and stem in _HOME_STEMS)


def non_news_url(url: str) -> str | None:
    """Why the url is a page that is never news (home, about, contact, login...), or None."""
    if is_home_url(url):
        return "not news: a home page"
    path = unquote(urlsplit(url).path).lower()
    for segment in path.split("/"):
        stem = segment.rsplit(".", 1)[0] if "." in segment else segment
        if stem in _NON_NEWS_SEGMENTS:
            return f"not news: '{segment}' is a static page"
    return None


def extract_article(
    html: str,
    url: str,
    *,
    selectors: Selectors = Selectors(),
    profile: str = "",
    entry: ListingEntry | None = None,
    source: str | None = None,
) -> ArticleRecord | NotNews:
    """The article on a page, merged with what its listing said; NotNews for other pages."""
    reason = non_news_url(url)
    if reason:
        return NotNews(url, reason)
    tree = parse_html(html, url)
    if tree is None:
        return NotNews(url, "empty page")
    if tree.cssselect("input[type=password]"):
        return NotNews(url, "not news: a login page")
    sel = effective_selectors(tree, selectors, profile)
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    found = _Found.of(document)
    title = (
        _select_text(tree, sel.title) or _listing_title(entry) or found.title or _title_tag(tree)
    )
    body = _select_text(tree, sel.body, multiline=True) or found.text
    summary = _select_text(tree, sel.summary, multiline=True) or (entry.summary if entry else "")
    body = _without_lead(body, title, summary)
    published = (
        _best_date(_page_date(tree, sel), entry.published_at if entry else None) or found.date
    )
    entry_body = entry.body if entry else ""
    if len(body) < _MIN_TEXT and len(entry_body) > len(body):
        body = entry_body
    if not title:
        return NotNews(url, "no title")
    if len(body) + len(summary) < _MIN_TEXT:
        return NotNews(url, "not news: no article text")
    vouched = entry is not None and entry.vouches
    if not vouched:
        if published is None and not _article_markup(tree):
            return NotNews(url, "not news: no date and no article markup")
        if _is_list_page(tree, sel):
            return NotNews(url, "not news: a list of articles")
    category = (entry.category if entry else None) or _select_text(tree, sel.category) or None
    author = _select_text(tree, sel.author) or found.author or None
    return ArticleRecord(
        title=title,
        url=url,
        summary=summary,
        body=body,
        category=category,
        author=_short(author, 300),
        published_at=published,
        source=source,
        origin=url,
    )


@dataclass(frozen=True)
class _Found:
    """What trafilatura found."""

    title: str = ""
    text: str = ""
    author: str = ""
    date: datetime | None = None

    @classmethod
    def of(cls, document: object) -> _Found:
        if document is None:
            return cls()
        raw_date = getattr(document, "date", None) or ""
        return cls(
            title=clean_text(getattr(document, "title", None) or ""),
            text=clean_text(getattr(document, "text", None) or "", multiline=True),
            author=clean_text(getattr(document, "author", None) or ""),
            date=parse_date(raw_date) if raw_date else None,
        )


def _best_date(on_page: datetime | None, listed: datetime | None) -> datetime | None:
    """The listing's date (feeds give seconds and zones), unless it is only a day the page
    gives the time of."""
    if on_page is None or listed is None:
        return on_page or listed
    if listed.date() == on_page.date() and listed.time() == time(0) and on_page.time() != time(0):
        return on_page
    return listed


def _without_lead(body: str, title: str, summary: str) -> str:
    """The body without a first line repeating the title, nor a lead repeating the summary."""
    lines = body.split("\n")
    if lines and title and lines[0].strip() == title:
        lines = lines[1:]
    if lines and summary and lines[0].strip() == " ".join(summary.split()):
        lines = lines[1:]
    return "\n".join(lines).strip()


def _listing_title(entry: ListingEntry | None) -> str:
    """A list's link text is the article's title, unless the list cut it short."""
    if entry is None or not entry.title or entry.title.endswith(("...", "…")):
        return ""
    return entry.title


def _title_tag(tree: lxml.html.HtmlElement) -> str:
    found = tree.find(".//title")
    return clean_text(found.text_content()) if found is not None else ""


def _page_date(tree: lxml.html.HtmlElement, sel: Selectors) -> datetime | None:
    """The publication date the page states: site selector, meta tags, a dated line."""
    if sel.date:
        for element in _select(tree, sel.date):
            found = parse_date(clean_text(element.text_content()))
            if found:
                return found
    for xpath in (
        "//meta[@property='article:published_time']/@content",
        "//meta[@itemprop='datePublished']/@content",
        "//*[@itemprop='datePublished']/@datetime",
        "//meta[@name='pubdate' or @name='publishdate' or @name='dc.date.issued' or @name='DC.date.issued']/@content",
        "//article//time/@datetime",
    ):
        for value in tree.xpath(xpath):
            found = parse_date(str(value))
            if found:
                return found
    for element in tree.iter("div", "span", "p", "time", "em", "small", "li", "td"):
        text = clean_text(element.text_content())
        if not text or len(text) > 80:
            continue
        marks = f"{element.get('class', '')} {element.get('id', '')}"
        if _DATE_CLASS.search(marks) or _DATE_LABEL.match(text):
            found = parse_date(text)
            if found:
                return found
    return None


def _article_markup(tree: lxml.html.HtmlElement) -> bool:
    """True when the page's markup calls it an article."""
    if tree.xpath("//meta[@property='og:type' and contains(@content, 'article')]"):
        return True
    if tree.xpath("//article | //*[@itemtype and contains(@itemtype, 'Article')]"):
        return True
    return any(
        '"NewsArticle"' in (s.text or "") or '"Article"' in (s.text or "")
        for s in tree.xpath("//script[@type='application/ld+json']")
    )


def _is_list_page(tree: lxml.html.HtmlElement, sel: Selectors) -> bool:
    """True when the page is mostly a list of dated links to articles."""
    from .discovery import list_items

    items = list_items(tree, sel)
    if len(items) < 3:
        return False
    inside = {e for item in items for e in item.iter()}
    outside = sum(len(p.text_content()) for p in tree.iter("p") if p not in inside)
    return outside < 500


def _select(tree: lxml.html.HtmlElement, selector: str) -> list[lxml.html.HtmlElement]:
    if not selector:
        return []
    return CSSSelector(selector)(tree)


def _select_text(tree: lxml.html.HtmlElement, selector: str, *, multiline: bool = False) -> str:
    for element in _select(tree, selector):
        text = element_text(element) if multiline else clean_text(element.text_content())
        if text:
            return text
    return ""


def element_text(element: lxml.html.HtmlElement) -> str:
    """The text of an element as paragraphs, scripts and styles left out."""
    element = _copy(element)
    for junk in element.xpath(".//script | .//style | .//noscript"):
        junk.drop_tree()
    for block in element.iter(*_BLOCKS):
        block.tail = "\n" + (block.tail or "")
    return clean_text(element.text_content(), multiline=True)


def _copy(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    return copy.deepcopy(element)


def clean_text(text: str, *, multiline: bool = False) -> str:
    """Normalised text with collapsed spaces; paragraphs kept on their own lines if multiline."""
    text = normalize(text)
    if not multiline:
        return " ".join(text.split())
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _short(text: str | None, limit: int) -> str | None:
    return text[:limit] if text else text


def with_listing(record: ArticleRecord, entry: ListingEntry | None) -> ArticleRecord:
    """A record whose empty fields are filled from its listing."""
    if entry is None:
        return record
    return replace(
        record,
        summary=record.summary or entry.summary,
        category=record.category or entry.category,
        published_at=record.published_at or entry.published_at,
    )
