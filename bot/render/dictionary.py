"""What admins read while editing the query dictionary from the bot: the lines added, and a
proposed line's results before and after. Pure functions; sentences in `texts`."""

from __future__ import annotations

from collections.abc import Sequence

from index import SearchPage, StoredLine

from .. import texts
from .style import TELEGRAM_LIMIT, Style, cut_words, pack, quote

__all__ = ["render_dictionary_lines", "render_preview", "section_name", "with_detail"]

LINE_CHARS = 300
TITLE_CHARS = 90
SHOWN = 3  # results shown before and after


def section_name(section: str) -> str:
    """The section as admins read it."""
    return texts.SECTION_NAMES.get(section, section)


def render_dictionary_lines(
    lines: Sequence[StoredLine], style: Style, limit: int = TELEGRAM_LIMIT
) -> list[str]:
    """/tudien: the lines admins added (numbered as their remove buttons), then how to add."""
    heading = style.bold(texts.DICTIONARY_HEADING.format(count=len(lines)))
    rows = [
        texts.DICTIONARY_LINE.format(
            number=line.line_id,
            section=section_name(line.section),
            line=style.escape(cut_words(line.line, LINE_CHARS)),
        )
        for line in lines
    ] or [texts.DICTIONARY_EMPTY]
    return pack(["\n".join([heading, *rows]), style.escape(texts.DICTIONARY_HOW)], limit, style)


def render_preview(
    line: StoredLine, question: str, before: SearchPage, after: SearchPage, style: Style
) -> str:
    """A proposed line: the question's first results now and with the line."""
    parts = [
        texts.DICTIONARY_PREVIEW.format(
            section=section_name(line.section),
            line=style.bold(style.escape(cut_words(line.line, LINE_CHARS))),
            question=quote(question, style),
        )
    ]
    for template, page in ((texts.DICTIONARY_BEFORE, before), (texts.DICTIONARY_AFTER, after)):
        parts.append(template.format(count=page.total))
        parts += [
            texts.DICTIONARY_RESULT.format(
                number=n, title=style.escape(cut_words(hit.title, TITLE_CHARS))
            )
            for n, hit in enumerate(page.hits[:SHOWN], start=1)
        ]
    return "\n".join(parts)


def with_detail(message: str, detail: str, style: Style) -> str:
    """A Vietnamese message for admins, the technical reason on a second, smaller line."""
    detail = " ".join(detail.split())
    if not detail:
        return message
    escaped = style.escape(cut_words(detail, 300))
    template = texts.TECHNICAL_DETAIL if style.markup else texts.TECHNICAL_DETAIL_PLAIN
    return f"{message}\n{template.format(detail=escaped)}"
