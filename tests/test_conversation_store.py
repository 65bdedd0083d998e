"""Where each chat stands, in the database: keyed by channel and hash, expiring, deletable."""

from datetime import datetime, timedelta

from index import Archive, ConversationState, LoggedQuestion
from index.text.dates import VIETNAM

NOW = datetime(2024, 5, 6, 9, 30, tzinfo=VIETNAM)
KEY = "a" * 64


def _state(**values: object) -> ConversationState:
    fields: dict[str, object] = dict(
        channel="telegram", chat_key=KEY, list_kind="search", updated_at=NOW,
        list_query="phố sách năm 2018", question="phố sách năm 2018", asked_at=NOW,
        time_label="năm 2018", offset=5, total=11, shown=(12, 5, 40),
    )  # fmt: skip
    fields.update(values)
    return ConversationState(**fields)  # type: ignore[arg-type]


def test_a_state_is_read_back_until_it_expires(sqlite_url: str) -> None:
    archive = Archive.open(sqlite_url)
    archive.remember(_state())
    assert archive.conversation("telegram", KEY, NOW - timedelta(hours=24)) == _state()
    assert archive.conversation("telegram", KEY, NOW + timedelta(seconds=1)) is None
    assert archive.conversation("zalo", KEY, NOW - timedelta(hours=24)) is None


def test_a_new_state_replaces_the_old_and_counts_its_question(sqlite_url: str) -> None:
    archive = Archive.open(sqlite_url)
    archive.remember(_state())
    later = _state(updated_at=NOW + timedelta(minutes=1), shown=(7,), offset=0, total=1)
    archive.remember(later, LoggedQuestion("hội sách năm 2018", 1, "telegram:private"))
    assert archive.conversation("telegram", KEY, NOW) == later
    assert archive.stats().articles == 0
    assert archive.store.conversations.questions_of(KEY) == 1


def test_forgetting_a_chat_deletes_its_state_and_its_questions_only(sqlite_url: str) -> None:
    archive = Archive.open(sqlite_url)
    other = "b" * 64
    archive.remember(_state(), LoggedQuestion("phố sách", 11, "telegram:private"))
    archive.remember(_state(chat_key=other), LoggedQuestion("hội sách", 3, "telegram:group"))
    purged = archive.forget_chat("telegram", KEY)
    assert (purged.conversations, purged.questions) == (1, 1)
    assert archive.conversation("telegram", KEY, NOW - timedelta(days=1)) is None
    assert archive.conversation("telegram", other, NOW - timedelta(days=1)) is not None
    assert archive.store.conversations.questions_of(other) == 1


def test_purge_removes_expired_rows(sqlite_url: str) -> None:
    archive = Archive.open(sqlite_url)
    archive.remember(_state(updated_at=NOW - timedelta(hours=25)))
    archive.remember(_state(chat_key="c" * 64))
    archive.hand_over("old-token-0000000", "câu hỏi cũ", NOW - timedelta(hours=2))
    purged = archive.purge_conversations(
        NOW - timedelta(hours=24), NOW - timedelta(days=30), NOW - timedelta(hours=1)
    )
    assert (purged.conversations, purged.handovers) == (1, 1)
    assert archive.conversation("telegram", "c" * 64, NOW - timedelta(hours=24)) is not None


def test_a_handed_over_question_is_taken_once(sqlite_url: str) -> None:
    archive = Archive.open(sqlite_url)
    archive.hand_over("token-0123456789ab", "câu hỏi rất dài", NOW)
    assert archive.take_handover("token-0123456789ab", NOW - timedelta(hours=1)) == (
        "câu hỏi rất dài"
    )
    assert archive.take_handover("token-0123456789ab", NOW - timedelta(hours=1)) is None
