"""Deep links that carry a question from inline mode to a private chat.

Telegram's `start` parameter is at most 64 characters of A-Z, a-z, 0-9, _ and -. A question
that fits in base64url after "q_" travels whole; a longer one is kept server-side under a short
random token ("t_" + 16 characters) and taken back once.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets

__all__ = ["PAYLOAD_LIMIT", "encode", "decode", "new_token", "token_of"]

PAYLOAD_LIMIT = 64
_QUESTION = "q_"
_TOKEN = "t_"
_TOKEN_PATTERN = re.compile(r"t_([A-Za-z0-9_-]{16})")


def encode(question: str) -> str | None:
    """ "q_" + the question in base64url, or None when that is over Telegram's limit."""
    packed = base64.urlsafe_b64encode(question.encode("utf-8")).decode("ascii").rstrip("=")
    payload = _QUESTION + packed
    return payload if len(payload) <= PAYLOAD_LIMIT else None


def decode(payload: str) -> str | None:
    """The question a "q_" payload carries; None for anything else or a broken one."""
    if not payload.startswith(_QUESTION):
        return None
    packed = payload[len(_QUESTION) :]
    try:
        raw = base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4))
        question = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    question = " ".join(question.split())
    return question or None


def new_token() -> tuple[str, str]:
    """A fresh (payload, token) pair for a question kept server-side."""
    token = secrets.token_urlsafe(12)  # 16 characters
    return _TOKEN + token, token


def token_of(payload: str) -> str | None:
    """The token of a "t_" payload."""
    match = _TOKEN_PATTERN.fullmatch(payload)
    return match[1] if match else None
