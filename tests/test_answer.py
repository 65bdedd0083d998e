"""The answer line: the fact that answers who / where / when / how many, or nothing."""

from datetime import datetime

import pytest

from index.search.answer import AnswerSource, find_answer
from index.search.facts import dates, people, places, quantities
from index.search.query import QueryParser
from index.text.dates import VIETNAM

PUBLISHED = datetime(2019, 6, 2, tzinfo=VIETNAM)
SEED = AnswerSource(
    article_id=1,
    title="Hội thảo xây dựng chính quyền điện tử và đô thị thông minh tỉnh Hòa Bình năm 2019",
    url=None,
    published_at=PUBLISHED,
    sentences=(
        "Ngày 31/5, tại Trung tâm thương mại AP Plaza, Ban Chỉ đạo Chính quyền điện tử phối hợp "
        "với Công ty Sunmedia tổ chức Hội thảo xây dựng chính quyền điện tử và đô thị thông minh "
        "tỉnh Hòa Bình năm 2019.",
        "Dự hội thảo có đồng chí Nguyễn Văn Chương, Phó Chủ tịch UBND tỉnh; lãnh đạo Sở Thông tin "
        "và Truyền thông 10 tỉnh phía bắc.",
        "Hội thảo kỷ niệm chặng đường phát triển (10/10/1954 - 10/10/2019) của tỉnh.",
    ),
)
BOOK_FAIR = AnswerSource(
    article_id=2,
    title="Khai mạc Hội Sách Hà Nội lần thứ VI - năm 2019",
    url=None,
    published_at=datetime(2019, 10, 3, tzinfo=VIETNAM),
    sentences=(
        "Hội Sách chào mừng 65 năm Ngày Giải phóng Thủ đô (10/10/1954 - 10/10/2019).",
        "Sáng 02-10, Hội Sách Hà Nội lần thứ VI - năm 2019 chính thức khai mạc tại Công viên "
        "Thống Nhất.",
    ),
)


def _ask(question: str, *sources: AnswerSource) -> tuple[str | None, str | None]:
    parsed = QueryParser().parse(question)
    found = find_answer(parsed, sources or (SEED,), lambda syllable: 1.0)
    return (found.fact, found.kind) if found else (None, None)


@pytest.mark.parametrize(
    ("question", "fact", "kind"),
    [
        ("Hội thảo tỉnh Hòa Bình tổ chức ở đâu?", "Trung tâm thương mại AP Plaza", "place"),
        ("Hội thảo tỉnh Hòa Bình diễn ra ngày nào?", "Ngày 31/5", "date"),
        ("Ai là Phó Chủ tịch UBND tỉnh dự hội thảo?", "Nguyễn Văn Chương", "person"),
        ("Sở Thông tin bao nhiêu tỉnh dự hội thảo?", "10 tỉnh phía bắc", "quantity"),
    ],
)  # fmt: skip
def test_each_question_word_gets_its_kind_of_fact(question: str, fact: str, kind: str) -> None:
    assert _ask(question) == (fact, kind)


def test_the_event_date_is_preferred_to_an_anniversary_range_in_another_article() -> None:
    fact, _ = _ask("Hội Sách Hà Nội lần thứ VI khai mạc khi nào?", BOOK_FAIR, SEED)
    assert fact == "Sáng 02-10"


def test_a_question_the_articles_cannot_answer_gets_no_line() -> None:
    assert _ask("Làm căn cước công dân ở đâu?") == (None, None)
    assert _ask("Hội Sách Hà Nội lần thứ VII khai mạc khi nào?", BOOK_FAIR) == (None, None)


def test_a_different_title_is_no_answer() -> None:
    assert _ask("Ai là Chủ tịch UBND tỉnh Hòa Bình?") == (None, None)  # he is the vice-chairman


def test_a_number_with_another_unit_is_no_answer() -> None:
    assert _ask("Hội thảo chính quyền điện tử có bao nhiêu đại biểu?") == (None, None)


def test_no_intent_no_answer() -> None:
    assert _ask("hội thảo chính quyền điện tử") == (None, None)


def test_people_need_a_family_name_or_an_honorific() -> None:
    sentence = "Theo ông Đam, đồng chí Lê Hồng Sơn và Sở Thông tin và Truyền thông Hà Nội đã họp."
    assert [p.text for p in people(sentence)] == ["Đam", "Lê Hồng Sơn"]


def test_places_follow_tai_or_name_a_venue() -> None:
    sentence = "Phát biểu tại hội nghị, ông nói lễ khai trương diễn ra tại phố 19 tháng 12."
    assert [p.text for p in places(sentence)] == ["phố 19 tháng 12"]


def test_dates_leave_out_anniversary_ranges_and_document_dates() -> None:
    sentence = (
        "Theo Kế hoạch số 200/KH-UBND ngày 21/7, lễ kỷ niệm (10/10/1954 - 10/10/2019) "
        "diễn ra sáng 9/10."
    )
    assert [d.text for d in dates(sentence, PUBLISHED.date())] == ["sáng 9/10"]


def test_quantities_carry_their_unit() -> None:
    sentence = "Khóa 4 có 80 học viên, kinh phí 2,7 tỷ đồng, đạt 100% kế hoạch năm 2019."
    found = {q.text: q.unit for q in quantities(sentence)}
    assert found["80 học viên"] == ("hoc", "vien")
    assert found["2,7 tỷ đồng"][:2] == ("ty", "dong")
    assert found["100%"] == ("%",)
    assert not any(text.startswith(("4", "2019")) for text in found)
