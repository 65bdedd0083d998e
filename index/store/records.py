"""What an importer or the crawler hands to the store: article records, and problems with codes.

A problem carries a code and the offending value, never a sentence: the command line prints
`Problem.message` (English), the bot words each code in Vietnamese (`bot/texts.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = ["ArticleRecord", "Problem", "ProblemCode", "Item"]


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
