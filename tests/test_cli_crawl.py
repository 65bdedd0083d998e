"""`bot.py crawl` and `stats` as a user runs them, in a subprocess, against the test server."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from . import sites
from .conftest import ROOT
from .httpserver import Reply, TestServer
from .test_cli import run

CRAWLER = "[crawler]\ndelay = 0\ntimeout = 1\nretries = 1\nbackoff = 0.01\n"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A fresh database without the sample, and a sources file with test-speed politeness."""
    sources = tmp_path / "sources.toml"
    sources.write_text(CRAWLER, encoding="utf-8")
    return {
        "database_url": f"sqlite:///{tmp_path / 'crawl.sqlite3'}",
        "LOAD_SAMPLE": "false",
        "SOURCES_FILE": str(sources),
    }


def rows(env: dict[str, str], sql: str) -> list[tuple]:
    with sqlite3.connect(env["database_url"].removeprefix("sqlite:///")) as connection:
        return connection.execute(sql).fetchall()


def test_crawl_of_the_saved_list_page_stores_ten_articles_then_nothing_new(
    server: TestServer, env: dict[str, str]
) -> None:
    expected = sites.serve_liferay(server)
    first = run("crawl", server.url(sites.LIST_PATH), "--max-pages", "1", **env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().splitlines()[-1] == "new 10, updated 0, unchanged 0, failed 0"
    assert sorted(rows(env, "SELECT url, title FROM articles")) == sorted(
        (e.url, e.title) for e in expected
    )
    second = run("crawl", server.url(sites.LIST_PATH), "--max-pages", "1", **env)
    assert (
        second.returncode == 0
        and second.stdout.strip() == "new 0, updated 0, unchanged 10, failed 0"
    )
    assert rows(env, "SELECT count(*), count(DISTINCT url) FROM articles") == [(10, 10)]
    answer = json.loads(run("ask", "--json", "không dùng tiền mặt", **env).stdout)
    assert answer["hits"][0]["title"] == "Chính thức kích hoạt Sự kiện không dùng tiền mặt năm 2022"
    assert answer["hits"][0]["published_at"] == "2022-07-21T10:00:00+07:00"


def test_failures_are_listed_one_per_line_and_the_exit_code_is_1(
    server: TestServer, env: dict[str, str]
) -> None:
    sites.serve_liferay(server, details=False)
    result = run("crawl", server.url(sites.LIST_PATH), "--max-pages", "1", **env)
    assert result.returncode == 1
    assert result.stdout.strip() == "new 10, updated 0, unchanged 0, failed 10"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 10 and all(
        line.startswith("failed: http://127.0.0.1:") and "HTTP 404" in line for line in lines
    )
    assert "Traceback" not in result.stderr


def test_stats_shows_each_sources_health(server: TestServer, env: dict[str, str]) -> None:
    sites.serve_liferay(server, details=False)
    Path(env["SOURCES_FILE"]).write_text(
        CRAWLER + f'[[source]]\nname = "so-test"\nbase_url = "{server.url("/")}"\nlists = '
        f'["{server.url(sites.LIST_PATH)}"]\nmax_pages = 1\n',
        encoding="utf-8",
    )
    assert (
        run("crawl", **env).returncode == 1
    )  # every enabled source; the article pages are missing
    stats = json.loads(run("stats", "--json", **env).stdout)
    (health,) = stats["crawl"]
    assert (
        health["source"] == "so-test"
        and health["enabled"] is True
        and health["last_status"] == "failed"
    )
    assert (health["last_new"], health["last_failed"], health["articles"], health["pending"]) == (
        10,
        10,
        10,
        10,
    )
    assert "HTTP 404" in health["last_error"]
    text = run("stats", **env).stdout
    assert (
        "crawling:     so-test (enabled): last run" in text
        and "10 new, 10 failed" in text
        and "last error" in text
    )


def test_a_named_source_and_its_errors(server: TestServer, env: dict[str, str]) -> None:
    sites.serve_liferay(server)
    Path(env["SOURCES_FILE"]).write_text(
        CRAWLER
        + f'[[source]]\nname = "so-test"\nbase_url = "{server.url("/")}"\nenabled = false\nlists '
        f'= ["{server.url(sites.LIST_PATH)}"]\n',
        encoding="utf-8",
    )
    none_enabled = run("crawl", **env)
    assert none_enabled.returncode == 1 and none_enabled.stderr.startswith(
        "error: no enabled source in "
    )
    unknown = run("crawl", "so-khac", **env)
    assert (
        unknown.returncode == 1
        and "no source named 'so-khac'" in unknown.stderr
        and "known: so-test" in unknown.stderr
    )
    named = run("crawl", "so-test", "--max-pages", "1", "--since", "01/01/2022", **env)
    assert (
        named.returncode == 0 and named.stdout.strip() == "new 7, updated 0, unchanged 0, failed 0"
    )
    bad_date = run("crawl", "so-test", "--since", "hôm qua", **env)
    assert bad_date.returncode == 2 and "not a date" in bad_date.stderr


def test_a_malformed_sources_file_is_one_line(env: dict[str, str]) -> None:
    Path(env["SOURCES_FILE"]).write_text(
        '[[source]]\nname = "so-x"\nbase_url = "https://so.vn/"\nfeed = []\n', encoding="utf-8"
    )
    result = run("crawl", **env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {env['SOURCES_FILE']}: source 'so-x': unknown key 'feed' (did you mean 'feeds'?)"
    ]


def test_a_crawl_killed_half_way_resumes_without_duplicates(
    server: TestServer, env: dict[str, str]
) -> None:
    expected = sites.serve_liferay(server)
    Path(env["SOURCES_FILE"]).write_text(CRAWLER + "concurrency = 1\n", encoding="utf-8")
    stuck = expected[6].url.removeprefix(server.url(""))
    release = threading.Event()
    page = sites.liferay_detail(expected[6]).encode()

    def hang(_path: str) -> Reply:
        release.wait(20)
        return Reply(page)

    server.add(stuck, hang)
    environment = dict(
        os.environ,
        DATABASE_URL=env["database_url"],
        LOAD_SAMPLE="false",
        SOURCES_FILE=env["SOURCES_FILE"],
    )
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bot.py"), "crawl", server.url(sites.LIST_PATH),
         "--max-pages", "1"],
        env=environment, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not server.hits[stuck] and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)  # let it store what it had fetched before the stuck page
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        release.set()
    before = rows(env, "SELECT url FROM articles")
    assert 0 < len(before) <= 6 and rows(env, "SELECT status FROM crawl_runs") == [("running",)]
    server.page(stuck, page)
    result = run("crawl", server.url(sites.LIST_PATH), "--max-pages", "1", **env)
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip()
        == f"new {10 - len(before)}, updated 0, unchanged {len(before)}, failed 0"
    )
    assert rows(
        env, "SELECT count(*), count(DISTINCT url), count(DISTINCT title) FROM articles"
    ) == [(10, 10, 10)]
    assert all(server.hits[url.removeprefix(server.url(""))] == 1 for (url,) in before)
    assert rows(env, "SELECT status FROM crawl_runs ORDER BY id") == [("interrupted",), ("ok",)]
