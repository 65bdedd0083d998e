"""Per-user throttling: a short burst is fine, a flood is asked to wait. One handler in group -1
applies it to every update the bot acts on: questions, commands, buttons and inline queries."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from telegram import InlineQueryResultsButton, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from . import texts
from .addressing import addressed_to_bot
from .ratelimit import Throttle

if TYPE_CHECKING:
    from .context import BotContext, BotState

__all__ = ["Throttle", "throttle", "bucket_for"]

log = logging.getLogger(__name__)


def bucket_for(update: Update, state: BotState) -> Throttle | None:
    """The throttle an update counts against; None for updates the bot does not act on (group
    chatter not addressed to it) and for admins."""
    user = update.effective_user
    if user is None or state.is_admin(user.id):
        return None
    if update.inline_query is not None:
        return state.inline_throttle
    if update.callback_query is not None:
        return state.button_throttle
    message = update.effective_message
    if message is None:
        return None
    if message.chat.type != ChatType.PRIVATE and not addressed_to_bot(message):
        return None
    return state.throttle


async def throttle(update: object, context: BotContext) -> None:
    """Group -1, before every handler: a user who sends too fast is asked (briefly, politely) to
    wait, and the update goes no further."""
    if not isinstance(update, Update):
        return
    state = context.state
    bucket = bucket_for(update, state)
    if bucket is None or update.effective_user is None:
        return
    user = update.effective_user.id
    if state.settings.throttle_is_shared:  # replicas: one bucket per user in the database
        key = f"{bucket.name}:{user}"
        wait = await asyncio.to_thread(state.archive.take_token, key, bucket.burst, bucket.rate)
    else:
        wait = bucket.wait_seconds(user)
    if not wait:
        return
    log.info("user %s throttled for %d s", update.effective_user.id, wait)
    notice = texts.THROTTLED.format(seconds=wait)
    if update.inline_query is not None:
        button = InlineQueryResultsButton(text=texts.INLINE_THROTTLED, start_parameter="help")
        await update.inline_query.answer([], cache_time=0, button=button)
    elif update.callback_query is not None:
        await update.callback_query.answer(notice)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(notice)
    raise ApplicationHandlerStop
