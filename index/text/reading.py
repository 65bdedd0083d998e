"""Choosing how to read a question typed on a phone: as typed, or with its keystrokes decoded, its
chat abbreviations expanded, its typos corrected or its glued syllables split.

Each token of the question gets a few readings: as typed, Telex or VNI decoded
(`index.text.keystrokes`), a meaning of a chat abbreviation (`QueryDictionary.meanings`), a
correction or a split (`index.text.typos`). A Viterbi pass over each run of tokens between
punctuation picks the combination the corpus supports best (`index.text.support`: documents
containing its syllables and syllable pairs, weighted as restoration weighs words), every
change paying a fixed cost so that a reading must earn it. An abbreviation is expanded only
where its meaning stands beside a neighbour somewhere in the corpus. Urls, codes, numbers and
names are never reread, and a question typed with its diacritics, every syllable valid, is
returned unchanged.

The result says what changed and why (`Change`), so a reply can offer "Có phải bạn muốn tìm"
with the reading, and lists the abbreviations left as typed, which restoration must not touch.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from .dictionary import EMPTY_DICTIONARY, QueryDictionary, surface_words
from .keystrokes import telex, vni
from .normalize import fold, has_diacritics, lower, normalize
from .support import CorpusStats, Support
from .syllables import is_folded_syllable, is_syllable
from .typed import TokenKind, TypedToken, typed_tokens
from .typos import TypoIndex, edit_cost, split_glued, suggest

__all__ = ["Change", "Edit", "Reader", "Reading"]

# What each kind of change costs, in log-likelihood: the changed question must be supported by
# the corpus at least this much better than the typed one (typos cost per edit, in typos.py).
KEYSTROKE_COST = 1.0
# ... and more when the corpus writes the token as typed and it is no Vietnamese syllable: a
# foreign word or an acronym ("ddos", "iso"), not keys left in.
WRITTEN_WORD_COST = 3.0
ABBREVIATION_COST = 1.0
SPLIT_COST = 1.0
_TYPO_SUGGESTIONS = 3
_MAX_ROUNDS = 4
# Words a question may have corrected: a pasted page with hundreds of unknown words is not
# typed on a phone, and this bounds the time a long question takes.
MAX_CORRECTED = 64


class Change(Enum):
    """Why a token was read differently from how it was typed."""

    TELEX = "telex"  # Telex keys left in ("ddooir" -> "đổi")
    VNI = "vni"  # VNI keys left in ("d9o6i3" -> "đổi")
    ABBREVIATION = "abbreviation"  # chat abbreviation ("ko" -> "không")
    TYPO = "typo"  # a letter or two wrong ("covit" -> "covid")
    SPLIT = "split"  # syllables typed without spaces ("chuyendoiso" -> "chuyen doi so")


@dataclass(frozen=True)
class Edit:
    """One token read differently: its span in `Reading.typed` and what it became."""

    start: int
    end: int
    typed: str
    read: str
    change: Change


@dataclass(frozen=True)
class Reading:
    """The question as read: the text to search, and what changed and why."""

    typed: str  # the question normalised (spans of `edits` point into it)
    text: str  # the reading: `typed` with every edit applied
    edits: tuple[Edit, ...] = ()
    kept: tuple[str, ...] = ()  # abbreviations left as typed: restoration must not reread them

    @property
    def changed(self) -> bool:
        """True when the reading differs from the question as typed."""
        return bool(self.edits)

    @property
    def changes(self) -> frozenset[Change]:
        """The kinds of change made."""
        return frozenset(e.change for e in self.edits)


@dataclass(frozen=True)
class _Option:
    """One way to read a token: its folded syllables, the text written, the change, and its
    fixed score (the cost of the change and the penalty for diacritics nobody writes)."""

    folded: tuple[str, ...]
    text: str
    change: Change | None
    fixed: float

    @classmethod
    def of(
        cls,
        syllables: Sequence[str],
        text: str,
        support: Support,
        change: Change | None = None,
        cost: float = 0.0,
    ) -> _Option:
        """An option for lower-case syllables."""
        accents = sum(support.accent(s) for s in syllables)
        return cls(tuple(fold(s) for s in syllables), text, change, accents - cost)


class Reader:
    """Reads questions against one corpus (its statistics, dictionary and typo index)."""

    def __init__(
        self,
        stats: CorpusStats,
        dictionary: QueryDictionary = EMPTY_DICTIONARY,
        typos: TypoIndex | None = None,
    ) -> None:
        """`typos` None: no typo correction (glued syllables are still split)."""
        self.stats = stats
        self.dictionary = dictionary
        self.typos = typos

    def read(self, question: str) -> Reading:
        """The reading of the question the corpus supports best (see the module docstring)."""
        typed = " ".join(normalize(question).split())
        tokens = typed_tokens(typed)
        support = Support(self.stats)
        accented = has_diacritics(typed)
        folded = [fold(lower(t.text)) for t in tokens]
        memo: dict[tuple[str, str | None, str | None], list[_Option]] = {}
        options = []
        corrected = [0]
        for i, token in enumerate(tokens):
            left = folded[i - 1] if i and not token.after_break else None
            right = folded[i + 1] if i + 1 < len(tokens) and not tokens[i + 1].after_break else None
            key = (token.text, left, right)
            if key not in memo:  # a long question repeats its words
                memo[key] = self._options(
                    token, folded[i], accented, support, left, right, corrected
                )
            options.append(memo[key])
        chosen: list[_Option] = []
        for run in _runs(tokens):
            chosen.extend(_best_run([options[i] for i in run], support))
        edits = []
        kept = []
        for token, option in zip(tokens, chosen, strict=True):
            if option.change is not None:
                edits.append(Edit(token.start, token.end, token.text, option.text, option.change))
            elif token.kind.rereadable and self.dictionary.meanings(token.text):
                kept.append(token.text)
        return Reading(typed, _apply(typed, edits), tuple(edits), tuple(kept))

    def _options(
        self,
        token: TypedToken,
        folded: str,
        accented: bool,
        support: Support,
        left: str | None,
        right: str | None,
        corrected: list[int],
    ) -> list[_Option]:
        """The readings of one token, as typed first; `left` and `right` are the folded
        neighbours (None across punctuation), `corrected` counts the tokens given corrections."""
        if not token.kind.rereadable or (
            is_syllable(token.text) and (accented or has_diacritics(token.text))
        ):
            return [_Option((folded,), token.text, None, 0.0)]  # never reread
        options = [_Option.of((lower(token.text),), token.text, support)]
        explained = False
        keys_cost: float | None = None  # asked of the corpus once, when some keys decode
        for decoded, change in ((telex(token.text), Change.TELEX), (vni(token.text), Change.VNI)):
            if decoded is not None:
                if keys_cost is None:
                    written = _written_word(folded, support)
                    keys_cost = KEYSTROKE_COST + (WRITTEN_WORD_COST if written else 0.0)
                options.append(_Option.of((lower(decoded),), decoded, support, change, keys_cost))
                explained = explained or support.syllable_df(lower(decoded)) > 0
        for meaning in self.dictionary.meanings(token.text):
            syllables = [s for _, _, word in surface_words(meaning) for s in word.split()]
            options.append(
                _Option.of(syllables, meaning, support, Change.ABBREVIATION, ABBREVIATION_COST)
            )
        unknown = token.kind is TokenKind.WORD and support.folded_df(folded) == 0
        if unknown and not explained and corrected[0] < MAX_CORRECTED:
            corrected[0] += 1
            options.extend(self._corrections(token, support, left, right))
        return options

    def _corrections(
        self, token: TypedToken, support: Support, left: str | None, right: str | None
    ) -> list[_Option]:
        """Splits of glued syllables and typo corrections of a token the corpus never wrote."""
        found = []
        pieces = split_glued(token.text, support)
        if pieces is not None:
            split = tuple(lower(p) for p in pieces)
            found.append(_Option.of(split, " ".join(pieces), support, Change.SPLIT, SPLIT_COST))
        if self.typos is None or has_diacritics(token.text):
            return found
        valid = is_folded_syllable(token.text)
        for _, suggestion in suggest(self.typos, token.text, support, left, right):
            syllables = tuple(suggestion.term.split(" "))
            if valid and not _fits(syllables, left, right, support):
                continue  # a real syllable the corpus lacks: only neighbours justify a change
            change = Change.SPLIT if suggestion.distance == 0 else Change.TYPO
            text = _recase(suggestion.term, token.text)
            cost = edit_cost(token.text, suggestion)
            found.append(_Option.of(syllables, text, support, change, cost))
        return found[: _TYPO_SUGGESTIONS + 1]


def _written_word(folded: str, support: Support) -> bool:
    """The corpus writes the token, which is no Vietnamese syllable (a foreign word, an acronym)."""
    return not is_folded_syllable(folded) and support.folded_df(folded) > 0


def _fits(syllables: Sequence[str], left: str | None, right: str | None, support: Support) -> bool:
    """The corpus writes the reading beside one of its (folded) neighbours."""
    first, last = fold(syllables[0]), fold(syllables[-1])  # already folded: a no-op
    return (left is not None and support.pair_df(left, first) > 0) or (
        right is not None and support.pair_df(last, right) > 0
    )


def _runs(tokens: Sequence[TypedToken]) -> list[list[int]]:
    """Token positions grouped into runs that punctuation does not interrupt."""
    runs: list[list[int]] = []
    for i, token in enumerate(tokens):
        if token.after_break or not runs:
            runs.append([])
        runs[-1].append(i)
    return runs


def _best_run(options: list[list[_Option]], support: Support) -> list[_Option]:
    """The best reading of a run of tokens; expansions that fit no neighbour are dropped and the
    run decided again."""
    if all(len(o) == 1 for o in options):
        return [o[0] for o in options]
    for _ in range(_MAX_ROUNDS):
        chosen = _viterbi(options, support)
        misfits = [
            i
            for i, option in enumerate(chosen)
            if option.change is Change.ABBREVIATION
            and not _fits(
                option.folded,
                chosen[i - 1].folded[-1] if i > 0 else None,
                chosen[i + 1].folded[0] if i + 1 < len(chosen) else None,
                support,
            )
        ]
        if not misfits:
            return chosen
        for i in misfits:
            options[i] = [o for o in options[i] if o is not chosen[i]]
    return [o[0] for o in options]


def _viterbi(options: list[list[_Option]], support: Support) -> list[_Option]:
    """The sequence of options with the highest corpus support minus the cost of its changes."""
    scores = [support.chain(o.folded) + o.fixed for o in options[0]]
    back: list[list[int]] = []
    for previous_options, current in itertools.pairwise(options):
        step_scores = []
        step_back = []
        for option in current:
            inner = support.chain(option.folded[1:], option.folded[0]) + option.fixed
            best, best_from = max(
                (scores[k] + support.transition(p.folded[-1], option.folded[0]), k)
                for k, p in enumerate(previous_options)
            )
            step_scores.append(best + inner)
            step_back.append(best_from)
        scores = step_scores
        back.append(step_back)
    position = max(range(len(scores)), key=scores.__getitem__)
    path = [position]
    for step_back in reversed(back):
        position = step_back[position]
        path.append(position)
    path.reverse()
    return [options[i][k] for i, k in enumerate(path)]


def _apply(typed: str, edits: Sequence[Edit]) -> str:
    pieces = []
    position = 0
    for edit in edits:
        pieces.append(typed[position : edit.start])
        pieces.append(edit.read)
        position = edit.end
    pieces.append(typed[position:])
    return "".join(pieces)


def _recase(term: str, typed: str) -> str:
    if len(typed) > 1 and typed.isupper():
        return term.upper()
    if typed[:1].isupper():
        return term[:1].upper() + term[1:]
    return term
