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
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType

import numpy as np
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.search import SearchEngine  # noqa: E402
from index.store import ArticleRecord, Store, read_paths  # noqa: E402
from index.store.database import open_database, set_meta  # noqa: E402
from index.store.models import Article, ArticleTerms, Source  # noqa: E402
from index.text import (  # noqa: E402
    BOUNDARY,
    VIETNAM,
    Analyzer,
    QueryDictionary,
    now,
    split_sentences,
)
from index.text.shingles import article_signature  # noqa: E402

SHARED = next(
    (p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
    ROOT.parent / "shared",
)  # ../shared beside the clone, or beside the worktrees' folder


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
                # as ingest keeps it (`analysis_values`), so that the build never computes it
                sketch=article_signature(title.text[:300], [s.text for s in chosen]).to_bytes(),
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


def load_version(name: str, path: Path) -> ModuleType:
    """Another version of one of our modules, loaded from `path` beside ours under `name` (for
    side-by-side timings): registered, so a Python file's relative imports resolve as ours; a
    compiled one's name must end as its file's (`_kernels`)."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def rss_mb(pid: int | str = "self", key: str = "VmRSS") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def timed(function, *args) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - started) * 1000, result


def watch_self(limit_mb: float) -> None:
    """Stop this process before it endangers the shared machine."""

    def watch() -> None:
        while True:
            if rss_mb() > limit_mb:
                print(f"stopping: resident memory above {limit_mb:.0f} MB", file=sys.stderr)
                os._exit(3)
            time.sleep(0.2)

    threading.Thread(target=watch, daemon=True).start()


def run_watched(
    command: list[str], env: dict[str, str], limit_mb: float
) -> tuple[float, float, str]:
    """Run a command; (wall seconds, peak RSS in MB, stdout); killed above `limit_mb`."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = 0.0
    while process.poll() is None:
        found = rss_mb(process.pid, "VmHWM")
        if found == found:
            peak = max(peak, found)
        if peak > limit_mb:
            process.kill()
            raise SystemExit(f"stopped {command[2:4]}: peak RSS above {limit_mb:.0f} MB")
        time.sleep(0.05)
    out, err = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode:
        raise SystemExit(f"{' '.join(command[1:3])} failed: {err.strip()[-500:]}")
    return wall, peak, out


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.iterdir() if p.is_file())


def tantivy_index(workdir: Path, url: str, docs: int, fields: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """The same fields' terms in a tantivy index (frequencies, no positions), built once."""
    import tantivy

    from index.search.fields import query_terms

    path = workdir / f"tantivy-{Path(url).name}"
    builder = tantivy.SchemaBuilder()
    for field in fields:
        builder.add_text_field(
            field.replace(".", "_"), tokenizer_name="whitespace", index_option="freq"
        )
    schema = builder.build()
    if (path / "meta.json").exists():
        return tantivy.Index(schema, path=str(path)), schema
    path.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema, path=str(path))
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    sessions = open_database(url)
    query = (
        ArticleTerms.__table__.select()
        .with_only_columns(ArticleTerms.title_tokens, ArticleTerms.text_tokens)
        .order_by(ArticleTerms.article_id)
    )
    with sessions() as session:
        for rows in session.execute(query.execution_options(yield_per=2000)).partitions():
            for title, text in rows:
                values = {}
                for group, stream in (("title", title), ("text", text)):
                    terms = query_terms(stream.split("\n") if stream else [])
                    for kind in ("words", "syllables", "pairs"):
                        name = f"{group}.{kind}"
                        if name in fields:
                            values[name.replace(".", "_")] = " ".join(
                                t.replace(" ", "_") for t in getattr(terms, kind)
                            )
                writer.add_document(tantivy.Document(**values))
    writer.commit()
    writer.wait_merging_threads()
    return tantivy.Index(schema, path=str(path)), schema


def tantivy_query(schema, field: str, terms: list[str]):  # type: ignore[no-untyped-def]
    import tantivy

    name = field.replace(".", "_")
    clauses = [
        (tantivy.Occur.Should, tantivy.Query.term_query(schema, name, t.replace(" ", "_")))
        for t in terms
    ]
    return tantivy.Query.boolean_query(clauses)


SIX = (
    "title.words",
    "title.syllables",
    "title.pairs",
    "text.words",
    "text.syllables",
    "text.pairs",
)


def query_clause_terms(analyzer, query: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    from index.search.fields import query_terms

    terms = query_terms(analyzer.tokens(query))
    return {f: list(dict.fromkeys(getattr(terms, f.split(".")[1]))) for f in SIX}


def measure_memory(
    which: str, url: str, index_dir: Path, workdir: Path, queries: list[str]
) -> float:
    """RSS growth (MB) from before opening to after the queries, in this fresh process."""
    from index.search.bm25 import BM25Params
    from index.search.generation import Generation, read_current
    from index.search.snapshot import Snapshot
    from index.search.terms import pair_key, term_key
    from index.search.topk import Clause, top_k

    analyzer = Analyzer()
    prepared = [query_clause_terms(analyzer, q) for q in queries]
    if which == "tantivy":
        import tantivy

        tantivy_index(workdir, url, 0, SIX)  # built by the parent already
    gc.collect()
    before = rss_mb()
    if which == "tantivy":
        index, schema = tantivy_index(workdir, url, 0, SIX)
        searcher = index.searcher()
        for terms in prepared:
            clauses = []
            for field, values in terms.items():
                if values:
                    clauses.append((tantivy.Occur.Should, tantivy_query(schema, field, values)))
            searcher.search(tantivy.Query.boolean_query(clauses), 10)
    else:
        manifest = read_current(index_dir)
        snapshot = Snapshot(
            Generation.open(index_dir, manifest, verify=False), BM25Params(1.2, 0.75, 0.25)
        )
        for terms in prepared:
            clauses = []
            for field, values in terms.items():
                for value in values:
                    if field.endswith("pairs"):
                        a, _, b = value.partition(" ")
                        key = pair_key(term_key(a), term_key(b))
                    else:
                        key = term_key(value)
                    clauses.append(Clause(field, key, 1.0))
            top_k(snapshot, clauses, 10)
    return rss_mb() - before


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--terms", type=int, default=300, help="text terms per article")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--corpus", choices=("synthetic", "vietnews"), default="synthetic")
    parser.add_argument(
        "--pool-articles", type=int, default=3000, help="VietNews articles analysed for the pool"
    )
    parser.add_argument(
        "--bm25-queries", type=int, default=20, help="queries checked and timed on rank_bm25"
    )
    parser.add_argument(
        "--bm25-max-docs", type=int, default=100_000, help="skip rank_bm25 above this"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of side-by-side timings")
    parser.add_argument(
        "--tantivy", action="store_true", help="compare with tantivy-py (pip install tantivy)"
    )
    parser.add_argument(
        "--max-rss-gb", type=float, default=8.0, help="stop above this resident memory"
    )
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument(
        "--workdir", type=Path, default=None, help="keep the generated database here and reuse it"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.add_argument("--measure-memory", choices=("ours", "tantivy"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--index-dir", type=Path, default=None, help="measure this index (default: beside the db)"
    )
    args = parser.parse_args()
    limit_mb = args.max_rss_gb * 1024
    watch_self(limit_mb)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tinsobot-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.corpus == "vietnews":
        pool = sentence_pool(
            workdir / f"sentences-vietnews-{args.pool_articles}.json",
            vietnews_texts(args.pool_articles),
        )
        database = workdir / f"bench-vietnews-{args.docs}-{args.terms}-{args.seed}.sqlite3"
    else:
        pool = sentence_pool(workdir / "sentences.json")
        database = workdir / f"bench-{args.docs}-{args.terms}-{args.seed}.sqlite3"
    url = f"sqlite:///{database}"
    index_dir = args.index_dir or Path(f"{database}-index")
    queries = make_queries(pool, args.queries, args.seed)
    if args.measure_memory:
        print(json.dumps(measure_memory(args.measure_memory, url, index_dir, workdir, queries)))
        return 0
    if not database.exists():
        print(f"generating {args.docs} articles in {database} ...", file=sys.stderr)
        generate_database(url, pool, args.docs, args.terms, args.seed)

    # The index, built from scratch by `bot.py reindex` in its own process.
    env = dict(os.environ, DATABASE_URL=url, INDEX_DIR=str(index_dir), LOAD_SAMPLE="false")
    import shutil

    shutil.rmtree(index_dir, ignore_errors=True)
    build_s, build_peak, _ = run_watched([sys.executable, "bot.py", "reindex"], env, limit_mb)
    index_bytes = folder_bytes(index_dir)
    asks = [
        run_watched([sys.executable, "bot.py", "ask", "hội thảo"], env, limit_mb)
        for _ in range(args.rounds)
    ]

    dictionary = QueryDictionary.load(ROOT / "data" / "dictionary.txt")
    gc.collect()
    rss_before = rss_mb()
    store = Store.open(url)
    sessions = store.sessions
    engine = SearchEngine(store, dictionary=dictionary, index_dir=index_dir)
    open_ms, _ = timed(engine.open)
    rss_open = rss_mb() - rss_before
    snapshot = engine.snapshot
    plain = SearchEngine(store, understanding=False, index_dir=index_dir)
    plain.keeper = engine.keeper  # the same opened index
    for query in queries[:20]:  # warm up: the CRF model, SQLite page cache
        engine.search(query)
        plain.search(query)
    search_ms, plain_ms = [], []
    for number, query in enumerate(queries):  # interleaved, so both see the same load
        # in turn first: the second finds the question's postings decoded by the first
        if number % 2 == 0:
            search_ms.append(timed(engine.search, query)[0])
            plain_ms.append(timed(plain.search, query)[0])
        else:
            plain_ms.append(timed(plain.search, query)[0])
            search_ms.append(timed(engine.search, query)[0])
    rss_index = rss_mb() - rss_before

    from index.search.terms import term_key

    analyzer = engine.analyzer
    word_queries = [analyzer.terms(q) for q in queries[: args.bm25_queries]]
    words = snapshot.field("text", "words")
    word_keys = [[term_key(t) for t in q] for q in word_queries]
    ours_ms = [timed(words.scores, q)[0] for q in word_keys]
    top_ms = [timed(words.top, q, 10)[0] for q in word_keys]
    result: dict[str, float] = {
        "corpus": args.corpus,  # type: ignore[dict-item]
        "docs": snapshot.size,
        "terms_per_doc": round(float(words.lengths.mean()), 1),
        "vocabulary_words": words.vocabulary,
        "queries": len(queries),
        "build_s": build_s,
        "build_peak_rss_mb": build_peak,
        "index_mb": index_bytes / 1e6,
        "build_peak_per_index": build_peak * 1024 * 1024 / max(index_bytes, 1),
        "ask_wall_s": statistics.median(a[0] for a in asks),
        "ask_peak_rss_mb": statistics.median(a[1] for a in asks),
        "open_ms": open_ms,
        "search_p50_ms": percentile(search_ms, 50),
        "search_p95_ms": percentile(search_ms, 95),
        "plain_p50_ms": percentile(plain_ms, 50),
        "plain_p95_ms": percentile(plain_ms, 95),
        "p95_ratio_to_plain": percentile(search_ms, 95) / percentile(plain_ms, 95),
        "index_rss_open_mb": rss_open,
        "index_rss_mb": rss_index,
        "bm25_scores_p50_ms": percentile(ours_ms, 50),
        "top10_p50_ms": percentile(top_ms, 50),
    }
    if snapshot.size <= args.bm25_max_docs:
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
        params = words.params
        reference_build_ms, reference = timed(
            lambda s: BM25Okapi(s, k1=params.k1, b=params.b, epsilon=params.epsilon), streams
        )
        del streams
        order = np.argsort(snapshot.article_ids[snapshot.live])
        live = np.flatnonzero(snapshot.live)[order]
        reference_ms = []
        for q, keys in zip(word_queries, word_keys, strict=False):
            elapsed, expected = timed(reference.get_scores, q)
            reference_ms.append(elapsed)
            assert np.allclose(words.scores(keys)[live], expected, atol=1e-6), (
                "scores differ from rank_bm25"
            )
        del reference
        result.update(
            rank_bm25_get_scores_p50_ms=percentile(reference_ms, 50),
            rank_bm25_build_s=reference_build_ms / 1000,
            speedup_scores_vs_rank_bm25=statistics.median(reference_ms)
            / statistics.median(ours_ms),
            speedup_search_vs_rank_bm25=statistics.median(reference_ms)
            / statistics.median(search_ms),
        )
    if args.tantivy:
        result.update(
            compare_tantivy(args, workdir, url, index_dir, words, word_queries, word_keys, limit_mb)
        )
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(render(result))
    return 0


def compare_tantivy(args, workdir, url, index_dir, words, word_queries, word_keys, limit_mb):  # type: ignore[no-untyped-def]
    """top-10 on the text words, interleaved, `rounds` times; memory in fresh processes."""

    index, schema = tantivy_index(workdir, url, args.docs, SIX)
    searcher = index.searcher()
    ratios, ours_all, theirs_all = [], [], []
    for _ in range(args.rounds):
        ours, theirs = [], []
        for q, keys in zip(word_queries, word_keys, strict=False):
            ours.append(timed(words.top, keys, 10)[0])
            query = tantivy_query(schema, "text.words", list(q))
            theirs.append(timed(searcher.search, query, 10)[0])
        ratios.append(statistics.median(ours) / statistics.median(theirs))
        ours_all += ours
        theirs_all += theirs
    memory = {}
    for which in ("ours", "tantivy"):
        rounds = []
        for _ in range(args.rounds):
            command = [sys.executable, __file__, "--measure-memory", which, "--docs",
                       str(args.docs), "--terms", str(args.terms), "--seed", str(args.seed),
                       "--corpus", args.corpus, "--pool-articles", str(args.pool_articles),
                       "--queries", str(args.queries), "--workdir", str(workdir),
                       "--index-dir", str(index_dir)]  # fmt: skip
            _, _, out = run_watched(command, dict(os.environ), limit_mb)
            rounds.append(float(out.strip().splitlines()[-1]))
        memory[which] = statistics.median(rounds)
    return {
        "top10_vs_tantivy": statistics.median(ratios),
        "top10_ours_p50_ms": percentile(ours_all, 50),
        "top10_tantivy_p50_ms": percentile(theirs_all, 50),
        "memory_ours_mb": memory["ours"],
        "memory_tantivy_mb": memory["tantivy"],
        "memory_vs_tantivy": memory["ours"] / max(memory["tantivy"], 1e-9),
    }


def render(r: dict[str, float]) -> str:
    rows = [
        (
            "full build (`bot.py reindex`, own process): wall / peak RSS",
            f"{r['build_s']:.1f} s / {r['build_peak_rss_mb']:.0f} MB",
        ),
        (
            "index files on disk; build peak / files",
            f"{r['index_mb']:.0f} MB; {r['build_peak_per_index']:.2f}x",
        ),
        (
            '`bot.py ask "hội thảo"` (index built): wall / peak RSS',
            f"{r['ask_wall_s']:.2f} s / {r['ask_peak_rss_mb']:.0f} MB",
        ),
        ("open the index (`SearchEngine.open`)", f"{r['open_ms']:.0f} ms"),
        (
            "`SearchEngine.search` p50 / p95",
            f"{r['search_p50_ms']:.1f} / {r['search_p95_ms']:.1f} ms",
        ),
        (
            "plain path (no query understanding) p50 / p95",
            f"{r['plain_p50_ms']:.1f} / {r['plain_p95_ms']:.1f} ms",
        ),
        (
            "resident memory of the index after open / after the queries",
            f"{r['index_rss_open_mb']:.0f} / {r['index_rss_mb']:.0f} MB",
        ),
        (
            "text-words `scores` (every match) / `top(k=10)` p50",
            f"{r['bm25_scores_p50_ms']:.2f} / {r['top10_p50_ms']:.2f} ms",
        ),
    ]
    if "rank_bm25_get_scores_p50_ms" in r:
        rows.append(
            (
                "`BM25Okapi.get_scores`, same field and queries, p50; speed-up of `scores`",
                f"{r['rank_bm25_get_scores_p50_ms']:.1f} ms; "
                f"{r['speedup_scores_vs_rank_bm25']:.0f}x",
            )
        )
    if "top10_vs_tantivy" in r:
        rows.append(
            (
                "`top(k=10)` vs tantivy-py top-10 (text words), p50",
                f"{r['top10_ours_p50_ms']:.3f} vs {r['top10_tantivy_p50_ms']:.3f} ms: "
                f"**{r['top10_vs_tantivy']:.2f}x**",
            )
        )
        rows.append(
            (
                f"memory after open + {r['queries']} queries, six fields, vs tantivy-py",
                f"{r['memory_ours_mb']:.0f} vs {r['memory_tantivy_mb']:.0f} MB: "
                f"**{r['memory_vs_tantivy']:.2f}x**",
            )
        )
    head = (
        f"Corpus ({r['corpus']}): {r['docs']:,} articles, {r['terms_per_doc']:.0f} text terms "
        f"each on average, {r['vocabulary_words']:,} distinct words; {r['queries']} queries "
        "(half without diacritics)."
    )
    table = [f"| {label} | {value} |" for label, value in rows]
    return "\n".join([head, "", "| measure | value |", "|---|---|", *table])


if __name__ == "__main__":
    sys.exit(main())
