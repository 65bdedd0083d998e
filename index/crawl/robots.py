"""robots.txt, fetched once per host through the polite fetcher and read by urllib.robotparser.

As RFC 9309 says: a missing robots.txt (4xx) allows everything; one that cannot be fetched (5xx,
connection failure) means the host is not crawled for now.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from .errors import FetchError, HTTPStatusError

if TYPE_CHECKING:
    from .fetch import Page

__all__ = ["RobotsCache", "RobotsRules"]


@dataclass(frozen=True)
class RobotsRules:
    """What one host's robots.txt says, or why it could not be read."""

    parser: RobotFileParser | None  # None: allow everything
    text: str = ""
    unreachable: str | None = None  # the reason nothing may be fetched from the host


class RobotsCache:
    """The robots.txt rules of each host, fetched on first use."""

    def __init__(self, fetch: Callable[[str], Page], user_agent: str) -> None:
        """`fetch` gets a url without consulting robots.txt (which would recurse)."""
        self._fetch = fetch
        self._agent = user_agent
        self._rules: dict[str, RobotsRules] = {}
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}

    def rules(self, url: str) -> RobotsRules:
        """The rules that apply to this url's host."""
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            if root in self._rules:
                return self._rules[root]
            host_lock = self._host_locks.setdefault(root, threading.Lock())
        with host_lock:  # one fetch per host, even when several workers ask at once
            with self._lock:
                if root in self._rules:
                    return self._rules[root]
            rules = self._load(root)
            with self._lock:
                self._rules[root] = rules
            return rules

    def allowed(self, url: str) -> bool:
        """True when robots.txt lets our User-Agent fetch the url."""
        rules = self.rules(url)
        if rules.unreachable is not None:
            return False
        return rules.parser is None or rules.parser.can_fetch(self._agent, url)

    def crawl_delay(self, url: str) -> float | None:
        """The Crawl-delay asked of our User-Agent, in seconds."""
        rules = self.rules(url)
        if rules.parser is None:
            return None
        delay = rules.parser.crawl_delay(self._agent)
        return float(delay) if delay is not None else None

    def _load(self, root: str) -> RobotsRules:
        try:
            page = self._fetch(f"{root}/robots.txt")
        except HTTPStatusError as exc:
            if exc.status < 500:
                return RobotsRules(None)
            return RobotsRules(None, unreachable=f"robots.txt answers HTTP {exc.status}")
        except FetchError as exc:
            return RobotsRules(None, unreachable=f"robots.txt unreachable ({exc.reason})")
        text = page.text
        parser = RobotFileParser(f"{root}/robots.txt")
        parser.parse(text.splitlines())
        return RobotsRules(parser, text)
