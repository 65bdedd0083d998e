"""Source health and due sources, from the runs the crawler recorded in the store."""

from datetime import timedelta

from index.crawl import CrawlIssue, RunStatus, SourceConfig, crawl_health, due_sources
from index.store import PageError, RunCounts, Store
from index.text import now

PORTAL = SourceConfig(
    name="so-a", base_url="https://a.example.gov.vn/", interval=timedelta(hours=6)
)
IDLE = SourceConfig(name="so-b", base_url="https://b.example.gov.vn/", enabled=False)


def _run(store: Store, name: str, status: RunStatus, error: PageError | None = None) -> None:
    started = now()
    run_id, _ = store.crawl.start_run(name, started)
    counts = RunCounts(added=3, updated=1, failed=1 if error else 0)
    store.crawl.finish_run(run_id, status, counts, error, started + timedelta(seconds=5))


def test_a_source_never_crawled_is_due_and_says_so(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    (health, idle) = crawl_health(store, [PORTAL, IDLE])
    assert health.name == "so-a" and health.last_run_at is None and health.next_due is not None
    assert idle.enabled is False and idle.next_due is None
    assert due_sources(store, [PORTAL, IDLE]) == [PORTAL]


def test_health_reports_the_last_run_and_the_last_error_as_codes(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    error = PageError("https://a.example.gov.vn/tin/1", CrawlIssue.HTTP_STATUS, "503")
    _run(store, "so-a", RunStatus.FAILED, error)
    _run(store, "so-a", RunStatus.OK)
    (health,) = crawl_health(store, [PORTAL])
    assert health.last_status is RunStatus.OK and health.last_added == 3
    assert health.last_error is not None and health.last_error.issue is CrawlIssue.HTTP_STATUS
    assert str(health.last_error) == "https://a.example.gov.vn/tin/1: HTTP 503"
    assert health.next_due is not None and health.last_run_at is not None
    assert health.next_due == health.last_run_at + PORTAL.interval


def test_a_source_crawled_recently_is_not_due_until_its_interval_passes(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    _run(store, "so-a", RunStatus.OK)
    assert due_sources(store, [PORTAL]) == []
    assert due_sources(store, [PORTAL], now() + timedelta(hours=7)) == [PORTAL]


def test_a_source_no_longer_in_the_file_keeps_its_health(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    _run(store, "so-cu", RunStatus.INTERRUPTED)
    (gone,) = crawl_health(store, [])
    assert gone.name == "so-cu" and gone.enabled is None and gone.next_due is None


def test_an_unknown_stored_code_reads_as_unknown(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    _run(store, "so-a", RunStatus.FAILED, PageError("https://a.vn/x", "from_the_future", "?"))
    (health,) = crawl_health(store, [PORTAL])
    assert health.last_error is not None and health.last_error.issue is CrawlIssue.UNKNOWN
