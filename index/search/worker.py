"""Index work in a child process: a full reindex and large merges, off the serving path.

The child is spawned (not forked), lowers its CPU (and so I/O) priority, and is single-threaded:
while the bot serves on one core it takes at most the other, and a search never waits for it.
It reports progress through a pipe; an error ends it with one line the parent re-raises.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from ..errors import TinSoError

__all__ = ["NICENESS", "run_child"]

NICENESS = 10


class ChildFailed(TinSoError):
    """Index work in a child process failed."""


def run_child(
    task: str,
    database_url: str,
    index_dir: str,
    *,
    full: bool = True,
    progress: Callable[[int, int | None], None] | None = None,
) -> int:
    """Run `task` ("reindex" or "merge") in a child process and wait; the count it returns."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_main, args=(task, database_url, index_dir, full, sender), name=f"index-{task}"
    )
    process.start()
    sender.close()
    result: int | None = None
    error: str | None = None
    try:
        while True:
            try:
                message = receiver.recv()
            except EOFError:
                break
            if message[0] == "progress" and progress is not None:
                progress(message[1], message[2])
            elif message[0] == "done":
                result = message[1]
            elif message[0] == "error":
                error = message[1]
    finally:
        process.join()
        receiver.close()
    if error is not None or result is None:
        raise ChildFailed(f"index {task} failed: {error or f'exit code {process.exitcode}'}")
    return result


def _main(task: str, database_url: str, index_dir: str, full: bool, sender: Connection) -> None:
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    try:
        sender.send(("done", _work(task, database_url, Path(index_dir), full, sender)))
    except BaseException as exc:  # reported to the parent, which raises it
        sender.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        sender.close()


def _work(task: str, database_url: str, index_dir: Path, full: bool, sender: Connection) -> int:
    from .writer import IndexWriter, MergePolicy

    if task == "merge":
        writer = IndexWriter(index_dir)
        merged = 0
        while writer.merge(MergePolicy()) is not None:
            merged += 1
        return merged
    from ..store.store import Store
    from ..text.analyzer import Analyzer
    from .bm25 import BM25Params
    from .maintenance import IndexKeeper

    store = Store.open(database_url)

    def progress(done: int, total: int | None) -> None:
        sender.send(("progress", done, total))

    analyzer = Analyzer()
    count = store.reanalyse(analyzer, full=full, progress=progress)
    keeper = IndexKeeper(store, index_dir, analyzer, BM25Params())
    keeper.rebuild(progress=progress)
    keeper.close()
    store.close()
    return count
