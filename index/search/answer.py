"""The answer line: for "who / where / when / how many" questions, the fact that answers, with
the sentence it stands in, or nothing.

A wrong answer in bold is worse than none, so a line is shown only when its evidence passes a
threshold. The evidence of a fact (`facts.py` finds people, places, dates and quantities) is:

- the article: every proper noun and number of the question is in it (a question about
  "Hội Sách lần thứ VII" is not answered from the article of the sixth);
- the sentence: how much of the question's content (weighted by rarity) it holds, the title of
  its article lending half;
- the fact itself: how surely it is of the kind asked (a family name, "tại" + a venue, a date
  that is no anniversary range nor a cited document's), and that it is news (not words of the
  question, not the question's own date);
- its link to the question: the position asked about next to the name ("Phó Chủ tịch Thường
  trực ... Lê Hồng Sơn"), the unit asked about after the number ("bao nhiêu học viên" → "80
  học viên"), the event's verb near the date or the place.

The top three articles are read, the first preferred. Pure functions over sentences: the engine
hands in what it already has.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from ..text.dictionary import surface_words
from ..text.normalize import fold, has_diacritics
from .facts import (
    MONEY,
    PERSON_NOUNS,
    TITLE_HEADS,
    Fact,
    FactKind,
    Word,
    dates,
    folded_phrases,
    people,
    places,
    quantities,
    titles,
    words_of,
)
from .query import ParsedQuery
from .snippets import MAX_SNIPPET_CHARS, Snippet

__all__ = ["Answer", "AnswerSource", "Thresholds", "find_answer", "THRESHOLDS"]


@dataclass(frozen=True)
class Answer:
    """The fact that answers a when / where / who / how-many question, the sentence it stands in
    (the fact's span marked), and the article."""

    article_id: int
    title: str
    url: str | None
    sentence: Snippet
    fact: str | None = None
    kind: str | None = None  # "person", "title", "place", "date", "quantity"
    evidence: float = 0.0

    @property
    def line(self) -> str:
        """The answer as shown: the fact, then the sentence it stands in."""
        if self.fact is None or self.fact in self.sentence.text:
            return self.sentence.text
        return f"{self.fact} — {self.sentence.text}"


@dataclass(frozen=True)
class AnswerSource:
    """One ranked article, as the answer line reads it."""

    article_id: int
    title: str
    url: str | None
    published_at: datetime
    sentences: Sequence[str]


@dataclass(frozen=True)
class Thresholds:
    """How much evidence a line needs (tuned on half of data/eval/answers, see the README)."""

    show: float = 0.55  # the least evidence a shown line has
    relevance: float = 0.35  # the least share of the question a sentence (with its title) holds
    rank_penalty: float = 0.06  # per place below the first article
    articles: int = 3  # how many of the top articles are read
    sentences: int = 6  # how many of the most relevant sentences are searched for facts
    confirmed: int = 4  # how many leading facts' sentences the entity tagger reads


THRESHOLDS = Thresholds()

_KINDS: dict[str, tuple[FactKind, ...]] = {
    "who": (FactKind.PERSON, FactKind.TITLE),
    "where": (FactKind.PLACE,),
    "when": (FactKind.DATE,),
    "how_many": (FactKind.QUANTITY,),
}
_QUESTION_WORDS = frozenset(
    re.findall(
        r"\S+",
        "ai là gì nào đâu ở tại từ bao nhiêu mấy khi giờ lúc hôm ngày tháng năm có phải không "
        "được đã sẽ và của cho hỏi biết vậy ạ nhé những các vào",
    )
)
_ROMAN = re.compile(r"^(?=[IVXL])X{0,3}(?:IX|IV|V?I{0,3})$")
_ORDINAL_CUES = frozenset(["thu", "lan", "khoa"])
_SKIPPED_NEAR = frozenset(["là", "đã", "được", "có", "sẽ"])
_MONEY_WORDS = frozenset(["tien", "kinh", "phi", "von", "gia", "dau", "tu", "dong", "usd"])
_CURRENCY = frozenset(["dong", "usd", "euro", "vnd", "yen"])
_PERCENT_WORDS = frozenset(["phan", "tram", "ti", "le", "ty"])
_APART = frozenset(["va", "cung", "voi"])
_TITLES = sorted(folded_phrases(TITLE_HEADS), key=len, reverse=True)


# -- the question --------------------------------------------------------------------------


@dataclass(frozen=True)
class Focus:
    """What the question asks about, as folded syllables."""

    intent: str
    content: dict[str, float]  # syllable -> weight; question words and fillers left out
    required: frozenset[str]  # proper nouns, numbers, ordinals: the article must hold them
    near: tuple[str, ...]  # the words next to the question word: the role, the unit, the verb
    asked: frozenset[str]  # every syllable of the question
    own_numbers: frozenset[str]  # the question's own numbers and dates (no answer repeats them)
    subject: tuple[str, ...] = ()  # "Ông Frank Pho ... là ai?": the name asked about
    predicate: tuple[str, ...] = ()  # when / where: the verb asked about, lower case as typed
    spelled: tuple[tuple[frozenset[str], ...], ...] = ()  # required, in any of its spellings


def _focus(parsed: ParsedQuery, weight: Callable[[str], float]) -> Focus | None:
    text = parsed.text
    accented = has_diacritics(text)
    syllables = _question_syllables(text)
    generic = _generic(text)
    skipped = [*parsed.filler_spans, *generic]
    content = {
        s.folded: weight(s.folded)
        for s in syllables
        if not s.folded[:1].isdigit()
        and not _in(s, _QUESTION_WORDS, accented)
        and not any(a <= s.start < b for a, b in skipped)
    }
    if not content:
        return None
    intent = parsed.intent or ""
    required, spelled = _required(syllables, accented, parsed.synonyms)
    return Focus(
        intent=intent,
        content=content,
        required=required,
        near=_near(intent, syllables, accented, generic),
        asked=frozenset(s.folded for s in syllables),
        own_numbers=frozenset(_digits(s.folded) for s in syllables if s.folded[:1].isdigit()),
        subject=_subject(intent, text),
        predicate=_predicate(intent, syllables, accented, generic),
        spelled=spelled,
    )


def _predicate(
    intent: str, syllables: list[_Syllable], accented: bool, generic: list[tuple[int, int]]
) -> tuple[str, ...]:
    """When / where, typed with diacritics: the words just before "khi nào" / "ở đâu" that
    are not generic ("tuyển dụng phi công" in "Vietjet tuyển dụng phi công vào ngày nào")."""
    if intent not in ("when", "where") or not accented:
        return ()
    return tuple(s.lower for s in _asked_about(intent, syllables, accented, generic))


def _question_syllables(text: str) -> list[_Syllable]:
    """Each syllable and number of the question."""
    syllables = []
    for start, _end, word in surface_words(text):
        offset = start
        for piece in re.split(r"([/&.\-+])", word):
            if piece and piece[0].isalnum():
                typed = text[offset : offset + len(piece)]
                syllables.append(_Syllable(offset, fold(piece), piece, typed))
            offset += len(piece)
    return syllables


def _required(
    syllables: list[_Syllable],
    accented: bool,
    synonyms: Sequence[tuple[int, int, tuple[str, ...]]] = (),
) -> tuple[frozenset[str], tuple[tuple[frozenset[str], ...], ...]]:
    """Proper nouns (capitalised, not the first word), numbers and Roman ordinals; those of an
    abbreviation or a name with synonyms ("TP" = "thành phố") as the spellings any of which
    will do."""
    required = set()
    spelled = []
    groups_used = set()
    for position, syllable in enumerate(syllables):
        previous = syllables[position - 1].folded if position else ""
        if syllable.typed[:1].isdigit():
            wanted = _digits(syllable.folded)
        elif (
            _ROMAN.match(syllable.typed)
            and previous in _ORDINAL_CUES
            or (
                position > 0
                and syllable.typed[:1].isupper()
                and not _in(syllable, _QUESTION_WORDS, accented)
            )
        ):
            wanted = syllable.folded
        else:
            continue
        group = next((i for i, (a, b, _) in enumerate(synonyms) if a <= syllable.start < b), None)
        if group is None:
            required.add(wanted)
        elif group not in groups_used:
            groups_used.add(group)
            spelled.append(tuple(_syllables(alternative) for alternative in synonyms[group][2]))
    return frozenset(required), tuple(tuple(frozenset(s) for s in g) for g in spelled)


def _near(
    intent: str, syllables: list[_Syllable], accented: bool, generic: list[tuple[int, int]]
) -> tuple[str, ...]:
    """The words the answer should sit next to: after "ai là" / "bao nhiêu" (or before "là ai",
    "là bao nhiêu"); for when / where, the verb before "khi nào" / "ở đâu"."""
    if intent in ("when", "where"):
        return tuple(s.folded for s in _asked_about(intent, syllables, accented, generic))
    anchors = _ANCHORS.get(intent, ())
    for index, syllable in enumerate(syllables):
        if syllable.folded not in anchors:
            continue
        after = [s for s in syllables[index + 1 : index + 7] if not _in(s, _SKIPPED_NEAR, accented)]
        before = [
            s for s in syllables[max(0, index - 6) : index] if not _in(s, _SKIPPED_NEAR, accented)
        ]
        if intent == "how_many":
            before = [s for s in before if s.folded != "bao"][-3:]
        chosen = after or before
        return tuple(
            s.folded
            for s in chosen
            if not _in(s, _QUESTION_WORDS, accented) or _in(s, _KEPT_NEAR, accented)
        )
    return ()


def _subject(intent: str, text: str) -> tuple[str, ...]:
    """The person a "<name> là ai?" question asks about, as folded words."""
    folded = fold(text.lower())
    end = folded.rfind(" la ai")
    if intent != "who" or end < 0 or folded.startswith("ai "):
        return ()
    found = people(text[:end])
    return tuple(w.folded for w in words_of(found[-1].text)) if found else ()


def _digits(text: str) -> str:
    return text.lstrip("0") or "0"


# -- the evidence --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    evidence: float
    source: AnswerSource
    sentence: str
    fact: Fact


def find_answer(
    parsed: ParsedQuery,
    sources: Sequence[AnswerSource],
    weight: Callable[[str], float],
    thresholds: Thresholds = THRESHOLDS,
) -> Answer | None:
    """The answer to a who / where / when / how-many question from the top articles, or None
    when no fact has enough evidence. `weight` scores a folded syllable (its rarity).

    Facts are first found by their patterns alone; underthesea's tagger (slow: ~10 ms a
    sentence) then confirms people and places in the few sentences whose facts lead."""
    kinds = _KINDS.get(parsed.intent or "")
    if kinds is None:
        return None
    focus = _focus(parsed, weight)
    if focus is None:
        return None
    sentences = [
        sentence
        for rank, source in enumerate(sources[: thresholds.articles])
        for sentence in _sentences(focus, source, rank, thresholds)
    ]
    found = [c for s in sentences for c in _candidates(focus, s, kinds, thresholds, tagged=False)]
    found.sort(key=lambda c: -c.evidence)
    leading = {c.sentence for c in found[: thresholds.confirmed]}
    if kinds[0] in (FactKind.PERSON, FactKind.PLACE):
        confirmed = [
            c
            for s in sentences
            if s.text in leading
            for c in _candidates(focus, s, kinds, thresholds, tagged=True)
        ]
        found = confirmed + [c for c in found if c.sentence not in leading]
    best = max(found, key=lambda c: c.evidence, default=None)
    if best is None or best.evidence < thresholds.show:
        return None
    return _answer(best)


def _candidates(
    focus: Focus, sentence: _Sentence, kinds: tuple[FactKind, ...], t: Thresholds, *, tagged: bool
) -> list[_Candidate]:
    """Every fact of the kinds asked in the sentence, with its evidence."""
    words = words_of(sentence.text)
    found = []
    for fact in _facts(sentence.text, words, kinds, sentence.source, focus, tagged):
        link = _link(focus, words, fact)
        if link is None:
            continue
        if sentence.lede and fact.kind in (FactKind.DATE, FactKind.PLACE):
            link = max(link, 0.8 * sentence.headline)  # the lede of an article about the event
        evidence = (
            0.45 * sentence.relevance
            + 0.3 * fact.strength
            + 0.35 * link
            - t.rank_penalty * sentence.rank
        )
        found.append(
            _Candidate(evidence, sentence.source, sentence.text, _named_in_full(fact, sentence))
        )
    return found


def _states(focus: Focus, source: AnswerSource) -> bool:
    """The article says what the question asks happened: one pair of the words before
    "khi nào" / "ở đâu", with diacritics (folded, "phi công" would be found in "chi phí ...
    công ty")."""
    if not focus.predicate:
        return True
    text = " ".join(
        word for part in (source.title, *source.sentences) for _, _, word in surface_words(part)
    )
    text = f" {text} "
    predicate = focus.predicate
    if len(predicate) == 1:
        return f" {predicate[0]} " in text
    return any(f" {a} {b} " in text for a, b in itertools.pairwise(predicate))


def _relevant(
    focus: Focus, source: AnswerSource, title: set[str], t: Thresholds
) -> list[tuple[float, int, str]]:
    """The title and the sentences that hold enough of the question, most relevant first,
    with their place (0: the title, 1: the first sentence); words only in the title count
    half."""
    total = sum(focus.content.values())
    scored = []
    for position, sentence in enumerate([source.title, *source.sentences]):
        held = _syllables(sentence)
        share = sum(w for s, w in focus.content.items() if s in held)
        share += 0.5 * sum(w for s, w in focus.content.items() if s in title and s not in held)
        if share / total >= t.relevance:
            scored.append((share / total, position, sentence))
    return sorted(scored, key=lambda item: (-item[0], item[1]))


def _facts(
    sentence: str,
    words: list[Word],
    kinds: tuple[FactKind, ...],
    source: AnswerSource,
    focus: Focus,
    tagged: bool,
) -> list[Fact]:
    if focus.subject:
        return _identities(sentence, words, focus)
    found: list[Fact] = []
    if FactKind.PERSON in kinds:
        found += people(sentence, words, entities=tagged)
    if FactKind.TITLE in kinds:
        found += titles(sentence, words)
    if FactKind.PLACE in kinds:
        found += places(sentence, words, entities=tagged)
    if FactKind.DATE in kinds:
        found += dates(sentence, source.published_at.date(), words)
    if FactKind.QUANTITY in kinds:
        found += quantities(sentence, words)
    return found


def _identities(sentence: str, words: list[Word], focus: Focus) -> list[Fact]:
    """ "Ông Frank Pho là ai?": the apposition after that name (", Phó Giám đốc ... ,")."""
    n = len(focus.subject)
    for i in range(len(words) - n):
        if tuple(w.folded for w in words[i : i + n]) != focus.subject:
            continue
        k = i + n
        if k >= len(words) or words[k].text not in ",-–(":
            continue
        last = k
        while last + 1 < len(words) and words[last + 1].text not in ",;.)(" and last - k < 14:
            last += 1
        if last > k:
            start, end = words[k + 1].start, words[last].end
            return [Fact(FactKind.TITLE, start, end, sentence[start:end], 0.8, k + 1, last)]
    return []


def _link(focus: Focus, words: list[Word], fact: Fact) -> float | None:
    """How closely the fact is tied to what the question asks (None: not an answer at all)."""
    inside = [w.folded for w in words[fact.first : fact.last + 1] if w.is_word or w.is_number]
    if inside and all(w in focus.asked for w in inside):
        return None  # words of the question are no news
    if focus.subject:
        return 1.0
    if fact.kind is FactKind.QUANTITY:
        return _unit_link(focus, fact, {w.folded for w in words})
    if fact.kind is FactKind.DATE:
        numbers = {_digits(d) for d in re.findall(r"\d+", fact.text)}
        if numbers and numbers <= focus.own_numbers:
            return None  # the question's own date
    if fact.kind is FactKind.PERSON:
        return _role_link(focus, words, fact)
    if fact.kind is FactKind.TITLE:
        return _title_link(focus, words, fact)
    around = _overlap(focus, _window(words, fact, before=10, after=10))
    close = _overlap(focus, _window(words, fact, before=5, after=5), focus.near)
    return max(around, close if focus.near else 0.0)


def _window(words: list[Word], fact: Fact, before: int, after: int) -> list[str]:
    """Folded words around the fact within its clause (a semicolon or parenthesis ends it)."""
    left = []
    for word in reversed(words[max(0, fact.first - before) : fact.first]):
        if word.text in ";()":
            break
        left.append(word.folded)
    right = []
    for word in words[fact.last + 1 : fact.last + 1 + after]:
        if word.text in ";()":
            break
        right.append(word.folded)
    return left + right


def _overlap(focus: Focus, words: Sequence[str], among: Sequence[str] | None = None) -> float:
    """The weighted share of `among` (default: the question's content) found in `words`."""
    wanted = set(among) if among is not None else set(focus.content)
    weights = {w: focus.content.get(w, 0.5) for w in wanted}
    total = sum(weights.values())
    if total == 0:
        return 0.0
    present = set(words)
    return sum(v for w, v in weights.items() if w in present) / total


# -- who -----------------------------------------------------------------------------------


def _role_link(focus: Focus, words: list[Word], fact: Fact) -> float | None:
    """A person: the position asked next to the name, the action asked around it."""
    others = {
        k
        for p in people("", words, entities=False)
        if p.start != fact.start
        for k in range(p.first, p.last + 1)
    }
    segments = _title_context(words, fact, others)
    if focus.near and _conflicting_title(focus, segments):
        return None
    own = [w for segment in segments for w in segment]
    link = _overlap(focus, own, focus.near) if focus.near else 0.0
    return 0.6 * link + 0.4 * _overlap(focus, _window(words, fact, before=7, after=9))


def _title_context(words: list[Word], fact: Fact, others: set[int]) -> list[list[str]]:
    """The words that say who the person is, as segments in order: the title before the name
    (back to another name, "và" or a clause mark) and each apposition after it (", Thứ trưởng
    Bộ Thông tin và Truyền thông, Chủ tịch Hội Xuất bản Việt Nam,")."""
    before = []
    for k in range(fact.first - 1, max(-1, fact.first - 9), -1):
        word = words[k]
        if k in others or word.text in ";:(),." or word.folded in _APART:
            break
        before.append(word.folded)
    segments = [before[::-1]]
    k = fact.last + 1
    while k < len(words) and words[k].text in ",-–(":
        if len(segments) > 1 and not _titles_in([w.folded for w in words[k + 1 : k + 5]]):
            break
        k += 1
        segment = []
        while k < len(words) and k not in others and words[k].text not in ",;.)":
            segment.append(words[k].folded)
            k += 1
        segments.append(segment)
    return segments


def _conflicting_title(focus: Focus, segments: list[list[str]]) -> bool:
    """The question asks for a position ("hiệu trưởng", "Phó Chủ tịch Thường trực") and the
    person is not said to hold it ("phó đại sứ", "Phó Chủ tịch" for "Chủ tịch", or no title)."""
    asked = _titles_in(focus.near)
    mine = [title for segment in segments for title in _titles_in(segment)]
    return bool(asked) and not any(title in asked for title in mine)


def _titles_in(folded: Sequence[str]) -> list[tuple[str, ...]]:
    """The titles named in a run of folded words, the longest at each place."""
    found = []
    start = 0
    while start < len(folded):
        for phrase in _TITLES:
            if tuple(folded[start : start + len(phrase)]) == phrase:
                found.append(phrase)
                start += len(phrase)
                break
        else:
            start += 1
    return found


def _title_link(focus: Focus, words: list[Word], fact: Fact) -> float | None:
    """A position answers "who" only when no name is in the sentence and it does what the
    question asks ("Chánh thanh tra Sở đã ký quyết định")."""
    if not focus.near or people("", words, entities=False):
        return None
    after = [w.folded for w in words[fact.last + 1 : fact.last + 8]]
    return 0.6 * _overlap(focus, after, focus.near)


def _named_in_full(fact: Fact, sentence: _Sentence) -> Fact:
    """ "ông Đam" → "Vũ Đức Đam" when the article names him in full elsewhere."""
    if fact.kind is not FactKind.PERSON or " " in fact.text:
        return fact
    for other in sentence.source.sentences:
        for person in people(other, entities=False):
            if person.text.endswith(" " + fact.text):
                return replace(fact, text=person.text)
    return fact


# -- how many ------------------------------------------------------------------------------


def _unit_link(focus: Focus, fact: Fact, sentence: set[str]) -> float | None:
    """A number: the unit asked after it ("bao nhiêu học viên" → "80 học viên"), money for
    "bao nhiêu tiền", a percentage for "bao nhiêu phần trăm"."""
    unit = fact.unit
    if not unit:
        return None
    near = set(focus.near)
    if not near:
        return 0.3
    if near & _MONEY_WORDS and (set(unit) & _CURRENCY or " ".join(unit[:2]) in MONEY):
        return 1.0
    if "%" in unit and near & _PERCENT_WORDS:
        return 1.0
    if unit[0] in near:
        asked_more = [w for w in focus.near[1:3] if w not in unit]
        said_more = [w for w in unit[1:3] if w not in near]
        missing = [w for w in asked_more if w not in sentence]
        if missing and said_more and focus.near[:1] == unit[:1]:
            return None  # "người bị thương" asked, "8 người tử vong" said
        return 1.0 if not asked_more else 0.7
    if _is_person_noun(unit) and any(
        _is_person_noun(focus.near[i:]) for i in range(len(focus.near))
    ):
        return 0.6
    return None


def _is_person_noun(words: Sequence[str]) -> bool:
    return " ".join(words[:2]) in PERSON_NOUNS or (len(words) > 0 and words[0] in PERSON_NOUNS)


# -- the line ------------------------------------------------------------------------------


def _syllables(text: str) -> set[str]:
    found = set()
    for _, _, word in surface_words(text):
        for piece in re.split(r"[/&.\-+]", word):
            if piece:
                found.add(_digits(fold(piece)) if piece[0].isdigit() else fold(piece))
    return found


def _answer(best: _Candidate) -> Answer:
    """The answer with its sentence cut around the fact, the fact's span marked."""
    sentence, fact = best.sentence, best.fact
    start, end = 0, len(sentence)
    if len(sentence) > MAX_SNIPPET_CHARS:
        start = max(0, min(fact.start - MAX_SNIPPET_CHARS // 3, len(sentence) - MAX_SNIPPET_CHARS))
        end = min(len(sentence), start + MAX_SNIPPET_CHARS)
        if start > 0:
            start = sentence.find(" ", start) + 1 or start
        if end < len(sentence):
            space = sentence.rfind(" ", fact.end, end)
            end = space if space > 0 else end
    body = sentence[start:end]
    lead = len(body) - len(body.lstrip())
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(sentence) else ""
    text = prefix + body.strip() + suffix
    shift = len(prefix) - start - lead
    source = best.source
    return Answer(
        article_id=source.article_id,
        title=source.title,
        url=source.url,
        sentence=Snippet(text, ((fact.start + shift, fact.end + shift),)),
        fact=fact.text,
        kind=str(fact.kind),
        evidence=round(best.evidence, 3),
    )


_GENERIC = re.compile(r"\b(?:dien ra|to chuc|xay ra|duoc to chuc|duoc|vao|ngay|luc)\b")


def _generic(text: str) -> list[tuple[int, int]]:
    """Spans of event verbs any event has ("diễn ra", "tổ chức"): they tell no event apart."""
    folded = fold(text.lower())
    return [(m.start(), m.end()) for m in _GENERIC.finditer(folded)]


_KEPT_NEAR = frozenset(["năm", "ngày", "tháng", "giờ"])  # units: "bao nhiêu năm"


@dataclass(frozen=True)
class _Syllable:
    """A syllable (or number) of the question: where, folded, lower case, as typed."""

    start: int
    folded: str
    lower: str
    typed: str


def _in(syllable: _Syllable, words: frozenset[str], accented: bool) -> bool:
    """Membership with diacritics when the question has them ("hội" is not "hỏi"), folded
    otherwise."""
    if accented:
        return syllable.lower in words
    return syllable.folded in {fold(w) for w in words}


_ANCHORS = {
    "who": ("ai",),
    "how_many": ("nhieu", "may"),
    "when": ("nao", "gio"),
    "where": ("dau", "nao"),
}


def _holds(focus: Focus, article: set[str]) -> bool:
    """The article holds every proper noun and number of the question, in one spelling."""
    return focus.required <= article and all(
        any(spelling <= article for spelling in group) for group in focus.spelled
    )


def _asked_about(
    intent: str, syllables: list[_Syllable], accented: bool, generic: list[tuple[int, int]]
) -> list[_Syllable]:
    """The (up to) three words right before "khi nào" / "ở đâu", past generic verbs and
    question words: "Hội Sách ... khai mạc khi nào" → "khai mạc"."""
    anchors = _ANCHORS.get(intent, ())
    index = next((i for i, s in enumerate(syllables) if s.folded in anchors), len(syllables))
    run: list[_Syllable] = []
    for syllable in reversed(syllables[:index]):
        skipped = _in(syllable, _QUESTION_WORDS, accented) or any(
            a <= syllable.start < b for a, b in generic
        )
        if skipped and not run:
            continue
        if skipped or len(run) == 3:
            break
        run.append(syllable)
    return run[::-1]


@dataclass(frozen=True)
class _Sentence:
    """A sentence worth searching for facts, and what its evidence starts from."""

    source: AnswerSource
    text: str
    relevance: float  # the share of the question it holds (its title lending half)
    lede: bool  # the title or the first sentence
    headline: float  # the share of the question the article's title holds
    rank: int  # the article's place in the results


def _sentences(focus: Focus, source: AnswerSource, rank: int, t: Thresholds) -> list[_Sentence]:
    """The article's most relevant sentences (its title first); none when the article lacks a
    proper noun or a number of the question, or the verb asked about."""
    title = _syllables(source.title)
    article = title.union(*(_syllables(s) for s in source.sentences))
    if not _holds(focus, article) or not _states(focus, source):
        return []
    headline = _overlap(focus, list(title))
    return [
        _Sentence(source, text, relevance, position <= 1, headline, rank)
        for relevance, position, text in _relevant(focus, source, title, t)[: t.sentences]
    ]
