"""The store: the one owner of the database. Other rooms call its methods, never a session."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Row, Select, bindparam, case, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from ..errors import ArticleNotFound
from ..text.analyzer import Analyzer
from ..text.event_dates import EventDate
from ..text.event_dates import decode as decode_dates
from .changes import ChangeLog, data_version, install
from .coordination import Alerts, Leases, TokenBuckets
from .database import get_meta, open_database, safe_url, set_meta, write_session
from .dictionary_lines import DictionaryLines
from .ingest import IngestReport, ProgressCallback, reanalyse, reanalyse_when_changed, take_down
from .models import Article, ArticleTerms, Attachment, Source
from .pipeline import store_items
from .records import AttachmentLink, Item
from .usage import StoreStats, Usage
from .workers import IN_PROCESS, IngestWorkers

if TYPE_CHECKING:
    from .conversations import Conversations
    from .crawl_state import CrawlState
    from .feedback import Feedback
    from .news_log import NewsLog
    from .subscriptions import Subscriptions

__all__ = ["Store", "ArticleView", "StoreStats", "IndexRow", "TakeDown"]

MAX_ID = 2**63 - 1
_T = TypeVar("_T")

# What every search reads (the sentences its hits quote), as a statement built once: building
# one, with its cache key, cost about as much as running it.
_SENTENCES = select(ArticleTerms.article_id, ArticleTerms.sentences).where(
    ArticleTerms.article_id.in_(bindparam("ids", expanding=True))
)
_EVENT_DATES = select(ArticleTerms.article_id, ArticleTerms.event_dates).where(
    ArticleTerms.article_id.in_(bindparam("ids", expanding=True))
)


@dataclass(frozen=True)
class ArticleView:
    """A whole article, for reading."""

    article_id: int
    title: str
    url: str | None
    published_at: datetime
    date_estimated: bool
    category: str | None
    author: str | None
    source: str
    summary: str
    body: str
    attachments: tuple[AttachmentLink, ...] = ()  # files the page linked to


@dataclass(frozen=True)
class TakeDown:
    """What a take-down did: the ids deleted, and the ids or urls no article had."""

    deleted: tuple[int, ...]
    missing: tuple[int | str, ...]


@dataclass(frozen=True)
class IndexRow:
    """One article as the search index needs it: its columns and its cached analysis."""

    article_id: int
    published_at: datetime
    updated_at: datetime
    category: str | None
    title: str
    url: str | None
    content_hash: str
    source: str
    title_tokens: str  # the token stream joined by "\n"
    text_tokens: str
    sentences: str | None  # the display sentences (a JSON list), read only without a sketch
    sketch: bytes | None  # their near-duplicate signature, as stored (none if analysed before)


class Store(Usage):
    """Articles, their cached analysis, the questions asked and the crawls, in one database."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        database_url: str = "",
        ingest_workers: IngestWorkers = IN_PROCESS,
    ) -> None:
        """Wrap an opened database (see `open`); `database_url` lets a child process reopen it;
        `ingest_workers`: processes that analyse a large import (see `IngestWorkers`)."""
        self.sessions = sessions
        self.database_url = database_url
        self.ingest_workers = ingest_workers
        self.url = safe_url(database_url) if database_url else ""
        install(sessions)  # every change to articles is logged for readers elsewhere
        self.changes = ChangeLog(sessions)
        self.leases = Leases(sessions)
        self.buckets = TokenBuckets(sessions)
        self.alerts = Alerts(sessions)
        self.dictionary_lines = DictionaryLines(sessions)

    # The parts a question does not need are imported on first use (`bot.py ask` is quicker).

    @cached_property
    def crawl(self) -> CrawlState:
        """Crawl runs and page notes."""
        from .crawl_state import CrawlState

        return CrawlState(self.sessions)

    @cached_property
    def conversations(self) -> Conversations:
        """Where each chat stands, the questions logged."""
        from .conversations import Conversations

        return Conversations(self.sessions)

    @cached_property
    def feedback(self) -> Feedback:
        """👍/👎 and judgments on answers."""
        from .feedback import Feedback

        return Feedback(self.sessions)

    @cached_property
    def subscriptions(self) -> Subscriptions:
        """What chats follow."""
        from .subscriptions import Subscriptions

        return Subscriptions(self.sessions)

    @cached_property
    def news_log(self) -> NewsLog:
        """The news outbox and the delivery log."""
        from .news_log import NewsLog

        return NewsLog(self.sessions)

    @classmethod
    def open(cls, url: str, *, ingest_workers: IngestWorkers = IN_PROCESS) -> Store:
        """Connect, create or upgrade the schema; raises DatabaseUnavailable."""
        return cls(open_database(url), url, ingest_workers)

    @property
    def sqlite_file(self) -> Path | None:
        """The database file, for a SQLite database kept in a file."""
        return sqlite_path(self.database_url)

    def close(self) -> None:
        """Release the pooled connections (at shutdown; a later call reconnects)."""
        bind = self.sessions.kw.get("bind")
        if bind is not None:
            bind.dispose()

    # -- articles in ------------------------------------------------------------------------

    def store_items(
        self,
        items: Iterable[Item],
        analyzer: Analyzer,
        progress: ProgressCallback | None = None,
        *,
        notify: bool = False,
    ) -> IngestReport:
        """Store records in batches (each one transaction); problems are reported, not raised.
        With `notify`, new articles that are news are queued for subscribers. A large import is
        analysed in `ingest_workers` processes (raises WorkerFailed should one die)."""
        return store_items(
            self.sessions, items, analyzer, progress=progress, notify=notify,
            workers=self.ingest_workers,
        )  # fmt: skip

    def reanalyse(
        self,
        analyzer: Analyzer,
        *,
        full: bool = False,
        progress: ProgressCallback | None = None,
        unless_unchanged: bool = False,
    ) -> int:
        """Re-segment articles whose analysis is missing or stale (all with `full`; with
        `unless_unchanged`, only after a change: `reanalyse_when_changed`)."""
        if unless_unchanged and not full:
            return reanalyse_when_changed(self.sessions, analyzer, progress)
        return reanalyse(self.sessions, analyzer, full=full, progress=progress)

    def is_new(self) -> bool:
        """True for a database that never held an article nor loaded the sample."""
        with self.sessions() as session:
            has_articles = session.scalar(select(Article.id).limit(1)) is not None
            return not has_articles and get_meta(session, "sample_loaded") is None

    def load_sample(
        self, folder: Path, analyzer: Analyzer, progress: ProgressCallback | None = None
    ) -> IngestReport:
        """Store the shipped sample and remember it was loaded (a later emptying keeps it out)."""
        from .importers import read_paths

        report = self.store_items(read_paths([folder]), analyzer, progress)
        with write_session(self.sessions) as session:
            set_meta(session, "sample_loaded", str(folder))
        return report

    def delete(self, targets: Iterable[int | str]) -> TakeDown:
        """Delete articles named by id or url (a take-down)."""
        wanted = list(dict.fromkeys(targets))
        ids = [t for t in wanted if isinstance(t, int)]
        urls = [t for t in wanted if isinstance(t, str)]
        with write_session(self.sessions) as session:
            found = list(session.scalars(select(Article).where(Article.id.in_(ids)))) if ids else []
            if urls:
                found += session.scalars(select(Article).where(Article.url.in_(urls)))
            hit = {a.id for a in found} | {a.url for a in found if a.url}
            deleted = take_down(session, found)
        return TakeDown(tuple(deleted), tuple(t for t in wanted if t not in hit))

    # -- articles out -----------------------------------------------------------------------

    def data_version(self) -> str:
        """Changes whenever articles are added, edited or re-analysed: the number of the last
        change in the change log (a random name in databases older than the log)."""
        with self.sessions() as session:
            return data_version(session)

    def index_rows(
        self, analyzer_version: str, ids: Sequence[int] | None = None, batch: int = 2000
    ) -> Iterator[list[IndexRow]]:
        """Batches of the articles analysed with this analyzer version, by id (only `ids`, when
        given). All of them are read in one transaction, streamed: a build sees one state and
        never holds the corpus at once."""
        query = _index_query(analyzer_version)
        if ids is None:
            with self.sessions() as session:
                result = session.execute(query.execution_options(yield_per=batch))
                for rows in result.partitions():
                    yield [_index_row(*row) for row in rows]
            return
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            with self.sessions() as session:
                rows = session.execute(query.where(Article.id.in_(chunk))).all()
            if rows:
                yield [_index_row(*row) for row in rows]

    def index_state(self, analyzer_version: str) -> tuple[str, list[int], list[datetime]]:
        """The data version, and the id and update time of every indexable article, by id."""
        query = (
            select(Article.id, Article.updated_at)
            .join(ArticleTerms, ArticleTerms.article_id == Article.id)
            .where(ArticleTerms.analyzer_version == analyzer_version)
            .order_by(Article.id)
        )
        ids: list[int] = []
        updated: list[datetime] = []
        with self.sessions() as session:
            version = data_version(session)
            for rows in session.execute(query.execution_options(yield_per=20_000)).partitions():
                for row in rows:
                    ids.append(row.id)
                    updated.append(row.updated_at)
        return version, ids, updated

    def article_count(self) -> int:
        """How many articles are stored."""
        with self.sessions() as session:
            return session.scalar(select(func.count(Article.id))) or 0

    def identity(self) -> str:
        """A random name this database keeps, so that an index built for another database is
        never used for this one."""
        with self.sessions() as session:
            found = get_meta(session, "index_identity")
        if found:
            return found
        with write_session(self.sessions) as session:
            found = get_meta(session, "index_identity")
            if not found:
                found = uuid.uuid4().hex
                set_meta(session, "index_identity", found)
        return found

    def sentences(self, article_ids: list[int]) -> dict[int, list[str]]:
        """The display sentences of these articles (what snippets quote)."""
        return {i: json.loads(text) for i, text in self._by_ids(_SENTENCES, article_ids)}

    def event_dates(self, article_ids: list[int]) -> dict[int, list[EventDate]]:
        """The dates these articles mention, as read at ingest (none for an article analysed
        before they were read)."""
        rows = self._by_ids(_EVENT_DATES, article_ids)
        return {i: decode_dates(dates) for i, dates in rows if dates}

    def _by_ids(self, statement: Select[int, _T], article_ids: list[int]) -> list[Row[int, _T]]:
        """A statement's rows for these articles, on a pooled connection without a session (half
        the time: every search reads its hits' sentences)."""
        if not article_ids:
            return []
        with self.sessions.kw["bind"].connect() as connection:
            return list(connection.execute(statement, {"ids": article_ids}))

    def articles(self, batch: int = 500) -> Iterator[ArticleView]:
        """Every article, by id, read `batch` rows at a time (for exports)."""
        last = 0
        while True:
            with self.sessions() as session:
                rows = session.scalars(
                    select(Article).where(Article.id > last).order_by(Article.id).limit(batch)
                ).all()
                views = [_view(row) for row in rows]
            if not views:
                return
            yield from views
            last = views[-1].article_id

    def article(self, article_id: int) -> ArticleView:
        """The whole article; raises ArticleNotFound."""
        if not 0 < article_id <= MAX_ID:  # a database integer could not hold it
            raise ArticleNotFound(f"no article has id {article_id}")
        with self.sessions() as session:
            row = session.get(Article, article_id)
            if row is None:
                raise ArticleNotFound(f"no article has id {article_id}")
            files = session.scalars(
                select(Attachment)
                .where(Attachment.article_id == article_id)
                .order_by(Attachment.position)
            )
            links = tuple(AttachmentLink(f.name, f.url, f.size) for f in files)
            return replace(_view(row), attachments=links)


def _index_row(
    article_id: int,
    published_at: datetime,
    updated_at: datetime,
    category: str | None,
    title: str,
    url: str | None,
    content_hash: str,
    source: str,
    title_tokens: str,
    text_tokens: str,
    sentences: str | None,
    sketch: bytes | None,
) -> IndexRow:
    return IndexRow(
        article_id, published_at, updated_at, category, title, url, content_hash, source,
        title_tokens, text_tokens, sentences, sketch,
    )  # fmt: skip


def _index_query(
    analyzer_version: str,
) -> Select[
    int,
    datetime,
    datetime,
    str | None,
    str,
    str | None,
    str,
    str,
    str,
    str,
    str | None,
    bytes | None,
]:
    return (
        select(
            Article.id,
            Article.published_at,
            Article.updated_at,
            Article.category,
            Article.title,
            Article.url,
            Article.content_hash,
            Source.name,
            ArticleTerms.title_tokens,
            ArticleTerms.text_tokens,
            # the sentences only make the signature of an article analysed before 0012
            case((ArticleTerms.sketch.is_(None), ArticleTerms.sentences), else_=None),
            ArticleTerms.sketch,
        )
        .join(Source, Article.source_id == Source.id)
        .join(ArticleTerms, ArticleTerms.article_id == Article.id)
        .where(ArticleTerms.analyzer_version == analyzer_version)
        .order_by(Article.id)
    )


def _view(row: Article) -> ArticleView:
    return ArticleView(
        article_id=row.id,
        title=row.title,
        url=row.url,
        published_at=row.published_at,
        date_estimated=row.date_estimated,
        category=row.category,
        author=row.author,
        source=row.source.name,
        summary=row.summary,
        body=row.body,
    )


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite database kept in a file (None for any other database)."""
    if not database_url:
        return None
    url = make_url(database_url)
    database = url.database if url.get_backend_name() == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()
