"""The bot end to end: the real Application (bot.app) over real HTTP against the fake Bot API.

Each test starts the bot in this process with a private copy of the sample database, acts as
Telegram users through the fake server, and waits (polling the server's record, never sleeping
blindly) for what the bot sends. The `fake_api` fixture fails a test on any call Telegram would
refuse: bad HTML, over-long text, oversized callback data, 429s...
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest

from bot import texts
from index import Archive

from .conftest import ADMIN_ID
from .fakebotapi import FakeBotAPI, entity_texts

SEED_TITLE = "Hội thảo xây dựng chính quyền điện tử và đô thị thông minh tỉnh Hòa Bình năm 2019"
ADMIN = FakeBotAPI.user(ADMIN_ID, "Quản trị", "quantri")


def citizen(number: int) -> dict[str, Any]:
    return FakeBotAPI.user(2000 + number, f"Dân {number}")


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, callback data) of every button under a message."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


def button(message: dict[str, Any], label: str) -> str:
    """The callback data of the button whose label starts with `label`."""
    found = [data for text, data in buttons(message) if text.startswith(label)]
    assert found, f"no button {label!r} in {buttons(message)}"
    return found[0]


def ask(fake: FakeBotAPI, user: dict[str, Any], text: str, **where: Any) -> dict[str, Any]:
    """Send a message and return the bot's (first) reply to it."""
    return fake.wait_reply(fake.send_text(user, text, **where))[0]


# -- questions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question", ["hội thảo chính quyền điện tử", "hoi thao chinh quyen dien tu"]
)
def test_a_question_is_answered_with_the_seed_article_first(
    fake_api: FakeBotAPI, start_bot, question: str
) -> None:
    running = start_bot()
    reply = ask(fake_api, citizen(1), question)
    lines = reply["text"].split("\n")
    assert lines[0] == f"🔎 Kết quả cho “{question}”"
    assert lines[3] == f"1. {SEED_TITLE}"
    assert lines[4].startswith("📅 02/06/2019 · 📂 Tin hoạt động sở · đọc toàn văn: /doc_")
    bold = [piece.lower() for piece in entity_texts(reply, "bold")]
    assert "chính quyền điện tử" in bold and "hội thảo" in bold  # matched words in the snippet
    assert reply["text"].count("📅") == 5  # the best five
    assert [label for label, _ in buttons(reply)][0] == "📖 Đọc toàn văn bài 1"
    fake_api.wait_for(
        lambda: running.archive.stats().questions_today == 1, what="the question counted"
    )


def test_pages_turn_forward_and_back_in_the_same_message(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    user = citizen(1)
    reply = ask(fake_api, user, "phố sách")
    total = int(reply["text"].split("\n")[1].split(" trong ")[1].split()[0])
    pages = -(-total // 5)
    assert total > 10 and reply["text"].split("\n")[1].startswith("Bài 1–5 trong")
    assert [label for label, _ in buttons(reply)][-2:] == [f"1/{pages}", "Sau ▶"]

    fake_api.press(user, reply, button(reply, "Sau ▶"))
    second = fake_api.wait_for(
        lambda: (
            "Bài 6–10" in (m := fake_api.message(reply["chat"]["id"], reply["message_id"]))["text"]
            and m
        )
    )
    assert [label for label, _ in buttons(second)][-3:] == ["◀ Trước", f"2/{pages}", "Sau ▶"]
    assert "📖 Đọc toàn văn bài 6" in [label for label, _ in buttons(second)]

    fake_api.press(user, second, button(second, "◀ Trước"))
    first = fake_api.wait_for(
        lambda: (
            "Bài 1–5" in (m := fake_api.message(reply["chat"]["id"], reply["message_id"]))["text"]
            and m
        )
    )
    assert first["text"] == reply["text"] and buttons(first) == buttons(reply)

    fake_api.press(user, first, "x")  # the "1/N" counter only acknowledges
    fake_api.wait_for(lambda: len(fake_api.recorded("answerCallbackQuery")) == 3)
    assert len(fake_api.recorded("editMessageText")) == 2
    assert len(fake_api.bot_messages(user["id"])) == 1  # paging never sent a new message


def test_the_last_page_has_no_next_button(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    user = citizen(1)
    reply = ask(fake_api, user, "phố sách")
    message = reply
    while "Sau ▶" in [label for label, _ in buttons(message)]:
        fake_api.press(user, message, button(message, "Sau ▶"))
        message = fake_api.wait_for(
            lambda before=message["text"]: (
                (m := fake_api.message(reply["chat"]["id"], reply["message_id"]))["text"] != before
                and m
            )
        )
    labels = [label for label, _ in buttons(message)]
    assert labels[-2] == "◀ Trước" and labels[-1].split("/")[0] == labels[-1].split("/")[1]


def test_no_result_is_answered_kindly_with_suggestions(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    reply = ask(fake_api, citizen(1), "tàu vũ trụ sao hỏa")
    assert reply["text"].startswith(
        "Rất tiếc, chưa có bài viết nào phù hợp với “tàu vũ trụ sao hỏa”."
    )
    assert "gõ tiếng Việt có dấu" in reply["text"] and "/moi" in reply["text"]
    assert buttons(reply) == [("🆕 Tin mới nhất", "n:0"), ("☎️ Liên hệ Sở", "l")]  # next steps


def test_a_question_full_of_markup_is_answered_safely(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    question = """<b>x</b><script>&amp; "'"""
    reply = ask(fake_api, citizen(1), question)
    assert reply["text"].startswith(f"Rất tiếc, chưa có bài viết nào phù hợp với “{question}”.")
    assert "entities" not in reply  # shown literally: no bold, no link came out of it


def test_markup_beside_real_words_is_shown_literally_above_results(
    fake_api: FakeBotAPI, start_bot
) -> None:
    start_bot()
    question = '"phố sách" <hà nội> &'
    reply = ask(fake_api, citizen(1), question)
    assert reply["text"].split("\n")[0] == f"🔎 Kết quả cho “{question}”"
    assert entity_texts(reply, "bold")[0] == f"🔎 Kết quả cho “{question}”"
    assert {e["type"] for e in reply["entities"]} == {"bold", "text_link"}  # only the bot's own
    assert all(e["url"].startswith("https://sotttt") for e in reply["entities"] if "url" in e)


def test_a_question_of_only_punctuation_asks_for_words(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    assert ask(fake_api, citizen(1), "??? !!!")["text"] == texts.EMPTY_QUESTION


# -- whole articles ------------------------------------------------------------------------


LONG_ARTICLE = {
    "title": "Báo cáo tổng kết công tác chuyển đổi số năm 2023 của Sở",
    "url": "https://so.example.vn/bao-cao-2023",
    "date": "15/12/2023",
    "category": "Chuyển đổi số",
    "body": "\n".join(
        f"Đoạn {i}: " + f"Sở Thông tin & Truyền thông tổng kết {i} năm, tỉ lệ hồ sơ trễ < 5%. " * 40
        for i in range(1, 9)
    ),
}


def _add_articles(database_url: str, *records: dict[str, Any]) -> Archive:
    """Store articles the way another process would (the running bot does not see them yet)."""
    engine = Archive.open(database_url)
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()
    report = engine.ingest_bytes(data, "test.jsonl", ".jsonl")
    assert report.ok, report.problems
    return engine


def test_doc_sends_the_whole_article_split_at_paragraphs(
    fake_api: FakeBotAPI, start_bot, bot_db: str
) -> None:
    other = _add_articles(bot_db, LONG_ARTICLE)
    article_id = other.search("báo cáo tổng kết chuyển đổi số 2023").hits[0].article_id
    start_bot()
    user = citizen(1)
    command = fake_api.send_text(user, f"/doc {article_id}")
    first = fake_api.wait_reply(command)[0]
    parts = fake_api.wait_for(
        lambda: (m := fake_api.bot_messages(user["id"])) and "Đoạn 8:" in m[-1]["text"] and m
    )
    assert len(parts) >= 4
    assert first["text"].startswith(LONG_ARTICLE["title"])
    assert entity_texts(first, "text_link")[0] == LONG_ARTICLE["title"]
    joined = "\n\n".join(m["text"] for m in parts)
    positions = [joined.index(f"Đoạn {i}:") for i in range(1, 9)]
    assert positions == sorted(positions)  # every paragraph, in order
    assert all(m["text"].startswith("Đoạn ") for m in parts[1:])  # split between paragraphs
    assert "Thông tin & Truyền thông" in joined and "trễ < 5%" in joined and "&amp;" not in joined


def test_doc_shortcut_and_read_button_send_the_article(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    user = citizen(1)
    reply = ask(fake_api, user, "hội thảo chính quyền điện tử")
    shortcut = reply["text"].split("đọc toàn văn: ")[1].split()[0]
    article = ask(fake_api, user, shortcut)
    assert article["text"].startswith(SEED_TITLE) and "Sunmedia" in article["text"]

    fake_api.press(user, reply, button(reply, "📖 Đọc toàn văn bài 1"))
    again = fake_api.wait_for(
        lambda: [m for m in fake_api.bot_messages(user["id"]) if m["text"].startswith(SEED_TITLE)][
            1:
        ]
    )
    assert again[0]["text"] == article["text"]


def test_doc_without_a_number_or_of_a_missing_article(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    assert ask(fake_api, citizen(1), "/doc")["text"] == texts.DOC_NEEDS_NUMBER
    assert ask(fake_api, citizen(1), "/doc abc")["text"] == texts.DOC_NEEDS_NUMBER
    assert ask(fake_api, citizen(1), "/doc 987654")["text"] == texts.article_not_found(987654)


# -- browsing ------------------------------------------------------------------------------


def test_latest_articles_page_like_results(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    user = citizen(1)
    reply = ask(fake_api, user, "/moi")
    assert reply["text"].startswith("🆕 Tin mới nhất\nBài 1–5 trong 211 bài, mới nhất trước.")
    fake_api.press(user, reply, button(reply, "Sau ▶"))
    fake_api.wait_for(
        lambda: "Bài 6–10" in fake_api.message(user["id"], reply["message_id"])["text"]
    )


def test_categories_are_buttons_that_list_their_articles(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    user = citizen(1)
    menu = ask(fake_api, user, "/chuyenmuc")
    assert menu["text"].startswith("📂 Mời bạn chọn một chuyên mục")
    labels = [label for label, _ in buttons(menu)]
    assert "Phố sách hà nội (19)" in labels

    fake_api.press(user, menu, button(menu, "Phố sách hà nội"))
    listing = fake_api.wait_for(
        lambda: (
            (m := fake_api.message(user["id"], menu["message_id"]))["text"].startswith(
                "📂 Chuyên mục"
            )
            and m
        )
    )
    assert listing["text"].startswith("📂 Chuyên mục “Phố sách hà nội”\nBài 1–5 trong 19 bài")
    assert [label for label, _ in buttons(listing)][-2:] == ["Sau ▶", texts.BACK_TO_CATEGORIES]

    fake_api.press(user, listing, button(listing, texts.BACK_TO_CATEGORIES))
    fake_api.wait_for(
        lambda: fake_api.message(user["id"], menu["message_id"])["text"] == menu["text"]
    )


# -- buttons after a restart ---------------------------------------------------------------


def test_buttons_still_work_after_a_restart(fake_api: FakeBotAPI, start_bot) -> None:
    first_bot = start_bot()
    user = citizen(1)
    question = fake_api.send_text(user, "phố sách")
    reply = fake_api.wait_reply(question)[0]
    first_bot.stop()
    start_bot()  # a new process: its memory of recent questions is empty
    fake_api.press(user, reply, button(reply, "Sau ▶"))
    fake_api.wait_for(
        lambda: "Bài 6–10 trong" in fake_api.message(user["id"], reply["message_id"])["text"],
        what="page 2 after the restart",
    )


def test_after_a_restart_the_heading_stands_in_for_a_deleted_question(
    fake_api: FakeBotAPI, start_bot
) -> None:
    first_bot = start_bot()
    user = citizen(1)
    question = fake_api.send_text(user, "phố sách")
    reply = fake_api.wait_reply(question)[0]
    first_bot.stop()
    fake_api.delete_message(question)
    start_bot()
    fake_api.press(user, reply, button(reply, "Sau ▶"))
    fake_api.wait_for(
        lambda: "Bài 6–10" in fake_api.message(user["id"], reply["message_id"])["text"]
    )


def test_results_that_cannot_be_recovered_say_so_kindly(fake_api: FakeBotAPI, start_bot) -> None:
    first_bot = start_bot()
    user = citizen(1)
    long_question = "phố sách " * 15  # too long to be quoted whole in the heading
    question = fake_api.send_text(user, long_question)
    reply = fake_api.wait_reply(question)[0]
    assert "…”" in reply["text"].split("\n")[0]
    first_bot.stop()
    fake_api.delete_message(question)
    start_bot()
    fake_api.press(user, reply, button(reply, "Sau ▶"))
    answer = fake_api.wait_call("answerCallbackQuery")
    assert answer.params["text"] == texts.RESULTS_EXPIRED and answer.params["show_alert"] == "true"
    assert fake_api.message(user["id"], reply["message_id"])["text"] == reply["text"]


def test_a_button_from_an_older_version_is_answered_kindly(fake_api: FakeBotAPI, start_bot) -> None:
    import httpx

    user = citizen(1)
    fake_api.open_chat(user)
    old_keyboard = {
        "inline_keyboard": [[{"text": "Trang sau", "callback_data": "page=2&q=phố sách"}]]
    }
    sent = httpx.post(  # as an earlier version of the bot sent it
        f"{fake_api.base_url}{fake_api.token}/sendMessage",
        data={
            "chat_id": user["id"],
            "text": "Kết quả cũ",
            "reply_markup": json.dumps(old_keyboard),
        },
    ).json()["result"]
    start_bot()
    fake_api.press(user, sent, "page=2&q=phố sách")
    answer = fake_api.wait_call("answerCallbackQuery")
    assert answer.params["text"] == texts.RESULTS_EXPIRED and answer.params["show_alert"] == "true"


def test_forgotten_questions_are_rerun_from_the_message(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot(query_cache_size=1)
    user = citizen(1)
    reply = ask(fake_api, user, "phố sách")
    ask(fake_api, user, "chuyển đổi số")  # pushes "phố sách" out of the cache
    fake_api.press(user, reply, button(reply, "Sau ▶"))
    fake_api.wait_for(
        lambda: "Bài 6–10" in fake_api.message(user["id"], reply["message_id"])["text"]
    )


# -- admins --------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["/reindex", "/stats", "/ingest", "/crawl"])
def test_a_citizen_is_refused_admin_commands_politely(
    fake_api: FakeBotAPI, start_bot, caplog: pytest.LogCaptureFixture, command: str
) -> None:
    running = start_bot()
    caplog.set_level(logging.WARNING, logger="bot.admin")
    assert ask(fake_api, citizen(7), command)["text"] == texts.ADMIN_ONLY
    assert any(r.getMessage() == f"refused {command} to user 2007" for r in caplog.records)
    named = FakeBotAPI.user(2008, "Bình", "binh_nguyen")
    assert ask(fake_api, named, command)["text"] == texts.ADMIN_ONLY
    assert any(
        r.getMessage() == f"refused {command} to user 2008 (@binh_nguyen)" for r in caplog.records
    )
    assert running.archive.stats().last_reindex is None
    assert [h.last_run_at for h in running.application.bot_data["state"].crawls.health()] == [None]


def test_a_citizen_cannot_ingest_a_file(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    message = fake_api.send_document(citizen(7), "bai.jsonl", b'{"title": "x"}', caption="/ingest")
    assert fake_api.wait_reply(message)[0]["text"] == texts.ADMIN_ONLY
    assert fake_api.recorded("getFile") == []


class SlowReindexArchive(Archive):
    """The real reindex, with each progress report slowed down so that it takes a few seconds."""

    def reindex(self, *, full: bool = False, progress=None):  # type: ignore[no-untyped-def]
        def slowly(done: int, total: int | None) -> None:
            if progress is not None:
                progress(done, total)
            time.sleep(0.8)

        return super().reindex(full=full, progress=slowly)


def test_admin_reindex_while_twenty_users_keep_asking(
    fake_api: FakeBotAPI, start_bot, bot_db: str
) -> None:
    start_bot(archive_class=SlowReindexArchive)
    new = {
        "title": "Lễ hội hoa ban Điện Biên",
        "date": "01/03/2024",
        "body": "Hoa ban nở trắng núi rừng.",
    }
    _add_articles(bot_db, new)  # by another process: the running index does not have it yet
    user = citizen(0)
    assert "Lễ hội hoa ban Điện Biên" not in ask(fake_api, user, "lễ hội hoa ban")["text"]

    command = fake_api.send_text(ADMIN, "/reindex full")
    progress = fake_api.wait_reply(command)[0]
    questions = [
        fake_api.send_text(citizen(i), q)
        for i in range(1, 21)
        for q in ("hội thảo chính quyền điện tử", "phố sách", "chuyển đổi số")
    ]
    for question in questions:
        fake_api.wait_reply(question, timeout=30)
    done = fake_api.wait_for(
        lambda: (
            (m := fake_api.message(ADMIN_ID, progress["message_id"]))["text"].startswith("✅") and m
        ),
        timeout=30,
    )
    assert done["text"].startswith(
        "✅ Lập chỉ mục xong: 215 bài trong chỉ mục, 215 bài được phân tích lại"
    )
    edits = [
        c
        for c in fake_api.recorded("editMessageText")
        if c.params["message_id"] == str(progress["message_id"])
    ]
    assert any(
        "Đang lập chỉ mục: " in c.params["text"] and "/215 bài" in c.params["text"] for c in edits
    )
    finished = edits[-1].at
    answers = [c for c in fake_api.recorded("sendMessage") if c.params["chat_id"] != str(ADMIN_ID)]
    assert sum(c.at < finished for c in answers) >= 30  # answered from the old index meanwhile
    replies = [fake_api.replies_to(q) for q in questions]
    assert all(len(r) == 1 for r in replies)  # every question answered once, none lost
    assert all(r[0]["text"].startswith(("🔎", "⏳")) for r in replies)
    assert (
        ask(fake_api, user, "lễ hội hoa ban")["text"].split("\n")[3]
        == "1. Lễ hội hoa ban Điện Biên"
    )


def test_a_second_reindex_waits_for_the_first(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot(archive_class=SlowReindexArchive)
    first = fake_api.send_text(ADMIN, "/reindex full")
    fake_api.wait_reply(first)
    assert ask(fake_api, ADMIN, "/reindex")["text"] == texts.REINDEX_BUSY


def test_stats_for_admins(fake_api: FakeBotAPI, start_bot) -> None:
    running = start_bot()
    ask(fake_api, citizen(1), "phố sách")
    fake_api.wait_for(
        lambda: running.archive.stats().questions_today == 1, what="the question counted"
    )
    reply = ask(fake_api, ADMIN, "/stats")
    lines = reply["text"].split("\n")
    assert lines[0] == "📊 Thống kê"
    assert "• Số bài viết: 214" in lines
    assert "• Nguồn: 2 (sotttt.hanoi.gov.vn: 213; hoa-binh: 1)" in lines
    assert "• Khoảng thời gian: 10/07/2012 – 26/07/2022" in lines
    assert "• Lập chỉ mục lần cuối: chưa lần nào" in lines
    assert "• Câu hỏi hôm nay: 1" in lines


def test_an_admin_takes_an_article_down_and_stats_count_it(fake_api: FakeBotAPI, start_bot) -> None:
    running = start_bot()
    assert "Hội thảo xây dựng" in ask(fake_api, citizen(1), "hội thảo chính quyền điện tử")["text"]
    reply = ask(fake_api, ADMIN, "/xoa 1 999999")["text"]
    assert reply.startswith("🗑 Đã gỡ 1 bài (số 1)") and "Không tìm thấy bài: 999999." in reply
    assert (
        "Hội thảo xây dựng" not in ask(fake_api, citizen(2), "hội thảo chính quyền điện tử")["text"]
    )
    assert "• Bài đã gỡ: 1" in ask(fake_api, ADMIN, "/stats")["text"].split("\n")
    assert ask(fake_api, ADMIN, "/xoa")["text"] == texts.TAKE_DOWN_HOW
    assert ask(fake_api, citizen(3), "/xoa 2")["text"] == texts.ADMIN_ONLY
    assert running.archive.store.article_count() == 213


def test_ingest_an_uploaded_file(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    records = [
        {
            "title": "Khai trương Trung tâm dữ liệu tỉnh",
            "date": "02/01/2024",
            "url": "https://so.example.vn/tt-du-lieu",
            "body": "Trung tâm dữ liệu tỉnh chính thức đi vào hoạt động.",
        },
        "{ not json",
        {"title": "", "date": "03/01/2024", "body": "Không có tiêu đề."},
        {
            "title": "Hội nghị <an toàn> thông tin & an ninh mạng",
            "date": "04/01/2024",
            "body": "Nội dung hội nghị.",
        },
    ]
    data = "\n".join(
        r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records
    ).encode()
    message = fake_api.send_document(ADMIN, "bai-moi.jsonl", data, caption="/ingest")
    reply = ingest_report(fake_api, message)
    assert reply["text"].startswith(
        "📥 Đã nhập tệp “bai-moi.jsonl”: thêm mới 2, cập nhật 0, không đổi 0, bỏ qua 2."
    )
    assert "⚠️ Bỏ qua bai-moi.jsonl:2: JSON sai cú pháp" in reply["text"]
    assert "⚠️ Bỏ qua bai-moi.jsonl:3: thiếu tiêu đề" in reply["text"]
    received = fake_api.recorded("sendMessage")[-1].params["text"]
    assert received.startswith("📥 Đã nhận tệp “bai-moi.jsonl” (1 KB), đang nhập…")
    assert fake_api.recorded("getFile")[0].params["file_id"] == message["document"]["file_id"]
    assert [c.ok for c in fake_api.recorded("download")] == [True]
    found = ask(fake_api, citizen(1), "trung tâm dữ liệu tỉnh")
    assert found["text"].split("\n")[3] == "1. Khai trương Trung tâm dữ liệu tỉnh"
    again = fake_api.send_document(ADMIN, "bai-moi.jsonl", data, caption="/ingest")
    assert "thêm mới 0, cập nhật 0, không đổi 2, bỏ qua 2" in ingest_report(fake_api, again)["text"]


def ingest_report(fake: FakeBotAPI, message: dict[str, Any], timeout: float = 15) -> dict[str, Any]:
    """The acknowledgement of an uploaded file once it has become the import's report."""
    return fake.wait_for(
        lambda: (
            (replies := fake.replies_to(message))
            and replies[0]["text"].startswith("📥 Đã nhập tệp")
            and replies[0]
        ),
        timeout=timeout,
        what="the import report",
    )


def test_ingest_reports_of_many_problems_are_split_into_messages(
    fake_api: FakeBotAPI, start_bot
) -> None:
    start_bot()
    data = "\n".join(
        f'{{"title": "Bài {i}", "date": "ngày <{i}> & sau"}}' for i in range(150)
    ).encode()
    message = fake_api.send_document(ADMIN, "hong.jsonl", data, caption="/ingest")
    ingest_report(fake_api, message)
    replies = fake_api.wait_for(
        lambda: (r := fake_api.replies_to(message)) and "hong.jsonl:150:" in r[-1]["text"] and r
    )
    assert len(replies) >= 2
    joined = "\n".join(r["text"] for r in replies)
    assert "bỏ qua 150" in joined and joined.count("⚠️ Bỏ qua") == 150
    assert "không đọc được ngày “ngày <149> & sau”" in joined


@pytest.mark.parametrize(
    ("name", "size", "expected"),
    [
        ("anh.png", 100, "chỉ nhập được tệp .txt, .json hoặc .jsonl"),
        ("lon.jsonl", 5000, "vượt giới hạn"),
    ],
)
def test_ingest_refuses_unsupported_and_oversized_files(
    fake_api: FakeBotAPI, start_bot, name: str, size: int, expected: str
) -> None:
    start_bot(max_upload_bytes=4000)
    message = fake_api.send_document(ADMIN, name, b"x" * size, caption="/ingest")
    assert expected in fake_api.wait_reply(message)[0]["text"]
    assert fake_api.recorded("getFile") == []


def test_ingest_explains_itself_without_a_file(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    assert ask(fake_api, ADMIN, "/ingest")["text"] == texts.INGEST_HOW
    message = fake_api.send_document(ADMIN, "bai.jsonl", b'{"title": "x"}')
    assert fake_api.wait_reply(message)[0]["text"] == texts.INGEST_HOW


# -- staying up ----------------------------------------------------------------------------


def test_a_burst_of_100_messages_from_20_users_is_answered_without_error(
    fake_api: FakeBotAPI, start_bot
) -> None:
    start_bot()
    # The limiter paces the bot at Telegram's 30 a second, but on a loaded machine its requests
    # can reach the server bunched and draw a 429; it retries them, and every message below is
    # still answered exactly once.
    fake_api.expected_rejections.append(lambda c: c.status == 429)
    words = ["hội thảo", "phố sách", "chuyển đổi số", "an toàn thông tin", "ngân sách"]
    messages = [fake_api.send_text(citizen(u), words[k]) for k in range(5) for u in range(20)]
    for message in messages:
        fake_api.wait_reply(message, timeout=60)
    replies = [fake_api.replies_to(m) for m in messages]
    assert all(len(r) == 1 for r in replies)
    assert not any(r[0]["text"] == texts.SOMETHING_WENT_WRONG for r in replies)
    assert all(r[0]["text"].startswith("🔎") for r in replies)  # five each: within the burst


def test_a_user_who_floods_is_asked_to_wait_and_every_message_is_answered(
    fake_api: FakeBotAPI, start_bot
) -> None:
    start_bot(user_burst=5, user_per_minute=6)
    user = citizen(1)
    messages = [fake_api.send_text(user, f"phố sách {i}") for i in range(9)]
    replies = [fake_api.wait_reply(m)[0]["text"] for m in messages]
    waits = [r for r in replies if r.startswith("⏳ Bạn gửi hơi nhanh. Vui lòng chờ khoảng")]
    assert len(waits) >= 3 and len(replies) - len(waits) >= 5
    assert ask(fake_api, citizen(2), "phố sách")["text"].startswith("🔎")  # others unaffected


def test_an_error_in_a_handler_is_logged_and_told_and_the_bot_goes_on(
    fake_api: FakeBotAPI,
    start_bot,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    running = start_bot()

    def broken(article_id: int) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(running.archive, "article", broken)
    with caplog.at_level(logging.ERROR, logger="bot.handlers"):
        assert ask(fake_api, citizen(1), "/doc 1")["text"] == texts.SOMETHING_WENT_WRONG
    record = next(
        r for r in caplog.records if r.name == "bot.handlers" and r.levelno == logging.ERROR
    )
    assert record.exc_info is not None and "disk on fire" in str(record.exc_info[1])
    assert ask(fake_api, citizen(1), "phố sách")["text"].startswith("🔎")


def test_a_user_who_blocked_the_bot_is_not_an_error(
    fake_api: FakeBotAPI, start_bot, caplog: pytest.LogCaptureFixture
) -> None:
    fake_api.expected_rejections.append(lambda c: c.status == 403)
    caplog.set_level(logging.INFO, logger="bot.handlers")
    start_bot()
    blocked = citizen(1)
    fake_api.block(blocked)
    fake_api.send_text(blocked, "phố sách")
    assert ask(fake_api, citizen(2), "phố sách")["text"].startswith("🔎")
    fake_api.wait_for(
        lambda: any(r.getMessage().startswith("cannot write to") for r in caplog.records),
        what="the refused reply to be noted",
    )
    refused = [c for c in fake_api.recorded("sendMessage") if c.params["chat_id"] == "2001"]
    assert [c.status for c in refused] == [403]  # no second attempt to apologise
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_inline_queries_are_throttled_too(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot(user_burst=1, user_per_minute=1)  # inline: four times as many, 4 at once
    user = citizen(3)
    for i in range(6):
        fake_api.inline_query(user, f"phố sách {i}")
    calls = fake_api.wait_for(
        lambda: len(found := fake_api.recorded("answerInlineQuery")) >= 6 and found,
        what="six inline answers",
    )
    buttons = [json.loads(c.params.get("button") or "{}").get("text") for c in calls]
    assert buttons.count(texts.INLINE_THROTTLED) == 2  # four at once pass, then a wait
    assert all(
        c.params["results"] == "[]"
        for c, b in zip(calls, buttons, strict=True)
        if b == texts.INLINE_THROTTLED
    )


def test_admins_are_told_of_an_error_once_a_minute_with_its_kind(
    fake_api: FakeBotAPI, start_bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = start_bot()

    def broken(article_id: int) -> None:
        raise RuntimeError("disk <on> fire & smoke")

    monkeypatch.setattr(running.archive, "article", broken)
    assert ask(fake_api, citizen(1), "/doc 1")["text"] == texts.SOMETHING_WENT_WRONG
    report = fake_api.wait_call("sendMessage", lambda c: c.params["chat_id"] == str(ADMIN_ID))
    text = report.params["text"]
    assert "RuntimeError" in text and "disk &lt;on&gt; fire &amp; smoke" in text
    assert ask(fake_api, citizen(2), "/doc 2")["text"] == texts.SOMETHING_WENT_WRONG
    to_admin = [c for c in fake_api.recorded("sendMessage") if c.params["chat_id"] == str(ADMIN_ID)]
    assert len(to_admin) == 1  # the second error within the minute is only logged


# -- conversation --------------------------------------------------------------------------


def test_start_and_help_explain_with_examples(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    greeting = ask(fake_api, citizen(1), "/start")["text"]
    assert greeting.startswith("👋 Xin chào Dân 1!") and "hội thảo chính quyền điện tử" in greeting
    guide = ask(fake_api, citizen(1), "/help")["text"]
    assert "/tim chuyển đổi số" in guide and "@tin_so_test_bot" in guide and "/reindex" not in guide
    assert "/reindex" in ask(fake_api, ADMIN, "/help")["text"]


def test_a_start_link_opens_an_article(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    assert ask(fake_api, citizen(1), "/start doc_1")["text"].startswith(SEED_TITLE)


def test_commands_are_registered_with_admin_commands_for_admins_only(
    fake_api: FakeBotAPI, start_bot
) -> None:
    start_bot()
    calls = fake_api.recorded("setMyCommands")
    menus = {
        c.params.get("scope", "default"): [x["command"] for x in json.loads(c.params["commands"])]
        for c in calls
    }
    assert menus["default"] == [
        "tim", "moi", "chuyenmuc", "doc", "help", "start", "xoadulieu", "lienhe",
        "theodoi", "huytheodoi", "bantin",
    ]  # fmt: skip
    admin_scope = json.dumps({"chat_id": ADMIN_ID, "type": "chat"})
    assert menus[admin_scope] == menus["default"] + [
        "reindex", "stats", "ingest", "crawl", "xoa", "baocao", "tudien", "kenh", "thongbao",
    ]  # fmt: skip


def test_an_admin_who_never_opened_the_chat_does_not_stop_the_bot(
    fake_api: FakeBotAPI, start_bot
) -> None:
    fake_api.expected_rejections.append(
        lambda c: c.method == "setMyCommands" and "chat not found" in c.description
    )
    start_bot(admin_ids=f"{ADMIN_ID},999")
    outcome = {c.params.get("scope", "default"): c.ok for c in fake_api.recorded("setMyCommands")}
    assert outcome == {
        "default": True,
        json.dumps({"chat_id": ADMIN_ID, "type": "chat"}): True,
        json.dumps({"chat_id": 999, "type": "chat"}): False,
    }
    assert ask(fake_api, citizen(1), "phố sách")["text"].startswith("🔎")


def test_unknown_commands_and_stickers_get_a_hint(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    assert ask(fake_api, citizen(1), "/xyz")["text"] == texts.UNKNOWN_COMMAND
    sticker = fake_api.send_document(citizen(1), "meo.webp", b"RIFF....WEBP")
    assert fake_api.wait_reply(sticker)[0]["text"] == texts.TEXT_ONLY


# -- inline mode and groups ----------------------------------------------------------------


def test_inline_mode_offers_up_to_ten_articles(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    fake_api.inline_query(citizen(1), "hội thảo chính quyền điện tử")
    call = fake_api.wait_call("answerInlineQuery")
    results = json.loads(call.params["results"])
    assert 1 <= len(results) <= 10
    seed = results[0]
    assert seed["title"] == SEED_TITLE and seed["description"].startswith(
        "02/06/2019 · Tin hoạt động sở – "
    )
    content = seed["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert (
        '<a href="https://t.me/tin_so_test_bot?start=doc_1">📖 Đọc toàn văn</a>'
        in content["message_text"]
    )
    linked = [
        r
        for r in results
        if '<a href="https://sotttt' in r["input_message_content"]["message_text"]
    ]
    assert linked, "results with a url carry the link in the message"


def test_inline_mode_without_words_offers_the_latest(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    fake_api.inline_query(citizen(1), "")
    assert len(json.loads(fake_api.wait_call("answerInlineQuery").params["results"])) == 10
    fake_api.inline_query(citizen(1), "tàu vũ trụ sao hỏa")
    empty = fake_api.wait_call("answerInlineQuery", lambda c: c.params["results"] == "[]")
    payload = json.loads(empty.params["button"])["start_parameter"]
    assert payload.startswith("q_")  # the typed words travel with the deep link


def test_in_a_group_the_bot_answers_only_when_addressed(fake_api: FakeBotAPI, start_bot) -> None:
    running = start_bot()
    group = fake_api.group()
    member = citizen(1)
    chatter = fake_api.send_text(member, "hội thảo chính quyền điện tử", chat=group)
    found = ask(fake_api, member, "/tim hội thảo chính quyền điện tử", chat=group)
    assert found["text"].split("\n")[3] == f"1. {SEED_TITLE}"
    mention = ask(fake_api, member, "@tin_so_test_bot phố sách", chat=group)
    assert mention["text"].startswith("🔎 Kết quả cho “phố sách”")
    follow_up = ask(fake_api, citizen(2), "chuyển đổi số", chat=group, reply_to=found)
    assert follow_up["text"].startswith("🔎 Kết quả cho “chuyển đổi số”")
    assert ask(fake_api, member, "/tim", chat=group)["text"] == texts.FIND_NEEDS_QUESTION
    article = ask(fake_api, member, "/doc_1@tin_so_test_bot", chat=group)
    assert article["text"].startswith(SEED_TITLE)
    assert ask(fake_api, member, "/tim@tin_so_test_bot phố sách", chat=group)["text"].startswith(
        "🔎"
    )
    assert fake_api.replies_to(chatter) == []
    fake_api.wait_for(
        lambda: running.archive.stats().questions_today == 4, what="4 questions counted"
    )
