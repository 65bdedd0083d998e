"""The command line, run as a user runs it: `python bot.py ...` in a subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, SAMPLE, SEED

SEED_TITLE = "Hội thảo xây dựng chính quyền điện tử và đô thị thông minh tỉnh Hòa Bình năm 2019"


def run(
    *args: str, database_url: str, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess:
    environment = dict(os.environ, DATABASE_URL=database_url, **env)
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh database: the first `ask` must build it from the shipped sample by itself."""
    return f"sqlite:///{tmp_path_factory.mktemp('cli') / 'fresh.sqlite3'}"


@pytest.mark.parametrize("query", ["hội thảo chính quyền điện tử", "hoi thao chinh quyen dien tu"])
def test_ask_json_on_a_fresh_database_lists_the_seed_first(cli_db: str, query: str) -> None:
    result = run("ask", "--json", query, database_url=cli_db)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["query"] == query and answer["total"] >= 1
    first = answer["hits"][0]
    assert first["title"] == SEED_TITLE
    assert "chính quyền điện tử" in first["snippet"].lower()
    assert set(first) >= {
        "article_id",
        "title",
        "url",
        "published_at",
        "category",
        "score",
        "snippet",
    }
    assert first["published_at"] == "2019-06-02T17:00:00+07:00"


def test_ask_prints_the_answer_as_the_bot_words_it(cli_db: str) -> None:
    result = run("ask", "--limit", "2", "phố", "sách", database_url=cli_db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("🔎 Kết quả cho “phố sách”")
    assert "📅" in result.stdout and "2." in result.stdout and "3." not in result.stdout


def test_nfc_nfd_and_tone_placement_give_identical_answers(cli_db: str) -> None:
    import unicodedata

    answers = [
        json.loads(run("ask", "--json", q, database_url=cli_db).stdout)["hits"]
        for q in ("Hòa Bình", "Hoà Bình", unicodedata.normalize("NFD", "Hòa Bình"))
    ]
    assert answers[0] == answers[1] == answers[2] and answers[0]


# Loaded by `ask` before its public maps were lazy; none of them answers a question.
NOT_FOR_ASK = (
    "httpx",
    "trafilatura",
    "telegram",
    "index.crawl.sources",
    "index.crawl.crawler",
    "index.news",
    "index.search.percolate",
    "index.search.answer",
    "index.store.conversations",
    "index.store.subscriptions",
    "index.store.importers",
    "bot.conversation.core",
    "bot.conversation.types",
    "bot.crawl_jobs",
    "bot.render.admin",
)


def test_ask_imports_no_crawling_subscription_or_conversation_code(cli_db: str) -> None:
    run("ask", "sách", database_url=cli_db)  # the first one may load the sample (importers)
    script = (
        "import sys; from bot.cli import main; sys.argv = ['bot.py', 'ask', 'sách']; main(); "
        "print(*sorted(sys.modules), file=sys.stderr)"
    )
    environment = dict(os.environ, DATABASE_URL=cli_db)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    loaded = set(result.stderr.split())
    assert "index.search.engine" in loaded and "bot.render.results" in loaded
    assert loaded.isdisjoint(NOT_FOR_ASK), sorted(loaded.intersection(NOT_FOR_ASK))


def test_ask_leaves_quickly_but_closes_the_database(tmp_path: Path) -> None:
    # `bot.py ask` exits without the interpreter's teardown (bot.cli.run): its database must be
    # closed by then, or SQLite's write-ahead log would stay beside the file.
    database = tmp_path / "quick.sqlite3"
    result = run("ask", "--json", "sách", database_url=f"sqlite:///{database}")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["total"] >= 1
    assert database.is_file() and not database.with_name("quick.sqlite3-wal").exists()


def test_stats_after_the_first_ask(cli_db: str) -> None:
    run("ask", "sách", database_url=cli_db)
    result = run("stats", "--json", database_url=cli_db)
    stats = json.loads(result.stdout)
    assert stats["articles"] == 214
    assert stats["sources"] == {"sotttt.hanoi.gov.vn": 213, "hoa-binh": 1}
    assert stats["first_published"].startswith("2012-07-10")
    assert stats["index_bytes"] > 0
    text = run("stats", database_url=cli_db).stdout
    assert "articles:     214" in text and "last reindex:" in text


def test_reindex_records_its_time(cli_db: str) -> None:
    result = run("reindex", database_url=cli_db)
    assert result.returncode == 0 and "reindexed 214 articles (0 re-analysed)" in result.stdout
    stats = json.loads(run("stats", "--json", database_url=cli_db).stdout)
    assert stats["last_reindex"] is not None


def _one_line_error(result: subprocess.CompletedProcess, code: int, fragment: str) -> None:
    assert result.returncode == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_errors_are_one_line(cli_db: str, tmp_path: Path) -> None:
    _one_line_error(run("ask", "  ?! ", database_url=cli_db), 2, "empty")
    _one_line_error(run("frobnicate", database_url=cli_db), 2, "unknown command")
    _one_line_error(
        run("stats", database_url="postgresql://nobody@127.0.0.1:1/none"), 1, "cannot open database"
    )
    _one_line_error(run("stats", database_url="not a url"), 1, "malformed DATABASE_URL")
    _one_line_error(run("ask", "x", database_url=cli_db, ADMIN_IDS="12,abc"), 1, "ADMIN_IDS")


def test_ingest_reports_bad_records_and_exits_non_zero(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.jsonl").write_text(
        json.dumps(
            {"title": "Hội nghị trực tuyến", "url": "https://so.gov.vn/a"}, ensure_ascii=False
        )
        + "\n{broken\n",
        encoding="utf-8",
    )
    (folder / "blob.json").write_bytes(bytes(range(256)) * 10)
    (folder / "empty.txt").write_text("")
    (folder / "README.md").write_text("notes")
    result = run(
        "ingest",
        str(folder),
        str(SEED),
        str(tmp_path / "missing.txt"),
        database_url=url,
        LOAD_SAMPLE="false",
    )
    assert result.returncode == 1
    assert "added 2, updated 0, unchanged 0, failed 4" in result.stdout
    stderr = result.stderr
    assert "good.jsonl:2: malformed JSON" in stderr
    assert "blob.json: binary file" in stderr
    assert "empty.txt: empty file" in stderr
    assert "missing.txt: no such file or folder" in stderr
    assert "README.md: ignored" in stderr
    assert "Traceback" not in stderr
    again = run("ingest", str(SEED), database_url=url, LOAD_SAMPLE="false")
    assert again.returncode == 0 and "added 0, updated 0, unchanged 1, failed 0" in again.stdout


def test_ingest_of_the_sample_folder_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    first = run("ingest", str(SAMPLE), database_url=url, LOAD_SAMPLE="false")
    second = run("ingest", str(SAMPLE), database_url=url, LOAD_SAMPLE="false")
    assert "added 214" in first.stdout and "unchanged 214" in second.stdout
    assert first.returncode == second.returncode == 0


def test_a_reader_that_stops_early_gets_no_traceback(cli_db: str) -> None:
    """`python bot.py ask ... | head -1`: the closed pipe is not an error."""
    environment = dict(os.environ, DATABASE_URL=cli_db)
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "bot.py"),
            "ask",
            "--json",
            "--limit",
            "300",
            "thành phố hà nội",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
        cwd=ROOT,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0
    assert (
        first.decode().startswith("{") and "Traceback" not in stderr
    )  # 80 KB: more than a pipe holds


def test_delete_takes_articles_down_by_id_and_url(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'takedown.sqlite3'}"
    question = ("ask", "--json", "--limit", "50", "hội thảo chính quyền điện tử")
    first = json.loads(run(*question, database_url=database).stdout)
    seed = first["hits"][0]
    other = next(h for h in first["hits"][1:] if h["url"])
    result = run("delete", str(seed["article_id"]), other["url"], "999999", database_url=database)
    assert result.returncode == 1  # one of the three was not found
    ids = sorted([seed["article_id"], other["article_id"]])
    assert result.stdout.strip() == f"deleted 2: {ids[0]} {ids[1]}"
    assert result.stderr.strip() == "not found: 999999"
    after = json.loads(run(*question, database_url=database).stdout)
    shown = {h["article_id"] for h in after["hits"]}
    assert after["total"] < first["total"] and not shown & set(ids)
    stats = json.loads(run("stats", "--json", database_url=database).stdout)
    assert stats["taken_down"] == 2 and stats["articles"] == 212


def test_chat_talks_in_plain_text_and_follows_up(cli_db: str) -> None:
    environment = dict(os.environ, DATABASE_URL=cli_db, CHAT_ID_SECRET="cli-chat-secret-0123456")
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "chat"],
        input="xin chào\nphố sách năm 2018\ncòn hội sách thì sao\nđọc 1\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("👋 Chào bạn!") and "🔎 Kết quả cho “hội sách năm 2018”" in out
    assert "“đọc 1” để đọc bài 1" in out and "<b>" not in out
    article = out.split("\n\n👉 Gõ “đọc 1” để đọc bài 1")[-1].split("\n\n", 1)[1].strip()
    assert article.startswith('Lịch hoạt động của "Hội sách Thiếu nhi 01/6/2018"')


def test_ingest_of_hostile_records_reports_each_on_one_line_and_stores_the_rest(
    tmp_path: Path,
) -> None:
    """Regression (robustness issue): one numeric date aborted the whole import with a
    traceback, and none of the file's valid records were stored."""
    good = {"title": "Hội nghị", "url": "https://so.gov.vn/1", "date": "01/06/2024"}
    lines = [
        {**good, "url": "https://so.gov.vn/n", "date": 1e20},
        {**good, "url": "https://so.gov.vn/z", "body": "a\u0000b"},
        {**good, "url": "https://so.gov.vn/f", "date": "01/01/2099"},
    ]
    path = tmp_path / "hostile.jsonl"
    text = "\n".join(json.dumps(line) for line in lines) + "\n" + "[" * 100_000 + "\n"
    path.write_text(text + json.dumps(good) + "\n", encoding="utf-8")
    result = run("ingest", str(path), database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                 LOAD_SAMPLE="false")  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "added 4, updated 0, unchanged 0, failed 1" in result.stdout
    lines_out = result.stderr.strip().splitlines()
    assert lines_out == [
        f"note: {path}:1: date '1e+20' is before 1900 or in the future: stored without a date",
        f"note: {path}:2: NUL characters removed from body",
        f"note: {path}:3: date '2099-01-01' is before 1900 or in the future: stored without a date",
        f"skipped: {path}:4: JSON nested deeper than 32 levels",
    ]
