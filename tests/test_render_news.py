"""News messages fit Telegram whatever the articles hold: within 4,096 UTF-16 units, valid HTML,
never empty; one message per article, several grouped, a digest in parts (Zalo, channels) or
in pages of one message (Telegram chats, with buttons)."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.render import HTML, TELEGRAM_LIMIT, utf16_length
from bot.render.news import (
    digest_page_count,
    render_digest,
    render_digest_page,
    render_news_group,
    render_news_item,
)
from index import NewsItem
from index.search.snippets import Snippet
from index.text.dates import VIETNAM

from .fakebotapi import parse_html
from .test_telegram_limits import LIMITS, LONG_TEXT, TITLE, URL, snippets

WHEN = datetime(2026, 11, 29, 8, 0, tzinfo=VIETNAM)


@st.composite
def items(draw: st.DrawFn) -> NewsItem:
    return NewsItem(
        article_id=draw(st.integers(1, 10**9)),
        title=draw(TITLE),
        url=draw(URL),
        published_at=WHEN,
        source=draw(TITLE),
        snippet=draw(snippets()),
        because=draw(st.one_of(st.none(), LONG_TEXT)),
        subscription_id=draw(st.one_of(st.none(), st.integers(1, 10**6))),
    )


def _fits(message: str) -> None:
    assert message and utf16_length(message) <= TELEGRAM_LIMIT
    parse_html(message)  # raises on invalid markup, as Telegram refuses it


@LIMITS
@given(items(), st.booleans())
def test_one_news_message_fits(item: NewsItem, channel: bool) -> None:
    _fits(render_news_item(item, HTML, channel_post=channel))


@LIMITS
@given(st.lists(items(), min_size=4, max_size=12), st.booleans())
def test_grouped_news_and_digests_fit(found: list[NewsItem], weekly: bool) -> None:
    for message in render_news_group(found, HTML) + render_digest(found, weekly, HTML):
        _fits(message)


@LIMITS
@given(st.lists(items(), min_size=1, max_size=25), st.booleans())
def test_every_page_of_a_digest_fits(found: list[NewsItem], weekly: bool) -> None:
    for page in range(digest_page_count(found)):
        _fits(render_digest_page(found, weekly, HTML, page))


def _news(number: int, because: str | None, *, title: str | None = None) -> NewsItem:
    return NewsItem(
        article_id=number,
        title=title or f"Bài số {number} về {because}",
        url=f"https://so.gov.vn/tin/{number}",
        published_at=WHEN,
        source="Sở Thông tin",
        snippet=Snippet(""),
        because=because,
        subscription_id=1 if because else None,
    )


def test_a_long_digest_is_paged_by_subscription_newest_first() -> None:
    found = [_news(n, "an toàn <thông tin>" if n % 3 == 2 else "chuyển đổi số") for n in range(25)]
    assert digest_page_count(found) == 3
    first, second, third = (render_digest_page(found, False, HTML, p) for p in range(3))
    assert first.startswith("🗞 <b>Bản tin hằng ngày</b> – 25 bài mới:\n📄 Trang 1/3\n")
    assert "📄 Trang 2/3" in second and "📄 Trang 3/3" in third
    # The first subscription's 17 articles, in the order given (newest first), then the other's.
    ours = [n for n in range(25) if n % 3 != 2]
    assert [f"Bài số {n} " in first for n in ours[:10]] == [True] * 10
    assert f'1. <a href="https://so.gov.vn/tin/{ours[0]}">' in first
    assert f'11. <a href="https://so.gov.vn/tin/{ours[10]}">' in second
    assert f"Bài số {ours[9]} " not in second and f"Bài số {ours[10]} " not in first
    assert "an toàn &lt;thông tin&gt;" in second and "an toàn <thông" not in second
    assert second.count("🔔") == 2  # the subscription continued, then the next one
    assert "🔔 <b>an toàn &lt;thông tin&gt;</b>" in third  # named again on its next page
    for page in (first, second, third):
        _fits(page)


def test_a_short_digest_is_one_page_without_a_page_line() -> None:
    found = [_news(n, "chuyển đổi số") for n in range(3)]
    assert digest_page_count(found) == 1
    text = render_digest_page(found, True, HTML)
    assert text.startswith("🗞 <b>Bản tin hằng tuần</b> – 3 bài mới:\n")
    assert "Trang" not in text and text.count("🔔") == 1


def test_articles_without_a_subscription_are_named_as_other_news() -> None:
    found = [_news(1, "chuyển đổi số"), _news(2, None)]
    text = render_digest_page(found, False, HTML)
    assert text.index("🔔 <b>chuyển đổi số</b>") < text.index("📌 <b>Tin khác</b>")
    assert "📌" not in render_digest_page([_news(2, None)], False, HTML)


def test_a_page_of_emoji_titles_is_shortened_not_cut() -> None:
    found = [_news(n, "😀" * 60, title="😀" * 300) for n in range(10)]
    text = render_digest_page(found, False, HTML)
    _fits(text)
    assert text.count("https://so.gov.vn/tin/") == 10  # every article kept, titles shorter
