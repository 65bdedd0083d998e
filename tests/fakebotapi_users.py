"""Acting as Telegram users in the fake Bot API: messages, documents, button presses, inline
queries, admins, blocks (a part of FakeBotAPI)."""

from __future__ import annotations

import copy
import time
from typing import Any

from .fakebotapi_wire import (
    APIError,
    _suffix,
    _user_entities,
    _without_reply,
)


class UserActions:
    """What users do; mixed into FakeBotAPI (its state is FakeBotAPI's)."""

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
