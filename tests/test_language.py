"""Whether a message is Vietnamese: by syllable shape, with or without diacritics."""

import pytest

from index import foreign_words, is_vietnamese


@pytest.mark.parametrize(
    "text",
    [
        "hội thảo chính quyền điện tử",
        "hoi thao chinh quyen dien tu",
        "UBND IPv6",
        "Sở TT&TT",
        "Facebook",
        "covid",
        "",
    ],
)
def test_vietnamese(text: str) -> None:
    assert is_vietnamese(text)


@pytest.mark.parametrize("text", ["covid vaccine news", "the book fair", "你好", "Привет мир"])
def test_other_languages(text: str) -> None:
    assert not is_vietnamese(text)


def test_foreign_words_are_the_ones_no_syllable_spells() -> None:
    assert foreign_words("covid news the UBND 2019") == ["covid", "news"]
