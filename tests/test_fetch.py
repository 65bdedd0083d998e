"""The polite fetcher over real HTTP: retries, timeouts, caps, redirects, robots, host limits."""

import socket
import threading
import time

import pytest

from index.crawl import (
    Fetcher,
    FetchError,
    FetchPolicy,
    HTTPStatusError,
    NotAPage,
    RobotsDisallowed,
    TooLarge,
)

from .httpserver import Reply, TestServer
from .sites import robots

FAST = FetchPolicy(
    delay=0, timeout=1, total_timeout=5, retries=2, backoff=0.01, max_bytes=5_000_000
)


def test_identifies_itself_and_reads_a_page(server: TestServer) -> None:
    server.page("/a.html", "<p>Xin chào</p>")
    with Fetcher(FAST) as fetcher:
        page = fetcher.get(server.url("/a.html"))
    assert page.status == 200 and page.text == "<p>Xin chào</p>" and page.encoding == "utf-8"
    assert any(agent.startswith("tin-so-bot/") for agent in server.user_agents)


def test_a_500_is_retried_with_backoff_then_succeeds(server: TestServer) -> None:
    server.sequence(
        "/flaky.html", [Reply(b"oops", status=500), Reply(b"oops", status=503), Reply(b"<p>ok</p>")]
    )
    with Fetcher(FAST) as fetcher:
        assert fetcher.get(server.url("/flaky.html")).text == "<p>ok</p>"
    assert server.hits["/flaky.html"] == 3


def test_a_404_is_not_retried(server: TestServer) -> None:
    with Fetcher(FAST) as fetcher, pytest.raises(HTTPStatusError) as caught:
        fetcher.get(server.url("/missing.html"))
    assert caught.value.status == 404 and not caught.value.retryable
    assert server.hits["/missing.html"] == 1


def test_a_500_that_lasts_fails_after_the_retries(server: TestServer) -> None:
    server.page("/down.html", b"", status=500)
    with Fetcher(FAST) as fetcher, pytest.raises(HTTPStatusError, match="HTTP 500"):
        fetcher.get(server.url("/down.html"))
    assert server.hits["/down.html"] == 1 + FAST.retries


def test_a_slow_server_times_out(server: TestServer) -> None:
    server.page("/slow.html", "<p>late</p>", delay=1.5)
    policy = FetchPolicy(delay=0, timeout=0.3, retries=1, backoff=0.01)
    started = time.monotonic()
    with Fetcher(policy) as fetcher, pytest.raises(FetchError, match="timed out after 0.3 s"):
        fetcher.get(server.url("/slow.html"))
    assert time.monotonic() - started < 1.5 and server.hits["/slow.html"] == 2


def test_a_page_that_trickles_in_stops_at_the_total_timeout(server: TestServer) -> None:
    def trickle():
        for _ in range(40):
            time.sleep(0.05)
            yield b"<p>...</p>"

    server.add("/trickle.html", lambda _: Reply(trickle()))
    policy = FetchPolicy(delay=0, timeout=1, total_timeout=0.5, retries=0)
    with Fetcher(policy) as fetcher, pytest.raises(FetchError, match="took more than 0.5 s"):
        fetcher.get(server.url("/trickle.html"))


def test_a_refused_connection_is_retried_then_reported(server: TestServer) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with Fetcher(FAST) as fetcher, pytest.raises(FetchError, match="connection failed") as caught:
        fetcher.get(f"http://127.0.0.1:{port}/a.html")
    assert caught.value.retryable


def test_a_20_mb_page_is_aborted_without_being_read(server: TestServer) -> None:
    chunk = b"<p>" + b"x" * 65_532 + b"</p>"

    def huge():
        for _ in range(20_000_000 // len(chunk)):
            yield chunk

    server.add("/huge.html", lambda _: Reply(huge()))  # no Content-Length: the cap must count
    with (
        Fetcher(FetchPolicy(delay=0, max_bytes=5_000_000, retries=0)) as fetcher,
        pytest.raises(TooLarge),
    ):
        fetcher.get(server.url("/huge.html"))
    time.sleep(0.2)
    assert server.bytes_sent["/huge.html"] < 12_000_000  # the server was cut off well before 20 MB


def test_an_announced_20_mb_page_is_refused_before_its_body(server: TestServer) -> None:
    server.page("/big.html", b"x" * 20_000_000)
    with (
        Fetcher(FetchPolicy(delay=0, retries=0)) as fetcher,
        pytest.raises(TooLarge, match="20.0 MB announced"),
    ):
        fetcher.get(server.url("/big.html"))


def test_redirects_are_followed_within_limits(server: TestServer) -> None:
    server.page("/old.html", b"", status=301, headers={"Location": "/new.html"})
    server.page("/new.html", "<p>mới</p>")
    server.page("/loop-a.html", b"", status=302, headers={"Location": "/loop-b.html"})
    server.page("/loop-b.html", b"", status=302, headers={"Location": "/loop-a.html"})
    with Fetcher(FAST) as fetcher:
        page = fetcher.get(server.url("/old.html"))
        assert page.final_url == server.url("/new.html") and page.text == "<p>mới</p>"
        with pytest.raises(FetchError, match="more than 5 redirects"):
            fetcher.get(server.url("/loop-a.html"))
    assert server.hits["/loop-a.html"] + server.hits["/loop-b.html"] <= 6


def test_robots_txt_disallowing_a_path_is_obeyed(server: TestServer) -> None:
    robots(
        server,
        "User-agent: *\nDisallow: /private/\n\nUser-agent: tin-so-bot\nDisallow: /no-bots/\n",
    )
    server.page("/private/a.html", "<p>secret</p>")
    server.page("/no-bots/a.html", "<p>secret</p>")
    server.page("/public/a.html", "<p>ok</p>")
    with Fetcher(FAST) as fetcher:
        assert fetcher.get(server.url("/public/a.html")).text == "<p>ok</p>"
        for path in ("/no-bots/a.html",):
            with pytest.raises(RobotsDisallowed):
                fetcher.get(server.url(path))
    assert server.hits["/no-bots/a.html"] == 0 and server.hits["/robots.txt"] == 1


def test_robots_txt_that_cannot_be_read_stops_the_host(server: TestServer) -> None:
    server.page("/robots.txt", b"", status=503)
    server.page("/a.html", "<p>ok</p>")
    with (
        Fetcher(FetchPolicy(delay=0, retries=0)) as fetcher,
        pytest.raises(FetchError, match="robots.txt answers HTTP 503") as caught,
    ):
        fetcher.get(server.url("/a.html"))
    assert server.hits["/a.html"] == 0 and caught.value.retryable


def test_a_pdf_is_not_a_page(server: TestServer) -> None:
    server.page("/van-ban.pdf", b"%PDF-1.4", content_type="application/pdf")
    with Fetcher(FAST) as fetcher, pytest.raises(NotAPage, match="application/pdf"):
        fetcher.get(server.url("/van-ban.pdf"))


def test_at_most_two_requests_at_a_time_per_host_spaced_by_the_delay(server: TestServer) -> None:
    for n in range(6):
        server.page(f"/p{n}.html", "<p>x</p>", delay=0.15)
    policy = FetchPolicy(delay=0.05, concurrency=2, retries=0)
    with Fetcher(policy) as fetcher:
        threads = [
            threading.Thread(target=fetcher.get, args=(server.url(f"/p{n}.html"),))
            for n in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert server.max_in_flight == 2
    starts = sorted(t for t, path in server.started if path.startswith("/p"))
    # The gate spaces the starts 50 ms apart at the client; the server sees them with the
    # machine's scheduling jitter, so the span is checked (5 gaps, 50 ms of slack), not each gap.
    assert starts[-1] - starts[0] >= 5 * 0.05 - 0.05


def test_crawl_delay_in_robots_txt_slows_requests_down(server: TestServer) -> None:
    robots(server, "User-agent: *\nCrawl-delay: 1\n")
    for n in range(2):
        server.page(f"/c{n}.html", "<p>x</p>")
    with Fetcher(FetchPolicy(delay=0, retries=0)) as fetcher:
        for n in range(2):
            fetcher.get(server.url(f"/c{n}.html"))
    starts = sorted(t for t, path in server.started if path.startswith("/c"))
    assert starts[-1] - starts[0] >= 0.95
