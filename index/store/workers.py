"""Ingest's analysis on every core: records segmented in worker processes, ahead of the writes.

Workers are forked from a fresh server process (the "forkserver" start method), never from
the storing process itself: that one holds database connections and, in the bot, threads.
The server imports this module once, so a worker starts in milliseconds with the code in
memory and loads only the segmenter's model (about 0.25 s). Workers touch no database: they
get records and give back `Prepared` analyses; the storing process writes them in order.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from ..errors import WorkerFailed
from ..text.analyzer import Analyzer
from .analysis import Prepared, prepare
from .records import ArticleRecord

__all__ = [
    "AnalysisPool",
    "ChunkResult",
    "IngestWorkers",
    "IN_PROCESS",
    "WorkerUsage",
    "POOL_MIN_CHARS",
]

# Text read before worker processes are started. Starting two costs about 1 s (the server
# that forks them imports the package, each worker loads the model): below about 1.5 s of one
# core's segmenting, one process is done before the workers would be ready.
POOL_MIN_CHARS = 250_000
CHUNK_RECORDS = 20  # records a worker analyses per task: small enough to share a batch out
CHUNK_CHARS = 200_000  # ... and a task's text, so that one huge record travels alone


@dataclass(frozen=True)
class IngestWorkers:
    """How many processes analyse a large import (1: the storing process alone), and how much
    text an import must have read before they are started."""

    count: int = 1
    min_chars: int = POOL_MIN_CHARS


IN_PROCESS = IngestWorkers()  # the default: analysed by the storing process, no pool


@dataclass(frozen=True)
class WorkerUsage:
    """What one worker process has used so far: CPU seconds and its peak resident memory."""

    pid: int
    cpu_seconds: float
    peak_rss_mb: float


ChunkResult = tuple[list[Prepared | None], WorkerUsage]
"""A chunk's analyses, in order, and the worker's usage after it."""


class AnalysisPool:
    """Worker processes that analyse chunks of records; results come back as futures."""

    def __init__(self, workers: int) -> None:
        """Start `workers` processes (the server that forks them starts once per process)."""
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        self.workers = workers
        self.usage: dict[int, WorkerUsage] = {}
        self._executor = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker)
        self._broken = False

    def submit(self, records: Sequence[ArticleRecord]) -> list[Future[ChunkResult]]:
        """Analyses of the records, in chunks, each a future of (analyses in order, usage)."""
        try:
            return [self._executor.submit(_analyse, chunk) for chunk in _chunks(records)]
        except BrokenProcessPool as exc:
            raise self._died() from exc

    def results(self, futures: Sequence[Future[ChunkResult]]) -> list[Prepared | None]:
        """The analyses of submitted chunks, in order; raises WorkerFailed when a worker died."""
        prepared: list[Prepared | None] = []
        for future in futures:
            try:
                analyses, usage = future.result()
            except BrokenProcessPool as exc:
                raise self._died() from exc
            self.usage[usage.pid] = usage
            prepared.extend(analyses)
        return prepared

    def _died(self) -> WorkerFailed:
        """The error of a pool whose worker died (remembered: `close` must stop the others)."""
        self._broken = True
        return WorkerFailed(
            "an analysis worker process stopped (killed, or out of memory): the ingest stopped; "
            "the batches before are stored, run it again to store the rest (or with one worker, "
            "analysing in the importing process)"
        )

    def close(self) -> None:
        """Stop the workers (chunks not started yet are dropped). After a worker died, the
        others are stopped first: a submit racing with the pool's breaking can start a worker
        the executor then never stops, and CPython 3.11's shutdown waits for it forever (its
        `terminate_broken` stops only the workers it saw; an `ingest` whose worker was killed
        hung about one run in ten under load)."""
        if self._broken:
            for process in list(getattr(self._executor, "_processes", {}).values()):
                process.terminate()
        self._executor.shutdown(wait=True, cancel_futures=True)


def _chunks(records: Sequence[ArticleRecord]) -> list[Sequence[ArticleRecord]]:
    """Consecutive runs of at most CHUNK_RECORDS records and (unless alone) CHUNK_CHARS."""
    chunks: list[Sequence[ArticleRecord]] = []
    start = chars = 0
    for i, record in enumerate(records):
        size = len(record.title) + len(record.summary) + len(record.body)
        if i > start and (i - start >= CHUNK_RECORDS or chars + size > CHUNK_CHARS):
            chunks.append(records[start:i])
            start, chars = i, 0
        chars += size
    if start < len(records):
        chunks.append(records[start:])
    return chunks


_ANALYZER: Analyzer | None = None


def _start_worker() -> None:
    """Load the segmenter's model once per worker."""
    global _ANALYZER
    _ANALYZER = Analyzer()
    _ANALYZER.tokens("khởi động")


def _analyse(records: Sequence[ArticleRecord]) -> ChunkResult:
    """A worker's task: each record's analysis (None where it fails: the storing process then
    analyses that record itself, and reports its error as it always has)."""
    analyzer = _ANALYZER or Analyzer()
    analyses: list[Prepared | None] = []
    for record in records:
        try:
            analyses.append(prepare(record, analyzer))
        except Exception:  # noqa: BLE001 - reported by the storing process, which retries
            analyses.append(None)
    used = resource.getrusage(resource.RUSAGE_SELF)
    usage = WorkerUsage(os.getpid(), used.ru_utime + used.ru_stime, used.ru_maxrss / 1024)
    return analyses, usage
