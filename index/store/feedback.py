"""What citizens said of the answers (👍/👎, which shown article was right) and the period's
report for the staff: the most asked questions, those without results, the disliked ones, the
judgments. The chat is known only by its keyed hash, as everywhere."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session, sessionmaker

from ..text.normalize import lower
from .database import write_session
from .models import Answer, Article, Question

__all__ = [
    "NONE_OF_THEM",
    "AnswerShown",
    "Feedback",
    "Judgment",
    "QuestionCount",
    "Report",
    "Vote",
    "VotedQuestion",
]

NONE_OF_THEM = 0  # a judgment that no shown article was right


class Vote:
    """A thumbs up or down, as stored."""

    UP = 1
    DOWN = -1


@dataclass(frozen=True)
class AnswerShown:
    """An answer the chat can give feedback on: the question and the articles it showed."""

    answer_id: int
    question: str
    shown: tuple[int, ...]
    vote: int | None
    judged: int | None


@dataclass(frozen=True)
class QuestionCount:
    """A question (as first written) and how often it was asked; `results` the last count."""

    question: str
    asked: int
    results: int


@dataclass(frozen=True)
class VotedQuestion:
    """A question with its 👍 and 👎."""

    question: str
    up: int
    down: int


@dataclass(frozen=True)
class Judgment:
    """A shown article a citizen named as the right one for a question (0: none was)."""

    question: str
    article_id: int
    title: str | None
    count: int


@dataclass(frozen=True)
class Report:
    """The period's questions and feedback, for the staff."""

    since: datetime
    until: datetime
    questions: int
    top: tuple[QuestionCount, ...]
    unanswered: tuple[QuestionCount, ...]
    disliked: tuple[VotedQuestion, ...]
    judgments: tuple[Judgment, ...]
    liked: int = 0
    disliked_total: int = 0


class Feedback:
    """Reads and writes answers, their votes and judgments; builds the report."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def answer(self, answer_id: int, chat_key: str) -> AnswerShown | None:
        """The answer, if this chat was given it."""
        with self.sessions() as session:
            row = session.get(Answer, answer_id)
            if row is None or row.chat_key != chat_key:
                return None
            return _shown(row)

    def vote(self, answer_id: int, chat_key: str, vote: int, at: datetime) -> AnswerShown | None:
        """Store (or change) the chat's 👍/👎 on one of its answers; None when it has no such
        answer (expired, or forged callback data)."""
        with write_session(self.sessions) as session:
            row = session.get(Answer, answer_id)
            if row is None or row.chat_key != chat_key:
                return None
            row.vote, row.voted_at = vote, at
            return _shown(row)

    def judge(self, answer_id: int, chat_key: str, article_id: int, at: datetime) -> bool:
        """Store which shown article was right (NONE_OF_THEM: none); False when the answer is
        not this chat's or did not show that article."""
        with write_session(self.sessions) as session:
            row = session.get(Answer, answer_id)
            if row is None or row.chat_key != chat_key:
                return False
            if article_id != NONE_OF_THEM and article_id not in _ids(row.shown):
                return False
            row.judged, row.judged_at = article_id, at
            return True

    def forget(self, chat_key: str) -> int:
        """Delete a chat's answers and feedback."""
        with write_session(self.sessions) as session:
            result = session.execute(delete(Answer).where(Answer.chat_key == chat_key))
        return cast(CursorResult[Any], result).rowcount or 0

    def purge(self, before: datetime) -> int:
        """Delete answers older than `before` (kept 180 days)."""
        with write_session(self.sessions) as session:
            result = session.execute(delete(Answer).where(Answer.asked_at < before))
        return cast(CursorResult[Any], result).rowcount or 0

    def report(self, since: datetime, until: datetime, limit: int | None = 10) -> Report:
        """The questions asked and the feedback given in [since, until)."""
        with self.sessions() as session:
            asked = session.execute(
                select(Question.query, Question.total)
                .where(Question.asked_at >= since, Question.asked_at < until)
                .order_by(Question.asked_at)
            ).all()
            answers = session.scalars(
                select(Answer).where(Answer.asked_at >= since, Answer.asked_at < until)
            ).all()
            judged = {a.judged for a in answers if a.judged}
            titles: dict[int, str] = {
                article_id: title
                for article_id, title in session.execute(
                    select(Article.id, Article.title).where(Article.id.in_(judged))
                )
            }
            votes = [(a.question, a.vote) for a in answers if a.vote is not None]
            judgments = [(a.question, a.judged) for a in answers if a.judged is not None]
        counts = _count(asked)
        top = sorted(counts, key=lambda c: (-c.asked, c.question))
        unanswered = [c for c in top if c.results == 0]
        disliked = _voted(votes)
        judged_rows = Counter((_key(q), j) for q, j in judgments)
        written = {_key(q): q for q, _ in judgments}
        return Report(
            since=since,
            until=until,
            questions=len(asked),
            top=tuple(top[:limit]),
            unanswered=tuple(unanswered[:limit]),
            disliked=tuple(disliked[:limit]),
            judgments=tuple(
                Judgment(written[key], article, titles.get(article), count)
                for (key, article), count in sorted(judged_rows.items(), key=lambda r: -r[1])
            ),
            liked=sum(1 for _, v in votes if v == Vote.UP),
            disliked_total=sum(1 for _, v in votes if v == Vote.DOWN),
        )


def _key(question: str) -> str:
    """Questions that differ only in case and spacing are one question."""
    return " ".join(lower(question).split())


def _count(asked: Sequence[Any]) -> list[QuestionCount]:
    first: dict[str, str] = {}
    times: Counter[str] = Counter()
    last: dict[str, int] = {}
    for query, total in asked:
        key = _key(query)
        first.setdefault(key, query)
        times[key] += 1
        last[key] = total
    return [QuestionCount(first[k], times[k], last[k]) for k in first]


def _voted(votes: Sequence[tuple[str, int]]) -> list[VotedQuestion]:
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    first: dict[str, str] = {}
    for question, vote in votes:
        key = _key(question)
        first.setdefault(key, question)
        tally[key][0 if vote == Vote.UP else 1] += 1
    rows = [VotedQuestion(first[k], up, down) for k, (up, down) in tally.items() if down]
    return sorted(rows, key=lambda r: (-r.down, r.up, r.question))


def _ids(shown: str) -> tuple[int, ...]:
    return tuple(int(i) for i in shown.split(",") if i)


def _shown(row: Answer) -> AnswerShown:
    return AnswerShown(row.id, row.question, _ids(row.shown), row.vote, row.judged)
