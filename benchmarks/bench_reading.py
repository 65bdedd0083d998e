"""Cost of the phone-typing components: question reading time and the typo index's memory.

Reading: 4,096- and 1,024-character questions over the sample's statistics, typed four ways
(with diacritics, without, in Telex, without diacritics with 30% of words mistyped), warm
(caches filled by the read before) and cold (every lru cache cleared first); CPU time,
medians of 7.

Memory: the typo index built from the word document frequencies of N real articles analysed
with the project's analyzer, against the same articles' three BM25 fields (words, syllables,
pairs) for title+text, as the snapshot holds them. Articles come from ../shared/data/vietnews
when present (real news vocabulary), else the sample.

    python benchmarks/bench_reading.py                 # reading times, and memory at 2,000 articles
    python benchmarks/bench_reading.py --docs 10000    # memory on more articles (18k tokens/s)
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import statistics
import sys
import time
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index import QueryDictionary  # noqa: E402
from index.search.fields import build_fields  # noqa: E402
from index.text import keystrokes, normalize, syllables  # noqa: E402
from index.text.analyzer import BOUNDARY, Analyzer  # noqa: E402
from index.text.event_dates import event_dates  # noqa: E402
from index.text.normalize import fold  # noqa: E402
from index.text.reading import Reader  # noqa: E402
from index.text.shingles import signature  # noqa: E402
from index.text.syllables import TONES  # noqa: E402
from index.text.typos import TypoIndex  # noqa: E402
from tests.sample_corpus import sample_articles, sample_stats  # noqa: E402

# shared/ sits beside the main checkout (../shared) or two levels up from a worktree.
VIETNEWS = next(
    (
        folder / "shared" / "data" / "vietnews" / "vietnews-val.jsonl.gz"
        for folder in (ROOT.parent, ROOT.parent.parent)
        if (folder / "shared" / "data" / "vietnews").is_dir()
    ),
    ROOT.parent / "shared" / "data" / "vietnews" / "vietnews-val.jsonl.gz",
)
_KEYS = {"â": "aa", "ê": "ee", "ô": "oo", "ă": "aw", "ơ": "ow", "ư": "uw", "đ": "dd"}
_TONE_KEYS = {1: "s", 2: "f", 3: "r", 4: "x", 5: "j"}


def telex_typed(text: str) -> str:
    """The text as typed in Telex with the input method off."""
    words = []
    for word in text.split(" "):
        decomposed = unicodedata.normalize("NFD", word.lower())
        tone = next((TONES[c] for c in decomposed if c in TONES), 0)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
        words.append("".join(_KEYS.get(c, c) for c in base) + _TONE_KEYS.get(tone, ""))
    return " ".join(words)


def mistyped(text: str, share: float, seed: int = 1) -> str:
    """One letter replaced in `share` of the words of four letters or more."""
    rng = random.Random(seed)
    words = []
    for word in text.split(" "):
        if len(word) > 3 and word.isalpha() and rng.random() < share:
            i = rng.randrange(len(word))
            word = word[:i] + rng.choice("abcdeghiklmnopqrstuvxy") + word[i + 1 :]
        words.append(word)
    return " ".join(words)


def clear_caches() -> None:
    keystrokes._decode.cache_clear()
    syllables.parse.cache_clear()
    syllables.is_folded_syllable.cache_clear()
    normalize.canonical_tones.cache_clear()


def reading_times() -> list[tuple[str, int, float, float, int]]:
    stats = sample_stats()
    reader = Reader(
        stats,
        QueryDictionary.load(ROOT / "data" / "dictionary.txt"),
        TypoIndex.build(stats.words),
    )
    body = normalize.normalize(next(a.body for a in sample_articles() if a.body))
    text = " ".join(body.split()) * 2
    variants = {
        "with diacritics": text,
        "without diacritics": fold(text),
        "Telex keys": telex_typed(text),
        "no diacritics, 30% mistyped": mistyped(fold(text), 0.3),
    }
    rows = []
    reader.read("khởi động")
    for name, typed in variants.items():
        for size in (1024, 4096):
            question = typed[:size]
            cold, warm = [], []
            # CPU time, medians of 7: on a shared machine wall-clock runs vary threefold.
            for _ in range(7):
                clear_caches()
                started = time.process_time()
                reader.read(question)
                cold.append(time.process_time() - started)
                started = time.process_time()
                reading = reader.read(question)
                warm.append(time.process_time() - started)
            rows.append(
                (
                    name,
                    size,
                    statistics.median(warm) * 1000,
                    statistics.median(cold) * 1000,
                    len(reading.edits),
                )
            )
    return rows


def corpus(docs: int) -> list[tuple[str, str]]:
    """(title, text) of `docs` articles: vietnews when present, else the sample (repeated)."""
    if VIETNEWS.exists():
        with gzip.open(VIETNEWS, "rt", encoding="utf-8") as lines:
            rows = [json.loads(line) for line in itertools.islice(lines, docs)]
        return [(r["title"], f"{r['summary']}\n{r['body']}") for r in rows]
    articles = sample_articles()
    return [(a.title, f"{a.summary}\n{a.body}") for a in articles][:docs]


def memory(docs: int) -> dict[str, float]:
    analyzer = Analyzer()
    articles = corpus(docs)
    started = time.perf_counter()
    titles = [analyzer.tokens(t) for t, _ in articles]
    texts = [analyzer.tokens(b) for _, b in articles]
    analysed = time.perf_counter() - started
    frequencies: Counter[str] = Counter()
    for title, text in zip(titles, texts, strict=True):
        frequencies.update({t for t in title + text if t != BOUNDARY})
    index_bytes = build_fields(titles).nbytes + build_fields(texts).nbytes
    started = time.perf_counter()
    typos = TypoIndex.build(frequencies)
    built = time.perf_counter() - started
    signing = []
    dating = []
    for title, text in articles[:500]:
        started = time.perf_counter()
        signature(f"{title}\n{text}")
        signing.append(time.perf_counter() - started)
        started = time.perf_counter()
        event_dates(text, date(2018, 6, 1))  # vietnews has no dates: any will do
        dating.append(time.perf_counter() - started)
    return {
        "articles": len(articles),
        "tokens": sum(len(t) for t in titles + texts),
        "analysed_s": analysed,
        "words": len(frequencies),
        "typo_terms": len(typos),
        "typo_bytes": typos.nbytes,
        "index_bytes": index_bytes,
        "typo_build_s": built,
        "signature_ms": statistics.median(signing) * 1000,
        "event_dates_ms": statistics.median(dating) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="articles for the memory part")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    args = parser.parse_args()
    times = reading_times()
    sizes = memory(args.docs)
    if args.json:
        print(json.dumps({"reading": times, "memory": sizes}, indent=2))
        return
    print("| question | characters | warm ms (CPU, median) | cold ms (CPU, median) | edits |")
    print("|---|---|---|---|---|")
    for name, size, warm, cold, edits in times:
        print(f"| {name} | {size} | {warm:.1f} | {cold:.1f} | {edits} |")
    print()
    ratio = sizes["typo_bytes"] / sizes["index_bytes"]
    print(
        f"{sizes['articles']:,} articles, {sizes['tokens']:,} tokens, {sizes['words']:,} words "
        f"(analysed in {sizes['analysed_s']:.0f} s): typo index {sizes['typo_terms']:,} terms, "
        f"{sizes['typo_bytes'] / 1e6:.2f} MB ({sizes['typo_bytes'] / sizes['typo_terms']:.0f} "
        f"B/term, built in {sizes['typo_build_s']:.1f} s) vs BM25 fields "
        f"{sizes['index_bytes'] / 1e6:.1f} MB: {ratio:.1%}. Signature "
        f"{sizes['signature_ms']:.2f} ms, event dates {sizes['event_dates_ms']:.2f} ms an article."
    )


if __name__ == "__main__":
    main()
