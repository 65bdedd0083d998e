import hashlib
import itertools
import re
import unicodedata

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from index.text.normalize import fold, lower, normalize
from index.text.shingles import (
    Signature,
    bucket_keys,
    near_duplicates,
    signature,
    similarity,
)

from .sample_corpus import sample_articles

SEED = next(a.body for a in sample_articles() if a.body)

# Two weeks of a department's schedule under the same recurring title: same boilerplate,
# different days, people and meetings.
WEEK_23 = """Lịch công tác tuần
LỊCH CÔNG TÁC TUẦN CỦA LÃNH ĐẠO SỞ THÔNG TIN VÀ TRUYỀN THÔNG (Từ ngày 03/6/2019 đến ngày 07/6/2019)
Thứ Hai, ngày 03/6: 8h00: Giám đốc Sở chủ trì giao ban lãnh đạo Sở, địa điểm phòng họp tầng 3.
14h00: Phó Giám đốc Nguyễn Văn Chương dự hội nghị trực tuyến về chính quyền điện tử tại UBND tỉnh.
Thứ Ba, ngày 04/6: 8h30: Giám đốc Sở làm việc với Trung tâm Công nghệ thông tin và Truyền thông
về tiến độ triển khai hệ thống một cửa điện tử. 15h00: Phó Giám đốc dự họp Ban Chỉ đạo xây dựng
đô thị thông minh.
Thứ Tư, ngày 05/6: Cả ngày: Giám đốc Sở đi kiểm tra công tác bưu chính tại huyện Lương Sơn.
Thứ Năm, ngày 06/6: 9h00: Lãnh đạo Sở tiếp đoàn công tác của Bộ Thông tin và Truyền thông.
Thứ Sáu, ngày 07/6: 8h00: Họp chi bộ thường kỳ tháng 6; 14h00: Giám đốc Sở làm việc tại cơ quan.
"""
WEEK_24 = """Lịch công tác tuần
LỊCH CÔNG TÁC TUẦN CỦA LÃNH ĐẠO SỞ THÔNG TIN VÀ TRUYỀN THÔNG (Từ ngày 10/6/2019 đến ngày 14/6/2019)
Thứ Hai, ngày 10/6: 8h00: Giám đốc Sở chủ trì giao ban lãnh đạo Sở, địa điểm phòng họp tầng 3.
9h30: Phó Giám đốc làm việc với Phòng Báo chí - Xuất bản về kế hoạch tuyên truyền tháng 7.
Thứ Ba, ngày 11/6: Cả ngày: Giám đốc Sở dự kỳ họp thứ 10 Hội đồng nhân dân tỉnh.
Thứ Tư, ngày 12/6: 14h00: Lãnh đạo Sở dự hội thảo an toàn thông tin mạng khu vực phía bắc
tại Hà Nội; Phó Giám đốc kiểm tra điểm bưu điện văn hóa xã tại huyện Kim Bôi.
Thứ Năm, ngày 13/6: 8h00: Giám đốc Sở họp Ban Chỉ đạo chuyển đổi số tỉnh.
Thứ Sáu, ngày 14/6: 8h00: Giao ban công tác thanh tra chuyên ngành; 14h00: làm việc tại cơ quan.
"""


def _punctuation_and_spacing_edited(text: str) -> str:
    edited = text.replace(", ", " ,  ").replace(".", " .").replace("\n", "\n\n")
    edited = edited.replace("Hòa", "Hoà").replace(" ", "\u00a0", 3).replace("thảo", "th\u200bảo")
    return unicodedata.normalize("NFD", edited)


def test_copies_with_spacing_punctuation_and_encoding_edits_are_near_duplicates() -> None:
    for original in (SEED, WEEK_23):
        copy = _punctuation_and_spacing_edited(original)
        assert copy != original
        assert similarity(signature(original), signature(copy)) >= 0.9


def test_a_long_copy_with_a_word_changed_is_still_a_near_duplicate() -> None:
    copy = SEED.replace("vượt bậc", "vượt trội", 1)
    assert 0.9 <= similarity(signature(SEED), signature(copy)) < 1.0


def test_weekly_schedules_under_one_title_are_not_duplicates() -> None:
    assert similarity(signature(WEEK_23), signature(WEEK_24)) < 0.9
    assert similarity(signature("Lịch công tác tuần"), signature("Lịch công tác tuần")) == 1.0


def test_in_the_sample_only_identical_texts_are_near_duplicates() -> None:
    """The portal lists three stories twice; its yearly 'Công khai số liệu dự toán' notices,
    alike but for their figures, stay below 0.9."""
    texts = [f"{a.title}\n{a.summary}\n{a.body}" for a in sample_articles()]
    sketches = [signature(t) for t in texts]
    for i, j in itertools.combinations(range(len(texts)), 2):
        identical = normalize(texts[i]) == normalize(texts[j])
        assert (similarity(sketches[i], sketches[j]) >= 0.9) == identical, (texts[i], texts[j])


def test_near_duplicates_collapse_onto_the_first_hit() -> None:
    sketches = [
        signature(t) for t in (WEEK_23, SEED, _punctuation_and_spacing_edited(WEEK_23), WEEK_24)
    ]
    assert near_duplicates(sketches) == [0, 1, 0, 3]


def test_signatures_are_small_and_stored_as_bytes() -> None:
    sketch = signature(SEED)
    data = sketch.to_bytes()
    assert len(data) == 256
    restored = Signature.from_bytes(data)
    assert similarity(sketch, restored) == 1.0
    assert list(restored.hashes) == sorted(restored.hashes)


def test_copies_share_a_bucket_key() -> None:
    copy = signature(_punctuation_and_spacing_edited(SEED))
    assert set(bucket_keys(signature(SEED))) & set(bucket_keys(copy))


def test_empty_and_short_texts() -> None:
    assert similarity(signature(""), signature("  ")) == 1.0
    assert similarity(signature(""), signature("hội thảo")) == 0.0
    assert similarity(signature("Lịch công tác tuần"), signature("Lịch công tác tháng")) == 0.0


def _reference_signature(text: str) -> list[int]:
    """The sketch as first written: each shingle hashed to an int, the 64 smallest distinct."""
    words = re.findall(r"[^\W_]+", fold(lower(normalize(text))))
    count = max(len(words) - 4, 1)
    shingles = {" ".join(words[i : i + 5]) for i in range(count)} if words else set()
    hashes = {
        int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(), "little")
        for s in shingles
    }
    return sorted(hashes)[:64]


def test_signature_hashes_are_the_blake2b_digests_of_the_shingles() -> None:
    for text in (SEED, WEEK_23, SEED[:200], "Lịch công tác tuần", "một hai", "", "Ωμέγα 2019"):
        found = signature(text).hashes
        assert found.dtype == np.uint32
        assert found.tolist() == _reference_signature(text)


def _reference_similarity(a: Signature, b: Signature) -> float:
    """The estimate as defined: the share of the union's k smallest hashes held by both."""
    if len(a.hashes) == 0 or len(b.hashes) == 0:
        return 1.0 if len(a.hashes) == len(b.hashes) else 0.0
    union = np.union1d(a.hashes, b.hashes)[: min(a.size, b.size)]
    both = np.intersect1d(a.hashes, b.hashes, assume_unique=True)
    return float(np.isin(union, both, assume_unique=True).sum()) / len(union)


@given(
    st.sets(st.integers(0, 400), max_size=90),
    st.sets(st.integers(0, 400), max_size=90),
    st.sampled_from([16, 64]),
    st.sampled_from([16, 64]),
)
def test_similarity_is_the_bottom_k_estimate(
    first: set[int], second: set[int], size_a: int, size_b: int
) -> None:
    a = Signature(np.array(sorted(first), dtype=np.uint32)[:size_a], size_a)
    b = Signature(np.array(sorted(second), dtype=np.uint32)[:size_b], size_b)
    assert similarity(a, b) == _reference_similarity(a, b)
    assert similarity(b, a) == similarity(a, b)


@given(
    st.lists(
        st.tuples(st.sets(st.integers(0, 120), max_size=70), st.sampled_from([16, 64])),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([0.0, 0.3, 0.9, 1.0]),
)
def test_near_duplicates_compares_every_pair_by_the_estimate(
    sets: list[tuple[set[int], int]], threshold: float
) -> None:
    """The quick bound that skips most comparisons changes no decision."""
    sketches = [Signature(np.array(sorted(s), dtype=np.uint32)[:k], k) for s, k in sets]
    expected: list[int] = []
    firsts: list[int] = []
    for i, sketch in enumerate(sketches):
        match = next(
            (f for f in firsts if _reference_similarity(sketches[f], sketch) >= threshold), i
        )
        if match == i:
            firsts.append(i)
        expected.append(match)
    assert near_duplicates(sketches, threshold) == expected
