"""What a crawl tells its caller: progress while it runs, problems and counts when it ends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from ..store.ingest import Changes, Outcome
from .errors import CrawlIssue, describe

__all__ = [
    "CrawlStage",
    "CrawlProgress",
    "CrawlProgressCallback",
    "ProblemKind",
    "CrawlProblem",
    "CrawlReport",
    "Tally",
]


class CrawlStage(StrEnum):
    """Where a crawl is."""

    DISCOVERING = "discovering"  # reading feeds, sitemaps and list pages
    FETCHING = "fetching"  # fetching article pages


@dataclass(frozen=True)
class CrawlProgress:
    """Where a crawl is: discovering (`done` listing pages read) or fetching (`done` of `total`
    article pages), and what it found so far."""

    source: str
    stage: CrawlStage
    done: int
    total: int | None
    added: int
    updated: int
    failed: int
    url: str = ""


CrawlProgressCallback = Callable[[CrawlProgress], None]
"""Called from the crawling thread after every page; it must return quickly."""


class ProblemKind(StrEnum):
    """A page that failed, or one left out on purpose."""

    FAILED = "failed"
    SKIPPED = "skipped"
    REMOVED = "removed"  # the page is gone for good: its stored article was taken down


@dataclass(frozen=True)
class CrawlProblem:
    """A page that failed or was left out, and why (`issue`, with the offending `detail`)."""

    url: str
    issue: CrawlIssue
    detail: str = ""
    kind: ProblemKind = ProblemKind.FAILED
    kept: bool = False  # the article was stored from its listing; its page is retried later

    @property
    def reason(self) -> str:
        """Why, in English."""
        return describe(self.issue, self.detail)

    def __str__(self) -> str:
        suffix = "; stored from the listing, retried on the next runs" if self.kept else ""
        return f"{self.url}: {self.reason}{suffix}"


@dataclass(frozen=True)
class CrawlReport(Changes):
    """What one crawl of one source did."""

    source: str
    started_at: datetime
    finished_at: datetime
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    pending: int = 0  # pages waiting to be retried after this run
    removed: int = 0  # stored articles taken down because their page is gone
    problems: tuple[CrawlProblem, ...] = ()

    @property
    def changed(self) -> bool:
        """True when articles were added, updated or taken down (the index needs a refresh)."""
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        """The one-line summary the command line prints."""
        removed = f", removed {self.removed}" if self.removed else ""
        return (
            f"new {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
            f"failed {self.failed}{removed}"
        )


@dataclass
class Tally:
    """The counts and problems of a crawl in progress."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    removed: int = 0
    problems: list[CrawlProblem] = field(default_factory=list)

    def fail(self, url: str, issue: CrawlIssue, detail: str = "", kept: bool = False) -> None:
        """Count a page that failed."""
        self.failed += 1
        self.problems.append(CrawlProblem(url, issue, detail, ProblemKind.FAILED, kept))

    def skip(self, url: str, issue: CrawlIssue, detail: str = "") -> None:
        """Count a page left out on purpose."""
        self.skipped += 1
        self.problems.append(CrawlProblem(url, issue, detail, ProblemKind.SKIPPED))

    def remove(self, url: str, status: str) -> None:
        """Count a stored article taken down because its page is gone."""
        self.removed += 1
        self.problems.append(CrawlProblem(url, CrawlIssue.PAGE_GONE, status, ProblemKind.REMOVED))

    def count(self, outcome: Outcome) -> None:
        """Count a stored article."""
        if outcome is Outcome.ADDED:
            self.added += 1
        elif outcome is Outcome.UPDATED:
            self.updated += 1
        else:
            self.unchanged += 1

    def last_failure(self) -> CrawlProblem | None:
        """The last page that failed, if any."""
        return next((p for p in reversed(self.problems) if p.kind is ProblemKind.FAILED), None)
