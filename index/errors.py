"""The exceptions `index` raises; callers translate them once, at the edge, into a message."""

from __future__ import annotations

__all__ = [
    "TinSoError",
    "DatabaseUnavailable",
    "EmptyQuery",
    "InputError",
    "ArticleNotFound",
    "SubscriptionRefused",
    "WorkerFailed",
]


class TinSoError(Exception):
    """Base class of every error raised by `index` ."""


class DatabaseUnavailable(TinSoError):
    """The database cannot be reached or opened."""


class EmptyQuery(TinSoError):
    """The query has no searchable word once punctuation and markup are removed."""


class InputError(TinSoError):
    """An input file or record cannot be read."""


class WorkerFailed(TinSoError):
    """A worker process died (killed, out of memory); the work stopped there."""


class ArticleNotFound(TinSoError):
    """No article has the requested id."""


class SubscriptionRefused(TinSoError):
    """A subscription cannot be saved; `reason` says why (a `SubscriptionRefused.*` code)."""

    TOO_MANY = "too_many"
    TOO_LONG = "too_long"
    DUPLICATE = "duplicate"
    NO_TOPIC = "no_topic"

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
