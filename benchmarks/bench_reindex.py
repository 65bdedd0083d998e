"""Search latency while the index is rebuilt, against idle, in one run (repeated rounds).

Uses a database made by bench_search.py (same --docs/--terms/--seed/--workdir). Each round times
`--queries` searches idle, then the same searches while a full rebuild from the cached terms runs
the way `/reindex full` runs it (a child process at lower priority; re-segmenting 100,000 articles
with underthesea would take hours, so `--reanalyse` is off by default), and reports p50/p95 of
both and their ratio, plus whether anything logged "database is locked".

    python benchmarks/bench_reindex.py --workdir /tmp/bench --docs 100000
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_search import make_queries, sentence_pool, watch_self  # noqa: E402

from index import Archive, QueryDictionary  # noqa: E402
from index.search.worker import run_child  # noqa: E402


class _Locked(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "database is locked" in record.getMessage():
            self.count += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--terms", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reanalyse", action="store_true", help="re-segment every article too")
    parser.add_argument("--max-rss-gb", type=float, default=8.0)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    watch_self(args.max_rss_gb * 1024)
    database = args.workdir / f"bench-{args.docs}-{args.terms}-{args.seed}.sqlite3"
    if not database.exists():
        raise SystemExit(f"{database}: run bench_search.py with the same options first")
    url = f"sqlite:///{database}"
    locked = _Locked()
    logging.getLogger().addHandler(locked)
    archive = Archive.open(
        url,
        index_dir=Path(f"{database}-index"),
        dictionary=QueryDictionary.load(ROOT / "data" / "dictionary.txt"),
    )
    engine = archive.engine
    queries = make_queries(sentence_pool(args.workdir / "sentences.json"), args.queries, args.seed)
    for query in queries[:20]:
        engine.search(query)
    rounds = []
    for _ in range(args.rounds):
        idle = [_timed(engine.search, q) for q in queries]
        done = threading.Event()
        started = time.perf_counter()

        def rebuild(done: threading.Event) -> None:
            try:
                run_child("reindex", url, str(engine.index_dir), full=args.reanalyse)
            finally:
                done.set()

        threading.Thread(target=rebuild, args=(done,), daemon=True).start()
        busy: list[float] = []
        while not done.is_set():
            for query in queries:
                busy.append(_timed(engine.search, query))
                archive.record_question(query, 1)  # the bot counts every question: a write
                if done.is_set():
                    break
        rebuild_s = time.perf_counter() - started
        engine.refresh()
        rounds.append(
            {
                "idle_p50_ms": float(np.percentile(idle, 50)),
                "idle_p95_ms": float(np.percentile(idle, 95)),
                "busy_p50_ms": float(np.percentile(busy, 50)),
                "busy_p95_ms": float(np.percentile(busy, 95)),
                "busy_max_ms": max(busy),
                "busy_searches": len(busy),
                "rebuild_s": rebuild_s,
            }
        )
    result = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    result["p95_ratio"] = statistics.median(r["busy_p95_ms"] / r["idle_p95_ms"] for r in rounds)
    result["database_locked_lines"] = locked.count
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print("| measure | idle | during a full rebuild |")
        print("|---|---|---|")
        print(f"| search p50 | {result['idle_p50_ms']:.1f} ms | {result['busy_p50_ms']:.1f} ms |")
        print(
            f"| search p95 | {result['idle_p95_ms']:.1f} ms | {result['busy_p95_ms']:.1f} ms "
            f"(**{result['p95_ratio']:.2f}x**) |"
        )
        print(f"| search max | | {result['busy_max_ms']:.1f} ms |")
        print(
            f"| rebuild (child process, nice 10) | | {result['rebuild_s']:.1f} s, "
            f"{result['busy_searches']:.0f} searches meanwhile |"
        )
        print(f"| 'database is locked' log lines | | {result['database_locked_lines']} |")
    return 0


def _timed(function, *args) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    function(*args)
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    sys.exit(main())
