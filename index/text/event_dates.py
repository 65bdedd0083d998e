"""When an article's event happened: the dates its text mentions, read with its publication date.

"Ngày 31/5, tại Trung tâm..." in an article published 02/06/2019 is 31 May 2019; "Sáng 28/12" in
one published 05/01/2020 is 28 December 2019. Each date found says how it was written
(`DateKind`) and how much it is likely to be the event's date (`confidence`): a full date or a
day named with "ngày"/"sáng"/"chiều" near the start counts most, a month or a year less, the
date of a cited document ("Kế hoạch số 200/KH-UBND ngày 21/7") least, and an anniversary range
("(10/10/1954 - 10/10/2019)") is marked as such: its last day is the celebration.

Extracted at ingest (`event_dates`), stored compactly (`encode`/`decode`), and used to rank
(`event_match`): a question naming May 2019 prefers articles whose event happened then, even when
they were published in June.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from .normalize import fold, lower, normalize

__all__ = ["DateKind", "EventDate", "decode", "encode", "event_dates", "event_match"]

# A day and month without a year are taken in the publication year, unless that puts them more
# than this far after publication: then they are last year's ("28/12" in an article of 5 January).
# Announcements of events weeks ahead ("sẽ diễn ra ngày 15/6" on 10 June) keep the year.
AHEAD = timedelta(days=92)
_LEDE = 400  # characters: dates this early are usually the event's


class DateKind(Enum):
    """How a date was written."""

    FULL = "full"  # day, month and year: "31/5/2019", "ngày 31 tháng 5 năm 2019"
    DAY_MONTH = "day_month"  # the year from the publication date: "ngày 31/5", "sáng 02-10"
    RANGE = "range"  # "từ ngày 01 đến 15/4/2020", "từ 25/5/2018 đến 03/6/2018"
    MONTH = "month"  # a whole month: "tháng 5/2019", "tháng 5" (year inferred)
    YEAR = "year"  # "năm 2019"
    ANNIVERSARY = "anniversary"  # "(10/10/1954 - 10/10/2019)": the same day, years apart
    DOCUMENT = "document"  # the date of a cited document: "200/KH-UBND ngày 21/7"


_CONFIDENCE = {
    DateKind.FULL: 0.8,
    DateKind.DAY_MONTH: 0.8,
    DateKind.RANGE: 0.8,
    DateKind.MONTH: 0.5,
    DateKind.YEAR: 0.2,
    DateKind.ANNIVERSARY: 0.6,
    DateKind.DOCUMENT: 0.1,
}


@dataclass(frozen=True)
class EventDate:
    """A date or period mentioned in a text (both ends inclusive)."""

    start: date
    end: date
    kind: DateKind
    confidence: float
    span: tuple[int, int] | None = None  # in normalize(text); None once decoded from storage

    @property
    def event_days(self) -> tuple[date, date]:
        """The days the event itself took: an anniversary's last day, else the whole period."""
        if self.kind is DateKind.ANNIVERSARY:
            return self.end, self.end
        return self.start, self.end


# Matched on normalize(text), folded and lower-cased (aligned character for character).
_D, _M, _Y = r"(\d{1,2})", r"(\d{1,2})", r"(\d{4})"
_SEP = r"\s*[/.\-]\s*"
_NO_DIGIT_BEFORE = r"(?<![\d/.\-])"
_NO_DIGIT_AFTER = r"(?![\d]|[/.\-]\d)"
_FULL = rf"{_D}{_SEP}{_M}{_SEP}{_Y}"
_WRITTEN = rf"ngay\s+{_D}\s+thang\s+{_M}\s+nam\s+{_Y}"
_TO = r"\s*(?:-|–|—|den|toi)\s*(?:ngay\s+)?"
_CUE = r"(?:ngay|sang|chieu|toi|trua|dem|hom|dip|tu|den|truoc|sau|\()\s*"
_DOCUMENT_BEFORE = re.compile(r"\d+/[a-z0-9đ\-]+[\s,]*(?:ban hanh\s+)?(?:ngay\s*)?$")

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("full_range", re.compile(rf"{_NO_DIGIT_BEFORE}{_FULL}{_TO}{_FULL}{_NO_DIGIT_AFTER}")),
    ("dm_range", re.compile(rf"{_NO_DIGIT_BEFORE}{_D}{_SEP}{_M}{_TO}{_FULL}{_NO_DIGIT_AFTER}")),
    (
        "day_range",
        re.compile(
            rf"(?:tu|ngay|cac ngay)\s+(?:ngay\s+)?{_D}\s*(?:-|–|den|toi|va)\s*(?:ngay\s+)?"
            rf"{_D}{_SEP}{_M}(?:{_SEP}{_Y})?{_NO_DIGIT_AFTER}"
        ),
    ),
    ("written", re.compile(_WRITTEN)),
    ("full", re.compile(rf"{_NO_DIGIT_BEFORE}{_FULL}{_NO_DIGIT_AFTER}")),
    (
        "month_range",
        re.compile(rf"thang\s+{_M}\s*(?:va|-|–|den)\s*(?:thang\s+)?{_M}\s*(?:/|-|nam)\s*{_Y}"),
    ),
    ("month", re.compile(rf"thang\s+{_M}(?:\s*(?:/|-|nam)\s*{_Y})?{_NO_DIGIT_AFTER}")),
    ("day_month", re.compile(rf"{_CUE}{_D}{_SEP}{_M}{_NO_DIGIT_AFTER}")),
    ("year", re.compile(rf"\bnam\s+{_Y}\b")),
)


def event_dates(text: str, published: datetime | date) -> list[EventDate]:
    """Dates and periods the text mentions, in text order; spans point into normalize(text)."""
    when = published.date() if isinstance(published, datetime) else published
    folded = fold(lower(normalize(text)))
    taken = [False] * len(folded)
    found: list[EventDate] = []
    for name, pattern in _PATTERNS:
        for match in pattern.finditer(folded):
            if any(taken[match.start() : match.end()]):
                continue
            for kind, start, end in _read(name, match, when):
                if _DOCUMENT_BEFORE.search(folded[max(0, match.start() - 40) : match.start()]):
                    kind = DateKind.DOCUMENT
                found.append(
                    EventDate(start, end, kind, _confidence(kind, match.start()), match.span())
                )
            for i in range(match.start(), match.end()):
                taken[i] = True
    return sorted(found, key=lambda d: d.span or (0, 0))


def event_match(dates: Sequence[EventDate], since: date, until: date) -> float:
    """How surely the event happened within [since, until]: the highest confidence of a date
    whose event days overlap it (0 when none does)."""
    best = 0.0
    for found in dates:
        first, last = found.event_days
        if first <= until and last >= since:
            best = max(best, found.confidence)
    return best


def encode(dates: Sequence[EventDate]) -> str:
    """One line for storage: "2019-05-31/2019-05-31/day_month/0.9;..." (spans are dropped)."""
    return ";".join(
        f"{d.start.isoformat()}/{d.end.isoformat()}/{d.kind.value}/{d.confidence:g}" for d in dates
    )


def decode(line: str) -> list[EventDate]:
    """The dates `encode` wrote."""
    found = []
    for item in filter(None, line.split(";")):
        start, end, kind, confidence = item.split("/")
        found.append(
            EventDate(
                date.fromisoformat(start),
                date.fromisoformat(end),
                DateKind(kind),
                float(confidence),
            )
        )
    return found


def _read(name: str, match: re.Match[str], when: date) -> Iterator[tuple[DateKind, date, date]]:
    """The dates one match names (none when the numbers are no calendar date)."""
    g = match.groups()
    if name == "full_range":
        start, end = _day(g[2], g[1], g[0]), _day(g[5], g[4], g[3])
        if start and end and start <= end:
            same_day = (start.month, start.day) == (end.month, end.day) and start.year < end.year
            yield (DateKind.ANNIVERSARY if same_day else DateKind.RANGE), start, end
    elif name == "dm_range":
        end = _day(g[4], g[3], g[2])
        start = _day(g[4], g[1], g[0]) if end else None
        if start and end and start <= end:
            yield DateKind.RANGE, start, end
    elif name == "day_range":
        year = g[3]
        end = _day(year, g[2], g[1]) if year else _inferred(g[2], g[1], when)
        start = _day(str(end.year), g[2], g[0]) if end else None
        if start and end and start <= end:
            yield DateKind.RANGE, start, end
    elif name in ("written", "full"):
        day = _day(g[2], g[1], g[0])
        if day:
            yield DateKind.FULL, day, day
    elif name == "month_range":
        first, last = _month(g[2], g[0]), _month(g[2], g[1])
        if first and last and first[0] <= last[0]:
            yield DateKind.MONTH, first[0], last[1]
    elif name == "month":
        span = _month(g[1], g[0]) if g[1] else _inferred_month(g[0], when)
        if span:
            yield DateKind.MONTH, span[0], span[1]
    elif name == "day_month":
        day = _inferred(g[1], g[0], when)
        if day:
            yield DateKind.DAY_MONTH, day, day
    elif name == "year":
        year = int(g[0])
        if 1900 <= year <= 2200:
            yield DateKind.YEAR, date(year, 1, 1), date(year, 12, 31)


def _confidence(kind: DateKind, position: int) -> float:
    bonus = 0.1 if position < _LEDE and kind is not DateKind.DOCUMENT else 0.0
    return round(_CONFIDENCE[kind] + bonus, 2)


def _day(year: str, month: str, day: str) -> date | None:
    try:
        found = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return found if 1900 <= found.year <= 2200 else None


def _inferred(month: str, day: str, when: date) -> date | None:
    """A day and month in the publication year, or the year before when too far ahead."""
    found = _day(str(when.year), month, day)
    if found is None and (month, day) == ("2", "29"):
        found = _day(str(when.year - 1), month, day)
    if found is not None and found > when + AHEAD:
        found = _day(str(when.year - 1), month, day)
    return found


def _month(year: str, month: str) -> tuple[date, date] | None:
    if not (1 <= int(month) <= 12 and 1900 <= int(year) <= 2200):
        return None
    last = calendar.monthrange(int(year), int(month))[1]
    return date(int(year), int(month), 1), date(int(year), int(month), last)


def _inferred_month(month: str, when: date) -> tuple[date, date] | None:
    span = _month(str(when.year), month)
    if span is not None and span[0] > when + AHEAD:
        span = _month(str(when.year - 1), month)
    return span
