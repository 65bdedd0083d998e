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
from .test_bot_run import bot_process as bot_process  # the fixture

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


def run_bot(
    fake_api: FakeBotAPI, database_url: str, *args: str, **environment: str
) -> subprocess.CompletedProcess[str]:
    """`python bot.py run ...` against the fake Bot API on `database_url`, in another process
    (for the runs that are refused at start)."""
    return cli(
        "run",
        *args,
        TELEGRAM_BOT_TOKEN=fake_api.token,
        TELEGRAM_API_BASE_URL=fake_api.base_url,
        DATABASE_URL=database_url,
        LOAD_SAMPLE="false",
        CHAT_ID_SECRET="test-chat-id-secret-0123456789",
        **environment,
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
    second = run_bot(fake_api, bot_db)
    assert second.returncode == 1
    lines = second.stderr.strip().splitlines()
    assert lines[-1].startswith("error: another process (")
    assert "is polling Telegram for this bot" in lines[-1]
    assert "--webhook-url" in lines[-1]
    assert "Traceback" not in second.stderr
    assert answered(fake_api, "hội thảo chính quyền điện tử")  # the first one still answers


# -- replicas behind one webhook, on one PostgreSQL ---------------------------------------------

SECRET_TOKEN = "replica-secret_1"
HOOK = "https://bot.example.test/tin-so/hook"


class Replica:
    """`python bot.py run --webhook-url ...` with its own port, index folder and /healthz."""

    def __init__(self, process: Any, port: int, health_port: int, index_dir: Path) -> None:
        self.process, self.port, self.health_port, self.index_dir = (
            process,
            port,
            health_port,
            index_dir,
        )

    def post(self, fake_api: FakeBotAPI, message: dict[str, Any]) -> int:
        import httpx

        update = fake_api.as_update(message)
        url = f"http://127.0.0.1:{self.port}/tin-so/hook"
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET_TOKEN}
        return httpx.post(url, json=update, headers=headers, timeout=10).status_code

    def health(self) -> tuple[int, dict[str, Any]]:
        import httpx

        reply = httpx.get(f"http://127.0.0.1:{self.health_port}/healthz", timeout=10)
        return reply.status_code, reply.json()


@pytest.fixture
def replicas(fake_api: FakeBotAPI, bot_process, postgres_url: str, tmp_path: Path):
    """Start webhook replicas of one bot on one fresh PostgreSQL database (sample loaded once)."""
    from .test_bot_run import _accepts_connections, free_port

    loaded = cli("stats", DATABASE_URL=postgres_url, INDEX_DIR=str(tmp_path / "loader-index"))
    assert loaded.returncode == 0, loaded.stderr

    def start(count: int = 2, **settings: str) -> list[Replica]:
        started = []
        for number in range(count):
            port, health_port = free_port(), free_port()
            index_dir = tmp_path / f"replica-{number}-index"  # no shared file system
            process = bot_process(
                "--webhook-url",
                HOOK,
                "--port",
                str(port),
                DATABASE_URL=postgres_url,
                INDEX_DIR=str(index_dir),
                WEBHOOK_SECRET_TOKEN=SECRET_TOKEN,
                HEALTH_PORT=str(health_port),
                FOLLOW_SECONDS="1",
                **settings,
            )
            started.append(Replica(process, port, health_port, index_dir))
        for replica in started:
            fake_api.wait_for(
                lambda r=replica: (
                    _accepts_connections(r.port) and _accepts_connections(r.health_port)
                ),
                timeout=90,
                what="a replica to listen",
            )
        return started

    return start


def test_two_webhook_replicas_answer_any_update_and_follow_each_other(
    fake_api: FakeBotAPI, replicas, postgres_url: str, tmp_path: Path
) -> None:
    first, second = replicas(2)
    for number, replica in enumerate([first, second, first, second]):
        question = fake_api.text_message(
            FakeBotAPI.user(5000 + number, "Ai"), "hội thảo chính quyền điện tử"
        )
        assert replica.post(fake_api, question) == 200
        reply = fake_api.wait_reply(question, timeout=30)[0]
        assert reply["text"].split("\n")[3].startswith("1. Hội thảo xây dựng chính quyền điện tử")
    # An article stored beside the first replica (its index folder) is answered by both.
    done = cli(
        "ingest",
        str(new_article(tmp_path)),
        DATABASE_URL=postgres_url,
        INDEX_DIR=str(first.index_dir),
    )
    assert done.returncode == 0, done.stderr
    stored = time.monotonic()
    for replica in (first, second):
        while True:
            question = fake_api.text_message(FakeBotAPI.user(5100, "Bình"), "cầu Zorglub")
            assert replica.post(fake_api, question) == 200
            if NEW_TITLE in fake_api.wait_reply(question, timeout=30)[0]["text"]:
                break
            assert time.monotonic() - stored < 10, "a replica did not follow within 10 s"
            time.sleep(0.5)
    status, body = second.health()
    assert status == 200
    assert body["status"] == "ok" and body["database"] == "reachable"
    assert body["change_log"]["behind"] == 0 and body["articles"] >= 15
    assert isinstance(body["index_generation"], int)


def test_a_user_flooding_both_replicas_is_throttled_once(fake_api: FakeBotAPI, replicas) -> None:
    first, second = replicas(2, USER_BURST="2", USER_PER_MINUTE="1")
    user = FakeBotAPI.user(5200, "Cường")
    questions = []
    for replica in [first, second, first, second]:
        question = fake_api.text_message(user, "hội thảo chính quyền điện tử")
        assert replica.post(fake_api, question) == 200
        fake_api.wait_reply(question, timeout=30)
        questions.append(question)
    texts = [fake_api.replies_to(q)[0]["text"] for q in questions]
    answered_ = [t for t in texts if "Hội thảo xây dựng chính quyền điện tử" in t]
    assert len(answered_) == 2, texts  # the burst of 2 holds across the two replicas
    assert all(t.startswith("⏳") or "Hội thảo" in t for t in texts), texts


def test_healthz_answers_503_when_the_database_is_gone(
    fake_api: FakeBotAPI, replicas, postgres_url: str, postgres_server: str
) -> None:
    import psycopg

    (replica,) = replicas(1)
    assert replica.health()[0] == 200
    name = make_url(postgres_url).database
    with psycopg.connect(postgres_server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    status, body = replica.health()
    assert status == 503
    assert body["status"] == "unhealthy" and body["database"] == "unreachable"
    assert body["problems"] == ["database_unreachable"]
    assert body["index_generation"] is not None  # the index itself is still open


# -- the crawl schedule across replicas ---------------------------------------------------------


def runs(url: str) -> list[tuple[str, int]]:
    """(status, added) of every crawl run, oldest first."""
    import psycopg

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain) as connection:
        return [
            (status, added)
            for status, added in connection.execute(
                "SELECT status, added FROM crawl_runs ORDER BY id"
            ).fetchall()
        ]


def lease_holder(url: str, name: str) -> str | None:
    import psycopg

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain) as connection:
        row = connection.execute("SELECT holder FROM leases WHERE name = %s", (name,)).fetchone()
        return row[0] if row else None


def test_a_crawl_scheduled_on_two_replicas_runs_once(
    fake_api: FakeBotAPI, replicas, postgres_url: str, server, tmp_path: Path
) -> None:
    from . import sites
    from .test_bot_crawl import liferay_source, sources_file

    sites.serve_liferay(server)
    text = sources_file(tmp_path, liferay_source(server, interval='"1h"'))
    replicas(2, SOURCES_FILE=text, CRAWL_CHECK_SECONDS="0.3")
    fake_api.wait_for(
        lambda: (found := runs(postgres_url)) and found[0][0] != "running",
        timeout=60,
        what="the scheduled crawl to finish",
    )
    time.sleep(3)  # ten more checks on each replica
    assert runs(postgres_url) == [("ok", 10)]


def test_a_replica_killed_while_crawling_is_taken_over(
    fake_api: FakeBotAPI, replicas, postgres_url: str, server, tmp_path: Path
) -> None:
    import signal

    from . import sites
    from .test_bot_crawl import liferay_source, slow_articles, sources_file

    slow_articles(server, sites.serve_liferay(server), 1.0)  # ten seconds of crawling
    text = sources_file(tmp_path, liferay_source(server, interval='"1h"'), one_at_a_time=True)
    started = replicas(2, SOURCES_FILE=text, CRAWL_CHECK_SECONDS="0.3", CRAWL_LEASE_SECONDS="3")
    fake_api.wait_for(lambda: runs(postgres_url), timeout=60, what="a crawl to start")
    holder = lease_holder(postgres_url, "crawl:so-test")
    assert holder is not None
    pid = int(holder.split(":")[1])
    (victim,) = [r for r in started if r.process.process.pid == pid]
    victim.process.process.send_signal(signal.SIGKILL)
    victim.process.process.wait(10)
    fake_api.wait_for(
        lambda: len(found := runs(postgres_url)) == 2 and found[1][0] == "ok",
        timeout=60,
        what="the other replica to crawl the source again",
    )
    (first, second) = runs(postgres_url)
    assert first[0] == "interrupted" and second[0] == "ok"


# -- leases ------------------------------------------------------------------------------------


def test_a_lease_of_another_host_is_free_only_once_it_expires(sqlite_url: str) -> None:
    from datetime import timedelta

    from index.store import Store
    from index.text.dates import now

    leases = Store.open(sqlite_url).leases
    start = now()
    assert leases.acquire("crawl:x", "other-host:1:aa", 2, start) is not None
    assert leases.acquire("crawl:x", "this-host:2:bb", 2, start + timedelta(seconds=1)) is None
    assert leases.acquire(
        "crawl:x", "other-host:1:aa", 2, start + timedelta(seconds=1.5)
    )  # renewed
    assert leases.acquire("crawl:x", "this-host:2:bb", 2, start + timedelta(seconds=3)) is None
    taken = leases.acquire("crawl:x", "this-host:2:bb", 2, start + timedelta(seconds=3.6))
    assert taken is not None and taken.holder == "this-host:2:bb"
    assert not leases.release("crawl:x", "other-host:1:aa")  # only the holder gives it back
    assert leases.release("crawl:x", "this-host:2:bb")


def test_a_lease_of_a_dead_process_on_this_host_is_free_at_once(sqlite_url: str) -> None:
    import socket

    from index.store import Store
    from index.text.dates import now

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leases = Store.open(sqlite_url).leases
    assert leases.acquire("poller", f"{socket.gethostname()}:{dead.pid}:aa", 600, now())
    assert leases.acquire("poller", f"{socket.gethostname()}:{os.getpid()}:cc", 600, now())
    assert leases.acquire("poller", "someone-else:1:bb", 600, now()) is None  # this one lives


# -- backup, restore, upgrade ------------------------------------------------------------------


def ask_json(**environment: str) -> list[tuple[int, str]]:
    done = cli("ask", "cầu Zorglub sông Đà", "--json", **environment)
    assert done.returncode == 0, done.stderr
    return [(hit["article_id"], hit["title"]) for hit in json.loads(done.stdout)["hits"]]


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_backup_then_restore_on_an_empty_machine_gives_the_same_answers(
    bot_db: str, tmp_path: Path, request: pytest.FixtureRequest, engine: str
) -> None:
    if engine == "sqlite":
        source = {"DATABASE_URL": bot_db, "INDEX_DIR": str(tmp_path / "index")}
        target_url = f"sqlite:///{tmp_path / 'restored' / 'bot.sqlite3'}"
    else:
        server = request.getfixturevalue("postgres_server")
        source = {"DATABASE_URL": request.getfixturevalue("postgres_url")}
        source["INDEX_DIR"] = str(tmp_path / "index")
        assert cli("stats", **source).returncode == 0  # the sample loaded
        target_url = _new_postgres(server, request)
    assert cli("ingest", str(new_article(tmp_path)), **source).returncode == 0
    before = ask_json(**source)
    assert before[0][1] == NEW_TITLE

    saved = cli("backup", str(tmp_path / "backup"), **source)
    assert saved.returncode == 0, saved.stderr
    assert saved.stdout.startswith(f"backed up the {engine} database and index generation ")
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]

    target = {"DATABASE_URL": target_url, "INDEX_DIR": str(tmp_path / "restored-index")}
    restored = cli("restore", str(tmp_path / "backup"), **target)
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith("restored the backup of ")
    assert ask_json(**target) == before
    again = cli("restore", str(tmp_path / "backup"), **target)
    assert again.returncode == 1
    assert again.stderr.strip().startswith("error: ")
    assert "not empty" in again.stderr or "exists" in again.stderr or "holds" in again.stderr


def _new_postgres(server: str, request: pytest.FixtureRequest) -> str:
    import uuid

    import psycopg

    name = f"tinsobot_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    request.addfinalizer(drop)
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def test_a_backup_into_a_folder_holding_something_is_refused(bot_db: str, tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    done = cli("backup", str(tmp_path / "full"), DATABASE_URL=bot_db)
    assert done.returncode == 1
    assert done.stderr.strip().endswith("not an empty folder; back up into a new one")
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["keep.txt"]


def test_upgrade_migrates_the_schema_and_keeps_an_index_of_the_same_format(
    bot_db: str, tmp_path: Path
) -> None:
    from alembic import command
    from alembic.config import Config

    environment = {"DATABASE_URL": bot_db, "INDEX_DIR": str(tmp_path / "index")}
    assert cli("stats", **environment).returncode == 0
    config = Config()
    config.set_main_option("script_location", str(ROOT / "index" / "store" / "migrations"))
    config.cmd_opts = None
    config.attributes["connection"] = None
    import sqlalchemy

    with sqlalchemy.create_engine(bot_db).begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
    done = cli("upgrade", **environment)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("schema 0005 -> 0012; index format ")
    assert " kept (generation " in done.stdout
    again = cli("upgrade", **environment)
    assert again.stdout.startswith("schema 0012 (up to date); index format ")


def test_upgrade_rebuilds_an_index_of_another_format(bot_db: str, tmp_path: Path) -> None:
    import zlib

    index = tmp_path / "index"
    environment = {"DATABASE_URL": bot_db, "INDEX_DIR": str(index)}
    assert cli("stats", **environment).returncode == 0
    current = index / (index / "CURRENT").read_text().strip()
    outer = json.loads(current.read_text())
    outer["manifest"]["format"] -= 1
    text = json.dumps(outer["manifest"], sort_keys=True, ensure_ascii=False)
    outer["crc"] = zlib.crc32(text.encode())
    current.write_text(json.dumps(outer, sort_keys=True))
    done = cli("upgrade", **environment)
    assert done.returncode == 0, done.stderr
    assert " rebuilt (generation " in done.stdout


def test_health_prints_the_index_and_exits_1_without_a_database(
    bot_db: str, tmp_path: Path
) -> None:
    fine = cli("health", DATABASE_URL=bot_db, INDEX_DIR=str(tmp_path / "index"))
    assert fine.returncode == 0, fine.stderr
    body = json.loads(fine.stdout)
    assert body["status"] == "ok" and body["articles"] >= 200 and body["change_log"]["behind"] == 0
    gone = cli(
        "health",
        DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/no_such_database_here",
        INDEX_DIR=str(tmp_path / "index2"),
    )
    assert gone.returncode == 1
    assert json.loads(gone.stdout)["database"] == "unreachable"


# -- alerts ------------------------------------------------------------------------------------


def admin_texts(fake_api: FakeBotAPI) -> list[str]:
    from .conftest import ADMIN_ID

    return [m["text"] for m in fake_api.bot_messages(ADMIN_ID)]


def record_run(archive: Any, failed: bool) -> None:
    """A finished crawl run of so-test, as the crawler records one."""
    from index.store import PageError, RunCounts, RunStatus
    from index.text.dates import now

    run_id, _ = archive.store.crawl.start_run("so-test", now())
    status = RunStatus.FAILED if failed else RunStatus.OK
    error = PageError("https://so.example.test/a", "http_error", "HTTP 500") if failed else None
    archive.store.crawl.finish_run(run_id, status, RunCounts(0, 0, 0, int(failed), 0), error, now())


def test_admins_are_told_once_when_a_source_keeps_failing_and_once_when_it_recovers(
    fake_api: FakeBotAPI, start_bot, tmp_path: Path
) -> None:
    from bot import texts

    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nname = "so-test"\nbase_url = "https://so.example.test/"\ninterval = "1h"\n',
        encoding="utf-8",
    )
    running = start_bot(sources_file=str(sources), crawl_check_seconds=0, alert_check_seconds=0.2)
    failing = texts.alert_source_failing("so-test", 3)
    for _ in range(2):
        record_run(running.archive, failed=True)
    time.sleep(0.6)
    assert failing not in admin_texts(fake_api)  # two failures are not yet an alert
    record_run(running.archive, failed=True)
    fake_api.wait_for(lambda: failing in admin_texts(fake_api), what="the alert")
    record_run(running.archive, failed=True)  # a fourth failure: no second message
    time.sleep(0.6)
    assert [t for t in admin_texts(fake_api) if t.startswith("🚨")] == [failing]
    record_run(running.archive, failed=False)
    recovered = texts.alert_source_recovered("so-test")
    fake_api.wait_for(lambda: recovered in admin_texts(fake_api), what="the recovery")
    time.sleep(0.6)
    assert admin_texts(fake_api).count(recovered) == 1


def test_admins_are_told_once_when_the_index_falls_behind_and_once_when_it_catches_up(
    fake_api: FakeBotAPI, start_bot, bot_db: str, tmp_path: Path
) -> None:
    from bot import texts

    # no news delivery here: it refreshes the index, which could catch up before the lag is seen
    running = start_bot(
        follow_seconds=0, news_check_seconds=0, alert_check_seconds=0.2, alert_index_lag_seconds=1
    )
    elsewhere = {"DATABASE_URL": bot_db, "INDEX_DIR": str(tmp_path / "elsewhere")}
    assert cli("ingest", str(new_article(tmp_path)), **elsewhere).returncode == 0
    fake_api.wait_for(
        lambda: any(t.startswith("🚨 Chỉ mục tìm kiếm") for t in admin_texts(fake_api)),
        what="the alert",
    )
    time.sleep(0.6)
    assert len([t for t in admin_texts(fake_api) if t.startswith("🚨")]) == 1
    running.archive.refresh()  # what FOLLOW_SECONDS would do
    fake_api.wait_for(
        lambda: texts.ALERT_INDEX_CAUGHT_UP in admin_texts(fake_api), what="the recovery"
    )
    time.sleep(0.6)
    assert admin_texts(fake_api).count(texts.ALERT_INDEX_CAUGHT_UP) == 1


def test_a_backup_killed_half_way_leaves_no_backup_and_the_next_one_cleans_up(
    bot_db: str, tmp_path: Path
) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    abandoned = tmp_path / f".nightly.partial-{dead.pid}"  # what a killed backup leaves
    (abandoned / "index").mkdir(parents=True)
    assert not (tmp_path / "nightly").exists()  # nothing that looks like a backup
    done = cli("backup", str(tmp_path / "nightly"), DATABASE_URL=bot_db)
    assert done.returncode == 0, done.stderr
    assert not abandoned.exists()
    assert (tmp_path / "nightly" / "backup.json").is_file()


def test_polling_is_refused_while_webhook_replicas_run(
    fake_api: FakeBotAPI, replicas, postgres_url: str
) -> None:
    replicas(1)
    poller = run_bot(fake_api, postgres_url)
    assert poller.returncode == 1
    last = poller.stderr.strip().splitlines()[-1]
    assert last.startswith("error: webhook replicas of this bot are running (")
    assert last.endswith(
        "polling would remove their webhook: stop them first, "
        "or start this one with --webhook-url too"
    )
    assert fake_api.recorded("deleteWebhook") == []


def test_a_webhook_replica_is_refused_while_a_process_polls(
    fake_api: FakeBotAPI, start_bot, bot_db: str
) -> None:
    start_bot()
    replica = run_bot(
        fake_api, bot_db, "--webhook-url", HOOK, "--port", "1", WEBHOOK_SECRET_TOKEN=SECRET_TOKEN
    )
    assert replica.returncode == 1
    last = replica.stderr.strip().splitlines()[-1]
    assert last.startswith("error: another process (")
    assert last.endswith("stop it before starting webhook replicas")
    assert fake_api.recorded("setWebhook") == []
