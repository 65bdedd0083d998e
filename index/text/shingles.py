"""Near-duplicate articles: a compact signature of word 5-shingles and a similarity estimate.

Two portals (or one portal in two categories) often publish the same story with different
spacing, punctuation or chrome; a recurring title ("Lịch công tác tuần") over different text is
not the same story. The signature is a bottom-k sketch: the k smallest 32-bit hashes of the
text's word 5-shingles, words taken after normalisation, accent folding and lower-casing, so
whitespace, punctuation and tone placement do not matter. `similarity` estimates the Jaccard
similarity of two texts' shingle sets (exact while a text has at most k shingles; standard error
about sqrt(J(1-J)/k) beyond), and texts at 0.9 or more are one hit (`near_duplicates`).
`bucket_keys` gives the few smallest hashes, which near-duplicates share with high probability,
to find candidates among many signatures without comparing every pair.

A signature is 4 * k bytes (256 for k = 64). An article's (`article_signature`: its title and
opening text) is computed once when the index is written and kept in its segment.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .normalize import fold, lower, normalize

__all__ = [
    "NEAR_DUPLICATE",
    "Signature",
    "article_signature",
    "bucket_keys",
    "near_duplicates",
    "signature",
    "similarity",
]

NEAR_DUPLICATE = 0.9
SHINGLE_WORDS = 5
SKETCH_SIZE = 64
OPENING_CHARS = 800  # of an article's text compared: copies differ from their first lines on
_WORD = re.compile(r"[^\W_]+")
_blake2b = hashlib.blake2b


@dataclass(frozen=True)
class Signature:
    """The k smallest shingle hashes of a text, ascending (fewer when the text is short)."""

    hashes: np.ndarray  # uint32, sorted, unique
    size: int = SKETCH_SIZE  # k

    def to_bytes(self) -> bytes:
        """Little-endian uint32s, for a BLOB column."""
        return self.hashes.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, size: int = SKETCH_SIZE) -> Signature:
        """The signature `to_bytes` wrote."""
        return cls(np.frombuffer(data, dtype="<u4").astype(np.uint32), size)


def signature(text: str, size: int = SKETCH_SIZE) -> Signature:
    """The text's bottom-k sketch of word 5-shingles."""
    words = _WORD.findall(fold(lower(normalize(text))))
    if not words:
        return Signature(np.zeros(0, dtype=np.uint32), size)
    count = max(len(words) - SHINGLE_WORDS + 1, 1)
    shingles = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(count)}
    # Each shingle's hash is its 4-byte blake2b digest read as a little-endian uint32; joining
    # the digests and reading them at once spares an int per shingle.
    digests = b"".join([_blake2b(s.encode("utf-8"), digest_size=4).digest() for s in shingles])
    hashes = np.unique(np.frombuffer(digests, dtype="<u4").astype(np.uint32))
    return Signature(hashes[:size], size)


def article_signature(title: str, sentences: Sequence[str]) -> Signature:
    """The signature two copies of one article share: its title and opening text."""
    return signature(f"{title}\n{' '.join(sentences)[:OPENING_CHARS]}")


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets (1.0 for two empty texts)."""
    return _similarity(_HashSet.of(a), _HashSet.of(b))


@dataclass(frozen=True)
class _HashSet:
    """A signature's hashes as a Python set: comparing two sets of at most 64 small ints costs
    a few microseconds, numpy's set routines a hundred (their fixed costs)."""

    hashes: frozenset[int]
    size: int

    @classmethod
    def of(cls, sketch: Signature) -> _HashSet:
        return cls(frozenset(sketch.hashes.tolist()), sketch.size)


def _similarity(a: _HashSet, b: _HashSet) -> float:
    """The share of the union's k smallest hashes that both hold (k the smaller size)."""
    if not a.hashes or not b.hashes:
        return 1.0 if len(a.hashes) == len(b.hashes) else 0.0
    union = sorted(a.hashes | b.hashes)[: min(a.size, b.size)]
    both = a.hashes & b.hashes
    return sum(1 for h in union if h in both) / len(union)


def _near(a: _HashSet, b: _HashSet, threshold: float) -> bool:
    """`_similarity(a, b) >= threshold`, most pairs decided without sorting: the estimate counts
    hashes both hold among the union's k smallest, so it is at most |a & b| / min(k, |a | b|)."""
    if a.hashes and b.hashes:
        shared = len(a.hashes & b.hashes)
        union = min(a.size, b.size, len(a.hashes) + len(b.hashes) - shared)
        if shared < threshold * union:
            return False
    return _similarity(a, b) >= threshold


def near_duplicates(
    signatures: Sequence[Signature], threshold: float = NEAR_DUPLICATE
) -> list[int]:
    """For each signature, the position of the first one it nearly duplicates (itself if none):
    collapse a result list by keeping the hits whose value is their own position."""
    sets = [_HashSet.of(s) for s in signatures]
    firsts: list[int] = []
    found: list[int] = []
    for i, current in enumerate(sets):
        match = next((f for f in firsts if _near(sets[f], current, threshold)), i)
        if match == i:
            firsts.append(i)
        found.append(match)
    return found


def bucket_keys(sketch: Signature, count: int = 4) -> tuple[int, ...]:
    """The `count` smallest hashes: texts at Jaccard similarity J share the smallest with
    probability J, and one of the four with a higher one."""
    return tuple(int(h) for h in sketch.hashes[:count])
