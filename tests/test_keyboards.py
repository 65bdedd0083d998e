from datetime import datetime

import pytest

from bot.callbacks import (
    CALLBACK_DATA_LIMIT,
    CATEGORIES,
    CATEGORY,
    LATEST,
    SEARCH,
    PageRef,
    ReadRef,
    decode,
    short_key,
)
from bot.keyboards import MAX_CATEGORY_BUTTONS, categories_keyboard, listing_keyboard
from index import CategoryCount, SearchHit, SearchPage, Snippet
from index.text.dates import VIETNAM


def _page(offset: int, total: int, ids: range | None = None) -> SearchPage:
    ids = ids or range(offset + 1, min(total, offset + 5) + 1)
    hits = tuple(
        SearchHit(
            i, f"Bài {i}", None, datetime(2020, 1, 1, tzinfo=VIETNAM), None, "s", 1.0, Snippet("")
        )
        for i in ids
    )
    return SearchPage("phố sách", total, offset, 5, hits)


def _rows(markup) -> list[list[tuple[str, str]]]:
    return [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]


def test_results_have_a_read_button_per_article_and_paging() -> None:
    key = short_key("phố sách")
    rows = _rows(listing_keyboard(_page(5, 23), SEARCH, key))
    assert rows[:5] == [[(f"📖 Đọc toàn văn bài {n}", f"d:{n}")] for n in range(6, 11)]
    assert rows[5] == [("◀ Trước", f"s:{key}:0"), ("2/5", "x"), ("Sau ▶", f"s:{key}:2")]


@pytest.mark.parametrize(
    ("offset", "total", "labels"),
    [(0, 23, ["1/5", "Sau ▶"]), (20, 23, ["◀ Trước", "5/5"]), (0, 5, None), (0, 0, None)],
)
def test_paging_shows_only_the_buttons_that_lead_somewhere(
    offset: int, total: int, labels: list[str] | None
) -> None:
    markup = listing_keyboard(_page(offset, total), LATEST)
    navigation = [r for r in _rows(markup) if not r[0][0].startswith("📖")] if markup else []
    assert ([label for label, _ in navigation[0]] if navigation else None) == labels


def test_a_category_listing_leads_back_to_the_categories() -> None:
    rows = _rows(listing_keyboard(_page(0, 12), CATEGORY, short_key("Phố sách hà nội")))
    assert rows[-1] == [("◀ Các chuyên mục", CATEGORIES)]
    assert decode(rows[-2][-1][1]) == PageRef(CATEGORY, short_key("Phố sách hà nội"), 1)


def test_every_button_fits_telegrams_limits() -> None:
    huge = _page(999_999_990, 999_999_999, range(2**62, 2**62 + 5))
    categories = [CategoryCount("Chuyên mục " + "rất dài " * 30 + str(i), i) for i in range(60)]
    markups = [
        listing_keyboard(huge, SEARCH, short_key("q" * 4096)),
        categories_keyboard(categories),
    ]
    data = [b.callback_data for m in markups for row in m.inline_keyboard for b in row]
    assert all(1 <= len(d.encode()) <= CALLBACK_DATA_LIMIT for d in data)
    assert decode(data[0]) == ReadRef(2**62)


def test_categories_are_buttons_with_counts_largest_first_and_capped() -> None:
    categories = [
        CategoryCount(f"Chuyên mục {i}", 100 - i) for i in range(MAX_CATEGORY_BUTTONS + 5)
    ]
    rows = _rows(categories_keyboard(categories))
    assert len(rows) == MAX_CATEGORY_BUTTONS
    assert rows[0] == [("Chuyên mục 0 (100)", f"c:{short_key('Chuyên mục 0')}:0")]
    assert categories_keyboard([]) is None
