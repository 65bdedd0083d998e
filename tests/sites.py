"""Portals served by the test server: the real saved Liferay pages, the real VnExpress feed, and
small built portals in other common shapes (feed only, sitemap only, Windows-1258)."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime

import lxml.html

from index.text.dates import VIETNAM

from .conftest import FIXTURES, SEED
from .httpserver import Reply, TestServer

LIFERAY = FIXTURES / "sotttt"
LIST_PATH = "/cong-nghe-thong-tin.html"


@dataclass(frozen=True)
class Expected:
    """An article as the test expects the crawler to store it."""

    url: str
    title: str
    published_at: datetime
    summary: str = ""


# -- the real Liferay portal -----------------------------------------------------------------


def liferay_list_items(server: TestServer) -> list[Expected]:
    """The ten items of the saved list page, read with the portal's own class names."""
    tree = lxml.html.fromstring((LIFERAY / "vi_cong-nghe-thong-tin.html").read_bytes())
    items = []
    for block in tree.find_class("asset-content-custom"):
        link = block.find_class("asset-title")[0].find(".//a")
        date = " ".join(block.find_class("assetPublishDate")[0].text_content().split())
        day, clock = date.split(" | ")
        published = datetime.strptime(f"{day} {clock}", "%d/%m/%Y %I:%M %p").replace(tzinfo=VIETNAM)
        summary = " ".join(block.find_class("asset-summary")[0].text_content().split())
        items.append(
            Expected(
                url=server.url("/" + link.get("href")),
                title=" ".join(link.text_content().split()),
                published_at=published,
                summary=summary,
            )
        )
    return items


def liferay_detail(item: Expected) -> str:
    """A Vietnamese detail page: the real English detail page's markup with the item's fields."""
    page = (LIFERAY / "en_detail_2625972.html").read_text(encoding="utf-8")
    stamp = item.published_at.strftime("%d/%m/%Y | %I:%M %p").replace("| 0", "| ")
    title = re.search(r'<div class="asset-full-content-title">(.*?)</div>', page, re.S)
    assert title is not None
    page = page.replace(
        title.group(0), f'<div class="asset-full-content-title">{html.escape(item.title)}</div>'
    )
    page = re.sub(r"Ngày đăng [^&]*&nbsp;", f"Ngày đăng {stamp} &nbsp;", page)
    sapo = re.search(r'<p class="sapo">.*?</p>', page, re.S)
    body = re.search(r'<div class="journal-content-article">.*?<p align="right"', page, re.S)
    assert sapo is not None and body is not None
    page = page.replace(
        sapo.group(0), f'<p class="sapo"> <strong>{html.escape(item.summary)}</strong> </p>'
    )
    text = (
        f"<p>Bài viết “{html.escape(item.title)}” được đăng trên Cổng thông tin điện tử Sở Thông "
        f"tin "
        "và Truyền thông Hà Nội; trang chi tiết này được dựng lại cho kiểm thử từ trang danh "
        "sách.</p>"
    )
    return page.replace(
        body.group(0), f'<div class="journal-content-article"> {text} <p align="right"'
    )


def serve_liferay(server: TestServer, *, details: bool = True) -> list[Expected]:
    """The saved list page at its portal path, its ten detail pages, the static and home pages."""
    items = liferay_list_items(server)
    server.page(LIST_PATH, (LIFERAY / "vi_cong-nghe-thong-tin.html").read_bytes())
    server.page("/chuc-nang-nhiem-vu.html", (LIFERAY / "vi_chuc-nang-nhiem-vu.html").read_bytes())
    server.page("/trang/4711.html", (LIFERAY / "vi_chuc-nang-nhiem-vu.html").read_bytes())
    server.page("/index.html", (LIFERAY / "vi_index.html").read_bytes())
    server.page(
        "/en/-/view_content/2625972-hdic-video-clip.html",
        (LIFERAY / "en_detail_2625972.html").read_bytes(),
    )
    if details:
        for item in items:
            server.page(item.url.removeprefix(server.url("")), liferay_detail(item))
    return items


# -- the real VnExpress feed -----------------------------------------------------------------

_VNEXPRESS = re.compile(r"https?://(?:([a-z\-]+)\.)?vnexpress\.net/")


def serve_vnexpress(server: TestServer, *, broken: int | None = None) -> list[Expected]:
    """The real feed with its links pointing here, and a built page for each item (item number
    `broken` answers 404)."""
    raw = (FIXTURES / "rss" / "vnexpress-tin-moi-nhat-2017-08-30.rss.xml").read_text(
        encoding="utf-8"
    )
    local = _VNEXPRESS.sub(lambda m: server.url(f"/vnexpress/{m.group(1) or 'www'}/"), raw)
    server.page(
        "/vnexpress/rss/tin-moi-nhat.rss", local, content_type="application/rss+xml; charset=utf-8"
    )
    expected = []
    for number, item in enumerate(re.findall(r"<item>(.*?)</item>", local, re.S)):
        title = " ".join(re.search(r"<title>(.*?)</title>", item, re.S).group(1).split())  # type: ignore[union-attr]
        link = re.search(r"<link>(.*?)</link>", item, re.S).group(1).strip()  # type: ignore[union-attr]
        date = re.search(r"<pubDate>(.*?)</pubDate>", item, re.S).group(1).strip()  # type: ignore[union-attr]
        published = datetime.strptime(date, "%a, %d %b %Y %H:%M:%S %z").astimezone(VIETNAM)
        expected.append(
            Expected(link, unicodedata.normalize("NFC", html.unescape(title)), published)
        )
        if number != broken:
            server.page(
                link.removeprefix(server.url("")),
                article_page(title, published, _seed_paragraphs()),
            )
    return expected


# -- built portals ---------------------------------------------------------------------------


def newspaper_items() -> list[dict[str, str]]:
    return json.loads((FIXTURES / "newspaper-items.json").read_text(encoding="utf-8"))


def _seed_paragraphs() -> list[str]:
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if len(line) > 150][:3]


def article_page(
    title: str,
    published: datetime | None,
    paragraphs: list[str],
    *,
    summary: str = "",
    charset: str = "utf-8",
    meta_charset: bool = True,
    date_text: str | None = None,
) -> str:
    """A news article page as small department portals write it, with a sidebar of other news."""
    when = date_text or (published.strftime("Thứ hai, %d/%m/%Y - %H:%M") if published else "")
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    meta = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        if meta_charset
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="vi"><head>{meta}
<title>{html.escape(title)} - Sở Thông tin và Truyền thông</title></head>
<body><div class="header"><a href="/">Trang chủ</a> <a href="/gioi-thieu.html">Giới thiệu</a>
<a href="/lien-he.html">Liên hệ</a> <a href="/dang-nhap.html">Đăng nhập</a></div>
<div class="main"><div class="news-detail"><h1 class="news-title">{html.escape(title)}</h1>
<div class="news-date">{when}</div><div class="news-sapo"><b>{html.escape(summary)}</b></div>
<div class="news-content">{body}<p style="text-align:right"><b>Phòng Thông tin</b></p></div></div>
<div class="sidebar"><h3>Tin khác</h3><ul>
<li><a href="/tin-tuc/tin-cu-mot.html">Hội nghị tổng kết công tác năm của ngành thông tin</a>
(02/01/2019)</li>
<li><a href="/tin-tuc/tin-cu-hai.html">Tập huấn kỹ năng an toàn thông tin cho cán bộ</a>
(05/01/2019)</li>
</ul></div></div>
<div class="footer"><p>Cổng thông tin điện tử Sở Thông tin và Truyền thông</p></div>
</body></html>"""


def list_page(
    items: list[tuple[str, str, datetime, str]], *, charset: str = "utf-8", next_href: str = ""
) -> str:
    """A category page: one block per article with its link, date and summary."""
    blocks = "".join(
        f'<div class="news-item"><h3><a href="{href}">{html.escape(title)}</a></h3>'
        f'<span class="date">{when:%d/%m/%Y %H:%M}</span><p>{html.escape(summary)}</p></div>'
        for href, title, when, summary in items
    )
    paging = f'<div class="paging"><a href="{next_href}">Trang sau</a></div>' if next_href else ""
    return f"""<!DOCTYPE html><html lang="vi"><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>Tin tức sự kiện</title></head>
<body><div class="header"><a href="/">Trang chủ</a> <a href="/gioi-thieu.html">Giới thiệu</a></div>
<div class="list">{blocks}</div>{paging}
<div class="footer"><p>Sở Thông tin và Truyền thông</p></div></body></html>"""


def rss(items: list[tuple[str, str, datetime, str]], link: str) -> str:
    """An RSS 2.0 feed of (url, title, date, summary)."""
    entries = "".join(
        f"<item><title>{html.escape(title)}</title><link>{url}</link>"
        f"<description>{html.escape(summary)}</description>"
        f"<pubDate>{format_datetime(when)}</pubDate></item>"
        for url, title, when, summary in items
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
<title>Tin tức</title><link>{link}</link><description>Tin hoạt động</description>
{entries}</channel></rss>"""


def sitemap(urls: list[tuple[str, str]]) -> str:
    """A sitemap of (url, lastmod)."""
    rows = "".join(f"<url><loc>{u}</loc><lastmod>{m}</lastmod></url>" for u, m in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'


def built_items(
    count: int, start: datetime = datetime(2019, 6, 3, 8, 15, tzinfo=VIETNAM)
) -> list[dict]:
    """Real newspaper titles and summaries with dates a day apart, newest first."""
    return [
        {"title": item["title"], "summary": item["summary"], "published": start - timedelta(days=n)}
        for n, item in enumerate(newspaper_items()[:count])
    ]


def serve_feed_only(server: TestServer, prefix: str = "/feedsite") -> list[Expected]:
    """A portal whose home page has no list, only a link to its RSS feed."""
    items = built_items(5)
    feed_items = []
    expected = []
    for n, item in enumerate(items):
        path = f"{prefix}/tin/{n + 1}-bai-viet.html"
        server.page(
            path,
            article_page(
                item["title"], item["published"], _seed_paragraphs(), summary=item["summary"]
            ),
        )
        feed_items.append((server.url(path), item["title"], item["published"], item["summary"]))
        expected.append(
            Expected(server.url(path), item["title"], item["published"], item["summary"])
        )
    server.page(
        f"{prefix}/rss/tin-moi.xml",
        rss(feed_items, server.url(prefix + "/index.html")),
        content_type="application/rss+xml",
    )
    server.page(
        f"{prefix}/index.html",
        f"""<html><head><meta charset="utf-8"><title>Sở Tư pháp</title>
<link rel="alternate" type="application/rss+xml" title="Tin mới"
 href="{prefix}/rss/tin-moi.xml"></head>
<body><div id="menu"><a href="{prefix}/gioi-thieu.html">Giới thiệu</a></div>
<p>Chào mừng</p></body></html>""",
    )
    return expected


def serve_sitemap_only(server: TestServer, prefix: str = "/mapsite") -> list[Expected]:
    """A portal known by its sitemap index alone; the sitemap also lists an about page and a
    category page, which are not news."""
    items = built_items(4)
    expected, rows = [], []
    for n, item in enumerate(items):
        path = f"{prefix}/tin-tuc/{n + 1}.html"
        server.page(
            path,
            article_page(
                item["title"], item["published"], _seed_paragraphs(), summary=item["summary"]
            ),
        )
        rows.append((server.url(path), item["published"].date().isoformat()))
        expected.append(
            Expected(server.url(path), item["title"], item["published"], item["summary"])
        )
    about = (LIFERAY / "vi_chuc-nang-nhiem-vu.html").read_bytes()
    server.page(f"{prefix}/gioi-thieu/chuc-nang-nhiem-vu.html", about)
    server.page(f"{prefix}/trang/4712.html", about)
    listing = [
        (server.url(f"{prefix}/tin-tuc/{n + 1}.html"), i["title"], i["published"], i["summary"])
        for n, i in enumerate(items)
    ]
    server.page(f"{prefix}/tin-tuc.html", list_page(listing))
    rows += [(server.url(f"{prefix}/gioi-thieu/chuc-nang-nhiem-vu.html"), "2019-01-01"),
             (server.url(f"{prefix}/trang/4712.html"), "2019-01-01"),
             (server.url(f"{prefix}/tin-tuc.html"), "2019-06-03")]  # fmt: skip
    server.page(f"{prefix}/sitemap-tin.xml", sitemap(rows), content_type="application/xml")
    server.page(
        f"{prefix}/sitemap.xml",
        f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{server.url(prefix + '/sitemap-tin.xml')}</loc></sitemap></sitemapindex>",
        content_type="application/xml",
    )
    return expected


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as old portals write it: base letters precomposed, tone marks combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        marks = "".join(c for c in parts if c in tones)
        out.append((base + marks).encode("cp1258", errors="replace"))
    return b"".join(out)


def serve_cp1258(server: TestServer, prefix: str = "/cu", *, header: bool = True) -> list[Expected]:
    """An old portal in Windows-1258: a list page and three articles; the charset is in the
    Content-Type header, or (header=False) only in the pages' meta tags."""
    items = built_items(3)
    content_type = "text/html; charset=windows-1258" if header else "text/html"
    listing, expected = [], []
    for n, item in enumerate(items):
        path = f"{prefix}/tin-tuc/{n + 1}.htm"
        page = article_page(
            item["title"],
            item["published"],
            _seed_paragraphs(),
            summary=item["summary"],
            charset="windows-1258",
        )
        server.page(path, to_cp1258(page), content_type=content_type)
        listing.append((path, item["title"], item["published"], item["summary"]))
        expected.append(
            Expected(server.url(path), item["title"], item["published"], item["summary"])
        )
    server.page(
        f"{prefix}/tin-tuc.htm",
        to_cp1258(list_page(listing, charset="windows-1258")),
        content_type=content_type,
    )
    return expected


def robots(server: TestServer, text: str) -> None:
    server.add("/robots.txt", Reply(text.encode("utf-8"), content_type="text/plain"))
