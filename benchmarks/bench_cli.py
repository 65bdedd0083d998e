"""Wall time of `python bot.py ask` on the shipped sample, this tree against another revision,
side by side in one run (the runs alternate, so both meet the same load on a shared machine).

    python benchmarks/bench_cli.py --baseline a5924f4 --rounds 9

Each tree answers once first (creating and indexing its own database), then `--rounds` times;
printed: medians, the ratio of the medians, and every time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "hội thảo chính quyền điện tử"


def _ask(tree: Path, database: Path) -> float:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DATABASE_URL")}
    env.update(DATABASE_URL=f"sqlite:///{database}", PYTHONPATH=str(tree))
    env.setdefault("INDEX_DIR", str(database.with_suffix(".index")))
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "bot.py", "ask", QUESTION],
        cwd=tree,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> int:
    """Run the comparison and print it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="the revision to compare against")
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        work = Path(tmp)
        baseline = work / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(baseline), args.baseline],
            cwd=ROOT,
            check=True,
        )
        try:
            trees = {"baseline": baseline, "this tree": ROOT}
            databases = {name: work / f"{i}.sqlite3" for i, name in enumerate(trees)}
            for name, tree in trees.items():
                _ask(tree, databases[name])  # creates the database and indexes the sample
            times: dict[str, list[float]] = {name: [] for name in trees}
            for _ in range(args.rounds):
                for name, tree in trees.items():
                    times[name].append(_ask(tree, databases[name]))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(baseline)], cwd=ROOT)
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        shown = " ".join(f"{v:.2f}" for v in values)
        print(f"{name:10} median {medians[name]:.2f} s   ({shown})")
    print(f"ratio this tree / baseline: {medians['this tree'] / medians['baseline']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
