"""Two checkouts' understanding cost, side by side on one 100,000-article index (no reindex).

Run once per checkout, alternating (A B A B), from the checkout's folder with its PYTHONPATH;
each run times every question of `bench_typing.py` through search with understanding and the
plain path, interleaved, for 2 rounds (round 1: each question asked the first time, round 2:
asked again), and writes its timings and its first-round pages to `--out`. `--compare` then
prints medians per version and whether any page differs (results must not change).

    cd /old && PYTHONPATH=/old python /new/benchmarks/bench_typing_versions.py --out /tmp/a1.json
    cd /new && PYTHONPATH=/new python benchmarks/bench_typing_versions.py --out /tmp/b1.json
    python benchmarks/bench_typing_versions.py --compare /tmp/a1.json /tmp/b1.json ...

The workdir must hold an index built by `bench_typing.py --workdir` (the schema current).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROUNDS = 2


def measure(workdir: Path, out: Path) -> None:
    root = Path.cwd()
    sys.path.insert(0, str(root / "benchmarks"))
    from bench_reading import mistyped, telex_typed
    from bench_search import make_queries, percentile, sentence_pool, timed

    from index import QueryDictionary
    from index.search import SearchEngine
    from index.store import Store
    from index.text.normalize import fold

    pool = sentence_pool(workdir / "sentences.json")
    database = workdir / "bench-100000-300-20261128.sqlite3"
    clean = make_queries(pool, 300, 20261128)
    accented = [q for q in clean if q != fold(q)]
    sets = {
        "clean": (clean, clean),
        "telex": ([telex_typed(q) for q in accented], accented),
        "typos": (
            [mistyped(fold(q), 0.3, seed=i) for i, q in enumerate(accented)],
            [fold(q) for q in accented],
        ),
    }
    store = Store.open(f"sqlite:///{database}")
    dictionary = QueryDictionary.load(root / "data" / "dictionary.txt")
    index_dir = Path(f"{database}-index")
    engine = SearchEngine(store, dictionary=dictionary, index_dir=index_dir)
    engine.open()
    plain = SearchEngine(store, understanding=False, index_dir=index_dir)
    plain.keeper = engine.keeper
    for query in make_queries(pool, 40, 7)[:20]:  # warm up on other questions
        engine.search(query)
        plain.search(query)
    result: dict = {"sets": {}, "pages": {}}
    for name, (questions, meant) in sets.items():
        rounds = []
        for round_ in range(ROUNDS):
            full, bare = [], []
            for query, plain_query in zip(questions, meant, strict=True):
                took, page = timed(engine.search, query)
                full.append(took)
                bare.append(timed(plain.search, plain_query)[0])
                if round_ == 0:
                    result["pages"][query] = [
                        [h.article_id, round(h.score, 6), list(h.also_at)] for h in page.hits
                    ] + [page.total, page.understood, page.suggestion, page.time_label]
            diffs = [f - b for f, b in zip(full, bare, strict=True)]
            rounds.append(
                [percentile(v, q) for v in (full, bare) for q in (50, 95)]
                + [statistics.mean(diffs)]
            )
        result["sets"][name] = rounds
    out.write_text(json.dumps(result, ensure_ascii=False, default=str))


def compare(files: list[Path]) -> None:
    runs = [(f.stem.rstrip("0123456789"), json.loads(f.read_text())) for f in files]
    first = runs[0][1]["pages"]
    for path, (_, run) in zip(files, runs, strict=True):
        changed = sum(run["pages"].get(q) != page for q, page in first.items())
        print(f"{path.name}: {changed} of {len(first)} pages differ from {files[0].name}")
    print("| questions | version | round | with understanding p50 / p95 | plain p50 / p95 "
          "| p95 difference | mean difference |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for name in runs[0][1]["sets"]:
        for version in dict.fromkeys(v for v, _ in runs):
            for round_, label in ((0, "first ask"), (1, "asked again")):
                rows = [r["sets"][name][round_] for v, r in runs if v == version]
                f50, f95, p50, p95, mean = (statistics.median(r[i] for r in rows) for i in range(5))
                print(
                    f"| {name} | {version} | {label} | {f50:.1f} / {f95:.1f} ms "
                    f"| {p50:.1f} / {p95:.1f} ms | {f95 - p95:+.1f} ms | {mean:+.1f} ms |"
                )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench"))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--compare", type=Path, nargs="+")
    args = parser.parse_args()
    if args.compare:
        compare(args.compare)
    elif args.out:
        measure(args.workdir, args.out)
    else:
        parser.error("give --out or --compare")
    return 0


if __name__ == "__main__":
    sys.exit(main())
