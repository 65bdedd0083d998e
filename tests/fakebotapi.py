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
import contextlib
import copy
import itertools
import json
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web

__all__ = ["FakeBotAPI", "Call", "HTMLError", "parse_html", "utf16_len", "entity_texts", "TOKEN"]

TOKEN = "123456789:TEST-fake-token_abcdefghijklmnopqrstuv"
MESSAGE_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
INLINE_RESULTS_LIMIT = 50
CALLBACK_ANSWER_LIMIT = 200
FILE_DOWNLOAD_LIMIT = 20 * 1024 * 1024

T = TypeVar("T")


class APIError(Exception):
    """A refusal, answered as {"ok": false, "error_code": code, "description": ...}."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


def bad_request(reason: str) -> APIError:
    return APIError(400, f"Bad Request: {reason}")


# -- Telegram's HTML ---------------------------------------------------------------------------


class HTMLError(ValueError):
    """The text is not Telegram HTML (the reason is Telegram's 'can't parse entities: ...')."""


ALLOWED_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)"
    r"((?:\s+[A-Za-z][A-Za-z0-9-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'<>=`]+))?)*)"
    r"\s*(/?)>"
)
_ATTRIBUTE = re.compile(
    r"\s*([A-Za-z][A-Za-z0-9-]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'<>=`]+)))?"
)
_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9A-Fa-f]{1,8}));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def utf16_len(text: str) -> int:
    """Telegram measures text and entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _unescape(text: str, where: str) -> str:
    """Decode Telegram's entities (&lt; &gt; &amp; &quot; and numeric ones); refuse a bare &."""
    out, position = [], 0
    while (amp := text.find("&", position)) >= 0:
        out.append(text[position:amp])
        match = _ENTITY.match(text, amp)
        if match is None:
            raise HTMLError(f"Can't parse entities: unexpected '&' {where} (write &amp;)")
        out.append(_entity_char(match, where))
        position = match.end()
    out.append(text[position:])
    return "".join(out)


def _entity_char(match: re.Match[str], where: str) -> str:
    if match[1]:
        return _NAMED[match[1]]
    code = int(match[2]) if match[2] else int(match[3], 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise HTMLError(f"Can't parse entities: invalid character reference {where}")
    return chr(code)


@dataclass
class _Open:
    name: str
    offset: int
    attributes: dict[str, str | None]


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's HTML parse mode: the plain text and its entities, or HTMLError."""
    out: list[str] = []
    units = 0
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    position = 0
    while position < len(text):
        char = text[position]
        where = f"at byte offset {len(text[:position].encode('utf-8'))}"
        if char == "<":
            match = _TAG.match(text, position)
            if match is None:
                raise HTMLError(f"Can't parse entities: unexpected '<' {where} (write &lt;)")
            closing, name, raw_attributes, self_closing = match.groups()
            name = name.lower()
            if name not in ALLOWED_TAGS:
                kind = "end" if closing else "start"
                raise HTMLError(f'Can\'t parse entities: unsupported {kind} tag "{name}" {where}')
            if self_closing:
                raise HTMLError(f'Can\'t parse entities: self-closing tag "{name}" {where}')
            if closing:
                if raw_attributes.strip():
                    raise HTMLError(f"Can't parse entities: attributes in an end tag {where}")
                if not stack:
                    raise HTMLError(f'Can\'t parse entities: unexpected end tag "{name}" {where}')
                top = stack.pop()
                if top.name != name:
                    raise HTMLError(
                        f"Can't parse entities: unmatched end tag {where}, "
                        f'expected "</{top.name}>", '
                        f'found "</{name}>"'
                    )
                if units > top.offset:
                    entities.append(_entity(top, units - top.offset))
            else:
                attributes = _attributes(name, raw_attributes, where)
                _check_nesting(name, stack, where)
                stack.append(_Open(name, units, attributes))
            position = match.end()
        elif char == "&":
            match = _ENTITY.match(text, position)
            if match is None:
                raise HTMLError(f"Can't parse entities: unexpected '&' {where} (write &amp;)")
            decoded = _entity_char(match, where)
            out.append(decoded)
            units += utf16_len(decoded)
            position = match.end()
        else:
            out.append(char)
            units += utf16_len(char)
            position += 1
    if stack:
        raise HTMLError(
            "Can't parse entities: can't find end tag corresponding to start tag "
            f'"{stack[-1].name}"'
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _attributes(name: str, raw: str, where: str) -> dict[str, str | None]:
    attributes: dict[str, str | None] = {}
    for match in _ATTRIBUTE.finditer(raw):
        if not match.group(0).strip():
            continue
        value = next((v for v in match.groups()[1:] if v is not None), None)
        attributes[match[1].lower()] = _unescape(value, where) if value is not None else None
    allowed: dict[str, set[str]] = {
        "a": {"href"},
        "span": {"class"},
        "code": {"class"},
        "blockquote": {"expandable"},
        "tg-emoji": {"emoji-id"},
    }
    unknown = set(attributes) - allowed.get(name, set())
    if unknown:
        raise HTMLError(
            "Can't parse entities: unsupported attribute "
            f'"{sorted(unknown)[0]}" of "{name}" {where}'
        )
    if name == "a" and not attributes.get("href"):
        raise HTMLError(f"Can't parse entities: <a> without href {where}")
    if name == "span" and attributes.get("class") != "tg-spoiler":
        raise HTMLError(f'Can\'t parse entities: unsupported start tag "span" {where}')
    if name == "tg-emoji" and not (attributes.get("emoji-id") or "").isdigit():
        raise HTMLError(f"Can't parse entities: tg-emoji without a numeric emoji-id {where}")
    if (
        name == "code"
        and "class" in attributes
        and not str(attributes["class"]).startswith("language-")
    ):
        raise HTMLError(f"Can't parse entities: code class must be language-... {where}")
    return attributes


def _check_nesting(name: str, stack: list[_Open], where: str) -> None:
    names = [open_.name for open_ in stack]
    if "code" in names or ("pre" in names and name != "code"):
        raise HTMLError(f'Can\'t parse entities: "{name}" inside pre or code {where}')
    if name == "a" and "a" in names:
        raise HTMLError(f"Can't parse entities: a link inside a link {where}")
    if name == "blockquote" and "blockquote" in names:
        raise HTMLError(f"Can't parse entities: nested blockquote {where}")


def _entity(open_: _Open, length: int) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "type": ALLOWED_TAGS[open_.name],
        "offset": open_.offset,
        "length": length,
    }
    if open_.name == "a":
        entity["url"] = open_.attributes["href"]
    elif open_.name == "blockquote" and "expandable" in open_.attributes:
        entity["type"] = "expandable_blockquote"
    elif open_.name == "tg-emoji":
        entity["custom_emoji_id"] = open_.attributes["emoji-id"]
    elif open_.name == "code" and open_.attributes.get("class"):
        entity["language"] = str(open_.attributes["class"]).removeprefix("language-")
    return entity


def entity_texts(message: dict[str, Any], kind: str) -> list[str]:
    """The pieces of a message's text covered by entities of one type (e.g. "bold")."""
    data = message.get("text", "").encode("utf-16-le")
    return [
        data[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
        for e in message.get("entities", [])
        if e["type"] == kind
    ]


# -- flood control -----------------------------------------------------------------------------


class _Bucket:
    """A leaky bucket like Telegram's flood control: `capacity` at once, drained at `rate`/s."""

    def __init__(self, capacity: float, rate: float) -> None:
        self.capacity, self.rate = capacity, rate
        self.level, self.when = 0.0, time.monotonic()

    def take(self) -> int | None:
        """None when allowed; otherwise the retry_after (seconds) Telegram would answer."""
        now = time.monotonic()
        self.level = max(0.0, self.level - (now - self.when) * self.rate)
        self.when = now
        if self.level + 1 > self.capacity:
            return max(1, math.ceil((self.level + 1 - self.capacity) / self.rate))
        self.level += 1
        return None


# -- the server --------------------------------------------------------------------------------


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    ok: bool
    status: int
    description: str | None = None
    result: Any = None
    at: float = field(default_factory=time.monotonic)

    def __repr__(self) -> str:
        state = "ok" if self.ok else f"REFUSED {self.status} {self.description}"
        shown = {
            k: (v[:80] + "…" if isinstance(v, str) and len(v) > 80 else v)
            for k, v in self.params.items()
        }
        return f"<{self.method} {state} {shown}>"


CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
BUTTON_KINDS = {
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
}
UPDATE_TYPES = {
    "message",
    "callback_query",
    "inline_query",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "chosen_inline_result",
    "my_chat_member",
    "chat_member",
}


class FakeBotAPI:
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

    # -- acting as users ---------------------------------------------------------------------

    @staticmethod
    def user(
        user_id: int, first_name: str = "Người dùng", username: str | None = None
    ) -> dict[str, Any]:
        """A Telegram user (not a bot)."""
        user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": "vi",
        }
        if username:
            user["username"] = username
        return user

    @staticmethod
    def private_chat(user: dict[str, Any]) -> dict[str, Any]:
        """The private chat between a user and the bot."""
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}

    @staticmethod
    def group(chat_id: int = -1001234567890, title: str = "Nhóm cán bộ") -> dict[str, Any]:
        """A supergroup the bot is a member of."""
        return {"id": chat_id, "type": "supergroup", "title": title}

    @staticmethod
    def channel(chat_id: int = -1009876543210, username: str = "sotttt_tin") -> dict[str, Any]:
        """A public channel (the bot posts there only if it administers it)."""
        return {"id": chat_id, "type": "channel", "title": "Tin Sở", "username": username}

    def open_chat(self, user: dict[str, Any]) -> None:
        """The user has opened the bot's chat (an admin must, before a menu can name the chat)."""
        self.run(lambda: self.chats.setdefault(user["id"], self.private_chat(user)))

    def text_message(
        self,
        user: dict[str, Any],
        text: str,
        chat: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Store a message as Telegram would (entities for commands and mentions); no update."""
        return self.run(
            lambda: self._store_user_message(
                user, chat, {"text": text, "entities": _user_entities(text)}, reply_to
            )
        )

    def as_update(self, message: dict[str, Any]) -> dict[str, Any]:
        """An update carrying `message`, to post to a webhook as Telegram would (not queued)."""
        return self.run(
            lambda: {"update_id": next(self._update_ids), "message": copy.deepcopy(message)}
        )

    def send_text(
        self,
        user: dict[str, Any],
        text: str,
        chat: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A user sends a text message; the bot gets it as an update."""

        def act() -> dict[str, Any]:
            message = self._store_user_message(
                user, chat, {"text": text, "entities": _user_entities(text)}, reply_to
            )
            self._enqueue({"message": message})
            return message

        return self.run(act)

    def send_document(
        self,
        user: dict[str, Any],
        file_name: str,
        data: bytes,
        caption: str | None = None,
        chat: dict[str, Any] | None = None,
        mime_type: str = "application/octet-stream",
    ) -> dict[str, Any]:
        """A user sends a file (with an optional caption)."""

        def act() -> dict[str, Any]:
            number = next(self._ids)
            document = {
                "file_id": f"DOC{number}",
                "file_unique_id": f"U{number}",
                "file_name": file_name,
                "mime_type": mime_type,
                "file_size": len(data),
            }
            self.files[document["file_id"]] = (
                {**document, "file_path": f"documents/file_{number}{_suffix(file_name)}"},
                data,
            )
            content: dict[str, Any] = {"document": document}
            if caption is not None:
                content["caption"] = caption
                content["caption_entities"] = _user_entities(caption)
            message = self._store_user_message(user, chat, content, None)
            self._enqueue({"message": message})
            return message

        return self.run(act)

    def press(self, user: dict[str, Any], message: dict[str, Any], data: str) -> str:
        """A user presses the button with this callback data under a bot message."""

        def act() -> str:
            key = (message["chat"]["id"], message["message_id"])
            current = self.messages.get(key)
            assert current is not None, f"message {key} does not exist (deleted?)"
            buttons = [
                b.get("callback_data")
                for row in current.get("reply_markup", {}).get("inline_keyboard", [])
                for b in row
            ]
            assert data in buttons, f"no button {data!r} under message {key}: {buttons}"
            query_id = str(next(self._ids) * 1000003)
            self.callback_queries[query_id] = False
            self._enqueue(
                {
                    "callback_query": {
                        "id": query_id,
                        "from": user,
                        "message": self._with_reply(current),
                        "chat_instance": f"ci{current['chat']['id']}",
                        "data": data,
                    }
                }
            )
            return query_id

        return self.run(act)

    def forge_press(self, user: dict[str, Any], message: dict[str, Any], data: str | None) -> str:
        """A client sends callback data of its own making for a bot message (MTProto lets it:
        messages.getBotCallbackAnswer takes any bytes); None: a query without data."""

        def act() -> str:
            current = self.messages[(message["chat"]["id"], message["message_id"])]
            query_id = str(next(self._ids) * 1000003)
            self.callback_queries[query_id] = False
            query = {
                "id": query_id,
                "from": user,
                "message": self._with_reply(current),
                "chat_instance": f"ci{current['chat']['id']}",
            }
            if data is not None:
                query["data"] = data
            self._enqueue({"callback_query": query})
            return query_id

        return self.run(act)

    def inline_query(self, user: dict[str, Any], query: str) -> str:
        """A user types `@bot query` in some chat."""

        def act() -> str:
            query_id = str(next(self._ids) * 1000033)
            self.inline_queries[query_id] = False
            self._enqueue(
                {
                    "inline_query": {
                        "id": query_id,
                        "from": user,
                        "query": query,
                        "offset": "",
                        "chat_type": "private",
                    }
                }
            )
            return query_id

        return self.run(act)

    def set_admins(self, chat: dict[str, Any], user_ids: set[int]) -> None:
        """The chat exists and these users administer it (getChatMember says so)."""
        self.run(
            lambda: (
                self.chats.setdefault(chat["id"], chat),
                self.chat_admins.update({chat["id"]: set(user_ids)}),
            )
        )

    def fail_next(
        self, chat_id: int, code: int, description: str, retry_after: int | None = None
    ) -> None:
        """The next message sent to the chat is refused once with this error (then it goes)."""
        error = APIError(code, description, retry_after)
        self.run(lambda: self.failures.setdefault(chat_id, []).append(error))

    def block(self, user: dict[str, Any]) -> None:
        """The user blocks the bot: messages to them are refused with 403, as Telegram does."""
        self.run(lambda: self.blocked.add(user["id"]))

    def delete_message(self, message: dict[str, Any]) -> None:
        """The user deletes a message (it disappears from replies to it)."""
        self.run(lambda: self.messages.pop((message["chat"]["id"], message["message_id"]), None))

    def _store_user_message(
        self,
        user: dict[str, Any],
        chat: dict[str, Any] | None,
        content: dict[str, Any],
        reply_to: dict[str, Any] | None,
    ) -> dict[str, Any]:
        chat = chat or self.private_chat(user)
        self.chats.setdefault(chat["id"], chat)
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            **{k: v for k, v in content.items() if v != []},
        }
        if reply_to is not None:
            original = self.messages[(reply_to["chat"]["id"], reply_to["message_id"])]
            message["reply_to_message"] = _without_reply(original)
        self.messages[(chat["id"], message["message_id"])] = message
        return copy.deepcopy(message)

    def _enqueue(self, update: dict[str, Any]) -> None:
        self._updates.append({"update_id": next(self._update_ids), **copy.deepcopy(update)})
        self._notify()

    def _with_reply(self, message: dict[str, Any]) -> dict[str, Any]:
        """A stored message as Telegram shows it: the replied-to message while it still exists."""
        shown = copy.deepcopy(message)
        replied = shown.get("reply_to_message")
        if replied is not None:
            current = self.messages.get((replied["chat"]["id"], replied["message_id"]))
            if current is None:
                del shown["reply_to_message"]
            else:
                shown["reply_to_message"] = _without_reply(current)
        return shown

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

    # -- methods -----------------------------------------------------------------------------

    def _api_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return dict(self.bot_user)

    async def _api_getupdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise APIError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _int(params, "offset", 0)
        limit = min(max(_int(params, "limit", 100), 1), 100)
        timeout = max(_float(params, "timeout", 0), 0)
        if "allowed_updates" in params:
            allowed = _json(params, "allowed_updates") or []
            unknown = set(allowed) - UPDATE_TYPES
            if unknown:
                raise bad_request(f"unknown update type {sorted(unknown)[0]}")
            self._allowed_updates = set(allowed) or None
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while True:
            ready = [u for u in self._updates if self._allowed(u)]
            if ready or self._closing or time.monotonic() >= deadline:
                return copy.deepcopy(ready[:limit])
            changed = self._changed
            assert changed is not None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    changed.wait(), timeout=max(0.0, deadline - time.monotonic())
                )

    def _allowed(self, update: dict[str, Any]) -> bool:
        kinds = set(update) - {"update_id"}
        return self._allowed_updates is None or bool(kinds & self._allowed_updates)

    def _api_setwebhook(self, params: dict[str, Any]) -> bool:
        url = _str(params, "url", "")
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("secret token contains unallowed characters")
        if _bool(params, "drop_pending_updates"):
            self._updates.clear()
        self.webhook = {"url": url, "secret_token": secret} if url else None
        return True

    def _api_deletewebhook(self, params: dict[str, Any]) -> bool:
        if _bool(params, "drop_pending_updates"):
            self._updates.clear()
        self.webhook = None
        return True

    def _api_getwebhookinfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _api_close(self, params: dict[str, Any]) -> bool:
        return True

    def _api_logout(self, params: dict[str, Any]) -> bool:
        return True

    def _api_setmycommands(self, params: dict[str, Any]) -> bool:
        commands = _json(params, "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be a list of at most 100 commands")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._scope_key(params)] = commands
        return True

    def _api_getmycommands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands.get(self._scope_key(params), [])

    def _api_deletemycommands(self, params: dict[str, Any]) -> bool:
        self.commands.pop(self._scope_key(params), None)
        return True

    def _scope_key(self, params: dict[str, Any]) -> str:
        scope = _json(params, "scope") or {"type": "default"}
        kind = scope.get("type")
        if kind not in {
            "default",
            "all_private_chats",
            "all_group_chats",
            "all_chat_administrators",
            "chat",
            "chat_administrators",
            "chat_member",
        }:
            raise bad_request("wrong scope type")
        if kind.startswith("chat"):
            self._chat(scope.get("chat_id"))
            return f"{kind}:{int(scope['chat_id'])}"
        return kind

    def _api_sendchataction(self, params: dict[str, Any]) -> bool:
        self._chat(params.get("chat_id"))
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _api_getchatmember(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params.get("chat_id"))
        user_id = _int(params, "user_id", 0)
        user = {"id": user_id, "is_bot": user_id == self.bot_user["id"], "first_name": "Người dùng"}
        if user_id in self.chat_admins.get(chat["id"], set()):
            rights = ("can_manage_chat", "can_delete_messages", "can_manage_video_chats",
                      "can_restrict_members", "can_promote_members", "can_change_info",
                      "can_invite_users", "can_post_stories", "can_edit_stories",
                      "can_delete_stories", "can_post_messages")  # fmt: skip
            return {"status": "administrator", "user": user, "can_be_edited": False,
                    "is_anonymous": False, **dict.fromkeys(rights, True)}  # fmt: skip
        return {"status": "member", "user": user}

    def _api_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params.get("chat_id"))
        queued = self.failures.get(chat["id"])
        if queued:
            raise queued.pop(0)
        if chat["type"] == "channel" and self.bot_user["id"] not in self.chat_admins.get(
            chat["id"], set()
        ):
            raise APIError(403, "Forbidden: bot is not a member of the channel chat")
        text, entities = _text(params, "text", "parse_mode", "entities")
        markup = _markup(params)
        reply_to = self._reply_target(chat, params)
        self._flood(chat)
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self.bot_user,
            "text": text,
        }
        if entities:
            message["entities"] = entities
        if markup is not None and markup.get("inline_keyboard"):
            message["reply_markup"] = markup
        if reply_to is not None:
            message["reply_to_message"] = _without_reply(reply_to)
        self.messages[(chat["id"], message["message_id"])] = message
        return self._with_reply(message)

    def _api_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("inline_message_id"):
            raise bad_request("fake server: inline messages are not tracked")
        chat = self._chat(params.get("chat_id"))
        key = (chat["id"], _int(params, "message_id", 0))
        message = self.messages.get(key)
        if message is None:
            raise bad_request("message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise bad_request("message can't be edited")
        text, entities = _text(params, "text", "parse_mode", "entities")
        markup = _markup(params)
        new_markup = markup if markup and markup.get("inline_keyboard") else None
        if (
            text == message["text"]
            and entities == message.get("entities", [])
            and new_markup == message.get("reply_markup")
        ):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        self._flood(chat)
        message["text"] = text
        message["edit_date"] = int(time.time())
        if entities:
            message["entities"] = entities
        else:
            message.pop("entities", None)
        if new_markup is not None:
            message["reply_markup"] = new_markup
        else:
            message.pop("reply_markup", None)
        return self._with_reply(message)

    def _api_answercallbackquery(self, params: dict[str, Any]) -> bool:
        query_id = _str(params, "callback_query_id", "")
        if self.callback_queries.get(query_id, True):
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(params.get("text") or "") > CALLBACK_ANSWER_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        self.callback_queries[query_id] = True
        return True

    def _api_answerinlinequery(self, params: dict[str, Any]) -> bool:
        query_id = _str(params, "inline_query_id", "")
        if self.inline_queries.get(query_id, True):
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        results = _json(params, "results")
        if not isinstance(results, list):
            raise bad_request("results must be a list")
        if len(results) > INLINE_RESULTS_LIMIT:
            raise bad_request("RESULTS_TOO_MUCH")
        seen = set()
        for result in results:
            result_id = str(result.get("id", ""))
            if not 1 <= len(result_id.encode()) <= 64:
                raise bad_request("RESULT_ID_INVALID")
            if result_id in seen:
                raise bad_request("RESULT_ID_DUPLICATE")
            seen.add(result_id)
            if result.get("type") != "article":
                raise bad_request("fake server: only article results are implemented")
            if not str(result.get("title", "")).strip():
                raise bad_request("RESULT_TITLE_EMPTY")
            content = result.get("input_message_content") or {}
            _text(content, "message_text", "parse_mode", "entities")
            if "reply_markup" in result:
                _check_keyboard(result["reply_markup"])
        button = _json(params, "button")
        if button is not None:
            if not str(button.get("text", "")).strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            if "start_parameter" in button and not re.fullmatch(
                r"[A-Za-z0-9_-]{1,64}", button["start_parameter"]
            ):
                raise bad_request("START_PARAM_INVALID")
        self.inline_queries[query_id] = True
        return True

    def _api_getfile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = _str(params, "file_id", "")
        if file_id not in self.files:
            raise bad_request("invalid file_id")
        info, data = self.files[file_id]
        if len(data) > FILE_DOWNLOAD_LIMIT:
            raise bad_request("file is too big")
        return {k: info[k] for k in ("file_id", "file_unique_id", "file_size", "file_path")}

    # -- checks ------------------------------------------------------------------------------

    def _chat(self, chat_id: object) -> dict[str, Any]:
        named = str(chat_id)
        try:
            chat = self.chats.get(int(named))
        except ValueError:  # "@username": a public channel or group
            chat = next(
                (c for c in self.chats.values() if f"@{c.get('username', '')}" == named), None
            )
        if chat is None:
            raise bad_request("chat not found")
        if chat["id"] in self.blocked:
            raise APIError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _reply_target(self, chat: dict[str, Any], params: dict[str, Any]) -> dict[str, Any] | None:
        reply = _json(params, "reply_parameters")
        if reply is None and params.get("reply_to_message_id"):
            reply = {
                "message_id": _int(params, "reply_to_message_id", 0),
                "allow_sending_without_reply": _bool(params, "allow_sending_without_reply"),
            }
        if not reply:
            return None
        target_chat = int(reply.get("chat_id", chat["id"]))
        target = self.messages.get((target_chat, int(reply["message_id"])))
        if target is None and not reply.get("allow_sending_without_reply"):
            raise bad_request("message to be replied not found")
        return target

    def _flood(self, chat: dict[str, Any]) -> None:
        """Telegram's flood control: ~30 messages a second overall, 20 a minute per group."""
        if chat["type"] != "private":
            bucket = self._groups.setdefault(chat["id"], _Bucket(*self._group_limits))
            if (retry := bucket.take()) is not None:
                raise APIError(429, f"Too Many Requests: retry after {retry}", retry)
        if (retry := self._overall.take()) is not None:
            raise APIError(429, f"Too Many Requests: retry after {retry}", retry)


# -- helpers -----------------------------------------------------------------------------------


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Query string, then a form (urlencoded or multipart) or a JSON body, as strings/objects."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        body = await request.json() if request.can_read_body else {}
        params.update(
            {k: v if isinstance(v, str) else json.dumps(v) for k, v in (body or {}).items()}
        )
    elif request.can_read_body:
        form = await request.post()
        for key, value in form.items():
            params[key] = (
                value if isinstance(value, str) else f"<file {getattr(value, 'filename', '')}>"
            )
    return params


def _str(params: dict[str, Any], name: str, default: str) -> str:
    value = params.get(name)
    return default if value is None else str(value)


def _int(params: dict[str, Any], name: str, default: int) -> int:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"parameter {name} must be a number") from None


def _float(params: dict[str, Any], name: str, default: float) -> float:
    value = params.get(name)
    try:
        return default if value in (None, "") else float(value)
    except (TypeError, ValueError):
        raise bad_request(f"parameter {name} must be a number") from None


def _bool(params: dict[str, Any], name: str) -> bool:
    value = params.get(name)
    return value is True or str(value).lower() in ("true", "1")


def _json(params: dict[str, Any], name: str) -> Any:
    value = params.get(name)
    if value is None or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        raise bad_request(f"can't parse {name} JSON object") from None


def _text(
    params: dict[str, Any], name: str, mode_name: str, entities_name: str
) -> tuple[str, list[dict[str, Any]]]:
    """Check a message text as Telegram does; return the text and its entities."""
    raw = params.get(name)
    if not isinstance(raw, str):
        raise bad_request("message text is empty")
    mode = params.get(mode_name)
    if mode in (None, ""):
        text, entities = raw, _json(params, entities_name) or []
    elif str(mode).lower() == "html":
        try:
            text, entities = parse_html(raw)
        except HTMLError as exc:
            raise bad_request(str(exc)) from None
    else:
        raise bad_request(
            f"fake server: parse mode {mode!r} is not implemented (the bot uses HTML)"
        )
    if not text.strip():
        raise bad_request("message text is empty")
    if utf16_len(text) > MESSAGE_LIMIT:
        raise bad_request("message is too long")
    return text, entities


def _markup(params: dict[str, Any]) -> dict[str, Any] | None:
    markup = _json(params, "reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _check_keyboard(markup)
    return markup


def _check_keyboard(markup: dict[str, Any]) -> None:
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    buttons = [button for row in rows for button in row]
    if len(buttons) > 100:
        raise bad_request("reply markup is too long")
    for button in buttons:
        if not str(button.get("text", "")).strip():
            raise bad_request("BUTTON_TEXT_EMPTY")
        kinds = set(button) & BUTTON_KINDS
        if len(kinds) != 1:
            raise bad_request(
                "can't parse inline keyboard button: exactly one optional field must be used"
            )
        if "callback_data" in button:
            size = len(str(button["callback_data"]).encode("utf-8"))
            if not 1 <= size <= CALLBACK_DATA_LIMIT:
                raise bad_request("BUTTON_DATA_INVALID")
        if "url" in button and not re.match(r"(https?|tg)://", str(button["url"])):
            raise bad_request("BUTTON_URL_INVALID")


def _user_entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram adds to what a user types: a leading /command, @mentions."""
    entities = []
    if match := re.match(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?", text):
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))})
    for match in re.finditer(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b", text):
        entities.append(
            {
                "type": "mention",
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group(0)),
            }
        )
    return entities


def _without_reply(message: dict[str, Any]) -> dict[str, Any]:
    """Telegram nests replied-to messages one level deep only."""
    return {k: copy.deepcopy(v) for k, v in message.items() if k != "reply_to_message"}


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:] if dot > 0 else ""
