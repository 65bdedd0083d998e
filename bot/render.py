"""Pure rendering: results and articles as Telegram HTML or as plain text for the terminal.

The wording is the same in both styles, so `python bot.py ask` prints what the bot would say.
Every dynamic string goes through `Style.escape`. Nothing here imports `telegram`.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from index import (
    ArticleView,
    CategoryCount,
    EngineStats,
    IngestReport,
    Problem,
    ReindexReport,
    SearchHit,
    SearchPage,
    Snippet,
)
from index.crawl import CrawlProblem, CrawlProgress, SourceHealth

from .crawling import BUSY, FAILED, STOPPED, CrawlOutcome

__all__ = [
    "Style",
    "HTML",
    "PLAIN",
    "ANSI",
    "TELEGRAM_LIMIT",
    "PAGE_SIZE",
    "format_date",
    "format_number",
    "render_results",
    "render_no_results",
    "render_answer",
    "render_suggestion",
    "render_listing",
    "render_article",
    "render_snippet",
    "render_hit",
    "results_heading",
    "parse_results_heading",
    "render_categories",
    "render_stats",
    "render_ingest_report",
    "render_reindex_progress",
    "render_reindex_done",
    "render_crawl_progress",
    "render_crawl_summary",
    "render_crawl_health",
    "render_inline_description",
    "render_inline_message",
    "read_link",
    "utf16_length",
]

TELEGRAM_LIMIT = 4096
PAGE_SIZE = 5
QUOTED_QUERY_CHARS = 100  # a question longer than this is shortened in the heading


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Style:
    """How to mark up text: escaping, bold, links, and how long a message is."""

    escape: Callable[[str], str]
    bold: Callable[[str], str]
    link: Callable[[str, str], str]  # (already escaped text, url)
    length: Callable[[str], int] = len


HTML = Style(
    escape=lambda text: html.escape(text, quote=False),
    bold=lambda text: f"<b>{text}</b>",
    link=lambda text, url: f'<a href="{html.escape(url, quote=True)}">{text}</a>',
    # The markup itself counts too: more than Telegram counts, never less.
    length=utf16_length,
)
PLAIN = Style(
    escape=lambda text: text,
    bold=lambda text: text,
    link=lambda text, url: f"{text}\n   {url}",
)
ANSI = Style(
    escape=lambda text: text,
    bold=lambda text: f"\033[1m{text}\033[0m",
    link=lambda text, url: f"{text}\n   {url}",
)


def format_date(value: datetime) -> str:
    """dd/mm/yyyy, as Vietnamese readers write dates."""
    return value.strftime("%d/%m/%Y")


def format_number(value: float, decimals: int = 0) -> str:
    """Vietnamese digits: 1.964 and 0,4 (dot between thousands, comma before decimals)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def render_snippet(snippet: Snippet, style: Style) -> str:
    """The snippet with its matched spans in bold, every piece escaped."""
    parts, position = [], 0
    for start, end in snippet.spans:
        parts.append(style.escape(snippet.text[position:start]))
        parts.append(style.bold(style.escape(snippet.text[start:end])))
        position = end
    parts.append(style.escape(snippet.text[position:]))
    return "".join(parts)


def _quote(text: str, style: Style) -> str:
    text = text.strip()
    if len(text) > QUOTED_QUERY_CHARS:
        text = _cut_words(text, QUOTED_QUERY_CHARS)
    return f"“{style.escape(text)}”"


def render_hit(number: int, hit: SearchHit, style: Style) -> str:
    """One result: numbered linked title, date and category, snippet."""
    title = style.escape(hit.title)
    if hit.url:
        heading = f"{style.bold(f'{number}.')} {style.link(title, hit.url)}"
    else:
        heading = f"{style.bold(f'{number}. {title}')}"
    details = [f"📅 {format_date(hit.published_at)}"]
    if hit.category:
        details.append(f"📂 {style.escape(hit.category)}")
    if not hit.url:
        details.append(f"đọc toàn văn: /doc_{hit.article_id}")
    lines = [heading, " · ".join(details)]
    snippet = render_snippet(hit.snippet, style)
    if snippet:
        lines.append(snippet)
    indent = "" if style is HTML else "   "
    return "\n".join([lines[0]] + [indent + line for line in lines[1:]])


def results_heading(query: str, style: Style) -> str:
    """The first line of a result list; `parse_results_heading` reads it back."""
    return style.bold(f"🔎 Kết quả cho {_quote(query, style)}")


def parse_results_heading(text: str) -> str | None:
    """The question quoted in the first line of a result list, as Telegram returns the text."""
    first = text.split("\n", 1)[0]
    prefix = "🔎 Kết quả cho “"
    if first.startswith(prefix) and first.endswith("”") and len(first) > len(prefix) + 1:
        return first[len(prefix) : -1]
    return None


def render_results(page: SearchPage, style: Style, limit: int = TELEGRAM_LIMIT) -> str:
    """A page of results, within `limit`: heading, what was understood (filters, the answer
    sentence), how many there are, the hits, and "Có phải bạn muốn tìm" when results are weak."""
    if page.total == 0 or not page.hits:
        return render_no_results(page.query, style, page)
    first, last = page.offset + 1, page.offset + len(page.hits)
    if page.total <= len(page.hits) and page.offset == 0:
        count = f"Tìm thấy {page.total} bài viết phù hợp."
    else:
        count = f"Bài {first}–{last} trong {page.total} bài viết phù hợp."
    header = [results_heading(page.query, style), *_understood(page, style)]
    if page.answer is not None:
        header.append(render_answer(page, style))
    header.append(count)
    footer = render_suggestion(page.suggestion, style) if page.suggestion else ""
    body = _fit("\n".join(header), page, style, limit - style.length(footer) - 2)
    return f"{body}\n\n{footer}" if footer else body


def _understood(page: SearchPage, style: Style) -> list[str]:
    """The filters taken from the question, said back to the reader."""
    filters = page.filters
    parts = []
    if page.time_label:
        parts.append(f"🗓 {style.escape(page.time_label)}")
    elif filters is not None and (filters.since or filters.until):
        since = format_date(filters.since) if filters.since else "…"
        until = format_date(filters.until) if filters.until else "nay"
        parts.append(f"🗓 {since} – {until}")
    if filters is not None and filters.category:
        parts.append(f"📂 {style.escape(filters.category)}")
    lines = [f"Lọc theo: {' · '.join(parts)}"] if parts else []
    if page.relaxed and page.time_label:
        lines.append(
            f"Không có bài nào phù hợp trong {style.escape(page.time_label)}; "
            "dưới đây là kết quả ở mọi thời điểm."
        )
    return lines


def render_answer(page: SearchPage, style: Style) -> str:
    """The sentence that answers a when/where/who/how-many question, and where it is from."""
    assert page.answer is not None
    answer = page.answer
    source = style.escape(_cut_words(answer.title, 80))
    return (
        f"💡 {style.bold('Trả lời nhanh:')} {render_snippet(answer.sentence, style)}\n"
        f"(theo bài “{source}”)"
    )


def render_suggestion(suggestion: str, style: Style) -> str:
    """Offer the question as the corpus spells it (diacritics restored, a typo corrected)."""
    return f"🤔 Có phải bạn muốn tìm: {_quote(suggestion, style)}?"


def render_no_results(query: str, style: Style, page: SearchPage | None = None) -> str:
    """A kind 'nothing found' with what to try next."""
    lines = [f"Rất tiếc, chưa có bài viết nào phù hợp với {_quote(query, style)}."]
    if page is not None:
        lines += _understood(page, style)
    if page is not None and page.suggestion:
        lines.append(render_suggestion(page.suggestion, style))
    lines += [
        "Bạn có thể thử:",
        "• bớt vài từ, chỉ giữ những từ chính (ví dụ: “chuyển đổi số”);",
        "• gõ tiếng Việt có dấu (ví dụ: “hội thảo” thay vì “hoi thao”);",
    ]
    if page is not None and page.filters is not None:
        lines.append("• bỏ phần thời gian hoặc chuyên mục trong câu hỏi;")
    lines.append("• xem các tin mới nhất bằng lệnh /moi.")
    return "\n".join(lines)


def render_listing(
    page: SearchPage, category: str | None, style: Style, limit: int = TELEGRAM_LIMIT
) -> str:
    """A page of the latest articles, of every category or of one."""
    heading = style.bold(
        f"📂 Chuyên mục {_quote(category, style)}" if category else "🆕 Tin mới nhất"
    )
    if not page.hits:
        return f"{heading}\nHiện chưa có bài viết nào."
    first, last = page.offset + 1, page.offset + len(page.hits)
    count = f"Bài {first}–{last} trong {format_number(page.total)} bài, mới nhất trước."
    return _fit(f"{heading}\n{count}", page, style, limit)


def _fit(header: str, page: SearchPage, style: Style, limit: int) -> str:
    """Header and hits; titles, snippets and at last links shortened until the text fits."""
    first = page.offset + 1
    text = header
    for title_chars, snippet_chars, links in _SHORTER:
        hits = [_shorten(hit, title_chars, snippet_chars, links) for hit in page.hits]
        text = "\n\n".join([header] + [render_hit(first + i, h, style) for i, h in enumerate(hits)])
        if style.length(text) <= limit:
            break
    return text


_SHORTER = ((None, None, True), (300, 200, True), (150, 100, True), (80, 60, False))


def _shorten(
    hit: SearchHit, title_chars: int | None, snippet_chars: int | None, links: bool
) -> SearchHit:
    if title_chars is None or snippet_chars is None:
        return hit
    snippet = hit.snippet
    if len(snippet.text) > snippet_chars:
        text = _cut_words(snippet.text, snippet_chars)
        cut = len(text) - 1  # without the ellipsis
        spans = tuple((s, min(e, cut)) for s, e in snippet.spans if s < cut)
        snippet = Snippet(text, spans)
    title = _cut_words(hit.title, title_chars) if len(hit.title) > title_chars else hit.title
    return dataclasses.replace(hit, title=title, snippet=snippet, url=hit.url if links else None)


def _cut_words(text: str, chars: int) -> str:
    """At most `chars` characters, cut at a space when there is one, with an ellipsis."""
    cut = text.rfind(" ", 0, chars)
    if cut < chars // 2:
        cut = chars - 1
    return text[:cut].rstrip() + "…"


def render_article(article: ArticleView, style: Style, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """The whole article, split at paragraph boundaries into messages of at most `limit`."""
    title = style.escape(article.title)
    heading = style.link(style.bold(title), article.url) if article.url else style.bold(title)
    details = [f"📅 {format_date(article.published_at)}"]
    if article.category:
        details.append(f"📂 {style.escape(article.category)}")
    paragraphs = [heading, " · ".join(details)]
    for text in (article.summary, article.body):
        for raw in text.split("\n"):
            if raw.strip():
                paragraphs += _escaped_pieces(raw.strip(), style, limit)
    if article.author:
        paragraphs.append(f"✍️ {style.escape(article.author)}")
    return _pack(paragraphs, limit, style)


def _escaped_pieces(raw: str, style: Style, limit: int) -> list[str]:
    """Escape a paragraph; one too long for a message is halved at a space until it fits."""
    escaped = style.escape(raw)
    if style.length(escaped) <= limit:
        return [escaped]
    middle = len(raw) // 2
    cut = raw.rfind(" ", 0, middle + 1)
    if cut <= 0:
        cut = middle
    return _escaped_pieces(raw[:cut].rstrip(), style, limit) + _escaped_pieces(
        raw[cut:].lstrip(), style, limit
    )


def _pack(
    paragraphs: Sequence[str], limit: int, style: Style, separator: str = "\n\n"
) -> list[str]:
    """Group paragraphs into as few messages of at most `limit` as possible."""
    messages: list[str] = []
    current = ""
    for paragraph in paragraphs:
        candidate = f"{current}{separator}{paragraph}" if current else paragraph
        if style.length(candidate) <= limit:
            current = candidate
        else:
            messages.append(current)
            current = paragraph
    if current:
        messages.append(current)
    return messages


# -- browsing ------------------------------------------------------------------------------


def render_categories(categories: Sequence[CategoryCount], style: Style) -> str:
    """The text above the category buttons."""
    if not categories:
        return "Hiện chưa có chuyên mục nào."
    total = sum(c.count for c in categories)
    return (
        f"{style.bold('📂 Mời bạn chọn một chuyên mục')}\n"
        f"{len(categories)} chuyên mục, {format_number(total)} bài viết."
    )


# -- administration ------------------------------------------------------------------------


MAX_SOURCES = 10


def render_stats(
    stats: EngineStats,
    style: Style,
    health: Sequence[SourceHealth] = (),
    limit: int = TELEGRAM_LIMIT,
) -> str:
    """What /stats answers (the largest sources by name, then each crawled source's health, as
    many as fit in one message)."""
    shown = [
        f"{style.escape(_cut_words(name, 60) if len(name) > 60 else name)}: {format_number(n)}"
        for name, n in stats.sources[:MAX_SOURCES]
    ]
    if len(stats.sources) > MAX_SOURCES:
        shown.append(f"và {len(stats.sources) - MAX_SOURCES} nguồn khác")
    sources = "; ".join(shown)
    first = format_date(stats.first_published) if stats.first_published else "–"
    last = format_date(stats.last_published) if stats.last_published else "–"
    reindexed = format_moment(stats.last_reindex) if stats.last_reindex else "chưa lần nào"
    lines = [
        style.bold("📊 Thống kê"),
        f"• Số bài viết: {format_number(stats.articles)}",
        f"• Nguồn: {len(stats.sources)}" + (f" ({sources})" if sources else ""),
        f"• Khoảng thời gian: {first} – {last}",
        f"• Chỉ mục: {format_number(stats.indexed)} bài, {format_number(stats.vocabulary)} từ, "
        f"{format_number(stats.index_bytes / 1e6, 1)} MB, "
        f"lập trong {format_number(stats.build_seconds, 2)} giây",
        f"• Lập chỉ mục lần cuối: {reindexed}",
        f"• Câu hỏi hôm nay: {format_number(stats.questions_today)}",
    ]
    text = "\n".join(lines)
    for count in range(min(len(health), MAX_HEALTH_SOURCES), 0, -1):
        candidate = "\n".join([text, ""] + render_crawl_health(health, style, count))
        if style.length(candidate) <= limit:
            return candidate
    return text


MAX_HEALTH_SOURCES = 10
_RUN_STATUS = {
    "ok": "thành công",
    "failed": "có trang lỗi",
    "interrupted": "bị gián đoạn",
    "running": "đang chạy",
}


def format_moment(value: datetime) -> str:
    """dd/mm/yyyy HH:MM."""
    return value.strftime("%d/%m/%Y %H:%M")


def render_crawl_health(
    health: Sequence[SourceHealth], style: Style, count: int = MAX_HEALTH_SOURCES
) -> list[str]:
    """The lines of /stats about crawling: per source its last run, new articles and errors."""
    lines = [style.bold("🌐 Thu thập tin")]
    for h in health[:count]:
        state = {True: "đang bật", False: "đang tắt", None: "ngoài tệp nguồn"}[h.enabled]
        name = style.escape(_cut_words(h.name, 60) if len(h.name) > 60 else h.name)
        if h.last_run_at is None:
            lines.append(f"• {name} ({state}): chưa thu thập lần nào")
        else:
            status = _RUN_STATUS.get(h.last_status or "", style.escape(h.last_status or "?"))
            lines.append(
                f"• {name} ({state}): lần cuối {format_moment(h.last_run_at)}, {status}; "
                f"{format_number(h.last_new)} bài mới, {format_number(h.last_updated)} cập nhật, "
                f"{format_number(h.last_failed)} trang lỗi; tổng {format_number(h.articles)} bài"
                + (f", {format_number(h.pending)} trang chờ thử lại" if h.pending else "")
            )
        if h.last_error:
            when = f" ({format_moment(h.last_error_at)})" if h.last_error_at else ""
            lines.append(f"   ⚠️ Lỗi gần nhất{when}: {_error_line(h.last_error, style)}")
    if len(health) > count:
        lines.append(f"… và {len(health) - count} nguồn khác")
    return lines


def _error_line(error: str, style: Style) -> str:
    """A crawl error ("url: reason"), reason first in Vietnamese, url shortened."""
    url, separator, reason = error.partition(": ")
    if not separator or " " in url:
        return style.escape(_cut_words(error, 200) if len(error) > 200 else error)
    kept = reason.endswith(_KEPT_SUFFIX)
    reason = _crawl_reason(reason.removesuffix(_KEPT_SUFFIX))
    if kept:
        reason += " (đã lưu theo trang danh sách, sẽ thử lại)"
    return f"{style.escape(_cut(reason, 200))} – {style.escape(_cut_url(url, 80))}"


def _cut(text: str, chars: int) -> str:
    """At most `chars` characters, with an ellipsis (for text without spaces)."""
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _cut_url(url: str, chars: int) -> str:
    """At most `chars` characters, cut in the middle: a url's end (its page, its article) tells
    it apart from its neighbours as much as its start."""
    if len(url) <= chars:
        return url
    head = chars * 2 // 3
    return f"{url[:head]}…{url[len(url) - (chars - head - 1) :]}"


MAX_PROBLEM_LINES = 200

# The importer's reasons are English (the command line shares them); the most common ones, in
# Vietnamese for the bot. Anything else is shown as it is.
_REASONS = (
    (re.compile(r"empty file"), "tệp rỗng"),
    (re.compile(r"binary file, not text"), "tệp nhị phân, không phải văn bản"),
    (re.compile(r"missing title"), "thiếu tiêu đề"),
    (re.compile(r"no text"), "không có nội dung"),
    (re.compile(r"no body text after the title"), "không có nội dung sau tiêu đề"),
    (re.compile(r"malformed JSON: (.*)"), r"JSON sai cú pháp (\1)"),
    (
        re.compile(r"invalid url (.*) \(expected http:// or https://\)"),
        r"địa chỉ bài \1 không hợp lệ (cần http:// hoặc https://)",
    ),
    (re.compile(r"date (.*) not understood"), r"không đọc được ngày \1"),
    (re.compile(r"not valid UTF-8 \(byte (\d+)\)"), r"không phải văn bản UTF-8 (byte \1)"),
)


def _reason(text: str) -> str:
    for pattern, vietnamese in _REASONS:
        if pattern.fullmatch(text):
            return pattern.sub(vietnamese, text)
    return text


def render_ingest_report(
    name: str, report: IngestReport, style: Style, limit: int = TELEGRAM_LIMIT
) -> list[str]:
    """The per-record report of an uploaded file, split into messages within `limit`."""
    summary = (
        f"📥 Đã nhập tệp {_quote(name, style)}: thêm mới {format_number(report.added)}, "
        f"cập nhật {format_number(report.updated)}, không đổi {format_number(report.unchanged)}, "
        f"bỏ qua {format_number(report.failed)}."
    )
    lines = [summary]
    if report.problems:
        lines.append("")
        lines.append(style.bold("Chi tiết:"))
        lines += [_problem_line(p, style) for p in report.problems[:MAX_PROBLEM_LINES]]
        hidden = len(report.problems) - MAX_PROBLEM_LINES
        if hidden > 0:
            lines.append(
                f"… và {format_number(hidden)} dòng khác; chạy “python bot.py ingest” trên máy chủ "
                "để xem đầy đủ."
            )
    elif report.ok:
        lines.append("Mọi bản ghi đều hợp lệ.")
    return _pack(lines, limit, style, "\n")


def _problem_line(problem: Problem, style: Style) -> str:
    label = "⚠️ Bỏ qua" if problem.skipped else "ℹ️ Lưu ý"
    line = f"{label} {problem.origin}: {_reason(problem.reason)}"
    if len(line) > 1000:
        line = _cut_words(line, 1000)
    return style.escape(line)


def render_reindex_progress(done: int, total: int | None) -> str:
    """The progress message of /reindex."""
    if total:
        return f"⏳ Đang lập chỉ mục: {format_number(done)}/{format_number(total)} bài…"
    return f"⏳ Đang lập chỉ mục: đã xử lý {format_number(done)} bài…"


def render_reindex_done(report: ReindexReport) -> str:
    """The last state of the progress message of /reindex."""
    return (
        f"✅ Lập chỉ mục xong: {format_number(report.indexed)} bài trong chỉ mục, "
        f"{format_number(report.reanalysed)} bài được phân tích lại, trong "
        f"{format_number(report.seconds, 1)} giây. Từ giờ bot trả lời bằng chỉ mục mới."
    )


# -- inline mode ---------------------------------------------------------------------------


def render_inline_description(hit: SearchHit, chars: int = 200) -> str:
    """The grey line under a title in the inline results list (plain text)."""
    parts = [format_date(hit.published_at)]
    if hit.category:
        parts.append(hit.category)
    text = " · ".join(parts)
    if hit.snippet.text:
        text = f"{text} – {hit.snippet.text}"
    return _cut_words(text, chars) if len(text) > chars else text


def read_link(bot_username: str, article_id: int) -> str:
    """A t.me link that opens the bot and sends the whole article (/start doc_<id>)."""
    return f"https://t.me/{bot_username}?start=doc_{article_id}"


def render_inline_message(hit: SearchHit, read_link: str | None) -> str:
    """The message an inline result sends: linked title, date, category, snippet (HTML)."""
    style = HTML
    title = style.bold(
        style.escape(_cut_words(hit.title, 500) if len(hit.title) > 500 else hit.title)
    )
    lines = [style.link(title, hit.url) if hit.url else title]
    details = [f"📅 {format_date(hit.published_at)}"]
    if hit.category:
        details.append(f"📂 {style.escape(hit.category)}")
    lines.append(" · ".join(details))
    if hit.snippet.text:
        lines.append(render_snippet(hit.snippet, style))
    if not hit.url and read_link:
        lines.append(style.link("📖 Đọc toàn văn", read_link))
    return "\n".join(lines)


# -- crawling ------------------------------------------------------------------------------


MAX_CRAWL_PROBLEMS = 20
_KEPT_SUFFIX = "; stored from the listing, retried on the next runs"

# The crawler's reasons are English (the command line shares them); the common ones in
# Vietnamese for the bot. Anything else is shown as it is.
_CRAWL_REASONS = (
    (re.compile(r"HTTP (\d+)"), r"máy chủ trả lỗi HTTP \1"),
    (re.compile(r"timed out after (.*) s"), r"quá thời gian chờ (\1 giây)"),
    (re.compile(r"took more than (.*) s to download"), r"tải quá \1 giây"),
    (re.compile(r"connection failed: (.*)"), r"không kết nối được (\1)"),
    (re.compile(r"disallowed by robots\.txt"), "robots.txt không cho phép tải"),
    (re.compile(r"larger than (.*?)(?::| \().*"), r"trang lớn hơn \1"),
    (re.compile(r"more than (\d+) redirects.*"), r"chuyển hướng quá \1 lần (có thể bị lặp)"),
    (re.compile(r"not news: a home page"), "không phải tin: trang chủ"),
    (re.compile(r"not news: a login page"), "không phải tin: trang đăng nhập"),
    (re.compile(r"not news: a list of articles"), "không phải tin: trang danh sách bài"),
    (re.compile(r"not news: no article text"), "không phải tin: không có nội dung bài"),
    (re.compile(r"not news: '(.*)' is a static page"), r"không phải tin: “\1” là trang tĩnh"),
    (re.compile(r"not news: (.*)"), r"không phải tin (\1)"),
    (
        re.compile(r"no articles found on this list page.*"),
        "không thấy bài nào trên trang danh sách (hãy kiểm tra bộ chọn CSS của nguồn)",
    ),
    (re.compile(r"no articles, feed or sitemap found.*"), "không thấy bài, RSS hay sitemap nào"),
)


def _crawl_reason(text: str) -> str:
    for pattern, vietnamese in _CRAWL_REASONS:
        if pattern.fullmatch(text):
            return pattern.sub(vietnamese, text)
    return text


def _counts(new: int, updated: int, unchanged: int, failed: int) -> str:
    return (
        f"mới {format_number(new)}, cập nhật {format_number(updated)}, "
        f"không đổi {format_number(unchanged)}, lỗi {format_number(failed)}"
    )


def render_crawl_progress(progress: CrawlProgress, number: int, count: int, style: Style) -> str:
    """The progress message of /crawl: source, stage, pages done, what was found so far."""
    where = f" ({number}/{count})" if count > 1 else ""
    if progress.stage == "discovering":
        stage = f"🔎 Đang tìm bài mới: đã đọc {format_number(progress.done)} trang danh sách"
    elif progress.total:
        stage = (
            f"📥 Đang tải bài viết: {format_number(progress.done)}/"
            f"{format_number(progress.total)} trang"
        )
    else:
        stage = "📥 Không có trang bài viết nào cần tải"
    return "\n".join(
        [
            f"⏳ Đang thu thập nguồn {_quote(progress.source, style)}{where}",
            stage,
            f"Đến giờ: {format_number(progress.new)} bài mới, "
            f"{format_number(progress.updated)} cập nhật, {format_number(progress.failed)} lỗi.",
            "Trong lúc này bot vẫn trả lời bình thường.",
        ]
    )


_OUTCOME_FAILURES = {
    BUSY: "đang được thu thập ở nơi khác, bạn vui lòng thử lại sau",
    FAILED: "❌ không thu thập được; chi tiết lỗi đã được ghi vào nhật ký",
    STOPPED: "⏹ dừng giữa chừng vì bot đang tắt; lần chạy sau sẽ làm tiếp",
}


def render_crawl_summary(
    outcomes: Sequence[CrawlOutcome], style: Style, limit: int = TELEGRAM_LIMIT
) -> list[str]:
    """The result of /crawl, split into messages within `limit`: the counts (per source when
    there are several), then the first pages that failed or were left out, with their reasons."""
    reports = [o.report for o in outcomes if o.report is not None]
    new, updated = sum(r.new for r in reports), sum(r.updated for r in reports)
    unchanged, failed = sum(r.unchanged for r in reports), sum(r.failed for r in reports)
    trouble = failed or len(reports) < len(outcomes)
    icon = "⚠️" if trouble else "✅"
    lines = []
    if len(outcomes) == 1:
        (outcome,) = outcomes
        name = _quote(outcome.name, style)
        if outcome.report is None:
            lines.append(f"Nguồn {name}: {_OUTCOME_FAILURES[outcome.failure or FAILED]}.")
        else:
            lines.append(
                f"{icon} Thu thập xong nguồn {name}: {_counts(new, updated, unchanged, failed)}."
            )
    else:
        lines.append(
            f"{icon} Thu thập xong {len(reports)}/{len(outcomes)} nguồn: "
            f"{_counts(new, updated, unchanged, failed)}."
        )
        for outcome in outcomes:
            name = style.escape(_cut(outcome.name, 60))
            report = outcome.report
            if report is None:
                lines.append(f"• {name}: {_OUTCOME_FAILURES[outcome.failure or FAILED]}")
            else:
                counts = _counts(report.new, report.updated, report.unchanged, report.failed)
                lines.append(f"• {name}: {counts}")
    if new or updated:
        lines.append("🔎 Các bài mới đã có thể tìm thấy ngay.")
    pending = sum(r.pending for r in reports)
    if pending:
        lines.append(f"🔁 {format_number(pending)} trang chưa tải được sẽ được thử lại ở lần sau.")
    problems = [p for r in reports for p in r.problems]
    if problems:
        lines += ["", style.bold(f"Các trang gặp sự cố ({format_number(len(problems))}):")]
        lines += [_crawl_problem_line(p, style) for p in problems[:MAX_CRAWL_PROBLEMS]]
        hidden = len(problems) - MAX_CRAWL_PROBLEMS
        if hidden > 0:
            lines.append(
                f"… và {format_number(hidden)} trang khác; chạy “python bot.py crawl” trên máy chủ "
                "để xem đầy đủ."
            )
    return _pack(lines, limit, style, "\n")


def _crawl_problem_line(problem: CrawlProblem, style: Style) -> str:
    label = "⚠️ Lỗi" if problem.kind == "failed" else "ℹ️ Bỏ qua"
    reason = _crawl_reason(problem.reason)
    if problem.kept:
        reason += " (đã lưu theo trang danh sách, sẽ thử lại)"
    return f"{label} {style.escape(_cut_url(problem.url, 200))}: {style.escape(_cut(reason, 300))}"
