"""Retrieval quality on BEIR-layout sets (corpus.jsonl, queries.jsonl, qrels.tsv).

The corpus goes through the normal ingestion and analysis path into a temporary database; every
query goes through `Archive.search`, once as written and once with its diacritics removed.
"""

from __future__ import annotations

import csv
import json
import math
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .archive import Archive
from .errors import EmptyQuery, InputError
from .search.engine import Weights
from .store.ingest import ProgressCallback
from .store.records import ArticleRecord
from .text.dates import parse_date
from .text.dictionary import QueryDictionary
from .text.normalize import fold

__all__ = ["BeirSet", "Metrics", "EvalReport", "load_beir", "evaluate", "run_eval", "METRICS"]

METRICS = ("mrr@10", "ndcg@10", "recall@10", "recall@100", "p@1")
_URL = "https://eval.invalid/{}"


@dataclass(frozen=True)
class BeirSet:
    """A retrieval test set."""

    name: str
    corpus: dict[str, dict[str, str]]  # id -> {"title", "text", and optionally "date", "category"}
    queries: dict[str, str]  # id -> text
    qrels: dict[str, dict[str, int]]  # query id -> {document id: relevance}


@dataclass(frozen=True)
class Metrics:
    """Mean scores over the judged queries."""

    values: dict[str, float]

    def __getitem__(self, name: str) -> float:
        return self.values[name]


@dataclass(frozen=True)
class EvalReport:
    """Both runs of one set."""

    name: str
    queries: int
    as_written: Metrics
    without_diacritics: Metrics

    def to_json(self) -> dict[str, object]:
        """The shape `bot.py eval --json` prints."""
        return {
            "set": self.name,
            "queries": self.queries,
            "as_written": {k: round(v, 4) for k, v in self.as_written.values.items()},
            "without_diacritics": {
                k: round(v, 4) for k, v in self.without_diacritics.values.items()
            },
        }


def _jsonl(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{number}: malformed JSON: {exc.msg}") from exc


def load_beir(folder: Path) -> BeirSet:
    """Read a BEIR-layout folder; raise InputError naming the missing or broken file."""
    for name in ("corpus.jsonl", "queries.jsonl", "qrels.tsv"):
        if not (folder / name).is_file():
            raise InputError(
                f"{folder / name}: missing (a BEIR set has corpus.jsonl, queries.jsonl, qrels.tsv)"
            )
    corpus = {
        str(row["_id"]): {key: str(value) for key, value in row.items() if value is not None}
        for row in _jsonl(folder / "corpus.jsonl")
    }
    queries = {str(row["_id"]): str(row["text"]) for row in _jsonl(folder / "queries.jsonl")}
    qrels: dict[str, dict[str, int]] = {}
    with (folder / "qrels.tsv").open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if len(row) < 3 or not row[2].strip().lstrip("-").isdigit():
                continue  # the header line
            qrels.setdefault(row[0], {})[row[1]] = int(row[2])
    return BeirSet(folder.name, corpus, queries, qrels)


def records(beir: BeirSet) -> Iterator[ArticleRecord]:
    """The corpus as article records (an untitled passage keeps an empty title; a passage
    without a date gets the import time, as any undated article does)."""
    for doc_id, row in beir.corpus.items():
        yield ArticleRecord(
            title=row.get("title", "").strip(),
            body=row.get("text", ""),
            url=_URL.format(doc_id),
            category=row.get("category") or None,
            published_at=parse_date(row["date"]) if row.get("date") else None,
            origin=doc_id,
        )


def evaluate(
    search: Callable[[str], Sequence[str]],
    queries: dict[str, str],
    qrels: dict[str, dict[str, int]],
    transform: Callable[[str], str] = lambda q: q,
) -> Metrics:
    """Run every judged query and average the metrics."""
    totals = dict.fromkeys(METRICS, 0.0)
    judged = [q for q in queries if qrels.get(q)]
    for query_id in judged:
        ranked = list(search(transform(queries[query_id])))
        relevant = qrels[query_id]
        for name, value in _metrics(ranked, relevant).items():
            totals[name] += value
    return Metrics({name: total / max(len(judged), 1) for name, total in totals.items()})


def _metrics(ranked: list[str], relevant: dict[str, int]) -> dict[str, float]:
    positive = {d for d, r in relevant.items() if r > 0}
    first = next((i for i, d in enumerate(ranked[:10]) if d in positive), None)
    dcg = sum((2 ** relevant.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
    ideal = sorted((r for r in relevant.values() if r > 0), reverse=True)[:10]
    idcg = sum((2**r - 1) / math.log2(i + 2) for i, r in enumerate(ideal))
    return {
        "mrr@10": 0.0 if first is None else 1.0 / (first + 1),
        "ndcg@10": dcg / idcg if idcg else 0.0,
        "recall@10": len(positive & set(ranked[:10])) / len(positive) if positive else 0.0,
        "recall@100": len(positive & set(ranked[:100])) / len(positive) if positive else 0.0,
        "p@1": 1.0 if ranked[:1] and ranked[0] in positive else 0.0,
    }


def engine_search(engine: Archive, limit: int = 100) -> Callable[[str], list[str]]:
    """A search function returning corpus ids, best first."""
    prefix = _URL.format("")

    def search(query: str) -> list[str]:
        try:
            page = engine.search(query, limit=limit)
        except EmptyQuery:  # a question of only punctuation ranks nothing
            return []
        return [hit.url.removeprefix(prefix) for hit in page.hits if hit.url]

    return search


def run_eval(
    folder: Path,
    *,
    weights: Weights | None = None,
    dictionary: Path | QueryDictionary | None = None,
    workdir: Path | None = None,
    progress: ProgressCallback | None = None,
) -> EvalReport:
    """Load a set into a temporary database and measure both runs."""
    beir = load_beir(folder)
    with tempfile.TemporaryDirectory(prefix="tinsobot-eval-", dir=workdir) as tmp:
        engine = Archive.open(
            f"sqlite:///{Path(tmp) / 'eval.sqlite3'}",
            weights=weights or Weights(),
            dictionary=dictionary,
        )
        report = engine.ingest_items(records(beir), progress=progress)
        if report.failed:
            raise InputError(f"{folder}: {report.failed} passages could not be stored")
        search = engine_search(engine)
        as_written = evaluate(search, beir.queries, beir.qrels)
        plain = evaluate(search, beir.queries, beir.qrels, transform=fold)
        engine.close()
    judged = sum(1 for q in beir.queries if beir.qrels.get(q))
    return EvalReport(beir.name, judged, as_written, plain)
