"""Reading article files: plain-text dumps, JSON and JSON Lines records, folders of them.

Readers yield `ArticleRecord`s and `Problem`s; a bad record never stops the rest of a file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from ..text.charset import decode_text, is_utf8
from ..text.dates import DATE_LINE, VIETNAM, parse_date
from ..text.normalize import normalize
from .records import ArticleRecord, Item, Problem, ProblemCode

__all__ = [
    "SUPPORTED_SUFFIXES",
    "read_paths",
    "read_file",
    "parse_text_article",
    "record_from_mapping",
]

SUPPORTED_SUFFIXES = (".txt", ".json", ".jsonl", ".ndjson")


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
    """Read one file according to its suffix."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        yield Problem(str(path), ProblemCode.UNSUPPORTED_TYPE)
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Problem(str(path), ProblemCode.CANNOT_READ, str(exc.strerror or exc))
        return
    yield from read_bytes(data, str(path), suffix)


def read_bytes(data: bytes, name: str, suffix: str) -> Iterator[Item]:
    """Read the content of a file whose name and suffix are given (the bot's uploads use this)."""
    if not data.strip():
        yield Problem(name, ProblemCode.EMPTY_FILE)
        return
    if _looks_binary(data):
        yield Problem(name, ProblemCode.BINARY_FILE)
        return
    if suffix in (".jsonl", ".ndjson"):
        yield from _read_json_lines(data, name)
        return
    text, legacy = decode_text(data)
    if text is None:
        yield Problem(name, ProblemCode.UNKNOWN_ENCODING)
        return
    if legacy:
        yield Problem(name, ProblemCode.LEGACY_ENCODING, legacy, skipped=False)
    if suffix == ".json":
        yield from _read_json(text, name)
    else:
        yield parse_text_article(text, name, source=Path(name).parent.name or None)


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text has NUL bytes but a byte-order mark
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return b"\x00" in head or controls > len(head) // 20


def _read_json_lines(data: bytes, name: str) -> Iterator[Item]:
    lines = data.split(b"\n")
    if not is_utf8(data) and not any(is_utf8(line) for line in lines if line.strip()):
        text, legacy = decode_text(data)
        if text is None:
            yield Problem(name, ProblemCode.UNKNOWN_ENCODING)
            return
        yield Problem(name, ProblemCode.LEGACY_ENCODING, legacy or "", skipped=False)
        lines = [line.encode("utf-8") for line in text.split("\n")]
    for number, raw in enumerate(lines, start=1):
        origin = f"{name}:{number}"
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Problem(origin, ProblemCode.NOT_UTF8, str(exc.start + 1))
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Problem(origin, ProblemCode.MALFORMED_JSON, f"{exc.msg} at column {exc.colno}")
            continue
        yield record_from_mapping(value, origin)


def _read_json(text: str, name: str) -> Iterator[Item]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Problem(
            f"{name}:{exc.lineno}", ProblemCode.MALFORMED_JSON, f"{exc.msg} at column {exc.colno}"
        )
        return
    if isinstance(value, dict):
        for key in ("items", "articles", "data", "entries"):
            if isinstance(value.get(key), list):
                value = value[key]
                break
    if isinstance(value, dict):
        yield record_from_mapping(value, name)
    elif isinstance(value, list):
        for number, item in enumerate(value, start=1):
            yield record_from_mapping(item, f"{name}: item {number}")
    else:
        yield Problem(name, ProblemCode.NOT_ARTICLES)


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


def record_from_mapping(value: object, origin: str) -> Item:
    """Validate one JSON article object."""
    if not isinstance(value, dict):
        return Problem(origin, ProblemCode.NOT_AN_OBJECT, type(value).__name__)
    fields: dict[str, str | None] = {}
    raw_date = _field(value, "date")
    for name in _FIELDS:
        raw = _field(value, name)
        if isinstance(raw, list) and name in ("body", "category", "author"):
            raw = ("\n" if name == "body" else ", ").join(str(x) for x in raw if x)
        if raw is not None and (isinstance(raw, bool) or not isinstance(raw, (str, int, float))):
            return Problem(origin, ProblemCode.WRONG_FIELD_TYPE, name)
        fields[name] = None if raw is None else str(raw)
    title = _clean(fields["title"] or "")
    if not title:
        return Problem(origin, ProblemCode.MISSING_TITLE)
    url = (fields["url"] or "").strip() or None
    if url is not None and not _valid_url(url):
        return Problem(origin, ProblemCode.INVALID_URL, url)
    published = None
    if fields["date"]:
        if isinstance(raw_date, (int, float)):
            published = datetime.fromtimestamp(raw_date, tz=UTC).astimezone(VIETNAM)
        else:
            published = parse_date(fields["date"])
        if published is None:
            return Problem(origin, ProblemCode.BAD_DATE, fields["date"])
    return ArticleRecord(
        title=title,
        url=url,
        summary=_clean(fields["summary"] or ""),
        body=_clean(fields["body"] or ""),
        category=_clean(fields["category"] or "") or None,
        author=_clean(fields["author"] or "") or None,
        published_at=published,
        source=_clean(fields["source"] or "") or None,
        origin=origin,
    )


def _valid_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in url


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
