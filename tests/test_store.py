"""The store: what the other rooms ask of the database."""

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from index import ArticleNotFound, ArticleRecord
from index.store import Store
from index.text import VIETNAM, Analyzer

from .conftest import SAMPLE

RECORDS = [
    ArticleRecord(
        title=f"Hội sách thiếu nhi lần {n}",
        url=f"https://so.gov.vn/{n}",
        body=f"Hội sách lần thứ {n} khai mạc. Có nhiều gian hàng.",
        published_at=datetime(2019, n, 1, 8, 0, tzinfo=VIETNAM),
        category="Phố sách",
    )
    for n in range(1, 7)
]


@pytest.fixture
def store(sqlite_url: str) -> Store:
    opened = Store.open(sqlite_url)
    opened.store_items(RECORDS, Analyzer())
    return opened


def test_stats_count_sources_and_dates_as_aware_datetimes(store: Store) -> None:
    stats = store.stats()
    assert stats.articles == 6 and stats.sources == (("so.gov.vn", 6),)
    assert stats.first_published == datetime(2019, 1, 1, 8, 0, tzinfo=VIETNAM)
    assert stats.last_published is not None and stats.last_published.utcoffset() is not None
    assert stats.last_reindex is None and stats.questions_today == 0


def test_questions_are_counted_without_their_asker(store: Store) -> None:
    store.record_question("phố sách", 3, "private")
    store.record_question("x" * 900, 0, "group")
    assert store.stats().questions_today == 2


def test_an_article_is_read_whole_or_not_found(store: Store) -> None:
    article = store.article(1)
    assert article.title == "Hội sách thiếu nhi lần 1" and article.category == "Phố sách"
    with pytest.raises(ArticleNotFound):
        store.article(999)


def test_rows_and_sentences_for_the_index(store: Store) -> None:
    (rows,) = store.index_rows(Analyzer().version)  # one batch
    assert [r.article_id for r in rows] == [1, 2, 3, 4, 5, 6]
    assert [r.article_id for b in store.index_rows(Analyzer().version, batch=4) for r in b] == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    assert [r.article_id for b in store.index_rows(Analyzer().version, ids=[5, 2]) for r in b] == [
        2,
        5,
    ]
    assert "khai mạc" in rows[0].text_tokens.split("\n")  # segmented at ingest
    assert list(store.index_rows("an older analyzer")) == []
    assert store.sentences([2])[2][-1] == "Có nhiều gian hàng."


def test_sentences_are_read_for_the_articles_asked_only(store: Store) -> None:
    read = store.sentences([5, 2, 99])  # 99: no such article
    assert sorted(read) == [2, 5]
    assert read[5] == ["Hội sách lần thứ 5 khai mạc.", "Có nhiều gian hàng."]
    assert store.sentences([]) == {}
    assert store.sentences(list(range(1, 7))) == {n: store.sentences([n])[n] for n in range(1, 7)}


def test_the_data_version_changes_when_articles_do(store: Store) -> None:
    before = store.data_version()
    store.store_items(RECORDS, Analyzer())  # unchanged
    assert store.data_version() == before
    edited = [
        ArticleRecord(title="Hội sách thiếu nhi lần 1", url="https://so.gov.vn/1", body="Mới.")
    ]
    assert store.store_items(edited, Analyzer()).updated == 1
    assert store.data_version() != before


def test_the_sample_loads_once_into_a_new_database(sqlite_url: str, tmp_path: Path) -> None:
    fresh = Store.open(sqlite_url)
    assert fresh.is_new()
    assert fresh.load_sample(SAMPLE, Analyzer()).added == 214
    assert not fresh.is_new()


def test_an_unchanged_database_is_not_read_again_for_stale_analyses(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.store.ingest as ingest

    passes: list[str] = []
    real = ingest.reanalyse

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        passes.append(args[1].version)
        return real(*args, **kwargs)

    monkeypatch.setattr(ingest, "reanalyse", counted)
    analyzer = Analyzer()
    assert store.reanalyse(analyzer, unless_unchanged=True) == 0
    assert store.reanalyse(analyzer, unless_unchanged=True) == 0
    assert len(passes) == 1  # the second start found the same data version: nothing read
    store.store_items([replace(RECORDS[0], url="https://so.gov.vn/moi")], analyzer)
    assert store.reanalyse(analyzer, unless_unchanged=True) == 0
    assert len(passes) == 2  # the articles changed: read again

    class Newer(Analyzer):
        version = analyzer.version + "-newer"

    assert store.reanalyse(Newer(), unless_unchanged=True) == 7  # another analyzer: all stale
    assert passes[-1] == Newer.version
    assert store.reanalyse(analyzer) == 7  # without the shortcut, as before
