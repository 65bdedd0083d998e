"""Search speed and memory on a large generated corpus, against rank_bm25 and tantivy-py.

Segmenting 100,000 real articles would take hours here, so the corpus is generated: every article
is a random sequence of *real analysed sentences* (their cached token streams and display text).
`--corpus synthetic` takes them from the shipped sample and the public sets in ../shared (about
6,600 distinct words); `--corpus vietnews` from `--pool-articles` VietNews articles (real news,
a much larger vocabulary), analysed once with the project's Analyzer and cached in the workdir.
Vocabulary, frequencies and word pairs are therefore real; the path that is timed is the real
one: query analysis, coverage, ranking with top-k bounds and snippets read from the database.

    python benchmarks/bench_search.py --workdir /tmp/bench               # 100,000 articles
    python benchmarks/bench_search.py --docs 2000 --json                   # a quick run
    python benchmarks/bench_search.py --corpus vietnews --docs 300000 --workdir /tmp/bench

The index is built by a separate process (`bot.py reindex` on the generated database), whose
wall time and peak RSS are reported with the size of the files; then `bot.py ask` is timed as a
user runs it; then this process opens the index and times the searches. Memory is watched: the
run stops itself when a process goes past `--max-rss-gb`. Prints a Markdown table (medians and
p95 in milliseconds; ratios measured side by side in one run, `--rounds` times, medians).
"""

from __future__ import annotations

import argparse
import gc
import gzip
import hashlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index import Analyzer, QueryDictionary, SearchEngine, split_sentences  # noqa: E402
from index.text.analyzer import BOUNDARY  # noqa: E402
from index.store.database import now, open_database, set_meta  # noqa: E402
from index.store.importers import ArticleRecord, read_paths  # noqa: E402
from index.store.models import VIETNAM, Article, ArticleTerms, Source  # noqa: E402

SHARED = ROOT.parent / "shared"


@dataclass(frozen=True)
class Sentence:
    text: str
    tokens: tuple[str, ...]


def real_texts() -> list[str]:
    """Titles, summaries and bodies of every real Vietnamese text at hand."""
    texts: list[str] = []
    for item in read_paths([ROOT / "data" / "sample"]):
        if isinstance(item, ArticleRecord):
            texts += [item.title, item.summary, item.body]
    for name in ("ALQAC", "ViRHE4QA_v2"):
        corpus = SHARED / "eval" / name / "corpus.jsonl"
        if corpus.exists():
            for line in corpus.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                texts += [row.get("title", ""), row["text"]]
    news = SHARED / "data" / "newspapers" / "rss-items-2026-08-17.json"
    if news.exists():
        for row in json.loads(news.read_text(encoding="utf-8")):
            texts += [row["title"], row.get("summary", "")]
    return [t for t in texts if t and t.strip()]


def vietnews_texts(articles: int) -> list[str]:
    """Titles, summaries and bodies of the first `articles` VietNews training articles."""
    texts: list[str] = []
    with gzip.open(SHARED / "data" / "vietnews" / "vietnews-train.jsonl.gz", "rt") as handle:
        for number, line in enumerate(handle):
            if number >= articles:
                break
            row = json.loads(line)
            texts += [row["title"], row.get("summary", ""), row.get("body", "")]
    return [t for t in texts if t and t.strip()]


def sentence_pool(cache: Path, texts=None) -> list[Sentence]:  # type: ignore[no-untyped-def]
    """Analyse every real sentence once (cached on disk between runs)."""
    if cache.exists():
        rows = json.loads(cache.read_text(encoding="utf-8"))
        return [Sentence(text, tuple(tokens)) for text, tokens in rows]
    analyzer = Analyzer()
    pool = []
    for text in texts if texts is not None else real_texts():
        for sentence in split_sentences(text):
            tokens = analyzer.tokens(sentence)
            if len(tokens) >= 3:
                pool.append(Sentence(sentence, tuple(tokens)))
    cache.write_text(
        json.dumps([[s.text, list(s.tokens)] for s in pool], ensure_ascii=False), encoding="utf-8"
    )
    return pool


def generate_database(url: str, pool: list[Sentence], docs: int, terms: int, seed: int) -> None:
    """Write `docs` articles of about `terms` text terms, each with a title sentence."""
    rng = random.Random(seed)
    sessions = open_database(url)
    start = datetime(2012, 1, 1, tzinfo=VIETNAM)
    with sessions.begin() as session:
        source = Source(name="synthetic", created_at=now())
        session.add(source)
        session.flush()
        source_id = source.id
    stamp = now()
    batch_articles, batch_terms = [], []
    for number in range(1, docs + 1):
        title = rng.choice(pool)
        chosen: list[Sentence] = []
        length = 0
        while length < terms:
            sentence = rng.choice(pool)
            chosen.append(sentence)
            length += len(sentence.tokens)
        body = "\n".join(s.text for s in chosen)
        digest = hashlib.sha256(f"{number}:{body}".encode()).hexdigest()
        published = start + timedelta(minutes=rng.randrange(0, 10 * 365 * 24 * 60))
        batch_articles.append(
            dict(
                id=number,
                source_id=source_id,
                url=f"https://synthetic.gov.vn/{number}",
                title=title.text[:300],
                summary="",
                body=body,
                category=f"Chuyên mục {number % 14}",
                author=None,
                published_at=published,
                date_estimated=False,
                fetched_at=stamp,
                content_hash=digest,
                updated_at=stamp,
            )
        )
        text_tokens: list[str] = [*title.tokens, BOUNDARY]  # the text field holds the title too
        for sentence in chosen:
            text_tokens.extend(sentence.tokens)
            text_tokens.append(BOUNDARY)
        batch_terms.append(
            dict(
                article_id=number,
                analyzer_version=Analyzer.version,
                content_hash=digest,
                title_tokens="\n".join(title.tokens),
                text_tokens="\n".join(text_tokens[:-1]),
                sentences=json.dumps([s.text for s in chosen], ensure_ascii=False),
            )
        )
        if len(batch_articles) == 5000 or number == docs:
            with sessions.begin() as session:
                session.execute(insert(Article), batch_articles)
                session.execute(insert(ArticleTerms), batch_terms)
            batch_articles, batch_terms = [], []
    with sessions.begin() as session:
        set_meta(session, "data_version", f"synthetic-{docs}-{terms}-{seed}")


def make_queries(pool: list[Sentence], count: int, seed: int) -> list[str]:
    """Realistic questions: 2 to 6 consecutive words of real sentences, half typed without
    diacritics, the way citizens type on a phone."""
    from index.text.normalize import fold

    rng = random.Random(seed)
    queries = []
    while len(queries) < count:
        words = [
            t for t in rng.choice(pool).tokens if t != BOUNDARY and t.replace(" ", "").isalpha()
        ]
        if len(words) < 2:
            continue
        size = rng.randint(2, min(6, len(words)))
        begin = rng.randrange(0, len(words) - size + 1)
        query = " ".join(words[begin : begin + size])
        queries.append(fold(query) if len(queries) % 2 else query)
    return queries


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def timed(function, *args) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - started) * 1000, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--terms", type=int, default=300, help="text terms per article")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument(
        "--bm25-queries",
        type=int,
        default=20,
        help="queries timed on rank_bm25 (slow: hundreds of ms each)",
    )
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument(
        "--workdir", type=Path, default=None, help="keep the generated database here and reuse it"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tinsobot-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    pool = sentence_pool(workdir / "sentences.json")
    database = workdir / f"bench-{args.docs}-{args.terms}-{args.seed}.sqlite3"
    url = f"sqlite:///{database}"
    if not database.exists():
        print(f"generating {args.docs} articles in {database} ...", file=sys.stderr)
        generate_database(url, pool, args.docs, args.terms, args.seed)

    sessions = open_database(url)
    dictionary = QueryDictionary.load(ROOT / "data" / "dictionary.txt")
    engine = SearchEngine(sessions, dictionary=dictionary)
    gc.collect()
    rss_before = rss_mb()
    build_ms, snapshot = timed(engine.reload)  # nothing is stale: cached terms only
    rss_index = rss_mb() - rss_before

    queries = make_queries(pool, args.queries, args.seed)
    plain = SearchEngine(sessions, understanding=False)
    plain._snapshot = snapshot
    for query in queries[:20]:  # warm up: the CRF model, SQLite page cache
        engine.search(query)
        plain.search(query)
    search_ms, plain_ms = [], []
    for query in queries:  # interleaved, so both paths see the same machine load
        search_ms.append(timed(engine.search, query)[0])
        plain_ms.append(timed(plain.search, query)[0])

    # Like for like: the same text word field, the same query words, both formulas BM25Okapi.
    analyzer = engine.analyzer
    word_queries = [analyzer.terms(q) for q in queries[: args.bm25_queries]]
    word_index = snapshot.text.words
    ours_ms = [timed(word_index.scores, q)[0] for q in word_queries]

    from rank_bm25 import BM25Okapi

    with sessions() as session:
        streams = [
            [t for t in row.split("\n") if t != BOUNDARY] if row else []
            for row in session.scalars(
                ArticleTerms.__table__.select()
                .with_only_columns(ArticleTerms.text_tokens)
                .order_by(ArticleTerms.article_id)
            )
        ]
    params = snapshot.text.words.params
    reference_build_ms, reference = timed(
        lambda s: BM25Okapi(s, k1=params.k1, b=params.b, epsilon=params.epsilon), streams
    )
    del streams
    reference_ms = []
    for q in word_queries:
        elapsed, expected = timed(reference.get_scores, q)
        reference_ms.append(elapsed)
        assert np.allclose(word_index.scores(q), expected, atol=1e-6), (
            "scores differ from rank_bm25"
        )

    result = {
        "docs": snapshot.size,
        "terms_per_doc": round(float(snapshot.text.words.doc_lengths.mean()), 1),
        "vocabulary_words": len(snapshot.text.words.vocabulary),
        "queries": len(queries),
        "search_p50_ms": percentile(search_ms, 50),
        "search_p95_ms": percentile(search_ms, 95),
        "plain_p50_ms": percentile(plain_ms, 50),
        "plain_p95_ms": percentile(plain_ms, 95),
        "p95_ratio_to_plain": percentile(search_ms, 95) / percentile(plain_ms, 95),
        "build_s": build_ms / 1000,
        "index_rss_mb": rss_index,
        "index_arrays_mb": snapshot.nbytes / 1e6,
        "bm25_scores_p50_ms": percentile(ours_ms, 50),
        "rank_bm25_get_scores_p50_ms": percentile(reference_ms, 50),
        "rank_bm25_build_s": reference_build_ms / 1000,
        "speedup_scores_vs_rank_bm25": statistics.median(reference_ms) / statistics.median(ours_ms),
        "speedup_search_vs_rank_bm25": statistics.median(reference_ms)
        / statistics.median(search_ms),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(render(result))
    return 0


def render(r: dict[str, float]) -> str:
    return "\n".join(
        [
            f"Corpus: {r['docs']:,} articles, {r['terms_per_doc']:.0f} text terms each on average, "
            f"{r['vocabulary_words']:,} distinct words; {r['queries']} queries (half without diacritics).",
            "",
            "| measure | value |",
            "|---|---|",
            f"| `SearchEngine.search` p50 | {r['search_p50_ms']:.1f} ms |",
            f"| `SearchEngine.search` p95 | {r['search_p95_ms']:.1f} ms |",
            f"| plain path (no query understanding) p50 / p95 | {r['plain_p50_ms']:.1f} / {r['plain_p95_ms']:.1f} ms |",
            f"| p95 with understanding / plain | {r['p95_ratio_to_plain']:.2f}x |",
            f"| index build from cached terms | {r['build_s']:.1f} s |",
            f"| resident memory of the index | {r['index_rss_mb']:.0f} MB (arrays {r['index_arrays_mb']:.0f} MB) |",
            f"| `BM25Index.scores`, word field, p50 | {r['bm25_scores_p50_ms']:.2f} ms |",
            f"| `BM25Okapi.get_scores`, same field and queries, p50 | {r['rank_bm25_get_scores_p50_ms']:.1f} ms |",
            f"| speed-up, `scores` vs `get_scores` | {r['speedup_scores_vs_rank_bm25']:.0f}x |",
            f"| speed-up, whole `search` vs `get_scores` | {r['speedup_search_vs_rank_bm25']:.0f}x |",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
