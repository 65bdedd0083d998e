"""The news desk: subscriptions made, new articles matched to them, deliveries logged.

The ingest and the crawler put each new article that is news in the outbox, in the transaction
that stores it (whatever process does it). A running bot calls `NewsDesk.process` every few
seconds: it claims the outbox rows, follows the index, percolates the articles against every
active subscription, and logs one delivery per chat and article (with the time it is due: at
once, after the quiet hours, or at the chat's digest), closing the rows in the same transaction.
The sender then claims due deliveries (`claim`) and records how sending went (`finish`).
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from .archive import Archive
from .errors import ArticleNotFound, EmptyQuery, SubscriptionRefused
from .search.engine import SearchFilters, SearchPage
from .search.percolate import Percolator, Topic
from .search.snippets import Snippet
from .store.subscriptions import (
    MAX_SUBSCRIPTION_CHARS,
    DeliveryMode,
    DeliveryStatus,
    Match,
    PendingDelivery,
    SubscriberView,
    SubscriptionStats,
    SubscriptionView,
)
from .text.dates import VIETNAM, now
from .text.normalize import fold, lower

__all__ = ["NewsDesk", "Subscribed", "NewsRun", "NewsItem", "Outgoing", "QuietHours"]

log = logging.getLogger(__name__)

CONFIRM_DAYS = 30  # a new subscription is shown what it would have matched in this many days
CLAIM_LEASE = timedelta(minutes=5)  # an outbox row claimed longer ago by a crashed bot is retaken


@dataclass(frozen=True)
class QuietHours:
    """Local hours when instant news waits for the morning (start > end spans midnight)."""

    start: time = time(22, 0)
    end: time = time(6, 0)

    def holds(self, at: datetime) -> datetime | None:
        """When news arriving at `at` may be sent, if `at` is quiet; else None."""
        local = at.astimezone(VIETNAM)
        clock = local.time()
        spans_midnight = self.start > self.end
        quiet = (
            (clock >= self.start or clock < self.end)
            if spans_midnight
            else self.start <= clock < self.end
        )
        if not quiet:
            return None
        release = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        return release if release > local else release + timedelta(days=1)


@dataclass(frozen=True)
class Subscribed:
    """A saved subscription, with what it would have matched lately."""

    subscription: SubscriptionView
    topic: Topic
    recent: SearchPage


@dataclass(frozen=True)
class NewsRun:
    """What one pass over the outbox did."""

    articles: int
    matches: int
    logged: int


@dataclass(frozen=True)
class Outgoing:
    """What one chat of a claimed batch is sent."""

    items: tuple[NewsItem, ...]
    announcements: tuple[str, ...]
    mode: DeliveryMode


@dataclass(frozen=True)
class NewsItem:
    """One delivered article, as a message shows it."""

    article_id: int
    title: str
    url: str | None
    published_at: datetime
    source: str
    snippet: Snippet
    because: str | None  # the subscription's words, or its category
    subscription_id: int | None


class NewsDesk:
    """Subscriptions and the delivery of news for one archive."""

    def __init__(
        self,
        archive: Archive,
        *,
        quiet_hours: QuietHours = QuietHours(),
        clock: Callable[[], datetime] = now,
    ) -> None:
        """News of `archive`; `clock` gives now (tests move it for quiet hours and digests)."""
        self.archive = archive
        self.book = archive.store.subscriptions
        self.log = archive.store.news_log
        self.quiet_hours = quiet_hours
        self.clock = clock
        self._percolator: tuple[object, Percolator, dict[int, SubscriptionView]] | None = None
        self._topics: dict[str, Topic | None] = {}  # by words, for the current categories
        self._topics_for: object = None

    # -- subscribing ------------------------------------------------------------------------

    def topic(self, query: str) -> Topic:
        """What a subscription to `query` would follow; raises SubscriptionRefused."""
        if len(query) > MAX_SUBSCRIPTION_CHARS:
            raise SubscriptionRefused(SubscriptionRefused.TOO_LONG)
        try:
            return self.archive.engine.topic(query)
        except EmptyQuery as exc:
            raise SubscriptionRefused(SubscriptionRefused.NO_TOPIC) from exc

    def subscribe(self, channel: str, chat_id: str, query: str) -> Subscribed:
        """Follow a question (its time words dropped); raises SubscriptionRefused."""
        query = " ".join(query.split())
        topic = self.topic(query)
        if topic.by_category_only:
            return self.follow_category(channel, chat_id, topic.category or "", topic)
        saved = self.book.add(channel, chat_id, query, None, self.clock())
        return Subscribed(saved, topic, self._recent(topic))

    def follow_category(
        self, channel: str, chat_id: str, category: str, topic: Topic | None = None
    ) -> Subscribed:
        """Follow a category; raises SubscriptionRefused."""
        saved = self.book.add(channel, chat_id, None, category, self.clock())
        topic = topic or Topic((), category)
        return Subscribed(saved, topic, self._recent(topic))

    def follow_everything(self, channel: str, chat_id: str) -> SubscriptionView:
        """Follow every new article (a department's channel); raises SubscriptionRefused."""
        return self.book.add(channel, chat_id, None, None, self.clock())

    def _recent(self, topic: Topic) -> SearchPage:
        since = self.clock() - timedelta(days=CONFIRM_DAYS)
        filters = SearchFilters(since=since, category=topic.category)
        if topic.by_category_only:
            return self.archive.engine.search("", limit=3, filters=filters)
        return self.archive.engine.search(topic.text, limit=3, filters=filters)

    def subscriptions(self, channel: str, chat_id: str) -> list[SubscriptionView]:
        """A chat's subscriptions, oldest first."""
        return self.book.of_chat(channel, chat_id)

    def unsubscribe(self, channel: str, chat_id: str, subscription_id: int | None = None) -> int:
        """Remove one subscription, or all of a chat's; how many went."""
        return self.book.remove(channel, chat_id, subscription_id)

    def subscriber(self, channel: str, chat_id: str) -> SubscriberView | None:
        """A chat's delivery settings, if it ever subscribed."""
        return self.book.subscriber(channel, chat_id)

    def configure(
        self,
        channel: str,
        chat_id: str,
        *,
        mode: DeliveryMode | None = None,
        digest_at: str | None = None,
        quiet_hours: bool | None = None,
    ) -> SubscriberView:
        """Choose instant, daily or weekly delivery, the digest's time, the quiet hours."""
        return self.book.configure(
            channel, chat_id, self.clock(), mode=mode, digest_at=digest_at,
            quiet_hours=quiet_hours,
        )  # fmt: skip

    # -- matching ---------------------------------------------------------------------------

    def process(self, limit: int = 1000) -> NewsRun:
        """Claim news from the outbox, match it, log the deliveries (one transaction)."""
        at = self.clock()
        claimed = self.log.claim_news(at, CLAIM_LEASE, limit)
        if not claimed:
            return NewsRun(0, 0, 0)
        self.archive.refresh()  # the articles another process stored
        percolator, subscriptions = self._current_percolator()
        articles = self.archive.engine.new_articles([c.article_id for c in claimed])
        keys = _news_keys(self.archive, [a.article_id for a in articles])
        settings = self.book.subscribers({(s.channel, s.chat_id) for s in subscriptions.values()})
        matches = []
        for article_id, subscription_ids in percolator.match_many(articles).items():
            for subscription_id in subscription_ids.tolist():
                s = subscriptions[subscription_id]
                due = _due(settings.get((s.channel, s.chat_id)), at, self.quiet_hours)
                matches.append(
                    Match(
                        s.channel, s.chat_id, article_id, subscription_id,
                        keys.get(article_id, str(article_id)), due,
                    )
                )  # fmt: skip
        logged = self.log.record_matches([c.outbox_id for c in claimed], matches, at)
        log.info(
            "news: %d articles, %d matches, %d deliveries", len(articles), len(matches), logged
        )
        return NewsRun(len(articles), len(matches), logged)

    def _current_percolator(self) -> tuple[Percolator, dict[int, SubscriptionView]]:
        """The subscriptions weighed with the live index, rebuilt when either changed."""
        version = (self.book.version(), id(self.archive.engine.snapshot))
        if self._percolator is not None and self._percolator[0] == version:
            return self._percolator[1], self._percolator[2]
        active = {s.subscription_id: s for s in self.book.active()}
        categories = self.archive.engine.snapshot.categories
        if self._topics_for is not categories:  # a new category may change an analysis
            self._topics, self._topics_for = {}, categories
        topics: dict[int, Topic] = {}
        for subscription_id, s in active.items():
            if s.query is None:  # a category, or (neither) everything
                topics[subscription_id] = Topic((), s.category)
                continue
            if s.query not in self._topics:
                try:
                    self._topics[s.query] = self.archive.engine.topic(s.query)
                except EmptyQuery:
                    self._topics[s.query] = None
            topic = self._topics[s.query]
            if topic is not None:
                topics[subscription_id] = topic
        percolator = self.archive.engine.percolator(topics)
        self._percolator = (version, percolator, active)
        return percolator, active

    # -- sending ----------------------------------------------------------------------------

    def claim(
        self, limit: int = 200, channel: str | None = None
    ) -> dict[tuple[str, str], list[PendingDelivery]]:
        """Claim the deliveries due now (each once, ever), grouped by chat; only one channel's
        when given (each channel's process sends its own)."""
        grouped: dict[tuple[str, str], list[PendingDelivery]] = defaultdict(list)
        for delivery in self.log.claim_deliveries(self.clock(), limit, channel=channel):
            grouped[(delivery.channel, delivery.chat_id)].append(delivery)
        return dict(grouped)

    def prepare(
        self, claimed: dict[tuple[str, str], list[PendingDelivery]]
    ) -> dict[tuple[str, str], Outgoing]:
        """What each chat of a claimed batch is sent: its articles as messages show them
        (newest first; gone ones left out), its announcements and its delivery mode. One pass
        for the batch: each article, subscription and snippet is read once, however many chats
        share it (a flood is one article for thousands of chats)."""
        everything = [d for deliveries in claimed.values() for d in deliveries]
        article_ids = sorted({d.article_id for d in everything if d.article_id > 0})
        articles = {}
        for article_id in article_ids:
            try:
                articles[article_id] = self.archive.article(article_id)
            except ArticleNotFound:  # taken down since: nothing to send
                continue
        views = self.book.by_ids({d.subscription_id for d in everything if d.subscription_id})
        wanted: dict[str | None, set[int]] = defaultdict(set)
        for d in everything:
            view = views.get(d.subscription_id or 0)
            wanted[view.query if view else None].add(d.article_id)
        snippets = {
            query: self.archive.engine.snippets(query, sorted(ids & set(articles)))
            for query, ids in wanted.items()
        }
        texts = self.log.announcements([-d.article_id for d in everything if d.article_id < 0])
        settings = self.book.subscribers(claimed)
        prepared = {}
        for chat, deliveries in claimed.items():
            items = []
            for d in deliveries:
                article, view = articles.get(d.article_id), views.get(d.subscription_id or 0)
                if article is None:
                    continue
                query = view.query if view else None
                items.append(
                    NewsItem(
                        article.article_id, article.title, article.url, article.published_at,
                        article.source, snippets[query].get(article.article_id, Snippet("")),
                        (view.query or view.category) if view else None, d.subscription_id,
                    )
                )  # fmt: skip
            items.sort(key=lambda i: i.published_at, reverse=True)
            found = settings.get(chat)
            said = [texts[-d.article_id] for d in deliveries if -d.article_id in texts]
            mode = found.mode if found else DeliveryMode.INSTANT
            prepared[chat] = Outgoing(tuple(items), tuple(said), mode)
        return prepared

    def keep_digest(self, deliveries: Sequence[PendingDelivery]) -> int:
        """Record a chat's claimed articles as one digest (its pages are rebuilt from it);
        its id."""
        return self.log.keep_digest([d.delivery_id for d in deliveries if d.article_id > 0])

    def digest(self, channel: str, chat_id: str, digest_id: int) -> tuple[NewsItem, ...]:
        """The articles of one of a chat's digests as it was sent (newest first; gone ones
        left out); none for an unknown digest or another chat's."""
        deliveries = self.log.digest(channel, chat_id, digest_id)
        if not deliveries:
            return ()
        return self.prepare({(channel, chat_id): deliveries})[(channel, chat_id)].items

    def finish(
        self,
        deliveries: Sequence[PendingDelivery],
        status: DeliveryStatus,
        error: str | None = None,
    ) -> None:
        """Record how sending went."""
        if deliveries:
            self.log.finish([d.delivery_id for d in deliveries], status, self.clock(), error)

    def announce(self, text: str) -> int:
        """Send `text` to every subscribed chat through the delivery log; how many chats."""
        return self.log.announce(text, self.clock())

    def pause(self, channel: str, chat_id: str, reason: str) -> None:
        """Stop delivering to a chat that blocked the bot or is gone."""
        self.book.pause(channel, chat_id, reason, self.clock())

    def stats(self) -> SubscriptionStats:
        """Subscriptions, chats, and deliveries of the last 24 hours."""
        return self.log.stats(self.clock() - timedelta(days=1))


def _news_keys(archive: Archive, article_ids: Sequence[int]) -> dict[int, str]:
    """The same news from two sources has the same key: its title, folded."""
    keys = {}
    for article_id in article_ids:
        title = archive.article(article_id).title
        words = "".join(c if c.isalnum() else " " for c in fold(lower(title))).split()
        keys[article_id] = hashlib.sha256(" ".join(words).encode()).hexdigest()
    return keys


def _due(settings: SubscriberView | None, at: datetime, quiet_hours: QuietHours) -> datetime:
    """When a match found at `at` is sent: at once, after the quiet hours, at the digest."""
    mode = settings.mode if settings else DeliveryMode.INSTANT
    if mode is DeliveryMode.INSTANT:
        quiet = settings is None or settings.quiet_hours
        return (quiet_hours.holds(at) if quiet else None) or at
    hour, minute = (int(x) for x in (settings.digest_at if settings else "07:00").split(":"))
    local = at.astimezone(VIETNAM)
    due = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if due <= local:
        due += timedelta(days=1)
    if mode is DeliveryMode.WEEKLY:
        due += timedelta(days=(7 - due.weekday()) % 7)  # the next Monday
    return due
