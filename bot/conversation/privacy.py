"""What is kept about a chat, and for how long; chat ids only as keyed hashes.

Decree 13/2023/NĐ-CP asks for as little personal data as the purpose needs: the conversation
keeps no user id nor name, and a chat id only as HMAC-SHA256 under CHAT_ID_SECRET (a secret the
database never holds), so the rows cannot be traced back to a chat without the secret.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from .types import Channel

__all__ = [
    "ChatKeys",
    "FOLLOW_UP_FOR",
    "REFERENCES_FOR",
    "QUESTIONS_FOR",
    "HANDOVER_FOR",
    "FEEDBACK_FOR",
    "PURGE_EVERY",
]

FOLLOW_UP_FOR = timedelta(minutes=15)  # "còn X thì sao" continues a question this recent
REFERENCES_FOR = timedelta(hours=24)  # "đọc 2" reads from a list this recent; then it is gone
QUESTIONS_FOR = timedelta(days=30)  # the question log behind /stats
FEEDBACK_FOR = timedelta(days=180)  # answers with their 👍/👎 and judgments, for the report
HANDOVER_FOR = timedelta(hours=1)  # a question handed over from inline mode waits this long
PURGE_EVERY = 600.0  # seconds between two purges of expired rows


class ChatKeys:
    """The keyed hash standing for a chat in the database."""

    def __init__(self, secret: str) -> None:
        if len(secret) < 16:
            raise ValueError("the chat id secret must be at least 16 characters")
        self._secret = secret.encode("utf-8")

    def of(self, channel: Channel, chat_id: str) -> str:
        """64 hex digits; the same for a chat in every process that shares the secret."""
        message = f"{channel}:{chat_id}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()
