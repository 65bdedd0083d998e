"""Finding articles: the real Liferay list page, the real VnExpress feed, sitemaps, next pages."""

from datetime import datetime

from index.crawl.discovery import feed_entries, sitemap_entries
from index.crawl.html import parse_html
from index.crawl.lists import list_entries, next_page_url
from index.crawl.page import page_kind
from index.crawl.selectors import PROFILES, Selectors
from index.text.dates import VIETNAM

from .conftest import FIXTURES
from .sites import LIFERAY, list_page, sitemap

BASE = "http://127.0.0.1:8000/cong-nghe-thong-tin.html"
FEED = FIXTURES / "rss" / "vnexpress-tin-moi-nhat-2017-08-30.rss.xml"


def _liferay_list() -> list:
    tree = parse_html((LIFERAY / "vi_cong-nghe-thong-tin.html").read_text(encoding="utf-8"), BASE)
    return [list_entries(tree, Selectors()), list_entries(tree, PROFILES["liferay"])]


def test_real_list_page_yields_its_ten_articles_with_and_without_the_profile() -> None:
    generic, profiled = _liferay_list()
    assert len(generic) == 10 and [e.url for e in generic] == [e.url for e in profiled]
    first = generic[0]
    assert (
        first.url
        == "http://127.0.0.1:8000/cong-nghe-thong-tin/-/view_content/4418033-chinh-thuc-kich-hoat-su-kien-khong-dung-tien-mat-nam-2022.html"
    )
    assert first.title == "Chính thức kích hoạt Sự kiện không dùng tiền mặt năm 2022"
    assert first.published_at == datetime(2022, 7, 21, 10, 0, tzinfo=VIETNAM)
    assert first.summary.startswith("Ngày 21/7, tại Hà Nội, Cục Thương mại điện tử")
    assert profiled[-1].summary.startswith("Ngày 09/7/2020, Bộ Thông tin và Truyền thông ban hành")
    assert all(e.title and e.published_at and e.summary for e in generic + profiled)


def test_real_list_page_links_to_its_second_page() -> None:
    tree = parse_html((LIFERAY / "vi_cong-nghe-thong-tin.html").read_text(encoding="utf-8"), BASE)
    assert next_page_url(tree, BASE, Selectors()).endswith("_101_cur=2")  # type: ignore[union-attr]


def test_static_page_lists_no_articles() -> None:
    tree = parse_html((LIFERAY / "vi_chuc-nang-nhiem-vu.html").read_text(encoding="utf-8"), BASE)
    assert list_entries(tree, Selectors()) == []


def test_real_vnexpress_feed() -> None:
    data = FEED.read_bytes()
    assert page_kind(data, "application/rss+xml") == "feed"
    entries = feed_entries(data, "http://vnexpress.net/rss/tin-moi-nhat.rss")
    assert len(entries) == 25
    first = entries[0]
    assert first.title == "Bể bơi dát vàng trong biệt thự nơi tổng thống Putin nghỉ dưỡng"
    assert first.url.startswith("http://dulich.vnexpress.net/tin-tuc/anh-video/be-boi-dat-vang")
    assert first.published_at == datetime(2017, 8, 30, 20, 3, tzinfo=VIETNAM)
    assert first.summary.startswith("Biệt thự Sellgren xây trên khu đất rộng 1.500 m2")
    assert all(e.origin == "feed" and e.vouches for e in entries)


def test_a_sitemap_index_and_its_urlset() -> None:
    index = b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://s.vn/sm-1.xml</loc></sitemap></sitemapindex>'
    assert page_kind(index) == "sitemap" and sitemap_entries(
        index, "https://s.vn/sitemap.xml"
    ).sitemaps == ["https://s.vn/sm-1.xml"]
    content = sitemap_entries(
        sitemap(
            [("https://s.vn/a.html", "2019-06-01"), ("https://s.vn/b.html", "2019-06-03")]
        ).encode(),
        "https://s.vn/sm-1.xml",
    )
    assert [e.url for e in content.entries] == ["https://s.vn/b.html", "https://s.vn/a.html"]
    assert (
        not content.entries[0].vouches
        and content.entries[0].fingerprint != content.entries[1].fingerprint
    )


def test_a_news_sitemap_carries_titles_and_dates() -> None:
    data = """<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
    <url><loc>https://s.vn/a.html</loc><news:news><news:publication_date>2019-06-03T08:15:00+07:00</news:publication_date>
    <news:title>Hội thảo chuyển đổi số</news:title></news:news></url></urlset>""".encode()
    (entry,) = sitemap_entries(data, "https://s.vn/news.xml").entries
    assert entry.title == "Hội thảo chuyển đổi số" and entry.published_at == datetime(
        2019, 6, 3, 8, 15, tzinfo=VIETNAM
    )


def test_a_built_list_page_with_a_next_link() -> None:
    when = datetime(2019, 6, 3, 8, 15, tzinfo=VIETNAM)
    items = [
        (
            f"/tin/{n}.html",
            f"Tiêu đề bài viết số {n} về hoạt động của sở",
            when,
            f"Tóm tắt bài {n} đủ dài để làm sapo.",
        )
        for n in range(3)
    ]
    tree = parse_html(list_page(items, next_href="/tin-tuc?trang=2"), "https://s.vn/tin-tuc")
    entries = list_entries(tree, Selectors())
    assert [e.url for e in entries] == [f"https://s.vn/tin/{n}.html" for n in range(3)]
    assert (
        entries[0].summary == "Tóm tắt bài 0 đủ dài để làm sapo."
        and entries[0].published_at == when
    )
    assert (
        next_page_url(tree, "https://s.vn/tin-tuc", Selectors()) == "https://s.vn/tin-tuc?trang=2"
    )
