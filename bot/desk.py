"""The news desk (subscriptions and the delivery log) of a running bot, from its settings;
shared by every channel of the process (bot/news.py for Telegram, bot/zalo/news.py for Zalo)."""

from __future__ import annotations

from datetime import time as clock_time

from index import Archive, NewsDesk, QuietHours

from .settings import Settings

__all__ = ["news_desk", "quiet_hours"]


def quiet_hours(text: str) -> QuietHours:
    """QUIET_HOURS ("22:00-06:00") as the news desk wants it."""
    start, end = (clock_time.fromisoformat(part) for part in text.split("-"))
    return QuietHours(start, end)


def news_desk(archive: Archive, settings: Settings) -> NewsDesk:
    """The process's news desk, holding instant news in the configured quiet hours."""
    return NewsDesk(archive, quiet_hours=quiet_hours(settings.quiet_hours))
