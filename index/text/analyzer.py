"""One analyzer for documents and queries: normalise, pre-tokenise, segment words, lower-case.

The output is a token stream: lower-case words (multi-syllable words keep their inner spaces,
"chính quyền"), numbers and document codes ("15/2020/tt-btttt", "ipv6") with their parts, and
`BOUNDARY` markers where punctuation or a line break separated the text. Fields derived from
the stream (syllables, accent-folded syllables, syllable pairs) live in `index.search.fields`.
"""

from __future__ import annotations

import functools
import importlib.util
import pickle
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from .normalize import lower, normalize

__all__ = ["Analyzer", "BOUNDARY", "ANALYZER_VERSION", "split_sentences"]

# Bump when the token stream for the same text changes: cached terms are then re-analysed.
ANALYZER_VERSION = "4"
BOUNDARY = "."

_TOKEN = re.compile(
    r"(?P<code>[^\W_]+(?:[/&.:+\-][^\W_]+)+)|(?P<word>[^\W_]+)|(?P<newline>\n)|(?P<punct>[^\w\s])"
)
_JOINERS = re.compile(r"[/&.:+\-]")


def _is_code(token: str) -> bool:
    """A joined token is one term when it looks like a code ("TT&TT", "COVID-19", "TP.HCM")."""
    if any(c.isdigit() for c in token) or "&" in token or "+" in token:
        return True
    parts = _JOINERS.split(token)
    return any(len(p) >= 2 and (p.isupper() or not (p.islower() or p.istitle())) for p in parts)


def _code_terms(code: str) -> list[str]:
    """The code itself, then its slash-separated pieces and alphanumeric parts, lower-cased."""
    code = code.lower()
    terms = [code]
    if "/" in code:
        terms.extend(p for p in code.split("/") if _JOINERS.search(p))
    terms.extend(p for p in _JOINERS.split(code) if p)
    return terms


class Segmenter:
    """underthesea's CRF word segmenter, applied to tokens we have already split.

    The model is underthesea's own (`ws_crf_vlsp2013`), run by underthesea_core exactly as
    `underthesea.word_tokenize` runs it, but loaded without importing the `underthesea`
    package, whose import takes longer than the whole question (0.4 of 0.8 s).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._predict: Callable[[list[list[str]]], list[str]] | None = None

    def _load(self) -> Callable[[list[list[str]]], list[str]]:
        with self._lock:
            if self._predict is None:
                self._predict = _load_crf() or _load_through_underthesea()
            return self._predict

    def joins(self, tokens: Sequence[str]) -> list[bool]:
        """For each token, whether it continues the word begun by the token before it.

        The CRF needs about 9 KB per token at once: a long text is tagged in chunks of at most
        `CHUNK_TOKENS`, cut after a line break (else after punctuation), so that memory stays
        bounded; a text shorter than a chunk is tagged exactly as one piece.
        """
        predict = self._load()
        joined: list[bool] = []
        for start, end in _chunks(tokens, CHUNK_TOKENS):
            tags = predict([[t] for t in tokens[start:end]])
            joined.extend(tag == "I-W" for tag in tags)
        return joined


CHUNK_TOKENS = 4096


def _chunks(tokens: Sequence[str], size: int) -> list[tuple[int, int]]:
    """[start, end) ranges of at most `size` tokens, ending after a line break when one is in
    the last quarter of the range, else after punctuation, else where the size says."""
    ranges = []
    start = 0
    while start < len(tokens):
        end = min(start + size, len(tokens))
        if end < len(tokens):
            floor = end - size // 4
            cut = next((i + 1 for i in range(end - 1, floor, -1) if tokens[i] == "\n"), None)
            if cut is None:
                cut = next(
                    (i + 1 for i in range(end - 1, floor, -1) if not tokens[i][:1].isalnum()),
                    end,
                )
            end = cut
        ranges.append((start, end))
        start = end
    return ranges


_MODEL = ("pipeline", "word_tokenize", "models", "ws_crf_vlsp2013_20230727")


def _load_crf() -> Callable[[list[list[str]]], list[str]] | None:
    """underthesea's word segmentation model read straight from its files, or None when this
    version of underthesea keeps them elsewhere."""
    spec = importlib.util.find_spec("underthesea")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent.joinpath(*_MODEL)
    if not all((folder / name).is_file() for name in _MODEL_FILES):
        return None
    from underthesea_core import CRFFeaturizer, CRFTagger

    tagger = CRFTagger()
    tagger.load(str(folder / "models.bin"))
    # Plain pickles (joblib.dump of a list and a set), shipped inside the installed package.
    with open(folder / "features.bin", "rb") as handle:
        features = pickle.load(handle)  # noqa: S301 - the installed package's own file
    with open(folder / "dictionary.bin", "rb") as handle:
        dictionary = pickle.load(handle)  # noqa: S301
    featurizer = CRFFeaturizer(features, dictionary)

    def predict(tokens: list[list[str]]) -> list[str]:
        tags: list[str] = tagger.tag(featurizer.process([tokens])[0])
        return tags

    return predict


_MODEL_FILES = ("models.bin", "features.bin", "dictionary.bin")


def _load_through_underthesea() -> Callable[[list[list[str]]], list[str]]:
    from underthesea.pipeline import word_tokenize as module

    module.word_tokenize("khởi động")  # loads the CRF model once
    predict: Callable[[list[list[str]]], list[str]] = module.word_tokenize_model.predict
    return predict


_DEFAULT_SEGMENTER = Segmenter()


_RECENT = 1024  # short texts whose streams an analyzer remembers
_RECENT_CHARS = 600  # questions are cut at 512 characters; articles are longer


class Analyzer:
    """Turns text into the token stream that both documents and queries are indexed with."""

    version = ANALYZER_VERSION

    def __init__(self, segmenter: Segmenter | None = None) -> None:
        self.segmenter = segmenter or _DEFAULT_SEGMENTER
        # a search analyses its question several times (parsing, planning, snippets); the
        # segmenter's model is most of the cost, so short texts' streams are remembered
        self._recent = functools.lru_cache(maxsize=_RECENT)(self._stream)

    def tokens(self, text: str) -> list[str]:
        """Normalised terms in text order, with BOUNDARY where punctuation separated them."""
        if len(text) <= _RECENT_CHARS:
            return list(self._recent(text))
        return list(self._stream(text))

    def _stream(self, text: str) -> tuple[str, ...]:
        pieces: list[tuple[str, str]] = []
        for match in _TOKEN.finditer(normalize(text)):
            kind, value = match.lastgroup or "punct", match[0]
            if kind == "code" and not _is_code(value):
                for part in re.split(r"([/&.:+\-])", value):
                    pieces.append(("word", part) if part[0].isalnum() else ("punct", part))
            else:
                pieces.append((kind, value))
        surface = [value for _, value in pieces]
        joins = self.segmenter.joins(surface)
        stream: list[str] = []
        previous_is_word = False
        for (kind, value), joined in zip(pieces, joins, strict=True):
            # isalpha() first: no letter is a digit, and most words are letters only.
            if kind == "word" and (value.isalpha() or not any(c.isdigit() for c in value)):
                if joined and previous_is_word:
                    stream[-1] = f"{stream[-1]} {lower(value)}"
                else:
                    stream.append(lower(value))
                previous_is_word = True
                continue
            previous_is_word = False
            if kind == "word":
                stream.append(lower(value))
            elif kind == "code":
                stream.extend(_code_terms(value))
            elif stream and stream[-1] != BOUNDARY and value not in "-'’":
                stream.append(BOUNDARY)
        if stream and stream[-1] == BOUNDARY:
            stream.pop()
        return tuple(stream)

    def terms(self, text: str) -> list[str]:
        """The words of the text without boundaries (what a word-level BM25 indexes)."""
        return [t for t in self.tokens(text) if t != BOUNDARY]


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’')\]]*\s+")


def _starts_sentence(text: str) -> bool:
    first = text.lstrip("\"“‘'([")[:1]
    return first.isupper() or first.isdigit()


def split_sentences(text: str) -> list[str]:
    """Split normalised display text into sentences, paragraph breaks included."""
    sentences: list[str] = []
    for paragraph in normalize(text).split("\n"):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        start = 0
        for match in _SENTENCE_END.finditer(paragraph):
            if _starts_sentence(paragraph[match.end() :]):
                sentences.append(paragraph[start : match.end()].strip())
                start = match.end()
        sentences.append(paragraph[start:].strip())
    return [s for s in sentences if s]
