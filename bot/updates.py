"""What a handler's update is known to hold: the routing table lets through only updates with a
message (or a button press, or an inline query), so a missing one is a wiring error."""

from __future__ import annotations

from telegram import CallbackQuery, Chat, InlineQuery, Message, Update

__all__ = ["message_of", "query_of", "inline_of", "chat_of", "user_id"]


class WiringError(TypeError):
    """A handler received an update its route should not let through."""


def message_of(update: Update) -> Message:
    """The update's message."""
    if update.effective_message is None:
        raise WiringError(f"update {update.update_id} has no message")
    return update.effective_message


def query_of(update: Update) -> CallbackQuery:
    """The update's button press."""
    if update.callback_query is None:
        raise WiringError(f"update {update.update_id} has no callback query")
    return update.callback_query


def inline_of(update: Update) -> InlineQuery:
    """The update's inline query."""
    if update.inline_query is None:
        raise WiringError(f"update {update.update_id} has no inline query")
    return update.inline_query


def chat_of(update: Update) -> Chat:
    """The update's chat."""
    if update.effective_chat is None:
        raise WiringError(f"update {update.update_id} has no chat")
    return update.effective_chat


def user_id(update: Update) -> int | None:
    """Who sent the update, for the log."""
    return update.effective_user.id if update.effective_user else None
