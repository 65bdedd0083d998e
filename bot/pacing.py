"""Pacing deliveries below Telegram's limits, leaving room for answers to questions."""

from __future__ import annotations

import asyncio
import time

__all__ = ["Pacer", "PER_CHAT_SECONDS"]

PER_CHAT_SECONDS = 1.0  # Telegram: about one message a second in one chat


class Pacer:
    """Spaces deliveries: at most `per_second` in all, one a second per chat."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second
        self._next = 0.0
        self._lock = asyncio.Lock()
        self._chats: dict[str, float] = {}

    async def wait(self, chat_id: str) -> None:
        """Return when the next message to `chat_id` may go. The lock is held while waiting
        for the overall spacing, so that a stalled event loop never releases a burst."""
        delay = self._chats.get(chat_id, 0.0) - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        async with self._lock:
            delay = self._next - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            moment = time.monotonic()
            self._next = moment + self.interval
            self._chats[chat_id] = moment + PER_CHAT_SECONDS
            if len(self._chats) > 10_000:
                self._chats = {c: t for c, t in self._chats.items() if t > moment}
