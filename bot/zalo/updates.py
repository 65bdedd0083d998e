"""Zalo's update objects, read tolerantly into one frozen value.

An update is `{"event_name": "message.text.received", "message": {"chat": {"id", "chat_type"},
"text", "message_id", "date" (ms), "from": {"id", "display_name"}}}`; ids are strings. There is
no update id: `message_id` is what makes a redelivered update recognisable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["ZaloMessage", "parse_update", "MAX_ID_CHARS"]

MAX_ID_CHARS = 64
TEXT_EVENT = "message.text.received"


@dataclass(frozen=True)
class ZaloMessage:
    """One message a user sent the bot; `text` is None for anything but text (a sticker...)."""

    message_id: str
    chat_id: str
    user_id: str
    text: str | None
    private: bool = True
    display_name: str | None = None
    event: str = TEXT_EVENT


def parse_update(data: object) -> ZaloMessage:
    """The message of an update; ValueError (one line, no user data) when it is not one."""
    if not isinstance(data, dict):
        raise ValueError("an update must be a JSON object")
    message = data.get("message")
    if not isinstance(message, dict):
        raise ValueError("the update has no message object")
    chat = message.get("chat")
    if not isinstance(chat, dict):
        raise ValueError("the message has no chat object")
    sender = message.get("from")
    sender = sender if isinstance(sender, dict) else {}
    chat_id = _id(chat.get("id"), "chat.id")
    user_id = _id(sender.get("id", chat_id), "from.id")
    message_id = _id(message.get("message_id"), "message_id")
    event = data.get("event_name")
    event = event if isinstance(event, str) else TEXT_EVENT
    text = message.get("text")
    if not isinstance(text, str) or (event != TEXT_EVENT and not event.startswith("message.text")):
        text = None
    name = sender.get("display_name")
    chat_type = chat.get("chat_type")
    return ZaloMessage(
        message_id=message_id,
        chat_id=chat_id,
        user_id=user_id,
        text=text,
        private=not (isinstance(chat_type, str) and chat_type.upper() == "GROUP"),
        display_name=name[:100] if isinstance(name, str) else None,
        event=event[:60],
    )


def _id(value: Any, name: str) -> str:
    """An id as a string (Zalo sends strings; a number is accepted)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"the update's {name} is missing or not a string")
    text = str(value).strip()
    if not text or len(text) > MAX_ID_CHARS:
        raise ValueError(f"the update's {name} is empty or too long")
    return text
