"""Subscriptions and their delivery: what chats follow, the news outbox the ingest writes, and
the delivery log that makes sending idempotent (a row per chat and article, claimed before the
message is sent: never the same article twice, across restarts, crashes and replicas)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from ..errors import SubscriptionRefused
from .database import write_session
from .models import NewsDelivery, Subscriber, Subscription

__all__ = [
    "MAX_SUBSCRIPTIONS",
    "MAX_SUBSCRIPTION_CHARS",
    "NEWS_FRESH_FOR",
    "DeliveryMode",
    "DeliveryStatus",
    "SubscriptionView",
    "SubscriberView",
    "ClaimedNews",
    "Match",
    "PendingDelivery",
    "SubscriptionStats",
    "Subscriptions",
]

MAX_SUBSCRIPTIONS = 20  # per chat
MAX_SUBSCRIPTION_CHARS = 200
NEWS_FRESH_FOR = timedelta(days=2)  # an article stored longer ago is no longer pushed
DUPLICATE_WINDOW = timedelta(days=7)  # the same news from another source, within this


class DeliveryMode(StrEnum):
    """How a chat wants its news."""

    INSTANT = "instant"
    DAILY = "daily"
    WEEKLY = "weekly"


class DeliveryStatus(StrEnum):
    """Where one delivery stands."""

    PENDING = "pending"  # matched, waiting for its time
    SENDING = "sending"  # claimed by a sender: never claimed again (at most once)
    SENT = "sent"
    FAILED = "failed"  # Telegram refused it (the chat blocked the bot, ...)
    DUPLICATE = "duplicate"  # the same news from another source was sent already


@dataclass(frozen=True)
class SubscriptionView:
    """One subscription of one chat."""

    subscription_id: int
    channel: str
    chat_id: str
    query: str | None
    category: str | None
    created_at: datetime


@dataclass(frozen=True)
class SubscriberView:
    """A subscribed chat's settings."""

    channel: str
    chat_id: str
    mode: DeliveryMode
    digest_at: str  # "07:00", local time
    quiet_hours: bool
    paused: bool


@dataclass(frozen=True)
class ClaimedNews:
    """An outbox row claimed for percolation."""

    outbox_id: int
    article_id: int
    stored_at: datetime


@dataclass(frozen=True)
class Match:
    """A new article for a chat, because of one of its subscriptions."""

    channel: str
    chat_id: str
    article_id: int
    subscription_id: int | None
    news_key: str
    due_at: datetime


@dataclass(frozen=True)
class PendingDelivery:
    """A delivery claimed for sending."""

    delivery_id: int
    channel: str
    chat_id: str
    article_id: int
    subscription_id: int | None


@dataclass(frozen=True)
class SubscriptionStats:
    """What /stats says about subscriptions."""

    subscriptions: int
    chats: int
    paused_chats: int
    sent: int  # in the period asked
    failed: int
    waiting: int  # pending now


class Subscriptions:
    """What chats follow and how they want it (the news log delivers it: news_log.py)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    # -- subscribing ------------------------------------------------------------------------

    def add(
        self, channel: str, chat_id: str, query: str | None, category: str | None, at: datetime
    ) -> SubscriptionView:
        """Save a subscription (the chat is resumed if it was paused); raises
        SubscriptionRefused (too many, too long, already there)."""
        if query is not None and len(query) > MAX_SUBSCRIPTION_CHARS:
            raise SubscriptionRefused(SubscriptionRefused.TOO_LONG)
        with write_session(self.sessions) as session:
            mine = list(session.scalars(_of_chat(channel, chat_id)))
            if any(s.query == query and s.category == category for s in mine):
                raise SubscriptionRefused(SubscriptionRefused.DUPLICATE)
            if len(mine) >= MAX_SUBSCRIPTIONS:
                raise SubscriptionRefused(SubscriptionRefused.TOO_MANY)
            row = Subscription(
                channel=channel, chat_id=chat_id, query=query, category=category, created_at=at
            )
            session.add(row)
            subscriber = session.get(Subscriber, (channel, chat_id))
            if subscriber is None:
                session.add(_new_subscriber(channel, chat_id, at))
            else:
                subscriber.paused_at = subscriber.pause_reason = None
            session.flush()
            return _view(row)

    def of_chat(self, channel: str, chat_id: str) -> list[SubscriptionView]:
        """A chat's subscriptions, oldest first."""
        with self.sessions() as session:
            return [_view(row) for row in session.scalars(_of_chat(channel, chat_id))]

    def remove(self, channel: str, chat_id: str, subscription_id: int | None = None) -> int:
        """Remove one of a chat's subscriptions (all of them without an id); how many went."""
        query = delete(Subscription).where(
            Subscription.channel == channel, Subscription.chat_id == chat_id
        )
        if subscription_id is not None:
            query = query.where(Subscription.id == subscription_id)
        with write_session(self.sessions) as session:
            return int(session.execute(query).rowcount or 0)  # type: ignore[attr-defined]

    def by_ids(self, ids: Iterable[int]) -> dict[int, SubscriptionView]:
        """Subscriptions by id (those still there)."""
        wanted = sorted(set(ids))
        found: dict[int, SubscriptionView] = {}
        with self.sessions() as session:
            for start in range(0, len(wanted), 500):
                rows = session.scalars(
                    select(Subscription).where(Subscription.id.in_(wanted[start : start + 500]))
                )
                found.update((row.id, _view(row)) for row in rows)
        return found

    def active(self) -> list[SubscriptionView]:
        """Every subscription of a chat that is not paused."""
        query = (
            select(Subscription)
            .outerjoin(
                Subscriber,
                and_(
                    Subscriber.channel == Subscription.channel,
                    Subscriber.chat_id == Subscription.chat_id,
                ),
            )
            .where(Subscriber.paused_at.is_(None))
            .order_by(Subscription.id)
        )
        with self.sessions() as session:
            return [_view(row) for row in session.scalars(query)]

    def version(self) -> tuple[int, int, int]:
        """Changes when subscriptions are added, removed, paused or resumed."""
        with self.sessions() as session:
            count, last = session.execute(
                select(func.count(Subscription.id), func.max(Subscription.id))
            ).one()
            paused = session.scalar(
                select(func.count())
                .select_from(Subscriber)
                .where(Subscriber.paused_at.is_not(None))
            )
        return int(count or 0), int(last or 0), int(paused or 0)

    # -- subscribers ------------------------------------------------------------------------

    def subscriber(self, channel: str, chat_id: str) -> SubscriberView | None:
        """A chat's settings, if it ever subscribed."""
        with self.sessions() as session:
            row = session.get(Subscriber, (channel, chat_id))
            return _subscriber(row) if row is not None else None

    def subscribers(
        self, chats: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], SubscriberView]:
        """Settings of many chats."""
        wanted = set(chats)
        ids = sorted({c for _, c in wanted})
        found: dict[tuple[str, str], SubscriberView] = {}
        with self.sessions() as session:
            for start in range(0, len(ids), 500):
                rows = session.scalars(
                    select(Subscriber).where(Subscriber.chat_id.in_(ids[start : start + 500]))
                )
                found.update(
                    ((r.channel, r.chat_id), _subscriber(r))
                    for r in rows
                    if (r.channel, r.chat_id) in wanted
                )
        return found

    def configure(
        self,
        channel: str,
        chat_id: str,
        at: datetime,
        *,
        mode: DeliveryMode | None = None,
        digest_at: str | None = None,
        quiet_hours: bool | None = None,
    ) -> SubscriberView:
        """Change how a chat wants its news."""
        with write_session(self.sessions) as session:
            row = session.get(Subscriber, (channel, chat_id))
            if row is None:
                row = _new_subscriber(channel, chat_id, at)
                session.add(row)
            if mode is not None:
                row.mode = mode
            if digest_at is not None:
                row.digest_at = digest_at
            if quiet_hours is not None:
                row.quiet_hours = quiet_hours
            session.flush()
            return _subscriber(row)

    def pause(self, channel: str, chat_id: str, reason: str, at: datetime) -> None:
        """Stop delivering to a chat that cannot be reached (blocked the bot, deleted)."""
        with write_session(self.sessions) as session:
            row = session.get(Subscriber, (channel, chat_id))
            if row is None:
                row = _new_subscriber(channel, chat_id, at)
                session.add(row)
            row.paused_at, row.pause_reason = at, reason[:40]
            session.execute(
                update(NewsDelivery)
                .where(
                    NewsDelivery.channel == channel,
                    NewsDelivery.chat_id == chat_id,
                    NewsDelivery.status == DeliveryStatus.PENDING,
                )
                .values(status=DeliveryStatus.FAILED, error=reason[:200])
            )


def _of_chat(channel: str, chat_id: str):  # type: ignore[no-untyped-def]
    return (
        select(Subscription)
        .where(Subscription.channel == channel, Subscription.chat_id == chat_id)
        .order_by(Subscription.id)
    )


def _view(row: Subscription) -> SubscriptionView:
    return SubscriptionView(
        row.id, row.channel, row.chat_id, row.query, row.category, row.created_at
    )


def _new_subscriber(channel: str, chat_id: str, at: datetime) -> Subscriber:
    return Subscriber(
        channel=channel,
        chat_id=chat_id,
        mode=DeliveryMode.INSTANT,
        digest_at="07:00",
        quiet_hours=True,
        created_at=at,
    )


def _subscriber(row: Subscriber) -> SubscriberView:
    return SubscriberView(
        row.channel,
        row.chat_id,
        DeliveryMode(row.mode),
        row.digest_at,
        row.quiet_hours,
        row.paused_at is not None,
    )
