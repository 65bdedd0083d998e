"""Running the Zalo channel: built from the settings over an engine shared with any other
channel, alone (its own event loop, signals and crawl schedule) or started and stopped by the
Telegram application's hooks (bot/cli.py), in one process."""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
from collections.abc import Sequence

from index import Archive

from ..conversation import Conversation
from ..crawl_jobs import CrawlJobs
from ..ratelimit import Throttle
from ..settings import Settings
from .api import ZaloAPI
from .seen import SeenMessages
from .service import ZaloBot, ZaloWebhook

__all__ = ["build_zalo", "zalo_webhook", "serve_alone", "STOP_SIGNALS"]

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def zalo_webhook(settings: Settings) -> ZaloWebhook | None:
    """The webhook Zalo posts to (None: long polling); without a secret of 8+ characters
    configured, a random one for this run."""
    url = settings.zalo_webhook()
    if url is None:
        return None
    for configured in (settings.zalo_webhook_secret_token, settings.webhook_secret_token):
        if configured is not None and len(configured.get_secret_value()) >= 8:
            secret = configured.get_secret_value()
            break
    else:
        secret = secrets.token_urlsafe(32)
        log.warning("no ZALO_WEBHOOK_SECRET_TOKEN set: using a random one for this run")
    return ZaloWebhook(url, settings.webhook_listen, settings.zalo_webhook_port, secret)


def build_zalo(
    settings: Settings,
    archive: Archive,
    conversation: Conversation,
    crawls: CrawlJobs,
    webhook: ZaloWebhook | None = None,
) -> ZaloBot:
    """The Zalo bot over a shared engine (archive, conversation core, crawls)."""
    return ZaloBot(
        api=ZaloAPI(settings.zalo_token(), settings.zalo_api_base_url),
        archive=archive,
        conversation=conversation,
        crawls=crawls,
        admin_ids=settings.zalo_admin_ids,
        throttle=Throttle(settings.user_burst, settings.user_per_minute),
        concurrency=settings.concurrent_updates,
        webhook=webhook,
        seen=SeenMessages(archive),
        secrets=tuple(settings.secrets()),
        news=conversation.news,
        news_every=settings.news_check_seconds,
    )


async def serve_alone(
    bot: ZaloBot,
    crawl_every: float,
    stop_signals: Sequence[int] = STOP_SIGNALS,
    stopping: asyncio.Event | None = None,
    follow_every: float = 0,
) -> None:
    """Run the Zalo bot until a stop signal (or `stopping` is set), crawling the enabled sources
    on their intervals (checked every `crawl_every` seconds; 0: never), and following what
    other processes store every `follow_every` seconds (0: never)."""
    loop = asyncio.get_running_loop()
    stopping = stopping or asyncio.Event()
    for number in stop_signals:
        loop.add_signal_handler(number, stopping.set)
    crawls = bot.crawls
    await bot.start()
    schedule = None
    if crawl_every and crawls.scheduled:
        schedule = loop.create_task(_crawl_due(crawls, crawl_every), name="crawl schedule")
    follow = None
    if follow_every:
        follow = loop.create_task(_follow(bot.archive, follow_every), name="follow the index")
    try:
        await stopping.wait()
    finally:
        log.info("stopping")
        if follow is not None:
            follow.cancel()
        if schedule is not None:
            schedule.cancel()
        await bot.stop()
        await crawls.stop()


async def _follow(archive: Archive, every: float) -> None:
    """Every `every` seconds, swap in what other processes stored (see bot.service)."""
    while True:
        await asyncio.sleep(every)
        try:
            await asyncio.to_thread(archive.refresh)
        except Exception:
            log.warning("could not follow the index; retrying", exc_info=True)


async def _crawl_due(crawls: CrawlJobs, every: float) -> None:
    """Every `every` seconds, crawl (in the background) the sources whose interval has passed."""
    while True:
        await asyncio.sleep(every)
        if crawls.busy:
            continue
        try:
            due = await asyncio.to_thread(crawls.due)
        except Exception:
            log.error("could not tell which sources are due for a crawl", exc_info=True)
            continue
        if due and not crawls.busy:
            log.info("scheduled crawl of %s", ", ".join(s.name for s in due))
            crawls.start(crawls.crawl_each(due), name="scheduled crawl")
