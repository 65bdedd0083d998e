from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.text.support import Support
from index.text.typos import (
    TypoIndex,
    _edit_distance,
    max_distance,
    split_glued,
    suggest,
)

from .sample_corpus import sample_stats


@cache
def sample_typos() -> TypoIndex:
    return TypoIndex.build(sample_stats().words)


def _terms(typed: str) -> list[tuple[str, int]]:
    return [(s.term, s.distance) for s in sample_typos().lookup(typed)]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("covit", ("covid", 1)),
        ("COVIT", ("covid", 1)),
        ("hjnh", ("hinh", 1)),
        ("thongtin", ("thong tin", 0)),  # a word typed without its space
        ("thongtim", ("thong tin", 1)),
        ("truyne", ("truyen", 1)),  # a transposition is one edit
        ("tuyeen", ("tuyen", 1)),
        ("chinhquyen", ("chinh quyen", 0)),
    ],
)
def test_lookup_finds_corpus_terms_within_the_edits_allowed(
    typed: str, expected: tuple[str, int]
) -> None:
    assert expected in _terms(typed)


def test_short_tokens_are_not_corrected() -> None:
    assert max_distance(3) == 0 and max_distance(4) == 1 and max_distance(7) == 2
    assert _terms("tin") == [("tin", 0)]  # 3 letters allow no edit: "tim", "tin" are not offered
    assert _terms("tjn") == []


def test_lookup_orders_by_distance_then_frequency() -> None:
    found = sample_typos().lookup("tuyen")
    assert found[0].term == "tuyen" and found[0].distance == 0
    ones = [s for s in found if s.distance == 1]
    assert [s.frequency for s in ones] == sorted((s.frequency for s in ones), reverse=True)


def test_suggestions_follow_the_neighbours() -> None:
    support = Support(sample_stats())
    alone = suggest(sample_typos(), "hjnh", support)
    assert alone[0][1].term == "hinh"  # "j" for "i" is a chat spelling: cheaper than an edit
    beside = suggest(sample_typos(), "covit", support, left="truyen")
    assert beside[0][1].term == "covid"


@pytest.mark.parametrize(
    ("typed", "pieces"),
    [
        ("chuyendoiso", ("chuyen", "doi", "so")),
        ("thongtin", ("thong", "tin")),
        ("dichvucong", ("dich", "vu", "cong")),
        ("hànhthông", ("hành", "thông")),  # the portal's own glued words keep their marks
        ("hoithaochinhquyendientu", ("hoi", "thao", "chinh", "quyen", "dien", "tu")),
        ("facebook", None),
        ("online", None),  # syllables the corpus never writes side by side
        ("hoi", None),
    ],
)
def test_glued_syllables_are_split_where_the_corpus_knows_them(
    typed: str, pieces: tuple[str, ...] | None
) -> None:
    assert split_glued(typed, Support(sample_stats())) == pieces


def test_the_index_saves_as_arrays_and_reopens_memory_mapped(tmp_path: Path) -> None:
    built = sample_typos()
    np.savez(tmp_path / "typos.npz", **built.to_arrays())
    folder = tmp_path / "typos"
    folder.mkdir()
    for name, array in built.to_arrays().items():
        np.save(folder / f"{name}.npy", array)
    mapped = {p.stem: np.load(p, mmap_mode="r") for p in folder.glob("*.npy")}
    reopened = TypoIndex.from_arrays(mapped)
    assert isinstance(reopened.to_arrays()["hashes"], np.memmap)
    assert len(reopened) == len(built)
    for typed in ("covit", "thongtin", "hjnh"):
        assert reopened.lookup(typed) == built.lookup(typed)
    assert reopened.frequency("thong tin") == built.frequency("thong tin") > 0
    with np.load(tmp_path / "typos.npz") as saved:
        assert TypoIndex.from_arrays(dict(saved)).lookup("covit") == built.lookup("covit")


def test_missing_arrays_say_to_rebuild() -> None:
    with pytest.raises(ValueError, match="missing: hashes, postings"):
        TypoIndex.from_arrays(
            {k: v for k, v in sample_typos().to_arrays().items() if k in "text offsets frequencies"}
        )


def test_size_is_about_a_hundred_bytes_per_term() -> None:
    """Measured on the sample: 860 folded terms in 74 KB (8 bytes per deletion, about 10
    deletions per term); on 2,000 vietnews articles 13,746 terms in 1.3 MB, 5.2% of the BM25
    fields. The index costs what its vocabulary costs, which grows slower than the corpus."""
    built = sample_typos()
    assert 700 < len(built) < 1000
    assert built.nbytes < 120 * len(built)
    with_rare_words = TypoIndex.build(sample_stats().words, min_word_frequency=1)
    assert len(with_rare_words) > len(built)


def test_edit_distance_counts_transpositions_once() -> None:
    assert _edit_distance("truyne", "truyen", 2) == 1
    assert _edit_distance("covit", "covid", 2) == 1
    assert _edit_distance("abcdef", "ghijkl", 2) == 3  # over the limit: limit + 1


def _reference_osa(a: str, b: str) -> int:
    """Optimal string alignment distance, the whole table (the definition)."""
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        table[i][0] = i
    for j in range(len(b) + 1):
        table[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
    return table[len(a)][len(b)]


@given(st.text("abcdn", max_size=9), st.text("abcdn", max_size=9), st.integers(0, 3))
def test_edit_distance_is_the_alignment_distance_up_to_its_limit(
    a: str, b: str, limit: int
) -> None:
    expected = _reference_osa(a, b)
    assert _edit_distance(a, b, limit) == (expected if expected <= limit else limit + 1)
