"""What people ask: the question inside a message, and the questions asked recently."""

from __future__ import annotations

import re
from collections import OrderedDict

from .callbacks import short_key

__all__ = ["clean_question", "QuestionCache"]

_FIND_COMMAND = re.compile(r"^\s*/tim(?:@\w+)?(?=\s|$)", re.IGNORECASE)


def clean_question(text: str, bot_username: str | None = None) -> str:
    """The question: without a leading `/tim` or mentions of the bot, spaces collapsed."""
    text = _FIND_COMMAND.sub(" ", text, count=1)
    if bot_username:
        mention = re.compile(rf"(?<![\w@])@{re.escape(bot_username)}\b", re.IGNORECASE)
        text = mention.sub(" ", text)
    return " ".join(text.split())


class QuestionCache:
    """The most recent questions by their short key (least recently used ones are forgotten)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._questions: OrderedDict[str, str] = OrderedDict()

    def remember(self, question: str) -> str:
        """Store a question; return its key."""
        key = short_key(question)
        self._questions[key] = question
        self._questions.move_to_end(key)
        while len(self._questions) > self.size:
            self._questions.popitem(last=False)
        return key

    def get(self, key: str) -> str | None:
        """The question with this key, if it is still remembered."""
        question = self._questions.get(key)
        if question is not None:
            self._questions.move_to_end(key)
        return question

    def __len__(self) -> int:
        return len(self._questions)
