"""What the crawler's memory holds: runs and their counts, page notes, each source's record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .models import CrawlRun

__all__ = [
    "RunStatus",
    "PageStatus",
    "PageNote",
    "PageError",
    "RunCounts",
    "RunRecord",
    "SourceRecord",
    "WAITING",
    "run_record",
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


WAITING = (PageStatus.PENDING, PageStatus.GOING)  # pages tried again on the next runs


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


def run_record(row: CrawlRun | None) -> RunRecord | None:
    if row is None:
        return None
    error = None
    if row.error_code is not None:
        error = PageError(row.error_url or "", row.error_code, row.error_detail or "")
    counts = RunCounts(row.added, row.updated, row.unchanged, row.failed, row.skipped)
    return RunRecord(row.started_at, row.finished_at, RunStatus(row.status), counts, error)
