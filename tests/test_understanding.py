"""Query understanding through the public `index` API, on the shipped sample."""

from datetime import datetime

import pytest

from index import Archive, SearchFilters
from index.text.dates import VIETNAM

from .conftest import ROOT, SAMPLE

SEED_TITLE = "Hội thảo xây dựng chính quyền điện tử và đô thị thông minh tỉnh Hòa Bình năm 2019"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    path = tmp_path_factory.mktemp("understanding") / "db.sqlite3"
    return Archive.open(
        f"sqlite:///{path}", sample=SAMPLE, dictionary=ROOT / "data" / "dictionary.txt"
    )


@pytest.mark.parametrize(
    "question",
    [
        "Hội thảo chính quyền điện tử tỉnh Hòa Bình năm 2019 tổ chức ở đâu?",
        "hoi thao chinh quyen dien tu tinh hoa binh to chuc o dau",
    ],
)
def test_where_question_starts_with_the_answering_sentence(engine: Archive, question: str) -> None:
    page = engine.search(question)
    assert page.hits[0].title == SEED_TITLE
    assert page.answer is not None and page.answer.article_id == page.hits[0].article_id
    sentence = page.answer.sentence.text
    assert "31/5" in sentence and "AP Plaza" in sentence


def test_when_question_quotes_a_dated_sentence(engine: Archive) -> None:
    page = engine.search("Phố Sách Hà Nội chính thức khai trương khi nào?")
    assert page.answer is not None
    assert any(c.isdigit() for c in page.answer.sentence.text)


def test_no_answer_line_for_a_plain_topic(engine: Archive) -> None:
    assert engine.search("chuyển đổi số").answer is None


def test_a_year_named_in_the_question_is_preferred(engine: Archive) -> None:
    page = engine.search("phố sách năm 2018", limit=20)
    assert page.time_label == "năm 2018" and page.preferred and page.filters is None
    assert all(h.published_at.year == 2018 for h in page.hits[:2])
    assert any(h.published_at.year != 2018 for h in page.hits)  # the others stay
    plain = engine.search("pho sach nam 2018", limit=20)
    assert plain.time_label == "năm 2018"  # said back in proper Vietnamese
    assert all(h.published_at.year == 2018 for h in plain.hits[:3])


def test_a_period_said_published_filters(engine: Archive) -> None:
    page = engine.search("phố sách đăng năm 2018", limit=20)
    assert not page.preferred and page.filters is not None
    assert page.hits and all(h.published_at.year == 2018 for h in page.hits)


def test_an_event_is_found_by_the_date_it_was_held(engine: Archive) -> None:
    # regression: held 31/5, published 02/06/2019; "tháng 5/2019" filtered it out
    page = engine.search("hội thảo chính quyền điện tử tháng 5/2019")
    assert page.hits[0].title == SEED_TITLE and not page.relaxed


def test_an_empty_period_relaxes_to_every_date_and_says_so(engine: Archive) -> None:
    page = engine.search("hội thảo chính quyền điện tử đăng năm 2015")
    assert page.relaxed and page.time_label == "năm 2015"
    assert page.hits[0].title == SEED_TITLE


def test_an_empty_preferred_period_keeps_every_date(engine: Archive) -> None:
    page = engine.search("hội thảo chính quyền điện tử năm 2015")
    assert not page.relaxed and page.preferred and page.time_label == "năm 2015"
    assert page.hits[0].title == SEED_TITLE


def test_a_question_that_is_only_a_period_lists_it_newest_first(engine: Archive) -> None:
    page = engine.search("tin tháng 7/2022", limit=10)
    assert page.total == 4 and page.time_label == "tháng 7/2022"
    dates = [h.published_at for h in page.hits]
    assert dates == sorted(dates, reverse=True) and all(d.month == 7 for d in dates)


def test_caller_filters_win_over_the_question(engine: Archive) -> None:
    since = datetime(2020, 1, 1, tzinfo=VIETNAM)
    page = engine.search("phố sách năm 2018", filters=SearchFilters(since=since), limit=20)
    assert all(h.published_at >= since for h in page.hits)
    assert page.time_label is None


def test_a_category_named_in_the_question_filters(engine: Archive) -> None:
    page = engine.search("chuyên mục phố sách hà nội khai mạc", limit=20)
    assert page.filters is not None and page.filters.category == "Phố sách hà nội"
    assert page.hits and all(h.category == "Phố sách hà nội" for h in page.hits)


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("UBND hội nghị công tác cán bộ", "Hội nghị của UBND Thành phố về công tác cán bộ"),
        (
            "ủy ban nhân dân hội nghị công tác cán bộ",
            "Hội nghị của UBND Thành phố về công tác cán bộ",
        ),
        (
            "CĐS lĩnh vực tài nguyên môi trường",
            "Hà Nội: Tập trung đẩy nhanh tiến độ thực hiện chuyển đổi số trong lĩnh vực tài "
            "nguyên, môi trường",
        ),
        (
            "QCRV lần thứ 79",
            "Đề nghị tạm ngừng cung cấp dịch vụ đối với các số điện thoại QCRV sai quy định (lần "
            "thứ 79)",
        ),
    ],
)
def test_abbreviations_and_their_expansions_find_each_other(
    engine: Archive, question: str, title: str
) -> None:
    assert engine.search(question).hits[0].title == title


def test_question_words_do_not_drown_the_content(engine: Archive) -> None:
    page = engine.search("cho tôi hỏi là gì truyền hình số")
    assert page.hits[0].title.startswith("Truyền hình số là gì?")


def test_a_restored_question_is_suggested_when_results_are_weak(engine: Archive) -> None:
    page = engine.search("hoi thao chinh quyen dien tuu ve tau vu tru")
    assert page.suggestion is not None
    assert page.suggestion.startswith("hội thảo chính quyền điện tử")
    strong = engine.search("hoi thao chinh quyen dien tu")
    assert strong.hits[0].title == SEED_TITLE and strong.suggestion is None


def test_news_query_set_meets_its_target() -> None:
    from index.evaluation import run_eval

    report = run_eval(
        ROOT / "data" / "eval" / "tin-so", dictionary=ROOT / "data" / "dictionary.txt"
    )
    assert report.queries >= 40
    assert report.as_written["mrr@10"] >= 0.95
    assert report.without_diacritics["mrr@10"] >= 0.95
