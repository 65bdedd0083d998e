"""Crawling through the API over real HTTP: the saved Liferay portal, the real VnExpress feed, built
portals of other shapes, and the fault cases; after each, nothing valid lost, nothing duplicated."""

from __future__ import annotations

import threading
import unicodedata
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from index import Archive
from index.crawl import (
    CrawlBusy,
    CrawlIssue,
    CrawlProgress,
    FetchPolicy,
    ListPage,
    ProblemKind,
    SourceConfig,
    SourcesFile,
    crawl_health,
    crawl_source,
    crawl_url,
    due_sources,
)
from index.store.models import VIETNAM, Article, CrawlPage, CrawlRun

from . import sites
from .httpserver import Reply, TestServer

POLICY = FetchPolicy(delay=0, timeout=0.5, total_timeout=5, retries=1, backoff=0.01)
SOURCES = SourcesFile(policy=POLICY)


@pytest.fixture
def engine(sqlite_url: str) -> Archive:
    return Archive.open(sqlite_url)


def stored(engine: Archive) -> list[Article]:
    with engine.store.sessions() as session:
        query = (
            select(Article)
            .options(selectinload(Article.source))
            .order_by(Article.published_at.desc(), Article.id)
        )
        return list(session.scalars(query))


def assert_no_duplicates(engine: Archive) -> None:
    with engine.store.sessions() as session:
        urls = list(session.scalars(select(Article.url)))
        titles = list(session.scalars(select(Article.title)))
    assert len(urls) == len(set(urls)) and len(titles) == len(set(titles))


def crawl(engine: Archive, url: str, **options: object):
    return crawl_url(engine.store, engine.analyzer, url, sources=SOURCES, **options)


# -- the saved Liferay portal ----------------------------------------------------------------


def test_liferay_list_page_stores_its_ten_articles_then_nothing_new(
    engine: Archive, server: TestServer
) -> None:
    expected = sites.serve_liferay(server)
    first = crawl(engine, server.url(sites.LIST_PATH), max_pages=1)
    assert (first.added, first.updated, first.failed, first.skipped) == (10, 0, 0, 0) and first.ok
    articles = stored(engine)
    assert [(a.url, a.title, a.published_at) for a in articles] == [
        (e.url, e.title, e.published_at) for e in expected
    ]
    assert all(
        a.summary == e.summary and not a.date_estimated
        for a, e in zip(articles, expected, strict=True)
    )
    assert all(a.body.startswith("Bài viết “") and a.source.name == "127.0.0.1" for a in articles)
    second = crawl(engine, server.url(sites.LIST_PATH), max_pages=1)
    assert (second.added, second.updated, second.unchanged, second.failed) == (0, 0, 10, 0)
    assert all(
        server.hits[e.url.removeprefix(server.url(""))] == 1 for e in expected
    )  # not fetched again
    assert len(stored(engine)) == 10


def test_a_listing_that_changed_fetches_only_that_page_again(
    engine: Archive, server: TestServer
) -> None:
    expected = sites.serve_liferay(server)
    crawl(engine, server.url(sites.LIST_PATH), max_pages=1)
    page = (sites.LIFERAY / "vi_cong-nghe-thong-tin.html").read_text(encoding="utf-8")
    old, new = (
        "Hội nghị của UBND Thành phố về công tác cán bộ",
        "Hội nghị của UBND Thành phố về công tác cán bộ năm 2022",
    )
    server.page(sites.LIST_PATH, page.replace(old, new))
    edited = sites.Expected(expected[2].url, new, expected[2].published_at, expected[2].summary)
    server.page(edited.url.removeprefix(server.url("")), sites.liferay_detail(edited))
    report = crawl(engine, server.url(sites.LIST_PATH), max_pages=1)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 9)
    assert stored(engine)[2].title == "Hội nghị của UBND Thành phố về công tác cán bộ năm 2022"
    assert sum(server.hits[e.url.removeprefix(server.url(""))] for e in expected) == 11


def test_refresh_fetches_known_pages_again_and_finds_them_unchanged(
    engine: Archive, server: TestServer
) -> None:
    sites.serve_liferay(server)
    crawl(engine, server.url(sites.LIST_PATH), max_pages=1)
    report = crawl(engine, server.url(sites.LIST_PATH), max_pages=1, refresh=True)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 10)


def test_since_skips_articles_listed_as_older(engine: Archive, server: TestServer) -> None:
    sites.serve_liferay(server)
    report = crawl(
        engine, server.url(sites.LIST_PATH), max_pages=1, since=datetime(2022, 1, 1, tzinfo=VIETNAM)
    )
    assert report.added == 7 and all(a.published_at.year == 2022 for a in stored(engine))


def test_a_list_page_whose_articles_fail_keeps_them_from_the_listing_and_retries(
    engine: Archive, server: TestServer
) -> None:
    expected = sites.serve_liferay(server, details=False)
    first = crawl(engine, server.url(sites.LIST_PATH), max_pages=1)
    assert (first.added, first.failed, first.pending) == (10, 10, 10) and not first.ok
    assert all(p.kept and "HTTP 404" in p.reason for p in first.problems)
    articles = stored(engine)
    assert [(a.title, a.summary, a.published_at) for a in articles] == [
        (e.title, e.summary, e.published_at) for e in expected
    ]
    for item in expected:
        server.page(item.url.removeprefix(server.url("")), sites.liferay_detail(item))
    second = crawl(engine, server.url(sites.LIST_PATH), max_pages=1)
    assert (second.added, second.updated, second.failed, second.pending) == (0, 10, 0, 0)
    assert all(a.body.startswith("Bài viết") for a in stored(engine)) and len(stored(engine)) == 10


@pytest.mark.parametrize("status", [404, 410])
def test_a_page_gone_twice_in_a_row_takes_its_article_down(
    engine: Archive, server: TestServer, status: int
) -> None:
    expected = sites.serve_liferay(server)
    crawl(engine, server.url(sites.LIST_PATH), max_pages=1)
    gone = expected[3]
    path = gone.url.removeprefix(server.url(""))
    server.add(path, Reply(b"", status=status))
    engine.refresh()
    assert engine.search(gone.title).hits[0].title == gone.title
    first = crawl(engine, server.url(sites.LIST_PATH), max_pages=1, refresh=True)
    assert (first.failed, first.removed, first.pending) == (1, 0, 1)  # once may be a glitch
    assert len(stored(engine)) == 10 and first.problems[0].kept
    # the list page no longer links it: the page is still checked a second time
    listing = (sites.LIFERAY / "vi_cong-nghe-thong-tin.html").read_text(encoding="utf-8")
    link = path.rsplit("/", 1)[-1].removesuffix(".html")
    assert link in listing
    other = expected[4].url.rsplit("/", 1)[-1].removesuffix(".html")
    server.page(sites.LIST_PATH, listing.replace(link, other))
    second = crawl(engine, server.url(sites.LIST_PATH), max_pages=1)
    assert (second.removed, second.failed, second.pending) == (1, 0, 0) and second.changed
    (problem,) = [p for p in second.problems if p.kind is ProblemKind.REMOVED]
    assert (problem.issue, problem.detail) == (CrawlIssue.PAGE_GONE, str(status))
    assert problem.url == gone.url
    assert second.summary().endswith(", removed 1")
    assert gone.title not in {a.title for a in stored(engine)} and len(stored(engine)) == 9
    engine.refresh()
    assert all(hit.title != gone.title for hit in engine.search(gone.title).hits)
    assert engine.store.stats().taken_down == 1
    third = crawl(engine, server.url(sites.LIST_PATH), max_pages=1)
    assert third.removed == 0 and server.hits[path] == 3  # read, gone, gone: not fetched again


def test_a_page_never_read_is_not_taken_down_for_answering_404(
    engine: Archive, server: TestServer
) -> None:
    sites.serve_liferay(server, details=False)  # kept from the listing while pages fail
    for _ in range(3):
        report = crawl(engine, server.url(sites.LIST_PATH), max_pages=1, refresh=True)
        assert report.removed == 0
    assert len(stored(engine)) == 10


def test_a_single_article_url_and_a_static_page_url(engine: Archive, server: TestServer) -> None:
    sites.serve_liferay(server)
    article = crawl(engine, server.url("/en/-/view_content/2625972-hdic-video-clip.html"))
    assert article.added == 1 and stored(engine)[0].published_at == datetime(
        2018, 6, 20, 16, 12, tzinfo=VIETNAM
    )
    static = crawl(engine, server.url("/trang/4711.html"))
    assert (static.added, static.failed, static.skipped) == (0, 0, 1) and len(stored(engine)) == 1


# -- a configured source with paging ---------------------------------------------------------


def _paged_site(server: TestServer, pages: int = 3, per_page: int = 3) -> list[sites.Expected]:
    items = sites.built_items(pages * per_page)
    expected = []
    for page in range(pages):
        rows = []
        for n in range(page * per_page, (page + 1) * per_page):
            path = f"/so/tin/{n}.html"
            item = items[n]
            server.page(
                path, sites.article_page(item["title"], item["published"], [item["summary"]] * 2)
            )
            rows.append((path, item["title"], item["published"], item["summary"]))
            expected.append(
                sites.Expected(server.url(path), item["title"], item["published"], item["summary"])
            )
        server.page(
            "/so/tin-tuc.html" if page == 0 else f"/so/tin-tuc.html?trang={page + 1}",
            sites.list_page(rows),
        )
    return expected


def test_a_configured_list_follows_its_page_pattern_up_to_the_limit(
    engine: Archive, server: TestServer
) -> None:
    expected = _paged_site(server)
    source = SourceConfig(
        name="so-thu-nghiem",
        base_url=server.url("/so/"),
        max_pages=2,
        lists=(
            ListPage(
                server.url("/so/tin-tuc.html"),
                server.url("/so/tin-tuc.html?trang={page}"),
                "Tin tức",
            ),
        ),
    )
    first = crawl_source(engine.store, engine.analyzer, source, policy=POLICY)
    assert first.added == 6 and server.hits["/so/tin-tuc.html?trang=3"] == 0
    assert [a.url for a in stored(engine)] == [e.url for e in expected[:6]]
    assert all(a.category == "Tin tức" and a.source.name == "so-thu-nghiem" for a in stored(engine))
    second = crawl_source(engine.store, engine.analyzer, source, policy=POLICY, max_pages=3)
    assert (second.added, second.unchanged) == (
        0,
        3,
    )  # page 1 is all known: older pages are not read
    assert server.hits["/so/tin-tuc.html?trang=2"] == 1


# -- feeds, sitemaps, legacy encodings -------------------------------------------------------


def test_real_vnexpress_feed_and_a_broken_article_page_retried_later(
    engine: Archive, server: TestServer
) -> None:
    expected = sites.serve_vnexpress(server, broken=3)
    first = crawl(engine, server.url("/vnexpress/rss/tin-moi-nhat.rss"))
    assert (first.added, first.failed, first.pending) == (25, 1, 1)
    by_url = {a.url: a for a in stored(engine)}
    assert {e.url for e in expected} == set(by_url)
    assert all(
        by_url[e.url].title == e.title and by_url[e.url].published_at == e.published_at
        for e in expected
    )
    kept = by_url[expected[3].url]
    assert kept.summary.startswith("Nhà khí tượng học Jack W. Reed") and kept.body == ""
    broken = expected[3].url.removeprefix(server.url(""))
    server.page(
        broken,
        sites.article_page(
            expected[3].title,
            expected[3].published_at,
            [
                "Nội dung đầy đủ của bài viết, có sau khi trang được sửa lỗi, dài hơn tám mươi ký "
                "tự."
            ],
        ),
    )
    second = crawl(engine, server.url("/vnexpress/rss/tin-moi-nhat.rss"))
    assert (second.added, second.updated, second.unchanged, second.failed, second.pending) == (
        0,
        1,
        24,
        0,
        0,
    )
    assert "Nội dung đầy đủ" in {a.url: a for a in stored(engine)}[expected[3].url].body
    assert_no_duplicates(engine)


def test_feed_only_site_is_found_from_its_home_page(engine: Archive, server: TestServer) -> None:
    expected = sites.serve_feed_only(server)
    report = crawl(engine, server.url("/feedsite/index.html"))
    assert report.added == 5 and report.ok
    assert [(a.url, a.title, a.published_at) for a in stored(engine)] == [
        (e.url, e.title, e.published_at) for e in expected
    ]


def test_sitemap_only_site_stores_news_and_skips_static_pages(
    engine: Archive, server: TestServer
) -> None:
    expected = sites.serve_sitemap_only(server)
    report = crawl(engine, server.url("/mapsite/sitemap.xml"))
    assert (report.added, report.skipped, report.failed) == (4, 3, 0)
    assert sorted(a.url for a in stored(engine)) == sorted(e.url for e in expected)
    assert all(
        a.published_at == e.published_at for a, e in zip(stored(engine), expected, strict=True)
    )
    assert crawl(engine, server.url("/mapsite/sitemap.xml")).added == 0
    assert (
        sum(
            server.hits[p]
            for p in ("/mapsite/gioi-thieu/chuc-nang-nhiem-vu.html", "/mapsite/trang/4712.html")
        )
        == 1
    )


def test_sitemap_named_in_robots_txt_of_a_home_page(engine: Archive, server: TestServer) -> None:
    expected = sites.serve_sitemap_only(server)
    sites.robots(
        server, f"User-agent: *\nDisallow: /admin/\nSitemap: {server.url('/mapsite/sitemap.xml')}\n"
    )
    server.page("/", "<html><body><h1>Cổng thông tin</h1><p>Chào mừng bạn</p></body></html>")
    assert crawl(engine, server.url("/")).added == len(expected)


@pytest.mark.parametrize("header", [True, False], ids=["charset-header", "meta-tag-only"])
def test_windows_1258_portal(engine: Archive, server: TestServer, header: bool) -> None:
    expected = sites.serve_cp1258(server, header=header)
    report = crawl(engine, server.url("/cu/tin-tuc.htm"))
    assert report.added == 3 and report.ok
    for article, item in zip(stored(engine), expected, strict=True):
        assert (article.title, article.summary, article.published_at) == (
            item.title,
            item.summary,
            item.published_at,
        )
        for text in (article.title, article.summary, article.body):
            assert text == unicodedata.normalize("NFC", text) and not any(
                unicodedata.combining(c) for c in text
            )
        assert "Trung tâm thương mại AP Plaza" in article.body


# -- fault cases -----------------------------------------------------------------------------

FAULTS = {
    "500-then-success": lambda page: [Reply(b"", status=500), Reply(page.encode())],
    "404": lambda page: [Reply(b"", status=404)],
    "slow": lambda page: [Reply(page.encode(), delay=0.8)],
    "broken-html": lambda page: [
        Reply(page.replace("</div>", "").replace("</p>", "<p><b>")[:-300].encode())
    ],
    "wrong-charset-header": lambda page: [
        Reply(page.encode(), content_type="text/html; charset=iso-8859-1")
    ],
    "20-mb": lambda page: [Reply(iter([page.encode()] + [b"<p>" + b"x" * 65_000 + b"</p>"] * 320))],
    "redirect-loop": lambda page: [Reply(b"", status=302, headers={"Location": "/f/tin/1.html"})],
}
LOST = {"404", "slow", "20-mb", "redirect-loop"}  # the page cannot be read: the listing is kept


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_fault_on_one_article_page_loses_nothing_else(
    engine: Archive, server: TestServer, fault: str
) -> None:
    items = sites.built_items(4)
    rows = []
    for n, item in enumerate(items):
        page = sites.article_page(
            item["title"], item["published"], sites._seed_paragraphs(), summary=item["summary"]
        )
        path = f"/f/tin/{n}.html"
        if n == 1:
            server.sequence(path, FAULTS[fault](page))
        else:
            server.page(path, page)
        rows.append((path, item["title"], item["published"], item["summary"]))
    server.page("/f/tin-tuc.html", sites.list_page(rows))
    policy = FetchPolicy(delay=0, timeout=0.4, retries=1, backoff=0.01, max_bytes=5_000_000)
    report = crawl_url(
        engine.store,
        engine.analyzer,
        server.url("/f/tin-tuc.html"),
        sources=SourcesFile(policy=policy),
    )
    articles = {a.url: a for a in stored(engine)}
    assert report.added == 4 and len(articles) == 4
    assert report.failed == (1 if fault in LOST else 0)
    for n, item in enumerate(items):
        article = articles[server.url(f"/f/tin/{n}.html")]
        assert (article.title, article.published_at, article.summary) == (
            item["title"],
            item["published"],
            item["summary"],
        )
        assert (article.body == "") == (n == 1 and fault in LOST)
    again = crawl_url(
        engine.store,
        engine.analyzer,
        server.url("/f/tin-tuc.html"),
        sources=SourcesFile(policy=policy),
    )
    assert again.added == 0 and len(stored(engine)) == 4
    assert_no_duplicates(engine)


def test_robots_txt_disallowing_article_pages(engine: Archive, server: TestServer) -> None:
    expected = sites.serve_liferay(server)
    sites.robots(server, "User-agent: *\nDisallow: /cong-nghe-thong-tin/-/view_content/4374098\n")
    report = crawl(engine, server.url(sites.LIST_PATH), max_pages=1)
    assert (report.added, report.failed, report.skipped) == (9, 0, 1)
    assert server.hits[expected[2].url.removeprefix(server.url(""))] == 0
    # What is reported as skipped is not stored (not even from its listing).
    assert expected[2].url not in {a.url for a in stored(engine)} and len(stored(engine)) == 9


def test_a_page_that_is_not_a_web_page_is_skipped_and_not_stored(
    engine: Archive, server: TestServer
) -> None:
    expected = sites.serve_liferay(server)
    path = expected[3].url.removeprefix(server.url(""))
    server.sequence(path, [Reply(b"%PDF-1.4 \x00\x01", content_type="application/octet-stream")])
    report = crawl(engine, server.url(sites.LIST_PATH), max_pages=1)
    assert (report.added, report.skipped) == (9, 1)
    assert report.problems[0].kind.value == "skipped"
    assert expected[3].url not in {a.url for a in stored(engine)}


def test_robots_txt_disallowing_the_list_page(engine: Archive, server: TestServer) -> None:
    sites.serve_liferay(server)
    sites.robots(server, "User-agent: tin-so-bot\nDisallow: /\n")
    report = crawl(engine, server.url(sites.LIST_PATH))
    assert report.failed == 1 and "robots.txt" in report.problems[0].reason and stored(engine) == []
    assert server.hits[sites.LIST_PATH] == 0


def test_an_interrupted_crawl_resumes_without_duplicates(
    engine: Archive, server: TestServer
) -> None:
    expected = sites.serve_liferay(server)

    def stop_after_four(progress: CrawlProgress) -> None:
        if progress.stage == "fetching" and progress.done == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        crawl(engine, server.url(sites.LIST_PATH), max_pages=1, progress=stop_after_four)
    assert [a.url for a in stored(engine)] == [e.url for e in expected[:4]]
    with engine.store.sessions() as session:
        assert session.scalar(select(CrawlRun.status)) == "interrupted"
    report = crawl(engine, server.url(sites.LIST_PATH), max_pages=1)
    assert (report.added, report.unchanged, report.failed) == (6, 4, 0)
    assert [a.url for a in stored(engine)] == [e.url for e in expected]
    assert all(server.hits[e.url.removeprefix(server.url(""))] == 1 for e in expected[:4])
    assert_no_duplicates(engine)


# -- the service around it -------------------------------------------------------------------


def test_a_source_is_crawled_by_one_thread_at_a_time(engine: Archive, server: TestServer) -> None:
    sites.serve_liferay(server)
    server.page(
        sites.LIST_PATH, (sites.LIFERAY / "vi_cong-nghe-thong-tin.html").read_bytes(), delay=0.5
    )
    worker = threading.Thread(
        target=crawl, args=(engine, server.url(sites.LIST_PATH)), kwargs={"max_pages": 1}
    )
    worker.start()
    try:
        while not server.hits[sites.LIST_PATH]:
            threading.Event().wait(0.01)
        with pytest.raises(CrawlBusy):
            crawl(engine, server.url(sites.LIST_PATH))
    finally:
        worker.join()


def test_health_and_due_sources(engine: Archive, server: TestServer) -> None:
    expected = _paged_site(server, pages=1)
    source = SourceConfig(
        name="so-thu-nghiem",
        base_url=server.url("/so/"),
        interval=timedelta(hours=1),
        lists=(ListPage(server.url("/so/tin-tuc.html")),),
    )
    disabled = SourceConfig(name="tat", base_url=server.url("/tat/"), enabled=False)
    assert due_sources(engine.store, [source, disabled]) == [source]
    server.page(expected[1].url.removeprefix(server.url("")), b"", status=500)
    report = crawl_source(engine.store, engine.analyzer, source, policy=POLICY)
    assert due_sources(engine.store, [source, disabled]) == []
    assert due_sources(engine.store, [source], report.started_at + timedelta(hours=1)) == [source]
    health = {h.name: h for h in crawl_health(engine.store, [source, disabled])}
    assert health["tat"].last_run_at is None and health["tat"].enabled is False
    mine = health["so-thu-nghiem"]
    assert (mine.last_status, mine.last_added, mine.last_failed, mine.articles, mine.pending) == (
        "failed",
        3,
        1,
        3,
        1,
    )
    assert "HTTP 500" in str(mine.last_error) and mine.next_due == report.started_at + timedelta(
        hours=1
    )


def test_a_running_engine_sees_crawled_articles_after_refresh(
    sqlite_url: str, server: TestServer
) -> None:
    sites.serve_liferay(server)
    serving = Archive.open(sqlite_url)
    crawler = Archive.open(sqlite_url)
    crawl(crawler, server.url(sites.LIST_PATH), max_pages=1)
    assert serving.search("không dùng tiền mặt").total == 0
    assert serving.refresh() is True
    assert (
        serving.search("không dùng tiền mặt").hits[0].title
        == "Chính thức kích hoạt Sự kiện không dùng tiền mặt năm 2022"
    )


def test_the_crawler_notes_every_url_once(engine: Archive, server: TestServer) -> None:
    sites.serve_sitemap_only(server)
    crawl(engine, server.url("/mapsite/sitemap.xml"))
    crawl(engine, server.url("/mapsite/sitemap.xml"))
    with engine.store.sessions() as session:
        rows = session.execute(
            select(CrawlPage.status, func.count()).group_by(CrawlPage.status)
        ).all()
    assert dict(rows) == {"stored": 4, "skipped": 3}


@pytest.mark.postgres
def test_liferay_crawl_on_postgres(postgres_url: str, server: TestServer) -> None:
    expected = sites.serve_liferay(server, details=False)
    engine = Archive.open(postgres_url)
    first = crawl(engine, server.url(sites.LIST_PATH), max_pages=1)
    assert (first.added, first.failed) == (10, 10)
    for item in expected[:5]:
        server.page(item.url.removeprefix(server.url("")), sites.liferay_detail(item))
    second = crawl(engine, server.url(sites.LIST_PATH), max_pages=1)
    assert (second.added, second.updated, second.failed, second.pending) == (0, 5, 5, 5)
    assert [(a.title, a.published_at) for a in stored(engine)] == [
        (e.title, e.published_at) for e in expected
    ]
    assert_no_duplicates(engine)
    health = {h.name: h for h in crawl_health(engine.store)}
    assert health["127.0.0.1"].pending == 5 and health["127.0.0.1"].last_status == "failed"
