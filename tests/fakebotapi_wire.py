"""Telegram's wire rules for the fake Bot API: HTML parsing into entities, limits, flood
buckets, parameter readers (see fakebotapi.py)."""

from __future__ import annotations

import copy
import json
import math
import re
import time
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web

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
            position = _tag(text, position, where, units, stack, entities)
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


def _tag(
    text: str,
    position: int,
    where: str,
    units: int,
    stack: list[_Open],
    entities: list[dict[str, Any]],
) -> int:
    """Read the tag at `position`: open an entity, or close the innermost one (adding it to
    `entities` unless empty); returns where the tag ends, or raises HTMLError."""
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
    return match.end()


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
