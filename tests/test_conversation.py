"""The channel-free conversation core over the shipped sample: follow-ups, references, typed
twins of the buttons, small talk, expiry, privacy, and a plain-text (Zalo-like) rendering."""

from __future__ import annotations

import itertools
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.conversation import (
    Article,
    Categories,
    Channel,
    ChatKeys,
    Conversation,
    Forget,
    Incoming,
    Listing,
    ListKind,
    OpenLatest,
    Read,
    Reply,
    Results,
    Said,
    Say,
    Start,
    Turn,
    Welcome,
)
from bot.render import PLAIN_LIMIT, render_plain
from index import Archive
from index.text.dates import VIETNAM

from .conftest import ROOT

SECRET = "test-chat-id-secret-0123456789"
_chats = itertools.count(1)


class Clock:
    """A clock the tests move forward."""

    def __init__(self) -> None:
        self.now = datetime(2024, 5, 6, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def archive(sample_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Archive:
    target = tmp_path_factory.mktemp("conversation") / "db.sqlite3"
    shutil.copyfile(sample_db_file, target)
    return Archive.open(f"sqlite:///{target}", dictionary=ROOT / "data" / "dictionary.txt")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def talk(archive: Archive, clock: Clock):  # type: ignore[no-untyped-def]
    """talk(text) in a fresh private chat of its own; talk(text, chat=...) to share one."""
    core = Conversation(archive, ChatKeys(SECRET), clock=clock)
    chat = str(next(_chats))

    def say(text: str | None = None, **values: object) -> Reply:
        values.setdefault("chat_id", chat)
        values.setdefault("channel", Channel.TERMINAL)
        return core.handle(Incoming(text=text, **values))  # type: ignore[arg-type]

    say.core = core  # type: ignore[attr-defined]
    return say


def _list(reply: Reply) -> Results | Listing:
    found = [p for p in reply.parts if isinstance(p, Results | Listing)]
    assert found, reply
    return found[0]


def _said(reply: Reply) -> list[Said]:
    return [p.what for p in reply.parts if isinstance(p, Say)]


# -- follow-ups ----------------------------------------------------------------------------


def test_an_elliptical_follow_up_keeps_the_period_of_the_question_before(talk) -> None:
    first = _list(talk("phố sách năm 2018"))
    assert first.page.time_label == "năm 2018"
    follow = _list(talk("còn hội sách thì sao"))
    assert follow.list.query == "hội sách năm 2018" and follow.page.time_label == "năm 2018"
    assert follow.page.hits[0].published_at.year == 2018  # preferred, the others still listed


def test_a_follow_up_that_names_its_own_period_keeps_it(talk) -> None:
    talk("phố sách năm 2018")
    follow = _list(talk("thế còn hội sách năm 2019"))
    assert follow.list.query == "hội sách năm 2019"


def test_after_fifteen_minutes_a_follow_up_is_a_new_question(talk, clock: Clock) -> None:
    talk("phố sách năm 2018")
    clock.now += timedelta(minutes=16)
    assert _list(talk("còn hội sách thì sao")).list.query == "hội sách"


def test_after_the_workshop_the_book_fair_is_found_not_the_workshop_again(talk) -> None:
    talk("hội thảo chính quyền điện tử khi nào")
    follow = _list(talk("còn hội sách thì sao"))
    assert follow.page.total > 10 and "hội thảo" not in follow.page.hits[0].title.lower()


# -- references and typed twins of the buttons ---------------------------------------------


def test_read_a_number_of_the_list_shown_also_on_a_later_page(talk) -> None:
    shown = _list(talk("phố sách"))
    second = shown.page.hits[1]
    reply = talk("bài thứ 2 nói gì")
    assert isinstance(reply.parts[0], Article) and reply.parts[0].article.article_id == (
        second.article_id
    )
    page_two = _list(talk("tiếp"))
    assert page_two.page.offset == 5
    seventh = talk("đọc 7").parts[0]
    assert isinstance(seventh, Article)
    assert seventh.article.article_id == page_two.page.hits[1].article_id
    assert _said(talk("đọc 999")) == [Said.NO_SUCH_NUMBER]


def test_bai_do_is_the_article_read_last_and_details_the_answers(talk) -> None:
    listed = _list(talk("Hội thảo chính quyền điện tử tỉnh Hòa Bình năm 2019 tổ chức ở đâu?"))
    assert listed.page.answer is not None
    details = talk("chi tiết hơn").parts[0]
    assert isinstance(details, Article)
    assert details.article.article_id == listed.page.answer.article_id
    talk("đọc 1")
    again = talk("bài đó").parts[0]
    assert isinstance(again, Article) and again.article.article_id == listed.page.hits[0].article_id


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("tiếp", 5), ("sau", 5), ("xem tiếp", 5)],
)
def test_typed_next_is_the_next_button(talk, typed: str, expected: int) -> None:
    talk("phố sách")
    assert _list(talk(typed)).page.offset == expected
    assert _list(talk("trước")).page.offset == 0
    assert _said(talk("trước")) == [Said.FIRST_PAGE]


def test_every_button_step_has_its_typed_twin(talk) -> None:
    reply = talk("phố sách")
    steps = {type(step) for step in reply.steps}
    assert {Read, Turn} <= steps
    latest = _list(talk("mới"))
    assert latest.list.kind is ListKind.LATEST and latest.page.offset == 0
    assert isinstance(talk("chuyên mục").parts[0], Categories)
    category = _list(talk("chuyên mục Phố sách Hà Nội"))
    assert category.list == category.list.__class__(ListKind.CATEGORY, "Phố sách hà nội")


def test_a_list_expires_after_a_day(talk, clock: Clock) -> None:
    talk("phố sách")
    clock.now += timedelta(hours=25)
    reply = talk("đọc 2")
    assert _said(reply) == [Said.NO_LIST] and reply.steps == (OpenLatest(),)


def test_chats_do_not_see_each_other(talk) -> None:
    talk("phố sách", chat_id="alice")
    assert _said(talk("đọc 2", chat_id="bob")) == [Said.NO_LIST]
    assert isinstance(talk("đọc 2", chat_id="alice").parts[0], Article)


def test_in_a_group_only_a_reply_to_the_bot_continues(talk) -> None:
    talk("phố sách", chat_id="-100", group=True, continues=False)
    assert _said(talk("tiếp", chat_id="-100", group=True, continues=False)) == [Said.NO_LIST]
    assert _list(talk("tiếp", chat_id="-100", group=True, continues=True)).page.offset == 5


# -- periods -------------------------------------------------------------------------------


def test_older_and_newer_shift_the_period(talk) -> None:
    talk("phố sách năm 2019")
    older = _list(talk("tin cũ hơn"))
    assert older.page.time_label == "từ 01/01/2018 đến 31/12/2018"
    assert all(hit.published_at.year == 2018 for hit in older.page.hits)
    newer = _list(talk("mới hơn"))
    assert newer.page.time_label == "từ 01/01/2019 đến 31/12/2019"


def test_older_without_a_period_is_before_the_oldest_shown(talk) -> None:
    shown = _list(talk("phố sách"))
    oldest = min(hit.published_at for hit in shown.page.hits)
    older = _list(talk("tin cũ hơn"))
    assert older.page.time_label == f"trước ngày {oldest:%d/%m/%Y}"
    assert all(hit.published_at < oldest for hit in older.page.hits)


def test_latest_and_today(talk) -> None:
    assert _list(talk("tin mới nhất")).list.kind is ListKind.LATEST
    reply = talk("hôm nay có tin gì")  # the sample ends in 2022
    assert _said(reply) == [Said.TODAY_EMPTY] and _list(reply).list.kind is ListKind.LATEST
    assert _list(talk("tin cũ hơn")).page.offset == 5  # the latest, one page older


# -- small talk ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("xin chào", Said.GREETING),
        ("hi", Said.GREETING),
        ("cảm ơn", Said.THANKS),
        ("tạm biệt", Said.GOODBYE),
        ("bạn là ai", Said.WHO_AM_I),
        ("giúp tôi", Said.HELP),
        ("sai rồi", Said.COMPLAINT),
        ("ok", Said.ACKNOWLEDGED),
    ],
)
def test_small_talk_gets_a_short_reply_and_one_next_step(talk, message: str, said: Said) -> None:
    reply = talk(message)
    assert _said(reply) == [said] and len(reply.steps) == 1


def test_another_language_gets_the_note_then_results_when_its_words_exist(talk) -> None:
    reply = talk("covid news")
    assert _said(reply) == [Said.FOREIGN] and _list(reply).list.query == "covid"
    nothing = talk("what is the weather like")
    assert _said(nothing) == [Said.FOREIGN_NOTHING] and _list(nothing).page.total == 0


# -- start, hand-over, privacy -------------------------------------------------------------


def test_start_greets_and_a_handed_over_question_is_searched(talk) -> None:
    assert isinstance(talk(action=Start()).parts[0], Welcome)
    core = talk.core  # type: ignore[attr-defined]
    long_question = "Hội thảo chính quyền điện tử tỉnh Hòa Bình năm 2019 tổ chức ở đâu vậy bạn?"
    payload = core.hand_over(long_question)
    assert payload.startswith("t_") and len(payload) <= 64
    found = _list(talk(action=Start(payload)))
    assert found.list.query == long_question and found.page.answer is not None
    assert _said(talk(action=Start(payload))) == [Said.HANDOVER_EXPIRED]  # taken once
    short = core.hand_over("phố sách")
    assert _list(talk(action=Start(short))).list.query == "phố sách"


def test_forget_deletes_the_chat_and_its_questions(talk, archive: Archive) -> None:
    talk("phố sách", chat_id="forgetful")
    key = ChatKeys(SECRET).of(Channel.TERMINAL, "forgetful")
    assert archive.store.conversations.questions_of(key) == 1
    assert _said(talk(action=Forget(), chat_id="forgetful")) == [Said.FORGOTTEN]
    assert archive.store.conversations.questions_of(key) == 0
    assert _said(talk("đọc 1", chat_id="forgetful")) == [Said.NO_LIST]
    assert _said(talk(action=Forget(), chat_id="forgetful")) == [Said.NOTHING_TO_FORGET]


# -- a channel without buttons -------------------------------------------------------------


def test_a_plain_channel_gets_plain_text_with_typed_words_for_the_buttons(talk) -> None:
    messages = render_plain(talk("phố sách", channel=Channel.ZALO))
    assert all(len(m) <= PLAIN_LIMIT for m in messages)
    joined = "\n".join(messages)
    assert "<b>" not in joined and "“đọc 1” để đọc bài 1" in joined and "“tiếp”" in joined
    article = render_plain(talk("đọc 1", channel=Channel.ZALO))
    assert all(len(m) <= PLAIN_LIMIT for m in article) and len(article) >= 1


def test_today_lists_todays_articles_when_there_are_some(
    sample_db_file: Path, tmp_path: Path
) -> None:
    target = tmp_path / "today.sqlite3"
    shutil.copyfile(sample_db_file, target)
    archive = Archive.open(f"sqlite:///{target}", dictionary=ROOT / "data" / "dictionary.txt")
    today = datetime.now(VIETNAM).strftime("%d/%m/%Y")  # "hôm nay" is Vietnam's day
    record = (
        f'{{"title": "Khai mạc Ngày hội chuyển đổi số", "date": "{today}", "body": "Sáng nay."}}'
    )
    assert archive.ingest_bytes(record.encode(), "today.jsonl", ".jsonl").ok
    core = Conversation(archive, ChatKeys(SECRET))
    reply = core.handle(Incoming(Channel.TERMINAL, "today", text="hôm nay có tin gì"))
    listed = _list(reply)
    assert listed.list.kind is ListKind.TODAY and not _said(reply)
    assert [hit.title for hit in listed.page.hits] == ["Khai mạc Ngày hội chuyển đổi số"]


# -- following topics by typed words (bot/conversation/follow.py) --------------------------


def test_typed_follow_words_are_the_cores_on_every_channel(archive: Archive, clock: Clock) -> None:
    from bot.conversation import Followed, FollowTopic, Subscriptions, Unfollow, Unfollowed
    from index import NewsDesk

    core = Conversation(archive, ChatKeys(SECRET), clock=clock, news=NewsDesk(archive))
    chat = f"follow-{next(_chats)}"

    def say(text: str, **values: object) -> Reply:
        values.setdefault("chat_id", chat)
        values.setdefault("channel", Channel.ZALO)
        return core.handle(Incoming(text=text, **values))  # type: ignore[arg-type]

    results = say("phố sách")
    assert results.steps[-1] == FollowTopic(_list(results).list)  # "theo dõi phố sách"
    followed = say("theo doi pho sach")
    assert isinstance(followed.parts[0], Followed)
    assert followed.steps == (Unfollow(1, followed.parts[0].subscribed.subscription),)
    listed = say("theo dõi")
    assert isinstance(listed.parts[0], Subscriptions) and len(listed.parts[0].subscriptions) == 1
    # keyed by the channel and its own chat id: news must find its way back there
    assert core.news is not None and len(core.news.subscriptions("zalo", chat)) == 1
    assert core.news.subscriptions("telegram", chat) == []
    assert say("bỏ theo dõi 1").parts == (Unfollowed("pho sach"),)
    # in a group the words are a question (the channel checks who may change its list)
    assert isinstance(say("theo dõi phố sách", group=True).parts[0], Results)
    # without a news desk too
    plain = Conversation(archive, ChatKeys(SECRET), clock=clock)
    assert isinstance(
        plain.handle(Incoming(Channel.ZALO, chat, text="theo dõi phố sách")).parts[0], Results
    )
