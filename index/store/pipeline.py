"""Records into articles in reading order, their analysis running ahead on every core.

One process reads the records and writes them, batch after batch, exactly as it always has
(one transaction per batch, a savepoint per record, problems in reading order). With more than
one worker and enough text to pay for starting them, the batches read are handed to worker
processes as they are read, and the writer takes each one's analysis when its turn comes: the
report and the database are the same whatever the number of workers.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from ..text.analyzer import Analyzer
from .analysis import Prepared
from .ingest import IngestReport, ProgressCallback, analysis_needed, store_batch
from .records import ArticleRecord, Item, Problem
from .workers import IN_PROCESS, AnalysisPool, ChunkResult, IngestWorkers

__all__ = ["store_items"]

AHEAD_PER_WORKER = 2  # batches analysed ahead of the writer, per worker
AHEAD_CHARS = 16_000_000  # ... and at most this much text held (memory stays bounded)


def store_items(
    sessions: sessionmaker[Session],
    items: Iterable[Item],
    analyzer: Analyzer,
    *,
    progress: ProgressCallback | None = None,
    batch_size: int = 100,
    notify: bool = False,
    workers: IngestWorkers = IN_PROCESS,
) -> IngestReport:
    """Store records in batches, each batch one transaction; problems are collected, not raised.
    With `notify`, new articles that are news go to the news outbox (see `store_record`).
    With more than one of `workers`, records are analysed in that many worker processes once
    the text read is worth it; raises WorkerFailed when one dies (the batches before are
    stored)."""
    pipeline = _Pipeline(sessions, analyzer, notify, workers, progress)
    try:
        batch: list[ArticleRecord] = []
        for item in items:
            if isinstance(item, Problem):
                pipeline.add_problem(item)
                continue
            batch.append(item)
            if len(batch) >= batch_size:
                pipeline.add_batch(batch)
                batch = []
        if batch:
            pipeline.add_batch(batch)
        pipeline.write(keep=0)
    finally:
        pipeline.close()
    return pipeline.report


@dataclass
class _Batch:
    records: list[ArticleRecord]
    chars: int
    wanted: list[int]  # the records whose analysis the workers compute (the others need none)
    futures: list[Future[ChunkResult]] | None = None  # None: analysed by the writer


class _Pipeline:
    """Problems and batches waiting, in reading order, for the writer."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        analyzer: Analyzer,
        notify: bool,
        workers: IngestWorkers,
        progress: ProgressCallback | None,
    ) -> None:
        self.sessions = sessions
        self.analyzer = analyzer
        self.notify = notify
        self.workers = workers.count if _standard(analyzer) else 1
        self.min_chars = workers.min_chars
        self.progress = progress
        self.report = IngestReport()
        self.pool: AnalysisPool | None = None
        self.waiting: deque[Problem | _Batch] = deque()
        self.batches = self.chars = self.wanted_chars = self.done = 0

    def add_problem(self, problem: Problem) -> None:
        """A problem the reader found: reported after the batches read before it."""
        self.waiting.append(problem)
        self.write(keep=self._ahead())

    def add_batch(self, records: list[ArticleRecord]) -> None:
        """A batch read: sent to the workers (when they pay), written in its turn."""
        sizes = [len(r.title) + len(r.summary) + len(r.body) for r in records]
        wanted = list(range(len(records)))
        if self.workers > 1:  # what is stored already, analysed, is not analysed again
            with self.sessions() as session:
                needed = analysis_needed(session, records, self.analyzer.version)
            wanted = [i for i in wanted if needed[i]]
        self.waiting.append(_Batch(records, sum(sizes), wanted))
        self.batches += 1
        self.chars += sum(sizes)
        self.wanted_chars += sum(sizes[i] for i in wanted)
        if self.pool is None and self.workers > 1 and self.wanted_chars > self.min_chars:
            self.pool = AnalysisPool(self.workers)
        if self.pool is not None:
            for waiting in self.waiting:
                if isinstance(waiting, _Batch) and waiting.futures is None:
                    waiting.futures = self.pool.submit([waiting.records[i] for i in waiting.wanted])
        self.write(keep=self._ahead())

    def _ahead(self) -> int:
        """Batches left waiting: with workers, those they analyse; before they are started,
        one (should the next batch make them pay, it goes to them too)."""
        if self.pool is not None:
            return AHEAD_PER_WORKER * self.workers
        return 1 if self.workers > 1 else 0

    def write(self, keep: int) -> None:
        """Write what waits, oldest first, until at most `keep` batches (and AHEAD_CHARS of
        their text) are left waiting for their analysis."""
        while self.waiting:
            head = self.waiting[0]
            if isinstance(head, Problem):
                self.waiting.popleft()
                self.report.problems.append(head)
                self.report.failed += head.skipped
                continue
            if self.batches <= keep and self.chars <= AHEAD_CHARS:
                return
            self.waiting.popleft()
            self.batches -= 1
            self.chars -= head.chars
            self._store(head)

    def _store(self, batch: _Batch) -> None:
        prepared: list[Prepared | None] | None = None
        if batch.futures is not None and self.pool is not None:
            prepared = [None] * len(batch.records)
            for i, analysis in zip(batch.wanted, self.pool.results(batch.futures), strict=True):
                prepared[i] = analysis
        found = store_batch(self.sessions, batch.records, self.analyzer, self.notify, prepared)
        self.report.merge(found)
        self.done += len(batch.records)
        if self.progress:
            self.progress(self.done, None)

    def close(self) -> None:
        """Stop the workers, if any were started."""
        if self.pool is not None:
            self.pool.close()


def _standard(analyzer: Analyzer) -> bool:
    """Workers analyse with the standard analyzer: only its output may stand in for this one's."""
    return type(analyzer) is Analyzer and analyzer.segmenter is Analyzer().segmenter
