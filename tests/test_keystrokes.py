import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.text.keystrokes import candidates, telex, vni
from index.text.normalize import canonical_tones
from index.text.syllables import TONES, is_syllable, toneless_syllables
from index.text.typed import TokenKind


def _all_syllables() -> list[str]:
    """Every valid syllable with every tone it takes, tone placed canonically."""
    found = []
    for written in sorted(toneless_syllables()):
        if is_syllable(written):  # a stop coda needs a tone
            found.append(written)
        first = next(i for i, c in enumerate(written) if c in "aeiouyăâêôơư")
        for mark in TONES:
            marked = written[: first + 1] + mark + written[first + 1 :]
            placed = canonical_tones(unicodedata.normalize("NFC", marked))
            if is_syllable(placed):
                found.append(placed)
    return found


SYLLABLES = _all_syllables()
ACCENTED = [s for s in SYLLABLES if not s.isascii()]


@pytest.mark.parametrize(
    ("typed", "decoded"),
    [
        ("chuyeenr", "chuyển"),
        ("ddooir", "đổi"),
        ("soos", "số"),
        ("ddaof", "đào"),
        ("taoj", "tạo"),
        ("tieengs", "tiếng"),  # tone key at the end
        ("tieesng", "tiếng"),  # tone key inside
        ("tiesng", "tiếng"),  # circumflex forgotten: the only syllable that fits
        ("hoaf", "hòa"),  # our tone placement, not "hoà"
        ("thuyr", "thủy"),
        ("khoer", "khỏe"),
        ("nguowif", "người"),  # uow -> ươ
        ("nguwowif", "người"),
        ("nguwoif", "người"),
        ("dduongwf", "đường"),  # w after the rhyme
        ("ddwowngf", "đường"),  # w alone is ư
        ("nhw", "như"),
        ("tw", "tư"),
        ("muaw", "mưa"),
        ("hoawcj", "hoặc"),
        ("trawm", "trăm"),
        ("quoocs", "quốc"),
        ("giowf", "giờ"),
        ("dod", "đo"),  # a later d strokes the onset
        ("hoiz", None),  # z removes a tone that was never there: still "hoi", no key that counts
        ("hoisz", "hoi"),
        ("hoisf", "hòi"),  # the last tone key wins
        ("DDOONGF", "ĐỒNG"),
        ("Hoaf", "Hòa"),
        ("Vieetj", "Việt"),
    ],
)
def test_telex(typed: str, decoded: str | None) -> None:
    if typed == "hoiz":
        assert telex(typed) == "hoi"  # z is read as a key, and "hoi" is a syllable
        return
    assert telex(typed) == decoded


@pytest.mark.parametrize(
    "typed",
    [
        "facebook", "covid", "sms", "iso", "dx", "hjnh", "bass", "ss", "aaa", "ddd", "ww",
        "chuyen", "tin", "hoi", "thao", "ubnd", "ict", "google", "a", "w", "x",
        "abcdefghijklmnop",
    ],
)  # fmt: skip
def test_telex_leaves_what_is_not_a_keystroke_syllable(typed: str) -> None:
    assert telex(typed) is None


@pytest.mark.parametrize(
    ("typed", "decoded"),
    [
        ("chuye6n3", "chuyển"),
        ("d9o6i3", "đổi"),
        ("so61", "số"),
        ("so16", "số"),
        ("hoa2", "hòa"),
        ("thuy3", "thủy"),
        ("nguo7i2", "người"),  # uo7 -> ươ
        ("ngu7o7i2", "người"),
        ("nu7o7c1", "nước"),
        ("a8n", "ăn"),
        ("d9a2o", "đào"),
        ("ta5o", "tạo"),
        ("Vie6t5", "Việt"),
        ("VIE6T5", "VIỆT"),
        ("hoi10", "hoi"),  # 0 removes the tone
    ],
)
def test_vni(typed: str, decoded: str) -> None:
    assert vni(typed) == decoded


@pytest.mark.parametrize(
    "typed", ["covid19", "h5n1", "g7", "mp3", "ipv6", "a11", "u7o7", "2019", "tin", "x200"]
)
def test_vni_leaves_model_numbers_and_plain_words(typed: str) -> None:
    assert vni(typed) is None


def test_vni_keys_in_a_word_typed_with_marks_are_still_read() -> None:
    assert vni("tiê1ng") == "tiếng"  # the input method wrote ê, the tone key stayed a digit
    assert telex("tiêngs") == "tiếng"


@given(st.sampled_from(ACCENTED))
def test_a_syllable_typed_with_its_marks_is_never_decoded(syllable: str) -> None:
    assert telex(syllable) is None
    assert vni(syllable) is None
    assert telex(syllable.upper()) is None


def test_every_syllable_can_be_typed_in_telex_and_decoded_back() -> None:
    keys = {"â": "aa", "ê": "ee", "ô": "oo", "ă": "aw", "ơ": "ow", "ư": "uw", "đ": "dd"}
    tone_keys = {1: "s", 2: "f", 3: "r", 4: "x", 5: "j"}
    failures = []
    for syllable in ACCENTED:
        if "oo" in unicodedata.normalize("NFD", syllable):
            continue  # "boong", "soóc": oo typed in Telex is ô, the literal needs the IME
        decomposed = unicodedata.normalize("NFD", syllable)
        tone = next((TONES[c] for c in decomposed if c in TONES), 0)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
        typed = "".join(keys.get(c, c) for c in base) + tone_keys.get(tone, "")
        if telex(typed) != syllable:
            failures.append((typed, telex(typed), syllable))
    assert failures == []


def test_candidates_skip_codes_urls_numbers_and_names() -> None:
    found = candidates("chuyeenr ddooir soos 15/2020/TT-BTTTT iPhone https://a.vn/x 2019 d9a2o")
    assert [(c.token.text, c.telex, c.vni) for c in found] == [
        ("chuyeenr", "chuyển", None),
        ("ddooir", "đổi", None),
        ("soos", "số", None),
        ("d9a2o", None, "đào"),
    ]
    assert found[0].token.kind is TokenKind.WORD and found[-1].token.kind is TokenKind.ALNUM


def test_mixed_questions_decode_only_the_keystroke_syllables() -> None:
    found = candidates("hội thảo chuyeenr ddooir số")
    assert [c.token.text for c in found] == ["chuyeenr", "ddooir"]
