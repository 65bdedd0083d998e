"""tin-so-bot's engine: Vietnamese text analysis, the article store, search, crawling.

    text/     normalisation, word segmentation, dictionary, restoration, dates, charsets
    store/    the database: articles, their cached analysis, questions, crawl state
    search/   BM25 over the analysed articles, question understanding, ranking, snippets
    crawl/    department portals: sources, polite fetching, discovery, extraction
    archive/  the orchestration above them: store then index, crawl then index, stats
    news.py      subscriptions: new articles matched to them (percolation), deliveries logged
    evaluation.py  retrieval quality on BEIR-layout sets

The dependencies point one way: text ← store ← search; crawl → store and text (never search);
only `archive` and `evaluation` see every room (import-linter checks it in CI). Nothing here
imports `telegram`. The bot and the command line use the names below, and `index.crawl`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_names

if TYPE_CHECKING:
    from .archive import (
        DICTIONARY_CHECK_SECONDS,
        Archive,
        Health,
        HealthProblem,
        ReindexReport,
        Stats,
    )
    from .backup import BackupError, BackupReport, backup, restore
    from .errors import (
        ArticleNotFound,
        DatabaseUnavailable,
        EmptyQuery,
        InputError,
        SubscriptionRefused,
        TinSoError,
    )
    from .news import NewsDesk, NewsItem, NewsRun, Outgoing, QuietHours, Subscribed
    from .search import (
        Answer,
        CategoryCount,
        SearchFilters,
        SearchHit,
        SearchPage,
        Snippet,
        Topic,
        Weights,
    )
    from .store import (
        MAX_SUBSCRIPTION_CHARS,
        MAX_SUBSCRIPTIONS,
        NONE_OF_THEM,
        SUPPORTED_SUFFIXES,
        AnswerShown,
        ArticleRecord,
        ArticleView,
        AttachmentLink,
        ConversationState,
        DeliveryMode,
        DeliveryStatus,
        IngestReport,
        Judgment,
        LoggedQuestion,
        Outcome,
        PendingDelivery,
        Problem,
        ProblemCode,
        ProgressCallback,
        Purged,
        QuestionCount,
        Report,
        StoredLine,
        SubscriberView,
        SubscriptionStats,
        SubscriptionView,
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

_LAZY = {
    ".archive": (
        "DICTIONARY_CHECK_SECONDS",
        "Archive",
        "Health",
        "HealthProblem",
        "ReindexReport",
        "Stats",
    ),
    ".backup": ("BackupError", "BackupReport", "backup", "restore"),
    ".errors": (
        "ArticleNotFound",
        "DatabaseUnavailable",
        "EmptyQuery",
        "InputError",
        "SubscriptionRefused",
        "TinSoError",
    ),
    ".news": ("NewsDesk", "NewsItem", "NewsRun", "Outgoing", "QuietHours", "Subscribed"),
    ".search": (
        "Answer",
        "CategoryCount",
        "SearchFilters",
        "SearchHit",
        "SearchPage",
        "Snippet",
        "Topic",
        "Weights",
    ),
    ".store": (
        "MAX_SUBSCRIPTION_CHARS",
        "MAX_SUBSCRIPTIONS",
        "NONE_OF_THEM",
        "SUPPORTED_SUFFIXES",
        "AnswerShown",
        "ArticleRecord",
        "ArticleView",
        "AttachmentLink",
        "ConversationState",
        "DeliveryMode",
        "DeliveryStatus",
        "IngestReport",
        "Judgment",
        "LoggedQuestion",
        "Outcome",
        "PendingDelivery",
        "Problem",
        "ProblemCode",
        "ProgressCallback",
        "Purged",
        "QuestionCount",
        "Report",
        "StoredLine",
        "SubscriberView",
        "SubscriptionStats",
        "SubscriptionView",
        "TakeDown",
        "VotedQuestion",
    ),
    ".text": (
        "CHAT_INTENTS",
        "EDITABLE_SECTIONS",
        "MAX_QUESTION_CHARS",
        "MAX_WORD_CHARS",
        "BoundedQuestion",
        "QueryDictionary",
        "bound_question",
        "fold",
        "foreign_words",
        "is_vietnamese",
        "lower",
        "parse_date",
    ),
    ".upgrade": ("UpgradeReport", "upgrade"),
}

__all__ = [
    "DICTIONARY_CHECK_SECONDS",
    "EDITABLE_SECTIONS",
    "NONE_OF_THEM",
    "AnswerShown",
    "Judgment",
    "QuestionCount",
    "Report",
    "StoredLine",
    "VotedQuestion",
    "MAX_SUBSCRIPTION_CHARS",
    "MAX_SUBSCRIPTIONS",
    "DeliveryMode",
    "DeliveryStatus",
    "NewsDesk",
    "NewsItem",
    "NewsRun",
    "Outgoing",
    "PendingDelivery",
    "QuietHours",
    "Subscribed",
    "SubscriberView",
    "SubscriptionRefused",
    "SubscriptionStats",
    "SubscriptionView",
    "Topic",
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

if not TYPE_CHECKING:  # mypy reads the imports above, so a misspelt name stays an error
    __getattr__ = lazy_names(globals(), _LAZY)
