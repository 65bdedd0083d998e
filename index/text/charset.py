"""Decoding bytes into text: fetched pages (the charset from the headers, then the page's meta
tags, then a guess) and imported files (byte-order marks, UTF-8, then the legacy code page that
reads as Vietnamese).

Old government portals still serve Windows-1258 (tone marks as combining characters) or declare
one encoding and send another; text leaves here in NFC. Office computers save text as UTF-16
(with a byte-order mark), as UTF-8 with a byte-order mark, or in the Windows code page of the
machine: cp1258, cp1252 (which has à, é, ô but not ơ, ư, đ) or cp1250. Which one a file is in
is decided by which reading gives valid Vietnamese syllables. A byte that fits no reading costs
one character (U+FFFD), never the file.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

import charset_normalizer

from .syllables import is_syllable

__all__ = [
    "DecodedText",
    "FileEncoding",
    "decode_page",
    "decode_text",
    "declared_charset",
    "is_binary",
    "is_utf8",
    "sniff_encoding",
    "vietnamese_score",
]

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""")
# Labels servers send by default, not because the page is in them.
_GENERIC = {"iso8859-1", "latin-1", "ascii", "cp1252"}


def declared_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if it names a known codec."""
    if not content_type:
        return None
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return _codec(value.strip().strip("\"'"))
    return None


def decode_page(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """The page as NFC text and the encoding used to read it."""
    text, encoding = _decode(data, content_type)
    return unicodedata.normalize("NFC", text), encoding


def _decode(data: bytes, content_type: str | None) -> tuple[str, str]:
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name
    header = declared_charset(content_type)
    meta = _meta_charset(data[:4096])
    # Valid UTF-8 with non-ASCII bytes is almost never a legacy encoding by accident, while
    # labels are often wrong (servers send "iso-8859-1" by default): the bytes win.
    if not data.isascii() and is_utf8(data):
        return data.decode("utf-8"), "utf-8"
    candidates: list[str | None] = [header, meta]
    if header in _GENERIC and meta and meta != header:
        candidates = [meta, header]
    for label in candidates:
        if label is None:
            continue
        try:
            return data.decode(label), label
        except UnicodeDecodeError:
            continue
    guess = charset_normalizer.from_bytes(data[:200_000]).best()
    if guess is not None and guess.encoding:
        return data.decode(guess.encoding, errors="replace"), guess.encoding
    return data.decode("utf-8", errors="replace"), "utf-8"


def _meta_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return _codec(match[1].decode("ascii", "ignore")) if match else None


def _codec(label: str) -> str | None:
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


@dataclass(frozen=True)
class FileEncoding:
    """How to read a file: the codec, the byte-order mark to skip, whether it is a legacy code
    page (worth a note), and whether invalid bytes are expected (UTF-8 with a few bad bytes)."""

    codec: str
    bom: int = 0
    legacy: bool = False
    damaged: bool = False


@dataclass(frozen=True)
class DecodedText:
    """A file's text (NFC), how it was read, and how many bytes were replaced by U+FFFD."""

    text: str
    encoding: FileEncoding
    replaced: int = 0


# The order decides ties: equal readings are the same text, whatever the name.
_LEGACY = ("cp1252", "cp1258", "cp1250")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WORD = re.compile(r"[^\W\d_]+")


def sniff_encoding(head: bytes, complete: bool = True) -> FileEncoding | None:
    """The encoding of a file from its first bytes (all of them when `complete`); None when the
    bytes are no text at all."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return FileEncoding(codec, len(bom))
    utf16 = _utf16_without_bom(head)
    if utf16 is not None:
        return FileEncoding(utf16)
    if _valid_utf8_prefix(head, complete):
        return FileEncoding("utf-8")
    scores = {codec: vietnamese_score(_nfc(head.decode(codec, "replace"))) for codec in _LEGACY}
    best = max(_LEGACY, key=lambda codec: scores[codec])
    utf8 = vietnamese_score(head.decode("utf-8", "replace"))
    if utf8 > 0 and utf8 >= scores[best]:
        return FileEncoding("utf-8", damaged=True)
    if scores[best] > 0 or not _letters_elsewhere(head):
        return FileEncoding(best, legacy=True)
    guess = charset_normalizer.from_bytes(head[:200_000]).best()
    if guess is not None and guess.encoding:
        return FileEncoding(_codec(guess.encoding) or guess.encoding, legacy=True)
    return FileEncoding(best, legacy=True)


def _letters_elsewhere(head: bytes) -> bool:
    """Non-ASCII bytes that read as letters in none of the Latin code pages in a Vietnamese way:
    perhaps another script (Cyrillic, Greek), for the general detector to name."""
    return sum(b >= 0x80 for b in head[:65536]) > 16


def is_binary(head: bytes) -> bool:
    """The first bytes of a file that holds no text: NUL bytes (but not UTF-16's) or many
    control characters."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _utf16_without_bom(head):
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return b"\x00" in head or controls > len(head) // 20


def vietnamese_score(text: str) -> int:
    """Accented words that are Vietnamese syllables, less those that are not: how much a
    reading of bytes looks like Vietnamese ("Hà Nội" scores 2, "Hŕ N?i" -1)."""
    score = 0
    for word in _WORD.findall(text):
        if not word.isascii():
            score += 1 if is_syllable(word.lower()) else -1
    return score


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 saved without a byte-order mark: ASCII-heavy text has a NUL in every other byte."""
    pairs = len(head) // 2
    if pairs < 8:
        return None
    odd_nuls, even_nuls = head[1 : 2 * pairs : 2].count(0), head[0 : 2 * pairs : 2].count(0)
    if odd_nuls > pairs * 0.6 and even_nuls == 0:
        return "utf-16-le"
    if even_nuls > pairs * 0.6 and odd_nuls == 0:
        return "utf-16-be"
    return None


def _valid_utf8_prefix(head: bytes, complete: bool) -> bool:
    """Valid UTF-8, allowing a character cut at the end of an incomplete head."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        cut_short = exc.reason == "unexpected end of data" and exc.start >= len(head) - 3
        return not complete and cut_short
    return True


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def decode_text(data: bytes) -> DecodedText | None:
    """An imported file's text (NFC) and how it was read; None when no encoding fits."""
    encoding = sniff_encoding(data)
    if encoding is None:
        return None
    text = data[encoding.bom :].decode(encoding.codec, errors="replace")
    replaced = text.count("\ufffd") - data.count("\ufffd".encode(encoding.codec, "ignore") or b"\0")
    return DecodedText(_nfc(text), encoding, max(replaced, 0))


def is_utf8(data: bytes) -> bool:
    """True when the bytes are valid UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
