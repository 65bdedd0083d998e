"""Bounded questions: what is analysed of a question is capped, and every text-room step after
the cap is linear in what it keeps, whatever Unicode a user sends."""

from __future__ import annotations

import tracemalloc
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.text import MAX_QUESTION_CHARS, MAX_WORD_CHARS, QueryDictionary, bound_question
from index.text.analyzer import Analyzer
from index.text.reading import Reader
from index.text.restore import Restorer
from index.text.typos import TypoIndex

from .conftest import ROOT
from .sample_corpus import sample_stats

BOUNDED = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Pieces of hostile questions: Vietnamese as typed on phones, combining marks, zero-width and
# direction characters, right-to-left script, emoji, markup, codes, and long runs of each.
_PIECES = st.sampled_from(
    ["hội thảo", "hoi thao chinh quyen", "ddooir", "d9o6i3", "chuyendoiso", "UBND", "tháng 5/2019",
     "a\u0301", "\u0301\u0323", "\u200b", "\u200d", "\u200f", "\ufeff", "مرحبا", "😀", "👨‍👩‍👧",
     "<b>&amp;", "15/2020/TT-BTTTT", "http://so.gov.vn/a?b=c", "x" * 300, "đ" * 100, " ", "\n",
     "a-" * 50, "a." * 50, "!?", "1" * 30]
)  # fmt: skip
QUESTIONS = st.builds(
    lambda parts, repeat, size: ("".join(parts) * repeat)[:size],
    st.lists(st.one_of(_PIECES, st.text(max_size=20)), min_size=1, max_size=8),
    st.integers(1, 200),
    st.integers(1, 4096),
)


@cache
def _steps() -> tuple[Analyzer, Restorer, Reader]:
    stats = sample_stats()
    analyzer = Analyzer()
    analyzer.tokens("khởi động")  # the model loads once, outside any measurement
    dictionary = QueryDictionary.load(ROOT / "data" / "dictionary.txt")
    reader = Reader(stats, dictionary, TypoIndex.build(stats.words))
    return analyzer, Restorer(dict(stats.words), stats.documents()), reader


def _analyse(text: str) -> None:
    analyzer, restorer, reader = _steps()
    analyzer.tokens(text)
    restorer.restore(text)
    reader.read(text)


def _analysis_peak(text: str) -> int:
    """Bytes allocated at most while the text-room steps analyse a question, once their caches
    hold what it needs (what they keep is bounded by their lru sizes; what they use once is
    what must be linear)."""
    _analyse(text)
    tracemalloc.start()
    try:
        _analyse(text)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_words_and_questions_are_cut_and_say_so() -> None:
    assert bound_question("hội thảo chuyển đổi số") == bound_question("hội thảo chuyển đổi số")
    assert not bound_question("  hội   thảo \n\n số ").shortened
    assert bound_question("  hội   thảo \n\n số ").text == "hội thảo\nsố"
    word = bound_question("x" * 4096)
    assert word.shortened and word.text == "x" * MAX_WORD_CHARS and word.typed_chars == 4096
    long = bound_question("hội thảo " * 1000)
    assert long.shortened and len(long.text) <= MAX_QUESTION_CHARS
    assert long.text.endswith(("hội", "thảo"))  # cut between words


@BOUNDED
@given(QUESTIONS)
def test_a_bounded_question_is_short_stable_and_its_words_short(question: str) -> None:
    bounded = bound_question(question)
    assert len(bounded.text) <= MAX_QUESTION_CHARS
    assert all(len(word) <= MAX_WORD_CHARS for word in bounded.text.split())
    assert bound_question(bounded.text).text == bounded.text  # idempotent
    if not bounded.shortened:  # only white space changed
        assert bounded.text.split() == question.split()


@BOUNDED
@given(QUESTIONS)
def test_text_room_analysis_is_linear_in_the_question_even_unbounded(question: str) -> None:
    """Analyzer, restoration and reading allocate at most 1 MB + 8 KB per character of any
    question up to Telegram's 4,096 characters (restoring one 4,096-letter word once took
    850 MB: the typo edits of a word are quadratic in its length)."""
    assert _analysis_peak(question) <= 1_000_000 + 8_000 * len(question)


@BOUNDED
@given(QUESTIONS)
def test_a_bounded_question_costs_at_most_a_few_megabytes(question: str) -> None:
    text = bound_question(question).text
    assert _analysis_peak(text) <= 5_000_000
