"""Admin handlers that close the loop with the staff: the report of a period (/baocao), and
editing the query dictionary from a report row (/tudien), live in every process."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from index import EmptyQuery, InputError, Report, fold, lower

from . import texts
from .callbacks import short_key
from .context import BotContext
from .render import HTML, render_report, report_questions
from .render.dictionary import (
    render_dictionary_lines,
    render_preview,
    section_name,
    with_detail,
)
from .render.style import cut_words, quote
from .updates import message_of, query_of, user_id

__all__ = [
    "report",
    "fix_question",
    "dictionary",
    "dictionary_button",
    "FIX_PATTERN",
    "DICTIONARY_PATTERN",
]

log = logging.getLogger(__name__)

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
REPORT_DAYS = 7
MAX_REPORT_DAYS = 366
MAX_FIX_BUTTONS = 10
FIX_PATTERN = r"^p:[A-Za-z0-9_-]{8}$"
DICTIONARY_PATTERN = r"^td:(?:ok|no|x):[0-9]{1,18}$"
FIXING_KEY = "fixing"  # user_data: the question an admin chose to fix from the report
# The section a line is added to, by its first word ("tuhoi ở đâu vậy"), folded.
_SECTION_WORDS = {
    "dongnghia": "đồng nghĩa",
    "tuhoi": "từ hỏi",
    "viettat": "viết tắt",
}


def _period(days: int, moment: datetime) -> tuple[datetime, datetime]:
    start = (moment - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, moment


async def report(update: Update, context: BotContext) -> None:
    """/baocao [số ngày]: the period's questions and feedback, a button to fix each failing one."""
    message = message_of(update)
    days = REPORT_DAYS
    if context.args:
        if not re.fullmatch(r"[0-9]{1,3}", context.args[0]) or not (
            1 <= int(context.args[0]) <= MAX_REPORT_DAYS
        ):
            await message.reply_text(texts.REPORT_DAYS_HOW)
            return
        days = int(context.args[0])
    since, until = _period(days, _now())
    found: Report = await asyncio.to_thread(context.state.archive.report, since, until)
    parts = render_report(found, HTML)
    questions = report_questions(found)[:MAX_FIX_BUTTONS]
    rows = [
        [
            InlineKeyboardButton(
                texts.REPORT_FIX_BUTTON.format(question=cut_words(q, 40)),
                callback_data=f"p:{short_key(q)}",
            )
        ]
        for q in questions
    ]
    for number, part in enumerate(parts):
        last = number == len(parts) - 1
        markup = InlineKeyboardMarkup(rows) if last and rows else None
        await message.reply_text(part, reply_markup=markup)


async def fix_question(update: Update, context: BotContext) -> None:
    """“✏️ Sửa từ điển” under a report row: remember the question, say how to add a line."""
    query = query_of(update)
    if not context.state.is_admin(user_id(update)):
        await query.answer(texts.ADMIN_ONLY, show_alert=True)
        return
    key = (query.data or "")[2:]
    since, until = _period(MAX_REPORT_DAYS, _now())  # any row of any report still shown
    found = await asyncio.to_thread(context.state.archive.report, since, until, None)
    question = next((q for q in report_questions(found) if short_key(q) == key), None)
    if question is None:
        await query.answer(texts.QUESTION_NOT_IN_REPORT, show_alert=True)
        return
    if context.user_data is not None:
        context.user_data[FIXING_KEY] = question
    await query.answer()
    fixing = texts.DICTIONARY_FIXING.format(question=quote(question, HTML))
    await message_of(update).reply_text(f"{fixing}\n{texts.DICTIONARY_HOW}")


async def dictionary(update: Update, context: BotContext) -> None:
    """/tudien: the lines added; /tudien <dòng>: try a line on a question, then confirm it."""
    message = message_of(update)
    archive = context.state.archive
    typed = (message.text or "").split(maxsplit=1)
    if len(typed) < 2:
        lines = await asyncio.to_thread(archive.dictionary_lines)
        parts = render_dictionary_lines(lines, HTML)
        rows = [
            [
                InlineKeyboardButton(
                    texts.DICTIONARY_REMOVE_BUTTON.format(number=line.line_id),
                    callback_data=f"td:x:{line.line_id}",
                )
            ]
            for line in lines[:50]
        ]
        for number, part in enumerate(parts):
            markup = InlineKeyboardMarkup(rows) if number == 0 and rows else None
            await message.reply_text(part, reply_markup=markup)
        return
    section, line = _section_and_line(typed[1])
    fixing = context.user_data.get(FIXING_KEY) if context.user_data is not None else None
    question = fixing or _first_expression(line)
    try:
        before, after = await asyncio.to_thread(archive.preview_line, section, line, question)
        proposed = await asyncio.to_thread(archive.propose_line, section, line, question)
    except InputError as exc:
        await message.reply_text(with_detail(texts.DICTIONARY_BAD_LINE, str(exc), HTML))
        return
    except EmptyQuery as exc:
        await message.reply_text(with_detail(texts.DICTIONARY_NO_QUESTION, str(exc), HTML))
        return
    if context.user_data is not None:
        context.user_data.pop(FIXING_KEY, None)
    log.info("user %s proposed dictionary line %d", user_id(update), proposed.line_id)
    buttons = [
        InlineKeyboardButton(
            texts.DICTIONARY_CONFIRM_BUTTON, callback_data=f"td:ok:{proposed.line_id}"
        ),
        InlineKeyboardButton(
            texts.DICTIONARY_CANCEL_BUTTON, callback_data=f"td:no:{proposed.line_id}"
        ),
    ]
    await message.reply_text(
        render_preview(proposed, question, before, after, HTML),
        reply_markup=InlineKeyboardMarkup([buttons]),
    )


async def dictionary_button(update: Update, context: BotContext) -> None:
    """✅ Xác nhận / ✖ Bỏ under a proposed line, 🗑 Xóa under /tudien's list (admins only)."""
    query = query_of(update)
    if not context.state.is_admin(user_id(update)):
        await query.answer(texts.ADMIN_ONLY, show_alert=True)
        return
    _, verb, number = (query.data or "td:x:0").split(":")
    archive = context.state.archive
    line_id = int(number)
    if verb == "ok":
        done = await asyncio.to_thread(archive.confirm_line, line_id)
        template = texts.DICTIONARY_CONFIRMED
    else:
        done = await asyncio.to_thread(archive.remove_line, line_id)
        template = texts.DICTIONARY_CANCELLED if verb == "no" else texts.DICTIONARY_REMOVED
    await query.answer()
    if done is None:
        await message_of(update).reply_text(texts.DICTIONARY_GONE)
        return
    log.info("user %s: dictionary line %d %s", user_id(update), line_id, verb)
    text = template.format(section=section_name(done.section), line=HTML.escape(done.line))
    if verb == "x":
        await message_of(update).reply_text(text)
    else:
        await query.edit_message_text(text)


def _section_and_line(typed: str) -> tuple[str, str]:
    """“tuhoi ở đâu vậy” → (từ hỏi, ở đâu vậy); a line with “=” is a synonym line, else a
    question word."""
    first, _, rest = typed.strip().partition(" ")
    named = _SECTION_WORDS.get(fold(lower(first)).replace(" ", ""))
    if named is not None and rest.strip():
        return named, " ".join(rest.split())
    line = " ".join(typed.split())
    return ("đồng nghĩa" if "=" in line else "từ hỏi"), line


def _first_expression(line: str) -> str:
    """What a line is tried on when no report row was chosen: its first expression."""
    return line.split("=", 1)[0].split("|", 1)[0].strip() or line


def _now() -> datetime:
    """Now, in Vietnam (a report's days start at the department's midnight)."""
    return datetime.now(VIETNAM)
