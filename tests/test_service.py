"""Running as a service: a running bot follows articles another process stores; one poller."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from .conftest import ROOT
from .fakebotapi import FakeBotAPI

USER = FakeBotAPI.user(4001, "Lan")
NEW_TITLE = "Khánh thành cầu Zorglub bắc qua sông Đà ở huyện Đà Bắc"


def new_article(folder: Path, title: str = NEW_TITLE, word: str = "Zorglub") -> Path:
    path = folder / "new.json"
    record = {
        "title": title,
        "body": f"Sáng nay tỉnh Hòa Bình khánh thành cầu {word} dài 500 mét, nối hai bờ sông Đà.",
        "published_at": "2026-11-28",
        "category": "Tin tức",
    }
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return path


def cli(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """`python bot.py ...` in another process."""
    env = {**os.environ, **environment}
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def answered(fake_api: FakeBotAPI, text: str, timeout: float = 10) -> dict[str, Any]:
    question = fake_api.send_text(USER, text)
    return fake_api.wait_reply(question, timeout=timeout)[0]


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    assert database
    return Path(database)


@pytest.mark.parametrize("index", ["shared folder", "own folder"])
def test_an_article_ingested_by_another_process_is_answered_within_seconds(
    fake_api: FakeBotAPI, start_bot, bot_db: str, tmp_path: Path, index: str
) -> None:
    start_bot(follow_seconds=1)
    before = answered(fake_api, "cầu Zorglub")
    assert NEW_TITLE not in before["text"]
    # The shared folder is the bot's own index (one host); another folder is another host's.
    folder = (
        sqlite_path(bot_db).with_name("bot.sqlite3-index")
        if index == "shared folder"
        else (tmp_path / "other-host-index")
    )
    done = cli("ingest", str(new_article(tmp_path)), DATABASE_URL=bot_db, INDEX_DIR=str(folder))
    assert done.returncode == 0, done.stderr
    stored = time.monotonic()
    deadline = stored + 10
    while True:
        reply = answered(fake_api, "cầu Zorglub")
        if NEW_TITLE in reply["text"]:
            break
        assert time.monotonic() < deadline, "the running bot did not follow within 10 s"
        time.sleep(0.5)
    assert time.monotonic() - stored < 10


def test_a_second_poller_is_refused_with_a_clear_message(
    fake_api: FakeBotAPI, start_bot, bot_db: str
) -> None:
    start_bot()
    second = cli(
        "run",
        TELEGRAM_BOT_TOKEN=fake_api.token,
        TELEGRAM_API_BASE_URL=fake_api.base_url,
        DATABASE_URL=bot_db,
        LOAD_SAMPLE="false",
        CHAT_ID_SECRET="test-chat-id-secret-0123456789",
    )
    assert second.returncode == 1
    lines = second.stderr.strip().splitlines()
    assert lines[-1].startswith("error: another process (")
    assert "is polling Telegram for this bot" in lines[-1]
    assert "--webhook-url" in lines[-1]
    assert "Traceback" not in second.stderr
    assert answered(fake_api, "hội thảo chính quyền điện tử")  # the first one still answers
