"""The staff's report: `python bot.py report --since DATE [--csv FILE] [--qrels FOLDER]` over
questions and feedback given through the conversation core, the judgments read back by
`python bot.py eval`; and the report's content through `index` (grouping, no results, 👎)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.conversation import Channel, ChatKeys, Conversation, Incoming, JudgeAnswer, RateAnswer
from bot.conversation import Results as ResultsPart
from index import Archive
from index.text.dates import VIETNAM

from .conftest import CHAT_ID_SECRET
from .test_cli import run


def _ask(conversation: Conversation, chat: str, text: str) -> int | None:
    reply = conversation.handle(Incoming(Channel.TERMINAL, chat, text=text))
    part = reply.parts[-1]
    return part.answer_id if isinstance(part, ResultsPart) else None


def _feed(archive: Archive) -> list[int]:
    """Questions and feedback of three chats; returns the articles shown to the first."""
    conversation = Conversation(archive, ChatKeys(CHAT_ID_SECRET))
    first = _ask(conversation, "a", "phố sách")
    assert first is not None
    _ask(conversation, "b", "Phố  sách")  # the same question, written differently
    _ask(conversation, "c", "tàu vũ trụ sao hỏa")
    second = _ask(conversation, "c", "hội sách")
    assert second is not None
    conversation.handle(Incoming(Channel.TERMINAL, "a", action=RateAnswer(first, False)))
    shown = archive.answer(first, ChatKeys(CHAT_ID_SECRET).of(Channel.TERMINAL, "a"))
    assert shown is not None
    conversation.handle(Incoming(Channel.TERMINAL, "a", action=JudgeAnswer(first, shown.shown[1])))
    conversation.handle(Incoming(Channel.TERMINAL, "c", action=RateAnswer(second, True)))
    return list(shown.shown)


def test_the_report_groups_questions_and_lists_feedback(bot_db: str) -> None:
    archive = Archive.open(bot_db)
    try:
        shown = _feed(archive)
        now = datetime.now(UTC)
        found = archive.report(now - timedelta(days=1), now + timedelta(seconds=1))
    finally:
        archive.close()
    assert found.questions == 4 and (found.liked, found.disliked_total) == (1, 1)
    assert [(c.question, c.asked) for c in found.top][0] == ("phố sách", 2)
    assert [c.question for c in found.unanswered] == ["tàu vũ trụ sao hỏa"]
    assert [(v.question, v.down) for v in found.disliked] == [("phố sách", 1)]
    (judged,) = found.judgments
    assert (judged.question, judged.article_id) == ("phố sách", shown[1]) and judged.title


def test_report_command_writes_csv_and_qrels_that_eval_reads(bot_db: str, tmp_path: Path) -> None:
    archive = Archive.open(bot_db)
    try:
        _feed(archive)
    finally:
        archive.close()
    today = datetime.now(VIETNAM).strftime("%d/%m/%Y")  # the report's days are Vietnam's
    table, qrels = tmp_path / "report.csv", tmp_path / "judged"
    result = run(
        "report", "--since", today, "--csv", str(table), "--qrels", str(qrels),
        database_url=bot_db,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"📋 Báo cáo câu hỏi từ {today} đến {today}")
    assert "1. “phố sách” — 2 lần" in result.stdout
    assert "❓ Chưa tìm được bài nào\n1. “tàu vũ trụ sao hỏa” — 1 lần, 0 kết quả" in result.stdout
    with table.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["kind"] for r in rows} == {"asked", "no_result", "disliked", "judged"}
    assert [r["question"] for r in rows if r["kind"] == "no_result"] == ["tàu vũ trụ sao hỏa"]
    evaluated = run("eval", str(qrels), database_url=bot_db, timeout=300)
    assert evaluated.returncode == 0, evaluated.stderr
    assert evaluated.stdout.startswith("judged: 1 judged queries")


def test_report_refuses_a_bad_date_in_one_line(bot_db: str) -> None:
    result = run("report", "--since", "hôm qua", database_url=bot_db)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "not a date" in result.stderr


def test_answers_older_than_180_days_are_purged(bot_db: str) -> None:
    archive = Archive.open(bot_db)
    try:
        _feed(archive)
        now = datetime.now(UTC)
        assert archive.purge_answers(now - timedelta(days=180)) == 0
        assert archive.purge_answers(now + timedelta(seconds=1)) == 3  # the three with results
        assert archive.report(now - timedelta(days=1), now + timedelta(seconds=1)).judgments == ()
    finally:
        archive.close()


def test_feedback_report_and_dictionary_lines_on_postgresql(postgres_url: str) -> None:
    from .conftest import SAMPLE

    archive = Archive.open(postgres_url, sample=SAMPLE)
    elsewhere = Archive.open(postgres_url)
    try:
        shown = _feed(archive)
        now = datetime.now(UTC)
        found = archive.report(now - timedelta(days=1), now + timedelta(seconds=1))
        assert [(j.question, j.article_id) for j in found.judgments] == [("phố sách", shown[1])]
        assert elsewhere.search("PSHN").total == 0
        proposed = archive.propose_line("đồng nghĩa", "PSHN = phố sách Hà Nội", "PSHN")
        assert archive.confirm_line(proposed.line_id) is not None
        assert archive.search("PSHN").total > 0
        assert elsewhere.refresh_dictionary() and elsewhere.search("PSHN").total > 0
        assert archive.remove_line(proposed.line_id) is not None
        assert elsewhere.refresh_dictionary() and elsewhere.search("PSHN").total == 0
    finally:
        elsewhere.close()
        archive.close()
