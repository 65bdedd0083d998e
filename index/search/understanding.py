"""Reading a phone-typed question against one index generation.

`index.text.reading.Reader` chooses how to read a question (Telex or VNI keys decoded, chat
abbreviations expanded, typos corrected, glued syllables split) by how well the corpus supports
each reading. Here the corpus is a snapshot: folded syllables and pairs are counted by the text
field's postings (which hold the title too), accented syllables and the typo index come from
the generation's tables, written with the restoration tables (`vocabulary.reading_arrays`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from ..text.dictionary import QueryDictionary
from ..text.reading import Reader, Reading
from .snapshot import Snapshot
from .terms import pair_key, term_key

__all__ = ["SnapshotStats", "read_question"]


class SnapshotStats:
    """Document frequencies of a snapshot (implements `index.text.support.CorpusStats`)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self._syllables = snapshot.field("text", "syllables")
        self._pairs = snapshot.field("text", "pairs")
        self._accented = snapshot.accented
        self._memo: dict[tuple[str, ...], int] = {}  # the same syllables recur across questions

    def documents(self) -> int:
        """Number of live documents."""
        return self.snapshot.size

    def syllable_df(self, syllable: str) -> int:
        """Frequency of the words holding the syllable as written (an index built before the
        table existed answers with the folded syllable's documents)."""
        if self._accented is None:
            return self.folded_df(syllable)
        key = ("a", syllable)
        found = self._memo.get(key)
        if found is None:
            found = self._remember(key, self._accented.get(syllable))
        return found

    def folded_df(self, syllable: str) -> int:
        """Documents holding the folded syllable."""
        key = ("f", syllable)
        found = self._memo.get(key)
        if found is None:
            found = self._remember(key, int(self._syllables.df([term_key(syllable)])[0]))
        return found

    def pair_df(self, first: str, second: str) -> int:
        """Documents where the folded syllables stand side by side."""
        key = ("p", first, second)
        found = self._memo.get(key)
        if found is None:
            pair = pair_key(term_key(first), term_key(second))
            found = self._remember(key, int(self._pairs.df([pair])[0]))
        return found

    def _remember(self, key: tuple[str, ...], value: int) -> int:
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.clear()  # a snapshot lives long; its memo stays small
        self._memo[key] = value
        return value


_MEMO_SIZE = 50_000  # frequencies remembered per snapshot (a few MB at most)
_READINGS = 1_024  # readings remembered per snapshot (questions repeat: buttons, pages)


class _Readings:
    """One snapshot's statistics and its most recent readings, per dictionary."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.stats = SnapshotStats(snapshot)
        self.recent: OrderedDict[tuple[int, str], tuple[QueryDictionary, Reading]] = OrderedDict()


_MEMO = "readings"  # the key of a snapshot's `_Readings` in its memo
_LOCK = threading.Lock()


def _readings(snapshot: Snapshot) -> _Readings:
    """The snapshot's readings, kept on the snapshot so that they go when it goes (a global
    map from snapshots to readings that hold their snapshot would keep every generation ever
    searched alive, with its maps and caches). Call with `_LOCK` held."""
    found = snapshot.memo.get(_MEMO)
    if not isinstance(found, _Readings):
        found = snapshot.memo[_MEMO] = _Readings(snapshot)
    return found


def read_question(snapshot: Snapshot, dictionary: QueryDictionary, question: str) -> Reading:
    """The reading of a question the snapshot's corpus supports best (remembered per snapshot
    and dictionary: a reading depends on nothing else, and asking the corpus costs most of it)."""
    with _LOCK:
        cache = _readings(snapshot)
        key = (id(dictionary), question)
        hit = cache.recent.get(key)
        if hit is not None and hit[0] is dictionary:
            cache.recent.move_to_end(key)
            return hit[1]
    reading = Reader(cache.stats, dictionary, snapshot.typos).read(question)
    with _LOCK:
        cache.recent[key] = (dictionary, reading)
        if len(cache.recent) > _READINGS:
            cache.recent.popitem(last=False)
    return reading
