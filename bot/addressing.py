"""Which group messages are meant for the bot: commands, mentions of it, replies to it."""

from __future__ import annotations

from telegram import Message
from telegram.constants import MessageEntityType
from telegram.ext import filters

__all__ = ["addressed_to_bot", "replies_to_bot", "ADDRESSED_TO_BOT"]


def replies_to_bot(message: Message) -> bool:
    """A reply to one of the bot's messages (in a group, what continues a conversation)."""
    replied = message.reply_to_message
    return (
        replied is not None
        and replied.from_user is not None
        and (replied.from_user.id == message.get_bot().id)
    )


def addressed_to_bot(message: Message) -> bool:
    """A message that mentions the bot, replies to one of its messages, or is a command."""
    bot = message.get_bot()
    if replies_to_bot(message):
        return True
    mention = f"@{bot.username}".lower()
    for entity, text in message.parse_entities().items():
        if entity.type == MessageEntityType.BOT_COMMAND and entity.offset == 0:
            return True
        if entity.type == MessageEntityType.MENTION and text.lower() == mention:
            return True
    return False


class _AddressedToBot(filters.MessageFilter):
    """A group message that mentions the bot, or replies to one of its messages."""

    def filter(self, message: Message) -> bool:
        return addressed_to_bot(message)


ADDRESSED_TO_BOT = _AddressedToBot(name="addressed to the bot")
