"""The Zalo channel: updates in (long polling or a webhook), the conversation core in a worker
thread, plain-text replies out.

Zalo has no buttons, so every next step is a word to type (the core's typed twins); admin
commands work for ZALO_ADMIN_IDS except /ingest (Zalo sends no files to bots). Updates are
handled concurrently (at most CONCURRENT_UPDATES at once), each answered once by its message id.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from index import Archive, ArticleNotFound, NewsDesk, lower

from .. import texts
from ..conversation import (
    Action,
    Channel,
    Conversation,
    Forget,
    Help,
    Incoming,
    ListKind,
    ListRef,
    ReadArticle,
    ShowCategories,
    ShowPage,
    Start,
)
from ..crawl_jobs import CrawlJobs
from ..ratelimit import Throttle
from .admin import ZaloAdmin
from .api import ZaloAPI, ZaloError, ZaloForbidden, ZaloRetryable, ZaloUnauthorized
from .render import ZALO_LIMIT, ReadOn, article_pieces, article_window, render_turn
from .seen import SeenMessages
from .updates import ZaloMessage, parse_update

__all__ = ["ZaloBot", "ZaloWebhook", "ReindexFlag", "POLL_SECONDS"]

log = logging.getLogger(__name__)

POLL_SECONDS = 30  # getUpdates' long-polling timeout
MAX_POLL_BACKOFF = 30.0
MAX_TEXT_CHARS = 4000  # longer messages are cut: no question is that long
READ_ON = ("đọc tiếp", "doc tiep", "xem tiếp", "xem tiep", "đọc phần sau", "doc phan sau")
_COMMAND = re.compile(r"^/([A-Za-z_]+?)(?:_([0-9]{1,18}))?(?:@\S+)?(?:\s+(.*))?$", re.DOTALL)
ADMIN_COMMANDS = frozenset({"reindex", "stats", "crawl", "xoa", "ingest"})
MAX_READING = 10_000  # chats whose "đọc tiếp" place is remembered


@dataclass(frozen=True)
class ZaloWebhook:
    """Where Zalo posts updates, where this process listens, and the secret it must send."""

    url: str
    listen: str
    port: int
    secret_token: str


class ReindexFlag(Protocol):
    """Whether a reindex runs: the Zalo bot's own, or shared with the Telegram bot's state so
    that the two channels never rebuild at once."""

    reindexing: bool


@dataclass
class _OwnFlag:
    reindexing: bool = False


@dataclass
class ZaloBot:
    """One Zalo bot sharing the engine (archive, conversation core, crawls) with any other
    channel of the process. `start()` it in a running event loop, `stop()` it at shutdown."""

    api: ZaloAPI
    archive: Archive
    conversation: Conversation
    crawls: CrawlJobs
    admin_ids: frozenset[str] = frozenset()
    throttle: Throttle = field(default_factory=lambda: Throttle(5, 20.0))
    concurrency: int = 64
    webhook: ZaloWebhook | None = None
    seen: SeenMessages = field(default_factory=SeenMessages)
    account: str = ""
    reindex_flag: ReindexFlag = field(default_factory=_OwnFlag)
    secrets: tuple[str, ...] = ()  # never quoted in an error report
    news: NewsDesk | None = None  # subscriptions: news delivered to Zalo chats (bot/zalo/news.py)
    news_every: float = 0.0  # seconds between deliveries (0: none in this process)
    matches_news: bool = True  # False beside Telegram: its news job matches new articles
    _delivery: asyncio.Task[None] | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _slots: asyncio.Semaphore | None = None
    _poller: asyncio.Task[None] | None = None
    _server: Callable[[], Awaitable[None]] | None = None  # stops the webhook server
    _reading: OrderedDict[str, ReadOn] = field(default_factory=OrderedDict)
    _blocked: set[str] = field(default_factory=set)
    last_report: float = -1e9  # when admins were last told of an error

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Check the token (ZaloUnauthorized), then poll or serve the webhook."""
        self._slots = asyncio.Semaphore(self.concurrency)
        try:
            me = await self.api.get_me()
        except BaseException:
            await self.api.close()
            raise
        self.account = str(me.get("account_name") or me.get("id") or "")
        self._start_news()
        if self.webhook is None:
            await self.api.delete_webhook()  # getUpdates does not work while a webhook is set
            self._poller = asyncio.get_running_loop().create_task(self._poll(), name="zalo poll")
            self._poller.add_done_callback(_log_end)
            log.info("Zalo bot %s is polling with %d admin(s)", self.account, len(self.admin_ids))
            return
        from .webhook import serve_webhook

        self._server = await serve_webhook(self, self.webhook)
        try:
            await self.api.set_webhook(self.webhook.url, self.webhook.secret_token)
        except BaseException:
            await self._server()
            await self.api.close()
            raise
        log.info(
            "Zalo bot %s takes updates on port %d with %d admin(s)",
            self.account,
            self.webhook.port,
            len(self.admin_ids),
        )

    async def stop(self) -> None:
        """Stop taking updates, finish the ones in hand, close the connections."""
        if self._delivery is not None:
            self._delivery.cancel()
            await asyncio.gather(self._delivery, return_exceptions=True)
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
        if self._server is not None:
            await self._server()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=20)
        await self.api.close()
        log.info("Zalo bot stopped")

    def _start_news(self) -> None:
        """Deliver news to Zalo chats every `news_every` seconds (when this process does)."""
        self._delivery = _news_task(self)

    async def _poll(self) -> None:
        """getUpdates, one update a call, each handled in its own task; errors back off."""
        delay = 1.0
        slots = self._slots
        assert slots is not None
        while True:
            async with slots:  # no new update while CONCURRENT_UPDATES are in hand
                pass
            try:
                message = await self.api.get_update(POLL_SECONDS)
            except ValueError as exc:
                log.warning("ignored an update Zalo sent: %s", exc)
                continue
            except ZaloUnauthorized:
                log.error("ZALO_BOT_TOKEN was refused by the Zalo Bot API; Zalo polling stops")
                return
            except ZaloError as exc:
                log.warning("getUpdates failed (%s); trying again in %.0f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_POLL_BACKOFF)
                continue
            delay = 1.0
            if message is not None:
                self.dispatch(message)

    def dispatch(self, message: ZaloMessage) -> None:
        """Handle a message in its own task (a slot of CONCURRENT_UPDATES)."""
        task = asyncio.get_running_loop().create_task(self._slotted(message), name="zalo update")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def dispatch_json(self, data: object) -> bool:
        """A webhook's body: False (and nothing done) when it is not an update."""
        try:
            message = parse_update(data)
        except ValueError as exc:
            log.warning("refused a webhook post: %s", exc)
            return False
        self.dispatch(message)
        return True

    async def _slotted(self, message: ZaloMessage) -> None:
        assert self._slots is not None
        async with self._slots:
            try:
                await self.handle(message)
            except Exception as exc:
                log.error("error while handling Zalo message %s", message.message_id, exc_info=True)
                await self.send(message.chat_id, [texts.SOMETHING_WENT_WRONG])
                await ZaloAdmin(self).report_error(exc)

    # -- one message ------------------------------------------------------------------------

    async def handle(self, message: ZaloMessage) -> None:
        """Answer one message, once."""
        if not await asyncio.to_thread(self.seen.first, message.message_id):
            log.info("message %s was answered already: not again", message.message_id)
            return
        if not message.private:
            return  # a basic Zalo bot cannot be in groups; nothing to answer there
        admin = message.user_id in self.admin_ids
        if not admin:
            wait = self.throttle.wait_seconds(message.user_id)
            if wait:
                log.info("Zalo user %s throttled for %d s", message.user_id, wait)
                await self.send(message.chat_id, [texts.THROTTLED.format(seconds=wait)])
                return
        if message.text is None or not message.text.strip():
            await self.send(message.chat_id, [texts.TEXT_ONLY])
            return
        text = " ".join(message.text[:MAX_TEXT_CHARS].split())
        if text.startswith("/"):
            await self._command(message, text, admin)
        elif _plain(text) in READ_ON:
            await _read_on(self, message.chat_id)
        else:
            await self._converse(message, text=text)

    async def _converse(
        self,
        message: ZaloMessage,
        *,
        text: str | None = None,
        action: Action | None = None,
        admin: bool = False,
    ) -> None:
        """Ask the core in a worker thread (typing meanwhile), then send its reply."""
        incoming = Incoming(
            channel=Channel.ZALO,
            chat_id=message.chat_id,
            user_id=message.user_id,
            text=text,
            action=action,
            first_name=message.display_name,
        )
        typing = asyncio.get_running_loop().create_task(self.api.send_typing(message.chat_id))
        reply = await asyncio.to_thread(self.conversation.handle, incoming)
        messages, read_on = await asyncio.to_thread(render_turn, reply, admin=admin)
        await typing
        _keep_reading(self._reading, message.chat_id, read_on)
        await self.send(message.chat_id, messages)

    # -- commands ---------------------------------------------------------------------------

    async def _command(self, message: ZaloMessage, text: str, admin: bool) -> None:
        """/start, /help, /tim, /doc, /doc_<số>, /moi, /chuyenmuc, /xoadulieu; the admins'."""
        name, number, argument = _parsed(text)
        chat = message.chat_id
        if name in ADMIN_COMMANDS:
            if not admin:
                log.warning("refused /%s to Zalo user %s", name, message.user_id)
                await self.send(chat, [texts.ADMIN_ONLY])
                return
            await ZaloAdmin(self).run(message, name, argument)
            return
        if name == "doc" and number is None:
            number = argument if re.fullmatch(r"[0-9]{1,18}", argument) else None
            if number is None:
                await self.send(chat, [texts.DOC_NEEDS_NUMBER])
                return
        if name == "doc" and number is not None:
            await self._converse(message, action=ReadArticle(int(number)))
        elif number is not None:
            await self.send(chat, [texts.UNKNOWN_COMMAND])
        elif name == "tim":
            if not argument:
                await self.send(chat, [texts.FIND_NEEDS_QUESTION])
            else:
                await self._converse(message, text=argument)
        elif name in _TYPED:  # /theodoi, /huytheodoi: their words ("theo dõi …")
            await self._converse(message, text=f"{_TYPED[name]} {argument}".strip())
        elif name in ("start", "help", "moi", "chuyenmuc", "xoadulieu"):
            await self._converse(message, action=_ACTIONS[name](argument), admin=admin)
        else:
            await self.send(chat, [texts.UNKNOWN_COMMAND])

    # -- sending ----------------------------------------------------------------------------

    def blocked(self, chat_id: str) -> bool:
        """True when the last message to `chat_id` was refused: the user blocked the bot."""
        return chat_id in self._blocked

    async def send(self, chat_id: str, messages: list[str]) -> bool:
        """Send plain messages (each within 2,000 characters) in turn; False when they could
        not all be sent. A chat that blocked the bot is logged once, never retried. (Anything
        that writes to Zalo chats unasked, e.g. subscriptions, goes through here.)"""
        for text in messages:
            if not text.strip():
                continue
            try:
                await self.api.send_message(chat_id, text[:ZALO_LIMIT])
            except ZaloForbidden as exc:
                if chat_id not in self._blocked:
                    self._blocked.add(chat_id)
                    log.info("cannot write to Zalo chat %s (blocked?): %s", chat_id, exc)
                return False
            except ZaloRetryable as exc:
                log.warning("gave up sending to Zalo chat %s: %s", chat_id, exc)
                return False
            except ZaloError as exc:
                log.error("Zalo refused a message to chat %s: %s", chat_id, exc)
                return False
            self._blocked.discard(chat_id)
        return True


def _log_end(task: asyncio.Task[None]) -> None:
    """The polling task never ends by itself: say so loudly if it does."""
    if not task.cancelled() and task.exception() is not None:
        log.critical("Zalo polling stopped by an error", exc_info=task.exception())


_ACTIONS: dict[str, Callable[[str], Action]] = {
    "start": lambda payload: Start(payload),
    "help": lambda _: Help(),
    "moi": lambda _: ShowPage(ListRef(ListKind.LATEST), 0),
    "chuyenmuc": lambda _: ShowCategories(),
    "xoadulieu": lambda _: Forget(),
}


_TYPED = {"theodoi": "theo dõi", "huytheodoi": "bỏ theo dõi"}


def _plain(text: str) -> str:
    return " ".join(lower(text).strip(" .!?…").split())


async def _read_on(bot: ZaloBot, chat_id: str) -> None:
    """“đọc tiếp”: the next 3 messages of the article being read."""
    reading = bot._reading.get(chat_id)
    if reading is None:
        await bot.send(chat_id, [texts.ZALO_NOTHING_TO_READ_ON])
        return
    try:
        article = await asyncio.to_thread(bot.archive.article, reading.article_id)
    except ArticleNotFound:  # taken down meanwhile
        bot._reading.pop(chat_id, None)
        await bot.send(chat_id, [texts.article_not_found(reading.article_id)])
        return
    pieces = await asyncio.to_thread(article_pieces, article)
    window, next_piece = article_window(pieces, reading.next_piece)
    if next_piece is None:
        bot._reading.pop(chat_id, None)
    else:
        reading.next_piece = next_piece
    await bot.send(chat_id, window or [texts.ZALO_NOTHING_TO_READ_ON])


def _news_task(bot: ZaloBot) -> asyncio.Task[None] | None:
    if bot.news is None or not bot.news_every:
        log.info("no news delivery to Zalo chats in this process")
        return None
    from .news import deliver_news

    delivery = deliver_news(bot, bot.news, bot.news_every, match=bot.matches_news)
    task = asyncio.get_running_loop().create_task(delivery, name="zalo news")
    task.add_done_callback(_log_end)
    return task


def _parsed(text: str) -> tuple[str, str | None, str]:
    """A command's name, its number (/doc_12) and the rest of the line."""
    match = _COMMAND.match(text)
    if match is None:
        return "", None, ""
    return match[1].lower(), match[2], (match[3] or "").strip()


def _keep_reading(reading: OrderedDict[str, ReadOn], chat_id: str, read_on: ReadOn | None) -> None:
    """Where "đọc tiếp" goes on for a chat: an article cut short, or nowhere."""
    reading.pop(chat_id, None)
    if read_on is not None:
        reading[chat_id] = read_on
        while len(reading) > MAX_READING:
            reading.popitem(last=False)
