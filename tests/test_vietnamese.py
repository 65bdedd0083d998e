import unicodedata

import pytest

from index.text.normalize import canonical_tones, fold, has_diacritics, lower, normalize


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("Hoà Bình", "Hòa Bình"),
        ("thuỵ", "thụy"),
        ("hoá học", "hóa học"),
        ("Ðà Nẵng", "Đà Nẵng"),  # U+00D0 (eth) is not U+0110 (D with stroke)
        ("QUÝ", "QUÝ"),  # "qu" onset: the tone stays on y
        ("khuỷu", "khuỷu"),
        ("người", "người"),
        ("hoàng", "hoàng"),
        ("giá", "giá"),
        ("gì", "gì"),
    ],
)
def test_normalize_places_tone_marks_one_way(variant: str, canonical: str) -> None:
    assert normalize(variant) == canonical
    assert normalize(unicodedata.normalize("NFD", variant)) == canonical


def test_normalize_decodes_entities_including_broken_ones() -> None:
    assert normalize("Sở TT&amp;TT") == "Sở TT&TT"
    assert normalize("CNTTamp;TT") == "CNTT&TT"  # the Hà Nội portal lost the ampersand
    assert normalize("các phograve;ng, ban") == "các phòng, ban"
    assert normalize("tínhrdquo; nhé") == "tính” nhé"


def test_normalize_removes_invisible_characters_and_odd_spaces() -> None:
    assert normalize("chính\u00a0quyền\u200b điện tử") == "chính quyền điện tử"


def test_fold_is_one_character_for_one() -> None:
    text = normalize("Đồng chí Nguyễn Văn Chương phát biểu tại hội thảo")
    assert fold(text) == "Dong chi Nguyen Van Chuong phat bieu tai hoi thao"
    assert len(fold(text)) == len(text)
    assert len(lower(text)) == len(text)


def test_has_diacritics() -> None:
    assert has_diacritics("hội thảo")
    assert not has_diacritics("hoi thao")


def test_canonical_tones_leaves_non_words_alone() -> None:
    assert canonical_tones("2019") == "2019"
    assert canonical_tones("abc") == "abc"
