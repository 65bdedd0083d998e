"""Handlers for everyone: questions, pages, whole articles, categories, inline mode, errors.

Each handler parses the update, asks the search engine in a worker thread, renders, and replies.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import InlineQueryResultsButton, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from index import ArticleNotFound, EmptyQuery, SearchEngine, SearchPage

from . import keyboards, texts
from .callbacks import CATEGORY, LATEST, SEARCH, PageRef, ReadRef, SuggestRef, decode, short_key
from .queries import clean_question
from .render import (
    HTML,
    PAGE_SIZE,
    parse_results_heading,
    render_article,
    render_categories,
    render_listing,
    render_results,
)
from .state import get_state

log = logging.getLogger(__name__)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]
H = TypeVar("H", bound=Handler)

DOC_SHORTCUT = r"^/doc_(\d{1,18})(?:@(\w+))?\s*$"
INLINE_RESULTS = 10


def throttled(handler: H) -> H:
    """Ask a user who sends too fast to wait (briefly, politely) instead of doing the work."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        state = get_state(context)
        throttle = state.button_throttle if update.callback_query else state.throttle
        wait = throttle.wait_seconds(user.id) if user else 0
        if not wait:
            await handler(update, context)
            return
        log.info("user %s throttled for %d s", user.id if user else None, wait)
        notice = texts.THROTTLED.format(seconds=wait)
        if update.callback_query:
            await update.callback_query.answer(notice)
        elif update.effective_message:
            await update.effective_message.reply_text(notice)

    return wrapper  # type: ignore[return-value]


# -- questions -----------------------------------------------------------------------------


@throttled
async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text in a private chat, or addressed to the bot in a group: search for it."""
    message = update.effective_message
    text = clean_question(message.text or "", context.bot.username)
    if not text:
        await message.reply_text(texts.MENTION_WITHOUT_QUESTION)
        return
    await _answer(message, context, text)


@throttled
async def find(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/tim <câu hỏi>: search (how a group asks)."""
    message = update.effective_message
    text = clean_question(message.text or "", context.bot.username)
    if not text:
        await message.reply_text(texts.FIND_NEEDS_QUESTION)
        return
    await _answer(message, context, text)


async def _answer(message: Message, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    state = get_state(context)
    try:
        page = await asyncio.to_thread(state.engine.search, text, PAGE_SIZE)
    except EmptyQuery:
        await message.reply_text(texts.EMPTY_QUESTION)
        return
    key = state.queries.remember(text)
    await message.reply_text(
        render_results(page, HTML), reply_markup=keyboards.listing_keyboard(page, SEARCH, key)
    )
    channel = "private" if message.chat.type == ChatType.PRIVATE else "group"
    await asyncio.to_thread(_count, state.engine, text, page.total, channel)


def _count(engine: SearchEngine, text: str, total: int, channel: str) -> None:
    """Count a question for /stats, after answering it: a write may wait for an ingest or a
    reindex to release the database, and a failure to count must not cost the answer."""
    try:
        engine.record_question(text, total, channel)
    except Exception:
        log.warning("could not count a question", exc_info=True)


# -- pages ---------------------------------------------------------------------------------


@throttled
async def turn_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """◀ Trước / Sau ▶ and a category's button: show that page in the same message."""
    query = update.callback_query
    ref = decode(query.data)
    assert isinstance(ref, PageRef)  # the handler's pattern admits pages only
    shown = await _fetch_page(ref, query.message, context)
    if shown is None:
        await query.answer(texts.RESULTS_EXPIRED, show_alert=True)
        return
    text, page = shown
    await query.answer()
    await _edit(update, text, keyboards.listing_keyboard(page, ref.kind, ref.key))


async def _fetch_page(
    ref: PageRef, message: object, context: ContextTypes.DEFAULT_TYPE
) -> tuple[str, SearchPage] | None:
    """The text and the page a page button leads to; None when its list cannot be found."""
    state = get_state(context)
    engine = state.engine
    if ref.kind == SEARCH:
        text = state.queries.get(ref.key) or _recover_question(
            message, ref.key, context.bot.username
        )
        if text is None:
            return None
        state.queries.remember(text)
        try:
            page = await asyncio.to_thread(_page, functools.partial(engine.search, text), ref.page)
        except EmptyQuery:
            return None
        return render_results(page, HTML), page
    if ref.kind == CATEGORY:
        category = await asyncio.to_thread(_category_named, engine, ref.key)
        if category is None:
            return None
        latest = functools.partial(engine.latest, category=category)
        page = await asyncio.to_thread(_page, latest, ref.page)
        return render_listing(page, category, HTML), page
    page = await asyncio.to_thread(_page, engine.latest, ref.page)
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


def _category_named(engine: SearchEngine, key: str) -> str | None:
    return next((c.name for c in engine.categories() if short_key(c.name) == key), None)


async def _edit(update: Update, text: str, keyboard: object) -> None:
    """Edit the message of a pressed button; an unchanged message is not an error."""
    try:
        await update.callback_query.edit_message_text(text, reply_markup=keyboard)  # type: ignore[arg-type]
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


@throttled
async def suggested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """“🔎 Tìm …” under weak results: ask the question as the corpus spells it."""
    query = update.callback_query
    ref = decode(query.data)
    assert isinstance(ref, SuggestRef)  # the handler's pattern admits suggestions only
    state = get_state(context)
    asked = state.queries.get(ref.key) or _recover_question(
        query.message, ref.key, context.bot.username
    )
    suggestion = None
    if asked is not None:
        try:
            page = await asyncio.to_thread(state.engine.search, asked, 1)
            suggestion = page.suggestion
        except EmptyQuery:
            suggestion = None
    if suggestion is None or not isinstance(query.message, Message):
        await query.answer(texts.RESULTS_EXPIRED, show_alert=True)
        return
    await query.answer()
    await _answer(query.message, context, suggestion)


async def page_counter(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The 'i/N' button: nothing to do but acknowledge."""
    await update.callback_query.answer()


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button this version does not know (an old message): say so kindly."""
    await update.callback_query.answer(texts.RESULTS_EXPIRED, show_alert=True)


# -- whole articles ------------------------------------------------------------------------


@throttled
async def doc(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/doc <số bài>: the whole article."""
    if not context.args or not re.fullmatch(r"[0-9]{1,18}", context.args[0]):
        await update.effective_message.reply_text(texts.DOC_NEEDS_NUMBER)
        return
    await _send_article(update, context, int(context.args[0]))


@throttled
async def doc_shortcut(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/doc_<số bài>, the command printed under results without a link."""
    match = context.matches[0]
    addressed = match.group(2)
    if addressed and addressed.lower() != (context.bot.username or "").lower():
        return  # meant for another bot in the group
    await _send_article(update, context, int(match.group(1)))


@throttled
async def read_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The 'Đọc toàn văn' button: the whole article."""
    ref = decode(update.callback_query.data)
    assert isinstance(ref, ReadRef)  # the handler's pattern admits articles only
    await update.callback_query.answer()
    await _send_article(update, context, ref.article_id)


async def _send_article(
    update: Update, context: ContextTypes.DEFAULT_TYPE, article_id: int
) -> None:
    """The article split at paragraphs; the first part answers the request."""
    engine = get_state(context).engine
    chat_id = update.effective_chat.id
    asking = update.message
    try:
        article = await asyncio.to_thread(engine.article, article_id)
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


@throttled
async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/moi: the latest articles, with pages."""
    page = await asyncio.to_thread(_page, get_state(context).engine.latest, 0)
    await update.effective_message.reply_text(
        render_listing(page, None, HTML), reply_markup=keyboards.listing_keyboard(page, LATEST)
    )


@throttled
async def categories(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/chuyenmuc: the categories as buttons."""
    found = await asyncio.to_thread(get_state(context).engine.categories)
    await update.effective_message.reply_text(
        render_categories(found, HTML), reply_markup=keyboards.categories_keyboard(found)
    )


@throttled
async def back_to_categories(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """'◀ Các chuyên mục' under a category's list: the categories again, in the same message."""
    found = await asyncio.to_thread(get_state(context).engine.categories)
    await update.callback_query.answer()
    await _edit(update, render_categories(found, HTML), keyboards.categories_keyboard(found))


# -- conversation --------------------------------------------------------------------------


@throttled
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: a greeting with examples, or the article of a t.me/<bot>?start=doc_<id> link."""
    if context.args and (match := re.fullmatch(r"doc_([0-9]{1,18})", context.args[0])):
        await _send_article(update, context, int(match.group(1)))
        return
    user = update.effective_user
    await update.effective_message.reply_text(texts.start(user.first_name if user else None))


@throttled
async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: how to ask, with examples (and the admin commands, for admins)."""
    text = texts.help_text(context.bot.username or "bot")
    user = update.effective_user
    if get_state(context).is_admin(user.id if user else None):
        text += texts.ADMIN_HELP
    await update.effective_message.reply_text(text)


@throttled
async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not have, in a private chat."""
    await update.effective_message.reply_text(texts.UNKNOWN_COMMAND)


@throttled
async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A sticker, photo, voice note... in a private chat: ask for words."""
    await update.effective_message.reply_text(texts.TEXT_ONLY)


# -- inline mode ---------------------------------------------------------------------------


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@bot <từ khóa> in any chat: up to 10 articles to choose from; the latest without words."""
    query = update.inline_query
    page = await asyncio.to_thread(_inline_page, get_state(context).engine, query.query)
    results = keyboards.inline_results(page, context.bot.username or "")
    button = None
    if not results:
        button = InlineQueryResultsButton(text=texts.INLINE_NOTHING_FOUND, start_parameter="tim")
    await query.answer(results, cache_time=300, button=button)


def _inline_page(engine: SearchEngine, typed: str) -> SearchPage:
    """The best matches for what is typed so far, or the latest articles before any word."""
    text = " ".join(typed.split())
    if text:
        try:
            return engine.search(text, INLINE_RESULTS)
        except EmptyQuery:
            pass
    return engine.latest(INLINE_RESULTS)


# -- errors --------------------------------------------------------------------------------


async def error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log any error with its traceback; tell the user briefly that something went wrong."""
    if isinstance(context.error, Forbidden):  # the user blocked the bot or left the group
        log.info("cannot write to %r: %s", _describe(update), context.error)
        return
    log.error("error while handling update %r", _describe(update), exc_info=context.error)
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(texts.SOMETHING_WENT_WRONG, show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(texts.SOMETHING_WENT_WRONG)
    except TelegramError:
        log.warning("could not tell the user about the error", exc_info=True)


def _describe(update: object) -> object:
    """Enough of an update to find it in the log, without the user's words."""
    if isinstance(update, Update):
        return {"update_id": update.update_id, "user": getattr(update.effective_user, "id", None)}
    return update
