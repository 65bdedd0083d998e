"""tin-so-bot's search engine: article store, Vietnamese analysis, BM25 ranking, ingestion.

This package never imports `telegram`; the bot and the command line use the names below.
Crawling portals is `index.crawl` (imported on demand: it loads trafilatura and httpx).
"""

from .text.analyzer import ANALYZER_VERSION, Analyzer, split_sentences
from .search.bm25 import BM25Index, BM25Params
from .errors import ArticleNotFound, DatabaseUnavailable, EmptyQuery, IndexError_, InputError
from .store.importers import SUPPORTED_SUFFIXES, ArticleRecord, Problem, read_bytes, read_paths
from .store.ingest import IngestReport, Outcome, ProgressCallback
from .text.dictionary import QueryDictionary
from .search.engine import (
    Answer,
    ArticleView,
    CategoryCount,
    EngineStats,
    ReindexReport,
    SearchEngine,
    SearchFilters,
    SearchHit,
    SearchPage,
    Weights,
)
from .search.snippets import Snippet
from .text.normalize import fold, normalize

__all__ = [
    "ANALYZER_VERSION",
    "Answer",
    "QueryDictionary",
    "Analyzer",
    "ArticleNotFound",
    "ArticleRecord",
    "ArticleView",
    "BM25Index",
    "BM25Params",
    "CategoryCount",
    "DatabaseUnavailable",
    "EmptyQuery",
    "EngineStats",
    "IndexError_",
    "IngestReport",
    "InputError",
    "Outcome",
    "Problem",
    "ProgressCallback",
    "ReindexReport",
    "SUPPORTED_SUFFIXES",
    "SearchEngine",
    "SearchFilters",
    "SearchHit",
    "SearchPage",
    "Snippet",
    "Weights",
    "fold",
    "normalize",
    "read_bytes",
    "read_paths",
    "split_sentences",
]
