"""Which messages were answered already: Zalo's updates carry no sequence number, and a webhook
may deliver one twice, so replies are made idempotent by `message_id`.

The recent ids are kept in memory; with an `Archive`, each is also recorded in the database
(`Archive.first_delivery`), so a redelivery after a restart (or to a second replica) is not
answered twice either.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from datetime import UTC, datetime, timedelta

from index import Archive

__all__ = ["SeenMessages", "KEEP_FOR"]

log = logging.getLogger(__name__)

KEEP_FOR = timedelta(days=2)  # a redelivery comes within minutes; two days is generous


class SeenMessages:
    """`first(message_id)` is True once per message id (the database decides between
    replicas)."""

    def __init__(self, archive: Archive | None = None, channel: str = "zalo", size: int = 20_000):
        self.archive = archive
        self.channel = channel
        self.size = size
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()  # called from worker threads

    def first(self, message_id: str) -> bool:
        """True the first time this id is seen (blocks: may write to the database)."""
        with self._lock:
            if message_id in self._recent:
                return False
            self._recent[message_id] = None
            while len(self._recent) > self.size:
                self._recent.popitem(last=False)
        if self.archive is None:
            return True
        now = datetime.now(UTC)
        try:
            return self.archive.first_delivery(self.channel, message_id, now, now - KEEP_FOR)
        except Exception:  # the database is down: answering twice beats not answering
            log.warning("could not record a delivered message", exc_info=True)
            return True
