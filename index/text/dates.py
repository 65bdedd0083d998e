"""Dates as Vietnamese portals, feeds and JSON dumps write them, read as aware datetimes."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

__all__ = [
    "parse_date",
    "plausible_date",
    "from_timestamp",
    "DATE_LINE",
    "EARLIEST",
    "FUTURE_SLACK",
    "VIETNAM",
    "now",
]

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def now() -> datetime:
    """The current time in Vietnam, timezone-aware."""
    return datetime.now(VIETNAM)


# A publication date outside these bounds is a mistake (a placeholder "0001-01-01", a typo such
# as 01/01/2099): stored, it would sit on top of the latest articles for decades.
EARLIEST = datetime(1900, 1, 1, tzinfo=VIETNAM)
FUTURE_SLACK = timedelta(days=2)  # clocks and time zones of portals disagree by hours


def plausible_date(value: datetime, today: datetime | None = None) -> bool:
    """True for a publication date from 1900 to two days after `today` (default: now)."""
    return EARLIEST <= value <= (today or now()) + FUTURE_SLACK


def from_timestamp(seconds: float) -> datetime | None:
    """Seconds since 1970 as a time in Vietnam; None when not finite or beyond the calendar."""
    if not math.isfinite(seconds):
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC).astimezone(VIETNAM)
    except (OverflowError, OSError, ValueError):
        return None


# "02/06/2019 17:00", "Ngày đăng 20/06/2018 | 4:12 PM", "Thứ hai, 03/06/2019 - 08:15",
# "03-06-2019", "3.6.2019 8h15", "08:15 03/06/2019"
_DMY = r"(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>\d{4})"
_HM = (
    r"(?P<H>\d{1,2})\s*(?::|h|giờ)\s*(?P<M>\d{2})?(?:\s*:\s*(?P<S>\d{2}))?"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?|SA|CH|sáng|chiều|tối)?"
)
_DMY_THEN_TIME = re.compile(_DMY + r"(?:[\s,|\-–—]*(?:lúc\s*)?" + _HM + r")?(?!\d)")
_TIME_THEN_DMY = re.compile(_HM.replace("?P<", "?P<t_") + r"[\s,|\-–—]*(?:ngày\s*)?" + _DMY)
_WRITTEN = re.compile(
    r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})", re.IGNORECASE
)
_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+\-]\d{2}:?\d{2})?)?"
)
_ISO_IN_TEXT = re.compile(r"(?<![\d/.\-])" + _ISO.pattern + r"(?![\d/])")
# RFC 822 / 2822 as feeds write it, the weekday optional: "Wed, 30 Aug 2017 17:48:03 +0700".
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3},?\s+)?\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
    r"\s+\d{2,4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[+\-]\d{4}|GMT|UTC|UT|[A-Z]{1,3}))?)?",
    re.IGNORECASE,
)

# A line that holds only a date and maybe a time, as in the plain-text article dumps.
DATE_LINE = re.compile(r"^\s*(?:[^\d\n]{0,30}?)" + _DMY + r"(?:\s*[|,\-–]?\s*" + _HM + r")?\s*$")


def parse_date(text: str, default_tz: tzinfo | None = None) -> datetime | None:
    """Find the first date in text and return it timezone-aware (Asia/Ho_Chi_Minh by default).

    Returns None when no valid date is found.
    """
    tz = default_tz or VIETNAM
    text = text.strip()
    if not text:
        return None
    iso = _ISO.fullmatch(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    if iso:
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            value = None
        if value is not None:
            return _aware(value, tz)
    for pattern, prefix in ((_TIME_THEN_DMY, "t_"), (_DMY_THEN_TIME, "")):
        match = pattern.search(text)
        if match:
            value = _from_match(match, prefix, tz)
            if value is not None:
                return value
    written = _WRITTEN.search(text)
    if written:
        return _from_parts(written["y"], written["m"], written["d"], None, None, None, None, tz)
    inner_iso = _ISO_IN_TEXT.search(text)
    if inner_iso:
        return _iso(inner_iso[0], tz)
    rfc822 = _RFC822.search(text)
    if rfc822:
        try:
            return _aware(parsedate_to_datetime(rfc822[0]), tz)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return None


def _iso(text: str, tz: tzinfo) -> datetime | None:
    try:
        value = datetime.fromisoformat(text.replace(" ", "T", 1).replace("Z", "+00:00"))
    except ValueError:
        return None
    return _aware(value, tz)


def _from_match(match: re.Match[str], prefix: str, tz: tzinfo) -> datetime | None:
    groups = match.groupdict()
    return _from_parts(
        groups["y"],
        groups["m"],
        groups["d"],
        groups.get(f"{prefix}H"),
        groups.get(f"{prefix}M"),
        groups.get(f"{prefix}S"),
        groups.get(f"{prefix}ampm"),
        tz,
    )


def _from_parts(
    year: str,
    month: str,
    day: str,
    hour: str | None,
    minute: str | None,
    second: str | None,
    ampm: str | None,
    tz: tzinfo,
) -> datetime | None:
    h = int(hour) if hour else 0
    if ampm:
        marker = ampm.lower().replace(".", "")
        if marker in ("pm", "ch", "chiều", "tối") and h < 12:
            h += 12
        elif marker in ("am", "sa", "sáng") and h == 12:
            h = 0
    try:
        return datetime(
            int(year), int(month), int(day), h, int(minute or 0), int(second or 0), tzinfo=tz
        )
    except ValueError:
        return None


def _aware(value: datetime, tz: tzinfo) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=tz)
    try:
        return value.astimezone(VIETNAM)
    except OverflowError:  # "0001-01-01T00:00+14:00": beyond the calendar once converted
        return value
