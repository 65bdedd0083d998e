"""Snippets: the best sentence (and a neighbour), cut at words, the matched words marked."""

from index.search.snippets import MAX_SNIPPET_CHARS, QueryMatcher, make_snippet
from index.text import Analyzer

SENTENCES = [
    "Ngày 31/5, tại Trung tâm thương mại AP Plaza, Ban Chỉ đạo Chính quyền điện tử tổ chức "
    "Hội thảo xây dựng chính quyền điện tử và đô thị thông minh tỉnh Hòa Bình năm 2019.",
    "Dự hội thảo có lãnh đạo các sở, ngành chức năng.",
    "Trong những năm qua, việc ứng dụng công nghệ thông tin của tỉnh đã có bước phát triển.",
]


def _matcher(question: str) -> QueryMatcher:
    return QueryMatcher.from_stream(Analyzer().tokens(question), lambda syllable: 1.0)


def _marked(text: str, spans: tuple[tuple[int, int], ...]) -> list[str]:
    return [text[s:e] for s, e in spans]


def test_the_best_sentence_is_chosen_with_a_neighbour_and_its_words_marked() -> None:
    snippet = make_snippet(SENTENCES, _matcher("công nghệ thông tin"))
    assert snippet.text == " ".join(SENTENCES[1:])  # the best, and the one before it fits
    assert _marked(snippet.text, snippet.spans) == ["công nghệ thông tin"]


def test_words_typed_without_diacritics_match_by_their_folded_form() -> None:
    snippet = make_snippet(SENTENCES, _matcher("chinh quyen dien tu"))
    assert "Chính quyền điện tử" in _marked(snippet.text, snippet.spans)


def test_a_word_typed_with_diacritics_matches_only_itself() -> None:
    snippet = make_snippet(SENTENCES, _matcher("hòa bình"))  # not "hoa", "binh"
    marked = _marked(snippet.text, snippet.spans)
    assert marked == ["Hòa Bình"]


def test_a_long_sentence_is_cut_at_words_around_the_matches() -> None:
    long = " ".join(["Một câu rất dài về nhiều việc khác nhau của sở."] * 12)
    snippet = make_snippet([long + " Cuối cùng là phố sách Hà Nội."], _matcher("phố sách"))
    assert len(snippet.text) <= MAX_SNIPPET_CHARS + 2
    assert snippet.text.startswith("…") and "phố sách" in _marked(snippet.text, snippet.spans)
    assert not snippet.text[1].isspace()  # cut at a word's start


def test_no_match_shows_the_opening_sentences_unmarked() -> None:
    snippet = make_snippet(SENTENCES, _matcher("tàu vũ trụ"))
    assert snippet.text.startswith("Ngày 31/5") and snippet.spans == ()


def test_no_sentence_makes_an_empty_snippet() -> None:
    assert make_snippet([], _matcher("hội thảo")).text == ""


def test_a_snippet_is_never_only_an_ellipsis() -> None:
    # regression: an article whose summary was "..." showed a snippet of just "..."
    assert make_snippet(["...", "./."], _matcher("hội thảo")).text == ""
    snippet = make_snippet(["...", "Hội thảo về chuyển đổi số."], _matcher("hội thảo"))
    assert snippet.text == "Hội thảo về chuyển đổi số."
