"""Reading article files: plain-text dumps, JSON and JSON Lines records, folders of them.

Readers yield `ArticleRecord`s and `Problem`s; a bad record never stops the rest of a file.
Files are read incrementally, in memory bounded by the largest record, never by the file:
JSON Lines line by line (a line over `MAX_RECORD_BYTES` is skipped without being held whole),
JSON arrays and `{"items": [...]}` with an incremental parser (ijson, one item at a time), a
plain-text dump up to `MAX_TEXT_FILE_BYTES`. Each record is then bounded (`bound_record`).
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, AnyStr, BinaryIO
from urllib.parse import urlsplit

import ijson

from ..text.charset import FileEncoding, is_binary, sniff_encoding
from ..text.dates import DATE_LINE, from_timestamp, parse_date
from ..text.normalize import normalize
from .records import (
    MAX_BODY_CHARS,
    MAX_JSON_DEPTH,
    MAX_RECORD_BYTES,
    MAX_TEXT_FILE_BYTES,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    ArticleRecord,
    Item,
    Problem,
    ProblemCode,
    bound_record,
)

__all__ = [
    "SUPPORTED_SUFFIXES",
    "read_paths",
    "read_file",
    "read_bytes",
    "read_stream",
    "parse_text_article",
    "record_from_mapping",
]

SUPPORTED_SUFFIXES = (".txt", ".json", ".jsonl", ".ndjson")
_HEAD_BYTES = 64 * 1024  # what the encoding and binary checks look at
_MEGABYTE = 1024 * 1024
_MAX_DATE_CHARS = 200  # a date as written; longer is no date
_SHOWN = 100  # characters of an offending value quoted in a problem


def read_paths(paths: Iterable[Path]) -> Iterator[Item]:
    """Read files and folders (recursively, in name order) in the order given."""
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if child.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield from read_file(child)
                else:
                    yield Problem(str(child), ProblemCode.IGNORED_FILE, skipped=False)
        elif path.is_file():
            yield from read_file(path)
        elif not path.exists():
            yield Problem(str(path), ProblemCode.NO_SUCH_PATH)
        else:
            yield Problem(str(path), ProblemCode.NOT_A_FILE)


def read_file(path: Path) -> Iterator[Item]:
    """Read one file according to its suffix, incrementally."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        yield Problem(str(path), ProblemCode.UNSUPPORTED_TYPE)
        return
    try:
        stream = path.open("rb")
    except OSError as exc:
        yield Problem(str(path), ProblemCode.CANNOT_READ, str(exc.strerror or exc))
        return
    with stream:
        try:
            yield from read_stream(stream, str(path), suffix)
        except OSError as exc:  # the disk failed half-way: what was read is kept
            yield Problem(str(path), ProblemCode.CANNOT_READ, str(exc.strerror or exc))


def read_bytes(data: bytes, name: str, suffix: str) -> Iterator[Item]:
    """Read the content of a file whose name and suffix are given (the bot's uploads use this)."""
    return read_stream(io.BytesIO(data), name, suffix)


def read_stream(stream: BinaryIO, name: str, suffix: str) -> Iterator[Item]:
    """Read a seekable binary stream holding a file of this name and suffix."""
    head = stream.read(_HEAD_BYTES)
    complete = len(head) < _HEAD_BYTES
    if not head.strip() and (complete or _blank_rest(stream)):
        yield Problem(name, ProblemCode.EMPTY_FILE)
        return
    encoding = None if is_binary(head) else sniff_encoding(head, complete)
    if encoding is None:
        yield Problem(name, ProblemCode.BINARY_FILE)
        return
    if encoding.legacy:
        yield Problem(name, ProblemCode.LEGACY_ENCODING, encoding.codec, skipped=False)
    stream.seek(encoding.bom)
    if suffix in (".jsonl", ".ndjson"):
        yield from _read_json_lines(stream, name, encoding)
    elif suffix == ".json":
        yield from _JsonReader(stream, name, encoding).read()
    else:
        yield from _read_text(stream, name, encoding)


def _blank_rest(stream: BinaryIO) -> bool:
    while chunk := stream.read(_HEAD_BYTES):
        if chunk.strip():
            return False
    return True


def _text_stream(stream: BinaryIO, encoding: FileEncoding) -> io.TextIOWrapper:
    """The stream decoded; a byte no reading fits becomes U+FFFD (one character, not the file)."""
    return io.TextIOWrapper(stream, encoding=encoding.codec, errors="replace")


# -- plain text ----------------------------------------------------------------------------


def _read_text(stream: BinaryIO, name: str, encoding: FileEncoding) -> Iterator[Item]:
    data = stream.read(MAX_TEXT_FILE_BYTES + 1)
    cut = len(data) > MAX_TEXT_FILE_BYTES
    decoder = codecs.getincrementaldecoder(encoding.codec)(errors="replace")
    text = decoder.decode(data[:MAX_TEXT_FILE_BYTES], final=not cut)
    if encoding.codec == "utf-8":
        replaced = text.count("\ufffd") - data.count("\ufffd".encode())
        if replaced > 0:
            yield Problem(name, ProblemCode.BYTES_REPLACED, str(replaced), skipped=False)
    if cut:
        yield Problem(name, ProblemCode.FILE_CUT, str(MAX_TEXT_FILE_BYTES // _MEGABYTE), False)
    item = parse_text_article(text, name, source=Path(name).parent.name or None)
    yield from _bounded(item)


def _bounded(item: Item) -> list[Item]:
    if isinstance(item, Problem):
        return [item]
    record, notes = bound_record(item)
    return [record, *notes]


# -- JSON Lines ----------------------------------------------------------------------------


def _read_json_lines(stream: BinaryIO, name: str, encoding: FileEncoding) -> Iterator[Item]:
    if encoding.codec == "utf-8":
        for number, raw in _bounded_lines(stream.readline, MAX_RECORD_BYTES, b"\n"):
            origin = f"{name}:{number}"
            if raw is None:
                yield Problem(origin, ProblemCode.TOO_LARGE, str(MAX_RECORD_BYTES // _MEGABYTE))
            elif raw.strip():
                yield from _json_line(raw, origin)
        return
    text = _text_stream(stream, encoding)
    try:
        for number, decoded in _bounded_lines(text.readline, MAX_RECORD_BYTES // 2, "\n"):
            origin = f"{name}:{number}"
            if decoded is None:
                yield Problem(origin, ProblemCode.TOO_LARGE, str(MAX_RECORD_BYTES // _MEGABYTE))
            elif decoded.strip():
                yield from _json_line(decoded, origin)
    finally:
        text.detach()  # the caller owns the stream


def _bounded_lines(
    readline: Callable[[int], AnyStr], limit: int, newline: AnyStr
) -> Iterator[tuple[int, AnyStr | None]]:
    """(line number, line) pairs; a line longer than `limit` is read past in pieces and given
    as None, so that it is never held whole."""
    number = 0
    while line := readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith(newline):
            while line and not line.endswith(newline):
                line = readline(_MEGABYTE)
            yield number, None
        else:
            yield number, line


def _json_line(line: str | bytes, origin: str) -> list[Item]:
    """One JSON Lines record. Bytes are decoded inside json.loads, so that the text of a huge
    line is freed as soon as it is parsed (a 50 MB line: 100 MB less at the peak)."""
    try:
        if isinstance(line, bytes):
            line.decode("utf-8")  # strict: json.loads would let encoded surrogates through
        value = json.loads(line)
    except RecursionError:
        return [Problem(origin, ProblemCode.TOO_DEEP, str(MAX_JSON_DEPTH))]
    except UnicodeDecodeError as exc:
        return [Problem(origin, ProblemCode.NOT_UTF8, str(exc.start + 1))]
    except json.JSONDecodeError as exc:
        return [Problem(origin, ProblemCode.MALFORMED_JSON, f"{exc.msg} at column {exc.colno}")]
    except ValueError as exc:  # an integer of more than 4,300 digits
        return [Problem(origin, ProblemCode.MALFORMED_JSON, _shown(str(exc)))]
    if _deeper_than(value, MAX_JSON_DEPTH):
        return [Problem(origin, ProblemCode.TOO_DEEP, str(MAX_JSON_DEPTH))]
    return record_from_mapping(value, origin)


def _deeper_than(value: object, limit: int) -> bool:
    """Whether a parsed JSON value nests deeper than `limit` (without recursion)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children: Iterable[object] = ()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


# -- JSON ----------------------------------------------------------------------------------

_WRAPPERS = ("items", "articles", "data", "entries")
# yajl gathers a string that spans reads by copying what it has at each read: the time is
# quadratic in the string's length over the read size (a 54 MB body: 69 s with ijson's
# 64 KB reads, 0.7 s with 8 MB ones).
_JSON_BUFFER = 8 * 1024 * 1024
_OPEN = ("start_map", "start_array")
_CLOSE = ("end_map", "end_array")


class _TooDeep:
    """A JSON value nested deeper than the limit: consumed, not built."""


class _TooLarge:
    """A JSON value whose text is larger than the limit: consumed, not built."""


_Built = object


class _Utf8Reader:
    """A text stream read as UTF-8 bytes, for ijson (which parses bytes)."""

    def __init__(self, text: IO[str]) -> None:
        self.text = text

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson's probe of the type read returns
            return b""
        return self.text.read(size if size < 0 else max(1, size // 4)).encode("utf-8")


class _JsonReader:
    """One JSON file, parsed incrementally: an article, a list of them, or {"items": [...]}."""

    def __init__(self, stream: BinaryIO, name: str, encoding: FileEncoding) -> None:
        self.stream = stream
        self.name = name
        self.encoding = encoding
        self.number = 0  # items read so far

    @property
    def origin(self) -> str:
        return f"{self.name}: item {self.number}" if self.number else self.name

    def read(self) -> Iterator[Item]:
        text = None
        source: object = self.stream
        if self.encoding.codec != "utf-8" or self.encoding.damaged:
            text = _text_stream(self.stream, self.encoding)
            source = _Utf8Reader(text)
        events: Iterator[tuple[str, object]] = ijson.basic_parse(
            source, use_float=True, buf_size=_JSON_BUFFER
        )
        try:
            kind, value = next(events)
            if kind == "start_array":
                yield from self._items(events)
            elif kind == "start_map":
                yield from self._object(events)
            else:
                yield Problem(self.name, ProblemCode.NOT_ARTICLES)
            for _ in events:  # the parser checks that nothing follows
                pass
        except StopIteration:
            yield Problem(self.name, ProblemCode.NOT_ARTICLES)
        except (ijson.JSONError, ValueError) as exc:  # ValueError: ints over 4,300 digits
            detail = _shown(str(exc).strip().split("\n", 1)[0])
            yield Problem(self.origin, ProblemCode.MALFORMED_JSON, detail)
        finally:
            if text is not None:
                text.detach()

    def _items(self, events: Iterator[tuple[str, object]]) -> Iterator[Item]:
        """The elements of an array whose start_array was just read, one at a time."""
        for kind, value in events:
            if kind == "end_array":
                return
            self.number += 1
            yield from self._record(self._value(events, kind, value))

    def _object(self, events: Iterator[tuple[str, object]]) -> Iterator[Item]:
        """An object whose start_map was just read: an article, or a wrapper of a list."""
        found: dict[str, object] = {}
        wrapped = False
        for kind, key in events:
            if kind == "end_map":
                break
            kind, value = next(events)
            if not wrapped and key in _WRAPPERS and kind == "start_array":
                wrapped = True
                yield from self._items(events)
            else:
                built = self._value(events, kind, value)
                if not wrapped:
                    found[str(key)] = built
        if not wrapped:
            yield from self._record(found)

    def _record(self, value: object) -> list[Item]:
        values = value.values() if isinstance(value, dict) else (value,)
        if any(isinstance(v, _TooDeep) for v in values):
            return [Problem(self.origin, ProblemCode.TOO_DEEP, str(MAX_JSON_DEPTH))]
        if any(isinstance(v, _TooLarge) for v in values):
            return [Problem(self.origin, ProblemCode.TOO_LARGE, str(MAX_RECORD_BYTES // _MEGABYTE))]
        return record_from_mapping(value, self.origin)

    @staticmethod
    def _value(events: Iterator[tuple[str, object]], kind: str, value: object) -> object:
        """The JSON value that starts with this event, built from the events that follow; a
        value nested deeper than the limit, or larger, is read past and not built."""
        if kind not in _OPEN:
            return value
        root: dict[str, object] | list[object] = {} if kind == "start_map" else []
        stack: list[dict[str, object] | list[object]] = [root]
        keys: list[str] = [""]
        refused: _TooDeep | _TooLarge | None = None
        size = 0
        for kind, value in events:
            if kind in _CLOSE:
                stack.pop()
                keys.pop()
                if not stack:
                    return refused or root
                continue
            if kind == "map_key":
                keys[-1] = str(value)
                continue
            child: object = value
            if kind in _OPEN:
                child = {} if kind == "start_map" else []
                if len(stack) >= MAX_JSON_DEPTH:
                    refused = refused or _TooDeep()
            elif isinstance(value, str):
                size += len(value)
                if size > MAX_RECORD_BYTES:
                    refused = refused or _TooLarge()
            if refused is None:
                parent = stack[-1]
                if isinstance(parent, dict):
                    parent[keys[-1]] = child
                else:
                    parent.append(child)
            if kind in _OPEN:  # the stack counts depth even once refused
                stack.append(child if refused is None else [])  # type: ignore[arg-type]
                keys.append("")
        return refused or root


def _shown(value: str) -> str:
    """An offending value as quoted in a problem: its start."""
    return value if len(value) <= _SHOWN else value[: _SHOWN - 1] + "…"


_FIELDS = {
    "title": ("title", "headline", "name"),
    "url": ("url", "link", "href"),
    "summary": ("summary", "description", "sapo", "abstract", "lead"),
    "body": ("body", "content", "text", "content_text"),
    "date": ("published_at", "published", "date", "pubDate", "pub_date", "datetime", "time"),
    "category": ("category", "section", "chuyen_muc"),
    "author": ("author", "creator", "by"),
    "source": ("source", "site"),
}
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")


def _field(mapping: dict[str, object], name: str) -> object:
    for key in _FIELDS[name]:
        value = mapping.get(key)
        if value not in (None, ""):
            return value
    return None


def record_from_mapping(value: object, origin: str) -> list[Item]:
    """Validate one JSON article object: the record and its notes, or why it is skipped."""
    try:
        return _from_mapping(value, origin)
    except (ValueError, TypeError, ArithmeticError, LookupError, RecursionError) as exc:
        # Validation must not stop a file; this is a bug's safety net, said plainly.
        detail = _shown(f"{type(exc).__name__}: {exc}")
        return [Problem(origin, ProblemCode.INVALID_RECORD, detail)]


def _from_mapping(value: object, origin: str) -> list[Item]:
    if not isinstance(value, dict):
        return [Problem(origin, ProblemCode.NOT_AN_OBJECT, type(value).__name__)]
    fields: dict[str, str | None] = {}
    raw_date = _field(value, "date")
    for name in _FIELDS:
        raw = _field(value, name)
        if isinstance(raw, list) and name in ("body", "category", "author"):
            raw = ("\n" if name == "body" else ", ").join(str(x) for x in raw if x)
        if raw is not None and (isinstance(raw, bool) or not isinstance(raw, (str, int, float))):
            return [Problem(origin, ProblemCode.WRONG_FIELD_TYPE, name)]
        fields[name] = None if raw is None else str(raw)
    raw_title = fields["title"] or ""
    if len(raw_title) > 4 * MAX_TITLE_CHARS:
        return [Problem(origin, ProblemCode.TITLE_TOO_LONG, str(MAX_TITLE_CHARS))]
    title = _clean(raw_title)
    if not title.replace("\x00", ""):
        return [Problem(origin, ProblemCode.MISSING_TITLE)]
    if len(title) > MAX_TITLE_CHARS:
        return [Problem(origin, ProblemCode.TITLE_TOO_LONG, str(MAX_TITLE_CHARS))]
    url = (fields["url"] or "").strip() or None
    if url is not None and not _valid_url(url):
        return [Problem(origin, ProblemCode.INVALID_URL, _shown(url))]
    dated = _record_date(raw_date, fields["date"], origin)
    if isinstance(dated, Problem):
        return [dated]
    published, notes = dated
    # Markup costs more than its text: a body is cut before cleaning, and again after.
    body, summary = (_precut(fields[name] or "") for name in ("body", "summary"))
    record = ArticleRecord(
        title=title,
        url=url,
        summary=_clean(summary),
        body=_clean(body),
        category=_clean(fields["category"] or "") or None,
        author=_clean(fields["author"] or "") or None,
        published_at=published,
        source=_clean(fields["source"] or "") or None,
        origin=origin,
    )
    return [*_bounded(record), *notes]


def _record_date(
    raw: object, written: str | None, origin: str
) -> Problem | tuple[datetime | None, list[Item]]:
    """The publication date of a record and its notes, or the problem that refuses it."""
    if not written:
        return None, []
    if isinstance(raw, (int, float)):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return Problem(origin, ProblemCode.BAD_DATE, written)
        published = from_timestamp(raw)
        if published is None:  # a number of seconds beyond any calendar
            return None, [Problem(origin, ProblemCode.DATE_OUT_OF_RANGE, written, False)]
        return published, []
    published = parse_date(written) if len(written) <= _MAX_DATE_CHARS else None
    if published is None:
        return Problem(origin, ProblemCode.BAD_DATE, _shown(written))
    return published, []


def _precut(text: str) -> str:
    return text if len(text) <= 2 * MAX_BODY_CHARS else text[: 2 * MAX_BODY_CHARS]


def _valid_url(url: str) -> bool:
    if len(url) > MAX_URL_CHARS or any(c.isspace() or ord(c) < 32 or c == "\x7f" for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1" and other malformed hosts
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _clean(text: str) -> str:
    """Normalise, turn markup into plain paragraphs, trim every line."""
    if _TAG.search(text):
        text = _html_to_text(text)
    text = normalize(text)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _html_to_text(markup: str) -> str:
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except Exception:  # lxml raises several types on hopeless markup; fall back to stripping
        return _TAG.sub(" ", markup)
    for element in root.iter("br", "p", "div", "li", "h1", "h2", "h3", "h4", "tr"):
        element.tail = "\n" + (element.tail or "")
    return str(root.text_content())


# -- plain-text article dumps ------------------------------------------------------------------

_CHROME = (
    "danh sách bài viết",
    "tin liên quan",
    "các tin khác",
    "tin khác",
    "tin cùng chuyên mục",
    "bài viết liên quan",
    "xem thêm",
    "chia sẻ bài viết",
    "in bài viết",
    "gửi bài viết",
    "bình luận",
)
_SENTENCE_END = '.!?…:;"”’)]'


def parse_text_article(text: str, origin: str, source: str | None = None) -> Item:
    """Parse a saved article page: [category], title, date line, body, [author], site chrome."""
    paragraphs = []
    for line in normalize(text).split("\n"):
        line = " ".join(line.split())
        if not line:
            continue
        if line.lower().startswith(_CHROME):
            break
        paragraphs.append(line)
    if not paragraphs:
        return Problem(origin, ProblemCode.NO_TEXT)
    date_index = next(
        (i for i, line in enumerate(paragraphs[:4]) if DATE_LINE.match(line) and i > 0), None
    )
    published = parse_date(paragraphs[date_index]) if date_index is not None else None
    if date_index is None:
        header, body = paragraphs[:1], paragraphs[1:]
    else:
        header, body = paragraphs[:date_index], paragraphs[date_index + 1 :]
    category = header[0] if len(header) >= 2 else None
    title = " ".join(header[1:] if len(header) >= 2 else header)
    author = None
    if body and _looks_like_byline(body[-1]):
        author = body.pop()
    body = [p for i, p in enumerate(body) if i == 0 or not _looks_like_caption(p)]
    if not body:
        return Problem(origin, ProblemCode.NO_BODY)
    return ArticleRecord(
        title=title,
        body="\n".join(body),
        category=category,
        author=author,
        published_at=published,
        source=source,
        origin=origin,
    )


def _looks_like_byline(line: str) -> bool:
    words = line.replace("(", " ").replace(")", " ").split()
    return (
        len(line) <= 60
        and 1 <= len(words) <= 7
        and line[-1] not in ".!?:;,"
        and sum(w[:1].isupper() for w in words) >= max(1, len(words) - 2)
    )


def _looks_like_caption(line: str) -> bool:
    """Photo captions and stray labels: short lines that do not end a sentence."""
    return len(line) < 200 and line[-1] not in _SENTENCE_END
