"""Retrieval quality on BEIR-layout sets (corpus.jsonl, queries.jsonl, qrels.tsv).

The corpus goes through the normal ingestion and analysis path into a temporary database; every
query goes through `Archive.search`, once as written and once with its diacritics removed.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .archive import Archive
from .errors import EmptyQuery, InputError
from .search.engine import Weights
from .store.feedback import NONE_OF_THEM, Report
from .store.ingest import ProgressCallback
from .store.records import ArticleRecord
from .text.dates import parse_date
from .text.dictionary import QueryDictionary
from .text.normalize import fold, lower, normalize

__all__ = [
    "export_judgments",
    "BeirSet",
    "Metrics",
    "EvalReport",
    "load_beir",
    "evaluate",
    "run_eval",
    "METRICS",
    "AnswerQuestion",
    "AnswerOutcome",
    "AnswerFigures",
    "AnswerReport",
    "load_answer_questions",
    "run_answer_eval",
    "find_vietnews",
]

METRICS = ("mrr@10", "ndcg@10", "recall@10", "recall@100", "p@1")
_URL = "https://eval.invalid/{}"


@dataclass(frozen=True)
class BeirSet:
    """A retrieval test set."""

    name: str
    corpus: dict[str, dict[str, str]]  # id -> {"title", "text", and optionally "date", "category"}
    queries: dict[str, str]  # id -> text
    qrels: dict[str, dict[str, int]]  # query id -> {document id: relevance}
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> {"split", "kind"}


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
    # as written, per split and kind when the queries say them ("dev", "heldout/telex", ...)
    groups: dict[str, tuple[int, Metrics]] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """The shape `bot.py eval --json` prints."""
        found: dict[str, object] = {
            "set": self.name,
            "queries": self.queries,
            "as_written": {k: round(v, 4) for k, v in self.as_written.values.items()},
            "without_diacritics": {
                k: round(v, 4) for k, v in self.without_diacritics.values.items()
            },
        }
        if self.groups:
            found["groups"] = {
                name: {"queries": n, **{k: round(v, 4) for k, v in m.values.items()}}
                for name, (n, m) in self.groups.items()
            }
        return found


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
    rows = list(_jsonl(folder / "queries.jsonl"))
    queries = {str(row["_id"]): str(row["text"]) for row in rows}
    labels = {
        str(row["_id"]): {k: str(row[k]) for k in ("split", "kind") if row.get(k)} for row in rows
    }
    qrels: dict[str, dict[str, int]] = {}
    with (folder / "qrels.tsv").open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if len(row) < 3 or not row[2].strip().lstrip("-").isdigit():
                continue  # the header line
            qrels.setdefault(row[0], {})[row[1]] = int(row[2])
    return BeirSet(folder.name, corpus, queries, qrels, {k: v for k, v in labels.items() if v})


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
        groups = {
            name: (len(ids), evaluate(search, {q: beir.queries[q] for q in ids}, beir.qrels))
            for name, ids in _groups(beir).items()
        }
        engine.close()
    judged = sum(1 for q in beir.queries if beir.qrels.get(q))
    return EvalReport(beir.name, judged, as_written, plain, groups)


def _groups(beir: BeirSet) -> dict[str, list[str]]:
    """Judged query ids per split, per split and kind, and per kind over all splits (the
    typing set marks its queries so; other sets have no groups)."""
    groups: dict[str, list[str]] = {}
    for query_id, label in beir.labels.items():
        if query_id not in beir.queries or not beir.qrels.get(query_id):
            continue
        split, kind = label.get("split"), label.get("kind")
        names = [
            split,
            f"{split}/{kind}" if split and kind else None,
            f"all/{kind}" if kind else None,
        ]
        for name in filter(None, names):
            groups.setdefault(name, []).append(query_id)
    return dict(sorted(groups.items()))


# -- the answer line -----------------------------------------------------------------------

VIETNEWS_FILE = "vietnews-val.jsonl.gz"


@dataclass(frozen=True)
class AnswerQuestion:
    """One judged question of an answer-line set (see data/eval/answers/README.md)."""

    question_id: str
    text: str
    intent: str
    answerable: bool
    article: str | None  # corpus id of the article that holds the answer
    gold: tuple[str, ...]  # acceptable answer spans


@dataclass(frozen=True)
class AnswerOutcome:
    """What the engine showed for one question, and how it was judged."""

    question: AnswerQuestion
    line: str | None  # the answer line shown (None: nothing shown)
    fact: str | None  # the part of the line the engine marked as the answer
    article: str | None  # corpus id of the article the line quotes
    correct: bool  # a shown line that contains a gold span
    fact_correct: bool  # ... and whose marked answer itself holds or sits inside a gold span


@dataclass(frozen=True)
class AnswerFigures:
    """Precision, coverage and false answers over a group of questions."""

    answerable: int
    unanswerable: int
    shown: int
    correct: int
    fact_correct: int
    shown_answerable: int
    shown_unanswerable: int

    @classmethod
    def of(cls, outcomes: Sequence[AnswerOutcome]) -> AnswerFigures:
        """Count a group of outcomes."""
        shown = [o for o in outcomes if o.line is not None]
        return cls(
            answerable=sum(o.question.answerable for o in outcomes),
            unanswerable=sum(not o.question.answerable for o in outcomes),
            shown=len(shown),
            correct=sum(o.correct for o in shown),
            fact_correct=sum(o.fact_correct for o in shown),
            shown_answerable=sum(o.question.answerable for o in shown),
            shown_unanswerable=sum(not o.question.answerable for o in shown),
        )

    @property
    def precision(self) -> float:
        """Correct lines / lines shown (1.0 when nothing was shown)."""
        return self.correct / self.shown if self.shown else 1.0

    @property
    def fact_precision(self) -> float:
        """Lines whose marked answer is right / lines shown."""
        return self.fact_correct / self.shown if self.shown else 1.0

    @property
    def coverage(self) -> float:
        """Answerable questions with a line / answerable questions."""
        return self.shown_answerable / self.answerable if self.answerable else 0.0

    @property
    def false_rate(self) -> float:
        """Unanswerable questions with a line / unanswerable questions."""
        return self.shown_unanswerable / self.unanswerable if self.unanswerable else 0.0

    def to_json(self) -> dict[str, object]:
        """The figures as `bot.py eval --answers --json` prints them."""
        return {
            "precision": round(self.precision, 4),
            "coverage": round(self.coverage, 4),
            "false_answer_rate": round(self.false_rate, 4),
            "fact_precision": round(self.fact_precision, 4),
            "shown": self.shown,
            "correct": self.correct,
            "answerable": self.answerable,
            "shown_answerable": self.shown_answerable,
            "unanswerable": self.unanswerable,
            "shown_unanswerable": self.shown_unanswerable,
        }


@dataclass(frozen=True)
class AnswerReport:
    """An answer-line set measured: all questions, the tuning half and the held-out half."""

    name: str
    outcomes: tuple[AnswerOutcome, ...]

    @property
    def overall(self) -> AnswerFigures:
        """Every question."""
        return AnswerFigures.of(self.outcomes)

    @property
    def tuning(self) -> AnswerFigures:
        """The odd-numbered questions (a001, a003, ...): the half the answer line was tuned on."""
        return AnswerFigures.of([o for o in self.outcomes if _is_tuning(o.question)])

    @property
    def held_out(self) -> AnswerFigures:
        """The even-numbered questions, never looked at while tuning."""
        return AnswerFigures.of([o for o in self.outcomes if not _is_tuning(o.question)])

    def to_json(self) -> dict[str, object]:
        """The shape `bot.py eval --answers DIR --json` prints."""
        return {
            "set": self.name,
            "questions": len(self.outcomes),
            "all": self.overall.to_json(),
            "tuning": self.tuning.to_json(),
            "held_out": self.held_out.to_json(),
            "lines": [
                {
                    "id": o.question.question_id,
                    "intent": o.question.intent,
                    "answerable": o.question.answerable,
                    "line": o.line,
                    "fact": o.fact,
                    "article": o.article,
                    "correct": o.correct if o.line is not None else None,
                }
                for o in self.outcomes
            ],
        }


def _is_tuning(question: AnswerQuestion) -> bool:
    digits = "".join(c for c in question.question_id if c.isdigit())
    return bool(digits) and int(digits) % 2 == 1


def load_answer_questions(folder: Path) -> list[AnswerQuestion]:
    """Read `questions.jsonl` of an answer-line set; raise InputError naming what is wrong."""
    path = folder / "questions.jsonl"
    if not path.is_file():
        raise InputError(f"{path}: missing (an answer-line set has questions.jsonl)")
    questions = []
    for row in _jsonl(path):
        try:
            questions.append(
                AnswerQuestion(
                    question_id=str(row["_id"]),
                    text=str(row["text"]),
                    intent=str(row["intent"]),
                    answerable=bool(row["answerable"]),
                    article=str(row["article"]) if row.get("article") else None,
                    gold=tuple(str(span) for span in row.get("gold") or ()),  # type: ignore[attr-defined]
                )
            )
        except KeyError as exc:
            raise InputError(f"{path}: a question lacks the field {exc}") from exc
    return questions


VIETNEWS_ENV = "VIETNEWS_FILE"  # where the file is, when no shared/ folder lies above


def find_vietnews(start: Path) -> Path | None:
    """The file named by $VIETNEWS_FILE, else `shared/data/vietnews/vietnews-val.jsonl.gz` in
    the nearest folder above `start`."""
    given = os.environ.get(VIETNEWS_ENV)
    if given:
        return Path(given) if Path(given).is_file() else None
    for folder in (start, *start.parents):
        candidate = folder / "shared" / "data" / "vietnews" / VIETNEWS_FILE
        if candidate.is_file():
            return candidate
    return None


def vietnews_records(path: Path, wanted: set[str]) -> Iterator[ArticleRecord]:
    """The vietnews articles with these ids: title, then summary and body as the body; no date."""
    import gzip

    found: set[str] = set()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            doc_id = str(row.get("id"))
            if doc_id not in wanted:
                continue
            found.add(doc_id)
            body = "\n".join(p for p in (row.get("summary", ""), row.get("body", "")) if p)
            yield ArticleRecord(
                title=str(row.get("title", "")).strip(),
                body=body,
                url=_URL.format(doc_id),
                origin=doc_id,
            )
    missing = wanted - found
    if missing:
        raise InputError(
            f"{path}: no article with id {sorted(missing)[0]} ({len(missing)} missing)"
        )


def run_answer_eval(
    folder: Path,
    *,
    corpus: Path | None = None,
    vietnews: Path | None = None,
    dictionary: Path | QueryDictionary | None = None,
    workdir: Path | None = None,
    progress: ProgressCallback | None = None,
) -> AnswerReport:
    """Load the sample (`corpus`, BEIR corpus.jsonl; default: the tin-so set beside `folder`)
    and the vietnews articles the questions name into a temporary database, ask every question
    and judge the answer lines."""
    questions = load_answer_questions(folder)
    corpus = corpus or folder.parent / "tin-so" / "corpus.jsonl"
    if not corpus.is_file():
        raise InputError(f"{corpus}: missing (the sample corpus the answer set is written over)")
    wanted = {q.article for q in questions if q.article and q.article.startswith("val-")}
    if wanted and vietnews is None:
        vietnews = find_vietnews(folder.resolve())
        if vietnews is None:
            raise InputError(
                f"{VIETNEWS_FILE} not found in a shared/data/vietnews folder above {folder}: "
                "give its path with --vietnews"
            )
    sample = BeirSet("sample", {
        str(row["_id"]): {k: str(v) for k, v in row.items() if v is not None}
        for row in _jsonl(corpus)
    }, {}, {})  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="tinsobot-answers-", dir=workdir) as tmp:
        archive = Archive.open(f"sqlite:///{Path(tmp) / 'answers.sqlite3'}", dictionary=dictionary)
        items: Iterator[ArticleRecord] = records(sample)
        if wanted and vietnews is not None:
            items = itertools.chain(items, vietnews_records(vietnews, wanted))
        report = archive.ingest_items(items, progress=progress)
        if report.failed:
            raise InputError(f"{folder}: {report.failed} articles could not be stored")
        outcomes = tuple(judge_answer(q, archive) for q in questions)
        archive.close()
    return AnswerReport(folder.name, outcomes)


def judge_answer(question: AnswerQuestion, archive: Archive) -> AnswerOutcome:
    """Ask one question and judge the answer line it gets."""
    try:
        page = archive.search(question.text, limit=5)
    except EmptyQuery:
        page = None
    answer = page.answer if page is not None else None
    if answer is None:
        return AnswerOutcome(question, None, None, None, False, False)
    line = answer.line
    fact = answer.fact
    prefix = _URL.format("")
    article = answer.url.removeprefix(prefix) if answer.url else None
    golds = [_comparable(g) for g in question.gold]
    correct = any(g in _comparable(line) for g in golds)
    fact_correct = fact is not None and any(
        g in _comparable(fact) or _comparable(fact) in g for g in golds
    )
    return AnswerOutcome(question, line, fact, article, correct, correct and fact_correct)


def _comparable(text: str) -> str:
    """The README's rule: both sides normalised and case-folded."""
    return normalize(text).casefold()


# -- judgments from the bot ----------------------------------------------------------------


def export_judgments(archive: Archive, report: Report, folder: Path) -> int:
    """Write the report's judgments (an article a citizen named as right for a question) as a
    BEIR-layout set that `run_eval` reads: every stored article as the corpus, each judged
    question once. Returns how many questions were written."""
    judged: dict[str, dict[str, int]] = {}
    written: dict[str, str] = {}
    for judgment in report.judgments:
        if judgment.article_id == NONE_OF_THEM:
            continue
        key = " ".join(lower(judgment.question).split())
        written.setdefault(key, judgment.question)
        judged.setdefault(key, {})[str(judgment.article_id)] = 1
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "corpus.jsonl").open("w", encoding="utf-8") as corpus:
        for article in archive.articles():
            row = {
                "_id": str(article.article_id),
                "title": article.title,
                "text": article.body or article.summary,
                "date": article.published_at.date().isoformat(),
                "category": article.category,
            }
            corpus.write(json.dumps(row, ensure_ascii=False) + "\n")
    ids = {key: f"bot{number}" for number, key in enumerate(sorted(judged), start=1)}
    with (folder / "queries.jsonl").open("w", encoding="utf-8") as queries:
        for key, query_id in ids.items():
            row = {"_id": query_id, "text": written[key]}
            queries.write(json.dumps(row, ensure_ascii=False) + "\n")
    with (folder / "qrels.tsv").open("w", encoding="utf-8", newline="") as qrels:
        writer = csv.writer(qrels, delimiter="\t", lineterminator="\n")
        writer.writerow(["query-id", "corpus-id", "score"])
        for key, query_id in ids.items():
            for doc_id, score in sorted(judged[key].items()):
                writer.writerow([query_id, doc_id, score])
    return len(ids)
