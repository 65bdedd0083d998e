"""Database tables, as SQLAlchemy 2.x typed models."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from ..text.dates import VIETNAM

__all__ = [
    "Base",
    "Source",
    "Article",
    "ArticleTerms",
    "Meta",
    "Question",
    "CrawlRun",
    "CrawlPage",
    "Conversation",
    "Handover",
    "Delivery",
    "AwareDateTime",
    "Answer",
    "DictionaryLine",
    "Attachment",
    "Subscription",
    "Subscriber",
    "NewsOutbox",
    "NewsDelivery",
    "Announcement",
]


class AwareDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime: stored in UTC, read back in Asia/Ho_Chi_Minh."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: attach a time zone first")
        value = value.astimezone(UTC)
        # SQLite has no time zone type: store naive UTC and re-attach UTC on the way out.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(VIETNAM)

    @staticmethod
    def aggregate(value: datetime | str) -> datetime:
        """The result of min() or max() over such a column, which bypasses the type on SQLite
        (a naive UTC datetime, or its text)."""
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(VIETNAM)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Source(Base):
    """Where articles come from: a portal, a feed or an imported folder."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())

    articles: Mapped[list[Article]] = relationship(back_populates="source")


class Article(Base):
    """One news article."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str | None] = mapped_column(String(2000), unique=True)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str | None] = mapped_column(String(300), index=True)
    author: Mapped[str | None] = mapped_column(String(300))
    published_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    date_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    fetched_at: Mapped[datetime] = mapped_column(AwareDateTime())
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())

    source: Mapped[Source] = relationship(back_populates="articles")
    terms: Mapped[ArticleTerms | None] = relationship(
        back_populates="article", cascade="all, delete-orphan", uselist=False
    )


class ArticleTerms(Base):
    """The analysed form of an article, cached so a reindex never segments unchanged text."""

    __tablename__ = "article_terms"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    analyzer_version: Mapped[str] = mapped_column(String(20))
    content_hash: Mapped[str] = mapped_column(String(64))
    title_tokens: Mapped[str] = mapped_column(Text)  # token stream joined by "\n"
    text_tokens: Mapped[str] = mapped_column(Text)
    sentences: Mapped[str] = mapped_column(Text)  # JSON list of display sentences
    # dates the article mentions, read with its publication date (`event_dates.encode`)
    event_dates: Mapped[str] = mapped_column(Text, default="", server_default="")
    # near-duplicate signature of title and sentences (`shingles.article_signature`, as bytes);
    # none for an article analysed before it was kept (the index computes it then)
    sketch: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)

    article: Mapped[Article] = relationship(back_populates="terms")


class Meta(Base):
    """Small key/value facts about the database (last reindex, sample loaded, ...)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Question(Base):
    """A question someone asked, for usage counts: no user id nor name; the chat only as a
    keyed hash (HMAC), so that the chat can have its questions deleted."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    asked_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    query: Mapped[str] = mapped_column(Text)
    total: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20))
    chat_key: Mapped[str | None] = mapped_column(String(64), index=True)


class Conversation(Base):
    """Where a chat stands: its last question and the list it was shown. Keyed by the channel
    and a keyed hash (HMAC) of the chat id; no user id nor name."""

    __tablename__ = "conversations"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    chat_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    question: Mapped[str | None] = mapped_column(Text)  # the last question searched
    asked_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    list_kind: Mapped[str] = mapped_column(String(20))  # bot.conversation.ListKind
    list_query: Mapped[str] = mapped_column(Text, default="")  # the search, or the category
    time_label: Mapped[str | None] = mapped_column(String(100))  # the period the list is of
    since: Mapped[datetime | None] = mapped_column(AwareDateTime())
    until: Mapped[datetime | None] = mapped_column(AwareDateTime())
    category: Mapped[str | None] = mapped_column(String(300))
    list_offset: Mapped[int] = mapped_column(Integer, default=0)
    list_total: Mapped[int] = mapped_column(Integer, default=0)
    shown: Mapped[str] = mapped_column(Text, default="")  # the page's article ids, "12,5,40"
    answer_article_id: Mapped[int | None] = mapped_column(Integer)
    article_id: Mapped[int | None] = mapped_column(Integer)  # the article read last
    answer_id: Mapped[int | None] = mapped_column(Integer)  # the answer its list gives feedback on
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)


class Handover(Base):
    """A question too long for a deep link, waiting for the chat it was handed over to."""

    __tablename__ = "handovers"

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)


class Delivery(Base):
    """A message a channel has answered (by the channel's own message id), so that a redelivered
    update is not answered twice, across restarts and replicas too."""

    __tablename__ = "deliveries"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)


class CrawlRun(Base):
    """One crawl of one source: when, what it found, what went wrong (the source's health)."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    status: Mapped[str] = mapped_column(String(20))  # crawl_state.RunStatus
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    # The last page that failed in this run: its url, the crawler's issue code and detail.
    error_url: Mapped[str | None] = mapped_column(String(2000))
    error_code: Mapped[str | None] = mapped_column(String(40))
    error_detail: Mapped[str | None] = mapped_column(Text)


class CrawlPage(Base):
    """A url the crawler has met: what its listing showed, and whether its page was stored,
    skipped as not news, or is waiting to be retried."""

    __tablename__ = "crawl_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # crawl_state.PageStatus
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    listing: Mapped[str] = mapped_column(Text, default="")  # JSON: what the listing said
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error_code: Mapped[str | None] = mapped_column(String(40))  # why it was skipped or failed
    error_detail: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(AwareDateTime())
    last_attempt_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))


class Answer(Base):
    """A question answered with results, and what the chat said of them: 👍 (1) or 👎 (-1), and
    which shown article was the right one (0: none of them). The chat only as a keyed hash."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    asked_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_key: Mapped[str] = mapped_column(String(64), index=True)
    question: Mapped[str] = mapped_column(Text)
    total: Mapped[int] = mapped_column(Integer)
    shown: Mapped[str] = mapped_column(Text, default="")  # the article ids shown, "12,5,40"
    vote: Mapped[int | None] = mapped_column(SmallInteger)
    voted_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    judged: Mapped[int | None] = mapped_column(Integer)
    judged_at: Mapped[datetime | None] = mapped_column(AwareDateTime())


class DictionaryLine(Base):
    """A line an admin proposed for the query dictionary; merged with the file once confirmed."""

    __tablename__ = "dictionary_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    section: Mapped[str] = mapped_column(String(20))  # the file's section name
    line: Mapped[str] = mapped_column(Text)
    question: Mapped[str | None] = mapped_column(Text)  # the question it was tried on
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())


class Attachment(Base):
    """A file an article page links to (PDF, DOC(X), XLS(X)): its name, url, size if given."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(2000))
    size: Mapped[str | None] = mapped_column(String(40))


class Subscription(Base):
    """A chat follows a topic (a question, its time words dropped) or a category."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(64))
    query: Mapped[str | None] = mapped_column(Text)  # as typed (None: a category)
    category: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())

    __table_args__ = (UniqueConstraint("channel", "chat_id", "query", "category"),)


class Subscriber(Base):
    """A chat that follows topics: how it wants them, and whether it can still be reached."""

    __tablename__ = "subscribers"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    mode: Mapped[str] = mapped_column(String(20), default="instant")  # index.DeliveryMode
    digest_at: Mapped[str] = mapped_column(String(5), default="07:00")  # local time
    quiet_hours: Mapped[bool] = mapped_column(Boolean, default=True)
    paused_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    pause_reason: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())


class NewsOutbox(Base):
    """An article that is news, written in the transaction that stored it; a running bot
    claims it, percolates it, and marks it done (the transactional outbox)."""

    __tablename__ = "news_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    done_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), index=True)


class NewsDelivery(Base):
    """One article for one chat: claimed (unique) before it is sent, so that no chat gets the
    same article twice, whatever restarts, crashes or replicas."""

    __tablename__ = "news_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(64))
    article_id: Mapped[int] = mapped_column(Integer)  # an announcement's: minus its id
    subscription_id: Mapped[int | None] = mapped_column(Integer)
    news_key: Mapped[str] = mapped_column(String(64))  # the same news from two sources
    status: Mapped[str] = mapped_column(String(20), index=True)  # index.DeliveryStatus
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    due_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    error: Mapped[str | None] = mapped_column(String(200))
    digest_id: Mapped[int | None] = mapped_column(Integer, index=True)  # sent as one digest

    __table_args__ = (UniqueConstraint("channel", "chat_id", "article_id"),)


class Announcement(Base):
    """A message the admins sent to every subscribed chat (/thongbao), delivered through the
    delivery log (as article minus its id)."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
