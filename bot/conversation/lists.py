"""The lists a chat is shown — search results, the latest, a category, today — page by page,
with their next steps."""

from __future__ import annotations

from index import Archive, ConversationState, EmptyQuery, SearchPage

from .types import (
    FollowTopic,
    Listing,
    ListKind,
    ListRef,
    OpenCategories,
    OpenContact,
    OpenLatest,
    Rate,
    Read,
    Reply,
    Results,
    Step,
    Suggest,
    Turn,
)

__all__ = ["Lists", "TODAY_QUESTION", "list_of"]

TODAY_QUESTION = "tin hôm nay"  # lists today's articles (a question that is only a period)
_FOLLOWABLE = (ListKind.SEARCH, ListKind.CATEGORY)


class Lists:
    """Pages of lists, `page_size` articles each."""

    def __init__(
        self,
        archive: Archive,
        page_size: int,
        *,
        contact_offered: bool = False,
        follow_offered: bool = False,
    ) -> None:
        self.archive = archive
        self.page_size = page_size
        self.contact_offered = contact_offered  # a question without results offers it
        self.follow_offered = follow_offered  # a question's or category's list: follow it

    def fetch(self, listed: ListRef, page_number: int) -> SearchPage | None:
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

    def reply(self, page: SearchPage, listed: ListRef, answer_id: int | None = None) -> Reply:
        """The list's part and its next steps: read each article, turn the pages, the
        suggested question; 👍/👎 on a question's answer, the contact card when it has none."""
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
        follow: tuple[Step, ...] = ()  # last: the twin of the 🔔 row
        if self.follow_offered and page.hits and listed.kind in _FOLLOWABLE:
            follow = (FollowTopic(listed),)
        if listed.kind is ListKind.SEARCH:
            if answer_id is not None and page.hits:
                steps.append(Rate(answer_id))
            if not page.hits:
                steps.append(OpenLatest())
                if self.contact_offered:
                    steps.append(OpenContact())
            return Reply((Results(page, listed, answer_id),), (*steps, *follow))
        return Reply((Listing(page, listed),), (*steps, *follow))

    def nth(self, state: ConversationState, number: int) -> int | None:
        """The id of article `number` (1-based, as numbered on screen) of the chat's list."""
        if state.offset < number <= state.offset + len(state.shown):
            return state.shown[number - 1 - state.offset]
        if not 1 <= number <= state.total:
            return None
        page = self.fetch(list_of(state), (number - 1) // self.page_size)
        if page is None:
            return None
        index = number - 1 - page.offset
        return page.hits[index].article_id if 0 <= index < len(page.hits) else None


def list_of(state: ConversationState) -> ListRef:
    return ListRef(ListKind(state.list_kind), state.list_query)
