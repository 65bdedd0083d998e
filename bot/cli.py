"""The command line: `python bot.py --help` (or `tin-so-bot --help` once installed).

Settings are read here, once, and passed down; errors end as one line on stderr.
"""

from __future__ import annotations

import argparse
import atexit
import csv
import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Never, NoReturn

from bot.settings import Settings, SettingsError, load_settings
from index import Archive, DatabaseUnavailable, EmptyQuery, IngestWorkers, SearchFilters, TinSoError

if TYPE_CHECKING:
    from tqdm import tqdm

    from bot.app import Webhook  # imports telegram: only `run` needs it
    from bot.zalo import ZaloWebhook
    from index import Report
    from index.crawl import CrawlProgress, CrawlReport, SourceConfig, SourcesFile

log = logging.getLogger("tin-so-bot")


class _Parser(argparse.ArgumentParser):
    """argparse, but every usage error is a single line."""

    def error(self, message: str) -> NoReturn:
        if "invalid choice" in message:
            message = message.replace("argument command: ", "unknown command: ")
        command = self.prog.split()[0]
        shown = f"python {command}" if command.endswith(".py") else command
        self.exit(2, f"error: {message} (see: {shown} --help)\n")


class _ProgressBar:
    """A tqdm bar on a terminal, silent otherwise; usable as an `index` progress callback."""

    def __init__(self, description: str) -> None:
        self.description = description
        self.bar: tqdm[Never] | None = None

    def __call__(self, done: int, total: int | None) -> None:
        from tqdm import tqdm

        bar = self.bar
        if bar is None:
            bar = tqdm(total=total, desc=self.description, unit="bài", disable=None)
            self.bar = bar
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def open_archive(settings: Settings) -> Archive:
    """Open the configured database, loading the shipped sample into a new one."""
    progress = _ProgressBar("Chuẩn bị dữ liệu")
    try:
        sample = settings.sample_dir if settings.load_sample else None
        return Archive.open(
            settings.database_url,
            sample=sample,
            dictionary=settings.dictionary_file,
            index_dir=settings.index_dir,
            progress=progress,
            ingest_workers=IngestWorkers(settings.ingest_workers, settings.ingest_pool_min_chars),
        )
    finally:
        progress.close()


# -- commands ------------------------------------------------------------------------------


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer a question as the bot would."""
    from bot.render import ANSI, PLAIN, render_results
    from bot.render.json import page_to_json

    query = " ".join(args.query)
    archive = open_archive(settings)
    filters = None
    if args.since or args.until or args.category:
        filters = SearchFilters(args.since, _end_of_day(args.until), args.category)
    try:
        page = archive.search(query, limit=args.limit, offset=args.offset, filters=filters)
    finally:
        archive.close()  # `run` leaves without the interpreter's teardown, which closed it
    if args.json:
        print(json.dumps(page_to_json(page), ensure_ascii=False, indent=2))
    else:
        style = ANSI if sys.stdout.isatty() else PLAIN
        print(render_results(page, style))
    return 0


def _end_of_day(value: datetime | None) -> datetime | None:
    """--until 30/06/2019 includes that whole day."""
    if value is None or (value.hour, value.minute, value.second) != (0, 0, 0):
        return value
    return value.replace(hour=23, minute=59, second=59, microsecond=999999)


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """Talk to the conversation core in the terminal, as a channel without buttons would."""
    import secrets

    from bot.conversation import Channel, ChatKeys, Conversation, Incoming
    from bot.department import load_department
    from bot.render import render_plain

    secret = settings.chat_id_secret
    key = secret.get_secret_value() if secret else secrets.token_urlsafe(32)
    archive = open_archive(settings)
    contact = load_department(settings.department_file)
    conversation = Conversation(archive, ChatKeys(key), contact=contact)
    chat = args.chat or "terminal"
    for line in sys.stdin:
        text = line.strip()
        if not text:
            continue
        archive.refresh()  # what other processes stored meanwhile (cheap when nothing changed)
        reply = conversation.handle(Incoming(Channel.TERMINAL, chat, text=text))
        print("\n\n".join(render_plain(reply)), end="\n\n", flush=True)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Retrieval quality, as written and without diacritics; or, with --answers, the answer
    line's precision, coverage and false answers."""
    from index.evaluation import METRICS, run_eval

    if args.answers:
        return _eval_answers(args, settings)
    if not args.folder:
        return _fail("give a BEIR folder, or --answers FOLDER (see: python bot.py eval --help)", 2)
    folder = Path(args.folder)
    if not folder.is_dir():
        return _fail(f"{folder}: no such folder")
    progress = _ProgressBar("Nạp bộ đánh giá")
    try:
        report = run_eval(folder, dictionary=settings.dictionary_file, progress=progress)
    finally:
        progress.close()
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(f"{report.name}: {report.queries} judged queries")
    rows = [("as written", report.as_written), ("without diacritics", report.without_diacritics)]
    rows += [(f"{label} ({count})", metrics) for label, (count, metrics) in report.groups.items()]
    width = max(22, *(len(label) + 2 for label, _ in rows))
    print(" " * width + "".join(f"{name:>11}" for name in METRICS))
    for label, metrics in rows:
        print(f"{label:{width}}" + "".join(f"{metrics[name]:>11.4f}" for name in METRICS))
    return 0


def _eval_answers(args: argparse.Namespace, settings: Settings) -> int:
    """`eval --answers FOLDER`: the answer line judged on a who/where/when/how-many set."""
    from index.evaluation import run_answer_eval

    folder = Path(args.answers)
    if not folder.is_dir():
        return _fail(f"{folder}: no such folder")
    progress = _ProgressBar("Nạp bộ đánh giá")
    try:
        report = run_answer_eval(
            folder,
            vietnews=Path(args.vietnews) if args.vietnews else None,
            dictionary=settings.dictionary_file,
            progress=progress,
        )
    finally:
        progress.close()
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(f"{report.name}: {len(report.outcomes)} questions")
    print(f"{'':22}{'precision':>11}{'coverage':>11}{'false':>11}{'shown':>11}")
    for label, figures in (
        ("all", report.overall),
        ("tuning half (odd)", report.tuning),
        ("held-out half (even)", report.held_out),
    ):
        print(
            f"{label:22}{figures.precision:>11.3f}{figures.coverage:>11.3f}"
            f"{figures.false_rate:>11.3f}{figures.shown:>11}"
        )
    return 0


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Import article files and folders."""
    archive = open_archive(settings)
    progress = _ProgressBar("Nhập bài")
    try:
        report = archive.ingest(
            [Path(p) for p in args.paths], progress=progress, notify=not args.no_notify
        )
    finally:
        progress.close()
    for problem in report.problems:
        label = "skipped" if problem.skipped else "note"
        print(f"{label}: {problem}", file=sys.stderr)
    print(
        f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
        f"failed {report.failed}"
    )
    return 0 if report.ok else 1


def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    """Re-analyse stale articles and rebuild the index."""
    archive = open_archive(settings)
    progress = _ProgressBar("Lập chỉ mục")
    try:
        report = archive.reindex(full=args.full, progress=progress)
    finally:
        progress.close()
    print(
        f"reindexed {report.indexed} articles ({report.reanalysed} re-analysed) "
        f"in {report.seconds:.2f} s"
    )
    return 0


def cmd_crawl(args: argparse.Namespace, settings: Settings) -> int:
    """Crawl the enabled sources, one source, or one url, and store what is new."""
    from index.crawl import CrawlReport, load_sources

    sources = load_sources(settings.sources_file)
    chosen = _chosen_sources(args.target, sources, settings.sources_file)
    archive = open_archive(settings)
    reports: list[CrawlReport] = []
    for source in chosen:
        name = source if isinstance(source, str) else source.name
        progress = _CrawlProgressBar(f"Thu thập {name}")
        try:
            report = archive.crawl(
                source,
                sources,
                since=args.since,
                max_pages=args.max_pages,
                refresh=args.refresh,
                progress=progress,
            )
        finally:
            progress.close()
        for problem in report.problems:
            print(f"{problem.kind}: {problem}", file=sys.stderr)
        if len(chosen) > 1:
            print(f"{report.source}: {report.summary()}")
        reports.append(report)
    counts = ("added", "updated", "unchanged", "failed", "removed")
    total = CrawlReport(
        source="",
        started_at=reports[0].started_at,
        finished_at=reports[-1].finished_at,
        **{k: sum(getattr(r, k) for r in reports) for k in counts},
    )
    print(total.summary())
    if total.changed:
        archive.refresh()
    return 0 if total.ok else 1


def _chosen_sources(
    target: str | None, sources: SourcesFile, path: Path
) -> list[SourceConfig | str]:
    """The sources a `crawl` command names: all enabled ones, one by name, or one url."""
    from index.crawl import UnknownSource

    chosen = sources.select(target)
    if not chosen:
        raise UnknownSource(
            f"no enabled source in {path}: enable one, or give a source name or a url"
        )
    return chosen


class _CrawlProgressBar:
    """The progress bar of the article pages being fetched."""

    def __init__(self, description: str) -> None:
        self.bar = _ProgressBar(description)

    def __call__(self, progress: CrawlProgress) -> None:
        from index.crawl import CrawlStage

        if progress.stage is CrawlStage.FETCHING and progress.total:
            self.bar(progress.done, progress.total)

    def close(self) -> None:
        self.bar.close()


def cmd_delete(args: argparse.Namespace, settings: Settings) -> int:
    """Take articles down, named by id or url."""
    targets: list[int | str] = [int(t) if t.isdigit() else t for t in args.targets]
    archive = open_archive(settings)
    done = archive.delete(targets)
    for missing in done.missing:
        print(f"not found: {missing}", file=sys.stderr)
    print(
        f"deleted {len(done.deleted)}"
        + (f": {' '.join(map(str, done.deleted))}" if done.deleted else "")
    )
    return 0 if done.deleted and not done.missing else 1


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    """Print what is stored and indexed, and how crawling each source went."""
    from bot.render.cli import stats_lines
    from bot.render.json import stats_to_json
    from index.crawl import SourcesError, load_sources

    archive = open_archive(settings)
    stats = archive.stats()
    try:
        configured = load_sources(settings.sources_file).sources
    except SourcesError as exc:
        print(f"note: {exc}", file=sys.stderr)
        configured = ()
    health = archive.crawl_health(configured)
    if args.json:
        print(json.dumps(stats_to_json(stats, health), ensure_ascii=False, indent=2))
    else:
        print("\n".join(stats_lines(stats, health)))
    return 0


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    """The period's questions and feedback; the rows as CSV, the judgments as a BEIR set."""
    from datetime import timedelta

    from bot.render import PLAIN, render_report

    since: datetime = args.since
    until = (args.until or datetime.now(since.tzinfo)).replace(
        hour=0, minute=0, second=0, microsecond=0
    ) + timedelta(days=1)  # the last day is included whole
    if until <= since:
        return _fail("--until is before --since", 2)
    archive = open_archive(settings)
    found = archive.report(since, until, limit=None)
    print("\n\n".join(render_report(found, PLAIN, limit=1_000_000, fix_hint=False)))
    if args.csv:
        rows = _report_rows(found)
        with Path(args.csv).open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(REPORT_COLUMNS)
            writer.writerows(rows)
        print(f"\n{len(rows)} rows written to {args.csv}", file=sys.stderr)
    if args.qrels:
        from index.evaluation import export_judgments

        written = export_judgments(archive, found, Path(args.qrels))
        print(
            f"{written} judged questions written to {args.qrels} "
            f"(measure with: python bot.py eval {args.qrels})",
            file=sys.stderr,
        )
    return 0


REPORT_COLUMNS = ("kind", "question", "asked", "results", "up", "down", "article_id", "title")


def _report_rows(found: Report) -> list[tuple[object, ...]]:
    """One CSV row per question asked, disliked or judged (kind: asked, no_result, disliked,
    judged)."""
    rows: list[tuple[object, ...]] = []
    for count in found.top:
        rows.append(("asked", count.question, count.asked, count.results, "", "", "", ""))
    for count in found.unanswered:
        rows.append(("no_result", count.question, count.asked, 0, "", "", "", ""))
    for voted in found.disliked:
        rows.append(("disliked", voted.question, "", "", voted.up, voted.down, "", ""))
    for judged in found.judgments:
        rows.append(
            ("judged", judged.question, judged.count, "", "", "", judged.article_id, judged.title)
        )
    return rows


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the bot on every channel whose token is set (Telegram, Zalo, or both in one process
    sharing one engine): long polling, or webhooks with --webhook-url."""
    overrides = {
        "webhook_url": args.webhook_url,
        "webhook_listen": args.listen,
        "webhook_port": args.port,
        "webhook_secret_token": args.secret_token,
        "zalo_webhook_port": args.zalo_port,
    }
    settings = load_settings(**{k: v for k, v in overrides.items() if v is not None})
    channels = _channels(settings, args.channel)  # a missing token is one line now
    settings.chat_secret()  # so is a missing secret for the chat ids
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    from bot.logs import redact_secrets
    from bot.zalo.run import zalo_webhook

    webhook = _webhook(settings) if "telegram" in channels and settings.webhook_url else None
    zalo_hook = zalo_webhook(settings) if "zalo" in channels else None
    redact_secrets(
        [
            *settings.secrets(),
            webhook.secret_token if webhook else "",
            zalo_hook.secret_token if zalo_hook else "",
        ]
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # it logs every url, token included
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # two lines a minute per job
    logging.getLogger("tornado.access").setLevel(logging.WARNING)

    from index.crawl import load_sources

    sources = load_sources(settings.sources_file)  # a mistake in it is one line, before start-up
    archive = open_archive(settings)
    try:
        if "telegram" in channels:
            return _run_telegram(settings, archive, sources, webhook, "zalo" in channels, zalo_hook)
        return _run_zalo(settings, archive, sources, zalo_hook)
    finally:
        archive.close()


def _channels(settings: Settings, chosen: str | None) -> tuple[str, ...]:
    """The channels `run` serves: those with a token, or the one --channel picks."""
    if chosen == "telegram":
        settings.bot_token()
        return ("telegram",)
    if chosen == "zalo":
        settings.zalo_token()
        return ("zalo",)
    return settings.channels()


def _run_telegram(
    settings: Settings,
    archive: Archive,
    sources: SourcesFile,
    webhook: Webhook | None,
    with_zalo: bool,
    zalo_hook: ZaloWebhook | None,
) -> int:
    """The Telegram application (and the Zalo bot beside it, started and stopped by its
    hooks, on the same engine) until a stop signal."""
    from telegram.error import InvalidToken, NetworkError

    from bot.app import build_application, run_polling, run_webhook
    from bot.context import STATE_KEY
    from bot.service import PollerBusy
    from bot.zalo import ZaloNetworkError, ZaloUnauthorized

    application = build_application(settings, archive, sources)
    if with_zalo:
        _attach_zalo(application, settings, zalo_hook, STATE_KEY)
    try:
        if webhook is not None:
            run_webhook(application, webhook)
        else:
            run_polling(application)
    except PollerBusy as exc:
        return _fail(str(exc))
    except InvalidToken:
        return _fail("TELEGRAM_BOT_TOKEN was refused by the Bot API: check it with @BotFather")
    except NetworkError as exc:
        where = settings.telegram_api_base_url or "https://api.telegram.org/bot"
        return _fail(f"cannot reach the Telegram Bot API at {where}: {exc}")
    except ZaloUnauthorized:
        return _fail(_ZALO_REFUSED)
    except ZaloNetworkError as exc:
        return _fail(_zalo_unreachable(settings, exc))
    log.info("stopped")
    return 0


def _attach_zalo(
    application: Any, settings: Settings, hook: ZaloWebhook | None, state_key: str
) -> None:
    """Start the Zalo bot after the Telegram application's own start-up, on its engine, and
    stop it before the engine closes."""
    from bot.zalo.run import build_zalo

    state = application.bot_data[state_key]
    zalo = build_zalo(settings, state.archive, state.conversation, state.crawls, hook)
    zalo.reindex_flag = state  # one reindex at a time, whichever channel asked
    zalo.matches_news = False  # the Telegram news job matches; each channel sends its own
    started, stopped = application.post_init, application.post_stop

    async def post_init(app: Any) -> None:
        if started is not None:
            await started(app)
        await zalo.start()

    async def post_stop(app: Any) -> None:
        await zalo.stop()
        if stopped is not None:
            await stopped(app)

    application.post_init, application.post_stop = post_init, post_stop


def _run_zalo(
    settings: Settings, archive: Archive, sources: SourcesFile, hook: ZaloWebhook | None
) -> int:
    """The Zalo bot alone until a stop signal."""
    import asyncio

    from bot.conversation import ChatKeys, Conversation
    from bot.crawl_jobs import CrawlJobs
    from bot.department import load_department
    from bot.desk import news_desk
    from bot.zalo import ZaloNetworkError, ZaloUnauthorized
    from bot.zalo.run import build_zalo, serve_alone

    contact = load_department(settings.department_file)
    keys, news = ChatKeys(settings.chat_secret()), news_desk(archive, settings)
    conversation = Conversation(archive, keys, contact=contact, news=news)
    crawls = CrawlJobs(archive, sources, settings.crawl_lease_seconds)
    zalo = build_zalo(settings, archive, conversation, crawls, hook)
    try:
        asyncio.run(
            serve_alone(zalo, settings.crawl_check_seconds, follow_every=settings.follow_seconds)
        )
    except ZaloUnauthorized:
        return _fail(_ZALO_REFUSED)
    except ZaloNetworkError as exc:
        return _fail(_zalo_unreachable(settings, exc))
    log.info("stopped")
    return 0


_ZALO_REFUSED = "ZALO_BOT_TOKEN was refused by the Zalo Bot API: check it in Zalo Bot Manager"


def _zalo_unreachable(settings: Settings, exc: Exception) -> str:
    from bot.zalo import DEFAULT_BASE_URL

    where = settings.zalo_api_base_url or DEFAULT_BASE_URL
    return f"cannot reach the Zalo Bot API at {where}: {exc}"


def _webhook(settings: Settings) -> Webhook:
    """The webhook to serve; without a configured secret, a random one for this run."""
    import secrets

    from bot.app import Webhook

    if settings.webhook_secret_token is not None:
        secret = settings.webhook_secret_token.get_secret_value()
    else:
        secret = secrets.token_urlsafe(32)
        log.warning("no WEBHOOK_SECRET_TOKEN set: using a random one for this run")
    assert settings.webhook_url is not None
    return Webhook(settings.webhook_url, settings.webhook_listen, settings.webhook_port, secret)


# -- wiring --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    parser = _Parser(description="tin-so-bot: tìm tin hoạt động sở")
    commands = parser.add_subparsers(dest="command", metavar="command", parser_class=_Parser)
    commands.required = True
    _reading_commands(commands)
    _writing_commands(commands)
    _run_command(commands)
    _service_commands(commands)
    return parser


Commands = argparse._SubParsersAction  # what add_subparsers returns


def _reading_commands(commands: Commands[_Parser]) -> None:
    """ask, chat, eval, report, stats."""
    ask = commands.add_parser("ask", help="answer a question as the bot would")
    ask.add_argument("query", nargs="+", help="the question, e.g. “hội thảo chính quyền điện tử”")
    ask.add_argument("--json", action="store_true", help="print the results as JSON")
    ask.add_argument("--limit", type=_positive, default=5, help="results per page (default 5)")
    ask.add_argument("--offset", type=_non_negative, default=0, help="skip this many results")
    ask.add_argument("--since", type=_date, help="published on or after this date")
    ask.add_argument("--until", type=_date, help="published on or before this date")
    ask.add_argument("--category", help="only this category (its name, any case)")
    ask.set_defaults(handler=cmd_ask)

    _eval_command(commands)

    chat = commands.add_parser(
        "chat", help="talk to the bot in the terminal (one message a line, plain text replies)"
    )
    chat.add_argument("--chat", help="the chat to continue (default: terminal)")
    chat.set_defaults(handler=cmd_chat)

    report = commands.add_parser(
        "report", help="questions asked, without results, disliked, and judged in a period"
    )
    report.add_argument("--since", type=_date, required=True, help="the period's first day")
    report.add_argument("--until", type=_date, help="the period's last day (default: today)")
    report.add_argument("--csv", metavar="FILE", help="also write every row as CSV")
    report.add_argument(
        "--qrels", metavar="FOLDER", help="write the judgments as a BEIR set for `eval`"
    )
    report.set_defaults(handler=cmd_report)

    stats = commands.add_parser("stats", help="articles, sources, dates, index size, crawl health")
    stats.add_argument("--json", action="store_true", help="print as JSON")
    stats.set_defaults(handler=cmd_stats)


def _eval_command(commands: Commands[_Parser]) -> None:
    """eval FOLDER | eval --answers FOLDER."""
    evaluate = commands.add_parser(
        "eval",
        help="measure retrieval quality on a BEIR-layout set (corpus, queries, qrels), "
        "or the answer line with --answers",
    )
    evaluate.add_argument(
        "folder", nargs="?", help="a folder with corpus.jsonl, queries.jsonl, qrels.tsv"
    )
    evaluate.add_argument(
        "--answers", metavar="FOLDER", help="an answer-line set, e.g. data/eval/answers"
    )
    evaluate.add_argument(
        "--vietnews",
        metavar="FILE",
        help="vietnews-val.jsonl.gz (default: found in a shared/data/vietnews folder above)",
    )
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.set_defaults(handler=cmd_eval)


def _writing_commands(commands: Commands[_Parser]) -> None:
    """ingest, reindex, crawl."""
    ingest = commands.add_parser("ingest", help="import .txt/.json/.jsonl files or folders")
    ingest.add_argument("paths", nargs="+", help="files or folders")
    ingest.add_argument(
        "--no-notify",
        action="store_true",
        help="an archive import: tell no subscriber of the new articles",
    )
    ingest.set_defaults(handler=cmd_ingest)

    reindex = commands.add_parser("reindex", help="re-analyse stale articles, rebuild the index")
    reindex.add_argument("--full", action="store_true", help="re-analyse every article")
    reindex.set_defaults(handler=cmd_reindex)

    crawl = commands.add_parser(
        "crawl", help="fetch new articles from the portals in data/sources.toml"
    )
    crawl.add_argument(
        "target", nargs="?", metavar="SOURCE|URL",
        help="a source name from the sources file, or a feed, sitemap, list page or article url "
        "(default: every enabled source)",
    )  # fmt: skip
    crawl.add_argument("--since", type=_date, help="skip articles listed as older than this date")
    crawl.add_argument("--max-pages", type=_positive, help="list pages (or sitemap files) per list")
    crawl.add_argument("--refresh", action="store_true", help="fetch known articles again")
    crawl.set_defaults(handler=cmd_crawl)

    delete = commands.add_parser("delete", help="take articles down (by id or url)")
    delete.add_argument("targets", nargs="+", metavar="ID|URL", help="article ids or urls")
    delete.set_defaults(handler=cmd_delete)


def _run_command(commands: Commands[_Parser]) -> None:
    """run."""
    run = commands.add_parser(
        "run",
        help="run the bot on every channel whose token is set (Telegram, Zalo): long polling, "
        "or webhooks with --webhook-url",
    )
    run.add_argument(
        "--channel", choices=("telegram", "zalo"), help="serve only this channel (default: each "
        "channel whose token is set)",
    )  # fmt: skip
    run.add_argument(
        "--webhook-url", metavar="URL",
        help="public https url Telegram posts to (Zalo: this url + /zalo, unless ZALO_WEBHOOK_URL)",
    )  # fmt: skip
    run.add_argument("--listen", metavar="ADDR", help="address to listen on (default 127.0.0.1)")
    run.add_argument("--port", type=_positive, metavar="N", help="port to listen on (default 8443)")
    run.add_argument(
        "--secret-token", metavar="S", help="webhook secret (better: WEBHOOK_SECRET_TOKEN)"
    )
    run.add_argument(
        "--zalo-port", type=_positive, metavar="N",
        help="port Zalo's webhook listens on (default 8444)",
    )  # fmt: skip
    run.set_defaults(handler=cmd_run)


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _date(text: str) -> datetime:
    from index import parse_date

    value = parse_date(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (e.g. 01/06/2024 or 2024-06-01)")
    return value


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def run(argv: Sequence[str] | None = None) -> NoReturn:
    """The program (`bot.py`, `tin-so-bot`): `main`, and after an `ask` a quick exit."""
    args = _parse(argv)
    code = _dispatch(args)
    if args.handler is cmd_ask:
        _leave(code)
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    return _dispatch(_parse(argv))


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return build_parser().parse_args(argv)


def _leave(code: int) -> NoReturn:
    """Exit with `code` at once. The interpreter's teardown (freeing the word segmenter's model,
    the mapped index and every module, object by object) took 0.15 s after an `ask` that had
    answered in 0.8: the exit handlers run (logging, the index keeper), the output is flushed,
    and the process ends. With a thread of its own still running, it exits the ordinary way."""
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if any(t.is_alive() and not t.daemon for t in others):
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away, as in `main`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.stderr.flush()
    os._exit(code)


def _dispatch(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
        handler: Callable[[argparse.Namespace, Settings], int] = args.handler
        return handler(args, settings)
    except SettingsError as exc:
        return _fail(f"bad setting {exc}")
    except EmptyQuery:
        return _fail("the question is empty: type a few words to search for", code=2)
    except DatabaseUnavailable as exc:
        return _fail(str(exc))
    except TinSoError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted", code=130)
    except BrokenPipeError:
        # The reader went away (`python bot.py ask ... | head`): not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


# -- running as a service: backup, restore, upgrade, health --------------------------------


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    """Write a consistent snapshot of the database and its index into a new folder."""
    from index import backup

    archive = open_archive(settings)
    try:
        report = backup(archive, Path(args.folder))
    finally:
        archive.close()
    print(
        f"backed up the {report.database} database and index generation "
        f"{report.index_generation} into {Path(args.folder).resolve()} "
        f"({report.bytes / 1e6:.1f} MB in {report.seconds:.1f} s)"
    )
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    """Bring a backup back into an empty DATABASE_URL and INDEX_DIR, then check it opens."""
    from index import restore

    report = restore(Path(args.folder), settings.database_url, settings.index_dir)
    archive = Archive.open(
        settings.database_url, dictionary=settings.dictionary_file, index_dir=settings.index_dir
    )
    try:
        stats = archive.stats()
        health = archive.health()
    finally:
        archive.close()
    print(
        f"restored the backup of {report.created_at}: {stats.articles} articles, index "
        f"generation {health.generation} ({stats.indexed} indexed) in {report.seconds:.1f} s"
    )
    return 0


def cmd_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    """Apply the database migrations; rebuild the index only if its format changed."""
    from index import upgrade

    report = upgrade(settings.database_url, settings.index_dir, settings.dictionary_file)
    schema = (
        f"schema {report.schema_before} -> {report.schema_after}"
        if report.schema_before != report.schema_after
        else f"schema {report.schema_after} (up to date)"
    )
    index = "rebuilt" if report.index_rebuilt else "kept"
    print(
        f"{schema}; index format {report.index_format} {index} "
        f"(generation {report.index_generation})"
    )
    return 0


def cmd_health(args: argparse.Namespace, settings: Settings) -> int:
    """Print what /healthz answers; exit 1 when the database or the index is unavailable."""
    from bot.service import health_body
    from index import Health, HealthProblem

    try:
        archive = Archive.open(
            settings.database_url, dictionary=settings.dictionary_file, index_dir=settings.index_dir
        )
    except DatabaseUnavailable as exc:
        log.warning("%s", exc)
        health = Health((HealthProblem.DATABASE_UNREACHABLE,), None, None, None, None, None, None)
    else:
        try:
            health = archive.health()
        finally:
            archive.close()
    print(json.dumps(health_body(health), indent=2))
    return 0 if health.ok else 1


def _service_commands(commands: Commands[_Parser]) -> None:
    """backup, restore, upgrade, health."""
    saving = commands.add_parser(
        "backup", help="write the database and its index into a new folder (consistent)"
    )
    saving.add_argument("folder", help="a new or empty folder")
    saving.set_defaults(handler=cmd_backup)
    restoring = commands.add_parser(
        "restore", help="bring a backup back into an empty DATABASE_URL and INDEX_DIR"
    )
    restoring.add_argument("folder", help="a folder written by `backup`")
    restoring.set_defaults(handler=cmd_restore)
    upgrading = commands.add_parser(
        "upgrade", help="apply database migrations; rebuild the index only if its format changed"
    )
    upgrading.set_defaults(handler=cmd_upgrade)
    health = commands.add_parser("health", help="what /healthz answers; exit 1 when unhealthy")
    health.set_defaults(handler=cmd_health)


def _fail(message: str, code: int = 1) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code
