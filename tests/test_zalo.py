"""The Zalo channel's parts: updates read tolerantly, replies within Zalo's limits (a property
over random articles and questions), the API client against the fake server over HTTP, and the
deliveries that make replies idempotent (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import texts
from bot.conversation import Article, ChatKeys, Conversation, Incoming, Reply
from bot.conversation.types import Channel
from bot.zalo import (
    ZALO_LIMIT,
    ZaloAPI,
    ZaloForbidden,
    ZaloUnauthorized,
    article_pieces,
    article_window,
    parse_update,
    render_reply,
)
from index import Archive, ArticleView

from .fakezaloapi import ZALO_TOKEN, FakeZaloAPI

UPDATE = {
    "event_name": "message.text.received",
    "message": {
        "chat": {"id": "e4ea2cd5189df1c3a88c", "chat_type": "PRIVATE"},
        "text": "Xin chào",
        "message_id": "16f6366b3f02645a3d15",
        "date": 1766619597466,
        "from": {"id": "e4ea2cd5189df1c3a88c", "display_name": "Nguyen Van A"},
    },
}


# -- updates -----------------------------------------------------------------------------------


def test_the_documented_update_is_read() -> None:
    message = parse_update(UPDATE)
    assert (message.chat_id, message.user_id, message.message_id, message.text) == (
        "e4ea2cd5189df1c3a88c", "e4ea2cd5189df1c3a88c", "16f6366b3f02645a3d15", "Xin chào",
    )  # fmt: skip
    assert message.private and message.display_name == "Nguyen Van A"


def test_a_sticker_is_a_message_without_text() -> None:
    sticker = {"event_name": "message.sticker.received", "message": {**UPDATE["message"]}}
    assert parse_update(sticker).text is None


@pytest.mark.parametrize(
    "bad",
    [
        None, [], "x", {}, {"message": "x"}, {"message": {"chat": {}}},
        {"message": {"chat": {"id": "a"}, "message_id": ""}},
        {"message": {"chat": {"id": True}, "message_id": "1"}},
        {"message": {"chat": {"id": "a" * 65}, "message_id": "1"}},
    ],
)  # fmt: skip
def test_what_is_not_an_update_is_one_clear_error(bad: object) -> None:
    with pytest.raises(ValueError, match="^(an update|the update|the message)"):
        parse_update(bad)


# -- replies within Zalo's limits ----------------------------------------------------------------

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=3000)
_paragraphs = st.lists(_text, max_size=12).map("\n".join)


@st.composite
def articles(draw: st.DrawFn) -> ArticleView:
    return ArticleView(
        article_id=draw(st.integers(1, 10**9)),
        title=draw(_text.filter(str.strip)),
        url=draw(st.none() | st.text(min_size=1, max_size=3000).map(lambda s: "https://x/" + s)),
        published_at=datetime(2024, 5, 1, tzinfo=UTC),
        date_estimated=False,
        category=draw(st.none() | _text),
        author=draw(st.none() | _text),
        source="so",
        summary=draw(_text),
        body=draw(_paragraphs | st.text(alphabet="ab ", min_size=5000, max_size=30000)),
    )


@settings(max_examples=150, deadline=None)
@given(articles())
def test_every_article_message_is_within_2000_characters(article: ArticleView) -> None:
    pieces = article_pieces(article)
    assert pieces and all(1 <= len(p) <= ZALO_LIMIT for p in pieces)
    start: int | None = 0
    sent: list[str] = []
    while start is not None:
        window, start = article_window(pieces, start)
        assert 1 <= len(window) <= 3 and all(1 <= len(m) <= ZALO_LIMIT for m in window)
        sent += window
    assert render_reply(Reply((Article(article),))) == sent[:3]
    assert len(sent) == len(pieces)


@pytest.fixture(scope="module")
def conversation(sample_engine: Archive) -> Conversation:
    return Conversation(sample_engine, ChatKeys("test-chat-id-secret-0123456789"))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from(["hội thảo", "chuyển đổi số", "tiếp", "trước", "đọc 2", "mới",
                         "chuyên mục", "phố sách", "cảm ơn", "bài cuối", "/help"])
        | st.text(min_size=1, max_size=400),
        min_size=1, max_size=4,
    )
)  # fmt: skip
def test_every_reply_to_any_words_is_within_2000_characters(
    conversation: Conversation, words: list[str]
) -> None:
    for text in words:
        reply = conversation.handle(Incoming(Channel.ZALO, "property", text=text))
        for message in render_reply(reply, admin=True):
            assert 1 <= len(message) <= ZALO_LIMIT
            assert "<b>" not in message and "&amp;" not in message


# -- the API client over HTTP ----------------------------------------------------------------------


@pytest.fixture
def zalo_api() -> Iterator[FakeZaloAPI]:
    api = FakeZaloAPI().start()
    try:
        yield api
    finally:
        api.stop()


@pytest.mark.parametrize("as_408", [False, True], ids=["empty result", "error 408"])
def test_nothing_new_is_none_whether_empty_or_408(zalo_api: FakeZaloAPI, as_408: bool) -> None:
    zalo_api.timeout_as_408 = as_408

    async def poll() -> object:
        client = ZaloAPI(zalo_api.token, zalo_api.base_url)
        try:
            return await client.get_update(timeout=1)
        finally:
            await client.close()

    assert asyncio.run(poll()) is None


def test_one_update_per_call(zalo_api: FakeZaloAPI) -> None:
    user = FakeZaloAPI.user("u1")
    zalo_api.send_text(user, "một")
    zalo_api.send_text(user, "hai")

    async def poll() -> list[str | None]:
        client = ZaloAPI(zalo_api.token, zalo_api.base_url)
        try:
            return [(await client.get_update(1)).text for _ in range(2)]  # type: ignore[union-attr]
        finally:
            await client.close()

    assert asyncio.run(poll()) == ["một", "hai"]


def test_refusals_are_typed_and_never_quote_the_token(zalo_api: FakeZaloAPI) -> None:
    async def calls() -> tuple[Exception, Exception]:
        wrong = ZaloAPI("42:wrong-token", zalo_api.base_url)
        right = ZaloAPI(zalo_api.token, zalo_api.base_url)
        zalo_api.run(lambda: zalo_api.chats.add("u2"))
        zalo_api.block(FakeZaloAPI.user("u2"))
        try:
            with pytest.raises(ZaloUnauthorized) as unauthorized:
                await wrong.get_me()
            with pytest.raises(ZaloForbidden) as forbidden:
                await right.send_message("u2", "chào")
            return unauthorized.value, forbidden.value
        finally:
            await wrong.close()
            await right.close()

    unauthorized, forbidden = asyncio.run(calls())
    assert "wrong-token" not in str(unauthorized) and zalo_api.token not in str(forbidden)
    assert len(zalo_api.recorded("sendMessage")) == 1  # a refusal is not retried


# -- deliveries ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_a_message_id_is_delivered_once_and_forgotten_later(
    database: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("sqlite_url" if database == "sqlite" else "postgres_url")
    archive = Archive.open(url)
    try:
        now = datetime.now(UTC)
        long_ago = now - timedelta(days=3)
        assert archive.first_delivery("zalo", "m1", long_ago, long_ago - timedelta(days=2))
        assert not archive.first_delivery("zalo", "m1", long_ago, long_ago - timedelta(days=2))
        assert archive.first_delivery("telegram", "m1", now, now - timedelta(days=2))
        # Two days on, "m1" of Zalo has been forgotten: it counts as new again.
        assert archive.first_delivery("zalo", "m2", now, now - timedelta(days=2))
        assert archive.first_delivery("zalo", "m1", now, now - timedelta(days=2))
    finally:
        archive.close()


# -- a failure, in this process --------------------------------------------------------------


class BrokenSearch(Archive):
    """An engine whose search fails (as a lost database would)."""

    def search(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        raise RuntimeError(f"search failed; token {ZALO_TOKEN} must not leak")


@contextlib.contextmanager
def running_zalo(zalo_api: FakeZaloAPI, archive: Archive) -> Iterator[None]:
    """The Zalo bot alone (`serve_alone`, as `bot.py run` runs it) in a thread of this
    process, over `archive`, polling the fake server."""
    from bot.crawl_jobs import CrawlJobs
    from bot.settings import load_settings
    from bot.zalo.run import build_zalo, serve_alone
    from index.crawl import SourcesFile

    settings = load_settings(
        zalo_bot_token=zalo_api.token, zalo_api_base_url=zalo_api.base_url,
        zalo_admin_ids="admin1", chat_id_secret="x" * 20,
    )  # fmt: skip
    conversation = Conversation(archive, ChatKeys("x" * 20))
    bot = build_zalo(settings, archive, conversation, CrawlJobs(archive, SourcesFile()))
    loop = asyncio.new_event_loop()
    stopping = asyncio.Event()
    thread = threading.Thread(
        target=lambda: loop.run_until_complete(serve_alone(bot, 0, (), stopping)), daemon=True
    )
    thread.start()
    try:
        zalo_api.wait_polling(30)
        yield
    finally:
        loop.call_soon_threadsafe(stopping.set)
        thread.join(20)
        archive.close()


def test_a_failure_is_an_apology_to_the_user_and_a_report_to_admins(
    zalo_api: FakeZaloAPI, bot_db: str
) -> None:
    with running_zalo(zalo_api, BrokenSearch.open(bot_db)):
        admin, user = FakeZaloAPI.user("admin1"), FakeZaloAPI.user("u9")
        zalo_api.run(lambda: zalo_api.chats.add("admin1"))
        asked = zalo_api.send_text(user, "chuyển đổi số")
        assert zalo_api.wait_answer(asked) == [texts.SOMETHING_WENT_WRONG]
        report = zalo_api.wait_for(lambda: zalo_api.said_to(admin))
        assert report[0].startswith("⚠️ Bot gặp lỗi khi xử lý một tin nhắn Zalo: RuntimeError")
        assert zalo_api.token not in report[0] and "[redacted]" in report[0]
        again = zalo_api.send_text(user, "hội sách")
        zalo_api.wait_answer(again)
        assert len(zalo_api.said_to(admin)) == 1  # at most one report a minute


class MeetingSearch(Archive):
    """An engine whose searches wait for each other: three must be under way at once, or
    they fail (BrokenBarrierError) after 20 seconds."""

    meeting = threading.Barrier(3, timeout=20)

    def search(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        self.meeting.wait()
        return super().search(*args, **kwargs)


def test_several_updates_are_handled_at_once(zalo_api: FakeZaloAPI, bot_db: str) -> None:
    with running_zalo(zalo_api, MeetingSearch.open(bot_db)):
        users = [FakeZaloAPI.user(f"p{n}") for n in range(3)]
        asked = [zalo_api.send_text(user, "hội thảo chính quyền điện tử") for user in users]
        for update in asked:
            assert zalo_api.wait_answer(update)[0].startswith("🔎 Kết quả cho")
