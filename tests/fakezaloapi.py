"""A fake Zalo Bot API server for end-to-end tests: real HTTP, and the rules of Zalo's public
documentation (../shared/zalo/BOT-API.md).

`FakeZaloAPI` serves `http://127.0.0.1:<port>/bot<token>/<method>` (every method a POST with a
JSON body) from aiohttp in a background thread. `getUpdates` returns one update a call, and an
empty result when nothing arrives within its timeout (or error 408, with `timeout_as_408`); it
refuses to work while a webhook is set. `sendMessage` refuses text that is empty or over 2,000
characters, and chats that never wrote to the bot; a blocked user's chat answers 403. In
webhook mode `push` posts updates to the bot with the registered secret token, as Zalo does.

Tests act as users (`send_text`), read what the bot said (`said_to`, `wait_answer`) and every
call (`recorded`, `rejections`).
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from aiohttp import web

__all__ = ["FakeZaloAPI", "ZaloCall", "ZALO_TOKEN", "TEXT_LIMIT"]

ZALO_TOKEN = "1459232241454765289:fake-zalo-access_token"
TEXT_LIMIT = 2000
T = TypeVar("T")


class _Refusal(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class ZaloCall:
    """One call the bot made; `ok` False for a refusal, with its code and reason."""

    method: str
    params: dict[str, Any]
    ok: bool
    code: int = 200
    description: str = ""
    at: float = field(default_factory=time.monotonic)

    def __repr__(self) -> str:
        shown = {k: (v[:60] + "…" if isinstance(v, str) and len(v) > 60 else v)
                 for k, v in self.params.items()}  # fmt: skip
        state = "ok" if self.ok else f"REFUSED {self.code} {self.description}"
        return f"<{self.method} {shown} {state}>"


class _ZaloMethods:
    """The Bot API side of FakeZaloAPI: its HTTP handler and methods (state: FakeZaloAPI's)."""

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            params = await request.json() if request.can_read_body else {}
        except ValueError:
            params = None
        if request.match_info["token"] != self.token:
            return self._refuse(method, {}, _Refusal(401, "Unauthorized"))
        if request.method != "POST" or not isinstance(params, dict):
            return self._refuse(method, {}, _Refusal(400, "Bad Request: a POST with JSON"))
        handler = getattr(self, f"_api_{method.lower()}", None)
        try:
            if handler is None:
                raise _Refusal(404, "Not Found: method not found")
            if self.failures.get(method):
                code = self.failures[method].pop(0)
                raise _Refusal(code, "Too Many Requests" if code == 429 else "Temporary failure")
            result = handler(params)
            if asyncio.iscoroutine(result):
                result = await result
        except _Refusal as refusal:
            return self._refuse(method, params, refusal)
        self.calls.append(ZaloCall(method, copy.deepcopy(params), True))
        return web.json_response({"ok": True, "result": result})

    def _refuse(self, method: str, params: dict[str, Any], refusal: _Refusal) -> web.Response:
        self.calls.append(ZaloCall(method, params, False, refusal.code, refusal.description))
        body = {"ok": False, "error_code": refusal.code, "description": refusal.description}
        return web.json_response(body, status=refusal.code)

    def _api_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": self.token.split(":")[0],
            "account_name": "bot.TinSoThuNghiem",
            "account_type": "BASIC",
            "can_join_groups": False,
        }

    async def _api_getupdates(self, params: dict[str, Any]) -> dict[str, Any] | None:
        if self.webhook is not None:
            raise _Refusal(400, "Bad Request: getUpdates does not work while a webhook is set")
        self.polls += 1
        try:
            timeout = float(params.get("timeout", 30))
        except (TypeError, ValueError):
            raise _Refusal(400, "Bad Request: timeout must be a number of seconds") from None
        deadline = time.monotonic() + min(timeout, 60)
        while not self._updates:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if self.timeout_as_408:
                    raise _Refusal(408, "Request timeout")
                return None
            assert self._changed is not None
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                continue
        update = self._updates.pop(0)
        return {k: v for k, v in update.items() if k != "delivered_at"}

    def _api_setwebhook(self, params: dict[str, Any]) -> dict[str, Any]:
        url, secret = params.get("url"), params.get("secret_token")
        if not isinstance(url, str) or not url.startswith("https://"):
            raise _Refusal(400, "Bad Request: url must be https")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            raise _Refusal(400, "Bad Request: secret_token must be 8 to 256 characters")
        self.webhook = {"url": url, "secret_token": secret}
        return {"url": url, "updated_at": int(time.time() * 1000)}

    def _api_deletewebhook(self, params: dict[str, Any]) -> dict[str, Any]:
        url = self.webhook["url"] if self.webhook else ""
        self.webhook = None
        return {"url": url, "updated_at": int(time.time() * 1000)}

    def _api_getwebhookinfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.webhook["url"] if self.webhook else "", "updated_at": 0}

    def _chat(self, params: dict[str, Any]) -> str:
        chat = params.get("chat_id")
        if not isinstance(chat, str):
            raise _Refusal(400, "Bad Request: chat_id must be a string")
        if chat not in self.chats:
            raise _Refusal(400, "Bad Request: chat not found")
        if chat in self.blocked:
            raise _Refusal(403, "Forbidden: the user has blocked the bot")
        return chat

    def _api_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        text = params.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= TEXT_LIMIT:
            length = len(text) if isinstance(text, str) else None
            raise _Refusal(400, f"Bad Request: text must be 1 to 2000 characters (got {length})")
        message_id = f"b{next(self._ids):08d}"
        self.sent.append(
            {"chat_id": chat, "text": text, "message_id": message_id, "at": time.monotonic()}
        )
        return {"message_id": message_id, "date": int(time.time() * 1000)}

    def _api_sendchataction(self, params: dict[str, Any]) -> bool:
        self._chat(params)
        if params.get("action") != "typing":
            raise _Refusal(400, "Bad Request: unknown action")
        return True


class FakeZaloAPI(_ZaloMethods):
    """The fake server; `start()` it, point the bot at `base_url`, `stop()` it."""

    def __init__(self, token: str = ZALO_TOKEN, *, timeout_as_408: bool = False) -> None:
        self.token = token
        self.timeout_as_408 = timeout_as_408
        self.calls: list[ZaloCall] = []
        self.chats: set[str] = set()  # chats that wrote to the bot: it may answer them
        self.blocked: set[str] = set()
        self.sent: list[dict[str, Any]] = []  # {"chat_id", "text", "message_id", "at"}
        self.webhook: dict[str, Any] | None = None
        self.webhook_target: str | None = None  # where `push` posts: http://127.0.0.1:port
        self.failures: dict[str, list[int]] = {}  # method -> error codes to answer next
        self._updates: list[dict[str, Any]] = []
        self.polls = 0  # getUpdates calls begun (one is recorded only once it returns)
        self._ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._changed: asyncio.Event | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What ZALO_API_BASE_URL should be."""
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> FakeZaloAPI:
        """Serve on a free port of 127.0.0.1 from a background thread."""
        started = threading.Event()

        def main() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            loop.run_until_complete(self._serve())
            started.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())  # type: ignore[union-attr]
            loop.close()

        self._thread = threading.Thread(target=main, name="fake-zalo-api", daemon=True)
        self._thread.start()
        assert started.wait(10), "the fake Zalo server did not start"
        return self

    async def _serve(self) -> None:
        self._changed = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        self._loop.call_soon_threadsafe(self._notify)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def run(self, function: Callable[[], T]) -> T:
        """Run `function` on the server's loop (all state lives there)."""
        assert self._loop is not None

        async def call() -> T:
            return function()

        return asyncio.run_coroutine_threadsafe(call(), self._loop).result(10)

    def _notify(self) -> None:
        assert self._changed is not None
        self._changed.set()
        self._changed = asyncio.Event()

    # -- acting as users ---------------------------------------------------------------------

    @staticmethod
    def user(user_id: str, name: str = "Nguyen Van A") -> dict[str, Any]:
        """A Zalo user: ids are strings."""
        return {"id": user_id, "display_name": name}

    def message(self, user: dict[str, Any], text: str | None) -> dict[str, Any]:
        """An update of `user` writing `text` (None: a sticker) in their private chat."""
        number = next(self._ids)
        message: dict[str, Any] = {
            "chat": {"id": user["id"], "chat_type": "PRIVATE"},
            "message_id": f"m{number:06d}{user['id'][:6]}",
            "date": int(time.time() * 1000),
            "from": dict(user),
        }
        if text is not None:
            message["text"] = text
            event = "message.text.received"
        else:
            message["sticker"] = "abc"
            event = "message.sticker.received"
        return {"event_name": event, "message": message}

    def send_text(self, user: dict[str, Any], text: str | None) -> dict[str, Any]:
        """Queue the update for getUpdates (or push it to the webhook); return it."""
        update = self.message(user, text)
        self.deliver(update)
        return update

    def deliver(self, update: dict[str, Any]) -> None:
        """Deliver an update (again, for a redelivery)."""
        chat = update["message"]["chat"]["id"]

        def act() -> None:
            self.chats.add(chat)
            update["delivered_at"] = time.monotonic()
            self._updates.append(update)
            self._notify()

        if self.webhook is not None:
            self.run(lambda: self.chats.add(chat))
            update["delivered_at"] = time.monotonic()
            response = self.push(update)
            assert response.status_code == 200, response.text
            return
        self.run(act)

    def push(self, update: dict[str, Any], secret: str | None = "registered") -> httpx.Response:
        """POST an update to the registered webhook, as Zalo does (a test may give another
        secret, or None for no header)."""
        assert self.webhook is not None and self.webhook_target is not None
        path = urlsplit(self.webhook["url"]).path
        headers = {}
        if secret == "registered":
            secret = self.webhook["secret_token"]
        if secret is not None:
            headers["X-Bot-Api-Secret-Token"] = secret
        body = {k: v for k, v in update.items() if k != "delivered_at"}
        return httpx.post(self.webhook_target + path, json=body, headers=headers, timeout=10)

    def block(self, user: dict[str, Any]) -> None:
        self.run(lambda: self.blocked.add(user["id"]))

    def fail_next(self, method: str, *codes: int) -> None:
        """Answer the next calls of `method` with these error codes (429, 500...)."""
        self.run(lambda: self.failures.setdefault(method, []).extend(codes))

    # -- reading what the bot did ------------------------------------------------------------

    def recorded(self, method: str | None = None) -> list[ZaloCall]:
        return self.run(lambda: [c for c in self.calls if method is None or c.method == method])

    @property
    def rejections(self) -> list[ZaloCall]:
        return self.run(lambda: [c for c in self.calls if not c.ok])

    def said_to(self, user: dict[str, Any], after: float = 0.0) -> list[str]:
        """The texts the bot sent to `user`'s chat (since `after`, a monotonic time)."""
        chat = user["id"]
        return self.run(lambda: [m["text"] for m in self.sent if m["chat_id"] == chat
                                 and m["at"] >= after])  # fmt: skip

    def answers_to(self, update: dict[str, Any]) -> list[str]:
        """What the bot said in the update's chat since it was delivered."""
        user = update["message"]["from"]
        return self.said_to(user, update["delivered_at"])

    def wait_for(self, check: Callable[[], T], timeout: float = 20, what: str = "the bot") -> T:
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result:
                return result
            if time.monotonic() > deadline:
                recent = "\n  ".join(repr(c) for c in self.recorded()[-12:])
                raise AssertionError(f"timed out waiting for {what}; last calls:\n  {recent}")
            time.sleep(0.02)

    def wait_answer(
        self, update: dict[str, Any], timeout: float = 30, settle: float = 0.5
    ) -> list[str]:
        """Wait for the bot's answer to `update`: its first message, then until nothing more
        comes for `settle` seconds."""
        what = f"an answer to {update['message'].get('text')!r}"
        self.wait_for(lambda: self.answers_to(update), timeout, what)
        seen = -1
        while (now := len(self.answers_to(update))) != seen:
            seen = now
            time.sleep(settle)
        return self.answers_to(update)

    def wait_call(self, method: str, timeout: float = 30) -> ZaloCall:
        return self.wait_for(lambda: self.recorded(method), timeout, f"a {method} call")[0]

    def wait_polling(self, timeout: float = 90) -> None:
        """Wait until the bot has begun to long-poll."""
        self.wait_for(lambda: self.run(lambda: self.polls), timeout, "getUpdates")

    def pending_updates(self) -> int:
        return self.run(lambda: len(self._updates))
