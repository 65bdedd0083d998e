"""What replicas of the bot share through the database: leases (one poller, one crawl of a
source at a time, expiring when their holder dies), per-user token buckets (a limit holds
across replicas), and alerts (raised and cleared once, whichever replica sees it first).

Each operation is one short write transaction, so two replicas deciding at once queue on the
row (PostgreSQL) or the write lock (SQLite) and the second sees what the first decided.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Float, String, Text, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from ..errors import TinSoError
from ..processes import process_alive
from .database import write_session
from .models import AwareDateTime, Base

__all__ = [
    "Alert",
    "Alerts",
    "Bucket",
    "Lease",
    "LeaseHolder",
    "LeaseTaken",
    "Leases",
    "TokenBuckets",
]

log = logging.getLogger(__name__)


class LeaseTaken(TinSoError):
    """Another process holds the lease (and has not stopped renewing it)."""


class Lease(Base):
    """A named lock with an expiry: held while renewed, free once its holder stops renewing."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(AwareDateTime())
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime())


class Bucket(Base):
    """A token bucket: tokens left at `stamp` (seconds since the epoch)."""

    __tablename__ = "throttle_buckets"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    stamp: Mapped[float] = mapped_column(Float, index=True)


class Alert(Base):
    """A condition admins were told of and not yet told is over."""

    __tablename__ = "alerts"

    name: Mapped[str] = mapped_column(String(300), primary_key=True)
    raised_at: Mapped[datetime] = mapped_column(AwareDateTime())
    detail: Mapped[str] = mapped_column(Text)


@dataclass(frozen=True)
class LeaseHolder:
    """Who holds a lease, and until when."""

    name: str
    holder: str
    acquired_at: datetime
    expires_at: datetime


class Leases:
    """Named leases: `acquire` takes or renews one, `release` gives it back."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def acquire(self, name: str, holder: str, ttl: float, at: datetime) -> LeaseHolder | None:
        """Take the lease (or renew it, for its holder) until `at + ttl`; None when another
        holder has it and it has not expired."""
        until = at + timedelta(seconds=ttl)
        try:
            return self._acquire(name, holder, at, until)
        except IntegrityError:  # another process created the row at the same moment
            return self._acquire(name, holder, at, until)

    def _acquire(self, name: str, holder: str, at: datetime, until: datetime) -> LeaseHolder | None:
        with write_session(self.sessions) as session:
            row = session.get(Lease, name, with_for_update=True)
            if row is None:
                row = Lease(name=name, holder=holder, acquired_at=at, expires_at=until)
                session.add(row)
            elif row.holder == holder or row.expires_at <= at or _died_here(row.holder):
                if row.holder != holder:
                    row.holder, row.acquired_at = holder, at
                row.expires_at = until
            else:
                return None
            return LeaseHolder(row.name, row.holder, row.acquired_at, row.expires_at)

    @contextmanager
    def hold(self, name: str, ttl: float, clock: Callable[[], datetime]) -> Iterator[str]:
        """Hold the lease `name` for the block, renewed every third of `ttl` by a thread (so
        it expires `ttl` seconds after this process dies); raises LeaseTaken when another
        holder has it. Yields the holder's name."""
        holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        if self.acquire(name, holder, ttl, clock()) is None:
            raise LeaseTaken(name)
        done = threading.Event()

        def renew() -> None:
            while not done.wait(ttl / 3):
                try:
                    if self.acquire(name, holder, ttl, clock()) is None:
                        log.error("lost the lease %s to another holder", name)
                        return
                except Exception:  # the database may be back before the lease expires
                    log.warning("could not renew the lease %s", name, exc_info=True)

        thread = threading.Thread(target=renew, name=f"lease {name}", daemon=True)
        thread.start()
        try:
            yield holder
        finally:
            done.set()
            thread.join()
            try:
                self.release(name, holder)
            except Exception:  # it expires on its own
                log.warning("could not release the lease %s", name, exc_info=True)

    def release(self, name: str, holder: str) -> bool:
        """Give the lease back (only its holder can); True when it was held."""
        with write_session(self.sessions) as session:
            gone = session.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))
            return bool(getattr(gone, "rowcount", 0))

    def live(self, prefix: str, at: datetime) -> list[LeaseHolder]:
        """The leases whose name starts with `prefix` and that have not expired at `at` (nor
        belong to a dead process of this host)."""
        with self.sessions() as session:
            rows = session.scalars(
                select(Lease).where(Lease.name.startswith(prefix), Lease.expires_at > at)
            )
            return [
                LeaseHolder(r.name, r.holder, r.acquired_at, r.expires_at)
                for r in rows
                if not _died_here(r.holder)
            ]

    def holder(self, name: str) -> LeaseHolder | None:
        """Who holds the lease (perhaps expired), if anyone."""
        with self.sessions() as session:
            row = session.get(Lease, name)
            if row is None:
                return None
            return LeaseHolder(row.name, row.holder, row.acquired_at, row.expires_at)


def _died_here(holder: str) -> bool:
    """True when the holder was a process of this host that no longer runs (a crash on this
    machine frees its leases at once; on another host, only expiry can tell)."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    return not process_alive(int(pid))


class TokenBuckets:
    """Token buckets by key, shared by every process using the database."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def take(self, key: str, burst: int, per_second: float, at: float) -> int:
        """Take one token from the bucket `key` (full: `burst`, refilled at `per_second`) at
        `at` (seconds since the epoch): 0 when allowed, else whole seconds to wait."""
        try:
            return self._take(key, burst, per_second, at)
        except IntegrityError:  # another process created the bucket at the same moment
            return self._take(key, burst, per_second, at)

    def _take(self, key: str, burst: int, per_second: float, at: float) -> int:
        with write_session(self.sessions) as session:
            row = session.get(Bucket, key, with_for_update=True)
            if row is None:
                row = Bucket(key=key, tokens=float(burst), stamp=at)
                session.add(row)
            tokens = min(float(burst), row.tokens + max(0.0, at - row.stamp) * per_second)
            row.stamp = max(row.stamp, at)
            if tokens >= 1.0:
                row.tokens = tokens - 1.0
                return 0
            row.tokens = tokens
            return max(1, math.ceil((1.0 - tokens) / per_second))

    def forget_idle(self, before: float) -> int:
        """Drop buckets untouched since `before` (they are full again); how many."""
        with write_session(self.sessions) as session:
            gone = session.execute(delete(Bucket).where(Bucket.stamp < before))
            return int(getattr(gone, "rowcount", 0) or 0)


class Alerts:
    """Alert states: raising or clearing one says whether this call changed it."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def raise_(self, name: str, detail: str, at: datetime) -> bool:
        """Mark the alert raised; True only for the call that raised it (tell the admins)."""
        try:
            with write_session(self.sessions) as session:
                if session.get(Alert, name, with_for_update=True) is not None:
                    return False
                session.add(Alert(name=name, raised_at=at, detail=detail))
                return True
        except IntegrityError:  # another process raised it at the same moment
            return False

    def clear(self, name: str) -> bool:
        """Mark the alert over; True only for the call that cleared it (tell the admins)."""
        with write_session(self.sessions) as session:
            gone = session.execute(delete(Alert).where(Alert.name == name))
            return bool(getattr(gone, "rowcount", 0))

    def raised(self) -> dict[str, datetime]:
        """The alerts raised now, with when."""
        with self.sessions() as session:
            return {a.name: a.raised_at for a in session.scalars(select(Alert))}
