"""What reading phone-typed questions costs at scale: search latency with and without query
understanding, the reader's own share, and the size of the persisted typo tables.

The corpus and the index are `bench_search.py`'s (generated from real analysed sentences, built
by `bot.py reindex` in its own process, reused from the workdir when present). Questions: the
benchmark's 300 (2-6 consecutive words of real sentences, half without diacritics), then the
same accented ones typed in Telex with the input method off, and with 30% of their long words
mistyped. Each question is timed through `SearchEngine.search` with understanding (reader,
parser, restoration, preferences, answer line) and through the plain path, interleaved, for
`--rounds` rounds (medians of the per-round p50/p95); the reader alone is timed on the same
questions. The process stops itself above `--max-rss-gb`.

    python benchmarks/bench_typing.py --workdir /tmp/bench              # 100,000 articles
    python benchmarks/bench_typing.py --docs 2000 --rounds 1            # a quick run
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_reading import mistyped, telex_typed  # noqa: E402
from bench_search import (  # noqa: E402
    generate_database,
    make_queries,
    percentile,
    rss_mb,
    run_watched,
    sentence_pool,
    timed,
    watch_self,
)

from index import QueryDictionary  # noqa: E402
from index.search import SearchEngine  # noqa: E402
from index.search.understanding import read_question  # noqa: E402
from index.search.vocabulary import READING_ARRAYS  # noqa: E402
from index.store import Store  # noqa: E402
from index.text.normalize import fold  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--terms", type=int, default=300, help="text terms per article")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--max-rss-gb", type=float, default=3.0)
    args = parser.parse_args()
    limit_mb = args.max_rss_gb * 1024
    watch_self(limit_mb)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tinsobot-typing-"))
    workdir.mkdir(parents=True, exist_ok=True)
    pool = sentence_pool(workdir / "sentences.json")
    database = workdir / f"bench-{args.docs}-{args.terms}-{args.seed}.sqlite3"
    url = f"sqlite:///{database}"
    index_dir = Path(f"{database}-index")
    if not database.exists():
        print(f"generating {args.docs} articles in {database} ...", file=sys.stderr)
        generate_database(url, pool, args.docs, args.terms, args.seed)
    env = dict(os.environ, DATABASE_URL=url, INDEX_DIR=str(index_dir), LOAD_SAMPLE="false")
    build_s, build_peak, _ = run_watched([sys.executable, "bot.py", "reindex"], env, limit_mb)

    clean = make_queries(pool, args.queries, args.seed)
    accented = [q for q in clean if q != fold(q)]
    # (typed questions, the questions the plain path is timed on: what was meant)
    sets = {
        "benchmark questions (half without diacritics)": (clean, clean),
        "the accented half typed in Telex": ([telex_typed(q) for q in accented], accented),
        "the accented half, folded, 30% of long words mistyped": (
            [mistyped(fold(q), 0.3, seed=i) for i, q in enumerate(accented)],
            [fold(q) for q in accented],
        ),
    }
    store = Store.open(url)
    dictionary = QueryDictionary.load(ROOT / "data" / "dictionary.txt")
    engine = SearchEngine(store, dictionary=dictionary, index_dir=index_dir)
    engine.open()
    plain = SearchEngine(store, understanding=False, index_dir=index_dir)
    plain.keeper = engine.keeper  # the same opened index
    snapshot = engine.snapshot
    for query in clean[:20]:  # warm up: the CRF model, SQLite page cache
        engine.search(query)
        plain.search(query)

    print(f"{snapshot.size:,} articles; reindex {build_s:.0f} s, peak RSS {build_peak:.0f} MB")
    tables = snapshot.generation.tables
    reading_bytes = sum(tables.array(name).nbytes for name in READING_ARRAYS)
    segment_bytes = sum(s.file.size for s in snapshot.segments)
    share = 100 * reading_bytes / segment_bytes
    print(
        f"typo index + syllable table: {reading_bytes / 2**20:.1f} MB = {share:.1f}% of the "
        f"segments' {segment_bytes / 2**20:.0f} MB"
    )
    print()
    print("| questions | understanding p50 / p95 | plain (as meant) p50 / p95 | p95 difference "
          "| reader p50 / p95 |")  # fmt: skip
    print("|---|---|---|---|---|")
    for name, (questions, meant) in sets.items():
        rounds = []
        for _ in range(args.rounds):
            full, bare, reader = [], [], []
            for query, plain_query in zip(questions, meant, strict=True):  # interleaved
                full.append(timed(engine.search, query)[0])
                bare.append(timed(plain.search, plain_query)[0])
                reader.append(timed(read_question, snapshot, dictionary, query)[0])
            rounds.append([percentile(v, q) for v in (full, bare, reader) for q in (50, 95)])
        f50, f95, p50, p95, r50, r95 = (statistics.median(r[i] for r in rounds) for i in range(6))
        print(
            f"| {name} ({len(questions)}) | {f50:.1f} / {f95:.1f} ms | {p50:.1f} / {p95:.1f} ms "
            f"| {f95 - p95:+.1f} ms | {r50:.2f} / {r95:.2f} ms |"
        )
    print(f"\nresident memory of this process: {rss_mb():.0f} MB")
    engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
