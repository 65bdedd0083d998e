import unicodedata

import pytest

from index.text.normalize import (
    canonical_tones,
    clean_unicode,
    fold,
    has_diacritics,
    lower,
    normalize,
)


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


@pytest.mark.parametrize(
    ("pasted", "clean"),
    [
        ("hội\u200bthảo", "hội thảo"),  # a zero-width space between two syllables is a space
        ("hộ\u200bi th\u00adảo", "hội thảo"),  # inside a syllable it is nothing
        ("ngư\u200bời dân", "người dân"),
        ("Face\u200bbook", "Facebook"),  # not two syllables: joined
        ("\ufeffHà\u200c Nội\u200d", "Hà Nội"),  # BOM, non-joiner, joiner
        ("Việt\u2060Nam", "ViệtNam"),  # the word joiner joins
        ("a\u200e\u202bb\u202c", "ab"),  # direction marks
        ("năm\u202f２０１９", "năm 2019"),  # narrow no-break space, full-width digits
        ("ＵＢＮＤ　tỉnh", "UBND tỉnh"),  # full-width letters, ideographic space
        ("dòng một\u2028dòng hai", "dòng một\ndòng hai"),
        ("&nbsp;hội&#8203;thảo", " hội thảo"),  # entities decode before the hygiene
    ],
)
def test_pasted_invisible_characters_read_as_typed(pasted: str, clean: str) -> None:
    assert normalize(pasted) == clean
    assert clean_unicode(pasted.replace("&nbsp;", "").replace("&#8203;", "\u200b")) == clean.strip()


def test_fold_strips_latin_diacritics_and_keeps_every_other_character() -> None:
    # the definition, character by character: a Latin letter whose decomposition is one ASCII
    # letter and combining marks becomes that letter (and Đ/đ become D/d); nothing else changes
    def folded(char: str) -> str:
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        latin = 0xC0 <= ord(char) < 0x250 or 0x1E00 <= ord(char) < 0x1F00
        return base if latin and len(base) == 1 and base.isascii() else char

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    expected = "".join(map(folded, every)).replace("Đ", "D").replace("đ", "d")
    assert fold(every) == expected


def test_long_texts_fold_as_short_ones_for_every_character() -> None:
    every = "".join(map(chr, range(0x110000)))  # lone surrogates too
    assert fold(every) == "".join(fold(c) for c in every)
    for size in (0, 1, 199, 200, 201, 2000):
        text = ("Đồng Hới, ĐẮK LẮK “ưu tiên” … İ " * 100)[:size]
        assert fold(text) == "".join(fold(c) for c in text)


def test_clean_unicode_keeps_the_fold_alignment_and_is_idempotent() -> None:
    text = normalize("Sở\u00a0TT&TT\u200b hộ\u200bi thảo\u00ad ２０１９\ufeff")
    assert len(fold(text)) == len(text) == len(lower(text))
    assert normalize(text) == text
    assert clean_unicode(text) == text


def test_every_format_character_is_removed() -> None:
    import sys

    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if unicodedata.category(char) == "Cf":
            assert clean_unicode(f"a{char}b") in ("ab", "a b"), hex(code)


def test_the_hygiene_table_filled_on_use_equals_the_whole_table() -> None:
    # The table was built whole at import (20 ms of every start); it is now filled in as
    # characters are met, and must translate every character as the whole one did.
    from index.text.normalize import _HYGIENE_TABLE

    whole: dict[int, str | None] = {}
    for code in (*range(0x20000), *range(0xE0000, 0xE0080)):
        category = unicodedata.category(chr(code))
        if category == "Cf" and code != 0x200B:
            whole[code] = None
        elif category == "Zs" and code != 0x20:
            whole[code] = " "
    whole.update({0x09: " ", 0x0B: " ", 0x0C: " ", 0x85: "\n", 0x2028: "\n", 0x2029: "\n"})
    whole.update({code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)})
    every = "".join(map(chr, range(0x110000)))
    assert every.translate(_HYGIENE_TABLE) == every.translate(whole)
    assert len(_HYGIENE_TABLE) <= 0x20000 + 0x80
