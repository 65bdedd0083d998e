"""What an importer or the crawler hands to the store: article records, and problems with codes.

A problem carries a code and the offending value, never a sentence: the command line prints
`Problem.message` (English), the bot words each code in Vietnamese (`bot/texts.py`). The bounds
on one record, and `bound_record` that applies them, are here too: importers and the store use
the same ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from ..text.dates import plausible_date

__all__ = [
    "ArticleRecord",
    "AttachmentLink",
    "Problem",
    "ProblemCode",
    "Item",
    "MAX_BODY_CHARS",
    "MAX_JSON_DEPTH",
    "MAX_LABEL_CHARS",
    "MAX_RECORD_BYTES",
    "MAX_TEXT_FILE_BYTES",
    "MAX_TITLE_CHARS",
    "MAX_URL_CHARS",
    "bound_record",
    "cut_text",
]

# Bounds on what one record may cost. A body is cut (with a note) before it is analysed: its
# analysis takes about 9 s per million characters.
MAX_BODY_CHARS = 2_000_000  # body and summary, each
# A title is an article's identity (it is never cut when stored; renderers shorten it), so an
# absurd one refuses the record instead.
MAX_TITLE_CHARS = 10_000
MAX_RECORD_BYTES = 64 * 1024 * 1024  # one JSON record or line: a 50 MB body fits, to be cut
MAX_URL_CHARS = 2000  # the url column's size: PostgreSQL refuses more, SQLite would not
MAX_LABEL_CHARS = 200  # category, author, source: short labels (their columns hold 200-300)
MAX_JSON_DEPTH = 32  # articles are flat: a title, a list of paragraphs at most
MAX_TEXT_FILE_BYTES = 8 * 1024 * 1024  # a .txt article dump: more than any body kept


@dataclass(frozen=True)
class AttachmentLink:
    """A file an article page links to (PDF, DOC(X), XLS(X)): its name, url, size as shown."""

    name: str
    url: str
    size: str | None = None


@dataclass(frozen=True)
class ArticleRecord:
    """An article as read from a file or a page, before it is stored."""

    title: str
    url: str | None = None
    summary: str = ""
    body: str = ""
    category: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    source: str | None = None
    origin: str = ""
    attachments: tuple[AttachmentLink, ...] | None = None  # None: unknown (an imported file)


class ProblemCode(StrEnum):
    """Why an input file or record was skipped, or what a note about it says."""

    NO_SUCH_PATH = "no_such_path"
    NOT_A_FILE = "not_a_file"
    UNSUPPORTED_TYPE = "unsupported_type"
    IGNORED_FILE = "ignored_file"  # a note: a file of another type inside a folder
    CANNOT_READ = "cannot_read"  # detail: the system's reason
    EMPTY_FILE = "empty_file"
    BINARY_FILE = "binary_file"
    UNKNOWN_ENCODING = "unknown_encoding"
    LEGACY_ENCODING = "legacy_encoding"  # a note; detail: the encoding used
    NOT_UTF8 = "not_utf8"  # detail: the position of the first bad byte (1-based)
    MALFORMED_JSON = "malformed_json"  # detail: the parser's message and column
    NOT_AN_OBJECT = "not_an_object"  # detail: the JSON type found
    NOT_ARTICLES = "not_articles"  # a JSON file that is neither an article nor a list of them
    WRONG_FIELD_TYPE = "wrong_field_type"  # detail: "field:type"
    MISSING_TITLE = "missing_title"
    INVALID_URL = "invalid_url"  # detail: the url
    BAD_DATE = "bad_date"  # detail: the date as written
    NO_TEXT = "no_text"
    NO_BODY = "no_body"
    CANNOT_STORE = "cannot_store"  # detail: the database's reason
    INVALID_RECORD = "invalid_record"  # detail: what went wrong reading it
    TOO_LARGE = "too_large"  # one JSON record (a line) over the limit; detail: the limit in MB
    TOO_DEEP = "too_deep"  # JSON nested deeper than the limit; detail: the limit
    TITLE_TOO_LONG = "title_too_long"  # detail: the limit in characters
    DATE_OUT_OF_RANGE = "date_out_of_range"  # a note: the date is dropped; detail: as written
    NUL_REMOVED = "nul_removed"  # a note; detail: the fields
    BODY_CUT = "body_cut"  # a note; detail: the characters kept
    FILE_CUT = "file_cut"  # a note: only the start of a huge .txt is read; detail: the MB read
    BYTES_REPLACED = "bytes_replaced"  # a note: invalid UTF-8 bytes replaced; detail: how many


_MESSAGES = {
    ProblemCode.NO_SUCH_PATH: "no such file or folder",
    ProblemCode.NOT_A_FILE: "not a regular file",
    ProblemCode.UNSUPPORTED_TYPE: "unsupported file type (use .txt, .json or .jsonl)",
    ProblemCode.IGNORED_FILE: "ignored: not a .txt, .json or .jsonl file",
    ProblemCode.CANNOT_READ: "cannot read: {detail}",
    ProblemCode.EMPTY_FILE: "empty file",
    ProblemCode.BINARY_FILE: "binary file, not text",
    ProblemCode.UNKNOWN_ENCODING: "not UTF-8 and no other text encoding fits",
    ProblemCode.LEGACY_ENCODING: "not UTF-8; read as {detail}",
    ProblemCode.NOT_UTF8: "not valid UTF-8 (byte {detail})",
    ProblemCode.MALFORMED_JSON: "malformed JSON: {detail}",
    ProblemCode.NOT_AN_OBJECT: "expected a JSON object, got {detail}",
    ProblemCode.NOT_ARTICLES: "JSON must be an article object or a list of them",
    ProblemCode.WRONG_FIELD_TYPE: "field {detail} has the wrong type (text expected)",
    ProblemCode.MISSING_TITLE: "missing title",
    ProblemCode.INVALID_URL: "invalid url {detail!r} (expected http:// or https://)",
    ProblemCode.BAD_DATE: "date {detail!r} not understood",
    ProblemCode.NO_TEXT: "no text",
    ProblemCode.NO_BODY: "no body text after the title",
    ProblemCode.CANNOT_STORE: "cannot store: {detail}",
    ProblemCode.INVALID_RECORD: "cannot read this record: {detail}",
    ProblemCode.TOO_LARGE: "record larger than {detail} MB",
    ProblemCode.TOO_DEEP: "JSON nested deeper than {detail} levels",
    ProblemCode.TITLE_TOO_LONG: "title longer than {detail} characters",
    ProblemCode.DATE_OUT_OF_RANGE: (
        "date {detail!r} is before 1900 or in the future: stored without a date"
    ),
    ProblemCode.NUL_REMOVED: "NUL characters removed from {detail}",
    ProblemCode.BODY_CUT: "text cut at {detail} characters",
    ProblemCode.FILE_CUT: "only the first {detail} MB of the file were read",
    ProblemCode.BYTES_REPLACED: "{detail} bytes that are not UTF-8 were replaced",
}


@dataclass(frozen=True)
class Problem:
    """Something wrong with an input: `skipped` records are lost, notes (skipped=False) are not."""

    origin: str  # "file", "file:line" or "file: item N"
    code: ProblemCode
    detail: str = ""
    skipped: bool = True

    @property
    def message(self) -> str:
        """The reason in English, for the command line and the logs."""
        return _MESSAGES[self.code].format(detail=self.detail)

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


Item = ArticleRecord | Problem


def bound_record(
    record: ArticleRecord, today: datetime | None = None
) -> tuple[ArticleRecord, list[Problem]]:
    """The record within what the store keeps, and a note for each change: NUL characters
    removed (PostgreSQL refuses them, SQLite keeps them: both get the same text), body and
    summary cut at `MAX_BODY_CHARS`, labels at `MAX_LABEL_CHARS`, an implausible date dropped
    (the article is then dated when it is stored, and marked as estimated)."""
    notes: list[Problem] = []
    texts = {
        "title": record.title,
        "summary": record.summary,
        "body": record.body,
        "category": record.category,
        "author": record.author,
        "source": record.source,
    }
    nul = [name for name, text in texts.items() if text and "\x00" in text]
    if nul:
        notes.append(Problem(record.origin, ProblemCode.NUL_REMOVED, ", ".join(nul), False))
    clean = {name: _storable(text) if text else text for name, text in texts.items()}
    for name in ("summary", "body"):
        text = clean[name] or ""
        if len(text) > MAX_BODY_CHARS:
            clean[name] = cut_text(text, MAX_BODY_CHARS)
            notes.append(Problem(record.origin, ProblemCode.BODY_CUT, str(MAX_BODY_CHARS), False))
    for name in ("category", "author", "source"):
        label = clean[name]
        if label and len(label) > MAX_LABEL_CHARS:
            clean[name] = cut_text(label, MAX_LABEL_CHARS).rstrip()
    published = record.published_at
    if published is not None and not plausible_date(published, today):
        written = f"{published.year:04d}-{published.month:02d}-{published.day:02d}"
        notes.append(Problem(record.origin, ProblemCode.DATE_OUT_OF_RANGE, written, False))
        published = None
    bounded = replace(
        record,
        title=clean["title"] or "",
        summary=clean["summary"] or "",
        body=clean["body"] or "",
        category=clean["category"] or None,
        author=clean["author"] or None,
        source=clean["source"] or None,
        published_at=published,
    )
    return bounded, notes


_SURROGATE = re.compile("[\ud800-\udfff]")


def _storable(text: str) -> str:
    """Text both databases store alike: no NUL, and no lone surrogate (a JSON escape such as
    "\\ud800" makes one; no database can encode it) but U+FFFD in its place."""
    text = text.replace("\x00", "")
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def cut_text(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a paragraph or a space near the end when there is one."""
    if len(text) <= limit:
        return text
    floor = limit - limit // 10
    for separator in ("\n", " "):
        end = text.rfind(separator, floor, limit)
        if end > 0:
            return text[:end].rstrip()
    return text[:limit]
