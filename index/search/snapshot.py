"""An immutable, in-memory picture of the searchable corpus: per-field BM25 indexes plus the
columns that ranking, filtering and result lists need. A rebuild makes a new snapshot and the
engine swaps one reference, so searches in flight finish on the old one."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from ..store.store import IndexRow
from ..text.dates import now
from ..text.restore import Restorer
from .bm25 import BM25Params
from .fields import FieldIndexes, build_fields

__all__ = ["Snapshot", "build_snapshot", "release_memory"]


@dataclass(frozen=True)
class Snapshot:
    """Everything a search reads, aligned by document position."""

    data_version: str
    article_ids: np.ndarray  # int64, ascending
    published: np.ndarray  # float64 POSIX seconds
    published_at: Sequence[datetime]
    category_codes: np.ndarray  # int32 index into `categories`, -1 for none
    copies: np.ndarray  # int64: position of the first article with the same text (itself if none)
    has_copies: bool  # some articles share the same text (a portal listed a story twice)
    newest_first: np.ndarray  # int64 positions by publication date (then id), newest first
    categories: tuple[str, ...]
    titles: Sequence[str]
    urls: Sequence[str | None]
    sources: Sequence[str]
    title: FieldIndexes
    text: FieldIndexes
    restorer: Restorer
    built_at: datetime
    build_seconds: float

    @property
    def size(self) -> int:
        """Number of indexed articles."""
        return len(self.article_ids)

    @property
    def nbytes(self) -> int:
        """Memory held by the numpy arrays of the indexes and columns."""
        columns = self.article_ids.nbytes + self.published.nbytes + self.category_codes.nbytes
        return self.title.nbytes + self.text.nbytes + columns

    def position(self, article_id: int) -> int | None:
        """Document position of an article id, or None when it is not indexed."""
        position = int(np.searchsorted(self.article_ids, article_id))
        if position < self.size and self.article_ids[position] == article_id:
            return position
        return None


def build_snapshot(
    rows: Sequence[IndexRow], data_version: str, params: BM25Params = BM25Params()
) -> Snapshot:
    """Index the articles' cached terms (never runs the word segmenter); `rows` by id."""
    started = time.perf_counter()
    categories = sorted({row.category for row in rows if row.category})
    code_of = {name: code for code, name in enumerate(categories)}
    title = build_fields([_split(row.title_tokens) for row in rows], params)
    text = build_fields([_split(row.text_tokens) for row in rows], params)
    published_at = [row.published_at for row in rows]
    published = np.array([d.timestamp() for d in published_at], dtype=np.float64)
    first_with_text: dict[str, int] = {}
    copies = [first_with_text.setdefault(row.content_hash, i) for i, row in enumerate(rows)]
    return Snapshot(
        data_version=data_version,
        article_ids=np.array([row.article_id for row in rows], dtype=np.int64),
        published=published,
        published_at=published_at,
        category_codes=np.array(
            [code_of.get(row.category, -1) if row.category else -1 for row in rows], dtype=np.int32
        ),
        copies=np.array(copies, dtype=np.int64),
        has_copies=len(first_with_text) < len(rows),
        newest_first=np.lexsort((-np.arange(len(rows)), -published)).astype(np.int64),
        categories=tuple(categories),
        titles=[row.title for row in rows],
        urls=[row.url for row in rows],
        sources=[row.source for row in rows],
        title=title,
        text=text,
        restorer=Restorer(_word_frequencies(title, text), len(rows)),
        built_at=now(),
        build_seconds=time.perf_counter() - started,
    )


def _split(tokens: str) -> list[str]:
    return tokens.split("\n") if tokens else []


def _word_frequencies(*fields: FieldIndexes) -> dict[str, int]:
    """Document frequency of every indexed word, title and text together."""
    frequencies: dict[str, int] = {}
    for field in fields:
        counts = np.diff(field.words.indptr).tolist()
        vocabulary = field.words.vocabulary
        assert isinstance(vocabulary, Mapping)
        for word, term in vocabulary.items():
            frequencies[word] = frequencies.get(word, 0) + counts[term]
    return frequencies


def release_memory() -> None:
    """Hand the memory a build freed back to the system.

    A build of 100,000 articles allocates tens of millions of short-lived Python objects; once
    freed, glibc keeps most of those pages (about 0.8 GB there) unless asked to trim them. A
    no-op where the C library has no malloc_trim.
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
