"""Subscriptions and their delivery: what chats follow, the news outbox the ingest writes, and
the delivery log that makes sending idempotent (a row per chat and article, claimed before the
message is sent: never the same article twice, across restarts, crashes and replicas)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from ..errors import SubscriptionRefused
from .database import write_session
from .models import Announcement, Article, NewsDelivery, NewsOutbox, Subscriber, Subscription

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
    """Subscriptions, subscribers, the news outbox and the delivery log."""

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

    # -- the news outbox --------------------------------------------------------------------

    def claim_news(self, now: datetime, lease: timedelta, limit: int = 1000) -> list[ClaimedNews]:
        """Claim outbox rows nobody finished (nor claimed within `lease`); rows older than
        `NEWS_FRESH_FOR` are closed unread. Nothing waiting costs one read, never the write
        lock (which a reindex may hold for seconds)."""
        with self.sessions() as session:
            waiting = session.scalar(
                select(NewsOutbox.id).where(NewsOutbox.done_at.is_(None)).limit(1)
            )
        if waiting is None:
            return []
        with write_session(self.sessions) as session:
            session.execute(
                update(NewsOutbox)
                .where(NewsOutbox.done_at.is_(None), NewsOutbox.created_at < now - NEWS_FRESH_FOR)
                .values(done_at=now)
            )
            rows = list(
                session.scalars(
                    select(NewsOutbox)
                    .where(
                        NewsOutbox.done_at.is_(None),
                        (NewsOutbox.claimed_at.is_(None)) | (NewsOutbox.claimed_at < now - lease),
                    )
                    .order_by(NewsOutbox.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            for row in rows:
                row.claimed_at = now
            return [ClaimedNews(r.id, r.article_id, r.created_at) for r in rows]

    def record_matches(
        self, outbox_ids: Sequence[int], matches: Sequence[Match], now: datetime
    ) -> int:
        """Log the deliveries percolation found and close their outbox rows, in one
        transaction; a chat never gets one article twice (unique row), nor the same news from
        another source within a week (its news key). How many deliveries were logged."""
        with write_session(self.sessions) as session:
            logged = 0
            for match in _one_per_chat_and_key(matches):
                status = DeliveryStatus.PENDING
                if self._seen_news(session, match, now):
                    status = DeliveryStatus.DUPLICATE
                values = dict(
                    channel=match.channel,
                    chat_id=match.chat_id,
                    article_id=match.article_id,
                    subscription_id=match.subscription_id,
                    news_key=match.news_key,
                    status=status,
                    created_at=now,
                    due_at=match.due_at,
                )
                inserted = session.execute(_insert_ignoring_duplicates(session, values))
                if inserted.rowcount and status is DeliveryStatus.PENDING:  # type: ignore[attr-defined]
                    logged += 1
            if outbox_ids:
                session.execute(
                    update(NewsOutbox).where(NewsOutbox.id.in_(outbox_ids)).values(done_at=now)
                )
            return logged

    @staticmethod
    def _seen_news(session: Session, match: Match, now: datetime) -> bool:
        found = session.scalar(
            select(NewsDelivery.id)
            .where(
                NewsDelivery.channel == match.channel,
                NewsDelivery.chat_id == match.chat_id,
                NewsDelivery.news_key == match.news_key,
                NewsDelivery.article_id != match.article_id,
                NewsDelivery.created_at >= now - DUPLICATE_WINDOW,
            )
            .limit(1)
        )
        return found is not None

    # -- sending ----------------------------------------------------------------------------

    def claim_deliveries(
        self,
        now: datetime,
        limit: int = 200,
        chats: Sequence[tuple[str, str]] | None = None,
        channel: str | None = None,
    ) -> list[PendingDelivery]:
        """Claim deliveries whose time has come (once: a claimed one is never claimed again),
        oldest first; only those of `chats`, or of one `channel`, when given."""
        due_now = [NewsDelivery.status == DeliveryStatus.PENDING, NewsDelivery.due_at <= now]
        if channel is not None:
            due_now.append(NewsDelivery.channel == channel)
        query = (
            select(NewsDelivery)
            .where(*due_now)
            .order_by(NewsDelivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        if chats is not None:
            query = query.where(NewsDelivery.chat_id.in_({c for _, c in chats}))
        with self.sessions() as session:  # a read first: nothing due takes no write lock
            due = session.scalar(select(NewsDelivery.id).where(*due_now).limit(1))
        if due is None:
            return []
        with write_session(self.sessions) as session:
            rows = list(session.scalars(query))
            for row in rows:
                row.status = DeliveryStatus.SENDING
            return [
                PendingDelivery(r.id, r.channel, r.chat_id, r.article_id, r.subscription_id)
                for r in rows
            ]

    def finish(
        self,
        delivery_ids: Sequence[int],
        status: DeliveryStatus,
        at: datetime,
        error: str | None = None,
    ) -> None:
        """Record how sending went."""
        with write_session(self.sessions) as session:
            session.execute(
                update(NewsDelivery)
                .where(NewsDelivery.id.in_(delivery_ids))
                .values(status=status, sent_at=at, error=error[:200] if error else None)
            )

    def due_chats(self, now: datetime) -> list[tuple[str, str]]:
        """Chats with deliveries waiting whose time has come."""
        with self.sessions() as session:
            rows = session.execute(
                select(NewsDelivery.channel, NewsDelivery.chat_id)
                .where(NewsDelivery.status == DeliveryStatus.PENDING, NewsDelivery.due_at <= now)
                .distinct()
            ).all()
        return [(r.channel, r.chat_id) for r in rows]

    def delivered(self, channel: str, chat_id: str) -> list[int]:
        """The ids of the articles sent to a chat, oldest first."""
        with self.sessions() as session:
            return list(
                session.scalars(
                    select(NewsDelivery.article_id)
                    .where(
                        NewsDelivery.channel == channel,
                        NewsDelivery.chat_id == chat_id,
                        NewsDelivery.status == DeliveryStatus.SENT,
                    )
                    .order_by(NewsDelivery.id)
                )
            )

    def stats(self, since: datetime) -> SubscriptionStats:
        """Counts for /stats: deliveries since `since`."""
        with self.sessions() as session:
            subscriptions = session.scalar(select(func.count(Subscription.id))) or 0
            chats = session.scalar(
                select(func.count()).select_from(
                    select(Subscription.channel, Subscription.chat_id).distinct().subquery()
                )
            )
            paused = session.scalar(
                select(func.count())
                .select_from(Subscriber)
                .where(Subscriber.paused_at.is_not(None))
            )

            def count(*statuses: DeliveryStatus, recent: bool = True) -> int:
                query = select(func.count(NewsDelivery.id)).where(NewsDelivery.status.in_(statuses))
                if recent:
                    query = query.where(NewsDelivery.created_at >= since)
                return session.scalar(query) or 0

            return SubscriptionStats(
                subscriptions=subscriptions,
                chats=chats or 0,
                paused_chats=paused or 0,
                sent=count(DeliveryStatus.SENT),
                failed=count(DeliveryStatus.FAILED),
                waiting=count(DeliveryStatus.PENDING, recent=False),
            )

    def announce(self, text: str, at: datetime) -> int:
        """Log an announcement for every subscribed chat that is not paused (once per chat,
        ever); how many chats."""
        with write_session(self.sessions) as session:
            row = Announcement(text=text, created_at=at)
            session.add(row)
            session.flush()
            chats = session.execute(
                select(Subscription.channel, Subscription.chat_id)
                .outerjoin(
                    Subscriber,
                    and_(
                        Subscriber.channel == Subscription.channel,
                        Subscriber.chat_id == Subscription.chat_id,
                    ),
                )
                .where(Subscriber.paused_at.is_(None))
                .distinct()
            ).all()
            for channel, chat_id in chats:
                values = dict(
                    channel=channel, chat_id=chat_id, article_id=-row.id, subscription_id=None,
                    news_key=f"announcement:{row.id}", status=DeliveryStatus.PENDING,
                    created_at=at, due_at=at,
                )  # fmt: skip
                session.execute(_insert_ignoring_duplicates(session, values))
            return len(chats)

    def announcements(self, ids: Sequence[int]) -> dict[int, str]:
        """The texts of announcements, by id."""
        if not ids:
            return {}
        with self.sessions() as session:
            rows = session.execute(
                select(Announcement.id, Announcement.text).where(Announcement.id.in_(list(ids)))
            )
            return {row.id: row.text for row in rows}

    def recent_articles(self, article_ids: Sequence[int], since: datetime) -> list[int]:
        """Of these articles, the ids of those published since `since` (for a confirmation)."""
        if not article_ids:
            return []
        with self.sessions() as session:
            return list(
                session.scalars(
                    select(Article.id).where(
                        Article.id.in_(list(article_ids)), Article.published_at >= since
                    )
                )
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


def _one_per_chat_and_key(matches: Sequence[Match]) -> list[Match]:
    """One match per chat and article, and per chat and news (the first, by article id)."""
    seen: set[tuple[str, str, object]] = set()
    kept = []
    for match in sorted(matches, key=lambda m: m.article_id):
        article = (match.channel, match.chat_id, match.article_id)
        news = (match.channel, match.chat_id, "key:" + match.news_key)
        if article in seen:
            continue
        seen.add(article)
        if news in seen:
            continue
        seen.add(news)
        kept.append(match)
    return kept


def _insert_ignoring_duplicates(session: Session, values: dict[str, object]):  # type: ignore[no-untyped-def]
    """INSERT ... ON CONFLICT DO NOTHING: the unique row is the claim."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert(NewsDelivery).values(**values).on_conflict_do_nothing()
