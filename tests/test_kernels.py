"""The compiled ranking loops give the numpy path's floats, bit for bit."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.search import kernels
from index.search import ranges as ranges_module
from index.search.fields import query_terms
from index.search.ranges import halves, score_terms
from index.search.ranking import Concept, QueryPlan, Weights, cover
from index.search.snapshot import Snapshot
from index.search.terms import query_keys, term_key
from index.search.topk import WINDOW, Clause, rank_candidates
from index.search.topk import _runs as runs
from index.search.writer import IndexWriter

from .test_segments import apply, build, opened, row


@pytest.mark.skipif(os.environ.get("TINSOBOT_COMPILED") == "0", reason="turned off")
def test_the_install_built_the_compiled_loops() -> None:
    assert kernels.compiled(), "pip install -e . should have compiled index/search/_kernels.c"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three segments with deletions; frequencies up to 300 (two-byte widths), terms in one
    document (no gaps), terms in most documents, gaps above 255."""
    rng = np.random.default_rng(11)
    vocabulary = [f"từ{i}" for i in range(300)]
    weights = 1 / np.arange(1, 301)
    weights /= weights.sum()
    docs = [list(rng.choice(vocabulary, size=rng.integers(1, 200), p=weights)) for _ in range(2500)]
    docs[5] += ["lặp"] * 300
    docs[900] += ["hiếm"]  # deleted below
    docs[1700] += ["hiếm"]
    for number in range(0, 2500, 400):
        docs[number] += ["thưa"]
    writer = IndexWriter(tmp_path_factory.mktemp("kernels"))
    build(writer, [row(i + 1, d) for i, d in enumerate(docs[:1500])])
    apply(writer, [row(i + 1, d) for i, d in enumerate(docs[1500:], start=1500)])
    apply(writer, [row(3, docs[4], updated=1)], [10, 11, 901])
    return writer.index_dir


@pytest.fixture
def snapshot(index_dir: Path) -> Snapshot:
    return opened(index_dir)


def _both(monkeypatch: pytest.MonkeyPatch, index_dir: Path, compute):  # type: ignore[no-untyped-def]
    """`compute(snapshot)` with the compiled loops (the positions split with the helper thread
    however few the postings), then with the numpy path, each on its own opened index (its own
    cache of decoded postings)."""
    with monkeypatch.context() as patch:
        patch.setattr(ranges_module, "PARALLEL_POSTINGS", 0)
        compiled = compute(opened(index_dir))
    with monkeypatch.context() as patch:
        patch.setattr(kernels, "_COMPILED", None)
        plain = compute(opened(index_dir))
    return compiled, plain


QUESTIONS = [
    ["từ0", "từ1"],
    ["từ3", "lặp", "hiếm"],
    ["thưa", "từ250", "từ40", "từ7"],
    ["hiếm"],
]


@pytest.mark.parametrize("words", QUESTIONS)
def test_rankings_are_bit_identical(
    index_dir: Path, snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch, words: list[str]
) -> None:
    keys = query_keys(query_terms(words))
    clauses = [
        Clause("text.words", k, w) for k, w in zip(keys.words, (1.0, -0.4, 1.7, 0.3), strict=False)
    ]
    clauses += [Clause("text.syllables", k, 0.3) for k in keys.syllables]
    clauses += [Clause("text.pairs", k, 1.0) for k in keys.pairs]
    share = np.random.default_rng(5).random(snapshot.positions)
    candidates = np.flatnonzero(snapshot.live & (share > 0.2))
    for chosen, multiplier in ((None, None), (candidates, share[candidates])):

        def ranking(opened: Snapshot, chosen=chosen, multiplier=multiplier):  # type: ignore[no-untyped-def]
            return rank_candidates(opened, clauses, chosen, multiplier, 0, exhaustive=True)

        compiled, plain = _both(monkeypatch, index_dir, ranking)
        assert len(compiled.positions) > 0
        assert compiled.positions.tolist() == plain.positions.tolist()
        assert compiled.scores.tolist() == plain.scores.tolist()  # the same floats


def test_coverage_is_bit_identical(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = QueryPlan(
        parts=(),
        concepts=(
            Concept(1.3, (("tu0",),)),
            Concept(0.7, (("thua",),)),
            Concept(2.1, (("hiem",), ("lap", "tu3"))),  # any alternative, all of its syllables
            Concept(0.9, (("tu7", "tu250"),)),
        ),
        unknown_weight=0.4,
    )
    compiled, plain = _both(monkeypatch, index_dir, lambda opened: cover(opened, plan, Weights()))
    assert compiled.candidates.tolist() == plain.candidates.tolist()
    assert compiled.share.tolist() == plain.share.tolist()
    assert compiled.share.max() > 0


def test_counting_holders_reports_absent_terms(snapshot: Snapshot) -> None:
    syllables = snapshot.field("text", "syllables")
    counts = np.zeros(snapshot.positions, dtype=np.int16)
    assert not syllables.add_at_holders(counts, term_key("không có"), 1)
    assert syllables.add_at_holders(counts, term_key("thua"), 1)
    assert counts.sum() == len(syllables.holders(term_key("thua")))


def test_positions_out_of_bounds_are_refused(snapshot: Snapshot) -> None:
    if not kernels.compiled():
        pytest.skip("the compiled loops are not built")
    view = snapshot.field("text", "words")
    with pytest.raises(ValueError, match="past the positions"):
        kernels.decode_saturations(view.postings[0], 0, 10**9, view.norm, view.unit, 1.2)
    # the range loops' refusals: test_scoring_ranges_refuses_what_lies_outside


@pytest.mark.parametrize("words", QUESTIONS)
def test_scoring_from_the_cache_or_straight_from_the_postings_is_bit_identical(
    index_dir: Path, words: list[str]
) -> None:
    """A term decoded into the cache (by an earlier question) and one decoded straight into
    the sums give the same floats and mark the same holders."""
    keys = query_keys(query_terms(words))
    found = []
    for warm in (False, True):
        opened_ = opened(index_dir)
        sums = np.zeros(opened_.positions)
        touched = np.zeros(opened_.positions, dtype=bool)
        view = opened_.field("text", "words")
        terms = [
            (view.field, where.segment, where.term, 0.7 + number)
            for number, key in enumerate(keys.words)
            for where in view.locate(key)
        ]
        if warm:
            for field, segment, term, _ in terms:
                opened_.saturation(field, segment, term)
        score_terms(opened_, terms, sums, touched)
        assert (opened_.cached_bytes > 0) == (warm or not kernels.compiled())
        found.append((sums.tolist(), np.flatnonzero(touched).tolist()))
    assert found[0] == found[1]
    assert len(found[0][1]) > 0


def _terms(snapshot: Snapshot, words: list[str]) -> list[tuple[str, int, int, float]]:
    """(field, segment, term, factor) of a question's words, syllables and pairs, a negative
    factor among them, every segment holding them."""
    keys = query_keys(query_terms(words))
    terms = []
    for kind, keys_of_kind in (
        ("words", keys.words),
        ("syllables", keys.syllables),
        ("pairs", keys.pairs),
    ):
        view = snapshot.field("text", kind)
        for number, key in enumerate(keys_of_kind):
            factor = -0.4 if number == 1 else 0.3 + number
            terms += [(view.field, w.segment, w.term, factor) for w in view.locate(key)]
    return terms


@pytest.mark.parametrize("words", QUESTIONS)
def test_scoring_by_ranges_and_windows_is_bit_identical(
    snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch, words: list[str]
) -> None:
    """Terms scored one after the other, or a range of positions and a window at a time
    (blocks cut by a window's edge), or split with the helper thread: the same floats and
    the same holders marked."""
    if not kernels.compiled():
        pytest.skip("the compiled loops are not built")
    terms = _terms(snapshot, words)
    n = snapshot.positions
    expected = np.zeros(n)
    marked = np.zeros(n, dtype=bool)
    for field, segment, term, factor in terms:  # one by one, through the cache (numpy)
        snapshot.add_saturations(field, segment, term, factor, expected, marked)
    assert marked.any()
    sources = [
        kernels.term_source(
            snapshot.fields[f].postings[s], t, int(snapshot.bases[s]),
            snapshot.fields[f].norm, snapshot.fields[f].unit, factor,
        )
        for f, s, t, factor in terms
    ]  # fmt: skip
    for cuts, window in (([], 65536), ([n // 3], 7), ([1, 129, n - 1], 1), ([n // 2], 300)):
        sums = np.zeros(n)
        touched = np.zeros(n, dtype=bool)
        ranges = np.array(list(itertools.pairwise([0, *cuts, n])))
        kernels.score_ranges(sources, snapshot.params.k1, sums, touched, ranges[::2], window)
        kernels.score_ranges(sources, snapshot.params.k1, sums, touched, ranges[1::2], window)
        assert sums.tolist() == expected.tolist()
        assert touched.tolist() == marked.tolist()
    some = np.array([[5, 40], [300, 301], [777, n // 2]])  # only there, nothing elsewhere
    sums = np.zeros(n)
    kernels.score_ranges(sources, snapshot.params.k1, sums, None, some, 16)
    inside = np.zeros(n, dtype=bool)
    for lo, hi in some:
        inside[lo:hi] = True
    assert sums[inside].tolist() == expected[inside].tolist()
    assert not sums[~inside].any()
    monkeypatch.setattr(ranges_module, "PARALLEL_POSTINGS", 0)  # the helper takes half
    for field, segment, term, _ in terms[::2]:  # and some terms come decoded from the cache
        snapshot.saturation(field, segment, term)
    assert snapshot.cached_bytes > 0
    for ranges in (None, np.array([[0, n // 3], [n // 3, n]])):
        sums = np.zeros(n)
        touched = np.zeros(n, dtype=bool)
        score_terms(snapshot, terms, sums, touched, ranges)
        assert sums.tolist() == expected.tolist()
        assert touched.tolist() == marked.tolist()


def test_scoring_ranges_refuses_what_lies_outside(snapshot: Snapshot) -> None:
    if not kernels.compiled():
        pytest.skip("the compiled loops are not built")
    view = snapshot.field("text", "words")
    norm, unit, k1, n = view.norm, view.unit, snapshot.params.k1, snapshot.positions
    source = kernels.term_source(view.postings[0], 0, 0, norm, unit, 1.0)
    far = kernels.term_source(view.postings[0], 0, 10**9, norm, unit, 1.0)
    whole = np.zeros(n)
    every = np.array([[0, n]])
    with pytest.raises(ValueError, match="past the positions"):
        kernels.score_ranges([far], k1, whole, None, every)
    with pytest.raises(ValueError, match="outside the sums"):
        kernels.score_ranges([source], k1, whole, None, np.array([[0, n + 1]]))
    with pytest.raises(ValueError, match="out of order"):
        kernels.score_ranges([source], k1, whole, None, np.array([[10, 20], [5, 8]]))
    with pytest.raises(ValueError, match="int64 pairs"):
        kernels.score_ranges([source], k1, whole, None, np.array([0, n, 4]))
    with pytest.raises(ValueError, match="different lengths"):  # sums shorter than positions
        kernels.score_ranges([source], k1, np.zeros(3), None, np.array([[0, 3]]))
    with pytest.raises(TypeError):
        kernels.score_ranges([(1, 2)], k1, whole, None, every)
    with pytest.raises(ValueError, match="past the positions"):  # a decoded term, too far
        kernels.score_ranges([(np.array([n + 5]), np.array([1.0]), 1.0)], k1, whole, None, every)
    with pytest.raises(ValueError, match="different lengths"):
        kernels.score_ranges([(np.array([1, 2]), np.array([1.0]), 1.0)], k1, whole, None, every)
    assert not whole.any()


def _covered(ranges: np.ndarray) -> set[int]:
    return {p for lo, hi in ranges.tolist() for p in range(lo, hi)}


@given(st.lists(st.integers(0, 40), min_size=0, max_size=12, unique=True))
def test_ranges_cut_in_two_halves_keep_every_position_once(edges: list[int]) -> None:
    edges = sorted(edges)[: len(edges) // 2 * 2]
    ranges = np.array(edges, dtype=np.int64).reshape(-1, 2)
    first, second = halves(ranges)
    for part in (first, second):  # ascending, disjoint pairs, as the loops want them
        flat = part.reshape(-1).tolist()
        assert flat == sorted(flat) and part.dtype == np.int64
    assert not _covered(first) & _covered(second)
    assert _covered(first) | _covered(second) == _covered(ranges)
    assert abs(len(_covered(first)) - len(_covered(second))) <= 1


@given(st.lists(st.booleans(), min_size=1, max_size=30), st.integers(0, WINDOW - 1))
def test_selected_windows_become_ranges_of_their_positions(
    selected: list[bool], short: int
) -> None:
    positions = (len(selected) - 1) * WINDOW + short + 1  # the last window may be partial
    ranges = runs(np.array(selected), positions)
    expected = {p for p in range(positions) if selected[p // WINDOW]}
    assert _covered(ranges) == expected
    assert len(ranges) == sum(1 for a, b in itertools.pairwise([False, *selected]) if b and not a)


def _split_in_child(index_dir: Path, words: list[str], out: object) -> None:
    ranges_module.PARALLEL_POSTINGS = 0
    snapshot = opened(index_dir)
    sums = np.zeros(snapshot.positions)
    score_terms(snapshot, _terms(snapshot, words), sums, None)
    out.put(sums.tolist())  # type: ignore[attr-defined]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_a_forked_process_scores_with_its_own_helper(
    index_dir: Path, snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parent's helper thread is not in a forked child: the child starts its own rather
    than waiting forever on a thread that is not there."""
    import multiprocessing

    monkeypatch.setattr(ranges_module, "PARALLEL_POSTINGS", 0)
    words = QUESTIONS[2]
    expected = np.zeros(snapshot.positions)
    score_terms(snapshot, _terms(snapshot, words), expected, None)  # helper started
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    child = context.Process(target=_split_in_child, args=(index_dir, words, out))
    child.start()
    try:
        assert out.get(timeout=60) == expected.tolist()
    finally:
        child.join(timeout=10)
        if child.is_alive():
            child.kill()
    assert child.exitcode == 0


def test_a_busy_helper_leaves_its_half_to_the_searching_thread(
    snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another search holds the helper: this one scores both halves itself, the same floats,
    rather than waiting for it."""
    import threading

    monkeypatch.setattr(ranges_module, "PARALLEL_POSTINGS", 0)
    terms = _terms(snapshot, QUESTIONS[2])
    expected = np.zeros(snapshot.positions)
    score_terms(snapshot, terms, expected, None)
    helper = ranges_module.helper()
    if helper is None:
        pytest.skip("one processor: no helper")
    release = threading.Event()
    busy = helper.submit(release.wait, 30)
    try:
        sums = np.zeros(snapshot.positions)
        score_terms(snapshot, terms, sums, None)
        assert not busy.done()  # scored while the helper was still held
        assert sums.tolist() == expected.tolist()
    finally:
        release.set()
    assert busy.result(timeout=10)


@given(st.lists(st.tuples(st.booleans(), st.floats(0, 1e6)), max_size=50), st.floats(1e-3, 50))
def test_adding_where_a_mask_is_set_is_numpys_sum(
    slots: list[tuple[bool, float]], value: float
) -> None:
    mask = np.array([m for m, _ in slots], dtype=bool)
    values = np.array([v for _, v in slots], dtype=np.float64)
    expected = values + mask * value
    kernels.add_where(values, mask, value)
    assert values.tolist() == expected.tolist()


def test_adding_where_a_mask_is_set_refuses_other_lengths() -> None:
    if not kernels.compiled():
        pytest.skip("the compiled loops are not built")
    with pytest.raises(ValueError, match="different lengths"):
        kernels.add_where(np.zeros(4), np.zeros(3, dtype=bool), 1.0)
