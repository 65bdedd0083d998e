"""The sources file (`data/sources.toml`): which portals to crawl, how, and how politely.

`load_sources` reads and checks it; every mistake is reported as one line naming the source and
the key, so whoever edits the file can fix it without reading this module.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, fields, replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import IndexError_
from .errors import UnknownSource

__all__ = [
    "SourcesError",
    "FetchPolicy",
    "Selectors",
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


class SourcesError(IndexError_):
    """The sources file is missing, not TOML, or holds a wrong key or value (one-line message)."""


@dataclass(frozen=True)
class FetchPolicy:
    """How politely and how patiently pages are fetched (the `[crawler]` table)."""

    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 20.0  # seconds to connect, and between two bytes received
    total_timeout: float = 60.0  # seconds for one whole response, however slowly it arrives
    retries: int = 2  # extra attempts after a 5xx answer or a connection error
    backoff: float = 1.0  # seconds before the first retry, doubled for each next one
    delay: float = 1.0  # seconds between the starts of two requests to one host
    concurrency: int = 2  # requests at a time to one host
    max_bytes: int = 5_000_000  # a larger response is aborted
    max_redirects: int = 5
    respect_robots: bool = True


@dataclass(frozen=True)
class Selectors:
    """CSS selectors that override automatic extraction on one site; empty means automatic."""

    title: str = ""
    date: str = ""
    body: str = ""
    summary: str = ""
    author: str = ""
    category: str = ""
    list_item: str = ""  # one element per article on a list page
    list_link: str = ""  # inside an item: the link to the article (its text is the title)
    list_date: str = ""
    list_summary: str = ""
    next_page: str = ""  # on a list page: the link to the next page

    def merged_over(self, base: Selectors) -> Selectors:
        """These selectors, falling back to `base` for the ones left empty."""
        return Selectors(
            **{f.name: getattr(self, f.name) or getattr(base, f.name) for f in fields(self)}
        )


@dataclass(frozen=True)
class ListPage:
    """A category page that lists articles, with how to reach its next pages."""

    url: str
    page_url: str = ""  # the url of page N, with "{page}" where the number goes (page 2, 3, ...)
    category: str | None = None


@dataclass(frozen=True)
class SourceConfig:
    """One portal to crawl."""

    name: str
    base_url: str
    title: str = ""
    enabled: bool = True
    interval: timedelta = timedelta(hours=6)
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    lists: tuple[ListPage, ...] = ()
    profile: str = ""  # built-in selectors for a portal software, e.g. "liferay"
    selectors: Selectors = Selectors()
    max_pages: int = 5  # list pages per list, or sitemap files, per run
    max_articles: int = 200  # article pages fetched per run
    retry_limit: int = 5  # runs in which a failed article page is tried again
    category: str | None = None
    adhoc: bool = False  # made up for one url given on the command line

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
    _check_keys(data, {"crawler", "source"}, name, "")
    policy = _policy(data.get("crawler", {}), name)
    raw_sources = data.get("source", [])
    if not isinstance(raw_sources, list):
        raise SourcesError(f"{name}: 'source' must be a list of [[source]] tables")
    sources: list[SourceConfig] = []
    for number, raw in enumerate(raw_sources, start=1):
        source = _source(raw, name, number)
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


# -- checking ------------------------------------------------------------------------------

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


def _policy(raw: object, where: str) -> FetchPolicy:
    if not isinstance(raw, dict):
        raise SourcesError(f"{where}: [crawler] must be a table")
    allowed = {f.name for f in fields(FetchPolicy)}
    _check_keys(raw, allowed, where, "[crawler] ")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        default = getattr(FetchPolicy, key)
        values[key] = _typed(value, type(default), f"{where}: [crawler] key '{key}'")
        if isinstance(default, (int, float)) and not isinstance(default, bool) and values[key] < 0:
            raise SourcesError(f"{where}: [crawler] key '{key}' must not be negative")
    policy = FetchPolicy(**values)
    if not policy.user_agent.isascii() or not policy.user_agent.strip():
        raise SourcesError(f"{where}: [crawler] key 'user_agent' must be non-empty ASCII text")
    if policy.concurrency < 1:
        raise SourcesError(f"{where}: [crawler] key 'concurrency' must be at least 1")
    return policy


_SOURCE_KEYS = {
    "name", "title", "base_url", "enabled", "interval", "feeds", "sitemaps", "lists", "profile",
    "selectors", "max_pages", "max_articles", "retry_limit", "category",
}  # fmt: skip


def _source(raw: object, file: str, number: int) -> SourceConfig:
    if not isinstance(raw, dict):
        raise SourcesError(f"{file}: source #{number} must be a table")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SourcesError(
            f"{file}: source #{number}: key 'name' is missing (every source needs a name)"
        )
    where = f"{file}: source '{name}'"
    _check_keys(raw, _SOURCE_KEYS, where, "")
    if "base_url" not in raw:
        raise SourcesError(f"{where}: key 'base_url' is missing")
    values: dict[str, Any] = {"name": name.strip()}
    values["base_url"] = _url(raw["base_url"], f"{where}: key 'base_url'")
    for key in ("title", "profile", "category"):
        if key in raw:
            values[key] = _typed(raw[key], str, f"{where}: key '{key}'").strip()
    if "enabled" in raw:
        values["enabled"] = _typed(raw["enabled"], bool, f"{where}: key 'enabled'")
    for key in ("max_pages", "max_articles", "retry_limit"):
        if key in raw:
            number = _typed(raw[key], int, f"{where}: key '{key}'")
            if number < 1:
                raise SourcesError(f"{where}: key '{key}' must be at least 1")
            values[key] = number
    if "interval" in raw:
        try:
            values["interval"] = parse_interval(
                _typed(raw["interval"], str, f"{where}: key 'interval'")
            )
        except ValueError as exc:
            raise SourcesError(f"{where}: key 'interval': {exc}") from None
    for key in ("feeds", "sitemaps"):
        if key in raw:
            urls = _typed(raw[key], list, f"{where}: key '{key}'")
            values[key] = tuple(_url(u, f"{where}: key '{key}[{i}]'") for i, u in enumerate(urls))
    if "lists" in raw:
        lists = _typed(raw["lists"], list, f"{where}: key 'lists'")
        values["lists"] = tuple(
            _list_page(item, f"{where}: key 'lists[{i}]'") for i, item in enumerate(lists)
        )
    if "selectors" in raw:
        values["selectors"] = _selectors(raw["selectors"], f"{where}: [source.selectors]")
    source = SourceConfig(**values)
    if source.profile:
        from .extraction import PROFILES

        if source.profile not in PROFILES:
            known = ", ".join(sorted(PROFILES))
            raise SourcesError(
                f"{where}: key 'profile': unknown profile {source.profile!r} (known: {known})"
            )
    return source


def _list_page(raw: object, where: str) -> ListPage:
    if isinstance(raw, str):
        return ListPage(url=_url(raw, where))
    if not isinstance(raw, dict):
        raise SourcesError(f"{where}: must be a url or a table {{ url = ..., page_url = ... }}")
    _check_keys(raw, {"url", "page_url", "category"}, where, "")
    if "url" not in raw:
        raise SourcesError(f"{where}: key 'url' is missing")
    page_url = ""
    if "page_url" in raw:
        page_url = _url(raw["page_url"], f"{where}.page_url")
        if "{page}" not in page_url:
            raise SourcesError(f"{where}.page_url: put {{page}} where the page number goes")
    category = _typed(raw["category"], str, f"{where}.category") if "category" in raw else None
    return ListPage(_url(raw["url"], f"{where}.url"), page_url, category)


def _selectors(raw: object, where: str) -> Selectors:
    if not isinstance(raw, dict):
        raise SourcesError(f"{where} must be a table")
    _check_keys(raw, {f.name for f in fields(Selectors)}, where, "")
    values = {}
    for key, value in raw.items():
        selector = _typed(value, str, f"{where} key '{key}'").strip()
        try:
            from lxml.cssselect import CSSSelector

            CSSSelector(selector)
        except Exception as exc:  # cssselect raises several parse error types
            raise SourcesError(
                f"{where} key '{key}': not a CSS selector: {selector!r} ({exc})"
            ) from None
        values[key] = selector
    return Selectors(**values)


def _url(value: object, where: str) -> str:
    url = _typed(value, str, where).strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        raise SourcesError(f"{where}: {url!r} is not an http:// or https:// url")
    return url


def _typed(value: object, kind: type, where: str) -> Any:
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = {
            str: "text",
            int: "a whole number",
            float: "a number",
            bool: "true or false",
            list: "a list",
        }
        raise SourcesError(f"{where} must be {names.get(kind, kind.__name__)}, not {value!r}")
    return value


def _check_keys(raw: dict[str, Any], allowed: set[str], where: str, table: str) -> None:
    for key in raw:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = (
                f" (did you mean '{close[0]}'?)"
                if close
                else f" (known: {', '.join(sorted(allowed))})"
            )
            raise SourcesError(f"{where}: {table}unknown key '{key}'{hint}")
