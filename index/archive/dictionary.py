"""The query dictionary admins edit: lines proposed, previewed, confirmed and removed, merged
with the file's dictionary here at once and in other processes within seconds."""

from __future__ import annotations

import logging
import time

from ..errors import InputError
from ..search.engine import SearchPage
from ..store.dictionary_lines import StoredLine
from ..text.dates import now
from ..text.dictionary import QueryDictionary
from .rooms import Rooms

log = logging.getLogger(__name__)

__all__ = ["DICTIONARY_CHECK_SECONDS", "Dictionary"]

DICTIONARY_CHECK_SECONDS = 5.0  # how stale a process's dictionary may be (admins' lines)


class Dictionary(Rooms):
    """The merged dictionary the engine searches with, and the admins' lines behind it."""

    base_dictionary: QueryDictionary  # the file's; admins' lines are merged in
    _dictionary_version: str | None
    _dictionary_checked: float

    @property
    def dictionary(self) -> QueryDictionary:
        """The query dictionary, with its table of conversation intents."""
        return self.engine.dictionary

    def dictionary_lines(self) -> list[StoredLine]:
        """The lines admins added and confirmed, oldest first."""
        return self.store.dictionary_lines.confirmed()

    def dictionary_line(self, line_id: int) -> StoredLine | None:
        """One added line, confirmed or only proposed."""
        return self.store.dictionary_lines.get(line_id)

    def preview_line(
        self, section: str, line: str, question: str, limit: int = 5
    ) -> tuple[SearchPage, SearchPage]:
        """The results of `question` now, and with `line` added to the dictionary; raises
        InputError for a malformed line, EmptyQuery for a question without words."""
        self._follow_dictionary()
        added = QueryDictionary.parse_line(section, line)
        before = self.engine.search(question, limit)
        after = self.engine.search(question, limit, dictionary=self.dictionary.merged(added))
        return before, after

    def propose_line(self, section: str, line: str, question: str | None) -> StoredLine:
        """Keep a line to confirm later (validated; it changes nothing yet)."""
        QueryDictionary.parse_line(section, line)
        return self.store.dictionary_lines.propose(section, line, question, now())

    def confirm_line(self, line_id: int) -> StoredLine | None:
        """Put a proposed line into use here at once, in other processes within seconds."""
        confirmed = self.store.dictionary_lines.confirm(line_id, now())
        self.refresh_dictionary()
        return confirmed

    def remove_line(self, line_id: int) -> StoredLine | None:
        """Take an added line out of use (here at once, elsewhere within seconds)."""
        removed = self.store.dictionary_lines.remove(line_id)
        self.refresh_dictionary()
        return removed

    def refresh_dictionary(self) -> bool:
        """Merge the confirmed lines with the file's dictionary if they changed; True if so."""
        self._dictionary_checked = time.monotonic()
        version = self.store.dictionary_lines.version()
        if version == self._dictionary_version:
            return False
        merged = self.base_dictionary
        lines = self.store.dictionary_lines.confirmed()
        for stored in lines:
            try:
                merged = merged.merged(QueryDictionary.parse_line(stored.section, stored.line))
            except InputError:
                log.warning("dictionary line %d is malformed; skipped", stored.line_id)
        self.engine.dictionary = merged  # one reference swapped: searches never see half of it
        self._dictionary_version = version
        log.info("query dictionary: %d line(s) added by admins", len(lines))
        return True

    def _follow_dictionary(self) -> None:
        """Notice another process's dictionary change at most DICTIONARY_CHECK_SECONDS late."""
        if time.monotonic() - self._dictionary_checked < DICTIONARY_CHECK_SECONDS:
            return
        try:
            self.refresh_dictionary()
        except Exception:  # a failed check costs freshness, never the answer
            log.warning("could not check the dictionary lines", exc_info=True)
