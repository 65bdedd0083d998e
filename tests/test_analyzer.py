import unicodedata

import pytest

from index.text.analyzer import BOUNDARY, Analyzer, split_sentences

analyzer = Analyzer()


def test_multi_syllable_words_are_single_terms() -> None:
    terms = analyzer.terms("Hội thảo xây dựng chính quyền điện tử tỉnh Hòa Bình")
    assert {"hội thảo", "chính quyền", "điện tử", "hòa bình"} <= set(terms)


def test_documents_and_queries_share_one_normal_form() -> None:
    nfd = unicodedata.normalize("NFD", "Hoà Bình")
    assert analyzer.terms(nfd) == analyzer.terms("Hòa Bình") == analyzer.terms("HÒA BÌNH")


def test_punctuation_is_dropped_and_marks_boundaries() -> None:
    tokens = analyzer.tokens("Ngày 31/5, tại Hà Nội; (hội thảo)!")
    assert not any(t in {",", ";", "(", ")", "!"} for t in tokens)
    assert BOUNDARY in tokens
    assert tokens[-1] != BOUNDARY


def test_numbers_dates_and_document_codes_stay_searchable() -> None:
    terms = analyzer.terms(
        "Theo 15/2020/TT-BTTTT ngày 31/5/2019, Sở TT&TT triển khai IPv6 và MERS-CoV"
    )
    for expected in (
        "15/2020/tt-btttt",
        "tt-btttt",
        "31/5/2019",
        "tt&tt",
        "ipv6",
        "mers-cov",
        "2019",
    ):
        assert expected in terms
    assert "mers" in terms  # the parts of a code are searchable too


def test_codes_are_not_merged_with_neighbouring_words() -> None:
    terms = analyzer.terms("Sở TT&TT IPv6")
    assert "tt&tt" in terms and "ipv6" in terms
    assert not any(" " in t and ("tt" in t or "ipv6" in t) for t in terms)


def test_hyphenated_place_names_split_into_words() -> None:
    assert {"hà nội", "hải phòng"} <= set(analyzer.terms("tuyến Hà Nội-Hải Phòng"))


def test_markup_in_text_is_not_a_term() -> None:
    assert analyzer.terms("<b>x</b><script>&amp; \"'") == ["b", "x", "b", "script"]


def test_split_sentences_keeps_paragraphs_and_sentences() -> None:
    text = (
        "Ngày 31/5, tại Hà Nội. Dự hội thảo có nhiều đại biểu.\nĐồng chí phát biểu\n\nTp. thì sao"
    )
    assert split_sentences(text) == [
        "Ngày 31/5, tại Hà Nội.",
        "Dự hội thảo có nhiều đại biểu.",
        "Đồng chí phát biểu",
        "Tp. thì sao",
    ]


def test_long_texts_are_segmented_in_chunks_cut_at_line_breaks() -> None:
    from index.text.analyzer import _chunks

    tokens = (["hội", "thảo", ".", "chuyển", "đổi", "số", "\n"] * 50)[:-1]
    ranges = _chunks(tokens, 28)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(tokens)
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:], strict=False))
    assert all(0 < end - start <= 28 for start, end in ranges)
    assert all(tokens[end - 1] == "\n" for _, end in ranges[:-1])


def test_chunked_segmentation_reads_paragraphs_as_a_whole_text_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from index.text import analyzer as module

    paragraph = "Sở Thông tin và Truyền thông tổ chức hội thảo chuyển đổi số."
    text = "\n".join([paragraph] * 12)
    whole = Analyzer().tokens(text)
    monkeypatch.setattr(module, "CHUNK_TOKENS", 40)
    assert Analyzer().tokens(text) == whole


def test_a_remembered_stream_is_handed_out_as_a_fresh_list() -> None:
    analyzer = Analyzer()
    first = analyzer.tokens("hội thảo chính quyền điện tử")
    first.append("thêm")
    assert analyzer.tokens("hội thảo chính quyền điện tử") == first[:-1]
    long_text = "hội thảo chính quyền điện tử. " * 40  # an article, not a question
    assert analyzer.tokens(long_text) == analyzer.tokens(long_text)
