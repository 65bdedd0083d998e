"""What reading phone-typed questions costs at scale: search latency with and without query
understanding, the reader's own share, and the size of the persisted typo tables.

The corpus and the index are `bench_search.py`'s (generated from real analysed sentences, built
by `bot.py reindex` in its own process, reused from the workdir when present). Questions: the
benchmark's 300 (2-6 consecutive words of real sentences, half without diacritics), then the
same accented ones typed in Telex with the input method off, and with 30% of their long words
mistyped. Both paths — `SearchEngine.search` with understanding (reader, parser, restoration,
preferences, answer line) and the plain path — run in one process per round, each with its own
opened index (its own decoded-postings cache), interleaved question by question so that both
see the same machine load, the first to go alternating from question to question and from
round to round: a path asking a question second in one shared index would find its postings
decoded by the first, which favoured the path timed second by several ms at p95. Each set is
asked through once ("first"), then again ("again"; the later sets reuse postings the earlier
ones decoded). Medians over `--rounds` rounds of the per-round p50 / p95. The reader alone is
timed on its own statistics. The process stops itself above `--max-rss-gb`.

    python benchmarks/bench_typing.py --workdir /tmp/bench              # 100,000 articles
    python benchmarks/bench_typing.py --docs 2000 --rounds 1            # a quick run
"""

from __future__ import annotations

import argparse
import json
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
    run_watched,
    sentence_pool,
    timed,
    watch_self,
)

from index import QueryDictionary  # noqa: E402
from index.search import SearchEngine  # noqa: E402
from index.search.understanding import SnapshotStats  # noqa: E402
from index.search.vocabulary import READING_ARRAYS  # noqa: E402
from index.store import Store  # noqa: E402
from index.text.normalize import fold  # noqa: E402
from index.text.reading import Reader  # noqa: E402

PATHS = ("understanding", "plain")


def question_sets(pool: list, count: int, seed: int) -> dict[str, tuple[list[str], list[str]]]:
    """(typed questions, the questions the plain path is timed on: what was meant) per set."""
    clean = make_queries(pool, count, seed)
    accented = [q for q in clean if q != fold(q)]
    return {
        "benchmark questions (half without diacritics)": (clean, clean),
        "the accented half typed in Telex": ([telex_typed(q) for q in accented], accented),
        "the accented half, folded, 30% of long words mistyped": (
            [mistyped(fold(q), 0.3, seed=i) for i, q in enumerate(accented)],
            [fold(q) for q in accented],
        ),
    }


def time_round(
    round_: int, url: str, index_dir: Path, sets: dict, warm: list[str]
) -> dict[str, dict[str, list]]:
    """In this process: every set's questions through both paths, interleaved, each path with
    its own opened index (its own decoded-postings cache), the first to go alternating from
    question to question and from round to round; every question first time, then again."""
    store = Store.open(url)
    dictionary = QueryDictionary.load(ROOT / "data" / "dictionary.txt")
    engines = {
        path: SearchEngine(
            store, dictionary=dictionary, understanding=path == "understanding", index_dir=index_dir
        )
        for path in PATHS
    }
    for engine in engines.values():
        engine.open()
        for query in warm:
            engine.search(query)
    result: dict[str, dict[str, list]] = {}
    for name, (questions, meant) in sets.items():
        times: dict[str, list[float]] = {}
        for asked in ("first", "again"):
            for number, pair in enumerate(zip(questions, meant, strict=True)):
                turn = PATHS if (number + round_) % 2 == 0 else PATHS[::-1]
                for path in turn:
                    question = pair[0] if path == "understanding" else pair[1]
                    took = timed(engines[path].search, question)[0]
                    times.setdefault(f"{path} {asked}", []).append(took)
        snapshot = engines["understanding"].snapshot
        stats = SnapshotStats(snapshot)  # its own: the searches' readings are memoised
        times["reader"] = [
            timed(Reader(stats, dictionary, snapshot.typos).read, q)[0] for q in questions
        ]
        result[name] = times
    for engine in engines.values():
        engine.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--terms", type=int, default=300, help="text terms per article")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--max-rss-gb", type=float, default=3.0)
    parser.add_argument("--round", type=int, help=argparse.SUPPRESS)  # a child's round
    args = parser.parse_args()
    limit_mb = args.max_rss_gb * 1024
    watch_self(limit_mb)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tinsobot-typing-"))
    workdir.mkdir(parents=True, exist_ok=True)
    pool = sentence_pool(workdir / "sentences.json")
    database = workdir / f"bench-{args.docs}-{args.terms}-{args.seed}.sqlite3"
    url = f"sqlite:///{database}"
    index_dir = Path(f"{database}-index")
    sets = question_sets(pool, args.queries, args.seed)
    if args.round is not None:
        warm = make_queries(pool, 40, 7)[:20]  # other questions: CRF model, SQLite page cache
        print(json.dumps(time_round(args.round, url, index_dir, sets, warm)))
        return 0
    if not database.exists():
        print(f"generating {args.docs} articles in {database} ...", file=sys.stderr)
        generate_database(url, pool, args.docs, args.terms, args.seed)
    env = dict(os.environ, DATABASE_URL=url, INDEX_DIR=str(index_dir), LOAD_SAMPLE="false")
    build_s, build_peak, _ = run_watched([sys.executable, "bot.py", "reindex"], env, limit_mb)
    report_tables(url, index_dir, build_s, build_peak)
    runs: list[dict] = []
    for round_ in range(args.rounds):  # a fresh process each: "first" is the first time
        command = [sys.executable, __file__, "--round", str(round_), "--docs", str(args.docs),
                   "--terms", str(args.terms), "--queries", str(args.queries),
                   "--seed", str(args.seed), "--workdir", str(workdir)]  # fmt: skip
        _, _, out = run_watched(command, dict(os.environ), limit_mb)
        runs.append(json.loads(out.strip().splitlines()[-1]))
    report_timings(sets, runs)
    return 0


def report_tables(url: str, index_dir: Path, build_s: float, build_peak: float) -> None:
    """The index's size and the typo tables' share of it."""
    engine = SearchEngine(Store.open(url), index_dir=index_dir)
    engine.open()
    snapshot = engine.snapshot
    print(f"{snapshot.size:,} articles; reindex {build_s:.0f} s, peak RSS {build_peak:.0f} MB")
    tables = snapshot.generation.tables
    reading_bytes = sum(tables.array(name).nbytes for name in READING_ARRAYS)
    segment_bytes = sum(s.file.size for s in snapshot.segments)
    share = 100 * reading_bytes / segment_bytes
    print(
        f"typo index + syllable table: {reading_bytes / 2**20:.1f} MB = {share:.1f}% of the "
        f"segments' {segment_bytes / 2**20:.0f} MB"
    )
    engine.close()


def report_timings(sets: dict, runs: list[dict]) -> None:
    """Medians over rounds of each path's per-round p50 / p95, per set, first time and again."""

    def median(name: str, key: str, q: int) -> float:
        return statistics.median(percentile(run[name][key], q) for run in runs)

    print()
    print("| questions | asked | understanding p50 / p95 | plain (as meant) p50 / p95 "
          "| p95 difference | reader p50 / p95 |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for name, (questions, _) in sets.items():
        for key in ("first", "again"):
            f50, f95 = (median(name, f"understanding {key}", q) for q in (50, 95))
            p50, p95 = (median(name, f"plain {key}", q) for q in (50, 95))
            r50, r95 = (median(name, "reader", q) for q in (50, 95))
            print(
                f"| {name} ({len(questions)}) | {key} | {f50:.1f} / {f95:.1f} ms "
                f"| {p50:.1f} / {p95:.1f} ms | {f95 - p95:+.1f} ms | {r50:.2f} / {r95:.2f} ms |"
            )


if __name__ == "__main__":
    sys.exit(main())
