"""How text is marked up (Telegram HTML, plain, terminal colours) and the helpers every renderer
shares: Vietnamese dates and numbers, cutting text at words, packing paragraphs into messages."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "Style",
    "HTML",
    "PLAIN",
    "ANSI",
    "TELEGRAM_LIMIT",
    "utf16_length",
    "format_date",
    "format_moment",
    "format_number",
    "cut_words",
    "cut",
    "cut_url",
    "quote",
    "pack",
    "split_markup",
    "within",
    "TITLE_CHARS",
]

TELEGRAM_LIMIT = 4096
QUOTED_CHARS = 100  # a question or a name longer than this is shortened when quoted
# Titles are stored whole (they are an article's identity) and shortened here, for every reader.
TITLE_CHARS = 300


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Style:
    """How to mark up text: escaping, bold, links, and how long a message is."""

    escape: Callable[[str], str]
    bold: Callable[[str], str]
    link: Callable[[str, str], str]  # (already escaped text, url)
    length: Callable[[str], int] = len
    markup: bool = False  # whether "<...>" and "&...;" are markup (split only between them)


LINK_URL_CHARS = 1000  # a longer url (a hostile one) is not linked: the title stays


def _html_link(text: str, url: str) -> str:
    if len(url) > LINK_URL_CHARS:
        return text
    return f'<a href="{html.escape(url, quote=True)}">{text}</a>'


HTML = Style(
    escape=lambda text: html.escape(text, quote=False),
    bold=lambda text: f"<b>{text}</b>",
    link=_html_link,
    # The markup itself counts too: more than Telegram counts, never less.
    length=utf16_length,
    markup=True,
)
PLAIN = Style(
    escape=lambda text: text,
    bold=lambda text: text,
    link=lambda text, url: f"{text}\n   {url}",
)
ANSI = Style(
    escape=lambda text: text,
    bold=lambda text: f"\033[1m{text}\033[0m",
    link=lambda text, url: f"{text}\n   {url}",
)


def format_date(value: datetime) -> str:
    """dd/mm/yyyy, as Vietnamese readers write dates."""
    return value.strftime("%d/%m/%Y")


def format_moment(value: datetime) -> str:
    """dd/mm/yyyy HH:MM."""
    return value.strftime("%d/%m/%Y %H:%M")


def format_number(value: float, decimals: int = 0) -> str:
    """Vietnamese digits: 1.964 and 0,4 (dot between thousands, comma before decimals)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def cut_words(text: str, chars: int) -> str:
    """At most `chars` characters, cut at a space when there is one, with an ellipsis."""
    if len(text) <= chars:
        return text
    end = text.rfind(" ", 0, chars)
    if end < chars // 2:
        end = chars - 1
    return text[:end].rstrip() + "…"


def cut(text: str, chars: int) -> str:
    """At most `chars` characters, with an ellipsis (for text without spaces)."""
    return text if len(text) <= chars else text[: chars - 1] + "…"


def cut_url(url: str, chars: int) -> str:
    """At most `chars` characters, cut in the middle: a url's end (its page, its article) tells
    it apart from its neighbours as much as its start."""
    if len(url) <= chars:
        return url
    head = chars * 2 // 3
    return f"{url[:head]}…{url[len(url) - (chars - head - 1) :]}"


def quote(text: str, style: Style) -> str:
    """Text between Vietnamese quotation marks, shortened when long, escaped."""
    return f"“{style.escape(cut_words(text.strip(), QUOTED_CHARS))}”"


def pack(paragraphs: Sequence[str], limit: int, style: Style, separator: str = "\n\n") -> list[str]:
    """Group paragraphs into as few messages of at most `limit` as possible; a paragraph longer
    than a message is split (`split_markup`). Never an empty message, unless nothing is given."""
    messages: list[str] = []
    current = ""
    for paragraph in paragraphs:
        for piece in split_markup(paragraph, limit, style.length, style.markup):
            candidate = f"{current}{separator}{piece}" if current else piece
            if style.length(candidate) <= limit:
                current = candidate
            else:
                if current:
                    messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def within(text: str, limit: int, style: Style) -> str:
    """The text, or its first `limit` (a last resort: renderers shorten their parts first)."""
    if style.length(text) <= limit:
        return text
    return split_markup(text, limit, style.length, style.markup)[0]


_MARKUP = re.compile(r"<(/?)([a-z]+)[^>]*>|&[#\w]+;|.", re.DOTALL)
_PLAIN = re.compile(r"()().", re.DOTALL)  # the same groups, no markup


def _closing(tags: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(tags))


def split_markup(
    text: str, limit: int, length: Callable[[str], int] = len, markup: bool = True
) -> list[str]:
    """Text cut into pieces of at most `limit` (as `length` counts), never inside a tag or an
    entity; tags open at a cut are closed before it and opened again after it, so each piece
    is valid Telegram HTML on its own. Plain text is simply cut."""
    if length(text) <= limit:
        return [text] if text else []
    pieces: list[str] = []
    opened: list[tuple[str, str]] = []  # (name, the opening tag as written)
    current: list[str] = []
    size = 0
    fresh = 0  # the last opening tags of `current`, with no text inside yet
    has_text = False
    for match in (_MARKUP if markup else _PLAIN).finditer(text):
        token, name = match[0], match[2]
        if name and not match[1]:
            opened.append((name, token))
            current.append(token)
            size += length(token)
            fresh += 1
            continue
        if name:  # a closing tag
            if not opened or opened[-1][0] != name:
                continue  # never ours: renderers close what they open
            opener = opened.pop()[1]
            if fresh:  # an element without text: dropped
                current.pop()
                size -= length(opener)
                fresh -= 1
            else:
                current.append(token)
                size += length(token)
            continue
        cost = length(token)
        if has_text and size + cost + length(_closing(opened)) > limit:
            kept = opened[: len(opened) - fresh]
            pieces.append("".join(current[: len(current) - fresh]) + _closing(kept))
            current = [tag for _, tag in opened]
            size = length("".join(current))
            fresh = len(opened)  # reopened, and nothing in them yet
        current.append(token)
        size += cost
        fresh = 0
        has_text = True
    if has_text or not pieces:
        pieces.append("".join(current) + _closing(opened))
    return pieces
