"""What a chat says of its answers, and where to ask a person: 👍/👎 (buttons or typed), "Bài
nào đúng?" after a 👎 (kept as a judgment), and the department's contact card."""

from __future__ import annotations

import re

from index import Archive, ArticleNotFound, lower

from .memory import Chat, Memory
from .types import (
    Contact,
    ContactCard,
    JudgeAnswer,
    OpenContact,
    Pick,
    RateAnswer,
    Reply,
    Said,
    Say,
    ShowContact,
    Step,
    WhichWasRight,
)

__all__ = ["Feedback"]

_CONTACT_CUE = re.compile(r"^(?:liên hệ|lien he|/?lienhe|liên lạc|lien lac)[.!?]*$", re.IGNORECASE)
# Typed twins of the feedback buttons, about the chat's last answer.
_VOTE_CUE = re.compile(r"^(👍|👎)[\ufe0f\U0001f3fb-\U0001f3ff]*$")
_PICK_CUE = re.compile(r"^(?:bài đúng|bai dung)(?: là| la)?(?: bài| bai)? ([0-9]{1,2})$")
_NONE_CUE = re.compile(r"^(?:không|khong) (?:bài|bai) (?:nào|nao) (?:đúng|dung)$")


class Feedback:
    """Votes and judgments on a chat's answers; the contact card."""

    def __init__(self, archive: Archive, memory: Memory, contact: ContactCard | None) -> None:
        self.archive = archive
        self.memory = memory
        self.contact = contact  # offered when nothing answers a question

    def act(self, chat: Chat, action: RateAnswer | JudgeAnswer | ShowContact) -> Reply:
        """A feedback button, or /lienhe."""
        if isinstance(action, RateAnswer):
            return self.rate(chat, action)
        if isinstance(action, JudgeAnswer):
            return self.judge(chat, action)
        return self.show_contact()

    def typed(self, chat: Chat, text: str) -> Reply | None:
        """The reply to "liên hệ", "👍", "👎", "bài đúng 2", "không bài nào đúng"; None for any
        other message."""
        typed = lower(" ".join(text.split()))
        if _CONTACT_CUE.match(typed):
            return self.show_contact()
        vote, pick, none = _VOTE_CUE.match(typed), _PICK_CUE.match(typed), _NONE_CUE.match(typed)
        if not (vote or pick or none):
            return None
        state = self.memory.state(chat)
        answer_id = state.answer_id if state is not None else None
        if answer_id is None:
            return Reply((Say(Said.FEEDBACK_EXPIRED),))
        if vote:
            return self.rate(chat, RateAnswer(answer_id, vote[1] == "👍"))
        article_id = 0
        if pick:
            answer = self.archive.answer(answer_id, chat.key)
            number = int(pick[1])
            if answer is None or not 1 <= number <= len(answer.shown):
                return Reply((Say(Said.NO_SUCH_NUMBER, number),))
            article_id = answer.shown[number - 1]
        return self.judge(chat, JudgeAnswer(answer_id, article_id))

    def rate(self, chat: Chat, action: RateAnswer) -> Reply:
        """👍: thanks. 👎: "Bài nào đúng?" with the shown articles to choose from."""
        answer = self.archive.vote(action.answer_id, chat.key, action.up, chat.now)
        if answer is None:
            return Reply((Say(Said.FEEDBACK_EXPIRED),))
        if action.up:
            return Reply((Say(Said.FEEDBACK_THANKS),))
        choices = []
        for article_id in answer.shown:
            try:
                choices.append((article_id, self.archive.article(article_id).title))
            except ArticleNotFound:
                continue
        steps: list[Step] = [
            Pick(answer.answer_id, number, article_id, title)
            for number, (article_id, title) in enumerate(choices, start=1)
        ]
        steps.append(Pick(answer.answer_id, 0, 0))
        if self.contact is not None:
            steps.append(OpenContact())
        part = WhichWasRight(answer.answer_id, answer.question, tuple(choices))
        return Reply((part,), tuple(steps))

    def judge(self, chat: Chat, action: JudgeAnswer) -> Reply:
        """The article a citizen named as the right one (or none), kept as a judgment."""
        if not self.archive.judge(action.answer_id, chat.key, action.article_id, chat.now):
            return Reply((Say(Said.FEEDBACK_EXPIRED),))
        return Reply((Say(Said.JUDGMENT_THANKS),))

    def show_contact(self) -> Reply:
        """The department's contact card, when one is configured."""
        if self.contact is None:
            return Reply((Say(Said.NO_CONTACT),))
        return Reply((Contact(self.contact),))
