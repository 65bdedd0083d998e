"""The tokens of a typed question, classified before anything tries to reread them.

Words may be reread (keystrokes, chat abbreviations, typos); urls, e-mail addresses, document
codes ("15/2020/TT-BTTTT", "TP.HCM", "COVID-19"), numbers and mixed-case names ("iPhone",
"eKYC") are kept exactly as typed. Each token knows whether punctuation separated it from the
token before it, because neighbour statistics never reach across punctuation.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from enum import Enum

__all__ = ["TokenKind", "TypedToken", "typed_tokens"]


class TokenKind(Enum):
    """What a token of a question looks like."""

    WORD = "word"  # letters only
    ALNUM = "alnum"  # letters and digits: "chuye6n3" (VNI), "a4", "iphone15"
    NUMBER = "number"
    CODE = "code"  # joined by / . - & + : ("1051/QĐ-UBND"), or mixed case ("iPhone")
    URL = "url"  # urls and e-mail addresses

    @property
    def rereadable(self) -> bool:
        """Whether a reading may replace a token of this kind."""
        return self in (TokenKind.WORD, TokenKind.ALNUM)


@dataclass(frozen=True)
class TypedToken:
    """A token and its span in the question."""

    start: int
    end: int
    text: str
    kind: TokenKind
    after_break: bool  # punctuation (or the start of the question) comes right before it


_TOKEN = re.compile(
    r"(?P<url>(?:https?://|www\.)\S+|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)"
    r"|(?P<code>[^\W_]+(?:[/&.:+\-][^\W_]+)+)"
    r"|(?P<word>[^\W_]+)"
)


def typed_tokens(text: str) -> list[TypedToken]:
    """The question's tokens in order (text should already be normalised)."""
    found: list[TypedToken] = []
    previous_end = 0
    for match in _TOKEN.finditer(text):
        between = text[previous_end : match.start()]
        after_break = not found or bool(between.strip())
        value = match[0]
        kind = TokenKind.URL if match.lastgroup == "url" else TokenKind.CODE
        if match.lastgroup == "word":
            kind = _word_kind(value)
        found.append(TypedToken(match.start(), match.end(), value, kind, after_break))
        previous_end = match.end()
    return found


def _word_kind(value: str) -> TokenKind:
    if value.isdigit():
        return TokenKind.NUMBER
    if not (value.islower() or value.isupper() or value.istitle()) and any(
        a.islower() and b.isupper() for a, b in itertools.pairwise(value)
    ):
        return TokenKind.CODE
    if value.isalpha():
        return TokenKind.WORD
    return TokenKind.ALNUM
