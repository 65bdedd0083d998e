"""Pure rendering: results, articles and reports as Telegram HTML or plain text for the terminal.

    style.py    markup styles (HTML, plain, terminal), dates, numbers, cutting, packing
    results.py  result lists, the latest articles, categories, inline results
    article.py  a whole article in messages
    conversation.py  a conversation's reply: its parts, its next steps as words to type
    admin.py    /stats, import reports, /reindex progress
    report.py   the staff's report of a period (/baocao, `bot.py report`)
    feedback.py "Bài nào đúng?" after a 👎, the department's contact card
    crawl.py    /crawl progress and summary, each source's health
    json.py     the command line's --json output
    cli.py      the command line's plain `stats`

The wording is the same in both styles, so `python bot.py ask` prints what the bot would say.
Every dynamic string goes through `Style.escape`; every fixed sentence is in `bot.texts`.
Nothing here imports `telegram`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from index import lazy_names

if TYPE_CHECKING:
    from .admin import (
        render_ingest_report,
        render_problem,
        render_reindex_done,
        render_reindex_progress,
        render_stats,
    )
    from .article import render_article
    from .conversation import PLAIN_LIMIT, render_hints, render_part, render_plain, render_say
    from .crawl import (
        render_crawl_health,
        render_crawl_problem,
        render_crawl_progress,
        render_crawl_summary,
    )
    from .report import render_report, report_questions
    from .results import (
        PAGE_SIZE,
        parse_results_heading,
        read_link,
        render_answer,
        render_categories,
        render_hit,
        render_inline_description,
        render_inline_message,
        render_inline_title,
        render_listing,
        render_no_results,
        render_results,
        render_snippet,
        render_suggestion,
        results_heading,
    )
    from .style import (
        ANSI,
        HTML,
        PLAIN,
        TELEGRAM_LIMIT,
        Style,
        format_date,
        format_moment,
        format_number,
        utf16_length,
    )

_LAZY = {
    ".admin": (
        "render_ingest_report",
        "render_problem",
        "render_reindex_done",
        "render_reindex_progress",
        "render_stats",
    ),
    ".article": ("render_article",),
    ".conversation": ("PLAIN_LIMIT", "render_hints", "render_part", "render_plain", "render_say"),
    ".crawl": (
        "render_crawl_health",
        "render_crawl_problem",
        "render_crawl_progress",
        "render_crawl_summary",
    ),
    ".report": ("render_report", "report_questions"),
    ".results": (
        "PAGE_SIZE",
        "parse_results_heading",
        "read_link",
        "render_answer",
        "render_categories",
        "render_hit",
        "render_inline_description",
        "render_inline_message",
        "render_inline_title",
        "render_listing",
        "render_no_results",
        "render_results",
        "render_snippet",
        "render_suggestion",
        "results_heading",
    ),
    ".style": (
        "ANSI",
        "HTML",
        "PLAIN",
        "TELEGRAM_LIMIT",
        "Style",
        "format_date",
        "format_moment",
        "format_number",
        "utf16_length",
    ),
}

__all__ = [
    "ANSI",
    "render_report",
    "report_questions",
    "HTML",
    "PAGE_SIZE",
    "PLAIN",
    "PLAIN_LIMIT",
    "TELEGRAM_LIMIT",
    "Style",
    "format_date",
    "format_moment",
    "format_number",
    "parse_results_heading",
    "read_link",
    "render_answer",
    "render_article",
    "render_categories",
    "render_crawl_health",
    "render_crawl_problem",
    "render_crawl_progress",
    "render_crawl_summary",
    "render_hints",
    "render_hit",
    "render_inline_description",
    "render_inline_message",
    "render_inline_title",
    "render_ingest_report",
    "render_listing",
    "render_no_results",
    "render_part",
    "render_plain",
    "render_problem",
    "render_reindex_done",
    "render_reindex_progress",
    "render_results",
    "render_say",
    "render_snippet",
    "render_stats",
    "render_suggestion",
    "results_heading",
    "utf16_length",
]

if not TYPE_CHECKING:  # mypy reads the imports above, so a misspelt name stays an error
    __getattr__ = lazy_names(globals(), _LAZY)
