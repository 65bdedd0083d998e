from pathlib import Path

import pytest

from index import InputError, QueryDictionary

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
