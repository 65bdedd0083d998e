"""Each source's health (last run, new articles, errors) and which sources are due for a crawl."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from ..store.crawl_state import RunStatus
from ..store.store import Store
from ..text.dates import now
from .errors import CrawlIssue
from .reports import CrawlProblem
from .sources import SourceConfig

__all__ = ["SourceHealth", "crawl_health", "due_sources"]


@dataclass(frozen=True)
class SourceHealth:
    """How crawling one source went lately."""

    name: str
    enabled: bool | None  # None: not (or no longer) in the sources file
    last_run_at: datetime | None
    last_status: RunStatus | None
    last_added: int
    last_updated: int
    last_failed: int
    last_error: CrawlProblem | None  # of the most recent run that had one
    last_error_at: datetime | None
    articles: int
    pending: int  # pages waiting to be retried
    next_due: datetime | None  # None: disabled, or not configured


def crawl_health(store: Store, sources: Iterable[SourceConfig] = ()) -> tuple[SourceHealth, ...]:
    """Health of the configured sources and of every source crawled before, by name."""
    configured = {s.name: s for s in sources}
    names = sorted(set(configured) | store.crawl.crawled_sources(), key=str.casefold)
    return tuple(_health(store, name, configured.get(name)) for name in names)


def _health(store: Store, name: str, config: SourceConfig | None) -> SourceHealth:
    record = store.crawl.source(name)
    last, failing = record.last_run, record.last_failing_run
    next_due = None
    if config is not None and config.enabled:
        next_due = last.started_at + config.interval if last is not None else now()
    error = failing.error if failing is not None else None
    return SourceHealth(
        name=name,
        enabled=config.enabled if config is not None else None,
        last_run_at=last.started_at if last else None,
        last_status=last.status if last else None,
        last_added=last.counts.added if last else 0,
        last_updated=last.counts.updated if last else 0,
        last_failed=last.counts.failed if last else 0,
        last_error=CrawlProblem(error.url, _issue(error.code), error.detail) if error else None,
        last_error_at=(failing.finished_at or failing.started_at) if failing else None,
        articles=record.articles,
        pending=record.pending,
        next_due=next_due,
    )


def _issue(code: str) -> CrawlIssue:
    """The stored code as an issue (a code this version does not know reads as unknown)."""
    try:
        return CrawlIssue(code)
    except ValueError:
        return CrawlIssue.UNKNOWN


def due_sources(
    store: Store, sources: Iterable[SourceConfig], at: datetime | None = None
) -> list[SourceConfig]:
    """The enabled sources whose interval has passed since their last run (or never ran), and
    those whose crawler died mid-run (its lease expired)."""
    moment = at or now()
    enabled = [s for s in sources if s.enabled]
    last_runs = store.crawl.last_runs(s.name for s in enabled)
    abandoned = store.crawl.abandoned([s.name for s in enabled], moment)
    return [
        s
        for s in enabled
        if s.name not in last_runs
        or last_runs[s.name] + s.interval <= moment
        or s.name in abandoned
    ]
