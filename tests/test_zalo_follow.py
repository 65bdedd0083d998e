"""Following topics on Zalo end to end: the real `python bot.py run` serving Zalo alone against
the fake Zalo Bot API, citizens typing "theo dõi …", articles ingested by another process
(`python bot.py ingest`), news in plain text within the minute, never twice across a restart;
unsubscribing by words; a chat that blocked the bot paused."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import texts
from bot.conversation import Reply, Said, Say, Subscriptions
from bot.zalo import ZALO_LIMIT, render_reply
from bot.zalo.news import render_news
from index import Archive, DeliveryMode, NewsDesk, NewsItem, Snippet, SubscriptionView

from .fakebotapi import FakeBotAPI
from .fakezaloapi import FakeZaloAPI
from .test_bot_subscriptions import FRESH_TITLE, ingest_elsewhere, news_file, news_for
from .test_zalo_run import BotProcess, _assert_plain, _environment, _zalo_settings

FAST = {"NEWS_CHECK_SECONDS": "0.3", "QUIET_HOURS": "00:00-00:00"}  # no quiet hours


class ZaloRun:
    """A fake Zalo server and `python bot.py run` on it (Zalo only), restartable."""

    def __init__(self, database: str, folder: Path) -> None:
        self.api = FakeZaloAPI().start()
        self.database = database
        self.folder = folder
        self.runs = 0
        self.process: BotProcess | None = None

    def start(self) -> ZaloRun:
        self.runs += 1
        log = self.folder / f"bot-{self.runs}.log"
        settings = _zalo_settings(self.api, self.database, **FAST)
        self.process = BotProcess(log, _environment(**settings))
        self.api.wait_polling()
        return self

    def stop(self) -> None:
        assert self.process is not None
        assert self.process.stop() == 0, self.process.output
        assert "Traceback" not in self.process.output, self.process.output
        self.process = None
        self.api.run(lambda: setattr(self.api, "polls", 0))

    def close(self) -> None:
        if self.process is not None:
            self.process.kill()
        self.api.stop()

    def ask(self, user: dict[str, Any], text: str) -> list[str]:
        answer = self.api.wait_answer(self.api.send_text(user, text))
        for message in answer:
            _assert_plain(message)
        assert not self.api.rejections, self.api.rejections
        return answer

    def news_to(self, user: dict[str, Any]) -> list[str]:
        return _zalo_news(self.api, user)


@pytest.fixture
def zalo_run(bot_db: str, tmp_path: Path) -> Iterator[ZaloRun]:
    running = ZaloRun(bot_db, tmp_path)
    try:
        yield running.start()
        if running.process is not None:
            running.stop()
    finally:
        running.close()


def _zalo_news(api: FakeZaloAPI, user: dict[str, Any]) -> list[str]:
    return [m for m in api.said_to(user) if m.startswith(("🔔 Tin mới", "🗞"))]


def _user(number: int) -> dict[str, Any]:
    return FakeZaloAPI.user(f"f{number:04d}a1b2c3d4e5f6a7b8", "Trần Thị B")


def test_a_zalo_chat_follows_by_typing_and_gets_the_news_once(
    zalo_run: ZaloRun, bot_db: str, tmp_path: Path
) -> None:
    follower, unaccented, other = _user(1), _user(2), _user(3)
    confirmed = zalo_run.ask(follower, "theo dõi chuyển đổi số")
    assert confirmed[0].startswith("✅ Đã theo dõi “chuyển đổi số”")
    assert confirmed[-1].endswith("“bỏ theo dõi 1” để thôi theo dõi “chuyển đổi số”.")
    assert zalo_run.ask(unaccented, "theo doi chuyen doi so")[0].startswith("✅")
    assert zalo_run.ask(other, "theo dõi phố sách")[0].startswith("✅")
    listed = "\n".join(zalo_run.ask(follower, "theo dõi"))
    assert "1. chuyển đổi số" in listed and texts.FOLLOWING_HINT_WORDS in listed

    started = time.monotonic()
    ingest_elsewhere(news_file(tmp_path), bot_db)
    for user, label in ((follower, "chuyển đổi số"), (unaccented, "chuyen doi so")):
        (pushed,) = zalo_run.api.wait_for(lambda u=user: zalo_run.news_to(u), 60, "news")
        _assert_plain(pushed)
        assert pushed.startswith("🔔 Tin mới\n" + FRESH_TITLE)
        assert "\n   https://so.gov.vn/moi/news.jsonl/1" in pushed  # the link on its own line
        assert f"Vì bạn theo dõi: {label}" in pushed
        assert pushed.endswith(texts.NEWS_UNFOLLOW_WORDS.format(number=1, label=label))
    assert time.monotonic() - started < 60
    time.sleep(1.5)
    assert zalo_run.news_to(other) == []  # phố sách: nothing new

    zalo_run.stop()
    zalo_run.start()
    ingest_elsewhere(news_file(tmp_path), bot_db)  # the same file again, after a restart
    ingest_elsewhere(news_file(tmp_path, "old.jsonl", days_ago=400), bot_db)  # the archive
    time.sleep(2.5)
    assert len(zalo_run.news_to(follower)) == 1
    assert len(zalo_run.news_to(unaccented)) == 1
    assert not zalo_run.api.rejections

    assert zalo_run.ask(follower, "bỏ theo dõi 1") == ["✅ Đã bỏ theo dõi “chuyển đổi số”."]
    assert zalo_run.ask(follower, "theo dõi") == [texts.FOLLOWING_NONE_WORDS]
    more = news_file(tmp_path, "more.jsonl", title="Tỉnh ra mắt nền tảng chuyển đổi số mới")
    ingest_elsewhere(more, bot_db)
    zalo_run.api.wait_for(lambda: len(zalo_run.news_to(unaccented)) >= 2, 60, "more news")
    assert len(zalo_run.news_to(follower)) == 1  # unfollowed: nothing more


def test_unfollowing_by_words_and_by_command(zalo_run: ZaloRun) -> None:
    user = _user(4)
    zalo_run.ask(user, "/theodoi học bổng")
    zalo_run.ask(user, "theo dõi an toàn thông tin")
    assert zalo_run.ask(user, "bỏ theo dõi 7") == [texts.UNFOLLOW_UNKNOWN_WORDS.format(number="7")]
    how = zalo_run.ask(user, "bỏ theo dõi")
    assert "1. học bổng" in how[0] and how[-1].endswith(texts.UNFOLLOW_HOW_WORDS)
    assert zalo_run.ask(user, "/huytheodoi tất cả") == [texts.UNFOLLOWED_ALL.format(count=2)]
    refused = zalo_run.ask(user, "theo dõi tin hôm nay")
    assert refused[0].startswith("Bot chưa thấy chủ đề")


def test_results_offer_following_as_words(zalo_run: ZaloRun) -> None:
    user = _user(5)
    answer = zalo_run.ask(user, "phố sách")
    assert answer[-1].endswith("“theo dõi phố sách” để nhận tin mới về chủ đề này.")
    category = zalo_run.ask(user, "chuyên mục Công nghệ thông tin")
    assert "“theo dõi chuyên mục Công nghệ thông tin”" in category[-1]


def test_a_zalo_chat_that_blocked_the_bot_is_paused(
    zalo_run: ZaloRun, bot_db: str, tmp_path: Path
) -> None:
    user = _user(6)
    zalo_run.ask(user, "theo dõi chuyển đổi số")
    zalo_run.api.block(user)
    ingest_elsewhere(news_file(tmp_path), bot_db)

    def paused() -> bool:
        archive = Archive.open(bot_db)
        try:
            found = NewsDesk(archive).subscriber("zalo", user["id"])
        finally:
            archive.close()
        return found is not None and found.paused

    zalo_run.api.wait_for(paused, 60, "the chat to be paused")
    tried = len(zalo_run.api.rejections)
    time.sleep(1.5)
    assert len(zalo_run.api.rejections) == tried  # not retried


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=3000)


@st.composite
def news_items(draw: st.DrawFn) -> list[NewsItem]:
    count = draw(st.integers(1, 8))
    return [
        NewsItem(
            article_id=n,
            title=draw(_text.filter(str.strip)),
            url=draw(
                st.none() | st.text(min_size=1, max_size=1500).map(lambda s: "https://x/" + s)
            ),
            published_at=datetime(2026, 1, 1 + n, tzinfo=UTC),
            source=draw(_text.map(lambda s: s[:100])),
            snippet=Snippet(draw(_text)),
            because=draw(st.none() | _text.map(lambda s: s[:200])),
            subscription_id=n,
        )
        for n in range(1, count + 1)
    ]


@settings(max_examples=120, deadline=None)
@given(news_items(), st.sampled_from(list(DeliveryMode)))
def test_every_news_message_on_zalo_is_within_2000_characters(
    items: list[NewsItem], mode: DeliveryMode
) -> None:
    labels = {item.article_id: (item.article_id, item.because or "x" * 200) for item in items}
    messages = render_news(items, mode, labels)
    assert messages
    for message in messages:
        assert 1 <= len(message) <= ZALO_LIMIT, len(message)
        assert not message.startswith(("🔔 <b>", "🗞 <b>"))  # no markup of our own


@settings(max_examples=60, deadline=None)
@given(st.lists(_text.map(lambda s: s[:200]).filter(str.strip), min_size=0, max_size=20))
def test_every_subscription_list_on_zalo_is_within_2000_characters(queries: list[str]) -> None:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    views = tuple(
        SubscriptionView(n, "zalo", "chat", query, None, moment)
        for n, query in enumerate(queries, start=1)
    )
    reply = Reply((Subscriptions(views), Say(Said.UNFOLLOW_HOW)))
    for message in render_reply(reply):
        assert 1 <= len(message) <= ZALO_LIMIT


def test_both_channels_in_one_process_each_get_their_own_news(
    fake_api: FakeBotAPI, bot_db: str, tmp_path: Path
) -> None:
    """Telegram and Zalo served by one process: each chat's news comes on its own channel
    (each channel claims only its own deliveries), once."""
    api = FakeZaloAPI().start()
    settings = _zalo_settings(
        api, bot_db, TELEGRAM_BOT_TOKEN=fake_api.token, TELEGRAM_API_BASE_URL=fake_api.base_url,
        **FAST,
    )  # fmt: skip
    running = BotProcess(tmp_path / "bot.log", _environment(**settings))
    try:
        api.wait_polling()
        telegram_user, zalo_user = FakeBotAPI.user(3001, "Chi"), _user(7)
        asked = fake_api.send_text(telegram_user, "theo dõi chuyển đổi số")
        assert fake_api.wait_reply(asked, timeout=90)[0]["text"].startswith("✅")
        assert api.wait_answer(api.send_text(zalo_user, "theo dõi chuyển đổi số"))[0].startswith(
            "✅"
        )
        ingest_elsewhere(news_file(tmp_path), bot_db)
        (zalo,) = api.wait_for(lambda: _zalo_news(api, zalo_user), 60, "Zalo news")
        assert FRESH_TITLE in zalo and "<b>" not in zalo
        (telegram,) = fake_api.wait_for(lambda: news_for(fake_api, telegram_user["id"]), 60)
        assert FRESH_TITLE in telegram["text"]
        time.sleep(1.5)
        assert len(news_for(fake_api, telegram_user["id"])) == 1
        assert len(_zalo_news(api, zalo_user)) == 1
        assert running.stop() == 0, running.output
        assert "Traceback" not in running.output, running.output
        assert not api.rejections
    finally:
        running.kill()
        api.stop()
