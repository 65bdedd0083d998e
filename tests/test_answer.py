"""The answer line: the sentence of the best article that holds the kind of fact asked for."""

import pytest

from index.search.answer import find_answer
from index.search.snippets import QueryMatcher
from index.text import Analyzer

SENTENCES = [
    "Hội thảo xây dựng chính quyền điện tử tỉnh Hòa Bình năm 2019 bàn về đô thị thông minh.",
    "Ngày 31/5, tại Trung tâm thương mại AP Plaza, hội thảo chính quyền điện tử được tổ chức.",
    "Đồng chí Nguyễn Văn Chương, Phó Chủ tịch UBND tỉnh, chủ trì hội thảo.",
    "Hội thảo có 150 đại biểu tham dự.",
]


def _answer(intent: str | None, question: str) -> str | None:
    matcher = QueryMatcher.from_stream(Analyzer().tokens(question), lambda syllable: 1.0)
    found = find_answer(intent, SENTENCES, matcher)
    return found.text if found else None


@pytest.mark.parametrize(
    ("intent", "question", "start"),
    [
        ("when", "hội thảo chính quyền điện tử khi nào", "Ngày 31/5"),
        ("where", "hội thảo chính quyền điện tử ở đâu", "Ngày 31/5, tại Trung tâm"),
        ("who", "ai chủ trì hội thảo", "Đồng chí Nguyễn Văn Chương"),
        ("how_many", "bao nhiêu đại biểu tham dự hội thảo", "Hội thảo có 150 đại biểu"),
    ],
)
def test_each_question_word_finds_a_sentence_with_its_kind_of_fact(
    intent: str, question: str, start: str
) -> None:
    answer = _answer(intent, question)
    assert answer is not None and answer.startswith(start)


def test_no_intent_no_answer() -> None:
    assert _answer(None, "hội thảo chính quyền điện tử") is None


def test_no_matching_sentence_no_answer() -> None:
    assert _answer("when", "tàu vũ trụ sao hỏa") is None
