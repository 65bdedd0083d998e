"""Snippets: the sentence or two that best match a query, with the matched words marked.

Sentences were split at ingest time, so no segmentation happens here: a query syllable matches a
word of the sentence exactly (when typed with diacritics) or by its folded form (when typed
without), on character-aligned lower-case and folded copies of the sentence.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from ..text.analyzer import BOUNDARY
from ..text.normalize import fold, has_diacritics, lower

__all__ = ["Snippet", "QueryMatcher", "make_snippet", "best_sentence", "MAX_SNIPPET_CHARS"]

MAX_SNIPPET_CHARS = 300
_WORD = re.compile(r"[^\W_]+")
_JOINABLE_GAP = re.compile(r"[\s/&.:+\-]{1,3}")


@dataclass(frozen=True)
class Snippet:
    """Plain text plus the [start, end) character spans of the matched words."""

    text: str
    spans: tuple[tuple[int, int], ...] = ()

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class QueryMatcher:
    """Which sentence words match a query, and how much each match is worth."""

    exact: frozenset[str]
    folded: frozenset[str]
    pairs: frozenset[tuple[str, str]]
    weight: Callable[[str], float]
    minor: Callable[[str], bool]
    exact_folded: frozenset[str] = frozenset()  # folded forms of `exact`, a cheap first test

    @classmethod
    def from_stream(
        cls,
        stream: Sequence[str],
        weight: Callable[[str], float],
        minor: Callable[[str], bool] = lambda syllable: False,
    ) -> QueryMatcher:
        """Build from the analysed query; `weight` scores a folded syllable, `minor` marks
        syllables too common to highlight on their own."""
        exact: set[str] = set()
        folded: set[str] = set()
        pairs: set[tuple[str, str]] = set()
        previous: str | None = None
        for token in stream:
            if token == BOUNDARY:
                previous = None
                continue
            for piece in _WORD.findall(token):
                (exact if has_diacritics(piece) else folded).add(piece)
                plain = fold(piece)
                if previous is not None:
                    pairs.add((previous, plain))
                previous = plain
        exact_folded = frozenset(fold(word) for word in exact)
        return cls(
            frozenset(exact), frozenset(folded), frozenset(pairs), weight, minor, exact_folded
        )

    @cached_property
    def _candidates(self) -> re.Pattern[str] | None:
        """The whole words that may match, as one pattern: the regex engine skips the other
        words of a text instead of a Python loop testing each. A match must also start a word
        (`_found` checks: a pattern that starts with a look-behind is tried at every position,
        one that starts with its words only where one of their first letters stands)."""
        needles = sorted(self.folded | self.exact_folded, key=len, reverse=True)
        if not needles:
            return None
        alternatives = "|".join(map(re.escape, needles))
        return re.compile(rf"(?:{alternatives})(?![^\W_])")

    def _found(self, lowered: str) -> list[tuple[int, int, str]]:
        """(start, end, folded word) of each matching word of a lower-cased text, in order.
        A candidate that does not start a word lies inside one, so it hides no match."""
        pattern = self._candidates
        if pattern is None:
            return []
        folded = fold(lowered)  # aligned with `lowered` character for character
        found = []
        for match in pattern.finditer(folded):
            start, end = match.span()
            if start and folded[start - 1].isalnum():  # what [^\W_] means
                continue
            plain = match[0]
            if plain in self.folded or (
                plain in self.exact_folded and lowered[start:end] in self.exact
            ):
                found.append((start, end, plain))
        return found

    def matches(self, sentence: str) -> list[tuple[int, int, str]]:
        """(start, end, folded word) of each matching word, in order."""
        return self._found(lower(sentence))

    def matches_each(self, sentences: Sequence[str]) -> list[list[tuple[int, int, str]]] | None:
        """What `matches` finds in each sentence, found in one pass over the sentences joined by
        spaces (a space ends a word and is no letter, so no match or lower-casing context
        crosses one); None when a letter lower-cases to two characters (then `lower` works
        character by character, and only `matches` per text gives the same answer)."""
        found: list[list[tuple[int, int, str]]] = [[] for _ in sentences]
        if self._candidates is None:
            return found
        joined = " ".join(sentences)
        lowered = joined.lower()
        if len(lowered) != len(joined):
            return None
        ends = list(itertools.accumulate(len(sentence) + 1 for sentence in sentences))
        index = offset = 0
        for start, end, plain in self._found(lowered):
            while start >= ends[index]:
                offset = ends[index]
                index += 1
            found[index].append((start - offset, end - offset, plain))
        return found


def make_snippet(
    sentences: Sequence[str], matcher: QueryMatcher, max_chars: int = MAX_SNIPPET_CHARS
) -> Snippet:
    """Pick the best sentence (and a neighbour when room remains), cut it, mark the matches.
    Sentences without a letter or digit ("...", "./.") are never a snippet."""
    sentences = [s for s in sentences if _WORD.search(s)]
    if not sentences:
        return Snippet("")
    each = matcher.matches_each(sentences)
    found = each if each is not None else [matcher.matches(s) for s in sentences]
    weight = _Weights(matcher.weight).__getitem__
    scored = [(_score(matcher, f, weight) if f else 0, i) for i, f in enumerate(found)]
    best_score, best = max(scored, key=lambda pair: (pair[0], -pair[1]))
    if best_score <= 0:
        return _cut(" ".join(sentences[:2]), [], matcher, max_chars)
    chosen = [best]
    neighbours = [i for i in (best + 1, best - 1) if 0 <= i < len(sentences)]
    if neighbours and len(sentences[best]) < max_chars * 0.6:
        extra = max(neighbours, key=lambda i: (scored[i][0], i == best + 1))
        if len(sentences[best]) + 1 + len(sentences[extra]) <= max_chars:
            chosen = sorted([best, extra])
    text = " ".join(sentences[i] for i in chosen)
    if each is None:
        return _cut(text, matcher.matches(text), matcher, max_chars)
    return _cut(text, _joined(sentences, found, chosen), matcher, max_chars)


def _joined(
    sentences: Sequence[str], found: list[list[tuple[int, int, str]]], chosen: list[int]
) -> list[tuple[int, int, str]]:
    """The matches of consecutive sentences, at their offsets in the sentences joined by
    spaces (what `QueryMatcher.matches` finds in that text)."""
    joined: list[tuple[int, int, str]] = []
    offset = 0
    for i in chosen:
        joined += [(s + offset, e + offset, w) for s, e, w in found[i]]
        offset += len(sentences[i]) + 1
    return joined


def best_sentence(
    sentences: Sequence[str],
    matcher: QueryMatcher,
    bonus: Callable[[str], float],
    max_chars: int = MAX_SNIPPET_CHARS,
) -> Snippet | None:
    """The one sentence that matches the query best once `bonus` (a multiplier, 0 to reject)
    has judged it; None when no sentence matches."""
    best: tuple[float, int] | None = None
    for position, sentence in enumerate(sentences):
        value = _score(matcher, matcher.matches(sentence)) * bonus(sentence)
        if value > 0 and (best is None or value > best[0]):
            best = (value, position)
    if best is None:
        return None
    text = sentences[best[1]]
    return _cut(text, matcher.matches(text), matcher, max_chars)


def _score(
    matcher: QueryMatcher,
    found: list[tuple[int, int, str]],
    weight: Callable[[str], float] | None = None,
) -> float:
    weight = weight or matcher.weight
    score = sum(weight(word) for word in {w for _, _, w in found})
    for (_, end, first), (start, _, second) in itertools.pairwise(found):
        if (first, second) in matcher.pairs and start - end <= 2:
            score += 0.5 * (weight(first) + weight(second))
    return score


class _Weights(dict[str, float]):
    """A matcher's `weight`, asked once per word (a snippet scores each sentence)."""

    def __init__(self, weight: Callable[[str], float]) -> None:
        super().__init__()
        self.weight = weight

    def __missing__(self, word: str) -> float:
        value = self[word] = self.weight(word)
        return value


def _cut(
    text: str, found: list[tuple[int, int, str]], matcher: QueryMatcher, max_chars: int
) -> Snippet:
    start, end = 0, len(text)
    if len(text) > max_chars:
        start = _best_window(text, found, matcher, max_chars)
        end = start + max_chars
        if start > 0:
            start = _next_word_start(text, start)
        if end < len(text):
            end = _previous_word_end(text, end)
    body = text[start:end]
    lead = len(body) - len(body.lstrip())
    body = body.strip()
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    offset = start + lead
    kept = [(s, e, w) for s, e, w in found if s >= offset and e <= offset + len(body)]
    shift = len(prefix) - offset
    spans = tuple((s + shift, e + shift) for s, e in _merge_spans(text, kept, matcher))
    return Snippet(prefix + body + suffix, spans)


def _best_window(
    text: str, found: list[tuple[int, int, str]], matcher: QueryMatcher, max_chars: int
) -> int:
    """Start offset of the window of `max_chars` that holds the most valuable matches."""
    best_start, best_value = 0, -1.0
    for s, _, _ in found or [(0, 0, "")]:
        start = max(0, min(s - 40, len(text) - max_chars))
        inside = {w for a, b, w in found if a >= start and b <= start + max_chars}
        value = sum(matcher.weight(w) for w in inside)
        if value > best_value:
            best_start, best_value = start, value
    return best_start


def _next_word_start(text: str, position: int) -> int:
    if text[position - 1].isspace():
        return position
    space = text.find(" ", position)
    return position if space == -1 else space + 1


def _previous_word_end(text: str, position: int) -> int:
    if position < len(text) and text[position].isspace():
        return position
    space = text.rfind(" ", 0, position)
    return position if space <= 0 else space


def _merge_spans(
    text: str, found: list[tuple[int, int, str]], matcher: QueryMatcher
) -> list[tuple[int, int]]:
    """Join adjacent matches into phrases; drop lone matches of very common words."""
    groups: list[list[tuple[int, int, str]]] = []
    for item in found:
        if groups and _JOINABLE_GAP.fullmatch(text[groups[-1][-1][1] : item[0]]):
            groups[-1].append(item)
        else:
            groups.append([item])
    spans = []
    for group in groups:
        if len(group) == 1 and matcher.minor(group[0][2]):
            continue
        spans.append((group[0][0], group[-1][1]))
    return spans
