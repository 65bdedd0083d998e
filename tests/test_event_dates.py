import re
from datetime import date, datetime

import pytest

from index.text.event_dates import AHEAD, DateKind, decode, encode, event_dates, event_match
from index.text.normalize import normalize

from .sample_corpus import sample_articles

PUBLISHED = datetime(2019, 6, 2, 17, 0)


def _found(text: str, published: datetime | date = PUBLISHED) -> list[tuple[str, str, str]]:
    shown = normalize(text)
    return [
        (d.kind.value, f"{d.start}..{d.end}", shown[d.span[0] : d.span[1]])
        for d in event_dates(text, published)
        if d.span
    ]


def test_the_hoa_binh_workshop_happened_in_may_though_published_in_june() -> None:
    seed = next(a for a in sample_articles() if a.body)
    assert seed.published_at is not None and seed.published_at.date() == date(2019, 6, 2)
    dates = event_dates(seed.body, seed.published_at)
    first = dates[0]
    assert (first.kind, first.start) == (DateKind.DAY_MONTH, date(2019, 5, 31))
    assert event_match(dates, date(2019, 5, 1), date(2019, 5, 31)) >= 0.8
    assert event_match(dates, date(2019, 6, 1), date(2019, 6, 30)) < 0.5  # only "năm 2019"


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("Ngày 31/5, tại Hà Nội", PUBLISHED, ("day_month", "2019-05-31..2019-05-31", "Ngày 31/5")),
        (
            "Sáng 28/12, Sở tổ chức",
            date(2020, 1, 5),
            ("day_month", "2019-12-28..2019-12-28", "Sáng 28/12"),
        ),
        (
            "sẽ diễn ra ngày 15/6 tại",
            date(2019, 6, 10),
            ("day_month", "2019-06-15..2019-06-15", "ngày 15/6"),
        ),
        (
            "Sáng 02-10, Hội Sách",
            date(2019, 10, 3),
            ("day_month", "2019-10-02..2019-10-02", "Sáng 02-10"),
        ),
        ("(31/5) tại Hà Nội", PUBLISHED, ("day_month", "2019-05-31..2019-05-31", "(31/5")),
        ("hội thảo ngày 31/5/2019", PUBLISHED, ("full", "2019-05-31..2019-05-31", "31/5/2019")),
        (
            "ngày 31 tháng 5 năm 2019",
            PUBLISHED,
            ("full", "2019-05-31..2019-05-31", "ngày 31 tháng 5 năm 2019"),
        ),
        ("trong tháng 5/2019", PUBLISHED, ("month", "2019-05-01..2019-05-31", "tháng 5/2019")),
        ("tháng 5 năm 2019", PUBLISHED, ("month", "2019-05-01..2019-05-31", "tháng 5 năm 2019")),
        (
            "Trong tháng 5 và tháng 6/2015, Sở",
            PUBLISHED,
            ("month", "2015-05-01..2015-06-30", "tháng 5 và tháng 6/2015"),
        ),
        (
            "(từ ngày 01 đến 15/4/2020)",
            PUBLISHED,
            ("range", "2020-04-01..2020-04-15", "từ ngày 01 đến 15/4/2020"),
        ),
        (
            "diễn ra từ ngày 25/5/2018 đến 03/6/2018",
            PUBLISHED,
            ("range", "2018-05-25..2018-06-03", "25/5/2018 đến 03/6/2018"),
        ),
        (
            "từ 25/5 đến 03/6/2018",
            PUBLISHED,
            ("range", "2018-05-25..2018-06-03", "25/5 đến 03/6/2018"),
        ),
        (
            "(10/10/1954 - 10/10/2019)",
            PUBLISHED,
            ("anniversary", "1954-10-10..2019-10-10", "10/10/1954 - 10/10/2019"),
        ),
        (
            "Chỉ thị số 16/CT-TTg ngày 31/3/2020 của",
            PUBLISHED,
            ("document", "2020-03-31..2020-03-31", "31/3/2020"),
        ),
        (
            "Kế hoạch số 200/KH-UBND ngày 21/7",
            date(2022, 7, 26),
            ("document", "2022-07-21..2022-07-21", "ngày 21/7"),
        ),
        ("năm 2019", PUBLISHED, ("year", "2019-01-01..2019-12-31", "năm 2019")),
    ],
)
def test_dates_as_portals_write_them(
    text: str, published: datetime | date, expected: tuple[str, str, str]
) -> None:
    assert _found(text, published) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "số 12/5 của văn bản",  # a day and month need a cue ("ngày", "sáng"...) or parentheses
        "tỷ lệ 3/4 dân số",
        "giai đoạn 2022-2025",
        "ngày 31/2/2019",  # no such day
        "6 tháng đầu năm",
        "Quyết định 1051/QĐ-UBND",
    ],
)
def test_numbers_that_are_no_dates(text: str) -> None:
    assert _found(text) == []


def test_an_anniversary_counts_for_its_celebration_not_the_decades_between() -> None:
    (anniversary,) = event_dates("kỷ niệm 65 năm (10/10/1954 - 10/10/2019)", PUBLISHED)
    assert anniversary.event_days == (date(2019, 10, 10), date(2019, 10, 10))
    assert event_match([anniversary], date(2019, 10, 1), date(2019, 10, 31)) > 0.5
    assert event_match([anniversary], date(1980, 1, 1), date(1980, 12, 31)) == 0


def test_dates_early_in_the_text_count_more_and_documents_least() -> None:
    text = (
        "Sáng 16/5, Sở họp. "
        + "Nội dung. " * 50
        + "Chiều 20/5, Sở họp tiếp theo Kế hoạch 9/KH-UBND ngày 02/5."
    )
    early, late, document = event_dates(text, PUBLISHED)
    assert early.confidence > late.confidence > document.confidence
    assert document.kind is DateKind.DOCUMENT


def test_stored_dates_come_back() -> None:
    dates = event_dates("Ngày 31/5, (10/10/1954 - 10/10/2019), tháng 5/2019", PUBLISHED)
    line = encode(dates)
    assert line.count(";") == 2 and "/day_month/" in line
    assert [(d.start, d.end, d.kind, d.confidence) for d in decode(line)] == [
        (d.start, d.end, d.kind, d.confidence) for d in dates
    ]
    assert decode("") == []


def test_no_inferred_year_lands_far_after_publication_in_the_sample() -> None:
    for article in sample_articles():
        assert article.published_at is not None
        published = article.published_at.date()
        text = f"{article.title}\n{article.summary}\n{article.body}"
        shown = normalize(text)
        for found in event_dates(text, article.published_at):
            assert found.span is not None
            written = shown[found.span[0] : found.span[1]]
            if not re.search(r"\d{4}", written):  # the year was inferred
                assert found.start <= published + AHEAD, (written, found)
