"""The health of crawled sources, read from the crawler's memory: last runs, failures in a row,
crawls abandoned by a dead crawler, pages waiting for a retry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from .coordination import Lease
from .crawl_records import WAITING, RunStatus, SourceRecord, run_record
from .models import Article, AwareDateTime, CrawlPage, CrawlRun, Source

__all__ = ["CrawlHealth", "pending"]


class CrawlHealth:
    """What the runs and page notes say of each source's health."""

    sessions: sessionmaker[Session]

    def crawled_sources(self) -> set[str]:
        """The names of the sources crawled at least once."""
        with self.sessions() as session:
            query = select(Source.name).join(CrawlRun, CrawlRun.source_id == Source.id)
            return set(session.scalars(query))

    def source(self, name: str) -> SourceRecord:
        """The crawls, articles and pending pages of one source."""
        with self.sessions() as session:
            source_id = session.scalar(select(Source.id).where(Source.name == name))
            if source_id is None:
                return SourceRecord(name, None, None, 0, 0)
            runs = (
                select(CrawlRun)
                .where(CrawlRun.source_id == source_id)
                .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
            )
            last = session.scalars(runs.limit(1)).first()
            failing = session.scalars(runs.where(CrawlRun.error_code.is_not(None)).limit(1)).first()
            articles = session.scalar(
                select(func.count(Article.id)).where(Article.source_id == source_id)
            )
            return SourceRecord(
                name,
                run_record(last),
                run_record(failing),
                articles or 0,
                pending(session, source_id),
            )

    def last_runs(self, names: Iterable[str]) -> dict[str, datetime]:
        """When each of these sources was last crawled (sources never crawled are absent)."""
        with self.sessions() as session:
            rows = session.execute(
                select(Source.name, func.max(CrawlRun.started_at))
                .join(CrawlRun, CrawlRun.source_id == Source.id)
                .where(Source.name.in_(list(names)))
                .group_by(Source.name)
            ).all()
        return {name: AwareDateTime.aggregate(when) for name, when in rows if when is not None}

    def abandoned(self, names: Iterable[str], at: datetime) -> set[str]:
        """The sources whose last run is still marked running while nobody holds their crawl
        lease at `at`: their crawler died (kill -9, a lost host), so they are due again."""
        wanted = list(names)
        if not wanted:
            return set()
        latest = (
            select(CrawlRun.source_id, func.max(CrawlRun.id).label("run_id"))
            .group_by(CrawlRun.source_id)
            .subquery()
        )
        with self.sessions() as session:
            running = set(
                session.scalars(
                    select(Source.name)
                    .join(latest, latest.c.source_id == Source.id)
                    .join(CrawlRun, CrawlRun.id == latest.c.run_id)
                    .where(Source.name.in_(wanted), CrawlRun.status == RunStatus.RUNNING)
                )
            )
            if not running:
                return set()
            held = set(
                session.scalars(
                    select(Lease.name).where(
                        Lease.name.in_([f"crawl:{n}" for n in running]), Lease.expires_at > at
                    )
                )
            )
        return {name for name in running if f"crawl:{name}" not in held}

    def failed_in_a_row(self, names: Iterable[str], window: int = 10) -> dict[str, int]:
        """For each source, how many of its latest finished runs failed, counting back to the
        last run that did not (at most `window`)."""
        found: dict[str, int] = {}
        with self.sessions() as session:
            for name in names:
                statuses = session.scalars(
                    select(CrawlRun.status)
                    .join(Source, Source.id == CrawlRun.source_id)
                    .where(Source.name == name, CrawlRun.status != RunStatus.RUNNING)
                    .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
                    .limit(window)
                )
                count = 0
                for status in statuses:
                    if status != RunStatus.FAILED:
                        break
                    count += 1
                found[name] = count
        return found


def pending(session: Session, source_id: int) -> int:
    """How many of a source's pages wait for a retry."""
    query = select(func.count(CrawlPage.id)).where(
        CrawlPage.source_id == source_id, CrawlPage.status.in_(WAITING)
    )
    return session.scalar(query) or 0
