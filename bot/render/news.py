"""Subscriptions and news as messages: a chat's subscriptions, the confirmation of a new one,
one new article, several grouped, a digest, the delivery settings. Pure functions of `index`'s
types; every sentence is in `texts`."""

from __future__ import annotations

from collections.abc import Sequence

from index import (
    MAX_SUBSCRIPTION_CHARS,
    MAX_SUBSCRIPTIONS,
    NewsItem,
    Subscribed,
    SubscriberView,
    SubscriptionStats,
    SubscriptionView,
)

from .. import texts
from .results import _cut_snippet, render_hit, render_snippet
from .style import TELEGRAM_LIMIT, TITLE_CHARS, Style, cut_words, format_date, pack, within

__all__ = [
    "subscription_label",
    "render_subscriptions",
    "render_followed",
    "render_refusal",
    "render_news_item",
    "render_news_group",
    "render_digest",
    "render_digest_page",
    "digest_page_count",
    "DIGEST_PAGE_SIZE",
    "render_delivery_settings",
    "render_subscription_stats",
]

LABEL_CHARS = 60  # a subscription named on a button or in a message
DIGEST_PAGE_SIZE = 10  # articles on a page of a digest
DIGEST_TITLE_CHARS = (160, 80, 40)  # tried in turn: a page of 10 within 4,096 whatever the text
DIGEST_SOURCE_CHARS = 60
GROUPED_SNIPPET_CHARS = 200


def subscription_label(subscription: SubscriptionView, chars: int = LABEL_CHARS) -> str:
    """A subscription's words, or its category's name (plain, not escaped)."""
    return cut_words(subscription.query or subscription.category or "", chars)


def _fixed(text: str, style: Style) -> str:
    """A fixed sentence of `texts` in the style: its <b> marks dropped for plain text."""
    return text if style.markup else text.replace("<b>", "").replace("</b>", "")


def render_subscriptions(subscriptions: Sequence[SubscriptionView], style: Style) -> str:
    """The numbered list `/theodoi` (or “theo dõi”) shows; in plain text, how to unfollow
    is said as words to type."""
    if not subscriptions:
        return texts.FOLLOWING_NONE if style.markup else texts.FOLLOWING_NONE_WORDS
    heading = texts.FOLLOWING_HEADING.format(count=len(subscriptions), limit=MAX_SUBSCRIPTIONS)
    lines = [_fixed(heading, style)]
    for number, subscription in enumerate(subscriptions, start=1):
        label = style.escape(subscription_label(subscription))
        if subscription.category is not None and subscription.query is None:
            label = texts.CATEGORY_MARK.format(category=label)
        lines.append(f"{number}. {label}")
    lines.append("")
    lines.append(texts.FOLLOWING_HINT if style.markup else texts.FOLLOWING_HINT_WORDS)
    return "\n".join(lines)


def render_followed(subscribed: Subscribed, style: Style, limit: int = TELEGRAM_LIMIT) -> str:
    """The confirmation: what is followed, time words dropped, what it would have matched."""
    view = subscribed.subscription
    label = style.escape(subscription_label(view))
    by_category = view.query is None
    lines = [(texts.FOLLOWED_CATEGORY if by_category else texts.FOLLOWED).format(label=label)]
    if subscribed.topic.dropped:
        words = style.escape(", ".join(subscribed.topic.dropped))
        lines.append(texts.TIME_WORDS_DROPPED.format(words=words))
    recent = subscribed.recent
    if recent.total and recent.hits:
        lines.append("")
        lines.append(texts.FOLLOW_RECENT.format(total=recent.total))
        for number, hit in enumerate(recent.hits, start=1):
            lines.append(render_hit(number, hit, style))
    else:
        lines.append(texts.FOLLOW_RECENT_NONE)
    return pack(lines, limit, style, separator="\n")[0]


def render_refusal(reason: str) -> str:
    """Why a subscription was not saved, politely."""
    text = texts.FOLLOW_REFUSED.get(reason, texts.FOLLOW_REFUSED["no_topic"])
    return text.format(limit=MAX_SUBSCRIPTIONS, chars=MAX_SUBSCRIPTION_CHARS)


def _title(item: NewsItem, style: Style, chars: int = TITLE_CHARS) -> str:
    title = style.escape(cut_words(item.title, chars))
    if item.url:
        return style.link(title, item.url)
    return f"{title} ({texts.READ_COMMAND.format(article_id=item.article_id)})"


def _details(item: NewsItem, style: Style, source_chars: int | None = None) -> str:
    date = texts.DATE_MARK.format(date=format_date(item.published_at))
    source = cut_words(item.source, source_chars) if source_chars else item.source
    return f"{date} · {style.escape(source)}"


def _because(item: NewsItem, style: Style) -> str:
    label = style.escape(cut_words(item.because or "", LABEL_CHARS))
    return texts.NEWS_BECAUSE.format(label=label) if item.because else ""


def render_news_item(
    item: NewsItem,
    style: Style,
    *,
    channel_post: bool = False,
    limit: int = TELEGRAM_LIMIT,
    unfollow: str = "",
) -> str:
    """One new article: its linked title, date and source, its snippet for the subscription,
    and why it is sent (not in a channel's post), then `unfollow` (how to, as words)."""
    heading = _fixed(texts.NEWS_HEADING, style)
    lines = [heading, style.bold(_title(item, style)), _details(item, style)]
    snippet = render_snippet(item.snippet, style)
    if snippet:
        lines.append(snippet)
    if not channel_post and item.because:
        lines.append(_because(item, style))
    if unfollow:  # kept whole: the snippet gives way first
        room = limit - style.length(unfollow) - 2
        return pack(["\n".join(lines)], room, style)[0] + "\n\n" + unfollow
    return pack(["\n".join(lines)], limit, style)[0]


def render_news_group(
    items: Sequence[NewsItem], style: Style, limit: int = TELEGRAM_LIMIT
) -> list[str]:
    """Several new articles in as few messages as the channel allows, newest first."""
    paragraphs = [_fixed(texts.NEWS_MANY_HEADING.format(count=len(items)), style)]
    for number, item in enumerate(items, start=1):
        lines = [f"{style.bold(f'{number}.')} {_title(item, style)}", _details(item, style)]
        snippet = render_snippet(_cut_snippet(item.snippet, GROUPED_SNIPPET_CHARS), style)
        if snippet:
            lines.append(snippet)
        if item.because:
            lines.append(_because(item, style))
        paragraphs.append("\n".join(lines))
    return pack(paragraphs, limit, style)


def render_digest(
    items: Sequence[NewsItem],
    weekly: bool,
    style: Style,
    page_size: int = 10,
    limit: int = TELEGRAM_LIMIT,
) -> list[str]:
    """A digest as several messages, for where there are no page buttons (Zalo, a channel's
    posts): the period's articles per subscription, newest first, at most 5 pages' worth each."""
    paragraphs = [_digest_heading(items, weekly, style)]
    shown: str | None = None
    for label, number, item in _digest_entries(items):
        if number > page_size * 5:
            continue
        if label != shown and label:
            paragraphs.append(_digest_label(label, style))
        shown = label
        paragraphs.append(f"{number}. {_title(item, style)}\n{_details(item, style)}")
    return pack(paragraphs, limit, style, separator="\n")


def digest_page_count(items: Sequence[NewsItem], page_size: int = DIGEST_PAGE_SIZE) -> int:
    """How many pages a digest of `items` has (at least one)."""
    return max(1, -(-len(items) // page_size))


def render_digest_page(
    items: Sequence[NewsItem],
    weekly: bool,
    style: Style,
    page: int = 0,
    *,
    page_size: int = DIGEST_PAGE_SIZE,
    limit: int = TELEGRAM_LIMIT,
) -> str:
    """Page `page` (0-based) of a digest shown as one message with page buttons: the heading
    (period, how many), “Trang i/N” when there are several, then that page's articles under
    their subscription, newest first, numbered within it. Titles are shortened until the page
    fits `limit` (emoji count twice in UTF-16)."""
    entries = _digest_entries(items)
    pages = digest_page_count(items, page_size)
    heading = [_digest_heading(items, weekly, style)]
    if pages > 1:
        heading.append(texts.DIGEST_PAGE.format(page=page + 1, pages=pages))
    labelled = any(label for label, _, _ in entries)
    shown = entries[page * page_size : (page + 1) * page_size]
    text = ""
    for chars in DIGEST_TITLE_CHARS:
        text = "\n".join(heading + _digest_lines(shown, style, chars, labelled=labelled))
        if style.length(text) <= limit:
            return text
    return within(text, limit, style)


def _digest_lines(
    entries: Sequence[tuple[str, int, NewsItem]], style: Style, chars: int, *, labelled: bool
) -> list[str]:
    """A digest page's articles, each subscription named before its first one on the page."""
    lines = []
    shown: str | None = None
    for label, number, item in entries:
        if label != shown and labelled:
            lines += [
                "",
                _digest_label(label, style) if label else _fixed(texts.DIGEST_OTHER, style),
            ]
        shown = label
        details = _details(item, style, DIGEST_SOURCE_CHARS)
        lines.append(f"{number}. {_title(item, style, chars)}\n{details}")
    return lines


def _digest_heading(items: Sequence[NewsItem], weekly: bool, style: Style) -> str:
    period = texts.DIGEST_WEEKLY if weekly else texts.DIGEST_DAILY
    return _fixed(texts.DIGEST_HEADING.format(period=period, count=len(items)), style)


def _digest_label(label: str, style: Style) -> str:
    escaped = style.escape(cut_words(label, LABEL_CHARS))
    return _fixed(texts.DIGEST_SUBSCRIPTION.format(label=escaped), style)


def _digest_entries(items: Sequence[NewsItem]) -> list[tuple[str, int, NewsItem]]:
    """(subscription, number within it, article): the items grouped by the subscription they
    came for (the newest article's first), each group newest first as given."""
    by_label: dict[str, list[NewsItem]] = {}
    for item in items:
        by_label.setdefault(item.because or "", []).append(item)
    return [
        (label, number, item)
        for label, group in by_label.items()
        for number, item in enumerate(group, start=1)
    ]


def render_delivery_settings(view: SubscriberView | None) -> str:
    """How the chat receives news (/bantin)."""
    mode = view.mode.value if view else "instant"
    return texts.DELIVERY_SETTINGS.format(
        mode=texts.DELIVERY_MODE_NAMES[mode],
        at=view.digest_at if view else "07:00",
        quiet=texts.QUIET_NAMES[view.quiet_hours if view else True],
    )


def render_subscription_stats(stats: SubscriptionStats) -> str:
    """The subscriptions' lines of /stats."""
    return texts.SUBSCRIPTION_STATS.format(
        subscriptions=stats.subscriptions,
        chats=stats.chats,
        paused=stats.paused_chats,
        sent=stats.sent,
        failed=stats.failed,
        waiting=stats.waiting,
    )
