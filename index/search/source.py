"""What the index reads from the store: cached terms in batches, and the state to compare.

The database stays the source of truth. A build streams the articles whose cached terms match
the analyzer (never running the segmenter) in batches, so it never holds the whole corpus in
Python lists; `Store` runs the queries, this module turns its rows into the index's own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

import numpy as np

from ..store.store import IndexRow, Store
from ..text.shingles import article_signature
from .segment import DocRow

__all__ = ["database_rows", "database_state", "to_us"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_us(value: datetime) -> int:
    """Microseconds since the epoch of an aware datetime (exact, unlike float seconds)."""
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _row(row: IndexRow) -> DocRow:
    return DocRow(
        article_id=row.article_id,
        published_us=to_us(row.published_at),
        updated_us=to_us(row.updated_at),
        category=row.category,
        title=row.title,
        url=row.url,
        source=row.source,
        content=int(row.content_hash[:15], 16),
        title_tokens=row.title_tokens,
        text_tokens=row.text_tokens,
        sketch=_sketch(row),
    )


def _sketch(row: IndexRow) -> bytes:
    """The signature computed at ingest; computed here for an article analysed before."""
    if row.sketch is not None:
        return bytes(row.sketch)
    assert row.sentences is not None  # read whenever the sketch is missing
    return article_signature(row.title, json.loads(row.sentences)).to_bytes()


def database_rows(
    store: Store, analyzer_version: str, ids: Sequence[int] | None = None
) -> Iterator[list[DocRow]]:
    """Batches of indexable articles in id order (only `ids`, when given)."""
    for rows in store.index_rows(analyzer_version, ids):
        yield [_row(r) for r in rows]


def database_state(store: Store, analyzer_version: str) -> tuple[str, np.ndarray, np.ndarray]:
    """The data version, and the ids and update times (µs) of every indexable article."""
    version, ids, updated = store.index_state(analyzer_version)
    return (
        version,
        np.array(ids, dtype=np.int64),
        np.array([to_us(u) for u in updated], dtype=np.int64),
    )
