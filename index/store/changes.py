"""The change log: which articles changed, in commit order, so readers elsewhere can follow.

Every transaction that adds, edits, re-analyses or deletes articles ends by taking the next
number of a one-row counter (`change_head`) and writing one `article_changes` row per article it
touched under that number; `meta.data_version` becomes that number too. Nobody calls this: two
session listeners installed on every session factory collect the articles flushed and write the
log just before the commit, so ingest, crawl, take-down and reindex all log without knowing.

Why readers never skip a row: the counter row is updated at the end of the transaction and its
row lock (PostgreSQL) or the database's write lock (SQLite, `BEGIN IMMEDIATE`) is held until
the commit, so a second writer takes number k + 1 only after number k has committed. A reader
that reads the head H therefore sees every row numbered <= H, and asks next for rows above H.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, Integer, delete, event, func, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from ..text.dates import now
from .database import get_meta, set_meta, write_session
from .models import Article, ArticleTerms, AwareDateTime, Base

__all__ = [
    "ArticleChange",
    "ChangeHead",
    "ChangeLog",
    "Changes",
    "LogLag",
    "data_version",
    "install",
    "touch",
]

_DATA_VERSION = "data_version"  # meta: the number of the last change, as `touch` wrote it

_IDS = "tin_so_bot_changed_articles"  # session.info key: ids flushed in this transaction
_PRUNED = "changes_pruned_through"  # meta key: the log holds every row above this number


class ChangeHead(Base):
    """The one-row counter whose value is the number of the last committed change."""

    __tablename__ = "change_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)


class ArticleChange(Base):
    """One article touched by the committed change numbered `seq`."""

    __tablename__ = "article_changes"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    changed_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)


@dataclass(frozen=True)
class Changes:
    """The articles touched by the changes numbered above `since` up to `head`."""

    since: int
    head: int
    article_ids: tuple[int, ...]


@dataclass(frozen=True)
class LogLag:
    """How far a reader at change `applied` is behind the log."""

    head: int
    applied: int | None  # None: the reader's position is not a change number (an old index)
    behind: int  # changes committed and not applied
    oldest_unapplied: datetime | None  # when the first of them was committed

    def seconds(self, at: datetime) -> float:
        """How long the oldest change not applied has waited."""
        return (
            max(0.0, (at - self.oldest_unapplied).total_seconds()) if self.oldest_unapplied else 0.0
        )


def touch(session: Session, article_ids: Iterable[int] = ()) -> None:
    """Make this transaction a change even if no article row was flushed (and name ids)."""
    session.info.setdefault(_IDS, set()).update(article_ids)


def _after_flush(session: Session, _context: object) -> None:
    touched = [*session.new, *session.dirty, *session.deleted]
    ids = {
        obj.id if isinstance(obj, Article) else obj.article_id
        for obj in touched
        if isinstance(obj, Article | ArticleTerms)
    }
    if ids:
        touch(session, (i for i in ids if i is not None))


def _before_commit(session: Session) -> None:
    # Fired for savepoints too: number only the outer transaction, as late as possible (the
    # counter's lock is held until the commit).
    if _IDS not in session.info or session.in_nested_transaction():
        return
    session.flush()  # articles still pending add their ids now
    ids = sorted(session.info.pop(_IDS))
    session.execute(update(ChangeHead).where(ChangeHead.id == 1).values(seq=ChangeHead.seq + 1))
    seq = session.scalar(select(ChangeHead.seq).where(ChangeHead.id == 1))
    if seq is None:  # a database created before the log: start it
        session.execute(insert(ChangeHead).values(id=1, seq=1))
        seq = 1
    if ids:
        at = now()
        session.execute(
            insert(ArticleChange), [{"seq": seq, "article_id": i, "changed_at": at} for i in ids]
        )
    set_meta(session, _DATA_VERSION, str(seq))
    session.flush()


def data_version(session: Session) -> str:
    """The number of the last change in the log ("" before any; a random name in databases
    older than the log)."""
    return get_meta(session, _DATA_VERSION) or ""


def _forget(session: Session) -> None:
    # Fired for savepoints too (a record the database refused, rolled back alone): the ids
    # logged before it belong to the transaction still open, so only a rollback of the whole
    # transaction forgets them. Keeping the ids flushed in the savepoint is harmless: a reader
    # reads those articles as they are (one rolled back is no article, so nothing).
    if not session.in_nested_transaction():
        session.info.pop(_IDS, None)


_INSTALLED: weakref.WeakSet[sessionmaker[Session]] = weakref.WeakSet()
_INSTALLING = threading.Lock()


def install(sessions: sessionmaker[Session]) -> None:
    """Log the article changes of every session this factory makes (once per factory).

    The factories already done are remembered by reference, not asked of SQLAlchemy:
    `event.contains` answers by the target's id(), and its registry forgets a factory only
    when the garbage collector frees the factory's session class, later than the factory.
    A new factory at the address of a freed one therefore looked installed, and logged
    nothing: its engine never saw its own ingests (a flaky test, a real bug in a process that
    opens its database twice)."""
    with _INSTALLING:
        if sessions in _INSTALLED:
            return
        event.listen(sessions, "after_flush", _after_flush)
        event.listen(sessions, "before_commit", _before_commit)
        event.listen(sessions, "after_rollback", _forget)
        _INSTALLED.add(sessions)


class ChangeLog:
    """Reading and pruning the log."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def head(self) -> int:
        """The number of the last committed change (0: none yet)."""
        with self.sessions() as session:
            return session.scalar(select(ChangeHead.seq).where(ChangeHead.id == 1)) or 0

    def since(self, seq: int) -> Changes | None:
        """The articles touched after change `seq`; None when the log no longer reaches back
        that far (pruned), so the reader must compare everything instead."""
        with self.sessions() as session:
            head = session.scalar(select(ChangeHead.seq).where(ChangeHead.id == 1)) or 0
            pruned = int(get_meta(session, _PRUNED) or 0)
            if seq < pruned or seq > head:
                return None
            ids = session.scalars(
                select(ArticleChange.article_id)
                .where(ArticleChange.seq > seq, ArticleChange.seq <= head)
                .distinct()
            )
            return Changes(seq, head, tuple(sorted(ids)))

    def lag(self, applied: int | None) -> LogLag:
        """How far a reader whose index reflects change `applied` is behind."""
        with self.sessions() as session:
            head = session.scalar(select(ChangeHead.seq).where(ChangeHead.id == 1)) or 0
            if applied is not None and applied >= head:
                return LogLag(head, applied, 0, None)
            oldest = session.scalar(
                select(func.min(ArticleChange.changed_at)).where(
                    ArticleChange.seq > (applied if applied is not None else -1)
                )
            )
            oldest = AwareDateTime.aggregate(oldest) if oldest is not None else None
            behind = head - applied if applied is not None else head
            return LogLag(head, applied, behind, oldest)

    def prune(self, before: datetime) -> int:
        """Drop the rows committed before `before` (readers further behind compare everything);
        how many."""
        with write_session(self.sessions) as session:
            last = session.scalar(
                select(func.max(ArticleChange.seq)).where(ArticleChange.changed_at < before)
            )
            if last is None:
                return 0
            gone = session.execute(delete(ArticleChange).where(ArticleChange.seq <= last))
            set_meta(session, _PRUNED, str(last))
            return int(getattr(gone, "rowcount", 0) or 0)
