"""The sources file: the shipped example loads; every mistake is one line naming source and key."""

from datetime import timedelta
from pathlib import Path

import pytest

from index.crawl import SourcesError, load_sources, parse_sources

from .conftest import ROOT


def test_shipped_sources_file_has_the_hanoi_portal_disabled() -> None:
    sources = load_sources(ROOT / "data" / "sources.toml")
    (portal,) = sources.sources
    assert portal.name == "sotttt.hanoi.gov.vn" and portal.enabled is False
    assert portal.profile == "liferay" and portal.interval == timedelta(hours=6)
    assert portal.lists[1].url == "https://sotttt.hanoi.gov.vn/cong-nghe-thong-tin"
    assert (
        "{page}" in portal.lists[1].page_url and portal.lists[1].category == "Công nghệ thông tin"
    )
    assert sources.policy.user_agent.startswith("tin-so-bot/") and sources.policy.concurrency == 2
    assert sources.get("SOTTTT.hanoi.gov.vn") is portal
    assert (
        sources.for_url("https://sotttt.hanoi.gov.vn/cong-nghe-thong-tin/-/view_content/1")
        is portal
    )


def test_missing_file_means_no_sources_and_default_politeness(tmp_path: Path) -> None:
    sources = load_sources(tmp_path / "absent.toml")
    assert sources.sources == () and sources.policy.delay > 0


def test_every_key_of_a_full_source() -> None:
    sources = parse_sources(
        """
        [crawler]
        delay = 0
        timeout = 3
        [[source]]
        name = "so-tp"
        base_url = "https://stp.example.gov.vn/"
        feeds = ["https://stp.example.gov.vn/rss"]
        sitemaps = ["https://stp.example.gov.vn/sitemap.xml"]
        lists = [
            "https://stp.example.gov.vn/tin-tuc",
            { url = "https://stp.example.gov.vn/tb", page_url = "https://stp.vn/tb?trang={page}" },
        ]
        interval = "90m"
        max_pages = 2
        max_articles = 30
        retry_limit = 3
        category = "Tin tức"
        [source.selectors]
        title = "h1.title"
        list_item = ".news-item"
        """
    )
    (source,) = sources.sources
    assert sources.policy.delay == 0.0 and sources.policy.timeout == 3.0
    assert source.feeds == ("https://stp.example.gov.vn/rss",) and len(source.lists) == 2
    assert source.lists[1].page_url.endswith("trang={page}") and source.interval == timedelta(
        minutes=90
    )
    assert (source.max_pages, source.max_articles, source.retry_limit) == (2, 30, 3)
    assert source.selectors.title == "h1.title" and source.selectors.body == ""
    assert source.enabled is True and source.host == "stp.example.gov.vn"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[source]\nname = 1", "not valid TOML"),
        ('[[source]]\nbase_url = "https://a.vn/"', "source #1: key 'name' is missing"),
        ('[[source]]\nname = "a"', "source 'a': key 'base_url' is missing"),
        (
            '[[source]]\nname = "a"\nbase_url = "ftp://a.vn/"',
            "source 'a': key 'base_url': 'ftp://a.vn/' is not an http",
        ),
        (
            '[[source]]\nname = "a"\nbase_url = "https://a.vn/"\nfeed = ["https://a.vn/rss"]',
            "source 'a': unknown key 'feed' (did you mean 'feeds'?)",
        ),
        (
            '[[source]]\nname = "a"\nbase_url = "https://a.vn/"\nmax_pages = "3"',
            "source 'a': key 'max_pages' must be a whole number",
        ),
        (
            '[[source]]\nname = "a"\nbase_url = "https://a.vn/"\nmax_pages = 0',
            "key 'max_pages' must be at least 1",
        ),
        (
            '[[source]]\nname = "a"\nbase_url = "https://a.vn/"\ninterval = "often"',
            "source 'a': key 'interval': 'often' is not a duration",
        ),
        (
            '[[source]]\nname = "a"\nbase_url = "https://a.vn/"\nenabled = "yes"',
            "key 'enabled' must be true or false",
        ),
        (
            '[[source]]\nname = "a"\nbase_url = "https://a.vn/"\nprofile = "drupal"',
            "unknown profile 'drupal' (known: liferay)",
        ),
        (
            '[[source]]\nname = "a"\nbase_url = "https://a.vn/"\nlists = [{ page_url = '
            '"https://a.vn/?p={page}" }]',
            "key 'lists[0]': key 'url' is missing",
        ),
        (
            '[[source]]\nname = "a"\nbase_url = "https://a.vn/"\nlists = [{ url = '
            '"https://a.vn/", page_url = "https://a.vn/?p=2" }]',
            "put {page} where the page number goes",
        ),
        (
            '[[source]]\nname = "a"\nbase_url = "https://a.vn/"\n[source.selectors]\ntitle = '
            '"h1[["',
            "key 'title': not a CSS selector",
        ),
        (
            '[[source]]\nname = "a"\nbase_url = "https://a.vn/"\n[source.selectors]\nheadline = '
            '"h1"',
            "unknown key 'headline'",
        ),
        (
            '[[source]]\nname = "a"\nbase_url = "https://a.vn/"\n[[source]]\nname = "A"\nbase_url = "https://b.vn/"',
            "source 'A': the name is used twice",
        ),
        ("[crawler]\ndelay = -1", "[crawler] key 'delay' must not be negative"),
        ('[crawler]\nuser_agent = "bót"', "[crawler] key 'user_agent' must be non-empty ASCII"),
        ("[crawler]\nspeed = 3", "[crawler] unknown key 'speed'"),
    ],
)
def test_malformed_sources_file_is_one_clear_line(text: str, message: str) -> None:
    with pytest.raises(SourcesError) as caught:
        parse_sources(text, "data/sources.toml")
    error = str(caught.value)
    assert message in error and error.startswith("data/sources.toml") and "\n" not in error
