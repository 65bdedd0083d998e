"""Crawling portals from the running bot: one crawl at a time, by hand (/crawl) or on schedule.

Each crawl runs in a worker thread (the crawler blocks), so the bot keeps answering; after a
crawl that added or changed articles the index is refreshed, so they are found at once. At
shutdown the crawl in progress stops after its current page and resumes on its next run.
Nothing here imports `telegram`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from index import Archive
from index.crawl import (
    CrawlBusy,
    CrawlProgress,
    SourceConfig,
    SourceHealth,
    SourcesFile,
)

from .crawl_outcome import CrawlFailure, CrawlOutcome
from .progress import Latest, while_running

__all__ = ["CrawlJobs", "CrawlOutcome", "CrawlStopped", "CrawlFailure", "Target"]

log = logging.getLogger(__name__)

Target = SourceConfig | str  # a configured source, or a url given by hand
ProgressShown = Callable[[CrawlProgress], Awaitable[None]]


class CrawlStopped(Exception):
    """The bot is stopping: the crawl gives up between two pages (its next run resumes it)."""


class _Watch(Latest[CrawlProgress]):
    """The crawling thread's progress callback: keeps the latest report, and stops the crawl when
    the bot is stopping (the crawler records the run as interrupted)."""

    def __init__(self, stopping: threading.Event) -> None:
        super().__init__()
        self.stopping = stopping

    def __call__(self, value: CrawlProgress) -> None:
        if self.stopping.is_set():
            raise CrawlStopped(value.source)
        super().__call__(value)


async def _nothing(progress: CrawlProgress) -> None:
    """Progress nobody watches (the scheduled crawl)."""


class CrawlJobs:
    """The bot's crawls: at most one at a time, each off the event loop."""

    def __init__(
        self, archive: Archive, sources: SourcesFile, lease_seconds: float | None = None
    ) -> None:
        self.archive = archive
        self.sources = sources
        self.lease_seconds = lease_seconds  # a dead replica's crawl can be taken over after it
        self.holder = f"crawl-jobs:{uuid.uuid4().hex}"  # this process, in the schedule's leases
        self._task: asyncio.Task[None] | None = None
        self._stopping = threading.Event()

    @property
    def busy(self) -> bool:
        """True while a crawl runs (or the bot is stopping)."""
        return self._stopping.is_set() or (self._task is not None and not self._task.done())

    @property
    def stopping(self) -> bool:
        """True once the bot has begun to stop."""
        return self._stopping.is_set()

    @property
    def scheduled(self) -> tuple[SourceConfig, ...]:
        """The sources crawled on their own interval: the enabled ones."""
        return tuple(s for s in self.sources.sources if s.enabled)

    def targets(self, argument: str) -> list[Target]:
        """What `/crawl <argument>` crawls: every enabled source (none: an empty list), the source
        of that name (even a disabled one), or an http(s) url; raises UnknownSource."""
        return self.sources.select(argument)

    def start(self, work: Coroutine[Any, Any, None], name: str) -> None:
        """Run `work` as the one crawl in progress; the caller has checked `busy`."""
        if self.busy:
            work.close()
            raise RuntimeError("a crawl is already running")
        self._task = asyncio.get_running_loop().create_task(work, name=name)
        self._task.add_done_callback(_log_failure)

    async def crawl(
        self, target: Target, shown: ProgressShown | None = None, every: float = 3.0
    ) -> CrawlOutcome:
        """Crawl one source or url in a worker thread, passing its progress to `shown` every
        `every` seconds; then refresh the index if articles were added or changed."""
        name = target if isinstance(target, str) else target.name
        if self.stopping:
            return CrawlOutcome(name, failure=CrawlFailure.STOPPED)
        watch = _Watch(self._stopping)
        work = functools.partial(
            self.archive.crawl,
            target,
            self.sources,
            progress=watch,
            lease_seconds=self.lease_seconds,
        )
        try:
            report = await while_running(work, watch, every, shown or _nothing)
        except CrawlStopped:
            log.info("crawl of %s stopped: the bot is stopping", name)
            return CrawlOutcome(name, failure=CrawlFailure.STOPPED)
        except CrawlBusy:
            log.info("crawl of %s skipped: it is being crawled already", name)
            return CrawlOutcome(name, failure=CrawlFailure.BUSY)
        except Exception as exc:
            log.error("crawl of %s failed", name, exc_info=True)
            detail = f"{type(exc).__name__}: {exc}"
            return CrawlOutcome(name, failure=CrawlFailure.FAILED, detail=detail)
        log.info("crawled %s: %s", report.source, report.summary())
        if report.changed:
            await self.refresh()
        return CrawlOutcome(report.source, report)

    async def refresh(self) -> None:
        """Swap in an index with the new articles; searches use the old one until then."""
        try:
            await asyncio.to_thread(self.archive.refresh)
        except Exception:
            # The articles are stored; the next refresh or /reindex brings them in.
            log.error("could not refresh the index after a crawl", exc_info=True)

    async def crawl_each(self, sources: Sequence[SourceConfig]) -> None:
        """Crawl the sources one after the other, without progress (the scheduled crawl)."""
        for source in sources:
            if self.stopping:
                return
            await self._crawl_once(source)

    async def _crawl_once(self, source: SourceConfig) -> None:
        """A scheduled crawl, run by one replica only: under the source's schedule lease, it
        is crawled only if still due (another replica may have crawled it since `due`)."""
        lease, ttl = f"schedule:{source.name}", self.lease_seconds or 120.0
        if await asyncio.to_thread(self.archive.acquire_lease, lease, self.holder, ttl) is None:
            return
        try:
            if await asyncio.to_thread(self.archive.due_sources, [source]):
                await self.crawl(source)
        finally:
            await asyncio.to_thread(self.archive.release_lease, lease, self.holder)

    def due(self) -> list[SourceConfig]:
        """The enabled sources due for a crawl now (blocks: reads the database)."""
        return self.archive.due_sources(self.scheduled)

    def health(self) -> tuple[SourceHealth, ...]:
        """Each source's health (blocks: reads the database)."""
        return self.archive.crawl_health(self.sources.sources)

    async def stop(self) -> None:
        """At shutdown: stop the crawl in progress after its current page, and wait for it."""
        self._stopping.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)


def _log_failure(task: asyncio.Task[None]) -> None:
    """A crawl task never raises on purpose; anything that escapes is logged, not lost."""
    if not task.cancelled() and task.exception() is not None:
        log.error("%s ended with an error", task.get_name(), exc_info=task.exception())
