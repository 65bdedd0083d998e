"""Following topics end to end: the real bot against the fake Bot API over HTTP, articles
ingested by another process (`python bot.py ingest`), news pushed within the minute, never
twice, never the archive; blocked chats paused, 429 honoured, quiet hours and digests on a
controllable clock, group admins only."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from index import DeliveryMode, DeliveryStatus, NewsDesk
from index.text.dates import VIETNAM, now

from .fakebotapi import FakeBotAPI
from .test_bot import ask, button, buttons, citizen
from .test_cli import run

FAST = dict(news_check_seconds=0.3, quiet_hours="00:00-00:00")  # no quiet hours
FRESH_TITLE = "Hội thảo chuyển đổi số trong giáo dục năm học mới"


def news_file(tmp_path: Path, name: str = "news.jsonl", days_ago: int = 0, **extra: Any) -> Path:
    """Two articles: one about digital transformation, one about information security."""
    day = (now() - timedelta(days=days_ago)).strftime("%d/%m/%Y %H:%M")
    records = [
        {
            "title": FRESH_TITLE,
            "url": f"https://so.gov.vn/moi/{name}/1",
            "summary": "Sở tổ chức hội thảo chuyển đổi số cho các trường học trên địa bàn.",
            "date": day,
            **extra,
        },
        {
            "title": "Tập huấn an toàn thông tin mạng cho cán bộ phường",
            "url": f"https://so.gov.vn/moi/{name}/2",
            "summary": "Lớp tập huấn an toàn thông tin cho cán bộ.",
            "date": day,
            **extra,
        },
    ]
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    return path


def ingest_elsewhere(path: Path, database_url: str, *flags: str) -> None:
    """`python bot.py ingest` in another process, as an operator would."""
    result = run("ingest", *flags, str(path), database_url=database_url)
    assert result.returncode == 0, result.stderr


def news_for(fake: FakeBotAPI, chat_id: int) -> list[dict[str, Any]]:
    """The news messages the bot sent a chat."""
    return [m for m in fake.bot_messages(chat_id) if m["text"].startswith(("🔔 Tin mới", "🗞"))]


def test_subscribers_get_new_articles_from_another_process_once(
    fake_api: FakeBotAPI, start_bot, bot_db: str, tmp_path: Path
) -> None:
    running = start_bot(**FAST)
    accented, unaccented, other = citizen(1), citizen(2), citizen(3)
    reply = ask(fake_api, accented, "/theodoi chuyển đổi số")
    assert reply["text"].startswith("✅ Đã theo dõi “chuyển đổi số”")
    assert ask(fake_api, unaccented, "/theodoi chuyen doi so")["text"].startswith("✅")
    assert ask(fake_api, other, "/theodoi phố sách")["text"].startswith("✅")

    started = time.monotonic()
    ingest_elsewhere(news_file(tmp_path), bot_db)
    for user in (accented, unaccented):
        (pushed,) = fake_api.wait_for(lambda u=user: news_for(fake_api, u["id"]), 60, "news")
        assert FRESH_TITLE in pushed["text"]
        assert "Vì bạn theo dõi" in pushed["text"]
        assert button(pushed, "🔕 Bỏ theo dõi")
    assert time.monotonic() - started < 60
    time.sleep(1.5)
    assert news_for(fake_api, other["id"]) == []  # phố sách: nothing new

    running.stop()
    running = start_bot(**FAST)
    ingest_elsewhere(news_file(tmp_path), bot_db)  # the same file again, after a restart
    ingest_elsewhere(news_file(tmp_path, "old.jsonl", days_ago=400), bot_db)  # the archive
    ingest_elsewhere(news_file(tmp_path, "quiet.jsonl"), bot_db, "--no-notify")
    time.sleep(2.5)
    assert len(news_for(fake_api, accented["id"])) == 1
    assert len(news_for(fake_api, unaccented["id"])) == 1


def test_following_shows_what_it_would_have_matched_and_drops_time_words(
    fake_api: FakeBotAPI, start_bot
) -> None:
    start_bot(**FAST)
    user = citizen(1)
    reply = ask(fake_api, user, "/theodoi phố sách tháng này")
    assert "bỏ qua phần thời gian (“tháng này”)" in reply["text"]
    listed = ask(fake_api, user, "/theodoi")
    assert "1. phố sách tháng này" in listed["text"]
    assert [label for label, _ in buttons(listed)][-1] == texts.UNFOLLOW_ALL_BUTTON
    fake_api.press(user, listed, button(listed, "❌ 1."))
    fake_api.wait_for(
        lambda: "chưa theo dõi" in fake_api.message(user["id"], listed["message_id"])["text"]
    )
    refused = ask(fake_api, user, "/theodoi tin hôm nay")
    assert refused["text"].startswith("Bot chưa thấy chủ đề")


def test_the_follow_button_under_results_subscribes_to_the_question(
    fake_api: FakeBotAPI, start_bot
) -> None:
    running = start_bot(**FAST)
    user = citizen(1)
    results = ask(fake_api, user, "phố sách")
    fake_api.press(user, results, button(results, texts.FOLLOW_BUTTON))
    fake_api.wait_for(
        lambda: any(m["text"].startswith("✅") for m in fake_api.bot_messages(user["id"]))
    )
    (mine,) = running.application.bot_data["state"].news.subscriptions("telegram", str(user["id"]))
    assert mine.query == "phố sách"


def test_each_category_of_the_list_has_a_follow_button(fake_api: FakeBotAPI, start_bot) -> None:
    running = start_bot(**FAST)
    user = citizen(1)
    menu = ask(fake_api, user, "/chuyenmuc")
    rows = menu["reply_markup"]["inline_keyboard"]
    category_rows = [row for row in rows if row[0]["text"].endswith(")")]
    assert category_rows and all(row[-1]["text"] == texts.FOLLOW_SHORT for row in category_rows)
    row = next(r for r in category_rows if r[0]["text"].startswith("Phố sách hà nội"))
    fake_api.press(user, menu, row[-1]["callback_data"])
    fake_api.wait_for(
        lambda: any(m["text"].startswith("✅") for m in fake_api.bot_messages(user["id"]))
    )
    (mine,) = running.application.bot_data["state"].news.subscriptions("telegram", str(user["id"]))
    assert mine.query is None and (mine.category or "").lower() == "phố sách hà nội"


def test_typed_words_follow_and_unfollow(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot(**FAST)
    user = citizen(1)
    assert ask(fake_api, user, "theo dõi an toàn thông tin")["text"].startswith("✅")
    assert ask(fake_api, user, "bỏ theo dõi 1")["text"].startswith("✅ Đã bỏ theo dõi")


def test_typed_words_go_through_the_core_with_the_same_buttons(
    fake_api: FakeBotAPI, start_bot
) -> None:
    start_bot(**FAST)
    user = citizen(1)
    followed = ask(fake_api, user, "theo doi an toan thong tin")
    assert followed["text"].startswith("✅ Đã theo dõi “an toan thong tin”")
    assert button(followed, "🔕 Bỏ theo dõi")
    ask(fake_api, user, "theo dõi học bổng")
    listed = ask(fake_api, user, "theo dõi")
    assert "1. an toan thong tin" in listed["text"] and "2. học bổng" in listed["text"]
    assert [label for label, _ in buttons(listed)][-1] == texts.UNFOLLOW_ALL_BUTTON
    assert ask(fake_api, user, "bỏ theo dõi 9")["text"] == texts.UNFOLLOW_UNKNOWN.format(number="9")
    assert ask(fake_api, user, "bỏ theo dõi tất cả")["text"] == texts.UNFOLLOWED_ALL.format(count=2)
    results = ask(fake_api, citizen(2), "phố sách")  # (a fresh user: no throttle)
    assert button(results, texts.FOLLOW_BUTTON)  # the 🔔 row as before


def test_a_blocked_chat_is_paused_and_not_retried(
    fake_api: FakeBotAPI, start_bot, bot_db: str, tmp_path: Path
) -> None:
    running = start_bot(**FAST)
    user = citizen(1)
    ask(fake_api, user, "/theodoi chuyển đổi số")
    fake_api.block(user)
    fake_api.expected_rejections.append(lambda call: call.status == 403)  # type: ignore[attr-defined]
    ingest_elsewhere(news_file(tmp_path), bot_db)
    desk = running.application.bot_data["state"].news
    fake_api.wait_for(lambda: desk.stats().paused_chats == 1, 30, "the chat paused")
    refused = [c for c in fake_api.recorded("sendMessage") if c.status == 403]
    ingest_elsewhere(news_file(tmp_path, "more.jsonl"), bot_db)
    time.sleep(2)
    assert [c for c in fake_api.recorded("sendMessage") if c.status == 403] == refused
    assert desk.stats().failed == 1


def test_a_429_is_waited_out_and_the_news_arrives_once(
    fake_api: FakeBotAPI, start_bot, bot_db: str, tmp_path: Path
) -> None:
    start_bot(**FAST)
    user = citizen(1)
    ask(fake_api, user, "/theodoi chuyển đổi số")
    fake_api.fail_next(user["id"], 429, "Too Many Requests: retry after 2", retry_after=2)
    fake_api.expected_rejections.append(lambda call: call.status == 429)  # type: ignore[attr-defined]
    ingest_elsewhere(news_file(tmp_path), bot_db)
    (pushed,) = fake_api.wait_for(lambda: news_for(fake_api, user["id"]), 60, "news")
    sends = [c for c in fake_api.recorded("sendMessage") if c.params["chat_id"] == str(user["id"])]
    refused = next(c for c in sends if c.status == 429)
    went = next(c for c in sends if c.ok and c.params["text"].startswith("🔔"))
    assert went.at - refused.at >= 1.9
    assert len(news_for(fake_api, user["id"])) == 1


def _pinned_clock(running: Any, hour: int) -> tuple[NewsDesk, list[datetime]]:
    """The running bot's news desk, its clock pinned to today at `hour`:00 in Vietnam (move it
    by assigning `clock[0]`)."""
    desk = running.application.bot_data["state"].news
    clock = [datetime.now(VIETNAM).replace(hour=hour, minute=0)]
    desk.clock = lambda: clock[0]
    return desk, clock


def test_quiet_hours_hold_news_until_the_morning(
    fake_api: FakeBotAPI, start_bot, bot_db: str, tmp_path: Path
) -> None:
    running = start_bot(news_check_seconds=0.3, quiet_hours="22:00-06:00")
    desk, clock = _pinned_clock(running, 23)
    user = citizen(1)
    ask(fake_api, user, "/theodoi chuyển đổi số")
    ingest_elsewhere(news_file(tmp_path), bot_db)
    fake_api.wait_for(lambda: desk.stats().waiting == 1, 30, "a delivery held")
    time.sleep(1)
    assert news_for(fake_api, user["id"]) == []
    clock[0] = clock[0] + timedelta(hours=7, minutes=1)  # 06:01
    fake_api.wait_for(lambda: news_for(fake_api, user["id"]), 30, "the morning's news")


def test_a_daily_digest_comes_at_its_hour(
    fake_api: FakeBotAPI, start_bot, bot_db: str, tmp_path: Path
) -> None:
    running = start_bot(**FAST)
    desk, clock = _pinned_clock(running, 10)
    user = citizen(1)
    ask(fake_api, user, "/theodoi chuyển đổi số")
    ask(fake_api, user, "/theodoi an toàn thông tin")
    settings = ask(fake_api, user, "/bantin")
    fake_api.press(user, settings, button(settings, texts.MODE_DAILY))
    fake_api.wait_for(
        lambda: "hằng ngày" in fake_api.message(user["id"], settings["message_id"])["text"]
    )
    ingest_elsewhere(news_file(tmp_path), bot_db)
    fake_api.wait_for(lambda: desk.stats().waiting == 2, 30, "deliveries held for the digest")
    clock[0] = clock[0] + timedelta(hours=21, minutes=1)  # 07:01 the next day
    (digest,) = fake_api.wait_for(lambda: news_for(fake_api, user["id"]), 30, "the digest")
    assert digest["text"].startswith("🗞 Bản tin hằng ngày – 2 bài mới")
    assert "chuyển đổi số" in digest["text"] and "an toàn thông tin" in digest["text"]
    assert "Trang" not in digest["text"] and "reply_markup" not in digest  # short: no pages


def many_news(tmp_path: Path, count: int) -> tuple[Path, list[str]]:
    """`count` articles about digital transformation published an hour apart; their titles,
    newest first."""
    moment = now()
    titles = [f"Chuyển đổi số ở đơn vị mã {n:02d} của tỉnh" for n in range(count)]
    records = [
        {
            "title": title,
            "url": f"https://so.gov.vn/chuyen-doi-so/{n}",
            "summary": f"Đơn vị mã {n:02d} triển khai chuyển đổi số trong quản lý hồ sơ.",
            "date": (moment - timedelta(hours=n)).strftime("%d/%m/%Y %H:%M"),
        }
        for n, title in enumerate(titles)
    ]
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    return path, titles


def _shows(text: str, titles: list[str], wanted: range) -> bool:
    """`text` names exactly the titles of `wanted`, in that order."""
    places = [text.find(title) for title in titles]
    shown = [n for n, place in enumerate(places) if place >= 0]
    return shown == list(wanted) and sorted(places[n] for n in shown) == [places[n] for n in shown]


def _daily_digest_of(
    fake_api: FakeBotAPI, running: Any, bot_db: str, tmp_path: Path, chat: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Follow “chuyển đổi số” in `chat` (as its admin), choose the daily digest, ingest 25
    articles and move the clock to the next morning: the digest's message(s)."""
    desk, clock = _pinned_clock(running, 10)
    admin = citizen(1)
    ask(fake_api, admin, "/theodoi chuyển đổi số", chat=chat)
    settings = ask(fake_api, admin, "/bantin", chat=chat)
    fake_api.press(admin, settings, button(settings, texts.MODE_DAILY))
    fake_api.wait_for(
        lambda: "hằng ngày" in fake_api.message(chat["id"], settings["message_id"])["text"]
    )
    path, titles = many_news(tmp_path, 25)
    ingest_elsewhere(path, bot_db)
    fake_api.wait_for(lambda: desk.stats().waiting == 25, 30, "deliveries held for the digest")
    clock[0] = clock[0] + timedelta(hours=21, minutes=1)  # 07:01 the next day
    (digest,) = fake_api.wait_for(lambda: news_for(fake_api, chat["id"]), 30, "the digest")
    time.sleep(1.5)
    assert len(news_for(fake_api, chat["id"])) == 1  # one message, not several
    return digest, titles


@pytest.mark.parametrize("where", ["private", "group"])
def test_a_long_digest_is_one_message_paged_with_buttons_even_after_a_restart(
    fake_api: FakeBotAPI, start_bot, bot_db: str, tmp_path: Path, where: str
) -> None:
    running = start_bot(**FAST)
    reader = citizen(1) if where == "private" else citizen(2)  # in a group: any member
    chat = FakeBotAPI.private_chat(citizen(1)) if where == "private" else FakeBotAPI.group()
    if where == "group":
        fake_api.set_admins(chat, {citizen(1)["id"]})
    digest, titles = _daily_digest_of(fake_api, running, bot_db, tmp_path, chat)
    assert digest["text"].startswith("🗞 Bản tin hằng ngày – 25 bài mới:\n📄 Trang 1/3\n")
    assert _shows(digest["text"], titles, range(0, 10))  # newest first
    assert [label for label, _ in buttons(digest)] == ["1/3", texts.NEXT]

    def page(number: int) -> dict[str, Any]:
        def shown() -> dict[str, Any] | None:
            message = fake_api.message(chat["id"], digest["message_id"])
            return message if f"Trang {number}/3" in message["text"] else None

        return fake_api.wait_for(shown, 15, f"page {number}")

    fake_api.press(reader, digest, button(digest, texts.NEXT))
    second = page(2)
    assert _shows(second["text"], titles, range(10, 20)) and "\n11. " in second["text"]
    assert [label for label, _ in buttons(second)] == [texts.PREVIOUS, "2/3", texts.NEXT]

    running.stop()  # the pages are the database's, not the process's
    start_bot(**FAST)
    fake_api.press(reader, second, button(second, texts.NEXT))
    last = page(3)
    assert _shows(last["text"], titles, range(20, 25))
    assert [label for label, _ in buttons(last)] == [texts.PREVIOUS, "3/3"]  # no next
    fake_api.press(reader, last, button(last, texts.PREVIOUS))
    assert _shows(page(2)["text"], titles, range(10, 20))


def test_a_forged_digest_page_is_answered_once_and_politely(
    fake_api: FakeBotAPI, start_bot, bot_db: str, tmp_path: Path
) -> None:
    running = start_bot(**FAST)
    user = citizen(1)
    digest, _ = _daily_digest_of(fake_api, running, bot_db, tmp_path, FakeBotAPI.private_chat(user))
    real = button(digest, texts.NEXT)  # g:d:<digest>:1
    _, period, digest_id, _ = real.split(":")
    forged = [
        f"g:{period}:{digest_id}:3",  # one past the last page
        f"g:{period}:{digest_id}:999999999",
        f"g:{period}:{int(digest_id) + 1}:0",  # a digest this chat never got
        f"g:x:{digest_id}:1",  # not digest data at all: a stale button
    ]
    ids = [fake_api.forge_press(user, digest, data) for data in forged]
    for query_id in ids:
        fake_api.wait_call(
            "answerCallbackQuery", lambda c, q=query_id: c.params["callback_query_id"] == q
        )
    time.sleep(0.5)
    answers = fake_api.recorded("answerCallbackQuery")
    for query_id, data in zip(ids, forged, strict=True):
        (answer,) = [c for c in answers if c.params["callback_query_id"] == query_id]
        expected = texts.RESULTS_EXPIRED if data.startswith("g:x") else texts.DIGEST_PAGE_GONE
        assert answer.ok and answer.params["text"] == expected, data
        assert answer.params["show_alert"] == "true"
    current = fake_api.message(user["id"], digest["message_id"])
    assert current["text"] == digest["text"]  # the digest is left as it was


def test_a_channel_gets_its_digest_without_buttons(
    fake_api: FakeBotAPI, start_bot, bot_db: str, tmp_path: Path
) -> None:
    from .test_bot import ADMIN

    running = start_bot(**FAST)
    desk, clock = _pinned_clock(running, 10)
    channel = FakeBotAPI.channel()
    fake_api.set_admins(channel, {fake_api.bot_user["id"]})
    ask(fake_api, ADMIN, "/kenh @sotttt_tin chuyển đổi số")
    desk.configure("telegram", "@sotttt_tin", mode=DeliveryMode.DAILY)  # no /bantin in a channel
    path, titles = many_news(tmp_path, 25)
    ingest_elsewhere(path, bot_db)
    fake_api.wait_for(lambda: desk.stats().waiting == 25, 30, "deliveries held for the digest")
    clock[0] = clock[0] + timedelta(hours=21, minutes=1)
    fake_api.wait_for(lambda: news_for(fake_api, channel["id"]), 30, "the channel's digest")
    time.sleep(1.5)
    posts = news_for(fake_api, channel["id"])
    assert all("reply_markup" not in post for post in posts)  # nothing for readers to press
    assert _shows("\n".join(p["text"] for p in posts), titles, range(25))


def test_in_a_group_only_its_admins_may_subscribe(fake_api: FakeBotAPI, start_bot) -> None:
    running = start_bot(**FAST)
    group = FakeBotAPI.group()
    admin, member = citizen(1), citizen(2)
    fake_api.set_admins(group, {admin["id"]})
    refused = ask(fake_api, member, "/theodoi chuyển đổi số", chat=group)
    assert refused["text"] == texts.GROUP_ADMINS_ONLY
    assert ask(fake_api, admin, "/theodoi chuyển đổi số", chat=group)["text"].startswith("✅")
    desk = running.application.bot_data["state"].news
    assert len(desk.subscriptions("telegram", str(group["id"]))) == 1


def test_deliveries_are_logged_as_sent(
    fake_api: FakeBotAPI, start_bot, bot_db: str, tmp_path: Path
) -> None:
    running = start_bot(**FAST)
    user = citizen(1)
    ask(fake_api, user, "/theodoi chuyển đổi số")
    ingest_elsewhere(news_file(tmp_path), bot_db)
    fake_api.wait_for(lambda: news_for(fake_api, user["id"]), 60, "news")
    desk = running.application.bot_data["state"].news
    fake_api.wait_for(lambda: desk.stats().sent == 1, 10, "the delivery logged")
    assert DeliveryStatus.SENT == "sent"


def test_a_channel_is_attached_only_where_the_bot_may_post(
    fake_api: FakeBotAPI, start_bot, bot_db: str, tmp_path: Path
) -> None:
    from .test_bot import ADMIN

    start_bot(**FAST)
    channel = FakeBotAPI.channel()
    fake_api.set_admins(channel, set())
    refused = ask(fake_api, ADMIN, "/kenh @sotttt_tin")
    assert refused["text"].startswith("Bot chưa là quản trị viên")
    fake_api.expected_rejections.append(lambda call: call.method == "getChatMember")  # type: ignore[attr-defined]
    assert ask(fake_api, ADMIN, "/kenh @khong_co")["text"].startswith("Bot không tìm thấy kênh")
    assert ask(fake_api, citizen(1), "/kenh @sotttt_tin")["text"] == texts.ADMIN_ONLY
    fake_api.set_admins(channel, {fake_api.bot_user["id"]})
    attached = ask(fake_api, ADMIN, "/kenh @sotttt_tin chuyển đổi số")
    assert attached["text"].startswith("✅ Từ nay bot sẽ tự đăng lên kênh @sotttt_tin")
    ingest_elsewhere(news_file(tmp_path), bot_db)
    (post,) = fake_api.wait_for(lambda: news_for(fake_api, channel["id"]), 60, "a channel post")
    assert FRESH_TITLE in post["text"]
    assert "reply_markup" not in post and "Vì bạn theo dõi" not in post["text"]


def test_stats_count_subscriptions(fake_api: FakeBotAPI, start_bot) -> None:
    from .test_bot import ADMIN

    start_bot(**FAST)
    ask(fake_api, citizen(1), "/theodoi chuyển đổi số")
    stats = ask(fake_api, ADMIN, "/stats")
    assert "Theo dõi tin: 1 chủ đề của 1 cuộc trò chuyện" in stats["text"]


def test_an_announcement_reaches_every_subscribed_chat_once(
    fake_api: FakeBotAPI, start_bot
) -> None:
    from .test_bot import ADMIN

    running = start_bot(**FAST)
    for number in (1, 2):
        ask(fake_api, citizen(number), "/theodoi chuyển đổi số")
    ask(fake_api, citizen(3), "hội thảo")  # asks, follows nothing
    confirm = ask(fake_api, ADMIN, "/thongbao Cổng dịch vụ công <b>bảo trì</b> tối nay")
    assert confirm["text"].startswith("📣 Gửi thông báo này tới 2 cuộc trò chuyện")
    fake_api.press(ADMIN, confirm, button(confirm, texts.ANNOUNCE_SEND_BUTTON))
    for number in (1, 2):
        fake_api.wait_for(
            lambda n=number: [
                m for m in fake_api.bot_messages(citizen(n)["id"]) if m["text"].startswith("📣")
            ],
            30,
            "the announcement",
        )
    time.sleep(1.5)
    for number in (1, 2):
        got = [m for m in fake_api.bot_messages(citizen(number)["id"]) if "📣" in m["text"]]
        assert len(got) == 1 and "<b>bảo trì</b>" in got[0]["text"]
    assert not [m for m in fake_api.bot_messages(citizen(3)["id"]) if "📣" in m["text"]]
    assert running.application.bot_data["state"].news.stats().sent == 2


def test_a_deleted_chat_is_paused_too(
    fake_api: FakeBotAPI, start_bot, bot_db: str, tmp_path: Path
) -> None:
    running = start_bot(**FAST)
    user = citizen(1)
    ask(fake_api, user, "/theodoi chuyển đổi số")
    fake_api.run(lambda: fake_api.chats.pop(user["id"]))  # the chat no longer exists
    fake_api.expected_rejections.append(lambda call: call.status == 400)  # type: ignore[attr-defined]
    ingest_elsewhere(news_file(tmp_path), bot_db)
    desk = running.application.bot_data["state"].news
    fake_api.wait_for(lambda: desk.stats().paused_chats == 1, 30, "the chat paused")
    assert desk.subscriber("telegram", str(user["id"])).paused
