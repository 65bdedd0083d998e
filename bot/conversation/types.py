"""The conversation's vocabulary: what comes in (a message or an action, from any channel) and
what goes out (parts to say, next steps to offer), as plain frozen dataclasses and enums.

Nothing here is Telegram's: a channel turns its updates into `Incoming`, and renders a `Reply`
its own way (HTML and buttons for Telegram; plain text and typed words for a channel without
buttons). Every `Step` has a typed-word twin, so a channel without buttons loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from .said import Said

if TYPE_CHECKING:  # field types only
    from index import ArticleView, CategoryCount, SearchPage, Subscribed, SubscriptionView

__all__ = [
    "Channel",
    "ListKind",
    "ListRef",
    "ShowPage",
    "ReadArticle",
    "AskSuggestion",
    "ShowCategories",
    "Start",
    "Help",
    "Forget",
    "RateAnswer",
    "JudgeAnswer",
    "ShowContact",
    "Action",
    "Incoming",
    "Said",
    "Say",
    "Results",
    "Listing",
    "Article",
    "Categories",
    "Welcome",
    "Guide",
    "WhichWasRight",
    "Contact",
    "ContactCard",
    "Followed",
    "Subscriptions",
    "Unfollowed",
    "NoSuchSubscription",
    "FollowRefused",
    "Part",
    "Turn",
    "Read",
    "Suggest",
    "OpenLatest",
    "OpenCategories",
    "OpenCategory",
    "TryAsking",
    "Rate",
    "Pick",
    "OpenContact",
    "FollowTopic",
    "Unfollow",
    "Step",
    "Reply",
]


class Channel(StrEnum):
    """Where a conversation happens."""

    TELEGRAM = "telegram"
    ZALO = "zalo"
    TERMINAL = "terminal"


class ListKind(StrEnum):
    """What a list of articles is."""

    SEARCH = "search"  # the results of a question
    LATEST = "latest"  # the newest articles
    CATEGORY = "category"  # one category's newest articles
    TODAY = "today"  # today's articles


@dataclass(frozen=True)
class ListRef:
    """A list that can be shown again, page by page: its kind and its question or category."""

    kind: ListKind
    query: str = ""  # the question (SEARCH) or the category's name (CATEGORY)


# -- what comes in -------------------------------------------------------------------------


@dataclass(frozen=True)
class ShowPage:
    """A page (0-based) of a list: a page button, /moi, a category."""

    list: ListRef
    page: int = 0


@dataclass(frozen=True)
class ReadArticle:
    """The whole article with this id: /doc, a read button, a t.me link."""

    article_id: int


@dataclass(frozen=True)
class AskSuggestion:
    """Search what "Có phải bạn muốn tìm" offered for this question."""

    question: str


@dataclass(frozen=True)
class ShowCategories:
    """The categories to choose from."""


@dataclass(frozen=True)
class Start:
    """The first message (/start), maybe with a deep link's payload."""

    payload: str = ""


@dataclass(frozen=True)
class Help:
    """How to ask (/help)."""


@dataclass(frozen=True)
class Forget:
    """Delete everything kept for this chat (/xoadulieu)."""


@dataclass(frozen=True)
class RateAnswer:
    """👍 (`up`) or 👎 on an answer (`Results.answer_id`); a second tap changes it."""

    answer_id: int
    up: bool


@dataclass(frozen=True)
class JudgeAnswer:
    """Which shown article answered the question (0: none of them), after a 👎."""

    answer_id: int
    article_id: int


@dataclass(frozen=True)
class ShowContact:
    """The department's contact card (/lienhe)."""


Action = (
    ShowPage
    | ReadArticle
    | AskSuggestion
    | ShowCategories
    | Start
    | Help
    | Forget
    | RateAnswer
    | JudgeAnswer
    | ShowContact
)


@dataclass(frozen=True)
class Incoming:
    """A message or an action from one chat of one channel."""

    channel: Channel
    chat_id: str  # the channel's chat id; only its keyed hash is ever stored
    user_id: str | None = None
    text: str | None = None
    action: Action | None = None
    group: bool = False
    continues: bool = True  # in a group, only a reply to the bot continues the conversation
    first_name: str | None = None  # for a greeting only; never stored


# -- what goes out -------------------------------------------------------------------------


@dataclass(frozen=True)
class Say:
    """A short reply; `number` fills it in (an article number, a count)."""

    what: Said
    number: int | None = None


@dataclass(frozen=True)
class Results:
    """A page of answers to a question (possibly empty)."""

    page: SearchPage
    list: ListRef
    answer_id: int | None = None  # the answer to give feedback on (a question's first page)


@dataclass(frozen=True)
class Listing:
    """A page of the latest articles, one category's, or today's."""

    page: SearchPage
    list: ListRef


@dataclass(frozen=True)
class Article:
    """A whole article."""

    article: ArticleView


@dataclass(frozen=True)
class Categories:
    """The categories, largest first."""

    categories: tuple[CategoryCount, ...]


@dataclass(frozen=True)
class Welcome:
    """The greeting of a first message, with what is kept and for how long."""

    first_name: str | None = None


@dataclass(frozen=True)
class Guide:
    """How to ask, with what is kept and for how long."""


@dataclass(frozen=True)
class WhichWasRight:
    """After a 👎: "Bài nào đúng?", with the articles that were shown (id, title)."""

    answer_id: int
    question: str
    choices: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class ContactCard:
    """Where to ask a person: the department's name, address, hotline, email, hours, website."""

    name: str
    address: str = ""
    hotline: str = ""
    email: str = ""
    hours: str = ""
    website: str = ""
    example: bool = False  # the shipped example, not yet edited for the real department


@dataclass(frozen=True)
class Contact:
    """The department's contact card."""

    card: ContactCard


@dataclass(frozen=True)
class Followed:
    """A subscription saved ("theo dõi <chủ đề>"), with what it would have matched lately."""

    subscribed: Subscribed


@dataclass(frozen=True)
class Subscriptions:
    """The chat's subscriptions, numbered as "bỏ theo dõi <số>" takes them."""

    subscriptions: tuple[SubscriptionView, ...]


@dataclass(frozen=True)
class Unfollowed:
    """One subscription stopped (`label`), or all of them (`label` None, `count` of them)."""

    label: str | None = None
    count: int = 1


@dataclass(frozen=True)
class NoSuchSubscription:
    """ "bỏ theo dõi <x>" where x is no subscription's number (as typed, cut short)."""

    typed: str


@dataclass(frozen=True)
class FollowRefused:
    """A subscription not saved: `index.SubscriptionRefused.reason`."""

    reason: str


Part = (
    Say
    | Results
    | Listing
    | Article
    | Categories
    | Welcome
    | Guide
    | WhichWasRight
    | Contact
    | Followed
    | Subscriptions
    | Unfollowed
    | NoSuchSubscription
    | FollowRefused
)


@dataclass(frozen=True)
class Turn:
    """Another page of a list (typed: "tiếp" / "trước")."""

    list: ListRef
    page: int  # 0-based
    forward: bool


@dataclass(frozen=True)
class Read:
    """Read article `number` of the list shown (typed: "đọc 2")."""

    number: int
    article_id: int


@dataclass(frozen=True)
class Suggest:
    """Ask the question as the articles spell it (typed: the suggestion itself)."""

    question: str
    suggestion: str


@dataclass(frozen=True)
class OpenLatest:
    """The newest articles (typed: "mới")."""


@dataclass(frozen=True)
class OpenCategories:
    """The categories (typed: "chuyên mục")."""


@dataclass(frozen=True)
class OpenCategory:
    """One category's articles (typed: "chuyên mục <name>")."""

    name: str
    count: int


@dataclass(frozen=True)
class TryAsking:
    """An example question to type."""

    example: str


@dataclass(frozen=True)
class Rate:
    """👍 / 👎 on the answer just given."""

    answer_id: int


@dataclass(frozen=True)
class Pick:
    """This shown article (number on screen, id) was the right one; article 0: none was."""

    answer_id: int
    number: int
    article_id: int
    title: str = ""


@dataclass(frozen=True)
class OpenContact:
    """The department's contact card (typed: "liên hệ")."""


@dataclass(frozen=True)
class FollowTopic:
    """Follow the question (or category) of the list shown (typed: "theo dõi <câu hỏi>")."""

    list: ListRef


@dataclass(frozen=True)
class Unfollow:
    """Stop following subscription `number` of the chat's list (typed: "bỏ theo dõi 2")."""

    number: int
    subscription: SubscriptionView


Step = (
    Turn
    | Read
    | Suggest
    | OpenLatest
    | OpenCategories
    | OpenCategory
    | TryAsking
    | Rate
    | Pick
    | OpenContact
    | FollowTopic
    | Unfollow
)


@dataclass(frozen=True)
class Reply:
    """What to say, in order, and the next steps to offer after it."""

    parts: tuple[Part, ...]
    steps: tuple[Step, ...] = ()
