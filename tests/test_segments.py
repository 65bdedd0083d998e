"""The on-disk index: exact BM25 across segments, updates and deletions; top-k; crash safety."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from index.search import kernels, topk
from index.search.arrays import ArrayFile, CorruptIndex
from index.search.bm25 import BM25Params
from index.search.fields import query_terms
from index.search.generation import Generation, read_current
from index.search.segment import DocRow, FieldPostings, encode_postings
from index.search.snapshot import Snapshot
from index.search.terms import query_keys, term_key
from index.search.topk import Clause, rank_candidates
from index.search.writer import IndexBusy, IndexWriter, MergePolicy
from index.text.shingles import signature

from .conftest import ROOT

WORDS = ["hội thảo", "chính quyền", "điện tử", "hà nội", "sở", "tin", "số", "x", "."]
PARAMS = BM25Params(k1=1.2, b=0.75, epsilon=0.25)


def row(article_id: int, tokens: list[str], updated: int = 0) -> DocRow:
    return DocRow(
        article_id=article_id,
        published_us=article_id * 1_000_000,
        updated_us=updated,
        category=f"c{article_id % 3}",
        title=f"bài {article_id}",
        url=f"https://so.gov.vn/{article_id}",
        source="sở",
        content=article_id,
        title_tokens="",
        text_tokens="\n".join(tokens),
        sketch=signature(" ".join(tokens)).to_bytes(),
    )


def build(writer: IndexWriter, rows: list[DocRow]) -> None:
    writer.build([rows], database="db", data_version="v", analyzer="a")


def apply(writer: IndexWriter, rows: list[DocRow], removed: list[int] = ()) -> None:  # type: ignore[assignment]
    with writer.lock():
        current = writer.current()
        assert current is not None
        writer.apply(current, [rows] if rows else [], np.array(removed, dtype=np.int64))


def opened(index_dir: Path) -> Snapshot:
    manifest = read_current(index_dir)
    assert manifest is not None
    return Snapshot(Generation.open(index_dir, manifest), PARAMS)


def assert_parity(snapshot: Snapshot, live: dict[int, list[str]], queries: list[list[str]]) -> None:
    """Every field's scores equal rank_bm25 over the live documents (within 1e-6)."""
    ids = sorted(live)
    position_of = {int(a): p for p, a in enumerate(snapshot.article_ids) if snapshot.live[p]}
    assert sorted(position_of) == ids
    positions = [position_of[a] for a in ids]
    per_doc = [query_terms(live[a]) for a in ids]
    for query in queries:
        terms = query_terms(query)
        keys = query_keys(terms)
        for kind in ("words", "syllables", "pairs"):
            if not any(getattr(t, kind) for t in per_doc):
                continue  # rank_bm25 divides by zero on an empty vocabulary
            reference = BM25Okapi(
                [list(getattr(t, kind)) for t in per_doc], k1=1.2, b=0.75, epsilon=0.25
            )
            expected = reference.get_scores(list(getattr(terms, kind)))
            actual = snapshot.field("text", kind).scores(list(getattr(keys, kind)))[positions]
            np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-6)


documents = st.lists(st.sampled_from(WORDS), min_size=0, max_size=20)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    corpus=st.lists(documents, min_size=6, max_size=24),
    cuts=st.lists(st.integers(1, 23), max_size=3),
    updates=st.lists(st.tuples(st.integers(0, 23), documents), max_size=4),
    deletions=st.lists(st.integers(0, 23), max_size=4),
    merge=st.booleans(),
)
def test_scores_equal_rank_bm25_across_segments_updates_and_deletions(
    tmp_path_factory: pytest.TempPathFactory,
    corpus: list[list[str]],
    cuts: list[int],
    updates: list[tuple[int, list[str]]],
    deletions: list[int],
    merge: bool,
) -> None:
    writer = IndexWriter(tmp_path_factory.mktemp("parity"))
    live = {i + 1: tokens for i, tokens in enumerate(corpus)}
    bounds = sorted({c for c in cuts if c < len(corpus)} | {len(corpus)})
    build(writer, [row(i + 1, corpus[i]) for i in range(bounds[0])])
    for start, end in zip(bounds, bounds[1:], strict=False):
        apply(writer, [row(i + 1, corpus[i]) for i in range(start, end)])
    for version, (index, tokens) in enumerate(updates, start=1):
        article = index % len(corpus) + 1
        live[article] = tokens
        apply(writer, [row(article, tokens, updated=version)])
    gone = sorted({index % len(corpus) + 1 for index in deletions})
    if len(gone) < len(live):
        apply(writer, [], gone)
        for article in gone:
            live.pop(article)
    if merge:
        while writer.merge(MergePolicy(factor=2, floor=1, max_segments=1)) is not None:
            pass
    snapshot = opened(writer.index_dir)
    assert snapshot.size == len(live)
    queries = [
        ["hội thảo", "chính quyền"],
        ["tin", "số", "x"],
        ["điện tử", "điện tử"],
        ["không có"],
    ]
    assert_parity(snapshot, live, queries)
    # document frequencies, asked one key at a time (scalars) or together (arrays)
    words = sorted(set(query_terms([t for tokens in corpus for t in tokens] + ["không có"]).words))
    keys = np.array([term_key(w) for w in words], dtype=np.uint64)
    together = snapshot.generation.global_df("text.words", keys).tolist()
    alone = [
        int(snapshot.generation.global_df("text.words", keys[i : i + 1])[0])
        for i in range(len(keys))
    ]
    assert together == alone == [sum(w in tokens for tokens in live.values()) for w in words]


def test_top_k_equals_the_full_ranking_over_several_segments(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    vocabulary = [f"từ{i}" for i in range(400)]
    weights = 1 / np.arange(1, 401)
    weights /= weights.sum()
    writer = IndexWriter(tmp_path)
    docs = [list(rng.choice(vocabulary, size=rng.integers(5, 300), p=weights)) for _ in range(3000)]
    build(writer, [row(i + 1, d) for i, d in enumerate(docs[:2000])])
    apply(writer, [row(i + 1, d) for i, d in enumerate(docs[2000:], start=2000)])
    apply(writer, [row(7, docs[8], updated=1)], [11, 12])
    snapshot = opened(writer.index_dir)
    share = rng.random(snapshot.positions)
    candidates = np.flatnonzero(snapshot.live & (share > 0.3))
    for _trial in range(12):
        chosen = rng.choice(vocabulary[:60], size=4)
        keys = query_keys(query_terms(list(chosen)))
        clauses = [
            Clause("text.words", k, w)
            for k, w in zip(keys.words, (1.0, 0.7, -0.5, 1.3), strict=False)
        ]
        clauses += [Clause("text.syllables", k, 0.3) for k in keys.syllables]
        for wanted in (1, 10, 45):
            pruned = rank_candidates(snapshot, clauses, candidates, share[candidates], wanted)
            multiplier = share[candidates]
            full = rank_candidates(
                snapshot, clauses, candidates, multiplier, wanted, exhaustive=True
            )
            assert pruned.positions.tolist() == full.positions.tolist()
            assert pruned.scores.tolist() == full.scores.tolist()
        top = snapshot.field("text", "words").top(list(keys.words[:2]), 10)
        scores = snapshot.field("text", "words").scores(list(keys.words[:2]))
        expected = sorted(
            (p for p in np.flatnonzero(scores > 0)),
            key=lambda p: (
                -round(scores[p], 9),
                -snapshot.published_us[p],
                -snapshot.article_ids[p],
            ),
        )[:10]
        assert [p for p, _ in top] == expected


def test_top_k_over_every_holder_is_exact_in_concurrent_searches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every holder of a term as a candidate (`FieldView.top`), with and without a clause of
    negative weight, from two threads at once: each thread's work arrays come back clean.
    Windows of 4 positions scored one at a time, so this small index takes the bounds path
    in many batches, as a large one does."""
    monkeypatch.setattr(topk, "WINDOW", 4)
    monkeypatch.setattr(topk, "_FIRST_BATCH", 64)
    monkeypatch.setattr(topk, "_SMALL", 0)
    rng = np.random.default_rng(5)
    vocabulary = [f"từ{i}" for i in range(300)]
    weights = 1 / np.arange(1, 301)
    weights /= weights.sum()
    writer = IndexWriter(tmp_path)
    docs = [list(rng.choice(vocabulary, size=rng.integers(5, 200), p=weights)) for _ in range(1500)]
    for number in range(0, 1500, 40):  # rare words: few postings, so the bounds path runs
        docs[number].append(f"hiếm{number % 5}")
    build(writer, [row(i + 1, d) for i, d in enumerate(docs[:1000])])
    apply(writer, [row(i + 1, d) for i, d in enumerate(docs[1000:], start=1000)], [3, 4])
    snapshot = opened(writer.index_dir)
    questions = []
    for trial in range(16):
        words = list(rng.choice(vocabulary[: 20 + 15 * trial], size=3))
        if trial % 4 >= 2:
            words = [f"hiếm{trial % 5}", f"hiếm{(trial + 1) % 5}", f"hiếm{(trial + 2) % 5}"]
        keys = query_keys(query_terms(words))
        signs = (1.0, -0.5, 1.0) if trial % 2 else (1.0, 0.8, 1.2)
        clauses = [Clause("text.words", k, w) for k, w in zip(keys.words, signs, strict=False)]
        expected = rank_candidates(snapshot, clauses, None, None, 10, exhaustive=True)
        questions.append((clauses, expected.positions.tolist(), expected.scores.tolist()))
    failures: list[int] = []

    def search() -> None:
        for _round in range(5):
            for number, (clauses, positions, scores) in enumerate(questions):
                found = rank_candidates(snapshot, clauses, None, None, 10)
                if found.positions.tolist() != positions or found.scores.tolist() != scores:
                    failures.append(number)

    threads = [threading.Thread(target=search) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_merges_keep_the_segment_count_bounded_and_scores_exact(tmp_path: Path) -> None:
    writer = IndexWriter(tmp_path)
    live = {1: ["tin", "sở"], 2: ["hội thảo"], 3: ["số"], 4: ["x"], 5: ["tin"], 6: ["điện tử"]}
    build(writer, [row(a, t) for a, t in live.items()])
    for article in range(7, 40):
        live[article] = [WORDS[article % 8], WORDS[(article * 3) % 8]]
        apply(writer, [row(article, live[article])])
        writer.merge(MergePolicy(factor=4, floor=2))
    snapshot = opened(writer.index_dir)
    assert len(snapshot.segments) <= 8
    assert_parity(snapshot, live, [["tin", "số"], ["hội thảo", "x"]])
    for position in np.flatnonzero(snapshot.live).tolist():  # merges carry the signatures
        text = " ".join(live[int(snapshot.article_ids[position])])
        np.testing.assert_array_equal(snapshot.signature(position).hashes, signature(text).hashes)


def test_a_second_writer_waits_or_is_told_busy(tmp_path: Path) -> None:
    writer = IndexWriter(tmp_path)
    build(writer, [row(i, ["tin"]) for i in range(1, 7)])
    with writer.lock(), pytest.raises(IndexBusy), IndexWriter(tmp_path).lock(wait=False):
        pass


_WRITER = """
import sys, numpy as np
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.test_segments import row
from index.search.writer import IndexWriter
writer = IndexWriter(Path({path!r}))
for n in range({first}, {first} + 15):
    with writer.lock():
        writer.apply(writer.current(), [[row(n, ["tin", "số"])]], np.zeros(0, np.int64))
"""


def test_two_writing_processes_never_lose_each_others_changes(tmp_path: Path) -> None:
    writer = IndexWriter(tmp_path)
    build(writer, [row(i, ["sở"]) for i in range(1, 7)])
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER.format(root=str(ROOT), path=str(tmp_path), first=first)]
        )
        for first in (100, 200)
    ]
    assert [p.wait(120) for p in processes] == [0, 0]
    snapshot = opened(tmp_path)
    ids = sorted(int(a) for a in snapshot.article_ids[snapshot.live])
    assert ids == [*range(1, 7), *range(100, 115), *range(200, 215)]


_SLOW_BUILD = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.test_segments import row
from index.search.writer import IndexWriter
writer = IndexWriter(Path({path!r}), budget_bytes=1 << 16)
def batches():
    for start in range(1000, 400000, 500):
        yield [row(n, ["tin", "số", "hội thảo", str(n)]) for n in range(start, start + 500)]
{action}
"""


@pytest.mark.parametrize("action", ["build", "merge"])
def test_kill_9_while_writing_leaves_the_previous_generation_serving(
    tmp_path: Path, action: str
) -> None:
    writer = IndexWriter(tmp_path)
    build(writer, [row(i, ["tin", WORDS[i % 8]]) for i in range(1, 50)])
    if action == "merge":
        for start in range(50, 24050, 6000):  # large inputs, so the merge takes a while
            words = [WORDS[n % 8] for n in range(40)]
            apply(writer, [row(n, ["tin", str(n), *words]) for n in range(start, start + 6000)])
        code = (
            "writer.merge(__import__('index.search.writer', fromlist=['M'])"
            ".MergePolicy(factor=2, floor=1, max_segments=1))"
        )
    else:
        code = "writer.build(batches(), database='db', data_version='v2', analyzer='a')"
    before = read_current(tmp_path)
    expected = (
        opened(tmp_path).field("text", "words").scores(list(query_keys(query_terms(["tin"])).words))
    )
    script = _SLOW_BUILD.format(root=str(ROOT), path=str(tmp_path), action=code)
    process = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(
        p.name.startswith(".work-") for p in tmp_path.iterdir()
    ):
        time.sleep(0.05)
    time.sleep(0.3)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(30)
    assert read_current(tmp_path) == before
    again = (
        opened(tmp_path).field("text", "words").scores(list(query_keys(query_terms(["tin"])).words))
    )
    np.testing.assert_array_equal(again, expected)
    apply(writer, [row(5000, ["tin"])])  # the next writer cleans up after the dead one
    assert not any(
        p.name.startswith(".work-") or p.name.endswith(".tmp") for p in tmp_path.iterdir()
    )


def test_a_damaged_or_missing_file_is_detected(tmp_path: Path) -> None:
    writer = IndexWriter(tmp_path)
    build(writer, [row(i, ["tin", WORDS[i % 8]]) for i in range(1, 50)])
    manifest = read_current(tmp_path)
    assert manifest is not None
    segment = tmp_path / manifest.segments[0]
    data = bytearray(segment.read_bytes())
    where = ArrayFile(segment, verify=False)._toc["text.words.post"].offset
    data[where] ^= 0xFF  # one bit of the postings
    segment.write_bytes(bytes(data))
    with pytest.raises(CorruptIndex, match="checksum"):
        Generation.open(tmp_path, manifest)
    segment.unlink()
    with pytest.raises(CorruptIndex, match="missing"):
        Generation.open(tmp_path, manifest)


def _encoded_field(keys: np.ndarray, docs: np.ndarray, tfs: np.ndarray) -> FieldPostings:
    """Postings encoded as a segment writes them, read back without a file."""
    lengths = np.full(int(docs.max()) + 1, 7, dtype=np.int32)
    encoded = encode_postings(keys, docs, tfs, lengths)
    postings = FieldPostings.__new__(FieldPostings)
    for name in ("keys", "df", "codes", "bbase", "blast", "bmaxtf", "bmindl"):
        setattr(postings, name, encoded[name])
    postings.off = np.concatenate([[0], np.cumsum(encoded["size"])[:-1]]).astype(np.int64)
    postings.blk = np.concatenate([[0], np.cumsum(encoded["nblocks"])[:-1]]).astype(np.uint32)
    postings.post = encoded["data"]
    postings.lengths = lengths
    return postings


def _postings_of_every_width(
    rng: np.random.Generator,
) -> tuple[list[tuple[int, int]], list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """(df and largest frequency, keys, documents, frequencies) of terms in every width."""
    shapes = [
        (1, 1),
        (3, 15),
        (127, 2),
        (128, 15),
        (129, 16),
        (131, 3),
        (257, 4),
        (6, 2),
        (300, 255),
        (1001, 300),
    ]
    shapes += [(257, 70_000), (5, 1), (2000, 15), (130, 14)]
    keys, docs, tfs = [], [], []
    for key, (df, largest) in enumerate(shapes):
        chosen = np.sort(rng.choice(300_000, size=df, replace=False))
        freqs = rng.integers(1, largest + 1, size=df)
        freqs[rng.integers(df)] = largest
        keys.append(np.full(df, key, dtype=np.uint64))
        docs.append(chosen.astype(np.int64))
        tfs.append(freqs.astype(np.int64))
    cases = [(100, [1, 50], 60), (1000, [1, 127, 128, 129, 500, 999], 60), (300, [256], 60)]
    cases += [(1000, [1, 127, 129, 130, 998, 999], 4), (129, [128], 3), (513, [2, 511], 9)]
    for df, jumps, small in cases:
        gaps = rng.integers(1, small, size=df)
        gaps[jumps] = rng.integers(16, 70_000, size=len(jumps))  # a few large gaps
        keys.append(np.full(df, len(keys), dtype=np.uint64))
        docs.append(np.cumsum(gaps).astype(np.int64))
        tfs.append(rng.integers(1, 3, size=df).astype(np.int64))
        shapes.append((df, 2))
    return shapes, keys, docs, tfs


def test_postings_read_back_in_every_width_and_any_blocks() -> None:
    rng = np.random.default_rng(7)
    shapes, keys, docs, tfs = _postings_of_every_width(rng)
    postings = _encoded_field(np.concatenate(keys), np.concatenate(docs), np.concatenate(tfs))
    assert set((np.asarray(postings.codes) >> 4).tolist()) >= {0, 1, 2, 3, 4, 5}
    assert set((np.asarray(postings.codes) & 15).tolist()) >= {1, 2, 3, 4, 6}
    for term in range(len(shapes)):
        got_docs, got_tfs = postings.postings(term)
        assert got_docs.tolist() == docs[term].tolist()
        assert got_tfs.astype(np.int64).tolist() == tfs[term].tolist()
        assert postings.documents(term).tolist() == docs[term].tolist()
        _, count = postings.blocks(term)
        for _ in range(3):
            chosen = np.flatnonzero(rng.random(count) < 0.5)
            if len(chosen) == 0:
                continue
            wanted = np.concatenate(
                [np.arange(c * 128, min(c * 128 + 128, len(docs[term]))) for c in chosen]
            )
            got_docs, got_tfs = postings.block_postings(term, chosen)
            assert got_docs.tolist() == docs[term][wanted].tolist()
            assert got_tfs.astype(np.int64).tolist() == tfs[term][wanted].tolist()
    _compiled_reads_the_same(postings, docs, tfs)


def _compiled_reads_the_same(
    postings: FieldPostings, docs: list[np.ndarray], tfs: list[np.ndarray]
) -> None:
    """The compiled decoder (index/search/_kernels.c) reads every width as numpy does."""
    if not kernels.compiled():
        return
    size = max(int(d.max()) for d in docs) + 1
    norm = np.random.default_rng(1).random(size) + 0.3
    k1 = 1.2
    unit = (k1 + 1) / (norm + 1.0)
    for term, (expected, freqs) in enumerate(zip(docs, tfs, strict=True)):
        positions, saturations = kernels.decode_saturations(postings, term, 0, norm, unit, k1)
        assert positions.tolist() == expected.tolist()
        tf = freqs.astype(np.float64)
        assert saturations.tolist() == (tf * (k1 + 1) / (norm[expected] + tf)).tolist()
        counts = np.zeros(size, dtype=np.int16)
        source = kernels.term_source(postings, term, 0, norm, unit, 1)
        kernels.presence_ranges([source], counts, np.array([[0, size]]))
        assert np.flatnonzero(counts).tolist() == expected.tolist()


def test_a_corrupt_high_part_is_refused_not_read_past_the_positions() -> None:
    """A listed gap whose high part would carry a posting past any position raises."""
    if not kernels.compiled():
        pytest.skip("the compiled loops are not built")
    rng = np.random.default_rng(7)
    _, keys, docs, tfs = _postings_of_every_width(rng)
    postings = _encoded_field(np.concatenate(keys), np.concatenate(docs), np.concatenate(tfs))
    term = next(t for t in range(len(docs)) if int(postings.codes[t]) & 15 in (3, 6))
    n, offset, gap_code, tf_code = postings.layout(term)
    gap_bytes = n if gap_code == 3 else (n + 1) // 2
    tf_bytes = {0: 0, 1: n, 2: 2 * n, 3: (n + 1) // 2, 4: 4 * n, 5: (n + 3) // 4}[tf_code]
    end = offset + (gap_bytes + 3) // 4 * 4 + (tf_bytes + 3) // 4 * 4
    listed = int(np.frombuffer(bytes(postings.post[end : end + 4]), dtype="<u4")[0])
    assert listed > 0
    data = np.array(postings.post, dtype=np.uint8)
    high = end + 4 + 4 * listed  # the first listed gap's high part
    data[high : high + 4] = 0xFF
    postings.post = data
    size = max(int(d.max()) for d in docs) + 1
    norm = np.ones(size)
    with pytest.raises(ValueError, match="past the positions"):
        kernels.decode_saturations(postings, term, 0, norm, norm, 1.2)
    with pytest.raises(ValueError, match="past the positions"):
        source = kernels.term_source(postings, term, 0, norm, norm, 1.0)
        kernels.score_ranges([source], 1.2, np.zeros(size), None, np.array([[0, size]]))
