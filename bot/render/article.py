"""A whole article, split at paragraphs into messages within Telegram's limit."""

from __future__ import annotations

import re

from index import ArticleView

from .. import texts
from .style import TELEGRAM_LIMIT, TITLE_CHARS, Style, cut_words, format_date, pack

LABEL_CHARS = 100  # a category or an author

__all__ = ["render_article", "summary_only"]


def render_article(article: ArticleView, style: Style, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """The whole article, split at paragraph boundaries into messages of at most `limit`."""
    title = style.escape(cut_words(article.title, TITLE_CHARS))
    heading = style.link(style.bold(title), article.url) if article.url else style.bold(title)
    details = [texts.DATE_MARK.format(date=format_date(article.published_at))]
    if article.category:
        category = style.escape(cut_words(article.category, LABEL_CHARS))
        details.append(texts.CATEGORY_MARK.format(category=category))
    paragraphs = [heading, " · ".join(details)]
    for text in (article.summary, article.body):
        for raw in text.split("\n"):
            if raw.strip():
                paragraphs += _escaped_pieces(raw.strip(), style, limit)
    if article.author:
        author = style.escape(cut_words(article.author, LABEL_CHARS))
        paragraphs.append(texts.ARTICLE_AUTHOR.format(author=author))
    if article.attachments:
        paragraphs.append(_attachments(article, style))
    if article.url and summary_only(article):
        paragraphs.append(texts.SUMMARY_ONLY)
    return pack(paragraphs, limit, style)


_CUT = re.compile(r"(\.\.\.|…)\s*$")
_SEE_ATTACHED = re.compile(r"(xem|chi tiết).{0,30}(đính kèm|văn bản)", re.IGNORECASE)


def summary_only(article: ArticleView) -> bool:
    """True when what is stored is only the portal's summary: no body, and a summary cut with
    "..." or one that sends readers to an attached document."""
    if article.body.strip() and article.body.strip() != article.summary.strip():
        return False
    text = (article.summary or article.body).strip()
    return bool(_CUT.search(text) or _SEE_ATTACHED.search(text))


def _attachments(article: ArticleView, style: Style) -> str:
    """The files the page linked to, each a link with its size when the page gave one."""
    lines = [texts.ATTACHMENTS_HEADING]
    for file in article.attachments:
        name = style.link(style.escape(cut_words(file.name, LABEL_CHARS)), file.url)
        size = texts.ATTACHMENT_SIZE.format(size=style.escape(file.size)) if file.size else ""
        lines.append(texts.ATTACHMENT_LINE.format(name=name) + size)
    return "\n".join(lines)


def _escaped_pieces(raw: str, style: Style, limit: int) -> list[str]:
    """Escape a paragraph; one too long for a message is halved at a space until it fits."""
    escaped = style.escape(raw)
    if style.length(escaped) <= limit:
        return [escaped]
    middle = len(raw) // 2
    cut = raw.rfind(" ", 0, middle + 1)
    if cut <= 0:
        cut = middle
    return _escaped_pieces(raw[:cut].rstrip(), style, limit) + _escaped_pieces(
        raw[cut:].lstrip(), style, limit
    )
