"""Telegram markup made from results: the inline keyboards (page through a list, read an
article, pick a category) and the results of inline mode."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.constants import ParseMode

from index import CategoryCount, SearchPage

from . import texts
from .callbacks import (
    CATEGORIES,
    CATEGORY,
    COUNTER,
    SEARCH,
    Kind,
    PageRef,
    ReadRef,
    SuggestRef,
    encode,
    short_key,
)
from .render import (
    PAGE_SIZE,
    read_link,
    render_inline_description,
    render_inline_message,
    render_inline_title,
)

__all__ = ["listing_keyboard", "categories_keyboard", "inline_results", "MAX_CATEGORY_BUTTONS"]

MAX_CATEGORY_BUTTONS = 40


def listing_keyboard(page: SearchPage, kind: Kind, key: str = "") -> InlineKeyboardMarkup | None:
    """A 'read in full' button per article, then ◀ Trước · i/N · Sau ▶ when there is more, and
    the suggested question when the engine has one."""
    rows = [
        [
            InlineKeyboardButton(
                texts.READ_BUTTON.format(number=page.offset + i + 1),
                callback_data=encode(ReadRef(hit.article_id)),
            )
        ]
        for i, hit in enumerate(page.hits)
    ]
    navigation = _navigation(page, kind, key)
    if navigation:
        rows.append(navigation)
    if page.suggestion and kind == SEARCH and key:
        label = texts.SUGGESTION_BUTTON.format(question=_label(page.suggestion, 40))
        rows.append([InlineKeyboardButton(label, callback_data=encode(SuggestRef(key)))])
    if kind == CATEGORY:
        rows.append([InlineKeyboardButton(texts.BACK_TO_CATEGORIES, callback_data=CATEGORIES)])
    return InlineKeyboardMarkup(rows) if rows else None


def _navigation(page: SearchPage, kind: Kind, key: str) -> list[InlineKeyboardButton]:
    pages = max(1, -(-page.total // PAGE_SIZE))
    current = page.offset // PAGE_SIZE
    if pages <= 1:
        return []
    row = []
    if current > 0:
        row.append(_page_button(texts.PREVIOUS, PageRef(kind, key, current - 1)))
    row.append(InlineKeyboardButton(texts.page_counter(current + 1, pages), callback_data=COUNTER))
    if not page.is_last_page:
        row.append(_page_button(texts.NEXT, PageRef(kind, key, current + 1)))
    return row


def _page_button(label: str, ref: PageRef) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=encode(ref))


def categories_keyboard(categories: Sequence[CategoryCount]) -> InlineKeyboardMarkup | None:
    """One button per category (the largest first), with its number of articles."""
    rows = [
        [
            InlineKeyboardButton(
                f"{_label(category.name)} ({category.count})",
                callback_data=encode(PageRef(CATEGORY, short_key(category.name), 0)),
            )
        ]
        for category in categories[:MAX_CATEGORY_BUTTONS]
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def _label(name: str, chars: int = 48) -> str:
    return name if len(name) <= chars else name[: chars - 1].rstrip() + "…"


def inline_results(page: SearchPage, bot_username: str) -> list[InlineQueryResultArticle]:
    """One inline result per article: title, date and snippet; choosing it sends the link."""
    return [
        InlineQueryResultArticle(
            id=str(hit.article_id),
            title=render_inline_title(hit),
            description=render_inline_description(hit),
            input_message_content=InputTextMessageContent(
                render_inline_message(hit, read_link(bot_username, hit.article_id)),
                parse_mode=ParseMode.HTML,
            ),
        )
        for hit in page.hits
    ]
