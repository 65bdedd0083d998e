"""What a citizen sees around feedback and contact: "Bài nào đúng?" after a 👎, and the
department's contact card. Pure functions; every sentence is in `texts`."""

from __future__ import annotations

from .. import texts
from ..conversation.types import ContactCard, WhichWasRight
from .style import Style, cut_words, quote

__all__ = ["render_which_was_right", "render_contact"]


def render_which_was_right(part: WhichWasRight, style: Style) -> str:
    """The question again, and how to answer: the articles are buttons where there are
    buttons (HTML), numbered lines to type about where there are none."""
    lines = [texts.WHICH_WAS_RIGHT.format(question=quote(part.question, style))]
    if not style.markup:
        lines += [
            f"{number}. {cut_words(title, 90)}"
            for number, (_, title) in enumerate(part.choices, start=1)
        ]
    else:
        lines.append(texts.WHICH_WAS_RIGHT_NONE)
    return "\n".join(lines)


def render_contact(card: ContactCard, style: Style) -> str:
    """The contact card, one line per field that is filled in."""
    e = style.escape
    lines = [style.bold(texts.CONTACT_HEADING.format(name=e(card.name)))]
    if card.address:
        lines.append(texts.CONTACT_ADDRESS.format(address=e(card.address)))
    if card.hotline:
        lines.append(texts.CONTACT_HOTLINE.format(hotline=e(card.hotline)))
    if card.email:
        lines.append(texts.CONTACT_EMAIL.format(email=e(card.email)))
    if card.hours:
        lines.append(texts.CONTACT_HOURS.format(hours=e(card.hours)))
    if card.website:  # linked where links are markup; a plain channel shows the url once
        website = style.link(e(card.website), card.website) if style.markup else card.website
        lines.append(texts.CONTACT_WEBSITE.format(website=website))
    if card.example:
        lines.append(texts.CONTACT_EXAMPLE)
    return "\n".join(lines)
