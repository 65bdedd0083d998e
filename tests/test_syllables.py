import unicodedata

import pytest

from index.text.normalize import canonical_tones, fold, has_diacritics
from index.text.syllables import (
    is_folded_syllable,
    is_syllable,
    parse,
    spellings,
    toneless_syllables,
)

from .sample_corpus import sample_vocabulary

# What the sample writes that is not a Vietnamese syllable: acronyms and foreign words, and two
# words the portal glued together ("hànhthông").
SAMPLE_NON_SYLLABLES = {
    "qđ", "hđnd", "nđ", "ưd", "lđtb", "bcđtklpctn", "hànhthông", "việcthống",
    "analog", "ap", "b", "bc", "bcvt", "bcxbtt", "bdc", "blockchain", "btc", "btp", "btttt",
    "camera", "canada", "chat", "cntt", "corona", "cov", "covid", "cp", "ct", "ctr", "cts", "d",
    "ddos", "digital", "download", "drive", "f", "facebook", "file", "fpt", "frank", "fspace",
    "google", "h", "hcm", "hd", "hnp", "https", "httt", "ict", "ii", "index", "internet", "iso",
    "iv", "kgvx", "kh", "khtc", "kinhtedothi", "lithium", "made", "mers", "n", "nc", "ncov",
    "nq", "online", "pbgdpl", "pctn", "plaza", "pttk", "qcrv", "qlcl", "s", "slide", "stp",
    "stt", "stttt", "sunmedia", "tanegashima", "tb", "tdps", "tp", "tt", "ttcntt", "ttcp",
    "ttg", "ubnd", "v", "view", "virus", "vncert", "xh", "xhcnvn",
}  # fmt: skip


def test_every_syllable_of_the_sample_is_valid_except_acronyms_and_foreign_words() -> None:
    rejected = {s for s in sample_vocabulary() if not is_syllable(s)}
    assert rejected == SAMPLE_NON_SYLLABLES


@pytest.mark.parametrize(
    "syllable",
    [
        "hòa", "hoà", "thủy", "thuỷ", "khuỷu", "người", "nghiêng", "giếng", "gì", "gìn", "giữ",
        "quốc", "quyên", "quyết", "quý", "quơ", "yêu", "yến", "uyên", "oanh", "xoong", "boong",
        "khuya", "thuở", "huơ", "kỹ", "ký", "ly", "ngoài", "hoặc", "chuyển", "đổi", "số", "ươn",
        "ừ", "ạ", "Ở", "ĐỒNG", "Hòa",
    ],
)  # fmt: skip
def test_valid_syllables(syllable: str) -> None:
    assert is_syllable(syllable)
    assert is_syllable(unicodedata.normalize("NFD", syllable))
    assert is_folded_syllable(fold(syllable))


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("ko", "k only before e, ê, i, y"),
        ("ce", "c never before e, ê, i, y"),
        ("ghu", "gh only before e, ê, i"),
        ("nge", "ng never before e, ê, i"),
        ("ngi", "ng never before i"),
        ("qa", "q always with the glide u"),
        ("iên", "iê without an onset is written yê"),
        ("tyên", "yê after an onset needs the glide u"),
        ("bàt", "a stop coda takes only sắc or nặng"),
        ("hoạch", "fine: nặng"),
        ("ăn", "fine"),
        ("ă", "ă needs a coda"),
        ("âu", "fine"),
        ("chuyen", "uye is not a rhyme: it needs ê"),
        ("hjnh", "j is no Vietnamese letter"),
        ("facebook", "not one syllable"),
        ("mk", "no vowel"),
        ("hóà", "two tone marks"),
        ("sms", "no vowel"),
        ("iso", "io is not a rhyme"),
    ],
)
def test_spelling_rules(text: str, why: str) -> None:
    assert is_syllable(text) is (why.startswith("fine")), why


def test_folded_text_is_valid_when_some_accenting_is() -> None:
    for folded in ("chuyen", "doi", "so", "nguoi", "duong", "quyen", "nghieng", "khuyu"):
        assert is_folded_syllable(folded)
    assert not is_syllable("chuyen") and not is_syllable("nguoi")  # as written they need marks
    for text in ("covid", "hjnh", "ko", "dx", "sms", "iso", "thongtin"):
        assert not is_folded_syllable(text)


def test_parse_names_the_parts() -> None:
    found = parse("Quyết")
    assert found is not None
    parts = (found.onset, found.glide, found.nucleus, found.coda, found.tone)
    assert parts == ("q", "u", "yê", "t", 1)
    found = parse("người")
    assert found is not None and (found.onset, found.rhyme, found.tone) == ("ng", "ươi", 2)
    found = parse("gìn")
    assert found is not None and (found.onset, found.rhyme) == ("g", "in")


def test_every_toneless_syllable_takes_the_canonical_tone_placement() -> None:
    """Tone placement never makes a syllable invalid: canonical_tones and the rules agree."""
    for syllable in toneless_syllables():
        tone = "\u0301"  # sắc: every rhyme takes it, stop codas included
        for i, c in enumerate(syllable):
            if c in "aeiouyăâêôơư":
                marked = unicodedata.normalize("NFC", syllable[: i + 1] + tone + syllable[i + 1 :])
                break
        placed = canonical_tones(marked)
        assert is_syllable(placed), (syllable, placed)
        assert has_diacritics(placed)


def test_spellings_list_every_syllable_under_its_mark_free_form() -> None:
    def stripped(text: str) -> str:
        decomposed = unicodedata.normalize("NFD", text)
        return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")

    expected: dict[str, set[str]] = {}
    for written in toneless_syllables():
        expected.setdefault(stripped(written), set()).add(written)
    assert expected["nguoi"] == {"nguôi", "ngươi", "nguoi"} & toneless_syllables()
    assert len(expected["nguoi"]) >= 2
    for folded, written in expected.items():
        assert set(spellings(folded)) == written
