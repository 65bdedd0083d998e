"""How text is marked up (Telegram HTML, plain, terminal colours) and the helpers every renderer
shares: Vietnamese dates and numbers, cutting text at words, packing paragraphs into messages."""

from __future__ import annotations

import html
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
]

TELEGRAM_LIMIT = 4096
QUOTED_CHARS = 100  # a question or a name longer than this is shortened when quoted


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


HTML = Style(
    escape=lambda text: html.escape(text, quote=False),
    bold=lambda text: f"<b>{text}</b>",
    link=lambda text, url: f'<a href="{html.escape(url, quote=True)}">{text}</a>',
    # The markup itself counts too: more than Telegram counts, never less.
    length=utf16_length,
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
    """Group paragraphs into as few messages of at most `limit` as possible."""
    messages: list[str] = []
    current = ""
    for paragraph in paragraphs:
        candidate = f"{current}{separator}{paragraph}" if current else paragraph
        if style.length(candidate) <= limit:
            current = candidate
        else:
            messages.append(current)
            current = paragraph
    if current:
        messages.append(current)
    return messages
