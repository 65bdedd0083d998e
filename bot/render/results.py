"""Result lists: a page of search results or of the latest articles, the categories, and what
inline mode shows. Pure functions of `index`'s result types; every sentence is in `texts`."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from index import (
    MAX_QUESTION_CHARS,
    MAX_WORD_CHARS,
    CategoryCount,
    SearchHit,
    SearchPage,
    Snippet,
    bound_question,
)

from .. import texts
from .style import (
    HTML,
    TELEGRAM_LIMIT,
    TITLE_CHARS,
    Style,
    cut_words,
    format_date,
    format_number,
    quote,
    within,
)

__all__ = [
    "PAGE_SIZE",
    "render_results",
    "render_no_results",
    "render_answer",
    "render_suggestion",
    "render_listing",
    "render_snippet",
    "render_hit",
    "results_heading",
    "parse_results_heading",
    "render_categories",
    "render_inline_description",
    "render_inline_message",
    "render_inline_title",
    "read_link",
]

PAGE_SIZE = 5
LABEL_CHARS = 100  # a category named in a result
ANSWER_CHARS = 500  # the answering sentence (a paragraph without full stops is one sentence)
SNIPPET_CHARS = 1000  # a snippet in an inline result's message


def render_snippet(snippet: Snippet, style: Style) -> str:
    """The snippet with its matched spans in bold, every piece escaped."""
    parts, position = [], 0
    for start, end in snippet.spans:
        parts.append(style.escape(snippet.text[position:start]))
        parts.append(style.bold(style.escape(snippet.text[start:end])))
        position = end
    parts.append(style.escape(snippet.text[position:]))
    return "".join(parts)


def _details(hit: SearchHit, style: Style) -> list[str]:
    details = [texts.DATE_MARK.format(date=format_date(hit.published_at))]
    if hit.category:
        category = style.escape(cut_words(hit.category, LABEL_CHARS))
        details.append(texts.CATEGORY_MARK.format(category=category))
    if hit.also_at:
        sources = ", ".join(cut_words(source, LABEL_CHARS) for source in hit.also_at[:3])
        details.append(texts.ALSO_AT.format(sources=style.escape(sources)))
    return details


def _cut_snippet(snippet: Snippet, chars: int) -> Snippet:
    """The snippet cut at a word, its bold spans kept within the text."""
    if len(snippet.text) <= chars:
        return snippet
    text = cut_words(snippet.text, chars)
    end = len(text) - 1  # without the ellipsis
    return Snippet(text, tuple((s, min(e, end)) for s, e in snippet.spans if s < end))


def render_hit(number: int, hit: SearchHit, style: Style) -> str:
    """One result: numbered linked title, date and category, snippet."""
    title = style.escape(cut_words(hit.title, TITLE_CHARS))
    if hit.url:
        heading = f"{style.bold(f'{number}.')} {style.link(title, hit.url)}"
    else:
        heading = f"{style.bold(f'{number}. {title}')}"
    details = _details(hit, style)
    if not hit.url:
        details.append(texts.READ_COMMAND.format(article_id=hit.article_id))
    lines = [heading, " · ".join(details)]
    snippet = render_snippet(hit.snippet, style)
    if snippet:
        lines.append(snippet)
    indent = "" if style is HTML else "   "
    return "\n".join([lines[0]] + [indent + line for line in lines[1:]])


def results_heading(query: str, style: Style) -> str:
    """The first line of a result list; `parse_results_heading` reads it back."""
    return style.bold(texts.RESULTS_HEADING.format(query=quote(query, style)))


def parse_results_heading(text: str) -> str | None:
    """The question quoted in the first line of a result list, as Telegram returns the text."""
    first = text.split("\n", 1)[0]
    prefix, _, suffix = texts.RESULTS_HEADING.format(query="“\0”").partition("\0")
    if first.startswith(prefix) and first.endswith(suffix) and len(first) > len(prefix) + 1:
        return first[len(prefix) : len(first) - len(suffix)]
    return None


def render_results(page: SearchPage, style: Style, limit: int = TELEGRAM_LIMIT) -> str:
    """A page of results, within `limit`: heading, what was understood (filters, the answer
    sentence), how many there are, the hits, and "Có phải bạn muốn tìm" when results are weak."""
    if page.total == 0 or not page.hits:
        return render_no_results(page.query, style, page)
    first, last = page.offset + 1, page.offset + len(page.hits)
    if page.total <= len(page.hits) and page.offset == 0:
        count = texts.FOUND.format(total=page.total)
    else:
        count = texts.FOUND_PAGE.format(first=first, last=last, total=page.total)
    header = [results_heading(page.query, style), *_understood(page, style)]
    if page.answer is not None:
        header.append(render_answer(page, style))
    header.append(count)
    footer = render_suggestion(page.suggestion, style) if page.suggestion else ""
    body = _fit("\n".join(header), page, style, limit - style.length(footer) - 2)
    return within(f"{body}\n\n{footer}" if footer else body, limit, style)


def _understood(page: SearchPage, style: Style) -> list[str]:
    """The question as read (keys, chat words or typos), the period it prefers and the filters
    taken from it, said back to the reader, and whether only its start was searched
    (`bound_question`)."""
    lines = _shortened(page.query)
    if page.understood and page.understood != page.query and page.understood != page.suggestion:
        lines.append(texts.UNDERSTOOD.format(question=quote(page.understood, style)))
    filters = page.filters
    parts = []
    if page.time_label and page.preferred:
        period = style.escape(cut_words(page.time_label, LABEL_CHARS))
        lines.append(texts.PREFERRED_BY.format(period=texts.FILTER_TIME.format(period=period)))
    elif page.time_label:
        period = style.escape(cut_words(page.time_label, LABEL_CHARS))
        parts.append(texts.FILTER_TIME.format(period=period))
    elif filters is not None and (filters.since or filters.until):
        since = format_date(filters.since) if filters.since else "…"
        until = format_date(filters.until) if filters.until else texts.UNTIL_NOW
        parts.append(texts.FILTER_TIME.format(period=f"{since} – {until}"))
    if filters is not None and filters.category:
        category = style.escape(cut_words(filters.category, LABEL_CHARS))
        parts.append(texts.CATEGORY_MARK.format(category=category))
    if parts:
        lines.append(texts.FILTERED_BY.format(filters=" · ".join(parts)))
    if page.relaxed and page.time_label:
        period = style.escape(cut_words(page.time_label, LABEL_CHARS))
        lines.append(texts.RELAXED.format(period=period))
    return lines


def _shortened(query: str) -> list[str]:
    if not bound_question(query).shortened:
        return []
    return [texts.QUESTION_SHORTENED.format(chars=MAX_QUESTION_CHARS, word=MAX_WORD_CHARS)]


def render_answer(page: SearchPage, style: Style) -> str:
    """The fact that answers a when/where/who/how-many question (in bold), the sentence it
    stands in, and the article it is from."""
    assert page.answer is not None
    answer = page.answer
    fact = answer.fact or answer.sentence.text
    return texts.ANSWER.format(
        label=style.bold(texts.ANSWER_LABEL),
        fact=style.bold(style.escape(cut_words(fact, 150))),
        sentence=render_snippet(_cut_snippet(answer.sentence, ANSWER_CHARS), style),
        title=style.escape(cut_words(answer.title, 80)),
    )


def render_suggestion(suggestion: str, style: Style) -> str:
    """Offer the question as the corpus spells it (diacritics restored, a typo corrected)."""
    return texts.SUGGESTION.format(question=quote(suggestion, style))


def render_no_results(query: str, style: Style, page: SearchPage | None = None) -> str:
    """A kind 'nothing found' with what to try next."""
    lines = [texts.NOTHING_FOUND.format(query=quote(query, style))]
    if page is not None:
        lines += _understood(page, style)
    if page is not None and page.suggestion:
        lines.append(render_suggestion(page.suggestion, style))
    lines += texts.NOTHING_FOUND_TIPS
    if page is not None and page.filters is not None:
        lines.append(texts.NOTHING_FOUND_DROP_FILTERS)
    lines.append(texts.NOTHING_FOUND_LATEST)
    return within("\n".join(lines), TELEGRAM_LIMIT, style)


def render_listing(
    page: SearchPage,
    category: str | None,
    style: Style,
    limit: int = TELEGRAM_LIMIT,
    heading: str | None = None,
) -> str:
    """A page of the latest articles, of every category or of one (or under `heading`)."""
    if heading is not None:
        heading = style.bold(style.escape(heading))
    elif category:
        heading = style.bold(texts.CATEGORY_HEADING.format(category=quote(category, style)))
    else:
        heading = style.bold(texts.LATEST_HEADING)
    if not page.hits:
        return f"{heading}\n{texts.NO_ARTICLES_YET}"
    first, last = page.offset + 1, page.offset + len(page.hits)
    count = texts.LISTING_PAGE.format(first=first, last=last, total=format_number(page.total))
    return within(_fit(f"{heading}\n{count}", page, style, limit), limit, style)


def _fit(header: str, page: SearchPage, style: Style, limit: int) -> str:
    """Header and hits; titles, snippets and at last links shortened until the text fits."""
    first = page.offset + 1
    text = header
    for title_chars, snippet_chars, links in _SHORTER:
        hits = [_shorten(hit, title_chars, snippet_chars, links) for hit in page.hits]
        text = "\n\n".join([header] + [render_hit(first + i, h, style) for i, h in enumerate(hits)])
        if style.length(text) <= limit:
            break
    return text


_SHORTER = ((None, None, True), (300, 200, True), (150, 100, True), (80, 60, False))


def _shorten(
    hit: SearchHit, title_chars: int | None, snippet_chars: int | None, links: bool
) -> SearchHit:
    if title_chars is None or snippet_chars is None:
        return hit
    snippet = _cut_snippet(hit.snippet, snippet_chars)
    title = cut_words(hit.title, title_chars)
    return dataclasses.replace(hit, title=title, snippet=snippet, url=hit.url if links else None)


def render_categories(categories: Sequence[CategoryCount], style: Style) -> str:
    """The text above the category buttons."""
    if not categories:
        return texts.NO_CATEGORIES
    total = sum(c.count for c in categories)
    return f"{style.bold(texts.CHOOSE_CATEGORY)}\n" + texts.CATEGORIES_COUNT.format(
        count=len(categories), total=format_number(total)
    )


# -- inline mode ---------------------------------------------------------------------------


def render_inline_description(hit: SearchHit, chars: int = 200) -> str:
    """The grey line under a title in the inline results list (plain text)."""
    parts = [format_date(hit.published_at)]
    if hit.category:
        parts.append(hit.category)
    text = " · ".join(parts)
    if hit.snippet.text:
        text = f"{text} – {hit.snippet.text}"
    return cut_words(text, chars)


def read_link(bot_username: str, article_id: int) -> str:
    """A t.me link that opens the bot and sends the whole article (/start doc_<id>)."""
    return f"https://t.me/{bot_username}?start=doc_{article_id}"


def render_inline_title(hit: SearchHit) -> str:
    """The title of an inline result (plain text)."""
    return cut_words(hit.title, TITLE_CHARS)


def render_inline_message(hit: SearchHit, read_link: str | None) -> str:
    """The message an inline result sends: linked title, date, category, snippet (HTML)."""
    style = HTML
    title = style.bold(style.escape(cut_words(hit.title, TITLE_CHARS)))
    lines = [style.link(title, hit.url) if hit.url else title, " · ".join(_details(hit, style))]
    if hit.snippet.text:
        lines.append(render_snippet(_cut_snippet(hit.snippet, SNIPPET_CHARS), style))
    if not hit.url and read_link:
        lines.append(style.link(texts.READ_IN_FULL, read_link))
    return within("\n".join(lines), TELEGRAM_LIMIT, style)
