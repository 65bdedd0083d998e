"""Ingest on every core: worker processes change how fast, never what is stored or reported.

Starting the workers costs about a second, so only these few tests start them (the pool is
forced with a threshold of 0 characters: the shipped sample alone would not start it)."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.store import IngestWorkers, Store, read_paths
from index.store import ingest as ingest_module
from index.store import pipeline as pipeline_module
from index.text.analyzer import Analyzer
from index.text.shingles import article_signature

from .conftest import ROOT, SAMPLE, SEED

ITEMS = SAMPLE / "sotttt-hanoi" / "items.jsonl"


def _bad_records(path: Path) -> Path:
    """Sample records with what goes wrong in real files between them: a broken line, a record
    without a title, one nested too deep, a NUL, an implausible date, an edit of an earlier
    record (updated), a record repeated (unchanged), a url-less record."""
    good = [json.loads(line) for line in ITEMS.read_text(encoding="utf-8").splitlines()[:12]]
    edited = dict(good[0], summary=good[0]["summary"] + " Cập nhật.")
    lines = [json.dumps(r, ensure_ascii=False) for r in good[:5]]
    lines += ["{broken", json.dumps({"url": "https://so.gov.vn/x", "body": "không có tiêu đề"})]
    lines += ["[" * 100, json.dumps(dict(good[5], body="a\u0000b"), ensure_ascii=False)]
    lines += [json.dumps(dict(good[6], date="01/01/2099"), ensure_ascii=False)]
    lines += [json.dumps(r, ensure_ascii=False) for r in (edited, good[1], *good[7:])]
    lines += [json.dumps({"title": "Tin không có địa chỉ", "body": "Hội nghị trực tuyến."})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _contents(database: Path) -> list[tuple[object, ...]]:
    """What ingest stored, without the clock's part (times, and dates given by the clock)."""
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT a.id, a.url, a.title, a.summary, a.body, a.category, a.author, s.name, "
            "a.date_estimated, CASE WHEN a.date_estimated THEN NULL ELSE a.published_at END, "
            "a.content_hash, t.analyzer_version, t.content_hash, t.title_tokens, t.text_tokens, "
            "t.sentences, t.event_dates, t.sketch, (SELECT count(*) FROM news_outbox o "
            "WHERE o.article_id = a.id) FROM articles a JOIN sources s ON s.id = a.source_id "
            "JOIN article_terms t ON t.article_id = a.id ORDER BY a.id"
        ).fetchall()


def test_two_workers_analyse_everything_and_store_what_one_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    analysed_here: list[str] = []
    real = ingest_module._analysis

    def counted(article: object, analyzer: Analyzer) -> dict[str, str]:
        analysed_here.append(article.title)  # type: ignore[attr-defined]
        return real(article, analyzer)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest_module, "_analysis", counted)
    pools: list[object] = []
    monkeypatch.setattr(pipeline_module, "AnalysisPool", _spy(pools))
    bad = _bad_records(tmp_path / "bad.jsonl")
    reports, contents = [], []
    for workers in (1, 2):
        analysed_here.clear()
        database = tmp_path / f"w{workers}.sqlite3"
        store = Store.open(f"sqlite:///{database}", ingest_workers=IngestWorkers(workers, 0))
        sample = store.load_sample(SAMPLE, Analyzer())
        found = store.store_items(read_paths([bad]), Analyzer(), notify=True)
        store.close()
        reports.append((sample, found))
        contents.append(_contents(database))
    assert len(pools) == 2  # the sample and the file, each with its own pool
    assert analysed_here == [], "every analysis came from the workers"
    assert reports[0] == reports[1] and contents[0] == contents[1]
    for row in contents[1]:  # the signature the workers computed is the one of the text stored
        assert row[17] == article_signature(row[2], json.loads(row[15])).to_bytes(), row[2]
    sample, found = reports[1]
    assert sample.added == 214  # then the file: mostly the sample's records again
    assert (found.added, found.updated, found.unchanged, found.failed) == (1, 2, 12, 3)
    assert [p.origin.rsplit(":", 1)[1] for p in found.problems] == ["6", "7", "8", "9", "10"]


def test_records_stored_already_are_not_analysed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: the workers analysed every record read, so importing a folder again (all
    unchanged) cost as much CPU as the first import, where one process analyses nothing."""
    store = Store.open(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert store.load_sample(SAMPLE, Analyzer()).added == 214
    pools: list[object] = []
    monkeypatch.setattr(pipeline_module, "AnalysisPool", _spy(pools))
    monkeypatch.setattr(ingest_module, "_analysis", None)  # any analysis here would fail
    store.ingest_workers = IngestWorkers(2, 0)
    again = store.store_items(read_paths([SAMPLE]), Analyzer())
    assert (again.unchanged, again.failed) == (214, 0) and pools == []


def _spy(pools: list[object]) -> type:
    class Counted(pipeline_module.AnalysisPool):  # type: ignore[name-defined,misc]
        def __init__(self, workers: int) -> None:
            super().__init__(workers)
            pools.append(self)

    return Counted


def _run(*args: str, database: Path, workers: int) -> subprocess.CompletedProcess[str]:
    environment = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{database}",
        INDEX_DIR=str(database.parent / f"index-{workers}"),
        INGEST_WORKERS=str(workers),
        INGEST_POOL_MIN_CHARS="0",
    )
    command = [sys.executable, str(ROOT / "bot.py"), *args]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=120, env=environment, cwd=ROOT
    )


def test_bot_ingest_with_two_workers_reports_and_stores_what_one_does(tmp_path: Path) -> None:
    bad = _bad_records(tmp_path / "bad.jsonl")
    results, contents = [], []
    for workers in (1, 2):
        database = tmp_path / f"cli{workers}.sqlite3"
        result = _run("ingest", str(bad), str(SAMPLE), database=database, workers=workers)
        results.append((result.returncode, result.stdout, result.stderr))
        contents.append(_contents(database))
    assert results[0] == results[1] and contents[0] == contents[1]
    code, stdout, stderr = results[1]
    assert code == 1 and "Traceback" not in stderr
    assert "added 1, updated 4, unchanged 224, failed 3" in stdout, stdout  # sample loaded first
    assert f"skipped: {bad}:6: malformed JSON" in stderr


def test_a_worker_killed_mid_ingest_stops_it_with_one_line_and_keeps_whole_batches(
    tmp_path: Path,
) -> None:
    body = SEED.read_text(encoding="utf-8").split("\n", 3)[-1]
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for number in range(400):
            record = {"title": f"Bài {number}", "url": f"https://so.gov.vn/{number}", "body": body}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    database = tmp_path / "killed.sqlite3"
    environment = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{database}",
        INDEX_DIR=str(tmp_path / "index"),
        LOAD_SAMPLE="false",
        INGEST_WORKERS="2",
        INGEST_POOL_MIN_CHARS="0",
    )
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bot.py"), "ingest", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment, cwd=ROOT,
    )  # fmt: skip
    victim = _wait_for_worker(process.pid)
    os.kill(victim, signal.SIGKILL)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 1, stdout + stderr
    assert "Traceback" not in stderr, stderr
    assert stderr.strip().splitlines()[-1].startswith("error: an analysis worker process stopped")
    with sqlite3.connect(database) as connection:
        (stored,) = connection.execute("SELECT count(*) FROM articles").fetchone()
        (analysed,) = connection.execute("SELECT count(*) FROM article_terms").fetchone()
    assert stored % 100 == 0 and stored < 400 and analysed == stored


def _wait_for_worker(parent: int, timeout: float = 30) -> int:
    """A grandchild of `parent` (a worker forked by its worker server), once one runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in _children(parent):
            grandchildren = _children(child)
            if grandchildren:
                return grandchildren[0]
        time.sleep(0.05)
    raise AssertionError("no worker process started")


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]
