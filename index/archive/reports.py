"""What the archive reports: statistics, health, a reindex's figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = ["Health", "HealthProblem", "ReindexReport", "Stats"]


@dataclass(frozen=True)
class Stats:
    """What `stats` reports: the database and the live index."""

    articles: int
    sources: tuple[tuple[str, int], ...]
    first_published: datetime | None
    last_published: datetime | None
    indexed: int
    index_bytes: int
    vocabulary: int
    last_reindex: datetime | None
    built_at: datetime
    build_seconds: float
    questions_today: int
    taken_down: int = 0


class HealthProblem(StrEnum):
    """Why a process cannot serve."""

    DATABASE_UNREACHABLE = "database_unreachable"
    INDEX_UNAVAILABLE = "index_unavailable"


@dataclass(frozen=True)
class Health:
    """Whether this process can answer, and how far its index is behind the database."""

    problems: tuple[HealthProblem, ...]
    generation: int | None  # the index generation answering queries
    articles: int | None  # documents in it
    change_head: int | None  # the database's last change number
    applied: int | None  # the change number the index reflects (None: older than the log)
    behind: int | None  # changes committed and not yet in the index
    lag_seconds: float | None  # how long the oldest of them has waited

    @property
    def ok(self) -> bool:
        """True when the database answers and the index is open."""
        return not self.problems


@dataclass(frozen=True)
class ReindexReport:
    """What a reindex did."""

    reanalysed: int
    indexed: int
    seconds: float
