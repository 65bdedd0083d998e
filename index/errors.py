"""The exceptions `index` raises; callers translate them once, at the edge, into a message."""

from __future__ import annotations

__all__ = [
    "IndexError_",
    "DatabaseUnavailable",
    "EmptyQuery",
    "InputError",
    "ArticleNotFound",
]


class IndexError_(Exception):
    """Base class of every error raised by `index` (named to avoid the builtin IndexError)."""


class DatabaseUnavailable(IndexError_):
    """The database cannot be reached or opened."""


class EmptyQuery(IndexError_):
    """The query has no searchable word once punctuation and markup are removed."""


class InputError(IndexError_):
    """An input file or record cannot be read."""


class ArticleNotFound(IndexError_):
    """No article has the requested id."""
