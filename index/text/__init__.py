"""Vietnamese text: normalisation, analysis, the query dictionary, reading phone-typed questions.

The public map of the text stage. Two functions are imported from their modules, never from
here, because a package attribute of the same name would hide the module (`mock.patch`,
`import index.text.normalize as m`): `normalize.normalize` and `event_dates.event_dates`. `dates`
(publication dates as portals write them) depends on the store's timezone and stays out too.
"""

from .analyzer import ANALYZER_VERSION, BOUNDARY, Analyzer, split_sentences
from .dictionary import EMPTY_DICTIONARY, Abbreviation, QueryDictionary
from .event_dates import DateKind, EventDate, event_match
from .keystrokes import telex, vni
from .normalize import canonical_tones, clean_unicode, fold, has_diacritics, lower
from .reading import Change, Edit, Reader, Reading
from .restore import Restoration, Restorer
from .shingles import Signature, near_duplicates, signature, similarity
from .support import CorpusStats, Support
from .syllables import is_folded_syllable, is_syllable
from .typed import TokenKind, TypedToken, typed_tokens
from .typos import Suggestion, TypoIndex, split_glued

__all__ = [
    "ANALYZER_VERSION",
    "BOUNDARY",
    "EMPTY_DICTIONARY",
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
    "canonical_tones",
    "clean_unicode",
    "event_match",
    "fold",
    "has_diacritics",
    "is_folded_syllable",
    "is_syllable",
    "lower",
    "near_duplicates",
    "signature",
    "similarity",
    "split_glued",
    "split_sentences",
    "telex",
    "typed_tokens",
    "vni",
]
