"""Understanding a question: time and category filters, synonyms, question words, intent.

`QueryParser.parse` turns "hội thảo chính quyền điện tử tháng 5/2019 ở đâu?" into the text to
score ("hội thảo chính quyền điện tử ở đâu?"), a filter (May 2019), the spans of question words
(scored lightly), synonym expansions and the intent ("where"), used to pick an answer sentence.
Everything is matched on folded text too, so "thang 5/2019" works as well as "tháng 5/2019".
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache

from ..text.dates import VIETNAM
from ..text.dictionary import EMPTY_DICTIONARY, QueryDictionary, surface_words
from ..text.normalize import fold, has_diacritics, lower, normalize

__all__ = ["QueryParser", "ParsedQuery", "TimeRange", "INTENTS"]

INTENTS = ("when", "where", "who", "how_many")


@dataclass(frozen=True)
class TimeRange:
    """A period the question names and how it said it: a publication-date filter, or with
    `preference` a period whose articles rank higher (published, held or titled then) without
    removing the others."""

    since: datetime | None
    until: datetime | None
    label: str
    preference: bool = False
    topic: bool = False  # the period names what the text is about ("kế hoạch năm 2020"): it
    # stays in the text, and only articles that write its year are preferred, not their dates


@dataclass(frozen=True)
class ParsedQuery:
    """What a question asks for."""

    original: str
    text: str  # what is scored: the question without its filter phrases
    time: TimeRange | None = None
    category: str | None = None
    filler_spans: tuple[tuple[int, int], ...] = ()  # spans of `text`
    expansions: tuple[str, ...] = ()  # synonyms of expressions found in `text`
    synonyms: tuple[tuple[int, int, tuple[str, ...]], ...] = ()  # (start, end, group) in `text`
    intent: str | None = None
    removed: tuple[str, ...] = field(default=())  # the filter phrases taken out

    @property
    def fillers(self) -> str:
        """The question words and fillers, as one text."""
        return " ".join(self.text[s:e] for s, e in self.filler_spans)


# -- time expressions, matched on folded lower-case text ------------------------------------

_D = r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})"
_RANGE = re.compile(
    rf"\b(?:tu|trong khoang)\s+(?:ngay\s+)?{_D}\s*(?:den|toi|-|–)\s*(?:ngay\s+)?{_D}"
)
_BEFORE_AFTER = re.compile(rf"\b(truoc|sau)\s+(?:ngay\s+)?{_D}")
_MONTH = re.compile(r"\b(?:trong\s+)?thang\s+(\d{1,2})(?:\s*(?:/|-|nam)\s*(\d{4}))?\b(?![/.\-]\d)")
_QUARTER = re.compile(
    r"\b(?:trong\s+)?quy\s+(i{1,3}|iv|[1-4])(?:\s*(?:/|-|nam)\s*(\d{4}))?\b", re.I
)
_YEAR = re.compile(r"(?<!viet )\b(?:trong\s+)?nam\s+(\d{4})\b(?![/.\-]\d)")
_RELATIVE = re.compile(
    r"\b(hom nay|hom qua|tuan nay|tuan truoc|thang nay|thang truoc|nam nay|nam ngoai|nam truoc"
    r"|gan day|moi day|dao nay|thoi gian gan day)\b"
)
_PREFERENCES = (_MONTH, _QUARTER, _YEAR)  # a period named: preferred unless said published
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

_INTENT_PHRASES = {
    "when": (
        "khi nào",
        "bao giờ",
        "lúc nào",
        "ngày nào",
        "thời gian nào",
        "hôm nào",
        "thời điểm nào",
        "tháng nào",
        "năm nào",
    ),
    "where": (
        "ở đâu",
        "tại đâu",
        "từ đâu",
        "nơi nào",
        "địa điểm nào",
        "chỗ nào",
        "ở nơi nào",
        "nơi đâu",
    ),
    "who": ("là ai", "người nào", "những ai", "ai là", "do ai", "ai đã", "ai"),
    "how_many": ("bao nhiêu", "mấy", "số lượng"),
}


@lru_cache(maxsize=8)
def _folded_categories(categories: tuple[str, ...]) -> tuple[tuple[tuple[str, ...], str], ...]:
    """Each category's folded words (a parser is built per search; the list rarely changes)."""
    return tuple((tuple(fold(w) for _, _, w in surface_words(normalize(c))), c) for c in categories)


class QueryParser:
    """Parses questions against a dictionary and the corpus's categories."""

    def __init__(
        self,
        dictionary: QueryDictionary = EMPTY_DICTIONARY,
        categories: Sequence[str] = (),
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """`clock` gives "now" for "hôm qua" and "tuần này" (tests pin it)."""
        self.dictionary = dictionary
        self.categories = tuple(categories)
        self._folded_categories = _folded_categories(self.categories)
        self.clock = clock or (lambda: datetime.now(VIETNAM))

    def parse(self, query: str) -> ParsedQuery:
        """Split a question into what to score, what to filter on and what it asks."""
        text = " ".join(normalize(query).split())
        removed: list[str] = []
        time, text = self._time(text, removed)
        category, text = self._category(text, removed)
        text = " ".join(text.split())
        fillers = tuple((m.start, m.end) for m in self.dictionary.filler_spans(text))
        synonyms = self.dictionary.synonyms(text)
        expansions: list[str] = []
        for match in synonyms:
            found = fold(lower(text[match.start : match.end]))
            for member in self.dictionary.alternatives(match.group):
                if fold(lower(member)) != found and member not in expansions:
                    expansions.append(member)
        return ParsedQuery(
            original=query,
            text=text,
            time=time,
            category=category,
            filler_spans=fillers,
            expansions=tuple(expansions),
            synonyms=tuple(
                (m.start, m.end, self.dictionary.alternatives(m.group)) for m in synonyms
            ),
            intent=_intent(text),
            removed=tuple(removed),
        )

    # -- pieces -----------------------------------------------------------------------------

    def _time(self, text: str, removed: list[str]) -> tuple[TimeRange | None, str]:
        folded = fold(lower(text))  # aligned with `text` character for character
        now = self.clock()
        for pattern, build in (
            (_RANGE, self._range),
            (_BEFORE_AFTER, self._before_after),
            (_QUARTER, self._quarter),
            (_MONTH, self._month),
            (_YEAR, self._year),
            (_RELATIVE, self._relative),
        ):
            match = pattern.search(folded)
            if match is None:
                continue
            span = text[match.start() : match.end()]
            if not _accents_agree(span):
                continue
            if _names_a_document(folded[: match.start()]):
                if pattern not in _PREFERENCES:
                    continue
                found = build(match, now, _proper_label(span))  # the year of a plan: its topic
                if found is not None:
                    return replace(found, preference=True, topic=True), text
                continue
            found = build(match, now, _proper_label(span))
            start = match.start()
            if found is not None and pattern in _PREFERENCES:
                cue = _SAYS_PUBLISHED.search(folded[:start])
                found = replace(found, preference=cue is None)
                start = cue.start() if cue is not None else start  # "đăng" goes with the filter
            if found is not None:
                removed.append(text[start : match.end()])
                return found, text[:start] + " " + text[match.end() :]
        return None, text

    @staticmethod
    def _range(match: re.Match[str], now: datetime, label: str) -> TimeRange | None:
        start = _date(match[3], match[2], match[1])
        end = _date(match[6], match[5], match[4])
        if start is None or end is None or end < start:
            return None
        return TimeRange(start, end + timedelta(days=1) - timedelta(microseconds=1), label)

    @staticmethod
    def _before_after(match: re.Match[str], now: datetime, label: str) -> TimeRange | None:
        """ "trước ngày 14/05/2019", "sau ngày 01/06/2019": that day excluded."""
        day = _date(match[4], match[3], match[2])
        if day is None:
            return None
        if match[1] == "truoc":
            return TimeRange(None, day - timedelta(microseconds=1), label)
        return TimeRange(day + timedelta(days=1), None, label)

    @staticmethod
    def _month(match: re.Match[str], now: datetime, label: str) -> TimeRange | None:
        month = int(match[1])
        if not 1 <= month <= 12:
            return None
        year = int(match[2]) if match[2] else (now.year if month <= now.month else now.year - 1)
        return _months(year, month, 1, label)

    @staticmethod
    def _quarter(match: re.Match[str], now: datetime, label: str) -> TimeRange | None:
        raw = match[1].lower()
        quarter = _ROMAN.get(raw) or int(raw)
        year = int(match[2]) if match[2] else now.year
        return _months(year, 3 * quarter - 2, 3, label)

    @staticmethod
    def _year(match: re.Match[str], now: datetime, label: str) -> TimeRange | None:
        year = int(match[1])
        if not 1990 <= year <= 2100:
            return None
        return _months(year, 1, 12, label)

    @staticmethod
    def _relative(match: re.Match[str], now: datetime, label: str) -> TimeRange | None:
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        word = match[1]
        if word == "hom nay":
            return TimeRange(today, None, label)
        if word == "hom qua":
            return TimeRange(today - timedelta(days=1), today - timedelta(microseconds=1), label)
        if word == "tuan nay":
            return TimeRange(today - timedelta(days=today.weekday()), None, label)
        if word == "tuan truoc":
            monday = today - timedelta(days=today.weekday())
            return TimeRange(monday - timedelta(days=7), monday - timedelta(microseconds=1), label)
        if word == "thang nay":
            return TimeRange(today.replace(day=1), None, label)
        if word == "thang truoc":
            first = today.replace(day=1)
            previous = (first - timedelta(days=1)).replace(day=1)
            return TimeRange(previous, first - timedelta(microseconds=1), label)
        if word == "nam nay":
            return TimeRange(today.replace(month=1, day=1), None, label)
        if word in ("nam ngoai", "nam truoc"):
            return _months(now.year - 1, 1, 12, label)
        return TimeRange(today - timedelta(days=30), None, label)  # gần đây, mới đây, dạo này

    def _category(self, text: str, removed: list[str]) -> tuple[str | None, str]:
        """A category named as such ("chuyên mục Phố sách Hà Nội", "lĩnh vực ..."). A category
        name without that cue, even the whole question ("số hóa truyền dẫn"), is a topic and
        stays searchable text (the text field holds each article's category)."""
        words = surface_words(text)
        folded = [fold(w) for _, _, w in words]
        best: tuple[int, int, str] | None = None
        for name_words, name in self._folded_categories:
            size = len(name_words)
            for i in range(len(folded) - size + 1):
                if size and tuple(folded[i : i + size]) == name_words:
                    cued = _CATEGORY_CUE.search(" ".join(folded[:i]))
                    if cued and (best is None or size > best[1] - best[0]):
                        first = i - len(cued[0].split())
                        best = (first, i + size, name)
        if best is None:
            return None, text
        start, end = words[best[0]][0], words[best[1] - 1][1]
        removed.append(text[start:end])
        return best[2], text[:start] + " " + text[end:]


_CATEGORY_CUE = re.compile(r"(?:^|\s)(?:chuyen muc|muc|linh vuc|the loai)$")


# "Bộ luật Hình sự năm 2017", "Kế hoạch năm 2020": the year belongs to a document's name.
_DOCUMENT_NOUNS = re.compile(
    r"\b(?:luat|bo luat|nghi dinh|thong tu|quyet dinh|chi thi|nghi quyet|ke hoach|chien luoc"
    r"|de an|chuong trinh|giai doan|hien phap|phap lenh|cong van|bao cao|quy hoach)"
    r"(?:\s+[^\s\d]+){0,3}\s*$"
)


# "ngân sách năm 2018", "quyết toán năm 2019", "đến năm 2025": the year is the topic.
_YEAR_TOPIC = re.compile(
    r"\b(?:ngan sach|quyet toan|du toan|den|toi|tam nhin|dinh huong)(?:\s+[^\s\d]+){0,1}\s*$"
)
# "đăng trong tháng 5/2019", "tin năm 2018": the question asks for a publication date.
_SAYS_PUBLISHED = re.compile(
    r"\b(?:duoc dang|dang tai|dang|xuat ban|phat hanh)(?:\s+(?:trong|vao|tu|nam))?\s*$"
)


def _names_a_document(before: str) -> bool:
    """True when the words just before a year name a law, a plan, a budget, or a period the
    year ends ("đến năm 2025"): the year is text, never a filter."""
    before = before.rstrip(" ,")
    return bool(_DOCUMENT_NOUNS.search(before) or _YEAR_TOPIC.search(before))


_LABEL_PHRASES = {
    "hom nay": "hôm nay", "hom qua": "hôm qua", "tuan nay": "tuần này", "tuan truoc": "tuần trước",
    "thang nay": "tháng này", "thang truoc": "tháng trước", "nam nay": "năm nay",
    "nam ngoai": "năm ngoái", "nam truoc": "năm trước", "gan day": "gần đây",
    "moi day": "mới đây", "dao nay": "dạo này", "thoi gian": "thời gian", "thang": "tháng",
    "nam": "năm", "quy": "quý", "tuan": "tuần", "ngay": "ngày", "tu": "từ", "den": "đến",
    "toi": "tới", "truoc": "trước", "khoang": "khoảng",
}  # fmt: skip
_LABEL_WORDS = re.compile(
    r"\b(?:" + "|".join(sorted(_LABEL_PHRASES, key=len, reverse=True)) + r")\b"
)


def _proper_label(span: str) -> str:
    """A period as the reply says it back: "thang 5 nam 2019" becomes "tháng 5 năm 2019"."""
    if has_diacritics(span):
        return span
    return _LABEL_WORDS.sub(lambda m: _LABEL_PHRASES[m[0]], lower(span))


def _accents_agree(typed: str) -> bool:
    """A keyword typed with diacritics must be the right word ("Nam" the country is not "năm")."""
    keywords = {"nam": "năm", "thang": "tháng", "quy": "quý", "tuan": "tuần", "ngay": "ngày"}
    for typed_word in typed.lower().split():
        wanted = keywords.get(fold(typed_word))
        if wanted and typed_word != fold(typed_word) and typed_word != wanted:
            return False
    return True


def _date(year: str, month: str, day: str) -> datetime | None:
    try:
        return datetime(int(year), int(month), int(day), tzinfo=VIETNAM)
    except ValueError:
        return None


def _months(year: int, first_month: int, count: int, label: str) -> TimeRange | None:
    last_month = first_month + count - 1
    if not (1 <= first_month <= 12 and 1 <= last_month <= 12 and 1900 <= year <= 2200):
        return None
    start = datetime(year, first_month, 1, tzinfo=VIETNAM)
    last_day = calendar.monthrange(year, last_month)[1]
    end = datetime(year, last_month, last_day, 23, 59, 59, 999999, tzinfo=VIETNAM)
    return TimeRange(start, end, label)


def _intent(text: str) -> str | None:
    """What kind of answer the question wants. Typed without diacritics, one-syllable question
    words are too ambiguous to trust ("may" is "mấy" or "máy", "ai" is "ai" or "ái")."""
    accented = has_diacritics(text)
    words = [w for _, _, w in surface_words(text)]
    typed = " " + " ".join(words if accented else [fold(w) for w in words]) + " "
    for intent, phrases in _INTENT_PHRASES.items():
        for phrase in phrases:
            if not accented and " " not in phrase:
                continue
            if f" {phrase if accented else fold(phrase)} " in typed:
                return intent
    return None
