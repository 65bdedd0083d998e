"""The diacritics restoration and question-reading tables of a generation, as sorted key arrays.

A `Restorer` needs, for a folded word ("chinh quyen"), its best accented words with their
document frequencies, and for a folded syllable the frequency of the words holding it. Built as
Python dicts they cost seconds and hundreds of megabytes at start for a large vocabulary; here
they are written once per generation and read through `searchsorted` on memory-mapped arrays.

Reading a phone-typed question (`index.text.reading`) needs two more tables, written beside them
in the same tables file: the typo index (`TypoIndex`'s arrays, prefixed "ty.") and the accented
syllables the corpus writes, with the frequency of the words holding them ("as.").
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ..text.restore import Restorer
from ..text.typos import TypoIndex
from .terms import term_key

__all__ = [
    "READING_ARRAYS",
    "RESTORER_ARRAYS",
    "AccentedSyllables",
    "open_restorer",
    "open_typos",
    "reading_arrays",
    "restorer_arrays",
]

RESTORER_ARRAYS = ("rw.keys", "rw.start", "rw.count", "rw.freq", "rw.bytes", "rw.ends",
                   "rs.keys", "rs.freq")  # fmt: skip
_TYPO_NAMES = ("text", "offsets", "frequencies", "hashes", "postings")
READING_ARRAYS = (*(f"ty.{n}" for n in _TYPO_NAMES), "as.keys", "as.freq")


def _strings(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [v.encode("utf-8") for v in values]
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    return data, np.cumsum([len(e) for e in encoded], dtype=np.int64)


def restorer_arrays(restorer: Restorer) -> dict[str, np.ndarray]:
    """Arrays for the tables file from an in-memory restorer."""
    words, syllables = restorer.tables
    entries = sorted((term_key(folded), folded) for folded in words)
    starts: list[int] = []
    counts: list[int] = []
    freqs: list[int] = []
    texts: list[str] = []
    for _, folded in entries:
        candidates = list(words[folded])
        starts.append(len(freqs))
        counts.append(len(candidates))
        freqs.extend(f for f, _ in candidates)
        texts.extend(w for _, w in candidates)
    data, ends = _strings(texts)
    syllable_entries = sorted((term_key(s), f) for s, f in syllables.items())
    return {
        "rw.keys": np.array([k for k, _ in entries], dtype=np.uint64),
        "rw.start": np.array(starts, dtype=np.int64),
        "rw.count": np.array(counts, dtype=np.int64),
        "rw.freq": np.array(freqs, dtype=np.int64),
        "rw.bytes": data,
        "rw.ends": ends,
        "rs.keys": np.array([k for k, _ in syllable_entries], dtype=np.uint64),
        "rs.freq": np.array([f for _, f in syllable_entries], dtype=np.int64),
    }


def _find(keys: np.ndarray, key: int) -> int:
    if len(keys) == 0:
        return -1
    at = int(np.searchsorted(keys, np.uint64(key)))
    return at if at < len(keys) and int(keys[at]) == key else -1


_MEMO_SIZE = 50_000  # entries remembered per table (a few MB at most)


def _remember(memo: dict[str, Any], key: str, value: Any) -> Any:
    if len(memo) >= _MEMO_SIZE:
        memo.clear()  # bounded; the frequent entries come back at once
    memo[key] = value
    return value


class _Words(Mapping[str, Sequence[tuple[int, str]]]):
    """folded word -> [(frequency, word), ...], best first."""

    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        self._keys = arrays["rw.keys"]
        self.start = arrays["rw.start"]
        self.count = arrays["rw.count"]
        self.freq = arrays["rw.freq"]
        self.data = arrays["rw.bytes"]
        self.ends = arrays["rw.ends"]
        # a restoration looks up every run of up to four syllables of a question, and the
        # same ones recur across questions: decoded candidates are remembered (bounded)
        self._memo: dict[str, tuple[tuple[int, str], ...]] = {}

    def __getitem__(self, folded: str) -> Sequence[tuple[int, str]]:
        found = self._remembered(folded)
        if not found:
            raise KeyError(folded)
        return found

    def get(self, folded: str, default: Any = None) -> Any:
        """As Mapping.get, without raising and catching KeyError for an unknown word."""
        return self._remembered(folded) or default

    def _remembered(self, folded: str) -> tuple[tuple[int, str], ...]:
        found = self._memo.get(folded)
        if found is None:
            found = _remember(self._memo, folded, self._read(folded))
        return found

    def _read(self, folded: str) -> tuple[tuple[int, str], ...]:
        """The word's candidates from the tables (empty when unknown)."""
        at = _find(self._keys, term_key(folded))
        if at < 0:
            return ()
        first = int(self.start[at])
        result = []
        for i in range(first, first + int(self.count[at])):
            begin = int(self.ends[i - 1]) if i else 0
            word = bytes(self.data[begin : int(self.ends[i])]).decode("utf-8")
            result.append((int(self.freq[i]), word))
        return tuple(result)

    def __contains__(self, folded: object) -> bool:
        return isinstance(folded, str) and bool(self.get(folded))

    def __iter__(self) -> Iterator[str]:
        raise TypeError("the restoration tables are looked up, not listed")

    def __len__(self) -> int:
        return len(self._keys)


class _Syllables(Mapping[str, int]):
    """folded syllable -> frequency of the words holding it."""

    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        self._keys = arrays["rs.keys"]
        self.freq = arrays["rs.freq"]
        self._memo: dict[str, int] = {}

    def __getitem__(self, syllable: str) -> int:
        found = self._frequency(syllable)
        if found < 0:
            raise KeyError(syllable)
        return found

    def __contains__(self, syllable: object) -> bool:
        return isinstance(syllable, str) and self._frequency(syllable) >= 0

    def _frequency(self, syllable: str) -> int:
        """The syllable's frequency, -1 when unknown (remembered, as the words' candidates)."""
        found = self._memo.get(syllable)
        if found is None:
            at = _find(self._keys, term_key(syllable))
            found = _remember(self._memo, syllable, int(self.freq[at]) if at >= 0 else -1)
        return found

    def known(self, syllables: Collection[str]) -> list[str]:
        """The ones in the table, looked up together (one search for a whole set of edits)."""
        if not syllables or len(self._keys) == 0:
            return []
        ordered = list(syllables)
        keys = np.fromiter((term_key(s) for s in ordered), dtype=np.uint64, count=len(ordered))
        at = np.minimum(np.searchsorted(self._keys, keys), len(self._keys) - 1)
        found = self._keys[at] == keys
        return [s for s, hit in zip(ordered, found.tolist(), strict=True) if hit]

    def __iter__(self) -> Iterator[str]:
        raise TypeError("the restoration tables are looked up, not listed")

    def __len__(self) -> int:
        return len(self._keys)


def open_restorer(arrays: Mapping[str, np.ndarray], documents: int) -> Restorer:
    """A restorer reading the tables in place."""
    return Restorer.from_tables(_Words(arrays), _Syllables(arrays), documents)


def reading_arrays(word_frequencies: Mapping[str, int]) -> dict[str, np.ndarray]:
    """The typo index and the table of syllables as written, of a corpus's words (word -> document
    frequency, as the restorer takes them)."""
    typos = TypoIndex.build(word_frequencies)
    arrays = {f"ty.{name}": array for name, array in typos.to_arrays().items()}
    syllables: dict[int, int] = {}
    for word, frequency in word_frequencies.items():
        for syllable in set(word.split(" ")):
            if syllable.isalpha():
                key = term_key(syllable)
                syllables[key] = syllables.get(key, 0) + frequency
    ordered = sorted(syllables.items())
    arrays["as.keys"] = np.array([k for k, _ in ordered], dtype=np.uint64)
    arrays["as.freq"] = np.array([f for _, f in ordered], dtype=np.int64)
    return arrays


def open_typos(arrays: Mapping[str, np.ndarray]) -> TypoIndex:
    """The typo index reading its arrays in place."""
    return TypoIndex.from_arrays({name: arrays[f"ty.{name}"] for name in _TYPO_NAMES})


class AccentedSyllables:
    """syllable as written ("số", "so") -> frequency of the words holding it (0: none does)."""

    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        self.keys = arrays["as.keys"]
        self.freq = arrays["as.freq"]

    def get(self, syllable: str) -> int:
        """The frequency, 0 for a syllable no word holds."""
        at = _find(self.keys, term_key(syllable))
        return int(self.freq[at]) if at >= 0 else 0
