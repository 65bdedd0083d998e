"""The exceptions `index` raises; callers translate them once, at the edge, into a message."""

from __future__ import annotations

__all__ = [
    "TinSoError",
    "DatabaseUnavailable",
    "EmptyQuery",
    "InputError",
    "ArticleNotFound",
]


class TinSoError(Exception):
    """Base class of every error raised by `index` ."""


class DatabaseUnavailable(TinSoError):
    """The database cannot be reached or opened."""


class EmptyQuery(TinSoError):
    """The query has no searchable word once punctuation and markup are removed."""


class InputError(TinSoError):
    """An input file or record cannot be read."""


class ArticleNotFound(TinSoError):
    """No article has the requested id."""
