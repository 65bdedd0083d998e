"""What a search reads: one generation of the on-disk index, opened in a few milliseconds.

Segments stay memory-mapped (processes on one host share their pages). At open, the few
per-document columns a search filters and sorts on are gathered across segments into arrays
indexed by *position* (segments laid end to end, deleted documents included and masked), and
per field the generation's statistics are computed from persisted data: N and the average
length from document lengths and deletion marks, the mean IDF from the document-frequency
histogram, and each document's length normalisation. Nothing is rebuilt.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

import numpy as np

from ..text.dates import VIETNAM
from ..text.restore import Restorer
from ..text.shingles import Signature
from ..text.typos import TypoIndex
from . import kernels
from .bm25 import BM25Params
from .generation import Generation
from .ranges import split_positions
from .segment import Segment
from .terms import FIELDS, term_key
from .vocabulary import READING_ARRAYS, AccentedSyllables, open_restorer, open_typos

__all__ = ["FieldView", "Located", "Snapshot"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Decoded postings kept per generation (frequent terms of recent questions): 16 bytes a posting.
# At 100,000 articles the 20 questions of the top-10 benchmark keep 18 MB decoded.
CACHE_BYTES = 32 << 20


@dataclass(frozen=True)
class Located:
    """A term's postings in one segment."""

    segment: int
    term: int


_DF_REMEMBERED_AT_ONCE = 64  # longer lists of keys are looked up at once, not remembered
_DF_MEMO_SIZE = 100_000  # keys remembered per field (a few MB at most)


class FieldView:
    """One field across a generation's segments: statistics, IDF, postings."""

    def __init__(self, snapshot: Snapshot, field: str, params: BM25Params) -> None:
        self.snapshot = snapshot
        self.field = field
        self.params = params
        self.postings = [s.fields[field] for s in snapshot.segments]
        self._df_memo: dict[int, int] = {}  # key -> df, see `df`
        lengths = [np.asarray(p.lengths) for p in self.postings]
        # as written (int32): the sums and the norm below see the same values as float64 would
        self.lengths = np.concatenate(lengths) if lengths else np.zeros(0, np.int32)
        n = snapshot.size
        total = float(self.lengths[snapshot.live].sum(dtype=np.int64)) if n else 0.0
        self.n_docs = n
        self.avgdl = total / n if n else 0.0
        values, counts = snapshot.generation.tables.histogram(field)
        self.vocabulary = int(np.asarray(counts).sum())
        if self.vocabulary:
            raw = np.log(n - values + 0.5) - np.log(values + 0.5)
            self.mean_idf = math.fsum((raw * counts).tolist()) / self.vocabulary
        else:
            self.mean_idf = 0.0
        if self.avgdl > 0:
            self.norm = params.k1 * (1 - params.b + params.b * self.lengths / self.avgdl)
        else:
            self.norm = np.zeros(len(self.lengths))
        # the saturation tf (k1 + 1) / (norm + tf) at tf = 1, the most frequent case
        self.unit = (params.k1 + 1) / (self.norm + 1.0) if kernels.compiled() else self.norm

    # -- statistics ---------------------------------------------------------------------------

    def df(self, keys: Sequence[int] | np.ndarray) -> np.ndarray:
        """Document frequency over live documents of each key. A question asks for a few keys
        at a time, often the same ones again (planning, coverage, ranking, the next question):
        those are remembered, as a generation's frequencies never change."""
        if len(keys) > _DF_REMEMBERED_AT_ONCE:
            return self.snapshot.generation.global_df(self.field, np.asarray(keys, np.uint64))
        wanted = keys.tolist() if isinstance(keys, np.ndarray) else [int(k) for k in keys]
        memo = self._df_memo
        missing = [k for k in dict.fromkeys(wanted) if k not in memo]
        if missing:
            found = self.snapshot.generation.global_df(self.field, np.array(missing, np.uint64))
            if len(memo) + len(missing) > _DF_MEMO_SIZE:
                memo.clear()  # bounded; the frequent keys come back at once
            memo.update(zip(missing, found.tolist(), strict=True))
        return np.array([memo[k] for k in wanted], dtype=np.int64)

    def idf(self, df: np.ndarray) -> np.ndarray:
        """rank_bm25's IDF for document frequencies (0 where a term is in no document)."""
        df = np.asarray(df, dtype=np.float64)
        n = self.n_docs
        with np.errstate(divide="ignore", invalid="ignore"):
            idf = np.array(
                [math.log(n - d + 0.5) - math.log(d + 0.5) if d else 0.0 for d in df.tolist()]
            )
        idf[idf < 0] = self.params.epsilon * self.mean_idf
        return idf

    def idf_of(self, token: str | int) -> float:
        """IDF of one word or syllable (a string) or key; 0.0 when no document has it."""
        key = term_key(token) if isinstance(token, str) else token
        return float(self.idf(self.df([key]))[0])

    def locate(self, key: int) -> list[Located]:
        """Where a key has postings."""
        found = []
        probe = np.array([key], dtype=np.uint64)
        for number, postings in enumerate(self.postings):
            term = int(postings.lookup(probe)[0])
            if term >= 0:
                found.append(Located(number, term))
        return found

    def documents(self, key: int) -> np.ndarray:
        """Sorted positions of the live documents holding the key."""
        positions = self.holders(key)
        live: np.ndarray = positions[self.snapshot.live[positions]]
        return live

    def holders(self, key: int) -> np.ndarray:
        """Sorted positions of the documents holding the key, deleted ones included (for
        callers that mask by `live` anyway)."""
        parts = []
        for where in self.locate(key):
            postings = self.postings[where.segment]
            if 2 * int(postings.df[where.term]) <= postings.lengths.shape[0]:
                # scoring may read the same postings next (a term in more than half of the
                # documents is not scored): decode them once, through the cache
                docs, _ = self.snapshot.saturation(self.field, where.segment, where.term)
            else:
                docs = postings.documents(where.term) + self.snapshot.bases[where.segment]
            parts.append(docs)
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def add_at_holders(self, target: np.ndarray, key: int, value: float) -> bool:
        """target[position] += value at every document holding the key, deleted ones included
        (int16 targets count holders); False when no document holds it."""
        located = self.locate(key)
        if located:
            target[self.holders(key)] += value
        return bool(located)

    def source(self, segment: int, term: int, factor: float) -> kernels.Source:
        """A term of one segment as the compiled range loops read it."""
        base = int(self.snapshot.bases[segment])
        postings = self.postings[segment]
        return kernels.term_source(postings, term, base, self.norm, self.unit, factor)

    def add_at_all_holders(self, target: np.ndarray, entries: Sequence[tuple[int, float]]) -> None:
        """`add_at_holders` of every (key, value) in turn (the same floats), in one pass over
        the positions when compiled (see `ranges.split_positions`)."""
        if not kernels.compiled():
            for key, value in entries:
                self.add_at_holders(target, key, value)
            return
        located = [(where, value) for key, value in entries for where in self.locate(key)]
        sources = [self.source(where.segment, where.term, value) for where, value in located]

        def run(ranges: np.ndarray) -> None:
            kernels.presence_ranges(sources, target, ranges)

        postings = sum(int(self.postings[w.segment].df[w.term]) for w, _ in located)
        split_positions(self.snapshot.positions, run, postings)

    def scores(self, keys: Sequence[int]) -> np.ndarray:
        """BM25 score of every position for the query keys (0 for deleted documents)."""
        result = np.zeros(self.snapshot.positions)
        df = self.df(list(keys))
        idf = self.idf(df)
        for key, weight in zip(keys, idf.tolist(), strict=False):
            for where in self.locate(key):
                # tf (k1 + 1) / (norm + tf), decoded once through the cache: the same floats
                docs, saturation = self.snapshot.saturation(self.field, where.segment, where.term)
                result[docs] += saturation * weight
        result[~self.snapshot.live] = 0.0
        return result

    def top(self, keys: Sequence[int], k: int) -> list[tuple[int, float]]:
        """The `k` best (position, score) pairs among documents holding a key, best first,
        without scoring every match (see `topk`)."""
        from .topk import Clause, top_k

        weights: dict[int, float] = {}
        for key in keys:  # a repeated query token counts again, as in rank_bm25
            weights[key] = weights.get(key, 0.0) + 1.0
        clauses = [Clause(self.field, key, weight) for key, weight in weights.items()]
        return top_k(self.snapshot, clauses, k)


class Snapshot:
    """An opened generation: columns by position, per-field views, the restorer."""

    def __init__(self, generation: Generation, params: BM25Params) -> None:
        """Gather the columns and compute the generation's statistics."""
        self.generation = generation
        self.params = params
        self._cache: OrderedDict[tuple[str, int, int], tuple[np.ndarray, np.ndarray]] = (
            OrderedDict()
        )
        self._cache_bytes = 0
        self._cache_lock = threading.Lock()
        self._local = threading.local()
        self.segments: list[Segment] = generation.segments
        sizes = [s.size for s in self.segments]
        self.bases = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.positions = int(self.bases[-1])
        self.live = np.ones(self.positions, dtype=bool)
        for number, segment in enumerate(self.segments):
            self.live[self.bases[number] + np.asarray(generation.dead(segment), dtype=np.int64)] = (
                False
            )
        self.size = int(self.live.sum())
        self.article_ids = self._gather("ids", np.int64)
        self.published_us = self._gather("published", np.int64)
        self.published = self.published_us / 1e6
        self.content = self._gather("content", np.int64)
        self._source_codes = self._gather("source", np.int32)
        self.categories, self.category_codes = self._gather_categories()
        self.has_copies, self.duplicated = self._find_copies()
        self.fields = {field: FieldView(self, field, params) for field in FIELDS}
        self.restorer: Restorer = self._open_restorer()
        manifest = generation.manifest
        self.data_version = manifest.data_version
        self.built_at = datetime.fromisoformat(manifest.created_at).astimezone(VIETNAM)
        self.build_seconds = manifest.build_seconds
        # What other modules remember of this generation (the readings of questions): it lives
        # and dies with the snapshot.
        self.memo: dict[str, object] = {}

    def _gather_categories(self) -> tuple[tuple[str, ...], np.ndarray]:
        """The categories of live documents, sorted, and each position's code among them
        (-1: none, or one no live document has)."""
        names = sorted(
            {
                segment.categories[code]
                for number, segment in enumerate(self.segments)
                for code in np.unique(
                    np.asarray(segment.category)[
                        self.live[self.bases[number] : self.bases[number + 1]]
                    ]
                ).tolist()
                if code >= 0
            }
        )
        code_of = {name: code for code, name in enumerate(names)}
        codes = []
        for segment in self.segments:
            table = np.array(
                [code_of.get(c, -1) for c in segment.categories] + [-1], dtype=np.int32
            )
            codes.append(table[np.asarray(segment.category)])  # -1 indexes the trailing -1
        return tuple(names), np.concatenate(codes) if codes else np.zeros(0, np.int32)

    def _find_copies(self) -> tuple[bool, np.ndarray | None]:
        """Whether live documents share a text, and the mask of the live ones that do."""
        live_content = self.content[self.live]
        unique, counts = np.unique(live_content, return_counts=True)
        shared = unique[counts > 1]
        has_copies = len(shared) > 0
        return has_copies, np.isin(self.content, shared) & self.live if has_copies else None

    def _open_restorer(self) -> Restorer:
        """The restorer over this generation's vocabulary tables."""
        tables = self.generation.tables
        names_ = (
            "rw.keys",
            "rw.start",
            "rw.count",
            "rw.freq",
            "rw.bytes",
            "rw.ends",
            "rs.keys",
            "rs.freq",
        )
        return open_restorer({n: tables.array(n) for n in names_}, self.size)

    def saturation(self, field: str, segment: int, term: int) -> tuple[np.ndarray, np.ndarray]:
        """A term's positions and BM25 saturation tf(k1+1)/(tf+norm) in one segment, computed
        with this generation's average length and kept in a bounded LRU cache (the postings of
        frequent words are decoded once, not per question)."""
        key = (field, segment, term)
        with self._cache_lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        view = self.fields[field]
        base = int(self.bases[segment])
        if kernels.compiled():
            postings = view.postings[segment]
            value = kernels.decode_saturations(
                postings, term, base, view.norm, view.unit, self.params.k1
            )
        else:
            docs, tfs = view.postings[segment].postings(term)
            docs += base
            # tf (k1 + 1) / (tf + norm), computed in place (the same floats, fewer passes)
            saturation = tfs.astype(np.float64)
            denominator = view.norm[docs]
            denominator += saturation
            saturation *= self.params.k1 + 1
            saturation /= denominator
            value = (docs, saturation)
        size = value[0].nbytes + value[1].nbytes
        with self._cache_lock:
            self._cache[key] = value
            self._cache_bytes += size
            while self._cache_bytes > CACHE_BYTES and len(self._cache) > 1:
                _, old = self._cache.popitem(last=False)
                self._cache_bytes -= old[0].nbytes + old[1].nbytes
        return value

    def add_saturations(
        self,
        field: str,
        segment: int,
        term: int,
        factor: float,
        sums: np.ndarray,
        touched: np.ndarray | None,
    ) -> None:
        """sums[position] += saturation x factor at every holder of a term in one segment
        (marking `touched`), the saturations through the cache (the numpy path of
        `ranges.score_terms`, which adds straight from the segment when compiled)."""
        docs, saturation = self.saturation(field, segment, term)
        sums[docs] += saturation * factor
        if touched is not None:
            touched[docs] = True

    def cached(self, key: tuple[str, int, int]) -> tuple[np.ndarray, np.ndarray] | None:
        """A term's decoded positions and saturations when the cache holds them (not decoded
        otherwise)."""
        with self._cache_lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
            return found

    @property
    def cached_bytes(self) -> int:
        """Bytes of decoded postings kept in the cache now (for benchmarks)."""
        return self._cache_bytes

    def scratch(self) -> tuple[np.ndarray, np.ndarray]:
        """This thread's work arrays, one slot per position: sums (float) and a mask, both
        zeroed; whoever uses them zeroes them again (allocating them per search costs a page
        fault per 4 kB, more than the scoring of a selective question)."""
        found: tuple[np.ndarray, np.ndarray] | None = getattr(self._local, "scratch", None)
        if found is None:
            found = (np.zeros(self.positions), np.zeros(self.positions, dtype=bool))
            self._local.scratch = found
        return found

    def gathering(self) -> tuple[np.ndarray, np.ndarray]:
        """This thread's arrays to gather positions and scores into (till its next search)."""
        found: tuple[np.ndarray, np.ndarray] | None = getattr(self._local, "gathering", None)
        if found is None:
            found = (np.empty(self.positions, dtype=np.int64), np.empty(self.positions))
            self._local.gathering = found
        return found

    def _gather(self, name: str, dtype: type) -> np.ndarray:
        parts = [np.asarray(getattr(s, name)) for s in self.segments]
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)

    def field(self, group: str, kind: str) -> FieldView:
        """The view of one field ("text", "syllables")."""
        return self.fields[f"{group}.{kind}"]

    @cached_property
    def typos(self) -> TypoIndex | None:
        """The typo index of the corpus's vocabulary (None for an index built without it)."""
        if not self._has_reading_tables:
            return None
        return open_typos({n: self.generation.tables.array(n) for n in READING_ARRAYS})

    @cached_property
    def accented(self) -> AccentedSyllables | None:
        """The accented syllables the corpus writes (None for an index built without them)."""
        if not self._has_reading_tables:
            return None
        return AccentedSyllables({n: self.generation.tables.array(n) for n in READING_ARRAYS})

    @property
    def _has_reading_tables(self) -> bool:
        return all(name in self.generation.tables.file for name in READING_ARRAYS)

    @cached_property
    def newest_first(self) -> np.ndarray:
        """Live positions by publication date, newest first (then the higher article id)."""
        live = np.flatnonzero(self.live)
        order = np.lexsort((-self.article_ids[live], -self.published_us[live]))
        return live[order]

    # -- one document -------------------------------------------------------------------------

    def _locate(self, position: int) -> tuple[Segment, int]:
        number = int(np.searchsorted(self.bases, position, side="right")) - 1
        return self.segments[number], position - int(self.bases[number])

    def title(self, position: int) -> str:
        """The article's title."""
        segment, local = self._locate(position)
        return segment.string("title", local)

    def signature(self, position: int) -> Signature:
        """The article's near-duplicate signature (title and opening text), as written."""
        segment, local = self._locate(position)
        return Signature.from_bytes(segment.sketch(local))

    def url(self, position: int) -> str | None:
        """The article's url."""
        segment, local = self._locate(position)
        return segment.url(local)

    def source(self, position: int) -> str:
        """The article's source name."""
        segment, local = self._locate(position)
        return segment.sources[int(segment.source[local])]

    def published_at(self, position: int) -> datetime:
        """The article's publication time, in Asia/Ho_Chi_Minh."""
        stamp = _EPOCH + timedelta(microseconds=int(self.published_us[position]))
        return stamp.astimezone(VIETNAM)

    def position(self, article_id: int) -> int | None:
        """The live position of an article id, or None when it is not indexed."""
        found = np.flatnonzero((self.article_ids == article_id) & self.live)
        return int(found[0]) if len(found) else None

    @property
    def nbytes(self) -> int:
        """Bytes of the index files of this generation."""
        return sum(s.file.size for s in self.segments) + self.generation.tables.file.size

    @property
    def vocabulary(self) -> int:
        """Distinct words of the text and title fields (live)."""
        return self.fields["text.words"].vocabulary + self.fields["title.words"].vocabulary
