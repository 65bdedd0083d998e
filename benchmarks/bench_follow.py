"""How fast a reader follows a writer: catching up through the change log against comparing
every article (what a reader did before the log, and still does when the log was pruned), side
by side in one run, repeated; plus the cost of a follow tick when nothing changed and of one
shared throttle decision.

Uses a database made by bench_search.py (copied, never modified), or the shipped sample:

    python benchmarks/bench_follow.py --database /tmp/bench/bench-100000-300-20261128.sqlite3
    python benchmarks/bench_follow.py            # the 214-article sample
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_search import rss_mb, watch_self  # noqa: E402  (after the path is set)

from index import Archive  # noqa: E402


def _article(folder: Path, number: int) -> Path:
    path = folder / f"new-{number}.json"
    record = {
        "title": f"Khánh thành cầu số {number} bắc qua sông Đà",
        "body": f"Sáng nay tỉnh Hòa Bình khánh thành cây cầu số {number} dài 500 mét.",
        "published_at": "2026-11-28",
    }
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return path


def _timed_refresh(reader: Archive, *, whole: bool) -> float:
    """Milliseconds for the reader to catch up (through the log, or comparing everything)."""
    changes = reader.store.changes
    since = changes.since
    if whole:
        changes.since = lambda seq: None  # type: ignore[method-assign]  # as after a pruned log
    try:
        started = time.perf_counter()
        assert reader.refresh()
        return (time.perf_counter() - started) * 1000
    finally:
        changes.since = since  # type: ignore[method-assign]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, help="a SQLite file made by bench_search.py")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--max-rss-gb", type=float, default=3.0)
    args = parser.parse_args()
    watch_self(args.max_rss_gb * 1024)

    work = Path(tempfile.mkdtemp(prefix="tinsobot-follow-"))
    database = work / "follow.sqlite3"
    if args.database is not None:
        source = sqlite3.connect(f"file:{args.database}?mode=ro", uri=True)
        target = sqlite3.connect(database)
        with target:
            source.backup(target)
        source.close()
        target.close()
        sample = None
    else:
        sample = ROOT / "data" / "sample"
    url = f"sqlite:///{database}"
    started = time.perf_counter()
    writer = Archive.open(url, sample=sample, index_dir=work / "writer-index")
    build_s = time.perf_counter() - started
    shutil.copytree(work / "writer-index", work / "reader-index")  # another host's own copy
    reader = Archive.open(url, index_dir=work / "reader-index")
    articles = reader.stats().indexed

    idle = []
    for _ in range(50):
        started = time.perf_counter()
        assert not reader.refresh()
        idle.append((time.perf_counter() - started) * 1000)

    logged, whole, number = [], [], 0
    for round_ in range(args.rounds):
        for path in ("log", "whole") if round_ % 2 == 0 else ("whole", "log"):
            number += 1
            writer.ingest([_article(work, number)])
            (logged if path == "log" else whole).append(
                _timed_refresh(reader, whole=path == "whole")
            )

    shared = []
    for n in range(200):
        started = time.perf_counter()
        reader.take_token(f"message:{n % 20}", 5, 20 / 60)
        shared.append((time.perf_counter() - started) * 1000)

    log_ms, whole_ms = statistics.median(logged), statistics.median(whole)
    print(f"articles indexed: {articles} (index built in {build_s:.1f} s)")
    print(f"follow tick, nothing changed: median {statistics.median(idle):.2f} ms")
    print(
        f"catch up one ingested article: through the change log median {log_ms:.0f} ms "
        f"(all {', '.join(f'{v:.0f}' for v in logged)}); comparing every article median "
        f"{whole_ms:.0f} ms (all {', '.join(f'{v:.0f}' for v in whole)}); "
        f"ratio {whole_ms / log_ms:.1f}x"
    )
    print(f"shared throttle decision (SQLite): median {statistics.median(shared):.2f} ms")
    print(f"peak RSS {rss_mb(key='VmHWM'):.0f} MB")
    writer.close()
    reader.close()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
