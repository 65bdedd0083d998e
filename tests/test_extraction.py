"""Article pages: fields from the real Liferay page, and the pages that are not news."""

from datetime import datetime

import pytest

from index.crawl import ListingEntry, NotNews, Selectors, extract_article
from index.crawl.extraction import non_news_url
from index.store.importers import ArticleRecord
from index.text.dates import VIETNAM

from .sites import LIFERAY, Expected, article_page, liferay_detail

URL = "http://127.0.0.1:8000/en/-/view_content/2625972-hdic-video-clip.html"


def _read(name: str) -> str:
    return (LIFERAY / name).read_text(encoding="utf-8")


def test_real_liferay_detail_page_gives_title_date_author_and_text() -> None:
    record = extract_article(_read("en_detail_2625972.html"), URL)
    assert isinstance(record, ArticleRecord)
    assert record.title.startswith(
        "Hanoi Department of Information and Communications (HDIC) creates a video clip"
    )
    assert record.published_at == datetime(2018, 6, 20, 16, 12, tzinfo=VIETNAM)
    assert record.author == "Admin English"
    assert record.summary.startswith("With the aim to guide and create favorable conditions")
    assert "the content of video clip 1 introduces the benefits" in record.body
    assert "Các tin khác" not in record.body and "Promoting propaganda" not in record.body


def test_without_the_profile_trafilatura_alone_misses_the_liferay_title() -> None:
    """Why the Liferay profile exists: the page's <h1> is the portlet's "Hot News"."""
    import trafilatura

    assert (
        trafilatura.bare_extraction(_read("en_detail_2625972.html"), with_metadata=True).title
        == "Hot News"
    )


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000/chuc-nang-nhiem-vu.html", "http://127.0.0.1:8000/trang/4711.html"],
)
def test_real_static_page_is_not_news_by_url_or_by_structure(url: str) -> None:
    result = extract_article(_read("vi_chuc-nang-nhiem-vu.html"), url)
    assert isinstance(result, NotNews)
    assert "not news" in result.reason


def test_real_list_page_and_home_page_are_not_articles() -> None:
    assert isinstance(
        extract_article(_read("vi_cong-nghe-thong-tin.html"), "http://h/cong-nghe-thong-tin.html"),
        NotNews,
    )
    assert isinstance(extract_article(_read("vi_index.html"), "http://h/index.html"), NotNews)


@pytest.mark.parametrize(
    "url",
    [
        "https://so.gov.vn/lien-he.html",
        "https://so.gov.vn/gioi-thieu/co-cau-to-chuc",
        "https://so.gov.vn/dang-nhap",
        "https://so.gov.vn/",
        "https://so.gov.vn/trang-chu.html",
    ],
)
def test_static_contact_login_and_home_urls_are_never_news(url: str) -> None:
    assert non_news_url(url) is not None


def test_news_urls_are_not_taken_for_static_pages() -> None:
    assert (
        non_news_url(
            "https://so.gov.vn/tin-tuc/-/view_content/4418033-lien-he-voi-doanh-nghiep.html"
        )
        is None
    )


def test_a_login_page_is_not_news() -> None:
    page = (
        "<html><body><h1>Đăng nhập hệ thống</h1><form><input name=u><input type=password "
        "name=p></form>" + "<p>x</p>" * 50 + "</body></html>"
    )
    assert isinstance(extract_article(page, "https://so.gov.vn/portal/auth"), NotNews)


def test_an_article_without_a_date_is_kept_undated_when_its_markup_says_article() -> None:
    page = article_page(
        "Tập huấn chuyển đổi số cho cán bộ cấp xã",
        None,
        [
            "Sáng 5/6, Sở tổ chức tập huấn chuyển đổi số cho hơn 200 cán bộ cấp xã trên địa bàn "
            "tỉnh, với nhiều nội dung thiết thực."
        ]
        * 2,
    )
    page = page.replace("<head>", '<head><meta property="og:type" content="article">')
    record = extract_article(page, "https://so.gov.vn/tin/tap-huan.html")
    assert isinstance(record, ArticleRecord) and record.published_at is None
    without_markup = extract_article(
        page.replace("og:type", "og:kind"), "https://so.gov.vn/tin/tap-huan.html"
    )
    assert isinstance(without_markup, NotNews)


def test_meta_published_time_gives_the_date() -> None:
    page = article_page(
        "Hội nghị giao ban báo chí tháng 6",
        None,
        [
            "Chiều 3/6, Sở Thông tin và Truyền thông chủ trì hội nghị giao ban báo chí định kỳ "
            "tháng 6 năm 2019 với các cơ quan báo chí."
        ]
        * 2,
    )
    page = page.replace(
        "<head>",
        '<head><meta property="article:published_time" content="2019-06-03T08:15:00+07:00">',
    )
    record = extract_article(page, "https://so.gov.vn/tin/giao-ban.html")
    assert isinstance(record, ArticleRecord) and record.published_at == datetime(
        2019, 6, 3, 8, 15, tzinfo=VIETNAM
    )


def test_a_listed_article_keeps_the_list_title_and_date_and_the_page_text() -> None:
    item = Expected(
        "http://h/cong-nghe-thong-tin/-/view_content/1-a.html",
        "Hợp tác đưa nông sản Thủ đô lên sàn thương mại điện tử",
        datetime(2022, 3, 24, 17, 57, tzinfo=VIETNAM),
        "Ngày 24/3, Hội Nông dân Thành phố và Bưu điện thành phố Hà Nội tổ chức hội nghị.",
    )
    entry = ListingEntry(
        item.url, item.title, item.published_at, item.summary, category="Công nghệ thông tin"
    )
    record = extract_article(liferay_detail(item), item.url, entry=entry, source="so")
    assert isinstance(record, ArticleRecord)
    assert (record.title, record.published_at, record.category, record.source) == (
        item.title,
        item.published_at,
        "Công nghệ thông tin",
        "so",
    )
    assert record.summary == item.summary and record.body.startswith(
        "Bài viết “Hợp tác đưa nông sản"
    )


def test_site_selectors_override_automatic_extraction() -> None:
    page = article_page(
        "Tiêu đề tự động",
        datetime(2019, 6, 3, 8, 15, tzinfo=VIETNAM),
        [
            "Đoạn văn thứ nhất của bài viết về hội nghị chuyển đổi số cấp tỉnh năm 2019, có đủ độ "
            "dài."
        ]
        * 2,
    )
    page = page.replace(
        "<body>",
        '<body><div class="tieu-de-that">Tiêu đề đúng của bài</div><span '
        'class="ngay-dang-that">Ngày đăng 20/06/2018 | 4:12 PM</span>',
    )
    selectors = Selectors(title=".tieu-de-that", date=".ngay-dang-that", body=".news-content")
    record = extract_article(page, "https://so.gov.vn/tin/1.html", selectors=selectors)
    assert isinstance(record, ArticleRecord)
    assert record.title == "Tiêu đề đúng của bài"
    assert record.published_at == datetime(2018, 6, 20, 16, 12, tzinfo=VIETNAM)
    assert record.body.startswith("Đoạn văn thứ nhất") and "Tin khác" not in record.body


def test_broken_html_still_gives_the_article() -> None:
    page = article_page(
        "Khai mạc Hội báo Xuân tỉnh năm 2019",
        datetime(2019, 2, 1, 9, 0, tzinfo=VIETNAM),
        [
            "Sáng 1/2, tại Thư viện tỉnh, Sở Thông tin và Truyền thông khai mạc Hội báo Xuân Kỷ "
            "Hợi 2019 với hơn 100 ấn phẩm."
        ]
        * 2,
    )
    broken = page.replace("</div>", "").replace("</p>", "<p><b><i>")[: len(page) - 200]
    record = extract_article(broken, "https://so.gov.vn/tin/hoi-bao.html")
    assert isinstance(record, ArticleRecord)
    assert (
        record.title == "Khai mạc Hội báo Xuân tỉnh năm 2019"
        and "Hội báo Xuân Kỷ Hợi 2019" in record.body
    )
