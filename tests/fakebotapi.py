"""A fake Telegram Bot API server for end-to-end tests: real HTTP, and Telegram's rules.

`FakeBotAPI` serves `http://127.0.0.1:<port>/bot<token>/<method>` (and the file route
`/file/bot<token>/<path>`) from aiohttp in a background thread, so a bot in this process or in a
subprocess talks to it as it would to api.telegram.org. Tests act as users (`send_text`,
`press`, `inline_query`, `send_document`) and read what the bot did (`calls`, `replies_to`).

It refuses what Telegram refuses, with Telegram's status codes: HTML outside Telegram's tags or
badly nested, a bare `<` or `&`, text over 4,096 UTF-16 units after entity parsing, empty text,
callback data over 64 bytes, more than 50 inline results, unknown chats and messages, editing a
message into itself, more than ~30 messages a second (429). Every call is recorded, refused ones
with their reason; `rejections` lists them so a test can fail on any.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web

from .fakebotapi_methods import MessageMethods, SetupMethods
from .fakebotapi_users import UserActions
from .fakebotapi_wire import (
    TOKEN,
    APIError,
    Call,
    HTMLError,
    _Bucket,
    _read_params,
    entity_texts,
    parse_html,
    utf16_len,
)

__all__ = ["FakeBotAPI", "Call", "HTMLError", "parse_html", "utf16_len", "entity_texts", "TOKEN"]

T = TypeVar("T")


class FakeBotAPI(UserActions, SetupMethods, MessageMethods):
    """The fake server; `start()` it, point the bot at `base_url`, `stop()` it."""

    def __init__(
        self,
        token: str = TOKEN,
        username: str = "tin_so_test_bot",
        overall_per_second: float = 30,
        flood_slack: float = 10,
        group_per_minute: float = 20,
        group_slack: float = 5,
    ) -> None:
        self.token = token
        self.bot_user = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Tin Sở (thử nghiệm)",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.calls: list[Call] = []
        self.chats: dict[int, dict[str, Any]] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.files: dict[str, tuple[dict[str, Any], bytes]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.blocked: set[int] = set()
        self.chat_admins: dict[int, set[int]] = {}  # chat id -> its administrators' user ids
        self.failures: dict[int, list[APIError]] = {}  # chat id -> errors its sends answer first
        self.callback_queries: dict[str, bool] = {}  # id -> answered
        self.inline_queries: dict[str, bool] = {}
        self._updates: list[dict[str, Any]] = []
        self._allowed_updates: set[str] | None = None
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._overall = _Bucket(overall_per_second + flood_slack, overall_per_second)
        self._groups: dict[int, _Bucket] = {}
        self._group_limits = (group_per_minute + group_slack, group_per_minute / 60)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._changed: asyncio.Event | None = None
        self._closing = False
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What TELEGRAM_API_BASE_URL should be."""
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> FakeBotAPI:
        """Serve on a free port of 127.0.0.1 from a background thread."""
        started = threading.Event()
        failure: list[BaseException] = []

        def main() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            try:
                loop.run_until_complete(self._serve())
            except BaseException as exc:  # reported to the starting thread
                failure.append(exc)
                started.set()
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())  # type: ignore[union-attr]
            loop.close()

        self._thread = threading.Thread(target=main, name="fake-bot-api", daemon=True)
        self._thread.start()
        started.wait(10)
        if failure:
            raise failure[0]
        return self

    async def _serve(self) -> None:
        self._changed = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        """Wake every long poll, stop serving, end the thread."""
        if self._loop is None or self._thread is None:
            return

        def close() -> None:
            self._closing = True
            self._notify()

        self._loop.call_soon_threadsafe(close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def run(self, function: Callable[[], T]) -> T:
        """Run `function` on the server's loop (all state lives there) and return its result."""
        assert self._loop is not None, "start() the server first"

        async def call() -> T:
            return function()

        return asyncio.run_coroutine_threadsafe(call(), self._loop).result(10)

    def _notify(self) -> None:
        assert self._changed is not None
        self._changed.set()
        self._changed = asyncio.Event()

    # -- what the bot did --------------------------------------------------------------------

    def recorded(self, method: str | None = None) -> list[Call]:
        """The calls so far (of one method)."""
        return self.run(
            lambda: [copy.deepcopy(c) for c in self.calls if method is None or c.method == method]
        )

    @property
    def rejections(self) -> list[Call]:
        """Every call refused (a correct bot makes none)."""
        return [c for c in self.recorded() if not c.ok]

    def bot_messages(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """The bot's messages as they are now (edits applied), oldest first."""

        def collect() -> list[dict[str, Any]]:
            return [
                self._with_reply(m)
                for (chat, _), m in sorted(
                    self.messages.items(), key=lambda kv: kv[1]["message_id"]
                )
                if m["from"]["id"] == self.bot_user["id"] and (chat_id is None or chat == chat_id)
            ]

        return self.run(collect)

    def replies_to(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        """The bot's messages that reply to this one."""
        return [
            m
            for m in self.bot_messages(message["chat"]["id"])
            if m.get("reply_to_message", {}).get("message_id") == message["message_id"]
        ]

    def pending_updates(self) -> int:
        """Updates the bot has not confirmed yet (with the offset of a later getUpdates)."""
        return self.run(lambda: len(self._updates))

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """One message as it is now."""
        return self.run(lambda: self._with_reply(self.messages[(chat_id, message_id)]))

    def wait_for(self, check: Callable[[], T], timeout: float = 15, what: str = "the bot") -> T:
        """Poll `check` until it returns something truthy; fail with the recent calls otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result:
                return result
            if time.monotonic() > deadline:
                recent = "\n  ".join(repr(c) for c in self.recorded()[-15:])
                raise AssertionError(
                    f"timed out after {timeout} s waiting for {what}; last calls:\n  {recent}"
                )
            time.sleep(0.02)

    def wait_reply(
        self, message: dict[str, Any], timeout: float = 15, count: int = 1
    ) -> list[dict[str, Any]]:
        """Wait until the bot has replied to `message` (at least `count` messages)."""
        return self.wait_for(
            lambda: (replies := self.replies_to(message)) and len(replies) >= count and replies,
            timeout,
            f"a reply to {message.get('text', message.get('caption'))!r}",
        )

    def wait_call(
        self, method: str, check: Callable[[Call], bool] = lambda c: True, timeout: float = 15
    ) -> Call:
        """Wait for a call of `method` matching `check`."""
        found = self.wait_for(
            lambda: [c for c in self.recorded(method) if check(c)], timeout, f"a {method} call"
        )
        return found[0]

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.Response:
        method_name = request.match_info["method"]
        params = await _read_params(request)
        if request.match_info["token"] != self.token:
            self.calls.append(Call(method_name, params, False, 401, "Unauthorized"))
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        handler = getattr(self, f"_api_{method_name.lower()}", None)
        try:
            if handler is None:
                raise APIError(404, "Not Found: method not found")
            result = handler(params)
            if asyncio.iscoroutine(result):
                result = await result
        except APIError as exc:
            self.calls.append(Call(method_name, params, False, exc.code, exc.description))
            body: dict[str, Any] = {
                "ok": False,
                "error_code": exc.code,
                "description": exc.description,
            }
            if exc.retry_after is not None:
                body["parameters"] = {"retry_after": exc.retry_after}
            return web.json_response(body, status=exc.code)
        except Exception as exc:  # a bug in the fake: recorded as a refusal, so a test fails
            self.calls.append(Call(method_name, params, False, 500, f"fake server error: {exc!r}"))
            return web.json_response(
                {"ok": False, "error_code": 500, "description": repr(exc)}, status=500
            )
        self.calls.append(Call(method_name, params, True, 200, result=copy.deepcopy(result)))
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401, text="Unauthorized")
        path = request.match_info["path"]
        for info, data in self.files.values():
            if info["file_path"] == path:
                self.calls.append(Call("download", {"file_path": path}, True, 200))
                return web.Response(body=data, content_type="application/octet-stream")
        self.calls.append(Call("download", {"file_path": path}, False, 404, "Not Found"))
        return web.Response(status=404, text="Not Found")
