"""Following topics by typed words, on any channel: "theo dõi <chủ đề>" saves a subscription,
"theo dõi" alone lists the chat's, "bỏ theo dõi <số> | tất cả" stops one or all.

The words are the twins of Telegram's /theodoi, /huytheodoi and their buttons. In a group
they are a question like any other (who may change a group's subscriptions is the channel's
to check, with its commands). The subscriptions themselves live in `index.NewsDesk`, keyed by
the channel and the chat id as the channel knows it (news must find its way back there).
"""

from __future__ import annotations

import re

from index import NewsDesk, SubscriptionRefused, fold, lower

from .memory import Chat
from .types import (
    Followed,
    FollowRefused,
    NoSuchSubscription,
    Reply,
    Said,
    Say,
    Subscriptions,
    Unfollow,
    Unfollowed,
)

__all__ = ["Following", "TYPED_FOLLOW", "TYPED_UNFOLLOW"]

TYPED_FOLLOW = r"(?i)^\s*(?:theo dõi|theo doi)(?:\s+(\S.*))?$"
TYPED_UNFOLLOW = (
    r"(?i)^\s*(?:bỏ theo dõi|bo theo doi|hủy theo dõi|huỷ theo dõi|huy theo doi)\s*(.*)$"
)
_FOLLOW = re.compile(TYPED_FOLLOW, re.DOTALL)
_UNFOLLOW = re.compile(TYPED_UNFOLLOW, re.DOTALL)
_ALL = frozenset({"tat ca", "all", "het", "*", "tat ca chu de"})


class Following:
    """The typed words of subscriptions, answered through the news desk."""

    def __init__(self, desk: NewsDesk | None) -> None:
        self.desk = desk

    def typed(self, chat: Chat, text: str) -> Reply | None:
        """The reply to a typed "theo dõi …" / "bỏ theo dõi …"; None for anything else (and
        for everything when this process keeps no subscriptions)."""
        if self.desk is None or chat.incoming.group:
            return None
        if found := _UNFOLLOW.match(text):
            return self._unfollow(chat, found[1] or "")
        if found := _FOLLOW.match(text):
            return self._follow(chat, found[1] or "")
        return None

    @property
    def _desk(self) -> NewsDesk:
        assert self.desk is not None  # typed() answers nothing without one
        return self.desk

    def _where(self, chat: Chat) -> tuple[str, str]:
        return chat.incoming.channel.value, chat.incoming.chat_id

    def _follow(self, chat: Chat, words: str) -> Reply:
        if not words.strip():
            return self._list(chat)
        try:
            subscribed = self._desk.subscribe(*self._where(chat), words.strip())
        except SubscriptionRefused as refused:
            return Reply((FollowRefused(refused.reason),))
        mine = self._desk.subscriptions(*self._where(chat))
        number = next((n for n, s in enumerate(mine, 1) if s == subscribed.subscription), len(mine))
        return Reply((Followed(subscribed),), (Unfollow(number, subscribed.subscription),))

    def _list(self, chat: Chat, *, how: bool = False) -> Reply:
        mine = tuple(self._desk.subscriptions(*self._where(chat)))
        steps = tuple(Unfollow(n, s) for n, s in enumerate(mine, 1))
        parts = (
            (Subscriptions(mine), Say(Said.UNFOLLOW_HOW))
            if how and mine
            else (Subscriptions(mine),)
        )
        return Reply(parts, steps)

    def _unfollow(self, chat: Chat, words: str) -> Reply:
        wanted = fold(lower(" ".join(words.split()))).strip(" .!")
        if not wanted:
            return self._list(chat, how=True)
        if wanted in _ALL:
            count = self._desk.unsubscribe(*self._where(chat))
            return Reply((Unfollowed(None, count),))
        mine = self._desk.subscriptions(*self._where(chat))
        number = int(wanted) if wanted.isdigit() and len(wanted) < 4 else 0
        if not 1 <= number <= len(mine):
            return Reply((NoSuchSubscription(words.strip()[:20]),))
        chosen = mine[number - 1]
        self._desk.unsubscribe(*self._where(chat), chosen.subscription_id)
        return Reply((Unfollowed(chosen.query or chosen.category or ""),))
