"""robots.txt, fetched once per host through the polite fetcher and read by Protego, which follows
RFC 9309 (wildcards such as `Disallow: /*?print=1`, end anchors such as `/admin$`, the longest
match winning), unlike the standard library's parser.

As RFC 9309 says: a missing robots.txt (4xx) allows everything; one that cannot be fetched (5xx,
connection failure) means the host is not crawled for now.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from .errors import CrawlIssue, FetchError, HTTPStatusError
from .page import Page

__all__ = ["RobotsCache", "RobotsRules"]


@dataclass(frozen=True)
class RobotsRules:
    """What one host's robots.txt says, or why it could not be read."""

    parser: Protego | None  # None: allow everything
    text: str = ""
    unreachable: tuple[CrawlIssue, str] | None = None  # why nothing may be fetched from the host


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
        return rules.parser is None or bool(rules.parser.can_fetch(url, self._agent))

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
            return RobotsRules(None, unreachable=(CrawlIssue.ROBOTS_STATUS, str(exc.status)))
        except FetchError as exc:
            return RobotsRules(None, unreachable=(CrawlIssue.ROBOTS_UNREACHABLE, exc.reason))
        return RobotsRules(Protego.parse(page.text), page.text)
