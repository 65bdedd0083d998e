"""Passes over ranges of positions: a question's terms scored into per-position sums, split
between the searching thread and a helper thread.

The compiled range loops (`kernels.score_ranges`, `kernels.presence_ranges`) run without the GIL
over ranges of positions, and every position's value is added in the same order whatever the
ranges, so two threads can each take half of the positions and give the same floats as one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from typing import TYPE_CHECKING

import numpy as np

from . import kernels

if TYPE_CHECKING:
    from .snapshot import Snapshot

__all__ = ["DECODED_SHARE", "PARALLEL_POSTINGS", "score_terms", "split_positions"]

# Above this many postings to decode, the handoff to the helper (tens of microseconds) pays.
PARALLEL_POSTINGS = 100_000
DECODED_SHARE = 4  # a decoded posting costs about this much less to add than to decode
_HELPERS: dict[int, ThreadPoolExecutor] = {}  # by process: a forked child starts its own


def score_terms(
    snapshot: Snapshot,
    terms: Sequence[tuple[str, int, int, float]],
    sums: np.ndarray,
    touched: np.ndarray | None,
    ranges: np.ndarray | None = None,
) -> None:
    """`Snapshot.add_saturations` of every (field, segment, term, factor) in turn into `sums`,
    zero there (the same floats: each position's sum is added in the terms' order), for the
    positions in `ranges` ((lo, hi) pairs, ascending; None: all), straight from the segments
    (or the cache, when it holds a term) when compiled, split as `split_positions` says.
    Without the compiled loops, every position."""
    if not kernels.compiled():
        for field, segment, term, factor in terms:
            snapshot.add_saturations(field, segment, term, factor, sums, touched)
        return
    sources: list[kernels.Source] = []
    work = 0  # postings to decode, and a quarter of those decoded already (cheaper to add)
    for field, segment, term, factor in terms:
        found = snapshot.cached((field, segment, term))
        if found is not None:
            sources.append((*found, factor))
            work += len(found[0]) // DECODED_SHARE
        else:
            view = snapshot.fields[field]
            sources.append(view.source(segment, term, factor))
            work += int(view.postings[segment].df[term])
    k1 = snapshot.params.k1

    def run(part: np.ndarray) -> None:
        kernels.score_ranges(sources, k1, sums, touched, part)

    split_positions(snapshot.positions, run, work, ranges)


def helper() -> ThreadPoolExecutor | None:
    """This process's scoring helper thread; None on a single processor."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if (cores or 1) < 2:
        return None
    pid = os.getpid()
    found = _HELPERS.get(pid)
    if found is None:
        found = _HELPERS.setdefault(
            pid, ThreadPoolExecutor(max_workers=1, thread_name_prefix="scoring")
        )
    return found


def split_positions(
    positions: int,
    run: Callable[[np.ndarray], None],
    postings: int,
    ranges: np.ndarray | None = None,
) -> None:
    """run(ranges) over the positions in `ranges` ((lo, hi) pairs, ascending; None: all of
    `positions`): split between this thread and the helper when the postings are many; when
    the helper has not started its half by the time this thread is done (it serves another
    search), this thread does that half too."""
    if ranges is None:
        ranges = np.array([[0, positions]], dtype=np.int64)
    found = helper() if postings >= PARALLEL_POSTINGS else None
    if found is None:
        run(ranges)
        return
    first, second = halves(ranges)
    other = found.submit(run, second)
    try:
        run(first)
    except BaseException:
        if not other.cancel():
            wait([other])  # the arrays are the caller's: nobody writes them after this
        raise
    if other.cancel():  # the helper is busy with another search: do its half here
        run(second)
    else:
        other.result()


def halves(ranges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ranges ((lo, hi) pairs, ascending) cut into two runs of about as many positions."""
    sizes = ranges[:, 1] - ranges[:, 0]
    ends = np.cumsum(sizes)
    middle = int(ends[-1]) // 2 if len(ends) else 0
    at = int(np.searchsorted(ends, middle, side="right"))  # the range holding the middle
    if at >= len(ranges):
        return ranges, ranges[:0]
    cut = int(ranges[at, 1] - (ends[at] - middle))
    first = np.concatenate([ranges[:at], [[ranges[at, 0], cut]]])
    second = np.concatenate([[[cut, ranges[at, 1]]], ranges[at + 1 :]])
    return first.astype(np.int64), second.astype(np.int64)
