"""What the index reads from the database: cached terms in batches, and the state to compare.

The database stays the source of truth. A build streams the articles whose cached terms match
the analyzer (never running the segmenter) in batches of rows, inside one read transaction, so a
build sees one consistent state and never holds the whole corpus in Python lists.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ..store.database import get_meta, set_meta, write_session
from ..store.models import Article, ArticleTerms, Source
from .segment import DocRow

__all__ = ["data_version", "database_identity", "database_rows", "database_state", "to_us"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_IDENTITY = "index_identity"


def to_us(value: datetime) -> int:
    """Microseconds since the epoch of an aware datetime (exact, unlike float seconds)."""
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _select(analyzer_version: str):  # type: ignore[no-untyped-def]
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
        )
        .join(Source, Article.source_id == Source.id)
        .join(ArticleTerms, ArticleTerms.article_id == Article.id)
        .where(ArticleTerms.analyzer_version == analyzer_version)
        .order_by(Article.id)
    )


def _row(row) -> DocRow:  # type: ignore[no-untyped-def]
    return DocRow(
        article_id=row.id,
        published_us=to_us(row.published_at),
        updated_us=to_us(row.updated_at),
        category=row.category,
        title=row.title,
        url=row.url,
        source=row.name,
        content=int(row.content_hash[:15], 16),
        title_tokens=row.title_tokens,
        text_tokens=row.text_tokens,
    )


def database_rows(
    sessions: sessionmaker[Session],
    analyzer_version: str,
    ids: Sequence[int] | None = None,
    batch: int = 2000,
) -> Iterator[list[DocRow]]:
    """Batches of indexable articles in id order (only `ids`, when given)."""
    query = _select(analyzer_version)
    if ids is None:
        with sessions() as session:
            result = session.execute(query.execution_options(yield_per=batch))
            for rows in result.partitions():
                yield [_row(r) for r in rows]
        return
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        with sessions() as session:
            rows = session.execute(query.where(Article.id.in_(chunk))).all()
        if rows:
            yield [_row(r) for r in rows]


def database_state(
    sessions: sessionmaker[Session], analyzer_version: str
) -> tuple[str, np.ndarray, np.ndarray]:
    """The data version, and the ids and update times (µs) of every indexable article."""
    query = (
        select(Article.id, Article.updated_at)
        .join(ArticleTerms, ArticleTerms.article_id == Article.id)
        .where(ArticleTerms.analyzer_version == analyzer_version)
        .order_by(Article.id)
    )
    with sessions() as session:
        version = get_meta(session, "data_version") or ""
        ids: list[int] = []
        updated: list[int] = []
        for rows in session.execute(query.execution_options(yield_per=20_000)).partitions():
            for row in rows:
                ids.append(row.id)
                updated.append(to_us(row.updated_at))
    return version, np.array(ids, dtype=np.int64), np.array(updated, dtype=np.int64)


def data_version(sessions: sessionmaker[Session]) -> str:
    """The database's data version (changed by every write to the articles)."""
    with sessions() as session:
        return get_meta(session, "data_version") or ""


def database_identity(sessions: sessionmaker[Session]) -> str:
    """A random name this database keeps, so an index built for another one is not used."""
    with sessions() as session:
        found = get_meta(session, _IDENTITY)
    if found:
        return found
    with write_session(sessions) as session:
        found = get_meta(session, _IDENTITY)
        if not found:
            found = uuid.uuid4().hex
            set_meta(session, _IDENTITY, found)
    return found
