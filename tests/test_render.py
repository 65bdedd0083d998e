import re
from datetime import datetime

from bot.render import HTML, PLAIN, TELEGRAM_LIMIT, render_article, render_no_results, render_results
from index import ArticleView, SearchHit, SearchPage, Snippet
from index.models import VIETNAM

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
    page = SearchPage("phố sách", 12, 5, 5, tuple(_hit(article_id=i, snippet=plain_snippet) for i in range(5)))
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
    article = ArticleView(1, "Tiêu đề", None, WHEN, False, None, "Tác giả", "s", "", "\n".join(paragraphs))
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
