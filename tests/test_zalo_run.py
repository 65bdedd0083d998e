"""The Zalo channel end to end: the real `python bot.py run` against the fake Zalo Bot API
server over HTTP (long polling, the webhook with and without its secret, both channels in one
process), as an operator runs it and as citizens write to it."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot import texts
from bot.conversation import Said
from index import Archive

from .conftest import ROOT
from .fakebotapi import FakeBotAPI
from .fakezaloapi import TEXT_LIMIT, ZALO_TOKEN, FakeZaloAPI
from .test_bot_run import BotProcess, _environment  # the same process and environment

SEED_TITLE = "Hội thảo xây dựng chính quyền điện tử và đô thị thông minh tỉnh Hòa Bình năm 2019"
SECRET = "test-chat-id-secret-0123456789"
ADMIN = FakeZaloAPI.user("ad00000000000000admin", "Quản trị")
LATEST_HINT = "👉 Gõ “mới” để xem tin mới nhất."
LONG_TITLE = "Báo cáo tổng kết chuyển đổi số toàn tỉnh năm 2024 rất dài"


def _long_article(folder: Path) -> Path:
    """A JSON Lines file with one article of about 14,000 characters (7+ Zalo messages)."""
    paragraphs = [
        f"Đoạn {n}: Sở Thông tin và Truyền thông tổng kết việc triển khai chuyển đổi số tại các "
        "huyện, thành phố; nhiều thủ tục hành chính đã được cung cấp trực tuyến toàn trình, "
        "người dân nộp hồ sơ qua Cổng dịch vụ công và nhận kết quả tại nhà. " * 2
        for n in range(1, 41)
    ]
    record = {
        "title": LONG_TITLE,
        "url": "https://so.example.gov.vn/tin-tuc/bao-cao-chuyen-doi-so-2024",
        "date": "2024-12-20T09:00:00+07:00",
        "category": "Công nghệ thông tin",
        "body": "\n".join(paragraphs),
    }
    path = folder / "long.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def zalo_db(sample_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The sample, plus one long article, for the tests of this module."""
    folder = tmp_path_factory.mktemp("zalo")
    target = folder / "bot.sqlite3"
    shutil.copyfile(sample_db_file, target)
    url = f"sqlite:///{target}"
    archive = Archive.open(url)
    try:
        assert archive.ingest([_long_article(folder)]).added == 1
    finally:
        archive.close()
    return url


def _db_copy(zalo_db: str, tmp_path: Path) -> str:
    target = tmp_path / "own.sqlite3"
    shutil.copyfile(zalo_db.removeprefix("sqlite:///"), target)
    return f"sqlite:///{target}"


def _zalo_settings(api: FakeZaloAPI, database: str, **more: str) -> dict[str, str]:
    return {
        "ZALO_BOT_TOKEN": api.token,
        "ZALO_API_BASE_URL": api.base_url,
        "ZALO_ADMIN_IDS": ADMIN["id"],
        "DATABASE_URL": database,
        # its own index: copies of the sample share the database's identity, and another
        # test's copy (with other articles) must not answer for this one
        "INDEX_DIR": database.removeprefix("sqlite:///") + "-index",
        "LOAD_SAMPLE": "false",
        "CHAT_ID_SECRET": SECRET,
        "CRAWL_CHECK_SECONDS": "0",
        "USER_BURST": "8",
        **more,
    }


@pytest.fixture(scope="module")
def zalo(
    zalo_db: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FakeZaloAPI, BotProcess]]:
    """One fake Zalo server and one `python bot.py run` polling it, for the module's citizens
    (each test writes as its own user)."""
    api = FakeZaloAPI().start()
    log = tmp_path_factory.mktemp("zalo-log") / "bot.log"
    running = BotProcess(log, _environment(**_zalo_settings(api, zalo_db)))
    try:
        api.wait_polling()
        yield api, running
        assert running.stop() == 0, running.output
        assert "Traceback" not in running.output, running.output
    finally:
        running.kill()
        api.stop()


_users = iter(range(1, 10_000))


@pytest.fixture
def citizen(zalo: tuple[FakeZaloAPI, BotProcess]) -> dict[str, Any]:
    """A new Zalo user (the throttle and the conversation are per user)."""
    return FakeZaloAPI.user(f"c{next(_users):04d}e4ea2cd5189df1c3", "Nguyễn Văn A")


@pytest.fixture
def ask(zalo: tuple[FakeZaloAPI, BotProcess]) -> Callable[[dict[str, Any], str | None], list[str]]:
    """Write to the bot; its answer (every message proven within Zalo's rules)."""
    api = zalo[0]

    def ask(user: dict[str, Any], text: str | None) -> list[str]:
        answer = api.wait_answer(api.send_text(user, text))
        for message in answer:
            _assert_plain(message)
        assert not api.rejections, api.rejections
        return answer

    return ask


def _assert_plain(message: str) -> None:
    """A Zalo message: 1 to 2,000 characters, no HTML markup or entity leaking."""
    assert 1 <= len(message) <= TEXT_LIMIT
    for leak in ("<b>", "</b>", "<a ", "</a>", "&amp;", "&lt;", "&gt;", "&quot;"):
        assert leak not in message, message


# -- questions, follow-ups, pages ---------------------------------------------------------------


@pytest.mark.parametrize(
    "question", ["hội thảo chính quyền điện tử", "hoi thao chinh quyen dien tu"],
    ids=["accented", "unaccented"],
)  # fmt: skip
def test_a_question_is_answered_in_plain_text_with_words_to_type(
    ask: Callable[..., list[str]], citizen: dict[str, Any], question: str
) -> None:
    answer = ask(citizen, question)
    text = "\n".join(answer)
    assert f"1. {SEED_TITLE}" in text.replace("…", "") or f"1. {SEED_TITLE[:60]}" in text
    assert "Bài 1–5 trong" in text
    assert answer[-1].endswith(
        "“đọc 1” để đọc bài 1, “tiếp” để xem thêm, “👍” hoặc “👎” để cho biết câu trả lời có "
        f"đúng không, “theo dõi {question}” để nhận tin mới về chủ đề này."
    )


def test_the_bot_is_typing_while_it_searches(
    zalo: tuple[FakeZaloAPI, BotProcess], ask: Callable[..., list[str]], citizen: dict[str, Any]
) -> None:
    ask(citizen, "chuyển đổi số")
    mine = [c for c in zalo[0].recorded() if c.params.get("chat_id") == citizen["id"]]
    assert [c.method for c in mine][:2] == ["sendChatAction", "sendMessage"]
    assert mine[0].params["action"] == "typing"


def test_pages_turn_with_tiep_and_truoc_and_articles_open_with_doc_2(
    ask: Callable[..., list[str]], citizen: dict[str, Any]
) -> None:
    first = ask(citizen, "hội thảo chính quyền điện tử")[0]
    second_title = first.split("\n2. ", 1)[1].split("\n", 1)[0].rstrip("…")
    assert "Bài 6–10 trong" in "\n".join(ask(citizen, "tiếp"))
    back = "\n".join(ask(citizen, "trước"))
    assert "Bài 1–5 trong" in back
    article = ask(citizen, "đọc 2")
    assert article[0].startswith(second_title)
    url_line = article[0].split("\n")[1]
    assert url_line.strip().startswith("https://")  # the link on its own line


def test_a_follow_up_keeps_the_period_of_the_question_before(
    ask: Callable[..., list[str]], citizen: dict[str, Any]
) -> None:
    ask(citizen, "hội sách năm 2019")
    follow_up = "\n".join(ask(citizen, "còn hội thảo thì sao"))
    assert "hội thảo" in follow_up and "2019" in follow_up


def test_doc_commands_and_the_latest(
    ask: Callable[..., list[str]], citizen: dict[str, Any]
) -> None:
    assert ask(citizen, "/doc_1")[0].startswith(SEED_TITLE[:40])
    assert ask(citizen, "/doc 1")[0].startswith(SEED_TITLE[:40])
    assert ask(citizen, "/doc") == [texts.DOC_NEEDS_NUMBER]
    assert ask(citizen, "mới")[0].startswith(texts.LATEST_HEADING)
    assert ask(citizen, "/moi")[0].startswith(texts.LATEST_HEADING)
    assert "chuyên mục Công nghệ thông tin" in "\n".join(ask(citizen, "chuyên mục"))


def test_a_long_article_comes_three_messages_at_a_time(
    ask: Callable[..., list[str]], citizen: dict[str, Any]
) -> None:
    found = ask(citizen, "báo cáo tổng kết chuyển đổi số toàn tỉnh năm 2024")[0]
    assert f"1. {LONG_TITLE}" in found
    windows = [ask(citizen, "đọc 1")]
    assert windows[0][0].startswith(LONG_TITLE)
    while READ_ON.search(windows[-1][-1]):
        assert len(windows[-1]) == 3
        windows.append(ask(citizen, "đọc tiếp" if len(windows) % 2 else "doc tiep"))
    assert len(windows) == 4  # about 14,000 characters: 10 messages
    shown = [READ_ON.search(w[-1]) for w in windows[:-1]]
    assert [(m[1], m[2]) for m in shown if m] == [("1", "4"), ("2", "4"), ("3", "4")]
    assert ask(citizen, "đọc tiếp") == [texts.ZALO_NOTHING_TO_READ_ON]
    pieces = "\n".join(m for w in windows for m in w)
    assert set(re.findall(r"Đoạn (\d+):", pieces)) == {str(n) for n in range(1, 41)}


READ_ON = re.compile(r"Bài còn tiếp \((\d+)/(\d+) phần\)\. Gõ “đọc tiếp” để xem phần sau\.$")


def test_small_talk_and_a_greeting(ask: Callable[..., list[str]], citizen: dict[str, Any]) -> None:
    assert ask(citizen, "cảm ơn bạn nhiều nhé") == [f"{texts.SAID[Said.THANKS]}\n\n{LATEST_HINT}"]
    hello = ask(citizen, "/start")
    assert hello[0].startswith("👋 Xin chào Nguyễn Văn A!")


def test_what_is_not_text_and_unknown_commands(
    ask: Callable[..., list[str]], citizen: dict[str, Any]
) -> None:
    assert ask(citizen, None) == [texts.TEXT_ONLY]
    assert ask(citizen, "/khongco") == [texts.UNKNOWN_COMMAND]
    assert ask(citizen, "/tim") == [texts.FIND_NEEDS_QUESTION]


def test_a_very_long_message_is_answered_within_the_limits(
    ask: Callable[..., list[str]], citizen: dict[str, Any]
) -> None:
    answer = ask(citizen, "chuyển đổi số " * 1500)  # 21,000 characters
    assert answer and all(len(m) <= TEXT_LIMIT for m in answer)


# -- admins ----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["/stats", "/reindex", "/crawl", "/ingest", "/xoa 1"])
def test_an_admin_command_is_refused_to_a_citizen(
    ask: Callable[..., list[str]], citizen: dict[str, Any], command: str
) -> None:
    assert ask(citizen, command) == [texts.ADMIN_ONLY]


def test_admin_commands_work_for_zalo_admins_except_ingest(
    ask: Callable[..., list[str]], zalo: tuple[FakeZaloAPI, BotProcess]
) -> None:
    assert ask(ADMIN, "/stats")[0].startswith(texts.STATS_HEADING)
    assert ask(ADMIN, "/ingest") == [texts.ZALO_INGEST_TELEGRAM_ONLY]
    api = zalo[0]
    started = api.send_text(ADMIN, "/reindex")
    done = api.wait_for(
        lambda: len(api.answers_to(started)) >= 2 and api.answers_to(started), 90, "the report"
    )
    assert done[0] == texts.REINDEX_STARTED and done[1].startswith("✅ Lập chỉ mục xong")
    help_text = "\n".join(ask(ADMIN, "/help"))
    assert "/reindex" in help_text and "/stats" in help_text


# -- Zalo's habits -----------------------------------------------------------------------------


def test_a_redelivered_message_is_answered_once(
    zalo: tuple[FakeZaloAPI, BotProcess], citizen: dict[str, Any]
) -> None:
    api = zalo[0]
    update = api.send_text(citizen, "chuyển đổi số")
    answer = api.wait_answer(update)
    api.deliver(update)  # Zalo sends it again
    later = api.send_text(citizen, "cảm ơn")
    thanks = api.wait_answer(later)
    assert api.said_to(citizen) == answer + thanks  # not the answer again


def test_a_flood_is_asked_to_wait(zalo: tuple[FakeZaloAPI, BotProcess], citizen: dict) -> None:
    api = zalo[0]
    for n in range(12):  # USER_BURST is 8
        api.send_text(citizen, f"cảm ơn {n}")

    def waits() -> list[str]:
        return [m for m in api.said_to(citizen) if m.startswith("⏳ Bạn gửi hơi nhanh")]

    api.wait_for(lambda: len(waits()) >= 3, what="the flood to be asked to wait")
    time.sleep(1.0)
    assert len(api.said_to(citizen)) == 12  # each message answered once: words, or to wait
    assert api.pending_updates() == 0


def test_a_429_or_a_temporary_failure_is_retried(
    ask: Callable[..., list[str]], zalo: tuple[FakeZaloAPI, BotProcess], citizen: dict
) -> None:
    api = zalo[0]
    api.fail_next("sendMessage", 429, 502)
    before = len(api.rejections)
    update = api.send_text(citizen, "cảm ơn bạn")
    assert api.wait_answer(update, timeout=30) == [f"{texts.SAID[Said.THANKS]}\n\n{LATEST_HINT}"]
    refused = api.rejections[before:]
    assert [c.code for c in refused] == [429, 502]
    api.run(lambda: [api.calls.remove(c) for c in refused])  # expected: not a failure


def test_a_user_who_blocked_the_bot_is_logged_once_not_retried(
    zalo: tuple[FakeZaloAPI, BotProcess], citizen: dict
) -> None:
    api, running = zalo
    api.block(citizen)
    for text in ("chuyển đổi số", "hội sách"):
        api.send_text(citizen, text)

    def refused() -> list:
        return [c for c in api.rejections if c.params.get("chat_id") == citizen["id"]]

    def sends() -> list:
        return [c for c in refused() if c.method == "sendMessage"]

    api.wait_for(lambda: len(sends()) >= 2, what="two answers tried")
    time.sleep(1.0)
    assert [c.code for c in sends()] == [403, 403]  # one try per answer, no retries
    assert running.output.count(f"cannot write to Zalo chat {citizen['id']}") == 1
    expected = refused()
    api.run(lambda: [api.calls.remove(c) for c in expected])


# -- running ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _post_status(url: str, body: bytes, headers: dict[str, str]) -> int | None:
    """The status of a post, None when the server closed the connection before answering."""
    try:
        return httpx.post(url, content=body, headers=headers).status_code
    except httpx.TransportError:
        return None


def _accepts_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.fixture
def zalo_api() -> Iterator[FakeZaloAPI]:
    api = FakeZaloAPI().start()
    try:
        yield api
    finally:
        api.stop()


def test_webhook_mode_takes_posts_with_the_secret_token_only(
    zalo_api: FakeZaloAPI, zalo_db: str, tmp_path: Path
) -> None:
    port, secret = free_port(), "zalo-Secret_123"
    environment = _environment(
        **_zalo_settings(zalo_api, _db_copy(zalo_db, tmp_path), ZALO_WEBHOOK_SECRET_TOKEN=secret)
    )
    running = BotProcess(
        tmp_path / "bot.log", environment,
        "--webhook-url", "https://bot.example.test/tin-so", "--zalo-port", str(port),
    )  # fmt: skip
    try:
        registered = zalo_api.wait_call("setWebhook", timeout=90)
        assert registered.params == {"url": "https://bot.example.test/tin-so/zalo",
                                     "secret_token": secret}  # fmt: skip
        zalo_api.webhook_target = f"http://127.0.0.1:{port}"
        zalo_api.wait_for(lambda: _accepts_connections(port), what="the webhook server")
        user = FakeZaloAPI.user("w0001e4ea2cd5189df1c3")
        update = zalo_api.message(user, "hội thảo chính quyền điện tử")
        zalo_api.run(lambda: zalo_api.chats.add(user["id"]))
        assert zalo_api.push(update, secret="a-wrong-secret").status_code == 403
        assert zalo_api.push(update, secret=None).status_code == 403
        url = zalo_api.webhook_target + "/tin-so/zalo"
        headers = {"X-Bot-Api-Secret-Token": secret}
        assert httpx.post(url, content=b"{not json", headers=headers).status_code == 400
        assert httpx.post(url, json={"message": "x"}, headers=headers).status_code == 400
        assert _post_status(url, b"x" * 300_000, headers) in (400, 413, None)  # never read
        update["delivered_at"] = time.monotonic()
        assert zalo_api.push(update).status_code == 200
        answer = zalo_api.wait_answer(update)
        assert f"1. {SEED_TITLE[:60]}" in answer[0]
        assert zalo_api.push(update).status_code == 200  # delivered twice: answered once
        time.sleep(1.0)
        assert len(zalo_api.said_to(user)) == len(answer)
        assert running.stop() == 0, running.output
        assert zalo_api.recorded("getUpdates") == []
        assert not zalo_api.rejections
        assert secret not in running.output and ZALO_TOKEN.split(":")[1] not in running.output
    finally:
        running.kill()


def test_a_redelivery_after_a_restart_is_not_answered_again(
    zalo_api: FakeZaloAPI, zalo_db: str, tmp_path: Path
) -> None:
    environment = _environment(**_zalo_settings(zalo_api, _db_copy(zalo_db, tmp_path)))
    user = FakeZaloAPI.user("r0001e4ea2cd5189df1c3")
    first = BotProcess(tmp_path / "first.log", environment)
    try:
        update = zalo_api.send_text(user, "chuyển đổi số")
        answered = len(zalo_api.wait_answer(update, timeout=90))
        assert first.stop() == 0, first.output
    finally:
        first.kill()
    second = BotProcess(tmp_path / "second.log", environment)
    try:
        zalo_api.deliver(update)
        later = zalo_api.send_text(user, "cảm ơn")
        zalo_api.wait_answer(later, timeout=90)
        assert len(zalo_api.said_to(user)) == answered + 1
        assert second.stop() == 0, second.output
    finally:
        second.kill()


@pytest.mark.parametrize("webhooks", [False, True], ids=["polling", "webhooks"])
def test_both_channels_in_one_process(
    zalo_api: FakeZaloAPI, fake_api: FakeBotAPI, zalo_db: str, tmp_path: Path, webhooks: bool
) -> None:
    database = _db_copy(zalo_db, tmp_path)
    fake_api.open_chat(FakeBotAPI.user(1001, "Quản trị"))
    settings = _zalo_settings(
        zalo_api, database, TELEGRAM_BOT_TOKEN=fake_api.token,
        TELEGRAM_API_BASE_URL=fake_api.base_url, ADMIN_IDS="1001",
        WEBHOOK_SECRET_TOKEN="both-Secret_42",
    )  # fmt: skip
    ports = (free_port(), free_port())
    args = ("--webhook-url", "https://bot.example.test/tin-so", "--port", str(ports[0]),
            "--zalo-port", str(ports[1])) if webhooks else ()  # fmt: skip
    running = BotProcess(tmp_path / "bot.log", _environment(**settings), *args)
    try:
        telegram_user = FakeBotAPI.user(3001, "Chi")
        zalo_user = FakeZaloAPI.user("b0001e4ea2cd5189df1c3")
        if webhooks:
            assert fake_api.wait_call("setWebhook", timeout=90).params["url"].endswith("/tin-so")
            assert zalo_api.wait_call("setWebhook").params["url"].endswith("/tin-so/zalo")
            zalo_api.webhook_target = f"http://127.0.0.1:{ports[1]}"
            for port in ports:
                zalo_api.wait_for(lambda port=port: _accepts_connections(port), what="webhooks")
            question = fake_api.text_message(telegram_user, "hội thảo chính quyền điện tử")
            posted = httpx.post(
                f"http://127.0.0.1:{ports[0]}/tin-so",
                json=fake_api.as_update(question),
                headers={"X-Telegram-Bot-Api-Secret-Token": "both-Secret_42"},
            )
            assert posted.status_code == 200
        else:
            question = fake_api.send_text(telegram_user, "hội thảo chính quyền điện tử")
        update = zalo_api.send_text(zalo_user, "hội thảo chính quyền điện tử")
        telegram = fake_api.wait_reply(question, timeout=90)[0]["text"]
        zalo = zalo_api.wait_answer(update, timeout=90)
        assert telegram.split("\n")[3] == f"1. {SEED_TITLE}"
        assert f"1. {SEED_TITLE[:60]}" in zalo[0]
        if not webhooks:  # the typed words work on Telegram too
            turned = fake_api.send_text(telegram_user, "tiếp")
            assert "Bài 6–10" in fake_api.wait_reply(turned, timeout=30)[0]["text"]
        assert running.stop() == 0, running.output
        assert "database connections closed" in running.output
        assert "Zalo bot stopped" in running.output
        assert "Traceback" not in running.output
        assert not zalo_api.rejections
    finally:
        running.kill()


@pytest.mark.parametrize(
    ("settings", "args", "expected"),
    [
        ({}, (), "bad setting TELEGRAM_BOT_TOKEN: not set; create a bot with @BotFather"),
        ({}, ("--channel", "zalo"), "bad setting ZALO_BOT_TOKEN: not set; create a bot with Zalo"),
        ({"ZALO_BOT_TOKEN": "not a token"}, (), "bad setting ZALO_BOT_TOKEN: does not look like"),
        (
            {"ZALO_BOT_TOKEN": ZALO_TOKEN, "ZALO_ADMIN_IDS": "abc, x y"},
            (),
            "bad setting ZALO_ADMIN_IDS: not a Zalo user id: 'x y'",
        ),
        (
            {"ZALO_BOT_TOKEN": ZALO_TOKEN, "ZALO_WEBHOOK_SECRET_TOKEN": "short"},
            (),
            "bad setting ZALO_WEBHOOK_SECRET_TOKEN: must be 8-256 characters",
        ),
        (
            {"ZALO_BOT_TOKEN": ZALO_TOKEN},
            ("--channel", "telegram"),
            "bad setting TELEGRAM_BOT_TOKEN: not set",
        ),
    ],
    ids=["no token", "zalo chosen", "malformed", "admin ids", "short secret", "telegram chosen"],
)
def test_a_bad_zalo_setting_is_one_line(
    settings: dict[str, str], args: tuple[str, ...], expected: str, tmp_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "run", *args],
        cwd=ROOT,
        env=_environment(
            DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
            CHAT_ID_SECRET=SECRET,
            **settings,
        ),  # fmt: skip
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {expected}") and result.stderr.count("\n") == 1, (
        result.stderr
    )
    assert not (tmp_path / "unused.sqlite3").exists()


@pytest.mark.parametrize("with_telegram", [False, True], ids=["alone", "beside telegram"])
def test_a_token_zalo_refuses_is_one_line(
    zalo_api: FakeZaloAPI, fake_api: FakeBotAPI, zalo_db: str, tmp_path: Path, with_telegram: bool
) -> None:
    settings = _zalo_settings(zalo_api, _db_copy(zalo_db, tmp_path), ZALO_BOT_TOKEN="42:revoked")
    if with_telegram:
        settings.update(TELEGRAM_BOT_TOKEN=fake_api.token, TELEGRAM_API_BASE_URL=fake_api.base_url)
    running = BotProcess(tmp_path / "bot.log", _environment(**settings))
    try:
        assert running.process.wait(90) == 1
        last = running.output.strip().splitlines()[-1]
        assert last == (
            "error: ZALO_BOT_TOKEN was refused by the Zalo Bot API: check it in Zalo Bot Manager"
        )
    finally:
        running.kill()
