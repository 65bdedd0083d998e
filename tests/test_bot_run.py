"""`python bot.py run` as an operator runs it: a subprocess against the fake Bot API server,
stopped by a signal; the webhook mode over HTTP; bad settings as one line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import ROOT
from .fakebotapi import TOKEN, FakeBotAPI

SEED_TITLE = "Hội thảo xây dựng chính quyền điện tử và đô thị thông minh tỉnh Hòa Bình năm 2019"
USER = FakeBotAPI.user(3001, "Chi")
SECRET = "test-chat-id-secret-0123456789"


def _environment(**values: str) -> dict[str, str]:
    """This process's environment without any bot setting, plus `values`."""
    names = (
        "TELEGRAM_",
        "ZALO_",
        "ADMIN_IDS",
        "WEBHOOK_",
        "DATABASE_URL",
        "LOAD_SAMPLE",
        "USER_",
        "LOG_LEVEL",
        "SOURCES_FILE",
        "CRAWL_",
        "CHAT_ID_SECRET",
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith(names)}
    environment.update(values)
    return environment


class BotProcess:
    """`python bot.py run ...` with its log in a file."""

    def __init__(self, log: Path, environment: dict[str, str], *args: str) -> None:
        self.log = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "bot.py"), "run", *args],
                cwd=ROOT,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def stop(self, how: signal.Signals = signal.SIGTERM, timeout: float = 30) -> int:
        """Send a stop signal; the exit code once it has shut down."""
        self.process.send_signal(how)
        return self.process.wait(timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def bot_process(fake_api: FakeBotAPI, bot_db: str, tmp_path: Path) -> Iterator:
    """Start `python bot.py run` pointed at the fake server; killed if a test leaves it running."""
    started: list[BotProcess] = []
    fake_api.open_chat(FakeBotAPI.user(1001, "Quản trị"))

    def start(*args: str, **settings: str) -> BotProcess:
        values = {
            "TELEGRAM_BOT_TOKEN": fake_api.token,
            "TELEGRAM_API_BASE_URL": fake_api.base_url,
            "DATABASE_URL": bot_db,
            "LOAD_SAMPLE": "false",
            "ADMIN_IDS": "1001",
            "CHAT_ID_SECRET": SECRET,
        }
        environment = _environment(**{**values, **settings})
        process = BotProcess(tmp_path / f"bot-{len(started)}.log", environment, *args)
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_run_polls_answers_and_shuts_down_cleanly(
    fake_api: FakeBotAPI, bot_process, stop: signal.Signals
) -> None:
    running = bot_process()
    question = fake_api.send_text(USER, "hội thảo chính quyền điện tử")  # waits for the first poll
    reply = fake_api.wait_reply(question, timeout=30)[0]
    assert reply["text"].split("\n")[3] == f"1. {SEED_TITLE}"
    assert running.stop(stop) == 0, running.output
    assert "database connections closed" in running.output
    assert "Traceback" not in running.output
    assert fake_api.pending_updates() == 0  # confirmed before exiting: not answered twice


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_webhook_mode_takes_updates_with_the_secret_token_only(
    fake_api: FakeBotAPI, bot_process
) -> None:
    port, secret = free_port(), "s3cret-Token_1"
    running = bot_process(
        "--webhook-url",
        "https://bot.example.test/tin-so/hook",
        "--listen",
        "127.0.0.1",
        "--port",
        str(port),
        "--secret-token",
        secret,
    )
    registered = fake_api.wait_call("setWebhook", timeout=60)
    assert registered.params["url"] == "https://bot.example.test/tin-so/hook"
    assert registered.params["secret_token"] == secret
    question = fake_api.text_message(USER, "hội thảo chính quyền điện tử")
    update = fake_api.as_update(question)
    url = f"http://127.0.0.1:{port}/tin-so/hook"
    with httpx.Client(timeout=10) as client:
        fake_api.wait_for(lambda: _accepts_connections(port), timeout=30, what="the webhook server")
        wrong = client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
        missing = client.post(url, json=update)
        assert (wrong.status_code, missing.status_code) == (403, 403)
        right = client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret})
        assert right.status_code == 200
    replies = fake_api.wait_reply(question, timeout=30)
    assert replies[0]["text"].split("\n")[3] == f"1. {SEED_TITLE}"
    assert running.stop() == 0, running.output
    assert len(fake_api.replies_to(question)) == 1  # the refused posts were never handled
    assert fake_api.recorded("getUpdates") == []


def _accepts_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, "bad setting TELEGRAM_BOT_TOKEN: not set; create a bot with @BotFather"),
        (
            {"TELEGRAM_BOT_TOKEN": "not-a-token"},
            "bad setting TELEGRAM_BOT_TOKEN: does not look like a bot token",
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "ADMIN_IDS": "12, ba"},
            "bad setting ADMIN_IDS: not a Telegram user id: 'ba'",
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/"},
            "bad setting TELEGRAM_API_BASE_URL: must end with /bot",
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "http://bot.example.test/"},
            "bad setting WEBHOOK_URL: must start with https://",
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN},
            "bad setting CHAT_ID_SECRET: not set; the bot stores chat ids only as a keyed hash",
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "CHAT_ID_SECRET": "short"},
            "bad setting CHAT_ID_SECRET: too short: use at least 16 random characters",
        ),
    ],
    ids=[
        "no token",
        "malformed token",
        "admin ids",
        "api url",
        "webhook url",
        "no secret",
        "short secret",
    ],
)
def test_a_bad_setting_is_one_line_and_exit_code_1(
    settings: dict[str, str], expected: str, tmp_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "run"],
        cwd=ROOT,
        env=_environment(DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}", **settings),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {expected}") and result.stderr.count("\n") == 1, (
        result.stderr
    )
    assert not (tmp_path / "unused.sqlite3").exists()  # refused before touching anything


def test_a_malformed_sources_file_stops_the_start_with_one_line(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\nname = "so-x"\nbase_url = "https://so.vn/"\nfeed = []\n')
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "run"],
        cwd=ROOT,
        env=_environment(
            DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
            TELEGRAM_BOT_TOKEN=TOKEN,
            CHAT_ID_SECRET=SECRET,
            SOURCES_FILE=str(sources),
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"error: {sources}: source 'so-x': unknown key 'feed' (did you mean 'feeds'?)\n"
    )
    assert not (tmp_path / "unused.sqlite3").exists()  # refused before touching anything


def test_a_token_the_api_refuses_is_one_line(fake_api: FakeBotAPI, bot_process) -> None:
    fake_api.expected_rejections.append(lambda c: c.status == 401)
    running = bot_process(TELEGRAM_BOT_TOKEN="42:revoked-token")
    assert running.process.wait(60) == 1
    last = running.output.strip().splitlines()[-1]
    assert last == "error: TELEGRAM_BOT_TOKEN was refused by the Bot API: check it with @BotFather"


def test_an_unreachable_api_is_one_line(bot_process) -> None:
    port = free_port()
    running = bot_process(TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{port}/bot")
    assert running.process.wait(60) == 1
    assert (
        running.output.strip()
        .splitlines()[-1]
        .startswith(f"error: cannot reach the Telegram Bot API at http://127.0.0.1:{port}/bot: ")
    )


def test_a_debug_log_never_shows_the_token_nor_the_webhook_secret(
    fake_api: FakeBotAPI, bot_process
) -> None:
    """Regression: at DEBUG, python-telegram-bot logs "Set Bot API URL: .../bot<token>"."""
    port, secret = free_port(), "s3cret-Token_2"
    running = bot_process(
        "--webhook-url", "https://bot.example.test/hook", "--port", str(port),
        LOG_LEVEL="DEBUG", WEBHOOK_SECRET_TOKEN=secret,
    )  # fmt: skip
    fake_api.wait_call("setWebhook", timeout=60)
    question = fake_api.text_message(USER, "chuyển đổi số")
    with httpx.Client(timeout=10) as client:
        fake_api.wait_for(lambda: _accepts_connections(port), timeout=30, what="the webhook")
        client.post(
            f"http://127.0.0.1:{port}/hook",
            json=fake_api.as_update(question),
            headers={"X-Telegram-Bot-Api-Secret-Token": secret},
        )
    fake_api.wait_reply(question, timeout=30)
    assert running.stop() == 0, running.output
    log = running.output
    assert "DEBUG" in log and "Set Bot API URL" in log and "[redacted]" in log
    token = fake_api.token
    for secret_form in (token, token.split(":", 1)[1], secret):
        assert secret_form not in log
