"""A token bucket per user, for every channel: a short burst is fine, a flood is asked to wait.
Nothing here imports `telegram` (bot/throttle.py applies it to Telegram's updates, bot/zalo to
Zalo's)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable

__all__ = ["Throttle"]


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
        self.name = name  # the key prefix of the buckets shared through the database
        self.burst = burst
        self.rate = per_minute / 60.0
        self.clock = clock
        self.max_users = max_users
        self._buckets: dict[Hashable, tuple[float, float]] = {}  # user -> (tokens, when)

    def wait_seconds(self, user_id: Hashable) -> int:
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
