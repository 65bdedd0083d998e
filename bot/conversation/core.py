"""The conversation: one message or action of one chat in, what to say and offer out.

`Conversation.handle` is channel-free and blocking (it searches and reads the database): a
channel calls it in a worker thread and renders the `Reply`. Where each chat stands (its last
question and the list it was shown) lives in the database through `index.Archive`, keyed by the
channel and a keyed hash of the chat id, so a restart or a second replica continues the same
conversation.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime

from index import (
    Archive,
    ArticleNotFound,
    EmptyQuery,
    NewsDesk,
    SearchPage,
    fold,
    foreign_words,
    lower,
)

from . import handover
from .feedback import Feedback
from .follow import Following
from .intents import ChatTable, Intent, Understood, understand
from .lists import TODAY_QUESTION, Lists, list_of
from .memory import Chat, Memory
from .periods import shifted_period, without_period
from .privacy import FOLLOW_UP_FOR, HANDOVER_FOR, ChatKeys
from .types import (
    Action,
    Article,
    AskSuggestion,
    Categories,
    ContactCard,
    Forget,
    Guide,
    Help,
    Incoming,
    JudgeAnswer,
    ListKind,
    ListRef,
    OpenCategories,
    OpenCategory,
    OpenLatest,
    RateAnswer,
    ReadArticle,
    Reply,
    Said,
    Say,
    ShowCategories,
    ShowContact,
    ShowPage,
    Start,
    TryAsking,
    Welcome,
)

__all__ = ["Conversation", "PAGE_SIZE", "EXAMPLE", "TODAY_QUESTION"]

log = logging.getLogger(__name__)

PAGE_SIZE = 5
EXAMPLE = "hội thảo chính quyền điện tử"
MAX_CATEGORY_STEPS = 40
_DOC_LINK = re.compile(r"doc_([0-9]{1,18})")
_CATEGORY_CUE = re.compile(r"^(?:chuyên mục|chuyen muc|mục|muc)\s+(.+)$", re.IGNORECASE)


class Conversation:
    """Understands messages and actions, answers them, and remembers where each chat stands."""

    def __init__(
        self,
        archive: Archive,
        keys: ChatKeys,
        *,
        page_size: int = PAGE_SIZE,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        contact: ContactCard | None = None,
        news: NewsDesk | None = None,
    ) -> None:
        self.archive = archive
        self.keys = keys
        self.page_size = page_size
        self.clock = clock
        self.table = ChatTable(archive.dictionary.chat)
        self.memory = Memory(archive)
        self.lists = Lists(
            archive, page_size, contact_offered=bool(contact), follow_offered=bool(news)
        )
        self.feedback = Feedback(archive, self.memory, contact)
        self.news = news  # subscriptions ("theo dõi …"), when this process has them
        self.following = Following(news)

    # -- the entry points -------------------------------------------------------------------

    def handle(self, incoming: Incoming) -> Reply:
        """What to say to one message or action."""
        chat = Chat(incoming, self.keys.of(incoming.channel, incoming.chat_id), self.clock())
        self.memory.purge_now_and_then(chat.now)
        if incoming.action is not None:
            return self._act(chat, incoming.action)
        text = incoming.text or ""
        typed = self.following.typed(chat, text) or self.feedback.typed(chat, text)
        return typed or self._answer(chat, understand(text, self.table))

    def hand_over(self, question: str) -> str:
        """A deep-link payload that brings `question` into a private chat (see handover.py)."""
        payload = handover.encode(question)
        if payload is not None:
            return payload
        payload, token = handover.new_token()
        self.archive.hand_over(token, question, self.clock())
        return payload

    # -- actions (buttons, commands) --------------------------------------------------------

    def _act(self, chat: Chat, action: Action) -> Reply:
        if isinstance(action, ShowPage):
            return self._show(chat, action.list, action.page)
        if isinstance(action, ReadArticle):
            return self._read(chat, action.article_id)
        if isinstance(action, AskSuggestion):
            return self._suggested(chat, action.question)
        if isinstance(action, ShowCategories):
            return _categories(self.archive)
        if isinstance(action, Start):
            return self._start(chat, action.payload)
        if isinstance(action, Help):
            return Reply((Guide(),), (TryAsking(EXAMPLE),))
        if isinstance(action, Forget):
            return _forget(self.archive, chat)
        if isinstance(action, RateAnswer | JudgeAnswer | ShowContact):
            return self.feedback.act(chat, action)
        raise TypeError(f"unknown action {action!r}")

    def _start(self, chat: Chat, payload: str) -> Reply:
        """/start: a t.me link's article or question, else a greeting."""
        if match := _DOC_LINK.fullmatch(payload):
            return self._read(chat, int(match[1]))
        if question := handover.decode(payload):
            return self._search(chat, question)
        if token := handover.token_of(payload):
            question = self.archive.take_handover(token, chat.now - HANDOVER_FOR)
            if question is None:
                return Reply((Say(Said.HANDOVER_EXPIRED),), (TryAsking(EXAMPLE),))
            return self._search(chat, question)
        welcome = Welcome(chat.incoming.first_name)
        return Reply((welcome,), (OpenLatest(), OpenCategories()))

    def _suggested(self, chat: Chat, question: str) -> Reply:
        """“🔎 Tìm …”: ask the question as the articles spell it."""
        try:
            suggestion = self.archive.search(question, 1).suggestion
        except EmptyQuery:
            suggestion = None
        if suggestion is None:
            return Reply((Say(Said.RESULTS_EXPIRED),))
        return self._search(chat, suggestion)

    # -- messages ---------------------------------------------------------------------------

    def _answer(self, chat: Chat, understood: Understood) -> Reply:
        intent = understood.intent
        if intent in _SMALL_TALK:
            return _SMALL_TALK[intent]
        if intent is Intent.SEARCH:
            category = _category_named(self.archive, understood.words)
            if category is not None:
                return self._show(chat, ListRef(ListKind.CATEGORY, category), 0)
            return self._search(chat, understood.words)
        if intent is Intent.FOREIGN:
            return self._foreign(chat, understood.words)
        if intent is Intent.FOLLOW_UP:
            return self._follow_up(chat, understood.words)
        if intent in (Intent.READ_NUMBER, Intent.READ_LAST, Intent.READ_THAT, Intent.DETAILS):
            return self._refer(chat, understood)
        if intent in (Intent.NEXT, Intent.PREVIOUS):
            return self._turn(chat, forward=intent is Intent.NEXT)
        if intent in (Intent.OLDER, Intent.NEWER):
            return self._shift(chat, older=intent is Intent.OLDER)
        if intent is Intent.LATEST:
            return self._show(chat, ListRef(ListKind.LATEST), 0)
        if intent is Intent.TODAY:
            return self._today(chat)
        if intent is Intent.CATEGORIES:
            return _categories(self.archive)
        if intent is Intent.FORGET:
            return _forget(self.archive, chat)
        return Reply((Say(Said.EMPTY_QUESTION),), (TryAsking(EXAMPLE),))

    def _search(self, chat: Chat, question: str) -> Reply:
        """A question: its results, remembered as the chat's list and counted."""
        try:
            page = self.archive.search(question, self.page_size)
        except EmptyQuery:
            return Reply((Say(Said.EMPTY_QUESTION),), (TryAsking(EXAMPLE),))
        listed = ListRef(ListKind.SEARCH, question)
        answer_id = self.memory.remember(chat, listed, page, question=question)
        return self.lists.reply(page, listed, answer_id)

    def _foreign(self, chat: Chat, text: str) -> Reply:
        """Another language: say the bot answers in Vietnamese, then search all the same, with
        the words the articles hold ("covid news" → "covid")."""
        try:
            page = self.archive.search(text, self.page_size)
        except EmptyQuery:
            return Reply((Say(Said.FOREIGN_NOTHING),), (OpenLatest(),))
        known = _known_words(self.archive, text) if page.total == 0 else text
        if known and known != text:
            text, page = known, self.archive.search(known, self.page_size)
        listed = ListRef(ListKind.SEARCH, text)
        self.memory.remember(chat, listed, page, question=text)
        found = self.lists.reply(page, listed)
        if page.total == 0:  # nothing for these words: say so, then how to ask
            return Reply((*found.parts, Say(Said.FOREIGN_NOTHING)), found.steps)
        return Reply((Say(Said.FOREIGN), *found.parts), found.steps)

    def _follow_up(self, chat: Chat, words: str) -> Reply:
        """ "còn X thì sao": X, searched in the period and category of the question before it
        (asked within 15 minutes), unless X names its own."""
        state = self.memory.state(chat)
        if state is None or state.asked_at is None or state.asked_at < chat.now - FOLLOW_UP_FOR:
            return self._search(chat, words)
        try:
            alone = self.archive.search(words, 1)
        except EmptyQuery:
            return self._search(chat, words)
        extra = []
        if state.time_label and alone.time_label is None and not _has_period(alone):
            extra.append(state.time_label)
        if state.category and not (alone.filters and alone.filters.category):
            extra.append(f"chuyên mục {state.category}")
        return self._search(chat, " ".join([words, *extra]))

    def _refer(self, chat: Chat, understood: Understood) -> Reply:
        """ "đọc 2", "bài cuối", "bài đó", "chi tiết hơn": an article of the list shown."""
        state = self.memory.state(chat)
        if state is None or not state.shown:
            return Reply((Say(Said.NO_LIST),), (OpenLatest(),))
        intent = understood.intent
        if intent is Intent.READ_NUMBER and understood.number is not None:
            article_id = self.lists.nth(state, understood.number)
            if article_id is None:
                return Reply((Say(Said.NO_SUCH_NUMBER, understood.number),))
        elif intent is Intent.READ_LAST:
            article_id = state.shown[-1]
        elif intent is Intent.READ_THAT:
            article_id = state.article_id or state.answer_article_id or state.shown[0]
        else:  # "chi tiết hơn": the article the answer came from, else the first
            article_id = state.answer_article_id or state.shown[0]
        return self._read(chat, article_id)

    def _turn(self, chat: Chat, *, forward: bool) -> Reply:
        """ "tiếp" / "trước": the next or previous page of the chat's list."""
        state = self.memory.state(chat)
        if state is None:
            return Reply((Say(Said.NO_LIST),), (OpenLatest(),))
        current = state.offset // self.page_size
        if forward and state.offset + len(state.shown) >= state.total:
            return Reply((Say(Said.LAST_PAGE),), (OpenLatest(),))
        if not forward and current == 0:
            return Reply((Say(Said.FIRST_PAGE),))
        return self._show(chat, list_of(state), current + (1 if forward else -1))

    def _shift(self, chat: Chat, *, older: bool) -> Reply:
        """ "tin cũ hơn" / "mới hơn": the same question in the period before or after."""
        state = self.memory.state(chat)
        if state is None:
            return Reply((Say(Said.NO_LIST),), (OpenLatest(),))
        if state.list_kind == ListKind.LATEST:
            if not older and state.offset == 0:
                return Reply((Say(Said.NEWEST_ALREADY),))
            return self._turn(chat, forward=older)
        period = shifted_period(self.archive, state, older, chat.now)
        if period is None:
            return Reply((Say(Said.NEWEST_ALREADY),))
        return self._search(chat, f"{without_period(state)} {period}".strip())

    def _today(self, chat: Chat) -> Reply:
        """ "hôm nay có tin gì": today's articles, or the latest with a note when there are none."""
        listed = ListRef(ListKind.TODAY)
        page = self.lists.fetch(listed, 0)
        if page is not None and page.total:
            self.memory.remember(chat, listed, page)
            return self.lists.reply(page, listed)
        latest = ListRef(ListKind.LATEST)
        page = self.archive.latest(self.page_size)
        self.memory.remember(chat, latest, page)
        found = self.lists.reply(page, latest)
        return Reply((Say(Said.TODAY_EMPTY), *found.parts), found.steps)

    # -- lists ------------------------------------------------------------------------------

    def _show(self, chat: Chat, listed: ListRef, page_number: int) -> Reply:
        """A page of a list, remembered as the chat's list."""
        page = self.lists.fetch(listed, page_number)
        if page is None:
            return Reply((Say(Said.RESULTS_EXPIRED),))
        answer_id = self.memory.remember(chat, listed, page)  # a question's page keeps its 👍/👎
        return self.lists.reply(page, listed, answer_id)

    def _read(self, chat: Chat, article_id: int) -> Reply:
        """The whole article; the chat's "bài đó" from now on."""
        try:
            article = self.archive.article(article_id)
        except ArticleNotFound:
            return Reply((Say(Said.ARTICLE_NOT_FOUND, article_id),))
        state = self.memory.state(chat, continuing_only=False)
        if state is not None:
            self.memory.save(state.reading(article_id, chat.now))
        return Reply((Article(article),))


_SMALL_TALK: dict[Intent, Reply] = {
    Intent.GREETING: Reply((Say(Said.GREETING),), (OpenLatest(),)),
    Intent.THANKS: Reply((Say(Said.THANKS),), (OpenLatest(),)),
    Intent.GOODBYE: Reply((Say(Said.GOODBYE),), (OpenLatest(),)),
    Intent.WHO_AM_I: Reply((Say(Said.WHO_AM_I),), (TryAsking(EXAMPLE),)),
    Intent.HELP: Reply((Say(Said.HELP),), (TryAsking(EXAMPLE),)),
    Intent.COMPLAINT: Reply((Say(Said.COMPLAINT),), (OpenLatest(),)),
    Intent.ACKNOWLEDGED: Reply((Say(Said.ACKNOWLEDGED),), (OpenLatest(),)),
    Intent.EMPTY: Reply((Say(Said.EMPTY_QUESTION),), (TryAsking(EXAMPLE),)),
}


def _categories(archive: Archive) -> Reply:
    found = tuple(archive.categories())
    steps = tuple(OpenCategory(c.name, c.count) for c in found[:MAX_CATEGORY_STEPS])
    return Reply((Categories(found),), steps)


def _forget(archive: Archive, chat: Chat) -> Reply:
    """/xoadulieu: everything kept for this chat is deleted now."""
    purged = archive.forget_chat(chat.incoming.channel, chat.key)
    done = purged.conversations + purged.questions
    return Reply((Say(Said.FORGOTTEN if done else Said.NOTHING_TO_FORGET),))


def _category_named(archive: Archive, words: str) -> str | None:
    """The category a message names with "chuyên mục <tên>" (the twin of its button)."""
    match = _CATEGORY_CUE.match(words.strip())
    if match is None:
        return None
    wanted = _plain(match[1])
    return next((c.name for c in archive.categories() if _plain(c.name) == wanted), None)


def _known_words(archive: Archive, text: str) -> str:
    """The foreign words of a message (at most eight) that some article holds; a word that
    could be Vietnamese typed without accents ("the" for "thế") does not count."""
    known = []
    for word in foreign_words(text)[:8]:
        try:
            page = archive.search(word, 1)
            if page.total and page.understood is None:  # as written: "what" is no "phạt"
                known.append(word)
        except EmptyQuery:
            continue
    return " ".join(known)


def _has_period(page: SearchPage) -> bool:
    return page.preferred is not None or (
        page.filters is not None
        and (page.filters.since is not None or page.filters.until is not None)
    )


def _plain(text: str) -> str:
    return " ".join(fold(lower(text)).split())
