"""Ingest in bounded memory: a large JSON Lines file, and one record with a huge body.

1. A JSON Lines file of `--megabytes` MB (default 200) made of the shipped sample's records
   repeated with new urls (and a few words changed, so that each article is analysed anew),
   stored through the normal path (`read_paths` -> `Store.store_items`: read, bound, analyse,
   write in batches of 100) into a new SQLite database. A thread samples this process's
   resident memory every half second; the throughput is reported per tenth of the file, to
   show it stays steady. The index is not rebuilt (that is the search room's, measured by
   bench_search.py).
2. One record whose body is `--body-mb` MB (default 50), as .json and as .jsonl: cut at
   2,000,000 characters with a note, analysed and stored; its time and the memory it took.

    python benchmarks/bench_ingest.py                      # 200 MB: about 50 minutes here
    python benchmarks/bench_ingest.py --megabytes 30       # a quick run (6 minutes)

Targets (the robustness issue): peak RSS of this process <= 600 MB for the 200 MB file, with
steady throughput; the 50 MB body cut and stored in seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.store import Store, read_paths  # noqa: E402
from index.text.analyzer import Analyzer  # noqa: E402

SAMPLE = ROOT / "data" / "sample" / "sotttt-hanoi" / "items.jsonl"
SEED = ROOT / "data" / "sample" / "hoa-binh" / "000_ec8b19bf46d9eefc.txt"


def rss_mb() -> float:
    """This process's resident memory now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    """This process's peak resident memory so far (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Watcher:
    """Samples resident memory in a thread while the work runs."""

    def __init__(self, every: float = 0.5) -> None:
        self.every = every
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(rss_mb())
            self._stop.wait(self.every)

    def __enter__(self) -> Watcher:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def make_jsonl(path: Path, megabytes: int, seed: int = 1) -> int:
    """Write about `megabytes` MB of real-looking records; returns how many."""
    rng = random.Random(seed)
    items = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    body = SEED.read_text(encoding="utf-8").split("\n", 3)[-1]
    target = megabytes * 1024 * 1024
    written = count = 0
    with path.open("w", encoding="utf-8") as out:
        while written < target:
            item = dict(rng.choice(items))
            count += 1
            words = item["summary"].split()
            rng.shuffle(words)  # new text: the store must analyse each record
            item["summary"] = " ".join(words)
            item["body"] = body if count % 5 == 0 else ""
            item["url"] = f"https://bench.example.gov.vn/tin/{count}"
            line = json.dumps(item, ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
    return count


def bench_large_file(workdir: Path, megabytes: int) -> dict[str, object]:
    path = workdir / "large.jsonl"
    started = time.perf_counter()
    records = make_jsonl(path, megabytes)
    print(f"wrote {path.stat().st_size / 2**20:.0f} MB, {records:,} records "
          f"in {time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
    store = Store.open(f"sqlite:///{workdir / 'large.sqlite3'}")
    analyzer = Analyzer()
    analyzer.tokens("khởi động")  # load the model before measuring
    marks: list[tuple[float, int]] = []
    tenth = max(1, records // 10)

    def progress(done: int, _total: int | None) -> None:
        if not marks or done - marks[-1][1] >= tenth:
            marks.append((time.perf_counter(), done))
            print(f"  {done:>9,} records, RSS {rss_mb():.0f} MB", flush=True)

    before = rss_mb()
    with Watcher() as watcher:
        started = time.perf_counter()
        marks.append((started, 0))
        report = store.store_items(read_paths([path]), analyzer, progress)
        seconds = time.perf_counter() - started
    rates = [(b[1] - a[1]) / (b[0] - a[0]) for a, b in zip(marks, marks[1:], strict=False)]
    store.close()
    return {
        "megabytes": round(path.stat().st_size / 2**20),
        "records": records,
        "added": report.added,
        "failed": report.failed,
        "seconds": round(seconds),
        "records_per_second": round(records / seconds),
        "rate_per_tenth": [round(r) for r in rates],
        "rate_spread": round(max(rates) / min(rates), 2) if rates else None,
        "rss_before_mb": round(before),
        "rss_median_mb": round(statistics.median(watcher.samples)),
        "rss_max_sampled_mb": round(max(watcher.samples)),
        "peak_rss_mb": round(peak_mb()),
    }


def bench_huge_body(workdir: Path, body_mb: int) -> list[dict[str, object]]:
    paragraph = SEED.read_text(encoding="utf-8").split("\n", 3)[-1].replace("\n", " ") + "\n"
    body = paragraph * (body_mb * 2**20 // len(paragraph.encode("utf-8")) + 1)
    record = {"title": "Một bài rất dài", "url": "https://bench.example.gov.vn/dai", "body": body}
    results = []
    for suffix in (".json", ".jsonl"):
        path = workdir / f"huge{suffix}"
        text = json.dumps([record] if suffix == ".json" else record, ensure_ascii=False)
        path.write_text(text, encoding="utf-8")
        store = Store.open(f"sqlite:///{workdir / f'huge{suffix}.sqlite3'}")
        with Watcher(0.1) as watcher:
            started = time.perf_counter()
            report = store.store_items(read_paths([path]), Analyzer())
            seconds = time.perf_counter() - started
        store.close()
        results.append({
            "file": path.name,
            "megabytes": round(path.stat().st_size / 2**20),
            "added": report.added,
            "notes": [str(p) for p in report.problems],
            "seconds": round(seconds, 1),
            "rss_max_sampled_mb": round(max(watcher.samples)),
        })  # fmt: skip
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--body-mb", type=int, default=50)
    parser.add_argument("--workdir", type=Path, help="default: a new temporary folder")
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
        workdir = Path(folder)
        results: dict[str, object] = {}
        # The large file first: the process's peak (VmHWM) is then the large file's own.
        if not args.skip_large:
            results["large_file"] = bench_large_file(workdir, args.megabytes)
            print(json.dumps(results["large_file"], ensure_ascii=False, indent=1), flush=True)
        results["huge_body"] = bench_huge_body(workdir, args.body_mb)
        print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
