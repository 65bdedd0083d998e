"""Searching: BM25 over three fields of title and text, question parsing, ranking, snippets and
the answer line.

    engine.py    `SearchEngine`: search, latest, categories; the index it keeps fresh
    bm25.py      exact Okapi BM25 over numpy posting lists (rank_bm25's scores)
    fields.py    words, accent-folded syllables and syllable pairs of a token stream
    snapshot.py  the index: per-field BM25 plus the columns results need
    publishing.py  the database's changes published as a new generation (log or full compare)
    query.py     what a question asks: filters, synonyms, question words, intent
    ranking.py   weighted sub-queries, coverage of the question, candidates
    snippets.py  the sentences that match, with the matched words marked
    percolate.py which subscriptions a new article answers (search turned around)
    answer.py    the sentence that answers when / where / who / how many
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

if TYPE_CHECKING:
    from .answer import Answer
    from .bm25 import BM25Index, BM25Params
    from .engine import (
        CategoryCount,
        IndexStats,
        SearchEngine,
        SearchFilters,
        SearchHit,
        SearchPage,
    )
    from .percolate import NewArticle, Percolator, Topic
    from .ranking import Weights
    from .snippets import Snippet

_LAZY = {
    ".answer": ("Answer",),
    ".bm25": ("BM25Index", "BM25Params"),
    ".engine": (
        "CategoryCount",
        "IndexStats",
        "SearchEngine",
        "SearchFilters",
        "SearchHit",
        "SearchPage",
    ),
    ".percolate": ("NewArticle", "Percolator", "Topic"),
    ".ranking": ("Weights",),
    ".snippets": ("Snippet",),
}

__all__ = [
    "Answer",
    "BM25Index",
    "BM25Params",
    "CategoryCount",
    "IndexStats",
    "NewArticle",
    "Percolator",
    "Topic",
    "SearchEngine",
    "SearchFilters",
    "SearchHit",
    "SearchPage",
    "Snippet",
    "Weights",
]

if not TYPE_CHECKING:  # mypy reads the imports above, so a misspelt name stays an error
    __getattr__ = lazy_names(globals(), _LAZY)
