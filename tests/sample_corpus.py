"""The shipped sample analysed once per test session, and corpus statistics over it.

`SampleStats` is the in-memory stand-in for the index's statistics (`index.text.reading.
CorpusStats`): document frequencies of accented syllables, folded syllables and folded
syllable pairs, counted over title, summary and body of each of the sample's 214 articles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from index.store.importers import ArticleRecord, read_paths
from index.text.analyzer import BOUNDARY, Analyzer
from index.text.normalize import fold

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


@cache
def sample_articles() -> tuple[ArticleRecord, ...]:
    """Every article of data/sample, in file order."""
    return tuple(r for r in read_paths([SAMPLE]) if isinstance(r, ArticleRecord))


@cache
def sample_streams() -> tuple[tuple[str, ...], ...]:
    """Each article's analysed token stream (title, summary and body as one text)."""
    analyzer = Analyzer()
    return tuple(
        tuple(analyzer.tokens(f"{a.title}\n{a.summary}\n{a.body}")) for a in sample_articles()
    )


@dataclass(frozen=True)
class SampleStats:
    """Document frequencies counted from token streams (implements `CorpusStats`)."""

    n_documents: int
    words: Counter[str]
    syllables: Counter[str]
    folded: Counter[str]
    pairs: Counter[tuple[str, str]]

    @classmethod
    def from_streams(cls, streams: Sequence[Iterable[str]]) -> SampleStats:
        """Count every document's distinct words, syllables and adjacent folded pairs."""
        words: Counter[str] = Counter()
        syllables: Counter[str] = Counter()
        folded: Counter[str] = Counter()
        pairs: Counter[tuple[str, str]] = Counter()
        for stream in streams:
            seen_pairs: set[tuple[str, str]] = set()
            seen_words: set[str] = set()
            previous: str | None = None
            for token in stream:
                if token == BOUNDARY:
                    previous = None
                    continue
                seen_words.add(token)
                for syllable in fold(token).split(" "):
                    if previous is not None:
                        seen_pairs.add((previous, syllable))
                    previous = syllable
            words.update(seen_words)
            syllables.update({s for w in seen_words for s in w.split(" ")})
            folded.update({fold(s) for w in seen_words for s in w.split(" ")})
            pairs.update(seen_pairs)
        return cls(len(streams), words, syllables, folded, pairs)

    def documents(self) -> int:
        return self.n_documents

    def syllable_df(self, syllable: str) -> int:
        return self.syllables.get(syllable, 0)

    def folded_df(self, syllable: str) -> int:
        return self.folded.get(syllable, 0)

    def pair_df(self, first: str, second: str) -> int:
        return self.pairs.get((first, second), 0)


@cache
def sample_stats() -> SampleStats:
    """Statistics of the whole sample."""
    return SampleStats.from_streams(sample_streams())


@cache
def sample_vocabulary() -> frozenset[str]:
    """Every letters-only syllable of the sample, lower case, accents as written."""
    return frozenset(s for s in sample_stats().syllables if s.isalpha())
