"""Dates as portals, feeds and JSON dumps write them, read as aware Asia/Ho_Chi_Minh datetimes."""

from datetime import datetime

import pytest

from index.text.dates import VIETNAM, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ngày đăng 20/06/2018 | 4:12 PM", datetime(2018, 6, 20, 16, 12)),
        ("Ngày đăng 20/06/2018 | 4:12 PM \xa0|\xa0View count: 349", datetime(2018, 6, 20, 16, 12)),
        ("21/07/2022 | 10:00 AM", datetime(2022, 7, 21, 10, 0)),
        ("02/06/2019 17:00", datetime(2019, 6, 2, 17, 0)),
        ("Thứ hai, 03/06/2019 - 08:15", datetime(2019, 6, 3, 8, 15)),
        ("Thứ Hai, 03/06/2019, 08:15 (GMT+7)", datetime(2019, 6, 3, 8, 15)),
        ("08:15 | 03/06/2019", datetime(2019, 6, 3, 8, 15)),
        ("03-06-2019", datetime(2019, 6, 3)),
        ("Ngày 03 tháng 6 năm 2019", datetime(2019, 6, 3)),
        ("Wed, 30 Aug 2017 20:03:00 +0700", datetime(2017, 8, 30, 20, 3)),
        ("30 Aug 2017 13:03:00 GMT", datetime(2017, 8, 30, 20, 3)),
        ("2019-06-03T08:15:00+07:00", datetime(2019, 6, 3, 8, 15)),
        ("2019-06-03T01:15:00Z", datetime(2019, 6, 3, 8, 15)),
        ("2019-06-03", datetime(2019, 6, 3)),
        ("Cập nhật: 2019-06-03 08:15", datetime(2019, 6, 3, 8, 15)),
    ],
)
def test_portal_and_feed_formats_are_aware_vietnam_times(text: str, expected: datetime) -> None:
    found = parse_date(text)
    assert found is not None
    assert found == expected.replace(tzinfo=VIETNAM)
    assert found.utcoffset().total_seconds() == 7 * 3600


@pytest.mark.parametrize(
    "text", ["", "Số 15/2020/TT-BTTTT", "31/02/2019", "mã 123-2019-06-03x", "View count: 349"]
)
def test_text_without_a_valid_date_gives_none(text: str) -> None:
    assert parse_date(text) is None
