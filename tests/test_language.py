"""Whether a message is Vietnamese: by syllable shape, with or without diacritics."""

import pytest

from index import is_vietnamese


@pytest.mark.parametrize(
    "text",
    ["hội thảo chính quyền điện tử", "hoi thao chinh quyen dien tu", "UBND IPv6", "Sở TT&TT", ""],
)
def test_vietnamese(text: str) -> None:
    assert is_vietnamese(text)


@pytest.mark.parametrize("text", ["covid vaccine news", "the book fair", "你好", "Привет мир"])
def test_other_languages(text: str) -> None:
    assert not is_vietnamese(text)
