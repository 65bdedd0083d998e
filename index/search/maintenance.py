"""Keeping the on-disk index in step with the database, for one engine.

`IndexKeeper` opens the live generation (building it only when it is missing, damaged, foreign
or of another analyzer, with one log line saying why), publishes the database's changes as new
segments plus deletion marks (`sync`: ids and update times are compared, so it also catches up
after a crash between a database commit and a publish), follows generations published by other
processes (`refresh`), and runs merges and full rebuilds off the serving path: a full rebuild and
large merges in a child process at lower priority (one core at most, searches in this process
never wait for them), small merges in a background thread. A new generation replaces the old by
swapping one reference; segments already open are reused, only new ones are checksummed.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..store.ingest import ProgressCallback
from ..store.store import Store
from ..text.analyzer import Analyzer
from .arrays import CorruptIndex, OtherFormat
from .bm25 import BM25Params
from .generation import CURRENT, Generation, Manifest, read_current
from .publishing import publish_diff, publish_logged
from .segment import Segment
from .snapshot import Snapshot
from .source import database_rows, database_state
from .writer import IndexWriter, MergePolicy

__all__ = ["IndexKeeper", "default_index_dir"]

log = logging.getLogger(__name__)

_SMALL_MERGE = 5_000  # documents a merge may hold to run in a thread of the serving process


def default_index_dir(store: Store) -> Path | None:
    """Beside a SQLite file (`name.sqlite3-index`); None (a temporary folder) otherwise."""
    path = store.sqlite_file
    return path.with_name(path.name + "-index") if path is not None else None


class IndexKeeper:
    """Opens, updates, follows and maintains the index of one database."""

    def __init__(
        self,
        store: Store,
        index_dir: Path | None,
        analyzer: Analyzer,
        params: BM25Params,
        policy: MergePolicy = MergePolicy(),
    ) -> None:
        self.store = store
        self.owned: Path | None = None
        index_dir = index_dir or default_index_dir(store)
        if index_dir is None:
            index_dir = self.owned = Path(tempfile.mkdtemp(prefix="tinsobot-index-"))
            log.info("no index folder given: using %s for this process", index_dir)
        self.index_dir = index_dir
        self.analyzer = analyzer
        self.params = params
        self.policy = policy
        self.writer = IndexWriter(index_dir)
        self._snapshot: Snapshot | None = None
        self._swap = threading.Lock()
        self._merging: threading.Thread | None = None
        self._closed = False
        atexit.register(_finish, weakref.ref(self))

    # -- the generation serving queries ----------------------------------------------------

    @property
    def snapshot(self) -> Snapshot:
        """The generation answering queries."""
        if self._snapshot is None:
            raise RuntimeError("the engine has no index yet: open it first")
        return self._snapshot

    def open(self, progress: ProgressCallback | None = None) -> None:
        """Open the live generation, or build one; then catch up with the database."""
        reason = self._load()
        if reason is not None:
            _log_rebuild(self.index_dir, reason)
            self.rebuild(progress=progress)
        self.sync()

    def _load(self, manifest: Manifest | None = None) -> _Unusable | None:
        """Swap in the live (or given) generation; why it cannot be used, if it cannot."""
        for _ in range(3):
            try:
                manifest = manifest or read_current(self.index_dir)
            except OtherFormat as exc:
                return _Unusable(f"was written by another version ({exc})", expected=True)
            except CorruptIndex as exc:
                return _Unusable(f"is damaged ({exc})")
            if manifest is None:
                return _Unusable("is missing", expected=True)
            if manifest.analyzer != self.analyzer.version:
                why = f"was built by analyzer {manifest.analyzer}, not {self.analyzer.version}"
                return _Unusable(why, expected=True)
            if manifest.database != self.store.identity():
                return _Unusable("belongs to another database", expected=True)
            reuse = {s.name: s for s in self._snapshot.segments} if self._snapshot else {}
            try:
                generation = Generation.open(self.index_dir, manifest, reuse=reuse)
            except CorruptIndex as exc:
                try:
                    moved = read_current(self.index_dir) != manifest
                except CorruptIndex:
                    moved = False
                if moved:  # a writer replaced it meanwhile: open the new one
                    manifest = None
                    continue
                return _Unusable(f"is damaged ({exc})")
            self._swap_in(Snapshot(generation, self.params))
            return None
        return _Unusable("keeps changing")

    def _swap_in(self, snapshot: Snapshot) -> None:
        with self._swap:
            old = self._snapshot
            if (
                old is not None
                and old.generation.manifest.generation > snapshot.generation.manifest.generation
            ):
                return  # a newer one is in already
            self._snapshot = snapshot

    def refresh(self) -> bool:
        """Reopen when the live generation changed; publish when only the database did."""
        try:
            name = (self.index_dir / CURRENT).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            name = ""
        if self._snapshot is None or name != self._snapshot.generation.manifest.name:
            before = self._snapshot
            reason = self._load()
            if reason is not None:
                _log_rebuild(self.index_dir, reason)
                self.rebuild()
            self.sync()
            return self._snapshot is not before
        if self.store.data_version() != self._snapshot.data_version:
            return self.sync()
        return False

    # -- publishing changes ------------------------------------------------------------------

    def sync(self) -> bool:
        """Publish what changed in the database since the live generation; True if the
        generation answering queries changed."""
        before = self._snapshot
        with self.writer.lock():
            try:
                current = self.writer.current(reuse=self._reuse())
            except CorruptIndex:
                current = None
            usable = (
                current is not None
                and current.manifest.analyzer == self.analyzer.version
                and current.manifest.database == self.store.identity()
            )
            if usable:
                assert current is not None
                if self.store.data_version() != current.manifest.data_version and (
                    not publish_logged(self.store, self.writer, self.analyzer.version, current)
                ):
                    version, ids, updated = database_state(self.store, self.analyzer.version)
                    publish_diff(
                        self.store,
                        self.writer,
                        self.analyzer.version,
                        current,
                        version,
                        ids,
                        updated,
                    )
        if not usable:
            self.rebuild()
        else:
            self._load()
        self._maintain()
        return self._snapshot is not before

    def remove(self, article_ids: Iterable[int]) -> int:
        """Mark articles deleted in a new generation; how many were live."""
        wanted = np.unique(np.fromiter(article_ids, dtype=np.int64))
        with self.writer.lock():
            current = self.writer.current(reuse=self._reuse())
            if current is None:
                return 0
            live_ids, _, _ = current.live_ids()
            found = np.intersect1d(live_ids, wanted)
            if len(found):
                self.writer.apply(current, [], found)
        self._load()
        return len(found)

    def rebuild(self, progress: ProgressCallback | None = None) -> None:
        """Index every article anew from the cached terms, in this process."""
        total = self.store.article_count()
        version = self.store.data_version()
        self.writer.build(
            database_rows(self.store, self.analyzer.version),
            database=self.store.identity(),
            data_version=version,
            analyzer=self.analyzer.version,
            progress=progress,
            total=total,
        )
        self._load()

    def reanalyse(self, *, full: bool = False, progress: ProgressCallback | None = None) -> int:
        """Re-segment stale (or all) articles in this process."""
        return self.store.reanalyse(self.analyzer, full=full, progress=progress)

    def reindex(self, *, full: bool, progress: ProgressCallback | None = None) -> int:
        """Re-analyse and publish; a full one rebuilds in a child process when it can."""
        # A child process can reopen a server or a file, not an in-memory SQLite database.
        url = self.store.database_url
        reachable = bool(url) and (not url.startswith("sqlite") or self.store.sqlite_file)
        if not full or not reachable:
            count = self.reanalyse(full=full, progress=progress)
            if full:
                self.rebuild()
            else:
                self.sync()
            return count
        from .worker import run_child

        count = run_child(
            "reindex",
            self.store.database_url,
            str(self.index_dir),
            progress=progress,
        )
        self._load()
        self.sync()
        return count

    # -- merging -----------------------------------------------------------------------------

    def _reuse(self) -> dict[str, Segment]:
        return {s.name: s for s in self._snapshot.segments} if self._snapshot else {}

    def _maintain(self) -> None:
        """Start merging in the background when the policy asks for it."""
        if self._closed or self._snapshot is None:
            return
        if self._merging is not None and self._merging.is_alive():
            return
        if not self.policy.select(self._snapshot.generation):
            return
        self._merging = threading.Thread(target=self._merge_loop, name="index-merge", daemon=True)
        self._merging.start()

    def _merge_loop(self) -> None:
        try:
            while not self._closed and self._snapshot is not None:
                inputs = self.policy.select(self._snapshot.generation)
                if not inputs:
                    return
                if sum(s.size for s in inputs) <= _SMALL_MERGE:
                    if self.writer.merge(self.policy) is None:
                        return
                else:
                    from .worker import run_child

                    run_child("merge", "", str(self.index_dir))
                self._load()
        except Exception:
            log.error("merging the index in %s failed", self.index_dir, exc_info=True)

    def wait(self) -> None:
        """Wait for background merges."""
        thread = self._merging
        if thread is not None:
            thread.join()

    def close(self) -> None:
        """Finish background work; remove a temporary index folder."""
        self.wait()
        self._closed = True
        if self.owned is not None:
            shutil.rmtree(self.owned, ignore_errors=True)


@dataclass(frozen=True)
class _Unusable:
    """Why the live generation cannot serve: `expected` for a first build, another database's
    index (one INDEX_DIR, several databases) or one written before an upgrade; damage is not."""

    why: str
    expected: bool = False


def _log_rebuild(index_dir: Path, reason: _Unusable) -> None:
    """Say in one line why the index is rebuilt (a warning unless that was to be expected)."""
    level = logging.INFO if reason.expected else logging.WARNING
    log.log(level, "index in %s %s: rebuilding it from the database", index_dir, reason.why)


def _finish(reference: weakref.ref[IndexKeeper]) -> None:
    keeper = reference()
    if keeper is not None and not keeper._closed:
        keeper.wait()
        if keeper.owned is not None:
            shutil.rmtree(keeper.owned, ignore_errors=True)
