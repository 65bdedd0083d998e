"""One file of named numpy arrays: written once in a stream, opened by memory-mapping.

Why not a folder of `.npy` files: a segment holds about sixty arrays, and one file means one
`mmap`, one checksum table and one rename to publish it. The layout is plain: each array's bytes
start on a 64-byte boundary; a JSON table of contents (name, dtype, shape, offset, CRC-32) follows
the last array; a fixed footer (magic, format version, table offset and length, table CRC-32)
ends the file. Opening maps the file read-only and hands out numpy views, so processes that open
the same file share its pages; `verify` re-reads the bytes with plain reads (not through the map,
so a check does not count as resident memory) and compares every CRC-32.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
import zlib
from dataclasses import dataclass
from io import BufferedReader, BufferedWriter
from pathlib import Path

import numpy as np

from ..errors import TinSoError

__all__ = ["FORMAT_VERSION", "ArrayFile", "ArrayWriter", "CorruptIndex", "OtherFormat", "fsync_dir"]

FORMAT_VERSION = 3  # 2: segments keep each document's near-duplicate signature; 3: half-byte tfs
_MAGIC = b"TSBIDX\x00\x01"
_FOOTER = struct.Struct("<8sIQQI")  # magic, format version, toc offset, toc length, toc crc
_ALIGN = 64
_CHUNK = 8 << 20


class CorruptIndex(TinSoError):
    """An index file is missing, truncated, of another format version, or fails its checksum."""


class OtherFormat(CorruptIndex):
    """An index written in another format version (after an upgrade: rebuilt, not damaged)."""


@dataclass(frozen=True, slots=True)
class _Entry:
    """Where one array lies in the file, and its checksum."""

    offset: int
    dtype: np.dtype
    count: int
    crc: int

    @property
    def nbytes(self) -> int:
        return self.count * self.dtype.itemsize

    def to_json(self) -> dict[str, object]:
        return {
            "offset": self.offset,
            "dtype": self.dtype.str,
            "count": self.count,
            "crc": self.crc,
        }

    @classmethod
    def from_json(cls, raw: object) -> _Entry:
        """Read one table-of-contents entry; ValueError when it is not one."""
        if not isinstance(raw, dict):
            raise ValueError("an array entry is not an object")
        offset, dtype, count, crc = (raw.get(k) for k in ("offset", "dtype", "count", "crc"))
        if not (isinstance(offset, int) and isinstance(count, int) and isinstance(crc, int)):
            raise ValueError("an array entry lacks its offset, count or crc")
        if not isinstance(dtype, str):
            raise ValueError("an array entry lacks its dtype")
        return cls(offset, np.dtype(dtype), count, crc)


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in `path` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ArrayWriter:
    """Writes arrays one after another; `close` adds the table of contents and fsyncs."""

    def __init__(
        self, path: Path, meta: dict[str, object] | None = None, *, durable: bool = True
    ) -> None:
        """Create `path` (not yet published: write under a temporary name); `durable` fsyncs
        at `close` (work files skip it)."""
        self.path = path
        self.durable = durable
        self.meta = dict(meta or {})
        # Kept open across calls (closed by `close` or `abort`), so no `with` block fits.
        self._file: BufferedWriter = open(path, "wb")  # noqa: SIM115
        self._toc: dict[str, _Entry] = {}
        self._open: _Entry | None = None  # the array being written: count and crc so far
        self._open_name = ""

    def add(self, name: str, array: np.ndarray) -> None:
        """Write one whole array."""
        self.begin(name, array.dtype)
        self.append(array)
        self.end()

    def begin(self, name: str, dtype: np.dtype | type) -> None:
        """Start an array written in pieces with `append`."""
        assert self._open is None, "end() the previous array first"
        if name in self._toc:
            raise ValueError(f"array {name!r} written twice")
        self._pad()
        self._open = _Entry(self._file.tell(), np.dtype(dtype), 0, 0)
        self._open_name = name

    def append(self, piece: np.ndarray) -> None:
        """Append elements to the array begun last."""
        entry = self._open
        assert entry is not None
        data = np.ascontiguousarray(piece, dtype=entry.dtype).reshape(-1)
        raw = data.view(np.uint8).data
        self._file.write(raw)
        self._open = _Entry(
            entry.offset, entry.dtype, entry.count + len(data), zlib.crc32(raw, entry.crc)
        )

    def end(self) -> None:
        """Close the array begun last."""
        assert self._open is not None
        self._toc[self._open_name] = self._open
        self._open = None

    def _pad(self) -> None:
        position = self._file.tell()
        if position % _ALIGN:
            self._file.write(b"\x00" * (_ALIGN - position % _ALIGN))

    def close(self) -> int:
        """Write the table of contents and the footer, fsync; return the file size."""
        assert self._open is None
        self._pad()
        arrays = {name: entry.to_json() for name, entry in self._toc.items()}
        toc = json.dumps({"meta": self.meta, "arrays": arrays}, ensure_ascii=False).encode()
        offset = self._file.tell()
        self._file.write(toc)
        self._file.write(_FOOTER.pack(_MAGIC, FORMAT_VERSION, offset, len(toc), zlib.crc32(toc)))
        self._file.flush()
        if self.durable:
            os.fsync(self._file.fileno())
        size = self._file.tell()
        self._file.close()
        return size

    def abort(self) -> None:
        """Close and remove an unfinished file."""
        self._file.close()
        self.path.unlink(missing_ok=True)


class ArrayFile:
    """A read-only, memory-mapped array file."""

    def __init__(self, path: Path, *, verify: bool = True) -> None:
        """Map `path`; raise CorruptIndex when it is missing, foreign or (with `verify`) damaged."""
        self.path = path
        try:
            with open(path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size < _FOOTER.size:
                    raise CorruptIndex(f"{path.name}: truncated")
                handle.seek(size - _FOOTER.size)
                magic, version, offset, length, crc = _FOOTER.unpack(handle.read(_FOOTER.size))
                if magic != _MAGIC:
                    raise CorruptIndex(f"{path.name}: not an index file")
                if version != FORMAT_VERSION:
                    raise OtherFormat(
                        f"{path.name}: format {version}, this version reads {FORMAT_VERSION}"
                    )
                if offset + length + _FOOTER.size != size:
                    raise CorruptIndex(f"{path.name}: truncated")
                handle.seek(offset)
                raw = handle.read(length)
                if zlib.crc32(raw) != crc:
                    raise CorruptIndex(f"{path.name}: damaged table of contents")
                toc = json.loads(raw)
                if not isinstance(toc["meta"], dict) or not isinstance(toc["arrays"], dict):
                    raise ValueError("the table of contents is not two objects")
                self.meta: dict[str, object] = toc["meta"]
                self._toc = {name: _Entry.from_json(e) for name, e in toc["arrays"].items()}
                for name, entry in self._toc.items():
                    if entry.offset + entry.nbytes > offset:
                        raise CorruptIndex(f"{path.name}: array {name} past the end")
                if verify:
                    self._verify(handle)
                self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else None
        except FileNotFoundError as exc:
            raise CorruptIndex(f"{path.name}: missing") from exc
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CorruptIndex(f"{path.name}: unreadable ({exc})") from exc
        self.size = size

    def _verify(self, handle: BufferedReader) -> None:
        buffer = bytearray(_CHUNK)
        view = memoryview(buffer)
        for name, entry in self._toc.items():
            handle.seek(entry.offset)
            remaining = entry.nbytes
            crc = 0
            while remaining:
                got = handle.readinto(view[: min(remaining, _CHUNK)])
                if not got:
                    raise CorruptIndex(f"{self.path.name}: array {name} truncated")
                crc = zlib.crc32(view[:got], crc)
                remaining -= got
            if crc != entry.crc:
                raise CorruptIndex(f"{self.path.name}: array {name} fails its checksum")

    def __contains__(self, name: str) -> bool:
        return name in self._toc

    def names(self) -> list[str]:
        """The names of the arrays, in file order."""
        return list(self._toc)

    def __getitem__(self, name: str) -> np.ndarray:
        """A read-only view of one array (no copy)."""
        entry = self._toc.get(name)
        if entry is None:
            raise CorruptIndex(f"{self.path.name}: no array {name}")
        if entry.count == 0 or self._map is None:
            return np.zeros(0, dtype=entry.dtype)
        return np.frombuffer(self._map, dtype=entry.dtype, count=entry.count, offset=entry.offset)

    def meta_int(self, name: str) -> int:
        """An integer of the file's metadata; CorruptIndex when it is absent or not one."""
        value = self.meta.get(name)
        if not isinstance(value, int):
            raise CorruptIndex(f"{self.path.name}: metadata {name} is not an integer")
        return value

    def meta_strings(self, name: str) -> list[str]:
        """A list of strings of the file's metadata; CorruptIndex when it is absent or not one."""
        value = self.meta.get(name)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CorruptIndex(f"{self.path.name}: metadata {name} is not a list of strings")
        return [str(v) for v in value]

    def release(self) -> None:
        """Drop the pages read so far from this process's resident memory (the kernel keeps
        them in its page cache; a later read maps them again). A build streaming through
        work files larger than the index calls it after each part, so its peak stays bounded."""
        if self._map is not None:
            self._map.madvise(mmap.MADV_DONTNEED)

    def close(self) -> None:
        """Drop the map (views handed out keep it alive until they are gone)."""
        self._map = None
