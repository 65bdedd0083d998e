"""Handlers for admins (ADMIN_IDS): /reindex, /stats, and importing an uploaded file."""

from __future__ import annotations

import asyncio
import logging
from pathlib import PurePath

from telegram import Message, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from index import SUPPORTED_SUFFIXES, IngestReport, SearchEngine, read_bytes

from . import texts
from .handlers import throttled
from .render import (
    HTML,
    render_ingest_report,
    render_reindex_done,
    render_reindex_progress,
    render_stats,
)
from .state import BotState, get_state

log = logging.getLogger(__name__)

INGEST_CAPTION = r"^\s*/ingest(?:@\w+)?(?:\s|$)"
FULL = ("full", "all")  # /reindex full: re-analyse every article, not only the stale ones


@throttled
async def refuse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An admin command from anyone else: a polite refusal, and a line in the log."""
    user = update.effective_user
    message = update.effective_message
    what = (message.text or message.caption or "").split(maxsplit=1)[0][:40]
    who = f"{user.id} (@{user.username})" if user and user.username else (user.id if user else "?")
    log.warning("refused %s to user %s", what, who)
    await message.reply_text(texts.ADMIN_ONLY)


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats: articles, sources, dates, last reindex, questions asked today."""
    found = await asyncio.to_thread(get_state(context).engine.stats)
    await update.effective_message.reply_text(render_stats(found, HTML))


async def reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reindex [full]: rebuild the index in the background; the old one answers meanwhile."""
    state = get_state(context)
    message = update.effective_message
    if state.reindexing:
        await message.reply_text(texts.REINDEX_BUSY)
        return
    state.reindexing = True
    try:
        full = bool(context.args) and context.args[0].lower() in FULL
        progress_message = await message.reply_text(texts.REINDEX_STARTED)
    except BaseException:
        state.reindexing = False
        raise
    context.application.create_task(
        _reindex(state, progress_message, full), update=update, name="reindex"
    )


class _Progress:
    """The latest (done, total) a worker thread reported; read by the event loop."""

    def __init__(self) -> None:
        self.value: tuple[int, int | None] | None = None

    def __call__(self, done: int, total: int | None) -> None:
        self.value = (done, total)


async def _reindex(state: BotState, message: Message, full: bool) -> None:
    """Run the rebuild in a thread, editing `message` with its progress every few seconds."""
    progress = _Progress()
    interval = state.settings.reindex_progress_seconds
    log.info("reindex started (full=%s)", full)
    try:
        work = asyncio.ensure_future(
            asyncio.to_thread(state.engine.reindex, full=full, progress=progress)
        )
        shown = None
        while not (await asyncio.wait({work}, timeout=interval))[0]:
            if progress.value is not None and progress.value != shown:
                shown = progress.value
                await _edit_quietly(message, render_reindex_progress(*shown))
        report = work.result()
    except Exception:
        log.exception("reindex failed; the old index stays in use")
        await _edit_quietly(message, texts.REINDEX_FAILED)
        return
    finally:
        state.reindexing = False
    log.info("reindex done: %s", report)
    await _edit_quietly(message, render_reindex_done(report))


async def _edit_quietly(message: Message, text: str) -> None:
    """A progress edit that fails must not stop the rebuild."""
    try:
        await message.edit_text(text)
    except TelegramError:
        log.warning("could not edit the reindex progress message", exc_info=True)


async def ingest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A .txt/.json/.jsonl file captioned /ingest: import it, report every skipped record."""
    state = get_state(context)
    message = update.effective_message
    document = message.document
    name = PurePath(document.file_name or "tep").name
    suffix = PurePath(name).suffix.lower()
    limit = state.settings.max_upload_bytes
    if suffix not in SUPPORTED_SUFFIXES:
        await message.reply_text(texts.unsupported_file(name))
        return
    if document.file_size is not None and document.file_size > limit:
        await message.reply_text(texts.file_too_big(name, document.file_size, limit))
        return
    await message.reply_chat_action(ChatAction.TYPING)
    data = bytes(await (await document.get_file()).download_as_bytearray())
    if len(data) > limit:
        await message.reply_text(texts.file_too_big(name, len(data), limit))
        return
    report = await asyncio.to_thread(_ingest, state.engine, data, name, suffix)
    log.info("ingested %s from user %s: %s", name, update.effective_user.id, report)
    for part in render_ingest_report(name, report, HTML):
        await message.reply_text(part)


def _ingest(engine: SearchEngine, data: bytes, name: str, suffix: str) -> IngestReport:
    return engine.ingest_items(read_bytes(data, name, suffix))


async def ingest_how(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ingest without a file, or a file without the caption: how to import."""
    await update.effective_message.reply_text(texts.INGEST_HOW)
