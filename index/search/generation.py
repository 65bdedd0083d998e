"""Generations: which segments, deletion marks and global tables answer queries right now.

A generation is a manifest (JSON, with its own checksum) naming segment files and one tables
file. `CURRENT` holds the name of the live manifest; a writer publishes a generation by writing
the new files, then the manifest, then replacing `CURRENT`, each written under a temporary name,
fsynced and renamed (rename is atomic), the folder fsynced after. A reader reads `CURRENT` once
and opens exactly the files its manifest names, which are never modified, so it sees the old or
the new generation, never a mix; a crash at any point leaves the previous `CURRENT` serving.

The tables file holds what depends on the whole corpus and so changes per generation: per
segment the positions of its deleted documents and, per field, how many of those contain each
term (so document frequencies over *live* documents are exact); per field the histogram of
document frequencies (how many terms occur in 1, 2, ... live documents), from which the mean IDF
of rank_bm25's floor is computed for any N; and the diacritics restoration tables.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .arrays import FORMAT_VERSION, ArrayFile, ArrayWriter, CorruptIndex, OtherFormat, fsync_dir
from .segment import Segment
from .terms import FIELDS, GROUPS, KINDS, KeyCache, batch_terms

__all__ = [
    "CURRENT",
    "Generation",
    "Manifest",
    "Tables",
    "dead_terms",
    "global_df",
    "merge_counts",
    "publish_manifest",
    "read_current",
]

CURRENT = "CURRENT"


@dataclass(frozen=True)
class Manifest:
    """The files and facts of one generation."""

    generation: int
    database: str  # identity of the database the index was built from
    data_version: str  # the database's data version the index reflects
    analyzer: str
    segments: tuple[str, ...]
    tables: str
    created_at: str
    build_seconds: float = 0.0
    format: int = FORMAT_VERSION

    @property
    def name(self) -> str:
        """The manifest's file name."""
        return f"manifest-{self.generation:08d}.json"

    def dumps(self) -> str:
        """JSON with a checksum of the rest."""
        body = asdict(self)
        body["segments"] = list(self.segments)
        text = json.dumps(body, sort_keys=True, ensure_ascii=False)
        return json.dumps({"manifest": body, "crc": zlib.crc32(text.encode())}, sort_keys=True)

    @classmethod
    def loads(cls, text: str, where: str) -> Manifest:
        """Parse and check a manifest; raise CorruptIndex."""
        try:
            outer = json.loads(text)
            body = outer["manifest"]
            check = json.dumps(body, sort_keys=True, ensure_ascii=False)
            if zlib.crc32(check.encode()) != outer["crc"]:
                raise CorruptIndex(f"{where}: fails its checksum")
            if body.get("format") != FORMAT_VERSION:
                raise OtherFormat(
                    f"{where}: format {body.get('format')}, this version reads {FORMAT_VERSION}"
                )
            body["segments"] = tuple(body["segments"])
            return cls(**body)
        except (ValueError, KeyError, TypeError) as exc:
            raise CorruptIndex(f"{where}: unreadable ({exc})") from exc


def read_current(index_dir: Path) -> Manifest | None:
    """The live manifest; None when the folder has no index; CorruptIndex when it is damaged."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if not name.startswith("manifest-") or "/" in name:
        raise CorruptIndex(f"{CURRENT}: names {name!r}")
    try:
        text = (index_dir / name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CorruptIndex(f"{name}: missing") from exc
    return Manifest.loads(text, name)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def publish_manifest(index_dir: Path, manifest: Manifest) -> None:
    """Write the manifest, then point `CURRENT` at it (both durable, `CURRENT` last)."""
    _write_atomic(index_dir / manifest.name, manifest.dumps())
    fsync_dir(index_dir)
    _write_atomic(index_dir / CURRENT, manifest.name + "\n")
    fsync_dir(index_dir)


class Tables:
    """The per-generation tables (see the module's docstring), written once."""

    def __init__(self, file: ArrayFile) -> None:
        self.file = file
        self.meta = file.meta

    def dead(self, segment: str) -> np.ndarray:
        """Sorted positions of the deleted documents of a segment."""
        name = f"dead.{segment}"
        return self.file[name] if name in self.file else np.zeros(0, dtype=np.int32)

    def dead_df(self, segment: str, field: str) -> tuple[np.ndarray, np.ndarray]:
        """(sorted keys, counts): how many deleted documents of the segment hold each term."""
        name = f"deaddf.{segment}.{field}"
        if f"{name}.keys" not in self.file:
            return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
        return self.file[f"{name}.keys"], self.file[f"{name}.counts"]

    def histogram(self, field: str) -> tuple[np.ndarray, np.ndarray]:
        """(document frequencies, number of terms with each) over live documents."""
        return self.file[f"hist.{field}.values"], self.file[f"hist.{field}.counts"]

    def array(self, name: str) -> np.ndarray:
        """Any other array (the restoration tables)."""
        return self.file[name]


def write_tables(
    path: Path,
    dead: Mapping[str, np.ndarray],
    dead_df: Mapping[str, Mapping[str, tuple[np.ndarray, np.ndarray]]],
    histograms: Mapping[str, tuple[np.ndarray, np.ndarray]],
    extra: Mapping[str, np.ndarray],
    meta: dict[str, object],
) -> None:
    """Write a tables file at `path` (a temporary name; the caller renames it)."""
    writer = ArrayWriter(path, meta=meta)
    try:
        for segment, positions in dead.items():
            if len(positions):
                writer.add(f"dead.{segment}", np.asarray(positions, dtype=np.int32))
        for segment, fields in dead_df.items():
            for field, (keys, counts) in fields.items():
                if len(keys):
                    writer.add(f"deaddf.{segment}.{field}.keys", keys.astype(np.uint64))
                    writer.add(f"deaddf.{segment}.{field}.counts", counts.astype(np.int64))
        for field, (values, counts) in histograms.items():
            writer.add(f"hist.{field}.values", values.astype(np.int64))
            writer.add(f"hist.{field}.counts", counts.astype(np.int64))
        for name, array in extra.items():
            writer.add(name, array)
        writer.close()
    except BaseException:
        writer.abort()
        raise


class Generation:
    """An opened generation: manifest, segments and tables."""

    def __init__(
        self, index_dir: Path, manifest: Manifest, segments: list[Segment], tables: Tables
    ):
        self.index_dir = index_dir
        self.manifest = manifest
        self.segments = segments
        self.tables = tables

    @classmethod
    def open(
        cls,
        index_dir: Path,
        manifest: Manifest,
        *,
        verify: bool = True,
        reuse: Mapping[str, Segment] | None = None,
    ) -> Generation:
        """Open a manifest's files (segments in `reuse` are taken as they are)."""
        reuse = reuse or {}
        tables = Tables(ArrayFile(index_dir / manifest.tables, verify=verify))
        segments = [
            reuse[name] if name in reuse else Segment(index_dir / name, verify=verify)
            for name in manifest.segments
        ]
        return cls(index_dir, manifest, segments, tables)

    def dead(self, segment: Segment) -> np.ndarray:
        """Deleted positions of one of this generation's segments."""
        return self.tables.dead(segment.name)

    def live_ids(self) -> tuple[np.ndarray, np.ndarray, list[tuple[int, np.ndarray]]]:
        """Article ids and update times of live documents, and per segment its live positions."""
        ids, updated, live = [], [], []
        for number, segment in enumerate(self.segments):
            keep = np.ones(segment.size, dtype=bool)
            keep[self.dead(segment)] = False
            positions = np.flatnonzero(keep)
            ids.append(np.asarray(segment.ids)[positions])
            updated.append(np.asarray(segment.updated)[positions])
            live.append((number, positions))
        if not ids:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), []
        return np.concatenate(ids), np.concatenate(updated), live

    def global_df(self, field: str, keys: np.ndarray) -> np.ndarray:
        """Document frequency over live documents of each key."""
        return global_df(self.segments, self.tables, field, keys)

    def close(self) -> None:
        """Drop the maps of the tables (segments may be shared with a newer generation)."""
        self.tables.file.close()


def global_df(
    segments: list[Segment],
    tables: Tables | Mapping[str, Mapping[str, tuple[np.ndarray, np.ndarray]]],
    field: str,
    keys: np.ndarray,
) -> np.ndarray:
    """Sum over segments of a term's documents minus its deleted ones."""
    keys = np.asarray(keys, dtype=np.uint64)
    if len(keys) == 1:  # a reader asks one pair at a time: scalars cost a fifth of the arrays
        return np.array([_one_df(segments, tables, field, keys[0])], dtype=np.int64)
    df = np.zeros(len(keys), dtype=np.int64)
    for segment in segments:
        postings = segment.fields[field]
        found = postings.lookup(keys)
        hit = found >= 0
        df[hit] += postings.df[found[hit]].astype(np.int64)
        dead_keys, dead_counts = _dead_df(tables, segment, field)
        if len(dead_keys):
            at = np.searchsorted(dead_keys, keys)
            at[at == len(dead_keys)] = 0
            match = dead_keys[at] == keys
            df[match] -= dead_counts[at[match]]
    return df


def _one_df(
    segments: list[Segment],
    tables: Tables | Mapping[str, Mapping[str, tuple[np.ndarray, np.ndarray]]],
    field: str,
    key: np.uint64,
) -> int:
    """`global_df` of one key, in scalars."""
    total = 0
    for segment in segments:
        postings = segment.fields[field]
        total += _count_of(postings.keys, postings.df, key)
        total -= _count_of(*_dead_df(tables, segment, field), key)
    return total


def _dead_df(
    tables: Tables | Mapping[str, Mapping[str, tuple[np.ndarray, np.ndarray]]],
    segment: Segment,
    field: str,
) -> tuple[np.ndarray, np.ndarray]:
    """(sorted keys, counts) of a segment's deleted documents' terms, from the generation's
    tables or from those a writer is preparing."""
    if isinstance(tables, Tables):
        return tables.dead_df(segment.name, field)
    return tables.get(segment.name, {}).get(field, (np.zeros(0, np.uint64), np.zeros(0, np.int64)))


def _count_of(keys: np.ndarray, counts: np.ndarray, key: np.uint64) -> int:
    """counts[i] where keys[i] == key (sorted keys), 0 when absent."""
    at = int(keys.searchsorted(key)) if len(keys) else 0
    return int(counts[at]) if at < len(keys) and keys[at] == key else 0


def dead_terms(segment: Segment, positions: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per field, (sorted keys, counts) of the terms of some documents of a segment, found
    again from their stored token streams."""
    result: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if len(positions) == 0:
        return result
    streams = list(segment.streams(positions.tolist()))
    cache = KeyCache()
    for group in GROUPS:
        tokens = [(title if group == "title" else text) for _, title, text in streams]
        terms = batch_terms([t.split("\n") if t else [] for t in tokens], cache)
        for kind in KINDS:
            pairs = np.unique(
                np.stack([terms.keys[kind], terms.docs[kind].astype(np.uint64)], axis=1), axis=0
            )
            keys, counts = np.unique(pairs[:, 0], return_counts=True)
            result[f"{group}.{kind}"] = (keys, counts.astype(np.int64))
    return result


def merge_counts(
    *tables: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Sum (keys, counts) tables by key."""
    present = [t for t in tables if len(t[0])]
    if not present:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    keys = np.concatenate([t[0] for t in present]).astype(np.uint64)
    counts = np.concatenate([t[1] for t in present]).astype(np.int64)
    unique, inverse = np.unique(keys, return_inverse=True)
    return unique, np.bincount(inverse, weights=counts, minlength=len(unique)).astype(np.int64)


FIELDS_ORDER = FIELDS
