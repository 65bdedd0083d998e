"""Publishing the database's changes as a new index generation: only the articles the change log
names when it can say, else every id and update time compared with the live generation's."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..store.store import Store
from .generation import Generation, Manifest, publish_manifest
from .source import database_rows
from .writer import IndexWriter

__all__ = ["publish_diff", "publish_logged"]


def publish_diff(
    store: Store,
    writer: IndexWriter,
    analyzer_version: str,
    current: Generation,
    version: str,
    ids: np.ndarray,
    updated: np.ndarray,
) -> None:
    """Publish the articles whose id or update time differs from the generation's: their
    rows as new segments, the ones gone as deletion marks (a new manifest only, when none)."""
    live_ids, live_updated, _ = current.live_ids()
    order = np.argsort(live_ids)
    live_ids, live_updated = live_ids[order], live_updated[order]
    at = np.searchsorted(live_ids, ids)
    at[at == len(live_ids)] = 0
    same = (
        (live_ids[at] == ids) & (live_updated[at] == updated)
        if len(live_ids)
        else np.zeros(len(ids), bool)
    )
    changed = ids[~same]
    removed = np.setdiff1d(live_ids, ids)
    if len(changed) == 0 and len(removed) == 0:
        manifest = current.manifest
        publish_manifest(
            writer.index_dir,
            Manifest(
                generation=manifest.generation + 1,
                database=manifest.database,
                data_version=version,
                analyzer=manifest.analyzer,
                segments=manifest.segments,
                tables=manifest.tables,
                created_at=manifest.created_at,
                build_seconds=manifest.build_seconds,
            ),
        )
        return
    rows = database_rows(store, analyzer_version, ids=changed.tolist())
    writer.apply(current, rows, removed, data_version=version)


def publish_logged(
    store: Store, writer: IndexWriter, analyzer_version: str, current: Generation
) -> bool:
    """Publish only the articles the change log names since the generation's change number
    (their rows as they are now: re-reading a newer state is harmless, it is applied again
    under its own number); False when the log cannot say (an index older than the log, or
    a log pruned since), so the caller compares everything."""
    applied = current.manifest.data_version
    if not applied.isdigit():
        return False
    changes = store.changes.since(int(applied))
    if changes is None:
        return False
    version = str(changes.head)
    batches = list(database_rows(store, analyzer_version, ids=list(changes.article_ids)))
    present = {row.article_id for batch in batches for row in batch}
    live_ids, _, _ = current.live_ids()
    gone = np.array(sorted(set(changes.article_ids) - present), dtype=np.int64)
    removed = np.intersect1d(live_ids, gone)
    if not present and len(removed) == 0:
        manifest = current.manifest
        publish_manifest(
            writer.index_dir,
            replace(manifest, generation=manifest.generation + 1, data_version=version),
        )
    else:
        writer.apply(current, batches, removed, data_version=version)
    return True
