"""The compiled ranking loops against the numpy path (or another build of them), side by side
in one process.

Each path has its own opened index (its own decoded-postings cache) over the database and
index that `bench_search.py --workdir DIR` left; every benchmark question goes through
`SearchEngine.search` on both, the first to go alternating from question to question. Prints
p50 / p95 of each, their ratios, and how many result pages differ (none may: both paths
compute the same floats).

    python benchmarks/bench_compiled.py --workdir /tmp/bench
    # the installed loops against those of another commit, built beside them:
    git show REV:index/search/_kernels.c > /tmp/old.c
    gcc -O3 -ffp-contract=off -fno-fast-math -shared -fPIC $(python3-config --includes) \
        /tmp/old.c -o /tmp/old.so
    python benchmarks/bench_compiled.py --workdir /tmp/bench --against /tmp/old.so
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_search import (  # noqa: E402
    load_version,
    make_queries,
    percentile,
    sentence_pool,
    watch_self,
)

from index import QueryDictionary  # noqa: E402
from index.search import SearchEngine, SearchPage, kernels  # noqa: E402
from index.store import Store  # noqa: E402


def page_key(page: SearchPage) -> list[object]:
    hits = [[h.article_id, repr(h.score), h.snippet.text, h.snippet.spans] for h in page.hits]
    return [*hits, page.total, page.understood, page.suggestion, repr(page.answer)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--max-rss-gb", type=float, default=3.0, help="stop above this")
    parser.add_argument(
        "--against", type=Path, help="another build of _kernels (.so) instead of the numpy path"
    )
    args = parser.parse_args()
    watch_self(args.max_rss_gb * 1024)
    compiled = kernels._COMPILED
    if compiled is None:
        raise SystemExit("the compiled loops are not built (pip install -e .)")
    other = load_version("_kernels", args.against) if args.against else None
    first = "other" if other else "numpy"  # what the installed build is compared with
    database = args.workdir / f"bench-{args.docs}-300-{args.seed}.sqlite3"
    store = Store.open(f"sqlite:///{database}")
    dictionary = QueryDictionary.load(ROOT / "data" / "dictionary.txt")
    paths = (first, "compiled")
    engines = {
        path: SearchEngine(store, dictionary=dictionary, index_dir=Path(f"{database}-index"))
        for path in paths
    }
    pool = sentence_pool(args.workdir / "sentences.json")

    def search(path: str, question: str) -> tuple[float, SearchPage]:
        kernels._COMPILED = compiled if path == "compiled" else other
        started = time.perf_counter()
        page = engines[path].search(question)
        return 1000 * (time.perf_counter() - started), page

    for engine in engines.values():
        engine.open()
    for question in make_queries(pool, 40, 7)[:20]:  # warm up on other questions
        for path in paths:
            search(path, question)
    times: dict[str, list[float]] = {path: [] for path in paths}
    differ = 0
    for number, question in enumerate(make_queries(pool, args.queries, args.seed)):
        pages = {}
        for path in paths if number % 2 == 0 else paths[::-1]:
            took, pages[path] = search(path, question)
            times[path].append(took)
        differ += page_key(pages[first]) != page_key(pages["compiled"])
    kernels._COMPILED = compiled
    for path, took in times.items():
        p50, p95, mean = percentile(took, 50), percentile(took, 95), statistics.mean(took)
        print(f"{path}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, mean {mean:.1f} ms")
    ratios = [percentile(times["compiled"], q) / percentile(times[first], q) for q in (50, 95)]
    print(f"compiled / {first}: p50 {ratios[0]:.2f}, p95 {ratios[1]:.2f}; pages differing {differ}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
