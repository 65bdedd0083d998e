"""The conversation, channel-free: a message or an action of a chat in, what to say out.

    types.py     the vocabulary: Incoming (message or Action), Reply (Parts and Steps), enums
    said.py      the short replies (`Said`) each channel words
    intents.py   what a message means, in a fixed and tested order (the dictionary's table)
    core.py      `Conversation.handle`: what each message or action asks for, answered
    memory.py    where each chat stands, read once per message, kept in the database
    lists.py     results, the latest, a category, today: pages and their next steps
    periods.py   a list's period shifted back or forth ("tin cũ hơn" / "mới hơn")
    feedback.py  👍/👎 on answers, "Bài nào đúng?" as a judgment, the contact card
    follow.py    "theo dõi <chủ đề>", "theo dõi", "bỏ theo dõi <số>": subscriptions by words
    privacy.py   chat ids as keyed hashes; how long things are kept
    handover.py  deep links that carry a question from inline mode into a chat

A channel (bot/app.py for Telegram; a later Zalo) turns its updates into `Incoming`, calls
`Conversation.handle` in a worker thread, and renders the `Reply` its own way. Nothing here
imports `telegram`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from index import lazy_names

if TYPE_CHECKING:
    from .core import EXAMPLE, PAGE_SIZE, Conversation
    from .follow import TYPED_FOLLOW, TYPED_UNFOLLOW
    from .intents import ChatTable, Intent, Understood, understand
    from .privacy import FOLLOW_UP_FOR, HANDOVER_FOR, QUESTIONS_FOR, REFERENCES_FOR, ChatKeys
    from .said import Said
    from .types import (
        Action,
        Article,
        AskSuggestion,
        Categories,
        Channel,
        Contact,
        ContactCard,
        Followed,
        FollowRefused,
        FollowTopic,
        Forget,
        Guide,
        Help,
        Incoming,
        JudgeAnswer,
        Listing,
        ListKind,
        ListRef,
        NoSuchSubscription,
        OpenCategories,
        OpenCategory,
        OpenContact,
        OpenLatest,
        Part,
        Pick,
        Rate,
        RateAnswer,
        Read,
        ReadArticle,
        Reply,
        Results,
        Say,
        ShowCategories,
        ShowContact,
        ShowPage,
        Start,
        Step,
        Subscriptions,
        Suggest,
        TryAsking,
        Turn,
        Unfollow,
        Unfollowed,
        Welcome,
        WhichWasRight,
    )

_LAZY = {
    ".core": ("EXAMPLE", "PAGE_SIZE", "Conversation"),
    ".follow": ("TYPED_FOLLOW", "TYPED_UNFOLLOW"),
    ".intents": ("ChatTable", "Intent", "Understood", "understand"),
    ".privacy": ("FOLLOW_UP_FOR", "HANDOVER_FOR", "QUESTIONS_FOR", "REFERENCES_FOR", "ChatKeys"),
    ".said": ("Said",),
    ".types": (
        "Action",
        "Article",
        "AskSuggestion",
        "Categories",
        "Channel",
        "Contact",
        "ContactCard",
        "Followed",
        "FollowRefused",
        "FollowTopic",
        "Forget",
        "Guide",
        "Help",
        "Incoming",
        "JudgeAnswer",
        "Listing",
        "ListKind",
        "ListRef",
        "NoSuchSubscription",
        "OpenCategories",
        "OpenCategory",
        "OpenContact",
        "OpenLatest",
        "Part",
        "Pick",
        "Rate",
        "RateAnswer",
        "Read",
        "ReadArticle",
        "Reply",
        "Results",
        "Say",
        "ShowCategories",
        "ShowContact",
        "ShowPage",
        "Start",
        "Step",
        "Subscriptions",
        "Suggest",
        "TryAsking",
        "Turn",
        "Unfollow",
        "Unfollowed",
        "Welcome",
        "WhichWasRight",
    ),
}

__all__ = [
    "TYPED_FOLLOW",
    "TYPED_UNFOLLOW",
    "Unfollowed",
    "Unfollow",
    "Subscriptions",
    "NoSuchSubscription",
    "FollowTopic",
    "FollowRefused",
    "Followed",
    "OpenContact",
    "Pick",
    "Rate",
    "ContactCard",
    "Contact",
    "WhichWasRight",
    "ShowContact",
    "JudgeAnswer",
    "RateAnswer",
    "EXAMPLE",
    "FOLLOW_UP_FOR",
    "HANDOVER_FOR",
    "PAGE_SIZE",
    "QUESTIONS_FOR",
    "REFERENCES_FOR",
    "Action",
    "Article",
    "AskSuggestion",
    "Categories",
    "Channel",
    "ChatKeys",
    "ChatTable",
    "Conversation",
    "Forget",
    "Guide",
    "Help",
    "Incoming",
    "Intent",
    "ListKind",
    "ListRef",
    "Listing",
    "OpenCategories",
    "OpenCategory",
    "OpenLatest",
    "Part",
    "Read",
    "ReadArticle",
    "Reply",
    "Results",
    "Said",
    "Say",
    "ShowCategories",
    "ShowPage",
    "Start",
    "Step",
    "Suggest",
    "TryAsking",
    "Turn",
    "Understood",
    "Welcome",
    "understand",
]

if not TYPE_CHECKING:  # mypy reads the imports above, so a misspelt name stays an error
    __getattr__ = lazy_names(globals(), _LAZY)
