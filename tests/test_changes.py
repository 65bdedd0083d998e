"""The change log: numbered in commit order, so a follower never skips a change (PostgreSQL,
where writers really run concurrently)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from index.store import Store
from index.store.changes import ArticleChange, ChangeLog, install, touch
from index.store.database import write_session


def _change(store: Store, article_id: int, slow: float = 0.0) -> None:
    with write_session(store.sessions) as session:
        session.info["slow"] = slow
        touch(session, [article_id])


def _seq_of(store: Store, article_id: int) -> int:
    with store.sessions() as session:
        return session.scalar(
            select(ArticleChange.seq).where(ArticleChange.article_id == article_id)
        )


def test_a_change_numbered_first_commits_first_even_when_it_is_slow(postgres_url: str) -> None:
    store = Store.open(postgres_url)

    def pause(session: Session) -> None:  # runs after the log took its number
        time.sleep(session.info.get("slow", 0.0))

    event.listen(store.sessions, "before_commit", pause)
    head = store.changes.head()
    slow = threading.Thread(target=_change, args=(store, 1, 1.5))
    slow.start()
    time.sleep(0.4)  # the slow one holds number head + 1 and has not committed
    fast = threading.Thread(target=_change, args=(store, 2))
    fast.start()
    time.sleep(0.4)
    assert fast.is_alive()  # it waits for the number after the slow one's
    assert store.changes.head() == head  # a follower sees neither yet
    assert store.changes.since(head) is not None and store.changes.since(head).article_ids == ()
    slow.join()
    fast.join()
    assert (_seq_of(store, 1), _seq_of(store, 2)) == (head + 1, head + 2)


def test_a_follower_polling_during_concurrent_writers_sees_every_change(
    postgres_url: str,
) -> None:
    store = Store.open(postgres_url)
    writers, per_writer = 6, 40
    done = threading.Event()
    seen: set[int] = set()

    def follow() -> None:
        position = store.changes.head()
        while True:
            finished = done.is_set()
            changes = store.changes.since(position)
            assert changes is not None
            seen.update(changes.article_ids)
            position = changes.head
            if finished:
                return

    def write(number: int) -> None:
        for n in range(per_writer):
            _change(store, number * 1000 + n)

    follower = threading.Thread(target=follow)
    follower.start()
    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    follower.join()
    expected = {w * 1000 + n for w in range(writers) for n in range(per_writer)}
    assert seen == expected
    assert store.changes.head() >= writers * per_writer


def test_every_new_session_factory_logs_even_where_a_freed_one_lay(sqlite_url: str) -> None:
    """Regression: `install` asked SQLAlchemy's `event.contains`, which knows targets by id();
    a factory freed before the garbage collector freed its session class left its listeners
    registered under that id, so a new factory at the same address looked installed and logged
    nothing (an engine then never indexed its own ingests: a flaky test_search)."""
    bind = Store.open(sqlite_url).sessions.kw["bind"]
    log = ChangeLog(sessionmaker(bind))
    for expected in range(1, 21):
        sessions = sessionmaker(bind, expire_on_commit=False)  # freed at the next turn
        install(sessions)
        with write_session(sessions) as session:
            touch(session, [expected])
        assert log.head() == expected
