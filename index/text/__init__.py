"""Vietnamese text: normalisation and folding, analysis, the query dictionary, restoration,
reading phone-typed questions, dates, and decoding bytes into text.

    normalize.py   one canonical form (Unicode hygiene, tone placement); fold, lower
    analyzer.py    the token stream shared by documents and queries; sentences
    dictionary.py  the editable abbreviations, synonyms, chat forms, question words and the
                   conversation intents
    restore.py     diacritics and one-letter typos restored from the corpus's own words
    syllables.py   which syllables are Vietnamese      keystrokes.py  Telex and VNI decoding
    language.py    whether a message is Vietnamese     entities.py    named entities (underthesea)
    typed.py       what each typed token is             typos.py       SymSpell-style typo index
    support.py     corpus support of a reading          reading.py     a question's best reading
    event_dates.py dates an article mentions            shingles.py    near-duplicate signatures
    dates.py       dates as portals write them; the Vietnam time zone
    charset.py     bytes to text: pages (header, meta, guess) and files (BOM, UTF-8, the
                   code page that reads as Vietnamese)
    bounds.py      what of a question is analysed (512 characters, words of 64)

Two functions are imported from their modules, never from here, because a package attribute
of the same name would hide the module: `normalize.normalize` and `event_dates.event_dates`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

if TYPE_CHECKING:
    from .analyzer import ANALYZER_VERSION, BOUNDARY, Analyzer, split_sentences
    from .bounds import MAX_QUESTION_CHARS, MAX_WORD_CHARS, BoundedQuestion, bound_question
    from .charset import decode_page, decode_text
    from .dates import VIETNAM, now, parse_date
    from .dictionary import (
        CHAT_INTENTS,
        EDITABLE_SECTIONS,
        EMPTY_DICTIONARY,
        Abbreviation,
        QueryDictionary,
        surface_words,
    )
    from .event_dates import DateKind, EventDate, event_match
    from .keystrokes import telex, vni
    from .language import foreign_words, is_vietnamese
    from .normalize import canonical_tones, clean_unicode, fold, has_diacritics, lower
    from .reading import Change, Edit, Reader, Reading
    from .restore import Restoration, Restorer
    from .shingles import Signature, near_duplicates, signature, similarity
    from .support import CorpusStats, Support
    from .syllables import is_folded_syllable, is_syllable
    from .typed import TokenKind, TypedToken, typed_tokens
    from .typos import Suggestion, TypoIndex, split_glued

_LAZY = {
    ".analyzer": ("ANALYZER_VERSION", "BOUNDARY", "Analyzer", "split_sentences"),
    ".bounds": ("MAX_QUESTION_CHARS", "MAX_WORD_CHARS", "BoundedQuestion", "bound_question"),
    ".charset": ("decode_page", "decode_text"),
    ".dates": ("VIETNAM", "now", "parse_date"),
    ".dictionary": (
        "CHAT_INTENTS",
        "EDITABLE_SECTIONS",
        "EMPTY_DICTIONARY",
        "Abbreviation",
        "QueryDictionary",
        "surface_words",
    ),
    ".event_dates": ("DateKind", "EventDate", "event_match"),
    ".keystrokes": ("telex", "vni"),
    ".language": ("foreign_words", "is_vietnamese"),
    ".normalize": ("canonical_tones", "clean_unicode", "fold", "has_diacritics", "lower"),
    ".reading": ("Change", "Edit", "Reader", "Reading"),
    ".restore": ("Restoration", "Restorer"),
    ".shingles": ("Signature", "near_duplicates", "signature", "similarity"),
    ".support": ("CorpusStats", "Support"),
    ".syllables": ("is_folded_syllable", "is_syllable"),
    ".typed": ("TokenKind", "TypedToken", "typed_tokens"),
    ".typos": ("Suggestion", "TypoIndex", "split_glued"),
}

__all__ = [
    "EDITABLE_SECTIONS",
    "ANALYZER_VERSION",
    "BOUNDARY",
    "CHAT_INTENTS",
    "MAX_QUESTION_CHARS",
    "MAX_WORD_CHARS",
    "BoundedQuestion",
    "EMPTY_DICTIONARY",
    "VIETNAM",
    "Abbreviation",
    "Analyzer",
    "Change",
    "CorpusStats",
    "DateKind",
    "Edit",
    "EventDate",
    "QueryDictionary",
    "Reader",
    "Reading",
    "Restoration",
    "Restorer",
    "Signature",
    "Suggestion",
    "Support",
    "TokenKind",
    "TypedToken",
    "TypoIndex",
    "bound_question",
    "canonical_tones",
    "clean_unicode",
    "decode_page",
    "decode_text",
    "event_match",
    "fold",
    "foreign_words",
    "has_diacritics",
    "is_folded_syllable",
    "is_syllable",
    "is_vietnamese",
    "lower",
    "near_duplicates",
    "now",
    "parse_date",
    "signature",
    "similarity",
    "split_glued",
    "split_sentences",
    "surface_words",
    "telex",
    "typed_tokens",
    "vni",
]

if not TYPE_CHECKING:  # mypy reads the imports above, so a misspelt name stays an error
    __getattr__ = lazy_names(globals(), _LAZY)
