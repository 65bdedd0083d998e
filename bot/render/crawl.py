"""What admins read about crawling: the progress of /crawl, its summary, each source's health."""

from __future__ import annotations

from collections.abc import Sequence

from index.crawl import CrawlProblem, CrawlProgress, CrawlStage, ProblemKind, SourceHealth

from .. import texts
from ..crawl_outcome import CrawlFailure, CrawlOutcome
from .dictionary import with_detail
from .style import (
    TELEGRAM_LIMIT,
    Style,
    cut,
    cut_url,
    cut_words,
    format_moment,
    format_number,
    pack,
    quote,
)

__all__ = [
    "MAX_HEALTH_SOURCES",
    "render_crawl_progress",
    "render_crawl_summary",
    "render_crawl_health",
    "render_crawl_problem",
]

MAX_HEALTH_SOURCES = 10
MAX_CRAWL_PROBLEMS = 20


def reason(problem: CrawlProblem) -> str:
    """Why a page failed or was left out, in Vietnamese (not escaped)."""
    text = texts.CRAWL_ISSUES[problem.issue].format(detail=problem.detail)
    return text + (texts.KEPT_FROM_LISTING if problem.kept else "")


def render_crawl_health(
    health: Sequence[SourceHealth], style: Style, count: int = MAX_HEALTH_SOURCES
) -> list[str]:
    """The lines of /stats about crawling: per source its last run, new articles and errors."""
    lines = [style.bold(texts.HEALTH_HEADING)]
    for h in health[:count]:
        state = texts.SOURCE_ENABLED[h.enabled]
        name = style.escape(cut_words(h.name, 60))
        if h.last_run_at is None or h.last_status is None:
            lines.append(texts.NEVER_CRAWLED.format(name=name, state=state))
        else:
            line = texts.LAST_CRAWL.format(
                name=name,
                state=state,
                when=format_moment(h.last_run_at),
                status=texts.RUN_STATUS[h.last_status],
                added=format_number(h.last_added),
                updated=format_number(h.last_updated),
                failed=format_number(h.last_failed),
                articles=format_number(h.articles),
            )
            if h.pending:
                line += texts.LAST_CRAWL_PENDING.format(pending=format_number(h.pending))
            lines.append(line)
        if h.last_error is not None:
            when = f" ({format_moment(h.last_error_at)})" if h.last_error_at else ""
            lines.append(texts.LAST_ERROR.format(when=when, error=_error_line(h.last_error, style)))
    if len(health) > count:
        lines.append(texts.MORE_SOURCES.format(count=len(health) - count))
    return lines


def _error_line(problem: CrawlProblem, style: Style) -> str:
    """A source's last error: the reason first, in Vietnamese, then the url shortened, then
    any technical detail on a second, smaller line."""
    short, detail = _reason_and_detail(problem)
    text = style.escape(cut(short, 200))
    text = f"{text} – {style.escape(cut_url(problem.url, 80))}" if problem.url else text
    return with_detail(text, detail, style)


def _reason_and_detail(problem: CrawlProblem) -> tuple[str, str]:
    """The Vietnamese reason, and the technical detail when it is one (else "")."""
    short = texts.CRAWL_ISSUES_SHORT.get(problem.issue)
    if short is None or not problem.detail:
        return reason(problem), ""
    return short + (texts.KEPT_FROM_LISTING if problem.kept else ""), problem.detail


def _counts(added: int, updated: int, unchanged: int, failed: int, removed: int = 0) -> str:
    counts = texts.CRAWL_COUNTS.format(
        added=format_number(added),
        updated=format_number(updated),
        unchanged=format_number(unchanged),
        failed=format_number(failed),
    )
    return counts + (texts.CRAWL_REMOVED.format(removed=format_number(removed)) if removed else "")


def render_crawl_progress(progress: CrawlProgress, number: int, count: int, style: Style) -> str:
    """The progress message of /crawl: source, stage, pages done, what was found so far."""
    where = f" ({number}/{count})" if count > 1 else ""
    if progress.stage is CrawlStage.DISCOVERING:
        stage = texts.CRAWL_DISCOVERING.format(done=format_number(progress.done))
    elif progress.total:
        done, total = format_number(progress.done), format_number(progress.total)
        stage = texts.CRAWL_FETCHING.format(done=done, total=total)
    else:
        stage = texts.CRAWL_NOTHING_TO_FETCH
    so_far = texts.CRAWL_SO_FAR.format(
        added=format_number(progress.added),
        updated=format_number(progress.updated),
        failed=format_number(progress.failed),
    )
    source = quote(progress.source, style)
    heading = texts.CRAWL_IN_PROGRESS.format(source=source, where=where)
    return "\n".join([heading, stage, so_far, texts.CRAWL_STILL_ANSWERING])


def render_crawl_summary(
    outcomes: Sequence[CrawlOutcome], style: Style, limit: int = TELEGRAM_LIMIT
) -> list[str]:
    """The result of /crawl, split into messages within `limit`: the counts (per source when
    there are several), then the first pages that failed or were left out, with their reasons."""
    reports = [o.report for o in outcomes if o.report is not None]
    added, updated = sum(r.added for r in reports), sum(r.updated for r in reports)
    unchanged, failed = sum(r.unchanged for r in reports), sum(r.failed for r in reports)
    trouble = failed or len(reports) < len(outcomes)
    icon = "⚠️" if trouble else "✅"
    removed = sum(r.removed for r in reports)
    counts = _counts(added, updated, unchanged, failed, removed)
    lines = []
    if len(outcomes) == 1:
        (outcome,) = outcomes
        name = quote(outcome.name, style)
        if outcome.report is None:
            failure = texts.CRAWL_FAILURES[outcome.failure or CrawlFailure.FAILED]
            line = texts.CRAWL_SOURCE_FAILED.format(name=name, failure=failure)
            lines.append(with_detail(line, outcome.detail, style))
        else:
            lines.append(texts.CRAWL_SOURCE_DONE.format(icon=icon, name=name, counts=counts))
    else:
        done = texts.CRAWL_SOURCES_DONE.format(
            icon=icon, done=len(reports), count=len(outcomes), counts=counts
        )
        lines.append(done)
        lines += [_source_line(outcome, style) for outcome in outcomes]
    if added or updated:
        lines.append(texts.CRAWL_FOUND_NOW)
    pending = sum(r.pending for r in reports)
    if pending:
        lines.append(texts.CRAWL_PENDING.format(pending=format_number(pending)))
    problems = [p for r in reports for p in r.problems]
    if problems:
        lines += ["", style.bold(texts.CRAWL_PROBLEMS.format(count=format_number(len(problems))))]
        lines += [render_crawl_problem(p, style) for p in problems[:MAX_CRAWL_PROBLEMS]]
        hidden = len(problems) - MAX_CRAWL_PROBLEMS
        if hidden > 0:
            lines.append(texts.CRAWL_MORE.format(count=format_number(hidden)))
    return pack(lines, limit, style, "\n")


def _source_line(outcome: CrawlOutcome, style: Style) -> str:
    """One source of a crawl of several: its counts, or why it failed."""
    name = style.escape(cut(outcome.name, 60))
    report = outcome.report
    if report is None:
        shown = texts.CRAWL_FAILURES[outcome.failure or CrawlFailure.FAILED]
        shown = with_detail(shown, outcome.detail, style)
    else:
        shown = _counts(
            report.added, report.updated, report.unchanged, report.failed, report.removed
        )
    return texts.CRAWL_SOURCE_LINE.format(name=name, counts=shown)


def render_crawl_problem(problem: CrawlProblem, style: Style) -> str:
    """One page that failed or was left out, and why."""
    template = {
        ProblemKind.FAILED: texts.CRAWL_PROBLEM_FAILED,
        ProblemKind.SKIPPED: texts.CRAWL_PROBLEM_SKIPPED,
        ProblemKind.REMOVED: texts.CRAWL_PROBLEM_REMOVED,
    }[problem.kind]
    url = style.escape(cut_url(problem.url, 200))
    short, detail = _reason_and_detail(problem)
    line = template.format(url=url, reason=style.escape(cut(short, 300)))
    return with_detail(line, detail, style)
