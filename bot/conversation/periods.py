"""Periods of a chat's list shifted back or forth ("tin cũ hơn" / "mới hơn"), said the way the
question parser reads them."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta, tzinfo

from index import Archive, ArticleNotFound, ConversationState

from .types import ListKind

__all__ = ["shifted_period", "without_period"]


def shifted_period(
    archive: Archive, state: ConversationState, older: bool, now: datetime
) -> str | None:
    """The period before (or after) the list's, said the way the question parser reads."""
    today = now.astimezone(_local(state)).date()
    if state.since is not None and (state.until is not None or not older):
        first = state.since.date()
        last = state.until.date() if state.until is not None else today
        start, end = _shift_period(first, last, older)
        if start > today:
            return None
        return f"từ {_day(start)} đến {_day(min(end, today))}"
    shown = _shown_days(archive, state)
    if older:
        boundary = state.since.date() if state.since else min(shown, default=today)
        return f"trước ngày {_day(boundary)}"
    boundary = state.until.date() if state.until else max(shown, default=today)
    if boundary >= today:
        return None
    return f"sau ngày {_day(boundary)}"


def _shown_days(archive: Archive, state: ConversationState) -> list[date]:
    days = []
    for article_id in state.shown:
        try:
            days.append(archive.article(article_id).published_at.date())
        except ArticleNotFound:
            continue
    return days


def without_period(state: ConversationState) -> str:
    """The list's question without the words of its period ("hội sách năm 2019" → "hội
    sách"); a category's list as "chuyên mục <tên>"; today's as "tin"."""
    if state.list_kind == ListKind.CATEGORY:
        return f"chuyên mục {state.list_query}"
    if state.list_kind == ListKind.TODAY:
        return "tin"
    query = state.list_query
    if state.time_label and state.time_label in query:
        query = query.replace(state.time_label, " ", 1)
    return " ".join(query.split()) or "tin"


def _shift_period(first: date, last: date, older: bool) -> tuple[date, date]:
    """The period as long as [first, last] just before (or after) it; whole months stay whole
    months ("tháng 5/2019" → April 2019)."""
    month_end = last.day == calendar.monthrange(last.year, last.month)[1]
    if first.day == 1 and month_end:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        step = -months if older else months
        start = _add_months(first, step)
        end_month = _add_months(start, months - 1)
        end = end_month.replace(day=calendar.monthrange(end_month.year, end_month.month)[1])
        return start, end
    length = last - first
    if older:
        end = first - timedelta(days=1)
        return end - length, end
    start = last + timedelta(days=1)
    return start, start + length


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _local(state: ConversationState) -> tzinfo | None:
    """The time zone the list's dates were read in (the articles', Vietnam's)."""
    moment = state.since or state.until or state.updated_at
    return moment.tzinfo
