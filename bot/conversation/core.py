"""The conversation: one message or action of one chat in, what to say and offer out.

`Conversation.handle` is channel-free and blocking (it searches and reads the database): a
channel calls it in a worker thread and renders the `Reply`. Where each chat stands (its last
question and the list it was shown) lives in the database through `index.Archive`, keyed by the
channel and a keyed hash of the chat id, so a restart or a second replica continues the same
conversation.
"""

from __future__ import annotations

import calendar
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from index import (
    Archive,
    ArticleNotFound,
    ConversationState,
    EmptyQuery,
    LoggedQuestion,
    SearchPage,
    fold,
    foreign_words,
    lower,
)

from . import handover
from .intents import ChatTable, Intent, Understood, understand
from .privacy import (
    FOLLOW_UP_FOR,
    HANDOVER_FOR,
    PURGE_EVERY,
    QUESTIONS_FOR,
    REFERENCES_FOR,
    ChatKeys,
)
from .types import (
    Action,
    Article,
    AskSuggestion,
    Categories,
    Forget,
    Guide,
    Help,
    Incoming,
    Listing,
    ListKind,
    ListRef,
    OpenCategories,
    OpenCategory,
    OpenLatest,
    Read,
    ReadArticle,
    Reply,
    Results,
    Said,
    Say,
    ShowCategories,
    ShowPage,
    Start,
    Step,
    Suggest,
    TryAsking,
    Turn,
    Welcome,
)

__all__ = ["Conversation", "PAGE_SIZE", "EXAMPLE", "TODAY_QUESTION"]

log = logging.getLogger(__name__)

PAGE_SIZE = 5
EXAMPLE = "hội thảo chính quyền điện tử"
TODAY_QUESTION = "tin hôm nay"  # lists today's articles (a question that is only a period)
MAX_CATEGORY_STEPS = 40
_DOC_LINK = re.compile(r"doc_([0-9]{1,18})")
_CATEGORY_CUE = re.compile(r"^(?:chuyên mục|chuyen muc|mục|muc)\s+(.+)$", re.IGNORECASE)


@dataclass
class _Chat:
    """One chat during one message: who it is, and its state read once when first needed."""

    incoming: Incoming
    key: str
    now: datetime
    loaded: bool = False
    known: ConversationState | None = field(default=None)


class Conversation:
    """Understands messages and actions, answers them, and remembers where each chat stands."""

    def __init__(
        self,
        archive: Archive,
        keys: ChatKeys,
        *,
        page_size: int = PAGE_SIZE,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.archive = archive
        self.keys = keys
        self.page_size = page_size
        self.clock = clock
        self.table = ChatTable(archive.dictionary.chat)
        self._last_purge = -PURGE_EVERY

    # -- the entry points -------------------------------------------------------------------

    def handle(self, incoming: Incoming) -> Reply:
        """What to say to one message or action."""
        chat = _Chat(incoming, self.keys.of(incoming.channel, incoming.chat_id), self.clock())
        self._purge_now_and_then(chat.now)
        if incoming.action is not None:
            return self._act(chat, incoming.action)
        return self._answer(chat, understand(incoming.text or "", self.table))

    def hand_over(self, question: str) -> str:
        """A deep-link payload that brings `question` into a private chat (see handover.py)."""
        payload = handover.encode(question)
        if payload is not None:
            return payload
        payload, token = handover.new_token()
        self.archive.hand_over(token, question, self.clock())
        return payload

    # -- actions (buttons, commands) --------------------------------------------------------

    def _act(self, chat: _Chat, action: Action) -> Reply:
        if isinstance(action, ShowPage):
            return self._show(chat, action.list, action.page)
        if isinstance(action, ReadArticle):
            return self._read(chat, action.article_id)
        if isinstance(action, AskSuggestion):
            return self._suggested(chat, action.question)
        if isinstance(action, ShowCategories):
            return self._categories()
        if isinstance(action, Start):
            return self._start(chat, action.payload)
        if isinstance(action, Help):
            return Reply((Guide(),), (TryAsking(EXAMPLE),))
        if isinstance(action, Forget):
            return self._forget(chat)
        raise TypeError(f"unknown action {action!r}")

    def _start(self, chat: _Chat, payload: str) -> Reply:
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

    def _forget(self, chat: _Chat) -> Reply:
        """/xoadulieu: everything kept for this chat is deleted now."""
        purged = self.archive.forget_chat(chat.incoming.channel, chat.key)
        done = purged.conversations + purged.questions
        return Reply((Say(Said.FORGOTTEN if done else Said.NOTHING_TO_FORGET),))

    def _suggested(self, chat: _Chat, question: str) -> Reply:
        """“🔎 Tìm …”: ask the question as the articles spell it."""
        try:
            suggestion = self.archive.search(question, 1).suggestion
        except EmptyQuery:
            suggestion = None
        if suggestion is None:
            return Reply((Say(Said.RESULTS_EXPIRED),))
        return self._search(chat, suggestion)

    # -- messages ---------------------------------------------------------------------------

    def _answer(self, chat: _Chat, understood: Understood) -> Reply:
        intent = understood.intent
        if intent in _SMALL_TALK:
            return _SMALL_TALK[intent]
        if intent is Intent.SEARCH:
            category = self._category_named(understood.words)
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
            return self._categories()
        if intent is Intent.FORGET:
            return self._forget(chat)
        return Reply((Say(Said.EMPTY_QUESTION),), (TryAsking(EXAMPLE),))

    def _search(self, chat: _Chat, question: str) -> Reply:
        """A question: its results, remembered as the chat's list and counted."""
        try:
            page = self.archive.search(question, self.page_size)
        except EmptyQuery:
            return Reply((Say(Said.EMPTY_QUESTION),), (TryAsking(EXAMPLE),))
        listed = ListRef(ListKind.SEARCH, question)
        self._remember(chat, listed, page, question=question)
        return self._reply(page, listed)

    def _foreign(self, chat: _Chat, text: str) -> Reply:
        """Another language: say the bot answers in Vietnamese, then search all the same, with
        the words the articles hold ("covid news" → "covid")."""
        try:
            page = self.archive.search(text, self.page_size)
        except EmptyQuery:
            return Reply((Say(Said.FOREIGN_NOTHING),), (OpenLatest(),))
        known = self._known_words(text) if page.total == 0 else text
        if known and known != text:
            text, page = known, self.archive.search(known, self.page_size)
        listed = ListRef(ListKind.SEARCH, text)
        self._remember(chat, listed, page, question=text)
        found = self._reply(page, listed)
        if page.total == 0:  # nothing for these words: say so, then how to ask
            return Reply((*found.parts, Say(Said.FOREIGN_NOTHING)), found.steps)
        return Reply((Say(Said.FOREIGN), *found.parts), found.steps)

    def _known_words(self, text: str) -> str:
        """The foreign words of a message (at most eight) that some article holds; a word that
        could be Vietnamese typed without accents ("the" for "thế") does not count."""
        known = []
        for word in foreign_words(text)[:8]:
            try:
                page = self.archive.search(word, 1)
                if page.total and page.understood is None:  # as written: "what" is no "phạt"
                    known.append(word)
            except EmptyQuery:
                continue
        return " ".join(known)

    def _follow_up(self, chat: _Chat, words: str) -> Reply:
        """ "còn X thì sao": X, searched in the period and category of the question before it
        (asked within 15 minutes), unless X names its own."""
        state = self._state(chat)
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

    def _refer(self, chat: _Chat, understood: Understood) -> Reply:
        """ "đọc 2", "bài cuối", "bài đó", "chi tiết hơn": an article of the list shown."""
        state = self._state(chat)
        if state is None or not state.shown:
            return Reply((Say(Said.NO_LIST),), (OpenLatest(),))
        intent = understood.intent
        if intent is Intent.READ_NUMBER and understood.number is not None:
            article_id = self._nth(state, understood.number)
            if article_id is None:
                return Reply((Say(Said.NO_SUCH_NUMBER, understood.number),))
        elif intent is Intent.READ_LAST:
            article_id = state.shown[-1]
        elif intent is Intent.READ_THAT:
            article_id = state.article_id or state.answer_article_id or state.shown[0]
        else:  # "chi tiết hơn": the article the answer came from, else the first
            article_id = state.answer_article_id or state.shown[0]
        return self._read(chat, article_id)

    def _nth(self, state: ConversationState, number: int) -> int | None:
        """The id of article `number` (1-based, as numbered on screen) of the chat's list."""
        if state.offset < number <= state.offset + len(state.shown):
            return state.shown[number - 1 - state.offset]
        if not 1 <= number <= state.total:
            return None
        page = self._fetch(_list_of(state), (number - 1) // self.page_size)
        if page is None:
            return None
        index = number - 1 - page.offset
        return page.hits[index].article_id if 0 <= index < len(page.hits) else None

    def _turn(self, chat: _Chat, *, forward: bool) -> Reply:
        """ "tiếp" / "trước": the next or previous page of the chat's list."""
        state = self._state(chat)
        if state is None:
            return Reply((Say(Said.NO_LIST),), (OpenLatest(),))
        current = state.offset // self.page_size
        if forward and state.offset + len(state.shown) >= state.total:
            return Reply((Say(Said.LAST_PAGE),), (OpenLatest(),))
        if not forward and current == 0:
            return Reply((Say(Said.FIRST_PAGE),))
        return self._show(chat, _list_of(state), current + (1 if forward else -1))

    def _shift(self, chat: _Chat, *, older: bool) -> Reply:
        """ "tin cũ hơn" / "mới hơn": the same question in the period before or after."""
        state = self._state(chat)
        if state is None:
            return Reply((Say(Said.NO_LIST),), (OpenLatest(),))
        if state.list_kind == ListKind.LATEST:
            if not older and state.offset == 0:
                return Reply((Say(Said.NEWEST_ALREADY),))
            return self._turn(chat, forward=older)
        period = self._shifted_period(state, older, chat.now)
        if period is None:
            return Reply((Say(Said.NEWEST_ALREADY),))
        return self._search(chat, f"{_without_period(state)} {period}".strip())

    def _shifted_period(self, state: ConversationState, older: bool, now: datetime) -> str | None:
        """The period before (or after) the list's, said the way the question parser reads."""
        today = now.astimezone(_local(state)).date()
        if state.since is not None and (state.until is not None or not older):
            first = state.since.date()
            last = state.until.date() if state.until is not None else today
            start, end = _shift_period(first, last, older)
            if start > today:
                return None
            return f"từ {_day(start)} đến {_day(min(end, today))}"
        shown = self._shown_days(state)
        if older:
            boundary = state.since.date() if state.since else min(shown, default=today)
            return f"trước ngày {_day(boundary)}"
        boundary = state.until.date() if state.until else max(shown, default=today)
        if boundary >= today:
            return None
        return f"sau ngày {_day(boundary)}"

    def _shown_days(self, state: ConversationState) -> list[date]:
        days = []
        for article_id in state.shown:
            try:
                days.append(self.archive.article(article_id).published_at.date())
            except ArticleNotFound:
                continue
        return days

    def _today(self, chat: _Chat) -> Reply:
        """ "hôm nay có tin gì": today's articles, or the latest with a note when there are none."""
        listed = ListRef(ListKind.TODAY)
        page = self._fetch(listed, 0)
        if page is not None and page.total:
            self._remember(chat, listed, page)
            return self._reply(page, listed)
        latest = ListRef(ListKind.LATEST)
        page = self.archive.latest(self.page_size)
        self._remember(chat, latest, page)
        found = self._reply(page, latest)
        return Reply((Say(Said.TODAY_EMPTY), *found.parts), found.steps)

    def _categories(self) -> Reply:
        found = tuple(self.archive.categories())
        steps = tuple(OpenCategory(c.name, c.count) for c in found[:MAX_CATEGORY_STEPS])
        return Reply((Categories(found),), steps)

    def _category_named(self, words: str) -> str | None:
        """The category a message names with "chuyên mục <tên>" (the twin of its button)."""
        match = _CATEGORY_CUE.match(words.strip())
        if match is None:
            return None
        wanted = _plain(match[1])
        return next((c.name for c in self.archive.categories() if _plain(c.name) == wanted), None)

    # -- lists ------------------------------------------------------------------------------

    def _show(self, chat: _Chat, listed: ListRef, page_number: int) -> Reply:
        """A page of a list, remembered as the chat's list."""
        page = self._fetch(listed, page_number)
        if page is None:
            return Reply((Say(Said.RESULTS_EXPIRED),))
        self._remember(chat, listed, page)
        return self._reply(page, listed)

    def _fetch(self, listed: ListRef, page_number: int) -> SearchPage | None:
        """Page `page_number` of a list, or its last page when the list has shrunk since."""
        offset = max(0, page_number) * self.page_size
        page = self._page(listed, offset)
        if page is not None and not page.hits and page.total and offset > 0:
            last = (page.total - 1) // self.page_size * self.page_size
            page = self._page(listed, last)
        return page

    def _page(self, listed: ListRef, offset: int) -> SearchPage | None:
        size = self.page_size
        try:
            if listed.kind is ListKind.SEARCH:
                return self.archive.search(listed.query, size, offset)
            if listed.kind is ListKind.TODAY:
                return self.archive.search(TODAY_QUESTION, size, offset)
        except EmptyQuery:
            return None
        if listed.kind is ListKind.CATEGORY:
            return self.archive.latest(size, offset, category=listed.query)
        return self.archive.latest(size, offset)

    def _reply(self, page: SearchPage, listed: ListRef) -> Reply:
        """The list's part and its next steps: read each article, turn the pages, the
        suggested question."""
        steps: list[Step] = [
            Read(page.offset + i + 1, hit.article_id) for i, hit in enumerate(page.hits)
        ]
        current = page.offset // self.page_size
        if current > 0 and page.hits:
            steps.append(Turn(listed, current - 1, forward=False))
        if not page.is_last_page:
            steps.append(Turn(listed, current + 1, forward=True))
        if listed.kind is ListKind.SEARCH and page.suggestion:
            steps.append(Suggest(listed.query, page.suggestion))
        if listed.kind is ListKind.CATEGORY:
            steps.append(OpenCategories())
        if listed.kind is ListKind.SEARCH:
            if not page.hits:
                steps.append(OpenLatest())
            return Reply((Results(page, listed),), tuple(steps))
        return Reply((Listing(page, listed),), tuple(steps))

    def _read(self, chat: _Chat, article_id: int) -> Reply:
        """The whole article; the chat's "bài đó" from now on."""
        try:
            article = self.archive.article(article_id)
        except ArticleNotFound:
            return Reply((Say(Said.ARTICLE_NOT_FOUND, article_id),))
        state = self._state(chat, continuing_only=False)
        if state is not None:
            self._save(state.reading(article_id, chat.now))
        return Reply((Article(article),))

    # -- memory -----------------------------------------------------------------------------

    def _state(self, chat: _Chat, *, continuing_only: bool = True) -> ConversationState | None:
        """The chat's state (24 hours at most); in a group, only for a reply to the bot."""
        if continuing_only and not chat.incoming.continues:
            return None
        if not chat.loaded:
            chat.known = self.archive.conversation(
                chat.incoming.channel, chat.key, chat.now - REFERENCES_FOR
            )
            chat.loaded = True
        return chat.known

    def _remember(
        self, chat: _Chat, listed: ListRef, page: SearchPage, question: str | None = None
    ) -> None:
        """Keep the list just shown for follow-ups; a new question is kept and counted too."""
        before = None if question is not None else self._state(chat, continuing_only=False)
        filters = None if page.relaxed else page.filters
        period = filters if filters and (filters.since or filters.until) else page.preferred
        state = ConversationState(
            channel=str(chat.incoming.channel),
            chat_key=chat.key,
            list_kind=str(listed.kind),
            updated_at=chat.now,
            list_query=listed.query,
            question=question if question is not None else before.question if before else None,
            asked_at=chat.now if question is not None else before.asked_at if before else None,
            time_label=None if page.relaxed else page.time_label,
            since=period.since if period else None,
            until=period.until if period else None,
            category=filters.category if filters else None,
            offset=page.offset,
            total=page.total,
            shown=tuple(hit.article_id for hit in page.hits),
            answer_article_id=page.answer.article_id if page.answer else None,
        )
        logged = None
        if question is not None:  # counted for /stats, the chat only as its keyed hash
            where = f"{chat.incoming.channel}:{'group' if chat.incoming.group else 'private'}"
            logged = LoggedQuestion(question, page.total, where)
        self._save(state, logged)
        chat.known, chat.loaded = state, True

    def _save(self, state: ConversationState, logged: LoggedQuestion | None = None) -> None:
        try:
            self.archive.remember(state, logged)
        except Exception:  # a failure to remember costs the follow-up, never the answer
            log.warning("could not remember a conversation", exc_info=True)

    def _purge_now_and_then(self, now: datetime) -> None:
        """Delete expired conversations, hand-overs and old question logs, every few minutes."""
        moment = time.monotonic()
        if moment - self._last_purge < PURGE_EVERY:
            return
        self._last_purge = moment
        try:
            self.archive.purge_conversations(
                now - REFERENCES_FOR, now - QUESTIONS_FOR, now - HANDOVER_FOR
            )
        except Exception:
            log.warning("could not purge expired conversations", exc_info=True)


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


def _list_of(state: ConversationState) -> ListRef:
    return ListRef(ListKind(state.list_kind), state.list_query)


def _has_period(page: SearchPage) -> bool:
    return page.preferred is not None or (
        page.filters is not None
        and (page.filters.since is not None or page.filters.until is not None)
    )


def _without_period(state: ConversationState) -> str:
    """The list's question without the words of its period ("hội sách năm 2019" → "hội
    sách"); a category's list as "chuyên mục <tên>"; today's as "tin"."""
    if state.list_kind == ListKind.CATEGORY:
        return f"chuyên mục {state.list_query}"
    if state.list_kind == ListKind.TODAY:
        return "tin"
    query = state.list_query
    if state.time_label and state.time_label in query:
        query = query.replace(state.time_label, " ", 1)
    return " ".join(query.split()) or "tin"


def _shift_period(first: date, last: date, older: bool) -> tuple[date, date]:
    """The period as long as [first, last] just before (or after) it; whole months stay whole
    months ("tháng 5/2019" → April 2019)."""
    month_end = last.day == calendar.monthrange(last.year, last.month)[1]
    if first.day == 1 and month_end:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        step = -months if older else months
        start = _add_months(first, step)
        end_month = _add_months(start, months - 1)
        end = end_month.replace(day=calendar.monthrange(end_month.year, end_month.month)[1])
        return start, end
    length = last - first
    if older:
        end = first - timedelta(days=1)
        return end - length, end
    start = last + timedelta(days=1)
    return start, start + length


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _local(state: ConversationState) -> tzinfo | None:
    """The time zone the list's dates were read in (the articles', Vietnam's)."""
    moment = state.since or state.until or state.updated_at
    return moment.tzinfo


def _plain(text: str) -> str:
    return " ".join(fold(lower(text)).split())
