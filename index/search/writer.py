"""Writing the index: full builds, changes as new segments plus deletion marks, tiered merges.

One writer publishes at a time: `LOCK` (an exclusive `flock`) is held while a generation is
computed from the live one and published, so two processes never lose each other's changes; the
second waits (or, with `wait=False`, gets IndexBusy). Long work runs outside that lock: a full
build holds `BUILD`, a merge holds `MERGE`, and each takes `LOCK` only to publish. A merge
publishes only if its inputs are still live, carrying over the deletions made meanwhile.

Files are named so a crash leaves nothing that could be mistaken for live data: work files end
in `.<pid>.tmp` (or are folders `.work-<pid>-*`) until renamed into place under `LOCK`; the
cleaner removes unreferenced segments and tables, and work files of processes no longer alive.
"""

from __future__ import annotations

import fcntl
import logging
import math
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ..errors import TinSoError
from ..processes import process_alive
from ..text.restore import Restorer
from .arrays import CorruptIndex
from .generation import (
    CURRENT,
    Generation,
    Manifest,
    Tables,
    dead_terms,
    global_df,
    merge_counts,
    publish_manifest,
    read_current,
    write_tables,
)
from .segment import DocRow, Segment, SegmentBuilder
from .terms import FIELDS
from .vocabulary import READING_ARRAYS, RESTORER_ARRAYS, reading_arrays, restorer_arrays

__all__ = ["IndexBusy", "IndexWriter", "MergePolicy"]

log = logging.getLogger(__name__)

DeadDf = dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]
Progress = Callable[[int, int | None], None]


class IndexBusy(TinSoError):
    """Another process is writing the index (try again when it is done)."""


@dataclass(frozen=True)
class MergePolicy:
    """Tiered merging: segments of about the same size are merged `factor` at a time.

    A segment's tier is log_factor(live documents / floor); the lowest tier holding `factor`
    segments is merged into one (so a tier holds at most factor - 1 segments and the count stays
    near (factor - 1) x log_factor(N / floor)); beyond `max_segments` the smallest are merged
    anyway; a segment with more than `max_deleted` of its documents deleted is rewritten alone.
    """

    factor: int = 4
    floor: int = 2000
    max_segments: int = 8
    max_deleted: float = 0.3

    def select(self, generation: Generation) -> list[Segment]:
        """The segments to merge next (empty: nothing to do)."""
        sizes = []
        for segment in generation.segments:
            dead = len(generation.dead(segment))
            sizes.append((segment.size - dead, dead, segment))
        tiers: dict[int, list[tuple[int, int, Segment]]] = {}
        for live, dead, segment in sizes:
            tier = int(math.log(max(live, self.floor) / self.floor, self.factor))
            tiers.setdefault(tier, []).append((live, dead, segment))
        for tier in sorted(tiers):
            if len(tiers[tier]) >= self.factor:
                return [s for _, _, s in sorted(tiers[tier], key=lambda t: t[0])[: 2 * self.factor]]
        if len(sizes) > self.max_segments:
            smallest = sorted(sizes, key=lambda t: t[0])[: len(sizes) - self.max_segments + 1]
            return [s for _, _, s in smallest]
        for live, dead, segment in sizes:
            if dead and dead > self.max_deleted * (live + dead):
                return [segment]
        return []


_PID = re.compile(r"(?:\.(\d+)\.tmp$)|(?:^\.work-(\d+)-)")


def _now() -> str:
    return datetime.now(UTC).isoformat()


class IndexWriter:
    """Publishes generations into one index folder."""

    def __init__(self, index_dir: Path, *, budget_bytes: int = 128 << 20) -> None:
        """Write into `index_dir` (created if needed); `budget_bytes` bounds a build's buffers."""
        self.index_dir = index_dir
        self.budget = budget_bytes
        index_dir.mkdir(parents=True, exist_ok=True)

    # -- locks --------------------------------------------------------------------------------

    @contextmanager
    def lock(self, name: str = "LOCK", *, wait: bool = True) -> Iterator[None]:
        """Hold one of the index's locks (IndexBusy at once when `wait` is off and it is held)."""
        fd = os.open(self.index_dir / name, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError as exc:
                raise IndexBusy(f"{self.index_dir}: another process is writing the index") from exc
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    # -- reading the live generation -------------------------------------------------------

    def current(self, reuse: dict[str, Segment] | None = None) -> Generation | None:
        """The live generation (None when there is none); CorruptIndex when it is damaged."""
        manifest = read_current(self.index_dir)
        if manifest is None:
            return None
        return Generation.open(self.index_dir, manifest, verify=False, reuse=reuse)

    def _next_number(self, current: Generation | None) -> int:
        if current is not None:
            return current.manifest.generation + 1
        numbers = [
            int(m.group(1))
            for p in self.index_dir.glob("manifest-*.json")
            if (m := re.fullmatch(r"manifest-(\d+)\.json", p.name))
        ]
        return max(numbers, default=0) + 1

    # -- writing segments ------------------------------------------------------------------

    def _write_segment(
        self, batches: Iterable[list[DocRow]], progress: Progress | None, total: int | None
    ) -> tuple[str, Path, int] | None:
        """Build a segment under a work name; None when there was no document."""
        name = f"seg-{uuid.uuid4().hex[:16]}.seg"
        work = self.index_dir / f"{name}.{os.getpid()}.tmp"
        builder = SegmentBuilder(work, budget_bytes=self.budget)
        try:
            for batch in batches:
                builder.add(batch)
                if progress:
                    progress(builder.n, total)
            if builder.n == 0:
                builder.finish()
                work.unlink(missing_ok=True)
                return None
            builder.finish({"created_at": _now()})
        except BaseException:
            work.unlink(missing_ok=True)
            raise
        return name, work, builder.n

    def _place(self, name: str, work: Path) -> Segment:
        final = self.index_dir / name
        os.replace(work, final)
        return Segment(final, verify=False)

    # -- full build ---------------------------------------------------------------------------

    def build(
        self,
        batches: Iterable[list[DocRow]],
        *,
        database: str,
        data_version: str,
        analyzer: str,
        progress: Progress | None = None,
        total: int | None = None,
    ) -> Manifest:
        """Index everything anew into one segment and publish it as the only one."""
        started = time.perf_counter()
        with self.lock("BUILD"):
            written = self._write_segment(batches, progress, total)
            with self.lock():
                try:
                    current = self.current()
                except CorruptIndex:
                    current = None
                segments = [self._place(written[0], written[1])] if written else []
                dead_df: DeadDf = {}
                histograms = _full_histograms(segments)
                manifest = self._publish(
                    current,
                    segments,
                    {},
                    dead_df,
                    histograms,
                    None,
                    database=database,
                    data_version=data_version,
                    analyzer=analyzer,
                    seconds=time.perf_counter() - started,
                )
        return manifest

    # -- changes ------------------------------------------------------------------------------

    def apply(
        self,
        current: Generation,
        batches: Iterable[list[DocRow]],
        removed: np.ndarray,
        *,
        data_version: str | None = None,
    ) -> Manifest:
        """Publish new or changed documents as a new segment and mark what they replace, and the
        `removed` article ids, deleted. Call with `lock()` held and `current` read under it."""
        started = time.perf_counter()
        written = self._write_segment(batches, None, None)
        added = self._place(written[0], written[1]) if written else None
        superseded = np.asarray(removed, dtype=np.int64)
        if added is not None:
            superseded = np.union1d(superseded, np.asarray(added.ids))
        old_dead_df: DeadDf = {
            s.name: {f: current.tables.dead_df(s.name, f) for f in FIELDS} for s in current.segments
        }
        kept, dead, dead_df, newly = _mark_superseded(current, superseded, old_dead_df)
        segments = kept + ([added] if added is not None else [])
        histograms = _changed_histograms(current, segments, old_dead_df, dead_df, newly, added)
        return self._publish(
            current,
            segments,
            dead,
            dead_df,
            histograms,
            None,
            database=current.manifest.database,
            data_version=data_version or current.manifest.data_version,
            analyzer=current.manifest.analyzer,
            seconds=time.perf_counter() - started,
        )

    # -- merging ------------------------------------------------------------------------------

    def merge(self, policy: MergePolicy = MergePolicy()) -> Manifest | None:
        """Run the merge the policy asks for (None: nothing to merge, or a merge is running)."""
        try:
            with self.lock("MERGE", wait=False):
                return self._merge(policy)
        except IndexBusy:
            return None

    def _merge(self, policy: MergePolicy) -> Manifest | None:
        start = self.current()
        if start is None:
            return None
        inputs = policy.select(start)
        if not inputs:
            return None
        live_at_start = _live_positions(start, inputs)
        started = time.perf_counter()
        written = self._write_segment(_live_rows(inputs, live_at_start), None, None)
        with self.lock():
            now = self.current(reuse={s.name: s for s in start.segments})
            names = [s.name for s in now.segments] if now is not None else []
            if now is None or any(s.name not in names for s in inputs):
                if written:
                    written[1].unlink(missing_ok=True)
                return None  # a full build replaced the inputs meanwhile
            merged = self._place(written[0], written[1]) if written else None
            segments, dead, dead_df = _merged_generation(now, inputs, live_at_start, merged)
            histograms = {field: now.tables.histogram(field) for field in FIELDS}
            return self._publish(
                now,
                segments,
                dead,
                dead_df,
                histograms,
                _restorer_copy(now.tables),
                database=now.manifest.database,
                data_version=now.manifest.data_version,
                analyzer=now.manifest.analyzer,
                seconds=time.perf_counter() - started,
            )

    # -- publishing ---------------------------------------------------------------------------

    def _publish(
        self,
        current: Generation | None,
        segments: list[Segment],
        dead: dict[str, np.ndarray],
        dead_df: DeadDf,
        histograms: dict[str, tuple[np.ndarray, np.ndarray]],
        restoration: dict[str, np.ndarray] | None,
        *,
        database: str,
        data_version: str,
        analyzer: str,
        seconds: float,
    ) -> Manifest:
        number = self._next_number(current)
        documents = sum(s.size for s in segments) - sum(len(d) for d in dead.values())
        if restoration is None:
            frequencies = word_frequencies(segments, dead_df)
            restoration = restorer_arrays(Restorer(frequencies, documents))
            restoration |= reading_arrays(frequencies)  # typo index, accented syllables
        tables = f"gen-{number:08d}.tab"
        work = self.index_dir / f"{tables}.{os.getpid()}.tmp"
        write_tables(
            work, dead, dead_df, histograms, restoration, {"docs": documents, "created_at": _now()}
        )
        os.replace(work, self.index_dir / tables)
        manifest = Manifest(
            generation=number,
            database=database,
            data_version=data_version,
            analyzer=analyzer,
            segments=tuple(s.name for s in segments),
            tables=tables,
            created_at=_now(),
            build_seconds=seconds,
        )
        publish_manifest(self.index_dir, manifest)
        self.collect_garbage(manifest, current.manifest if current is not None else None)
        return manifest

    def collect_garbage(self, live: Manifest, previous: Manifest | None) -> None:
        """Remove files no manifest in use names, and work files of dead processes. The previous
        generation is kept for readers that read `CURRENT` just before it changed."""
        keep = {CURRENT, "LOCK", "BUILD", "MERGE", live.name, live.tables, *live.segments}
        if previous is not None:
            keep |= {previous.name, previous.tables, *previous.segments}
        _remove_unreferenced(self.index_dir, keep)


_EMPTY = (np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64))


def _full_histograms(segments: list[Segment]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Document frequency histograms of freshly built segments (nothing deleted yet)."""
    return {
        field: _histogram(
            np.concatenate([s.fields[field].df for s in segments]).astype(np.int64)
            if segments
            else np.zeros(0, np.int64)
        )
        for field in FIELDS
    }


def _mark_superseded(
    current: Generation, superseded: np.ndarray, old_dead_df: DeadDf
) -> tuple[list[Segment], dict[str, np.ndarray], DeadDf, DeadDf]:
    """Mark the documents with `superseded` ids deleted: the segments kept, their deletions and
    deleted-term counts, and the terms of the documents newly deleted per segment."""
    dead: dict[str, np.ndarray] = {}
    dead_df: DeadDf = {}
    newly: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
    kept: list[Segment] = []
    for segment in current.segments:
        before = current.dead(segment)
        hit = np.flatnonzero(np.isin(np.asarray(segment.ids), superseded))
        fresh = np.setdiff1d(hit, before)
        now_dead = np.union1d(before, fresh).astype(np.int32)
        if len(fresh):
            newly[segment.name] = dead_terms(segment, fresh)
        if len(now_dead) == segment.size:
            continue  # every document replaced: the segment leaves the generation
        kept.append(segment)
        dead[segment.name] = now_dead
        dead_df[segment.name] = {
            f: merge_counts(
                old_dead_df[segment.name][f], newly.get(segment.name, {}).get(f, _EMPTY)
            )
            for f in FIELDS
        }
    return kept, dead, dead_df, newly


def _changed_histograms(
    current: Generation,
    segments: list[Segment],
    old_dead_df: DeadDf,
    dead_df: DeadDf,
    newly: DeadDf,
    added: Segment | None,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The live histograms updated for the terms whose document frequency a change moved."""
    histograms = {}
    for field in FIELDS:
        parts = [t[field][0] for t in newly.values()]
        if added is not None:
            parts.append(np.asarray(added.fields[field].keys))
        keys = np.unique(np.concatenate(parts)) if parts else np.zeros(0, np.uint64)
        before_df = global_df(current.segments, old_dead_df, field, keys)
        after_df = global_df(segments, dead_df, field, keys)
        values, counts = current.tables.histogram(field)
        histograms[field] = _update_histogram(values, counts, before_df, after_df)
    return histograms


def _live_positions(start: Generation, inputs: list[Segment]) -> dict[str, np.ndarray]:
    """Positions of the documents of each merge input still live when the merge started."""
    live_at_start = {}
    for segment in inputs:
        keep = np.ones(segment.size, dtype=bool)
        keep[start.dead(segment)] = False
        live_at_start[segment.name] = np.flatnonzero(keep)
    return live_at_start


def _merged_generation(
    now: Generation,
    inputs: list[Segment],
    live_at_start: dict[str, np.ndarray],
    merged: Segment | None,
) -> tuple[list[Segment], dict[str, np.ndarray], DeadDf]:
    """The segments, deletions and deleted-term counts once `merged` replaces `inputs` in `now`,
    carrying over the deletions made while the merge ran."""
    carried: list[int] = []
    offset = 0
    for segment in inputs:
        positions = live_at_start[segment.name]
        died = np.intersect1d(now.dead(segment), positions)
        carried.extend((offset + np.searchsorted(positions, died)).tolist())
        offset += len(positions)
    input_names = {s.name for s in inputs}
    segments: list[Segment] = []
    for segment in now.segments:
        if segment.name not in input_names:
            segments.append(segment)
        elif merged is not None and merged not in segments:
            segments.append(merged)
    dead = {s.name: now.dead(s) for s in segments if s is not merged}
    dead_df: DeadDf = {
        s.name: {f: now.tables.dead_df(s.name, f) for f in FIELDS}
        for s in segments
        if s is not merged
    }
    if merged is not None and carried:
        positions = np.array(sorted(carried), dtype=np.int32)
        if len(positions) == merged.size:
            segments.remove(merged)
        else:
            dead[merged.name] = positions
            dead_df[merged.name] = dead_terms(merged, positions)
    return segments, dead, dead_df


def _remove_unreferenced(index_dir: Path, keep: set[str]) -> None:
    """Remove the index files not in `keep`, and work files of processes no longer alive."""
    for path in index_dir.iterdir():
        if path.name in keep:
            continue
        found = _PID.search(path.name)
        try:
            if found:
                if not process_alive(int(found.group(1) or found.group(2))):
                    _remove(path)
            elif path.name.startswith(("seg-", "gen-", "manifest-")):
                _remove(path)
        except OSError as exc:
            log.warning("could not remove %s: %s", path, exc)


def _live_rows(
    inputs: list[Segment], live_at_start: dict[str, np.ndarray]
) -> Iterator[list[DocRow]]:
    """The live documents of the merge inputs, in order, in batches of 2000."""
    for segment in inputs:
        positions = live_at_start[segment.name]
        for first in range(0, len(positions), 2000):
            yield list(segment.rows(positions[first : first + 2000].tolist()))


def _remove(path: Path) -> None:
    if path.is_dir():
        import shutil

        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _histogram(df: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values, counts = np.unique(df[df > 0], return_counts=True)
    return values.astype(np.int64), counts.astype(np.int64)


def _update_histogram(
    values: np.ndarray, counts: np.ndarray, before: np.ndarray, after: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Move each changed term from its old document frequency to its new one."""
    removed_values, removed_counts = np.unique(before[before > 0], return_counts=True)
    added_values, added_counts = np.unique(after[after > 0], return_counts=True)
    all_values = np.concatenate([values, removed_values, added_values]).astype(np.int64)
    all_counts = np.concatenate([counts, -removed_counts, added_counts]).astype(np.int64)
    unique, inverse = np.unique(all_values, return_inverse=True)
    total = np.bincount(inverse, weights=all_counts, minlength=len(unique)).astype(np.int64)
    if (total < 0).any():
        raise CorruptIndex("document frequency histogram went negative")
    keep = total > 0
    return unique[keep], total[keep]


def word_frequencies(segments: list[Segment], dead_df: DeadDf) -> dict[str, int]:
    """Document frequency of every live word, title and text together (what restoration uses)."""
    keys_parts, words = [], []
    for segment in segments:
        keys, texts = segment.words()
        keys_parts.append(np.asarray(keys))
        words.extend(texts)
    if not keys_parts:
        return {}
    keys = np.concatenate(keys_parts)
    unique, first = np.unique(keys, return_index=True)
    frequency = global_df(segments, dead_df, "title.words", unique) + global_df(
        segments, dead_df, "text.words", unique
    )
    return {
        words[i]: int(f) for i, f in zip(first.tolist(), frequency.tolist(), strict=False) if f > 0
    }


def _restorer_copy(tables: Tables) -> dict[str, np.ndarray] | None:
    """The vocabulary tables a merge carries over (its words are unchanged); None when the
    generation predates the reading tables, so that they are built."""
    names = (*RESTORER_ARRAYS, *READING_ARRAYS)
    if any(name not in tables.file for name in names):
        return None
    return {name: np.array(tables.array(name)) for name in names}


def renamed(manifest: Manifest, **changes: object) -> Manifest:
    """A copy of a manifest with some facts changed (for tests)."""
    return replace(manifest, **changes)  # type: ignore[arg-type]
