"""Vietnamese text: normalisation and accent folding, the analyzer (word segmentation), the query
dictionary, diacritics restoration, dates, and decoding bytes into text.

    normalize.py   one canonical form; fold, lower, tone placement
    analyzer.py    the token stream shared by documents and queries; sentences
    dictionary.py  the editable abbreviations, synonyms and question words
    restore.py     diacritics and one-letter typos restored from the corpus's own words
    dates.py       dates as portals write them; the Vietnam time zone
    charset.py     bytes to text: pages (header, meta, guess) and files (BOM, UTF-8, guess)
"""

from .analyzer import ANALYZER_VERSION, BOUNDARY, Analyzer, split_sentences
from .charset import decode_page, decode_text
from .dates import VIETNAM, now, parse_date
from .dictionary import EMPTY_DICTIONARY, QueryDictionary, surface_words
from .normalize import fold, has_diacritics, lower, normalize
from .restore import Restoration, Restorer

__all__ = [
    "ANALYZER_VERSION",
    "BOUNDARY",
    "EMPTY_DICTIONARY",
    "VIETNAM",
    "Analyzer",
    "QueryDictionary",
    "Restoration",
    "Restorer",
    "decode_page",
    "decode_text",
    "fold",
    "has_diacritics",
    "lower",
    "normalize",
    "now",
    "parse_date",
    "split_sentences",
    "surface_words",
]
