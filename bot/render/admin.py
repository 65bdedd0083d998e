"""What admins read: /stats, the report of an imported file, the progress of /reindex."""

from __future__ import annotations

from collections.abc import Sequence

from index import IngestReport, Problem, ReindexReport, Stats
from index.crawl import SourceHealth

from .. import texts
from .crawl import MAX_HEALTH_SOURCES, render_crawl_health
from .style import (
    TELEGRAM_LIMIT,
    Style,
    cut,
    cut_url,
    cut_words,
    format_date,
    format_moment,
    format_number,
    pack,
    quote,
)

__all__ = [
    "render_stats",
    "render_ingest_report",
    "render_problem",
    "render_reindex_progress",
    "render_reindex_done",
]

MAX_SOURCES = 10
MAX_PROBLEM_LINES = 200
ORIGIN_CHARS = 200
DETAIL_CHARS = 200


def render_stats(
    stats: Stats,
    style: Style,
    health: Sequence[SourceHealth] = (),
    limit: int = TELEGRAM_LIMIT,
) -> str:
    """What /stats answers (the largest sources by name, then each crawled source's health, as
    many as fit in one message)."""
    shown = [
        texts.STATS_SOURCE.format(name=style.escape(cut_words(name, 60)), count=format_number(n))
        for name, n in stats.sources[:MAX_SOURCES]
    ]
    if len(stats.sources) > MAX_SOURCES:
        shown.append(texts.STATS_MORE_SOURCES.format(count=len(stats.sources) - MAX_SOURCES))
    sources = "; ".join(shown)
    first = format_date(stats.first_published) if stats.first_published else "–"
    last = format_date(stats.last_published) if stats.last_published else "–"
    when = format_moment(stats.last_reindex) if stats.last_reindex else texts.STATS_NEVER
    lines = [
        style.bold(texts.STATS_HEADING),
        texts.STATS_ARTICLES.format(count=format_number(stats.articles)),
        texts.STATS_SOURCES.format(count=len(stats.sources)) + (f" ({sources})" if sources else ""),
        texts.STATS_PERIOD.format(first=first, last=last),
        texts.STATS_INDEX.format(
            indexed=format_number(stats.indexed),
            words=format_number(stats.vocabulary),
            megabytes=format_number(stats.index_bytes / 1e6, 1),
            seconds=format_number(stats.build_seconds, 2),
        ),
        texts.STATS_LAST_REINDEX.format(when=when),
        texts.STATS_QUESTIONS.format(count=format_number(stats.questions_today)),
    ]
    if stats.taken_down:
        lines.append(texts.STATS_TAKEN_DOWN.format(count=format_number(stats.taken_down)))
    text = "\n".join(lines)
    for count in range(min(len(health), MAX_HEALTH_SOURCES), 0, -1):
        candidate = "\n".join([text, "", *render_crawl_health(health, style, count)])
        if style.length(candidate) <= limit:
            return candidate
    return text


def render_problem(problem: Problem, style: Style) -> str:
    """One skipped record or note of an import, its reason in Vietnamese."""
    reason = texts.PROBLEMS[problem.code].format(detail=cut(problem.detail, DETAIL_CHARS))
    template = texts.PROBLEM_SKIPPED if problem.skipped else texts.PROBLEM_NOTE
    origin = cut_url(problem.origin, ORIGIN_CHARS)  # a path's end names the file and the line
    return style.escape(cut_words(template.format(origin=origin, reason=reason), 1000))


def render_ingest_report(
    name: str, report: IngestReport, style: Style, limit: int = TELEGRAM_LIMIT
) -> list[str]:
    """The per-record report of an uploaded file, split into messages within `limit`."""
    lines = [
        texts.INGESTED.format(
            name=quote(name, style),
            added=format_number(report.added),
            updated=format_number(report.updated),
            unchanged=format_number(report.unchanged),
            failed=format_number(report.failed),
        )
    ]
    if report.problems:
        lines += ["", style.bold(texts.INGEST_DETAILS)]
        lines += [render_problem(p, style) for p in report.problems[:MAX_PROBLEM_LINES]]
        hidden = len(report.problems) - MAX_PROBLEM_LINES
        if hidden > 0:
            lines.append(texts.INGEST_MORE.format(count=format_number(hidden)))
    elif report.ok:
        lines.append(texts.INGEST_ALL_VALID)
    return pack(lines, limit, style, "\n")


def render_reindex_progress(done: int, total: int | None) -> str:
    """The progress message of /reindex."""
    if total:
        return texts.REINDEX_PROGRESS.format(done=format_number(done), total=format_number(total))
    return texts.REINDEX_PROGRESS_UNKNOWN.format(done=format_number(done))


def render_reindex_done(report: ReindexReport) -> str:
    """The last state of the progress message of /reindex."""
    return texts.REINDEX_DONE.format(
        indexed=format_number(report.indexed),
        reanalysed=format_number(report.reanalysed),
        seconds=format_number(report.seconds, 1),
    )
