"""Admin commands on Zalo (ZALO_ADMIN_IDS): /stats, /reindex [full], /crawl, /xoa. Zalo cannot
edit a message, so long work says when it starts and when it ends."""

from __future__ import annotations

import asyncio
import html
import logging
import re
import time
from typing import TYPE_CHECKING

from index.crawl import UnknownSource

from .. import texts
from ..crawl_jobs import CrawlOutcome
from ..logs import Redactor
from ..render import PLAIN, render_crawl_summary, render_reindex_done, render_stats
from .render import ZALO_LIMIT, fit
from .updates import ZaloMessage

if TYPE_CHECKING:
    from .service import ZaloBot

__all__ = ["ZaloAdmin", "FULL", "MAX_TAKE_DOWNS"]

log = logging.getLogger(__name__)

FULL = ("full", "all")
MAX_TAKE_DOWNS = 50
ERROR_REPORT_EVERY = 60.0  # seconds: at most one error report to admins per minute


class ZaloAdmin:
    """The admin commands of one Zalo bot."""

    def __init__(self, bot: ZaloBot) -> None:
        self.bot = bot

    async def run(self, message: ZaloMessage, name: str, argument: str) -> None:
        """One admin command, already checked to come from a Zalo admin."""
        chat = message.chat_id
        log.info("/%s from Zalo admin %s", name, message.user_id)
        if name == "stats":
            found = await asyncio.to_thread(self.bot.archive.stats)
            health = await asyncio.to_thread(self.bot.crawls.health)
            await self.bot.send(chat, fit([render_stats(found, PLAIN, health)]))
        elif name == "reindex":
            await self._reindex(chat, argument.lower() in FULL)
        elif name == "crawl":
            await self._crawl(chat, argument)
        elif name == "xoa":
            await self._take_down(chat, argument)
        else:
            await self.bot.send(chat, [texts.ZALO_INGEST_TELEGRAM_ONLY])

    async def _reindex(self, chat: str, full: bool) -> None:
        """/reindex [full]: rebuild in the background; the old index answers meanwhile."""
        flag = self.bot.reindex_flag
        if flag.reindexing:
            await self.bot.send(chat, [texts.REINDEX_BUSY])
            return
        flag.reindexing = True
        await self.bot.send(chat, [texts.REINDEX_STARTED])

        async def work() -> None:
            try:
                report = await asyncio.to_thread(self.bot.archive.reindex, full=full)
            except Exception:
                log.exception("reindex failed; the old index stays in use")
                await self.bot.send(chat, [texts.REINDEX_FAILED])
                return
            finally:
                flag.reindexing = False
            await self.bot.send(chat, [render_reindex_done(report)])

        task = asyncio.get_running_loop().create_task(work(), name="zalo reindex")
        self.bot._tasks.add(task)
        task.add_done_callback(self.bot._tasks.discard)

    async def _crawl(self, chat: str, argument: str) -> None:
        """/crawl [nguồn|url]: crawl in the background, then the report."""
        if self.bot.crawls.busy:
            await self.bot.send(chat, [texts.CRAWL_BUSY])
            return
        try:
            targets = self.bot.crawls.targets(argument)
        except UnknownSource:
            known = [s.name for s in self.bot.crawls.sources.sources]
            await self.bot.send(chat, [html.unescape(texts.unknown_source(argument, known))])
            return
        if not targets:
            await self.bot.send(chat, [texts.NO_ENABLED_SOURCE])
            return

        async def work() -> None:
            await self.bot.send(chat, [texts.CRAWL_STARTED])
            outcomes: list[CrawlOutcome] = [await self.bot.crawls.crawl(t) for t in targets]
            await self.bot.send(chat, render_crawl_summary(outcomes, PLAIN, ZALO_LIMIT))

        self.bot.crawls.start(work(), name="crawl by hand (Zalo)")

    async def _take_down(self, chat: str, argument: str) -> None:
        """/xoa <số bài | địa chỉ bài>…"""
        targets: list[int | str] = []
        for word in argument.split()[:MAX_TAKE_DOWNS]:
            if re.fullmatch(r"[0-9]{1,18}", word):
                targets.append(int(word))
            elif word.lower().startswith(("http://", "https://")):
                targets.append(word)
        if not targets:
            await self.bot.send(chat, [texts.TAKE_DOWN_HOW])
            return
        done = await asyncio.to_thread(self.bot.archive.delete, targets)
        said = texts.taken_down(list(done.deleted), [str(m) for m in done.missing])
        await self.bot.send(chat, fit([html.unescape(said)]))

    async def report_error(self, error: Exception) -> None:
        """Tell the admins what went wrong (its kind and first line; at most once a minute)."""
        moment = time.monotonic()
        if not self.bot.admin_ids or moment - self.bot.last_report < ERROR_REPORT_EVERY:
            return
        self.bot.last_report = moment
        lines = str(error).strip().splitlines()
        detail = Redactor(self.bot.secrets).redact(lines[0][:300]) if lines else ""
        report = texts.ZALO_ERROR_REPORT.format(kind=type(error).__name__, detail=detail)
        for admin in sorted(self.bot.admin_ids):
            await self.bot.send(admin, [report])
