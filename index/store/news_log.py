"""The news log: the outbox the ingest writes (an article that is news, in the transaction
that stores it) and the delivery log that makes sending idempotent — a row per chat and article,
claimed before the message is sent: never the same article twice, across restarts, crashes and
replicas."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from .database import write_session
from .models import Announcement, Article, NewsDelivery, NewsOutbox, Subscriber, Subscription
from .subscriptions import (
    DUPLICATE_WINDOW,
    NEWS_FRESH_FOR,
    ClaimedNews,
    DeliveryStatus,
    Match,
    PendingDelivery,
    SubscriptionStats,
)

__all__ = ["NewsLog"]


class NewsLog:
    """The news outbox and the delivery log."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

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
                if _seen_news(session, match, now):
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
            return _pending(rows)

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

    def keep_digest(self, delivery_ids: Sequence[int]) -> int:
        """Record deliveries as sent together in one digest; its id (the smallest of theirs)."""
        digest_id = min(delivery_ids)
        with write_session(self.sessions) as session:
            query = update(NewsDelivery).where(NewsDelivery.id.in_(list(delivery_ids)))
            session.execute(query.values(digest_id=digest_id))
        return digest_id

    def digest(self, channel: str, chat_id: str, digest_id: int) -> list[PendingDelivery]:
        """The articles of one of a chat's digests (being sent or sent), in the order they
        were claimed; none for another chat's digest or one that failed."""
        with self.sessions() as session:
            rows = session.scalars(
                select(NewsDelivery)
                .where(
                    NewsDelivery.digest_id == digest_id,
                    NewsDelivery.channel == channel,
                    NewsDelivery.chat_id == chat_id,
                    NewsDelivery.article_id > 0,
                    NewsDelivery.status.in_([DeliveryStatus.SENDING, DeliveryStatus.SENT]),
                )
                .order_by(NewsDelivery.id)
            )
            return _pending(rows)

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


def _seen_news(session: Session, match: Match, now: datetime) -> bool:
    """The chat was given the same news from another source within the week."""
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


def _pending(rows: Iterable[NewsDelivery]) -> list[PendingDelivery]:
    return [
        PendingDelivery(r.id, r.channel, r.chat_id, r.article_id, r.subscription_id) for r in rows
    ]


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
