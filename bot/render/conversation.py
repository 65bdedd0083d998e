"""A conversation's reply as text: each part in a style, and the next steps as typed words for
channels without buttons (a Zalo-like channel: plain text, at most 2,000 characters a message).

Telegram's buttons are made from the same steps in `bot/keyboards.py`.
"""

from __future__ import annotations

from .. import texts
from ..conversation.types import (
    Article,
    Categories,
    Contact,
    Followed,
    FollowRefused,
    FollowTopic,
    Guide,
    Listing,
    ListKind,
    NoSuchSubscription,
    OpenCategories,
    OpenCategory,
    OpenContact,
    OpenLatest,
    Part,
    Pick,
    Rate,
    Read,
    Reply,
    Results,
    Said,
    Say,
    Step,
    Subscriptions,
    Suggest,
    TryAsking,
    Turn,
    Unfollow,
    Unfollowed,
    Welcome,
    WhichWasRight,
)
from .article import render_article
from .feedback import render_contact, render_which_was_right
from .news import LABEL_CHARS, render_followed, render_refusal, render_subscriptions
from .results import render_categories, render_listing, render_results
from .style import PLAIN, TELEGRAM_LIMIT, Style, cut_words, pack

__all__ = ["render_say", "render_part", "render_hints", "render_plain", "PLAIN_LIMIT"]

PLAIN_LIMIT = 2000  # characters: Zalo's limit for a text message


def render_say(say: Say, style: Style) -> str:
    """A short reply, in the channel's style (the sentences are fixed and safe for HTML)."""
    if say.what is Said.UNFOLLOW_HOW and not style.markup:  # the words, not the command
        return texts.UNFOLLOW_HOW_WORDS
    text = texts.SAID[say.what]
    return text.format(number=say.number) if say.number is not None else text


def render_part(
    part: Part, style: Style, *, bot_username: str = "", limit: int = TELEGRAM_LIMIT
) -> list[str]:
    """One part of a reply as messages within `limit` (an article may take several)."""
    if isinstance(part, Say):
        return [render_say(part, style)]
    if isinstance(part, Results):
        return [render_results(part.page, style, limit)]
    if isinstance(part, Listing):
        return [_listing(part, style, limit)]
    if isinstance(part, Article):
        return render_article(part.article, style, limit)
    if isinstance(part, Categories):
        return [render_categories(part.categories, style)]
    if isinstance(part, Welcome):
        return [f"{texts.start(part.first_name, style.escape)}\n\n{texts.PRIVACY}"]
    if isinstance(part, Guide):
        if style is PLAIN:
            return [f"{texts.PLAIN_GUIDE}\n\n{texts.PRIVACY}"]
        return [f"{texts.help_text(bot_username or 'bot')}\n\n{texts.PRIVACY}"]
    if isinstance(part, WhichWasRight):
        return [render_which_was_right(part, style)]
    if isinstance(part, Contact):
        return [render_contact(part.card, style)]
    return _following(part, style, limit)


def _following(part: Part, style: Style, limit: int) -> list[str]:
    """The parts of following topics (bot/conversation/follow.py)."""
    if isinstance(part, Followed):
        return [render_followed(part.subscribed, style, limit)]
    if isinstance(part, Subscriptions):
        return [render_subscriptions(part.subscriptions, style)]
    if isinstance(part, Unfollowed):
        if part.label is None:
            return [texts.UNFOLLOWED_ALL.format(count=part.count)]
        label = style.escape(cut_words(part.label, LABEL_CHARS))
        return [texts.UNFOLLOWED.format(label=label)]
    if isinstance(part, NoSuchSubscription):
        unknown = texts.UNFOLLOW_UNKNOWN if style.markup else texts.UNFOLLOW_UNKNOWN_WORDS
        return [unknown.format(number=style.escape(part.typed))]
    if isinstance(part, FollowRefused):
        return [render_refusal(part.reason)]
    raise TypeError(f"unknown part {part!r}")


def _listing(part: Listing, style: Style, limit: int) -> str:
    if part.list.kind is ListKind.CATEGORY:
        return render_listing(part.page, part.list.query, style, limit)
    if part.list.kind is ListKind.TODAY:
        return render_listing(part.page, None, style, limit, heading=texts.TODAY_HEADING)
    return render_listing(part.page, None, style, limit)


def render_hints(steps: tuple[Step, ...] | list[Step]) -> str:
    """The next steps as the words to type: "👉 Gõ “tiếp” để xem thêm, “đọc 1” ..."."""
    hints: list[str] = []
    reads = [step for step in steps if isinstance(step, Read)]
    if reads:
        number = reads[0].number
        hints.append(texts.HINT_READ.format(number=number))
    picks = [step for step in steps if isinstance(step, Pick) and step.number]
    if picks:
        hints.append(texts.HINT_PICK.format(number=picks[0].number))
    for step in steps:
        hint = _hint(step)
        if hint and hint not in hints:
            hints.append(hint)
    return texts.HINTS.format(hints=", ".join(hints)) if hints else ""


def _hint(step: Step) -> str:
    if isinstance(step, Turn):
        return texts.HINT_NEXT if step.forward else texts.HINT_PREVIOUS
    if isinstance(step, Suggest):
        return texts.HINT_SUGGEST.format(question=cut_words(step.suggestion, 60))
    if isinstance(step, OpenLatest):
        return texts.HINT_LATEST
    if isinstance(step, OpenCategories):
        return texts.HINT_CATEGORIES
    if isinstance(step, OpenCategory):
        return texts.HINT_CATEGORY.format(name=step.name)
    if isinstance(step, TryAsking):
        return texts.HINT_EXAMPLE.format(example=step.example)
    if isinstance(step, OpenContact):
        return texts.HINT_CONTACT
    if isinstance(step, Rate):
        return texts.HINT_RATE
    if isinstance(step, Pick) and step.number == 0:  # the numbered ones: one example above
        return texts.HINT_PICK_NONE
    if isinstance(step, FollowTopic):
        if step.list.kind is ListKind.CATEGORY:
            return texts.HINT_FOLLOW_CATEGORY.format(name=step.list.query)
        return texts.HINT_FOLLOW.format(question=cut_words(step.list.query, 60))
    return ""


def render_plain(reply: Reply, limit: int = PLAIN_LIMIT) -> list[str]:
    """A reply for a channel without buttons nor markup: plain messages of at most `limit`
    characters, the next steps said as words to type."""
    paragraphs: list[str] = []
    for part in reply.parts:
        for message in render_part(part, PLAIN, limit=limit):
            paragraphs += _fitting(message, limit)
    categories = [s for s in reply.steps if isinstance(s, OpenCategory)]
    hints = render_hints([s for s in reply.steps if not isinstance(s, OpenCategory)])
    unfollows = [s for s in reply.steps if isinstance(s, Unfollow)]
    if len(unfollows) == 1:  # a confirmation (a list says how in its own words)
        chosen = unfollows[0]
        label = cut_words(chosen.subscription.query or chosen.subscription.category or "", 60)
        hints = texts.HINTS.format(
            hints=texts.HINT_UNFOLLOW.format(number=chosen.number, label=label)
        )
    if categories:
        hints = "\n".join(
            [
                hints,
                *(f"• {texts.HINT_CATEGORY.format(name=s.name)} ({s.count})" for s in categories),
            ]
        ).strip()
    if hints:
        paragraphs.append(hints)
    return pack(paragraphs, limit, PLAIN)


def _fitting(text: str, limit: int) -> list[str]:
    """A message cut at lines (then words) so that each piece is within `limit`."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    for line in text.split("\n"):
        while len(line) > limit:
            cut = cut_words(line, limit)
            pieces.append(cut)
            line = line[len(cut) - 1 :].lstrip()
        pieces.append(line)
    return pack(pieces, limit, PLAIN, separator="\n")
