"""Facts inside a sentence: people, titles, places, dates and quantities, as character spans.

Each finder reads one display sentence and returns candidates with a `strength` (0 to 1): how
surely the span is a fact of that kind, whatever the question. Whether a fact answers a question
is `answer.py`'s business. Patterns come first (capitalised names after a surname or an
honorific, "tại" + a venue, dates read by `index.text.event_dates`, a number and its unit);
underthesea's named entities confirm or weaken them, never stand alone: its tagger calls
"Đại sứ Hoa Kỳ" a place and "UBND tỉnh" a location.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from ..text.entities import Entity, named_entities
from ..text.event_dates import DateKind, event_dates
from ..text.normalize import fold, lower, normalize

__all__ = [
    "FactKind",
    "Fact",
    "Word",
    "words_of",
    "people",
    "titles",
    "places",
    "dates",
    "quantities",
    "TITLE_HEADS",
    "folded_phrases",
    "PERSON_NOUNS",
]


def _key(word: str) -> str:
    return fold(lower(word))


def _exact(word: str) -> str:
    """Lower case with diacritics: "Bảo" (a name) is not "Báo" (a newspaper)."""
    return lower(normalize(word))


def _word_set(text: str, separator: str | None = None) -> frozenset[str]:
    """Words (or "|"-separated phrases) in lower case with their diacritics."""
    return frozenset(_exact(w.strip()) for w in text.split(separator) if w.strip())


class FactKind(StrEnum):
    """What a fact is."""

    PERSON = "person"
    TITLE = "title"  # a position without a name: "Chánh thanh tra"
    PLACE = "place"
    DATE = "date"
    QUANTITY = "quantity"


@dataclass(frozen=True)
class Fact:
    """A span of a sentence holding one fact, how sure that is, and the words it spans."""

    kind: FactKind
    start: int
    end: int
    text: str
    strength: float
    first: int  # index of its first word in `words_of(sentence)`
    last: int  # index of its last word (inclusive)
    unit: tuple[str, ...] = ()  # quantities: the folded words after the number
    day: date | None = None  # dates: the event's first day


@dataclass(frozen=True)
class Word:
    """A word, number or punctuation mark of a sentence."""

    text: str
    start: int
    end: int
    lower: str
    folded: str

    @property
    def is_word(self) -> bool:
        """Letters (a syllable, an acronym)."""
        return self.text[:1].isalpha()

    @property
    def is_number(self) -> bool:
        """Digits, with separators ("1.070", "2,7", "31/5", "100%")."""
        return self.text[:1].isdigit()

    @property
    def capitalised(self) -> bool:
        """A Title-case syllable ("Chương"), not an acronym ("UBND")."""
        return self.is_word and self.text[0].isupper() and not self.is_acronym

    @property
    def is_acronym(self) -> bool:
        """Two or more letters, all upper case ("UBND", "TP")."""
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) >= 2 and all(c.isupper() for c in letters)


_WORD = re.compile(r"\d+(?:[.,/\-]\d+)*%?|[^\W\d_]+(?:-[^\W\d_]+)*|[^\w\s]")


def words_of(sentence: str) -> list[Word]:
    """The sentence's words, numbers and punctuation, with their spans."""
    lowered = lower(sentence)
    return [
        Word(
            m[0],
            m.start(),
            m.end(),
            lowered[m.start() : m.end()],
            fold(lowered[m.start() : m.end()]),
        )
        for m in _WORD.finditer(sentence)
    ]


def _phrases(text: str) -> frozenset[tuple[str, ...]]:
    """Phrases separated by "|", as lower-case words with their diacritics (articles are
    written with them: folding would make "sâu" of "sau" and "Bảo" of "Báo")."""
    return frozenset(tuple(_exact(w) for w in p.split()) for p in text.split("|") if p.strip())


def folded_phrases(phrases: frozenset[tuple[str, ...]]) -> frozenset[tuple[str, ...]]:
    """The same phrases without diacritics, to match a question typed without them."""
    return frozenset(tuple(fold(w) for w in phrase) for phrase in phrases)


def _starts_with(words: list[Word], i: int, phrases: frozenset[tuple[str, ...]]) -> int:
    """The length of the longest phrase starting at word i, else 0."""
    best = 0
    for phrase in phrases:
        n = len(phrase)
        if n > best and tuple(w.lower for w in words[i : i + n]) == phrase:
            best = n
    return best


def _ends_with(words: list[Word], i: int, phrases: frozenset[tuple[str, ...]]) -> int:
    """The length of the longest phrase ending just before word i, else 0."""
    best = 0
    for phrase in phrases:
        n = len(phrase)
        if n > best and i - n >= 0 and tuple(w.lower for w in words[i - n : i]) == phrase:
            best = n
    return best


# -- people --------------------------------------------------------------------------------

# The hundred most common Vietnamese family names cover nearly every name in the news.
SURNAMES = _word_set(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Tô Chu Mai "
    "Trương Đinh Lâm Đoàn Hà Trịnh Lương Cao Đào Vương Tạ Kiều Thái Phùng La Quách Tăng Lưu "
    "Triệu Mạc Khúc Lục Nghiêm Doãn Giang Tống Âu Diệp Kim Hứa Thân Văn Quan Tôn Khổng Ông "
    "Nông Lò Lã Đàm Đồng Châu Phó Đậu Cù Thạch Cấn Từ Ninh Lạc Hầu Yên Bạch Nhữ Ma Viên"
)
HONORIFICS = _phrases(
    "ông|bà|anh|chị|đồng chí|ngài|cụ|em|cháu|bé|thầy|cô|ca sĩ|nghệ sĩ|nhà báo|nhà văn|"
    "nhà thơ|họa sĩ|tiến sĩ|ts|ths|pgs|gs|bác sĩ|bs|luật sư|ls|thượng tá|đại tá|trung tá|"
    "thiếu tá|đại úy|thiếu tướng|trung tướng|đại tướng|bị cáo|bị can|nạn nhân|tài xế|"
    "chủ tịch|giám đốc|bộ trưởng|thứ trưởng|thủ tướng|đại sứ|tổng lãnh sự|bí thư"
)
_PERSONAL = _phrases("ông|bà|anh|chị|đồng chí|ngài|cụ|em|cháu|bé|thầy|cô|ca sĩ|nghệ sĩ")
TITLE_HEADS = _phrases(
    "chủ tịch|phó chủ tịch|giám đốc|phó giám đốc|tổng giám đốc|phó tổng giám đốc|bí thư|"
    "phó bí thư|trưởng ban|phó trưởng ban|trưởng phòng|phó trưởng phòng|bộ trưởng|thứ trưởng|"
    "thủ tướng|phó thủ tướng|chủ nhiệm|phó chủ nhiệm|chánh văn phòng|phó chánh văn phòng|"
    "chánh thanh tra|phó chánh thanh tra|chánh án|phó chánh án|viện trưởng|phó viện trưởng|"
    "hiệu trưởng|phó hiệu trưởng|đại sứ|tổng lãnh sự|tổng thư ký|tổng biên tập|"
    "phó tổng biên tập|người phát ngôn|trưởng đoàn|tổng cục trưởng|cục trưởng|cục phó|"
    "vụ trưởng|phó vụ trưởng|chủ tọa|thẩm phán|tư lệnh|chỉ huy trưởng|trưởng công an|"
    "trưởng khoa|chủ nhiệm khoa|tài xế|lái xe|chủ hụi|chủ tịch hội đồng quản trị|"
    "thành viên hội đồng quản trị|trưởng ban tổ chức|chủ tịch nước|tổng bí thư"
)
# Before a capitalised run, these make it a place or an organisation, not a person.
_NOT_PEOPLE_BEFORE = _phrases(
    "phố|đường|quận|huyện|tỉnh|thành phố|tp|xã|phường|thị xã|thị trấn|làng|thôn|bản|sông|núi|"
    "hồ|cầu|chùa|đền|trường|bệnh viện|sân bay|thủ đô|miền|đảo|vịnh|khu|nhà hát|cung|"
    "công ty|tập đoàn|ngân hàng|hãng|báo|tạp chí|đài|nước|vùng|đất|quê|tại|ở|về|từ"
)
# A capitalised run starting with these is an organisation, an event or a place.
_NOT_NAME_HEADS = _word_set(
    "Sở Bộ Ủy Ban Hội Trung Công Ngân Học Đại Trường Cục Viện Tổng Liên Nhà Ngày Lễ Tuần "
    "Giải Cuộc Chương Đề Dự Quỹ Thành Tỉnh Quận Huyện Phòng Đảng Chính Quốc Tòa Việt "
    "Thủ Miền Khu Phố Đường Sân Cảng Hãng Báo Đài Tạp Thanh Theo Tại Trong Sáng "
    "Chiều Tối Hôm Khi Sau Trước Với Cùng Các Những Mỗi Tết Xuân Hè Thu Đông Nam Bắc Tây"
)
# Capitalised words inside organisations' and events' names, never inside a person's.
_ORGANISATION_WORDS = _word_set(
    "Sở Bộ Ủy Ban Hội Ty Hàng Viện Cục Tổng Nhà Ngày Lễ Tuần Giải Cuộc Quỹ Tỉnh Quận Huyện "
    "Phòng Đảng Phủ Tòa Khu Phố Sân Cảng Hãng Báo Đài Truyền Xuất Bản Heritage Festival "
    "Miếu Giám Sát Đội"
)  # never in a person's name: "Chương", "Thông", "Kỳ", "Nhân", "Quân" are names too
PLACE_NAMES = _phrases(
    "hà nội|việt nam|hồ chí minh|đà nẵng|hải phòng|cần thơ|huế|hòa bình|hà giang|hà tĩnh|"
    "hà nam|hải dương|hưng yên|lê thạch|trảng bàng|tây ninh|phú quốc|kiên giang|hoa kỳ|"
    "trung quốc|nhật bản|hàn quốc|pháp|nga|anh|mỹ|đức|lào|campuchia|thái lan|singapore"
)


def people(sentence: str, words: list[Word] | None = None, entities: bool = True) -> list[Fact]:
    """Names of people: capitalised runs after a family name, an honorific or a title; those
    underthesea also tags as persons are surer (`entities`: ask it, when there is a name)."""
    words = words if words is not None else words_of(sentence)
    found = []
    i = 0
    while i < len(words):
        if not words[i].capitalised:
            i += 1
            continue
        j = i
        while j + 1 < len(words) and words[j + 1].capitalised and _adjacent(words[j], words[j + 1]):
            j += 1
        fact = _person(sentence, words, i, j)
        if fact is not None:
            found.append(fact)
        i = j + 1
    if not (found and entities and sentence):
        return found
    tagged = [e for e in named_entities(sentence) if e.label == "PER"]
    return [_confirmed(fact, tagged) for fact in found]


def _adjacent(a: Word, b: Word) -> bool:
    return b.start - a.end == 1


def _person(sentence: str, words: list[Word], first: int, last: int) -> Fact | None:
    """The run words[first..last] read as a name, or None."""
    if first == 0 and words[0].lower not in SURNAMES:
        first += 1  # a sentence's first word is capitalised anyway
    while first < last and (n := _starts_with(words, first, PLACE_NAMES)) and first + n < last:
        first += n  # "TP Hồ Chí Minh Nguyễn Thành Phong": the place, then the name
    honorific = _ends_with(words, first, HONORIFICS) > 0 or _titled(words, first)
    if last - first > 4:  # a long run holds an organisation then a name: keep its end
        first = last - 3
    personal = _ends_with(words, first, _PERSONAL) > 0
    if _starts_with(words, first, TITLE_HEADS) or (last == first and not personal):
        return None  # "Phó Chủ" is a title's start; one word is a name only after "ông"
    head = words[first].lower
    surname = head in SURNAMES and last > first
    if not surname and not honorific:
        return None
    if head in _NOT_NAME_HEADS and not surname:
        return None
    if any(w.lower in _ORGANISATION_WORDS for w in words[first : last + 1]):
        return None
    if _ends_with(words, first, _NOT_PEOPLE_BEFORE) and not honorific:
        return None
    if _starts_with(words, first, PLACE_NAMES) == last - first + 1 and not honorific:
        return None
    start, end = words[first].start, words[last].end
    strength = round(0.5 + 0.2 * surname + 0.2 * honorific, 2)
    return Fact(FactKind.PERSON, start, end, sentence[start:end], strength, first, last)


def _titled(words: list[Word], first: int) -> bool:
    """A title a few words before: "Phó Chủ tịch Thường trực UBND TP Lê Hồng Sơn"."""
    for end in range(first, max(0, first - 7), -1):
        if _ends_with(words, end, TITLE_HEADS):
            return all(w.is_word for w in words[end:first])
    return False


def titles(sentence: str, words: list[Word] | None = None) -> list[Fact]:
    """Positions named in the sentence ("Chánh thanh tra", "Phó Chủ tịch UBND tỉnh")."""
    words = words if words is not None else words_of(sentence)
    found = []
    i = 0
    while i < len(words):
        n = _starts_with(words, i, TITLE_HEADS)
        if n == 0:
            i += 1
            continue
        last = i + n - 1
        start, end = words[i].start, words[last].end
        found.append(Fact(FactKind.TITLE, start, end, sentence[start:end], 0.5, i, last))
        i = last + 1
    return found


# -- places --------------------------------------------------------------------------------

_PLACE_CUES = _phrases("tại|ở|từ|ngay tại|trên địa bàn|trên|đến")
VENUES = _phrases(
    "hội trường|trung tâm|khách sạn|nhà hát|sân vận động|sân|chùa|đền|thư viện|cung|phố|đường|"
    "số|khu|ký túc xá|trụ sở|nhà văn hóa|công viên|vườn hoa|quảng trường|bảo tàng|trường|bến|"
    "cảng|sân bay|khu công nghiệp|huyện|tỉnh|xã|phường|quận|thành phố|tp|thị xã|thị trấn|nhà|"
    "hồ|núi|đảo|làng|thôn|ấp|tòa nhà|văn phòng|phòng họp|hội quán|đình|khu di tích|di tích|"
    "nhà thi đấu|cụm|các cụm|bệnh viện|chợ|siêu thị|tòa|khu vực|vùng|nước|thủ đô"
)
# What follows "tại" without being a place: the event itself, or a pointer.
_NOT_PLACES = _phrases(
    "đây|đó|chỗ|buổi|hội nghị|hội thảo|lễ|cuộc|phiên|chương trình|sự kiện|kỳ họp|diễn đàn|"
    "cuộc họp|văn bản|quyết định|công văn|thông báo|kế hoạch|điều|khoản|mục|phần|thời điểm|"
    "mức|các|những|nhiều|một|mỗi|giai đoạn|lần|vòng|đợt|trang|website|cổng|mạng|hệ thống"
)
# Where a place phrase ends.
_PLACE_STOPS = _phrases(
    "vào|với|nhằm|để|do|cho|từ|ngày|sáng|chiều|tối|trưa|đêm|hôm|lúc|khi|trong|đã|sẽ|đang|"
    "có|là|được|bị|thu hút|tổ chức|diễn ra|nhân dịp|theo|của|thì|mà|nên|cùng|gồm|qua|trước|sau"
)
_MAX_PLACE_WORDS = 10


def places(sentence: str, words: list[Word] | None = None, entities: bool = True) -> list[Fact]:
    """Places: "tại / ở" + a venue or a proper noun, street addresses; with `entities`,
    underthesea's locations confirm them and add the venues it tags ("Nhà hát Trưng Vương")."""
    words = words if words is not None else words_of(sentence)
    found: list[Fact] = []
    for i in range(len(words)):
        cue = _starts_with(words, i, _PLACE_CUES)
        if cue:
            fact = _place_after(sentence, words, i + cue, cued=True)
            if fact is not None:
                found.append(fact)
    if not (entities and sentence):
        return found
    tagged = [e for e in named_entities(sentence) if e.label == "LOC"]
    found = [_confirmed(fact, tagged) for fact in found]
    taken = {(f.first, f.last) for f in found}
    for entity in tagged:
        fact = _tagged_place(sentence, words, entity)
        if fact is not None and not any(a <= fact.first <= b for a, b in taken):
            found.append(fact)
    return found


def _place_after(sentence: str, words: list[Word], first: int, *, cued: bool) -> Fact | None:
    if first >= len(words) or not (words[first].is_word or words[first].is_number):
        return None
    determiner = words[first].lower in ("các", "những") and _starts_with(words, first + 1, VENUES)
    if not determiner and _starts_with(words, first, _NOT_PLACES):
        return None
    venue = _starts_with(words, first + determiner, VENUES)
    proper = words[first].capitalised or words[first].is_acronym
    address = words[first].is_number and first + 1 < len(words) and words[first + 1].capitalised
    if not (venue or proper or address):
        return None
    last = first
    k = first + 1
    while k < len(words) and k - first < _MAX_PLACE_WORDS:
        word = words[k]
        if not (word.is_word or word.is_number) or _starts_with(words, k, _PLACE_STOPS):
            break
        if not _adjacent(words[k - 1], word):
            break
        last = k
        k += 1
    if (
        venue
        and not proper
        and not any(w.capitalised or w.is_number for w in words[first + venue : last + 1])
    ):
        strength = 0.45  # "tại các cụm quận, huyện": a venue word without a name
    else:
        strength = 0.6 + 0.1 * cued
    start, end = words[first].start, words[last].end
    return Fact(FactKind.PLACE, start, end, sentence[start:end], strength, first, last)


def _tagged_place(sentence: str, words: list[Word], entity: Entity) -> Fact | None:
    inside = [k for k, w in enumerate(words) if entity.start <= w.start and w.end <= entity.end]
    if not inside:
        return None
    first, last = inside[0], inside[-1]
    if not (_starts_with(words, first, VENUES) or words[first].capitalised):
        return None
    if _starts_with(words, first, TITLE_HEADS) or words[first].lower in ("ubnd", "sở", "bộ"):
        return None
    start, end = words[first].start, words[last].end
    return Fact(FactKind.PLACE, start, end, sentence[start:end], 0.45, first, last)


# -- dates ---------------------------------------------------------------------------------

_STRENGTH = {
    DateKind.FULL: 0.8,
    DateKind.DAY_MONTH: 0.8,
    DateKind.RANGE: 0.8,
    DateKind.MONTH: 0.45,
}  # a year alone ("năm 2019") does not say when an event was
# "Ngày 24-4, ông X cho biết ...": the day the news was told, not the day of the event.
_REPORTED = re.compile(r"\b(?:cho biết|cho hay|thông tin|xác nhận|khẳng định|thông báo)\b")
_TIME = re.compile(r"(?:(?:khoảng|lúc|vào)\s+)?\d{1,2}\s*(?:h|giờ)\s*\d{0,2}(?:\s*phút)?", re.I)


_BARE_DAY = re.compile(r"(?<![\d/.\-])(\d{1,2})[/\-](\d{1,2})(?![\d]|[/.\-]\d)")
_NOT_DAYS_BEFORE = _phrases("phố|số|đường|quốc lộ|khoản|điều|mẫu|ql|tỉnh lộ|hạng|tỷ số|tỉ số")


def _day_of(match: re.Match[str], published: date) -> date | None:
    try:
        day = date(published.year, int(match[2]), int(match[1]))
    except ValueError:
        return None
    return day


def dates(sentence: str, published: date, words: list[Word] | None = None) -> list[Fact]:
    """Dates of events (not anniversaries' ranges nor cited documents' dates), then bare
    "31/5" the date reader left alone, then times of day ("khoảng 19h")."""
    words = words if words is not None else words_of(sentence)
    found: list[Fact] = []
    seen: list[tuple[int, int]] = []  # every date read, kept or not
    for mention in event_dates(sentence, published):
        if mention.span is None:
            continue
        seen.append(mention.span)
        strength = _STRENGTH.get(mention.kind)
        if strength is None:
            continue  # an anniversary range, a document's date, a year alone
        start, end = mention.span
        if _REPORTED.search(sentence, end) and start < 20:
            strength /= 2
        fact = _span_fact(FactKind.DATE, sentence, words, start, end, strength, mention.start)
        if fact is not None:
            found.append(fact)
    for match in _BARE_DAY.finditer(sentence):
        if any(a <= match.start() < b for a, b in seen):
            continue
        day = _day_of(match, published)
        fact = _span_fact(FactKind.DATE, sentence, words, match.start(), match.end(), 0.6, day)
        if (
            fact is not None
            and day is not None
            and not _ends_with(words, fact.first, _NOT_DAYS_BEFORE)
        ):
            found.append(fact)
            seen.append((match.start(), match.end()))
    for match in _TIME.finditer(sentence):
        if not any(a <= match.start() < b for a, b in seen):
            fact = _span_fact(FactKind.DATE, sentence, words, match.start(), match.end(), 0.35)
            if fact is not None:
                found.append(fact)
    return found


# -- quantities ----------------------------------------------------------------------------

_SCALES = frozenset(["nghìn", "ngàn", "triệu", "tỷ", "tỉ", "vạn"])
_NOT_COUNTS_BEFORE = _phrases(
    "thứ|lần|lần thứ|khóa|số|năm|ngày|tháng|quý|giai đoạn|điều|khoản|phòng|kỳ|đợt|mục|"
    "chương|quyết định|nghị định|thông tư|lúc|khoảng thời gian|tuổi|top|hạng|phiên bản|"
    "đường|phố|km|quốc lộ|tỉnh lộ|ql|lô|ô|tầng|phần|cấp"
)
_UNIT_STOPS = _word_set(
    "và , . ; : ( ) của cho tại ở với trong trên từ đến là được đã sẽ thì mà do bằng so "
    "tương gần hơn dưới mỗi này đó khi nếu vào theo"
)
_CURRENCIES = frozenset(["usd", "vnd", "eur", "euro", "yen"])
PERSON_NOUNS = frozenset(
    fold(w)
    for w in _word_set(
        "người|ông|bà|học viên|sinh viên|học sinh|thí sinh|đại biểu|cổ đông|bệnh nhân|công nhân|"
        "lao động|ông đồ|cán bộ|chiến sĩ|khách|du khách|hộ|gia đình|nạn nhân|giáo viên|em|cháu|"
        "thành viên|vận động viên|doanh nhân|nghệ nhân|tác giả|đối tượng|bị cáo|phóng viên",
        "|",
    )
)  # folded: compared with the words of a question
MONEY = frozenset(
    ["dong", "usd", "euro", "vnd", "yen", "bang", "nhan dan te", "ty dong", "trieu dong"]
)


def quantities(sentence: str, words: list[Word] | None = None) -> list[Fact]:
    """Numbers that count or measure something, with the words of their unit."""
    words = words if words is not None else words_of(sentence)
    found = []
    for i, word in enumerate(words):
        if not word.is_number or "/" in word.text or _is_year(word, words, i):
            continue
        if _ends_with(words, i, _NOT_COUNTS_BEFORE):
            continue
        if i + 1 < len(words) and words[i + 1].text in "/-" and _adjacent(word, words[i + 1]):
            continue  # a code or a range's first half: "12/2019", "2017-2018"
        last = i
        while last + 1 < len(words) and words[last + 1].lower in _SCALES:
            last += 1
        unit = _unit_after(words, last + 1)
        if word.text.endswith("%"):
            unit = ("%",)
        elif unit[:2] == ("phan", "tram"):
            unit = ("%", *unit[2:])
        strength = 0.8 if unit else 0.3
        end_word = i if word.text.endswith("%") else last + len(_unit_words(words, last + 1))
        start, end = word.start, words[end_word].end
        scale = tuple(w.folded for w in words[i + 1 : last + 1])
        found.append(
            Fact(
                FactKind.QUANTITY, start, end, sentence[start:end], strength, i, end_word,
                unit=scale + unit,
            )
        )  # fmt: skip
    return found


def _is_year(word: Word, words: list[Word], i: int) -> bool:
    value = word.text.replace(".", "").replace(",", "")
    return len(value) == 4 and value.isdigit() and 1900 <= int(value) <= 2100 and word.text == value


def _unit_words(words: list[Word], first: int) -> list[Word]:
    unit: list[Word] = []
    k = first
    while k < len(words) and len(unit) < 4:
        word = words[k]
        if word.lower in _UNIT_STOPS or not word.is_word:
            break
        if (word.capitalised or word.is_acronym) and word.lower not in _CURRENCIES and unit:
            break
        unit.append(word)
        k += 1
    return unit


def _unit_after(words: list[Word], first: int) -> tuple[str, ...]:
    return tuple(w.folded for w in _unit_words(words, first))


def _span_fact(
    kind: FactKind,
    sentence: str,
    words: list[Word],
    start: int,
    end: int,
    strength: float,
    day: date | None = None,
) -> Fact | None:
    """A fact over the characters [start, end), with the words it covers; None without any."""
    inside = [k for k, w in enumerate(words) if w.end > start and w.start < end]
    if not inside:
        return None
    return Fact(kind, start, end, sentence[start:end], strength, inside[0], inside[-1], day=day)


def _confirmed(fact: Fact, tagged: list[Entity]) -> Fact:
    """The fact, surer when a tagged entity overlaps it."""
    if not any(e.start < fact.end and fact.start < e.end for e in tagged):
        return fact
    return replace(fact, strength=min(1.0, round(fact.strength + 0.2, 2)))
