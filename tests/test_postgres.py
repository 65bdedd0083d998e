"""The same store and search on the real PostgreSQL server (never mocked, never skipped)."""

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from index import Archive

from .conftest import SAMPLE, SEED

pytestmark = pytest.mark.postgres


def test_sample_corpus_on_postgres(postgres_url: str) -> None:
    engine = Archive.open(postgres_url, sample=SAMPLE)
    assert engine.engine.snapshot.size == 214
    for query in ("hội thảo chính quyền điện tử", "hoi thao chinh quyen dien tu"):
        hit = engine.search(query).hits[0]
        assert hit.title.startswith("Hội thảo xây dựng chính quyền điện tử")
        assert hit.published_at.isoformat() == "2019-06-02T17:00:00+07:00"
    stats = engine.stats()
    assert stats.first_published is not None and stats.first_published.year == 2012
    assert stats.first_published.utcoffset().total_seconds() == 7 * 3600


def test_schema_is_managed_by_alembic(postgres_url: str) -> None:
    engine = Archive.open(postgres_url)
    with engine.store.sessions() as session:
        revision = session.execute(text("select version_num from alembic_version")).scalar_one()
        columns = session.execute(
            text(
                "select data_type from information_schema.columns where table_name='articles' and "
                "column_name='published_at'"
            )
        ).scalar_one()
    assert revision
    assert columns == "timestamp with time zone"


def test_ingest_is_idempotent_and_updates_in_place_on_postgres(
    postgres_url: str, tmp_path: Path
) -> None:
    engine = Archive.open(postgres_url)
    path = tmp_path / "a.jsonl"
    record = {
        "title": "Hội nghị số hóa",
        "url": "https://so.gov.vn/a",
        "summary": "Bản đầu.",
        "date": "2021-01-01",
    }
    fillers = [
        {"title": f"Tin {w}", "url": f"https://so.gov.vn/{w}"}
        for w in ("một", "hai", "ba", "bốn", "năm")
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in fillers]
    path.write_text("\n".join(lines + [json.dumps(record, ensure_ascii=False)]))
    assert engine.ingest([path, SEED]).added == 7
    assert engine.ingest([path, SEED]).unchanged == 7
    lines.append(json.dumps(dict(record, summary="Bản đã chỉnh sửa."), ensure_ascii=False))
    path.write_text("\n".join(lines))
    report = engine.ingest([path])
    assert (report.updated, report.unchanged) == (1, 5)
    hit = engine.search("chỉnh sửa").hits[0]
    assert hit.url == "https://so.gov.vn/a"
    assert engine.article(hit.article_id).summary == "Bản đã chỉnh sửa."


def test_reopening_an_existing_postgres_database_keeps_everything(postgres_url: str) -> None:
    Archive.open(postgres_url).ingest([SEED])
    again = Archive.open(postgres_url)
    assert again.engine.snapshot.size == 1
    assert again.reindex().reanalysed == 0


def test_conversations_on_postgres(postgres_url: str) -> None:
    from datetime import datetime, timedelta

    from index import ConversationState, LoggedQuestion
    from index.text.dates import VIETNAM

    archive = Archive.open(postgres_url)
    now = datetime(2024, 5, 6, 9, 30, tzinfo=VIETNAM)
    state = ConversationState(
        "telegram", "k" * 64, "search", now, list_query="phố sách", question="phố sách",
        asked_at=now, shown=(3, 1, 2), total=3,
    )  # fmt: skip
    archive.remember(state, LoggedQuestion("phố sách", 3, "telegram:private"))
    archive.remember(state)  # an update, not a second row
    assert archive.conversation("telegram", "k" * 64, now - timedelta(hours=24)) == state
    purged = archive.forget_chat("telegram", "k" * 64)
    assert (purged.conversations, purged.questions) == (1, 1)


def test_a_question_with_a_nul_is_counted_on_postgres(postgres_url: str) -> None:
    from index.store import Store

    store = Store.open(postgres_url)
    store.record_question("phố\u0000 sách", 3, "private")
    assert store.stats().questions_today == 1
    store.close()
