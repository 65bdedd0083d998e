"""Callback data of the inline buttons: short, stable across restarts, at most 64 bytes.

    s:<key>:<page>   a page of search results; <key> names the question (see `short_key`)
    c:<key>:<page>   a page of one category's latest articles; <key> names the category
    n:<page>         a page of the latest articles
    t:<page>         a page of today's articles
    d:<id>           read article <id> in full
    r:<key>          search what "Có phải bạn muốn tìm" offered for question <key>
    v:<id>:<u|d>     👍 (u) or 👎 (d) on answer <id>
    j:<id>:<article> article <article> was the right one for answer <id> (0: none was)
    g:<d|w>:<id>:<page>  a page of daily (d) or weekly (w) digest <id> (kept in the database)
    l                the department's contact card
    k                back to the list of categories
    x                the "page i/N" counter (does nothing)

A key is a hash, not a server-side handle: after a restart the bot can still check a question
or a category it recovers elsewhere against it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from typing import Literal, cast

__all__ = [
    "CALLBACK_DATA_LIMIT",
    "SEARCH",
    "CATEGORY",
    "LATEST",
    "TODAY",
    "Kind",
    "PageRef",
    "ReadRef",
    "SuggestRef",
    "SUGGEST_PATTERN",
    "COUNTER",
    "CATEGORIES",
    "PAGE_PATTERN",
    "READ_PATTERN",
    "VoteRef",
    "JudgeRef",
    "DigestRef",
    "DIGEST_PATTERN",
    "VOTE_PATTERN",
    "JUDGE_PATTERN",
    "CONTACT",
    "short_key",
    "encode",
    "decode",
]

CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit

SEARCH: Literal["s"] = "s"
CATEGORY: Literal["c"] = "c"
LATEST: Literal["n"] = "n"
TODAY: Literal["t"] = "t"
Kind = Literal["s", "c", "n", "t"]

COUNTER = "x"
CATEGORIES = "k"
PAGE_PATTERN = r"^(?:[sc]:[A-Za-z0-9_-]{8}|[nt]):[0-9]{1,9}$"
READ_PATTERN = r"^d:[0-9]{1,19}$"
MAX_ARTICLE_ID = 2**63 - 1  # the largest id a database integer holds
SUGGEST_PATTERN = r"^r:[A-Za-z0-9_-]{8}$"
VOTE_PATTERN = r"^v:[0-9]{1,19}:[ud]$"
JUDGE_PATTERN = r"^j:[0-9]{1,19}:[0-9]{1,19}$"
DIGEST_PATTERN = r"^g:[dw]:[0-9]{1,19}:[0-9]{1,9}$"
CONTACT = "l"

_PAGE = re.compile(
    r"(?P<kind>[sc]):(?P<key>[A-Za-z0-9_-]{8}):(?P<page>[0-9]{1,9})"
    r"|(?P<plain>[nt]):(?P<latest>[0-9]{1,9})"
)
_READ = re.compile(r"d:(?P<id>[0-9]{1,19})")
_SUGGEST = re.compile(r"r:(?P<key>[A-Za-z0-9_-]{8})")
_VOTE = re.compile(r"v:(?P<id>[0-9]{1,19}):(?P<vote>[ud])")
_JUDGE = re.compile(r"j:(?P<id>[0-9]{1,19}):(?P<article>[0-9]{1,19})")
_DIGEST = re.compile(r"g:(?P<period>[dw]):(?P<id>[0-9]{1,19}):(?P<page>[0-9]{1,9})")


@dataclass(frozen=True)
class PageRef:
    """A page (0-based) of a list: search results, a category, or the latest articles."""

    kind: Kind
    key: str
    page: int


@dataclass(frozen=True)
class ReadRef:
    """The whole text of one article."""

    article_id: int


@dataclass(frozen=True)
class SuggestRef:
    """The question the engine suggested instead of question <key>."""

    key: str


@dataclass(frozen=True)
class VoteRef:
    """👍 (`up`) or 👎 on an answer."""

    answer_id: int
    up: bool


@dataclass(frozen=True)
class JudgeRef:
    """The right article for an answer (0: none of those shown)."""

    answer_id: int
    article_id: int


@dataclass(frozen=True)
class DigestRef:
    """A page (0-based) of a digest sent to the chat; `weekly` names its period."""

    digest_id: int
    weekly: bool
    page: int


Ref = PageRef | ReadRef | SuggestRef | VoteRef | JudgeRef | DigestRef


def short_key(text: str) -> str:
    """Eight url-safe characters naming `text`; the same in every process and after restarts."""
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=6).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def encode(ref: Ref) -> str:
    """The callback data of a button."""
    if isinstance(ref, VoteRef):
        return f"v:{ref.answer_id}:{'u' if ref.up else 'd'}"
    if isinstance(ref, JudgeRef):
        return f"j:{ref.answer_id}:{ref.article_id}"
    if isinstance(ref, ReadRef):
        return f"d:{ref.article_id}"
    if isinstance(ref, DigestRef):
        return f"g:{'w' if ref.weekly else 'd'}:{ref.digest_id}:{ref.page}"
    if isinstance(ref, SuggestRef):
        return f"r:{ref.key}"
    if ref.kind in (LATEST, TODAY):
        return f"{ref.kind}:{ref.page}"
    return f"{ref.kind}:{ref.key}:{ref.page}"


def decode(data: str | None) -> Ref | None:
    """The reference in callback data; None for anything this version does not understand
    (callback data is not to be trusted: a client can send any bytes for a bot's message)."""
    if not data:
        return None
    if match := _PAGE.fullmatch(data):
        if match["latest"] is not None:
            return PageRef(cast(Kind, match["plain"]), "", int(match["latest"]))
        return PageRef(cast(Kind, match["kind"]), match["key"], int(match["page"]))
    if (match := _READ.fullmatch(data)) and 0 < int(match["id"]) <= MAX_ARTICLE_ID:
        return ReadRef(int(match["id"]))
    if match := _SUGGEST.fullmatch(data):
        return SuggestRef(match["key"])
    if (match := _VOTE.fullmatch(data)) and 0 < int(match["id"]) <= MAX_ARTICLE_ID:
        return VoteRef(int(match["id"]), match["vote"] == "u")
    if (
        (match := _JUDGE.fullmatch(data))
        and 0 < int(match["id"]) <= MAX_ARTICLE_ID
        and int(match["article"]) <= MAX_ARTICLE_ID
    ):
        return JudgeRef(int(match["id"]), int(match["article"]))
    if (match := _DIGEST.fullmatch(data)) and 0 < int(match["id"]) <= MAX_ARTICLE_ID:
        return DigestRef(int(match["id"]), match["period"] == "w", int(match["page"]))
    return None
