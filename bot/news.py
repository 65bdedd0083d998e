"""Delivering news: the job that runs every NEWS_CHECK_SECONDS in the running bot.

It asks the news desk to match what the outbox holds (articles stored by this process or any
other), claims the deliveries whose time has come (each claimed once, ever: the delivery log
in the database), and sends them at a lower priority than answers to questions: at most
DELIVERY_PER_SECOND messages a second in all (Telegram allows about 30, the rest is left to
answers), one a second per chat, through the application's rate limiter (20 a minute per group,
retries on 429). A chat that blocked the bot or is gone has its subscriptions paused.

A digest is one message: its first page, with ◀ Trước · i/N · Sau ▶ when it is long (the
buttons are `handlers.digest_page`'s). A channel's posts carry no buttons that need the bot,
so a digest posted there (none can be chosen for a channel today) comes in parts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from index import DeliveryMode, DeliveryStatus, NewsDesk, NewsItem, Outgoing, PendingDelivery

from . import texts
from .context import BotContext
from .keyboards import digest_keyboard
from .render import HTML
from .render.news import (
    digest_page_count,
    render_digest,
    render_digest_page,
    render_news_group,
    render_news_item,
)
from .subscribe import CHANNEL, is_channel, news_keyboard

__all__ = ["deliver_news", "GROUPED_FROM"]

log = logging.getLogger(__name__)

GROUPED_FROM = 4  # more than 3 articles at once for a chat: one message
CLAIM_BATCH = 500


async def deliver_news(context: BotContext) -> None:
    """Match new articles to subscriptions, then send what is due (a JobQueue job)."""
    state = context.state
    if state.delivering:  # a flood takes minutes: the ticks meanwhile have nothing to do
        return
    state.delivering = True
    try:
        await _deliver(context, state.news)
    finally:
        state.delivering = False


async def _deliver(context: BotContext, desk: NewsDesk) -> None:
    try:
        await asyncio.to_thread(desk.process)
    except Exception:  # noqa: BLE001 - a failed pass is retried at the next tick
        log.exception("matching news failed")
    while True:
        claimed = await asyncio.to_thread(desk.claim, CLAIM_BATCH, CHANNEL)
        if not claimed:
            return
        # Read and render the whole batch in one worker thread, then only send: the event
        # loop stays free for answers to questions.
        prepared = await asyncio.to_thread(_render_batch, desk, claimed)
        sent: list[PendingDelivery] = []
        await asyncio.gather(
            *(
                _send_chat(context, desk, chat_id, claimed[(channel, chat_id)], messages, sent)
                for (channel, chat_id), messages in prepared.items()
            )
        )
        # One write for the batch's successes: the write lock stays free for answers.
        await asyncio.to_thread(desk.finish, sent, DeliveryStatus.SENT)


def _render_batch(
    desk: NewsDesk, claimed: dict[tuple[str, str], list[PendingDelivery]]
) -> dict[tuple[str, str], list[tuple[str, InlineKeyboardMarkup | None]]]:
    rendered = {}
    for chat, outgoing in desk.prepare(claimed).items():
        said = [
            (texts.ANNOUNCEMENT.format(text=HTML.escape(t)), None) for t in outgoing.announcements
        ]
        channel = is_channel(chat[1])
        if outgoing.mode is not DeliveryMode.INSTANT and outgoing.items and not channel:
            rendered[chat] = [*said, _digest(desk, claimed[chat], outgoing)]
        else:
            rendered[chat] = said + _messages(outgoing.items, outgoing.mode, channel=channel)
    return rendered


def _digest(
    desk: NewsDesk, deliveries: Sequence[PendingDelivery], outgoing: Outgoing
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A digest as one message: its first page, with page buttons when it has several (their
    data names the digest, recorded in the delivery log so that any page can be rebuilt)."""
    weekly = outgoing.mode is DeliveryMode.WEEKLY
    pages = digest_page_count(outgoing.items)
    markup = None
    if pages > 1:
        markup = digest_keyboard(desk.keep_digest(deliveries), weekly, 0, pages)
    return render_digest_page(outgoing.items, weekly, HTML), markup


async def _send_chat(
    context: BotContext,
    desk: NewsDesk,
    chat_id: str,
    deliveries: Sequence[PendingDelivery],
    messages: Sequence[tuple[str, InlineKeyboardMarkup | None]],
    sent: list[PendingDelivery],
) -> None:
    """Send one chat its messages, paced; a failure is recorded at once, a success added to
    `sent` (recorded with the batch's)."""
    for text, markup in messages:
        await context.state.pacer.wait(chat_id)
        error = await _send(context, chat_id, text, markup)
        if error is not None:
            await asyncio.to_thread(desk.finish, deliveries, DeliveryStatus.FAILED, error)
            if error in ("forbidden", "chat not found"):
                log.info("chat %s cannot be reached (%s): subscriptions paused", chat_id, error)
                await asyncio.to_thread(desk.pause, CHANNEL, chat_id, error)
            return
    sent.extend(deliveries)


def _messages(
    items: Sequence[NewsItem], mode: DeliveryMode, *, channel: bool = False
) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    if not items:
        return []
    if mode is not DeliveryMode.INSTANT:  # a channel's posts carry no buttons: in parts
        pages = render_digest(items, mode is DeliveryMode.WEEKLY, HTML)
        return [(page, None) for page in pages]
    if len(items) >= GROUPED_FROM:
        return [(page, None) for page in render_news_group(items, HTML)]
    found = []
    for item in items:
        markup = None
        if item.subscription_id is not None and item.because and not channel:
            markup = news_keyboard(item.subscription_id, item.because)
        found.append((render_news_item(item, HTML, channel_post=channel), markup))
    return found


async def _send(
    context: BotContext, chat_id: str, text: str, markup: InlineKeyboardMarkup | None
) -> str | None:
    """Send one message; None when it went, else why not (a short code)."""
    for _ in range(2):
        try:
            target: int | str = chat_id if is_channel(chat_id) else int(chat_id)
            await context.bot.send_message(target, text, reply_markup=markup)
            return None
        except Forbidden:
            return "forbidden"
        except BadRequest as exc:
            if "chat not found" in str(exc).lower():
                return "chat not found"
            log.warning("a delivery to %s was refused: %s", chat_id, exc)
            return "bad request"
        except RetryAfter as exc:  # the rate limiter's own retries were not enough
            wait = exc.retry_after
            await asyncio.sleep(wait.total_seconds() if hasattr(wait, "total_seconds") else wait)
        except TelegramError as exc:
            log.warning("a delivery to %s failed: %s", chat_id, exc)
            return "error"
    return "flood"
