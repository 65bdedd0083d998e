"""Fetching pages politely: one identifying User-Agent, a few requests at a time per host with a
delay between them, robots.txt, timeouts, retries with backoff, bounded redirects and size.

A `Fetcher` is thread-safe: the crawler's workers (and several crawls) share its per-host gates.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType
from urllib.parse import urlsplit

import httpx

from .errors import CrawlIssue, FetchError, HTTPStatusError, NotAPage, RobotsDisallowed, TooLarge
from .page import Page
from .robots import RobotsCache
from .sources import FetchPolicy

__all__ = ["Fetcher"]

_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,*/*;q=0.5"
)
_TEXTUAL = (
    "text/",
    "application/xhtml",
    "application/xml",
    "application/rss",
    "application/atom",
    "application/rdf",
)


class _HostGate:
    """At most `concurrency` requests at a time to one host, their starts `delay` seconds apart."""

    def __init__(self, concurrency: int, delay: float, sleep: Callable[[float], None]) -> None:
        self._slots = threading.BoundedSemaphore(concurrency)
        self._lock = threading.Lock()
        self._next_start = 0.0
        self._sleep = sleep
        self.delay = delay

    def __enter__(self) -> None:
        self._slots.acquire()
        with self._lock:
            start = max(time.monotonic(), self._next_start)
            self._next_start = start + self.delay
        wait = start - time.monotonic()
        if wait > 0:
            self._sleep(wait)

    def __exit__(self, *exc: object) -> None:
        self._slots.release()


class Fetcher:
    """Polite GET requests with the policy's limits; close it (or use `with`) when done."""

    def __init__(
        self,
        policy: FetchPolicy = FetchPolicy(),
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Open an HTTP client; `transport` and `sleep` are for tests."""
        self.policy = policy
        self._sleep = sleep
        self._client = httpx.Client(
            headers={
                "User-Agent": policy.user_agent,
                "Accept": _ACCEPT,
                "Accept-Language": "vi,en;q=0.5",
            },
            timeout=httpx.Timeout(policy.timeout),
            follow_redirects=True,
            max_redirects=policy.max_redirects,
            transport=transport,
        )
        self._gates: dict[str, _HostGate] = {}
        self._gates_lock = threading.Lock()
        self.robots = RobotsCache(self._fetch_robots, policy.user_agent)

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client's connections."""
        self._client.close()

    def get(self, url: str, *, any_type: bool = False) -> Page:
        """Fetch a url, retrying 5xx answers and connection errors; raise a FetchError."""
        if self.policy.respect_robots:
            self._check_robots(url)
        page = self._with_retries(url)
        if (
            page.final_url != url
            and self.policy.respect_robots
            and not self.robots.allowed(page.final_url)
        ):
            raise RobotsDisallowed(url, CrawlIssue.ROBOTS_REDIRECT, page.final_url)
        if not any_type and not _is_textual(page.content_type):
            raise NotAPage(url, CrawlIssue.NOT_A_PAGE, page.content_type.split(";")[0])
        return page

    def _check_robots(self, url: str) -> None:
        rules = self.robots.rules(url)
        if rules.unreachable is not None:  # the host is down or broken: worth trying again later
            issue, detail = rules.unreachable
            raise FetchError(url, issue, detail, retryable=True)
        if not self.robots.allowed(url):
            raise RobotsDisallowed(url, CrawlIssue.ROBOTS_DISALLOWED)
        delay = self.robots.crawl_delay(url)
        if delay:
            self.slow_down(url, delay)

    def _with_retries(self, url: str) -> Page:
        attempt = 0
        while True:
            try:
                return self._once(url)
            except FetchError as exc:
                if not exc.retryable or attempt >= self.policy.retries:
                    raise
            self._sleep(self.policy.backoff * 2**attempt)
            attempt += 1

    def _once(self, url: str) -> Page:
        policy = self.policy
        with self._gate(url):
            try:
                with self._client.stream("GET", url) as response:
                    if response.status_code >= 400:
                        raise HTTPStatusError(url, response.status_code)
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > policy.max_bytes:
                        raise TooLarge(url, CrawlIssue.ANNOUNCED_TOO_LARGE, _mb(int(declared)))
                    data = self._read(url, response)
                    return Page(
                        url=url,
                        final_url=str(response.url),
                        status=response.status_code,
                        content_type=response.headers.get("content-type", ""),
                        data=data,
                    )
            except httpx.TooManyRedirects:
                issue = CrawlIssue.TOO_MANY_REDIRECTS
                raise FetchError(url, issue, str(policy.max_redirects)) from None
            except httpx.TimeoutException:
                issue = CrawlIssue.TIMEOUT
                raise FetchError(url, issue, f"{policy.timeout:g}", retryable=True) from None
            except httpx.UnsupportedProtocol:
                raise FetchError(url, CrawlIssue.NOT_HTTP) from None
            except httpx.InvalidURL as exc:
                raise FetchError(url, CrawlIssue.INVALID_URL, str(exc)) from None
            except httpx.TransportError as exc:
                reason = (
                    str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                )
                issue = CrawlIssue.CONNECTION
                raise FetchError(url, issue, reason, retryable=True) from None

    def _read(self, url: str, response: httpx.Response) -> bytes:
        """The body in chunks, stopped as soon as it passes the cap or the total time."""
        policy = self.policy
        deadline = time.monotonic() + policy.total_timeout
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > policy.max_bytes:
                raise TooLarge(url, CrawlIssue.TOO_LARGE, _mb(policy.max_bytes))
            if time.monotonic() > deadline:
                seconds = f"{policy.total_timeout:g}"
                raise FetchError(url, CrawlIssue.TOO_SLOW, seconds, retryable=True)
            chunks.append(chunk)
        return b"".join(chunks)

    def _gate(self, url: str) -> _HostGate:
        host = urlsplit(url).netloc.lower()
        with self._gates_lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = _HostGate(self.policy.concurrency, self.policy.delay, self._sleep)
                self._gates[host] = gate
            return gate

    def slow_down(self, url: str, delay: float) -> None:
        """Space the requests to this url's host at least `delay` seconds apart (Crawl-delay)."""
        gate = self._gate(url)
        gate.delay = max(gate.delay, min(delay, 60.0))

    def _fetch_robots(self, url: str) -> Page:
        return self._with_retries(url)


def _is_textual(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return not kind or kind.startswith(_TEXTUAL) or kind.endswith("+xml")


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"
