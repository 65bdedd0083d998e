"""The staff's report of a period (/baocao, `python bot.py report`): the most asked questions,
those without results, the disliked ones, the judgments. Pure functions; sentences in `texts`."""

from __future__ import annotations

from datetime import timedelta

from index import NONE_OF_THEM, Report

from .. import texts
from .style import TELEGRAM_LIMIT, Style, cut_words, format_date, format_number, pack, quote

__all__ = ["render_report", "report_questions"]

TITLE_CHARS = 80


def render_report(
    report: Report, style: Style, limit: int = TELEGRAM_LIMIT, *, fix_hint: bool = True
) -> list[str]:
    """The report as messages within `limit`; the rows of the questions to fix are numbered in
    the order of `report_questions` (`fix_hint`: say how to fix them, under the bot's buttons)."""
    heading = _heading(report, style)
    asked = [
        texts.REPORT_ASKED.format(
            number=n,
            question=quote(c.question, style),
            times=format_number(c.asked),
            results=format_number(c.results),
        )
        for n, c in enumerate(report.top, start=1)
    ]
    unanswered = [
        texts.REPORT_ASKED.format(
            number=n,
            question=quote(c.question, style),
            times=format_number(c.asked),
            results=0,
        )
        for n, c in enumerate(report.unanswered, start=1)
    ]
    disliked = [
        texts.REPORT_VOTED.format(
            number=n + len(report.unanswered),
            question=quote(v.question, style),
            down=format_number(v.down),
            up=format_number(v.up),
        )
        for n, v in enumerate(report.disliked, start=1)
    ]
    judged = [
        _judgment(j.question, j.article_id, j.title, j.count, style) for j in report.judgments
    ]
    sections = [
        heading,
        _section(texts.REPORT_TOP, asked, style),
        _section(texts.REPORT_UNANSWERED, unanswered, style),
        _section(texts.REPORT_DISLIKED, disliked, style),
        _section(texts.REPORT_JUDGMENTS, judged, style),
    ]
    if fix_hint and (report.unanswered or report.disliked):
        sections.append(texts.REPORT_FIX_HINT)
    return pack(sections, limit, style)


def _heading(report: Report, style: Style) -> str:
    last = report.until - timedelta(microseconds=1)  # the period ends before `until`
    return "\n".join(
        [
            style.bold(
                texts.REPORT_HEADING.format(
                    since=format_date(report.since), until=format_date(last)
                )
            ),
            texts.REPORT_TOTALS.format(
                questions=format_number(report.questions),
                up=format_number(report.liked),
                down=format_number(report.disliked_total),
            ),
        ]
    )


def report_questions(report: Report) -> list[str]:
    """The questions an admin may fix the dictionary for: those without results, then the
    disliked ones (as numbered in the report)."""
    return [c.question for c in report.unanswered] + [v.question for v in report.disliked]


def _section(title: str, lines: list[str], style: Style) -> str:
    return "\n".join([style.bold(title), *(lines or [texts.REPORT_NONE])])


def _judgment(question: str, article_id: int, title: str | None, count: int, style: Style) -> str:
    if article_id == NONE_OF_THEM:
        return texts.REPORT_JUDGED_NONE.format(question=quote(question, style), count=count)
    return texts.REPORT_JUDGED.format(
        question=quote(question, style),
        article_id=article_id,
        title=style.escape(cut_words(title or "?", TITLE_CHARS)),
        count=count,
    )
