"""tin-so-bot's engine: Vietnamese text analysis, the article store, search, crawling.

    text/     normalisation, word segmentation, dictionary, restoration, dates, charsets
    store/    the database: articles, their cached analysis, questions, crawl state
    search/   BM25 over the analysed articles, question understanding, ranking, snippets
    crawl/    department portals: sources, polite fetching, discovery, extraction
    archive.py   the orchestration above them: store then index, crawl then index, stats
    evaluation.py  retrieval quality on BEIR-layout sets

The dependencies point one way: text ← store ← search; crawl → store and text (never search);
only `archive` and `evaluation` see every room (import-linter checks it in CI). Nothing here
imports `telegram`. The bot and the command line use the names below, and `index.crawl`'s.
"""

from .archive import DICTIONARY_CHECK_SECONDS, Archive, Health, HealthProblem, ReindexReport, Stats
from .backup import BackupError, BackupReport, backup, restore
from .errors import ArticleNotFound, DatabaseUnavailable, EmptyQuery, InputError, TinSoError
from .search import (
    Answer,
    CategoryCount,
    SearchFilters,
    SearchHit,
    SearchPage,
    Snippet,
    Weights,
)
from .store import (
    NONE_OF_THEM,
    SUPPORTED_SUFFIXES,
    AnswerShown,
    ArticleRecord,
    ArticleView,
    AttachmentLink,
    ConversationState,
    IngestReport,
    Judgment,
    LoggedQuestion,
    Outcome,
    Problem,
    ProblemCode,
    ProgressCallback,
    Purged,
    QuestionCount,
    Report,
    StoredLine,
    TakeDown,
    VotedQuestion,
)
from .text import (
    CHAT_INTENTS,
    EDITABLE_SECTIONS,
    MAX_QUESTION_CHARS,
    MAX_WORD_CHARS,
    BoundedQuestion,
    QueryDictionary,
    bound_question,
    fold,
    foreign_words,
    is_vietnamese,
    lower,
    parse_date,
)
from .upgrade import UpgradeReport, upgrade

__all__ = [
    "DICTIONARY_CHECK_SECONDS",
    "EDITABLE_SECTIONS",
    "NONE_OF_THEM",
    "AnswerShown",
    "Judgment",
    "QuestionCount",
    "Report",
    "StoredLine",
    "StoredLine",
    "VotedQuestion",
    "CHAT_INTENTS",
    "MAX_QUESTION_CHARS",
    "MAX_WORD_CHARS",
    "BoundedQuestion",
    "SUPPORTED_SUFFIXES",
    "Answer",
    "Archive",
    "ArticleNotFound",
    "ArticleRecord",
    "ArticleView",
    "AttachmentLink",
    "BackupError",
    "BackupReport",
    "CategoryCount",
    "ConversationState",
    "DatabaseUnavailable",
    "EmptyQuery",
    "Health",
    "HealthProblem",
    "IngestReport",
    "InputError",
    "LoggedQuestion",
    "Outcome",
    "Problem",
    "ProblemCode",
    "ProgressCallback",
    "Purged",
    "QueryDictionary",
    "ReindexReport",
    "SearchFilters",
    "SearchHit",
    "SearchPage",
    "Snippet",
    "Stats",
    "TakeDown",
    "TinSoError",
    "UpgradeReport",
    "Weights",
    "backup",
    "bound_question",
    "fold",
    "foreign_words",
    "is_vietnamese",
    "lower",
    "parse_date",
    "restore",
    "upgrade",
]
