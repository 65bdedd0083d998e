"""What ingest caches per article: its token streams, snippet sentences and event dates.

The analysis reads only the article's own fields, so it can be computed anywhere: in the
process that stores the article, or ahead of the write in a worker process (`workers`), as a
`Prepared` that the store uses only when it fits the article exactly as stored.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime

from ..text.analyzer import Analyzer, split_sentences
from ..text.dates import now
from ..text.event_dates import EventDate, event_dates
from ..text.event_dates import encode as encode_dates
from ..text.shingles import article_signature
from .records import MAX_TITLE_CHARS, MAX_URL_CHARS, ArticleRecord, bound_record

__all__ = ["Prepared", "analysis_values", "content_hash", "prepare"]

EVENT_TEXT = 20_000  # characters read for dates: an event's date stands near the start


def content_hash(title: str, summary: str, body: str) -> str:
    """Hash of the searchable text, insensitive to whitespace differences."""
    canonical = "\x1f".join(" ".join(part.split()) for part in (title, summary, body))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _exact_hash(title: str, summary: str, body: str) -> str:
    """Hash of the text exactly as written (the analysis sees line breaks)."""
    return hashlib.sha256("\x1f".join((title, summary, body)).encode("utf-8")).hexdigest()


def analysis_values(
    fields: tuple[str, str, str, str | None],
    published_at: datetime | None,
    digest: str,
    analyzer: Analyzer,
) -> dict[str, str | bytes]:
    """The cached analysis of an article's (title, summary, body, category): segmented once.
    The text field holds the title too (the title field weighs it again) and the category's
    name: "phòng chống tham nhũng" finds the articles filed under that heading. The sketch is
    the near-duplicate signature of title and sentences, so that no index build computes it."""
    title, summary, body, category = fields
    text = "\n".join(p for p in fields if p)
    sentences = _snippet_sentences(summary, body)
    return dict(
        analyzer_version=analyzer.version,
        content_hash=digest,
        title_tokens="\n".join(analyzer.tokens(title)),
        text_tokens="\n".join(analyzer.tokens(text)),
        sentences=json.dumps(sentences, ensure_ascii=False),
        event_dates=encode_dates(_event_dates(summary, body, published_at)),
        sketch=article_signature(title, sentences).to_bytes(),
    )


def _event_dates(summary: str, body: str, published_at: datetime | None) -> list[EventDate]:
    """The dates the summary and body mention ("Ngày 31/5" in an article of 02/06/2019)."""
    text = "\n".join(p for p in (summary, body) if p)
    if not text or published_at is None:
        return []
    return event_dates(text[:EVENT_TEXT], published_at)


def _snippet_sentences(summary_text: str, body_text: str) -> list[str]:
    """Sentences a snippet may quote: the summary's, unless the body repeats it, then the body's."""
    body = split_sentences(body_text)
    summary = split_sentences(summary_text)
    if body and summary:
        lead = " ".join(body[:3])
        summary = [s for s in summary if s.rstrip(".…").strip() not in lead]
    return summary + body


@dataclass(frozen=True)
class Prepared:
    """One record's analysis, computed before its write, and what it was computed from: the
    exact text, the category and the day event dates were read against. The store may take
    the category or the date from the article already stored; then it analyses again."""

    text_hash: str
    category: str | None
    reference: date | None
    values: dict[str, str | bytes]

    def fits(
        self,
        fields: tuple[str, str, str, str | None],
        published_at: datetime | None,
        analyzer_version: str,
    ) -> bool:
        """True when this analysis is the one `analysis_values` would compute for them."""
        reference = published_at.date() if published_at is not None else None
        return (
            self.values["analyzer_version"] == analyzer_version
            and (self.category, self.reference) == (fields[3], reference)
            and self.text_hash == _exact_hash(*fields[:3])
        )


def prepare(record: ArticleRecord, analyzer: Analyzer) -> Prepared | None:
    """The analysis a new article made of this record would get (None for a record the store
    refuses before analysing it)."""
    record, _ = bound_record(record)
    if len(record.title) > MAX_TITLE_CHARS or len(record.url or "") > MAX_URL_CHARS:
        return None
    published = record.published_at or now()  # an undated article is dated when stored
    fields = (record.title, record.summary, record.body, record.category)
    digest = content_hash(record.title, record.summary, record.body)
    return Prepared(
        _exact_hash(record.title, record.summary, record.body),
        record.category,
        published.date(),
        analysis_values(fields, published, digest, analyzer),
    )
