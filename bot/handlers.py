"""Handlers for everyone: questions, pages, whole articles, categories, inline mode, errors.

Each handler turns the update into an `Incoming` (words or an action), asks the channel-free
conversation core (`bot.conversation`) in a worker thread, renders its reply in Telegram HTML
with buttons, and sends it. Throttling happens before any of them (`throttle.throttle`, group -1).
"""

from __future__ import annotations

import asyncio
import html
import logging
import re

from telegram import InlineKeyboardMarkup, InlineQueryResultsButton, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError

from index import Archive, EmptyQuery, SearchPage

from . import keyboards, texts
from .addressing import replies_to_bot
from .callbacks import (
    CATEGORIES,
    CATEGORY,
    CONTACT,
    COUNTER,
    SEARCH,
    TODAY,
    DigestRef,
    JudgeRef,
    PageRef,
    ReadRef,
    SuggestRef,
    VoteRef,
    decode,
    short_key,
)
from .context import BotContext
from .conversation import (
    Action,
    AskSuggestion,
    Categories,
    Channel,
    Forget,
    Guide,
    Help,
    Incoming,
    JudgeAnswer,
    Listing,
    ListKind,
    ListRef,
    RateAnswer,
    ReadArticle,
    Reply,
    Results,
    Said,
    Say,
    ShowCategories,
    ShowContact,
    ShowPage,
    Start,
    Subscriptions,
)
from .logs import Redactor
from .questions import clean_question
from .render import HTML, parse_results_heading, render_part, render_say
from .render.news import digest_page_count, render_digest_page
from .subscribe import CHANNEL as TELEGRAM
from .updates import chat_of, inline_of, message_of, query_of

log = logging.getLogger(__name__)

DOC_SHORTCUT = r"^/doc_(\d{1,18})(?:@(\w+))?\s*$"
INLINE_RESULTS = 10
ERROR_REPORT_EVERY = 60.0  # seconds: at most one error report to admins per minute
_FIND = re.compile(r"^\s*/tim\b", re.IGNORECASE)


# -- the conversation ----------------------------------------------------------------------


def _incoming(update: Update, *, text: str | None = None, action: Action | None = None) -> Incoming:
    """The update as the conversation core sees it: channel, chat, words or action."""
    chat = chat_of(update)
    user = update.effective_user
    group = chat.type != ChatType.PRIVATE
    message = update.effective_message
    pressed = update.callback_query is not None  # a button of the bot's own message
    continues = not group or pressed or (message is not None and replies_to_bot(message))
    return Incoming(
        channel=Channel.TELEGRAM,
        chat_id=str(chat.id),
        user_id=str(user.id) if user else None,
        text=text,
        action=action,
        group=group,
        continues=continues,
        first_name=user.first_name if user else None,
    )


async def _converse(
    update: Update, context: BotContext, incoming: Incoming, *, edit: bool = False
) -> Reply:
    """Ask the core in a worker thread, then send (or edit into) the reply."""
    reply = await asyncio.to_thread(context.state.conversation.handle, incoming)
    await _deliver(update, context, reply, edit=edit)
    return reply


async def _deliver(
    update: Update, context: BotContext, reply: Reply, *, edit: bool = False, admin: bool = False
) -> None:
    """Send a reply: each part rendered in Telegram HTML, the buttons under its list (or its
    last message); the first message answers the update (or replaces the pressed one)."""
    for part in reply.parts:
        if isinstance(part, Results):
            context.state.questions.remember(part.list.query)  # for its page buttons
    messages = _messages(reply, context.bot.username or "", admin)
    chat_id = chat_of(update).id
    for number, (text, markup) in enumerate(messages):
        if number == 0 and edit:
            await _edit(update, text, markup)
        elif number == 0 and update.message is not None:
            await update.message.reply_text(text, reply_markup=markup)
        else:
            await context.bot.send_message(chat_id, text, reply_markup=markup)


def _messages(
    reply: Reply, bot_username: str, admin: bool
) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    texts_: list[str] = []
    target = -1
    for part in reply.parts:
        rendered = render_part(part, HTML, bot_username=bot_username)
        if isinstance(part, Guide) and admin:
            rendered = [rendered[0] + texts.ADMIN_HELP]
        texts_ += rendered
        if isinstance(part, Results | Listing | Categories | Subscriptions) and target < 0:
            target = len(texts_) - 1
    keyboard = keyboards.reply_keyboard(reply)
    target = target if target >= 0 else len(texts_) - 1
    return [(text, keyboard if i == target else None) for i, text in enumerate(texts_)]


async def _edit(update: Update, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
    """Edit the message of a pressed button; an unchanged message is not an error."""
    try:
        await query_of(update).edit_message_text(text, reply_markup=keyboard)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


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
    await _converse(update, context, _incoming(update, text=text))


async def forget(update: Update, context: BotContext) -> None:
    """/xoadulieu: delete everything kept for this chat."""
    await _converse(update, context, _incoming(update, action=Forget()))


# -- pages ---------------------------------------------------------------------------------


async def _acknowledge(update: Update, context: BotContext, alert: str | None = None) -> None:
    """Answer a button press, once (Telegram refuses a second answer): quietly, or with an
    alert the user must dismiss."""
    query = query_of(update)
    context.state.answered.add(query.id)
    await query.answer(alert, show_alert=alert is not None)


async def turn_page(update: Update, context: BotContext) -> None:
    """◀ Trước / Sau ▶, a category's button, 🆕 Tin mới nhất: that page in the same message."""
    query = query_of(update)
    ref = decode(query.data)
    if not isinstance(ref, PageRef):  # python-telegram-bot routes empty data to any pattern
        await stale_button(update, context)
        return
    listed = await _list_of(ref, query.message, context)
    if listed is None:
        await _acknowledge(update, context, texts.RESULTS_EXPIRED)
        return
    incoming = _incoming(update, action=ShowPage(listed, ref.page))
    reply = await asyncio.to_thread(context.state.conversation.handle, incoming)
    if reply.parts and isinstance(reply.parts[0], Say):
        await _acknowledge(update, context, render_say(reply.parts[0], HTML))
        return
    await _acknowledge(update, context)
    await _deliver(update, context, reply, edit=True)


async def _list_of(ref: PageRef, message: object, context: BotContext) -> ListRef | None:
    """The list a page button stands for; None when its question or category is gone."""
    if ref.kind == SEARCH:
        state = context.state
        text = state.questions.get(ref.key) or _recover_question(
            message, ref.key, context.bot.username
        )
        return ListRef(ListKind.SEARCH, text) if text is not None else None
    if ref.kind == CATEGORY:
        category = await asyncio.to_thread(_category_named, context.state.archive, ref.key)
        return ListRef(ListKind.CATEGORY, category) if category is not None else None
    return ListRef(ListKind.TODAY if ref.kind == TODAY else ListKind.LATEST)


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


def _category_named(archive: Archive, key: str) -> str | None:
    return next((c.name for c in archive.categories() if short_key(c.name) == key), None)


async def suggested(update: Update, context: BotContext) -> None:
    """“🔎 Tìm …” under weak results: ask the question as the corpus spells it."""
    query = query_of(update)
    ref = decode(query.data)
    if not isinstance(ref, SuggestRef):
        await stale_button(update, context)
        return
    asked = context.state.questions.get(ref.key) or _recover_question(
        query.message, ref.key, context.bot.username
    )
    if asked is None:
        await _acknowledge(update, context, texts.RESULTS_EXPIRED)
        return
    incoming = _incoming(update, action=AskSuggestion(asked))
    reply = await asyncio.to_thread(context.state.conversation.handle, incoming)
    if reply.parts and isinstance(reply.parts[0], Say):
        await _acknowledge(update, context, render_say(reply.parts[0], HTML))
        return
    await _acknowledge(update, context)
    await _deliver(update, context, reply)


async def digest_page(update: Update, context: BotContext) -> None:
    """◀ Trước / Sau ▶ under a long digest: that page in the same message, rebuilt from the
    delivery log (so after a restart too); a page the digest does not have is refused kindly."""
    query = query_of(update)
    ref = decode(query.data)
    if not isinstance(ref, DigestRef):
        await stale_button(update, context)
        return
    chat_id = str(chat_of(update).id)
    items = await asyncio.to_thread(context.state.news.digest, TELEGRAM, chat_id, ref.digest_id)
    pages = digest_page_count(items)
    if not items or ref.page >= pages:
        await _acknowledge(update, context, texts.DIGEST_PAGE_GONE)
        return
    text = render_digest_page(items, ref.weekly, HTML, ref.page)
    await _acknowledge(update, context)
    await _edit(update, text, keyboards.digest_keyboard(ref.digest_id, ref.weekly, ref.page, pages))


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
    await _converse(update, context, _incoming(update, action=ReadArticle(int(context.args[0]))))


async def doc_shortcut(update: Update, context: BotContext) -> None:
    """/doc_<số bài>, the command printed under results without a link."""
    if not context.matches:  # the route's regular expression matched
        return
    match = context.matches[0]
    addressed = match.group(2)
    if addressed and addressed.lower() != (context.bot.username or "").lower():
        return  # meant for another bot in the group
    await _converse(update, context, _incoming(update, action=ReadArticle(int(match.group(1)))))


async def read_button(update: Update, context: BotContext) -> None:
    """The 'Đọc toàn văn' button: the whole article."""
    ref = decode(query_of(update).data)
    if not isinstance(ref, ReadRef):
        await stale_button(update, context)
        return
    await _acknowledge(update, context)
    await _converse(update, context, _incoming(update, action=ReadArticle(ref.article_id)))


# -- browsing ------------------------------------------------------------------------------


async def latest(update: Update, context: BotContext) -> None:
    """/moi: the latest articles, with pages."""
    action = ShowPage(ListRef(ListKind.LATEST), 0)
    await _converse(update, context, _incoming(update, action=action))


async def categories(update: Update, context: BotContext) -> None:
    """/chuyenmuc: the categories as buttons."""
    await _converse(update, context, _incoming(update, action=ShowCategories()))


async def back_to_categories(update: Update, context: BotContext) -> None:
    """'◀ Các chuyên mục' (or '📂 Chuyên mục'): the categories, in the same message."""
    if query_of(update).data != CATEGORIES:
        await stale_button(update, context)
        return
    reply = await asyncio.to_thread(
        context.state.conversation.handle, _incoming(update, action=ShowCategories())
    )
    await _acknowledge(update, context)
    await _deliver(update, context, reply, edit=True)


# -- conversation --------------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> None:
    """/start: a greeting with examples and what is kept, or a t.me link's article or question
    (doc_<id>, q_<question>, t_<token>)."""
    payload = context.args[0] if context.args else ""
    await _converse(update, context, _incoming(update, action=Start(payload)))


async def help_command(update: Update, context: BotContext) -> None:
    """/help: how to ask, with examples (and the admin commands, for admins)."""
    reply = await asyncio.to_thread(
        context.state.conversation.handle, _incoming(update, action=Help())
    )
    user = update.effective_user
    await _deliver(update, context, reply, admin=context.state.is_admin(user.id if user else None))


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command the bot does not have, in a private chat."""
    await message_of(update).reply_text(texts.UNKNOWN_COMMAND)


async def not_text(update: Update, context: BotContext) -> None:
    """A sticker, photo, voice note... in a private chat: ask for words."""
    await message_of(update).reply_text(texts.TEXT_ONLY)


# -- inline mode ---------------------------------------------------------------------------


async def inline_query(update: Update, context: BotContext) -> None:
    """@bot <từ khóa> in any chat: up to 10 articles to choose from; the latest without words.
    A button above them opens the bot with the typed question (a deep link that carries it),
    for the answer line and follow-ups; the only way on when nothing is found."""
    query = inline_of(update)
    state = context.state
    page = await asyncio.to_thread(_inline_page, state.archive, query.query)
    results = keyboards.inline_results(page, context.bot.username or "")
    typed = " ".join(query.query.split())
    button = None
    if typed:
        payload = await asyncio.to_thread(state.conversation.hand_over, typed)
        label = texts.INLINE_ASK_BOT if results else texts.INLINE_NOTHING_FOUND
        button = InlineQueryResultsButton(text=label, start_parameter=payload)
    elif not results:
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


# -- feedback and contact ------------------------------------------------------------------


async def vote(update: Update, context: BotContext) -> None:
    """👍 / 👎 under an answer: stored (a second tap changes it); a 👎 asks which article was
    right, in a new message under the answer."""
    ref = decode(query_of(update).data)
    if not isinstance(ref, VoteRef):
        await stale_button(update, context)
        return
    incoming = _incoming(update, action=RateAnswer(ref.answer_id, ref.up))
    reply = await asyncio.to_thread(context.state.conversation.handle, incoming)
    if reply.parts and isinstance(reply.parts[0], Say):
        said = reply.parts[0].what
        noted = texts.FEEDBACK_UP_NOTED if said is Said.FEEDBACK_THANKS else None
        await _acknowledge(update, context, noted or render_say(reply.parts[0], HTML))
        return
    await _acknowledge(update, context, texts.FEEDBACK_DOWN_NOTED)
    await _reply_to_pressed(update, context, reply)


async def judge(update: Update, context: BotContext) -> None:
    """An article chosen under "Bài nào đúng?": stored as a judgment; the question message
    becomes a thank-you."""
    ref = decode(query_of(update).data)
    if not isinstance(ref, JudgeRef):
        await stale_button(update, context)
        return
    incoming = _incoming(update, action=JudgeAnswer(ref.answer_id, ref.article_id))
    reply = await asyncio.to_thread(context.state.conversation.handle, incoming)
    await _acknowledge(update, context)
    await _deliver(update, context, reply, edit=True)


async def contact(update: Update, context: BotContext) -> None:
    """/lienhe, “liên hệ”, or the ☎️ button: the department's contact card."""
    incoming = _incoming(update, action=ShowContact())
    if update.callback_query is None:
        await _converse(update, context, incoming)
        return
    if query_of(update).data != CONTACT:
        await stale_button(update, context)
        return
    reply = await asyncio.to_thread(context.state.conversation.handle, incoming)
    await _acknowledge(update, context)
    await _reply_to_pressed(update, context, reply)


async def _reply_to_pressed(update: Update, context: BotContext, reply: Reply) -> None:
    """Send a reply as new messages under the message whose button was pressed."""
    pressed = query_of(update).message
    target = pressed.message_id if isinstance(pressed, Message) else None
    chat_id = chat_of(update).id
    for text, markup in _messages(reply, context.bot.username or "", admin=False):
        await context.bot.send_message(
            chat_id, text, reply_markup=markup, reply_to_message_id=target
        )
        target = None
