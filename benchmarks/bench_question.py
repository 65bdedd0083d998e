"""What one question costs in the text room, whatever it holds: time and extra memory.

Each hostile question (Telegram's 4,096 characters of one long word, of one word repeated, of
zero-width or combining characters, emoji, codes, Telex, glued syllables, right-to-left text,
markup...) and a few real ones go through what the text room does for a question:
`bound_question`, then the analyzer (word segmentation), restoration of diacritics and typos,
and the phone-typing reading (keystrokes, abbreviations, typo search, splits, pairs), over the
shipped sample's statistics. Also without the bound, to show what it saves. Per question: the
median wall time of 5 runs (caches warm, as in a running bot) and the peak of memory allocated
(tracemalloc) during one run; the process's peak RSS at the end.

    python benchmarks/bench_question.py

Target (the robustness issue): any question up to 4,096 characters costs <= 200 ms and
<= 50 MB extra memory. The search engine's own steps (BM25 over the fields) are measured by
`--engine` sends the same questions through the whole `SearchEngine.search` (bounding,
understanding, restoration over the index's on-disk tables, BM25, snippets) on the shipped
sample, as `ask` and the bot do.

    python benchmarks/bench_question.py --engine
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.text import QueryDictionary, bound_question  # noqa: E402
from index.text.analyzer import Analyzer  # noqa: E402
from index.text.reading import Reader  # noqa: E402
from index.text.restore import Restorer  # noqa: E402
from index.text.typos import TypoIndex  # noqa: E402
from tests.sample_corpus import sample_stats  # noqa: E402

LIMIT = 4096
_LETTERS = "abcdeghiklmnopqrstuvxy"
QUESTIONS = {
    "one long word": "x" * LIMIT,
    "one word repeated": ("chuyển " * LIMIT)[:LIMIT],
    "unaccented words": ("hoi thao chinh quyen dien tu " * LIMIT)[:LIMIT],
    "telex": ("ddooir mowis " * LIMIT)[:LIMIT],
    "glued syllables": ("chuyendoiso " * LIMIT)[:LIMIT],
    "typos": ("hjnh thuwcs covit " * LIMIT)[:LIMIT],
    "distinct unknown": " ".join(
        "".join(_LETTERS[(n * 7 + i * 3) % len(_LETTERS)] for i in range(3 + n % 5))
        for n in range(LIMIT // 5)
    )[:LIMIT],
    "letters then !": "a" * (LIMIT - 1) + "!",
    "accents": "á" * LIMIT,
    "combining marks": "a" + "\u0301" * (LIMIT - 1),
    "zero-width inside": ("hộ\u200bi " * LIMIT)[:LIMIT],
    "zero-width only": "\u200b" * LIMIT,
    "emoji": "😀" * (LIMIT // 2),
    "right-to-left": ("مرحبا بالعالم " * LIMIT)[:LIMIT],
    "codes": ("a-" * LIMIT)[:LIMIT],
    "dots": ("a." * LIMIT)[:LIMIT],
    "markup": ("<b>&amp;</b> " * LIMIT)[:LIMIT],
    "url": "http://so.gov.vn/" + "a" * (LIMIT - 17),
    "real, short": "Hội thảo chính quyền điện tử tỉnh Hòa Bình năm 2019 tổ chức ở đâu?",
    "real, typed": "hoi thao chinh quyen dien tu tinh hoa binh nam 2019 to chuc o dau",
}


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--unbounded", action="store_true", help="also without bound_question")
    parser.add_argument("--engine", action="store_true", help="through SearchEngine.search")
    args = parser.parse_args()
    if args.engine:
        from bot.cli import open_archive
        from bot.settings import load_settings
        from index import EmptyQuery

        archive = open_archive(load_settings())

        def search(question: str, bounded: bool) -> None:
            with contextlib.suppress(EmptyQuery):
                archive.search(question)

        measure(search, (True,), args.runs)
        return
    stats = sample_stats()
    analyzer = Analyzer()
    analyzer.tokens("khởi động")
    restorer = Restorer(dict(stats.words), stats.documents())
    reader = Reader(
        stats,
        QueryDictionary.load(ROOT / "data" / "dictionary.txt"),
        TypoIndex.build(stats.words),
    )

    def analyse(question: str, bounded: bool) -> None:
        text = bound_question(question).text if bounded else question
        analyzer.tokens(text)
        restorer.restore(text)
        reader.read(text)

    measure(analyse, (True, False) if args.unbounded else (True,), args.runs)


def measure(analyse: Callable[[str, bool], None], modes: tuple[bool, ...], runs: int) -> None:
    """Time and allocation of `analyse` on every question, printed, with the worst figures."""
    rows = []
    before = peak_rss_mb()
    for name, question in QUESTIONS.items():
        for bounded in modes:
            analyse(question, bounded)  # warm: caches filled as in a running bot
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                analyse(question, bounded)
                times.append(time.perf_counter() - started)
            tracemalloc.start()
            analyse(question, bounded)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            rows.append({
                "question": name,
                "chars": len(question),
                "bounded": bounded,
                "median_ms": round(statistics.median(times) * 1000, 1),
                "max_ms": round(max(times) * 1000, 1),
                "peak_alloc_mb": round(peak / 2**20, 2),
            })  # fmt: skip
            row = rows[-1]
            print(f"{name:20} {'bounded' if bounded else 'unbounded':9} "
                  f"{row['median_ms']:>8} ms (max {row['max_ms']}) {row['peak_alloc_mb']:>7} MB",
                  flush=True)  # fmt: skip
    worst = [r for r in rows if r["bounded"]]
    summary = {
        "worst_median_ms": max(r["median_ms"] for r in worst),
        "worst_max_ms": max(r["max_ms"] for r in worst),
        "worst_peak_alloc_mb": max(r["peak_alloc_mb"] for r in worst),
        "rss_before_mb": round(before),
        "peak_rss_mb": round(peak_rss_mb()),
    }
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
