import pytest

from index.text.restore import Restorer

FREQUENCIES = {
    "hội thảo": 30,
    "chính quyền": 31,
    "điện tử": 40,
    "hòa bình": 5,
    "chuyển đổi": 20,
    "số": 90,
    "sở": 60,
    "sợ": 1,
    "hội": 50,
    "thảo": 2,
    "tháo": 1,
    "phố sách": 19,
    "hà nội": 150,
    "ubnd": 30,
}
restorer = Restorer(FREQUENCIES, 200)


@pytest.mark.parametrize(
    ("typed", "restored"),
    [
        ("hoi thao chinh quyen dien tu", "hội thảo chính quyền điện tử"),
        ("chuyen doi so", "chuyển đổi số"),
        ("pho sach ha noi", "phố sách hà nội"),
        ("hoi thao", "hội thảo"),  # the pair beats its two syllables read alone
        ("hội thao", "hội thảo"),  # diacritics that were typed are kept
        ("UBND hoa binh", "ubnd hòa bình"),
    ],
)
def test_diacritics_come_back_from_the_corpus(typed: str, restored: str) -> None:
    result = restorer.restore(typed)
    assert result is not None and result.text == restored and not result.corrected


def test_a_typo_is_fixed_when_the_fix_forms_a_known_word() -> None:
    result = restorer.restore("hoi thao chinh quyen dien tuu")
    assert result is not None and result.corrected
    assert result.text == "hội thảo chính quyền điện tử"
    assert result.words == ("hội thảo", "chính quyền", "điện tử")


def test_unknown_words_are_left_alone() -> None:
    assert restorer.restore("tàu vũ trụ") is None
    assert restorer.restore("hội thảo chính quyền") is None  # nothing to change
    result = restorer.restore("hoi thao xyz")
    assert result is not None and result.text == "hội thảo xyz" and not result.corrected


def test_codes_and_punctuation_are_kept() -> None:
    result = restorer.restore("chuyen doi so, ipv6 va 15/2020/tt-btttt")
    assert result is not None
    assert result.text == "chuyển đổi số, ipv6 va 15/2020/tt-btttt"


def test_words_the_reading_kept_are_not_restored() -> None:
    """Regression: "ko" (không) came back as a made-up "kọ" when the corpus had a "kọ"."""
    with_ko = Restorer({**FREQUENCIES, "kọ": 3}, 200)
    invented = with_ko.restore("hoi thao ko")
    assert invented is not None and invented.text == "hội thảo kọ"
    result = with_ko.restore("hoi thao ko", keep=("ko",))
    assert result is not None and result.text == "hội thảo ko"


def test_the_on_disk_tables_correct_typos_as_the_in_memory_ones() -> None:
    """The index's restoration tables look a word's edits up together; same corrections."""
    from index.search.vocabulary import open_restorer, restorer_arrays

    memory = restorer
    disk = open_restorer(restorer_arrays(memory), 200)
    for typed in ("hoi thao chinh quyen dien tuu", "chuyen doi sso", "hoi thao hoi thao dien tuu"):
        assert disk.restore(typed) == memory.restore(typed)
    restored = disk.restore("chinh quyen dien tuu")
    assert restored is not None and restored.corrected and restored.text.endswith("điện tử")
