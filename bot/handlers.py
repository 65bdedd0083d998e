"""Handlers for everyone: questions, pages, whole articles, categories, inline mode, errors.

Each handler parses the update, asks the archive in a worker thread, renders, and replies.
Throttling happens before any of them (`throttle.throttle`, group -1).
"""

from __future__ import annotations

import asyncio
import functools
import html
import logging
import re
from collections.abc import Callable

from telegram import InlineQueryResultsButton, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError

from index import Archive, ArticleNotFound, EmptyQuery, SearchPage

from . import keyboards, texts
from .callbacks import (
    CATEGORIES,
    CATEGORY,
    COUNTER,
    LATEST,
    SEARCH,
    PageRef,
    ReadRef,
    SuggestRef,
    decode,
    short_key,
)
from .context import BotContext
from .logs import Redactor
from .questions import clean_question
from .render import (
    HTML,
    PAGE_SIZE,
    parse_results_heading,
    render_article,
    render_categories,
    render_listing,
    render_results,
)
from .updates import chat_of, inline_of, message_of, query_of

log = logging.getLogger(__name__)

DOC_SHORTCUT = r"^/doc_(\d{1,18})(?:@(\w+))?\s*$"
INLINE_RESULTS = 10
ERROR_REPORT_EVERY = 60.0  # seconds: at most one error report to admins per minute
_FIND = re.compile(r"^\s*/tim\b", re.IGNORECASE)


# -- questions -----------------------------------------------------------------------------


async def question(update: Update, context: BotContext) -> None:
    """A text in a private chat, one addressed to the bot in a group, or /tim <câu hỏi>."""
    message = message_of(update)
    typed = message.text or ""
    text = clean_question(typed, context.bot.username)
    if not text:
        asked_by_command = bool(_FIND.match(typed))
        empty = texts.FIND_NEEDS_QUESTION if asked_by_command else texts.MENTION_WITHOUT_QUESTION
        await message.reply_text(empty)
        return
    await _answer(message, context, text)


async def _answer(message: Message, context: BotContext, text: str) -> None:
    state = context.state
    try:
        page = await asyncio.to_thread(state.archive.search, text, PAGE_SIZE)
    except EmptyQuery:
        await message.reply_text(texts.EMPTY_QUESTION)
        return
    key = state.questions.remember(text)
    await message.reply_text(
        render_results(page, HTML), reply_markup=keyboards.listing_keyboard(page, SEARCH, key)
    )
    channel = "private" if message.chat.type == ChatType.PRIVATE else "group"
    await asyncio.to_thread(_count, state.archive, text, page.total, channel)


def _count(archive: Archive, text: str, total: int, channel: str) -> None:
    """Count a question for /stats, after answering it: a write may wait for an ingest or a
    reindex to release the database, and a failure to count must not cost the answer."""
    try:
        archive.record_question(text, total, channel)
    except Exception:
        log.warning("could not count a question", exc_info=True)


# -- pages ---------------------------------------------------------------------------------


async def _acknowledge(update: Update, context: BotContext, alert: str | None = None) -> None:
    """Answer a button press, once (Telegram refuses a second answer): quietly, or with an
    alert the user must dismiss."""
    query = query_of(update)
    context.state.answered.add(query.id)
    await query.answer(alert, show_alert=alert is not None)


async def turn_page(update: Update, context: BotContext) -> None:
    """◀ Trước / Sau ▶ and a category's button: show that page in the same message."""
    query = query_of(update)
    ref = decode(query.data)
    if not isinstance(ref, PageRef):  # python-telegram-bot routes empty data to any pattern
        await stale_button(update, context)
        return
    shown = await _fetch_page(ref, query.message, context)
    if shown is None:
        await _acknowledge(update, context, texts.RESULTS_EXPIRED)
        return
    text, page = shown
    await _acknowledge(update, context)
    await _edit(update, text, keyboards.listing_keyboard(page, ref.kind, ref.key))


async def _fetch_page(
    ref: PageRef, message: object, context: BotContext
) -> tuple[str, SearchPage] | None:
    """The text and the page a page button leads to; None when its list cannot be found."""
    state = context.state
    archive = state.archive
    if ref.kind == SEARCH:
        text = state.questions.get(ref.key) or _recover_question(
            message, ref.key, context.bot.username
        )
        if text is None:
            return None
        state.questions.remember(text)
        try:
            page = await asyncio.to_thread(_page, functools.partial(archive.search, text), ref.page)
        except EmptyQuery:
            return None
        return render_results(page, HTML), page
    if ref.kind == CATEGORY:
        category = await asyncio.to_thread(_category_named, archive, ref.key)
        if category is None:
            return None
        latest = functools.partial(archive.latest, category=category)
        page = await asyncio.to_thread(_page, latest, ref.page)
        return render_listing(page, category, HTML), page
    page = await asyncio.to_thread(_page, archive.latest, ref.page)
    return render_listing(page, None, HTML), page


def _recover_question(message: object, key: str, bot_username: str | None) -> str | None:
    """After a restart: the question from the message the results answer, or from their heading,
    if it still has this key."""
    if not isinstance(message, Message):
        return None
    candidates = []
    asked = message.reply_to_message
    if asked is not None and asked.text:
        candidates.append(clean_question(asked.text, bot_username))
    if message.text:
        candidates.append(parse_results_heading(message.text) or "")
    return next((c for c in candidates if c and short_key(c) == key), None)


def _page(fetch: Callable[..., SearchPage], page: int) -> SearchPage:
    """Page `page` of a list, or its last page when the list has shrunk since."""
    result = fetch(limit=PAGE_SIZE, offset=page * PAGE_SIZE)
    if not result.hits and result.total and page > 0:
        result = fetch(limit=PAGE_SIZE, offset=(result.total - 1) // PAGE_SIZE * PAGE_SIZE)
    return result


def _category_named(archive: Archive, key: str) -> str | None:
    return next((c.name for c in archive.categories() if short_key(c.name) == key), None)


async def _edit(update: Update, text: str, keyboard: object) -> None:
    """Edit the message of a pressed button; an unchanged message is not an error."""
    try:
        await query_of(update).edit_message_text(text, reply_markup=keyboard)  # type: ignore[arg-type]  # InlineKeyboardMarkup or None
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def suggested(update: Update, context: BotContext) -> None:
    """“🔎 Tìm …” under weak results: ask the question as the corpus spells it."""
    query = query_of(update)
    ref = decode(query.data)
    if not isinstance(ref, SuggestRef):
        await stale_button(update, context)
        return
    state = context.state
    asked = state.questions.get(ref.key) or _recover_question(
        query.message, ref.key, context.bot.username
    )
    suggestion = None
    if asked is not None:
        try:
            page = await asyncio.to_thread(state.archive.search, asked, 1)
            suggestion = page.suggestion
        except EmptyQuery:
            suggestion = None
    if suggestion is None or not isinstance(query.message, Message):
        await _acknowledge(update, context, texts.RESULTS_EXPIRED)
        return
    await _acknowledge(update, context)
    await _answer(query.message, context, suggestion)


async def page_counter(update: Update, context: BotContext) -> None:
    """The 'i/N' button: nothing to do but acknowledge."""
    if query_of(update).data != COUNTER:
        await stale_button(update, context)
        return
    await _acknowledge(update, context)


async def stale_button(update: Update, context: BotContext) -> None:
    """A button this version does not know (an old message, or data a client made up): say so
    kindly."""
    await _acknowledge(update, context, texts.RESULTS_EXPIRED)


# -- whole articles ------------------------------------------------------------------------


async def doc(update: Update, context: BotContext) -> None:
    """/doc <số bài>: the whole article."""
    if not context.args or not re.fullmatch(r"[0-9]{1,18}", context.args[0]):
        await message_of(update).reply_text(texts.DOC_NEEDS_NUMBER)
        return
    await _send_article(update, context, int(context.args[0]))


async def doc_shortcut(update: Update, context: BotContext) -> None:
    """/doc_<số bài>, the command printed under results without a link."""
    if not context.matches:  # the route's regular expression matched
        return
    match = context.matches[0]
    addressed = match.group(2)
    if addressed and addressed.lower() != (context.bot.username or "").lower():
        return  # meant for another bot in the group
    await _send_article(update, context, int(match.group(1)))


async def read_button(update: Update, context: BotContext) -> None:
    """The 'Đọc toàn văn' button: the whole article."""
    ref = decode(query_of(update).data)
    if not isinstance(ref, ReadRef):
        await stale_button(update, context)
        return
    await _acknowledge(update, context)
    await _send_article(update, context, ref.article_id)


async def _send_article(update: Update, context: BotContext, article_id: int) -> None:
    """The article split at paragraphs; the first part answers the request."""
    archive = context.state.archive
    chat_id = chat_of(update).id
    asking = update.message
    try:
        article = await asyncio.to_thread(archive.article, article_id)
    except ArticleNotFound:
        parts = [texts.article_not_found(article_id)]
    else:
        parts = render_article(article, HTML)
    for number, part in enumerate(parts):
        if number == 0 and asking is not None:
            await asking.reply_text(part)
        else:
            await context.bot.send_message(chat_id, part)


# -- browsing ------------------------------------------------------------------------------


async def latest(update: Update, context: BotContext) -> None:
    """/moi: the latest articles, with pages."""
    page = await asyncio.to_thread(_page, context.state.archive.latest, 0)
    await message_of(update).reply_text(
        render_listing(page, None, HTML), reply_markup=keyboards.listing_keyboard(page, LATEST)
    )


async def categories(update: Update, context: BotContext) -> None:
    """/chuyenmuc: the categories as buttons."""
    found = await asyncio.to_thread(context.state.archive.categories)
    await message_of(update).reply_text(
        render_categories(found, HTML), reply_markup=keyboards.categories_keyboard(found)
    )


async def back_to_categories(update: Update, context: BotContext) -> None:
    """'◀ Các chuyên mục' under a category's list: the categories again, in the same message."""
    if query_of(update).data != CATEGORIES:
        await stale_button(update, context)
        return
    found = await asyncio.to_thread(context.state.archive.categories)
    await _acknowledge(update, context)
    await _edit(update, render_categories(found, HTML), keyboards.categories_keyboard(found))


# -- conversation --------------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> None:
    """/start: a greeting with examples, or the article of a t.me/<bot>?start=doc_<id> link."""
    if context.args and (match := re.fullmatch(r"doc_([0-9]{1,18})", context.args[0])):
        await _send_article(update, context, int(match.group(1)))
        return
    user = update.effective_user
    await message_of(update).reply_text(texts.start(user.first_name if user else None))


async def help_command(update: Update, context: BotContext) -> None:
    """/help: how to ask, with examples (and the admin commands, for admins)."""
    text = texts.help_text(context.bot.username or "bot")
    user = update.effective_user
    if context.state.is_admin(user.id if user else None):
        text += texts.ADMIN_HELP
    await message_of(update).reply_text(text)


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command the bot does not have, in a private chat."""
    await message_of(update).reply_text(texts.UNKNOWN_COMMAND)


async def not_text(update: Update, context: BotContext) -> None:
    """A sticker, photo, voice note... in a private chat: ask for words."""
    await message_of(update).reply_text(texts.TEXT_ONLY)


# -- inline mode ---------------------------------------------------------------------------


async def inline_query(update: Update, context: BotContext) -> None:
    """@bot <từ khóa> in any chat: up to 10 articles to choose from; the latest without words."""
    query = inline_of(update)
    page = await asyncio.to_thread(_inline_page, context.state.archive, query.query)
    results = keyboards.inline_results(page, context.bot.username or "")
    button = None
    if not results:
        button = InlineQueryResultsButton(text=texts.INLINE_NOTHING_FOUND, start_parameter="tim")
    await query.answer(results, cache_time=300, button=button)


def _inline_page(archive: Archive, typed: str) -> SearchPage:
    """The best matches for what is typed so far, or the latest articles before any word."""
    text = " ".join(typed.split())
    if text:
        try:
            return archive.search(text, INLINE_RESULTS)
        except EmptyQuery:
            pass
    return archive.latest(INLINE_RESULTS)


# -- errors --------------------------------------------------------------------------------


async def error(update: object, context: BotContext) -> None:
    """Log any error with its traceback; tell the user briefly that something went wrong, and the
    admins (at most once a minute) what it was."""
    if isinstance(context.error, Forbidden):  # the user blocked the bot or left the group
        log.info("cannot write to %r: %s", _describe(update), context.error)
        return
    log.error("error while handling update %r", _describe(update), exc_info=context.error)
    if isinstance(update, Update):
        try:
            query = update.callback_query
            if query is not None and query.id not in context.state.answered:
                await _acknowledge(update, context, texts.SOMETHING_WENT_WRONG)
            elif update.effective_message is not None:
                await message_of(update).reply_text(texts.SOMETHING_WENT_WRONG)
        except TelegramError:
            log.warning("could not tell the user about the error", exc_info=True)
    await _report_to_admins(update, context)


async def _report_to_admins(update: object, context: BotContext) -> None:
    state = context.state
    if not state.settings.admin_ids or not state.may_report_error(ERROR_REPORT_EVERY):
        return
    error = context.error
    detail = str(error).strip().splitlines()[0] if error and str(error).strip() else ""
    detail = Redactor(state.settings.secrets()).redact(detail)  # an url may quote the token
    report = texts.error_report(
        kind=html.escape(type(error).__name__, quote=False),
        detail=html.escape(detail[:300], quote=False),
        update=html.escape(str(_describe(update))[:200], quote=False),
    )
    for admin_id in sorted(state.settings.admin_ids):
        try:
            await context.bot.send_message(admin_id, report)
        except TelegramError:
            log.warning("could not report the error to admin %s", admin_id, exc_info=True)


def _describe(update: object) -> object:
    """Enough of an update to find it in the log, without the user's words."""
    if isinstance(update, Update):
        return {"update_id": update.update_id, "user": getattr(update.effective_user, "id", None)}
    return update
