"""Percolation: 100,000 subscriptions against 1,000 new articles.

A SQLite database holds the shipped sample; 1,000 new articles (the sample's records mixed, with
new urls, dated today) are ingested through the normal path, which queues them in the news
outbox. `--subscriptions` topics (default 100,000) are drawn from the corpus's titles: runs of
2-5 syllables, a third typed without diacritics, some with time words ("tháng này", dropped),
some abbreviations of the dictionary, some categories ("chuyên mục ..."), some questions of the
evaluation set (see `subscriptions`; `--dense` draws broad topics instead, each matching about a
fifth of the news: the worst case, 200 pushes per subscription).

Measured, in one run, `--repeat` times (median and range):
  analyse   every subscription analysed as search analyses a question (`SearchEngine.topic`);
            done once per subscription and kept by the bot between passes
  build     the topics weighed with the live index and indexed by their rarest concepts
  load      the new articles' syllables read from the database (their cached analysis)
  match     the 1,000 new articles percolated (each against its candidate subscriptions)
and the resident memory of this process (sampled every 0.1 s; peak).

Then the agreement with search: for `--check` subscriptions drawn at random, the new articles
percolation matched must be exactly those that running the subscription as a search counts as
matching well enough (`SearchEngine.matching`, the result list's coverage rule); any
difference is printed and fails the run.

    python benchmarks/bench_percolate.py                     # about a minute here
    python benchmarks/bench_percolate.py --subscriptions 20000 --repeat 1

Target (issue 15): build + load + match of 100,000 subscriptions against 1,000 articles <= 10 s.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from index import Archive, EmptyQuery, fold  # noqa: E402
from index.search import Topic  # noqa: E402

SAMPLE = ROOT / "data" / "sample"
ITEMS = SAMPLE / "sotttt-hanoi" / "items.jsonl"
DICTIONARY = ROOT / "data" / "dictionary.txt"
QUERIES = ROOT / "data" / "eval" / "tin-so" / "queries.jsonl"
ABBREVIATIONS = ["CĐS", "CQĐT", "ATTT", "CNTT", "UBND", "HĐND", "CPĐT", "ANM", "TT&TT"]
TIME_WORDS = ["tháng này", "hôm nay", "tuần này", "gần đây", "năm nay"]


def rss_mb() -> float:
    """This process's resident memory now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Watcher:
    """Samples resident memory in a thread while the work runs."""

    def __init__(self, every: float = 0.1) -> None:
        self.every = every
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(rss_mb())
            self._stop.wait(self.every)

    def __enter__(self) -> Watcher:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def new_articles(count: int, rng: random.Random) -> list[dict[str, str]]:
    """`count` articles mixed from the sample's records, dated now, with new urls."""
    records = [json.loads(line) for line in ITEMS.read_text("utf-8").splitlines() if line]
    today = time.strftime("%d/%m/%Y %H:%M")
    made = []
    for i in range(count):
        a, b = rng.choice(records), rng.choice(records)
        made.append(
            {
                "title": a["title"],
                "summary": f"{a.get('summary', '')} {b.get('summary', '')}",
                "body": b.get("summary", ""),
                "category": a.get("category"),
                "date": today,
                "url": f"https://bench.example/moi/{i}",
            }
        )
    return made


def subscriptions(archive: Archive, count: int, rng: random.Random, dense: bool) -> list[str]:
    """Topics as people would type them: runs of 3-6 syllables of the corpus's titles (a
    topic: "hội thảo chính quyền điện tử"), a third without diacritics, a tenth with time
    words; some abbreviations with a word, some categories, the evaluation set's questions.
    With `dense`, runs of 2-5 syllables: broad topics that each match a fifth of the news."""
    titles = [hit.title for hit in archive.latest(limit=10_000).hits]
    categories = [c.name for c in archive.categories()]
    asked = [json.loads(line)["text"] for line in QUERIES.read_text("utf-8").splitlines() if line]
    shortest, longest = (2, 5) if dense else (3, 6)
    made = []
    while len(made) < count:
        roll = rng.random()
        if roll < 0.02 and categories:
            made.append(f"chuyên mục {rng.choice(categories)}")
            continue
        if roll < 0.05:
            made.append(f"{rng.choice(ABBREVIATIONS)} {rng.choice(titles).split()[-1]}")
            continue
        if roll < 0.10:
            made.append(rng.choice(asked))
            continue
        words = rng.choice(titles).split()
        size = rng.randint(shortest, longest)
        start = rng.randrange(max(1, len(words) - size + 1))
        phrase = " ".join(words[start : start + size])
        if rng.random() < 0.33:
            phrase = fold(phrase)
        if rng.random() < 0.1:
            phrase += " " + rng.choice(TIME_WORDS)
        made.append(phrase)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check", type=int, default=300)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--dense", action="store_true", help="broad topics (see subscriptions)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="bench-percolate-"))
    archive = Archive.open(
        f"sqlite:///{folder / 'db.sqlite3'}", sample=SAMPLE, dictionary=DICTIONARY,
        index_dir=folder / "index",
    )  # fmt: skip
    engine = archive.engine
    news = folder / "news.jsonl"
    news.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in new_articles(args.articles, rng)),
        "utf-8",
    )
    report = archive.ingest([news])
    print(f"corpus: {engine.snapshot.size} articles, {report.added} of them new")
    queries = subscriptions(archive, args.subscriptions, rng, args.dense)
    new_ids = sorted(int(i) for i in engine.snapshot.article_ids[engine.snapshot.live])[
        -report.added :
    ]
    analyse_s: list[float] = []
    build_s: list[float] = []
    load_s: list[float] = []
    match_s: list[float] = []
    peaks: list[float] = []
    matched_by_article: dict[int, np.ndarray] = {}
    topics: dict[int, Topic] = {}
    for run in range(args.repeat):
        matched_by_article = {}  # the last run's matches go before this one is measured
        with Watcher() as watcher:
            started = time.perf_counter()
            topics = {}
            for number, query in enumerate(queries):
                with contextlib.suppress(EmptyQuery):
                    topics[number] = engine.topic(query)
            analysed = time.perf_counter()
            percolator = engine.percolator(topics)
            built = time.perf_counter()
            articles = engine.new_articles(new_ids)
            loaded = time.perf_counter()
            matched_by_article = percolator.match_many(articles)
            matched = time.perf_counter()
        pairs = sum(len(ids) for ids in matched_by_article.values())
        load_s.append(loaded - built)
        match_s.append(matched - loaded)
        analyse_s.append(analysed - started)
        build_s.append(built - analysed)
        peaks.append(max(watcher.samples or [rss_mb()]))
        print(
            f"run {run + 1}: analyse {analyse_s[-1]:.2f} s, build {build_s[-1]:.2f} s, "
            f"load {load_s[-1]:.2f} s, match {match_s[-1]:.2f} s ({pairs} matches), "
            f"RSS peak {peaks[-1]:.0f} MB"
        )

    def line(name: str, values: list[float]) -> str:
        return (
            f"{name:8} median {statistics.median(values):6.2f} s  "
            f"(min {min(values):.2f}, max {max(values):.2f})"
        )

    print(
        f"\n{len(topics)} subscriptions with a topic (of {len(queries)}), {len(new_ids)} articles"
    )
    print(line("analyse", analyse_s))
    print(line("build", build_s))
    print(line("load", load_s))
    print(line("match", match_s))
    total = [b + lo + m for b, lo, m in zip(build_s, load_s, match_s, strict=True)]
    print(line("b+l+m", total) + "   target <= 10 s")
    print(f"RSS peak {max(peaks):.0f} MB")

    new = set(new_ids)
    sample = rng.sample(sorted(topics), min(args.check, len(topics)))
    wanted = np.array(sample, dtype=np.int64)
    found: dict[int, set[int]] = {}
    for article_id, ids in matched_by_article.items():
        for subscription in np.intersect1d(ids, wanted).tolist():
            found.setdefault(subscription, set()).add(article_id)
    differences = 0
    for number in sample:
        expected = set(engine.matching(queries[number])) & new
        got = found.get(number, set())
        if expected != got:
            differences += 1
            print(f"DIFFERENT {queries[number]!r}: search {len(expected)}, percolation {len(got)}")
    hit = sum(1 for n in sample if found.get(n))
    print(
        f"agreement with search: {len(sample) - differences}/{len(sample)} subscriptions "
        f"({hit} of them matching some new article)"
    )
    archive.close()
    if differences:
        sys.exit(1)


if __name__ == "__main__":
    main()
