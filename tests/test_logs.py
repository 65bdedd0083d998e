"""Secrets are redacted from every log line, whichever logger writes it and at any level."""

from __future__ import annotations

import io
import logging

from bot.logs import REDACTED, redact_secrets

TOKEN = "123456:AAH-secret_token"
SECRET = "hook-Secret_1"


def test_every_logger_and_level_and_traceback_is_redacted() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger("redaction-test")
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    root.propagate = False
    try:
        redact_secrets([TOKEN, SECRET], root)
        third_party = root.getChild("telegram.Bot")
        third_party.debug("Set Bot API URL: %s", f"https://api.telegram.org/bot{TOKEN}")
        third_party.info("webhook secret %s", SECRET)
        third_party.warning("encoded: bot123456%3AAAH-secret_token/getMe")
        try:
            raise RuntimeError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getMe")
        except RuntimeError:
            root.exception("failed")
        root.error("no args, %s literal", *())
    finally:
        root.removeHandler(handler)
    log = stream.getvalue()
    assert TOKEN not in log and SECRET not in log and "AAH-secret_token" not in log
    assert log.count(REDACTED) == 4 and "RuntimeError" in log and "Set Bot API URL" in log


def test_the_admins_error_report_never_quotes_the_token(fake_api, start_bot, monkeypatch) -> None:
    from .conftest import ADMIN_ID
    from .fakebotapi import FakeBotAPI

    running = start_bot()

    def broken(article_id: int) -> None:
        raise RuntimeError(f"cannot reach {fake_api.base_url}{fake_api.token}/getFile")

    monkeypatch.setattr(running.archive, "article", broken)
    fake_api.send_text(FakeBotAPI.user(2001, "Dân"), "/doc 1")
    report = fake_api.wait_call(
        "sendMessage",
        lambda c: c.params["chat_id"] == str(ADMIN_ID) and "RuntimeError" in c.params["text"],
    )
    assert fake_api.token not in report.params["text"] and REDACTED in report.params["text"]
