"""The article store: the only code that opens database sessions.

store.py        `Store`: what other rooms ask of the database
crawl_state.py  crawl runs and page notes (the crawler's memory)
usage.py        questions counted, the last reindex, the store's statistics
crawl_health.py what runs and notes say of each source's health; crawl_records.py their types
subscriptions.py what chats follow, the news outbox, the delivery log
conversations.py where each chat stands (keyed by a hash of its id), questions handed over
dictionary_lines.py query dictionary lines added by admins
feedback.py     👍/👎 and judgments on answers; the staff's report of a period
records.py      article records and problems (codes) handed to the store
importers.py    .txt, .json and .jsonl files into records
ingest.py       records into articles: deduplication, updates, analysis cached
analysis.py     what is cached per article (tokens, sentences, dates), computable anywhere
pipeline.py     records stored in reading order while their analysis runs ahead
workers.py      the worker processes that analyse a large import on every core
database.py     opening a database, migrations (Alembic), write transactions
models.py       the tables
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

if TYPE_CHECKING:
    from .conversations import Conversations, ConversationState, LoggedQuestion, Purged
    from .crawl_records import (
        PageError,
        PageNote,
        PageStatus,
        RunCounts,
        RunRecord,
        RunStatus,
        SourceRecord,
    )
    from .crawl_state import CrawlState
    from .dictionary_lines import DictionaryLines, StoredLine
    from .feedback import (
        NONE_OF_THEM,
        AnswerShown,
        Feedback,
        Judgment,
        QuestionCount,
        Report,
        VotedQuestion,
    )
    from .importers import SUPPORTED_SUFFIXES, read_bytes, read_file, read_paths
    from .ingest import IngestReport, Outcome, ProgressCallback
    from .records import ArticleRecord, AttachmentLink, Item, Problem, ProblemCode
    from .store import ArticleView, IndexRow, Store, StoreStats, TakeDown
    from .subscriptions import (
        MAX_SUBSCRIPTION_CHARS,
        MAX_SUBSCRIPTIONS,
        ClaimedNews,
        DeliveryMode,
        DeliveryStatus,
        Match,
        PendingDelivery,
        SubscriberView,
        Subscriptions,
        SubscriptionStats,
        SubscriptionView,
    )
    from .workers import IngestWorkers

_LAZY = {
    ".conversations": ("Conversations", "ConversationState", "LoggedQuestion", "Purged"),
    ".crawl_records": (
        "PageError",
        "PageNote",
        "PageStatus",
        "RunCounts",
        "RunRecord",
        "RunStatus",
        "SourceRecord",
    ),
    ".crawl_state": ("CrawlState",),
    ".dictionary_lines": ("DictionaryLines", "StoredLine"),
    ".feedback": (
        "NONE_OF_THEM",
        "AnswerShown",
        "Feedback",
        "Judgment",
        "QuestionCount",
        "Report",
        "VotedQuestion",
    ),
    ".importers": ("SUPPORTED_SUFFIXES", "read_bytes", "read_file", "read_paths"),
    ".ingest": ("IngestReport", "Outcome", "ProgressCallback"),
    ".records": ("ArticleRecord", "AttachmentLink", "Item", "Problem", "ProblemCode"),
    ".store": ("ArticleView", "IndexRow", "Store", "StoreStats", "TakeDown"),
    ".subscriptions": (
        "MAX_SUBSCRIPTION_CHARS",
        "MAX_SUBSCRIPTIONS",
        "ClaimedNews",
        "DeliveryMode",
        "DeliveryStatus",
        "Match",
        "PendingDelivery",
        "SubscriberView",
        "Subscriptions",
        "SubscriptionStats",
        "SubscriptionView",
    ),
    ".workers": ("IngestWorkers",),
}

__all__ = [
    "AttachmentLink",
    "DictionaryLines",
    "StoredLine",
    "NONE_OF_THEM",
    "AnswerShown",
    "Feedback",
    "Judgment",
    "QuestionCount",
    "Report",
    "VotedQuestion",
    "MAX_SUBSCRIPTION_CHARS",
    "MAX_SUBSCRIPTIONS",
    "ClaimedNews",
    "DeliveryMode",
    "DeliveryStatus",
    "Match",
    "PendingDelivery",
    "SubscriberView",
    "Subscriptions",
    "SubscriptionStats",
    "SubscriptionView",
    "SUPPORTED_SUFFIXES",
    "ArticleRecord",
    "ArticleView",
    "ConversationState",
    "Conversations",
    "CrawlState",
    "IndexRow",
    "IngestReport",
    "IngestWorkers",
    "LoggedQuestion",
    "Item",
    "Outcome",
    "PageError",
    "PageNote",
    "PageStatus",
    "Problem",
    "Purged",
    "ProblemCode",
    "ProgressCallback",
    "RunCounts",
    "RunRecord",
    "RunStatus",
    "SourceRecord",
    "Store",
    "StoreStats",
    "TakeDown",
    "read_bytes",
    "read_file",
    "read_paths",
]

if not TYPE_CHECKING:  # mypy reads the imports above, so a misspelt name stays an error
    __getattr__ = lazy_names(globals(), _LAZY)
