"""Article pages: title, date, author and main text with trafilatura, site selectors on top, and
the signals that tell a news article from a static, contact or login page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, time
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
import trafilatura

from ..store.records import ArticleRecord, AttachmentLink
from ..text.dates import parse_date
from .errors import CrawlIssue, describe
from .html import clean_text, element_text, parse_html, select
from .listing import ListingEntry
from .lists import list_items
from .selectors import Selectors, effective_selectors

__all__ = [
    "NotNews",
    "attachments",
    "extract_article",
    "non_news_url",
    "is_home_url",
    "with_listing",
]

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
_MIN_TEXT = 80  # characters of text below which a page has no article


@dataclass(frozen=True)
class NotNews:
    """A page that is not an article, and why."""

    url: str
    issue: CrawlIssue
    detail: str = ""

    @property
    def reason(self) -> str:
        """Why, in English."""
        return describe(self.issue, self.detail)


def is_home_url(url: str) -> bool:
    """True for a site's front page: "/", "/index.html", "/trang-chu"..."""
    path = unquote(urlsplit(url).path).lower().strip("/")
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return not path or (path.count("/") <= 1 and stem in _HOME_STEMS)


def non_news_url(url: str) -> NotNews | None:
    """Why the url is a page that is never news (home, about, contact, login...), or None."""
    if is_home_url(url):
        return NotNews(url, CrawlIssue.HOME_PAGE)
    path = unquote(urlsplit(url).path).lower()
    for segment in path.split("/"):
        stem = segment.rsplit(".", 1)[0] if "." in segment else segment
        if stem in _NON_NEWS_SEGMENTS:
            return NotNews(url, CrawlIssue.STATIC_PAGE, segment)
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
    tree = _article_tree(html, url)
    if isinstance(tree, NotNews):
        return tree
    sel = effective_selectors(tree, selectors, profile)
    found = _Found.of(html, url)
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
        return NotNews(url, CrawlIssue.NO_TITLE)
    if len(body) + len(summary) < _MIN_TEXT:
        return NotNews(url, CrawlIssue.NO_ARTICLE_TEXT)
    if entry is None or not entry.vouches:
        doubt = _not_an_article(tree, sel, published)
        if doubt is not None:
            return NotNews(url, doubt)
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
        attachments=attachments(tree, url),
    )


def _article_tree(html: str, url: str) -> lxml.html.HtmlElement | NotNews:
    """The parsed page, or why it is not an article page before anything is read from it."""
    static = non_news_url(url)
    if static is not None:
        return static
    tree = parse_html(html, url)
    if tree is None:
        return NotNews(url, CrawlIssue.EMPTY_PAGE)
    if tree.cssselect("input[type=password]"):
        return NotNews(url, CrawlIssue.LOGIN_PAGE)
    return tree


_FILE = re.compile(r"\.(pdf|docx?|xlsx?)(?:$|/)", re.IGNORECASE)  # Liferay: /x.pdf/<uuid>
_SIZE = re.compile(r"\(?\s*(\d+(?:[.,]\d+)?\s*(?:[kKMG]i?B|[kK]b|bytes?))\s*\)?")
MAX_ATTACHMENTS = 30


def attachments(tree: lxml.html.HtmlElement, url: str) -> tuple[AttachmentLink, ...]:
    """The page's links to documents (PDF, DOC(X), XLS(X)): the link's text or the file's name,
    the absolute url, and the size when the page gives one beside the link."""
    found: dict[str, AttachmentLink] = {}
    for link in tree.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        target = urljoin(url, href)
        path = unquote(urlsplit(target).path)
        if urlsplit(target).scheme not in ("http", "https") or not _FILE.search(path):
            continue
        if target in found:
            continue
        text = clean_text(link.text_content() or "")
        name = text or _file_name(path)
        around = " ".join([link.get("title") or "", text, link.tail or "", _parent_text(link)])
        size = _SIZE.search(around)
        found[target] = AttachmentLink(name[:300], target, size[1] if size else None)
        if len(found) >= MAX_ATTACHMENTS:
            break
    return tuple(found.values())


def _file_name(path: str) -> str:
    """The file's name in a path (Liferay appends a uuid after it)."""
    parts = [p for p in path.split("/") if p]
    named = [p for p in parts if _FILE.search(p + "/")]
    return named[-1] if named else (parts[-1] if parts else path)


def _parent_text(link: lxml.html.HtmlElement) -> str:
    """The text of the link's parent, when it is about this link only (a short item)."""
    parent = link.getparent()
    if parent is None:
        return ""
    text = clean_text(parent.text_content() or "")
    return text if len(text) <= 200 else ""


@dataclass(frozen=True)
class _Found:
    """What trafilatura found."""

    title: str = ""
    text: str = ""
    author: str = ""
    date: datetime | None = None

    @classmethod
    def of(cls, html: str, url: str) -> _Found:
        """Run trafilatura on the page."""
        document = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
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
        for element in select(tree, sel.date):
            found = parse_date(clean_text(element.text_content()))
            if found:
                return found
    for xpath in (
        "//meta[@property='article:published_time']/@content",
        "//meta[@itemprop='datePublished']/@content",
        "//*[@itemprop='datePublished']/@datetime",
        "//meta[@name='pubdate' or @name='publishdate' or @name='dc.date.issued' or "
        "@name='DC.date.issued']/@content",
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


def _not_an_article(
    tree: lxml.html.HtmlElement, sel: Selectors, published: datetime | None
) -> CrawlIssue | None:
    """Why a page no listing vouches for is not an article (undated without article markup, or
    a list of articles), or None."""
    if published is None and not _article_markup(tree):
        return CrawlIssue.UNDATED_PAGE
    if _is_list_page(tree, sel):
        return CrawlIssue.LIST_PAGE
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
    items = list_items(tree, sel)
    if len(items) < 3:
        return False
    inside = {e for item in items for e in item.iter()}
    outside = sum(len(p.text_content()) for p in tree.iter("p") if p not in inside)
    return outside < 500


def _select_text(tree: lxml.html.HtmlElement, selector: str, *, multiline: bool = False) -> str:
    for element in select(tree, selector):
        text = element_text(element) if multiline else clean_text(element.text_content())
        if text:
            return text
    return ""


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
