"""Every message the bot renders fits Telegram: non-empty, at most 4,096 UTF-16 units, valid
HTML, whatever the articles hold (long titles and words, emoji, markup-looking text, RTL,
zero-width characters)."""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.crawl_jobs import CrawlOutcome
from bot.render import (
    HTML,
    PLAIN,
    TELEGRAM_LIMIT,
    render_article,
    render_categories,
    render_crawl_progress,
    render_crawl_summary,
    render_ingest_report,
    render_inline_description,
    render_inline_message,
    render_inline_title,
    render_listing,
    render_results,
    render_stats,
    utf16_length,
)
from bot.render.style import pack, split_markup
from index import (
    Answer,
    ArticleView,
    CategoryCount,
    IngestReport,
    Problem,
    ProblemCode,
    SearchFilters,
    SearchHit,
    SearchPage,
    Snippet,
    Stats,
)
from index.crawl import CrawlIssue, CrawlProblem, CrawlProgress, CrawlStage
from index.text.dates import VIETNAM

from .fakebotapi import parse_html
from .test_render import _health, _report

WHEN = datetime(2024, 6, 1, 8, 0, tzinfo=VIETNAM)
LIMITS = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Pieces that break naive renderers: markup-looking text, entities, emoji (two UTF-16 units),
# combining marks, right-to-left text, zero-width characters, long words.
_PIECES = st.sampled_from(
    ["<b>", "</a>", "&amp;", "&", "<", ">", '"', "😀", "👨‍👩‍👧", "e\u0301", "\u200b",
     "\u200f", "مرحبا", "Hội thảo", " ", "\n", "x" * 500, "đ" * 3000, "&lt;" * 50]
)  # fmt: skip
TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=40)), max_size=12).map("".join)
LONG_TEXT = st.one_of(TEXT, st.builds(lambda t, n: (t * n)[:20_000], TEXT, st.integers(1, 400)))
TITLE = LONG_TEXT.map(lambda t: t.strip() or "Tin")
URL = st.one_of(
    st.none(),
    st.just('https://so.gov.vn/a?x=1&y="2"'),
    st.text(max_size=60).map(lambda t: "https://so.gov.vn/" + t),
    st.just("https://so.gov.vn/" + "&" * 1990),
)


@st.composite
def snippets(draw: st.DrawFn) -> Snippet:
    text = draw(LONG_TEXT)
    starts = sorted(draw(st.lists(st.integers(0, max(0, len(text) - 1)), max_size=4, unique=True)))
    spans = []
    position = 0
    for start in starts:
        if start >= position and start < len(text):
            end = min(len(text), start + draw(st.integers(1, 20)))
            spans.append((start, end))
            position = end
    return Snippet(text, tuple(spans))


@st.composite
def hits(draw: st.DrawFn, article_id: int = 1) -> SearchHit:
    return SearchHit(
        article_id=article_id,
        title=draw(TITLE),
        url=draw(URL),
        published_at=WHEN,
        category=draw(st.one_of(st.none(), TITLE)),
        source="so.gov.vn",
        score=1.0,
        snippet=draw(snippets()),
    )


@st.composite
def pages(draw: st.DrawFn) -> SearchPage:
    found = [draw(hits(article_id=i + 1)) for i in range(draw(st.integers(0, 5)))]
    answer = None
    if found and draw(st.booleans()):
        answer = Answer(1, found[0].title, found[0].url, draw(snippets()))
    return SearchPage(
        query=draw(LONG_TEXT),
        total=len(found) + draw(st.integers(0, 10**6)),
        offset=0,
        limit=5,
        hits=tuple(found),
        filters=draw(st.one_of(st.none(), st.builds(SearchFilters, category=TITLE))),
        time_label=draw(st.one_of(st.none(), TEXT)),
        answer=answer,
        suggestion=draw(st.one_of(st.none(), LONG_TEXT)),
        relaxed=draw(st.booleans()),
    )


@st.composite
def articles(draw: st.DrawFn) -> ArticleView:
    return ArticleView(
        article_id=1,
        title=draw(TITLE),
        url=draw(URL),
        published_at=WHEN,
        date_estimated=False,
        category=draw(st.one_of(st.none(), TITLE)),
        author=draw(st.one_of(st.none(), TITLE)),
        source="so.gov.vn",
        summary=draw(LONG_TEXT),
        body=draw(LONG_TEXT),
    )


def assert_sendable(message: str) -> None:
    """What Telegram accepts as one HTML message."""
    assert message.strip(), "an empty message"
    assert utf16_length(message) <= TELEGRAM_LIMIT
    text, _ = parse_html(message)
    assert text.strip() and utf16_length(text) <= TELEGRAM_LIMIT


@LIMITS
@given(pages())
def test_every_result_list_is_one_sendable_message(page: SearchPage) -> None:
    assert_sendable(render_results(page, HTML))
    assert_sendable(render_listing(page, page.hits[0].category if page.hits else None, HTML))
    assert len(render_results(page, PLAIN)) <= TELEGRAM_LIMIT


@LIMITS
@given(articles())
def test_every_page_of_an_article_is_sendable_and_the_title_is_cut(article: ArticleView) -> None:
    parts = render_article(article, HTML)
    assert parts
    for part in parts:
        assert_sendable(part)
    heading, _ = parse_html(parts[0].split("\n\n", 1)[0])
    assert len(heading) <= 300


@LIMITS
@given(hits())
def test_every_inline_result_is_sendable(hit: SearchHit) -> None:
    assert_sendable(render_inline_message(hit, "https://t.me/bot?start=doc_1"))
    assert 0 < len(render_inline_title(hit)) <= 300
    assert len(render_inline_description(hit)) <= 200


@LIMITS
@given(
    st.lists(st.tuples(LONG_TEXT, st.sampled_from(list(ProblemCode)), LONG_TEXT), max_size=30),
    LONG_TEXT,
)
def test_every_import_report_is_sendable(
    problems: list[tuple[str, ProblemCode, str]], name: str
) -> None:
    report = IngestReport(failed=len(problems))
    report.problems = [Problem(origin or "f", code, detail) for origin, code, detail in problems]
    for part in render_ingest_report(name or "tệp", report, HTML):
        assert_sendable(part)


@LIMITS
@given(st.lists(st.builds(CategoryCount, TITLE, st.integers(0, 10**9)), max_size=50))
def test_the_categories_message_is_sendable(categories: list[CategoryCount]) -> None:
    assert_sendable(render_categories(categories, HTML))


PROBLEMS = st.builds(
    CrawlProblem, URL.map(lambda u: u or ""), st.sampled_from(list(CrawlIssue)), TEXT
)


@LIMITS
@given(st.lists(st.tuples(TITLE, st.lists(PROBLEMS, max_size=30)), min_size=1, max_size=4))
def test_every_crawl_report_and_progress_is_sendable(
    sources: list[tuple[str, list[CrawlProblem]]],
) -> None:
    outcomes = [
        CrawlOutcome(name, _report(name, failed=len(found), problems=tuple(found)))
        for name, found in sources
    ]
    for part in render_crawl_summary(outcomes, HTML):
        assert_sendable(part)
    progress = CrawlProgress(sources[0][0], CrawlStage.FETCHING, 3, 9, 1, 0, 0, sources[0][0])
    assert_sendable(render_crawl_progress(progress, 1, len(sources), HTML))


@LIMITS
@given(
    st.lists(st.tuples(TITLE, st.integers(0, 10**6)), max_size=15),
    st.lists(st.tuples(TITLE, st.one_of(st.none(), PROBLEMS)), max_size=20),
)
def test_the_stats_message_is_sendable(
    sources: list[tuple[str, int]], health: list[tuple[str, CrawlProblem | None]]
) -> None:
    stats = Stats(
        articles=10**6, sources=tuple(sources), first_published=WHEN, last_published=WHEN,
        indexed=10**6, index_bytes=10**9, vocabulary=10**6, last_reindex=WHEN, built_at=WHEN,
        build_seconds=40.0, questions_today=10**4,
    )  # fmt: skip
    crawled = [_health(name, last_error=error, last_error_at=WHEN) for name, error in health]
    assert_sendable(render_stats(stats, HTML, crawled))


@LIMITS
@given(st.lists(LONG_TEXT, min_size=1, max_size=5), st.integers(20, 500))
def test_pack_never_makes_an_empty_or_oversized_message(paragraphs: list[str], limit: int) -> None:
    escaped = [HTML.bold(HTML.escape(p)) for p in paragraphs if p]
    for message in pack(escaped, limit, HTML):
        assert message and utf16_length(message) <= limit
        parse_html(message)
    pieces = split_markup("".join(escaped), limit, utf16_length)
    assert all(0 < utf16_length(piece) <= limit for piece in pieces)


def test_a_10000_character_title_reads_as_two_pages_not_an_empty_one() -> None:
    """Regression: render_article returned "" then a 10,838-character message."""
    article = ArticleView(
        1, "Tiêu đề " * 1250, "https://so.gov.vn/1", WHEN, False, "Tin", None, "so", "", "Nội dung."
    )
    parts = render_article(article, HTML)
    assert all(part for part in parts) and len(parts) == 1
    assert_sendable(parts[0])
