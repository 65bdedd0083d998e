"""What a message means in a conversation, decided in a fixed, tested order:

1. nothing to search ("???")                          → EMPTY
2. the whole message is a phrase of the dictionary's [trò chuyện] table, give or take a form of
   address and a particle ("cảm ơn bạn nhiều nhé", "tin mới nhất", "tiếp")  → that intent
3. a reference to the list shown ("đọc 2", "bài thứ 2 nói gì", "bài đầu", "bài đó")
                                                       → READ_NUMBER / READ_LAST / READ_THAT
4. an elliptical follow-up ("còn hội sách thì sao", "thế còn X", "X nữa")   → FOLLOW_UP with X
5. a greeting before a question ("chào bạn, hội sách ở đâu")  → rule 2-7 on the question
6. another language ("covid news")                     → FOREIGN (then a search all the same)
7. anything else                                       → SEARCH

A real question that contains a phrase of the table ("thư cảm ơn của Chủ tịch", "hướng dẫn thủ
tục đăng ký") is not the phrase: rule 2 wants the whole message. Typed without diacritics, the
message matches by its folded form ("cam on", "tin moi nhat").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from index import fold, is_vietnamese, lower

__all__ = ["Intent", "Understood", "ChatTable", "understand"]


class Intent(StrEnum):
    """What a message asks; the first group are the dictionary's [trò chuyện] names."""

    GREETING = "chào"
    THANKS = "cảm ơn"
    GOODBYE = "tạm biệt"
    WHO_AM_I = "bạn là ai"
    HELP = "giúp"
    COMPLAINT = "phàn nàn"
    ACKNOWLEDGED = "đồng ý"
    LATEST = "tin mới"
    TODAY = "tin hôm nay"
    NEXT = "tiếp"
    PREVIOUS = "trước"
    CATEGORIES = "chuyên mục"
    DETAILS = "chi tiết"
    OLDER = "cũ hơn"
    NEWER = "mới hơn"
    FORGET = "xóa dữ liệu"
    EMPTY = "empty"
    READ_NUMBER = "read_number"
    READ_LAST = "read_last"
    READ_THAT = "read_that"
    FOLLOW_UP = "follow_up"
    FOREIGN = "foreign"
    SEARCH = "search"


@dataclass(frozen=True)
class Understood:
    """An intent, with the words it carries (a question) or a number (an article's place)."""

    intent: Intent
    words: str = ""
    number: int | None = None


class ChatTable:
    """The [trò chuyện] table of the dictionary: phrase (lower case, and folded) → intent."""

    def __init__(self, table: Sequence[tuple[str, Sequence[str]]]) -> None:
        self._exact: dict[str, Intent] = {}
        self._folded: dict[str, Intent] = {}
        for name, phrases in table:
            intent = Intent(name)
            for phrase in phrases:
                key = _key(phrase)
                self._exact.setdefault(key, intent)
                self._folded.setdefault(_fold(key), intent)

    def intent_of(self, text: str) -> Intent | None:
        """The intent of a whole message, with diacritics when it has them."""
        key = _key(text)
        if not key:
            return None
        if _fold(key) != key:
            return self._exact.get(key)
        return self._folded.get(key)


# Forms of address and particles a short message may wear: "cảm ơn bạn nhiều nhé", "bot ơi".
_WRAPPING = frozenset(
    str.split(
        "bạn bot ơi ạ à nhé nha nhá nhiều lắm quá rất với mình em anh chị ad admin đi thôi vậy "
        "nhỉ hả hen nhe cho tôi tớ mọi người nhé ạ please pls plz"
    )
)
_WRAPPING_FOLDED = frozenset(fold(w) for w in _WRAPPING)
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_ORDINALS = {"nhất": 1, "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6}
_READ = re.compile(
    r"^(?:(?:đọc|xem|mở)\s+(?:bài\s+|tin\s+)?(?:số\s+|thứ\s+)?|bài\s+(?:số\s+|thứ\s+)?|"
    r"(?:tin|bài viết)\s+(?:số\s+|thứ\s+))"
    r"(\d{1,3}|nhất|một|hai|ba|tư|bốn|năm|sáu)"
    r"(?:\s+(?:nói|viết)\s+(?:gì|về gì|những gì)|\s+(?:là gì|thế nào|ra sao))?$"
)
_READ_FIRST = re.compile(r"^(?:đọc\s+|xem\s+)?bài\s+(?:đầu|đầu tiên|trên cùng)(?:\s+.*)?$")
_READ_LAST = re.compile(r"^(?:đọc\s+|xem\s+)?bài\s+(?:cuối|cuối cùng)(?:\s+.*)?$")
_READ_THAT = re.compile(
    r"^(?:đọc\s+|xem\s+|mở\s+)?(?:bài|tin)\s+(?:đó|này|ấy|vừa rồi|vừa xong|kia)"
    r"(?:\s+(?:nói|viết)\s+(?:gì|về gì))?$"
)
_FOLLOW_UP = (
    re.compile(r"^(?:thế|vậy|thế thì|vậy thì)?\s*còn\s+(.+?)(?:\s+(?:thì|thế|vậy))?"
               r"(?:\s+(?:sao|thế nào|ra sao|như thế nào|thì sao))?$"),
    re.compile(r"^(.+?)\s+(?:thì\s+)?nữa(?:\s+(?:thì sao|thế nào|đi))?$"),
    re.compile(r"^(.+?)\s+thì\s+(?:sao|thế nào|ra sao)$"),
)  # fmt: skip
_GREETING_FIRST = re.compile(
    r"^(?:xin chào|chào bạn|chào bot|chào|hi|hello|alo|a lô)\s*[,!.:;-]+\s*(.+)$"
)


def understand(text: str, table: ChatTable) -> Understood:
    """What a message means (see the module docstring for the order)."""
    typed = " ".join(text.split())
    plain = " ".join(_EDGE.sub("", typed).split())  # for matching; a search keeps `typed`
    if not any(c.isalnum() for c in plain):
        return Understood(Intent.EMPTY)
    lowered = lower(plain)
    said = table.intent_of(lowered) or table.intent_of(_unwrapped(lowered))
    if said is not None:
        return Understood(said)
    reference = _reference(_unwrapped(lowered))
    if reference is not None:
        return reference
    follow_up = _follow_up(lowered, plain)
    if follow_up is not None:
        return follow_up
    if greeted := _GREETING_FIRST.match(lower(typed)):
        return understand(typed[greeted.start(1) :], table)
    if not is_vietnamese(plain):
        return Understood(Intent.FOREIGN, typed)
    return Understood(Intent.SEARCH, typed)


def _unwrapped(lowered: str) -> str:
    """The message without a form of address or a particle at either end."""
    words = lowered.replace(",", " ").replace("!", " ").split()
    folded = [fold(w) for w in words]
    accented = any(f != w for f, w in zip(folded, words, strict=True))
    wrapping = _WRAPPING if accented else _WRAPPING_FOLDED
    keys = words if accented else folded
    while len(words) > 1 and keys[-1] in wrapping:
        words, keys = words[:-1], keys[:-1]
    while len(words) > 1 and keys[0] in wrapping:
        words, keys = words[1:], keys[1:]
    return " ".join(words)


def _reference(lowered: str) -> Understood | None:
    """ "đọc 2", "bài thứ hai nói gì", "bài đầu", "bài cuối", "bài đó" (also without
    diacritics: "doc 2", "bai thu 2")."""
    for candidate in (lowered, _restore(lowered)):
        if match := _READ.match(candidate):
            word = match[1]
            number = int(word) if word.isdigit() else _ORDINALS[word]
            return Understood(Intent.READ_NUMBER, number=number) if number > 0 else None
        if _READ_FIRST.match(candidate):
            return Understood(Intent.READ_NUMBER, number=1)
        if _READ_LAST.match(candidate):
            return Understood(Intent.READ_LAST)
        if _READ_THAT.match(candidate):
            return Understood(Intent.READ_THAT)
    return None


_TYPED_PLAIN = {
    "doc": "đọc", "bai": "bài", "so": "số", "thu": "thứ", "noi": "nói", "gi": "gì", "ve": "về",
    "dau": "đầu", "tien": "tiên", "cuoi": "cuối", "cung": "cùng", "do": "đó", "nay": "này",
    "vua": "vừa", "roi": "rồi", "mo": "mở", "viet": "viết", "nhat": "nhất", "mot": "một",
    "bon": "bốn", "nam": "năm", "sau": "sáu", "la": "là", "the": "thế", "nao": "nào",
}  # fmt: skip


def _restore(lowered: str) -> str:
    """The words of a reference typed without diacritics, with them ("doc bai 2")."""
    if fold(lowered) != lowered:
        return lowered
    return " ".join(_TYPED_PLAIN.get(w, w) for w in lowered.split())


def _follow_up(lowered: str, plain: str) -> Understood | None:
    """ "còn hội sách thì sao", "thế còn X", "X nữa": a new question X in the same setting."""
    for candidate in (lowered, _restore_follow_up(lowered)):
        for pattern in _FOLLOW_UP:
            match = pattern.match(candidate)
            if match and match[1].strip() and any(c.isalnum() for c in match[1]):
                start, end = match.span(1)
                return Understood(Intent.FOLLOW_UP, plain[start:end].strip(" ,?"))
    return None


_FOLLOW_UP_PLAIN = {"con": "còn", "thi": "thì", "nua": "nữa", "the": "thế", "vay": "vậy"}


def _restore_follow_up(lowered: str) -> str:
    """The words of a follow-up typed without diacritics, with them ("con hoi sach thi sao");
    each has as many letters, so spans stay aligned."""
    if fold(lowered) != lowered:
        return lowered
    return " ".join(_FOLLOW_UP_PLAIN.get(w, w) for w in lowered.split())


def _key(text: str) -> str:
    return " ".join(lower(text).replace(",", " ").split())


def _fold(text: str) -> str:
    return fold(text)
