"""The engine over its on-disk index: opened without rebuilding, rebuilt when damaged, updated
by segments, take-downs, and the same on PostgreSQL."""

from __future__ import annotations

import json
import logging
import shutil
import zlib
from pathlib import Path

import pytest

from index import Archive
from index.search.arrays import FORMAT_VERSION
from index.search.generation import read_current
from index.search.writer import IndexWriter

from .conftest import SAMPLE

QUERY = "hội thảo chính quyền điện tử"


def _ranking(engine: Archive, query: str = QUERY) -> list[tuple[int, float]]:
    page = engine.search(query, limit=10)
    return [(h.article_id, h.score) for h in page.hits]


@pytest.fixture(scope="module")
def sample_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the sample and its index, built once."""
    folder = tmp_path_factory.mktemp("indexed")
    Archive.open(f"sqlite:///{folder / 'db.sqlite3'}", sample=SAMPLE).close()
    return folder


@pytest.fixture
def copy(sample_copy: Path, tmp_path: Path) -> Path:
    shutil.copytree(sample_copy, tmp_path / "copy")
    return tmp_path / "copy"


def test_opening_an_indexed_database_does_not_rebuild(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the index was rebuilt")

    monkeypatch.setattr(IndexWriter, "build", forbidden)
    engine = Archive.open(f"sqlite:///{copy / 'db.sqlite3'}")
    assert engine.engine.snapshot.size == 214
    assert engine.search(QUERY).hits[0].title.startswith("Hội thảo xây dựng chính quyền")


@pytest.mark.parametrize("damage", ["flip", "delete", "truncate", "foreign version"])
def test_a_damaged_index_is_rebuilt_from_the_database_with_one_log_line(
    copy: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite:///{copy / 'db.sqlite3'}"
    expected = _ranking(Archive.open(url))
    index_dir = copy / "db.sqlite3-index"
    manifest = read_current(index_dir)
    assert manifest is not None
    segment = index_dir / manifest.segments[0]
    if damage == "flip":
        data = bytearray(segment.read_bytes())
        data[100] ^= 0x01
        segment.write_bytes(bytes(data))
    elif damage == "delete":
        segment.unlink()
    elif damage == "truncate":
        segment.write_bytes(segment.read_bytes()[:-100])
    else:
        path = index_dir / manifest.name
        body = json.loads(path.read_text())
        body["manifest"]["format"] = 999
        path.write_text(json.dumps(body))
    with caplog.at_level(logging.INFO, logger="index.search.maintenance"):
        engine = Archive.open(url)
    lines = [r for r in caplog.records if "rebuilding it from the database" in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING
    assert _ranking(engine) == expected


def test_an_index_of_the_previous_format_is_rebuilt_with_an_informative_line(
    copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """After an upgrade that changes the format, the rebuild is expected: said at INFO, not as
    damage."""
    url = f"sqlite:///{copy / 'db.sqlite3'}"
    expected = _ranking(Archive.open(url))
    index_dir = copy / "db.sqlite3-index"
    manifest = read_current(index_dir)
    assert manifest is not None
    path = index_dir / manifest.name
    body = json.loads(path.read_text())["manifest"]
    body["format"] = FORMAT_VERSION - 1
    text = json.dumps(body, sort_keys=True, ensure_ascii=False)
    crc = zlib.crc32(text.encode())
    path.write_text(json.dumps({"manifest": body, "crc": crc}, sort_keys=True))
    with caplog.at_level(logging.INFO, logger="index.search.maintenance"):
        engine = Archive.open(url)
    (line,) = [r for r in caplog.records if "rebuilding it from the database" in r.getMessage()]
    assert line.levelno == logging.INFO
    assert "was written by another version" in line.getMessage()
    assert f"format {FORMAT_VERSION - 1}, this version reads {FORMAT_VERSION}" in line.getMessage()
    assert _ranking(engine) == expected


def test_changes_become_a_new_segment_and_take_downs_deletion_marks(
    copy: Path, tmp_path: Path
) -> None:
    engine = Archive.open(f"sqlite:///{copy / 'db.sqlite3'}")
    before = len(engine.engine.snapshot.segments)
    path = tmp_path / "new.jsonl"
    path.write_text(
        json.dumps({"title": "Hội chợ sách cũ Hòa Bình", "date": "2021-03-01"}, ensure_ascii=False)
    )
    engine.ingest([path])
    assert len(engine.engine.snapshot.segments) == before + 1
    page = engine.search("hội chợ sách cũ", limit=50)
    hit = page.hits[0]
    assert hit.title == "Hội chợ sách cũ Hòa Bình"
    assert engine.delete([hit.article_id]).deleted == (hit.article_id,)
    after = engine.search("hội chợ sách cũ", limit=50)
    assert after.total == page.total - 1
    assert hit.article_id not in [h.article_id for h in after.hits]
    assert engine.engine.snapshot.size == 214
    assert engine.store.article_count() == 214


def test_a_second_process_follows_the_first_one_s_generations(copy: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{copy / 'db.sqlite3'}"
    serving, writing = Archive.open(url), Archive.open(url)
    path = tmp_path / "new.jsonl"
    path.write_text(
        json.dumps({"title": "Lễ hội hoa ban Điện Biên", "date": "2021-03-01"}, ensure_ascii=False)
    )
    before = serving.search("lễ hội hoa ban").total
    writing.ingest([path])
    assert serving.search("lễ hội hoa ban").total == before
    assert serving.refresh() is True
    assert serving.search("lễ hội hoa ban").hits[0].title == "Lễ hội hoa ban Điện Biên"
    assert serving.refresh() is False


def test_a_full_reindex_runs_in_a_child_process_and_changes_no_ranking(copy: Path) -> None:
    engine = Archive.open(f"sqlite:///{copy / 'db.sqlite3'}")
    expected = _ranking(engine)
    seen: list[tuple[int, int | None]] = []
    report = engine.reindex(full=True, progress=lambda done, total: seen.append((done, total)))
    assert report.reanalysed == 214 and report.indexed == 214
    assert seen and seen[-1][0] == 214
    assert _ranking(engine) == expected


@pytest.mark.postgres
def test_the_index_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    engine = Archive.open(postgres_url, index_dir=tmp_path / "index", sample=SAMPLE)
    expected = _ranking(engine)
    again = Archive.open(postgres_url, index_dir=tmp_path / "index")
    assert _ranking(again) == expected
    path = tmp_path / "new.jsonl"
    path.write_text(
        json.dumps({"title": "Hội chợ sách cũ", "date": "2021-03-01"}, ensure_ascii=False)
    )
    engine.ingest([path])
    assert again.refresh() is True
    hit = again.search("hội chợ sách cũ").hits[0]
    assert hit.title == "Hội chợ sách cũ"
    assert again.delete([hit.article_id]).deleted == (hit.article_id,)
    assert engine.refresh() is True
    assert hit.article_id not in [h.article_id for h in engine.search("hội chợ sách cũ").hits]
    engine.close()
    again.close()
