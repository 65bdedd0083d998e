from index.text.typed import TokenKind, typed_tokens


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(t.text, t.kind.value) for t in typed_tokens(text)]


def test_words_codes_urls_numbers_and_names_are_told_apart() -> None:
    assert _kinds(
        "QĐ 1051/QĐ-UBND tại https://hanoi.gov.vn/a?b=1 và a@b.vn năm 2019 iPhone a4"
    ) == [
        ("QĐ", "word"),
        ("1051/QĐ-UBND", "code"),
        ("tại", "word"),
        ("https://hanoi.gov.vn/a?b=1", "url"),
        ("và", "word"),
        ("a@b.vn", "url"),
        ("năm", "word"),
        ("2019", "number"),
        ("iPhone", "code"),
        ("a4", "alnum"),
    ]


def test_punctuation_marks_a_break_and_spans_point_into_the_text() -> None:
    text = "hội thảo, chuyển đổi số"
    tokens = typed_tokens(text)
    assert [t.after_break for t in tokens] == [True, False, True, False, False]
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert TokenKind.WORD.rereadable and not TokenKind.CODE.rereadable
