"""The Zalo webhook: an HTTP server (tornado, which python-telegram-bot's webhooks bring) that
takes Zalo's posts on the webhook url's path, refuses those without the secret token (403),
refuses bodies that are not an update (400), and answers 200 at once (the reply is sent by
the API, in its own task).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.web

if TYPE_CHECKING:
    from .service import ZaloBot, ZaloWebhook

__all__ = ["serve_webhook", "SECRET_HEADER", "MAX_BODY_BYTES"]

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 256 * 1024  # an update is a few hundred bytes


class _UpdateHandler(tornado.web.RequestHandler):
    """POST <path>: one update."""

    def initialize(self, bot: ZaloBot, secret: str) -> None:
        self.bot = bot
        self.secret = secret

    def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("refused a Zalo webhook post without the right secret token")
            self.set_status(403)
            return
        try:
            data = json.loads(self.request.body)
        except ValueError:
            log.warning("refused a Zalo webhook post that is not JSON")
            self.set_status(400)
            return
        if not self.bot.dispatch_json(data):
            self.set_status(400)
            return
        self.set_status(200)
        self.write({"ok": True})

    def data_received(self, chunk: bytes) -> None:  # pragma: no cover - bodies are not streamed
        pass


async def serve_webhook(bot: ZaloBot, webhook: ZaloWebhook) -> Callable[[], Awaitable[None]]:
    """Listen for Zalo's posts; return the coroutine function that stops listening."""
    path = "/" + urlsplit(webhook.url).path.strip("/")
    application = tornado.web.Application(
        [(rf"{path.rstrip('/')}/?", _UpdateHandler, {"bot": bot, "secret": webhook.secret_token})]
    )
    server = tornado.httpserver.HTTPServer(application, max_body_size=MAX_BODY_BYTES)
    server.listen(webhook.port, webhook.listen)
    log.info("Zalo webhook listening on %s:%d%s", webhook.listen, webhook.port, path)

    async def stop() -> None:
        server.stop()
        await server.close_all_connections()

    return stop
