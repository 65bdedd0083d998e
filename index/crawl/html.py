"""HTML helpers shared by discovery and extraction: parsing with absolute links, text as
paragraphs."""

from __future__ import annotations

import contextlib
import copy

import lxml.html
from lxml.cssselect import CSSSelector
from lxml.etree import ParserError

from ..text.normalize import normalize

__all__ = ["parse_html", "element_text", "clean_text", "select", "find", "attribute"]

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


def parse_html(text: str, base_url: str) -> lxml.html.HtmlElement | None:
    """The page as an lxml tree with absolute links, or None when there is no markup at all."""
    if not text.strip():
        return None
    try:
        tree = lxml.html.document_fromstring(text.encode("utf-8"), parser=_PARSER)
    except (ParserError, ValueError):
        return None
    with contextlib.suppress(ValueError):  # a malformed href: relative links stay relative
        # The parser returns an HtmlElement; the stubs say _Element.
        tree.make_links_absolute(base_url, resolve_base_href=True)  # type: ignore[attr-defined]
    return tree


_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)


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


def select(root: lxml.html.HtmlElement, css: str) -> list[lxml.html.HtmlElement]:
    """The elements under `root` matching a CSS selector (none for an empty selector)."""
    return _elements(CSSSelector(css)(root) if css else [])


def _elements(found: object) -> list[lxml.html.HtmlElement]:
    """The elements of a selector's or an XPath expression's result."""
    if not isinstance(found, list):
        return []
    return [e for e in found if isinstance(e, lxml.html.HtmlElement)]


def find(root: lxml.html.HtmlElement, xpath: str) -> list[lxml.html.HtmlElement]:
    """The elements under `root` matching an XPath expression."""
    found = root.xpath(xpath)
    return _elements(found)


def attribute(element: lxml.html.HtmlElement, name: str) -> str:
    """An attribute's value, or "" when the element has none."""
    value = element.get(name)
    return value if isinstance(value, str) else ""
