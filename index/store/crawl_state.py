"""What the crawler remembers between runs: each run of a source (its health) and each url met
(its listing, whether its page was stored, skipped or waits for a retry).

The crawler decides; this module only reads and writes. A page's note and its article are
written in one transaction, so a crawl killed half-way resumes without duplicates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from ..text.analyzer import Analyzer
from ..text.dates import now
from .coordination import Lease
from .database import write_session
from .ingest import Outcome, mark_changed, store_record, take_down
from .models import Article, AwareDateTime, CrawlPage, CrawlRun, Source
from .records import ArticleRecord

__all__ = [
    "CrawlState",
    "RunStatus",
    "PageStatus",
    "PageNote",
    "PageError",
    "RunCounts",
    "RunRecord",
    "SourceRecord",
]


class RunStatus(StrEnum):
    """How a crawl run ended (or that it is still running)."""

    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"  # some pages failed
    INTERRUPTED = "interrupted"  # stopped or killed before its end


class PageStatus(StrEnum):
    """What became of a url's page."""

    STORED = "stored"
    PENDING = "pending"  # failed; tried again on the next runs
    SKIPPED = "skipped"  # left out on purpose (not news, robots.txt)
    FAILED = "failed"  # failed for good
    GOING = "going"  # a stored page answered 404 or 410 once; tried again on the next run
    GONE = "gone"  # ... and a second time in a row: its article was taken down


_WAITING = (PageStatus.PENDING, PageStatus.GOING)  # pages tried again on the next runs


@dataclass(frozen=True)
class PageError:
    """A page's problem as the crawler coded it: the url, an issue code, the offending value."""

    url: str
    code: str
    detail: str = ""


@dataclass(frozen=True)
class PageNote:
    """What the crawler noted about a url on earlier runs."""

    status: PageStatus
    fingerprint: str
    attempts: int


@dataclass(frozen=True)
class RunCounts:
    """What one run did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0


@dataclass(frozen=True)
class RunRecord:
    """One finished (or running) crawl of a source."""

    started_at: datetime
    finished_at: datetime | None
    status: RunStatus
    counts: RunCounts
    error: PageError | None  # the last page that failed in this run


@dataclass(frozen=True)
class SourceRecord:
    """What the database knows of one source's crawls."""

    name: str
    last_run: RunRecord | None
    last_failing_run: RunRecord | None  # the most recent run with a failed page
    articles: int
    pending: int  # pages waiting for a retry


class CrawlState:
    """Runs and page notes in the database."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    # -- runs -------------------------------------------------------------------------------

    def start_run(self, source: str, started_at: datetime) -> tuple[int, int]:
        """Record a running crawl of the source (created if new): (run id, source id). A run of
        the same source still marked running was killed: it becomes interrupted."""
        with write_session(self.sessions) as session:
            row = session.scalar(select(Source).where(Source.name == source))
            if row is None:
                row = Source(name=source, created_at=started_at)
                session.add(row)
                session.flush()
            session.execute(
                update(CrawlRun)
                .where(CrawlRun.source_id == row.id, CrawlRun.status == RunStatus.RUNNING)
                .values(status=RunStatus.INTERRUPTED)
            )
            run = CrawlRun(source_id=row.id, started_at=started_at, status=RunStatus.RUNNING)
            session.add(run)
            session.flush()
            return run.id, row.id

    def crawled_before(self, source_id: int, run_id: int) -> bool:
        """True when the source had a run that finished before this one (this is not the
        archive of its first crawl)."""
        with self.sessions() as session:
            found = session.scalar(
                select(CrawlRun.id)
                .where(
                    CrawlRun.source_id == source_id,
                    CrawlRun.id != run_id,
                    CrawlRun.finished_at.is_not(None),
                )
                .limit(1)
            )
        return found is not None

    def finish_run(
        self,
        run_id: int,
        status: RunStatus,
        counts: RunCounts,
        error: PageError | None,
        finished_at: datetime,
    ) -> int:
        """Record how a run ended; returns how many pages of its source wait for a retry."""
        with write_session(self.sessions) as session:
            run = session.get(CrawlRun, run_id)
            if run is None:
                return 0
            run.finished_at = finished_at
            run.status = status
            run.added, run.updated, run.unchanged = counts.added, counts.updated, counts.unchanged
            run.failed, run.skipped = counts.failed, counts.skipped
            run.error_url = error.url if error else None
            run.error_code = error.code if error else None
            run.error_detail = error.detail if error else None
            return self._pending(session, run.source_id)

    # -- pages ------------------------------------------------------------------------------

    def notes(self, urls: Iterable[str]) -> dict[str, PageNote]:
        """The notes kept about these urls."""
        wanted = list(dict.fromkeys(urls))
        found: dict[str, PageNote] = {}
        with self.sessions() as session:
            for start in range(0, len(wanted), 500):
                rows = session.execute(
                    select(
                        CrawlPage.url, CrawlPage.status, CrawlPage.fingerprint, CrawlPage.attempts
                    ).where(CrawlPage.url.in_(wanted[start : start + 500]))
                )
                for row in rows:
                    found[row.url] = PageNote(PageStatus(row.status), row.fingerprint, row.attempts)
        return found

    def retries(self, source_id: int, retry_limit: int) -> list[tuple[str, str]]:
        """(url, saved listing) of the source's pages that failed and may be tried again."""
        with self.sessions() as session:
            rows = session.execute(
                select(CrawlPage.url, CrawlPage.listing)
                .where(
                    CrawlPage.source_id == source_id,
                    CrawlPage.status.in_(_WAITING),
                    CrawlPage.attempts < retry_limit,
                )
                .order_by(CrawlPage.id)
            ).all()
        return [(row.url, row.listing) for row in rows]

    def page_stored(
        self,
        source_id: int,
        url: str,
        listing: tuple[str, str],
        record: ArticleRecord,
        analyzer: Analyzer,
        fetched_at: datetime | None,
        *,
        notify: bool = False,
    ) -> Outcome:
        """Store the article of a page and note the page as stored (one transaction).
        `listing` is (fingerprint, saved listing); with `notify`, a new article that is news
        is queued for subscribers in the same transaction."""
        with write_session(self.sessions) as session:
            note = _note(session, source_id, url, listing)
            outcome, article = store_record(
                session, record, analyzer, fetched_at=fetched_at, notify=notify
            )
            note.status, note.attempts = PageStatus.STORED, 0
            note.error_code = note.error_detail = None
            note.article_id = article.id
            if outcome is not Outcome.UNCHANGED:
                mark_changed(session)
            return outcome

    def page_skipped(
        self, source_id: int, url: str, listing: tuple[str, str], error: PageError
    ) -> None:
        """Note a page left out on purpose, and why."""
        with write_session(self.sessions) as session:
            note = _note(session, source_id, url, listing)
            note.status = PageStatus.SKIPPED
            note.error_code, note.error_detail = error.code, error.detail

    def page_failed(
        self,
        source_id: int,
        url: str,
        listing: tuple[str, str],
        error: PageError,
        *,
        fallback: ArticleRecord | None,
        analyzer: Analyzer,
        skip: bool = False,
        retry: bool = True,
        retry_limit: int = 1,
        notify: bool = False,
    ) -> tuple[PageStatus, bool, Outcome | None]:
        """Note a page that could not be read: skipped (`skip`), or failed and retried on later
        runs while `retry` and under the limit. `fallback` (what its listing said) is stored when
        no article has the url yet, never for a skipped page. Returns the page's status, whether
        its article is kept from the listing until a retry succeeds, and what storing the
        fallback did."""
        with write_session(self.sessions) as session:
            note = _note(session, source_id, url, listing)
            outcome = None
            if fallback is not None and not skip and not _has_article(session, url):
                outcome, article = store_record(session, fallback, analyzer, notify=notify)
                note.article_id = article.id
                if outcome is not Outcome.UNCHANGED:
                    mark_changed(session)
            note.error_code, note.error_detail = error.code, error.detail
            if skip:
                note.status = PageStatus.SKIPPED
                return note.status, False, outcome
            note.attempts += 1
            gives_up = not retry or note.attempts >= retry_limit
            note.status = PageStatus.FAILED if gives_up else PageStatus.PENDING
            return note.status, note.article_id is not None and not gives_up, outcome

    def page_gone(
        self, source_id: int, url: str, listing: tuple[str, str], error: PageError
    ) -> int | None:
        """Note that the page of a stored article answered 404 or 410. The first time the page
        is tried again on the next run (even when no listing shows it any more) and None is
        returned; the second time in a row its article is taken down and its id returned."""
        with write_session(self.sessions) as session:
            note = _note(session, source_id, url, listing)
            note.error_code, note.error_detail = error.code, error.detail
            article = session.get(Article, note.article_id) if note.article_id else None
            if note.status != PageStatus.GOING or article is None:
                note.status, note.attempts = PageStatus.GOING, 0
                return None
            note.status, note.article_id = PageStatus.GONE, None
            (deleted,) = take_down(session, [article])
            return deleted

    def was_read(self, url: str) -> bool:
        """True when the url's page was read and its article is stored (not an article kept
        from a listing while its page could not be read)."""
        with self.sessions() as session:
            query = select(CrawlPage.status).where(
                CrawlPage.url == url, CrawlPage.article_id.is_not(None)
            )
            status = session.scalar(query)
        return status in (PageStatus.STORED, PageStatus.GOING)

    # -- health -----------------------------------------------------------------------------

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
                name, _run(last), _run(failing), articles or 0, self._pending(session, source_id)
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

    @staticmethod
    def _pending(session: Session, source_id: int) -> int:
        query = select(func.count(CrawlPage.id)).where(
            CrawlPage.source_id == source_id, CrawlPage.status.in_(_WAITING)
        )
        return session.scalar(query) or 0


def _note(session: Session, source_id: int, url: str, listing: tuple[str, str]) -> CrawlPage:
    """The page's note, created on first sight, with its listing and this attempt's time."""
    note = session.scalar(select(CrawlPage).where(CrawlPage.url == url))
    stamp = now()
    if note is None:
        note = CrawlPage(
            source_id=source_id, url=url, status=PageStatus.PENDING, attempts=0, first_seen_at=stamp
        )
        session.add(note)
    note.fingerprint, note.listing = listing
    note.last_attempt_at = stamp
    return note


def _has_article(session: Session, url: str) -> bool:
    return session.scalar(select(Article.id).where(Article.url == url)) is not None


def _run(row: CrawlRun | None) -> RunRecord | None:
    if row is None:
        return None
    error = None
    if row.error_code is not None:
        error = PageError(row.error_url or "", row.error_code, row.error_detail or "")
    counts = RunCounts(row.added, row.updated, row.unchanged, row.failed, row.skipped)
    return RunRecord(row.started_at, row.finished_at, RunStatus(row.status), counts, error)
