import re

import pytest

from bot.callbacks import (
    CALLBACK_DATA_LIMIT,
    CATEGORY,
    DIGEST_PATTERN,
    LATEST,
    PAGE_PATTERN,
    READ_PATTERN,
    SEARCH,
    DigestRef,
    PageRef,
    ReadRef,
    decode,
    encode,
    short_key,
)


@pytest.mark.parametrize(
    "ref",
    [
        PageRef(SEARCH, short_key("hội thảo chính quyền điện tử"), 0),
        PageRef(SEARCH, short_key("x" * 4096), 999_999_999),
        PageRef(
            CATEGORY, short_key("Phòng chống tham nhũng và thực hành tiết kiệm chống lãng phí"), 12
        ),
        PageRef(LATEST, "", 42),
        ReadRef(1),
        ReadRef(2**63 - 1),
        DigestRef(1, False, 0),
        DigestRef(2**63 - 1, True, 999_999_999),
    ],
)
def test_callback_data_round_trips_within_telegrams_64_bytes(
    ref: PageRef | ReadRef | DigestRef,
) -> None:
    data = encode(ref)
    assert len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT
    assert decode(data) == ref
    pattern = {ReadRef: READ_PATTERN, DigestRef: DIGEST_PATTERN}.get(type(ref), PAGE_PATTERN)
    assert re.match(pattern, data)


def test_short_keys_are_stable_url_safe_and_distinct() -> None:
    assert short_key("phố sách") == short_key("phố sách") == "s-vbVBLB"
    assert re.fullmatch(r"[A-Za-z0-9_-]{8}", short_key("<b>&amp;</b>"))
    assert len({short_key(f"câu hỏi {i}") for i in range(10_000)}) == 10_000


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "s:short:1",
        "s:s-vbVBLB:-1",
        "d:",
        "d:12a",
        "q:abc",
        "n:1:2",
        "x" * 64,
        "g:m:1:1",
        "g:d:1",
    ],
)
def test_data_from_another_version_decodes_to_nothing(data: str | None) -> None:
    assert decode(data) is None


@pytest.mark.parametrize(
    "data",
    ["d:9999999999999999999", "d:0", "d:١٢", "n:١", "s:AAAAAAAA:٣", "", None, "g:d:0:1", "g:w:1:٣"],
)
def test_ids_no_database_holds_and_unicode_digits_decode_to_nothing(data: str | None) -> None:
    assert decode(data) is None
