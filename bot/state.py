"""What every handler shares, kept in `bot_data` under one key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from index import SearchEngine
from index.crawl import SourcesFile

from .crawling import BotCrawler
from .queries import QueryCache
from .settings import Settings
from .throttle import Throttle

if TYPE_CHECKING:
    from telegram.ext import ContextTypes

__all__ = ["BotState", "get_state", "STATE_KEY"]

STATE_KEY = "state"
BUTTON_FACTOR = 3  # a button press costs a third of a question


@dataclass
class BotState:
    """The search engine, the settings, the crawls, and the bot's own short-term memory."""

    engine: SearchEngine
    settings: Settings
    crawler: BotCrawler
    queries: QueryCache
    throttle: Throttle  # messages: questions and commands
    button_throttle: Throttle  # button presses: page turns come in quick runs
    reindexing: bool = False

    @classmethod
    def create(cls, engine: SearchEngine, settings: Settings, sources: SourcesFile) -> BotState:
        """Fresh state for a starting bot."""
        return cls(
            engine=engine,
            settings=settings,
            crawler=BotCrawler(engine, sources),
            queries=QueryCache(settings.query_cache_size),
            throttle=Throttle(settings.user_burst, settings.user_per_minute),
            button_throttle=Throttle(
                settings.user_burst * BUTTON_FACTOR, settings.user_per_minute * BUTTON_FACTOR
            ),
        )

    def is_admin(self, user_id: int | None) -> bool:
        """True for the users listed in ADMIN_IDS."""
        return user_id is not None and user_id in self.settings.admin_ids


def get_state(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    """The shared state of the running bot."""
    return context.bot_data[STATE_KEY]  # type: ignore[no-any-return]
