"""Per-user throttling: a short burst is fine, a flood is asked to wait. One handler in group -1
applies it to every update the bot acts on: questions, commands, buttons and inline queries."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from telegram import InlineQueryResultsButton, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from . import texts
from .addressing import addressed_to_bot

if TYPE_CHECKING:
    from .context import BotContext, BotState

__all__ = ["Throttle", "throttle", "bucket_for"]

log = logging.getLogger(__name__)


class Throttle:
    """A token bucket per user: `burst` requests at once, refilled at `per_minute`."""

    def __init__(
        self,
        burst: int,
        per_minute: float,
        clock: Callable[[], float] = time.monotonic,
        max_users: int = 10_000,
        name: str = "message",
    ) -> None:
        self.name = name  # the shared buckets' key prefix
        self.burst = burst
        self.rate = per_minute / 60.0
        self.clock = clock
        self.max_users = max_users
        self._buckets: dict[int, tuple[float, float]] = {}  # user -> (tokens, when)

    def wait_seconds(self, user_id: int) -> int:
        """Take one request from the user's bucket: 0 when allowed, else whole seconds to wait."""
        now = self.clock()
        tokens, then = self._buckets.get(user_id, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.rate)
        if tokens >= 1.0:
            self._buckets[user_id] = (tokens - 1.0, now)
            self._forget_idle(now)
            return 0
        self._buckets[user_id] = (tokens, now)
        return max(1, math.ceil((1.0 - tokens) / self.rate))

    def _forget_idle(self, now: float) -> None:
        """Drop users whose bucket is full again, once there are many (bounded memory)."""
        if len(self._buckets) <= self.max_users:
            return
        refill = self.burst / self.rate
        self._buckets = {
            user: state for user, state in self._buckets.items() if now - state[1] < refill
        }


def bucket_for(update: Update, state: BotState) -> Throttle | None:
    """The throttle an update counts against; None for updates the bot does not act on (group
    chatter not addressed to it) and for admins."""
    user = update.effective_user
    if user is None or state.is_admin(user.id):
        return None
    if update.inline_query is not None:
        return state.inline_throttle
    if update.callback_query is not None:
        return state.button_throttle
    message = update.effective_message
    if message is None:
        return None
    if message.chat.type != ChatType.PRIVATE and not addressed_to_bot(message):
        return None
    return state.throttle


async def throttle(update: object, context: BotContext) -> None:
    """Group -1, before every handler: a user who sends too fast is asked (briefly, politely) to
    wait, and the update goes no further."""
    if not isinstance(update, Update):
        return
    state = context.state
    bucket = bucket_for(update, state)
    if bucket is None or update.effective_user is None:
        return
    user = update.effective_user.id
    if state.settings.throttle_is_shared:  # replicas: one bucket per user in the database
        key = f"{bucket.name}:{user}"
        wait = await asyncio.to_thread(state.archive.take_token, key, bucket.burst, bucket.rate)
    else:
        wait = bucket.wait_seconds(user)
    if not wait:
        return
    log.info("user %s throttled for %d s", update.effective_user.id, wait)
    notice = texts.THROTTLED.format(seconds=wait)
    if update.inline_query is not None:
        button = InlineQueryResultsButton(text=texts.INLINE_THROTTLED, start_parameter="help")
        await update.inline_query.answer([], cache_time=0, button=button)
    elif update.callback_query is not None:
        await update.callback_query.answer(notice)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(notice)
    raise ApplicationHandlerStop
