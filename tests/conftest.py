"""Shared fixtures: the shipped sample, engines over SQLite files and a real PostgreSQL."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from index import Archive

if TYPE_CHECKING:
    from .botharness import RunningBot
    from .fakebotapi import FakeBotAPI
    from .httpserver import TestServer

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
SEED = SAMPLE / "hoa-binh" / "000_ec8b19bf46d9eefc.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
# `python bot.py ...` in subprocesses writes its index to INDEX_DIR (default data/index/ of the
# working tree): tests keep theirs out of the tree.
os.environ.setdefault("INDEX_DIR", tempfile.mkdtemp(prefix="tinsobot-test-index-"))


@pytest.fixture(scope="session")
def sample_engine(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    """An engine over the shipped sample (read-only tests share it)."""
    path = tmp_path_factory.mktemp("sample") / "sample.sqlite3"
    return Archive.open(f"sqlite:///{path}", sample=SAMPLE)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new, empty SQLite database file."""
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL admin url; fails (never skips) when the server is down."""
    import psycopg

    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=5):
            pass
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {exc}")
    return POSTGRES_ADMIN_URL


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh PostgreSQL database, dropped after the test."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"tinsobot_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- the bot -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sample_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the indexed sample, built once; tests copy it."""
    path = tmp_path_factory.mktemp("bot-template") / "sample.sqlite3"
    Archive.open(f"sqlite:///{path}", sample=SAMPLE).close()
    return path


@pytest.fixture
def bot_db(sample_db_file: Path, tmp_path: Path) -> str:
    """A private copy of the sample database for one test."""
    target = tmp_path / "bot.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        source = sample_db_file.with_name(sample_db_file.name + suffix)
        if source.exists():
            shutil.copyfile(source, target.with_name(target.name + suffix))
    return f"sqlite:///{target}"


@pytest.fixture
def fake_api() -> Iterator[FakeBotAPI]:
    """The fake Bot API server; the test fails if the bot made a call Telegram would refuse
    (tests that provoke one list it in `fake_api.expected_rejections`)."""
    from .fakebotapi import FakeBotAPI

    server = FakeBotAPI().start()
    server.expected_rejections = []  # type: ignore[attr-defined]
    try:
        yield server
        unexpected = [
            call
            for call in server.rejections
            if not any(expected(call) for expected in server.expected_rejections)  # type: ignore[attr-defined]
        ]
        shown = "\n  ".join(repr(call) for call in unexpected[:5])
        more = f"\n  ... and {len(unexpected) - 5} more" if len(unexpected) > 5 else ""
        assert not unexpected, f"the bot made calls Telegram would refuse:\n  {shown}{more}"
    finally:
        server.stop()


ADMIN_ID = 1001
CHAT_ID_SECRET = "test-chat-id-secret-0123456789"


@pytest.fixture
def start_bot(fake_api: FakeBotAPI, bot_db: str) -> Iterator[Callable[..., RunningBot]]:
    """Start the real bot in this process: `start_bot(archive_class=..., **settings)`.
    Every bot started is stopped (cleanly, as on SIGTERM) at the end of the test."""
    from bot.settings import load_settings

    from .botharness import RunningBot

    started: list[RunningBot] = []
    fake_api.open_chat(fake_api.user(ADMIN_ID, "Quản trị"))

    def start(archive_class: type[Archive] = Archive, **overrides: object) -> RunningBot:
        values: dict[str, object] = dict(
            telegram_bot_token=fake_api.token,
            telegram_api_base_url=fake_api.base_url,
            database_url=bot_db,
            load_sample=False,
            admin_ids=str(ADMIN_ID),
            reindex_progress_seconds=0.2,
            chat_id_secret=CHAT_ID_SECRET,
        )
        values.update(overrides)
        settings = load_settings(**values)
        archive = archive_class.open(settings.database_url, dictionary=settings.dictionary_file)
        running = RunningBot(settings, archive).start()
        started.append(running)
        return running

    try:
        yield start
    finally:
        for running in reversed(started):
            running.stop()


@pytest.fixture
def server() -> Iterator[TestServer]:
    """A real HTTP server on 127.0.0.1 (a free port) for crawler tests."""
    from .httpserver import TestServer

    running = TestServer().start()
    try:
        yield running
    finally:
        running.stop()
