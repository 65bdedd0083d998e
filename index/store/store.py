"""The store: the one owner of the database. Other rooms call its methods, never a session."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ..errors import ArticleNotFound
from ..text.analyzer import Analyzer
from ..text.dates import now
from .crawl_state import CrawlState
from .database import get_meta, open_database, safe_url, set_meta, write_session
from .importers import read_paths
from .ingest import IngestReport, ProgressCallback, reanalyse, store_items
from .models import Article, ArticleTerms, AwareDateTime, Question, Source
from .records import Item

__all__ = ["Store", "ArticleView", "StoreStats", "IndexRow"]

MAX_ID = 2**63 - 1


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


@dataclass(frozen=True)
class StoreStats:
    """What the database holds."""

    articles: int
    sources: tuple[tuple[str, int], ...]  # (name, articles), largest first
    first_published: datetime | None
    last_published: datetime | None
    last_reindex: datetime | None
    questions_today: int


@dataclass(frozen=True)
class IndexRow:
    """One article as the search index needs it: its columns and its cached analysis."""

    article_id: int
    published_at: datetime
    category: str | None
    title: str
    url: str | None
    content_hash: str
    source: str
    title_tokens: str  # the token stream joined by "\n"
    text_tokens: str


class Store:
    """Articles, their cached analysis, the questions asked and the crawls, in one database."""

    def __init__(self, sessions: sessionmaker[Session], url: str = "") -> None:
        """Wrap an opened database (see `open`)."""
        self.sessions = sessions
        self.url = url
        self.crawl = CrawlState(sessions)

    @classmethod
    def open(cls, url: str) -> Store:
        """Connect, create or upgrade the schema; raises DatabaseUnavailable."""
        return cls(open_database(url), safe_url(url))

    def close(self) -> None:
        """Release the pooled connections (at shutdown; a later call reconnects)."""
        bind = self.sessions.kw.get("bind")
        if bind is not None:
            bind.dispose()

    # -- articles in ------------------------------------------------------------------------

    def store_items(
        self, items: Iterable[Item], analyzer: Analyzer, progress: ProgressCallback | None = None
    ) -> IngestReport:
        """Store records in batches (each one transaction); problems are reported, not raised."""
        return store_items(self.sessions, items, analyzer, progress=progress)

    def reanalyse(
        self, analyzer: Analyzer, *, full: bool = False, progress: ProgressCallback | None = None
    ) -> int:
        """Re-segment articles whose cached analysis is missing or stale (all with `full`)."""
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
        report = self.store_items(read_paths([folder]), analyzer, progress)
        with write_session(self.sessions) as session:
            set_meta(session, "sample_loaded", str(folder))
        return report

    # -- articles out -----------------------------------------------------------------------

    def data_version(self) -> str:
        """Changes whenever articles are added, edited or re-analysed."""
        with self.sessions() as session:
            return get_meta(session, "data_version") or ""

    def index_rows(self, analyzer_version: str) -> list[IndexRow]:
        """Every article analysed with this analyzer version, by id."""
        query = (
            select(
                Article.id,
                Article.published_at,
                Article.category,
                Article.title,
                Article.url,
                Article.content_hash,
                Source.name,
                ArticleTerms.title_tokens,
                ArticleTerms.text_tokens,
            )
            .join(Source, Article.source_id == Source.id)
            .join(ArticleTerms, ArticleTerms.article_id == Article.id)
            .where(ArticleTerms.analyzer_version == analyzer_version)
            .order_by(Article.id)
        )
        with self.sessions() as session:
            return [IndexRow(*row) for row in session.execute(query)]

    def sentences(self, article_ids: list[int]) -> dict[int, list[str]]:
        """The display sentences of these articles (what snippets quote)."""
        if not article_ids:
            return {}
        query = select(ArticleTerms.article_id, ArticleTerms.sentences).where(
            ArticleTerms.article_id.in_(article_ids)
        )
        with self.sessions() as session:
            return {row.article_id: json.loads(row.sentences) for row in session.execute(query)}

    def article(self, article_id: int) -> ArticleView:
        """The whole article; raises ArticleNotFound."""
        if not 0 < article_id <= MAX_ID:  # a database integer could not hold it
            raise ArticleNotFound(f"no article has id {article_id}")
        with self.sessions() as session:
            row = session.get(Article, article_id)
            if row is None:
                raise ArticleNotFound(f"no article has id {article_id}")
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

    # -- usage ------------------------------------------------------------------------------

    def mark_reindexed(self, at: datetime) -> None:
        """Remember when the index was last rebuilt by hand."""
        with write_session(self.sessions) as session:
            set_meta(session, "last_reindex_at", at.isoformat())

    def record_question(self, query: str, total: int, channel: str) -> None:
        """Count a question for the usage statistics (the text is kept, the asker is not)."""
        with write_session(self.sessions) as session:
            text = query.replace("\x00", "")[:500]  # PostgreSQL refuses NUL, SQLite keeps it
            session.add(Question(asked_at=now(), query=text, total=total, channel=channel))

    def stats(self) -> StoreStats:
        """Counts and dates of the stored articles, and today's questions."""
        midnight = now().replace(hour=0, minute=0, second=0, microsecond=0)
        with self.sessions() as session:
            articles = session.scalar(select(func.count(Article.id))) or 0
            per_source = session.execute(
                select(Source.name, func.count(Article.id))
                .join(Article, Article.source_id == Source.id)
                .group_by(Source.name)
                .order_by(func.count(Article.id).desc(), Source.name)
            ).all()
            first, last = session.execute(
                select(func.min(Article.published_at), func.max(Article.published_at))
            ).one()
            last_reindex = get_meta(session, "last_reindex_at")
            questions_today = session.scalar(
                select(func.count(Question.id)).where(Question.asked_at >= midnight)
            )
        return StoreStats(
            articles=articles,
            sources=tuple((name, count) for name, count in per_source),
            first_published=aware(first),
            last_published=aware(last),
            last_reindex=datetime.fromisoformat(last_reindex) if last_reindex else None,
            questions_today=questions_today or 0,
        )


def aware(value: datetime | str | None) -> datetime | None:
    """An aggregate (min, max) of a date column, which bypasses the column type on SQLite."""
    return None if value is None else AwareDateTime.aggregate(value)
