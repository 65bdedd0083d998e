"""Subscriptions in the index: the outbox written with the articles, percolation agreeing with
search, the delivery log's guarantees, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from index import (
    Archive,
    DeliveryMode,
    DeliveryStatus,
    NewsDesk,
    QuietHours,
    SubscriptionRefused,
)
from index.text.dates import VIETNAM, now

from .conftest import SAMPLE
from .httpserver import TestServer

ROOT = Path(__file__).resolve().parent.parent
DICTIONARY = ROOT / "data" / "dictionary.txt"


def _news(path: Path, records: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    return path


def _today(days_ago: int = 0) -> str:
    return (now() - timedelta(days=days_ago)).strftime("%d/%m/%Y %H:%M")


FRESH = [
    {
        "title": "Hội thảo chuyển đổi số trong giáo dục",
        "url": "https://so.gov.vn/moi/1",
        "summary": "Sở tổ chức hội thảo chuyển đổi số cho các trường học.",
        "date": _today(),
    },
    {
        "title": "Tập huấn an toàn thông tin mạng",
        "url": "https://so.gov.vn/moi/2",
        "summary": "Lớp tập huấn an toàn thông tin cho cán bộ phường.",
        "date": _today(1),
    },
]


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    opened = Archive.open(
        f"sqlite:///{tmp_path / 'db.sqlite3'}", sample=SAMPLE, dictionary=DICTIONARY
    )
    yield opened
    opened.close()


def test_sample_and_archive_imports_queue_nothing(archive: Archive, tmp_path: Path) -> None:
    desk = NewsDesk(archive)
    desk.subscribe("telegram", "1", "chuyển đổi số")
    old = [dict(r, url=r["url"] + "-cu", date="01/03/2021") for r in FRESH]
    archive.ingest([_news(tmp_path / "old.jsonl", old)])
    archive.ingest([_news(tmp_path / "quiet.jsonl", FRESH)], notify=False)
    assert desk.process().articles == 0


def test_news_is_matched_once_per_chat_and_article(archive: Archive, tmp_path: Path) -> None:
    desk = NewsDesk(archive, quiet_hours=QuietHours(start=_time(0), end=_time(0)))
    desk.subscribe("telegram", "1", "chuyen doi so")  # without accents
    desk.subscribe("telegram", "2", "an toàn thông tin hôm nay")
    desk.subscribe("telegram", "3", "phố sách")
    archive.ingest([_news(tmp_path / "new.jsonl", FRESH)])
    run = desk.process()
    assert (run.articles, run.logged) == (2, 2)
    claimed = desk.claim()
    assert sorted(chat for _, chat in claimed) == ["1", "2"]
    assert desk.claim() == {}  # claimed once, ever
    archive.ingest([_news(tmp_path / "again.jsonl", FRESH)])  # the same articles again
    assert desk.process().logged == 0


def _time(hour: int):  # noqa: ANN202
    from datetime import time

    return time(hour, 0)


def test_time_words_are_dropped_and_said(archive: Archive) -> None:
    desk = NewsDesk(archive)
    subscribed = desk.subscribe("telegram", "1", "tin chuyển đổi số tháng này")
    assert subscribed.topic.dropped == ("tháng này",)
    with pytest.raises(SubscriptionRefused) as refused:
        desk.subscribe("telegram", "1", "tin hôm nay")
    assert refused.value.reason == SubscriptionRefused.NO_TOPIC


def test_limits_are_refused_politely(archive: Archive) -> None:
    desk = NewsDesk(archive)
    with pytest.raises(SubscriptionRefused) as refused:
        desk.subscribe("telegram", "1", "chuyển đổi số " * 20)
    assert refused.value.reason == SubscriptionRefused.TOO_LONG
    words = [
        "giáo dục",
        "y tế",
        "du lịch",
        "nông nghiệp",
        "bưu chính",
        "viễn thông",
        "báo chí",
        "xuất bản",
        "phát thanh",
        "truyền hình",
        "an toàn",
        "chữ ký số",
        "dịch vụ công",
        "hội thảo",
        "tập huấn",
        "ngân sách",
        "đô thị",
        "thông minh",
        "văn hóa",
        "thể thao",
    ]
    for word in words:
        desk.subscribe("telegram", "1", word)
    with pytest.raises(SubscriptionRefused) as refused:
        desk.subscribe("telegram", "1", "phố sách")
    assert refused.value.reason == SubscriptionRefused.TOO_MANY
    desk.subscribe("telegram", "2", "giáo dục")
    with pytest.raises(SubscriptionRefused) as refused:
        desk.subscribe("telegram", "2", "giáo dục")
    assert refused.value.reason == SubscriptionRefused.DUPLICATE
    assert desk.unsubscribe("telegram", "1") == 20


def test_percolation_agrees_with_search_on_the_sample(archive: Archive) -> None:
    engine = archive.engine
    questions = ["chính quyền điện tử", "chinh quyen dien tu", "CQĐT", "hội thảo an toàn thông tin",
                 "chuyển đổi số", "dich vu cong truc tuyen", "phòng chống tham nhũng",
                 "cong nghe thong tin", "bưu chính viễn thông", "ubnd tỉnh"]  # fmt: skip
    topics = {i: engine.topic(q) for i, q in enumerate(questions)}
    percolator = engine.percolator(topics)
    ids = sorted(int(i) for i in engine.snapshot.article_ids[engine.snapshot.live])
    found: dict[int, set[int]] = {i: set() for i in topics}
    for article in engine.new_articles(ids):
        for subscription_id in percolator.match(article):
            found[subscription_id].add(article.article_id)
    for i, question in enumerate(questions):
        assert found[i] == set(engine.matching(question)), question
        assert found[i], question


def test_near_duplicates_from_two_sources_are_sent_once(archive: Archive, tmp_path: Path) -> None:
    desk = NewsDesk(archive, quiet_hours=QuietHours(start=_time(0), end=_time(0)))
    desk.subscribe("telegram", "1", "chuyển đổi số")
    copy = dict(FRESH[0], url="https://khac.gov.vn/bai/9", summary="Bài đăng lại.")
    archive.ingest([_news(tmp_path / "a.jsonl", [FRESH[0], copy])])
    assert desk.process().logged == 1


def test_quiet_hours_and_digests_set_the_due_time(archive: Archive, tmp_path: Path) -> None:
    clock = [datetime(2026, 11, 29, 23, 0, tzinfo=VIETNAM)]
    desk = NewsDesk(archive, clock=lambda: clock[0])
    desk.subscribe("telegram", "1", "chuyển đổi số")
    desk.subscribe("telegram", "2", "an toàn thông tin")
    desk.configure("telegram", "2", mode=DeliveryMode.DAILY, digest_at="07:30")
    archive.ingest([_news(tmp_path / "n.jsonl", FRESH)])
    assert desk.process().logged == 2
    assert desk.claim() == {}  # 23:00: quiet
    clock[0] = datetime(2026, 11, 30, 6, 1, tzinfo=VIETNAM)
    assert list(desk.claim()) == [("telegram", "1")]
    clock[0] = datetime(2026, 11, 30, 7, 31, tzinfo=VIETNAM)
    assert list(desk.claim()) == [("telegram", "2")]


def test_a_digest_is_kept_for_its_chat_and_read_back_newest_first(
    archive: Archive, tmp_path: Path
) -> None:
    clock = [datetime(2026, 11, 29, 10, 0, tzinfo=VIETNAM)]
    desk = NewsDesk(archive, clock=lambda: clock[0])
    for chat in ("1", "2"):
        desk.subscribe("telegram", chat, "chuyển đổi số")
        desk.subscribe("telegram", chat, "an toàn thông tin")
        desk.configure("telegram", chat, mode=DeliveryMode.DAILY)
    archive.ingest([_news(tmp_path / "n.jsonl", FRESH)])
    desk.process()
    clock[0] = datetime(2026, 11, 30, 7, 1, tzinfo=VIETNAM)
    claimed = desk.claim()
    mine, theirs = claimed[("telegram", "1")], claimed[("telegram", "2")]
    digest_id = desk.keep_digest(mine)
    assert digest_id == min(d.delivery_id for d in mine)
    read = desk.digest("telegram", "1", digest_id)
    assert [i.title for i in read] == [r["title"] for r in FRESH]  # newest first
    assert {i.because for i in read} == {"chuyển đổi số", "an toàn thông tin"}
    assert read == desk.prepare({("telegram", "1"): mine})[("telegram", "1")].items
    assert desk.digest("telegram", "2", digest_id) == ()  # another chat's digest
    assert desk.digest("telegram", "1", digest_id + 1000) == ()
    desk.finish(mine, DeliveryStatus.SENT)
    assert desk.digest("telegram", "1", digest_id) == read  # once sent, still there
    failed = desk.keep_digest(theirs)
    desk.finish(theirs, DeliveryStatus.FAILED, "forbidden")
    assert desk.digest("telegram", "2", failed) == ()  # never seen: nothing to page


def test_a_paused_chat_gets_nothing(archive: Archive, tmp_path: Path) -> None:
    desk = NewsDesk(archive, quiet_hours=QuietHours(start=_time(0), end=_time(0)))
    desk.subscribe("telegram", "1", "chuyển đổi số")
    desk.pause("telegram", "1", "forbidden")
    archive.ingest([_news(tmp_path / "n.jsonl", FRESH)])
    assert desk.process().logged == 0
    assert desk.stats().paused_chats == 1


def test_outbox_and_delivery_log_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    archive = Archive.open(postgres_url, sample=SAMPLE, index_dir=tmp_path / "idx")
    try:
        desk = NewsDesk(archive, quiet_hours=QuietHours(start=_time(0), end=_time(0)))
        desk.subscribe("telegram", "-100", "chuyển đổi số")
        archive.ingest([_news(tmp_path / "n.jsonl", FRESH)])
        other = NewsDesk(archive)  # a second replica
        assert desk.process().logged + other.process().logged == 1
        first, second = desk.claim(), other.claim()
        assert len(first) + len(second) == 1
        (deliveries,) = (first or second).values()
        digest_id = desk.keep_digest(deliveries)
        desk.finish(deliveries, DeliveryStatus.SENT)
        assert desk.stats().sent == 1
        assert len(other.digest("telegram", "-100", digest_id)) == 1  # migration 0011 there too
    finally:
        archive.close()


def test_a_crawl_announces_news_but_never_a_first_crawls_archive(
    archive: Archive, server: TestServer
) -> None:
    from index.crawl import FetchPolicy, SourcesFile, crawl_url

    from . import sites

    sources = SourcesFile(policy=FetchPolicy(delay=0, timeout=0.5, retries=0, backoff=0.01))
    items = [n for n in sites.newspaper_items()[:3]]
    fresh = now()

    def publish(count: int) -> None:
        listed = []
        for n, item in enumerate(items[:count]):
            path = f"/moi/tin/{n + 1}-bai.html"
            when = fresh - timedelta(hours=n)
            page = sites.article_page(item["title"], when, ["Nội dung bài viết mới."], summary="")
            server.page(path, page)
            listed.append((server.url(path), item["title"], when, item["summary"]))
        server.page("/moi/rss.xml", sites.rss(listed, server.url("/moi/")), "application/rss+xml")

    desk = NewsDesk(archive, quiet_hours=QuietHours(start=_time(0), end=_time(0)))
    desk.subscribe("telegram", "1", items[2]["title"])
    publish(2)
    first = crawl_url(archive.store, archive.analyzer, server.url("/moi/rss.xml"), sources=sources)
    assert first.added == 2
    assert desk.process().articles == 0  # the archive of a first crawl
    publish(3)
    second = crawl_url(archive.store, archive.analyzer, server.url("/moi/rss.xml"), sources=sources)
    assert second.added == 1
    run = desk.process()
    assert (run.articles, run.logged) == (1, 1)
