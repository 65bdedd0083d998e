"""Reading a phone-typed question against one index generation.

`index.text.reading.Reader` chooses how to read a question (Telex or VNI keys decoded, chat
abbreviations expanded, typos corrected, glued syllables split) by how well the corpus supports
each reading. Here the corpus is a snapshot: folded syllables and pairs are counted by the text
field's postings (which hold the title too), accented syllables and the typo index come from
the generation's tables, written with the restoration tables (`vocabulary.reading_arrays`).
"""

from __future__ import annotations

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

    def documents(self) -> int:
        """Number of live documents."""
        return self.snapshot.size

    def syllable_df(self, syllable: str) -> int:
        """Frequency of the words holding the syllable as written (an index built before the
        table existed answers with the folded syllable's documents)."""
        if self._accented is None:
            return self.folded_df(syllable)
        return self._accented.get(syllable)

    def folded_df(self, syllable: str) -> int:
        """Documents holding the folded syllable."""
        return int(self._syllables.df([term_key(syllable)])[0])

    def pair_df(self, first: str, second: str) -> int:
        """Documents where the folded syllables stand side by side."""
        return int(self._pairs.df([pair_key(term_key(first), term_key(second))])[0])


def read_question(snapshot: Snapshot, dictionary: QueryDictionary, question: str) -> Reading:
    """The reading of a question the snapshot's corpus supports best."""
    return Reader(SnapshotStats(snapshot), dictionary, snapshot.typos).read(question)
