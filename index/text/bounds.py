"""Bounds on a question: what may be analysed of it, so that no question costs much.

Telegram lets a message be 4,096 characters long; nobody searches with more than a few lines.
The searchable text of a question is capped at `MAX_QUESTION_CHARS` and each of its words at
`MAX_WORD_CHARS` (a longer "word" is pasted text, a url or an attack, and the typo search and
restoration look at words); runs of white space count as one space (a line break where there
was one, since it separates phrases). Every step after this one is linear in what it keeps,
which `tests/test_bounds.py` checks, so a question costs a bounded amount of time and memory
whatever was sent. The result says whether anything was cut, so the reply can say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MAX_QUESTION_CHARS", "MAX_WORD_CHARS", "BoundedQuestion", "bound_question"]

MAX_QUESTION_CHARS = 512
MAX_WORD_CHARS = 64

_SPACE = re.compile(r"\s+")
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")


@dataclass(frozen=True)
class BoundedQuestion:
    """The part of a question that is analysed, and whether it is all of it."""

    text: str
    shortened: bool  # a word or the question was cut: the reply should say so
    typed_chars: int  # the question's length as sent


def bound_question(question: str) -> BoundedQuestion:
    """The question with runs of white space made one, each word cut at `MAX_WORD_CHARS` and
    the whole at `MAX_QUESTION_CHARS` (at a space when one is near); linear in its length."""
    text = _SPACE.sub(lambda m: "\n" if "\n" in m[0] else " ", question).strip()
    words_cut = _LONG_WORD.sub(lambda m: m[0][:MAX_WORD_CHARS], text)
    shortened = words_cut != text
    text = words_cut
    if len(text) > MAX_QUESTION_CHARS:
        shortened = True
        space = max(
            text.rfind(" ", 0, MAX_QUESTION_CHARS + 1), text.rfind("\n", 0, MAX_QUESTION_CHARS + 1)
        )
        end = space if space >= MAX_QUESTION_CHARS - MAX_WORD_CHARS else MAX_QUESTION_CHARS
        text = text[:end].rstrip()
    return BoundedQuestion(text, shortened, len(question))
