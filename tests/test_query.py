from datetime import datetime

import pytest

from index import QueryDictionary
from index.search.query import QueryParser
from index.text.dates import VIETNAM

from .conftest import ROOT

NOW = datetime(2026, 11, 28, 10, 30, tzinfo=VIETNAM)  # a Saturday
parser = QueryParser(
    QueryDictionary.load(ROOT / "data" / "dictionary.txt"),
    ["Công nghệ thông tin", "Phố sách hà nội", "Kế hoạch", "số hóa truyền dẫn"],
    clock=lambda: NOW,
)


def _day(year: int, month: int, day: int, end: bool = False) -> datetime:
    if end:
        return datetime(year, month, day, 23, 59, 59, 999999, tzinfo=VIETNAM)
    return datetime(year, month, day, tzinfo=VIETNAM)


@pytest.mark.parametrize(
    ("question", "text", "since", "until"),
    [
        ("hội thảo tháng 5/2019", "hội thảo", _day(2019, 5, 1), _day(2019, 5, 31, True)),
        ("hoi thao thang 5/2019", "hoi thao", _day(2019, 5, 1), _day(2019, 5, 31, True)),
        ("phố sách năm 2018", "phố sách", _day(2018, 1, 1), _day(2018, 12, 31, True)),
        (
            "từ 01/05/2019 đến 30/06/2019 hội thảo",
            "hội thảo",
            _day(2019, 5, 1),
            _day(2019, 6, 30, True),
        ),
        ("hội nghị quý II/2020", "hội nghị", _day(2020, 4, 1), _day(2020, 6, 30, True)),
        ("tin tuần này", "tin", _day(2026, 11, 23), None),
        ("tin tháng trước", "tin", _day(2026, 10, 1), _day(2026, 10, 31, True)),
        ("hôm qua có gì", "có gì", _day(2026, 11, 27), _day(2026, 11, 27, True)),
        ("hội thảo gần đây", "hội thảo", _day(2026, 10, 29), None),
        ("tháng 12 hội sách", "hội sách", _day(2025, 12, 1), _day(2025, 12, 31, True)),
    ],
)
def test_time_in_plain_words_is_read(
    question: str, text: str, since: datetime, until: datetime | None
) -> None:
    parsed = parser.parse(question)
    assert parsed.text == text
    assert parsed.time is not None
    assert (parsed.time.since, parsed.time.until) == (since, until)


@pytest.mark.parametrize(
    ("question", "preference"),
    [
        ("hội thảo tháng 5/2019", True),  # a month, a quarter or a year named: preferred
        ("phố sách năm 2018", True),
        ("hội nghị quý II/2020", True),
        ("bài đăng trong tháng 5/2019 về hội thảo", False),  # said published: a filter
        ("từ 01/05/2019 đến 30/06/2019 hội thảo", False),  # a range: a filter
        ("tin tuần này", False),
        ("hội thảo gần đây", False),
    ],
)
def test_a_period_named_is_a_preference_unless_said_published(
    question: str, preference: bool
) -> None:
    parsed = parser.parse(question)
    assert parsed.time is not None and parsed.time.preference is preference


@pytest.mark.parametrize(
    "question",
    [
        "Theo Bộ luật Hình sự năm 2017 người từ đủ bao nhiêu tuổi",
        "kế hoạch năm 2020",
        "quyết toán ngân sách năm 2018",  # regression: a budget year is its topic
        "dự toán năm 2020",
        "chuyển đổi số định hướng đến năm 2030",
        "khu công nghệ cao đến năm 2020",
        "Việt Nam 2019",
        "ngày 31/5/2019",  # a date is a search term: an event's day is not its article's
        "Nam 2019",  # typed with a capital and no diacritics: ambiguous, kept as text
    ],
)
def test_years_that_name_something_stay_text(question: str) -> None:
    parsed = parser.parse(question)
    assert parsed.time is None or parsed.time.topic or question == "Nam 2019"
    if question != "Nam 2019":
        assert parsed.text == question


def test_a_category_named_as_such_becomes_a_filter() -> None:
    parsed = parser.parse("chuyên mục công nghệ thông tin IPv6")
    assert (parsed.category, parsed.text) == ("Công nghệ thông tin", "IPv6")


def test_a_question_that_is_a_category_name_is_a_topic() -> None:
    parsed = parser.parse("số hóa truyền dẫn")  # regression: it listed only that category
    assert (parsed.category, parsed.text) == (None, "số hóa truyền dẫn")


def test_a_category_word_inside_a_question_stays_text() -> None:
    parsed = parser.parse("hướng dẫn xây dựng kế hoạch ứng dụng CNTT")
    assert parsed.category is None and "kế hoạch" in parsed.text


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Hội thảo tổ chức ở đâu?", "where"),
        ("phố sách khai trương khi nào", "when"),
        ("ai là giám đốc sở", "who"),
        ("bao nhiêu số điện thoại bị chặn", "how_many"),
        ("pho sach khai truong khi nao", "when"),
        ("may tinh", None),
        ("chuyển đổi số", None),
    ],
)
def test_intent(question: str, intent: str | None) -> None:
    assert parser.parse(question).intent == intent


def test_question_words_and_synonyms_are_found() -> None:
    parsed = parser.parse("cho tôi hỏi UBND thành phố là gì")
    assert parsed.fillers == "cho tôi hỏi là gì"
    assert "ủy ban nhân dân" in parsed.expansions
    assert parsed.text == "cho tôi hỏi UBND thành phố là gì"  # scored lightly, not removed


@pytest.mark.parametrize(
    ("question", "since", "until"),
    [
        ("phố sách trước ngày 14/05/2019", None, datetime(2019, 5, 13, 23, 59, 59, 999999)),
        ("pho sach sau ngay 01/06/2019", datetime(2019, 6, 2), None),
    ],
)
def test_a_period_bounded_on_one_side(
    question: str, since: datetime | None, until: datetime | None
) -> None:
    parsed = QueryParser().parse(question)
    assert parsed.text.strip() in ("phố sách", "pho sach") and parsed.time is not None
    assert parsed.time.since == (since.replace(tzinfo=VIETNAM) if since else None)
    assert parsed.time.until == (until.replace(tzinfo=VIETNAM) if until else None)
