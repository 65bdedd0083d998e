"""How a crawl job ended: its report, or why there is none. Apart from `crawl_jobs`, so that
`bot.texts` names the failures without loading asyncio and the crawler's sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from index.crawl import CrawlReport

__all__ = ["CrawlFailure", "CrawlOutcome"]


class CrawlFailure(StrEnum):
    """Why a crawl ended without a report."""

    BUSY = "busy"  # the source is being crawled elsewhere
    FAILED = "failed"  # an error (logged)
    STOPPED = "stopped"  # the bot is stopping


@dataclass(frozen=True)
class CrawlOutcome:
    """How crawling one source or url ended: its report, or why there is none."""

    name: str
    report: CrawlReport | None = None
    failure: CrawlFailure | None = None  # when there is no report
    detail: str = ""  # the technical reason of a FAILED crawl (shown to admins on a second line)
