"""Decoding bytes into text: fetched pages (the charset from the headers, then the page's meta
tags, then a guess) and imported files (byte-order marks, UTF-8, then a guess).

Old government portals still serve Windows-1258 (tone marks as combining characters) or declare
one encoding and send another; text leaves here in NFC.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import charset_normalizer

__all__ = ["decode_page", "decode_text", "declared_charset", "is_utf8"]

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


def decode_text(data: bytes) -> tuple[str | None, str | None]:
    """An imported file's text and, when it was not UTF-8, the legacy encoding it was read in;
    (None, None) when no encoding fits."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), None
    if is_utf8(data):
        return data.decode("utf-8"), None
    guess = charset_normalizer.from_bytes(data).best()
    if guess is None:
        return None, None
    return str(guess), guess.encoding


def is_utf8(data: bytes) -> bool:
    """True when the bytes are valid UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
