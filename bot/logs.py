"""The bot's log: secrets never written, whoever logs them.

python-telegram-bot logs its API url, token included, at DEBUG ("Set Bot API URL: ..."), httpx
logs every url it calls, and a traceback may quote either. `Redactor` is a logging filter on
the root logger's handlers (a handler sees the records of every logger, third-party ones
included, which a filter on one logger would not): it replaces each secret, as written and as
it appears url-encoded, in the message, the traceback and the stack of every record.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import quote

__all__ = ["REDACTED", "Redactor", "redact_secrets"]

REDACTED = "[redacted]"


class Redactor(logging.Filter):
    """Replaces secrets in every record that passes through the handlers it is attached to."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        forms = {form for secret in secrets if secret for form in (secret, quote(secret, ""))}
        self.secrets = sorted(forms, key=len, reverse=True)  # a longer form first

    def redact(self, text: str) -> str:
        """The text without any secret."""
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place; it is always logged."""
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string: its parts are redacted as such
            message = f"{record.msg} {record.args}"
        redacted = self.redact(message)
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def redact_secrets(secrets: Iterable[str], logger: logging.Logger | None = None) -> Redactor:
    """Attach a `Redactor` to every handler of `logger` (the root logger by default)."""
    redactor = Redactor(secrets)
    for handler in (logger or logging.getLogger()).handlers:
        handler.addFilter(redactor)
    return redactor
