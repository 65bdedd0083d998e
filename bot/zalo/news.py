"""Delivering news to Zalo chats: the Zalo side of bot/news.py, run by the process that serves
Zalo (alone or beside Telegram) every NEWS_CHECK_SECONDS.

It matches what the outbox holds (`NewsDesk.process`, safe from any number of processes),
claims only the Zalo deliveries that are due (the same delivery log as Telegram's: each
delivery is claimed once, ever, so nothing is sent twice across restarts, crashes or replicas),
renders them as plain text within 2,000 characters — "Vì bạn theo dõi: …" and how to stop as
words to type — and sends them through `ZaloBot.send`, paced. A chat that blocked the bot has
its subscriptions paused, like a 403 on Telegram.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from index import DeliveryMode, DeliveryStatus, NewsDesk, NewsItem, PendingDelivery

from .. import texts
from ..conversation import Channel
from ..pacing import Pacer
from ..render import PLAIN
from ..render.news import render_digest, render_news_group, render_news_item, subscription_label
from .render import ZALO_LIMIT, fit

if TYPE_CHECKING:
    from .service import ZaloBot

__all__ = ["CHANNEL", "deliver_news", "deliver_due", "render_news", "ZALO_PER_SECOND"]

log = logging.getLogger(__name__)

CHANNEL = Channel.ZALO.value
GROUPED_FROM = 4  # as on Telegram: more than 3 articles at once for a chat make one message
CLAIM_BATCH = 500
ZALO_PER_SECOND = 10.0  # deliveries a second in all; answers to questions keep the rest


async def deliver_news(bot: ZaloBot, desk: NewsDesk, every: float, *, match: bool = True) -> None:
    """Every `every` seconds, deliver what is due (a task of the running Zalo bot); `match`:
    match new articles first (not when the Telegram job of the same process does)."""
    pacer = Pacer(ZALO_PER_SECOND)
    while True:
        try:
            await deliver_due(bot, desk, pacer, match=match)
        except Exception:  # noqa: BLE001 - a failed pass is retried at the next tick
            log.exception("delivering news to Zalo failed")
        await asyncio.sleep(every)


async def deliver_due(
    bot: ZaloBot, desk: NewsDesk, pacer: Pacer | None = None, *, match: bool = True
) -> int:
    """Match new articles, then send every due Zalo delivery; how many chats were written to."""
    pacer = pacer or Pacer(ZALO_PER_SECOND)
    try:
        if match:
            await asyncio.to_thread(desk.process)
    except Exception:  # noqa: BLE001 - matching is retried at the next tick
        log.exception("matching news failed")
    chats = 0
    while True:
        claimed = await asyncio.to_thread(desk.claim, CLAIM_BATCH, CHANNEL)
        if not claimed:
            return chats
        prepared = await asyncio.to_thread(_render_batch, desk, claimed)
        sent: list[PendingDelivery] = []
        await asyncio.gather(
            *(
                _send_chat(bot, desk, pacer, chat_id, claimed[(channel, chat_id)], messages, sent)
                for (channel, chat_id), messages in prepared.items()
            )
        )
        await asyncio.to_thread(desk.finish, sent, DeliveryStatus.SENT)
        chats += len(prepared)


def _render_batch(
    desk: NewsDesk, claimed: dict[tuple[str, str], list[PendingDelivery]]
) -> dict[tuple[str, str], list[str]]:
    rendered = {}
    for chat, outgoing in desk.prepare(claimed).items():
        numbers = {
            s.subscription_id: (n, subscription_label(s))
            for n, s in enumerate(desk.subscriptions(*chat), start=1)
        }
        said = [_plain(texts.ANNOUNCEMENT).format(text=t) for t in outgoing.announcements]
        rendered[chat] = fit(said) + render_news(outgoing.items, outgoing.mode, numbers)
    return rendered


def render_news(
    items: Sequence[NewsItem],
    mode: DeliveryMode,
    numbers: dict[int, tuple[int, str]] | None = None,
) -> list[str]:
    """News for one Zalo chat as plain messages of at most 2,000 characters; `numbers` gives
    each subscription's place in the chat's list ("bỏ theo dõi <số>") and its label."""
    if not items:
        return []
    numbers = numbers or {}
    if mode is not DeliveryMode.INSTANT:
        pages = render_digest(items, mode is DeliveryMode.WEEKLY, PLAIN, limit=ZALO_LIMIT)
        return fit([*pages, texts.NEWS_UNFOLLOW_ANY_WORDS])
    if len(items) >= GROUPED_FROM:
        return fit([*render_news_group(items, PLAIN, ZALO_LIMIT), texts.NEWS_UNFOLLOW_ANY_WORDS])
    messages = []
    for item in items:
        place = numbers.get(item.subscription_id or 0)
        unfollow = (
            texts.NEWS_UNFOLLOW_WORDS.format(number=place[0], label=place[1])
            if place
            else texts.NEWS_UNFOLLOW_ANY_WORDS
        )
        messages.append(render_news_item(item, PLAIN, limit=ZALO_LIMIT, unfollow=unfollow))
    return messages


async def _send_chat(
    bot: ZaloBot,
    desk: NewsDesk,
    pacer: Pacer,
    chat_id: str,
    deliveries: Sequence[PendingDelivery],
    messages: Sequence[str],
    sent: list[PendingDelivery],
) -> None:
    """Send one chat its messages, paced; a failure is recorded at once (a blocked chat is
    paused), a success added to `sent`."""
    for text in messages:
        await pacer.wait(chat_id)
        if await bot.send(chat_id, [text]):
            continue
        blocked = bot.blocked(chat_id)
        error = "forbidden" if blocked else "error"
        await asyncio.to_thread(desk.finish, deliveries, DeliveryStatus.FAILED, error)
        if blocked:
            log.info("Zalo chat %s blocked the bot: its subscriptions are paused", chat_id)
            await asyncio.to_thread(desk.pause, CHANNEL, chat_id, error)
        return
    sent.extend(deliveries)


def _plain(template: str) -> str:
    return template.replace("<b>", "").replace("</b>", "")
