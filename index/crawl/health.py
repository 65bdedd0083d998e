"""Each source's health (last run, new articles, errors) and which sources are due for a crawl."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ..store.database import now
from ..store.models import Article, CrawlPage, CrawlRun, Source
from .sources import SourceConfig

__all__ = ["SourceHealth", "crawl_health", "due_sources"]


@dataclass(frozen=True)
class SourceHealth:
    """How crawling one source went lately."""

    name: str
    enabled: bool | None  # None: not (or no longer) in the sources file
    last_run_at: datetime | None
    last_status: str | None  # ok, failed, interrupted, running
    last_new: int
    last_updated: int
    last_failed: int
    last_error: str | None  # of the most recent run that had one
    last_error_at: datetime | None
    articles: int
    pending: int  # pages waiting to be retried
    next_due: datetime | None  # None: disabled, or not configured


def crawl_health(
    sessions: sessionmaker[Session], sources: Iterable[SourceConfig] = ()
) -> tuple[SourceHealth, ...]:
    """Health of the configured sources and of every source crawled before, by name."""
    configured = {s.name: s for s in sources}
    with sessions() as session:
        crawled = set(
            session.scalars(select(Source.name).join(CrawlRun, CrawlRun.source_id == Source.id))
        )
        names = sorted(set(configured) | crawled, key=str.casefold)
        return tuple(_health(session, name, configured.get(name)) for name in names)


def _health(session: Session, name: str, config: SourceConfig | None) -> SourceHealth:
    source_id = session.scalar(select(Source.id).where(Source.name == name))
    last = failing = None
    articles = pending = 0
    if source_id is not None:
        runs = (
            select(CrawlRun)
            .where(CrawlRun.source_id == source_id)
            .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
        )
        last = session.scalars(runs.limit(1)).first()
        failing = session.scalars(runs.where(CrawlRun.last_error.is_not(None)).limit(1)).first()
        articles = (
            session.scalar(select(func.count(Article.id)).where(Article.source_id == source_id))
            or 0
        )
        pending = (
            session.scalar(
                select(func.count(CrawlPage.id)).where(
                    CrawlPage.source_id == source_id, CrawlPage.status == "pending"
                )
            )
            or 0
        )
    next_due = None
    if config is not None and config.enabled:
        next_due = last.started_at + config.interval if last is not None else now()
    return SourceHealth(
        name=name,
        enabled=config.enabled if config is not None else None,
        last_run_at=last.started_at if last else None,
        last_status=last.status if last else None,
        last_new=last.new if last else 0,
        last_updated=last.updated if last else 0,
        last_failed=last.failed if last else 0,
        last_error=failing.last_error if failing else None,
        last_error_at=(failing.finished_at or failing.started_at) if failing else None,
        articles=articles,
        pending=pending,
        next_due=next_due,
    )


def due_sources(
    sessions: sessionmaker[Session], sources: Iterable[SourceConfig], at: datetime | None = None
) -> list[SourceConfig]:
    """The enabled sources whose interval has passed since their last run (or never ran)."""
    moment = at or now()
    enabled = [s for s in sources if s.enabled]
    with sessions() as session:
        last_runs = dict(
            session.execute(
                select(Source.name, func.max(CrawlRun.started_at))
                .join(CrawlRun, CrawlRun.source_id == Source.id)
                .where(Source.name.in_([s.name for s in enabled]))
                .group_by(Source.name)
            ).all()
        )
    due = []
    for source in enabled:
        last = _aware(last_runs.get(source.name))
        if last is None or last + source.interval <= moment:
            due.append(source)
    return due


def _aware(value: datetime | str | None) -> datetime | None:
    """func.max bypasses the column type on SQLite: re-apply it."""
    from ..store.models import AwareDateTime

    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return AwareDateTime().process_result_value(value, None)  # type: ignore[arg-type]
