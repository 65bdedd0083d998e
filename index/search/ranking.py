"""Ranking: how a parsed question is scored against a snapshot.

A question becomes a plan of weighted sub-queries over the six field indexes (words, folded
syllables and folded pairs, of text and of title): the question itself, its question words again
with a negative weight (so they count lightly without losing the pairs they form with content
words), the synonyms of its abbreviations, and the words of its restored form when it was typed
without diacritics. Each article's BM25 sum is then scaled by how much of the question it covers
(its "concepts", weighted by IDF), and articles that cover too little are not results at all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..text.analyzer import Analyzer
from ..text.dictionary import surface_words
from ..text.normalize import fold
from ..text.restore import Restoration
from . import kernels
from .fields import QueryTerms, query_terms
from .query import ParsedQuery
from .snapshot import FieldView, Snapshot
from .terms import QueryKeys, query_keys, term_key
from .topk import Clause

__all__ = [
    "Concept",
    "ConceptShape",
    "Coverage",
    "QueryPlan",
    "Weights",
    "clauses",
    "concept_shapes",
    "cover",
    "needed_share",
    "plan_query",
    "weigh_concepts",
]


@dataclass(frozen=True)
class Weights:
    """Every ranking constant, tuned with `bot.py eval` (see the README)."""

    text_words: float = 1.0
    text_syllables: float = 0.3
    text_pairs: float = 1.0
    title_words: float = 1.5
    title_syllables: float = 0.5
    title_pairs: float = 1.5
    filler: float = 0.5  # question words count this much of a content word
    synonym: float = 0.6  # an abbreviation's expansion counts this much
    restored: float = 1.0  # restored words (typed without diacritics) in the word fields
    coord: float = 0.5  # scores are multiplied by covered_share ** coord
    min_share_short: float = 0.5  # share of the question a result must cover, 1-4 concepts
    min_share_long: float = 0.2  # ... and from 9 concepts on (linear in between)


@dataclass(frozen=True)
class Concept:
    """One unit of meaning in the question; present when any alternative's syllables all are."""

    weight: float
    alternatives: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class QueryPlan:
    """Weighted sub-queries and the concepts a result must cover."""

    parts: tuple[tuple[QueryTerms, float], ...]
    concepts: tuple[Concept, ...]
    unknown_weight: float  # IDF mass of syllables no article has


@dataclass(frozen=True)
class Coverage:
    """The share of the question each position covers, and the live positions covering enough
    to be results."""

    share: np.ndarray
    candidates: np.ndarray


def _unique(terms: QueryTerms) -> QueryTerms:
    """Each term once: a long question repeating a word should not count it twice."""
    return QueryTerms(
        tuple(dict.fromkeys(terms.words)),
        tuple(dict.fromkeys(terms.syllables)),
        tuple(dict.fromkeys(terms.pairs)),
    )


def plan_query(
    snapshot: Snapshot,
    analyzer: Analyzer,
    parsed: ParsedQuery,
    restoration: Restoration | None,
    weights: Weights,
) -> QueryPlan:
    """Turn a parsed question into weighted sub-queries and concepts."""
    main = _unique(query_terms(analyzer.tokens(parsed.text)))
    parts: list[tuple[QueryTerms, float]] = [(main, 1.0)]
    if parsed.filler_spans and weights.filler != 1.0:
        fillers = _unique(query_terms(analyzer.tokens(parsed.fillers)))
        parts.append((QueryTerms(fillers.words, fillers.syllables, ()), weights.filler - 1.0))
    for expansion in parsed.expansions:
        parts.append((_unique(query_terms(analyzer.tokens(expansion))), weights.synonym))
    if restoration is not None and restoration.words:
        restored = tuple(w for w in dict.fromkeys(restoration.words) if w not in main.words)
        if restored:
            parts.append((QueryTerms(restored, (), ()), weights.restored))
    concepts, unknown = _concepts(snapshot, parsed)
    return QueryPlan(tuple(parts), concepts, unknown)


@dataclass(frozen=True)
class ConceptShape:
    """A concept before the corpus weighs it: its syllable, and the syllables of the other
    expressions of its synonym group (what the question says, whatever the corpus holds)."""

    syllable: str
    others: tuple[tuple[str, ...], ...]


def concept_shapes(parsed: ParsedQuery) -> tuple[ConceptShape, ...]:
    """One shape per syllable of the question outside its question words (see `_concepts`)."""
    text = parsed.text
    shapes: list[ConceptShape] = []
    seen: set[str] = set()
    for start, end, word in surface_words(text):
        if any(s <= start and end <= e for s, e in parsed.filler_spans):
            continue
        others: set[tuple[str, ...]] = set()
        for span_start, span_end, members in parsed.synonyms:
            if span_start <= start and end <= span_end:
                typed = tuple(_syllables(text[span_start:span_end]))
                others |= {tuple(_syllables(m)) for m in members} - {typed}
        for syllable in _syllables(word):
            if syllable in seen:
                continue
            seen.add(syllable)
            shapes.append(ConceptShape(syllable, tuple(sorted(others))))
    return tuple(shapes)


def weigh_concepts(
    shapes: Sequence[ConceptShape],
    idf: Callable[[str], float],
    known: Callable[[str], bool],
    rarest: float,
) -> tuple[tuple[Concept, ...], float]:
    """The corpus's weights on concept shapes: (concepts, IDF mass of syllables no article
    has). Searches and subscriptions (index.search.percolate) weigh alike through here."""
    concepts: list[Concept] = []
    unknown = 0.0
    for shape in shapes:
        weight = idf(shape.syllable)
        if weight == 0.0 and not known(shape.syllable) and not shape.others:
            unknown += rarest
            continue
        alternatives = ((shape.syllable,), *shape.others)
        concepts.append(Concept(max(weight, 1e-3) if weight else rarest, alternatives))
    return tuple(concepts), unknown


def _concepts(snapshot: Snapshot, parsed: ParsedQuery) -> tuple[tuple[Concept, ...], float]:
    """One concept per syllable of the question outside its question words. A syllable inside
    an abbreviation or synonym is also present where any other expression of its group is
    whole ("chính" of "chính quyền điện tử" is present in an article that says "CQĐT")."""
    return weigh_concepts(
        concept_shapes(parsed),
        lambda s: _idf(snapshot, s),
        lambda s: _known(snapshot, s),
        _rarest(snapshot),
    )


def _syllables(text: str) -> list[str]:
    """Folded syllables of surface text as the syllable field holds them (codes whole)."""
    return [fold(word) for _, _, word in surface_words(text)]


def _idf(snapshot: Snapshot, syllable: str) -> float:
    key = term_key(syllable)
    return max(
        snapshot.field("text", "syllables").idf_of(key),
        snapshot.field("title", "syllables").idf_of(key),
    )


def _known(snapshot: Snapshot, syllable: str) -> bool:
    key = term_key(syllable)
    return bool(
        snapshot.field("text", "syllables").df([key])[0]
        or snapshot.field("title", "syllables").df([key])[0]
    )


def _rarest(snapshot: Snapshot) -> float:
    """The IDF of a syllable found in one article: what an unknown one is worth."""
    return math.log((snapshot.size - 1 + 0.5) / 1.5) if snapshot.size > 1 else 1.0


def clauses(snapshot: Snapshot, plan: QueryPlan, weights: Weights) -> list[Clause]:
    """The plan as weighted clauses over the six fields, in a fixed order (each document's
    score is summed in this order)."""
    found: list[Clause] = []
    for terms, factor in plan.parts:
        keys = query_keys(terms)
        for group, (words, syllables, pairs) in (
            ("text", (weights.text_words, weights.text_syllables, weights.text_pairs)),
            ("title", (weights.title_words, weights.title_syllables, weights.title_pairs)),
        ):
            found += _group_clauses(snapshot, group, keys, factor, words, syllables, pairs)
    return found


def _group_clauses(
    snapshot: Snapshot,
    group: str,
    keys: QueryKeys,
    factor: float,
    words: float,
    syllables: float,
    pairs: float,
) -> list[Clause]:
    found = []
    for kind, weight, given in (
        ("words", words, keys.words),
        ("syllables", syllables, keys.syllables),
        ("pairs", pairs, keys.pairs),
    ):
        if not weight or not given:
            continue
        view = snapshot.field(group, kind)
        chosen = given if kind == "pairs" else _informative(view, given)
        found += [Clause(view.field, key, factor * weight) for key in chosen]
    return found


def _informative(view: FieldView, keys: Sequence[int]) -> Sequence[int]:
    """The terms worth scoring: one in more than half of the articles adds only its IDF floor
    to nearly every article (and costs a pass over all of them), so it is left out unless the
    query has nothing else (then only its rarest terms)."""
    df = view.df(list(keys)).tolist()
    rarer = [k for k, d in zip(keys, df, strict=False) if not 2 * d > view.n_docs]
    if rarer:
        return rarer
    ranked = sorted(range(len(keys)), key=lambda i: df[i])  # stable, as sorted() by frequency
    return [keys[i] for i in ranked[:_COMMON_KEPT]]


_COMMON_KEPT = 2  # of a query made only of common tokens, the rarest few are scored


def cover(snapshot: Snapshot, plan: QueryPlan, weights: Weights) -> Coverage:
    """How much of the question each article covers; results are live and cover enough."""
    share = _share(snapshot, plan)
    needed = needed_share(len(plan.concepts) + (1 if plan.unknown_weight else 0), weights)
    enough = share >= needed - 1e-9
    if needed - 1e-9 <= 0:
        enough &= share > 0
    candidates = np.flatnonzero(enough & snapshot.live)
    return Coverage(share, candidates)


def _share(snapshot: Snapshot, plan: QueryPlan) -> np.ndarray:
    """Per position, the IDF-weighted share of the question's concepts it contains (the text
    field holds the title too, so its postings are enough)."""
    total = sum(c.weight for c in plan.concepts) + plan.unknown_weight
    if total <= 0:
        return np.zeros(snapshot.positions)
    common = [c for c in plan.concepts if c.weight < 1e-2 * total]
    plain = [c for c in plan.concepts if c not in common and len(c.alternatives) == 1]
    grouped = [c for c in plan.concepts if c not in common and len(c.alternatives) > 1]
    single = [c for c in plain if len(c.alternatives[0]) == 1]
    syllables = snapshot.field("text", "syllables")
    covered = np.zeros(snapshot.positions)
    seen: dict[int, float] = {}
    for concept in single:  # each syllable once, as a presence (not a frequency)
        key = term_key(concept.alternatives[0][0])
        seen[key] = seen.get(key, 0.0) + concept.weight
    syllables.add_at_all_holders(covered, list(seen.items()))  # `cover` masks dead positions
    if common:  # too common to tell articles apart: present
        covered += sum(c.weight for c in common)
    for concept in grouped + [c for c in plain if c not in single]:
        present = _present(syllables, concept)
        kernels.add_where(covered, present, concept.weight)  # as covered[present] += w
    covered /= total
    return covered


def _present(syllables: FieldView, concept: Concept) -> np.ndarray:
    """Mask of the positions holding the whole of any alternative of the concept. Alternatives
    of one syllable are counted together (present where the count is not zero)."""
    shorts = {term_key(a[0]) for a in concept.alternatives if len(set(a)) == 1}
    longer = [a for a in concept.alternatives if len(set(a)) > 1]
    if shorts:
        counts = np.zeros(syllables.snapshot.positions, dtype=np.int16)
        syllables.add_at_all_holders(counts, [(key, 1) for key in shorts])
        present = counts > 0
    else:
        present = np.zeros(syllables.snapshot.positions, dtype=bool)
    for alternative in longer:
        present |= _holding(syllables, alternative)
    return present


def _holding(syllables: FieldView, alternative: Sequence[str]) -> np.ndarray:
    """Mask of the positions holding every one of the syllables (counted, not intersected:
    sorting two long position lists costs more than one pass over a small counter)."""
    wanted = [term_key(syllable) for syllable in dict.fromkeys(alternative)]
    if not all(syllables.locate(key) for key in wanted):
        return np.zeros(syllables.snapshot.positions, dtype=bool)
    counts = np.zeros(syllables.snapshot.positions, dtype=np.int16)
    syllables.add_at_all_holders(counts, [(key, 1) for key in wanted])  # `cover` masks dead
    holding: np.ndarray = counts == len(wanted)
    return holding


def needed_share(concepts: int, weights: Weights) -> float:
    """The share of its concepts a question needs an article to cover (the coverage rule)."""
    if concepts <= 4:
        return weights.min_share_short
    if concepts >= 9:
        return weights.min_share_long
    step = (weights.min_share_short - weights.min_share_long) / 5
    return weights.min_share_short - step * (concepts - 4)
