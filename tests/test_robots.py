"""robots.txt as RFC 9309 reads it (Protego): wildcards, end anchors, the longest match, delays."""

from collections.abc import Callable

import pytest

from index.crawl import CrawlIssue, FetchError, HTTPStatusError, Page
from index.crawl.robots import RobotsCache

AGENT = "tin-so-bot/0.1 (news bot; obeys robots.txt as tin-so-bot)"
ROBOTS = """
User-agent: *
Disallow: /*?print=1
Disallow: /admin$
Disallow: /tim-kiem
Allow: /tim-kiem/huong-dan
Crawl-delay: 2

User-agent: otherbot
Disallow: /
"""


def _fetching(text: str | None, error: Exception | None = None) -> Callable[[str], Page]:
    def fetch(url: str) -> Page:
        if error is not None:
            raise error
        assert text is not None
        return Page(url, url, 200, "text/plain", text.encode())

    return fetch


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/tin-tuc/bai-1.html", True),
        ("/tin-tuc/bai-1.html?print=1", False),  # a wildcard in the middle of the rule
        ("/tin-tuc/bai-1.html?page=2&print=1", True),  # the rule needs "?print=1" itself
        ("/admin", False),  # "$" anchors the end
        ("/admin/users", True),
        ("/tim-kiem?q=so", False),
        ("/tim-kiem/huong-dan", True),  # the longest matching rule wins: Allow
    ],
)
def test_wildcards_end_anchors_and_the_longest_match(path: str, allowed: bool) -> None:
    robots = RobotsCache(_fetching(ROBOTS), AGENT)
    assert robots.allowed(f"https://so.example.gov.vn{path}") is allowed


def test_crawl_delay_and_rules_are_read_once_per_host() -> None:
    fetched: list[str] = []

    def fetch(url: str) -> Page:
        fetched.append(url)
        return Page(url, url, 200, "text/plain", ROBOTS.encode())

    robots = RobotsCache(fetch, AGENT)
    assert robots.crawl_delay("https://so.example.gov.vn/a") == 2.0
    assert robots.allowed("https://so.example.gov.vn/b")
    assert fetched == ["https://so.example.gov.vn/robots.txt"]


def test_a_missing_robots_txt_allows_everything() -> None:
    missing = HTTPStatusError("https://so.example.gov.vn/robots.txt", 404)
    robots = RobotsCache(_fetching(None, missing), AGENT)
    assert robots.allowed("https://so.example.gov.vn/admin")
    assert robots.rules("https://so.example.gov.vn/").unreachable is None


def test_a_robots_txt_that_fails_stops_the_host_with_its_reason() -> None:
    broken = HTTPStatusError("https://so.example.gov.vn/robots.txt", 503)
    robots = RobotsCache(_fetching(None, broken), AGENT)
    assert not robots.allowed("https://so.example.gov.vn/tin-tuc")
    assert robots.rules("https://so.example.gov.vn/").unreachable == (
        CrawlIssue.ROBOTS_STATUS,
        "503",
    )
    down = FetchError("https://x.vn/robots.txt", CrawlIssue.CONNECTION, "refused")
    unreachable = RobotsCache(_fetching(None, down), AGENT).rules("https://x.vn/")
    assert unreachable.unreachable == (CrawlIssue.ROBOTS_UNREACHABLE, "connection failed: refused")
