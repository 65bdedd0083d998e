"""Segments: immutable files holding a set of documents, their postings and their source form.

A segment stores only what does not depend on the rest of the corpus: per field a sorted
dictionary of 64-bit term keys with each term's document frequency *within the segment*, the
postings (document gaps and term frequencies, in blocks of 128 with the block's first and last
document, largest frequency and smallest document length, for top-k bounds), and each
document's length; per document its columns (article id, dates, category, title, url, source,
text identity, near-duplicate signature) and its cached token streams, compressed, from which
the segment can be rebuilt or merged without the database and the terms of a deleted document
can be found again. Global statistics (N, average lengths, document frequencies, mean IDF) are
computed per generation.

Building streams documents in batches: each batch is inverted at once with numpy, batches are
kept in memory up to a budget and then spilled as sorted runs to temporary files, and `finish`
merges the runs field by field, one slice of the key space at a time, so the peak memory is set
by the budget and the slice, never by the corpus.

Postings encoding, per term: document gaps inside a block (the first is 0: the block's first
document is in the block table) in 0, 1, 2 or 4 bytes as the term's largest gap needs, or in
one byte or half a byte each when the few larger gaps' high parts, listed after the
frequencies, cost less than wider gaps; then the term frequencies in 0 (all 1), 2 bits
(largest 3: four per byte, the first posting in the lowest bits), 4 bits (largest 15: two per
byte), 1, 2 or 4 bytes; each part padded to 4 bytes. Format 3 (packed frequencies and
low-part gaps) takes a fifth off the postings of the 100,000-article benchmark.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from .arrays import ArrayFile, ArrayWriter
from .terms import FIELDS, GROUPS, KINDS, KeyCache, batch_terms

__all__ = ["BLOCK", "DocRow", "FieldPostings", "Segment", "SegmentBuilder", "encode_postings"]

BLOCK = 128
_STREAM_BLOCK = 64  # documents per compressed block of token streams
_PART_POSTINGS = 1_000_000  # postings merged at once in `finish` (about 120 MB of work arrays)
_WIDTH_DTYPE: dict[int, np.dtype] = {1: np.dtype("<u1"), 2: np.dtype("<u2"), 4: np.dtype("<u4")}
# gap width codes of low parts, with the high parts of larger gaps after the frequencies, and
# the low parts' bits: 3, a byte each (high parts of gaps over 255); 6, half a byte (over 15)
_LOW: dict[int, int] = {3: 8, 6: 4}
_NIBBLE = 3  # the `_PACKED` code of half bytes
# width codes of frequencies packed several to a byte, and their bits
_PACKED: dict[int, int] = {3: 4, 5: 2}  # 3: half bytes (largest 15), 5: quarter bytes (3)


@dataclass(frozen=True)
class DocRow:
    """One article as the index keeps it."""

    article_id: int
    published_us: int  # microseconds since the epoch
    updated_us: int
    category: str | None
    title: str
    url: str | None
    source: str
    content: int  # 63-bit identity of the text: articles with the same text share it
    title_tokens: str  # the cached token streams, "\n"-joined
    text_tokens: str
    sketch: bytes  # the near-duplicate signature of title and opening text (`Signature`)


def _width(values: np.ndarray, *, zero: int, packed: bool = False) -> np.ndarray:
    """Bytes per value for each maximum: 0 when every value is `zero`, else 1, 2 or 4 (or,
    when allowed, a `_PACKED` code for a maximum below 16 or 4)."""
    width = np.where(values < 256, 1, np.where(values < 65536, 2, 4)).astype(np.int64)
    if packed:
        width[values < 16] = 3
        width[values < 4] = 5
    width[values <= zero] = 0
    return width


def _gap_bytes(count: np.ndarray | int, width: np.ndarray | int) -> np.ndarray:
    """Bytes of `count` gaps of each width code (`_LOW`: their low parts)."""
    count, width = np.asarray(count), np.asarray(width)
    size: np.ndarray = np.where(width == 3, count, count * width)
    return np.where(width == 6, (count + 1) // 2, size)


def _gap_codes(
    gaps: np.ndarray, starts: np.ndarray, term_of: np.ndarray, df: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each term's gap width code (the smallest encoding), its count of gaps listed as
    exceptions, and per posting the bits of its low part (0: not a `_LOW` term)."""
    n = len(gaps)
    width = _width(np.maximum.reduceat(gaps, starts) if n else gaps[:0], zero=0)
    size = _pad4(df * width)
    exceptions = np.zeros(len(starts), dtype=np.int64)
    for code, bits in _LOW.items():
        count = np.bincount(term_of[gaps >> bits > 0], minlength=len(starts))
        cost = _pad4(_gap_bytes(df, np.full(len(df), code))) + 4 + 8 * count
        better = (width > 0) & (cost < size)
        width[better], size[better], exceptions[better] = code, cost[better], count[better]
    low_bits = np.zeros(len(starts), dtype=np.int64)
    for code, bits in _LOW.items():
        low_bits[width == code] = bits
    return width, exceptions, low_bits[term_of]


def _nbytes(count: np.ndarray, width: np.ndarray) -> np.ndarray:
    """Bytes of `count` values of each width code."""
    size: np.ndarray = count * width
    for code, bits in _PACKED.items():
        per_byte = 8 // bits
        size = np.where(width == code, (count + per_byte - 1) // per_byte, size)
    return size


_Size = TypeVar("_Size", int, np.ndarray)


def _pad4(n: _Size) -> _Size:
    """Bytes rounded up to a multiple of 4 (each part of a term's postings is padded so)."""
    return (n + 3) // 4 * 4


def _run_starts(values: np.ndarray) -> np.ndarray:
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.empty(len(values), dtype=bool)
    change[0] = True
    np.not_equal(values[1:], values[:-1], out=change[1:])
    return np.flatnonzero(change)


def encode_postings(
    keys: np.ndarray, docs: np.ndarray, tfs: np.ndarray, lengths: np.ndarray
) -> dict[str, np.ndarray]:
    """Encode postings sorted by (key, doc): the dictionary, block table and data bytes."""
    n = len(keys)
    starts = _run_starts(keys)
    df = np.diff(np.append(starts, n))
    term_of = np.repeat(np.arange(len(starts)), df)
    position = np.arange(n) - np.repeat(starts, df)
    block_starts = np.flatnonzero(position % BLOCK == 0)
    block_ends = np.append(block_starts[1:], n) - 1
    gaps = np.zeros(n, dtype=np.int64)
    if n:
        gaps[1:] = np.diff(docs)
        gaps[block_starts] = 0
    gap_width, exceptions, low_bits = _gap_codes(gaps, starts, term_of, df)
    tf_width = _width(np.maximum.reduceat(tfs, starts) if n else tfs[:0], zero=1, packed=True)
    low = (gap_width == 3) | (gap_width == 6)
    gap_bytes = _pad4(_gap_bytes(df, gap_width))
    tf_bytes = _pad4(_nbytes(df, tf_width))
    size = gap_bytes + tf_bytes + np.where(low, 4 + 8 * exceptions, 0)
    offsets = np.zeros(len(starts), dtype=np.int64)
    np.cumsum(size[:-1], out=offsets[1:])
    data = np.zeros(int(size.sum()), dtype=np.uint8)
    stored = np.where(low_bits > 0, gaps & ((1 << low_bits) - 1), gaps)
    stored_width = np.where(gap_width == 3, 1, np.where(gap_width == 6, _NIBBLE, gap_width))
    columns = ((stored, stored_width, 0), (tfs, tf_width, gap_bytes))
    _pack(data, columns, term_of, position, offsets)
    listed = np.flatnonzero((low_bits > 0) & (gaps >> low_bits > 0))
    _pack_exceptions(data, listed, gaps >> low_bits, term_of, position,
                     offsets + gap_bytes + tf_bytes, np.flatnonzero(low), exceptions)  # fmt: skip
    blocks_per_term = (df + BLOCK - 1) // BLOCK
    return {
        "keys": keys[starts].astype(np.uint64),
        "df": df.astype(np.uint32),
        "codes": (gap_width | (tf_width << 4)).astype(np.uint8),
        "size": size,
        "nblocks": blocks_per_term,
        "bbase": docs[block_starts].astype(np.int32),
        "blast": docs[block_ends].astype(np.int32),
        "bmaxtf": np.minimum(
            np.maximum.reduceat(tfs, block_starts) if n else tfs[:0], 65535
        ).astype(np.uint16),
        "bmindl": np.minimum(
            np.minimum.reduceat(lengths[docs], block_starts) if n else docs[:0], 65535
        ).astype(np.uint16),
        "data": data,
    }


def _put_u4(data: np.ndarray, starts: np.ndarray, values: np.ndarray) -> None:
    where = (starts[:, None] + np.arange(4)).reshape(-1)
    data[where] = values.astype("<u4").view(np.uint8)


def _pack_exceptions(
    data: np.ndarray,
    chosen: np.ndarray,
    high: np.ndarray,
    term_of: np.ndarray,
    position: np.ndarray,
    starts: np.ndarray,
    low_terms: np.ndarray,
    counts: np.ndarray,
) -> None:
    """Write each `_LOW` term's count of listed gaps, their positions, then their high parts."""
    _put_u4(data, starts[low_terms], counts[low_terms])
    term = term_of[chosen]
    first = _run_starts(term)
    rank = np.arange(len(chosen)) - np.repeat(first, np.diff(np.append(first, len(chosen))))
    _put_u4(data, starts[term] + 4 + 4 * rank, position[chosen])
    _put_u4(data, starts[term] + 4 + 4 * (counts[term] + rank), high[chosen])


def _pack(
    data: np.ndarray,
    columns: tuple[tuple[np.ndarray, np.ndarray, int | np.ndarray], ...],
    term_of: np.ndarray,
    position: np.ndarray,
    offsets: np.ndarray,
) -> None:
    """Write each column's values into `data` at their term's offset (plus the column's shift)
    in their term's width, grouped by width so each group is one vectorised store."""
    for values, widths, shift in columns:
        posting_width = widths[term_of]
        for code, bits in _PACKED.items():  # posting i of a term: byte i // per_byte, its
            per_byte = 8 // bits  # bits from bits * (i % per_byte) up
            chosen = np.flatnonzero(posting_width == code)
            if len(chosen) == 0:
                continue
            term = term_of[chosen]
            start = offsets[term] + position[chosen] // per_byte
            if not isinstance(shift, int):
                start += shift[term]
            slot = position[chosen] % per_byte
            for number in range(per_byte):  # one slot at a time: distinct bytes in each
                mine = slot == number
                data[start[mine]] |= (values[chosen[mine]] << (bits * number)).astype(np.uint8)
        for width, dtype in _WIDTH_DTYPE.items():
            chosen = np.flatnonzero(posting_width == width)
            if len(chosen) == 0:
                continue
            term = term_of[chosen]
            start = offsets[term] + position[chosen] * width
            if not isinstance(shift, int):
                start += shift[term]
            where = (start[:, None] + np.arange(width)).reshape(-1)
            data[where] = values[chosen].astype(dtype).view(np.uint8)


class _Raw:
    """An append-only temporary file of one dtype (an array too large to keep in memory)."""

    def __init__(self, path: Path, dtype: np.dtype | type) -> None:
        self.path = path
        self.dtype = np.dtype(dtype)
        # Appended to across calls and closed by `copy_into`, so no `with` block fits.
        self.handle = open(path, "wb")  # noqa: SIM115
        self.count = 0

    def append(self, values: np.ndarray) -> None:
        data = np.ascontiguousarray(values, dtype=self.dtype)
        self.handle.write(data.view(np.uint8).data)
        self.count += len(data)

    def copy_into(self, writer: ArrayWriter, name: str) -> None:
        self.handle.close()
        writer.begin(name, self.dtype)
        with open(self.path, "rb") as source:
            while True:
                chunk = source.read((16 << 20) // self.dtype.itemsize * self.dtype.itemsize)
                if not chunk:
                    break
                writer.append(np.frombuffer(chunk, dtype=self.dtype))
        writer.end()
        self.path.unlink()


_COLUMNS = {
    "ids": np.int64,
    "published": np.int64,
    "updated": np.int64,
    "content": np.int64,
    "category": np.int32,
    "source": np.int32,
    "url_none": np.bool_,
}


class SegmentBuilder:
    """Writes one segment from batches of documents, in bounded memory."""

    def __init__(self, path: Path, *, budget_bytes: int = 128 << 20) -> None:
        """Write to `path` (a temporary name: the caller publishes it); work files go to a
        folder beside it named after this process, so a cleaner can tell abandoned ones."""
        self.path = path
        self.budget = budget_bytes
        self.work = Path(tempfile.mkdtemp(prefix=f".work-{os.getpid()}-", dir=path.parent))
        self.cache = KeyCache()
        self.n = 0
        self._columns = {name: _Raw(self.work / name, dtype) for name, dtype in _COLUMNS.items()}
        self._strings = {
            name: (
                _Raw(self.work / f"{name}.bytes", np.uint8),
                _Raw(self.work / f"{name}.ends", np.int64),
            )
            for name in ("title", "url", "sketch")
        }
        self._string_end = {"title": 0, "url": 0, "sketch": 0}
        self._streams = _Raw(self.work / "streams", np.uint8)
        self._stream_ends = _Raw(self.work / "streams.ends", np.int64)
        self._stream_end = 0
        self._lengths = {field: _Raw(self.work / f"{field}.len", np.int32) for field in FIELDS}
        self._codes: dict[str, dict[str, int]] = {"category": {}, "source": {}}
        self._words: dict[int, str] = {}
        self._pending: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {
            field: [] for field in FIELDS
        }
        self._pending_bytes = 0
        self._runs: list[Path] = []
        self._carry: list[DocRow] = []  # documents waiting for a full block of streams

    # -- adding documents -----------------------------------------------------------------

    def add(self, rows: Sequence[DocRow]) -> None:
        """Add a batch of documents (positions follow the order of addition)."""
        if not rows:
            return
        base = self.n
        self.n += len(rows)
        columns = {
            "ids": [r.article_id for r in rows],
            "published": [r.published_us for r in rows],
            "updated": [r.updated_us for r in rows],
            "content": [r.content for r in rows],
            "category": [self._code("category", r.category) for r in rows],
            "source": [self._code("source", r.source) for r in rows],
            "url_none": [r.url is None for r in rows],
        }
        for name, values in columns.items():
            self._columns[name].append(np.asarray(values, dtype=_COLUMNS[name]))
        self._add_strings("title", [r.title.encode("utf-8") for r in rows])
        self._add_strings("url", [(r.url or "").encode("utf-8") for r in rows])
        self._add_strings("sketch", [r.sketch for r in rows])
        self._carry.extend(rows)
        self._flush_streams(final=False)
        for group in GROUPS:
            streams = [_split(getattr(r, f"{group}_tokens")) for r in rows]
            terms = batch_terms(streams, self.cache)
            self._words.update(terms.words)
            for kind in KINDS:
                field = f"{group}.{kind}"
                self._lengths[field].append(terms.lengths[kind])
                keys, docs = terms.keys[kind], terms.docs[kind] + base
                order = np.argsort(keys, kind="stable")
                keys, docs = keys[order], docs[order]
                change = np.ones(len(keys), dtype=bool)
                if len(keys):
                    change[1:] = (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])
                starts = np.flatnonzero(change)
                tfs = np.diff(np.append(starts, len(keys)))
                entry = (keys[starts], docs[starts].astype(np.int32), tfs.astype(np.uint32))
                self._pending[field].append(entry)
                self._pending_bytes += 16 * len(starts)
        if self._pending_bytes > self.budget:
            self._spill()

    def _code(self, kind: str, name: str | None) -> int:
        if name is None:
            return -1
        codes = self._codes[kind]
        return codes.setdefault(name, len(codes))

    def _add_strings(self, name: str, encoded: list[bytes]) -> None:
        data, ends = self._strings[name]
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        data.append(np.frombuffer(b"".join(encoded), dtype=np.uint8))
        ends.append(self._string_end[name] + np.cumsum(lengths))
        self._string_end[name] += int(lengths.sum())

    def _flush_streams(self, *, final: bool) -> None:
        while len(self._carry) >= _STREAM_BLOCK or (final and self._carry):
            block, self._carry = self._carry[:_STREAM_BLOCK], self._carry[_STREAM_BLOCK:]
            text = "\x00".join(f"{r.title_tokens}\x01{r.text_tokens}" for r in block)
            packed = zlib.compress(text.encode("utf-8"), 1)
            self._streams.append(np.frombuffer(packed, dtype=np.uint8))
            self._stream_end += len(packed)
            self._stream_ends.append(np.array([self._stream_end], dtype=np.int64))

    def _spill(self) -> None:
        """Write the pending postings as one sorted run."""
        path = self.work / f"run-{len(self._runs)}"
        writer = ArrayWriter(path, durable=False)
        for field in FIELDS:
            pieces = self._pending[field]
            keys = np.concatenate([p[0] for p in pieces]) if pieces else np.zeros(0, np.uint64)
            order = np.argsort(keys, kind="stable")  # documents stay ascending within a key
            writer.add(f"{field}.keys", keys[order])
            for index, name in ((1, "docs"), (2, "tfs")):
                values = np.concatenate([p[index] for p in pieces]) if pieces else np.zeros(0)
                writer.add(f"{field}.{name}", values[order])
            self._pending[field] = []
        writer.close()
        self._runs.append(path)
        self._pending_bytes = 0

    # -- finishing --------------------------------------------------------------------------

    def finish(self, meta: dict[str, object] | None = None) -> int:
        """Merge the runs and write the segment file; return its size in bytes."""
        try:
            return self._finish(meta or {})
        finally:
            shutil.rmtree(self.work, ignore_errors=True)

    def _finish(self, meta: dict[str, object]) -> int:
        self._flush_streams(final=True)
        if self._runs:
            self._spill()
        runs: list[dict[str, np.ndarray]] = []
        files = [ArrayFile(path, verify=False) for path in self._runs]
        for run in files:
            runs.append({name: run[name] for name in run.names()})
        if not files:
            runs.append(self._pending_run())
        lengths = {}
        for field in FIELDS:
            raw = self._lengths[field]
            raw.handle.flush()
            lengths[field] = np.fromfile(raw.path, dtype=np.int32, count=raw.count)
        writer = ArrayWriter(
            self.path,
            meta={
                **meta,
                "docs": self.n,
                "categories": list(self._codes["category"]),
                "sources": list(self._codes["source"]),
                "lengths": {f: int(lengths[f].sum(dtype=np.int64)) for f in FIELDS},
            },
        )
        try:
            for name, raw in self._columns.items():
                raw.copy_into(writer, name)
            for name, (data, ends) in self._strings.items():
                data.copy_into(writer, f"{name}.bytes")
                ends.copy_into(writer, f"{name}.ends")
            self._streams.copy_into(writer, "streams")
            self._stream_ends.copy_into(writer, "streams.ends")
            for field in FIELDS:
                writer.add(f"{field}.len", lengths[field])
                _write_field(self.work, writer, field, runs, lengths[field], files)
            words = sorted(self._words.items())
            writer.add("lex.keys", np.array([k for k, _ in words], dtype=np.uint64))
            encoded = [w.encode("utf-8") for _, w in words]
            writer.add("lex.bytes", np.frombuffer(b"".join(encoded), dtype=np.uint8))
            writer.add("lex.ends", np.cumsum([len(e) for e in encoded], dtype=np.int64))
            size = writer.close()
        except BaseException:
            writer.abort()
            raise
        finally:
            del runs
            for run in files:
                run.close()
        return size

    def _pending_run(self) -> dict[str, np.ndarray]:
        run: dict[str, np.ndarray] = {}
        for field in FIELDS:
            pieces = self._pending[field]
            keys = np.concatenate([p[0] for p in pieces]) if pieces else np.zeros(0, np.uint64)
            order = np.argsort(keys, kind="stable")
            run[f"{field}.keys"] = keys[order]
            for index, name in ((1, "docs"), (2, "tfs")):
                values = np.concatenate([p[index] for p in pieces]) if pieces else np.zeros(0)
                run[f"{field}.{name}"] = values[order]
            self._pending[field] = []
        return run


def _write_field(
    work: Path,
    writer: ArrayWriter,
    field: str,
    runs: list[dict[str, np.ndarray]],
    lengths: np.ndarray,
    files: list[ArrayFile],
) -> None:
    """Merge one field's sorted runs and write its encoded postings, a key range at a time."""
    total = sum(len(run[f"{field}.keys"]) for run in runs)
    parts = max(1, -(-total // _PART_POSTINGS))
    bounds = [np.uint64(min((i << 64) // parts, (1 << 64) - 1)) for i in range(parts)]
    outputs = _field_outputs(work, field)
    offset = 0
    blocks = 0
    for part in range(parts):
        pieces = _part_pieces(runs, field, bounds, part)
        if not pieces:
            continue
        keys = np.concatenate([p[0] for p in pieces])
        order = np.argsort(keys, kind="stable")
        docs = np.concatenate([p[1] for p in pieces]).astype(np.int64)[order]
        tfs = np.concatenate([p[2] for p in pieces]).astype(np.int64)[order]
        encoded = encode_postings(keys[order], docs, tfs, lengths)
        del keys, docs, tfs, order, pieces
        _append_encoded(outputs, encoded, offset, blocks)
        offset += len(encoded["data"])
        blocks += int(encoded["nblocks"].sum())
        del encoded
        for file in files:  # the runs are read once, in order: their pages need not stay
            file.release()
    for name, raw in outputs.items():
        raw.copy_into(writer, f"{field}.{name}")


def _field_outputs(work: Path, field: str) -> dict[str, _Raw]:
    """The work files one field's postings are appended to, part after part."""
    return {
        "keys": _Raw(work / f"{field}.o.keys", np.uint64),
        "df": _Raw(work / f"{field}.o.df", np.uint32),
        "codes": _Raw(work / f"{field}.o.codes", np.uint8),
        "off": _Raw(work / f"{field}.o.off", np.int64),
        "blk": _Raw(work / f"{field}.o.blk", np.uint32),
        "bbase": _Raw(work / f"{field}.o.bbase", np.int32),
        "blast": _Raw(work / f"{field}.o.blast", np.int32),
        "bmaxtf": _Raw(work / f"{field}.o.bmaxtf", np.uint16),
        "bmindl": _Raw(work / f"{field}.o.bmindl", np.uint16),
        "post": _Raw(work / f"{field}.o.post", np.uint8),
    }


def _part_pieces(
    runs: list[dict[str, np.ndarray]], field: str, bounds: list[np.uint64], part: int
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The (keys, docs, tfs) of each run whose keys fall in the key range `part`."""
    parts = len(bounds)
    pieces = []
    for run in runs:
        keys = run[f"{field}.keys"]
        lo = int(np.searchsorted(keys, bounds[part])) if part else 0
        hi = int(np.searchsorted(keys, bounds[part + 1])) if part + 1 < parts else len(keys)
        if hi > lo:
            pieces.append((keys[lo:hi], run[f"{field}.docs"][lo:hi], run[f"{field}.tfs"][lo:hi]))
    return pieces


def _append_encoded(
    outputs: dict[str, _Raw], encoded: dict[str, np.ndarray], offset: int, blocks: int
) -> None:
    """Append one part's encoding, its data offsets and first blocks made field-wide."""
    outputs["keys"].append(encoded["keys"])
    outputs["df"].append(encoded["df"])
    outputs["codes"].append(encoded["codes"])
    starts = np.zeros(len(encoded["size"]), dtype=np.int64)
    np.cumsum(encoded["size"][:-1], out=starts[1:])
    outputs["off"].append(starts + offset)
    first_blocks = np.zeros(len(encoded["nblocks"]), dtype=np.int64)
    np.cumsum(encoded["nblocks"][:-1], out=first_blocks[1:])
    outputs["blk"].append(first_blocks + blocks)
    for name in ("bbase", "blast", "bmaxtf", "bmindl"):
        outputs[name].append(encoded[name])
    outputs["post"].append(encoded["data"])


def _split(tokens: str) -> list[str]:
    return tokens.split("\n") if tokens else []


class FieldPostings:
    """One field of one segment: dictionary, block table, postings and document lengths."""

    def __init__(self, file: ArrayFile, field: str) -> None:
        self.keys = file[f"{field}.keys"]
        self.df = file[f"{field}.df"]
        self.codes = file[f"{field}.codes"]
        self.off = file[f"{field}.off"]
        self.blk = file[f"{field}.blk"]
        self.bbase = file[f"{field}.bbase"]
        self.blast = file[f"{field}.blast"]
        self.bmaxtf = file[f"{field}.bmaxtf"]
        self.bmindl = file[f"{field}.bmindl"]
        self.post = file[f"{field}.post"]
        self.lengths = file[f"{field}.len"]

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The term index of each key in this segment, -1 where absent."""
        if len(self.keys) == 0:
            return np.full(len(keys), -1, dtype=np.int64)
        found = np.searchsorted(self.keys, keys)
        found[found == len(self.keys)] = 0
        return np.where(self.keys[found] == keys, found, -1)

    def layout(self, term: int) -> tuple[int, int, int, int]:
        """(postings, byte offset, gap width code, frequency width code) of a term."""
        code = int(self.codes[term])
        return int(self.df[term]), int(self.off[term]), code & 0x0F, code >> 4

    def _gaps_tfs(
        self, term: int, positions: np.ndarray | None, *, freqs: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """A term's gaps (low parts only for `_LOW`) and frequencies, all of them or those at
        `positions` (whole blocks); no frequencies unless `freqs`."""
        n, offset, gap_width, tf_width = self.layout(term)
        count = n if positions is None else len(positions)
        if gap_width == 6:
            gaps = self._unpack(n, offset, 4, positions)
        elif gap_width:
            dtype = _WIDTH_DTYPE[1 if gap_width == 3 else gap_width]
            gaps = np.frombuffer(self.post, dtype, n, offset)
            gaps = gaps if positions is None else gaps[positions]
        else:
            gaps = np.zeros(count, dtype=np.uint8)
        start = offset + _pad4(int(_gap_bytes(n, gap_width)))
        if not freqs:
            values = gaps[:0]
        elif tf_width in _PACKED:
            values = self._unpack(n, start, _PACKED[tf_width], positions)
        elif tf_width:
            values = np.frombuffer(self.post, _WIDTH_DTYPE[tf_width], n, start)
            values = values if positions is None else values[positions]
        else:
            values = np.ones(count, dtype=np.uint8)
        return gaps, values

    def _unpack(self, n: int, start: int, bits: int, positions: np.ndarray | None) -> np.ndarray:
        """`n` values of `bits` bits from byte `start`, or those at `positions`."""
        per_byte = 8 // bits
        packed = np.frombuffer(self.post, np.uint8, (n + per_byte - 1) // per_byte, start)
        if positions is not None:
            # whole blocks: each starts at a multiple of 128 and all but the term's last hold
            # 128 postings, so every `per_byte`-th position starts a byte
            packed = packed[positions[0::per_byte] // per_byte]
        values = np.empty(per_byte * len(packed), dtype=np.uint8)
        mask = (1 << bits) - 1
        for number in range(per_byte):
            out = values[number::per_byte]
            np.right_shift(packed, bits * number, out=out)
            if number < per_byte - 1:
                out &= mask
        return values[: n if positions is None else len(positions)]

    def _exceptions(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        """(positions, amounts to add) of a `_LOW` term's listed gaps."""
        n, offset, gap_width, tf_width = self.layout(term)
        start = offset + _pad4(int(_gap_bytes(n, gap_width)))
        start += _pad4(int(_nbytes(np.array(n), np.array(tf_width))))
        count = int(np.frombuffer(self.post, "<u4", 1, start)[0])
        words = np.frombuffer(self.post, "<u4", 2 * count, start + 4).astype(np.int64)
        return words[:count], words[count:] << _LOW[gap_width]

    def blocks(self, term: int) -> tuple[int, int]:
        """(first block index, number of blocks) of a term."""
        return int(self.blk[term]), (int(self.df[term]) + BLOCK - 1) // BLOCK

    def _documents(self, term: int, gaps: np.ndarray, chosen: np.ndarray | None) -> np.ndarray:
        """Documents from a term's gaps (of the `chosen` blocks, or all): running sums set to
        each block's first document; a `_LOW` term's listed gaps get their high parts back."""
        first, count = self.blocks(term)
        n = int(self.df[term])
        blocks = np.arange(count) if chosen is None else chosen
        sizes = np.minimum(BLOCK, n - blocks * BLOCK)
        starts = np.zeros(len(blocks), dtype=np.int64)
        np.cumsum(sizes[:-1], out=starts[1:])
        if int(self.codes[term]) & 0x0F in _LOW:
            where, add = self._exceptions(term)
            if chosen is not None:  # the exceptions of chosen blocks, where they are now
                block = where // BLOCK
                rank = np.minimum(np.searchsorted(chosen, block), len(chosen) - 1)
                keep = chosen[rank] == block
                where = starts[rank[keep]] + where[keep] - block[keep] * BLOCK
                add = add[keep]
            sums = gaps.astype(np.int64)
            sums[where] += add  # distinct positions
            np.cumsum(sums, out=sums)
        else:
            sums = np.cumsum(gaps, dtype=np.int64)
        if len(blocks) == 1:
            sums += int(self.bbase[first + int(blocks[0])])  # its first gap is 0
            return sums
        shift = self.bbase[first + blocks].astype(np.int64) - sums[starts]
        sums += np.repeat(shift, sizes)
        return sums

    def postings(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        """All (local documents, frequencies) of a term (documents as int64: numpy converts
        any other index dtype on every fancy-indexing pass)."""
        gaps, freqs = self._gaps_tfs(term, None)
        return self._documents(term, gaps, None), freqs

    def documents(self, term: int) -> np.ndarray:
        """The local documents of a term, without reading its frequencies."""
        gaps, _ = self._gaps_tfs(term, None, freqs=False)
        return self._documents(term, gaps, None)

    def block_postings(self, term: int, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(local documents, frequencies) of some blocks of a term (`chosen`: sorted, relative)."""
        n = int(self.df[term])
        sizes = np.minimum(BLOCK, n - chosen * BLOCK)
        starts = np.zeros(len(chosen), dtype=np.int64)
        np.cumsum(sizes[:-1], out=starts[1:])
        positions = np.arange(int(sizes.sum())) - np.repeat(starts - chosen * BLOCK, sizes)
        gaps, freqs = self._gaps_tfs(term, positions)
        return self._documents(term, gaps, chosen), freqs


class Segment:
    """An opened segment file."""

    def __init__(self, path: Path, *, verify: bool = True) -> None:
        """Map the file (checking every checksum unless `verify` is off)."""
        self.file = ArrayFile(path, verify=verify)
        self.name = path.name
        self.size = self.file.meta_int("docs")
        self.categories = self.file.meta_strings("categories")
        self.sources = self.file.meta_strings("sources")
        self.ids = self.file["ids"]
        self.published = self.file["published"]
        self.updated = self.file["updated"]
        self.content = self.file["content"]
        self.category = self.file["category"]
        self.source = self.file["source"]
        self.fields = {field: FieldPostings(self.file, field) for field in FIELDS}

    def string(self, name: str, position: int) -> str:
        """The title or url of one document."""
        return self._bytes(name, position).decode("utf-8")

    def sketch(self, position: int) -> bytes:
        """The near-duplicate signature of one document, as `Signature.to_bytes` wrote it."""
        return self._bytes("sketch", position)

    def _bytes(self, name: str, position: int) -> bytes:
        ends = self.file[f"{name}.ends"]
        start = int(ends[position - 1]) if position else 0
        return bytes(self.file[f"{name}.bytes"][start : int(ends[position])])

    def url(self, position: int) -> str | None:
        """The url of one document (None when it has none)."""
        return None if self.file["url_none"][position] else self.string("url", position)

    def streams(self, positions: Iterable[int]) -> Iterator[tuple[int, str, str]]:
        """(position, title tokens, text tokens) of documents, in ascending position order."""
        ends = self.file["streams.ends"]
        data = self.file["streams"]
        cached_block = -1
        texts: list[str] = []
        for position in sorted(positions):
            block = position // _STREAM_BLOCK
            if block != cached_block:
                start = int(ends[block - 1]) if block else 0
                raw = zlib.decompress(bytes(data[start : int(ends[block])])).decode("utf-8")
                texts = raw.split("\x00")
                cached_block = block
            title, _, text = texts[position % _STREAM_BLOCK].partition("\x01")
            yield position, title, text

    def rows(self, positions: Sequence[int]) -> Iterator[DocRow]:
        """The documents at `positions` (ascending) as rows, to copy them into a new segment."""
        for position, title_tokens, text_tokens in self.streams(positions):
            code = int(self.category[position])
            yield DocRow(
                article_id=int(self.ids[position]),
                published_us=int(self.published[position]),
                updated_us=int(self.updated[position]),
                category=self.categories[code] if code >= 0 else None,
                title=self.string("title", position),
                url=self.url(position),
                source=self.sources[int(self.source[position])],
                content=int(self.content[position]),
                title_tokens=title_tokens,
                text_tokens=text_tokens,
                sketch=self.sketch(position),
            )

    def words(self) -> tuple[np.ndarray, list[str]]:
        """The segment's word keys (sorted) and the words themselves."""
        ends = self.file["lex.ends"]
        data = bytes(self.file["lex.bytes"])
        starts = np.concatenate([[0], ends[:-1]]) if len(ends) else ends
        words = [
            data[s:e].decode("utf-8") for s, e in zip(starts.tolist(), ends.tolist(), strict=False)
        ]
        return self.file["lex.keys"], words

    @property
    def meta(self) -> dict[str, object]:
        """What the segment's writer recorded."""
        return self.file.meta

    def close(self) -> None:
        """Release the map."""
        self.file.close()


def dump_meta(meta: dict[str, object]) -> str:
    """Stable JSON of a segment's meta (for tests and logs)."""
    return json.dumps(meta, sort_keys=True, ensure_ascii=False)
