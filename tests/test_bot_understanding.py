"""Query understanding in the bot: answer line, filters said back, "Có phải bạn muốn tìm"."""

from __future__ import annotations

from typing import Any

from .fakebotapi import FakeBotAPI, entity_texts
from .test_bot import SEED_TITLE, ask, button, buttons, citizen


def _replies_after(fake: FakeBotAPI, chat_id: int, after_id: int) -> list[dict[str, Any]]:
    """The bot's messages in a chat sent after message `after_id`."""
    keys = fake.run(lambda: [k for k in fake.messages if k[0] == chat_id and k[1] > after_id])
    found = [fake.message(*key) for key in sorted(keys)]
    return [m for m in found if m["from"]["is_bot"]]


def test_a_where_question_is_answered_first_with_the_sentence(
    fake_api: FakeBotAPI, start_bot
) -> None:
    start_bot()
    reply = ask(
        fake_api, citizen(1), "Hội thảo chính quyền điện tử tỉnh Hòa Bình năm 2019 tổ chức ở đâu?"
    )
    lines = reply["text"].split("\n")
    assert lines[1] == "Ưu tiên bài trong: 🗓 năm 2019 (các bài khác vẫn được liệt kê)"
    assert lines[2] == "💡 Trả lời nhanh: Trung tâm thương mại AP Plaza"
    assert lines[3].startswith("“Ngày 31/5, tại Trung tâm thương mại AP Plaza, Ban Chỉ đạo")
    assert lines[4].startswith("(theo bài “Hội thảo xây dựng chính quyền điện tử")
    assert f"1. {SEED_TITLE}" in reply["text"]
    bold = entity_texts(reply, "bold")
    assert "Trả lời nhanh:" in bold and bold.count("Trung tâm thương mại AP Plaza") == 2


def test_time_and_abbreviations_in_a_group_question(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    group = {"id": -100123, "type": "supergroup", "title": "Nhóm cán bộ"}
    reply = ask(fake_api, citizen(2), "/tim phố sách năm 2018", chat=group)
    lines = reply["text"].split("\n")
    assert lines[1] == "Ưu tiên bài trong: 🗓 năm 2018 (các bài khác vẫn được liệt kê)"
    dates = [line.split("📅 ")[1][6:10] for line in lines if "📅 " in line]
    assert dates[:2] == ["2018", "2018"] and "2018" in dates  # preferred, not a wall
    reply = ask(fake_api, citizen(2), "/tim phố sách đăng năm 2018", chat=group)
    assert reply["text"].split("\n")[1] == "Lọc theo: 🗓 năm 2018"
    assert all(
        line.split("📅 ")[1][6:10] == "2018" for line in reply["text"].split("\n") if "📅 " in line
    )
    reply = ask(fake_api, citizen(2), "/tim UBND hội nghị công tác cán bộ", chat=group)
    assert "1. Hội nghị của UBND Thành phố về công tác cán bộ" in reply["text"]


def test_the_suggested_question_is_a_button_that_asks_it(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    user = citizen(3)
    reply = ask(fake_api, user, "hoi thao chinh quyen dien tuu ve tau vu tru")
    assert "🤔 Có phải bạn muốn tìm: “hội thảo chính quyền điện tử" in reply["text"]
    data = button(reply, "🔎 Tìm “hội thảo chính quyền điện tử")
    assert len(data.encode()) <= 64
    fake_api.press(user, reply, data)
    suggested = fake_api.wait_for(
        lambda: next(
            (m for m in _replies_after(fake_api, user["id"], reply["message_id"])
             if m["text"].startswith("🔎 Kết quả cho “hội thảo chính quyền điện tử")),
            None,
        ),
        what="results of the suggested question",
    )  # fmt: skip
    assert f"1. {SEED_TITLE}" in suggested["text"]


def test_the_suggestion_button_works_after_a_restart(fake_api: FakeBotAPI, start_bot) -> None:
    first = start_bot()
    user = citizen(4)
    reply = ask(fake_api, user, "hoi thao chinh quyen dien tuu ve tau vu tru")
    first.stop()
    start_bot()
    fake_api.press(user, reply, button(reply, "🔎 Tìm"))
    fake_api.wait_for(
        lambda: any(
            m["text"].startswith("🔎 Kết quả cho “hội thảo chính quyền điện tử")
            for m in _replies_after(fake_api, user["id"], reply["message_id"])
        ),
        what="the suggestion after a restart",
    )


def test_strong_results_offer_no_suggestion(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    reply = ask(fake_api, citizen(5), "hoi thao chinh quyen dien tu")
    assert "Có phải bạn muốn tìm" not in reply["text"]
    assert not any(label.startswith("🔎") for label, _ in buttons(reply))
