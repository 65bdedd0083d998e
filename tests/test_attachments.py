"""The original, always: attachment links extracted from a portal article page, stored, listed
under the whole article; "🔗 Xem bài gốc" under every hit, every whole article and inline
result; a stored summary cut with "..." says so."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from bot import texts
from index import ArticleRecord, AttachmentLink
from index.crawl import extract_article

from . import sites
from .fakebotapi import FakeBotAPI
from .httpserver import TestServer
from .test_bot import ADMIN, ask, button, buttons, citizen
from .test_bot_crawl import sources_file, wait_summary

TITLE = "Công văn đề nghị tạm ngừng cung cấp dịch vụ đối với các số điện thoại QCRV sai quy định"
# A Liferay document list as the portal prints it under an article: the real detail page of
# tests/fixtures/sotttt (en_detail_2625972.html) with these links added to its body.
ATTACHED = """
<p>Chi tiết xem tại văn bản đính kèm:</p>
<ul class="attachments">
 <li><a href="/documents/10180/955777/CV-54-QCRV.pdf/3f1c2a7e-55d1-4c8e-9f0b-1c2d3e4f5a6b"
   >Công văn số 54/STTTT-BCVT</a> <span>(125 KB)</span></li>
 <li><a href="/documents/10180/955777/Danh%20sach%20so%20dien%20thoai.xlsx">Danh sách số
   điện thoại</a> (48,5 KB)</li>
 <li><a href="https://sotttt.hanoi.gov.vn/documents/10180/955777/Mau-bao-cao.DOC">Mẫu báo
   cáo</a></li>
 <li><a href="/documents/10180/955777/CV-54-QCRV.pdf/3f1c2a7e-55d1-4c8e-9f0b-1c2d3e4f5a6b"
   >tải về</a></li>
 <li><a href="/documents/711655/716588/foodnew.png">ảnh</a></li>
 <li><a href="/so-tttthn/trang-chu.html">Trang chủ</a></li>
</ul>
"""


def attached_page(server: TestServer) -> tuple[str, str]:
    """A detail page with attachment links, served by the test server: (url, html)."""
    item = sites.Expected(
        url=server.url("/dssdt/-/view_content/955777-cong-van-qcrv.html"),
        title=TITLE,
        published_at=datetime.fromisoformat("2016-04-05T16:33:00+07:00"),
        summary="Sở Thông tin và Truyền thông Hà Nội đề nghị các doanh nghiệp viễn thông tạm "
        "ngừng cung cấp dịch vụ đối với các số điện thoại quảng cáo rao vặt sai quy định.",
    )
    page = sites.liferay_detail(item).replace('<p align="right"', f'{ATTACHED}<p align="right"', 1)
    server.page(item.url.removeprefix(server.url("")), page)
    return item.url, page


def test_attachment_links_are_extracted_from_a_portal_page(server: TestServer) -> None:
    url, page = attached_page(server)
    record = extract_article(page, url)
    assert isinstance(record, ArticleRecord)
    base = server.url("")
    assert record.attachments == (
        AttachmentLink(
            "Công văn số 54/STTTT-BCVT",
            f"{base}/documents/10180/955777/CV-54-QCRV.pdf/3f1c2a7e-55d1-4c8e-9f0b-1c2d3e4f5a6b",
            "125 KB",
        ),
        AttachmentLink(
            "Danh sách số điện thoại",
            f"{base}/documents/10180/955777/Danh%20sach%20so%20dien%20thoai.xlsx",
            "48,5 KB",
        ),
        AttachmentLink(
            "Mẫu báo cáo", "https://sotttt.hanoi.gov.vn/documents/10180/955777/Mau-bao-cao.DOC"
        ),
    )


def test_a_page_without_documents_has_none() -> None:
    page = (sites.LIFERAY / "en_detail_2625972.html").read_text(encoding="utf-8")
    record = extract_article(page, "https://sotttt.hanoi.gov.vn/en/-/view_content/2625972-x.html")
    assert isinstance(record, ArticleRecord) and record.attachments == ()


def test_a_crawled_article_lists_its_attachments_and_links_the_original(
    fake_api: FakeBotAPI, start_bot, server: TestServer, tmp_path: Path
) -> None:
    url, _ = attached_page(server)
    start_bot(sources_file=sources_file(tmp_path), crawl_check_seconds=0)
    command = fake_api.send_text(ADMIN, f"/crawl {url}")
    assert "mới 1" in wait_summary(fake_api, fake_api.wait_reply(command)[0])

    user = citizen(1)
    found = ask(fake_api, user, "số điện thoại QCRV sai quy định tạm ngừng")
    urls = [b["url"] for row in found["reply_markup"]["inline_keyboard"] for b in row if "url" in b]
    assert url in urls  # "🔗 Xem bài gốc" beside its read button
    first_row = found["reply_markup"]["inline_keyboard"][0]
    assert [b["text"] for b in first_row] == ["📖 Đọc toàn văn bài 1", texts.ORIGINAL_BUTTON]

    position = urls.index(url) + 1
    article = _read(fake_api, user, found, position)
    assert (
        "📎 Tệp đính kèm:\n• Công văn số 54/STTTT-BCVT (125 KB)\n• Danh sách số điện thoại"
        in (article["text"])
    )
    links = [e["url"] for e in article.get("entities", []) if e["type"] == "text_link"]
    assert any(
        link.endswith("CV-54-QCRV.pdf/3f1c2a7e-55d1-4c8e-9f0b-1c2d3e4f5a6b") for link in links
    )
    assert [b for row in article["reply_markup"]["inline_keyboard"] for b in row] == [
        {"text": texts.ORIGINAL_BUTTON, "url": url}
    ]


def _read(fake: FakeBotAPI, user: dict, results: dict, number: int) -> dict:
    before = len(fake.bot_messages(user["id"]))
    fake.press(user, results, button(results, f"📖 Đọc toàn văn bài {number}"))
    return fake.wait_for(lambda: fake.bot_messages(user["id"])[before:])[-1]


def test_a_cut_summary_says_so_and_offers_the_original(fake_api: FakeBotAPI, start_bot) -> None:
    running = start_bot()
    cut = next(
        a
        for a in running.archive.articles()
        if not a.body.strip() and a.url and re.search(r"(\.\.\.|…)\s*$", a.summary)
    )
    user = citizen(2)
    article = ask(fake_api, user, f"/doc {cut.article_id}")
    assert article["text"].endswith(texts.SUMMARY_ONLY)
    assert cut.summary.strip()[:40] in article["text"]  # never less than the stored text
    assert buttons(article) == [(texts.ORIGINAL_BUTTON, "")]


def test_inline_results_carry_the_original_link(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    fake_api.inline_query(citizen(3), "phố sách")
    answered = fake_api.wait_call("answerInlineQuery")
    results = json.loads(answered.params["results"])
    assert results and all(
        r["reply_markup"]["inline_keyboard"][0][0]["text"] == texts.ORIGINAL_BUTTON for r in results
    )
