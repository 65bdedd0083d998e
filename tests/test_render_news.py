"""News messages fit Telegram whatever the articles hold: within 4,096 UTF-16 units, valid HTML,
never empty; one message per article, several grouped, a digest in pages."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.render import HTML, TELEGRAM_LIMIT, utf16_length
from bot.render.news import render_digest, render_news_group, render_news_item
from index import NewsItem
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
