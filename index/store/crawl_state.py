"""What the crawler remembers between runs: each run of a source (its health) and each url met
(its listing, whether its page was stored, skipped or waits for a retry).

The crawler decides; this module only reads and writes. A page's note and its article are
written in one transaction, so a crawl killed half-way resumes without duplicates.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from ..text.analyzer import Analyzer
from ..text.dates import now
from .crawl_health import CrawlHealth, pending
from .crawl_records import (
    WAITING,
    PageError,
    PageNote,
    PageStatus,
    RunCounts,
    RunRecord,
    RunStatus,
    SourceRecord,
)
from .database import write_session
from .ingest import Outcome, mark_changed, store_record, take_down
from .models import Article, CrawlPage, CrawlRun, Source
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


class CrawlState(CrawlHealth):
    """Runs and page notes in the database (their health read in `CrawlHealth`)."""

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
            return pending(session, run.source_id)

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
                    CrawlPage.status.in_(WAITING),
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
