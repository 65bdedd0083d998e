"""The archive's memory of chats: questions counted, conversation states, hand-overs, answers
and their feedback, the staff's report, deliveries already seen."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from .rooms import Rooms

if TYPE_CHECKING:  # imported with the store's parts they belong to, on first use
    from ..store.conversations import ConversationState, LoggedQuestion, Purged
    from ..store.feedback import AnswerShown, Report

__all__ = ["Chats"]


class Chats(Rooms):
    """Pass-throughs to the store's conversations and feedback tables."""

    # -- usage ------------------------------------------------------------------------------

    def record_question(
        self, query: str, total: int, channel: str = "private", chat_key: str | None = None
    ) -> None:
        """Count a question for the usage statistics (the text is kept, the asker is not; the
        chat only as a keyed hash)."""
        self.store.record_question(query, total, channel, chat_key)

    # -- conversations ----------------------------------------------------------------------

    def conversation(
        self, channel: str, chat_key: str, newer_than: datetime
    ) -> ConversationState | None:
        """Where a chat stands, unless its state is older than `newer_than`."""
        return self.store.conversations.state(channel, chat_key, newer_than)

    def remember(
        self, state: ConversationState, logged: LoggedQuestion | None = None
    ) -> int | None:
        """Store where a chat stands, counting the question that led there (if `logged`);
        returns the id of the answer the chat can give feedback on, if it showed articles."""
        return self.store.conversations.save(state, logged)

    def forget_chat(self, channel: str, chat_key: str) -> Purged:
        """Delete everything kept for a chat: its state and its logged questions."""
        return self.store.conversations.forget(channel, chat_key)

    def purge_conversations(
        self, conversations_before: datetime, questions_before: datetime, handovers_before: datetime
    ) -> Purged:
        """Remove expired conversation states, hand-overs and question logs."""
        return self.store.conversations.purge(
            conversations_before, questions_before, handovers_before
        )

    def hand_over(self, token: str, question: str, at: datetime) -> None:
        """Keep a question too long for a deep link under `token`."""
        self.store.conversations.hand_over(token, question, at)

    def take_handover(self, token: str, newer_than: datetime) -> str | None:
        """The question kept under `token` (once), unless it is older than `newer_than`."""
        return self.store.conversations.take(token, newer_than)

    # -- feedback and the staff's report ----------------------------------------------------

    def answer(self, answer_id: int, chat_key: str) -> AnswerShown | None:
        """An answer given to this chat (its question and shown articles), if still kept."""
        return self.store.feedback.answer(answer_id, chat_key)

    def vote(self, answer_id: int, chat_key: str, up: bool, at: datetime) -> AnswerShown | None:
        """Store or change the chat's 👍 (`up`) or 👎; None when the chat has no such answer."""
        from ..store.feedback import Vote

        return self.store.feedback.vote(answer_id, chat_key, Vote.UP if up else Vote.DOWN, at)

    def judge(self, answer_id: int, chat_key: str, article_id: int, at: datetime) -> bool:
        """Store which shown article answered the question (0: none of them)."""
        return self.store.feedback.judge(answer_id, chat_key, article_id, at)

    def purge_answers(self, before: datetime) -> int:
        """Delete answers and their feedback older than `before`."""
        return self.store.feedback.purge(before)

    def report(self, since: datetime, until: datetime, limit: int | None = 10) -> Report:
        """The period's most asked questions, those without results, the 👎 and judgments."""
        return self.store.feedback.report(since, until, limit)

    def first_delivery(
        self, channel: str, message_id: str, at: datetime, forget_before: datetime
    ) -> bool:
        """True the first time a channel's message id is recorded (it is to be answered); False
        for a redelivery. Records older than `forget_before` are dropped."""
        return self.store.conversations.first_delivery(channel, message_id[:64], at, forget_before)
