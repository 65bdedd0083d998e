"""Handlers for admins (ADMIN_IDS): /reindex, /stats, /crawl, importing an uploaded file; and the
scheduled crawl of the sources whose interval has passed."""

from __future__ import annotations

import asyncio
import functools
import html
import logging
import re
from pathlib import PurePath

from telegram import Message, Update
from telegram.error import TelegramError

from index import SUPPORTED_SUFFIXES, ReindexReport
from index.crawl import CrawlProgress, UnknownSource

from . import texts
from .context import BotContext, BotState
from .crawl_jobs import CrawlOutcome, Target
from .progress import Latest, while_running
from .render import (
    HTML,
    format_number,
    render_crawl_progress,
    render_crawl_summary,
    render_ingest_report,
    render_reindex_done,
    render_reindex_progress,
    render_stats,
    utf16_length,
)
from .render.dictionary import with_detail
from .render.news import render_subscription_stats
from .render.style import TELEGRAM_LIMIT, cut_words
from .updates import message_of, user_id

log = logging.getLogger(__name__)

INGEST_CAPTION = r"^\s*/ingest(?:@\w+)?(?:\s|$)"
FULL = ("full", "all")  # /reindex full: re-analyse every article, not only the stale ones


async def refuse(update: Update, context: BotContext) -> None:
    """An admin command from anyone else: a polite refusal, and a line in the log."""
    user = update.effective_user
    message = message_of(update)
    what = (message.text or message.caption or "").split(maxsplit=1)[0][:40]
    who = f"{user.id} (@{user.username})" if user and user.username else (user.id if user else "?")
    log.warning("refused %s to user %s", what, who)
    await message.reply_text(texts.ADMIN_ONLY)


async def stats(update: Update, context: BotContext) -> None:
    """/stats: articles, sources, dates, last reindex, questions today, each source's crawls."""
    state = context.state
    found = await asyncio.to_thread(state.archive.stats)
    health = await asyncio.to_thread(state.crawls.health)
    news = await asyncio.to_thread(state.news.stats)
    text = render_stats(found, HTML, health)
    following = render_subscription_stats(news)
    # Before the sources' health, which runs to the end of the message.
    head, cut, tail = text.partition(f"\n\n{HTML.bold(texts.HEALTH_HEADING)}")
    joined = f"{head}\n\n{following}{cut}{tail}"
    if utf16_length(joined) <= TELEGRAM_LIMIT:
        await message_of(update).reply_text(joined)
    else:
        await message_of(update).reply_text(text)
        await message_of(update).reply_text(following)


async def reindex(update: Update, context: BotContext) -> None:
    """/reindex [full]: rebuild the index in the background; the old one answers meanwhile."""
    state = context.state
    message = message_of(update)
    if state.reindexing:
        await message.reply_text(texts.REINDEX_BUSY)
        return
    state.reindexing = True
    try:
        full = bool(context.args and context.args[0].lower() in FULL)
        progress_message = await message.reply_text(texts.REINDEX_STARTED)
    except BaseException:
        state.reindexing = False
        raise
    context.application.create_task(
        _reindex(state, progress_message, full), update=update, name="reindex"
    )


async def _reindex(state: BotState, message: Message, full: bool) -> None:
    """Run the rebuild in a thread, editing `message` with its progress every few seconds."""
    latest: Latest[tuple[int, int | None]] = Latest()

    def progress(done: int, total: int | None) -> None:
        latest((done, total))

    async def show(value: tuple[int, int | None]) -> None:
        await _edit_quietly(message, render_reindex_progress(*value))

    work = functools.partial(state.archive.reindex, full=full, progress=progress)
    log.info("reindex started (full=%s)", full)
    try:
        report: ReindexReport = await while_running(
            work, latest, state.settings.reindex_progress_seconds, show
        )
    except Exception as exc:
        log.exception("reindex failed; the old index stays in use")
        detail = f"{type(exc).__name__}: {exc}"
        await _edit_quietly(message, with_detail(texts.REINDEX_FAILED, detail, HTML))
        return
    finally:
        state.reindexing = False
    log.info("reindex done: %s", report)
    await _edit_quietly(message, render_reindex_done(report))


async def _edit_quietly(message: Message, text: str) -> None:
    """A progress edit that fails must not stop the work it reports on."""
    try:
        await message.edit_text(text)
    except TelegramError:
        log.warning("could not edit a progress message", exc_info=True)


async def crawl(update: Update, context: BotContext) -> None:
    """/crawl [nguồn|url]: crawl every enabled source, one source, or one url, in the background."""
    crawls = context.state.crawls
    message = message_of(update)
    if crawls.busy:
        await message.reply_text(texts.CRAWL_BUSY)
        return
    argument = " ".join(context.args or ())
    try:
        targets = crawls.targets(argument)
    except UnknownSource:
        known = [s.name for s in crawls.sources.sources]
        await message.reply_text(texts.unknown_source(argument, known))
        return
    if not targets:
        await message.reply_text(texts.NO_ENABLED_SOURCE)
        return
    log.info("crawl of %d target(s) asked by user %s", len(targets), user_id(update))
    crawls.start(_crawl(context.state, message, targets), name="crawl by hand")


async def _crawl(state: BotState, asked: Message, targets: list[Target]) -> None:
    """Crawl each target in turn, editing a progress message every few seconds; then the summary."""
    crawls, every = state.crawls, state.settings.crawl_progress_seconds
    try:
        message: Message | None = await asked.reply_text(texts.CRAWL_STARTED)
    except TelegramError:
        log.warning("could not send the crawl progress message", exc_info=True)
        message = None
    outcomes: list[CrawlOutcome] = []
    for number, target in enumerate(targets, start=1):

        async def shown(progress: CrawlProgress, number: int = number) -> None:
            if message is not None:
                text = render_crawl_progress(progress, number, len(targets), HTML)
                await _edit_quietly(message, text)

        outcomes.append(await crawls.crawl(target, shown, every))
    parts = render_crawl_summary(outcomes, HTML)
    try:
        if message is not None:
            await message.edit_text(parts[0])
        else:
            await asked.reply_text(parts[0])
        for part in parts[1:]:
            await asked.reply_text(part)
    except TelegramError:
        log.warning("could not send the crawl summary", exc_info=True)


async def crawl_due(context: BotContext) -> None:
    """The scheduled job: crawl, in the background, the sources whose interval has passed."""
    crawls = context.state.crawls
    if crawls.busy:
        return
    try:
        due = await asyncio.to_thread(crawls.due)
    except Exception:
        log.error("could not tell which sources are due for a crawl", exc_info=True)
        return
    if due and not crawls.busy:
        log.info("scheduled crawl of %s", ", ".join(s.name for s in due))
        crawls.start(crawls.crawl_each(due), name="scheduled crawl")


MAX_TAKE_DOWNS = 50  # articles one /xoa may name


async def take_down(update: Update, context: BotContext) -> None:
    """/xoa <số bài | địa chỉ bài>…: take articles down (gone from the results at once)."""
    message = message_of(update)
    named = list(context.args or ())[:MAX_TAKE_DOWNS]
    targets: list[int | str] = []
    for word in named:
        if re.fullmatch(r"[0-9]{1,18}", word):
            targets.append(int(word))
        elif word.lower().startswith(("http://", "https://")):
            targets.append(word)
    if not targets:
        await message.reply_text(texts.TAKE_DOWN_HOW)
        return
    done = await asyncio.to_thread(context.state.archive.delete, targets)
    log.info("user %s took down articles %s", user_id(update), list(done.deleted))
    await message.reply_text(texts.taken_down(list(done.deleted), [str(m) for m in done.missing]))


async def ingest(update: Update, context: BotContext) -> None:
    """A .txt/.json/.jsonl file captioned /ingest: import it, report every skipped record."""
    state = context.state
    message = message_of(update)
    document = message.document
    if document is None:  # the route lets documents only through
        raise TypeError(f"update {update.update_id} has no document")
    name = PurePath(document.file_name or "tep").name
    suffix = PurePath(name).suffix.lower()
    limit = state.settings.max_upload_bytes
    if suffix not in SUPPORTED_SUFFIXES:
        await message.reply_text(texts.unsupported_file(name))
        return
    if document.file_size is not None and document.file_size > limit:
        await message.reply_text(texts.file_too_big(name, document.file_size, limit))
        return
    shown_name = html.escape(cut_words(name, 80), quote=False)
    size = texts.file_size(document.file_size or 0)
    received = await message.reply_text(texts.INGEST_RECEIVED.format(name=shown_name, size=size))
    data = bytes(await (await document.get_file()).download_as_bytearray())
    if len(data) > limit:
        await _edit_quietly(received, texts.file_too_big(name, len(data), limit))
        return
    latest: Latest[int] = Latest()

    async def show(done: int) -> None:
        text = texts.INGEST_PROGRESS.format(name=shown_name, done=format_number(done))
        await _edit_quietly(received, text)

    work = functools.partial(
        state.archive.ingest_bytes, data, name, suffix, progress=lambda done, _: latest(done)
    )
    try:
        report = await while_running(work, latest, state.settings.ingest_progress_seconds, show)
    except Exception as exc:
        log.exception("ingest of %s failed", name)
        failed = texts.INGEST_FAILED.format(name=shown_name)
        await _edit_quietly(received, with_detail(failed, f"{type(exc).__name__}: {exc}", HTML))
        return
    log.info("ingested %s from user %s: %s", name, user_id(update), report)
    parts = render_ingest_report(name, report, HTML)
    await _edit_quietly(received, parts[0])
    for part in parts[1:]:
        await message.reply_text(part)


async def ingest_how(update: Update, context: BotContext) -> None:
    """/ingest without a file, or a file without the caption: how to import."""
    await message_of(update).reply_text(texts.INGEST_HOW)
