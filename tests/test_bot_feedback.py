"""Feedback end to end over the fake Bot API: 👍/👎 under an answer, stored with the question,
the shown articles and the chat's keyed hash; changed by a second tap; "Bài nào đúng?" after a
👎, stored as a judgment; kept on every page of the answer; refused for another chat."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from bot import texts
from bot.conversation import Said

from .conftest import CHAT_ID_SECRET
from .fakebotapi import FakeBotAPI
from .test_bot import ask, button, buttons, citizen


def _answers(bot_db: str) -> list[dict[str, Any]]:
    with sqlite3.connect(bot_db.removeprefix("sqlite:///")) as database:
        database.row_factory = sqlite3.Row
        return [dict(r) for r in database.execute("SELECT * FROM answers ORDER BY id")]


def _toast(fake: FakeBotAPI, query_id: str) -> str:
    call = fake.wait_call(
        "answerCallbackQuery", lambda c: c.params["callback_query_id"] == query_id
    )
    return str(call.params.get("text", ""))


def test_a_vote_is_stored_and_can_be_changed(fake_api: FakeBotAPI, start_bot, bot_db: str) -> None:
    start_bot()
    user = FakeBotAPI.user(918273645, "Nguyễn Thị Riêng")
    reply = ask(fake_api, user, "phố sách")
    labels = [label for label, _ in buttons(reply)]
    assert texts.FEEDBACK_UP in labels and texts.FEEDBACK_DOWN in labels

    toast = _toast(fake_api, fake_api.press(user, reply, button(reply, texts.FEEDBACK_UP)))
    assert toast == texts.FEEDBACK_UP_NOTED
    (stored,) = _answers(bot_db)
    shown = [int(i) for i in stored["shown"].split(",")]
    assert stored["question"] == "phố sách" and stored["vote"] == 1 and len(shown) == 5
    assert stored["chat_key"] != str(user["id"]) and len(stored["chat_key"]) == 64
    dump = json.dumps(stored, ensure_ascii=False, default=str)
    assert "918273645" not in dump and "Riêng" not in dump and CHAT_ID_SECRET not in dump

    before = len(fake_api.bot_messages(user["id"]))
    query = fake_api.press(user, reply, button(reply, texts.FEEDBACK_DOWN))
    assert _toast(fake_api, query) == texts.FEEDBACK_DOWN_NOTED
    which = fake_api.wait_for(lambda: fake_api.bot_messages(user["id"])[before:])[0]
    assert which["text"].startswith("🤔 Bài nào đúng với câu hỏi “phố sách”?")
    assert which["reply_to_message"]["message_id"] == reply["message_id"]
    labels = [label for label, _ in buttons(which)]
    assert [label[:4] for label in labels[:5]] == ["✅ 1.", "✅ 2.", "✅ 3.", "✅ 4.", "✅ 5."]
    assert labels[5:] == [texts.PICK_NONE, texts.CONTACT_BUTTON]
    assert _answers(bot_db)[0]["vote"] == -1  # changed, not added

    fake_api.press(user, which, button(which, "✅ 2."))
    thanked = fake_api.wait_for(
        lambda: (
            (m := fake_api.message(user["id"], which["message_id"]))["text"]
            == texts.SAID[Said.JUDGMENT_THANKS]
            and m
        )
    )
    assert not buttons(thanked)
    assert _answers(bot_db)[0]["judged"] == shown[1]


def test_none_of_them_is_a_judgment_too(fake_api: FakeBotAPI, start_bot, bot_db: str) -> None:
    start_bot()
    user = citizen(1)
    reply = ask(fake_api, user, "hội sách")
    fake_api.press(user, reply, button(reply, texts.FEEDBACK_DOWN))
    which = fake_api.wait_for(lambda: fake_api.replies_to(reply))[0]
    fake_api.press(user, which, button(which, texts.PICK_NONE))
    fake_api.wait_for(lambda: _answers(bot_db)[0]["judged"] == 0, what="the judgment")


def test_every_page_of_an_answer_keeps_its_feedback(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    user = citizen(1)
    reply = ask(fake_api, user, "phố sách")
    fake_api.press(user, reply, button(reply, "Sau ▶"))
    second = fake_api.wait_for(
        lambda: "Bài 6–10" in (m := fake_api.message(user["id"], reply["message_id"]))["text"] and m
    )
    assert button(second, texts.FEEDBACK_UP) == button(reply, texts.FEEDBACK_UP)


def test_another_chat_cannot_vote_on_an_answer(
    fake_api: FakeBotAPI, start_bot, bot_db: str
) -> None:
    start_bot()
    owner, other = citizen(1), citizen(2)
    reply = ask(fake_api, owner, "phố sách")
    mine = ask(fake_api, other, "hội sách")
    forged = button(reply, texts.FEEDBACK_DOWN)  # the owner's answer id, pressed by another
    query = fake_api.forge_press(other, mine, forged)
    assert _toast(fake_api, query) == texts.SAID[Said.FEEDBACK_EXPIRED]
    assert [a["vote"] for a in _answers(bot_db)] == [None, None]


def test_no_feedback_buttons_without_results(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    reply = ask(fake_api, citizen(1), "tàu vũ trụ sao hỏa")
    assert texts.FEEDBACK_UP not in [label for label, _ in buttons(reply)]


def test_xoadulieu_deletes_the_chats_feedback(fake_api: FakeBotAPI, start_bot, bot_db: str) -> None:
    start_bot()
    user = citizen(1)
    reply = ask(fake_api, user, "phố sách")
    fake_api.press(user, reply, button(reply, texts.FEEDBACK_UP))
    fake_api.wait_for(lambda: _answers(bot_db)[0]["vote"] == 1, what="the vote")
    assert ask(fake_api, user, "/xoadulieu")["text"] == texts.SAID[Said.FORGOTTEN]
    assert _answers(bot_db) == []


def test_typed_twins_of_the_feedback_buttons(bot_db: str) -> None:
    """A channel without buttons: “👎”, “bài đúng 2”, “👍” about the chat's last answer."""
    from bot.conversation import Channel, ChatKeys, Conversation, Incoming, Pick, Rate
    from bot.render import render_plain
    from index import Archive

    archive = Archive.open(bot_db)
    try:
        conversation = Conversation(archive, ChatKeys(CHAT_ID_SECRET))

        def say(text: str, chat: str = "zalo-1") -> Any:
            return conversation.handle(Incoming(Channel.ZALO, chat, text=text))

        assert say("👍").parts[0].what is Said.FEEDBACK_EXPIRED  # no answer yet
        found = say("phố sách")
        assert any(isinstance(step, Rate) for step in found.steps)
        assert "“👍” hoặc “👎”" in render_plain(found)[-1]
        which = say("👎")
        assert [s.number for s in which.steps if isinstance(s, Pick)] == [1, 2, 3, 4, 5, 0]
        plain = render_plain(which)
        assert plain[0].split("\n")[2].startswith("2. ") and "“bài đúng 1”" in plain[-1]
        assert say("bài đúng 9").parts[0].what is Said.NO_SUCH_NUMBER
        assert say("bài đúng 2").parts[0].what is Said.JUDGMENT_THANKS
        assert say("👍").parts[0].what is Said.FEEDBACK_THANKS
        key = ChatKeys(CHAT_ID_SECRET).of(Channel.ZALO, "zalo-1")
        (answer,) = [a for a in _answers(bot_db) if a["chat_key"] == key]
        assert answer["vote"] == 1 and answer["judged"] == int(answer["shown"].split(",")[1])
        assert say("không bài nào đúng").parts[0].what is Said.JUDGMENT_THANKS
        assert say("👍", chat="zalo-2").parts[0].what is Said.FEEDBACK_EXPIRED  # another chat
    finally:
        archive.close()
