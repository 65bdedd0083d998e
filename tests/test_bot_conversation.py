"""The conversation end to end over the fake Bot API: follow-ups (across a restart, in a group
via a reply, never across chats), typed twins of every button, small talk and near misses,
/xoadulieu, the inline hand-over of a long question, and what is stored about a chat."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest

from bot import texts
from bot.conversation import Said

from .conftest import CHAT_ID_SECRET
from .fakebotapi import FakeBotAPI
from .test_bot import ask, button, buttons, citizen


def _heading(reply: dict[str, Any]) -> str:
    return reply["text"].split("\n")[0]


def _title(reply: dict[str, Any], number: int) -> str:
    """The title of result `number` in a list."""
    line = next(line for line in reply["text"].split("\n") if line.startswith(f"{number}. "))
    return line.split(". ", 1)[1]


def _edited(fake: FakeBotAPI, message: dict[str, Any], before: str) -> dict[str, Any]:
    """The message once a button press has changed it."""
    return fake.wait_for(
        lambda: (
            (m := fake.message(message["chat"]["id"], message["message_id"]))["text"] != before
            and m
        ),
        what="the edited message",
    )


# -- follow-ups ----------------------------------------------------------------------------


def test_a_follow_up_continues_across_a_restart(fake_api: FakeBotAPI, start_bot) -> None:
    first = start_bot()
    user = citizen(1)
    asked = ask(fake_api, user, "phố sách năm 2018")
    preferred = "Ưu tiên bài trong: 🗓 năm 2018 (các bài khác vẫn được liệt kê)"
    assert asked["text"].split("\n")[1] == preferred
    first.stop()
    start_bot()  # a new process: nothing in memory, everything in the database
    follow = ask(fake_api, user, "còn hội sách thì sao")
    assert _heading(follow) == "🔎 Kết quả cho “hội sách năm 2018”"
    assert follow["text"].split("\n")[1] == preferred
    dates = [line.split("📅 ")[1][6:10] for line in follow["text"].split("\n") if "📅" in line]
    assert dates[0] == "2018"  # the year is preferred, not a wall
    title = _title(follow, 1)
    assert ask(fake_api, user, "bài đầu")["text"].startswith(title)


def test_in_a_group_only_a_reply_to_the_bot_continues(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    group = fake_api.group()
    member, other = citizen(1), citizen(2)
    found = ask(fake_api, member, "/tim phố sách năm 2018", chat=group)
    mentioned = ask(fake_api, member, "@tin_so_test_bot tiếp", chat=group)
    assert mentioned["text"] == texts.SAID[Said.NO_LIST]  # not a reply: a fresh start
    turned = ask(fake_api, other, "tiếp", chat=group, reply_to=found)
    assert turned["text"].split("\n")[2].startswith("Bài 6–")
    follow = ask(fake_api, other, "còn hội sách thì sao", chat=group, reply_to=turned)
    assert _heading(follow) == "🔎 Kết quả cho “hội sách năm 2018”"


def test_chats_are_kept_apart(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    ask(fake_api, citizen(1), "phố sách")
    assert ask(fake_api, citizen(2), "đọc 2")["text"] == texts.SAID[Said.NO_LIST]
    second = _title(ask(fake_api, citizen(3), "phố sách"), 2)
    assert ask(fake_api, citizen(1), "đọc 2")["text"].startswith(second[:40])


# -- typed twins of the buttons ------------------------------------------------------------


def test_typed_words_do_what_the_buttons_do(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot(user_burst=30, user_per_minute=600)
    user = citizen(1)
    results = ask(fake_api, user, "phố sách")
    fake_api.press(user, results, button(results, "Sau ▶"))
    pressed = _edited(fake_api, results, results["text"])
    typist = citizen(2)
    ask(fake_api, typist, "phố sách")
    typed = ask(fake_api, typist, "tiếp")
    assert typed["text"] == pressed["text"]
    assert _unvoted(buttons(typed)) == _unvoted(buttons(pressed))  # each chat votes its own
    assert ask(fake_api, typist, "trước")["text"] == results["text"]

    before = len(fake_api.bot_messages(user["id"]))
    fake_api.press(user, pressed, button(pressed, "📖 Đọc toàn văn bài 7"))
    read = fake_api.wait_for(lambda: fake_api.bot_messages(user["id"])[before:])[0]
    ask(fake_api, typist, "tiếp")  # page 2 again: "đọc 7" is on it
    assert ask(fake_api, typist, "đọc 7")["text"] == read["text"]

    latest = ask(fake_api, user, "/moi")
    assert ask(fake_api, user, "mới")["text"] == latest["text"]
    menu = ask(fake_api, user, "/chuyenmuc")
    assert ask(fake_api, user, "chuyên mục")["text"] == menu["text"]
    fake_api.press(user, menu, button(menu, "Phố sách hà nội"))
    category = _edited(fake_api, menu, menu["text"])
    assert ask(fake_api, user, "chuyên mục Phố sách Hà Nội")["text"] == category["text"]


def _unvoted(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Buttons without the answer id of the 👍/👎 data (each chat's answer has its own)."""
    return [(label, "v:" if data.startswith("v:") else data) for label, data in found]


def test_the_suggestion_can_be_typed_too(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    user = citizen(4)
    weak = ask(fake_api, user, "hoi thao chinh quyen dien tuu ve tau vu tru")
    suggestion = weak["text"].split("Có phải bạn muốn tìm: “")[1].split("”")[0]
    typed = ask(fake_api, user, suggestion)
    assert _heading(typed) == f"🔎 Kết quả cho “{suggestion}”"


# -- small talk ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("xin chào", Said.GREETING),
        ("hi", Said.GREETING),
        ("ok", Said.ACKNOWLEDGED),
        ("cảm ơn bạn nhiều nhé", Said.THANKS),
        ("tạm biệt", Said.GOODBYE),
        ("bạn là ai?", Said.WHO_AM_I),
        ("giúp tôi", Said.HELP),
        ("sai rồi", Said.COMPLAINT),
    ],
)
def test_small_talk_is_answered_briefly_not_searched(
    fake_api: FakeBotAPI, start_bot, message: str, said: Said
) -> None:
    running = start_bot()
    reply = ask(fake_api, citizen(1), message)
    assert reply["text"] == texts.SAID[said]
    assert "Rất tiếc" not in reply["text"] and len(buttons(reply)) <= 1
    assert running.archive.stats().questions_today == 0  # small talk is not a question


@pytest.mark.parametrize(
    "message", ["thư cảm ơn của Chủ tịch", "xin chào Việt Nam", "hướng dẫn thủ tục đăng ký"]
)
def test_a_real_question_with_such_words_stays_a_search(
    fake_api: FakeBotAPI, start_bot, message: str
) -> None:
    start_bot()
    reply = ask(fake_api, citizen(1), message)
    assert reply["text"].startswith((f"🔎 Kết quả cho “{message}”", "Rất tiếc"))


def test_latest_today_and_english(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    user = citizen(1)
    assert ask(fake_api, user, "tin mới nhất")["text"].startswith("🆕 Tin mới nhất\nBài 1–5")
    note, listing = _two_messages(fake_api, user, "hôm nay có tin gì")
    assert note["text"] == texts.SAID[Said.TODAY_EMPTY]
    assert listing["text"].startswith("🆕 Tin mới nhất")
    note, found = _two_messages(fake_api, user, "covid news")
    assert "This bot answers in Vietnamese" in note["text"]
    assert _heading(found) == "🔎 Kết quả cho “covid”"


def _two_messages(fake: FakeBotAPI, user: dict[str, Any], text: str) -> list[dict[str, Any]]:
    """The two messages the bot sends in answer to `text`."""
    before = len(fake.bot_messages(user["id"]))
    fake.send_text(user, text)
    return fake.wait_for(lambda: (m := fake.bot_messages(user["id"])[before:])[1:] and m)[:2]


# -- privacy -------------------------------------------------------------------------------


def test_start_and_help_say_what_is_kept(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    assert texts.PRIVACY in ask(fake_api, citizen(1), "/start")["text"]
    assert texts.PRIVACY in ask(fake_api, citizen(1), "/help")["text"]


def test_xoadulieu_deletes_what_is_kept_for_the_chat(
    fake_api: FakeBotAPI, start_bot, bot_db: str
) -> None:
    running = start_bot()
    user, neighbour = citizen(1), citizen(2)
    ask(fake_api, user, "phố sách")
    ask(fake_api, neighbour, "hội sách")
    assert ask(fake_api, user, "/xoadulieu")["text"] == texts.SAID[Said.FORGOTTEN]
    assert ask(fake_api, user, "đọc 1")["text"] == texts.SAID[Said.NO_LIST]
    with sqlite3.connect(bot_db.removeprefix("sqlite:///")) as database:
        rows = database.execute("SELECT chat_key FROM conversations").fetchall()
        questions = database.execute("SELECT query, chat_key FROM questions").fetchall()
    assert len(rows) == 1 and [q for q, _ in questions] == ["hội sách"]
    assert ask(fake_api, user, "/xoadulieu")["text"] == texts.SAID[Said.NOTHING_TO_FORGET]
    assert ask(fake_api, neighbour, "đọc 1")["text"].startswith("📅") is False
    assert running.archive.stats().questions_today == 1


def test_chat_ids_are_stored_only_as_keyed_hashes(
    fake_api: FakeBotAPI, start_bot, bot_db: str
) -> None:
    start_bot()
    user = FakeBotAPI.user(918273645, "Nguyễn Thị Riêng")
    ask(fake_api, user, "phố sách")
    with sqlite3.connect(bot_db.removeprefix("sqlite:///")) as database:
        stored = json.dumps(
            [
                *database.execute("SELECT * FROM conversations").fetchall(),
                *database.execute("SELECT * FROM questions").fetchall(),
            ],
            ensure_ascii=False,
            default=str,
        )
    assert "918273645" not in stored and "Riêng" not in stored and CHAT_ID_SECRET not in stored
    assert len(stored) > 100


# -- inline hand-over ----------------------------------------------------------------------


def test_a_long_inline_question_is_handed_over_whole(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    user = citizen(5)
    question = "Hội thảo chính quyền điện tử tỉnh Hòa Bình năm 2019 tổ chức ở đâu vậy bạn?"
    fake_api.inline_query(user, question)
    answered = fake_api.wait_call("answerInlineQuery")
    button = json.loads(answered.params["button"])
    assert button["text"] == texts.INLINE_ASK_BOT and json.loads(answered.params["results"])
    payload = button["start_parameter"]
    assert payload.startswith("t_") and len(payload) <= 64  # too long for the link itself
    reply = ask(fake_api, user, f"/start {payload}")
    assert _heading(reply) == f"🔎 Kết quả cho “{question}”"
    assert reply["text"].split("\n")[2] == "💡 Trả lời nhanh: Trung tâm thương mại AP Plaza"


def test_a_short_inline_question_without_results_travels_in_the_link(
    fake_api: FakeBotAPI, start_bot
) -> None:
    start_bot()
    user = citizen(6)
    fake_api.inline_query(user, "tàu vũ trụ sao hỏa")
    answered = fake_api.wait_call("answerInlineQuery", lambda c: c.params["results"] == "[]")
    button = json.loads(answered.params["button"])
    assert button["text"] == texts.INLINE_NOTHING_FOUND and button["start_parameter"].startswith(
        "q_"
    )
    assert ask(fake_api, user, f"/start {button['start_parameter']}")["text"].startswith(
        "Rất tiếc, chưa có bài viết nào phù hợp với “tàu vũ trụ sao hỏa”"
    )
