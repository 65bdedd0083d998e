"""Running as a service: health, the change log, shared token buckets, leases and alerts."""

from __future__ import annotations

import logging
import time
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from ..errors import DatabaseUnavailable
from ..store.coordination import LeaseHolder
from ..text.dates import now
from .reports import Health, HealthProblem
from .rooms import Rooms

log = logging.getLogger(__name__)

__all__ = ["Service"]


class Service(Rooms):
    """What replicas share through the database, and whether this one can answer."""

    def health(self) -> Health:
        """The index generation serving, the database's reachability, the lag behind the log."""
        problems: list[HealthProblem] = []
        generation = articles = applied = None
        try:
            snapshot = self.engine.snapshot
        except RuntimeError:
            problems.append(HealthProblem.INDEX_UNAVAILABLE)
        else:
            generation = snapshot.generation.manifest.generation
            articles = snapshot.size
            version = snapshot.data_version
            applied = int(version) if version.isdigit() else None
        try:
            lag = self.store.changes.lag(applied)
        except (SQLAlchemyError, DatabaseUnavailable):
            log.warning("health: the database does not answer", exc_info=True)
            problems.append(HealthProblem.DATABASE_UNREACHABLE)
            return Health(tuple(problems), generation, articles, None, applied, None, None)
        behind = lag.behind if generation is not None else None
        seconds = lag.seconds(now()) if generation is not None else None
        return Health(tuple(problems), generation, articles, lag.head, applied, behind, seconds)

    def prune_changes(self, before: datetime) -> int:
        """Forget change log rows older than `before` (readers further behind compare all)."""
        return self.store.changes.prune(before)

    def take_token(self, key: str, burst: int, per_second: float) -> int:
        """One request against the shared token bucket `key`: 0, or whole seconds to wait."""
        return self.store.buckets.take(key, burst, per_second, time.time())

    def forget_idle_buckets(self, idle_seconds: float) -> int:
        """Drop shared token buckets untouched for `idle_seconds` (they are full again)."""
        return self.store.buckets.forget_idle(time.time() - idle_seconds)

    def acquire_lease(self, name: str, holder: str, ttl: float) -> LeaseHolder | None:
        """Take or renew the lease `name` for `ttl` seconds; None when another holder has it."""
        return self.store.leases.acquire(name, holder, ttl, now())

    def release_lease(self, name: str, holder: str) -> bool:
        """Give a lease back."""
        return self.store.leases.release(name, holder)

    def live_leases(self, prefix: str) -> list[LeaseHolder]:
        """The leases named `prefix...` held now by living processes."""
        return self.store.leases.live(prefix, now())

    def lease_holder(self, name: str) -> LeaseHolder | None:
        """Who holds a lease (perhaps expired)."""
        return self.store.leases.holder(name)

    def raise_alert(self, name: str, detail: str) -> bool:
        """True only for the one call, in any process, that raised the alert."""
        return self.store.alerts.raise_(name, detail, now())

    def clear_alert(self, name: str) -> bool:
        """True only for the one call, in any process, that cleared the alert."""
        return self.store.alerts.clear(name)

    def alerts_raised(self) -> dict[str, datetime]:
        """The alerts raised and not cleared."""
        return self.store.alerts.raised()
