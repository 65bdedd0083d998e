"""The compiled ranking loops give the numpy path's floats, bit for bit."""

from __future__ import annotations

import itertools
import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.search import kernels, topk
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
    cases = itertools.product(((None, None), (candidates, share[candidates])), (0, 3, 10))
    for (chosen, multiplier), wanted in cases:

        def ranking(opened: Snapshot, chosen=chosen, multiplier=multiplier, wanted=wanted):  # type: ignore[no-untyped-def]
            return rank_candidates(opened, clauses, chosen, multiplier, wanted, exhaustive=True)

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


def test_every_term_decodes_as_numpy_reads_it(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every term of every segment of the text fields, whatever the widths of its gaps and
    frequencies (bytes, half and quarter bytes, low parts with exceptions; full and partial
    blocks): the compiled decoding gives the numpy path's positions and saturations."""
    if not kernels.compiled():
        pytest.skip("the compiled loops are not built")

    def decoded(snapshot: Snapshot) -> tuple[list[object], set[tuple[int, int]]]:
        found: list[object] = []
        widths: set[tuple[int, int]] = set()
        for kind in ("words", "syllables", "pairs"):
            view = snapshot.field("text", kind)
            for segment, postings in enumerate(view.postings):
                for term in range(len(postings.df)):
                    widths.add(postings.layout(term)[2:])
                    positions, saturations = snapshot.saturation(view.field, segment, term)
                    found.append((positions.tolist(), saturations.tolist()))
        return found, widths

    (compiled, widths), (plain, _) = _both(monkeypatch, index_dir, decoded)
    assert compiled == plain
    assert {gap for gap, _ in widths} >= {0, 1, 6} and {tf for _, tf in widths} >= {0, 1, 3, 5}


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


@pytest.mark.parametrize("pruned", [False, True])
def test_copies_taking_the_best_places_still_give_the_full_rankings_first_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pruned: bool
) -> None:
    """Three hundred articles share the best-scoring text: the best few scores gathered first are
    all one text, so the first ten distinct texts lie further down, where the full ranking
    finds them (compiled and numpy alike; in one pass, or by bounds in batches of windows)."""
    if pruned:  # bounds however small the index and however many the postings
        monkeypatch.setattr(topk, "_SMALL", 0)
        monkeypatch.setattr(topk, "_BROAD", 1)
        monkeypatch.setattr(topk, "WINDOW", 4)
        monkeypatch.setattr(topk, "_FIRST_BATCH", 64)
    rng = np.random.default_rng(17)
    copied = ["hội", "hội", "hội", "thảo"]
    docs = [copied if 300 <= i < 600 else  # side by side: a batch of windows sees only them
            list(rng.choice([f"từ{j}" for j in range(50)] + ["hội"], size=int(rng.integers(5, 60))))
            for i in range(1500)]  # fmt: skip
    rows = [row(i + 1, d) for i, d in enumerate(docs)]
    rows = [replace(r, content=301) if 300 <= i < 600 else r for i, r in enumerate(rows)]
    writer = IndexWriter(tmp_path)
    build(writer, rows[:1000])
    apply(writer, rows[1000:], [8, 15, 302])
    keys = query_keys(query_terms(["hội", "thảo"])).words

    def best(opened: Snapshot) -> list[tuple[int, float]]:
        return opened.field("text", "words").top(list(keys), 10)

    compiled, plain = _both(monkeypatch, writer.index_dir, best)
    snapshot = opened(writer.index_dir)
    scores = snapshot.field("text", "words").scores(list(keys))
    ranked = sorted(
        np.flatnonzero(scores > 0).tolist(),
        key=lambda p: (-round(scores[p], 9), -snapshot.published_us[p], -snapshot.article_ids[p]),
    )
    seen: set[int] = set()
    expected = []
    for position in ranked:
        if int(snapshot.content[position]) not in seen:
            seen.add(int(snapshot.content[position]))
            expected.append(position)
    assert len(ranked) > 300 and len(expected) >= 10 and snapshot.has_copies
    assert [p for p, _ in compiled] == expected[:10] == [p for p, _ in plain]
    assert [s for _, s in compiled] == [s for _, s in plain]


def _gather_expected(
    sums: np.ndarray,
    marks: np.ndarray | None,
    live: np.ndarray | None,
    candidates: np.ndarray | None,
    multiplier: np.ndarray | None,
    inside: np.ndarray,
) -> dict[int, float]:
    if candidates is not None:
        values = sums[candidates] * (1.0 if multiplier is None else multiplier)
        return dict(zip(candidates.tolist(), values.tolist(), strict=True))
    holders = inside & (marks if marks is not None else sums > 0)
    if live is not None:
        holders &= live
    return {int(p): float(sums[p]) for p in np.flatnonzero(holders)}


@given(
    st.lists(st.floats(0, 100), min_size=1, max_size=60),
    st.integers(0, 3),  # 0: positive sums, 1: marks, 2: candidates, 3: candidates x multiplier
    st.lists(st.integers(0, 60), max_size=6),
    st.integers(0, 12),
    st.sampled_from([0.0, 1e-9, 5.0]),
    st.integers(0, 2**32 - 1),
)
def test_gathering_the_best_reads_and_clears_every_scored_position(
    values: list[float], mode: int, edges: list[int], take: int, margin: float, seed: int
) -> None:
    if not kernels.compiled():
        pytest.skip("the compiled loops are not built")
    rng = np.random.default_rng(seed)
    n = len(values)
    sums = np.array(values) * (rng.random(n) < 0.7)  # some positions hold nothing
    cuts = sorted({min(e, n) for e in edges} | {0, n})
    ranges = np.array([[a, b] for a, b in itertools.pairwise(cuts) if rng.random() < 0.7] or
                      [[0, 0]], dtype=np.int64)  # fmt: skip
    inside = np.zeros(n, dtype=bool)
    for lo, hi in ranges.tolist():
        inside[lo:hi] = True
    marks = (sums > 0) | (rng.random(n) < 0.1) if mode == 1 else None
    live = rng.random(n) < 0.8 if mode < 2 else None
    candidates = np.flatnonzero(inside & (rng.random(n) < 0.6)) if mode >= 2 else None
    multiplier = rng.random(len(candidates)) if mode == 3 and candidates is not None else None
    expected = _gather_expected(sums, marks, live, candidates, multiplier, inside)
    seen = _gather_expected(sums, marks, None, candidates, multiplier, inside)  # dead ones too
    cleared = inside & (True if mode >= 2 else marks if marks is not None else sums > 0)
    after = np.where(cleared, 0.0, sums)
    given_marks = None if marks is None else marks.copy()
    out = (np.full(n, -1, dtype=np.int64), np.zeros(n))
    found = kernels.gather_best(
        sums, given_marks, live, candidates, multiplier, ranges, take, margin, out
    )
    written = dict(zip(found.positions.tolist(), found.scores.tolist(), strict=True))
    assert len(written) == len(found.positions) and found.scored == len(seen)
    assert all(expected[position] == score for position, score in written.items())
    assert sums.tolist() == after.tolist()  # the scored slots are clean for the next search
    if given_marks is not None and marks is not None:
        assert given_marks.tolist() == (marks & ~inside).tolist()
    ordered = sorted(expected.values(), reverse=True)
    if 0 < take <= len(ordered):
        assert found.floor == ordered[take - 1] and not found.everything
        near = found.scores >= found.floor - margin
        assert near[: found.kept].all() and not near[found.kept :].any()
        assert {p for p, s in expected.items() if s >= found.floor - margin} <= written.keys()
    else:  # fewer than `take`: every entry, all first
        assert found.floor == -np.inf and found.kept == len(expected) and written == expected
        assert found.everything


def test_gathering_refuses_what_does_not_fit() -> None:
    if not kernels.compiled():
        pytest.skip("the compiled loops are not built")
    sums, whole = np.ones(8), np.array([[0, 8]], dtype=np.int64)
    out = (np.zeros(8, dtype=np.int64), np.zeros(8))
    with pytest.raises(ValueError, match="past the positions"):
        kernels.gather_best(sums, None, None, np.array([9]), None, whole, 2, 0.0, out)
    with pytest.raises(ValueError, match="more to gather"):
        kernels.gather_best(sums, None, None, None, None, whole, 2, 0.0, (out[0][:3], out[1]))
    with pytest.raises(ValueError, match="out of order"):
        kernels.gather_best(sums, None, None, None, None, np.array([[4, 8], [0, 2]]), 2, 0.0, out)
    with pytest.raises(ValueError, match="different lengths"):
        kernels.gather_best(sums, np.ones(7, dtype=bool), None, None, None, whole, 2, 0.0, out)
    with pytest.raises(ValueError, match="without candidates"):
        kernels.gather_best(
            sums, np.ones(8, dtype=bool), None, np.array([1]), None, whole, 2, 0.0, out
        )


def test_the_best_gathered_first_are_trusted_only_clear_of_the_rounding(
    snapshot: Snapshot,
) -> None:
    """Scores round to 1e-9 before the dates break ties: an entry left out of the first ones
    (below the floor less the margin) can tie with the last one kept and outrank it. The first
    ones alone must not answer then; the full ranking does."""
    texts: dict[int, int] = {}
    for position in np.flatnonzero(snapshot.live).tolist():
        texts.setdefault(int(snapshot.content[position]), position)
    picked = sorted(
        list(texts.values())[:11],
        key=lambda p: (snapshot.published_us[p], snapshot.article_ids[p]),
    )
    kept_last, left_out = picked[0], picked[1]  # left_out wins a tie of rounded scores
    floor = 1.0000000047
    positions = np.array([*picked[2:11], kept_last, left_out], dtype=np.int64)
    scores = np.array([2.0] * 9 + [floor - 3.9e-9, floor - 4.1e-9])
    assert round(scores[-1], 9) == round(scores[-2], 9)
    full = topk._best(snapshot, positions, scores, 10, len(positions))
    assert left_out in full.positions.tolist() and kept_last not in full.positions.tolist()
    assert topk._first_few(snapshot, positions, scores, 10, 10, floor, False) is None
    clear = scores.copy()
    clear[-2] = floor - 1.9e-9  # the last one kept clear of the rounding: the first ten tell
    found = topk._first_few(snapshot, positions, clear, 10, 10, floor, False)
    assert found is not None
    assert found[0].tolist() == topk._best(snapshot, positions, clear, 10, 11).positions.tolist()


def test_a_huge_k_returns_every_holder_without_a_heap_of_that_size(snapshot: Snapshot) -> None:
    """top(k) for k far beyond the documents (a number a caller could pass) ranks every holder
    once, as a k of exactly the holders does, instead of asking for a heap of k scores."""
    words = snapshot.field("text", "words")
    keys = list(query_keys(query_terms(["từ0", "từ7"])).words)
    holders = int((words.scores(keys) > 0).sum())
    everything = words.top(keys, holders)
    assert len(everything) == holders > 100
    for k in (10**9, 2**62):
        assert words.top(keys, k) == everything
