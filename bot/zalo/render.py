"""A conversation's reply as Zalo messages: plain text (no markup, titles numbered, urls on their
own line), at most 2,000 characters each, the buttons said as words to type.

A long article goes out 3 messages at a time; the third ends with "gõ “đọc tiếp”" and the
next 3 follow when the user types it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from index import ArticleView

from .. import texts
from ..conversation import Article, Guide, Reply
from ..render import PLAIN, render_article, render_plain
from ..render.style import pack

__all__ = ["ZALO_LIMIT", "ARTICLE_MESSAGES", "ReadOn", "render_reply", "render_turn",
           "article_pieces", "article_window", "fit"]  # fmt: skip

ZALO_LIMIT = 2000  # characters of a text message (sendMessage refuses more)
ARTICLE_MESSAGES = 3  # messages of an article sent at once; "đọc tiếp" sends the next ones
# Room kept in every piece of an article for the "đọc tiếp" line.
_READ_ON_ROOM = len(texts.ZALO_READ_ON.format(shown=999, total=999)) + 2


@dataclass
class ReadOn:
    """Where “đọc tiếp” goes on: an article, and its next piece to send."""

    article_id: int
    next_piece: int


def fit(paragraphs: Sequence[str]) -> list[str]:
    """Paragraphs packed into as few messages within Zalo's limit as possible."""
    return pack([p for p in paragraphs if p], ZALO_LIMIT, PLAIN)


def render_reply(reply: Reply, *, admin: bool = False) -> list[str]:
    """A reply as Zalo messages (an article's first 3 only: see `render_turn`)."""
    return render_turn(reply, admin=admin)[0]


def render_turn(reply: Reply, *, admin: bool = False) -> tuple[list[str], ReadOn | None]:
    """A reply as Zalo messages, and where “đọc tiếp” goes on when an article was cut short."""
    if not any(isinstance(part, Article) for part in reply.parts):
        messages = render_plain(reply, ZALO_LIMIT)
        if admin and any(isinstance(part, Guide) for part in reply.parts):
            messages += fit([texts.ZALO_ADMIN_HELP.strip()])
        return messages, None
    messages = []
    read_on = None
    for part in reply.parts:
        if isinstance(part, Article):
            window, next_piece = article_window(article_pieces(part.article), 0)
            messages += window
            if next_piece is not None:
                read_on = ReadOn(part.article.article_id, next_piece)
        else:
            messages += render_plain(Reply((part,)), ZALO_LIMIT)
    return messages, read_on


def article_pieces(article: ArticleView) -> list[str]:
    """The whole article in pieces, each with room for the "đọc tiếp" line."""
    return render_article(article, PLAIN, ZALO_LIMIT - _READ_ON_ROOM)


def article_window(pieces: Sequence[str], start: int) -> tuple[list[str], int | None]:
    """The pieces to send from `start` (3 at most) and where the next window starts (None at
    the end); when more remain, the last message says how to read on."""
    window = list(pieces[start : start + ARTICLE_MESSAGES])
    end = start + len(window)
    if end >= len(pieces) or not window:
        return window, None
    parts = (len(pieces) + ARTICLE_MESSAGES - 1) // ARTICLE_MESSAGES
    shown = end // ARTICLE_MESSAGES
    window[-1] += "\n\n" + texts.ZALO_READ_ON.format(shown=shown, total=parts)
    return window, end
