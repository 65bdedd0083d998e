import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from index import Archive
from index.search import source as source_module
from index.search.source import database_rows
from index.store.models import Article, ArticleTerms
from index.text.analyzer import Analyzer, Segmenter
from index.text.shingles import article_signature

from .conftest import SEED


def _write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    return path


RECORDS = [
    {
        "title": "Hội nghị chuyển đổi số thành phố",
        "url": "https://so.gov.vn/1",
        "summary": "Sở tổ chức hội nghị chuyển đổi số.",
        "date": "01/03/2021 08:00",
        "category": "Tin tức",
    },
    {
        "title": "Tập huấn an toàn thông tin",
        "url": "https://so.gov.vn/2",
        "summary": "Lớp tập huấn an toàn thông tin cho cán bộ.",
        "date": "02/03/2021",
        "category": "Tin tức",
    },
    {
        "title": "Phố sách Xuân",
        "url": "https://so.gov.vn/3",
        "summary": "Phố sách khai mạc dịp Tết.",
        "date": "03/03/2021",
        "category": "Văn hóa",
    },
    {
        "title": "Công khai ngân sách quý I",
        "url": "https://so.gov.vn/4",
        "summary": "Công khai dự toán ngân sách.",
        "date": "04/03/2021",
        "category": "Ngân sách",
    },
    {
        "title": "Chuyển đổi IPv6",
        "url": "https://so.gov.vn/5",
        "summary": "Kế hoạch chuyển đổi IPv6.",
        "date": "05/03/2021",
        "category": "CNTT",
    },
    {
        "title": "Số hóa truyền hình",
        "url": "https://so.gov.vn/6",
        "summary": "Số hóa truyền dẫn phát sóng.",
        "date": "06/03/2021",
        "category": "Truyền hình",
    },
]


@pytest.fixture
def engine(sqlite_url: str) -> Archive:
    return Archive.open(sqlite_url)


def _count(engine: Archive) -> int:
    with engine.store.sessions() as session:
        return session.scalar(select(func.count(Article.id)))


def test_ingesting_the_same_input_twice_changes_nothing(engine: Archive, tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "a.jsonl", RECORDS)
    first = engine.ingest([path, SEED])
    second = engine.ingest([path, SEED])
    assert (first.added, first.updated, first.unchanged) == (7, 0, 0)
    assert (second.added, second.updated, second.unchanged) == (0, 0, 7)
    assert _count(engine) == 7


def test_edited_articles_are_updated_in_place(engine: Archive, tmp_path: Path) -> None:
    engine.ingest([_write_jsonl(tmp_path / "a.jsonl", RECORDS)])
    edited = [dict(RECORDS[2], summary="Phố sách mở cửa đón bạn đọc nhỏ tuổi.")]
    report = engine.ingest([_write_jsonl(tmp_path / "b.jsonl", edited)])
    assert (report.added, report.updated) == (0, 1)
    assert _count(engine) == 6
    page = engine.search("bạn đọc nhỏ tuổi")
    assert page.hits[0].url == "https://so.gov.vn/3"


def test_edited_text_dump_without_url_is_matched_by_title_and_date(
    engine: Archive, tmp_path: Path
) -> None:
    engine.ingest([SEED])
    edited = SEED.read_text(encoding="utf-8").replace("AP Plaza", "AP Plaza Hòa Bình")
    (tmp_path / "seed.txt").write_text(edited, encoding="utf-8")
    report = engine.ingest([tmp_path / "seed.txt"])
    assert report.updated == 1 and _count(engine) == 1


def test_bad_records_are_skipped_and_the_rest_lands(engine: Archive, tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in RECORDS[:3]]
    lines.insert(1, "{not json")
    path.write_text("\n".join(lines), encoding="utf-8")
    report = engine.ingest([path])
    assert report.added == 3 and report.failed == 1 and not report.ok
    assert report.problems[0].origin.endswith("mixed.jsonl:2")


def test_a_crash_mid_ingest_keeps_every_committed_batch_whole(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Archive.open(sqlite_url)
    records = [
        dict(RECORDS[i % 6], url=f"https://so.gov.vn/x{i}", title=f"Bài số {i}") for i in range(250)
    ]
    path = _write_jsonl(tmp_path / "big.jsonl", records)
    calls = {"n": 0}
    original = Segmenter.joins

    def crash_after_a_while(self: Segmenter, tokens: list[str]) -> list[bool]:
        calls["n"] += 1
        if calls["n"] > 300:  # the first batch of 100 articles (2 texts each) completes
            raise RuntimeError("power cut")
        return original(self, tokens)

    monkeypatch.setattr(Segmenter, "joins", crash_after_a_while)
    with pytest.raises(RuntimeError, match="power cut"):
        engine.ingest([path])
    monkeypatch.setattr(Segmenter, "joins", original)
    assert _count(engine) == 100  # one whole batch; the interrupted one left nothing behind
    with engine.store.sessions() as session:
        assert session.scalar(select(func.count(ArticleTerms.article_id))) == 100
    report = engine.ingest([path])  # started again: resumes without duplicates
    assert (report.added, report.unchanged) == (150, 100)
    assert _count(engine) == 250


def test_reindex_never_segments_unchanged_text(
    engine: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine.ingest([_write_jsonl(tmp_path / "a.jsonl", RECORDS)])

    def forbidden(self: Segmenter, tokens: list[str]) -> list[bool]:
        raise AssertionError("the segmenter ran on unchanged text")

    monkeypatch.setattr(Segmenter, "joins", forbidden)
    report = engine.reindex()
    assert report.reanalysed == 0 and report.indexed == 6
    assert engine.stats().last_reindex is not None


def test_full_reindex_reanalyses_everything(engine: Archive, tmp_path: Path) -> None:
    engine.ingest([_write_jsonl(tmp_path / "a.jsonl", RECORDS)])
    assert engine.reindex(full=True).reanalysed == 6


def _stored_sketches(engine: Archive) -> dict[int, bytes | None]:
    """Each article's stored signature, checked against the one its title and sentences give."""
    query = select(Article.id, Article.title, ArticleTerms.sentences, ArticleTerms.sketch).join(
        ArticleTerms
    )
    with engine.store.sessions() as session:
        rows = session.execute(query).all()
    for row in rows:
        if row.sketch is not None:
            expected = article_signature(row.title, json.loads(row.sentences)).to_bytes()
            assert bytes(row.sketch) == expected, row.title
    return {row.id: None if row.sketch is None else bytes(row.sketch) for row in rows}


def test_ingest_keeps_each_signature_and_the_build_reads_it(
    engine: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine.ingest([_write_jsonl(tmp_path / "a.jsonl", RECORDS)])
    stored = _stored_sketches(engine)
    assert len(stored) == 6 and all(stored.values())

    def forbidden(title: str, sentences: list[str]) -> None:
        raise AssertionError("the build computed a signature kept in the database")

    monkeypatch.setattr(source_module, "article_signature", forbidden)
    rows = [r for batch in database_rows(engine.store, Analyzer.version) for r in batch]
    assert {r.article_id: r.sketch for r in rows} == stored


def _signature_not_kept(engine: Archive, tmp_path: Path) -> None:
    """Articles analysed before the signature was kept (migration 0012) need no re-analysis."""
    engine.ingest([_write_jsonl(tmp_path / "a.jsonl", RECORDS)])
    stored = _stored_sketches(engine)
    assert all(stored.values())
    with engine.store.sessions.begin() as session:
        session.execute(
            update(ArticleTerms).where(ArticleTerms.article_id % 2 == 0).values(sketch=None)
        )
    assert sum(v is None for v in _stored_sketches(engine).values()) == 3
    rows = [r for batch in database_rows(engine.store, Analyzer.version) for r in batch]
    assert {r.article_id: r.sketch for r in rows} == stored


def test_a_signature_not_kept_is_computed_by_the_build(engine: Archive, tmp_path: Path) -> None:
    _signature_not_kept(engine, tmp_path)


@pytest.mark.postgres
def test_signatures_kept_on_postgres_read_back_the_same(postgres_url: str, tmp_path: Path) -> None:
    _signature_not_kept(Archive.open(postgres_url), tmp_path)


def test_reanalysis_refreshes_the_kept_signature(engine: Archive, tmp_path: Path) -> None:
    engine.ingest([_write_jsonl(tmp_path / "a.jsonl", RECORDS)])
    stored = _stored_sketches(engine)
    with engine.store.sessions.begin() as session:
        session.execute(update(ArticleTerms).values(sketch=None))
        session.execute(
            update(ArticleTerms).where(ArticleTerms.article_id == 1).values(sketch=b"x")
        )
    assert engine.reindex(full=True).reanalysed == 6
    assert _stored_sketches(engine) == stored


def test_stale_analyzer_version_is_reanalysed_on_open(sqlite_url: str, tmp_path: Path) -> None:
    engine = Archive.open(sqlite_url)
    engine.ingest([_write_jsonl(tmp_path / "a.jsonl", RECORDS)])
    with engine.store.sessions.begin() as session:
        for terms in session.scalars(select(ArticleTerms)):
            terms.analyzer_version = "old"
    reopened = Archive.open(sqlite_url)
    assert reopened.engine.snapshot.size == 6
    assert reopened.search("phố sách").hits[0].url == "https://so.gov.vn/3"


# -- per-record isolation (robustness issue) ----------------------------------------------------


def _hostile_lines() -> list[str]:
    good = RECORDS[0]
    return [
        json.dumps({**good, "url": "https://so.gov.vn/nul", "body": "a\u0000b"}),
        json.dumps({**good, "url": "https://so.gov.vn/old", "date": "0001-01-01"}),
        json.dumps({**good, "url": "https://so.gov.vn/new", "date": "9999-12-31"}),
        json.dumps({**good, "url": "https://so.gov.vn/num", "date": 1e20}),
        "[" * 100_000 + "]" * 100_000,
        json.dumps({**good, "url": "https://so.gov.vn/ok"}),
    ]


def _ingest_hostile(engine: Archive, tmp_path: Path) -> None:
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(_hostile_lines()), encoding="utf-8")
    report = engine.ingest([path])
    assert report.added == 5 and report.failed == 1
    skipped = [p for p in report.problems if p.skipped]
    assert [p.origin.rsplit(":", 1)[1] for p in skipped] == ["5"]
    with engine.store.sessions() as session:
        rows = {a.url: a for a in session.scalars(select(Article))}
    assert rows["https://so.gov.vn/nul"].body == "ab"
    for url in ("old", "new", "num"):
        assert rows[f"https://so.gov.vn/{url}"].date_estimated
    assert not rows["https://so.gov.vn/ok"].date_estimated


def test_hostile_records_are_reported_one_line_each_and_the_rest_stored(
    engine: Archive, tmp_path: Path
) -> None:
    _ingest_hostile(engine, tmp_path)


@pytest.mark.postgres
def test_hostile_records_on_postgres_store_the_same(postgres_url: str, tmp_path: Path) -> None:
    _ingest_hostile(Archive.open(postgres_url), tmp_path)


def test_a_record_the_database_refuses_is_skipped_and_its_batch_stored(
    engine: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import DataError

    from index.store import ingest

    real = ingest.analyse

    def refuse_one(article: Article, analyzer: object, prepared: object = None) -> None:
        if article.url == "https://so.gov.vn/2":
            raise DataError("INSERT", {}, ValueError("invalid byte sequence"))
        real(article, analyzer, prepared)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest, "analyse", refuse_one)
    report = engine.ingest([_write_jsonl(tmp_path / "a.jsonl", RECORDS)])
    assert report.added == 5 and report.failed == 1
    (problem,) = report.problems
    assert problem.origin.endswith("a.jsonl:2") and problem.message == (
        "cannot store: invalid byte sequence"
    )
    assert _count(engine) == 5


def test_a_refused_record_does_not_hide_the_records_stored_before_it_from_the_index(
    engine: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: a refused record's savepoint rollback fired `after_rollback`, which forgot
    the ids the batch had logged so far; the change log then named only the records after it,
    so an engine following the log never indexed the ones before."""
    from sqlalchemy.exc import DataError

    from index.store import ingest

    engine.ingest([_write_jsonl(tmp_path / "first.jsonl", RECORDS[5:])])
    applied = int(engine.engine.snapshot.data_version)  # from now on the log is followed
    real = ingest.analyse

    def refuse_one(article: Article, analyzer: object, prepared: object = None) -> None:
        if article.url == "https://so.gov.vn/3":
            raise DataError("INSERT", {}, ValueError("invalid byte sequence"))
        real(article, analyzer, prepared)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest, "analyse", refuse_one)
    report = engine.ingest([_write_jsonl(tmp_path / "a.jsonl", RECORDS[:5])])
    assert (report.added, report.failed) == (4, 1)
    changes = engine.store.changes.since(applied)
    stored = {a.article_id for a in engine.articles() if a.url != RECORDS[5]["url"]}
    assert changes is not None and set(changes.article_ids) >= stored and len(stored) == 4
    for record in (RECORDS[0], RECORDS[1], RECORDS[3], RECORDS[4]):
        assert engine.search(record["title"]).hits[0].url == record["url"]
    assert engine.search("phố sách xuân").total == 0


def test_a_batch_whose_commit_fails_is_stored_record_by_record(
    engine: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import IntegrityError

    from index.store import ingest

    calls: list[int] = []
    real = ingest._store_together

    def fail_batches(
        sessions: object, batch: list, analyzer: object, notify: bool, analyses: list
    ) -> object:
        calls.append(len(batch))
        if len(batch) > 1:
            raise IntegrityError("COMMIT", {}, ValueError("deferred constraint"))
        return real(sessions, batch, analyzer, notify, analyses)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest, "_store_together", fail_batches)
    report = engine.ingest([_write_jsonl(tmp_path / "a.jsonl", RECORDS)])
    assert report.added == 6 and report.ok and calls == [6, 1, 1, 1, 1, 1, 1]


@pytest.mark.postgres
def test_a_record_postgresql_refuses_is_rolled_back_alone(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the NUL removal, PostgreSQL itself refuses the record (psycopg DataError): its
    savepoint is rolled back and the rest of the batch, before and after it, is stored."""
    from index.store import importers, ingest

    for module in (importers, ingest):
        monkeypatch.setattr(module, "bound_record", lambda record: (record, []))
    records = [dict(r) for r in RECORDS]
    records[2]["summary"] = "có ký tự \u0000 NUL"
    engine = Archive.open(postgres_url)
    report = engine.ingest([_write_jsonl(tmp_path / "a.jsonl", records)])
    assert (report.added, report.failed) == (5, 1)
    (problem,) = report.problems
    assert problem.origin.endswith("a.jsonl:3") and "NUL" in problem.message
    assert _count(engine) == 5
    engine.close()


def test_a_lone_surrogate_escape_is_stored_as_a_replacement_character(
    engine: Archive, tmp_path: Path
) -> None:
    path = tmp_path / "surrogate.jsonl"
    path.write_text('{"title": "Tin \\ud800 mới", "url": "https://so.gov.vn/s"}\n', "utf-8")
    report = engine.ingest([path])
    assert report.added == 1 and report.ok
    assert engine.article(1).title == "Tin \ufffd mới"
