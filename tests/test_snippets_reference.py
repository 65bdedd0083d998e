"""Snippets found in one pass per article equal those of a plain reference: each sentence
lower-cased, folded and split into words on its own, the chosen text matched again."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.search.snippets import QueryMatcher, Snippet, _cut, make_snippet
from index.text.analyzer import BOUNDARY
from index.text.normalize import fold, lower

PROPERTY = settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Syllables with and without diacritics, capitals, a letter that lower-cases to two characters
# (İ), a Greek final sigma (lower-cased by context), an underscore (a \w that is no letter),
# digits, punctuation that joins or separates matches.
_SYLLABLES = ["hội", "hoi", "Hội", "HỘI", "thảo", "thao", "Hòa", "hoa", "bình", "binh", "đô",
              "do", "thị", "thi", "ĐVQL", "dvql", "2019", "5", "xã", "xa", "İ", "ΑΣ", "ας", "σ",
              "a_b", "b"]  # fmt: skip
_GAPS = [" ", " ", " ", ", ", "-", "/", " & ", ". ", "_", "…", "\u00a0", "  ", ":"]
_WORDS = st.sampled_from(_SYLLABLES)
SENTENCES = st.lists(
    st.builds(
        lambda words, gaps: "".join(w + g for w, g in zip(words, gaps, strict=False)).strip(" "),
        st.lists(_WORDS, min_size=0, max_size=12),
        st.lists(st.sampled_from(_GAPS), min_size=12, max_size=12),
    ),
    max_size=8,
)
STREAMS = st.lists(st.one_of(_WORDS, st.just(BOUNDARY), st.just("hội thảo")), max_size=6)
WEIGHTS = {"hoi": 2.5, "thao": 1.25, "do": 0.1, "b": 0.3, "5": 0.7}


def _weight(folded: str) -> float:
    return WEIGHTS.get(folded, 1.0)


def _minor(folded: str) -> bool:
    return folded in ("do", "b")


def _reference_matches(matcher: QueryMatcher, text: str) -> list[tuple[int, int, str]]:
    """Every whole word whose folded form is wanted (its lower-case form, when typed with
    diacritics), the text on its own."""
    lowered = lower(text)
    folded = fold(lowered)
    found = []
    for word in re.finditer(r"[^\W_]+", folded):
        plain, (start, end) = word[0], word.span()
        if plain in matcher.folded or (
            plain in matcher.exact_folded and lowered[start:end] in matcher.exact
        ):
            found.append((start, end, plain))
    return found


def _reference_score(matcher: QueryMatcher, found: list[tuple[int, int, str]]) -> float:
    score = sum(matcher.weight(word) for word in {w for _, _, w in found})
    for (_, end, first), (start, _, second) in itertools.pairwise(found):
        if (first, second) in matcher.pairs and start - end <= 2:
            score += 0.5 * (matcher.weight(first) + matcher.weight(second))
    return score


def _reference_snippet(sentences: Sequence[str], matcher: QueryMatcher, max_chars: int) -> Snippet:
    """`make_snippet` as it was: every sentence matched on its own, the chosen text again."""
    sentences = [s for s in sentences if re.search(r"[^\W_]", s)]
    if not sentences:
        return Snippet("")
    found = [_reference_matches(matcher, s) for s in sentences]
    scored = [(_reference_score(matcher, f), i) for i, f in enumerate(found)]
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
    return _cut(text, _reference_matches(matcher, text), matcher, max_chars)


@PROPERTY
@given(SENTENCES, STREAMS)
def test_matches_are_those_of_each_word_on_its_own(sentences: list[str], stream: list[str]) -> None:
    matcher = QueryMatcher.from_stream(stream, _weight, _minor)
    for sentence in sentences:
        assert matcher.matches(sentence) == _reference_matches(matcher, sentence)
    each = matcher.matches_each(sentences)
    if each is not None:  # None: a letter lower-cases to two characters
        assert each == [_reference_matches(matcher, s) for s in sentences]
    else:
        assert any(len(s.lower()) != len(s) for s in sentences)


@PROPERTY
@given(SENTENCES, STREAMS, st.sampled_from([300, 60, 25]))
def test_snippets_equal_the_reference(
    sentences: list[str], stream: list[str], max_chars: int
) -> None:
    matcher = QueryMatcher.from_stream(stream, _weight, _minor)
    expected = _reference_snippet(sentences, matcher, max_chars)
    assert make_snippet(sentences, matcher, max_chars) == expected


def test_a_letter_lower_cased_to_two_characters_elsewhere_changes_no_snippet() -> None:
    # "İ" lower-cases to two characters: `lower` then works letter by letter, and a final sigma
    # ("ΑΣ" -> "ας" in context, "ασ" alone) no longer reads as final
    sentences = ["Hội İ thảo.", "Tin ΑΣ hội thảo ας.", "Hội thảo σ."]
    matcher = QueryMatcher.from_stream(["hội", "thảo", "ας"], _weight, _minor)
    assert matcher.matches_each(sentences) is None
    assert make_snippet(sentences, matcher) == _reference_snippet(sentences, matcher, 300)


def test_each_sentence_matched_in_one_pass_keeps_its_own_offsets() -> None:
    matcher = QueryMatcher.from_stream(["hội", "thao"], _weight, _minor)
    each = matcher.matches_each(["Hội thảo.", "...", "Hoi thao, hội."])
    assert each == [[(0, 3, "hoi"), (4, 8, "thao")], [], [(4, 8, "thao"), (10, 13, "hoi")]]
