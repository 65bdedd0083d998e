#!/usr/bin/env python3
"""tin-so-bot: the one entry point. `python bot.py --help` lists the commands.

Settings are read here, once, and passed down; errors end as one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from bot.settings import Settings, SettingsError, load_settings
from index import DatabaseUnavailable, EmptyQuery, IndexError_, SearchEngine, SearchPage

if TYPE_CHECKING:
    from bot.app import Webhook  # imports telegram: only `run` needs it

log = logging.getLogger("tin-so-bot")

Command = Callable[[argparse.Namespace, Settings], int]


class _Parser(argparse.ArgumentParser):
    """argparse, but every usage error is a single line."""

    def error(self, message: str) -> NoReturn:
        if "invalid choice" in message:
            message = message.replace("argument command: ", "unknown command: ")
        self.exit(2, f"error: {message} (see: python bot.py --help)\n")


class _Progress:
    """A tqdm bar on a terminal, silent otherwise; usable as an `index` progress callback."""

    def __init__(self, description: str) -> None:
        self.description = description
        self.bar = None

    def __call__(self, done: int, total: int | None) -> None:
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(total=total, desc=self.description, unit="bài", disable=None)
        if total is not None and self.bar.total != total:
            self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def open_engine(settings: Settings) -> SearchEngine:
    """Open the configured database, loading the shipped sample into a new one."""
    progress = _Progress("Chuẩn bị dữ liệu")
    try:
        sample = settings.sample_dir if settings.load_sample else None
        return SearchEngine.open(settings.database_url, sample=sample, progress=progress)
    finally:
        progress.close()


# -- commands ------------------------------------------------------------------------------


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer a question as the bot would."""
    from bot.render import ANSI, PLAIN, render_results

    query = " ".join(args.query)
    engine = open_engine(settings)
    page = engine.search(query, limit=args.limit, offset=args.offset)
    if args.json:
        print(json.dumps(page_to_json(page), ensure_ascii=False, indent=2))
    else:
        style = ANSI if sys.stdout.isatty() else PLAIN
        print(render_results(page, style))
    return 0


def page_to_json(page: SearchPage) -> dict[str, object]:
    """The JSON shape of `ask --json`."""
    return {
        "query": page.query,
        "total": page.total,
        "offset": page.offset,
        "hits": [
            {
                "article_id": hit.article_id,
                "title": hit.title,
                "url": hit.url,
                "published_at": hit.published_at.isoformat(),
                "category": hit.category,
                "score": round(hit.score, 6),
                "snippet": hit.snippet.text,
                "highlights": [list(span) for span in hit.snippet.spans],
            }
            for hit in page.hits
        ],
    }


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Import article files and folders."""
    engine = open_engine(settings)
    progress = _Progress("Nhập bài")
    try:
        report = engine.ingest([Path(p) for p in args.paths], progress=progress)
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
    engine = open_engine(settings)
    progress = _Progress("Lập chỉ mục")
    try:
        report = engine.reindex(full=args.full, progress=progress)
    finally:
        progress.close()
    print(
        f"reindexed {report.indexed} articles ({report.reanalysed} re-analysed) "
        f"in {report.seconds:.2f} s"
    )
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    """Print what is stored and indexed."""
    stats = open_engine(settings).stats()
    if args.json:
        print(
            json.dumps(
                {
                    "articles": stats.articles,
                    "sources": dict(stats.sources),
                    "first_published": _iso(stats.first_published),
                    "last_published": _iso(stats.last_published),
                    "indexed": stats.indexed,
                    "index_bytes": stats.index_bytes,
                    "vocabulary": stats.vocabulary,
                    "last_reindex": _iso(stats.last_reindex),
                    "build_seconds": round(stats.build_seconds, 3),
                    "questions_today": stats.questions_today,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    sources = ", ".join(f"{name}: {count}" for name, count in stats.sources)
    first = stats.first_published.strftime("%d/%m/%Y") if stats.first_published else "-"
    last = stats.last_published.strftime("%d/%m/%Y") if stats.last_published else "-"
    reindexed = stats.last_reindex.strftime("%d/%m/%Y %H:%M") if stats.last_reindex else "never"
    print(f"articles:     {stats.articles}")
    print(f"sources:      {len(stats.sources)} ({sources})")
    print(f"date range:   {first} – {last}")
    print(
        f"index:        {stats.indexed} articles, {stats.vocabulary} words, "
        f"{stats.index_bytes / 1e6:.1f} MB, built in {stats.build_seconds:.2f} s"
    )
    print(f"last reindex: {reindexed}")
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the Telegram bot: long polling, or a webhook with --webhook-url."""
    overrides = {
        "webhook_url": args.webhook_url,
        "webhook_listen": args.listen,
        "webhook_port": args.port,
        "webhook_secret_token": args.secret_token,
    }
    settings = load_settings(**{k: v for k, v in overrides.items() if v is not None})
    settings.bot_token()  # a missing token is one line now, not an error after start-up
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # it logs every url, token included
    logging.getLogger("alembic").setLevel(logging.WARNING)

    from telegram.error import InvalidToken, NetworkError

    from bot.app import build_application, run_polling, run_webhook

    engine = open_engine(settings)
    application = build_application(settings, engine)
    try:
        if settings.webhook_url:
            run_webhook(application, _webhook(settings))
        else:
            run_polling(application)
    except InvalidToken:
        return _fail("TELEGRAM_BOT_TOKEN was refused by the Bot API: check it with @BotFather")
    except NetworkError as exc:
        where = settings.telegram_api_base_url or "https://api.telegram.org/bot"
        return _fail(f"cannot reach the Telegram Bot API at {where}: {exc}")
    finally:
        engine.close()
    log.info("stopped")
    return 0


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


def _iso(value: object) -> str | None:
    return value.isoformat() if value is not None else None  # type: ignore[attr-defined]


# -- wiring --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    parser = _Parser(prog="bot.py", description="tin-so-bot: tìm tin hoạt động sở")
    commands = parser.add_subparsers(dest="command", metavar="command", parser_class=_Parser)
    commands.required = True

    ask = commands.add_parser("ask", help="answer a question as the bot would")
    ask.add_argument("query", nargs="+", help="the question, e.g. “hội thảo chính quyền điện tử”")
    ask.add_argument("--json", action="store_true", help="print the results as JSON")
    ask.add_argument("--limit", type=_positive, default=5, help="results per page (default 5)")
    ask.add_argument("--offset", type=_non_negative, default=0, help="skip this many results")
    ask.set_defaults(handler=cmd_ask)

    ingest = commands.add_parser("ingest", help="import .txt/.json/.jsonl files or folders")
    ingest.add_argument("paths", nargs="+", help="files or folders")
    ingest.set_defaults(handler=cmd_ingest)

    reindex = commands.add_parser("reindex", help="re-analyse stale articles, rebuild the index")
    reindex.add_argument("--full", action="store_true", help="re-analyse every article")
    reindex.set_defaults(handler=cmd_reindex)

    stats = commands.add_parser("stats", help="articles, sources, dates, index size")
    stats.add_argument("--json", action="store_true", help="print as JSON")
    stats.set_defaults(handler=cmd_stats)

    run = commands.add_parser(
        "run", help="run the Telegram bot (long polling, or a webhook with --webhook-url)"
    )
    run.add_argument("--webhook-url", metavar="URL", help="public https url Telegram posts to")
    run.add_argument("--listen", metavar="ADDR", help="address to listen on (default 127.0.0.1)")
    run.add_argument("--port", type=_positive, metavar="N", help="port to listen on (default 8443)")
    run.add_argument(
        "--secret-token", metavar="S", help="webhook secret (better: WEBHOOK_SECRET_TOKEN)"
    )
    run.set_defaults(handler=cmd_run)
    return parser


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        return args.handler(args, settings)
    except SettingsError as exc:
        return _fail(f"bad setting {exc}")
    except EmptyQuery:
        return _fail("the question is empty: type a few words to search for", code=2)
    except DatabaseUnavailable as exc:
        return _fail(str(exc))
    except IndexError_ as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted", code=130)


def _fail(message: str, code: int = 1) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
