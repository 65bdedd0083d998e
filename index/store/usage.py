"""Usage kept in the database: the questions asked, when the index was last rebuilt by hand, and
the counts `stats` reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ..text.dates import now
from .database import get_meta, set_meta, write_session
from .models import Article, AwareDateTime, Question, Source

__all__ = ["StoreStats", "Usage", "aware"]


@dataclass(frozen=True)
class StoreStats:
    """What the database holds."""

    articles: int
    sources: tuple[tuple[str, int], ...]  # (name, articles), largest first
    first_published: datetime | None
    last_published: datetime | None
    last_reindex: datetime | None
    questions_today: int
    taken_down: int  # articles deleted by a take-down (CLI, /xoa, a page gone from its portal)


class Usage:
    """The store's usage statistics (a part of `Store`)."""

    sessions: sessionmaker[Session]

    def mark_reindexed(self, at: datetime) -> None:
        """Remember when the index was last rebuilt by hand."""
        with write_session(self.sessions) as session:
            set_meta(session, "last_reindex_at", at.isoformat())

    def record_question(
        self, query: str, total: int, channel: str, chat_key: str | None = None
    ) -> None:
        """Count a question for the usage statistics (the text is kept, the asker is not; the
        chat only as a keyed hash, so that it can be deleted with the chat's data)."""
        with write_session(self.sessions) as session:
            text = query.replace("\x00", "")[:500]  # PostgreSQL refuses NUL, SQLite keeps it
            session.add(
                Question(
                    asked_at=now(),
                    query=text,
                    total=total,
                    channel=channel[:20],
                    chat_key=chat_key,
                )
            )

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
            taken_down = int(get_meta(session, "taken_down") or 0)
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
            taken_down=taken_down,
        )


def aware(value: datetime | str | None) -> datetime | None:
    """An aggregate (min, max) of a date column, which bypasses the column type on SQLite."""
    return None if value is None else AwareDateTime.aggregate(value)
