"""The command line's JSON: `ask --json` and `stats --json`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from index import SearchPage, Stats
    from index.crawl import SourceHealth

__all__ = ["page_to_json", "stats_to_json"]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def page_to_json(page: SearchPage) -> dict[str, Any]:
    """The JSON shape of `ask --json`."""
    filters = page.filters
    answer = page.answer
    return {
        "query": page.query,
        "total": page.total,
        "offset": page.offset,
        "filters": None
        if filters is None
        else {
            "since": _iso(filters.since),
            "until": _iso(filters.until),
            "category": filters.category,
            "label": page.time_label,
            "relaxed": page.relaxed,
        },
        "answer": None
        if answer is None
        else {
            "article_id": answer.article_id,
            "fact": answer.fact,
            "kind": answer.kind,
            "sentence": answer.sentence.text,
            "highlights": [list(span) for span in answer.sentence.spans],
        },
        "suggestion": page.suggestion,
        "understood": page.understood,
        "preferred": None
        if page.preferred is None
        else {
            "since": _iso(page.preferred.since),
            "until": _iso(page.preferred.until),
            "label": page.time_label,
        },
        "hits": [
            {
                "article_id": hit.article_id,
                "title": hit.title,
                "url": hit.url,
                "published_at": hit.published_at.isoformat(),
                "category": hit.category,
                "score": round(hit.score, 6),
                "snippet": hit.snippet.text,
                "highlights": [list(span) for span in hit.snippet.spans],
                "also_at": list(hit.also_at),
            }
            for hit in page.hits
        ],
    }


def stats_to_json(stats: Stats, health: Sequence[SourceHealth]) -> dict[str, Any]:
    """The JSON shape of `stats --json`."""
    return {
        "articles": stats.articles,
        "sources": dict(stats.sources),
        "first_published": _iso(stats.first_published),
        "last_published": _iso(stats.last_published),
        "indexed": stats.indexed,
        "index_bytes": stats.index_bytes,
        "vocabulary": stats.vocabulary,
        "last_reindex": _iso(stats.last_reindex),
        "build_seconds": round(stats.build_seconds, 3),
        "questions_today": stats.questions_today,
        "taken_down": stats.taken_down,
        "crawl": [
            {
                "source": h.name,
                "enabled": h.enabled,
                "last_run": _iso(h.last_run_at),
                "last_status": h.last_status,
                "last_new": h.last_added,
                "last_failed": h.last_failed,
                "last_error": str(h.last_error) if h.last_error else None,
                "last_error_code": h.last_error.issue if h.last_error else None,
                "last_error_at": _iso(h.last_error_at),
                "articles": h.articles,
                "pending": h.pending,
                "next_due": _iso(h.next_due),
            }
            for h in health
        ],
    }
