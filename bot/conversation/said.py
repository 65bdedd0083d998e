"""The short replies the conversation gives, which each channel words (bot/texts.py). Apart from
`types` so that `bot.texts`, which every rendering imports, does not build the conversation's
dataclasses: `python bot.py ask` renders results and needs none of them.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Said"]


class Said(StrEnum):
    """A short reply; each channel words it (bot/texts.py)."""

    GREETING = "greeting"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    WHO_AM_I = "who_am_i"
    HELP = "help"
    COMPLAINT = "complaint"
    ACKNOWLEDGED = "acknowledged"
    FOREIGN = "foreign"  # the bot answers in Vietnamese (said in both languages)
    FOREIGN_NOTHING = "foreign_nothing"  # ... and the words are not in the articles
    EMPTY_QUESTION = "empty_question"
    NO_LIST = "no_list"  # "tiếp", "đọc 2", "còn X" with no list (or an expired one) to continue
    NO_SUCH_NUMBER = "no_such_number"  # "đọc 9" in a list of 5
    LAST_PAGE = "last_page"
    FIRST_PAGE = "first_page"
    NEWEST_ALREADY = "newest_already"  # "mới hơn" when nothing is newer
    TODAY_EMPTY = "today_empty"  # nothing today: the latest instead
    ARTICLE_NOT_FOUND = "article_not_found"
    RESULTS_EXPIRED = "results_expired"
    HANDOVER_EXPIRED = "handover_expired"
    FORGOTTEN = "forgotten"
    NOTHING_TO_FORGET = "nothing_to_forget"
    FEEDBACK_THANKS = "feedback_thanks"  # after a 👍
    FEEDBACK_EXPIRED = "feedback_expired"  # a vote on an answer no longer kept
    JUDGMENT_THANKS = "judgment_thanks"  # after "Bài nào đúng?" was answered
    NO_CONTACT = "no_contact"  # /lienhe with no department card configured
    UNFOLLOW_HOW = "unfollow_how"  # "bỏ theo dõi" alone: how to say which
