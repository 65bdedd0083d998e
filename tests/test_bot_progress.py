"""Long admin work talks: an uploaded file is acknowledged at once, then one message is edited
with the import's progress at most every INGEST_PROGRESS_SECONDS (3 s), then becomes the report;
a failure reaches admins in Vietnamese with the technical reason on a second, smaller line."""

from __future__ import annotations

import json
import random
import time

from bot import texts
from bot.settings import load_settings
from index import Archive
from index.crawl import CrawlIssue

from .conftest import SAMPLE
from .fakebotapi import FakeBotAPI
from .test_bot import ADMIN, ingest_report


def _large_file(records: int) -> bytes:
    """Records of real sample words, shuffled (each one a new article)."""
    words = " ".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLE.rglob("*.txt"))[:20])
    vocabulary = words.split()
    pick = random.Random(14).choice
    lines = [
        json.dumps(
            {
                "title": f"Bài nhập thử {n}: " + " ".join(pick(vocabulary) for _ in range(8)),
                "date": "02/01/2024",
                "body": " ".join(pick(vocabulary) for _ in range(120)),
            },
            ensure_ascii=False,
        )
        for n in range(records)
    ]
    return "\n".join(lines).encode()


class _PacedArchive(Archive):
    """Each stored batch of records takes at least 1.2 s more, so the import lasts longer than
    two progress periods however fast the machine is (a quiet machine imports 400 in < 3 s)."""

    def ingest_bytes(self, data, name, suffix, progress=None, **kwargs):  # type: ignore[no-untyped-def]
        def paced(done: int, total: int | None) -> None:
            if progress is not None:
                progress(done, total)
            time.sleep(1.2)

        return super().ingest_bytes(data, name, suffix, paced, **kwargs)


def test_a_large_ingest_is_acknowledged_then_edited_at_most_every_3_s(
    fake_api: FakeBotAPI, start_bot
) -> None:
    start_bot(archive_class=_PacedArchive)
    every = load_settings().ingest_progress_seconds
    assert every == 3.0  # the default
    message = fake_api.send_document(ADMIN, "lon.jsonl", _large_file(400), caption="/ingest")
    received = fake_api.wait_reply(message)[0]
    assert received["text"].startswith("📥 Đã nhận tệp “lon.jsonl” (")
    # paced to last at least 4.8 s: on a loaded machine (the CI beside other work) it took
    # more than the usual 15 s of waiting; how long it takes is not what this test checks
    report = ingest_report(fake_api, message, timeout=90)
    assert report["message_id"] == received["message_id"]  # one message, edited
    assert "thêm mới 400" in report["text"]
    sent = next(c for c in fake_api.recorded("sendMessage") if "Đã nhận tệp" in c.params["text"])
    edits = [
        c
        for c in fake_api.recorded("editMessageText")
        if c.params["message_id"] == str(received["message_id"])
        and c.params["text"].startswith("⏳ Đang nhập tệp “lon.jsonl”: đã xử lý ")
    ]
    assert edits, "no progress edit during the import"
    moments = [sent.at] + [c.at for c in edits]
    gaps = [later - earlier for earlier, later in zip(moments, moments[1:], strict=False)]
    assert min(gaps) >= every - 0.05, gaps


class _BrokenArchive(Archive):
    def ingest_bytes(self, data, name, suffix, progress=None):  # type: ignore[no-untyped-def]
        raise OSError("disk full: /var/lib/tin-so-bot")


def test_a_failed_ingest_is_said_in_vietnamese_with_the_reason_below(
    fake_api: FakeBotAPI, start_bot
) -> None:
    start_bot(archive_class=_BrokenArchive)
    message = fake_api.send_document(ADMIN, "bai.jsonl", b'{"title": "x"}', caption="/ingest")
    received = fake_api.wait_reply(message)[0]
    failed = fake_api.wait_for(
        lambda: (
            (m := fake_api.message(ADMIN["id"], received["message_id"]))["text"].startswith("❌")
            and m
        )
    )
    first, second = failed["text"].split("\n")
    assert first == texts.INGEST_FAILED.format(name="bai.jsonl")
    assert second == "Chi tiết kỹ thuật: OSError: disk full: /var/lib/tin-so-bot"
    assert [e["type"] for e in failed["entities"]] == ["italic"]


def test_a_crawl_error_is_vietnamese_with_the_technical_reason_below(
    fake_api: FakeBotAPI, start_bot, tmp_path
) -> None:
    from .test_bot_crawl import sources_file

    start_bot(sources_file=sources_file(tmp_path), crawl_check_seconds=0)
    command = fake_api.send_text(ADMIN, "/crawl http://127.0.0.1:9/tin-tuc/bai-1.html")
    progress = fake_api.wait_reply(command)[0]
    summary = fake_api.wait_for(
        lambda: (
            "Chi tiết kỹ thuật"
            in (m := fake_api.message(ADMIN["id"], progress["message_id"]))["text"]
            and m
        ),
        timeout=30,
    )
    lines = summary["text"].split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("Chi tiết kỹ thuật: "))
    assert lines[at - 1].endswith(texts.CRAWL_ISSUES_SHORT[CrawlIssue.ROBOTS_UNREACHABLE])
    assert "connection failed" in lines[at]  # the technical reason, as the crawler gave it
    assert "italic" in [e["type"] for e in summary["entities"]]


def test_a_failed_crawl_says_why_on_a_second_line() -> None:
    from bot.crawl_jobs import CrawlFailure, CrawlOutcome
    from bot.render import HTML, PLAIN, render_crawl_summary

    failed = CrawlOutcome("so-<b>", failure=CrawlFailure.FAILED, detail="OSError: disk <full>")
    (text,) = render_crawl_summary([failed], HTML)
    assert text.split("\n")[:2] == [
        "Nguồn “so-&lt;b&gt;”: ❌ không thu thập được; chi tiết lỗi đã được ghi vào nhật ký.",
        "<i>Chi tiết kỹ thuật: OSError: disk &lt;full&gt;</i>",
    ]
    (plain,) = render_crawl_summary(
        [failed, CrawlOutcome("so-2", failure=CrawlFailure.BUSY)], PLAIN
    )
    assert "• so-<b>: ❌ không thu thập được" in plain
    assert "\nChi tiết kỹ thuật: OSError: disk <full>" in plain
