"""The editable query dictionary: abbreviations and synonyms, question words, chat language.

The file (data/dictionary.txt) has three sections. Under `[đồng nghĩa]` each line is a group of
equivalent expressions separated by " = " ("UBND = ủy ban nhân dân"); under `[từ hỏi]` each line is
a question word or filler ("là gì", "cho tôi hỏi"). Matching works on surface words: lower case,
diacritics optional, and never inside a code ("1051/QĐ-UBND" does not contain "UBND").

Under `[viết tắt]` each line gives chat abbreviations and what they stand for: the short forms,
each one word, then the meaning, all joined by " = "; a form with several meanings lists them
with " | " ("dc = đc = được", "bn = bao nhiêu | bạn"). Which meaning applies, if any, is decided
against the corpus by `index.text.reading`.

Under `[trò chuyện]` each line names what a whole message means in a conversation, then the
ways of saying it: "cảm ơn: cảm ơn | cám ơn | thanks". The names are fixed (`CHAT_INTENTS`);
the bot decides what to answer (`bot.conversation`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..errors import InputError
from .normalize import fold, has_diacritics, lower, normalize

__all__ = [
    "Abbreviation",
    "QueryDictionary",
    "Match",
    "surface_words",
    "EMPTY_DICTIONARY",
    "CHAT_INTENTS",
    "EDITABLE_SECTIONS",
]

_SURFACE = re.compile(r"[^\W_]+(?:[&/.\-+][^\W_]+)*")
_SYNONYMS = "đồng nghĩa"
_FILLERS = "từ hỏi"
_ABBREVIATIONS = "viết tắt"
_CHAT = "trò chuyện"
_SECTIONS = (_SYNONYMS, _FILLERS, _ABBREVIATIONS, _CHAT)
EDITABLE_SECTIONS = (_SYNONYMS, _FILLERS, _ABBREVIATIONS)  # what admins may add from the bot
# What a whole message may mean in a conversation (the [trò chuyện] section's names).
CHAT_INTENTS = (
    "chào",
    "cảm ơn",
    "tạm biệt",
    "bạn là ai",
    "giúp",
    "phàn nàn",
    "đồng ý",
    "tin mới",
    "tin hôm nay",
    "tiếp",
    "trước",
    "chuyên mục",
    "chi tiết",
    "cũ hơn",
    "mới hơn",
    "xóa dữ liệu",
)


def surface_words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, lower-case word) of the words and codes of normalised text."""
    return [(m.start(), m.end(), m[0]) for m in _SURFACE.finditer(lower(text))]


@dataclass(frozen=True)
class Match:
    """An expression found in a query: its character span and, for synonyms, its group."""

    start: int
    end: int
    group: int = -1


@dataclass(frozen=True)
class Abbreviation:
    """Chat abbreviations ("ko", "k", "hok") and the meanings they may stand for ("không")."""

    forms: tuple[str, ...]  # lower case, one word each
    meanings: tuple[str, ...]  # as written in the file, most usual first


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]  # lower case, as written in the dictionary
    folded: tuple[str, ...]
    group: int


@dataclass(frozen=True)
class QueryDictionary:
    """Synonym groups, filler phrases and chat abbreviations, with matching on query text."""

    groups: tuple[tuple[str, ...], ...]
    fillers: tuple[str, ...]
    abbreviations: tuple[Abbreviation, ...] = ()
    chat: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (intent, ways of saying it)

    @classmethod
    def load(cls, path: Path) -> QueryDictionary:
        """Read the dictionary file; raise InputError naming the file and line of a mistake."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot read the dictionary: {exc}") from exc
        return cls.parse(text, str(path))

    @classmethod
    def parse(cls, text: str, name: str = "dictionary") -> QueryDictionary:
        """Parse the dictionary format (see the module docstring)."""
        section = None
        groups: list[tuple[str, ...]] = []
        fillers: list[str] = []
        abbreviations: list[Abbreviation] = []
        chat: list[tuple[str, tuple[str, ...]]] = []
        defined: dict[str, int] = {}  # short form -> line
        said: dict[str, int] = {}  # a way of saying an intent -> line
        for number, raw in enumerate(normalize(text).split("\n"), start=1):
            line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
            if not line:
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1].strip().lower()
                if section not in _SECTIONS:
                    raise InputError(
                        f"{name}:{number}: unknown section [{section}] "
                        f"(use [{_SYNONYMS}], [{_FILLERS}], [{_ABBREVIATIONS}] or [{_CHAT}])"
                    )
                continue
            if section == _SYNONYMS:
                members = tuple(m.strip() for m in line.split("=") if m.strip())
                if len(members) < 2:
                    raise InputError(
                        f"{name}:{number}: a synonym line needs two expressions joined by ' = '"
                    )
                groups.append(members)
            elif section == _FILLERS:
                fillers.append(line)
            elif section == _ABBREVIATIONS:
                abbreviations.append(_abbreviation(line, f"{name}:{number}", defined, number))
            elif section == _CHAT:
                chat.append(_chat_line(line, f"{name}:{number}", said, number))
            else:
                raise InputError(f"{name}:{number}: text before any [section]")
        return cls(tuple(groups), tuple(fillers), tuple(abbreviations), tuple(chat))

    @classmethod
    def parse_line(cls, section: str, line: str) -> QueryDictionary:
        """One line of one section (an admin's addition); raise InputError when malformed."""
        if section not in EDITABLE_SECTIONS:
            raise InputError(f"unknown section [{section}]")
        if "\n" in line or line.strip().startswith("["):
            raise InputError("a dictionary line is one line, not a section")
        return cls.parse(f"[{section}]\n{line}", "line")

    def merged(self, *others: QueryDictionary) -> QueryDictionary:
        """This dictionary with the entries of `others` added (a later abbreviation wins)."""
        result = self
        for other in others:
            result = QueryDictionary(
                result.groups + other.groups,
                result.fillers + other.fillers,
                result.abbreviations + other.abbreviations,
                result.chat + other.chat,
            )
        return result

    @cached_property
    def _synonym_phrases(self) -> _Phrases:
        phrases = [_phrase(m, group) for group, members in enumerate(self.groups) for m in members]
        return _Phrases.longest_first(phrases)

    @cached_property
    def _filler_phrases(self) -> _Phrases:
        return _Phrases.longest_first([_phrase(f, -1) for f in self.fillers])

    def synonyms(self, text: str) -> list[Match]:
        """Non-overlapping synonym expressions in the text, longest first."""
        return _find(text, self._synonym_phrases, allow_folded_single=True)

    def filler_spans(self, text: str) -> list[Match]:
        """Question words and fillers in the text. Typed without diacritics, a one-syllable
        filler is ignored ("may" could be "máy", not "mấy")."""
        return _find(text, self._filler_phrases, allow_folded_single=False)

    def alternatives(self, group: int) -> tuple[str, ...]:
        """Every expression of a synonym group."""
        return self.groups[group]

    @cached_property
    def _meanings(self) -> dict[str, tuple[str, ...]]:
        table: dict[str, tuple[str, ...]] = {}
        for entry in self.abbreviations:
            for form in entry.forms:
                table[form] = entry.meanings
        for entry in self.abbreviations:  # typed without diacritics: "dc" finds "đc"
            for form in entry.forms:
                table.setdefault(fold(form), entry.meanings)
        return table

    def meanings(self, word: str) -> tuple[str, ...]:
        """What a chat abbreviation may stand for ("ko" -> ("không",)); () when it is none."""
        lowered = lower(word)
        return self._meanings.get(lowered) or self._meanings.get(fold(lowered), ())


def _abbreviation(line: str, where: str, defined: dict[str, int], number: int) -> Abbreviation:
    """Parse "ko = k = không" or "bn = bao nhiêu | bạn" (see the module docstring)."""
    members = [m.strip() for m in line.split("=")]
    if len(members) < 2 or not all(members):
        raise InputError(
            f"{where}: an abbreviation line is the short forms and their meaning joined by "
            "' = ' (ko = k = không)"
        )
    meanings = tuple(m.strip() for m in members[-1].split("|"))
    if not all(meanings):
        raise InputError(f"{where}: a meaning is empty (separate meanings with ' | ')")
    forms = tuple(lower(m) for m in members[:-1])
    for form in forms:
        if not form.isalnum():
            raise InputError(f"{where}: the short form '{form}' must be one word (letters, digits)")
        if form in defined:
            raise InputError(f"{where}: '{form}' is already defined on line {defined[form]}")
        defined[form] = number
    return Abbreviation(forms, meanings)


def _chat_line(
    line: str, where: str, said: dict[str, int], number: int
) -> tuple[str, tuple[str, ...]]:
    """Parse "cảm ơn: cảm ơn | cám ơn | thanks" (see the module docstring)."""
    intent, colon, ways = line.partition(":")
    intent = lower(intent.strip())
    if not colon or intent not in CHAT_INTENTS:
        known = ", ".join(CHAT_INTENTS)
        raise InputError(f"{where}: a line starts with one of: {known}, then ':' (cảm ơn: cám ơn)")
    phrases = tuple(" ".join(lower(p).split()) for p in ways.split("|") if p.strip())
    if not phrases:
        raise InputError(f"{where}: give the ways of saying '{intent}', separated by ' | '")
    for phrase in phrases:
        if phrase in said:
            raise InputError(f"{where}: '{phrase}' is already on line {said[phrase]}")
        said[phrase] = number
    return intent, phrases


def _phrase(text: str, group: int) -> _Phrase:
    words = tuple(w for _, _, w in surface_words(normalize(text)))
    return _Phrase(words, tuple(fold(w) for w in words), group)


@dataclass(frozen=True)
class _Phrases:
    """Phrases longest first, and where each folded first word starts some (a text is matched
    against the phrases its words can begin, not against every phrase of the dictionary)."""

    ordered: tuple[_Phrase, ...]
    by_first: dict[str, tuple[int, ...]]

    @classmethod
    def longest_first(cls, phrases: list[_Phrase]) -> _Phrases:
        ordered = tuple(sorted((p for p in phrases if p.words), key=lambda p: -len(p.words)))
        by_first: dict[str, list[int]] = {}
        for number, phrase in enumerate(ordered):
            by_first.setdefault(phrase.folded[0], []).append(number)
        return cls(ordered, {first: tuple(numbers) for first, numbers in by_first.items()})


def _find(text: str, phrases: _Phrases, *, allow_folded_single: bool) -> list[Match]:
    words = surface_words(text)
    folded = [fold(w) for _, _, w in words]
    taken = [False] * len(words)
    found: list[Match] = []
    possible = {n for word in set(folded) for n in phrases.by_first.get(word, ())}
    for number in sorted(possible):  # longest first, as in the dictionary's order
        phrase = phrases.ordered[number]
        size = len(phrase.words)
        for i in range(len(words) - size + 1):
            if any(taken[i : i + size]) or tuple(folded[i : i + size]) != phrase.folded:
                continue
            typed = [w for _, _, w in words[i : i + size]]
            if not _same_accents(typed, phrase.words, allow_folded_single or size > 1):
                continue
            for k in range(i, i + size):
                taken[k] = True
            found.append(Match(words[i][0], words[i + size - 1][1], phrase.group))
    return sorted(found, key=lambda m: m.start)


def _same_accents(typed: list[str], wanted: tuple[str, ...], allow_folded: bool) -> bool:
    """Typed with diacritics, the words must match exactly; typed without, they match by their
    folded form (when allowed)."""
    if any(has_diacritics(w) for w in typed):
        return all(t == w or not has_diacritics(t) for t, w in zip(typed, wanted, strict=True))
    return allow_folded or not any(has_diacritics(w) for w in wanted)


EMPTY_DICTIONARY = QueryDictionary((), ())
