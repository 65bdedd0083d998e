"""Result pages of two checkouts, compared and timed side by side (snippets and their sentences).

Each checkout runs in its own process (its root first on sys.path) over one benchmark database:
the benchmark's questions go through `SearchEngine.search` (first and second page); the pages
must be identical (hits' ids, scores, copies, snippets' text and spans, answers, totals). Then
both processes answer the questions again in alternating rounds, timing the part that reads the
sentences (`Store.sentences`) and makes the snippets (`make_snippet`); medians per round and the
ratio are printed. The machine's other work moves absolute times: only the ratio means much.

    python benchmarks/compare_snippets.py --before /path/to/old/checkout --after . \\
        --workdir /tmp/bench --rounds 7
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

DATABASE = "bench-100000-300-20261128.sqlite3"


def worker(root: Path, workdir: Path, questions: int, seed: int) -> None:
    """Serve `pages` and `time` commands (one JSON line each) for the checkout at `root`."""
    sys.path[:0] = [str(root), str(root / "benchmarks")]
    out = os.fdopen(os.dup(1), "w")
    sys.stdout = sys.stderr
    from bench_search import make_queries, sentence_pool

    from index import QueryDictionary
    from index.search import SearchEngine
    from index.search import engine as engine_module
    from index.store import Store

    spent = {"sentences": 0.0, "snippets": 0.0}

    def timed(part: str, function: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[part] += time.perf_counter() - start

        return run

    Store.sentences = timed("sentences", Store.sentences)  # type: ignore[method-assign]
    snippets = timed("snippets", engine_module.make_snippet)
    engine_module.make_snippet = snippets  # type: ignore[attr-defined]
    db = workdir / DATABASE
    store = Store.open(f"sqlite:///{db}")
    asked = make_queries(sentence_pool(workdir / "sentences.json"), questions, seed)
    dictionary = QueryDictionary.load(root / "data" / "dictionary.txt")
    engine = SearchEngine(store, dictionary=dictionary, index_dir=Path(f"{db}-index"))
    engine.open()
    for line in sys.stdin:
        command = line.strip()
        if command == "pages":
            reply: Any = [_page(engine, q, offset) for q in asked for offset in (0, 5)]
        else:
            spent.update(sentences=0.0, snippets=0.0)
            start = time.perf_counter()
            for question in asked:
                engine.search(question)
            reply = {**spent, "total": time.perf_counter() - start}
            reply["part"] = spent["sentences"] + spent["snippets"]
        out.write(json.dumps(reply) + "\n")
        out.flush()


def _page(engine: Any, question: str, offset: int) -> str:
    page = engine.search(question, offset=offset)
    hits = [(h.article_id, h.score, h.also_at, h.snippet.text, h.snippet.spans) for h in page.hits]
    return repr((question, offset, page.total, hits, page.answer, page.suggestion))


def _start(root: Path, args: argparse.Namespace) -> subprocess.Popen[str]:
    command = [sys.executable, __file__, "--worker", str(root), "--workdir", str(args.workdir)]
    command += ["--questions", str(args.questions), "--seed", str(args.seed)]
    environment = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment
    )


def _ask(process: subprocess.Popen[str], command: str) -> Any:
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(command + "\n")
    process.stdin.flush()
    return json.loads(process.stdout.readline())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the other checkout")
    parser.add_argument("--after", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument(
        "--workdir", type=Path, required=True, help="bench_search.py's, at 100,000 articles"
    )
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--worker", type=Path)
    args = parser.parse_args()
    if args.worker is not None:
        worker(args.worker.resolve(), args.workdir, args.questions, args.seed)
        return
    before, after = _start(args.before.resolve(), args), _start(args.after.resolve(), args)
    old, new = _ask(before, "pages"), _ask(after, "pages")
    differ = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    print(f"pages compared: {len(old)}, different: {len(differ)}")
    for a, b in differ[:3]:
        print(f"  before: {a}\n  after:  {b}")
    rounds: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    for i in range(args.rounds):
        order = [("before", before), ("after", after)]
        for name, process in order if i % 2 == 0 else order[::-1]:
            rounds[name].append(_ask(process, "time"))
    for process in (before, after):
        assert process.stdin is not None
        process.stdin.close()
        process.wait()
    _report(rounds, args.questions)


def _report(rounds: dict[str, list[dict[str, float]]], questions: int) -> None:
    """Medians of the rounds, in milliseconds per question, and the ratios after/before."""
    columns = ("sentences", "snippets", "part", "total")
    print("ms per question, medians of rounds; part = sentences + snippets, total = search")
    print(f"{'':8}" + "".join(f"{c:>11}" for c in columns))
    medians = {}
    for name, timings in rounds.items():
        medians[name] = [statistics.median(t[c] for t in timings) for c in columns]
        print(f"{name:8}" + "".join(f"{m * 1000 / questions:11.3f}" for m in medians[name]))
    ratios = [a / b for a, b in zip(medians["after"], medians["before"], strict=True)]
    print(f"{'ratio':8}" + "".join(f"{r:11.3f}" for r in ratios))
    pairs = zip(rounds["before"], rounds["after"], strict=True)
    print("part ratio per round:", ", ".join(f"{a['part'] / b['part']:.3f}" for b, a in pairs))


if __name__ == "__main__":
    main()
