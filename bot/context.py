"""What every handler shares, and the typed context handlers receive it through.

`BotContext` is registered with `ContextTypes(context=BotContext)`, so a handler reads
`context.state` (typed) instead of digging in `bot_data`.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from index import Archive, NewsDesk
from index.crawl import SourcesFile

from .conversation import ChatKeys, Conversation
from .crawl_jobs import CrawlJobs
from .department import load_department
from .desk import news_desk
from .pacing import Pacer
from .questions import QuestionCache
from .service import ServiceState
from .settings import Settings
from .throttle import Throttle

__all__ = ["AnsweredQueries", "BotState", "BotContext", "BotApplication", "STATE_KEY"]

STATE_KEY = "state"
BUTTON_FACTOR = 3  # a button press costs a third of a question
INLINE_FACTOR = 4  # inline queries arrive as the user types


class AnsweredQueries:
    """The button presses answered lately: Telegram refuses a second answer to one, so the
    error handler must know whether the handler that failed had answered already."""

    def __init__(self, size: int = 4096) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._size = size

    def add(self, query_id: str) -> None:
        """Remember that this press was answered."""
        self._ids[query_id] = None
        while len(self._ids) > self._size:
            self._ids.popitem(last=False)

    def __contains__(self, query_id: object) -> bool:
        return query_id in self._ids


@dataclass
class BotState:
    """The archive, the settings, the conversation core, the crawls, and the bot's own
    short-term memory (where each chat stands is in the database, through the core)."""

    archive: Archive
    settings: Settings
    conversation: Conversation
    crawls: CrawlJobs
    questions: QuestionCache
    throttle: Throttle  # messages: questions and commands
    button_throttle: Throttle  # button presses: page turns come in quick runs
    inline_throttle: Throttle  # inline queries: one per pause in typing
    news: NewsDesk  # subscriptions and the delivery of news
    pacer: Pacer  # deliveries below Telegram's limits
    reindexing: bool = False
    delivering: bool = False  # the news job is sending (bot.news)
    last_error_report: float = field(default=-1e9)  # monotonic time admins were last told
    answered: AnsweredQueries = field(default_factory=AnsweredQueries)
    service: ServiceState = field(default_factory=ServiceState)

    @classmethod
    def create(cls, archive: Archive, settings: Settings, sources: SourcesFile) -> BotState:
        """Fresh state for a starting bot."""
        burst, per_minute = settings.user_burst, settings.user_per_minute
        news = news_desk(archive, settings)
        return cls(
            archive=archive,
            settings=settings,
            conversation=Conversation(
                archive,
                ChatKeys(settings.chat_secret()),
                contact=load_department(settings.department_file),
                news=news,
            ),
            crawls=CrawlJobs(archive, sources, settings.crawl_lease_seconds),
            questions=QuestionCache(settings.query_cache_size),
            throttle=Throttle(burst, per_minute, name="message"),
            button_throttle=Throttle(
                burst * BUTTON_FACTOR, per_minute * BUTTON_FACTOR, name="button"
            ),
            inline_throttle=Throttle(
                burst * INLINE_FACTOR, per_minute * INLINE_FACTOR, name="inline"
            ),
            news=news,
            pacer=Pacer(settings.delivery_per_second),
        )

    def is_admin(self, user_id: int | None) -> bool:
        """True for the users listed in ADMIN_IDS."""
        return user_id is not None and user_id in self.settings.admin_ids

    def may_report_error(self, every: float) -> bool:
        """True at most once every `every` seconds: admins are told of errors, not flooded."""
        moment = time.monotonic()
        if moment - self.last_error_report < every:
            return False
        self.last_error_report = moment
        return True


class BotContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The context of every handler, with the bot's shared state typed."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def state(self) -> BotState:
        """The running bot's shared state."""
        state: BotState = self.bot_data[STATE_KEY]
        return state


BotApplication = Application[
    ExtBot[int],  # AIORateLimiter's retry argument
    BotContext,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[Any],
]
"""The running bot's Application, with its context type."""
