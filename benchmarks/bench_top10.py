"""top-10 on the text words against tantivy-py, interleaved, in one process (ratios only).

    python benchmarks/bench_top10.py --workdir /tmp/bench [--index DIR] [--against OLD/topk.py]

Uses the database and tantivy index that `bench_search.py --tantivy --workdir DIR` left there,
and the same queries as its comparison (`--bm25-queries` of them, text words, `rounds` times).
`--against` also times another version's `index/search/topk.py` (loaded beside this one, on the
same opened index), each question asked of both in turn, which one first alternating: the
ratio of the two is then measured side by side in one process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_search as bs  # noqa: E402


def top_of(module: ModuleType, snapshot: object, keys: list[int]) -> list[tuple[int, float]]:
    """`FieldView.top` of the text words, through `module`'s top_k."""
    weights: dict[int, float] = {}
    for key in keys:
        weights[key] = weights.get(key, 0.0) + 1.0
    clauses = [module.Clause("text.words", key, weight) for key, weight in weights.items()]
    found: list[tuple[int, float]] = module.top_k(snapshot, clauses, 10)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--index", type=Path, default=None, help="our index (default: beside)")
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--bm25-queries", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--max-rss-gb", type=float, default=3.0, help="stop above this")
    parser.add_argument("--against", type=Path, default=None, help="another version's topk.py")
    args = parser.parse_args()
    bs.watch_self(args.max_rss_gb * 1024)
    from index.search.bm25 import BM25Params
    from index.search.generation import Generation, read_current
    from index.search.snapshot import Snapshot
    from index.search.terms import term_key

    database = args.workdir / f"bench-{args.docs}-300-{args.seed}.sqlite3"
    url = f"sqlite:///{database}"
    index_dir = args.index or Path(f"{database}-index")
    pool = bs.sentence_pool(args.workdir / "sentences.json")
    queries = bs.make_queries(pool, args.queries, args.seed)
    analyzer = bs.Analyzer()
    word_queries = [analyzer.terms(q) for q in queries[: args.bm25_queries]]
    word_keys = [[term_key(t) for t in q] for q in word_queries]
    snapshot = Snapshot(
        Generation.open(index_dir, read_current(index_dir), verify=False),
        BM25Params(1.2, 0.75, 0.25),
    )
    words = snapshot.field("text", "words")
    index, schema = bs.tantivy_index(args.workdir, url, args.docs, bs.SIX)
    searcher = index.searcher()
    from index.search import topk

    other = bs.load_version("index.search.topk_other", args.against) if args.against else None
    for q, keys in zip(word_queries, word_keys, strict=False):  # warm up, as bench_search does
        words.scores(keys)
        found = words.top(keys, 10)
        if other is not None and top_of(other, snapshot, keys) != found:
            raise SystemExit(f"the other version ranks {q} differently")
        searcher.search(bs.tantivy_query(schema, "text.words", list(q)), 10)
    ratios, against = [], []
    for _ in range(args.rounds):
        ours, theirs, others = [], [], []
        for number, (q, keys) in enumerate(zip(word_queries, word_keys, strict=False)):
            if other is not None and number % 2:
                others.append(bs.timed(top_of, other, snapshot, keys)[0])
            ours.append(bs.timed(top_of, topk, snapshot, keys)[0])
            if other is not None and not number % 2:
                others.append(bs.timed(top_of, other, snapshot, keys)[0])
            query = bs.tantivy_query(schema, "text.words", list(q))
            theirs.append(bs.timed(searcher.search, query, 10)[0])
        ratio = statistics.median(ours) / statistics.median(theirs)
        ratios.append(ratio)
        line = (
            f"ours p50 {statistics.median(ours):.2f} ms, tantivy p50 "
            f"{statistics.median(theirs):.2f} ms, ratio {ratio:.2f}"
        )
        if others:
            against.append(statistics.median(ours) / statistics.median(others))
            line += f"; other p50 {statistics.median(others):.2f} ms, ours/other {against[-1]:.2f}"
        print(line)
    print(f"median ratio {statistics.median(ratios):.2f}")
    if against:
        print(f"median ours/other {statistics.median(against):.2f}")
    print(f"decoded postings cached: {snapshot.cached_bytes / 2**20:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
