"""Following topics: /theodoi, /huytheodoi, /bantin and their buttons. (Their typed words,
“theo dõi …” and “bỏ theo dõi …”, are the conversation core's: bot/conversation/follow.py.)

Handlers are thin: they check who may change a group's subscriptions, ask the news desk
(`index.NewsDesk`) in a worker thread, render (`bot.render.news`) and reply.

    f:s:<key>   follow the question of a result list (<key>: `callbacks.short_key`)
    f:c:<key>   follow a category
    u:<id>      stop following subscription <id> (from the list: the list is redrawn)
    un:<id>     the same, from a news message (its button goes)
    u:*         stop following everything
    bm:<mode>   instant, daily or weekly delivery
    bq:<0|1>    quiet hours off or on
"""

from __future__ import annotations

import asyncio
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from index import (
    DeliveryMode,
    NewsDesk,
    SubscriberView,
    SubscriptionRefused,
    SubscriptionView,
    fold,
)

from . import texts
from .callbacks import short_key
from .context import BotContext
from .render import HTML
from .render.news import (
    render_delivery_settings,
    render_followed,
    render_refusal,
    render_subscriptions,
    subscription_label,
)
from .render.style import cut_words
from .updates import chat_of, message_of, query_of

__all__ = [
    "CHANNEL",
    "FOLLOW_PATTERN",
    "UNFOLLOW_PATTERN",
    "MODE_PATTERN",
    "follow",
    "unfollow",
    "delivery",
    "follow_button",
    "unfollow_button",
    "mode_button",
    "follow_keyboard",
    "unfollow_keyboard",
    "news_keyboard",
    "attach_channel",
    "announce",
    "announce_button",
    "ANNOUNCE_PATTERN",
    "is_channel",
]

CHANNEL = "telegram"
FOLLOW_PATTERN = r"^f:[sc]:[A-Za-z0-9_-]{8}$"
UNFOLLOW_PATTERN = r"^un?:(?:[0-9]{1,19}|\*)$"
MODE_PATTERN = r"^b[mq]:(?:instant|daily|weekly|0|1)$"
_ALL = {"tat ca", "all", "het", "*"}
_HHMM = re.compile(r"^([01]?\d|2[0-3])[:hg.]([0-5]\d)$")


def is_channel(chat_id: str) -> bool:
    """A channel attached with /kenh is kept by its @name (posts there carry no buttons)."""
    return chat_id.startswith("@")


def _desk(context: BotContext) -> NewsDesk:
    return context.state.news


async def _may_change(update: Update, context: BotContext) -> bool:
    """In a group, only its administrators change what the group follows."""
    chat = chat_of(update)
    if chat.type == ChatType.PRIVATE:
        return True
    user = update.effective_user
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError:
        return False
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def _refuse_member(update: Update, context: BotContext) -> None:
    if update.callback_query is not None:
        await _answer(update, context, texts.GROUP_ADMINS_ONLY)
    else:
        await message_of(update).reply_text(texts.GROUP_ADMINS_ONLY)


async def _answer(update: Update, context: BotContext, alert: str | None = None) -> None:
    query = query_of(update)
    context.state.answered.add(query.id)
    await query.answer(alert, show_alert=alert is not None)


# -- /theodoi ------------------------------------------------------------------------------


async def follow(update: Update, context: BotContext) -> None:
    """/theodoi <chủ đề>: follow it; /theodoi alone: the chat's subscriptions with ❌ buttons."""
    words = " ".join(context.args or [])
    await _follow_words(update, context, words)


async def _follow_words(update: Update, context: BotContext, words: str) -> None:
    message = message_of(update)
    chat_id = str(chat_of(update).id)
    if not words.strip():
        await _show_list(update, context)
        return
    if not await _may_change(update, context):
        await _refuse_member(update, context)
        return
    try:
        subscribed = await asyncio.to_thread(_desk(context).subscribe, CHANNEL, chat_id, words)
    except SubscriptionRefused as refused:
        await message.reply_text(render_refusal(refused.reason))
        return
    await message.reply_text(
        render_followed(subscribed, HTML),
        reply_markup=unfollow_keyboard([subscribed.subscription], this_one=True),
    )


async def _show_list(update: Update, context: BotContext, *, edit: bool = False) -> None:
    chat_id = str(chat_of(update).id)
    mine = await asyncio.to_thread(_desk(context).subscriptions, CHANNEL, chat_id)
    text, markup = render_subscriptions(mine, HTML), unfollow_keyboard(mine)
    if edit:
        await query_of(update).edit_message_text(text, reply_markup=markup)
    else:
        await message_of(update).reply_text(text, reply_markup=markup)


# -- /huytheodoi ---------------------------------------------------------------------------


async def unfollow(update: Update, context: BotContext) -> None:
    """/huytheodoi <số> | tất cả: stop following one or all; alone: the list with buttons."""
    await _unfollow_words(update, context, " ".join(context.args or []))


async def _unfollow_words(update: Update, context: BotContext, words: str) -> None:
    message = message_of(update)
    chat_id = str(chat_of(update).id)
    wanted = fold(words.strip().lower())
    if not wanted:
        await _show_list(update, context)
        await message.reply_text(texts.UNFOLLOW_HOW)
        return
    if not await _may_change(update, context):
        await _refuse_member(update, context)
        return
    desk = _desk(context)
    if wanted in _ALL:
        count = await asyncio.to_thread(desk.unsubscribe, CHANNEL, chat_id)
        await message.reply_text(texts.UNFOLLOWED_ALL.format(count=count))
        return
    mine = await asyncio.to_thread(desk.subscriptions, CHANNEL, chat_id)
    number = int(wanted) if wanted.isdigit() and len(wanted) < 4 else 0
    if not 1 <= number <= len(mine):
        await message.reply_text(texts.UNFOLLOW_UNKNOWN.format(number=HTML.escape(words[:20])))
        return
    chosen = mine[number - 1]
    await asyncio.to_thread(desk.unsubscribe, CHANNEL, chat_id, chosen.subscription_id)
    label = HTML.escape(subscription_label(chosen))
    await message.reply_text(texts.UNFOLLOWED.format(label=label))


# -- buttons -------------------------------------------------------------------------------


def follow_keyboard(kind: str, key: str, category: bool = False) -> list[InlineKeyboardButton]:
    """The row with "🔔 Theo dõi" under a result list (kind "s") or a category ("c")."""
    label = texts.FOLLOW_CATEGORY_BUTTON if category else texts.FOLLOW_BUTTON
    return [InlineKeyboardButton(label, callback_data=f"f:{kind}:{key}")]


def unfollow_keyboard(
    subscriptions: list[SubscriptionView], *, this_one: bool = False, news: bool = False
) -> InlineKeyboardMarkup | None:
    """❌ per subscription (and one for all), or the one button of a confirmation or news."""
    if not subscriptions:
        return None
    if this_one or news:
        prefix = "un" if news else "u"
        rows = [
            [
                InlineKeyboardButton(
                    texts.UNFOLLOW_THIS_BUTTON.format(label=subscription_label(s, 40)),
                    callback_data=f"{prefix}:{s.subscription_id}",
                )
            ]
            for s in subscriptions
        ]
        return InlineKeyboardMarkup(rows)
    rows = [
        [
            InlineKeyboardButton(
                texts.UNFOLLOW_BUTTON.format(label=f"{n}. {subscription_label(s, 40)}"),
                callback_data=f"u:{s.subscription_id}",
            )
        ]
        for n, s in enumerate(subscriptions, start=1)
    ]
    rows.append([InlineKeyboardButton(texts.UNFOLLOW_ALL_BUTTON, callback_data="u:*")])
    return InlineKeyboardMarkup(rows)


def news_keyboard(subscription_id: int, label: str) -> InlineKeyboardMarkup:
    """The one button under a news message: stop following the subscription it came from."""
    text = texts.UNFOLLOW_THIS_BUTTON.format(label=cut_words(label, 40))
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=f"un:{subscription_id}")]]
    )


async def follow_button(update: Update, context: BotContext) -> None:
    """🔔 under results or a category: follow that question or category."""
    query = query_of(update)
    _, kind, key = (query.data or "::").split(":", 2)
    if not await _may_change(update, context):
        await _refuse_member(update, context)
        return
    chat_id = str(chat_of(update).id)
    desk = _desk(context)
    try:
        if kind == "c":
            category = await asyncio.to_thread(_category_named, context, key)
            if category is None:
                await _answer(update, context, texts.RESULTS_EXPIRED)
                return
            subscribed = await asyncio.to_thread(desk.follow_category, CHANNEL, chat_id, category)
        else:
            from .handlers import _recover_question

            question = context.state.questions.get(key) or _recover_question(
                query.message, key, context.bot.username
            )
            if question is None:
                await _answer(update, context, texts.RESULTS_EXPIRED)
                return
            subscribed = await asyncio.to_thread(desk.subscribe, CHANNEL, chat_id, question)
    except SubscriptionRefused as refused:
        await _answer(update, context, _plain(render_refusal(refused.reason)))
        return
    await _answer(update, context)
    await context.bot.send_message(
        chat_of(update).id,
        render_followed(subscribed, HTML),
        reply_markup=unfollow_keyboard([subscribed.subscription], this_one=True),
    )


def _category_named(context: BotContext, key: str) -> str | None:
    archive = context.state.archive
    return next((c.name for c in archive.categories() if short_key(c.name) == key), None)


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)[:200]


async def unfollow_button(update: Update, context: BotContext) -> None:
    """❌: stop following one subscription (or all); the list is redrawn."""
    query = query_of(update)
    prefix, _, target = (query.data or ":").partition(":")
    if not await _may_change(update, context):
        await _refuse_member(update, context)
        return
    chat_id = str(chat_of(update).id)
    desk = _desk(context)
    if target == "*":
        count = await asyncio.to_thread(desk.unsubscribe, CHANNEL, chat_id)
        await _answer(update, context, _plain(texts.UNFOLLOWED_ALL.format(count=count)))
        await _show_list(update, context, edit=True)
        return
    mine = await asyncio.to_thread(desk.subscriptions, CHANNEL, chat_id)
    chosen = next((s for s in mine if str(s.subscription_id) == target), None)
    if chosen is not None:
        await asyncio.to_thread(desk.unsubscribe, CHANNEL, chat_id, chosen.subscription_id)
        label = subscription_label(chosen)
        await _answer(update, context, _plain(texts.UNFOLLOWED.format(label=label)))
    else:
        await _answer(update, context)
    if prefix == "u":
        await _show_list(update, context, edit=True)
    else:
        await query.edit_message_reply_markup(None)


# -- /bantin -------------------------------------------------------------------------------


def _settings_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.MODE_INSTANT, callback_data="bm:instant"),
                InlineKeyboardButton(texts.MODE_DAILY, callback_data="bm:daily"),
                InlineKeyboardButton(texts.MODE_WEEKLY, callback_data="bm:weekly"),
            ],
            [
                InlineKeyboardButton(texts.QUIET_ON, callback_data="bq:1"),
                InlineKeyboardButton(texts.QUIET_OFF, callback_data="bq:0"),
            ],
        ]
    )


async def delivery(update: Update, context: BotContext) -> None:
    """/bantin: how the chat receives news, with buttons; /bantin 06:30 moves the digest."""
    message = message_of(update)
    chat_id = str(chat_of(update).id)
    desk = _desk(context)
    words = " ".join(context.args or []).strip()
    if words:
        found = _HHMM.match(words)
        if found is None:
            await message.reply_text(texts.DIGEST_TIME_INVALID)
            return
        if not await _may_change(update, context):
            await _refuse_member(update, context)
            return
        at = f"{int(found[1]):02d}:{found[2]}"
        view: SubscriberView | None = await asyncio.to_thread(
            lambda: desk.configure(CHANNEL, chat_id, digest_at=at)
        )
    else:
        view = await asyncio.to_thread(desk.subscriber, CHANNEL, chat_id)
    await message.reply_text(render_delivery_settings(view), reply_markup=_settings_keyboard())


async def mode_button(update: Update, context: BotContext) -> None:
    """⚡ / 🗓 / 📅 / 🌙: change how the chat receives news."""
    query = query_of(update)
    kind, _, value = (query.data or ":").partition(":")
    if not await _may_change(update, context):
        await _refuse_member(update, context)
        return
    chat_id = str(chat_of(update).id)
    desk = _desk(context)
    if kind == "bm":
        mode = DeliveryMode(value)
        view = await asyncio.to_thread(lambda: desk.configure(CHANNEL, chat_id, mode=mode))
    else:
        quiet = value == "1"
        view = await asyncio.to_thread(lambda: desk.configure(CHANNEL, chat_id, quiet_hours=quiet))
    await _answer(update, context)
    await query.edit_message_text(render_delivery_settings(view), reply_markup=_settings_keyboard())


# -- /kenh (admins of the bot) -------------------------------------------------------------

_CATEGORY_CUE = re.compile(r"^(?:chuyen muc|chuyên mục)\s+", re.IGNORECASE)


async def attach_channel(update: Update, context: BotContext) -> None:
    """/kenh @kênh [chuyên mục X | từ khóa]: post new articles there, if the bot may."""
    message = message_of(update)
    args = context.args or []
    if not args or not args[0].startswith("@") or len(args[0]) > 65:
        await message.reply_text(texts.CHANNEL_HOW)
        return
    name, rest = args[0], " ".join(args[1:]).strip()
    shown = HTML.escape(name)
    try:
        member = await context.bot.get_chat_member(name, context.bot.id)
    except TelegramError:
        await message.reply_text(texts.CHANNEL_NOT_FOUND.format(name=shown))
        return
    if member.status != ChatMemberStatus.ADMINISTRATOR or not getattr(
        member, "can_post_messages", False
    ):
        await message.reply_text(texts.CHANNEL_NOT_ADMIN.format(name=shown))
        return
    desk = _desk(context)
    try:
        what = await asyncio.to_thread(_attach, context, desk, name, rest)
    except SubscriptionRefused as refused:
        await message.reply_text(render_refusal(refused.reason))
        return
    if what is None:
        label = HTML.escape(_CATEGORY_CUE.sub("", rest)[:100])
        await message.reply_text(texts.CHANNEL_NO_CATEGORY.format(label=label))
        return
    await message.reply_text(texts.CHANNEL_ATTACHED.format(name=shown, what=what))


def _attach(context: BotContext, desk: NewsDesk, name: str, rest: str) -> str | None:
    """Subscribe the channel (no quiet hours: the department's own channel); what it gets, or
    None for a category that does not exist."""
    desk.configure(CHANNEL, name, quiet_hours=False)
    if not rest:
        desk.follow_everything(CHANNEL, name)
        return texts.CHANNEL_EVERYTHING
    cued = _CATEGORY_CUE.match(rest)
    if cued:
        wanted = fold(rest[cued.end() :].strip().lower())
        categories = context.state.archive.categories()
        category = next((c.name for c in categories if fold(c.name.lower()) == wanted), None)
        if category is None:
            return None
        desk.follow_category(CHANNEL, name, category)
        return texts.CHANNEL_CATEGORY.format(label=HTML.escape(category))
    subscribed = desk.subscribe(CHANNEL, name, rest)
    return texts.CHANNEL_TOPIC.format(
        label=HTML.escape(subscription_label(subscribed.subscription))
    )


# -- /thongbao (admins of the bot) ---------------------------------------------------------

ANNOUNCE_PATTERN = r"^a:(?:ok|no)$"
ANNOUNCE_CHARS = 3500  # with its heading, within one message
_PENDING = "announcement"


async def announce(update: Update, context: BotContext) -> None:
    """/thongbao <nội dung>: shown back with ✅ Gửi / ✖️ Hủy before anything is sent."""
    message = message_of(update)
    text = (message.text or "").partition(" ")[2].strip()
    if not text:
        await message.reply_text(texts.ANNOUNCE_HOW)
        return
    if len(text) > ANNOUNCE_CHARS:
        await message.reply_text(texts.ANNOUNCE_TOO_LONG.format(chars=ANNOUNCE_CHARS))
        return
    stats = await asyncio.to_thread(_desk(context).stats)
    assert context.user_data is not None
    context.user_data[_PENDING] = text
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.ANNOUNCE_SEND_BUTTON, callback_data="a:ok"),
                InlineKeyboardButton(texts.ANNOUNCE_CANCEL_BUTTON, callback_data="a:no"),
            ]
        ]
    )
    confirm = texts.ANNOUNCE_CONFIRM.format(chats=stats.chats, text=HTML.escape(text))
    await message.reply_text(confirm, reply_markup=keyboard)


async def announce_button(update: Update, context: BotContext) -> None:
    """✅ Gửi: the announcement joins the delivery log (sent like news); ✖️ Hủy: forgotten."""
    query = query_of(update)
    if not context.state.is_admin(update.effective_user.id if update.effective_user else None):
        await _answer(update, context, _plain(texts.ADMIN_ONLY))
        return
    assert context.user_data is not None
    text = context.user_data.pop(_PENDING, None)
    await _answer(update, context)
    if text is None:
        await query.edit_message_text(texts.ANNOUNCE_EXPIRED)
        return
    if query.data == "a:no":
        await query.edit_message_text(texts.ANNOUNCE_CANCELLED)
        return
    chats = await asyncio.to_thread(_desk(context).announce, text)
    await query.edit_message_text(texts.ANNOUNCE_SENT.format(chats=chats))
