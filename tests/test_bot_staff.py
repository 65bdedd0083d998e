"""The staff's loop end to end over the fake Bot API: /baocao lists the week's questions with
a button to fix each failing one; a dictionary line proposed from it shows the results before
and after, and once an admin confirms it, the next answer changes in the running bot and in a
second process within 10 s, without a restart; /tudien lists and removes lines; none of it is
open to citizens."""

from __future__ import annotations

import time

from bot import texts
from index import DICTIONARY_CHECK_SECONDS, Archive

from .fakebotapi import FakeBotAPI
from .test_bot import ADMIN, ask, button, buttons, citizen

LINE = "PSHN = phố sách Hà Nội"


def _edited(fake: FakeBotAPI, message: dict, before: str) -> dict:
    return fake.wait_for(
        lambda: (
            (m := fake.message(message["chat"]["id"], message["message_id"]))["text"] != before
            and m
        ),
        what="the edited message",
    )


def test_baocao_lists_the_weeks_questions_and_feedback(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    user = citizen(1)
    reply = ask(fake_api, user, "phố sách")
    fake_api.press(user, reply, button(reply, texts.FEEDBACK_DOWN))
    ask(fake_api, user, "PSHN")
    report = ask(fake_api, ADMIN, "/baocao")
    text = report["text"]
    assert text.startswith("📋 Báo cáo câu hỏi từ ")
    assert "Có 2 câu hỏi; góp ý: 0 👍, 1 👎." in text
    assert "❓ Chưa tìm được bài nào\n1. “PSHN” — 1 lần, 0 kết quả" in text
    assert "👎 Bị chê (👎)\n2. “phố sách” — 1 👎, 0 👍" in text
    labels = [label for label, _ in buttons(report)]
    assert labels == ["✏️ Sửa từ điển: PSHN", "✏️ Sửa từ điển: phố sách"]
    assert ask(fake_api, ADMIN, "/baocao 30")["text"].startswith("📋 Báo cáo câu hỏi từ ")
    assert ask(fake_api, ADMIN, "/baocao mười")["text"] == texts.REPORT_DAYS_HOW


def test_a_confirmed_line_changes_the_next_answer_everywhere(
    fake_api: FakeBotAPI, start_bot, bot_db: str
) -> None:
    running = start_bot()
    elsewhere = Archive.open(bot_db)  # a second process on the same database
    try:
        assert elsewhere.search("PSHN").total == 0
        user = citizen(1)
        assert ask(fake_api, user, "PSHN")["text"].startswith("Rất tiếc")
        report = ask(fake_api, ADMIN, "/baocao")
        fake_api.press(ADMIN, report, button(report, "✏️ Sửa từ điển: PSHN"))
        fake_api.wait_for(
            lambda: fake_api.bot_messages(ADMIN["id"])[-1]["text"].startswith(
                "✏️ Sửa từ điển cho câu “PSHN”."
            )
        )
        preview = ask(fake_api, ADMIN, f"/tudien {LINE}")
        lines = preview["text"].split("\n")
        assert lines[0] == f"🧪 Thử thêm dòng [đồng nghĩa]: {LINE}"
        assert lines[1:3] == ["Với câu hỏi “PSHN”:", "Trước: 0 kết quả"]
        assert lines[3].startswith("Sau: ") and int(lines[3].split()[1]) > 0
        assert all(line.startswith("   ") for line in lines[4:7])  # the first titles after
        assert ask(fake_api, user, "PSHN")["text"].startswith("Rất tiếc")  # not yet confirmed

        fake_api.press(ADMIN, preview, button(preview, texts.DICTIONARY_CONFIRM_BUTTON))
        confirmed = _edited(fake_api, preview, preview["text"])
        assert confirmed["text"].startswith(f"✅ Đã thêm vào từ điển: [đồng nghĩa] {LINE}")
        confirmed_at = time.monotonic()
        assert ask(fake_api, user, "PSHN")["text"].startswith("🔎 Kết quả cho “PSHN”")
        fake_api.wait_for(
            lambda: elsewhere.search("PSHN").total > 0, timeout=10, what="the second process"
        )
        assert time.monotonic() - confirmed_at <= 10 and DICTIONARY_CHECK_SECONDS <= 10

        listed = ask(fake_api, ADMIN, "/tudien")
        assert f"[đồng nghĩa] {LINE}" in listed["text"]
        fake_api.press(ADMIN, listed, button(listed, "🗑 Xóa dòng"))
        fake_api.wait_for(
            lambda: fake_api.bot_messages(ADMIN["id"])[-1]["text"].startswith("🗑 Đã xóa")
        )
        assert ask(fake_api, user, "PSHN")["text"].startswith("Rất tiếc")
        fake_api.wait_for(lambda: elsewhere.search("PSHN").total == 0, timeout=10)
        assert running.archive.dictionary_lines() == []
    finally:
        elsewhere.close()


def test_a_malformed_line_is_refused_in_vietnamese(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    refused = ask(fake_api, ADMIN, "/tudien viettat không phải một từ = không")
    first, detail = refused["text"].split("\n")
    assert first == texts.DICTIONARY_BAD_LINE
    assert detail.startswith("Chi tiết kỹ thuật: ") and "one word" in detail
    assert ask(fake_api, ADMIN, "/tudien")["text"].startswith("📖 Từ điển tra cứu: 0 dòng")


def test_citizens_cannot_propose_nor_confirm(fake_api: FakeBotAPI, start_bot) -> None:
    running = start_bot()
    user = citizen(1)
    assert ask(fake_api, user, f"/tudien {LINE}")["text"] == texts.ADMIN_ONLY
    assert ask(fake_api, user, "/baocao")["text"] == texts.ADMIN_ONLY
    preview = ask(fake_api, ADMIN, f"/tudien {LINE}")
    data = button(preview, texts.DICTIONARY_CONFIRM_BUTTON)
    mine = ask(fake_api, user, "phố sách")
    query = fake_api.forge_press(user, mine, data)
    alert = fake_api.wait_call(
        "answerCallbackQuery", lambda c: c.params["callback_query_id"] == query
    )
    assert alert.params.get("text") == texts.ADMIN_ONLY
    assert running.archive.dictionary_lines() == []
