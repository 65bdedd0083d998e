"""The command line's plain-text `stats` (for whoever runs the server: English, like the logs)."""

from __future__ import annotations

from collections.abc import Sequence

from index import Stats
from index.crawl import SourceHealth

__all__ = ["stats_lines"]


def stats_lines(stats: Stats, health: Sequence[SourceHealth]) -> list[str]:
    """`python bot.py stats`: what is stored and indexed, and how crawling each source went."""
    sources = ", ".join(f"{name}: {count}" for name, count in stats.sources)
    first = stats.first_published.strftime("%d/%m/%Y") if stats.first_published else "-"
    last = stats.last_published.strftime("%d/%m/%Y") if stats.last_published else "-"
    reindexed = stats.last_reindex.strftime("%d/%m/%Y %H:%M") if stats.last_reindex else "never"
    lines = [
        f"articles:     {stats.articles}",
        f"sources:      {len(stats.sources)} ({sources})",
        f"date range:   {first} – {last}",
        f"index:        {stats.indexed} articles, {stats.vocabulary} words, "
        f"{stats.index_bytes / 1e6:.1f} MB, built in {stats.build_seconds:.2f} s",
        f"last reindex: {reindexed}",
    ]
    if stats.taken_down:
        lines.append(f"taken down:   {stats.taken_down} articles")
    for number, h in enumerate(health):
        label = "crawling:" if number == 0 else ""
        state = "" if h.enabled is None else (" (enabled)" if h.enabled else " (disabled)")
        if h.last_run_at is None:
            line = "never crawled"
        else:
            line = (
                f"last run {h.last_run_at:%d/%m/%Y %H:%M} {h.last_status}, {h.last_added} new, "
                f"{h.last_failed} failed; {h.articles} articles, {h.pending} waiting for a retry"
            )
        lines.append(f"{label:<14}{h.name}{state}: {line}")
        if h.last_error is not None and h.last_error_at is not None:
            lines.append(f"{'':<16}last error {h.last_error_at:%d/%m/%Y %H:%M}: {h.last_error}")
    return lines
