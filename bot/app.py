"""The Telegram application: settings and engine in, every handler wired, polling or webhook."""

from __future__ import annotations

import logging
import signal
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from index import Archive
from index.crawl import SourcesFile, load_sources

from . import admin, handlers, news, service, staff, subscribe, texts
from .addressing import ADDRESSED_TO_BOT
from .callbacks import (
    CATEGORIES,
    CONTACT,
    COUNTER,
    DIGEST_PATTERN,
    JUDGE_PATTERN,
    PAGE_PATTERN,
    READ_PATTERN,
    SUGGEST_PATTERN,
    VOTE_PATTERN,
)
from .context import STATE_KEY, BotApplication, BotContext, BotState
from .settings import Settings
from .throttle import throttle

__all__ = ["build_application", "run_polling", "run_webhook", "Webhook", "ALLOWED_UPDATES"]

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

# Telegram's published limits: about 30 messages a second in all, 20 a minute in one group.
OVERALL_PER_SECOND = 30
GROUP_PER_MINUTE = 20


def build_application(
    settings: Settings, archive: Archive, sources: SourcesFile | None = None
) -> BotApplication:
    """The bot with all its handlers and its crawl schedule; it closes `archive` when it shuts
    down. `sources` defaults to reading SOURCES_FILE (a mistake in it raises SourcesError)."""
    if sources is None:
        sources = load_sources(settings.sources_file)
    builder = (
        ApplicationBuilder()
        .token(settings.bot_token())
        .context_types(ContextTypes(context=BotContext))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                do_quote=True,
                allow_sending_without_reply=True,
            )
        )
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=OVERALL_PER_SECOND,
                overall_time_period=1,
                group_max_rate=GROUP_PER_MINUTE,
                group_time_period=60,
                max_retries=3,
            )
        )
        .concurrent_updates(settings.concurrent_updates)
        .post_init(_started)
        .post_stop(_stopping)
        .post_shutdown(_close_archive)
    )
    if settings.telegram_api_base_url and settings.telegram_file_base_url:
        builder = builder.base_url(settings.telegram_api_base_url).base_file_url(
            settings.telegram_file_base_url
        )
    application = builder.build()
    application.bot_data[STATE_KEY] = BotState.create(archive, settings, sources)
    _add_handlers(application, admins=filters.User(user_id=settings.admin_ids))
    _schedule_crawls(application, settings, sources)
    _schedule_service(application, settings)
    _schedule_news(application, settings)
    return application


def _add_handlers(app: BotApplication, admins: filters.BaseFilter) -> None:
    """The routing table: the throttle first (group -1), then the first handler that matches."""
    private, groups = filters.ChatType.PRIVATE, filters.ChatType.GROUPS
    question = filters.TEXT & ~filters.COMMAND
    ingest_file = filters.Document.ALL & filters.CaptionRegex(admin.INGEST_CAPTION)

    app.add_handler(TypeHandler(Update, throttle), group=-1)
    _add_commands(app)
    _add_admin_commands(app, admins)
    app.add_handler(MessageHandler(ingest_file, admin.refuse))

    # “theo dõi …” / “bỏ theo dõi …” typed as words are the core's (bot/conversation/follow.py)
    app.add_handler(MessageHandler(private & question, handlers.question))
    app.add_handler(MessageHandler(groups & question & ADDRESSED_TO_BOT, handlers.question))
    app.add_handler(MessageHandler(private & filters.COMMAND, handlers.unknown_command))
    app.add_handler(MessageHandler(private & ~filters.TEXT, handlers.not_text))

    _add_buttons(app)
    app.add_handler(InlineQueryHandler(handlers.inline_query))
    app.add_error_handler(handlers.error)


def _add_commands(app: BotApplication) -> None:
    """Everyone's commands."""
    app.add_handler(CommandHandler("start", handlers.start))
    app.add_handler(CommandHandler("help", handlers.help_command))
    app.add_handler(CommandHandler("tim", handlers.question))
    app.add_handler(CommandHandler("doc", handlers.doc))
    app.add_handler(MessageHandler(filters.Regex(handlers.DOC_SHORTCUT), handlers.doc_shortcut))
    app.add_handler(CommandHandler("moi", handlers.latest))
    app.add_handler(CommandHandler("chuyenmuc", handlers.categories))
    app.add_handler(CommandHandler("xoadulieu", handlers.forget))
    app.add_handler(CommandHandler("lienhe", handlers.contact))
    app.add_handler(CommandHandler("theodoi", subscribe.follow))
    app.add_handler(CommandHandler("huytheodoi", subscribe.unfollow))
    app.add_handler(CommandHandler("bantin", subscribe.delivery))


def _add_admin_commands(app: BotApplication, admins: filters.BaseFilter) -> None:
    """The admins' commands (and files); everyone else is refused politely."""
    private = filters.ChatType.PRIVATE
    ingest_file = filters.Document.ALL & filters.CaptionRegex(admin.INGEST_CAPTION)
    app.add_handler(CommandHandler("reindex", admin.reindex, filters=admins))
    app.add_handler(CommandHandler("stats", admin.stats, filters=admins))
    app.add_handler(CommandHandler("crawl", admin.crawl, filters=admins))
    app.add_handler(CommandHandler("xoa", admin.take_down, filters=admins))
    app.add_handler(CommandHandler("kenh", subscribe.attach_channel, filters=admins))
    app.add_handler(CommandHandler("thongbao", subscribe.announce, filters=admins))
    app.add_handler(MessageHandler(ingest_file & admins, admin.ingest))
    app.add_handler(CommandHandler("ingest", admin.ingest_how, filters=admins))
    app.add_handler(MessageHandler(private & filters.Document.ALL & admins, admin.ingest_how))
    app.add_handler(
        CommandHandler(
            ["reindex", "stats", "ingest", "crawl", "xoa", "kenh", "thongbao"], admin.refuse
        )
    )
    app.add_handler(CommandHandler("baocao", staff.report, filters=admins))
    app.add_handler(CommandHandler("tudien", staff.dictionary, filters=admins))
    app.add_handler(CommandHandler(["baocao", "tudien"], admin.refuse))


def _add_buttons(app: BotApplication) -> None:
    """Button presses, by the pattern of their data; anything else is a stale button."""
    app.add_handler(CallbackQueryHandler(handlers.turn_page, pattern=PAGE_PATTERN))
    app.add_handler(CallbackQueryHandler(handlers.read_button, pattern=READ_PATTERN))
    app.add_handler(CallbackQueryHandler(handlers.suggested, pattern=SUGGEST_PATTERN))
    app.add_handler(CallbackQueryHandler(handlers.back_to_categories, pattern=f"^{CATEGORIES}$"))
    app.add_handler(CallbackQueryHandler(handlers.page_counter, pattern=f"^{COUNTER}$"))
    app.add_handler(CallbackQueryHandler(handlers.digest_page, pattern=DIGEST_PATTERN))
    app.add_handler(CallbackQueryHandler(handlers.vote, pattern=VOTE_PATTERN))
    app.add_handler(CallbackQueryHandler(handlers.judge, pattern=JUDGE_PATTERN))
    app.add_handler(CallbackQueryHandler(handlers.contact, pattern=f"^{CONTACT}$"))
    app.add_handler(CallbackQueryHandler(staff.fix_question, pattern=staff.FIX_PATTERN))
    app.add_handler(CallbackQueryHandler(staff.dictionary_button, pattern=staff.DICTIONARY_PATTERN))
    app.add_handler(CallbackQueryHandler(subscribe.follow_button, pattern=subscribe.FOLLOW_PATTERN))
    app.add_handler(
        CallbackQueryHandler(subscribe.unfollow_button, pattern=subscribe.UNFOLLOW_PATTERN)
    )
    app.add_handler(CallbackQueryHandler(subscribe.mode_button, pattern=subscribe.MODE_PATTERN))
    app.add_handler(
        CallbackQueryHandler(subscribe.announce_button, pattern=subscribe.ANNOUNCE_PATTERN)
    )
    app.add_handler(CallbackQueryHandler(handlers.stale_button))


def _schedule_crawls(application: BotApplication, settings: Settings, sources: SourcesFile) -> None:
    """Every CRAWL_CHECK_SECONDS, crawl the enabled sources whose own interval has passed."""
    enabled = [s.name for s in sources.sources if s.enabled]
    every = settings.crawl_check_seconds
    if not every or not enabled:
        log.info(
            "no scheduled crawling (%s)",
            "CRAWL_CHECK_SECONDS is 0"
            if not every
            else f"no enabled source in {settings.sources_file}",
        )
        return
    assert application.job_queue is not None  # python-telegram-bot[job-queue] is a dependency
    application.job_queue.run_repeating(admin.crawl_due, interval=every, first=every, name="crawl")
    log.info("crawling %s on their intervals (checked every %g s)", ", ".join(enabled), every)


def _schedule_news(application: BotApplication, settings: Settings) -> None:
    """Every NEWS_CHECK_SECONDS, match new articles to subscriptions and send what is due."""
    every = settings.news_check_seconds
    if not every:
        log.info("no news delivery in this process (NEWS_CHECK_SECONDS is 0)")
        return
    assert application.job_queue is not None
    application.job_queue.run_repeating(
        news.deliver_news,
        interval=every,
        first=min(every, 1.0),
        name="news",
        job_kwargs={"max_instances": 2},  # a tick during a long flood returns at once, unlogged
    )


def _schedule_service(application: BotApplication, settings: Settings) -> None:
    """Following other writers, alerts to admins, hourly housekeeping (see bot.service)."""
    jobs = application.job_queue
    assert jobs is not None
    if settings.follow_seconds:
        every = settings.follow_seconds
        jobs.run_repeating(service.follow_index, interval=every, first=every, name="follow")
    if settings.alert_check_seconds and settings.admin_ids:
        every = settings.alert_check_seconds
        jobs.run_repeating(service.check_alerts, interval=every, first=every, name="alerts")
    jobs.run_repeating(service.housekeeping, interval=3600, first=60, name="housekeeping")


async def _started(application: BotApplication) -> None:
    """Once running: the command menus, and /healthz when HEALTH_PORT is set."""
    service.start_health_server(application)
    await _register_commands(application)


async def _stopping(application: BotApplication) -> None:
    """Before the engine closes: the crawl in progress stops, /healthz is no longer served."""
    await service.stop_health_server(application)
    await _stop_crawling(application)


async def _register_commands(application: BotApplication) -> None:
    """Everyone's command menu; the admin commands too in each admin's own chat."""
    bot = application.bot
    everyone = [BotCommand(name, description) for name, description in texts.COMMANDS]
    admins = everyone + [
        BotCommand(name, description) for name, description in texts.ADMIN_COMMANDS
    ]
    await bot.set_my_commands(everyone)
    state: BotState = application.bot_data[STATE_KEY]
    for admin_id in sorted(state.settings.admin_ids):
        try:
            await bot.set_my_commands(admins, scope=BotCommandScopeChat(admin_id))
        except TelegramError as exc:
            # Telegram knows a private chat only once the user has opened it.
            log.warning(
                "admin %s has no command menu yet (have they started the bot?): %s", admin_id, exc
            )
    log.info("@%s is running with %d admin(s)", bot.username, len(state.settings.admin_ids))


async def _stop_crawling(application: BotApplication) -> None:
    """Before the engine closes: the crawl in progress stops after its current page."""
    await application.bot_data[STATE_KEY].crawls.stop()


async def _close_archive(application: BotApplication) -> None:
    application.bot_data[STATE_KEY].archive.close()
    log.info("database connections closed")


@dataclass(frozen=True)
class Webhook:
    """Where Telegram posts updates, and where this process listens for them."""

    url: str
    listen: str
    port: int
    secret_token: str

    @property
    def path(self) -> str:
        """The local path: the public url's path (a reverse proxy forwards it unchanged)."""
        return urlsplit(self.url).path.strip("/")


def run_polling(
    application: BotApplication, stop_signals: Sequence[int] | None = STOP_SIGNALS
) -> None:
    """Long polling until a stop signal; then a clean shutdown. Only one process polls for a
    bot: raises PollerBusy when another holds the poller's lease in the database."""
    state: BotState = application.bot_data[STATE_KEY]
    service.take_poller(state)
    try:
        every = state.settings.poller_lease_seconds / 3
        assert application.job_queue is not None
        application.job_queue.run_repeating(
            service.renew_poller, interval=every, first=every, name="poller lease"
        )
        application.run_polling(
            allowed_updates=ALLOWED_UPDATES, bootstrap_retries=3, stop_signals=stop_signals
        )
    finally:
        service.release_poller(state)


def run_webhook(
    application: BotApplication,
    webhook: Webhook,
    stop_signals: Sequence[int] | None = STOP_SIGNALS,
) -> None:
    """Serve a webhook (updates without the secret token are refused) until a stop signal.
    Several replicas may serve one bot; raises PollerBusy while a process polls for it."""
    state: BotState = application.bot_data[STATE_KEY]
    service.join_replicas(state)
    try:
        every = state.settings.poller_lease_seconds / 3
        assert application.job_queue is not None
        application.job_queue.run_repeating(
            service.renew_replica, interval=every, first=every, name="replica lease"
        )
        _serve_webhook(application, webhook, stop_signals)
    finally:
        service.leave_replicas(state)


def _serve_webhook(
    application: BotApplication, webhook: Webhook, stop_signals: Sequence[int] | None
) -> None:
    application.run_webhook(
        listen=webhook.listen,
        port=webhook.port,
        url_path=webhook.path,
        webhook_url=webhook.url,
        secret_token=webhook.secret_token,
        allowed_updates=ALLOWED_UPDATES,
        bootstrap_retries=3,
        stop_signals=stop_signals,
    )
