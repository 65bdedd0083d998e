"""Exact top-k without scoring every match: block-max bounds over windows of positions.

A question is a list of weighted clauses (field, term key, weight). Every block of 128 postings
stores its largest term frequency and smallest document length, which do not depend on the
corpus statistics; with this generation's IDF and average length they give an upper bound of
any contribution of the block (BM25's saturation grows with the frequency and falls with the
length). Positions are cut into windows of `WINDOW`; a window's bound is the sum over clauses
of the largest bound of the clause's blocks that overlap it (clauses of negative weight, the
question words counted down, are bounded by 0), times the largest coverage multiplier of the
window's candidates. Windows are then scored exactly, best bound first, in growing batches,
and the search stops as soon as the next window's bound is below the k-th best exact score
(less a margin for the 1e-9 rounding of ties): what is left cannot enter the first k, so the
first k are those of the full ranking. Each document's score is summed in the clause order
whichever batch scores it, so a pruned and an exhaustive run give identical floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from . import kernels
from .ranges import score_terms

if TYPE_CHECKING:
    from .snapshot import Snapshot

__all__ = ["Clause", "Ranked", "order", "rank_candidates", "top_k"]

WINDOW = 512
_MARGIN = 4e-9  # two roundings to 1e-9 and float error of the bounds
_FIRST_BATCH = 8192  # candidates scored in the first batch (then four times more)
_EXHAUSTIVE = 4096  # below this many candidates one exact pass is cheaper than bounds
_BROAD = 16  # above 1/16 of the positions as candidates, bounds prune too little to pay
# Below this many positions, one pass over every holder (compiled: scored, then read back in one
# scan) costs less than computing bounds and scoring in batches, however few the postings: at
# 100,000, questions of a few hundred postings took 0.35-0.45 ms one way and 0.65-1.0 ms the
# other; the pass grows with the positions, the bounds with the postings.
_SMALL = 1 << 18


@dataclass(frozen=True)
class Clause:
    """One weighted term of one field."""

    field: str
    key: int
    weight: float


@dataclass(frozen=True)
class Ranked:
    """The best positions (distinct texts), best first, with their exact scores."""

    positions: np.ndarray
    scores: np.ndarray
    scored: int  # how many documents were scored exactly (for the benchmark)


@dataclass
class _Resolved:
    field: str
    factor: float  # weight x idf
    where: list[tuple[int, int]]  # (segment, term)


def _resolve(snapshot: Snapshot, clauses: list[Clause]) -> list[_Resolved]:
    """Combine repeated (field, key) clauses, look up IDF and postings; drop empty ones."""
    merged: dict[tuple[str, int], float] = {}
    for clause in clauses:
        merged[(clause.field, clause.key)] = (
            merged.get((clause.field, clause.key), 0.0) + clause.weight
        )
    by_field: dict[str, list[tuple[int, float]]] = {}
    for (field, key), weight in merged.items():
        by_field.setdefault(field, []).append((key, weight))
    looked: dict[tuple[str, int], tuple[float, list[tuple[int, int]]]] = {}
    for field, entries in by_field.items():  # one lookup per field and segment, not per key
        view = snapshot.fields[field]
        keys = np.array([k for k, _ in entries], dtype=np.uint64)
        idf = view.idf(view.df(keys)).tolist()
        found = [postings.lookup(keys).tolist() for postings in view.postings]
        for number, (key, _) in enumerate(entries):
            where = [(segment, terms[number]) for segment, terms in enumerate(found)]
            looked[(field, key)] = (idf[number], [(s, t) for s, t in where if t >= 0])
    resolved = []
    for (field, key), weight in merged.items():  # in the clauses' order
        idf_value, where = looked[(field, key)]
        factor = weight * idf_value
        if factor != 0.0 and where:
            resolved.append(_Resolved(field, factor, where))
    return resolved


def order(snapshot: Snapshot, positions: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Indexes that sort positions best first: score rounded to 1e-9, newer, higher id."""
    rounded = np.round(scores, 9)
    return np.lexsort(
        (-snapshot.article_ids[positions], -snapshot.published_us[positions], -rounded)
    )


def first_of_each_copy(snapshot: Snapshot, ranked: np.ndarray) -> np.ndarray:
    """Mask over a ranking keeping the first (best) of the articles sharing one text."""
    keep = np.ones(len(ranked), dtype=bool)
    if snapshot.duplicated is None or len(ranked) == 0:
        return keep
    copies = np.flatnonzero(snapshot.duplicated[ranked])
    if len(copies):
        _, first = np.unique(snapshot.content[ranked[copies]], return_index=True)
        keep[copies] = False
        keep[copies[first]] = True
    return keep


@dataclass(frozen=True)
class _Scored:
    """Positions scored in a batch, their bm25 sums, and which candidates they are."""

    positions: np.ndarray
    sums: np.ndarray
    picked: np.ndarray | slice  # indexes into the candidates (all holders: everything)

    def scaled(self, multiplier: np.ndarray | None) -> np.ndarray:
        """The sums times each candidate's multiplier (one per candidate, or none)."""
        return self.sums if multiplier is None else self.sums * multiplier[self.picked]


class _Scorer:
    """Exact scores of the positions in chosen windows."""

    def __init__(
        self, snapshot: Snapshot, resolved: list[_Resolved], positions: np.ndarray | None
    ) -> None:
        self.snapshot = snapshot
        self.resolved = resolved
        self.k1 = snapshot.params.k1
        self.positions = positions
        # reused by every batch (and every search of this thread), zeroed after each
        self.sums, touched = snapshot.scratch()
        # every holder is a candidate: when no clause can lower a sum, a positive sum is the
        # mark of a holder (saturations are positive), so no mask is written per posting
        mark = positions is None and any(c.factor < 0 for c in resolved)
        self.touched = touched if mark else None

    @cached_property
    def wanted(self) -> np.ndarray:
        """Mask of the positions that may be scored (made when a batch first needs it: one
        pass over every window needs none)."""
        if self.positions is None:
            return self.snapshot.live
        wanted = np.zeros(self.snapshot.positions, dtype=bool)
        wanted[self.positions] = True
        return wanted

    def score(self, selected: np.ndarray, positions: np.ndarray | None) -> _Scored:
        """The bm25 sums of the candidates in the `selected` windows (all holders of a clause
        term when `positions` is None)."""
        try:
            return self._score(selected, positions)
        except BaseException:
            self._clean()
            raise

    def _clean(self) -> None:
        """The scratch arrays back to zero, whatever a failed batch left in them."""
        self.sums[:] = 0.0
        if self.touched is not None:
            self.touched[:] = False

    def gather(
        self,
        selected: np.ndarray,
        positions: np.ndarray | None,
        multiplier: np.ndarray | None,
        wanted: int,
    ) -> kernels.Gathered:
        """Compiled: the candidates' scores (sum x multiplier) in the `selected` windows (every
        window, when there are candidates), the best few first (see `kernels.gather_best`)."""
        snapshot = self.snapshot
        try:
            ranges = _runs(selected, snapshot.positions)
            terms = [(c.field, s, t, c.factor) for c in self.resolved for s, t in c.where]
            if positions is None and selected.all() and not _many(snapshot, self.resolved):
                return self._gather_holders(terms, wanted)
            score_terms(snapshot, terms, self.sums, self.touched, ranges)
            # the live mask is read even when every position is live: the pass runs faster
            live = snapshot.live if positions is None else None
            take = _take(wanted, snapshot.positions)
            return kernels.gather_best(
                self.sums, self.touched, live, positions, multiplier, ranges, take, _MARGIN,
                snapshot.gathering(),
            )  # fmt: skip
        except BaseException:
            self._clean()
            raise

    def _gather_holders(
        self, terms: list[tuple[str, int, int, float]], wanted: int
    ) -> kernels.Gathered:
        """Every holder, read from the postings' positions rather than by a scan of every
        position (few postings: a few hundred in 100,000 positions take a fiftieth of the
        time); the positions and saturations stay in the cache the scoring then reads."""
        snapshot = self.snapshot
        holders = _union([snapshot.saturation(f, s, t)[0] for f, s, t, _ in terms])
        score_terms(snapshot, terms, self.sums, self.touched)
        live = holders[snapshot.live[holders]] if snapshot.size < snapshot.positions else holders
        take = _take(wanted, snapshot.positions)
        found = kernels.gather_best(
            self.sums, None, None, live, None, np.zeros((0, 2), np.int64), take, _MARGIN,
            snapshot.gathering(),
        )  # fmt: skip
        self.sums[holders] = 0.0
        if self.touched is not None:
            self.touched[holders] = False
        return found

    def _score(self, selected: np.ndarray, positions: np.ndarray | None) -> _Scored:
        snapshot = self.snapshot
        sums, touched = self.sums, self.touched
        if kernels.compiled() or selected.all():  # the selected windows' holders, then read
            ranges = _runs(selected, snapshot.positions)
            terms = [(c.field, s, t, c.factor) for c in self.resolved for s, t in c.where]
            score_terms(snapshot, terms, sums, touched, ranges)
            return self._collect(selected, positions, ranges)
        prefix = np.concatenate([[0], np.cumsum(selected)])  # windows selected before each
        wanted = self.wanted
        for clause in self.resolved:
            view = snapshot.fields[clause.field]
            for segment, term in clause.where:
                postings = view.postings[segment]
                base = int(snapshot.bases[segment])
                first, count = postings.blocks(term)
                lo = (np.asarray(postings.bbase[first : first + count]) + base) // WINDOW
                hi = (np.asarray(postings.blast[first : first + count]) + base) // WINDOW
                chosen = np.flatnonzero(prefix[hi + 1] - prefix[lo] > 0)
                if len(chosen) == 0:
                    continue
                if len(chosen) == count:
                    docs, saturation = snapshot.saturation(clause.field, segment, term)
                    keep = selected[docs // WINDOW] & wanted[docs]
                    docs, contribution = docs[keep], saturation[keep] * clause.factor
                else:
                    docs, tfs = postings.block_postings(term, chosen)
                    docs = docs + base
                    keep = selected[docs // WINDOW] & wanted[docs]
                    docs = docs[keep]
                    tf = tfs[keep].astype(np.float64)
                    contribution = tf * (self.k1 + 1) / (tf + view.norm[docs]) * clause.factor
                sums[docs] += contribution
                if touched is not None:
                    touched[docs] = True
        return self._collect(selected, positions, None)

    def _collect(
        self, selected: np.ndarray, positions: np.ndarray | None, ranges: np.ndarray | None
    ) -> _Scored:
        """Read the scored positions' sums, then zero the scratch arrays for the next batch:
        the holders (without candidates: every holder's slot was written, and no other), or the
        `ranges` scored (every holder there), or only the candidates (None)."""
        snapshot, sums, touched = self.snapshot, self.sums, self.touched
        picked: np.ndarray | slice = slice(None)
        if positions is None:  # the holders, dead ones included, are the only non-zero slots
            chosen_positions = np.flatnonzero(touched if touched is not None else sums > 0)
            found = sums[chosen_positions]
            sums[chosen_positions] = 0.0
            if touched is not None:
                touched[chosen_positions] = False
            if snapshot.size < snapshot.positions:  # some positions are deleted documents
                alive = self.wanted[chosen_positions]
                chosen_positions, found = chosen_positions[alive], found[alive]
            return _Scored(chosen_positions, found, picked)
        if selected.all():
            chosen_positions, picked = positions, slice(None)  # every window: every candidate
        else:
            picked = np.flatnonzero(selected[positions // WINDOW])
            chosen_positions = positions[picked]
        found = sums[chosen_positions]
        if ranges is None:  # only candidates were written (touched: no candidates, above)
            sums[chosen_positions] = 0.0
        else:
            for lo, hi in ranges.tolist():
                sums[lo:hi] = 0.0
        return _Scored(chosen_positions, found, picked)


def _union(sorted_positions: list[np.ndarray]) -> np.ndarray:
    """The distinct positions of sorted arrays, sorted (a sort and a comparison of neighbours:
    numpy's unique hashes, several times slower on a few thousand)."""
    if len(sorted_positions) == 1:
        return sorted_positions[0]
    merged = np.sort(np.concatenate(sorted_positions))
    if len(merged) == 0:
        return merged
    keep = np.empty(len(merged), dtype=bool)
    keep[0] = True
    np.not_equal(merged[1:], merged[:-1], out=keep[1:])
    return merged[keep]


def _runs(selected: np.ndarray, positions: int) -> np.ndarray:
    """The positions of the selected windows as (lo, hi) ranges, one per run of windows."""
    if selected.all():
        return np.array([[0, positions]], dtype=np.int64)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], selected.view(np.int8), [0]])))
    starts, ends = edges[0::2], edges[1::2]
    return np.stack([starts * WINDOW, np.minimum(ends * WINDOW, positions)], axis=1).astype(
        np.int64
    )


def _bounds(snapshot: Snapshot, resolved: list[_Resolved], windows: int) -> np.ndarray:
    """Per window, an upper bound of the bm25 sum of any document in it."""
    params = snapshot.params
    total = np.zeros(windows)
    for clause in resolved:
        if clause.factor <= 0:
            continue  # never raises a score
        view = snapshot.fields[clause.field]
        best = np.zeros(windows)
        for segment, term in clause.where:
            postings = view.postings[segment]
            base = int(snapshot.bases[segment])
            first, count = postings.blocks(term)
            maxtf = np.asarray(postings.bmaxtf[first : first + count]).astype(np.float64)
            mindl = np.asarray(postings.bmindl[first : first + count]).astype(np.float64)
            if view.avgdl > 0:
                norm = params.k1 * (1 - params.b + params.b * mindl / view.avgdl)
            else:
                norm = np.zeros(count)
            saturation = maxtf * (params.k1 + 1) / (maxtf + norm)
            saturation[maxtf >= 65535] = params.k1 + 1
            bound = saturation * clause.factor
            lo = (np.asarray(postings.bbase[first : first + count]) + base) // WINDOW
            hi = (np.asarray(postings.blast[first : first + count]) + base) // WINDOW
            np.maximum.at(best, lo, bound)
            np.maximum.at(best, hi, bound)
            inner = hi - lo - 1
            spans = np.flatnonzero(inner > 0)
            if len(spans):  # windows strictly inside one block see only that block
                counts = inner[spans]
                starts = np.repeat(lo[spans] + 1, counts)
                steps = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
                np.maximum.at(best, starts + steps, np.repeat(bound[spans], counts))
        total += best
    return total * (1 + 1e-12)


def rank_candidates(
    snapshot: Snapshot,
    clauses: list[Clause],
    candidates: np.ndarray | None,
    multiplier: np.ndarray | None,
    wanted: int,
    exhaustive: bool = False,
) -> Ranked:
    """The first `wanted` distinct texts among `candidates` (sorted positions; None: every
    holder of a clause term), scored as bm25 sum x `multiplier` (one per candidate)."""
    resolved = _resolve(snapshot, clauses)
    if candidates is None and not resolved:  # no clause term is in any document
        return Ranked(np.zeros(0, np.int64), np.zeros(0), 0)
    windows = snapshot.positions // WINDOW + 1
    scorer = _Scorer(snapshot, resolved, candidates)
    if candidates is not None and len(candidates) == 0:
        return Ranked(np.zeros(0, np.int64), np.zeros(0), 0)
    if (
        exhaustive
        or wanted <= 0
        or _broad(snapshot, resolved, candidates)
        or (candidates is not None and len(candidates) <= _EXHAUSTIVE)
    ):
        selected = np.ones(windows, dtype=bool)
        if kernels.compiled() and wanted > 0:
            gathered = scorer.gather(selected, candidates, multiplier, wanted)
            found = _first_few(
                snapshot, gathered.positions, gathered.scores, wanted, gathered.kept,
                gathered.floor, gathered.everything,
            )  # fmt: skip
            if found is not None:
                return Ranked(*found, gathered.scored)
            # copies of a few texts took the best places: rank every score
        scored = scorer.score(selected, candidates)
        positions, scores = scored.positions, scored.scaled(multiplier)
        return _best(snapshot, positions, scores, wanted, len(positions))
    bounds = _candidate_bounds(snapshot, resolved, windows, candidates, multiplier)
    pruned = _pruned(snapshot, scorer, bounds, candidates, multiplier, wanted)
    if pruned is None:  # copies took the best places: rank every score
        return rank_candidates(snapshot, clauses, candidates, multiplier, wanted, True)
    return pruned


def _broad(snapshot: Snapshot, resolved: list[_Resolved], candidates: np.ndarray | None) -> bool:
    """Whether the candidates are so many that bounds would prune too little to pay (every
    holder of a small index: one pass over it is cheaper than bounds)."""
    if candidates is not None:
        return len(candidates) * _BROAD > snapshot.positions
    if snapshot.positions < _SMALL and kernels.compiled():
        return True
    return _many(snapshot, resolved)  # every holder is a candidate: as broad as the postings


def _many(snapshot: Snapshot, resolved: list[_Resolved]) -> bool:
    """Whether the clauses' postings are many: above 1/16 of the positions."""
    postings = sum(
        int(snapshot.fields[c.field].postings[s].df[t]) for c in resolved for s, t in c.where
    )
    return postings * _BROAD > snapshot.positions


def _candidate_bounds(
    snapshot: Snapshot,
    resolved: list[_Resolved],
    windows: int,
    candidates: np.ndarray | None,
    multiplier: np.ndarray | None,
) -> np.ndarray:
    """Per window, an upper bound of any candidate's score there (-inf: no candidate)."""
    bounds = _bounds(snapshot, resolved, windows)
    if candidates is not None:
        present = np.zeros(windows, dtype=bool)
        present[candidates // WINDOW] = True
        if multiplier is not None:
            largest = np.zeros(windows)
            np.maximum.at(largest, candidates // WINDOW, multiplier)
            bounds = bounds * largest
        bounds[~present] = -np.inf
    else:
        bounds[bounds <= 0] = -np.inf
    return bounds


def _pruned(
    snapshot: Snapshot,
    scorer: _Scorer,
    bounds: np.ndarray,
    candidates: np.ndarray | None,
    multiplier: np.ndarray | None,
    wanted: int,
) -> Ranked | None:
    """Score windows best bound first, in growing batches, until no window left can enter;
    None when the compiled gathering cannot tell the first texts (copies took the places)."""
    windows = len(bounds)
    visit = np.argsort(-bounds, kind="stable")
    visit = visit[np.isfinite(bounds[visit])]
    scored = 0
    done = 0
    batch = _FIRST_BATCH
    threshold = -np.inf
    kept_positions = np.zeros(0, np.int64)
    kept_scores = np.zeros(0)
    while done < len(visit):
        if threshold > -np.inf and bounds[visit[done]] < threshold - _MARGIN - 1e-12 * abs(
            threshold
        ):
            break
        selected = np.zeros(windows, dtype=bool)
        take = _windows_to_take(candidates, windows, visit[done:], batch)
        chosen = visit[done : done + take]
        selected[chosen] = True
        done += len(chosen)
        merged = _merge_batch(
            snapshot, scorer, selected, candidates, multiplier, wanted, kept_positions, kept_scores
        )
        if merged is None:
            return None
        kept_positions, kept_scores = merged.positions, merged.scores
        scored += merged.scored
        if len(kept_positions) >= wanted:
            threshold = float(kept_scores[wanted - 1])
        batch *= 4
    return Ranked(kept_positions, kept_scores, scored)


def _merge_batch(
    snapshot: Snapshot,
    scorer: _Scorer,
    selected: np.ndarray,
    candidates: np.ndarray | None,
    multiplier: np.ndarray | None,
    wanted: int,
    kept_positions: np.ndarray,
    kept_scores: np.ndarray,
) -> Ranked | None:
    """The first texts of those kept so far and the `selected` windows' (`scored`: how many
    the batch scored); None when the compiled gathering cannot tell them."""
    if kernels.compiled() and candidates is None:
        gathered = scorer.gather(selected, candidates, multiplier, wanted)
        found = _first_few(
            snapshot,
            np.concatenate([kept_positions, gathered.positions]),
            np.concatenate([kept_scores, gathered.scores]),
            wanted, len(kept_positions) + gathered.kept, gathered.floor, gathered.everything,
        )  # fmt: skip
        return None if found is None else Ranked(*found, gathered.scored)
    batch = scorer.score(selected, candidates)
    return _best(
        snapshot,
        np.concatenate([kept_positions, batch.positions]),
        np.concatenate([kept_scores, batch.scaled(multiplier)]),
        wanted,
        len(batch.positions),
    )


def _windows_to_take(
    candidates: np.ndarray | None, windows: int, remaining: np.ndarray, batch: int
) -> int:
    """How many of the `remaining` windows, in visit order, make a batch of about `batch`."""
    if candidates is not None:
        per_window = np.bincount(candidates // WINDOW, minlength=windows)[remaining]
        return int(np.searchsorted(np.cumsum(per_window), batch)) + 1
    return max(1, batch // 64)


def _take(wanted: int, positions: int | None = None) -> int:
    """How many of the best scores are sorted first (copies of one text may take places); at
    most the `positions` when given (a huge `wanted` asks for no heap larger than them)."""
    take = 4 * wanted + 64
    return take if positions is None else min(take, positions)


def _best(
    snapshot: Snapshot, positions: np.ndarray, scores: np.ndarray, wanted: int, scored: int
) -> Ranked:
    """The first `wanted` distinct texts of a scored set, best first."""
    if len(positions) == 0:
        return Ranked(positions.astype(np.int64), scores, scored)
    take = _take(wanted)
    while True:
        chosen_positions, chosen_scores = positions, scores
        if 0 < take < len(positions):
            # only the best few need a full sort; near-ties stay in by the margin
            keep = scores >= _floor_of_best(scores, take) - _MARGIN
            chosen_positions, chosen_scores = positions[keep], scores[keep]
        ranked, ranked_scores = _distinct(snapshot, chosen_positions, chosen_scores)
        if wanted <= 0 or len(ranked) >= wanted or len(chosen_positions) == len(positions):
            break
        take *= 4  # copies took places: look further
    if wanted > 0:
        ranked, ranked_scores = ranked[:wanted], ranked_scores[:wanted]
    return Ranked(ranked, ranked_scores, scored)


def _distinct(
    snapshot: Snapshot, positions: np.ndarray, scores: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Scored positions best first, the first of each text only (copies folded)."""
    ranking = order(snapshot, positions, scores)
    ranked, ranked_scores = positions[ranking], scores[ranking]
    keep = first_of_each_copy(snapshot, ranked)
    return ranked[keep], ranked_scores[keep]


def _first_few(
    snapshot: Snapshot,
    positions: np.ndarray,
    scores: np.ndarray,
    wanted: int,
    kept: int,
    floor: float,
    everything: bool,
) -> tuple[np.ndarray, np.ndarray] | None:
    """The first `wanted` distinct texts of a scored set from its first `kept` entries alone
    (`everything`: they are the whole set), or None when those cannot tell. Every entry left
    out scores below the `floor` (the `take`-th largest score) less the margin; when the
    wanted-th text found scores at least the floor less half the margin, the two differ by more
    than the 1e-9 rounding, so nothing left out could rank before it."""
    ranked, ranked_scores = _distinct(snapshot, positions[:kept], scores[:kept])
    ranked, ranked_scores = ranked[:wanted], ranked_scores[:wanted]
    if everything or (len(ranked) == wanted and ranked_scores[-1] >= floor - _MARGIN / 2):
        return ranked, ranked_scores
    return None


def _floor_of_best(scores: np.ndarray, take: int) -> float:
    """A value at most the `take`-th largest score, cheaply: the `take`-th largest of the
    maxima of disjoint sets of scores is one (each of those maxima is a distinct score at
    least as large), and it cuts nearly as close as a partition of every score at a fraction
    of the cost (one pass, then a partition of n / width maxima)."""
    n = len(scores)
    width = min(64, n // (4 * take))
    if width < 4:
        return float(np.partition(scores, n - take)[n - take])
    whole = n // width * width
    # column maxima of a (width, n / width) view: disjoint sets again, and a reduction of
    # whole rows, which numpy vectorises (per-row maxima of short rows it does not)
    maxima = scores[:whole].reshape(width, -1).max(axis=0)
    return float(np.partition(maxima, len(maxima) - take)[len(maxima) - take])


def top_k(snapshot: Snapshot, clauses: list[Clause], k: int) -> list[tuple[int, float]]:
    """The best `k` (position, score) among the documents holding a clause term."""
    ranked = rank_candidates(snapshot, clauses, None, None, k)
    return [(int(p), float(s)) for p, s in zip(ranked.positions, ranked.scores, strict=False)]
