"""The Zalo channel: the same conversation core as Telegram's, through Zalo's Bot API.

    api.py      the Bot API over httpx: typed errors, retries with backoff when sending
    updates.py  Zalo's update objects read into `ZaloMessage`
    render.py   replies as plain text of at most 2,000 characters, buttons said as words
    seen.py     each message answered once, by its message_id (across restarts too)
    service.py  `ZaloBot`: polling or the webhook, throttling, commands, the core, admins
    webhook.py  the HTTP server Zalo posts to, with its secret-token check
    run.py      running it alone, or beside the Telegram application in one process

Nothing here imports `telegram`; the core is `bot.conversation`, the engine `index`.
"""

from .api import (
    DEFAULT_BASE_URL,
    ZaloAPI,
    ZaloError,
    ZaloForbidden,
    ZaloNetworkError,
    ZaloRetryable,
    ZaloUnauthorized,
)
from .render import (
    ARTICLE_MESSAGES,
    ZALO_LIMIT,
    ReadOn,
    article_pieces,
    article_window,
    render_reply,
    render_turn,
)
from .seen import SeenMessages
from .service import POLL_SECONDS, ZaloBot, ZaloWebhook
from .updates import ZaloMessage, parse_update

__all__ = [
    "ARTICLE_MESSAGES",
    "DEFAULT_BASE_URL",
    "POLL_SECONDS",
    "ReadOn",
    "ZALO_LIMIT",
    "SeenMessages",
    "ZaloAPI",
    "ZaloBot",
    "ZaloError",
    "ZaloForbidden",
    "ZaloMessage",
    "ZaloNetworkError",
    "ZaloRetryable",
    "ZaloUnauthorized",
    "ZaloWebhook",
    "article_pieces",
    "article_window",
    "parse_update",
    "render_reply",
    "render_turn",
]
