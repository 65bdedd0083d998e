"""The Zalo Bot API over httpx: every method a POST with a JSON body, every answer
`{"ok": true, "result": ...}` or `{"ok": false, "error_code": N, "description": ...}`.

Errors are typed (`ZaloError` and its kinds) so callers decide by class, not by message. Sending
retries a 429 or a temporary failure with backoff; a refusal (blocked bot, bad request) is never
retried.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

from .updates import ZaloMessage, parse_update

__all__ = [
    "DEFAULT_BASE_URL",
    "ZaloAPI",
    "ZaloError",
    "ZaloUnauthorized",
    "ZaloForbidden",
    "ZaloRetryable",
    "ZaloNetworkError",
]

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com/bot"
SEND_ATTEMPTS = 4  # a 429 or a temporary failure is tried again, 3 times at most
BACKOFF_SECONDS = 1.0  # then 2, 4 (or what a 429's retry_after asks for)
MAX_RETRY_AFTER = 30.0


class ZaloError(Exception):
    """The Zalo Bot API refused a call: `code` is its error_code (or the HTTP status)."""

    def __init__(self, code: int, description: str, retry_after: float | None = None) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description
        self.retry_after = retry_after


class ZaloUnauthorized(ZaloError):
    """The token was refused (401, 404 for an unknown bot)."""


class ZaloForbidden(ZaloError):
    """The user blocked the bot, or the chat is not the bot's to write to (403)."""


class ZaloRetryable(ZaloError):
    """Too many requests (429) or a temporary failure (5xx, 408): try again later."""


class ZaloNetworkError(ZaloRetryable):
    """The API could not be reached."""


def _error(code: int, description: str, retry_after: float | None = None) -> ZaloError:
    if code in (401, 404):
        return ZaloUnauthorized(code, description)
    if code == 403:
        return ZaloForbidden(code, description)
    if code in (408, 429) or code >= 500:
        return ZaloRetryable(code, description, retry_after)
    return ZaloError(code, description)


class ZaloAPI:
    """A Zalo bot's calls, with its token kept out of every log line and error message."""

    def __init__(self, token: str, base_url: str | None = None, *, timeout: float = 15.0) -> None:
        self._url = f"{(base_url or DEFAULT_BASE_URL).rstrip('/')}{token}/"
        self._token = token
        self._client = httpx.AsyncClient(timeout=timeout)

    async def close(self) -> None:
        """Close the connections."""
        await self._client.aclose()

    async def call(
        self, method: str, params: dict[str, Any] | None = None, *, seconds: float | None = None
    ) -> Any:
        """One call (waiting at most `seconds` for its answer); its `result`, or a ZaloError."""
        try:
            response = await self._client.post(
                self._url + method,
                json=params or {},
                timeout=httpx.USE_CLIENT_DEFAULT if seconds is None else seconds,
            )
        except httpx.HTTPError as exc:
            # httpx's message may quote the url, token included: say only what kind it was.
            raise ZaloNetworkError(0, f"{method}: {type(exc).__name__}") from None
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise _error(response.status_code, f"{method}: not a JSON answer")
        if answer.get("ok") is True:
            return answer.get("result")
        code = answer.get("error_code")
        code = code if isinstance(code, int) else response.status_code
        description = str(answer.get("description") or "no description")[:300]
        retry_after = None
        parameters = answer.get("parameters")
        if isinstance(parameters, dict) and isinstance(parameters.get("retry_after"), int | float):
            retry_after = float(parameters["retry_after"])
        description = f"{method}: {description}".replace(self._token, "[redacted]")
        raise _error(code, description, retry_after)

    # -- the methods -----------------------------------------------------------------------

    async def get_me(self) -> dict[str, Any]:
        """The bot's account: id, account_name, ..."""
        result = await self.call("getMe")
        return result if isinstance(result, dict) else {}

    async def get_update(self, timeout: int = 30) -> ZaloMessage | None:
        """Wait up to `timeout` seconds for one update (None: nothing new; a 408 means the same).
        Raises ValueError for an update that is not a message this bot understands."""
        try:
            # The documented form: seconds, as a string.
            result = await self.call("getUpdates", {"timeout": str(timeout)}, seconds=timeout + 10)
        except ZaloRetryable as exc:
            if exc.code == 408:
                return None
            raise
        if not result:
            return None
        return parse_update(result)

    async def set_webhook(self, url: str, secret_token: str) -> None:
        """Have Zalo post updates to `url`, with the header X-Bot-Api-Secret-Token."""
        await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> None:
        """Back to getUpdates."""
        await self.call("deleteWebhook")

    async def send_message(self, chat_id: str, text: str) -> None:
        """Send plain text (1 to 2,000 characters), retrying a 429 or a temporary failure."""
        await self._retried("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_typing(self, chat_id: str) -> None:
        """Show "typing…" (best effort: a failure is only logged)."""
        try:
            await self.call("sendChatAction", {"chat_id": chat_id, "action": "typing"})
        except ZaloError as exc:
            log.debug("no typing indicator: %s", exc)

    async def _retried(self, method: str, params: dict[str, Any]) -> Any:
        delay = BACKOFF_SECONDS
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                return await self.call(method, params)
            except ZaloRetryable as exc:
                if attempt == SEND_ATTEMPTS:
                    raise
                wait = min(exc.retry_after or delay, MAX_RETRY_AFTER)
                log.warning("%s failed (%s); trying again in %.1f s", method, exc, wait)
                await asyncio.sleep(wait)
                delay *= 2
        raise AssertionError("unreachable")
