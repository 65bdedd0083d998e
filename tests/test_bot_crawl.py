"""Crawling from the running bot, end to end: the real Application against the fake Bot API over
real HTTP, and the local HTTP server serving the saved Liferay portal. `/crawl` by an admin, the
scheduled crawl, `/stats` with each source's health, and the bot answering meanwhile."""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot import texts
from index.store.models import CrawlRun

from . import sites
from .conftest import ADMIN_ID
from .fakebotapi import FakeBotAPI
from .httpserver import Reply, TestServer
from .test_bot import ADMIN, ask, citizen

CRAWLER = "[crawler]\ndelay = 0\ntimeout = 2\nretries = 0\nbackoff = 0.01\n"
CASH_TITLE = "Chính thức kích hoạt Sự kiện không dùng tiền mặt năm 2022"


def sources_file(tmp_path: Path, text: str = "", one_at_a_time: bool = False) -> str:
    """A sources file with test-speed politeness (one request at a time to a host, if asked),
    and `text` after it."""
    path = tmp_path / "sources.toml"
    policy = CRAWLER + ("concurrency = 1\n" if one_at_a_time else "")
    path.write_text(policy + text, encoding="utf-8")
    return str(path)


def liferay_source(server: TestServer, name: str = "so-test", **keys: str) -> str:
    """A [[source]] table for the saved list page (one page: the portal's page 2 is not saved)."""
    extra = "".join(f"{key} = {value}\n" for key, value in keys.items())
    return (
        f'[[source]]\nname = "{name}"\nbase_url = "{server.url("/")}"\n'
        f'lists = ["{server.url(sites.LIST_PATH)}"]\nmax_pages = 1\n{extra}'
    )


def progress_edits(fake: FakeBotAPI, message: dict[str, Any]) -> list[str]:
    """The texts a message was edited to, in order."""
    return [
        c.params["text"]
        for c in fake.recorded("editMessageText")
        if c.ok and c.params["message_id"] == str(message["message_id"])
    ]


def wait_summary(fake: FakeBotAPI, progress: dict[str, Any], timeout: float = 30) -> str:
    """The progress message once it has become the crawl's summary."""
    return fake.wait_for(
        lambda: (
            (text := fake.message(ADMIN_ID, progress["message_id"])["text"]).startswith(
                ("✅", "⚠️", "Nguồn")
            )
            and text
        ),
        timeout,
        "the crawl summary",
    )


def first_link(message: dict[str, Any]) -> str:
    """The url of the first link in a message (the best result's title)."""
    return next(e["url"] for e in message["entities"] if e["type"] == "text_link")


def slow_articles(server: TestServer, items: list[sites.Expected], seconds: float) -> None:
    """Each article page of the saved portal answers after `seconds`."""
    for item in items:
        server.add(
            item.url.removeprefix(server.url("")),
            Reply(sites.liferay_detail(item).encode(), delay=seconds),
        )


# -- /crawl by hand ------------------------------------------------------------------------


def test_admin_crawl_of_the_saved_list_page_stores_its_ten_articles_and_they_are_found(
    fake_api: FakeBotAPI, start_bot, server: TestServer, tmp_path: Path, sqlite_url: str
) -> None:
    items = sites.serve_liferay(server)
    slow_articles(server, items, 0.15)  # long enough for a few progress edits
    running = start_bot(
        database_url=sqlite_url,  # empty: the sample has these articles, from the real portal
        sources_file=sources_file(tmp_path),
        crawl_progress_seconds=0.2,
    )
    user = citizen(1)
    assert ask(fake_api, user, "không dùng tiền mặt")["text"].startswith("Rất tiếc")

    command = fake_api.send_text(ADMIN, f"/crawl {server.url(sites.LIST_PATH)}")
    progress = fake_api.wait_reply(command)[0]
    assert progress["text"] == texts.CRAWL_STARTED
    summary = wait_summary(fake_api, progress)
    lines = summary.split("\n")
    # The saved list page links to its page 2, which was not saved: one failure, listed.
    assert lines[0] == "⚠️ Thu thập xong nguồn “127.0.0.1”: mới 10, cập nhật 0, không đổi 0, lỗi 1."
    assert "🔎 Các bài mới đã có thể tìm thấy ngay." in lines
    assert lines[-2] == "Các trang gặp sự cố (1):"
    assert lines[-1].startswith("⚠️ Lỗi http://127.0.0.1:") and lines[-1].endswith(
        "_101_cur=2: máy chủ trả lỗi HTTP 404"
    )
    edits = progress_edits(fake_api, progress)
    assert any(
        e.startswith("⏳ Đang thu thập nguồn “127.0.0.1”\n📥 Đang tải bài viết: ")
        and "/10 trang\nĐến giờ: " in e
        for e in edits[:-1]
    ), edits

    with running.archive.store.sessions() as session:  # the ten articles, stored once each
        assert session.scalar(select(CrawlRun.added)) == 10
    answer = ask(fake_api, user, "không dùng tiền mặt")  # without a restart
    assert answer["text"].split("\n")[3] == f"1. {CASH_TITLE}"
    assert first_link(answer) == items[0].url  # the first title links to the page
    assert running.archive.stats().articles == 10

    again = fake_api.send_text(ADMIN, f"/crawl {server.url(sites.LIST_PATH)}")
    second = wait_summary(fake_api, fake_api.wait_reply(again)[0])
    assert second == "✅ Thu thập xong nguồn “127.0.0.1”: mới 0, cập nhật 0, không đổi 10, lỗi 0."
    assert running.archive.stats().articles == 10

    _assert_stats_show_the_crawled_source(fake_api)


def _assert_stats_show_the_crawled_source(fake_api: FakeBotAPI) -> None:
    """/stats after two crawls of the saved list page: ten articles, the url's host as a source
    outside the sources file, its last run a success and its first run's error kept."""
    stats = ask(fake_api, ADMIN, "/stats")["text"].split("\n")
    assert "• Số bài viết: 10" in stats
    health = stats[stats.index("🌐 Thu thập tin") + 1 :]
    mine = next(line for line in health if line.startswith("• 127.0.0.1 (ngoài tệp nguồn): "))
    assert re.fullmatch(
        r"• 127\.0\.0\.1 \(ngoài tệp nguồn\): lần cuối \d\d/\d\d/\d{4} \d\d:\d\d, thành công; "
        r"0 bài mới, 0 cập nhật, 0 trang lỗi; tổng 10 bài",
        mine,
    )
    error = health[health.index(mine) + 1]  # of the first run, the one that had an error
    assert (
        error.startswith("   ⚠️ Lỗi gần nhất (") and "): máy chủ trả lỗi HTTP 404 – http://" in error
    )
    assert len(health) == 2  # the one source crawled: the sources file names none


def test_crawl_of_a_named_source_even_disabled_and_of_an_unknown_one(
    fake_api: FakeBotAPI, start_bot, server: TestServer, tmp_path: Path
) -> None:
    sites.serve_liferay(server)
    other = '[[source]]\nname = "so-<khác>"\nbase_url = "http://127.0.0.1:9/"\nenabled = false\n'
    text = liferay_source(server, enabled="false") + other
    start_bot(sources_file=sources_file(tmp_path, text), crawl_check_seconds=0)

    unknown = ask(fake_api, ADMIN, "/crawl so-<sai> & x")["text"]
    assert unknown == (
        "Không tìm thấy nguồn “so-<sai> & x”. Các nguồn hiện có: so-test, so-<khác>. Bạn cũng có "
        "thể gõ /crawl kèm địa chỉ một trang, bắt đầu bằng http:// hoặc https://."
    )
    command = fake_api.send_text(ADMIN, "/crawl SO-TEST")  # names are case-insensitive
    summary = wait_summary(fake_api, fake_api.wait_reply(command)[0])
    assert (
        summary
        == "✅ Thu thập xong nguồn “so-test”: mới 10, cập nhật 0, không đổi 0, lỗi 0.\n"
        + ("🔎 Các bài mới đã có thể tìm thấy ngay.")
    )


def test_crawl_without_an_enabled_source_says_what_to_do(
    fake_api: FakeBotAPI, start_bot, tmp_path: Path
) -> None:
    start_bot(sources_file=sources_file(tmp_path))
    assert ask(fake_api, ADMIN, "/crawl")["text"] == texts.NO_ENABLED_SOURCE


def test_questions_are_answered_during_a_crawl_and_a_second_crawl_is_told_to_wait(
    fake_api: FakeBotAPI, start_bot, server: TestServer, tmp_path: Path
) -> None:
    items = sites.serve_liferay(server)
    slow_articles(server, items, 0.4)
    start_bot(
        sources_file=sources_file(tmp_path, liferay_source(server), one_at_a_time=True),
        crawl_check_seconds=0,
        crawl_progress_seconds=0.3,
    )
    command = fake_api.send_text(ADMIN, "/crawl")  # every enabled source
    progress = fake_api.wait_reply(command)[0]
    fake_api.wait_for(lambda: server.hits[items[0].url.removeprefix(server.url(""))], what="a page")
    assert ask(fake_api, ADMIN, "/crawl so-test")["text"] == texts.CRAWL_BUSY
    questions = [
        fake_api.send_text(citizen(i), q)
        for i in range(1, 6)
        for q in ("hội thảo chính quyền điện tử", "phố sách")
    ]
    for question in questions:
        fake_api.wait_reply(question)
    answered = max(c.at for c in fake_api.recorded("sendMessage"))
    summary = wait_summary(fake_api, progress)
    assert summary.startswith("✅ Thu thập xong nguồn “so-test”: mới 10,")
    finished = progress_edits(fake_api, progress)
    assert len(finished) >= 2  # progress, then the summary
    last_edit = max(c.at for c in fake_api.recorded("editMessageText"))
    assert answered < last_edit  # every question answered while the crawl was still going
    assert all(fake_api.replies_to(q)[0]["text"].startswith("🔎") for q in questions)


# -- the scheduled crawl -------------------------------------------------------------------


def test_the_running_bot_crawls_a_due_source_by_itself_and_finds_its_articles(
    fake_api: FakeBotAPI,
    start_bot,
    server: TestServer,
    tmp_path: Path,
    sqlite_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    items = sites.serve_liferay(server)
    caplog.set_level(logging.INFO, logger="bot")
    text = liferay_source(server, interval='"1m"') + liferay_source(
        server, "so-tat", enabled="false"
    )
    running = start_bot(
        database_url=sqlite_url,
        sources_file=sources_file(tmp_path, text),
        crawl_check_seconds=0.2,
    )
    fake_api.wait_for(  # from an empty database
        lambda: running.archive.stats().indexed == 10,
        timeout=30,
        what="the scheduled crawl to bring ten articles into the index",
    )
    answer = ask(fake_api, citizen(1), "không dùng tiền mặt")  # the same bot: no restart
    assert answer["text"].split("\n")[3] == f"1. {CASH_TITLE}"
    assert first_link(answer) == items[0].url
    health = {h.name: h for h in running.archive.crawl_health()}
    assert set(health) == {"so-test"}  # the disabled source was left alone
    assert (health["so-test"].last_status, health["so-test"].last_added) == ("ok", 10)
    stats = ask(fake_api, ADMIN, "/stats")["text"].split("\n")
    assert any(
        line.startswith("• so-test (đang bật): lần cuối ")
        and line.endswith(", thành công; 10 bài mới, 0 cập nhật, 0 trang lỗi; tổng 10 bài")
        for line in stats
    ), stats
    assert "• so-tat (đang tắt): chưa thu thập lần nào" in stats
    time.sleep(0.6)  # three more checks: the source is not due again before its interval
    with running.archive.store.sessions() as session:
        assert len(session.scalars(select(CrawlRun)).all()) == 1
    assert fake_api.recorded("editMessageText") == []  # nobody is messaged about it
    messages = [r.getMessage() for r in caplog.records]
    assert "crawling so-test on their intervals (checked every 0.2 s)" in messages
    assert "crawled so-test: new 10, updated 0, unchanged 0, failed 0" in messages


def test_a_scheduled_crawl_that_fails_is_logged_and_the_bot_goes_on(
    fake_api: FakeBotAPI,
    start_bot,
    server: TestServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import index.crawl.finder

    sites.serve_liferay(server)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(index.crawl.finder.Finder, "discover", broken)
    caplog.set_level(logging.INFO, logger="bot")
    text = liferay_source(server, interval='"1m"')
    running = start_bot(sources_file=sources_file(tmp_path, text), crawl_check_seconds=0.2)
    record = fake_api.wait_for(
        lambda: next(
            (r for r in caplog.records if r.getMessage() == "crawl of so-test failed"), None
        ),
        what="the failure to be logged",
    )
    assert record.levelno == logging.ERROR and "disk on fire" in str(record.exc_info[1])
    (health,) = running.archive.crawl_health()
    assert health.last_status == "interrupted"  # the crawler recorded the run
    assert ask(fake_api, citizen(1), "phố sách")["text"].startswith("🔎")


def test_stopping_the_bot_stops_a_crawl_after_its_current_page(
    fake_api: FakeBotAPI, start_bot, server: TestServer, tmp_path: Path
) -> None:
    items = sites.serve_liferay(server)
    slow_articles(server, items, 0.5)
    text = sources_file(tmp_path, liferay_source(server), one_at_a_time=True)
    running = start_bot(sources_file=text, crawl_check_seconds=0)
    command = fake_api.send_text(ADMIN, "/crawl so-test")
    progress = fake_api.wait_reply(command)[0]
    fake_api.wait_for(lambda: server.hits[items[1].url.removeprefix(server.url(""))], what="pages")
    started = time.monotonic()
    running.stop()
    assert time.monotonic() - started < 5  # not the ten pages' five seconds and more
    assert fake_api.message(ADMIN_ID, progress["message_id"])["text"] == (
        "Nguồn “so-test”: ⏹ dừng giữa chừng vì bot đang tắt; lần chạy sau sẽ làm tiếp."
    )
    (health,) = running.archive.crawl_health()
    assert health.last_status == "interrupted" and 0 < health.articles < 10
