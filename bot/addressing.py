"""Which group messages are meant for the bot: commands, mentions of it, replies to it."""

from __future__ import annotations

from telegram import Message
from telegram.constants import MessageEntityType
from telegram.ext import filters

__all__ = ["addressed_to_bot", "ADDRESSED_TO_BOT"]


def addressed_to_bot(message: Message) -> bool:
    """A message that mentions the bot, replies to one of its messages, or is a command."""
    bot = message.get_bot()
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
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
