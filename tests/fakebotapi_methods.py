"""The Bot API methods the fake server answers, and its checks (a part of FakeBotAPI)."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import re
import time
from typing import Any

from .fakebotapi_wire import (
    CALLBACK_ANSWER_LIMIT,
    CHAT_ACTIONS,
    FILE_DOWNLOAD_LIMIT,
    INLINE_RESULTS_LIMIT,
    UPDATE_TYPES,
    APIError,
    _bool,
    _Bucket,
    _check_keyboard,
    _float,
    _int,
    _json,
    _markup,
    _str,
    _text,
    _without_reply,
    bad_request,
)


class SetupMethods:
    """getMe, getUpdates, webhooks, commands, chat actions and members."""

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


class MessageMethods:
    """Sending, editing and answering, with Telegram's checks."""

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
