"""The compiled inner loops of ranking (`_kernels.c`), when the install could build them.

One loop decodes a term's postings straight from the mapped segment into positions and BM25
saturations (what the snapshot's cache keeps); the range loops add a question's terms, in
order, into per-position sums (`score_ranges`) or add a value (or a count) at every holder
(`presence_ranges`) over ranges of positions; `gather_best` reads the scored positions back,
clearing their slots, the best few first; `add_where` adds a value where a mask is set.
Each works in one pass and without temporaries. When the extension is missing or turned off
(`TINSOBOT_COMPILED=0`), `add_where` does numpy's pass itself and the callers of the others
keep their numpy path; both give the same floats, bit for bit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .segment import FieldPostings

__all__ = [
    "add_where",
    "compiled",
    "decode_saturations",
    "gather_best",
    "presence_ranges",
    "score_ranges",
    "term_source",
]

POSITIONS_AT_ONCE = (
    65536  # positions scored through every term at a time (their sums stay in cache)
)


def _load() -> ModuleType | None:
    if os.environ.get("TINSOBOT_COMPILED", "1") == "0":
        return None
    try:
        from . import _kernels  # type: ignore[attr-defined]
    except ImportError:
        return None
    module: ModuleType = _kernels
    return module


_COMPILED = _load()


def compiled() -> bool:
    """Whether the compiled loops are in use."""
    return _COMPILED is not None


def decode_saturations(
    postings: FieldPostings, term: int, base: int, norm: np.ndarray, unit: np.ndarray, k1: float
) -> tuple[np.ndarray, np.ndarray]:
    """A term's positions (local documents + base) and saturations tf (k1 + 1) / (norm + tf),
    in one pass (`unit`: each position's saturation at tf = 1, the same float)."""
    assert _COMPILED is not None
    n, offset, gap_width, tf_width = postings.layout(term)
    first, _ = postings.blocks(term)
    positions = np.empty(n, dtype=np.int64)
    saturations = np.empty(n, dtype=np.float64)
    _COMPILED.decode_saturations(
        postings.post, offset, n, gap_width, tf_width, postings.bbase, first, base,
        norm, unit, k1 + 1, positions, saturations,
    )  # fmt: skip
    return positions, saturations


Source = tuple[object, ...]


def term_source(
    postings: FieldPostings, term: int, base: int, norm: np.ndarray, unit: np.ndarray, factor: float
) -> Source:
    """A term's postings as `score_range` reads them."""
    n, offset, gap_width, tf_width = postings.layout(term)
    first, _ = postings.blocks(term)
    return (
        postings.post, offset, n, gap_width, tf_width, postings.bbase, postings.blast, first,
        base, norm, unit, factor,
    )  # fmt: skip


def score_ranges(
    sources: list[Source],
    k1: float,
    sums: np.ndarray,
    touched: np.ndarray | None,
    ranges: np.ndarray,
    window: int = POSITIONS_AT_ONCE,
) -> None:
    """sums[position] += saturation x factor of every source holding it (marking `touched`),
    for the positions in `ranges` only (int64 (lo, hi) pairs, ascending; each position's sum
    added in the sources' order, the same floats), a window of positions at a time through all
    the sources; releases the GIL, so two threads can score disjoint ranges of one array."""
    assert _COMPILED is not None
    _COMPILED.score_ranges(sources, k1 + 1, sums, touched, _pairs(ranges), window)


def presence_ranges(
    sources: list[Source], target: np.ndarray, ranges: np.ndarray, window: int = POSITIONS_AT_ONCE
) -> None:
    """target[position] += factor of every source holding it, for the positions in `ranges`
    only, a window at a time; int16 targets count holders instead. Releases the GIL."""
    assert _COMPILED is not None
    _COMPILED.presence_ranges(sources, target, target.dtype == np.int16, _pairs(ranges), window)


@dataclass(frozen=True)
class Gathered:
    """Scored positions and their scores, as `gather_best` found them: every entry seen when
    `floor` is -inf (fewer than `take` were); otherwise `floor` is the `take`-th largest score
    and every entry of score at least `floor` less the margin is here, those first (`kept`).
    `scored`: how many entries were seen (dead holders included)."""

    positions: np.ndarray
    scores: np.ndarray
    kept: int
    floor: float
    scored: int

    @property
    def everything(self) -> bool:
        """Whether every entry seen (alive) is among the first `kept`."""
        return self.floor == -np.inf


def gather_best(
    sums: np.ndarray,
    marks: np.ndarray | None,
    live: np.ndarray | None,
    candidates: np.ndarray | None,
    multiplier: np.ndarray | None,
    ranges: np.ndarray,
    take: int,
    margin: float,
    out: tuple[np.ndarray, np.ndarray],
) -> Gathered:
    """The scored entries of `ranges` read in one pass, their slots of `sums` (and `marks`)
    zeroed: without `candidates`, every holder (marked, or of positive sum; the dead left out by
    `live`); with them, each candidate's sum x its `multiplier` (one per candidate, or None).
    Of more than `take`, only those that can be among the best `take` (less `margin`) are
    written (see `Gathered`). The results are views of `out` (int64 positions, float64
    scores, one slot per position a search may score), valid until the next search of this
    thread."""
    assert _COMPILED is not None
    positions, scores = out
    count, kept, floor, scored = _COMPILED.gather_best(
        sums, marks, live, candidates, multiplier, _pairs(ranges), take, margin, positions, scores
    )
    return Gathered(positions[:count], scores[:count], kept, floor, scored)


def _pairs(ranges: np.ndarray) -> np.ndarray:
    pairs: np.ndarray = np.ascontiguousarray(ranges, dtype=np.int64)
    return pairs


def add_where(values: np.ndarray, mask: np.ndarray, value: float) -> None:
    """values += mask x value (mask boolean), the same floats, without the temporary array
    when compiled."""
    if _COMPILED is not None:
        _COMPILED.add_where(values, mask, value)
    else:
        values += mask * value
