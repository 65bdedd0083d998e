"""Query dictionary lines added by admins: proposed, confirmed (then merged with the file by
every process), listed, removed. A version in the meta table changes with every confirmed
change, so that other processes notice it with one small read."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from .database import get_meta, set_meta, write_session
from .models import DictionaryLine

__all__ = ["DictionaryLines", "StoredLine", "VERSION_KEY"]

VERSION_KEY = "dictionary_version"


@dataclass(frozen=True)
class StoredLine:
    """A dictionary line kept in the database."""

    line_id: int
    section: str  # the dictionary file's section name ("đồng nghĩa", "từ hỏi", "viết tắt")
    line: str
    question: str | None
    confirmed: bool
    created_at: datetime


class DictionaryLines:
    """Reads and writes the dictionary lines admins add."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def propose(self, section: str, line: str, question: str | None, at: datetime) -> StoredLine:
        """Keep a line to be confirmed (it changes nothing yet)."""
        with write_session(self.sessions) as session:
            row = DictionaryLine(
                section=section, line=line, question=question, confirmed=False, created_at=at
            )
            session.add(row)
            session.flush()
            return _line(row)

    def get(self, line_id: int) -> StoredLine | None:
        """One line, confirmed or not."""
        with self.sessions() as session:
            row = session.get(DictionaryLine, line_id)
            return _line(row) if row is not None else None

    def confirm(self, line_id: int, at: datetime) -> StoredLine | None:
        """Put a proposed line into use; None when there is no such line."""
        with write_session(self.sessions) as session:
            row = session.get(DictionaryLine, line_id)
            if row is None:
                return None
            if not row.confirmed:
                row.confirmed, row.confirmed_at = True, at
                set_meta(session, VERSION_KEY, uuid.uuid4().hex)
            return _line(row)

    def remove(self, line_id: int) -> StoredLine | None:
        """Delete a line (proposed or confirmed); None when there is no such line."""
        with write_session(self.sessions) as session:
            row = session.get(DictionaryLine, line_id)
            if row is None:
                return None
            removed = _line(row)
            session.delete(row)
            if removed.confirmed:
                set_meta(session, VERSION_KEY, uuid.uuid4().hex)
            return removed

    def confirmed(self) -> list[StoredLine]:
        """The lines in use, oldest first."""
        with self.sessions() as session:
            rows = session.scalars(
                select(DictionaryLine)
                .where(DictionaryLine.confirmed.is_(True))
                .order_by(DictionaryLine.id)
            )
            return [_line(row) for row in rows]

    def version(self) -> str:
        """Changes whenever the lines in use change ("" before the first change)."""
        with self.sessions() as session:
            return get_meta(session, VERSION_KEY) or ""


def _line(row: DictionaryLine) -> StoredLine:
    return StoredLine(row.id, row.section, row.line, row.question, row.confirmed, row.created_at)
