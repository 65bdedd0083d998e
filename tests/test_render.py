import dataclasses
import re
from datetime import datetime

import pytest

from bot import texts
from bot.crawl_jobs import CrawlFailure, CrawlOutcome
from bot.render import (
    HTML,
    PLAIN,
    TELEGRAM_LIMIT,
    format_number,
    parse_results_heading,
    render_article,
    render_crawl_progress,
    render_crawl_summary,
    render_hit,
    render_ingest_report,
    render_inline_description,
    render_inline_message,
    render_listing,
    render_no_results,
    render_reindex_done,
    render_reindex_progress,
    render_results,
    render_stats,
    utf16_length,
)
from index import (
    ArticleView,
    IngestReport,
    Problem,
    ProblemCode,
    ReindexReport,
    SearchHit,
    SearchPage,
    Snippet,
    Stats,
)
from index.crawl import (
    CrawlIssue,
    CrawlProblem,
    CrawlProgress,
    CrawlReport,
    CrawlStage,
    ProblemKind,
    RunStatus,
    SourceHealth,
)
from index.text.dates import VIETNAM

from .fakebotapi import parse_html

WHEN = datetime(2019, 6, 2, 17, 0, tzinfo=VIETNAM)


def _hit(**changes: object) -> SearchHit:
    values = dict(
        article_id=7,
        title="Hội thảo <chính quyền> & điện tử",
        url='https://so.gov.vn/a?x=1&y="2"',
        published_at=WHEN,
        category="Tin & sự kiện",
        source="so.gov.vn",
        score=3.5,
        snippet=Snippet("Bàn về <b>chính quyền điện tử</b> & dữ liệu", ((7, 33),)),
    )
    values.update(changes)
    return SearchHit(**values)  # type: ignore[arg-type]


def _allowed_html(text: str) -> bool:
    """Only Telegram's tags, and no bare < or & outside entities."""
    stripped = re.sub(r"</?(b|a)(\s+href=\"[^\"<>]*\")?>", "", text)
    stripped = re.sub(r"&(lt|gt|amp|quot|#x27|#\d+);", "", stripped)
    return "<" not in stripped and ">" not in stripped and "&" not in stripped


def test_results_are_escaped_html_with_bold_matches_and_links() -> None:
    page = SearchPage("<script>x</script> & co", 1, 0, 5, (_hit(),))
    text = render_results(page, HTML)
    assert _allowed_html(text)
    assert "&lt;script&gt;" in text
    assert '<a href="https://so.gov.vn/a?x=1&amp;y=&quot;2&quot;">' in text
    assert "Bàn về <b>&lt;b&gt;chính quyền điện tử&lt;/b&gt;</b> &amp; dữ liệu" in text
    assert "📅 02/06/2019" in text and "Tin &amp; sự kiện" in text


def test_results_without_url_offer_the_doc_command() -> None:
    text = render_results(SearchPage("q", 1, 0, 5, (_hit(url=None),)), HTML)
    assert "/doc_7" in text and "<a " not in text


def test_plain_style_has_the_same_words_without_markup() -> None:
    plain_snippet = Snippet("Khai mạc phố sách mùa xuân", ((9, 17),))
    page = SearchPage(
        "phố sách", 12, 5, 5, tuple(_hit(article_id=i, snippet=plain_snippet) for i in range(5))
    )
    text = render_results(page, PLAIN)
    assert text.startswith("🔎 Kết quả cho “phố sách”\nBài 6–10 trong 12 bài viết phù hợp.")
    assert "<b>" not in text and "6. Hội thảo <chính quyền> & điện tử" in text
    assert "   Khai mạc phố sách mùa xuân" in text


def test_no_results_is_kind_and_suggests_what_to_try() -> None:
    text = render_no_results("<hoi thao>", HTML)
    assert "Rất tiếc" in text and "/moi" in text and "&lt;hoi thao&gt;" in text
    assert _allowed_html(text)


def test_long_articles_are_split_at_paragraphs_within_the_limit() -> None:
    paragraphs = [f"Đoạn {i}: " + "nội dung & <dữ liệu> " * 40 for i in range(40)]
    article = ArticleView(
        1, "Tiêu đề", None, WHEN, False, None, "Tác giả", "s", "", "\n".join(paragraphs)
    )
    messages = render_article(article, HTML)
    assert len(messages) > 1
    assert all(len(m) <= TELEGRAM_LIMIT and _allowed_html(m) for m in messages)
    joined = "\n\n".join(messages)
    assert all(f"Đoạn {i}:" in joined for i in range(40))
    assert messages[0].startswith("<b>Tiêu đề</b>")
    assert messages[-1].endswith("✍️ Tác giả")


def test_a_paragraph_longer_than_a_message_is_cut_at_spaces() -> None:
    body = " ".join(["chữ&chữ"] * 2000)
    article = ArticleView(1, "T", "https://x.vn", WHEN, False, None, None, "s", "", body)
    messages = render_article(article, HTML)
    assert all(len(m) <= TELEGRAM_LIMIT and _allowed_html(m) for m in messages)
    assert sum(m.count("chữ&amp;chữ") for m in messages) == 2000


# -- what the bot sends (checked with the fake Bot API's own HTML parser) --------------------


def _telegram_text(html_text: str) -> str:
    """What Telegram would show; fails like Telegram on anything it would refuse."""
    text, _ = parse_html(html_text)
    assert utf16_length(text) <= TELEGRAM_LIMIT
    return text


def test_results_always_fit_one_message_however_long_the_articles() -> None:
    long = "Tiêu đề <rất> dài & " * 200
    snippet = Snippet("Chữ & <b> " * 100, tuple((i * 10, i * 10 + 4) for i in range(100)))
    hits = tuple(
        _hit(article_id=i, title=long, url="https://so.gov.vn/" + "a&b" * 700, snippet=snippet)
        for i in range(5)
    )
    text = render_results(SearchPage("q" * 4000, 5, 0, 5, hits), HTML)
    shown = _telegram_text(text)
    assert shown.count("📅") == 5 and "…" in shown


def test_a_shortened_snippet_keeps_its_bold_words_within_the_text() -> None:
    snippet = Snippet("mở đầu " * 60 + "phố sách", ((0, 6), (420, 428)))
    hits = tuple(_hit(article_id=i, title="T " * 2000, snippet=snippet) for i in range(5))
    text = render_results(SearchPage("phố sách", 5, 0, 5, hits), HTML)
    _telegram_text(text)
    assert "<b>mở đầu</b>" in text


def test_the_heading_gives_the_question_back_unless_it_was_shortened() -> None:
    page = SearchPage("<phố> & “sách”", 1, 0, 5, (_hit(),))
    assert parse_results_heading(_telegram_text(render_results(page, HTML))) == "<phố> & “sách”"
    long = SearchPage("phố sách " * 30, 1, 0, 5, (_hit(),))
    recovered = parse_results_heading(_telegram_text(render_results(long, HTML)))
    assert recovered is not None and recovered.endswith("…") and recovered != long.query.strip()
    assert parse_results_heading("Rất tiếc, chưa có bài viết nào") is None


def test_listings_name_the_category_and_count_the_articles() -> None:
    page = SearchPage("", 1234, 5, 5, tuple(_hit(article_id=i) for i in range(5)))
    text = _telegram_text(render_listing(page, "Tin & <sự kiện>", HTML))
    assert text.startswith(
        "📂 Chuyên mục “Tin & <sự kiện>”\nBài 6–10 trong 1.234 bài, mới nhất trước."
    )
    assert _telegram_text(render_listing(SearchPage("", 0, 0, 5, ()), None, HTML)) == (
        "🆕 Tin mới nhất\nHiện chưa có bài viết nào."
    )


def test_stats_in_vietnamese_with_escaped_source_names() -> None:
    stats = Stats(
        articles=12345,
        sources=tuple((f"nguồn <{i}> & co", 10 - i) for i in range(12)),
        first_published=WHEN,
        last_published=WHEN,
        indexed=12345,
        index_bytes=2_500_000,
        vocabulary=45678,
        last_reindex=None,
        built_at=WHEN,
        build_seconds=1.5,
        questions_today=7,
    )
    text = _telegram_text(render_stats(stats, HTML))
    assert "• Số bài viết: 12.345" in text
    assert "• Nguồn: 12 (nguồn <0> & co: 10;" in text and "và 2 nguồn khác)" in text
    assert "• Chỉ mục: 12.345 bài, 45.678 từ, 2,5 MB, lập trong 1,50 giây" in text
    assert "• Lập chỉ mục lần cuối: chưa lần nào" in text and "• Câu hỏi hôm nay: 7" in text


def test_an_ingest_report_is_escaped_translated_and_split_within_the_limit() -> None:
    problems = [
        Problem(f"tệp <x>.jsonl:{i}", ProblemCode.MALFORMED_JSON, f"Expecting value at column {i}")
        for i in range(400)
    ]
    problems.append(Problem("tệp.txt", ProblemCode.LEGACY_ENCODING, "windows-1258", skipped=False))
    report = IngestReport(added=3, updated=1, unchanged=2, failed=400, problems=problems)
    messages = render_ingest_report("tệp <x>.jsonl", report, HTML)
    shown = [_telegram_text(m) for m in messages]
    assert len(messages) > 1
    assert shown[0].startswith(
        "📥 Đã nhập tệp “tệp <x>.jsonl”: thêm mới 3, cập nhật 1, không đổi 2, bỏ qua 400."
    )
    joined = "\n".join(shown)
    assert "⚠️ Bỏ qua tệp <x>.jsonl:0: JSON sai cú pháp (Expecting value at column 0)" in joined
    assert joined.count("⚠️ Bỏ qua") == 200 and "… và 201 dòng khác" in joined


def test_a_clean_ingest_says_so() -> None:
    text = render_ingest_report("a.json", IngestReport(added=2), HTML)
    assert text == [
        "📥 Đã nhập tệp “a.json”: thêm mới 2, cập nhật 0, không đổi 0, bỏ qua 0.\nMọi bản ghi đều "
        "hợp lệ."
    ]


def test_reindex_progress_and_result() -> None:
    assert render_reindex_progress(1200, 4500) == "⏳ Đang lập chỉ mục: 1.200/4.500 bài…"
    assert render_reindex_progress(30, None) == "⏳ Đang lập chỉ mục: đã xử lý 30 bài…"
    assert render_reindex_done(ReindexReport(3, 214, 1.26)).startswith(
        "✅ Lập chỉ mục xong: 214 bài trong chỉ mục, 3 bài được phân tích lại, trong 1,3 giây."
    )


def test_inline_results_describe_and_carry_the_link() -> None:
    hit = _hit()
    assert render_inline_description(hit).startswith("02/06/2019 · Tin & sự kiện – Bàn về <b>chính")
    message = render_inline_message(hit, "https://t.me/bot?start=doc_7")
    assert _telegram_text(message).startswith("Hội thảo <chính quyền> & điện tử\n📅 02/06/2019")
    assert (
        '<a href="https://so.gov.vn/a?x=1&amp;y=&quot;2&quot;">' in message
        and "t.me" not in message
    )
    without_url = render_inline_message(_hit(url=None), "https://t.me/bot?start=doc_7")
    assert without_url.endswith('<a href="https://t.me/bot?start=doc_7">📖 Đọc toàn văn</a>')


def test_render_hit_numbers_and_links() -> None:
    assert render_hit(3, _hit(), HTML).startswith(
        '<b>3.</b> <a href="https://so.gov.vn/a?x=1&amp;y=&quot;2&quot;">'
    )


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(0, 0, "0"), (1964, 0, "1.964"), (1234567.891, 2, "1.234.567,89")],
)
def test_numbers_are_written_the_vietnamese_way(value: float, decimals: int, text: str) -> None:
    assert format_number(value, decimals) == text


def test_every_fixed_sentence_is_valid_telegram_html() -> None:
    sentences = [
        value for name, value in vars(texts).items() if name.isupper() and isinstance(value, str)
    ]
    sentences += [texts.start("<Bé> & Na"), texts.help_text("tin_so_bot") + texts.ADMIN_HELP]
    sentences += [
        texts.unsupported_file("a<b>.pdf"),
        texts.file_too_big("x&y", 7_000_000, 5_000_000),
    ]
    sentences += [texts.article_not_found(7), texts.THROTTLED.format(seconds=3)]
    sentences += [texts.unknown_source("<x> & y", ["so-<a>"] * 30), texts.unknown_source("z", [])]
    assert len(sentences) > 20
    for sentence in sentences:
        _telegram_text(sentence)
    assert "<Bé> & Na" in _telegram_text(texts.start("<Bé> & Na"))
    assert "a<b>.pdf" in _telegram_text(texts.unsupported_file("a<b>.pdf"))


# -- crawling ------------------------------------------------------------------------------


def _report(source: str = "so-<x> & y", **changes: object) -> CrawlReport:
    values: dict[str, object] = dict(source=source, started_at=WHEN, finished_at=WHEN)
    values.update(changes)
    return CrawlReport(**values)  # type: ignore[arg-type]


def _health(name: str, **changes: object) -> SourceHealth:
    values: dict[str, object] = dict(
        name=name, enabled=True, last_run_at=WHEN, last_status=RunStatus.FAILED, last_added=3,
        last_updated=1, last_failed=2, last_error=None, last_error_at=None, articles=40,
        pending=2, next_due=None,
    )  # fmt: skip
    values.update(changes)
    return SourceHealth(**values)  # type: ignore[arg-type]


def test_crawl_progress_names_the_source_the_stage_and_the_counts() -> None:
    fetching = CrawlProgress(
        "so-<x> & y", CrawlStage.FETCHING, 4, 1200, added=3, updated=1, failed=0
    )
    text = _telegram_text(render_crawl_progress(fetching, 2, 3, HTML))
    assert text.splitlines()[:3] == [
        "⏳ Đang thu thập nguồn “so-<x> & y” (2/3)",
        "📥 Đang tải bài viết: 4/1.200 trang",
        "Đến giờ: 3 bài mới, 1 cập nhật, 0 lỗi.",
    ]
    discovering = CrawlProgress("so", CrawlStage.DISCOVERING, 2, None, added=0, updated=0, failed=1)
    text = _telegram_text(render_crawl_progress(discovering, 1, 1, HTML))
    assert text.startswith(
        "⏳ Đang thu thập nguồn “so”\n🔎 Đang tìm bài mới: đã đọc 2 trang danh sách"
    )


def test_a_crawl_summary_counts_translates_and_escapes_its_problems() -> None:
    problems = (
        CrawlProblem("https://so.vn/a?x=1&y=<2>", CrawlIssue.HTTP_STATUS, "404", kept=True),
        CrawlProblem(
            "https://so.vn/gioi-thieu", CrawlIssue.STATIC_PAGE, "gioi-thieu", ProblemKind.SKIPPED
        ),
        CrawlProblem("https://so.vn/b", CrawlIssue.TIMEOUT, "20"),
        CrawlProblem("https://so.vn/c", CrawlIssue.UNKNOWN, "something <odd> & new"),
    )
    report = _report(added=10, unchanged=5, failed=3, skipped=1, pending=1, problems=problems)
    (text,) = render_crawl_summary([CrawlOutcome(report.source, report)], HTML)
    lines = _telegram_text(text).splitlines()
    assert lines[0] == "⚠️ Thu thập xong nguồn “so-<x> & y”: mới 10, cập nhật 0, không đổi 5, lỗi 3."
    assert "🔎 Các bài mới đã có thể tìm thấy ngay." in lines
    assert "🔁 1 trang chưa tải được sẽ được thử lại ở lần sau." in lines
    assert lines[-5:] == [
        "Các trang gặp sự cố (4):",
        "⚠️ Lỗi https://so.vn/a?x=1&y=<2>: máy chủ trả lỗi HTTP 404 (đã lưu theo trang danh "
        "sách, sẽ thử lại)",
        "ℹ️ Bỏ qua https://so.vn/gioi-thieu: không phải tin: “gioi-thieu” là trang tĩnh",
        "⚠️ Lỗi https://so.vn/b: quá thời gian chờ (20 giây)",
        "⚠️ Lỗi https://so.vn/c: something <odd> & new",
    ]


def test_a_clean_crawl_of_nothing_new_says_so_briefly() -> None:
    report = _report("so", unchanged=10)
    assert render_crawl_summary([CrawlOutcome("so", report)], HTML) == [
        "✅ Thu thập xong nguồn “so”: mới 0, cập nhật 0, không đổi 10, lỗi 0."
    ]


def test_a_crawl_of_several_sources_lists_each_and_those_without_a_report() -> None:
    outcomes = [
        CrawlOutcome("so-a", _report("so-a", added=2, unchanged=8)),
        CrawlOutcome("so-<b>", failure=CrawlFailure.FAILED),
        CrawlOutcome("so-c", failure=CrawlFailure.BUSY),
        CrawlOutcome("so-d", failure=CrawlFailure.STOPPED),
    ]
    lines = _telegram_text(render_crawl_summary(outcomes, HTML)[0]).splitlines()
    assert lines[:5] == [
        "⚠️ Thu thập xong 1/4 nguồn: mới 2, cập nhật 0, không đổi 8, lỗi 0.",
        "• so-a: mới 2, cập nhật 0, không đổi 8, lỗi 0",
        "• so-<b>: ❌ không thu thập được; chi tiết lỗi đã được ghi vào nhật ký",
        "• so-c: đang được thu thập ở nơi khác, bạn vui lòng thử lại sau",
        "• so-d: ⏹ dừng giữa chừng vì bot đang tắt; lần chạy sau sẽ làm tiếp",
    ]
    (alone,) = render_crawl_summary([CrawlOutcome("so-<b>", failure=CrawlFailure.FAILED)], HTML)
    assert _telegram_text(alone) == (
        "Nguồn “so-<b>”: ❌ không thu thập được; chi tiết lỗi đã được ghi vào nhật ký."
    )


def test_a_crawl_with_many_problems_lists_the_first_within_the_limit() -> None:
    url = "https://so.vn/tin?" + "&".join(f"p{i}=<{i}>" for i in range(80))
    problems = tuple(
        CrawlProblem(f"{url}&n={n}", CrawlIssue.CONNECTION, "reset & <more>") for n in range(300)
    )
    report = _report(failed=300, problems=problems)
    messages = render_crawl_summary([CrawlOutcome(report.source, report)], HTML)
    assert len(messages) > 1 and all(utf16_length(m) <= TELEGRAM_LIMIT for m in messages)
    joined = "\n".join(_telegram_text(m) for m in messages)
    assert joined.count("⚠️ Lỗi https://so.vn/tin?p0=<0>") == 20
    assert "… và 280 trang khác; chạy “python bot.py crawl” trên máy chủ để xem đầy đủ." in joined


def test_stats_show_each_sources_crawl_health_escaped_and_within_the_limit() -> None:
    stats = Stats(
        articles=12, sources=(("so", 12),), first_published=WHEN, last_published=WHEN,
        indexed=12, index_bytes=1000, vocabulary=100, last_reindex=None, built_at=WHEN,
        build_seconds=0.1, questions_today=0,
    )  # fmt: skip
    error = CrawlProblem("https://so.vn/tin/" + "x" * 300, CrawlIssue.HTTP_STATUS, "404", kept=True)
    health = [
        _health("so-<a>", last_error=error, last_error_at=WHEN),
        _health("so-tat", enabled=False, last_run_at=None, last_status=None),
        _health("127.0.0.1", enabled=None, last_status=RunStatus.OK, pending=0),
    ]
    text = _telegram_text(render_stats(stats, HTML, health))
    lines = text.splitlines()
    assert lines[:2] == ["📊 Thống kê", "• Số bài viết: 12"]  # the lines of before, unchanged
    start = lines.index("🌐 Thu thập tin")
    assert lines[start + 1 :] == [
        "• so-<a> (đang bật): lần cuối 02/06/2019 17:00, có trang lỗi; 3 bài mới, 1 cập nhật, "
        "2 trang lỗi; tổng 40 bài, 2 trang chờ thử lại",
        "   ⚠️ Lỗi gần nhất (02/06/2019 17:00): máy chủ trả lỗi HTTP 404 (đã lưu theo trang danh "
        "sách, sẽ thử lại) – https://so.vn/tin/" + "x" * 35 + "…" + "x" * 26,
        "• so-tat (đang tắt): chưa thu thập lần nào",
        "• 127.0.0.1 (ngoài tệp nguồn): lần cuối 02/06/2019 17:00, thành công; 3 bài mới, "
        "1 cập nhật, 2 trang lỗi; tổng 40 bài",
    ]
    many = [
        _health(
            f"nguồn-{i}-" + "<&>" * 20,
            last_error=CrawlProblem("", CrawlIssue.UNKNOWN, "x " * 300),
            last_error_at=WHEN,
        )
        for i in range(40)
    ]
    crowded = render_stats(stats, HTML, many)
    assert utf16_length(crowded) <= TELEGRAM_LIMIT
    assert "nguồn khác" in _telegram_text(crowded).splitlines()[-1]


def test_a_shortened_question_is_said_to_be_shortened() -> None:
    long = "hội thảo " * 100
    page = SearchPage(query=long, total=1, offset=0, limit=5, hits=(_hit(),))
    assert texts.QUESTION_SHORTENED.split(" ", 1)[0] in render_results(page, HTML)
    assert "✂️" in render_no_results(long, HTML, dataclasses.replace(page, hits=(), total=0))
    short = dataclasses.replace(page, query="hội thảo")
    assert "✂️" not in render_results(short, HTML)
