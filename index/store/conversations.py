"""Conversations: where each chat stands, so that restarts and replicas agree on follow-ups.

A chat is known only by its channel and a keyed hash of its id (`chat_key`, computed by the
caller with a secret the database never sees); no user id nor name is stored. Expiry is enforced
on read (`state(..., newer_than=...)`) and old rows are removed by `purge`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Delete, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from .database import write_session
from .models import Answer, Conversation, Delivery, Handover, Question

__all__ = ["ConversationState", "Conversations", "LoggedQuestion", "Purged"]


@dataclass(frozen=True)
class ConversationState:
    """A chat's last question and the list of articles it was shown."""

    channel: str
    chat_key: str
    list_kind: str  # what the list is: a search, the latest articles, a category, today's
    updated_at: datetime
    list_query: str = ""  # the search, or the category's name
    question: str | None = None  # the last question searched (follow-ups complete it)
    asked_at: datetime | None = None
    time_label: str | None = None  # the period the list is of, as the question said it
    since: datetime | None = None
    until: datetime | None = None
    category: str | None = None
    offset: int = 0  # the shown page's first result (0-based)
    total: int = 0
    shown: tuple[int, ...] = ()  # the shown page's article ids, in order
    answer_article_id: int | None = None  # the article the answer line quoted
    article_id: int | None = None  # the article read last
    answer_id: int | None = None  # the answer (question and list) feedback is given on

    def reading(self, article_id: int, at: datetime) -> ConversationState:
        """The same state, with `article_id` as the article read last."""
        return replace(self, article_id=article_id, updated_at=at)


@dataclass(frozen=True)
class LoggedQuestion:
    """A question to count for /stats along with the state it leads to."""

    query: str
    total: int
    channel: str  # where it was asked, e.g. "telegram:group"
    shown: tuple[int, ...] = ()  # the article ids shown: with some, feedback can be given


@dataclass(frozen=True)
class Purged:
    """How many rows a purge or a deletion removed."""

    conversations: int = 0
    questions: int = 0
    handovers: int = 0


class Conversations:
    """Reads and writes conversations, hand-overs and a chat's questions."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def state(self, channel: str, chat_key: str, newer_than: datetime) -> ConversationState | None:
        """The chat's state, unless it is older than `newer_than` (then it has expired)."""
        with self.sessions() as session:
            row = session.get(Conversation, (channel, chat_key))
            if row is None or row.updated_at < newer_than:
                return None
            return _state(row)

    def save(self, state: ConversationState, logged: LoggedQuestion | None = None) -> int | None:
        """Store the chat's state, replacing the previous one, and count the question that
        led to it (one transaction). A question that showed articles is kept as an answer to
        give feedback on: its id is returned."""
        values = _columns(state)
        with write_session(self.sessions) as session:
            row = session.get(Conversation, (state.channel, state.chat_key))
            if row is None:
                row = Conversation(**values)
                session.add(row)
            else:
                for name, value in values.items():
                    setattr(row, name, value)
            if logged is not None:
                session.add(
                    Question(
                        asked_at=state.updated_at,
                        query=logged.query[:500],
                        total=logged.total,
                        channel=logged.channel[:20],
                        chat_key=state.chat_key,
                    )
                )
                if logged.shown:
                    answer = Answer(
                        asked_at=state.updated_at,
                        channel=state.channel[:20],
                        chat_key=state.chat_key,
                        question=logged.query.replace("\x00", "")[:500],
                        total=logged.total,
                        shown=",".join(str(i) for i in logged.shown),
                    )
                    session.add(answer)
                    session.flush()
                    row.answer_id = answer.id
                    return answer.id
        return None

    def forget(self, channel: str, chat_key: str) -> Purged:
        """Delete everything kept for one chat: its state and its logged questions."""
        with write_session(self.sessions) as session:
            conversations = _deleted(
                session,
                delete(Conversation).where(
                    Conversation.channel == channel, Conversation.chat_key == chat_key
                ),
            )
            questions = _deleted(session, delete(Question).where(Question.chat_key == chat_key))
            answers = _deleted(session, delete(Answer).where(Answer.chat_key == chat_key))
        return Purged(conversations=conversations, questions=questions + answers)

    def purge(
        self, conversations_before: datetime, questions_before: datetime, handovers_before: datetime
    ) -> Purged:
        """Remove expired conversations, hand-overs and old question logs."""
        with write_session(self.sessions) as session:
            states = _deleted(
                session, delete(Conversation).where(Conversation.updated_at < conversations_before)
            )
            questions = _deleted(
                session, delete(Question).where(Question.asked_at < questions_before)
            )
            handovers = _deleted(
                session, delete(Handover).where(Handover.created_at < handovers_before)
            )
        return Purged(states, questions, handovers)

    def hand_over(self, token: str, question: str, at: datetime) -> None:
        """Keep a question under a token until a chat takes it."""
        with write_session(self.sessions) as session:
            session.merge(Handover(token=token, question=question, created_at=at))

    def take(self, token: str, newer_than: datetime) -> str | None:
        """The question handed over under `token` (once: it is deleted), unless expired."""
        with write_session(self.sessions) as session:
            row = session.get(Handover, token)
            if row is None:
                return None
            question, created = row.question, row.created_at
            session.delete(row)
        return question if created >= newer_than else None

    def first_delivery(
        self, channel: str, message_id: str, at: datetime, forget_before: datetime
    ) -> bool:
        """Record a message as answered; False when it was recorded already (a redelivery).
        Records older than `forget_before` are removed on the way."""
        try:
            with write_session(self.sessions) as session:
                session.execute(delete(Delivery).where(Delivery.seen_at < forget_before))
                if session.get(Delivery, (channel, message_id)) is not None:
                    return False
                session.add(Delivery(channel=channel, message_id=message_id, seen_at=at))
        except IntegrityError:  # another replica recorded it between the read and the write
            return False
        return True

    def questions_of(self, chat_key: str) -> int:
        """How many logged questions a chat has (for tests and /xoadulieu's reply)."""
        with self.sessions() as session:
            found = session.scalars(select(Question.id).where(Question.chat_key == chat_key))
            return len(found.all())


def _deleted(session: Session, statement: Delete) -> int:
    """Run a DELETE and say how many rows it removed."""
    result = cast(CursorResult[Any], session.execute(statement))
    return result.rowcount or 0


def _state(row: Conversation) -> ConversationState:
    return ConversationState(
        channel=row.channel,
        chat_key=row.chat_key,
        list_kind=row.list_kind,
        updated_at=row.updated_at,
        list_query=row.list_query,
        question=row.question,
        asked_at=row.asked_at,
        time_label=row.time_label,
        since=row.since,
        until=row.until,
        category=row.category,
        offset=row.list_offset,
        total=row.list_total,
        shown=tuple(int(i) for i in row.shown.split(",") if i),
        answer_article_id=row.answer_article_id,
        article_id=row.article_id,
        answer_id=row.answer_id,
    )


def _columns(state: ConversationState) -> dict[str, object]:
    return {
        "channel": state.channel,
        "chat_key": state.chat_key,
        "question": state.question[:2000] if state.question else None,
        "asked_at": state.asked_at,
        "list_kind": state.list_kind,
        "list_query": state.list_query[:2000],
        "time_label": state.time_label[:100] if state.time_label else None,
        "since": state.since,
        "until": state.until,
        "category": state.category,
        "list_offset": state.offset,
        "list_total": state.total,
        "shown": ",".join(str(i) for i in state.shown),
        "answer_article_id": state.answer_article_id,
        "article_id": state.article_id,
        "answer_id": state.answer_id,
        "updated_at": state.updated_at,
    }
