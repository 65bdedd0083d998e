"""Telegram markup made from results: the inline keyboards (page through a list, read an
article, pick a category) and the results of inline mode."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.constants import ParseMode

from index import CategoryCount, SearchPage

from . import texts
from .callbacks import (
    CATEGORIES,
    CATEGORY,
    CONTACT,
    COUNTER,
    LATEST,
    SEARCH,
    TODAY,
    DigestRef,
    JudgeRef,
    Kind,
    PageRef,
    ReadRef,
    SuggestRef,
    VoteRef,
    encode,
    short_key,
)
from .conversation import (
    Article,
    Followed,
    Listing,
    ListKind,
    ListRef,
    OpenCategories,
    OpenCategory,
    OpenContact,
    OpenLatest,
    Pick,
    Rate,
    Read,
    Reply,
    Results,
    Subscriptions,
    Suggest,
    Turn,
)
from .render import (
    PAGE_SIZE,
    read_link,
    render_inline_description,
    render_inline_message,
    render_inline_title,
)

__all__ = [
    "listing_keyboard",
    "categories_keyboard",
    "reply_keyboard",
    "page_kind",
    "inline_results",
    "MAX_CATEGORY_BUTTONS",
    "original_button",
    "page_row",
    "digest_keyboard",
]

MAX_CATEGORY_BUTTONS = 40


def listing_keyboard(page: SearchPage, kind: Kind, key: str = "") -> InlineKeyboardMarkup | None:
    """A 'read in full' button per article, then ◀ Trước · i/N · Sau ▶ when there is more, and
    the suggested question when the engine has one."""
    rows = [
        [
            InlineKeyboardButton(
                texts.READ_BUTTON.format(number=page.offset + i + 1),
                callback_data=encode(ReadRef(hit.article_id)),
            )
        ]
        for i, hit in enumerate(page.hits)
    ]
    navigation = _navigation(page, kind, key)
    if navigation:
        rows.append(navigation)
    if page.suggestion and kind == SEARCH and key:
        label = texts.SUGGESTION_BUTTON.format(question=_label(page.suggestion, 40))
        rows.append([InlineKeyboardButton(label, callback_data=encode(SuggestRef(key)))])
    if kind == CATEGORY:
        rows.append([InlineKeyboardButton(texts.BACK_TO_CATEGORIES, callback_data=CATEGORIES)])
    return InlineKeyboardMarkup(rows) if rows else None


def _navigation(page: SearchPage, kind: Kind, key: str) -> list[InlineKeyboardButton]:
    pages = max(1, -(-page.total // PAGE_SIZE))
    return page_row(
        page.offset // PAGE_SIZE,
        pages,
        lambda number: encode(PageRef(kind, key, number)),
        has_next=not page.is_last_page,
    )


def page_row(
    current: int, pages: int, data: Callable[[int], str], *, has_next: bool | None = None
) -> list[InlineKeyboardButton]:
    """◀ Trước · i/N · Sau ▶ for page `current` (0-based) of `pages`, `data` giving a page's
    callback data; nothing for a single page."""
    if pages <= 1:
        return []
    row = []
    if current > 0:
        row.append(InlineKeyboardButton(texts.PREVIOUS, callback_data=data(current - 1)))
    row.append(InlineKeyboardButton(texts.page_counter(current + 1, pages), callback_data=COUNTER))
    if has_next if has_next is not None else current + 1 < pages:
        row.append(InlineKeyboardButton(texts.NEXT, callback_data=data(current + 1)))
    return row


def digest_keyboard(
    digest_id: int, weekly: bool, current: int, pages: int
) -> InlineKeyboardMarkup | None:
    """The page buttons of a long digest (none when it fits one page)."""
    row = page_row(current, pages, lambda number: encode(DigestRef(digest_id, weekly, number)))
    return InlineKeyboardMarkup([row]) if row else None


def page_kind(listed: ListRef) -> tuple[Kind, str]:
    """The callback kind and key of a list: a question or a category by its hash."""
    if listed.kind is ListKind.SEARCH:
        return SEARCH, short_key(listed.query)
    if listed.kind is ListKind.CATEGORY:
        return CATEGORY, short_key(listed.query)
    return (TODAY if listed.kind is ListKind.TODAY else LATEST), ""


def reply_keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """The buttons of a reply's next steps: read each article, turn the page (◀ Trước · i/N ·
    Sau ▶), the suggested question, the categories, the latest articles."""
    following = _following_keyboard(reply)
    if following is not None:
        return following
    listed = next((p for p in reply.parts if isinstance(p, Results | Listing)), None)
    urls = {hit.article_id: hit.url for hit in listed.page.hits} if listed is not None else {}
    rows: list[list[InlineKeyboardButton]] = []
    for step in reply.steps:
        if isinstance(step, Read):
            label = texts.READ_BUTTON.format(number=step.number)
            row = [InlineKeyboardButton(label, callback_data=encode(ReadRef(step.article_id)))]
            row += original_button(urls.get(step.article_id))
            rows.append(row)
        elif isinstance(step, Pick):
            rows.append([_pick_button(step)])
    for part in reply.parts:
        if isinstance(part, Article) and (original := original_button(part.article.url)):
            rows.append(original)
    rows += [_rate_row(step.answer_id) for step in reply.steps if isinstance(step, Rate)]
    follow = _follow_button(listed)
    if follow is not None:
        rows.append([follow])
    if listed is not None and any(isinstance(step, Turn) for step in reply.steps):
        kind, key = page_kind(listed.list)
        navigation = _navigation(listed.page, kind, key)
        if navigation:
            rows.append(navigation)
    for step in reply.steps:
        if isinstance(step, Suggest):
            label = texts.SUGGESTION_BUTTON.format(question=_label(step.suggestion, 40))
            data = encode(SuggestRef(short_key(step.question)))
            rows.append([InlineKeyboardButton(label, callback_data=data)])
        elif isinstance(step, OpenCategory):
            ref = PageRef(CATEGORY, short_key(step.name), 0)
            label = f"{_label(step.name)} ({step.count})"
            follow_data = f"f:c:{short_key(step.name)}"  # 🔔 beside each category (bot.subscribe)
            rows.append(
                [
                    InlineKeyboardButton(label, callback_data=encode(ref)),
                    InlineKeyboardButton(texts.FOLLOW_SHORT, callback_data=follow_data),
                ]
            )
    shortcuts = _shortcuts(reply, listed)
    if shortcuts:
        rows.append(shortcuts)
    return InlineKeyboardMarkup(rows) if rows else None


def _rate_row(answer_id: int) -> list[InlineKeyboardButton]:
    """👍 / 👎 under an answer."""
    return [
        InlineKeyboardButton(texts.FEEDBACK_UP, callback_data=encode(VoteRef(answer_id, True))),
        InlineKeyboardButton(texts.FEEDBACK_DOWN, callback_data=encode(VoteRef(answer_id, False))),
    ]


def _shortcuts(reply: Reply, listed: Results | Listing | None) -> list[InlineKeyboardButton]:
    """The last row: contact the department, the latest articles, the categories."""
    shortcuts = []
    for step in reply.steps:
        if isinstance(step, OpenContact):
            shortcuts.append(InlineKeyboardButton(texts.CONTACT_BUTTON, callback_data=CONTACT))
        elif isinstance(step, OpenLatest):
            shortcuts.append(
                InlineKeyboardButton(
                    texts.LATEST_BUTTON, callback_data=encode(PageRef(LATEST, "", 0))
                )
            )
        elif isinstance(step, OpenCategories):
            in_category = listed is not None and listed.list.kind is ListKind.CATEGORY
            label = texts.BACK_TO_CATEGORIES if in_category else texts.CATEGORIES_BUTTON
            shortcuts.append(InlineKeyboardButton(label, callback_data=CATEGORIES))
    return shortcuts


MAX_URL_CHARS = 1000  # a longer url (a hostile one) gets no button


def original_button(url: str | None) -> list[InlineKeyboardButton]:
    """“🔗 Xem bài gốc”, opening the article on its portal (none without an http(s) url)."""
    if not url or len(url) > MAX_URL_CHARS or not url.startswith(("http://", "https://")):
        return []
    return [InlineKeyboardButton(texts.ORIGINAL_BUTTON, url=url)]


def _original_markup(url: str | None) -> InlineKeyboardMarkup | None:
    button = original_button(url)
    return InlineKeyboardMarkup([button]) if button else None


def _pick_button(step: Pick) -> InlineKeyboardButton:
    data = encode(JudgeRef(step.answer_id, step.article_id))
    if step.article_id == 0:
        return InlineKeyboardButton(texts.PICK_NONE, callback_data=data)
    label = texts.PICK_BUTTON.format(number=step.number, title=_label(step.title, 40))
    return InlineKeyboardButton(label, callback_data=data)


def _following_keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """A new subscription's 🔕 button, or ❌ per subscription under the chat's list."""
    from .subscribe import unfollow_keyboard

    for part in reply.parts:
        if isinstance(part, Followed):
            return unfollow_keyboard([part.subscribed.subscription], this_one=True)
        if isinstance(part, Subscriptions):
            return unfollow_keyboard(list(part.subscriptions))
    return None


def _follow_button(listed: Results | Listing | None) -> InlineKeyboardButton | None:
    """🔔 Theo dõi under a question's results or a category's articles (see bot.subscribe)."""
    if listed is None or not listed.page.hits:
        return None
    if listed.list.kind is ListKind.SEARCH:
        data, label = f"f:s:{short_key(listed.list.query)}", texts.FOLLOW_BUTTON
    elif listed.list.kind is ListKind.CATEGORY:
        data, label = f"f:c:{short_key(listed.list.query)}", texts.FOLLOW_CATEGORY_BUTTON
    else:
        return None
    return InlineKeyboardButton(label, callback_data=data)


def categories_keyboard(categories: Sequence[CategoryCount]) -> InlineKeyboardMarkup | None:
    """One button per category (the largest first), with its number of articles."""
    rows = [
        [
            InlineKeyboardButton(
                f"{_label(category.name)} ({category.count})",
                callback_data=encode(PageRef(CATEGORY, short_key(category.name), 0)),
            )
        ]
        for category in categories[:MAX_CATEGORY_BUTTONS]
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def _label(name: str, chars: int = 48) -> str:
    return name if len(name) <= chars else name[: chars - 1].rstrip() + "…"


def inline_results(page: SearchPage, bot_username: str) -> list[InlineQueryResultArticle]:
    """One inline result per article: title, date and snippet; choosing it sends the link."""
    return [
        InlineQueryResultArticle(
            id=str(hit.article_id),
            title=render_inline_title(hit),
            description=render_inline_description(hit),
            input_message_content=InputTextMessageContent(
                render_inline_message(hit, read_link(bot_username, hit.article_id)),
                parse_mode=ParseMode.HTML,
            ),
            reply_markup=_original_markup(hit.url),
        )
        for hit in page.hits
    ]
