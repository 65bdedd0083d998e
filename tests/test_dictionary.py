from pathlib import Path

import pytest

from index import CHAT_INTENTS, InputError, QueryDictionary

from .conftest import ROOT

DICTIONARY = QueryDictionary.load(ROOT / "data" / "dictionary.txt")


def _spans(text: str, matches) -> list[str]:
    return [text[m.start : m.end] for m in matches]


def test_shipped_dictionary_has_the_administrative_abbreviations() -> None:
    members = {m.lower() for group in DICTIONARY.groups for m in group}
    for expected in ("ubnd", "hđnd", "tt&tt", "cntt", "cđs", "cqđt", "attt", "dvc", "tthc", "qcrv"):
        assert expected in members
    assert "là gì" in DICTIONARY.fillers and "cho tôi hỏi" in DICTIONARY.fillers


@pytest.mark.parametrize("text", ["UBND thành phố", "ubnd thanh pho", "Ubnd Thành Phố"])
def test_synonyms_match_in_any_case_with_or_without_diacritics(text: str) -> None:
    first, second = DICTIONARY.synonyms(text)
    assert text[first.start : first.end].lower() == "ubnd"
    assert "ủy ban nhân dân" in DICTIONARY.alternatives(first.group)
    assert "TP" in DICTIONARY.alternatives(second.group)  # "thành phố" = "TP"


def test_synonyms_never_match_inside_a_document_code() -> None:
    assert DICTIONARY.synonyms("Quyết định số 1051/QĐ-UBND ngày 04/3/2021") == []


def test_longest_expression_wins() -> None:
    text = "Sở TT&TT Hà Nội"
    (match,) = DICTIONARY.synonyms(text)
    assert _spans(text, [match]) == ["Sở TT&TT"]


def test_fillers_typed_without_diacritics_need_two_syllables() -> None:
    assert _spans("máy tính là gì", DICTIONARY.filler_spans("máy tính là gì")) == ["là gì"]
    assert _spans("may tinh la gi", DICTIONARY.filler_spans("may tinh la gi")) == ["la gi"]
    assert DICTIONARY.filler_spans("may tinh") == []  # "may" could be "máy", not "mấy"
    assert _spans("mấy người", DICTIONARY.filler_spans("mấy người")) == ["mấy"]


def test_mistakes_in_the_file_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "d.txt"
    path.write_text("[đồng nghĩa]\nUBND = ủy ban nhân dân\nCNTT\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"d.txt:3: a synonym line needs two expressions"):
        QueryDictionary.load(path)
    path.write_text("[lạ]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"d.txt:1: unknown section"):
        QueryDictionary.load(path)
    with pytest.raises(InputError, match="cannot read"):
        QueryDictionary.load(tmp_path / "missing.txt")


def test_shipped_dictionary_has_the_common_chat_abbreviations() -> None:
    expected = {
        "ko": "không", "k": "không", "hok": "không", "dc": "được", "đc": "được",
        "mk": "mình", "mik": "mình", "j": "gì", "vs": "với", "hn": "Hà Nội",
        "tp": "thành phố", "cty": "công ty", "ntn": "như thế nào", "pm": "phần mềm",
    }  # fmt: skip
    for form, meaning in expected.items():
        assert DICTIONARY.meanings(form)[0] == meaning, form
    assert DICTIONARY.meanings("bn") == ("bao nhiêu", "bạn")
    assert 30 <= sum(len(a.forms) for a in DICTIONARY.abbreviations) <= 80


def test_abbreviations_match_in_any_case_and_without_diacritics() -> None:
    dictionary = QueryDictionary.parse("[viết tắt]\nđc = được\nsđt = số điện thoại\n")
    assert dictionary.meanings("ĐC") == dictionary.meanings("dc") == ("được",)
    assert dictionary.meanings("sdt") == ("số điện thoại",)
    assert dictionary.meanings("được") == ()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("ko", r"d.txt:2: an abbreviation line is the short forms and their meaning"),
        ("ko =", r"d.txt:2: an abbreviation line is the short forms and their meaning"),
        ("ko k = không", r"d.txt:2: the short form 'ko k' must be one word"),
        ("1/2 = nửa", r"d.txt:2: the short form '1/2' must be one word"),
        ("bn = bao nhiêu |", r"d.txt:2: a meaning is empty"),
        ("j = gì\nJ = gì", r"d.txt:3: 'j' is already defined on line 2"),
    ],
)
def test_abbreviation_mistakes_name_the_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "d.txt"
    path.write_text(f"[viết tắt]\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        QueryDictionary.load(path)


def test_the_chat_table_names_what_whole_messages_mean() -> None:
    table = dict(DICTIONARY.chat)
    assert "cảm ơn" in table["cảm ơn"] and "tin mới nhất" in table["tin mới"]
    assert set(table) <= set(CHAT_INTENTS)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[trò chuyện]\nchào hỏi: xin chào\n", "dictionary:2: a line starts with one of"),
        ("[trò chuyện]\ncảm ơn: cám ơn\ntạm biệt: cám ơn\n", "'cám ơn' is already on line 2"),
        ("[trò chuyện]\ncảm ơn:\n", "give the ways of saying 'cảm ơn'"),
    ],
)
def test_a_mistake_in_the_chat_table_names_its_line(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        QueryDictionary.parse(text)
