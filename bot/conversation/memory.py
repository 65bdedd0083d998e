"""Where each chat stands: read once per message, kept in the database through the archive.

The state is keyed by the channel and a keyed hash of the chat id (see privacy.py), so a restart
or a second replica continues the same conversation.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from datetime import datetime

from index import Archive, ConversationState, LoggedQuestion, SearchPage

from .privacy import FEEDBACK_FOR, HANDOVER_FOR, PURGE_EVERY, QUESTIONS_FOR, REFERENCES_FOR
from .types import Incoming, ListKind, ListRef

__all__ = ["Chat", "Memory"]

log = logging.getLogger(__name__)


@dataclass
class Chat:
    """One chat during one message: who it is, and its state read once when first needed."""

    incoming: Incoming
    key: str
    now: datetime
    loaded: bool = False
    known: ConversationState | None = field(default=None)


class Memory:
    """Reads, keeps and forgets where chats stand; a failure costs the follow-up, never the
    answer."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.last_purge = -PURGE_EVERY

    def state(self, chat: Chat, *, continuing_only: bool = True) -> ConversationState | None:
        """The chat's state (24 hours at most); in a group, only for a reply to the bot."""
        if continuing_only and not chat.incoming.continues:
            return None
        if not chat.loaded:
            chat.known = self.archive.conversation(
                chat.incoming.channel, chat.key, chat.now - REFERENCES_FOR
            )
            chat.loaded = True
        return chat.known

    def remember(
        self, chat: Chat, listed: ListRef, page: SearchPage, question: str | None = None
    ) -> int | None:
        """Keep the list just shown for follow-ups; a new question is kept and counted too.
        Returns the answer the list gives feedback on: a new question's (if it showed
        articles), or the one another page of the same question had."""
        before = None if question is not None else self.state(chat, continuing_only=False)
        filters = None if page.relaxed else page.filters
        period = filters if filters and (filters.since or filters.until) else page.preferred
        state = ConversationState(
            channel=str(chat.incoming.channel),
            chat_key=chat.key,
            list_kind=str(listed.kind),
            updated_at=chat.now,
            list_query=listed.query,
            question=question if question is not None else before.question if before else None,
            asked_at=chat.now if question is not None else before.asked_at if before else None,
            time_label=None if page.relaxed else page.time_label,
            since=period.since if period else None,
            until=period.until if period else None,
            category=filters.category if filters else None,
            offset=page.offset,
            total=page.total,
            shown=tuple(hit.article_id for hit in page.hits),
            answer_article_id=page.answer.article_id if page.answer else None,
            answer_id=_same_answer(before, listed),
        )
        logged = None
        if question is not None:  # counted for /stats, the chat only as its keyed hash
            where = f"{chat.incoming.channel}:{'group' if chat.incoming.group else 'private'}"
            logged = LoggedQuestion(question, page.total, where, state.shown)
        saved = self.save(state, logged)
        if logged is not None:  # a new question: its answer, if it showed articles
            state = replace(state, answer_id=saved)
        chat.known, chat.loaded = state, True
        return state.answer_id

    def save(self, state: ConversationState, logged: LoggedQuestion | None = None) -> int | None:
        """Store the state (and count the question); the id of the answer it logged, if any."""
        try:
            return self.archive.remember(state, logged)
        except Exception:  # a failure to remember costs the follow-up, never the answer
            log.warning("could not remember a conversation", exc_info=True)
            return None

    def purge_now_and_then(self, now: datetime) -> None:
        """Delete expired conversations, hand-overs and old question logs, every few minutes."""
        moment = time.monotonic()
        if moment - self.last_purge < PURGE_EVERY:
            return
        self.last_purge = moment
        try:
            self.archive.purge_conversations(
                now - REFERENCES_FOR, now - QUESTIONS_FOR, now - HANDOVER_FOR
            )
            self.archive.purge_answers(now - FEEDBACK_FOR)
        except Exception:
            log.warning("could not purge expired conversations", exc_info=True)


def _same_answer(before: ConversationState | None, listed: ListRef) -> int | None:
    """Another page of the question answered before keeps that answer's 👍/👎."""
    if before is None or listed.kind is not ListKind.SEARCH:
        return None
    same = before.list_kind == ListKind.SEARCH and before.list_query == listed.query
    return before.answer_id if same else None
