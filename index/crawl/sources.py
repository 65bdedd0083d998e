"""The sources file (`data/sources.toml`): which portals to crawl, how, and how politely.

The file's shape is declared once, as pydantic dataclasses that forbid unknown keys; `load_sources`
turns pydantic's first complaint into one line naming the source and the key (with a "did you
mean" for a misspelt key), so whoever edits the file can fix it without reading this module.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import fields, replace
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
)
from pydantic.dataclasses import dataclass
from pydantic_core import ErrorDetails

from ..errors import TinSoError
from .errors import UnknownSource
from .selectors import PROFILES, Selectors

__all__ = [
    "SourcesError",
    "FetchPolicy",
    "ListPage",
    "SourceConfig",
    "SourcesFile",
    "load_sources",
    "parse_sources",
    "adhoc_source",
    "parse_interval",
]

DEFAULT_USER_AGENT = (
    "tin-so-bot/0.1 (news bot of a provincial department; obeys robots.txt as tin-so-bot)"
)


class SourcesError(TinSoError):
    """The sources file is missing, not TOML, or holds a wrong key or value (one-line message)."""


# -- value checks ------------------------------------------------------------------------------

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_interval(text: str) -> timedelta:
    """'90m', '6h', '1d' as a timedelta; raises ValueError."""
    match = _INTERVAL.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a duration such as '30m', '6h' or '1d'")
    value = timedelta(**{_UNITS[match[2]]: float(match[1])})
    if value < timedelta(minutes=1):
        raise ValueError(f"{text!r} is shorter than one minute")
    return value


def _interval(value: object) -> object:
    return parse_interval(value) if isinstance(value, str) else value


def _http_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        raise ValueError(f"{url!r} is not an http:// or https:// url")
    return url


def _css(selector: str) -> str:
    from lxml.cssselect import CSSSelector  # checked when a sources file is read, not on import

    selector = selector.strip()
    try:
        CSSSelector(selector)
    except Exception as exc:  # cssselect raises several parse error types
        raise ValueError(f"not a CSS selector: {selector!r} ({exc})") from None
    return selector


def _ascii_text(text: str) -> str:
    if not text.isascii() or not text.strip():
        raise ValueError("must be non-empty ASCII text")
    return text


def _page_url(url: str) -> str:
    if url and "{page}" not in url:
        raise ValueError("put {page} where the page number goes")
    return url


def _profile(name: str) -> str:
    name = name.strip()
    if name and name not in PROFILES:
        raise ValueError(f"unknown profile {name!r} (known: {', '.join(sorted(PROFILES))})")
    return name


Url = Annotated[str, Strict(), AfterValidator(_http_url)]
Text = Annotated[str, Strict(), AfterValidator(str.strip)]
Whole = Annotated[int, Strict(), Field(ge=1)]
Seconds = Annotated[float, Field(ge=0)]
Css = Annotated[str, Strict(), AfterValidator(_css)]
_FILE = ConfigDict(extra="forbid", frozen=True)


# -- the file's shape --------------------------------------------------------------------------


@dataclass(config=_FILE)
class FetchPolicy:
    """How politely and how patiently pages are fetched (the `[crawler]` table)."""

    user_agent: Annotated[str, Strict(), AfterValidator(_ascii_text)] = DEFAULT_USER_AGENT
    timeout: Seconds = 20.0  # seconds to connect, and between two bytes received
    total_timeout: Seconds = 60.0  # seconds for one whole response, however slowly it arrives
    retries: Annotated[int, Strict(), Field(ge=0)] = 2  # extra attempts after 5xx / connection
    backoff: Seconds = 1.0  # seconds before the first retry, doubled for each next one
    delay: Seconds = 1.0  # seconds between the starts of two requests to one host
    concurrency: Whole = 2  # requests at a time to one host
    max_bytes: Annotated[int, Strict(), Field(ge=0)] = 5_000_000  # a larger response is aborted
    max_redirects: Annotated[int, Strict(), Field(ge=0)] = 5
    respect_robots: Annotated[bool, Strict()] = True


@dataclass(config=_FILE)
class ListPage:
    """A category page that lists articles, with how to reach its next pages."""

    url: Url
    # The url of page N, with "{page}" where the number goes (page 2, 3, ...).
    page_url: Annotated[str, Strict(), AfterValidator(_page_url)] = ""
    category: Text | None = None

    def __post_init__(self) -> None:
        if self.page_url:
            _http_url(self.page_url)


def _list_page(value: object) -> object:
    return {"url": value} if isinstance(value, str) else value


def _selectors(value: object) -> object:
    """The `[source.selectors]` table as `Selectors`: known keys, each a CSS selector."""
    if not isinstance(value, dict):
        return value
    known = sorted(f.name for f in fields(Selectors))
    checked = {}
    for key, selector in value.items():
        if key not in known:
            raise ValueError(_unknown_key(key, known))
        if not isinstance(selector, str):
            raise ValueError(f"key '{key}' must be text, not {selector!r}")
        try:
            checked[key] = _css(selector)
        except ValueError as exc:
            raise ValueError(f"key '{key}': {exc}") from None
    return Selectors(**checked)


@dataclass(config=ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True))
class SourceConfig:
    """One portal to crawl."""

    name: Annotated[str, Strict(), AfterValidator(str.strip), Field(min_length=1)]
    base_url: Url
    title: Text = ""
    enabled: Annotated[bool, Strict()] = True
    interval: Annotated[timedelta, BeforeValidator(_interval)] = timedelta(hours=6)
    feeds: tuple[Url, ...] = ()
    sitemaps: tuple[Url, ...] = ()
    lists: tuple[Annotated[ListPage, BeforeValidator(_list_page)], ...] = ()
    profile: Annotated[str, Strict(), AfterValidator(_profile)] = ""  # e.g. "liferay"
    selectors: Annotated[Selectors, BeforeValidator(_selectors)] = Selectors()
    max_pages: Whole = 5  # list pages per list, or sitemap files, per run
    max_articles: Whole = 200  # article pages fetched per run
    retry_limit: Whole = 5  # runs in which a failed article page is tried again
    category: Text | None = None
    adhoc: bool = False  # made up for one url given on the command line (not a file key)

    @property
    def host(self) -> str:
        """The portal's host name, without a leading www."""
        return (urlsplit(self.base_url).hostname or "").removeprefix("www.")

    @property
    def discovery_given(self) -> bool:
        """True when the source says where its articles are listed."""
        return bool(self.feeds or self.sitemaps or self.lists)


@dataclass(frozen=True)
class SourcesFile:
    """Everything in the sources file."""

    policy: FetchPolicy = FetchPolicy()
    sources: tuple[SourceConfig, ...] = ()

    def get(self, name: str) -> SourceConfig | None:
        """The source of that name (case-insensitive), or None."""
        wanted = name.casefold()
        return next((s for s in self.sources if s.name.casefold() == wanted), None)

    def for_url(self, url: str) -> SourceConfig | None:
        """The configured source whose host serves this url, or None."""
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        return next((s for s in self.sources if s.host == host), None)

    def select(self, argument: str | None) -> list[SourceConfig | str]:
        """What a crawl command names: nothing, every enabled source (maybe none); an http(s)
        url, that url; else the source of that name, even a disabled one. Raises UnknownSource."""
        argument = (argument or "").strip()
        if not argument:
            return [s for s in self.sources if s.enabled]
        if argument.lower().startswith(("http://", "https://")):
            return [argument]
        source = self.get(argument)
        if source is None:
            known = ", ".join(s.name for s in self.sources) or "none"
            raise UnknownSource(f"no source named {argument!r} (known: {known}; or give a url)")
        return [source]


# -- reading -----------------------------------------------------------------------------------


def load_sources(path: Path) -> SourcesFile:
    """Read and check the sources file; a missing file means no sources and default politeness."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return SourcesFile()
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{path}: cannot read: {exc}") from exc
    return parse_sources(text, str(path))


def parse_sources(text: str, name: str = "sources.toml") -> SourcesFile:
    """Check the TOML text of a sources file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{name}: not valid TOML: {exc}") from exc
    unknown = set(data) - {"crawler", "source"}
    if unknown:
        raise SourcesError(f"{name}: {_unknown_key(sorted(unknown)[0], ['crawler', 'source'])}")
    crawler = data.get("crawler", {})
    if not isinstance(crawler, dict):
        raise SourcesError(f"{name}: [crawler] must be a table")
    policy = _build(FetchPolicy, crawler, f"{name}: [crawler] ")
    raw_sources = data.get("source", [])
    if not isinstance(raw_sources, list):
        raise SourcesError(f"{name}: 'source' must be a list of [[source]] tables")
    sources: list[SourceConfig] = []
    for number, raw in enumerate(raw_sources, start=1):
        if not isinstance(raw, dict):
            raise SourcesError(f"{name}: source #{number} must be a table")
        label = raw.get("name")
        where = f"source '{label.strip()}'" if isinstance(label, str) and label.strip() else None
        if where is None:
            where = f"source #{number}"
        if "adhoc" in raw:
            raise SourcesError(f"{name}: {where}: {_unknown_key('adhoc', _SOURCE_KEYS)}")
        source = _build(SourceConfig, raw, f"{name}: {where}: ")
        if any(s.name.casefold() == source.name.casefold() for s in sources):
            raise SourcesError(f"{name}: source '{source.name}': the name is used twice")
        sources.append(source)
    return SourcesFile(policy, tuple(sources))


def adhoc_source(url: str, like: SourceConfig | None = None) -> SourceConfig:
    """A source for one url given on the command line; a configured source of the same host lends
    its name, selectors and limits."""
    if like is not None:
        return replace(like, feeds=(), sitemaps=(), lists=(), base_url=url, adhoc=True)
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return SourceConfig(name=host or url, base_url=url, adhoc=True)


_SOURCE_KEYS = [f.name for f in fields(SourceConfig) if f.name != "adhoc"]


def _build(kind: Any, raw: dict[str, Any], prefix: str) -> Any:
    """`kind(**raw)`, or SourcesError with pydantic's first complaint as one line."""
    try:
        return kind(**raw)
    except ValidationError as exc:
        raise SourcesError(prefix + _explain(exc.errors()[0], kind)) from None


_KINDS = {
    "int": "a whole number",
    "bool": "true or false",
    "float": "a number",
    "string": "text",
    "tuple": "a list",
    "list": "a list",
    "dict": "a table",
    "dataclass": "a table",
}


def _explain(error: ErrorDetails, kind: Any) -> str:
    """One line for one pydantic error: where (key 'lists[0]': key 'url') and what is wrong."""
    path = [str(p) for p in error["loc"] if not str(p).startswith("function-")]
    names: list[str] = []
    for part in path:
        if part.isdigit() and names:
            names[-1] += f"[{part}]"
        else:
            names.append(part)
    kind_of_error = error["type"]
    if kind_of_error == "unexpected_keyword_argument" or kind_of_error == "extra_forbidden":
        allowed = _allowed_keys(kind, path[:-1])
        prefix = "".join(f"key '{n}': " for n in names[:-1])
        return prefix + _unknown_key(names[-1], allowed)
    where = ": ".join(f"key '{n}'" for n in names)
    if kind_of_error == "missing" or kind_of_error == "missing_argument":
        return f"{where} is missing"
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    base = kind_of_error.split("_", 1)[0]
    if kind_of_error.endswith(("_type", "_parsing")) and base in _KINDS:
        return f"{where} must be {_KINDS[base]}, not {error.get('input')!r}"
    if kind_of_error == "greater_than_equal":
        limit = error.get("ctx", {}).get("ge")
        return (
            f"{where} must not be negative" if limit == 0 else f"{where} must be at least {limit}"
        )
    if kind_of_error == "string_too_short":
        return f"{where} must not be empty"
    if kind_of_error == "value_error" and not message.startswith("must "):
        return f"{where}: {message}"
    return f"{where} {message}"


def _allowed_keys(kind: Any, path: list[str]) -> list[str]:
    if kind is FetchPolicy:
        return [f.name for f in fields(FetchPolicy)]
    if path and path[0] == "lists":
        return ["url", "page_url", "category"]
    return _SOURCE_KEYS


def _unknown_key(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, sorted(allowed), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(sorted(allowed))})"
    return f"unknown key '{key}'{hint}"
