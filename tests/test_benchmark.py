"""The benchmark script runs end to end at a tiny size (its figures are not checked here: speed
is measured by running it, never by a timed test)."""

import json
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT


def test_benchmark_script_runs_and_reports_every_figure(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_search.py"), "--docs", "300",
         "--queries", "20", "--bm25-queries", "3", "--workdir", str(tmp_path), "--json"],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["docs"] == 300 and figures["queries"] == 20
    for key in ("search_p50_ms", "search_p95_ms", "plain_p95_ms", "build_s",
                "rank_bm25_get_scores_p50_ms", "speedup_scores_vs_rank_bm25"):  # fmt: skip
        assert figures[key] > 0, key
    assert "index_rss_mb" in figures  # memory is measured too (tiny here, can be ~0)
