"""Pure rendering: results and articles as Telegram HTML or as plain text for the terminal.

The wording is the same in both styles, so `python bot.py ask` prints what the bot would say.
Every dynamic string goes through `Style.escape`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from index import ArticleView, SearchHit, SearchPage, Snippet

__all__ = [
    "Style",
    "HTML",
    "PLAIN",
    "TELEGRAM_LIMIT",
    "format_date",
    "render_results",
    "render_no_results",
    "render_article",
    "render_snippet",
]

TELEGRAM_LIMIT = 4096


@dataclass(frozen=True)
class Style:
    """How to mark up text: escaping, bold, links."""

    escape: Callable[[str], str]
    bold: Callable[[str], str]
    link: Callable[[str, str], str]  # (already escaped text, url)


HTML = Style(
    escape=lambda text: html.escape(text, quote=False),
    bold=lambda text: f"<b>{text}</b>",
    link=lambda text, url: f'<a href="{html.escape(url, quote=True)}">{text}</a>',
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


def render_snippet(snippet: Snippet, style: Style) -> str:
    """The snippet with its matched spans in bold, every piece escaped."""
    parts, position = [], 0
    for start, end in snippet.spans:
        parts.append(style.escape(snippet.text[position:start]))
        parts.append(style.bold(style.escape(snippet.text[start:end])))
        position = end
    parts.append(style.escape(snippet.text[position:]))
    return "".join(parts)


def _quote(text: str, style: Style) -> str:
    return f"“{style.escape(text.strip())}”"


def render_hit(number: int, hit: SearchHit, style: Style) -> str:
    """One result: numbered linked title, date and category, snippet."""
    title = style.escape(hit.title)
    if hit.url:
        heading = f"{style.bold(f'{number}.')} {style.link(title, hit.url)}"
    else:
        heading = f"{style.bold(f'{number}. {title}')}"
    details = [f"📅 {format_date(hit.published_at)}"]
    if hit.category:
        details.append(f"📂 {style.escape(hit.category)}")
    if not hit.url:
        details.append(f"đọc toàn văn: /doc_{hit.article_id}")
    lines = [heading, " · ".join(details)]
    snippet = render_snippet(hit.snippet, style)
    if snippet:
        lines.append(snippet)
    indent = "" if style is HTML else "   "
    return "\n".join([lines[0]] + [indent + line for line in lines[1:]])


def render_results(page: SearchPage, style: Style) -> str:
    """A page of results with a header saying how many there are."""
    if page.total == 0 or not page.hits:
        return render_no_results(page.query, style)
    first, last = page.offset + 1, page.offset + len(page.hits)
    header = style.bold(f"🔎 Kết quả cho {_quote(page.query, style)}")
    if page.total <= len(page.hits) and page.offset == 0:
        count = f"Tìm thấy {page.total} bài viết phù hợp."
    else:
        count = f"Bài {first}–{last} trong {page.total} bài viết phù hợp."
    blocks = [f"{header}\n{count}"]
    blocks += [render_hit(first + i, hit, style) for i, hit in enumerate(page.hits)]
    return "\n\n".join(blocks)


def render_no_results(query: str, style: Style) -> str:
    """A kind 'nothing found' with what to try next."""
    return "\n".join(
        [
            f"Rất tiếc, chưa có bài viết nào phù hợp với {_quote(query, style)}.",
            "Bạn có thể thử:",
            "• bớt vài từ, chỉ giữ những từ chính (ví dụ: “chuyển đổi số”);",
            "• gõ tiếng Việt có dấu (ví dụ: “hội thảo” thay vì “hoi thao”);",
            "• xem các tin mới nhất bằng lệnh /moi.",
        ]
    )


def render_article(article: ArticleView, style: Style, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """The whole article, split at paragraph boundaries into messages of at most `limit` chars."""
    title = style.escape(article.title)
    heading = style.link(style.bold(title), article.url) if article.url else style.bold(title)
    details = [f"📅 {format_date(article.published_at)}"]
    if article.category:
        details.append(f"📂 {style.escape(article.category)}")
    paragraphs = [heading, " · ".join(details)]
    for text in (article.summary, article.body):
        for raw in text.split("\n"):
            if raw.strip():
                paragraphs += _escaped_pieces(raw.strip(), style, limit)
    if article.author:
        paragraphs.append(f"✍️ {style.escape(article.author)}")
    return _pack(paragraphs, limit)


def _escaped_pieces(raw: str, style: Style, limit: int) -> list[str]:
    """Escape a paragraph; one too long for a message is halved at a space until it fits."""
    escaped = style.escape(raw)
    if len(escaped) <= limit:
        return [escaped]
    middle = len(raw) // 2
    cut = raw.rfind(" ", 0, middle + 1)
    if cut <= 0:
        cut = middle
    return _escaped_pieces(raw[:cut].rstrip(), style, limit) + _escaped_pieces(
        raw[cut:].lstrip(), style, limit
    )


def _pack(paragraphs: list[str], limit: int) -> list[str]:
    """Group paragraphs into as few messages of at most `limit` characters as possible."""
    messages: list[str] = []
    current = ""
    for paragraph in paragraphs:
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(candidate) <= limit:
            current = candidate
        else:
            messages.append(current)
            current = paragraph
    if current:
        messages.append(current)
    return messages
