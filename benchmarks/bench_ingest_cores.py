"""Ingest on every core: the same real articles stored with 1 worker and with N, side by side.

N VietNews articles (`../shared/data/vietnews/`, benchmark use only: they are read from there
and written to a temporary JSON Lines file, never into the repository) are ingested through
the normal path (`read_paths` -> `Store.store_items`: read, bound, analyse, write in batches of
100) into a fresh SQLite database, once per worker count and round, alternating the order each
round; each round also times raw `underthesea.word_tokenize` over the same texts (title,
summary and body joined by line breaks), the floor the analysis is held against.

Every run is a fresh child process, so its figures hold everything it costs: the model loaded
before timing (as the floor's is), CPU as user+sys of the child and of the processes it waited
for (the worker server and its workers), resident memory peaks from the kernel (the child's
own, the largest worker's) and sampled every 0.25 s per process. A run whose processes hold
more than `--max-rss-mb` together is stopped.

    python benchmarks/bench_ingest_cores.py                          # 2,000 articles, 3 rounds
    python benchmarks/bench_ingest_cores.py --articles 500 --rounds 1 --json

Targets (issue 10): 2 workers >= 1.7x one on 2 cores; CPU per article <= 1.3x word_tokenize;
peak RSS <= 600 MB (main process), <= 300 MB (each worker).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIETNEWS = ROOT.parent / "shared" / "data" / "vietnews"
if not VIETNEWS.is_dir():
    VIETNEWS = Path("/work/shared/data/vietnews")


def write_articles(path: Path, articles: int, split: str) -> int:
    """The first `articles` VietNews articles as JSON Lines with urls; the text's UTF-8 bytes."""
    text_bytes = 0
    source = VIETNEWS / f"vietnews-{split}.jsonl.gz"
    with gzip.open(source, "rt", encoding="utf-8") as lines, path.open("w") as out:
        for number, line in enumerate(lines):
            if number >= articles:
                break
            row = json.loads(line)
            record = {k: row[k] for k in ("title", "summary", "body")}
            record["url"] = f"https://vietnews.example/{row['id']}/{number}"
            text_bytes += len("\n".join(record[k] for k in ("title", "summary", "body")).encode())
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return text_bytes


# -- the children ---------------------------------------------------------------------------


def child_ingest(source: Path, database: Path, workers: int) -> dict[str, object]:
    """Ingest the file into a new database; time, CPU (self + waited-for children), peaks."""
    import multiprocessing.forkserver
    import resource

    sys.path.insert(0, str(ROOT))
    from index.store import IngestWorkers, Store, read_paths
    from index.text.analyzer import Analyzer

    store = Store.open(f"sqlite:///{database}", ingest_workers=IngestWorkers(workers))
    analyzer = Analyzer()
    analyzer.tokens("khởi động")  # the model is loaded before timing, as the floor's is
    before_self = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    report = store.store_items(read_paths([source]), analyzer)
    seconds = time.perf_counter() - started
    store.close()
    server = multiprocessing.forkserver._forkserver  # type: ignore[attr-defined]
    if server._forkserver_pid is not None:
        server._stop()  # waited for: its CPU and its workers' count below
    used_self = resource.getrusage(resource.RUSAGE_SELF)
    used_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "workers": workers,
        "added": report.added,
        "failed": report.failed,
        "seconds": seconds,
        "cpu_main": (used_self.ru_utime + used_self.ru_stime)
        - (before_self.ru_utime + before_self.ru_stime),
        "cpu_children": used_children.ru_utime + used_children.ru_stime,
        "peak_main_mb": used_self.ru_maxrss / 1024,
        "peak_child_mb": used_children.ru_maxrss / 1024,
    }


def child_tokenize(source: Path, part: int = 0, parts: int = 1) -> dict[str, object]:
    """Raw underthesea.word_tokenize over the same texts (one part of `parts`, for the pair
    run side by side): CPU and wall time."""
    from underthesea import word_tokenize

    texts = []
    for line in source.read_text(encoding="utf-8").splitlines()[part::parts]:
        row = json.loads(line)
        texts.append("\n".join(row[k] for k in ("title", "summary", "body")))
    word_tokenize("khởi động")
    cpu, started = time.process_time(), time.perf_counter()
    for text in texts:
        word_tokenize(text)
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu}


# -- the parent -----------------------------------------------------------------------------


def _tree(root: int) -> list[tuple[int, int, str]]:
    """The process and its descendants (from /proc): pid, depth below it, state (R: running
    or waiting for a core; S: sleeping, e.g. waiting for work)."""
    parents: dict[int, list[int]] = {}
    states: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            states[int(entry)] = fields[0]
            parents.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [(root, 0)]
    while todo:
        pid, depth = todo.pop()
        found.append((pid, depth, states.get(pid, "?")))
        todo.extend((child, depth + 1) for child in parents.get(pid, []))
    return found


def _memory(pid: int) -> tuple[float, float]:
    """(resident now, peak) in MB, or zeros for a process gone."""
    values = {"VmRSS:": 0.0, "VmHWM:": 0.0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name = line.split(maxsplit=1)[0] if line else ""
            if name in values:
                values[name] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return values["VmRSS:"], values["VmHWM:"]


class TreeWatcher:
    """Samples a child's process tree: each process's peak RSS; how often the workers (the
    processes the child's worker server forked) had work; kills the tree over the limit."""

    def __init__(self, process: subprocess.Popen[str], limit_mb: float) -> None:
        self.process = process
        self.limit_mb = limit_mb
        self.peaks: dict[int, float] = {}
        self.worker_samples = self.worker_running = 0
        self.killed = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            total = 0.0
            for pid, depth, state in _tree(self.process.pid):
                if depth == 2:
                    self.worker_samples += 1
                    self.worker_running += state == "R"
                now, peak = _memory(pid)
                total += now
                if peak:
                    self.peaks[pid] = max(self.peaks.get(pid, 0.0), peak)
            if total > self.limit_mb:
                self.killed = True
                os.killpg(self.process.pid, signal.SIGKILL)
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def run_child(args: list[str], limit_mb: float) -> tuple[dict[str, object], dict[int, float]]:
    """Run this script as a child; its JSON answer and the peak RSS of each of its processes."""
    process = _start(args)
    watcher = TreeWatcher(process, limit_mb)
    output, _ = process.communicate()
    watcher.stop()
    return _answer(process, args, output, watcher)


def _start(args: list[str]) -> subprocess.Popen[str]:
    command = [sys.executable, __file__, *args]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, start_new_session=True, cwd=ROOT
    )


def run_pair(source: Path, limit_mb: float) -> float:
    """word_tokenize over the two halves of the texts in two processes at once: their wall
    time (the machine's own ceiling for two workers is the time of one over this)."""
    args = [["--child", "tokenize", str(source), str(part), "2"] for part in (0, 1)]
    processes = [_start(a) for a in args]
    watchers = [TreeWatcher(p, limit_mb / 2) for p in processes]
    slowest = 0.0
    for process, watcher, part in zip(processes, watchers, args, strict=True):
        output, _ = process.communicate()
        watcher.stop()
        found, _ = _answer(process, part, output, watcher)
        slowest = max(slowest, float(found["seconds"]))  # type: ignore[arg-type]
    return slowest


def _answer(
    process: subprocess.Popen[str], args: list[str], output: str, watcher: TreeWatcher
) -> tuple[dict[str, object], dict[int, float]]:
    if watcher.killed:
        sys.exit(f"stopped: the run's processes held more than {watcher.limit_mb:.0f} MB")
    if process.returncode != 0:
        sys.exit(f"child {' '.join(args)} failed with exit code {process.returncode}")
    result: dict[str, object] = json.loads(output.strip().splitlines()[-1])
    if watcher.worker_samples:
        result["workers_running"] = watcher.worker_running / watcher.worker_samples
    watcher.peaks.pop(process.pid, None)
    return result, watcher.peaks


def database_digest(database: Path) -> str:
    """A hash of what the ingest stored (articles and their cached analysis, no timestamps)."""
    digest = hashlib.sha256()
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT a.url, a.title, a.summary, a.body, a.content_hash, t.title_tokens, "
            "t.text_tokens, t.sentences, t.event_dates FROM articles a "
            "JOIN article_terms t ON t.article_id = a.id ORDER BY a.id"
        )
        for row in rows:
            digest.update(repr(row).encode())
    return digest.hexdigest()


def measure(args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    """All rounds; per worker count, each round's figures."""
    source = workdir / "articles.jsonl"
    text_kb = write_articles(source, args.articles, args.split) / 1024
    counts = sorted({1, *args.workers})
    runs: dict[int, list[dict[str, object]]] = {w: [] for w in counts}
    floors: list[dict[str, object]] = []
    digests: set[str] = set()
    load_before = os.getloadavg()
    for number in range(args.rounds):
        order = counts if number % 2 == 0 else counts[::-1]
        for workers in order:
            database = workdir / f"round{number}-w{workers}.sqlite3"
            found, peaks = run_child(
                ["--child", "ingest", str(source), str(database), str(workers)], args.max_rss_mb
            )
            found["worker_peaks_mb"] = sorted(peaks.values(), reverse=True)
            runs[workers].append(found)
            digests.add(database_digest(database))
            database.unlink()
            print(f"round {number + 1}: {workers} worker(s) {found['seconds']:.1f} s", flush=True)
        floor, _ = run_child(["--child", "tokenize", str(source)], args.max_rss_mb)
        if args.pair:
            floor["pair_seconds"] = run_pair(source, args.max_rss_mb)
        floors.append(floor)
        print(f"round {number + 1}: word_tokenize {floor['cpu']:.1f} s CPU", flush=True)
    return {
        "articles": args.articles,
        "text_kb": text_kb,
        "rounds": args.rounds,
        "same_database": len(digests) == 1,
        "runs": {str(w): r for w, r in runs.items()},
        "word_tokenize": floors,
        "load_before": load_before,
    }


def summarise(result: dict[str, object]) -> list[dict[str, object]]:
    """One row per worker count: medians over the rounds, ratios within each round."""
    text_kb = float(result["text_kb"])  # type: ignore[arg-type]
    runs: dict[str, list[dict[str, float]]] = result["runs"]  # type: ignore[assignment]
    floors: list[dict[str, float]] = result["word_tokenize"]  # type: ignore[assignment]
    articles = int(result["articles"])  # type: ignore[call-overload]
    rows = []
    for workers, found in runs.items():
        cpu = [r["cpu_main"] + r["cpu_children"] for r in found]
        rows.append(
            {
                "workers": int(workers),
                "kb_per_s": [round(text_kb / r["seconds"]) for r in found],
                "vs_1_worker": [
                    round(one["seconds"] / r["seconds"], 2)
                    for one, r in zip(runs["1"], found, strict=True)
                ],
                "cpu_ms_per_article": round(1000 * statistics.median(cpu) / articles, 1),
                "cpu_vs_word_tokenize": [
                    round(c / f["cpu"], 2) for c, f in zip(cpu, floors, strict=True)
                ],
                "workers_running": [round(r.get("workers_running", 0.0), 2) for r in found],
                "free_cores_estimate": round(
                    int(workers)
                    * statistics.median(a["cpu_main"] + a["cpu_children"] for a in runs["1"])
                    / statistics.median(cpu),
                    2,
                ),
                "peak_main_mb": round(max(r["peak_main_mb"] for r in found)),
                "peak_child_mb": round(max(r["peak_child_mb"] for r in found)),
                "worker_peaks_mb": [round(p) for r in found for p in r["worker_peaks_mb"]],
            }
        )
    return rows


def print_table(result: dict[str, object], rows: list[dict[str, object]]) -> None:
    floors: list[dict[str, float]] = result["word_tokenize"]  # type: ignore[assignment]
    text_kb = float(result["text_kb"])  # type: ignore[arg-type]
    floor = [round(text_kb / f["cpu"]) for f in floors]
    print(
        f"\n{result['articles']} articles, {text_kb / 1024:.1f} MB of text, "
        f"{result['rounds']} rounds; word_tokenize alone: {floor} KB/s per core; "
        f"same database with every worker count: {result['same_database']}"
    )
    if all("pair_seconds" in f for f in floors):
        ceiling = [round(f["seconds"] / f["pair_seconds"], 2) for f in floors]
        print(
            f"control: word_tokenize in 2 processes at once ran {ceiling}x as fast as in one "
            "(what this machine lets 2 workers gain at most while the runs were measured)"
        )
    header = ("workers", "KB/s", "× 1 worker", "CPU ms/article", "CPU × word_tokenize",
              "workers running", "× 1 on free cores (est.)", "peak RSS main", "largest child",
              "sampled per process")  # fmt: skip
    print(" | ".join(header))
    for row in rows:
        median = statistics.median
        print(
            f"{row['workers']} | {median(row['kb_per_s'])} {row['kb_per_s']} | "  # type: ignore[arg-type]
            f"{median(row['vs_1_worker'])} {row['vs_1_worker']} | "  # type: ignore[arg-type]
            f"{row['cpu_ms_per_article']} | "
            f"{median(row['cpu_vs_word_tokenize'])} {row['cpu_vs_word_tokenize']} | "  # type: ignore[arg-type]
            f"{row['workers_running']} | {row['free_cores_estimate']} | "
            f"{row['peak_main_mb']} MB | {row['peak_child_mb']} MB | {row['worker_peaks_mb']}"
        )
    print(
        "workers running: the share of samples (every 0.25 s) in which a worker was running or "
        "waiting for a core, not for work; × 1 on free cores: N × CPU of 1 worker / CPU of N, "
        "what N workers kept busy give when N cores are free (an estimate, not a measurement)"
    )
    print(f"load average: before {result['load_before']}, after {os.getloadavg()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[2], help="besides 1")
    parser.add_argument("--split", choices=("val", "train"), default="val")
    parser.add_argument("--max-rss-mb", type=float, default=3000)
    parser.add_argument("--workdir", type=Path, help="default: a temporary folder")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument(
        "--no-pair", dest="pair", action="store_false",
        help="skip the control: word_tokenize on two halves in two processes at once",
    )  # fmt: skip
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "ingest":
            found = child_ingest(Path(rest[0]), Path(rest[1]), int(rest[2]))
        else:
            found = child_tokenize(Path(rest[0]), *map(int, rest[1:]))
        print(json.dumps(found))
        return
    with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
        result = measure(args, Path(folder))
    rows = summarise(result)
    print_table(result, rows)
    if args.json:
        print(json.dumps({**result, "summary": rows}, indent=2))


if __name__ == "__main__":
    main()
